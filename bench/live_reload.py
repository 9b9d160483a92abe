"""How long from saving a file to the browser being told the preview is rebuilt.

Runs `python build.py serve` on a copy of the shipped project (in a temporary folder, so
the repo's own files are never edited), listens on the live-reload socket like a browser,
and times 20 edits of a chapter and 20 of each chart module: from just before the file is written to
the moment the server's message arrives. The server's own line for each rebuild gives the
build's share of that time; the rest is the watcher's polling and its quiet period. Then
Chromium shows the preview and 20 more chapter edits are timed to the text painted in the
page (bench/live_browser.py). `--engine DIR` serves with another checkout's scrolly (to
compare with an earlier version).

    .venv/bin/python bench/live_reload.py [--edits 20] [--project DIR] [--engine DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tornado import websocket

from live_browser import measure_in_browser

REPO = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("site.toml", "content", "charts", "templates")
PAUSE = 0.3  # seconds between edits, so each one is a burst of its own


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--edits", type=int, default=20)
    options.add_argument(
        "--project",
        type=Path,
        default=REPO,
        help="the project to copy (default: the repo's own story)",
    )
    options.add_argument(
        "--engine",
        type=Path,
        default=REPO,
        help="the checkout whose build.py serves (default: this one)",
    )
    options.add_argument("--no-browser", action="store_true", help="skip the Chromium part")
    args = options.parse_args()

    with tempfile.TemporaryDirectory(prefix="scrolly-bench-") as folder:
        root = Path(folder) / "project"
        copy_project(args.project, root)
        chapter = sorted((root / "content").glob("*.md"))[0]
        charts = sorted(
            path for path in (root / "charts").glob("*.py") if not path.name.startswith("_")
        )
        edits = [("chapter", chapter, edit_chapter)] + [
            (f"chart {path.stem}", path, edit_chart) for path in charts
        ]
        port = free_port()
        log = Path(folder) / "serve.log"
        with log.open("wb") as output:
            server = subprocess.Popen(
                [
                    sys.executable,
                    str(args.engine / "build.py"),
                    "serve",
                    "--site",
                    str(root),
                    "--port",
                    str(port),
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=args.engine,
            )
        try:
            wait_until_served(port, server, log)
            results = asyncio.run(measure_all(port, root, log, edits, args.edits))
            browser = (
                None
                if args.no_browser
                else measure_in_browser(f"http://127.0.0.1:{port}/", chapter, args.edits, PAUSE)
            )
        finally:
            server.terminate()
            server.wait(timeout=30)

    print(
        f"project: {args.project}; {args.edits} edits of each file: {', '.join(path.relative_to(root).as_posix() for _, path, _ in edits)}"
    )
    print("| edit | edit → rebuilt, median | p90 | rebuild alone (server's line), median | p90 |")
    print("|---|---|---|---|---|")
    for kind, (total, build) in results.items():
        print(
            f"| {kind} | {statistics.median(total):.0f} ms | {p90(total):.0f} ms | {statistics.median(build):.0f} ms | {p90(build):.0f} ms |"
        )
    if browser:
        times = browser["times"]
        print(
            f"\nChromium, {len(times)} chapter edits: save → text painted, median {statistics.median(times):.0f} ms, "
            f"p10–p90 {p10(times):.0f}–{p90(times):.0f} ms; patched in place {len(times) - browser['reloads']}, "
            f"reloaded {browser['reloads']}; scroll, active step and live chart kept in {browser['kept']}"
        )
    return 0


def copy_project(source: Path, target: Path) -> None:
    target.mkdir(parents=True)
    for part in PROJECT_PARTS:
        if (source / part).is_dir():
            shutil.copytree(
                source / part, target / part, ignore=shutil.ignore_patterns("__pycache__")
            )
        elif (source / part).is_file():
            shutil.copy(source / part, target / part)
    if (source / ".scrolly-cache").is_dir():  # a warm chart cache, as an author who built once has
        shutil.copytree(source / ".scrolly-cache", target / ".scrolly-cache")


def edit_chapter(path: Path, number: int) -> None:
    """A new sentence at the end of the chapter: the page changes, no chart does."""
    path.write_text(
        path.read_text(encoding="utf-8") + f"\nEdit number {number}.\n", encoding="utf-8"
    )


def edit_chart(path: Path, number: int) -> None:
    """A changed chart module: its content hash changes, so the chart is compiled again."""
    path.write_text(
        path.read_text(encoding="utf-8") + f"\n# edit number {number}\n", encoding="utf-8"
    )


async def measure_all(
    port: int, root: Path, log: Path, edits, count: int
) -> dict[str, tuple[list[float], list[float]]]:
    connection = await websocket.websocket_connect(f"ws://127.0.0.1:{port}/__scrolly/live")
    await connection.read_message()  # the state on connecting
    results = {}
    for kind, path, edit in edits:
        name = path.relative_to(root).as_posix()
        total, build = [], []
        while len(total) < count:
            lines_before = len(log.read_text(encoding="utf-8").splitlines())
            started = time.perf_counter()
            edit(path, len(total))
            message = json.loads(await asyncio.wait_for(connection.read_message(), 120))
            elapsed = (time.perf_counter() - started) * 1000
            if message["problems"]:
                raise SystemExit(f"the edit broke the project: {message['problems']}")
            line = await rebuild_line(log, lines_before)
            if line.startswith(
                f"{name} changed:"
            ):  # anything else was another file changing meanwhile
                total.append(elapsed)
                build.append(float(re.search(r"(\d+) ms$", line).group(1)))
            await asyncio.sleep(PAUSE)
            await drain(connection)
        results[kind] = (total, build)
    connection.close()
    return results


async def drain(connection) -> None:
    """Skip messages about rebuilds nobody timed (another file saved meanwhile)."""
    while True:
        try:
            await asyncio.wait_for(connection.read_message(), 0.05)
        except asyncio.TimeoutError:
            return


async def rebuild_line(log: Path, lines_before: int) -> str:
    """The server's terminal line about the rebuild (printed just after the message is sent)."""
    for _ in range(200):
        new = [
            line
            for line in log.read_text(encoding="utf-8").splitlines()[lines_before:]
            if " changed" in line
        ]
        if new:
            return new[0]
        await asyncio.sleep(0.01)
    raise SystemExit(f"no rebuild line in the server's output:\n{log.read_text(encoding='utf-8')}")


def wait_until_served(port: int, server: subprocess.Popen, log: Path, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped:\n{log.read_text(encoding='utf-8')}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the server did not answer within {timeout} s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def p10(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[0]


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


if __name__ == "__main__":
    sys.exit(main())
