#!/usr/bin/env python3
"""One build's stages, or one chart compilation's steps, timed in a fresh process.

    python bench/stages.py timeline SITE OUT [--detail]
    python bench/stages.py jobs SITE JOBS

`timeline` runs a Build with a trace callback and prints its stages as JSON, each by
its start and end in ms from the process's start; with --detail it then compiles every
chart again in this process, step by step, and bundles the Vega runtime. `jobs` times
compiling every chart of SITE with JOBS workers. bench/run.py runs both.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import dataclasses  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scrolly.build import Build, requested_states  # noqa: E402
from scrolly.charts import ChartCache, PendingCharts, chart_paths  # noqa: E402
from scrolly.config import load_config  # noqa: E402
from scrolly.content import read_chapters  # noqa: E402
from scrolly.settings import load_settings  # noqa: E402


def ms(moment: float) -> float:
    return (moment - STARTED) * 1000


def timeline(site: Path, out: Path) -> list:
    spans = [["import scrolly (main process)", 0.0, ms(time.perf_counter())]]
    with Build(site, "build", load_settings()) as build:
        build.run(out, trace=lambda stage, start, end: spans.append([stage, ms(start), ms(end)]))
    return sorted(spans, key=lambda span: span[1])


def detail(site: Path) -> dict[str, float]:
    """Seconds each step of chart compilation takes, summed over the charts, in one process
    (a chart worker's steps, as compile.py runs them), and the number of charts."""
    import vl_convert as vlc
    from altair.vegalite.v6.schema.core import TopLevelSpec

    from scrolly.build import png_charts
    from scrolly.charts import compile_chart
    from scrolly.charts.module import run_module
    from scrolly.charts.reads import ReadRecorder
    from scrolly.charts.pictures import MAX_SVG_BYTES, png_of, render_states, svg_of
    from scrolly.charts.rows import compile_without_rows, install_altair_shortcuts, schema_sample
    from scrolly.charts.runtime import bundle, vega_snippet

    spent: dict[str, float] = {}

    def timed(label, function, *args):
        started = time.perf_counter()
        result = function(*args)
        spent[label] = spent.get(label, 0.0) + time.perf_counter() - started
        return result

    install_altair_shortcuts()
    chapters = read_chapters(load_config(site))
    states, png = requested_states(chapters), png_charts(load_config(site), chapters)
    reads = ReadRecorder()
    total, count = time.perf_counter(), 0
    for name, path in chart_paths(site).items():
        with reads.recording():
            chart, _ = timed("run chart modules (chart())", run_module, name, path)
        spec = timed("Altair to_dict", lambda: chart.to_dict(validate=False))
        timed("schema check", lambda: TopLevelSpec.validate(schema_sample(spec)))
        vega = timed(
            "vl-convert vegalite_to_vega", compile_without_rows, spec, vlc.vegalite_to_vega
        )
        svg = timed("vl-convert vega_to_svg and smaller_svg", svg_of, vega)
        if name in png or len(svg) > MAX_SVG_BYTES:
            timed("vl-convert svg_to_png (2x PNG, where the site uses one)", png_of, svg)
        compiled = compile_chart(name, path, [], png=False)
        if isinstance(compiled, list):
            continue
        count += 1
        bare = dataclasses.replace(compiled, pictures={})
        timed("pictures of the states steps start in", render_states, bare, states.get(name, []))
    spent["total, one process"] = time.perf_counter() - total
    spent["charts"] = count
    timed(
        "vl-convert javascript_bundle (the Vega runtime; cached per user)", bundle, vega_snippet()
    )
    return spent


def jobs(site: Path, count: int) -> float:
    """Seconds to compile every chart of `site` and draw its first states with `count` workers."""
    settings = dataclasses.replace(load_settings(), jobs=count)
    states = requested_states(read_chapters(load_config(site)))
    started = time.perf_counter()
    with Build(site, "build", settings) as build:
        PendingCharts(
            chart_paths(site), ChartCache(None), build.workers, False, settings.chart_time_limit
        ).finish(states)
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    if argv[:1] == ["timeline"] and len(argv) in (3, 4):
        site, out = Path(argv[1]), Path(argv[2])
        spans = timeline(site, out)
        found = detail(site) if argv[3:] == ["--detail"] else {}
        print(json.dumps({"timeline": spans, "detail": found}))
        return 0
    if argv[:1] == ["jobs"] and len(argv) == 3:
        print(json.dumps({"seconds": jobs(Path(argv[1]), int(argv[2]))}))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
