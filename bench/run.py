#!/usr/bin/env python3
"""Measure scrolly's build: the shipped story, generated projects of growing size, mkdocs and Hugo.

    python bench/run.py [--quick] [--runs N] [--output PATH]

Every build runs as `python build.py` in a fresh process, the way an author runs it,
on a copy in a temporary folder (the repository's own `.scrolly-cache/` and `dist/`
are never touched). Times are medians of several runs; memory is the peak of the
whole process tree (the build and its chart workers). The results go to
bench/RESULTS.md (or --output) and the scaling plot to bench/scaling.png.
No figure here is a pass/fail test.

The parts: measure.py (timing a process tree), cases.py (what is built), stages.py (one
build's stages, in a fresh process), page_weight.py (bytes), report.py (the report).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# bench's own modules, beside this file
from cases import (  # noqa: E402
    cold_and_second,
    ensure_mkdocs,
    find_hugo,
    import_times,
    scaling,
    shipped_project,
    stages,
    workers,
)
from measure import mkdocs_version, machine  # noqa: E402
from page_weight import first_paint, measure, site_weight  # noqa: E402
from report import plot, report, write_report  # noqa: E402

BENCH = Path(__file__).resolve().parent
SIZES = {
    "chapters": (10, 100, 1000),
    "charts": (1, 10, 50),
    "rows": (1_000, 10_000, 100_000),
}
QUICK_SIZES = {"chapters": (10,), "charts": (1,), "rows": (1_000,)}
JOBS_CHARTS, QUICK_JOBS_CHARTS = 50, 4


def page_weight(dist: Path) -> dict:
    lazy = [name for name, _, _ in measure(dist)["js loaded later (Vega)"]]
    return {"kinds": site_weight(dist), "first_paint": first_paint(dist), "lazy": lazy}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smallest sizes only, one run each (the CI smoke test); mkdocs and Hugo only if installed",
    )
    parser.add_argument(
        "--runs", type=int, default=None, help="runs per case (default 3; 1 with --quick)"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=BENCH / "RESULTS.md",
        help="the report (default: bench/RESULTS.md); the plot goes beside it as scaling.png",
    )
    args = parser.parse_args(argv)
    args.runs = args.runs or (1 if args.quick else 3)
    started = time.perf_counter()
    notes: list[str] = []
    results: dict = {"machine": machine(), "notes": notes, "series_profiles": {}}
    load_before = results["load_before"] = os.getloadavg()[0]
    sizes = QUICK_SIZES if args.quick else SIZES
    mkdocs = ensure_mkdocs(args.quick, notes)
    hugo = find_hugo(notes)
    results["machine"]["mkdocs"] = mkdocs_version() or "not installed"
    with tempfile.TemporaryDirectory(prefix="scrolly-bench-") as folder:
        work = Path(folder)
        os.environ["XDG_CACHE_HOME"] = str(work / "user-cache")
        print("shipped story: first, cold and second builds", flush=True)
        site, results["project"], first = shipped_project(work, work / "story-dist", notes)
        results["new machine"], results["cold"], results["second"] = cold_and_second(
            site, work / "story-dist", first, args.runs
        )
        results["weight"] = page_weight(work / "story-dist")
        print("shipped story: profile", flush=True)
        results["profile"] = stages(site, work / "profile-dist", detail=not args.quick)
        results["imports"] = import_times()
        print("scaling", flush=True)
        results["scaling"] = scaling(work, sizes, args.runs, mkdocs, hugo)
        if not args.quick:
            print("profiles of the largest cases", flush=True)
            for series in ("chapters", "rows"):
                built = [
                    c.size
                    for c in results["scaling"]
                    if c.label == series and c.tool == "scrolly" and not c.error
                ]
                if built:
                    profile = stages(
                        work / f"{series}-{built[-1]}",
                        work / f"profile-{series}",
                        detail=series == "rows",
                    )
                    results["series_profiles"][series] = profile and profile | {"size": built[-1]}
        print("chart workers", flush=True)
        results["workers_charts"] = QUICK_JOBS_CHARTS if args.quick else JOBS_CHARTS
        results["workers"] = workers(work, results["workers_charts"], args.runs)
    results["total_seconds"] = time.perf_counter() - started
    results["machine"][
        "load average (1 min) before / after (after includes the benchmark's own builds)"
    ] = f"{load_before:.2f} / {os.getloadavg()[0]:.2f}"
    if load_before > 0.5 * (os.cpu_count() or 1):
        notes.append(
            "Other work was running on this machine when the run started (see the load average): times are slower and noisier than on an idle machine; CPU times are less affected."
        )
    write_report(report(results, args), args.output)
    plot(results["scaling"], args.output.parent / "scaling.png")
    print(
        f"wrote {args.output} and {args.output.parent / 'scaling.png'} in {time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())


if __name__ == "__main__":
    sys.exit(main())
