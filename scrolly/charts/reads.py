"""What a chart module read while it ran: the inputs its cache key covers.

Python's audit hooks hear every file opened (also by os.open, sqlite3 and imports) and
every folder listed. Each file is noted twice, as named and with its links resolved, so a
data folder that is a symlink to somewhere else is followed like any other; files
anywhere on disk count, not only those under charts/. What a module learns another way
(a program it runs, a child it forks, the network) cannot be followed: such a chart is
marked `untracked` and is never cached.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

# audit event -> what the module then does that scrolly cannot follow
UNTRACKED = {
    "subprocess.Popen": "runs a program",
    "os.system": "runs a program",
    "os.exec": "runs a program",
    "os.posix_spawn": "runs a program",
    "os.spawn": "runs a program",
    "os.fork": "forks a process",
    "os.forkpty": "forks a process",
    "socket.connect": "uses the network",
    "socket.sendto": "uses the network",
}
LISTINGS = ("os.listdir", "os.scandir")
FOLDER = "/"  # the mark of a folder listing among a chart's inputs: "data/" (its names count)


@dataclass
class Reads:
    """What one recording heard: absolute paths of files opened and folders listed, and the
    first thing it could not follow, as (what, event, file, line)."""

    files: set[str] = field(default_factory=set)
    folders: set[str] = field(default_factory=set)
    untracked: tuple[str, str, str, int] | None = None


class ReadRecorder:
    """Collects what is read inside `recording()` blocks.

    Audit hooks belong to the whole process and can never be removed: a process makes one
    recorder and keeps it (a worker keeps it between tasks).
    """

    def __init__(self):
        self.stack: list[Reads] = []
        sys.addaudithook(self._hear)

    def _hear(self, event: str, args: tuple) -> None:
        if not self.stack:
            return
        reads = self.stack[-1]
        if event == "open" or event == "sqlite3.connect":
            if isinstance(args[0], (str, bytes, os.PathLike)):
                _add(reads.files, _source_of(os.fsdecode(args[0])))
        elif event in LISTINGS:
            listed = args[0] if args and args[0] is not None else "."
            if isinstance(listed, (str, bytes, os.PathLike)) and not _by_import_system():
                _add(reads.folders, os.fsdecode(listed))
        elif event in UNTRACKED and reads.untracked is None:
            reads.untracked = (UNTRACKED[event], event, *_module_line())

    @contextlib.contextmanager
    def recording(self):
        self.stack.append(Reads())
        try:
            yield self.stack[-1]
        finally:
            self.stack.pop()


def _add(paths: set[str], name: str) -> None:
    """Note a path as named (made absolute) and with its links resolved."""
    if name in ("", ":memory:") or "\0" in name:
        return
    paths.add(os.path.abspath(name))
    with contextlib.suppress(OSError, RuntimeError, ValueError):
        paths.add(os.path.realpath(name))


def _source_of(name: str) -> str:
    """An import reads a module's cached bytecode, not its source: count the source."""
    if name.endswith(".pyc") and "__pycache__" in name:
        with contextlib.suppress(ValueError, NotImplementedError):
            return importlib.util.source_from_cache(name)
    return name


def _by_import_system() -> bool:
    """Whether the folder being listed is listed by Python's import machinery (which lists
    every folder on sys.path it looks in), not by the module itself."""
    caller = sys._getframe(2)  # 0: this function, 1: the hook, 2: who listed the folder
    return caller.f_code.co_filename.startswith("<frozen importlib")


def _module_line() -> tuple[str, int]:
    """The file and line of the innermost frame outside Python's own and installed code."""
    skipped = {os.path.abspath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if (
            not filename.startswith("<")
            and filename != __file__
            and not any(os.path.abspath(filename).startswith(prefix + os.sep) for prefix in skipped)
        ):
            return filename, frame.f_lineno
        frame = frame.f_back
    return "", 1


def tracked_inputs(reads: list[Reads], module: Path) -> tuple[str, ...]:
    """The inputs a chart's key covers: files and listed folders (marked with a trailing
    '/'), relative to the module's folder when under it, else absolute; the module excluded.
    """
    folder = os.path.abspath(module.parent)
    itself = {os.path.abspath(module), os.path.realpath(module)}
    names = set()
    for heard in reads:
        names |= {_relative(p, folder) for p in heard.files - itself}
        names |= {_relative(p, folder).rstrip(os.sep) + FOLDER for p in heard.folders}
    return tuple(sorted(names))


def _relative(path: str, folder: str) -> str:
    return os.path.relpath(path, folder) if path.startswith(folder + os.sep) else path


def untracked_reason(reads: list[Reads]) -> tuple[str, str, str, int] | None:
    return next((heard.untracked for heard in reads if heard.untracked), None)


def input_bytes(folder: Path, name: str) -> bytes:
    """What an input is now, for the key: a file's content, a folder's sorted names."""
    if name.endswith(FOLDER):
        listed = folder / (name[: -len(FOLDER)] or FOLDER)
        try:
            return b"<folder>" + "\0".join(sorted(os.listdir(listed))).encode(
                "utf-8", "surrogateescape"
            )
        except OSError:
            return b"<no folder>"
    file = folder / name
    try:
        return file.read_bytes() if file.is_file() else b"<missing>"
    except OSError:
        return b"<unreadable>"
