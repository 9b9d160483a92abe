"""What a reader's browser pays for the story: long tasks, bytes, and input delay.

Serves a built `dist/` on this machine and opens it in Debian's Chromium, as a phone
(390×844 at DPR 3, touch, the CPU slowed 4× through DevTools' CPU throttling, as
Lighthouse's mobile preset does) and as a desktop (1280×800, no throttling). It waits for
the page to settle, then scrolls it to the end with the mouse wheel, 400 px every 100 ms,
the way a reader skims, then steps through a section with the keyboard.

- Long tasks (over 50 ms) while loading and while scrolling: Chromium's Long Tasks API;
  the Long Animation Frames API says which script a slow frame ran.
- Bytes before first contentful paint: every resource the browser's own Resource Timing
  shows requested before FCP (and the page), at its gzip size (level 6, as a host serves
  it; the local server does not compress).
- Bytes for a reader who scrolls the whole story, and the JavaScript among them.
- Interaction to next paint of the step keys (J): the longest Event Timing entry.

    .venv/bin/python bench/reader.py [DIST] [--runs 3]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import statistics
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
VIEWPORTS = {
    "phone": dict(
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    ),
    "desktop": dict(viewport={"width": 1280, "height": 800}),
}
THROTTLE = {"phone": 4, "desktop": 1}  # CPU slowdown, as Lighthouse's mobile preset
WHEEL_PX, WHEEL_MS = 400, 100
KEY_PRESSES = 4

OBSERVE = """
window.__slow = {tasks: [], frames: [], scrollFrom: null};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) __slow.tasks.push({start: e.startTime, duration: e.duration});
}).observe({type: "longtask", buffered: true});
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) __slow.frames.push({start: e.startTime, duration: e.duration,
    scripts: e.scripts.map((s) => `${s.sourceFunctionName || s.invoker} ${Math.round(s.duration)} ms`)});
}).observe({type: "long-animation-frame", buffered: true});
window.__slow.events = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) __slow.events.push({name: e.name, duration: e.duration});
}).observe({type: "event", buffered: true, durationThreshold: 16});
"""


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("dist", type=Path, nargs="?", default=REPO / "dist")
    options.add_argument("--runs", type=int, default=3)
    args = options.parse_args()
    if not (args.dist / "index.html").is_file():
        print(
            f"{args.dist}: no index.html; build the story first (python build.py)", file=sys.stderr
        )
        return 1
    handler = functools.partial(Quiet, directory=str(args.dist))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
    try:
        results = {
            name: [scroll_once(url, name, args.dist) for _ in range(args.runs)]
            for name in VIEWPORTS
        }
    finally:
        server.shutdown()
    print(report(results))
    return 0


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def scroll_once(url: str, device: str, dist: Path) -> dict:
    """One fresh page: long tasks before and during the scroll, bytes, input delay."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(**VIEWPORTS[device])
        page = context.new_page()
        context.new_cdp_session(page).send(
            "Emulation.setCPUThrottlingRate", {"rate": THROTTLE[device]}
        )
        page.add_init_script(OBSERVE)
        page.goto(url, wait_until="load")
        page.wait_for_timeout(1500)
        early = page.evaluate(RESOURCES)
        page.evaluate("__slow.scrollFrom = performance.now()")
        while page.evaluate("scrollY + innerHeight < document.documentElement.scrollHeight - 2"):
            page.mouse.wheel(0, WHEEL_PX)
            page.wait_for_timeout(WHEEL_MS)
        page.wait_for_timeout(1000)
        slow = page.evaluate("__slow")
        every = page.evaluate(RESOURCES)
        page.evaluate("document.querySelector('.step').scrollIntoView({block: 'center'})")
        page.wait_for_timeout(800)
        page.evaluate("__slow.events = []")
        for _ in range(KEY_PRESSES):
            page.keyboard.press("j")
            page.wait_for_timeout(600)
        keys = page.evaluate("__slow.events")
        browser.close()
    scrolled = slow["scrollFrom"]
    before_paint = [r["name"] for r in early["resources"] if r["start"] < early["fcp"]]
    return {
        "load": [e["duration"] for e in slow["tasks"] if e["start"] < scrolled],
        "scroll": [e["duration"] for e in slow["tasks"] if e["start"] >= scrolled],
        "frames": [e for e in slow["frames"] if e["start"] >= scrolled],
        "fcp_ms": early["fcp"],
        "before_paint": gzip_bytes(dist, ["index.html", *before_paint]),
        "all": gzip_bytes(dist, ["index.html", *(r["name"] for r in every["resources"])]),
        "js": gzip_bytes(
            dist, [r["name"] for r in every["resources"] if r["name"].endswith(".js")]
        ),
        "inp": max(
            (e["duration"] for e in keys if e["name"] in ("keydown", "keyup", "keypress")),
            default=0,
        ),
    }


RESOURCES = """() => ({
  fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {startTime: Infinity}).startTime,
  resources: performance.getEntriesByType('resource').map((r) => ({
    name: new URL(r.name).pathname.replace(/^\\//, ''), start: r.startTime})),
})"""


def gzip_bytes(dist: Path, names: list[str]) -> int:
    """The files' size as a host would send them (gzip level 6), each file once."""
    files = [dist / name for name in dict.fromkeys(names)]
    return sum(len(gzip.compress(f.read_bytes(), 6, mtime=0)) for f in files if f.is_file())


def report(results: dict) -> str:
    lines = [
        "| viewport | long tasks while loading | long tasks while scrolling | longest | slow frames while scrolling (median of runs) "
        "| gzip before first paint | gzip, whole story scrolled | of which JS | step key, interaction to next paint |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, runs in results.items():
        longest = max([d for run in runs for d in run["load"] + run["scroll"]], default=0)

        def median_kb(key):
            return f"{statistics.median(run[key] for run in runs) / 1024:.1f} KB"

        lines.append(
            f"| {name} | {' / '.join(str(len(run['load'])) for run in runs)} | {' / '.join(str(len(run['scroll'])) for run in runs)} "
            f"| {longest:.0f} ms | {statistics.median(len(run['frames']) for run in runs):g} "
            f"| {median_kb('before_paint')} | {median_kb('all')} | {median_kb('js')} "
            f"| {statistics.median(run['inp'] for run in runs):.0f} ms |"
        )
    scripts = sorted(
        {
            script
            for runs in results.values()
            for run in runs
            for frame in run["frames"]
            for script in frame["scripts"]
        }
    )
    lines += [
        "",
        f"Runs per viewport: {len(next(iter(results.values())))} (counts are per run, separated by /; "
        f"the other figures are medians). The phone's CPU is slowed {THROTTLE['phone']}×. "
        "A slow frame is a Long Animation Frame (over 50 ms from start to paint); scripts seen in them: "
        + (", ".join(scripts[:8]) or "none")
        + ".",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
