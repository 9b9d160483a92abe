"""Compiling one chart module: run it, check its spec, compile it with vl-convert, draw it.

This runs in worker processes (see pending.py); `ChartWorker` is what a worker keeps
between its tasks.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from ..problems import Problem, ProjectError
from ..theme import themed_spec, untitled
from .data import local_data
from .model import Chart, Shot
from .module import (
    first_lines,
    line_of_def,
    read_table,
    run_module,
    unexpected_problem,
    warnings_of,
)
from .rows import compile_without_rows, forget_records, install_altair_shortcuts
from .pictures import MAX_SVG_BYTES, draw_states, png_of, render_states, svg_of, svg_size
from .reads import ReadRecorder, tracked_inputs, untracked_reason
from .selections import live_selections, selection_params
from .spec import (
    chart_params,
    container_sized,
    invalid_chart_problem,
    metadata_problems,
    shared_rows,
    title_texts,
    valid_spec,
)


class ChartWorker:
    """A worker process's memory between tasks: its read recorder and the charts it compiled.

    A chart stays held until its states are drawn, so the build process need not send
    it back (with 100,000 rows, tens of MB).
    """

    def __init__(self):
        self.reads = ReadRecorder()
        install_altair_shortcuts()
        self.held: dict[str, Chart] = {}


def compile_chart(
    name: str,
    path: Path,
    states: list[dict],
    png: bool = True,
    worker: ChartWorker | None = None,
    theme: dict | None = None,
) -> Chart | list[Problem]:
    """Run one chart module, compile its chart and draw the given states.

    `theme` (scrolly.theme's chart tokens) is laid under the chart's own config. Returns
    the chart, or the problems that stopped it: the edge of a worker's task.
    """
    worker = worker or ChartWorker()
    try:
        chart = _compiled(name, path, png, worker.reads, theme)
        worker.held[name] = render_states(chart, [(values, None) for values in states])
    except ProjectError as err:
        return err.problems
    except Exception as err:  # anything else is still this chart's problem, not the build's
        return [unexpected_problem(path, err)]
    return worker.held[name]


def _compiled(name: str, path: Path, png: bool, reads: ReadRecorder, theme: dict | None) -> Chart:
    with reads.recording() as inputs, warnings.catch_warnings(record=True) as heard:
        warnings.simplefilter("always")
        altair_chart, table_function = run_module(name, path)
        try:
            vega_lite = valid_spec(altair_chart)
        except Exception as err:  # Altair's schema validation explains itself
            raise ProjectError([invalid_chart_problem(name, path, altair_chart, err)])
    import vl_convert as vlc

    del altair_chart  # its rows are copied into the spec: with 100,000 of them, tens of MB
    forget_records()
    with reads.recording() as data_inputs:
        vega_lite = local_data(vega_lite, path)  # data by URL, CSV text: read here, inlined
    problems = metadata_problems(path, vega_lite)
    title = vega_lite.get("title")
    vega_lite = themed_spec(vega_lite, theme) if theme else vega_lite
    try:
        # the page shows the title in HTML above the chart: drawn too, it would show twice
        vega = shared_rows(
            vega_lite, compile_without_rows(untitled(vega_lite), vlc.vegalite_to_vega)
        )
        vega = container_sized(vega)
        svg = svg_of(vega)
        png = png_of(svg) if png or len(svg) > MAX_SVG_BYTES else b""
    except Exception as err:
        message = f"vl-convert could not compile the chart: {first_lines(err)}"
        raise ProjectError([*problems, Problem(path, line_of_def(path), message)])
    with reads.recording() as more_inputs:
        try:
            table = read_table(table_function, path)
        except ProjectError as err:
            problems += err.problems
    if problems:
        raise ProjectError(problems)
    width, height = svg_size(svg)
    params = chart_params(vega_lite) | selection_params(vega_lite, vega)
    vega = live_selections(vega, params)
    # an expression title's text is known once drawn: only then is the titled chart drawn
    title, subtitle = title_texts(title, lambda: svg_of(vlc.vegalite_to_vega(vega_lite)))
    return Chart(
        name=name,
        path=path,
        title=title or name,
        subtitle=subtitle,
        description=vega_lite["description"],
        source=str((vega_lite.get("usermeta") or {}).get("source", "")),
        params=params,
        vega_lite=vega_lite,
        vega=vega,
        width=width,
        height=height,
        png=png,
        table=table,
        svg=svg,
        picture_type="svg" if len(svg) <= MAX_SVG_BYTES else "png",
        warnings=warnings_of(heard, path),
        inputs=tracked_inputs([inputs, data_inputs, more_inputs], path),
        warning=_untracked_warning([inputs, data_inputs, more_inputs], path),
        dark_colors=(theme or {}).get("dark"),
    )


def _untracked_warning(reads, path: Path) -> Problem | None:
    """Why the chart must not be cached, if something it did cannot be followed."""
    untracked = untracked_reason(reads)
    if untracked is None:
        return None
    what, event, file, line = untracked
    where = path if not file or Path(file).resolve() == path.resolve() else Path(file)
    return Problem(
        where,
        line if file else line_of_def(path),
        (
            "warning: this chart is not cached, because scrolly cannot follow what it reads when "
            f"it {what} ({event}); it is compiled afresh on every build"
        ),
    )


# -- tasks sent to worker processes (each gets the worker's ChartWorker first) -----------


def compile_task(
    worker: ChartWorker, name: str, path: Path, states: list[dict], png: bool, theme: dict | None
):
    return compile_chart(name, path, states, png, worker, theme)


def draw_held_task(worker: ChartWorker, name: str, shots: list[Shot], png: bool):
    """draw_states for a chart this worker compiled and still holds."""
    return draw_task(worker, worker.held.pop(name), shots, png)


def draw_task(worker: ChartWorker, chart: Chart, shots: list[Shot], png: bool):
    """draw_states, or the problem that stopped it (a list, as compile_chart returns)."""
    try:
        return draw_states(chart, shots, png)
    except ProjectError as err:
        return err.problems
    except Exception as err:
        return [unexpected_problem(chart.path, err)]
