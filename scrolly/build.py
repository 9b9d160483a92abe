"""The pipeline: load config → read chapters → compile charts → render → write."""

from __future__ import annotations

import time
from functools import partial
from dataclasses import dataclass
from pathlib import Path

from .charts import Chart, chart_paths, start_charts, start_vega_runtime, user_cache
from .config import Config, load_config
from .content import Chapter, Figure, Scrolly, read_chapters
from .files import template_files, unreadable_files
from .params import date_problem, param_name_problems
from .problems import Problem, ProjectError, did_you_mean
from .render import render_site
from .write import check_output, write_site

CACHE = ".scrolly-cache"


@dataclass(frozen=True)
class BuildResult:
    chapters: int
    charts: int
    files: int
    seconds: float
    compiled: tuple[str, ...] = ()  # charts compiled afresh (the others came from the cache)


def build_site(root: Path, out: Path | None = None, write: bool = True, progress=None, preview: bool = False) -> BuildResult:
    """Build the project at `root` into `out` (default root/dist); with write=False only check it.

    A preview (the dev server's build) leaves out what only a published site needs and
    costs most of a chart's time: its 2x PNG and the pictures of step states.

    `progress(stage, done, total)` hears about slow stages: "charts" as each is compiled,
    "files" once before writing.
    """
    progress = progress or (lambda stage, done, total: None)
    started = time.perf_counter()
    out = out if out is not None else root / "dist"
    problems: list[Problem] = []

    def gather(stage, *args, fallback=None):
        try:
            return stage(*args)
        except ProjectError as err:
            problems.extend(err.problems)
            return err.partial if err.partial is not None else fallback

    if write:
        gather(check_output, root, out)
    config = gather(load_config, root) or Config(root=root, title="")
    paths = chart_paths(root)
    unreadable = unreadable_files(paths, "chart module")
    problems += unreadable
    cache = root / CACHE
    # Worker processes compile the charts and bundle the Vega runtime while this
    # process reads the chapters; the states to draw are known once they are read.
    readable = {name: path for name, path in paths.items() if path not in {p.path for p in unreadable}}
    pending = start_charts(readable, cache, write, preview=preview)
    vega_runtime = start_vega_runtime(cache, write)
    chapters = gather(read_chapters, config, fallback=[])
    problems += check_chart_names(chapters, paths)
    charts = gather(pending.finish, requested_states(chapters), partial(progress, "charts"), fallback={})
    problems += param_name_problems(charts)
    problems += unreadable_files(template_files(root), "template")
    problems += check_values(chapters, charts)
    if problems:
        raise ProjectError(problems)
    user_folder = user_cache() if write else None  # None: no home folder, or a check, which writes nothing
    files = render_site(config, chapters, charts, vega_runtime(), user_folder / "templates" if user_folder else None)
    if write:
        progress("files", 0, len(files))
        write_site(files, out)
    compiled = tuple(name for name, chart in charts.items() if not chart.from_cache)
    return BuildResult(len(chapters), len(charts), len(files), time.perf_counter() - started, compiled)


def requested_states(chapters: list[Chapter]) -> dict[str, list[dict]]:
    """The states each chart is shown in before any JavaScript runs."""
    states: dict[str, list[dict]] = {}
    for chapter in chapters:
        for block in chapter.blocks:
            if isinstance(block, Scrolly) and block.steps:
                states.setdefault(block.chart, []).append(block.steps[0].values)
            elif isinstance(block, Figure):
                states.setdefault(block.chart, []).append(block.values)
    return states


def check_chart_names(chapters: list[Chapter], paths: dict[str, Path]) -> list[Problem]:
    problems = []
    for chapter in chapters:
        for block in chapter.blocks:
            if isinstance(block, (Scrolly, Figure)) and block.chart not in paths:
                known = ", ".join(paths) or "none yet"
                problems.append(Problem(chapter.path, block.line, f"unknown chart '{block.chart}'{did_you_mean(block.chart, paths)}: there is no charts/{block.chart}.py (charts: {known})"))
    return problems


def check_values(chapters: list[Chapter], charts: dict[str, Chart]) -> list[Problem]:
    """Every value a step or figure sets must name a param of its chart, of the right kind."""
    problems = []
    for chapter in chapters:
        for block in chapter.blocks:
            chart = charts.get(getattr(block, "chart", None))
            if chart is None:
                continue
            settings = [(step.values, step.line) for step in block.steps] if isinstance(block, Scrolly) else [(block.values, block.line)]
            for values, line in settings:
                for name, value in values.items():
                    param = chart.params.get(name)
                    if param is None:
                        declared = ", ".join(chart.params) or "none"
                        message = f"chart '{chart.name}' has no param '{name}'{did_you_mean(name, chart.params)} (its params: {declared})"
                    else:
                        message = param.problem_with(value) or date_problem(param, value)
                        if message:
                            message = f"{message}, for chart '{chart.name}'"
                    if message:
                        problems.append(Problem(chapter.path, line, message))
    return problems
