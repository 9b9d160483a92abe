"""Long tasks on the reader's main thread while the story loads and while it is scrolled.

Serves a built `dist/` on this machine, opens it in Debian's Chromium (phone and desktop
sizes), waits for the page to settle, then scrolls it to the end with the mouse wheel,
400 px every 100 ms, the way a reader skims. Chromium's own Long Tasks API reports every
task over 50 ms; the Long Animation Frames API says which script a slow frame ran.

    .venv/bin/python bench/reader.py [DIST] [--runs 3]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import statistics
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
WHEEL_PX, WHEEL_MS = 400, 100

OBSERVE = """
window.__slow = {tasks: [], frames: [], scrollFrom: null};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) __slow.tasks.push({start: e.startTime, duration: e.duration});
}).observe({type: "longtask", buffered: true});
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) __slow.frames.push({start: e.startTime, duration: e.duration,
    scripts: e.scripts.map((s) => `${s.sourceFunctionName || s.invoker} ${Math.round(s.duration)} ms`)});
}).observe({type: "long-animation-frame", buffered: true});
"""


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("dist", type=Path, nargs="?", default=REPO / "dist")
    options.add_argument("--runs", type=int, default=3)
    args = options.parse_args()
    if not (args.dist / "index.html").is_file():
        print(f"{args.dist}: no index.html; build the story first (python build.py)", file=sys.stderr)
        return 1
    handler = functools.partial(Quiet, directory=str(args.dist))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
    try:
        results = {name: [scroll_once(url, size) for _ in range(args.runs)] for name, size in VIEWPORTS.items()}
    finally:
        server.shutdown()
    print(report(results))
    return 0


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def scroll_once(url: str, viewport: dict) -> dict:
    """One fresh page: long tasks before the first scroll and during the scroll."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport=viewport)
        page.add_init_script(OBSERVE)
        page.goto(url, wait_until="load")
        page.wait_for_timeout(1000)
        page.evaluate("__slow.scrollFrom = performance.now()")
        while page.evaluate("scrollY + innerHeight < document.documentElement.scrollHeight - 2"):
            page.mouse.wheel(0, WHEEL_PX)
            page.wait_for_timeout(WHEEL_MS)
        page.wait_for_timeout(1000)
        slow = page.evaluate("__slow")
        browser.close()
    scrolled = slow["scrollFrom"]
    return {
        "load": [e["duration"] for e in slow["tasks"] if e["start"] < scrolled],
        "scroll": [e["duration"] for e in slow["tasks"] if e["start"] >= scrolled],
        "frames": [e for e in slow["frames"] if e["start"] >= scrolled],
    }


def report(results: dict) -> str:
    lines = [
        "| viewport | long tasks while loading | long tasks while scrolling | longest | slow frames while scrolling (median of runs) |",
        "|---|---|---|---|---|",
    ]
    for name, runs in results.items():
        longest = max([d for run in runs for d in run["load"] + run["scroll"]], default=0)
        lines.append(
            f"| {name} | {' / '.join(str(len(run['load'])) for run in runs)} | {' / '.join(str(len(run['scroll'])) for run in runs)} "
            f"| {longest:.0f} ms | {statistics.median(len(run['frames']) for run in runs):g} |"
        )
    scripts = sorted({script for runs in results.values() for run in runs for frame in run["frames"] for script in frame["scripts"]})
    lines += ["", f"Runs per viewport: {len(next(iter(results.values())))} (counts are per run, separated by /). "
              "A slow frame is a Long Animation Frame (over 50 ms from start to paint); scripts seen in them: "
              + (", ".join(scripts[:8]) or "none") + "."]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
