"""The build's side of chart work: take what the cache holds, send the rest to workers.

Charts start compiling before the chapters are read; once they are, the build knows
which states need first-paint pictures and calls `finish`. Each chart's states are drawn
as soon as its compile arrives, on the worker that compiled it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import as_completed
from pathlib import Path
from typing import TYPE_CHECKING

from ..problems import Problem, ProjectError
from .cache import ChartCache
from .compile import compile_task, draw_held_task, draw_task
from .model import Chart, Shot
from .module import line_of_def, memory_limit_note

if TYPE_CHECKING:
    from ..workers import Task, Workers


class PendingCharts:
    """Every chart of a build, from the cache or on its way from a worker.

    A chart's 2x PNG is drawn only for the charts `finish` names (the published site's
    social card), or when its first paint is a PNG (an SVG too big); a preview (the dev
    server) also skips the pictures of step states. A later build adds what it needs to
    the cached chart.
    """

    def __init__(
        self,
        paths: dict[str, Path],
        cache: ChartCache,
        pool: Callable[[], Workers],
        preview: bool,
        time_limit: float,
        theme: dict | None = None,
        memory_limit_mb: float | None = None,
    ):
        self.paths = paths
        self.cache = cache
        self.pool = pool  # the workers, started on first use: a fully cached build starts none
        self.preview = preview
        self.time_limit = time_limit
        self.theme = theme  # scrolly.theme's chart tokens, laid under every chart's config
        self.memory_limit_mb = memory_limit_mb
        self.cached: dict[str, tuple[str, Chart]] = {}  # name -> (cache key, chart)
        self.compiling: dict[str, Task] = {}  # name -> its compile in a worker
        for name, path in paths.items():
            key = cache.current_key(name, path, theme)
            chart = cache.read(name, key)
            if chart is not None:
                self.cached[name] = (key, chart)
            else:
                self.compiling[name] = self._submit(compile_task, name, path, [{}], False, theme)

    def finish(
        self,
        states: dict[str, list[dict]],
        progress=None,
        png: frozenset[str] = frozenset(),
        phones: dict[str, list[Shot]] | None = None,
    ) -> dict[str, Chart]:
        """Wait for the charts and draw the states they are shown in, their pictures for
        the phone boxes in `phones`, and the 2x PNG of the charts named in `png` (a preview
        draws none of these).

        Raises ProjectError with every chart's problems. A chart taken from the cache has
        `from_cache` set. `progress(done, total)` hears of each chart compiled.
        """
        self.png = frozenset() if self.preview else png
        self.phones = {} if self.preview else phones or {}
        charts, keys, drawing, problems = {}, {}, {}, []
        for name, (key, chart) in self.cached.items():
            charts[name], keys[name] = chart, key
            drawing[name] = self._start_drawing(name, chart, key, states)
        for name, outcome in self._compiled(progress):
            if isinstance(outcome, list):
                problems += outcome
                continue
            charts[name], keys[name] = (
                outcome,
                self.cache.key(self.paths[name], list(outcome.inputs), self.theme),
            )
            drawing[name] = self._start_drawing(name, outcome, keys[name], states)
        drawing = {name: started for name, started in drawing.items() if started}
        problems += self._add_pictures(charts, drawing)
        self._store(charts, keys, drawing)
        if problems:
            raise ProjectError(problems)
        return {name: self._as_used(charts[name]) for name in self.paths}

    def _as_used(self, chart: Chart) -> Chart:
        """The chart without a PNG the site does not use (the cache may hold one), so the
        site does not depend on what earlier builds drew."""
        if chart.png and chart.picture_type == "svg" and chart.name not in self.png:
            return dataclasses.replace(chart, png=b"")
        return chart

    def _compiled(self, progress):
        """(name, chart or problems) of each chart compiling, in the order they finish."""
        names = {task.future: name for name, task in self.compiling.items()}
        for done, future in enumerate(as_completed(names), 1):
            name = names[future]
            yield name, self._outcome(self.compiling[name], self.paths[name])
            if progress:
                progress(done, len(self.compiling))

    def _start_drawing(self, name: str, chart: Chart, key: str, states: dict):
        """Start drawing the chart's states that no cache holds: (task, states), or None."""
        values = [{}] if self.preview else [{}, *states.get(name, [])]
        wanted = [(state, None) for state in values] + self.phones.get(name, [])
        missing = self.cache.read_pictures(key, chart, wanted)
        if missing or (name in self.png and not chart.png):
            return self._draw(name, chart, missing), missing
        return None

    def _draw(self, name: str, chart: Chart, shots: list[Shot], held: bool = True) -> Task:
        """Draw on the worker that compiled the chart (it holds it), else send the chart along."""
        png = name in self.png
        compiled = self.compiling.get(name)
        if (
            held
            and compiled
            and compiled.worker is not None
            and self.pool().running(compiled.worker)
        ):
            return self._submit(draw_held_task, name, shots, png, on=compiled.worker)
        return self._submit(draw_task, chart, shots, png)

    def _add_pictures(self, charts: dict[str, Chart], drawing: dict) -> list[Problem]:
        """Wait for the drawings and add them to the charts; a chart that failed is dropped."""
        problems = []
        for name, (task, states) in drawing.items():
            chart = charts[name]
            retry = lambda: self._draw(name, chart, states, held=False)  # noqa: E731, B023
            outcome = self._outcome(task, self.paths[name], retry)
            if isinstance(outcome, list):
                problems += outcome
                del charts[name]
                continue
            png, pictures = outcome
            charts[name] = dataclasses.replace(chart, png=png, pictures=chart.pictures | pictures)
        return problems

    def _store(self, charts: dict[str, Chart], keys: dict[str, str], drawing: dict) -> None:
        """Write what is new to the cache; keep the charts read from it in its memory."""
        for name, chart in charts.items():
            if chart.from_cache:
                self.cache.remember(name, keys[name], chart)
            if not chart.from_cache or name in drawing:
                self.cache.store(chart, keys[name])

    def _submit(self, function, *args, on: int | None = None) -> Task:
        return self.pool().submit(function, *args, on=on, limit=self.time_limit)

    def _outcome(self, task: Task, path: Path, retry=None):
        """What a worker made of a chart, or the problems that stopped it."""
        from ..workers import TimeLimitExceeded, WorkerFailed, WorkerGone

        try:
            return task.result()
        except TimeLimitExceeded:
            return [
                Problem(
                    path,
                    1,
                    f"chart() did not finish within {self.time_limit:g} seconds "
                    "and was stopped: is it reading a huge file or looping forever?",
                )
            ]
        except WorkerFailed as failed:  # what a task let out: still this chart's problem
            last = (str(failed).strip().splitlines() or ["?"])[-1]
            return [
                Problem(
                    path,
                    line_of_def(path),
                    f"scrolly could not handle this chart ({last}); "
                    "run with --verbose for the traceback",
                    str(failed),
                )
            ]
        except WorkerGone as gone:
            if retry:
                return self._outcome(retry(), path)
            return [Problem(path, line_of_def(path), self._gone_message(str(gone)))]

    def _gone_message(self, gone: str) -> str:
        if gone.startswith("exit code"):  # it ended itself
            return (
                f"the process compiling the chart ended ({gone}) before the chart was done: "
                "a chart module must not end its process (os._exit())"
            )
        return (
            f"the process compiling the chart stopped ({gone}) before the chart was done, "
            f"as one that runs out of memory does{memory_limit_note(self.memory_limit_mb)}"
        )
