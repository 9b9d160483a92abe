"""Stage 5: write the site, all or nothing.

The new site is written into a temporary folder beside the output and swapped in with
one atomic rename, so a failed or killed build leaves the previous output as it was.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from .problems import Problem, ProjectError

MARKER = ".scrolly-output"
INPUT_FOLDERS = ("content", "charts", "templates")  # the author's own files: never an output folder
MARKER_TEXT = b"This folder is written by scrolly: every build replaces all of it.\n"
STYLESHEET_LINK = re.compile(rb"<link\b[^>]*\brel=\"stylesheet\"[^>]*>")


def check_output(root: Path, out: Path) -> None:
    """Refuse an output folder that would overwrite the project or someone's files."""
    project, target = root.resolve(), out.resolve()
    if target == project or project.is_relative_to(target):
        raise ProjectError(
            [
                Problem(
                    out,
                    1,
                    f"the output folder {out} is the project folder {root} or contains it: "
                    "every build replaces the output folder whole, so choose another one, "
                    f"like {root / 'dist'}",
                )
            ]
        )
    for name in INPUT_FOLDERS:
        if target.is_relative_to(project / name) or target.is_relative_to((root / name).resolve()):
            raise ProjectError(
                [
                    Problem(
                        out,
                        1,
                        f"the output folder {out} is the project's {name}/ folder or inside "
                        "it, where your own files are: every build replaces the output "
                        f"folder whole, so choose another one, like {root / 'dist'}",
                    )
                ]
            )
    if target.exists() and not target.is_dir():
        raise ProjectError(
            [
                Problem(
                    out,
                    1,
                    "the output path is a file, not a folder: remove it or choose another --out",
                )
            ]
        )
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).exists():
        raise ProjectError(
            [
                Problem(
                    out,
                    1,
                    "the output folder is not empty and was not written by scrolly (no "
                    f"{MARKER} file in it): every build replaces it whole, so choose an empty "
                    "or new folder",
                )
            ]
        )


def write_site(files: dict[str, bytes], out: Path) -> None:
    """Write every file into `out`, replacing what was there in one step."""
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(parent, out.name)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-{os.getpid()}-", dir=parent))
    except (FileExistsError, NotADirectoryError):
        blocker = next(
            (p for p in [parent, *parent.parents] if p.exists() and not p.is_dir()), parent
        )
        raise ProjectError(
            [Problem(out, 1, f"cannot write the output folder: {blocker} is a file, not a folder")]
        )
    except OSError as err:
        raise ProjectError(
            [Problem(out, 1, f"cannot write the output folder: {err.strerror or err}")]
        )
    try:
        for relative, data in files.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (staging / MARKER).write_bytes(MARKER_TEXT)
        staging.chmod(0o755)
        _swap(staging, out.resolve())
    except OSError as err:
        raise ProjectError(
            [Problem(out, 1, f"cannot write the output folder: {err.strerror or err}")]
        )
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def digests(files: dict[str, bytes]) -> dict[str, str]:
    """A digest of each file's content, to tell which files a rebuild changed.

    HTML is digested without its stylesheet links: their hashed names change whenever
    the styles do, and a change of styles alone should show as a change of styles only
    (the dev server then refreshes them without reloading the page).
    """
    return {
        path: hashlib.sha256(
            STYLESHEET_LINK.sub(b"", data) if path.endswith(".html") else data
        ).hexdigest()
        for path, data in files.items()
    }


def _swap(staging: Path, out: Path) -> None:
    """Put `staging` at `out`; afterwards `staging` holds the old output, if any."""
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        return
    old = staging.with_name(staging.name + "-old")
    os.rename(out, old)
    os.rename(staging, out)
    os.rename(old, staging)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2(RENAME_EXCHANGE); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def _remove_stale(parent: Path, name: str) -> None:
    """Remove staging folders left by builds that were killed (their process is gone)."""
    prefix = f".{name}.building-"
    for stale in parent.glob(f"{glob.escape(prefix)}*"):
        pid = stale.name.removeprefix(prefix).split("-")[0]
        if stale.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
