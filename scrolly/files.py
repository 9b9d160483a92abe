"""Reading the author's files: every way a file can fail to be read is a `path:line` problem.

A project is a folder an author keeps by hand, so it can hold anything: a symlink to a
file that was moved, a folder whose name ends in `.md`, a file only another user may
read. Each of those is the author's to fix, and is said in their terms.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from .problems import Problem, ProjectError


def read_text(path: Path, kind: str) -> str:
    """The UTF-8 text of `path` (a leading BOM dropped); `kind` names what the file is
    ("chapter", "chart module", …) in the problem raised when it cannot be read."""
    data = read_bytes(path, kind)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise ProjectError(
            [
                Problem(
                    path,
                    line,
                    f"not UTF-8 text (byte 0x{data[err.start]:02x}); save the file as UTF-8",
                )
            ]
        )


def read_bytes(path: Path, kind: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise ProjectError([Problem(path, 1, unreadable(path, err, kind))])


FOLDER_HINTS = {  # what to do about a folder where a file of this kind is expected
    "chapter": "a chapter is a Markdown file; rename the folder so that its name does not end "
    "in .md",
    "chart module": "a chart is a Python file; rename the folder so that its name does not "
    "end in .py",
    "site.toml": "site.toml is the story's settings file; put the file in the folder's place "
    '(at least: title = "…")',
    "template": "a template is an HTML file; rename the folder or move it out of templates/",
}


def unreadable(path: Path, err: OSError, kind: str) -> str:
    """Why the file at `path` cannot be read as a `kind`, and what to do about it."""
    if path.is_symlink() and not path.exists():
        return (
            f"this {kind} is a symbolic link to {os.readlink(path)}, which does not exist: "
            "fix the link or remove it"
        )
    if isinstance(err, IsADirectoryError) or path.is_dir():
        return f"this is a folder, not a file: {FOLDER_HINTS.get(kind, 'rename or move it')}"
    if isinstance(err, PermissionError) or err.errno == errno.EACCES:
        return (
            f"cannot read this {kind}: permission denied (give your user read access, for "
            f"example: chmod u+r {path})"
        )
    if isinstance(err, FileNotFoundError):
        return f"this {kind} disappeared while it was being read: save it again"
    return f"cannot read this {kind}: {err.strerror or err}"


def unreadable_files(paths: dict[str, Path], kind: str) -> list[Problem]:
    """A problem for each file of `paths` that cannot be opened for reading."""
    problems = []
    for path in paths.values():
        try:
            with path.open("rb"):
                pass
        except OSError as err:
            problems.append(Problem(path, 1, unreadable(path, err, kind)))
    return problems


def template_files(root: Path) -> dict[str, Path]:
    """The files of the project's templates/ folder, dangling symbolic links included
    (Jinja would pass over them silently and use scrolly's template instead)."""
    folder = root / "templates"
    found = sorted(folder.rglob("*")) if folder.is_dir() else []
    return {
        str(path): path
        for path in found
        if path.is_file() or (path.is_symlink() and not path.exists())
    }
