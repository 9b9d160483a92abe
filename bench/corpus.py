"""Count how many charts of a corpus build, go live and log nothing in Chromium.

Each chart module of the corpus (default: tests/fixtures/corpus/charts) is built alone,
in a project of its own with one figure, by the engine on PYTHONPATH (or the installed
one), then opened under the page's Content-Security-Policy; a chart is live when its
figure has turned live, and every console warning, error or policy violation counts.

    python bench/corpus.py [--corpus DIR] [--output FILE]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "tests" / "fixtures" / "corpus"
CHROMIUM = "/usr/bin/chromium"


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def project_for(corpus: Path, name: str, folder: Path) -> Path:
    root = folder / name
    shutil.copytree(corpus / "charts", root / "charts")
    for other in (root / "charts").glob("[!_]*.py"):
        if other.stem != name:
            other.unlink()
    (root / "content").mkdir()
    (root / "content" / "01-chart.md").write_text(
        f"---\ntitle: One chart\n---\n::: chart {name}\nThe chart.\n:::\n", encoding="utf-8"
    )
    (root / "site.toml").write_text(f'title = "{name}"\n', encoding="utf-8")
    return root


def build(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scrolly", "build", "--site", str(root)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def open_live(browser, folder: Path, name: str) -> tuple[bool, list[str]]:
    """(went live, console messages) of the chart's story page."""
    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    messages: list[str] = []
    page.on(
        "console",
        lambda m: (
            messages.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
        ),
    )
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/", wait_until="load")
        page.evaluate("window.scrolly.ready().then(() => true)")
        page.wait_for_timeout(300)
        live = page.evaluate(f"!!document.querySelector('figure[data-chart=\"{name}\"].is-live')")
    finally:
        context.close()
        server.shutdown()
    return live, messages


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    names = sorted(p.stem for p in (args.corpus / "charts").glob("[!_]*.py"))
    lines, built, live, noisy = [], 0, 0, 0
    with tempfile.TemporaryDirectory() as temp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name in names:
            root = project_for(args.corpus, name, Path(temp))
            result = build(root)
            if result.returncode != 0:
                problem = (result.stderr.strip().splitlines() or ["?"])[0]
                lines.append(f"| {name} | no | | {problem} |")
                continue
            built += 1
            went_live, messages = open_live(browser, root / "dist", name)
            live += went_live
            noisy += bool(messages)
            lines.append(
                f"| {name} | yes | {'yes' if went_live else 'no'} | "
                f"{len(messages)} {messages[0][:120] if messages else ''} |"
            )
        browser.close()
    report = "\n".join(
        [
            f"{len(names)} charts: {built} built, {live} live, {noisy} with console messages",
            "",
            "| chart | built | live | console |",
            "|---|---|---|---|",
            *lines,
            "",
        ]
    )
    if args.output:
        args.output.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
