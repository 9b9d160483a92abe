"""The pipeline: load config → read chapters → compile charts → render → write.

A `Build` is one session of it: the CLI makes one per command, the dev server keeps
one across rebuilds. It owns everything that outlives a single run (the worker
processes, the chart cache and its memory, the Jinja environment) and the settings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .charts import ChartCache, ChartWorker, PendingCharts, chart_paths, start_vega_runtime
from .config import Config, load_config
from .chapter_cache import ChapterCache
from .content import Chapter, chart_uses, read_chapters
from .describe import alt_warnings, module_descriptions
from .files import template_files, unreadable_files
from .params import param_name_problems
from .problems import Problem, ProjectError
from .processes import CHART_MODULES
from .render import Templates, render_site
from .settings import Settings, load_settings
from .checks import check_chart_names, check_values
from .write import check_output, digests, write_site
from . import unchanged

if TYPE_CHECKING:
    from .workers import Workers

CACHE = unchanged.CACHE
Mode = Literal["build", "check", "preview"]
# build: the published site; check: validate, write nothing; preview: the dev server's
# build, without what only a published site needs (2x PNGs, pictures of step states)


@dataclass(frozen=True)
class BuildResult:
    chapters: int
    charts: int
    files: int
    seconds: float
    compiled: tuple[str, ...] = ()  # charts compiled afresh (the others came from the cache)
    digests: dict | None = None  # output path -> digest of its content (see write.digests)
    warnings: tuple[
        Problem, ...
    ] = ()  # built, but worth a word: Altair's warnings, a step without alt, a chart not cached


class Build:
    """A build session for the project at `root`; use it as a context manager, or close()."""

    def __init__(self, root: Path, mode: Mode = "build", settings: Settings | None = None):
        self.root = root
        self.mode = mode
        self.settings = settings or load_settings()
        writes = mode != "check"
        self.cache = ChartCache(root / CACHE, write=writes)
        self.chapters = ChapterCache(root / CACHE, write=writes)
        user_cache = self.settings.user_cache if writes else None  # a check writes nothing
        self.templates = Templates(
            root / "templates", user_cache / "templates" if user_cache else None
        )
        self.runtime_folders = [
            folder for folder in (self.settings.user_cache, root / CACHE) if folder
        ]
        self._workers: Workers | None = None

    def workers(self) -> Workers:
        """The worker processes, started when a chart first needs one.

        Imported here: a build whose charts are all cached starts no worker.
        """
        from .workers import Workers

        if self._workers is None or self._workers.stopped:
            # The fork server preloads only the heavy third-party modules: Python 3.11's
            # imports them before the build's sys.path reaches it, so a preloaded scrolly
            # could be another copy (an installed one) than the one running this build.
            self._workers = Workers(
                self.settings.jobs,
                CHART_MODULES,
                retire_above=self.settings.worker_memory,
                setup=ChartWorker,
                memory_limit=self.settings.chart_memory_limit,
            )
        return self._workers

    def close(self) -> None:
        if self._workers is not None:
            self._workers.stop()

    def __enter__(self) -> Build:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def run(self, out: Path | None = None, progress=None, trace=None) -> BuildResult:
        """Build into `out` (default root/dist; a check writes nothing); raise ProjectError.

        `progress(stage, done, total)` hears about slow stages: "charts" as each is
        compiled, "files" once before writing. `trace(stage, started, ended)` hears of
        every stage, with perf_counter times.
        """
        started = time.perf_counter()
        out = out if out is not None else self.root / "dist"
        writes = self.mode != "check"
        progress = progress or (lambda stage, done, total: None)
        step = partial(_stage, trace)
        problems: list[Problem] = []
        # what the output comes from, as the build starts: recorded for `scrolly build`
        published = self.mode == "build"
        project = unchanged.project_digest(self.root, out, self.settings) if published else None
        if writes:
            _gather(problems, step, "check the output folder", check_output, self.root, out)
        config = _gather(problems, step, "read the config (site.toml)", load_config, self.root)
        config = config or Config(root=self.root, title="")
        paths = chart_paths(self.root)
        unreadable = unreadable_files(paths, "chart module")
        problems += unreadable
        readable = {
            name: path
            for name, path in paths.items()
            if path not in {problem.path for problem in unreadable}
        }
        # Workers compile the charts and bundle the Vega runtime while this process reads
        # the chapters; the states to draw are known once they are read.
        pending = step(
            "start the charts (read the cache, send the rest to workers)",
            PendingCharts,
            readable,
            self.cache,
            self.workers,
            self.mode == "preview",
            self.settings.chart_time_limit,
            config.theme.chart_tokens(),
            self.settings.chart_memory_limit_mb,
        )
        vega_runtime = step(
            "start the Vega runtime (from the user cache, else bundled)",
            start_vega_runtime,
            self.runtime_folders,
            writes,
            self.workers,
        )
        # a helper process may parse chapters on the core no chart work is using
        spare_core = self._workers is None or self._workers.idle()
        chapters = (
            _gather(
                problems,
                step,
                "read chapters (markdown-it)",
                read_chapters,
                config,
                self.chapters,
                spare_core,
            )
            or []
        )
        _gather(problems, step, "check chart names", check_chart_names, chapters, paths)
        charts = _gather(
            problems,
            step,
            "wait for the charts, draw their states",
            pending.finish,
            requested_states(chapters),
            partial(progress, "charts"),
            png_charts(config, chapters),
            phone_shots(chapters),
        )
        problems += param_name_problems(charts or {})
        problems += unreadable_files(template_files(self.root), "template")
        _gather(problems, step, "check step values", check_values, chapters, charts or {})
        self.chapters.finish(save=not problems)
        if problems:
            raise ProjectError(problems)
        descriptions = _gather(
            problems,
            step,
            "describe chart states (describe() of chart modules)",
            module_descriptions,
            chapters,
            charts,
            paths,
            self.cache.folder,
            writes,
            self._submit,
        )
        if problems:
            raise ProjectError(problems)
        runtime = step("wait for the Vega runtime", vega_runtime)
        files = step(
            "render pages (Jinja2)",
            render_site,
            config,
            chapters,
            charts,
            runtime,
            self.templates,
            descriptions,
        )
        if writes:
            progress("files", 0, len(files))
            step("write files", write_site, files, out)
        compiled = tuple(name for name, chart in charts.items() if not chart.from_cache)
        seconds = time.perf_counter() - started
        heard = [
            Problem(chart.path, line, f"warning: {text}")
            for chart in charts.values()
            for line, text in chart.warnings
        ]
        heard += [chart.warning for chart in charts.values() if chart.warning]
        warnings = tuple(sorted(heard + alt_warnings(chapters)))
        result = BuildResult(
            len(chapters), len(charts), len(files), seconds, compiled, digests(files), warnings
        )
        if project is not None:
            record = unchanged.remember_build
            step("record the build", record, self.root, project, files, charts, result)
        return result

    def _submit(self, function, *args):
        """Run a chart-module function in a worker, within the time a chart may take."""
        return self.workers().submit(function, *args, limit=self.settings.chart_time_limit)


def build_site(
    root: Path, out: Path | None = None, write: bool = True, progress=None, preview: bool = False
) -> BuildResult:
    """Build the project at `root` once, with the environment's settings (see Build.run).

    With write=False only check it; a preview is the dev server's build.
    """
    mode = "check" if not write else "preview" if preview else "build"
    with Build(root, mode, load_settings()) as build:
        return build.run(out, progress)


def _stage(trace, label: str, function, *args):
    started = time.perf_counter()
    try:
        return function(*args)
    finally:
        if trace:
            trace(label, started, time.perf_counter())


def _gather(problems: list[Problem], step, label: str, function, *args):
    """Run one stage; its problems join the others (the run reports them all at the end).

    Returns what the stage made, or what it managed to read before its problems (a
    ProjectError's `partial`), or None.
    """
    try:
        return step(label, function, *args)
    except ProjectError as err:
        problems.extend(err.problems)
        return err.partial


def requested_states(chapters: list[Chapter]) -> dict[str, list[dict]]:
    """Every state each chart is shown in: the runtime swaps their pictures from step to step,
    and loads Vega only for a reader who explores a chart."""
    states: dict[str, list[dict]] = {}
    for use in chart_uses(chapters):
        states.setdefault(use.chart, []).extend(use.states)
    return states


def phone_shots(chapters: list[Chapter]) -> dict[str, list[tuple[dict, str]]]:
    """Every state each chart is shown in, with the box it takes on a phone: a picture laid
    out for that box reads at its own size there, where the design's would be scaled down."""
    shots: dict[str, list[tuple[dict, str]]] = {}
    for use in chart_uses(chapters):
        shots.setdefault(use.chart, []).extend((values, use.place) for values in use.states)
    return shots


def png_charts(config: Config, chapters: list[Chapter]) -> frozenset[str]:
    """The charts whose 2x PNG the site uses: the story's social card shows its first chart,
    and needs base_url for the absolute address cards require."""
    first = next(chart_uses(chapters), None)
    return frozenset([first.chart]) if config.base_url and first else frozenset()
