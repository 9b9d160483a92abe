"""Checks of chart params beyond their kind: names steps can set, dates that exist.

A param becomes a Vega signal of the same name, so a param may not take a name Vega
already gives a signal of its own (`width` would become the plot's width) or a word of
its expression language; and steps can only set a param whose name they can write.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

from .values import PARAM_NAME
from .problems import Problem

VEGA_SIGNALS = ("width", "height", "padding", "autosize", "background")  # every Vega view has these
EXPRESSION_WORDS = ("datum", "event", "item", "parent")  # Vega-Lite's reserved parameter names


def param_name_problems(charts: dict) -> list[Problem]:
    """A problem, at the line that declares it, for each param no step could set safely
    or whose default the page could not carry."""
    problems = []
    for chart in charts.values():
        for param in chart.params.values():
            message = _param_problem(param)
            if message:
                problems.append(
                    Problem(chart.path, _line_declaring(chart.path, param.name), message)
                )
    return problems


def _param_problem(param) -> str | None:
    name, default = param.name, param.default
    if name in VEGA_SIGNALS:
        return (
            f"param name '{name}' is the name of Vega's own signal for the chart's {name}: "
            "give the param another name"
        )
    if name in EXPRESSION_WORDS:
        return (
            f"param name '{name}' is a reserved word of Vega's expressions: give the param "
            "another name"
        )
    if not PARAM_NAME.fullmatch(name):
        return (
            f"param name '{name}' cannot be written in a step: use letters, digits and '_', "
            "not starting with a digit: give the param another name"
        )
    if isinstance(default, float) and not math.isfinite(default):
        return (
            f"param '{name}' has the default value {default}, which a page cannot carry to "
            "the browser "
            "(JSON has no NaN or Infinity): give it a finite number or None"
        )
    if date_problem(param, default):
        return f"param '{name}' has the default \"{default}\", which is not a day of the calendar"
    return None


def date_problem(param, value: object) -> str | None:
    """Why a value of a date param's form names no day of the calendar ("2023-02-30"), or None."""
    if param.kind != "date" or not isinstance(value, str):
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return (
            f'param \'{param.name}\' takes a date like "2023-07-11", got "{value}", which '
            "is not a day of the calendar"
        )
    return None


def _line_declaring(path: Path, name: str) -> int:
    """The line of the module that names the param (`name="width"`), else its `def chart`."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        return 1
    named = re.compile(rf"""\bname\s*=\s*["']{re.escape(name)}["']""")
    for pattern in (named, re.compile(r"\s*def chart\s*\(")):
        for number, line in enumerate(lines, 1):
            if pattern.search(line) if pattern is named else pattern.match(line):
                return number
    return 1
