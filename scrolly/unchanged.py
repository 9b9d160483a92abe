"""A build with nothing changed keeps the output it would write again.

After a published build (`scrolly build`) the chart cache folder holds a record: a key
of everything the output came from (the project's files, the files its charts read
elsewhere, scrolly's code, the installed packages, the settings, the output folder) and
a digest of every file written. The next `scrolly build` whose key is the same, and
whose output folder still holds exactly those files, changes nothing and says so in the
usual line, with the warnings of the build it repeats. Keys hash contents, never
modification times. This module imports little, so such a build stays quick.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .problems import Problem

CACHE = ".scrolly-cache"  # the project's cache folder (charts, chapters, this record)
RECORD = "last-build.json"
FOLDERS = ("content", "charts", "templates")  # the project's inputs besides site.toml
SKIPPED = ("__pycache__",)  # written by Python, read by no build
VERSION = 1


@dataclass(frozen=True)
class Kept:
    """What the build that wrote the output said of it (a BuildResult's counts and warnings)."""

    chapters: int
    charts: int
    files: int
    warnings: tuple[Problem, ...]
    digests: dict
    seconds: float = 0.0


def reuse(root: Path, out: Path, settings) -> Kept | None:
    """The stored result of the last build if nothing it came from has changed and `out`
    holds what it wrote; else None (then the caller builds)."""
    try:
        record = json.loads((root / CACHE / RECORD).read_text(encoding="utf-8"))
        if record.get("version") != VERSION:
            return None
        key = inputs_key(project_digest(root, out, settings), root, record["chart_inputs"])
        if key != record["key"] or not _holds(out, record["files"]):
            return None
        stored = record["result"]
        said = tuple(Problem(Path(p), n, text, more) for p, n, text, more in stored["warnings"])
        return Kept(**stored | {"warnings": said})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def remember(
    root: Path, project: bytes, files: dict, chart_inputs: dict, result: dict, known=None
):
    """Write the record of a build that wrote `files` (path -> bytes).

    `project` is `project_digest` as the build started (a file saved while it ran makes
    the next build build again); `chart_inputs` maps each chart to the inputs its cache
    key covers (names relative to charts/, or absolute); `result` is what `reuse`
    returns next time (JSON values); `known` maps paths to write.digests of their files.
    A record that cannot be written only costs the next build its time.
    """
    from .write import MARKER, MARKER_TEXT

    cache = root / CACHE
    written = {**files, MARKER: MARKER_TEXT}
    record = {
        "version": VERSION,
        "key": inputs_key(project, root, chart_inputs),
        "chart_inputs": chart_inputs,
        "files": {path: _sha256(data, path, known) for path, data in written.items()},
        "result": result,
    }
    try:
        cache.mkdir(parents=True, exist_ok=True)
        temporary = cache / f".{RECORD}.{os.getpid()}"
        temporary.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, cache / RECORD)
    except OSError:
        forget(root)


def remember_build(root: Path, project: bytes, files: dict, charts: dict, result) -> None:
    """Record a published build (a BuildResult), unless one of its charts must not be
    cached: that chart is compiled again by every build."""
    if any(chart.warning is not None for chart in charts.values()):
        forget(root)
        return
    stored = {
        "chapters": result.chapters,
        "charts": result.charts,
        "files": result.files,
        "digests": result.digests,
        "warnings": [[str(w.path), w.line, w.message, w.detail] for w in result.warnings],
    }
    inputs = {name: list(chart.inputs) for name, chart in charts.items()}
    remember(root, project, files, inputs, stored, result.digests)


def forget(root: Path) -> None:
    """Remove the record: the next build builds (after a chart that cannot be cached)."""
    try:
        (root / CACHE / RECORD).unlink(missing_ok=True)
    except OSError:
        pass


def inputs_key(project: bytes, root: Path, chart_inputs: dict) -> str:
    """A hash of everything a published build's output depends on: the project's files
    and the files its charts read (which are known once they are compiled)."""
    digest = hashlib.sha256(project)
    charts = root / "charts"
    for chart, inputs in sorted(chart_inputs.items()):
        digest.update(f"<chart {chart}>".encode() + b"\0")
        for name in inputs:
            _add_input(digest, charts, name)
    return digest.hexdigest()


def project_digest(root: Path, out: Path, settings) -> bytes:
    """A hash of the project's own files, scrolly's code, the installed packages, the
    settings and the output folder."""
    digest = hashlib.sha256()
    # the folders as named too: problems name files the way the command was given them
    where = (root, root.resolve(), out, out.resolve(), os.getcwd())
    for part in (str(VERSION), sys.version, repr(settings), *map(str, where)):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(installed())
    _add_tree(digest, Path(__file__).parent, "scrolly")
    _add_file(digest, root / "site.toml", "site.toml")
    for name in FOLDERS:
        _add_tree(digest, root / name, name)
    return digest.digest()


def installed() -> bytes:
    """The names (with versions) of the distributions installed where Python imports from."""
    names = []
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        names += [entry for entry in entries if entry.endswith((".dist-info", ".egg-info"))]
    return "\0".join(sorted(names)).encode("utf-8", "surrogateescape")


def _add_file(digest, path: str | Path, shown: str) -> None:
    try:
        with open(path, "rb") as file:  # plain open(): a Path costs 4× as much a file
            data = file.read()
    except FileNotFoundError:
        data = b"<missing>"
    except OSError:  # the build reports it, and records nothing
        data = b"<unreadable>"
    digest.update(shown.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(hashlib.sha256(data).digest())


def _add_tree(digest, folder: Path, shown: str) -> None:
    """Every file under `folder` (following links, once each), by name and content."""
    seen: set[str] = set()
    for here, folders, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(here)
        if real in seen:
            folders[:] = []
            continue
        seen.add(real)
        folders[:] = sorted(name for name in folders if name not in SKIPPED)
        prefix = f"{shown}/{os.path.relpath(here, folder)}/"
        for name in sorted(files):
            _add_file(digest, os.path.join(here, name), prefix + name)
    digest.update(f"<end of {shown}>".encode("utf-8", "surrogateescape") + b"\0")


def _add_input(digest, charts: Path, name: str) -> None:
    """One input a chart read, as its cache key sees it (a file's content, a folder's names)."""
    from .charts.reads import input_bytes

    digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(hashlib.sha256(input_bytes(charts, name)).digest())


def _sha256(data: bytes, path: str, known: dict | None) -> str:
    """The file's sha256; write.digests took it already of every file but HTML (which it
    takes without the stylesheet links)."""
    if known and path in known and not path.endswith(".html"):
        return known[path]
    return hashlib.sha256(data).hexdigest()


def _holds(out: Path, files: dict[str, str]) -> bool:
    """Whether `out` holds exactly these files (path -> sha256 of the content)."""
    found = {}
    for here, folders, names in os.walk(out):
        for name in names:
            path = os.path.join(here, name)
            found[os.path.relpath(path, out).replace(os.sep, "/")] = path
        if len(found) > len(files):
            return False
    if found.keys() != files.keys():
        return False
    for relative, path in found.items():
        with open(path, "rb") as file:
            if hashlib.file_digest(file, "sha256").hexdigest() != files[relative]:
                return False
    return True
