"""Page weight of a built story against the reader budgets (gzip sizes, as a host serves them).

    python bench/page_weight.py DIST

Budgets: scrolly's runtime (the script that carries data-vega) at most 15 KB gzip; all
JavaScript together at most 320 KB gzip; no script blocks the first paint (every script
tag is a module, or async/defer). Exits 1 when a budget is exceeded.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

RUNTIME_BUDGET = 15 * 1024
ALL_JS_BUDGET = 320 * 1024


def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def measure(dist: Path) -> dict[str, list[tuple[str, int, int]]]:
    """Files by role: (path, raw bytes, gzip bytes)."""
    html = (dist / "index.html").read_text(encoding="utf-8")
    tags = re.findall(r"<script\b[^>]*>", html)
    scripts = [re.search(r'\bsrc="([^"]+)"', tag).group(1) for tag in tags if " src=" in tag]
    runtime = [re.search(r'\bsrc="([^"]+)"', tag).group(1) for tag in tags if "data-vega=" in tag]
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
        print(f"{role:28} {len(files):3} files {raw / 1024:9.1f} KB raw {packed / 1024:8.1f} KB gzip")
    runtime = sum(f[2] for f in groups["scrolly runtime"])
    all_js = sum(f[2] for f in groups["all page scripts (modules)"] + groups["js loaded later (Vega)"])
    blocking = len(groups["blocking scripts"])
    ok = runtime <= RUNTIME_BUDGET and all_js <= ALL_JS_BUDGET and not blocking
    print(
        f"budget: runtime {runtime / 1024:.1f} / {RUNTIME_BUDGET / 1024:.0f} KB gzip, "
        f"all JS {all_js / 1024:.1f} / {ALL_JS_BUDGET / 1024:.0f} KB gzip, blocking scripts {blocking}: {'ok' if ok else 'OVER'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
