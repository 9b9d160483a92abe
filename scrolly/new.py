"""`scrolly new DIR`: write a small, real starter story that builds and checks at once.

The starter's files are package data (scrolly/starter/), copied as they are except for
two placeholders: __TITLE__ (in site.toml and README.md) and __VERSION__ (requirements.txt).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from . import __version__

RENAMED = {"gitignore": ".gitignore"}  # stored without the dot, which package data would drop
DEFAULT_TITLE = "How long is a day?"


class NewError(Exception):
    """A folder `new` will not write into; the message says why and what to do."""


def starter_files(title: str = DEFAULT_TITLE) -> dict[str, bytes]:
    """The starter project, by path relative to its folder, with its title filled in."""
    files = {}
    for path, data in _walk(resources.files("scrolly") / "starter", ""):
        name = RENAMED.get(path, path)
        if name == "site.toml":
            data = data.replace(b'"__TITLE__"', json.dumps(title, ensure_ascii=False).encode())
        elif name == "README.md":
            data = data.replace(b"__TITLE__", title.encode())
        elif name == "requirements.txt":
            data = data.replace(b"__VERSION__", __version__.encode())
        files[name] = data
    return dict(sorted(files.items()))


def _walk(folder, prefix: str):
    for entry in folder.iterdir():
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        path = f"{prefix}{entry.name}"
        if entry.is_dir():
            yield from _walk(entry, path + "/")
        else:
            yield path, entry.read_bytes()


def new_project(folder: Path, title: str | None = None, force: bool = False) -> list[str]:
    """Write the starter into `folder` (made if missing); returns the paths written.

    A folder with anything in it is refused unless `force`: then the starter's files
    replace files of the same name and every other file is left alone.
    """
    title = title or DEFAULT_TITLE
    if folder.exists() and not folder.is_dir():
        raise NewError(f"{folder}:1: this is a file, not a folder: choose another name")
    if not force and folder.is_dir() and any(folder.iterdir()):
        raise NewError(
            f"{folder}:1: the folder is not empty: choose a new or empty folder, or add --force"
            " to write the starter's files into it (files of the same name are replaced, "
            "others kept)"
        )
    files = starter_files(title)
    for name, data in files.items():
        target = folder / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except OSError as err:
            raise NewError(f"{target}:1: cannot write the file: {err.strerror or err}") from None
    return list(files)
