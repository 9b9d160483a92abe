"""Watching the project for saves: one rebuild after each burst of saves has gone quiet.

Polling (every POLL seconds) rather than inotify: it works the same on every system and
in containers, and a project is a few hundred files at most.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .serve import Preview

POLL = 0.02  # seconds between two looks at the project's files
QUIET = 0.05  # a burst of saves (save-all, a branch switch) must pause this long: one rebuild, not one per file (mkdocs #2061)
WATCHED = ("site.toml", "content", "charts", "templates")
PACKAGE = Path(__file__).resolve().parent
PACKAGE_WATCHED = (PACKAGE / "templates", PACKAGE / "assets")  # scrolly's own templates and styles
SCRATCH = re.compile(
    r"^(\..*|#.*|.*~|.*\.sw[a-p]|4913|__pycache__)$"
)  # editors' and Python's temporary files


async def watch(preview: Preview, seen: dict) -> None:
    """Rebuild once after each burst of saves has been quiet for QUIET seconds (`seen`: the
    files as the last build read them)."""
    pending: set[Path] = set()
    last_change = 0.0
    while True:
        await asyncio.sleep(POLL)
        now = snapshot(preview.site)
        changed = {path for path in seen.keys() | now.keys() if seen.get(path) != now.get(path)}
        seen = now
        if changed:
            pending |= changed
            last_change = time.perf_counter()
        elif pending and time.perf_counter() - last_change >= QUIET:
            started = time.perf_counter()
            outcome = await in_thread(preview.attempt)
            print(
                preview.finish(outcome, describe_changes(pending, preview.site), started),
                flush=True,
            )
            pending = set()


def snapshot(site: Path) -> dict[Path, tuple[int, int, int]]:
    """Every file the build reads, with what changes when it is saved."""
    files = {}
    for top in [site / name for name in WATCHED] + list(PACKAGE_WATCHED):
        for path in [top] if top.is_file() else top.rglob("*"):
            if any(SCRATCH.match(part) for part in path.relative_to(top.parent).parts):
                continue
            try:
                stat = path.stat()
            except OSError:
                continue
            if not path.is_dir():
                files[path] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    return files


async def in_thread(function, *args):
    """Run `function` in a daemon thread, so the server answers during a long build and
    Ctrl+C does not wait for a chart that hangs."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def work():
        result = function(*args)
        try:
            loop.call_soon_threadsafe(lambda: future.done() or future.set_result(result))
        except RuntimeError:  # the server stopped during the build
            pass

    threading.Thread(target=work, daemon=True).start()
    return await future


def describe_changes(paths: set[Path], site: Path) -> str:
    names = sorted(relative_name(path, site) for path in paths)
    if len(names) == 1:
        return f"{names[0]} changed"
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"{len(names)} files changed ({shown})"


def relative_name(path: Path, site: Path) -> str:
    for base in (site, PACKAGE.parent):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return str(path)
