"""Save → new text visible in Chromium, with the dev server running (bench/live_reload.py).

Debian's Chromium (Playwright) opens the preview, scrolls to the first step of the first
scrolly section and waits for its chart to go live. Each edit adds a sentence to the
chapter; the time runs from just before the file is written to the first frame painted
after the sentence is in the page (a MutationObserver, installed in every document the tab
loads, sees it; a task queued in the next animation frame runs after that frame's paint).
After each edit the page is checked: was it patched in place or reloaded, and are the
reader's place (the same active step, at the same height on screen) and the live chart
(the same element) still there.
"""

from __future__ import annotations

import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
WATCH = """
(() => {
  const seen = () => {
    const marker = sessionStorage.getItem("bench-marker");
    if (!marker || sessionStorage.getItem("bench-seen") === marker) return;
    if (!document.body || !document.body.textContent.includes(marker)) return;
    sessionStorage.setItem("bench-seen", marker);
    requestAnimationFrame(() => setTimeout(() => sessionStorage.setItem(
      "bench-painted", JSON.stringify([marker, performance.timeOrigin + performance.now()])), 0));
  };
  new MutationObserver(seen).observe(document, {childList: true, subtree: true, characterData: true});
  document.addEventListener("DOMContentLoaded", seen);
})();
"""
STATE = """() => {
  const step = document.querySelector('.step[aria-current="step"]');
  const live = document.querySelector("figure.is-live");
  return {top: step && Math.round(step.getBoundingClientRect().top), step: step && step.id,
          chart: !!(live && live.benchMark), document: window.benchDocument || null};
}"""


def measure_in_browser(url: str, chapter: Path, edits: int, pause: float) -> dict:
    """Times (ms) from save to painted text, and how many edits kept the reader's place."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.add_init_script(WATCH)
        page = context.new_page()
        page.goto(url)
        page.wait_for_load_state("load")
        page.evaluate("() => document.querySelector('.step').scrollIntoView({block: 'center'})")
        page.wait_for_function(
            "() => document.querySelector('.step[aria-current=\"step\"]') && "
            "document.querySelector('figure.is-live')",
            timeout=30_000,
        )
        page.wait_for_timeout(1000)  # the dev script has fetched the page as built
        page.evaluate(
            "() => { document.querySelector('figure.is-live').benchMark = 1; "
            "window.benchDocument = 'first'; }"
        )
        before = page.evaluate(STATE)
        times, kept, reloads = [], 0, 0
        for number in range(edits):
            marker = f"Browser edit number {number} of this run."
            page.evaluate("m => sessionStorage.setItem('bench-marker', m)", marker)
            started = time.time() * 1000
            chapter.write_text(
                chapter.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8"
            )
            page.wait_for_function(
                "m => (JSON.parse(sessionStorage.getItem('bench-painted')) || [])[0] === m",
                arg=marker,
                timeout=30_000,
            )
            painted = page.evaluate("() => JSON.parse(sessionStorage.getItem('bench-painted'))[1]")
            times.append(painted - started)
            page.wait_for_timeout(pause * 1000)
            after = page.evaluate(STATE)
            reloads += after["document"] != "first"
            kept += after == before
            if after["document"] != "first":  # a reload: mark the new page's chart and document
                page.wait_for_function(
                    "() => document.querySelector('figure.is-live')", timeout=30_000
                )
                page.evaluate(
                    "() => { document.querySelector('figure.is-live').benchMark = 1; "
                    "window.benchDocument = 'first'; }"
                )
                before = page.evaluate(STATE)
        browser.close()
    return {"times": times, "kept": kept, "reloads": reloads}
