"""The benchmark's report (bench/RESULTS.md) and its plot (bench/scaling.png)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from cases import NOTHING_CHANGED, ONE_EDITED
from measure import LONG_RUN, Case
from page_weight import GZIP_LEVEL

BUDGETS = {
    "second build": "≤ 5 % of the cold build",
    "1,000 chapters": "≤ 25 % of mkdocs's time",
    "2 workers": "≥ 1.6× faster than 1",
    "first paint": "≤ 100 KB gzip",
}
TITLE = "# Benchmark results"
MARKER_START = "<!-- bench/run.py writes from here -->"
MARKER_END = "<!-- bench/run.py writes up to here -->"


def growth(cases: list[Case], unit: str) -> str:
    """How time grows with size: the cost of each extra item between consecutive sizes."""
    if len(cases) < 2:
        return "one size only: no growth to judge."
    steps = [
        (small, large, (large.seconds - small.seconds) / (large.size - small.size) * 1000)
        for small, large in zip(cases, cases[1:])
    ]
    described = "; ".join(
        f"{s.size:,} → {l.size:,}: {ms:+.2f} ms per extra {unit}" for s, l, ms in steps
    )
    first_small, first_large, first = steps[0]
    last = steps[-1][2]
    measurable = first_large.seconds - first_small.seconds > NOISE
    if len(steps) > 1 and measurable and last > 1.5 * first:
        verdict = "**worse than linear**: each extra item costs more at the larger size"
    elif len(steps) > 1 and not measurable:
        verdict = f"linear or better: the smaller sizes differ by less than the noise ({NOISE:.2f} s), fixed costs dominate them"
    else:
        verdict = "linear or better"
    return f"{verdict} ({described})."


NOISE = 0.25  # seconds: differences below this are within run-to-run noise on a shared machine


def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def runs_note(case: Case, wanted: int) -> str:
    return "" if len(case.runs) >= wanted else f" ({len(case.runs)} run)"


def kb(size: int) -> str:
    return f"{size / 1024:,.1f} KB"


def report(results: dict, args) -> str:
    lines = [MARKER_START, TITLE, ""]
    lines += [
        f"Written by `python bench/run.py{' --quick' if args.quick else ''}` on {time.strftime('%Y-%m-%d %H:%M')} "
        f"in {results['total_seconds']:.0f} s. Times are medians of {args.runs} runs (a case whose first run took over "
        f'{LONG_RUN:.0f} s ran once: marked "1 run"); every build is `python build.py` in a fresh process, timed from start to exit. '
        "Memory is the peak of the whole process tree (the build, the fork server and the chart workers), as proportional set size "
        'sampled every 50 ms (shared pages counted once; for a process too short to sample, its `ru_maxrss`); "largest process" is `ru_maxrss` of the biggest single process; '
        "CPU time is user + system time of the whole tree (sampled, approximate). "
        "Every build uses a user cache (`XDG_CACHE_HOME`) in the benchmark's temporary folder, never `~/.cache`: once the first build has "
        'filled it, it holds the Vega runtime, so a "cold" build has no `.scrolly-cache/` and no output but finds the runtime there. '
        "No figure here is a pass/fail test.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {key} | {value} |" for key, value in results["machine"].items()]
    lines += [""]
    if results["notes"]:
        lines += ["Notes on this run:", ""] + [f"- {note}" for note in results["notes"]] + [""]

    new_machine, cold, second = results["new machine"], results["cold"], results["second"]
    share = second.seconds / cold.seconds * 100
    lines += [
        "## The shipped story",
        "",
        f"Project: {results['project']}.",
        "",
        "| build | time | CPU time | memory (tree) | largest process |",
        "|---|---|---|---|---|",
        f"| first build on a new machine (no project cache, no user cache) | {fmt_s(new_machine.seconds)} | {fmt_s(new_machine.cpu_seconds)} | {new_machine.memory_mb:.0f} MB | {new_machine.largest_mb:.0f} MB |",
        f"| cold (no `.scrolly-cache/`, no output; the user cache holds the Vega runtime) | {fmt_s(cold.seconds)} | {fmt_s(cold.cpu_seconds)} | {cold.memory_mb:.0f} MB | {cold.largest_mb:.0f} MB |",
        f"| second, nothing changed | {fmt_s(second.seconds)} ({share:.0f} % of cold; budget {BUDGETS['second build']}) | {fmt_s(second.cpu_seconds)} | {second.memory_mb:.0f} MB | {second.largest_mb:.0f} MB |",
        "",
    ]
    lines += profile_section(results)
    lines += scaling_section(results, args)
    lines += workers_section(results)
    lines += weight_section(results)
    lines += [MARKER_END]
    return "\n".join(lines) + "\n"


def profile_section(results: dict) -> list[str]:
    profile = results["profile"]
    if "error" in profile:
        return [
            "### Where the cold build's time goes",
            "",
            f"The profile failed: {profile['error']}",
            "",
        ]
    lines = [
        "### Where the cold build's time goes",
        "",
        f"One cold build (`build_site`, no `.scrolly-cache/`, the user cache warm) in a fresh process, each stage of the main process "
        f"timed from the start of the process (whole process {profile['whole process']:.2f} s{', including the second pass below' if profile['detail'] else ''}). "
        "Chart workers, separate processes, compile the charts while the main process reads the chapters, so stages overlap: "
        'the build\'s total is the "to" of the last row, not the sum of the times.',
        "",
        "| stage (main process) | from | to | time |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {start:,.0f} ms | {end:,.0f} ms | {end - start:,.0f} ms |"
        for name, start, end in profile["timeline"]
    ]
    if profile["detail"]:
        lines += [
            "",
            "Inside chart compilation (every chart once more, in one process, no workers), and bundling the Vega runtime once:",
            "",
            "| step | time |",
            "|---|---|",
        ]
        lines += [
            f"| {name} | {seconds * 1000:,.0f} ms |"
            for name, seconds in profile["detail"].items()
            if name != "charts"
        ]
    lines += [
        "",
        "Imports, each on top of the ones before it (`python -X importtime`; altair and vl_convert are imported by the fork server that starts the chart workers, scrolly and jinja2 by the main process):",
        "",
    ]
    lines += ["| module | time |", "|---|---|"] + [
        f"| `{name}` | {ms:.0f} ms |" for name, ms in results["imports"]
    ]
    lines += [""]
    return lines


def timeline(profile: dict) -> str:
    """A profile's stages on one line: each with its start and end."""
    return ", ".join(
        f"{name} {start:,.0f}–{end:,.0f} ms" for name, start, end in profile["timeline"]
    )


def scaling_section(results: dict, args) -> list[str]:
    cases = results["scaling"]
    lines = [
        "## Scaling",
        "",
        "Generated projects (bench/generate.py): chapters of realistic Markdown (headings, paragraphs, lists, a link, emphasis; "
        "about 400 words), every fifth with a scrolly section of three steps. Cold builds (no `.scrolly-cache/`, no output; the user cache warm) unless marked "
        '"nothing changed" (the build right after the cold one) or "one chapter edited" (a sentence added to or taken '
        "from the middle chapter before each run; the other chapters and the chart from the cache). Plot: `bench/scaling.png`.",
        "",
    ]
    titles = {
        "chapters": ("Chapters (one small chart)", "chapter"),
        "charts": ("Charts (10 chapters, each chart in one scrolly section)", "chart"),
        "rows": ("Rows of data in one line chart (3 chapters)", "row"),
    }
    for series, (title, unit) in titles.items():
        series_cases = [c for c in cases if c.label == series]
        if not series_cases:
            continue
        tools = list(dict.fromkeys(c.tool for c in series_cases))
        lines += [f"### {title}", ""] + (
            [SERIES_NOTES[series], ""] if series in SERIES_NOTES else []
        )
        lines += ["| size | " + " | ".join(tools) + " |", "|---|" + "---|" * len(tools)]
        for size in dict.fromkeys(c.size for c in series_cases):
            cells = []
            for tool in tools:
                case = next((c for c in series_cases if c.size == size and c.tool == tool), None)
                if case is None:
                    cells.append("–")
                elif case.error:
                    cells.append(f"failed: {case.error}")
                else:
                    cells.append(
                        f"{fmt_s(case.seconds)}, {case.memory_mb:.0f} MB{runs_note(case, args.runs)}"
                    )
            lines.append(f"| {size:,} | " + " | ".join(cells) + " |")
        lines += [""]
        for tool in [t for t in tools if t.startswith("scrolly")]:
            lines += [
                f"Growth of the {tool} build: {growth([c for c in series_cases if c.tool == tool and not c.error], unit)}",
                "",
            ]
        if series == "chapters":
            lines += comparison(series_cases)
        if results["series_profiles"].get(series):
            profile = results["series_profiles"][series]
            if "error" in profile:
                lines += [
                    f"The profile of the largest case that built ({profile['size']:,}) failed: {profile['error']}",
                    "",
                ]
                continue
            lines += [
                f"Stages of the largest case that built ({profile['size']:,}; one cold build; the main process's stages, timed from its start, overlap): {timeline(profile)}."
            ]
            if profile["detail"]:
                lines += [
                    "Inside its chart compilation (one process, no workers), and bundling the Vega runtime: "
                    + ", ".join(
                        f"{name} {seconds * 1000:,.0f} ms"
                        for name, seconds in profile["detail"].items()
                        if name != "charts"
                    )
                    + "."
                ]
            lines += [""]
    return lines


SERIES_NOTES = {
    "rows": "The marker rule is drawn once; until 2026-11-29 the generated chart drew it once per row (100,000 overlapping rules), "
    "which made the 100,000-row case 17.4 s and 652 MB.",
}


def comparison(cases: list[Case]) -> list[str]:
    lines = []
    for size in dict.fromkeys(c.size for c in cases):
        at = {c.tool: c for c in cases if c.size == size and not c.error}
        if "scrolly" not in at or NOTHING_CHANGED not in at or ONE_EDITED not in at:
            continue
        ratios = []
        for other in ("mkdocs", "Hugo"):
            if other in at:
                cold, same, edited = (
                    at[tool].seconds / at[other].seconds
                    for tool in ("scrolly", NOTHING_CHANGED, ONE_EDITED)
                )
                ratios.append(
                    f"scrolly / {other} = {cold:.2f} cold (nothing changed: {same:.2f}; "
                    f"one chapter edited: {edited:.2f})"
                )
        if ratios:
            lines.append(f"- {size:,} chapters: " + "; ".join(ratios))
    if lines:
        lines = (
            [
                "Time ratios (budget at 1,000 chapters: scrolly / mkdocs ≤ 0.25; scrolly / Hugo ≤ 2 cold and ≤ 1 with nothing changed). mkdocs and Hugo write one page per chapter with their "
                "own layout (mkdocs: default theme and search index; Hugo: a two-template layout written by the benchmark); scrolly writes "
                "one story page plus its charts, assets and embeds.",
                "",
            ]
            + lines
            + [""]
        )
    return lines


def workers_section(results: dict) -> list[str]:
    one, two = results["workers"]
    speedup = one.seconds / two.seconds
    charts = results["workers_charts"]
    return [
        "## Chart workers",
        "",
        f"`compile_charts(..., jobs=N)` on {charts} generated charts, no cache, each N in a fresh process (at most N workers, started "
        "as needed); the time includes starting them. Times come from runs without the memory sampler, which would take a share of "
        "the cores both workers use; memory and CPU time from a second, sampled run.",
        "",
        "| workers | time | CPU time (whole process tree) | memory (tree) |",
        "|---|---|---|---|",
        f"| 1 | {fmt_s(one.seconds)} | {fmt_s(one.cpu_seconds)} | {one.memory_mb:.0f} MB |",
        f"| 2 | {fmt_s(two.seconds)} | {fmt_s(two.cpu_seconds)} | {two.memory_mb:.0f} MB |",
        "",
        f"Speed-up with 2 workers on {os.cpu_count()} cores: {speedup:.2f}× (budget {BUDGETS['2 workers']}). "
        "If each process had a core to itself, a run would last about as long as its busiest process's CPU time: "
        f"{fmt_s(one.busiest_cpu_seconds)} with 1 worker, {fmt_s(two.busiest_cpu_seconds)} with 2, "
        f"a speed-up of {one.busiest_cpu_seconds / two.busiest_cpu_seconds:.2f}× (an estimate that other work on the machine affects less).",
        "",
    ] + (
        [
            f"Other processes were using the cores during this run (load average {results['load_before']:.2f} at its start), "
            "so the measured speed-up understates what 2 idle cores give.",
            "",
        ]
        if results["load_before"] > 0.5
        else []
    )


def weight_section(results: dict) -> list[str]:
    weight = results["weight"]
    lines = [
        "## Page weight of the shipped story",
        "",
        f"Every file of the built site (gzip level {GZIP_LEVEL}). It includes the embed pages, every state's SVG and the 2× PNGs, "
        "which a reader of the story does not all download.",
        "",
        "| kind | files | raw | gzip |",
        "|---|---|---|---|",
    ]
    for kind, (count, raw, zipped) in weight["kinds"].items():
        lines.append(f"| {kind} | {count} | {kb(raw)} | {kb(zipped)} |")
    count, raw, zipped = (sum(sizes[i] for sizes in weight["kinds"].values()) for i in range(3))
    lines.append(f"| all | {count} | {kb(raw)} | {kb(zipped)} |")
    total = sum(size for _, size in weight["first_paint"])
    lines += [
        "",
        f"Before first paint (HTML, stylesheets, scripts loaded by the page, the first chart's SVG), gzip: **{kb(total)}** (budget {BUDGETS['first paint']}).",
        "",
        "| file | gzip |",
        "|---|---|",
    ] + [f"| `{url}` | {kb(size)} |" for url, size in weight["first_paint"]]
    if weight["lazy"]:
        lines += [
            "",
            "Loaded after first paint, when a chart first moves: "
            + ", ".join(f"`{url}`" for url in weight["lazy"])
            + ".",
        ]
    return lines + [""]


def write_report(text: str, output: Path) -> None:
    """Write our part of the report; keep whatever else is in the file (the live reload section)."""
    existing = output.read_text(encoding="utf-8") if output.exists() else ""
    if MARKER_START in existing and MARKER_END in existing:
        before, rest = existing.split(MARKER_START, 1)
        after = rest.split(MARKER_END, 1)[1]
        text = before + text.rstrip("\n") + after
    elif existing.strip():
        text = text + "\n" + existing.removeprefix(TITLE + "\n").lstrip("\n")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")


def plot(cases: list[Case], path: Path) -> None:
    """Time and memory against size, one column per series, scrolly beside mkdocs and Hugo."""
    import altair as alt
    import vl_convert as vlc

    names = {"chapters": "chapters", "charts": "charts", "rows": "rows of data"}
    rows = []
    for case in [c for c in cases if not c.error]:
        rows.append(
            {
                "series": names[case.label],
                "size": case.size,
                "tool": case.tool,
                "measure": "time (s)",
                "value": round(case.seconds, 3),
            }
        )
        rows.append(
            {
                "series": names[case.label],
                "size": case.size,
                "tool": case.tool,
                "measure": "memory (MB)",
                "value": round(case.memory_mb, 1),
            }
        )
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_line(point=True)
        .encode(
            x=alt.X("size:Q", scale=alt.Scale(type="log"), title="size"),
            y=alt.Y("value:Q", scale=alt.Scale(type="log"), title=None),
            color=alt.Color("tool:N", title=None, legend=alt.Legend(orient="top")),
            strokeDash=alt.StrokeDash("tool:N", legend=None),
        )
        .properties(width=220, height=170)
        .facet(
            column=alt.Column("series:N", title=None, sort=list(names.values())),
            row=alt.Row("measure:N", title=None, sort=["time (s)", "memory (MB)"]),
        )
        .resolve_scale(x="independent", y="independent")
        .properties(title="scrolly build: time and memory against size (log scales)")
    )
    path.write_bytes(vlc.vegalite_to_png(chart.to_dict(), scale=2))
