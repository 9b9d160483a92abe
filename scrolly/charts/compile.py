"""Compiling one chart module: run it, check its spec, compile it with vl-convert, draw it.

This runs in worker processes (see pending.py); `ChartWorker` is what a worker keeps
between its tasks.
"""

from __future__ import annotations

from pathlib import Path

from ..problems import Problem, ProjectError
from .model import Chart
from .module import ReadRecorder, first_lines, line_of_def, read_table, run_module
from .rows import compile_without_rows, forget_records, install_altair_shortcuts
from .pictures import MAX_SVG_BYTES, draw_states, png_of, render_states, svg_of, svg_size
from .spec import chart_params, invalid_chart_problem, metadata_problems, shared_rows, valid_spec


class ChartWorker:
    """A worker process's memory between tasks: its read recorder and the charts it compiled.

    A chart stays held until its states are drawn, so the build process need not send
    it back (with 100,000 rows, tens of MB).
    """

    def __init__(self):
        self.reads = ReadRecorder()
        install_altair_shortcuts()
        self.held: dict[str, Chart] = {}


def compile_chart(name: str, path: Path, states: list[dict], png: bool = True,
                  worker: ChartWorker | None = None) -> Chart | list[Problem]:
    """Run one chart module, compile its chart and draw the given states.

    Returns the chart, or the problems that stopped it: the edge of a worker's task.
    """
    worker = worker or ChartWorker()
    try:
        chart = _compiled(name, path, png, worker.reads)
    except ProjectError as err:
        return err.problems
    worker.held[name] = render_states(chart, states)
    return worker.held[name]


def _compiled(name: str, path: Path, png: bool, reads: ReadRecorder) -> Chart:
    with reads.recording() as inputs:
        altair_chart, table_function = run_module(name, path)
    import vl_convert as vlc

    try:
        vega_lite = valid_spec(altair_chart)
    except Exception as err:  # Altair's schema validation explains itself
        raise ProjectError([invalid_chart_problem(name, path, altair_chart, err)])
    del altair_chart  # its rows are copied into the spec: with 100,000 of them, tens of MB
    forget_records()
    problems = metadata_problems(path, vega_lite)
    try:
        vega = shared_rows(vega_lite, compile_without_rows(vega_lite, vlc.vegalite_to_vega))
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
    title = vega_lite.get("title")
    return Chart(
        name=name,
        path=path,
        title=title["text"] if isinstance(title, dict) else title,
        description=vega_lite["description"],
        source=str((vega_lite.get("usermeta") or {}).get("source", "")),
        params=chart_params(vega_lite),
        vega_lite=vega_lite,
        vega=vega,
        width=width,
        height=height,
        png=png,
        table=table,
        svg=svg,
        picture_type="svg" if len(svg) <= MAX_SVG_BYTES else "png",
        inputs=_relative_inputs(inputs | more_inputs, path),
    )


def _relative_inputs(paths: set[Path], module: Path) -> tuple[str, ...]:
    """The files the module read under its own folder, relative to it (the module excluded)."""
    folder = module.resolve().parent
    inside = (p for p in paths if p != module.resolve() and p.is_relative_to(folder))
    return tuple(sorted(str(p.relative_to(folder)) for p in inside))


# -- tasks sent to worker processes (each gets the worker's ChartWorker first) -----------

def compile_task(worker: ChartWorker, name: str, path: Path, states: list[dict], png: bool):
    return compile_chart(name, path, states, png, worker)


def draw_held_task(worker: ChartWorker, name: str, states: list[dict], png: bool):
    """draw_states for a chart this worker compiled and still holds."""
    return draw_states(worker.held.pop(name), states, png)


def draw_task(worker: ChartWorker, chart: Chart, states: list[dict], png: bool):
    return draw_states(chart, states, png)
