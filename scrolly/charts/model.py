"""What a compiled chart is: its specs, params, pictures, and the states steps put it in."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
KINDS = {
    bool: "boolean",
    int: "number",
    float: "number",
    str: "string",
    type(None): "null",
    list: "list",
    dict: "object",
}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "string", "number", "boolean", "date", "string or null", "value",
    #            "point selection", "interval selection"
    default: object
    select: dict | None = None  # a selection's projection (see selections.py)

    def problem_with(self, value: object) -> str | None:
        """Why `value` cannot be given to this param, or None if it can."""
        if self.select:
            from .selections import selection_problem

            return selection_problem(self, value)
        kind = KINDS[type(value)]
        if self.kind == "date":
            if kind == "string" and DATE.match(value):
                return None
            return f"param '{self.name}' takes a date like \"2023-07-11\", got {json.dumps(value)}"
        if self.kind == "string or null" and kind in ("string", "null"):
            return None
        if self.kind in (kind, "value"):
            return None
        return f"param '{self.name}' takes a {self.kind}, got {json.dumps(value)} ({kind})"


@dataclass(frozen=True)
class Chart:
    name: str
    path: Path
    title: str  # one line of text, whatever form the spec's title takes
    description: str
    source: str
    params: dict
    vega_lite: dict
    vega: dict
    width: int
    height: int
    png: bytes
    table: list | None
    svg: str  # the default state, for downloads
    picture_type: str = "svg"  # first-paint pictures: "svg", or "png" when an SVG is too big
    pictures: dict = field(default_factory=dict)  # state key -> first-paint picture (bytes)
    inputs: tuple = ()  # what the module read (see reads.tracked_inputs): its cache key covers them
    warning: Problem | None = None  # why the chart must not be cached, if it must not
    from_cache: bool = False
    subtitle: str = ""  # the title's subtitle, as one line
    warnings: tuple = ()  # (line, text) of each warning the module raised (Altair's own)
    dark_colors: dict | None = None  # the dark tokens, for PNG pictures (charts/schemes.py)

    def bound_inputs(self) -> int:
        """How many inputs (sliders, menus, …) Vega draws for the chart's bound params."""
        return sum(
            1
            for s in self.vega.get("signals", [])
            if isinstance(s, dict) and isinstance(s.get("bind"), dict) and "input" in s["bind"]
        )

    def picture(self, values: dict) -> bytes:
        return self.pictures[state_key(values)]

    def value_problem(self, name: str, value: object) -> str | None:
        """Why this chart cannot be set to `name=value`, or None if it can."""
        param = self.params.get(name)
        return param.problem_with(value) if param else f"unknown param '{name}'"

    def accepts(self, values: dict) -> bool:
        return not any(self.value_problem(name, value) for name, value in values.items())


def state_key(values: dict) -> str:
    return json.dumps(values, sort_keys=True, ensure_ascii=False)


# A picture to draw: a state's values, and the phone box it is laid out for ("pinned" or
# "figure", see pictures.PHONE_BOXES), or None for the chart's design size.
Shot = tuple[dict, str | None]


def picture_key(values: dict, place: str | None = None) -> str:
    """The key of a state's picture in Chart.pictures: its state key, and the box it is for."""
    return state_key(values) if place is None else f"{state_key(values)} @{place}"


def chart_paths(root: Path) -> dict[str, Path]:
    """The project's chart modules by name: charts/*.py, except those starting with '_'."""
    folder = root / "charts"
    paths = sorted(folder.glob("*.py")) if folder.is_dir() else []
    return {path.stem: path for path in paths if not path.name.startswith("_")}
