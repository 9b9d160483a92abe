"""Page weight of a built story against the reader budgets (gzip sizes, as a host serves them).

    python bench/page_weight.py DIST

Budgets: scrolly's runtime (the script the page's loader names in data-runtime) at most 15 KB gzip; all
JavaScript together at most 320 KB gzip; no script blocks the first paint (every script
tag is a module, or async/defer). Exits 1 when a budget is exceeded.

This is the one page-weight measure: bench/run.py reports `site_weight` and
`first_paint` from here. "First paint" is what the page names before any script runs:
the HTML, its stylesheets, its script tags' files and the first chart picture (not the
runtime, which the page's loader fetches once the page has painted).
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

RUNTIME_BUDGET = 15 * 1024
ALL_JS_BUDGET = 320 * 1024
GZIP_LEVEL = 6  # what web servers commonly use
KINDS = {
    ".html": "HTML",
    ".css": "CSS",
    ".js": "JS",
    ".svg": "images",
    ".png": "images",
    ".jpg": "images",
    ".webp": "images",
    ".woff2": "fonts",
    ".woff": "fonts",
    ".ttf": "fonts",
    ".otf": "fonts",
    ".json": "data (JSON, CSV)",
    ".csv": "data (JSON, CSV)",
}


def gz(data: bytes) -> int:
    return len(gzip.compress(data, GZIP_LEVEL, mtime=0))


def gzipped(path: Path) -> int:
    return gz(path.read_bytes())


def site_weight(dist: Path) -> dict[str, list[int]]:
    """Every file of the built site by kind: [files, raw bytes, gzip bytes]."""
    kinds: dict[str, list[int]] = {
        kind: [0, 0, 0] for kind in ("HTML", "CSS", "JS", "images", "fonts")
    }
    for path in sorted(p for p in dist.rglob("*") if p.is_file() and not p.name.startswith(".")):
        data = path.read_bytes()
        totals = kinds.setdefault(KINDS.get(path.suffix, "other"), [0, 0, 0])
        totals[0] += 1
        totals[1] += len(data)
        totals[2] += gz(data)
    return kinds


def first_paint(dist: Path) -> list[tuple[str, int]]:
    """(file, gzip bytes) of what the page names before any script runs."""
    groups = measure(dist)
    names = [*groups["html"], *groups["css"], *groups["all page scripts (modules)"]]
    names += groups["static chart images"][:1]
    return [(name, packed) for name, _, packed in names]


def measure(dist: Path) -> dict[str, list[tuple[str, int, int]]]:
    """Files by role: (path, raw bytes, gzip bytes)."""
    html = (dist / "index.html").read_text(encoding="utf-8")
    tags = re.findall(r"<script\b[^>]*>", html)
    scripts = [re.search(r'\bsrc="([^"]+)"', tag).group(1) for tag in tags if " src=" in tag]
    runtime = re.findall(r'\bdata-runtime="([^"]+)"', html) or [
        re.search(r'\bsrc="([^"]+)"', tag).group(1) for tag in tags if "data-vega=" in tag
    ]  # a project's own story.html may still name it in a script tag
    blocking = [tag for tag in tags if not re.search(r'type="module"|\basync\b|\bdefer\b', tag)]
    lazy = re.findall(r'\bdata-vega="([^"]+)"', html)
    styles = re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', html)
    images = re.findall(r'<img[^>]*\bsrc="([^"]+)"', html)
    specs = re.findall(r'\bdata-spec="([^"]+)"', html)

    def rows(paths):
        return [(p, (dist / p).stat().st_size, gzipped(dist / p)) for p in dict.fromkeys(paths)]

    return {
        "html": rows(["index.html"]),
        "css": rows(styles),
        "scrolly runtime": rows(runtime),
        "all page scripts (modules)": rows(scripts),
        "blocking scripts": [(tag, len(tag), 0) for tag in blocking],
        "js loaded later (Vega)": rows(lazy),
        "chart specs loaded later": rows(specs),
        "static chart images": rows(images),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    dist = Path(argv[0])
    groups = measure(dist)
    for role, files in groups.items():
        raw, packed = sum(f[1] for f in files), sum(f[2] for f in files)
        print(
            f"{role:28} {len(files):3} files {raw / 1024:9.1f} KB raw {packed / 1024:8.1f} KB gzip"
        )
    painted = sum(size for _, size in first_paint(dist))
    print(f"{'before first paint':28}           {painted / 1024:26.1f} KB gzip")
    runtime = sum(f[2] for f in groups["scrolly runtime"])
    in_page = {f[0] for f in groups["all page scripts (modules)"]}
    later = [f for f in groups["scrolly runtime"] if f[0] not in in_page]  # after first paint
    all_js = sum(
        f[2] for f in groups["all page scripts (modules)"] + later + groups["js loaded later (Vega)"]
    )
    blocking = len(groups["blocking scripts"])
    ok = runtime <= RUNTIME_BUDGET and all_js <= ALL_JS_BUDGET and not blocking
    print(
        f"budget: runtime {runtime / 1024:.1f} / {RUNTIME_BUDGET / 1024:.0f} KB gzip, "
        f"all JS {all_js / 1024:.1f} / {ALL_JS_BUDGET / 1024:.0f} KB gzip, blocking scripts {blocking}: {'ok' if ok else 'OVER'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
