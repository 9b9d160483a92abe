#!/usr/bin/env python3
"""Gzip sizes of every first-paint picture, as vl-convert draws it and as smaller_svg makes it.

    python bench/svg_sizes.py [SITE ...]    (default: this repository and the corpus)

For each chart state a site's steps start in (and each chart's default state) it prints the
raw and smaller SVG's gzip bytes (level 9) and the ms smaller_svg took (the fastest of
five), then the totals.
"""

from __future__ import annotations

import gzip
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrolly.build import requested_states  # noqa: E402
from scrolly.charts import chart_paths, compile_chart  # noqa: E402
from scrolly.charts import pictures  # noqa: E402
from scrolly.config import load_config  # noqa: E402
from scrolly.content import read_chapters  # noqa: E402
from scrolly.svg import smaller_svg  # noqa: E402


def raw_pictures(site: Path) -> dict[str, str]:
    """Each chart state's SVG as vl-convert draws it, by 'chart' or 'chart state-values'."""
    config = load_config(site)
    states = requested_states(read_chapters(config))
    drawn: dict[str, str] = {}
    keep = pictures.smaller_svg
    for name, path in sorted(chart_paths(site).items()):
        for values in [{}] + states.get(name, []):
            seen: list[str] = []
            pictures.smaller_svg = lambda svg: seen.append(svg) or svg
            try:
                chart = compile_chart(
                    name, path, [values] if values else [], png=False,
                    theme=config.theme.chart_tokens(),
                )
            finally:
                pictures.smaller_svg = keep
            if isinstance(chart, list) or not seen:
                continue
            label = name + (" " + ",".join(f"{k}={v}" for k, v in values.items()) if values else "")
            drawn[label] = seen[-1]
    return drawn


def gz(text: str) -> int:
    return len(gzip.compress(text.encode(), 9, mtime=0))


def main(sites: list[Path]) -> None:
    totals = [0, 0, 0.0]
    for site in sites:
        for label, raw in raw_pictures(site).items():
            spent = float("inf")
            for _ in range(5):  # the fastest of five: the machine may be busy
                started = time.perf_counter()
                small = smaller_svg(raw)
                spent = min(spent, (time.perf_counter() - started) * 1000)
            print(f"{site.name:8} {label[:60]:60} {gz(raw):7} -> {gz(small):7} gz  {spent:6.1f} ms")
            totals[0] += gz(raw)
            totals[1] += gz(small)
            totals[2] += spent
    print(f"{'total':69} {totals[0]:7} -> {totals[1]:7} gz  {totals[2]:6.1f} ms")


if __name__ == "__main__":
    main([Path(a) for a in sys.argv[1:]] or [ROOT, ROOT / "tests/fixtures/corpus"])
