"""Checks of the chapters against the charts, once both are read: every name a chapter uses
is a chart module (or a sticky of its section), and every value a step sets fits its param.
"""

from __future__ import annotations

import re
from pathlib import Path

from .blocks import Chapter, chart_uses
from .charts import Chart
from .params import date_problem
from .problems import Problem, ProjectError, did_you_mean
from .stickies import sticky_name_problems

UNNAMED = re.compile(r"param_[0-9a-f]+")  # the names Altair gives params made without name=


def check_chart_names(chapters: list[Chapter], paths: dict[str, Path]) -> None:
    """Every section, step and figure must name a chart module of the project (or, for a
    step's show=, a sticky of its section), and no sticky may take a chart's name."""
    known = ", ".join(paths) or "none yet"
    problems = [
        _unknown_chart(use, paths, known) for use in chart_uses(chapters) if use.chart not in paths
    ]
    problems += sticky_name_problems(chapters, paths)
    if problems:
        raise ProjectError(problems)


def _unknown_chart(use, paths: dict[str, Path], known: str) -> Problem:
    if use.stickies is None:
        return Problem(
            use.path,
            use.line,
            f"unknown chart '{use.chart}'{did_you_mean(use.chart, paths)}: "
            f"there is no charts/{use.chart}.py (charts: {known})",
        )
    names = [*use.stickies, *paths]
    stickies = ", ".join(use.stickies) or "none"
    return Problem(
        use.path,
        use.line,
        f'show="{use.chart}" names no sticky of this section and no chart'
        f"{did_you_mean(use.chart, names)} (stickies: {stickies}; charts: {known})",
    )


def check_values(chapters: list[Chapter], charts: dict[str, Chart]) -> None:
    """Every value a step or figure sets must name a param of its chart, of the right kind."""
    problems = []
    for use in chart_uses(chapters):
        chart = charts.get(use.chart)
        for values, line in use.settings if chart else ():
            for name, value in values.items():
                message = _value_message(chart, name, value)
                if message:
                    problems.append(Problem(use.path, line, message))
    if problems:
        raise ProjectError(problems)


def _value_message(chart: Chart, name: str, value: object) -> str | None:
    param = chart.params.get(name)
    if param is None:
        unnamed = [p for p in chart.params if UNNAMED.fullmatch(p)]
        named = [p for p in chart.params if p not in unnamed]
        declared = ", ".join(named) or "none"
        message = (
            f"chart '{chart.name}' has no param '{name}'{did_you_mean(name, named)} "
            f"(its params: {declared})"
        )
        if unnamed:
            message += (
                f"; it has {len(unnamed)} unnamed param{'s' if len(unnamed) > 1 else ''}, "
                f"which Altair calls {', '.join(unnamed)}: give "
                f"{'them' if len(unnamed) > 1 else 'it'} a name, like "
                f'alt.param(name="{name}", …) or alt.selection_point(name="{name}", …)'
            )
        return message
    message = param.problem_with(value) or date_problem(param, value)
    return f"{message}, for chart '{chart.name}'" if message else None
