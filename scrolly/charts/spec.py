"""The Vega-Lite spec a chart module made: checked against the schema, read for its params."""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..problems import Problem, ProjectError
from .model import DATE, Param
from .module import first_lines, line_of_def, run_module
from .rows import schema_sample


def valid_spec(chart) -> dict:
    """The chart's Vega-Lite spec, checked against the schema.

    Checking every data row took most of a minute for 100,000 rows and asks of them only
    what schema_sample checks itself, so the check runs on a copy with one row a table.
    """
    from altair.vegalite.v6.schema.core import TopLevelSpec

    spec = chart.to_dict(validate=False)
    TopLevelSpec.validate(schema_sample(spec))
    return spec


def invalid_chart_problem(name: str, path: Path, chart, err: Exception) -> Problem:
    """Explain an invalid spec in Altair's words, at the module's line that made it if possible."""
    from altair.utils.schemapi import debug_mode

    with debug_mode(True):  # Altair then checks each object as it is made
        try:
            run_module(name, path, check_as_built=True)
        except ProjectError as found:
            return found.problems[0]
    try:
        chart.to_dict()  # Altair's own check of the whole chart words it best
    except Exception as altair_err:
        err = altair_err
    return Problem(path, line_of_def(path), f"the chart is not valid Vega-Lite: {first_lines(err)}")


def metadata_problems(path: Path, spec: dict) -> list[Problem]:
    """A title and a description are required: figures, embeds and screen readers use them."""
    line = line_of_def(path)
    problems = []
    if not spec.get("title"):
        problems.append(Problem(path, line, 'the chart has no title: add .properties(title="…")'))
    if not spec.get("description"):
        problems.append(
            Problem(
                path,
                line,
                "the chart has no description: add "
                '.properties(description="…"), the text screen readers read',
            )
        )
    return problems


def chart_params(spec: dict) -> dict[str, Param]:
    """The params a step may set (selections excluded), each of the kind its default has."""
    params = {}
    for layer in [spec, *spec.get("layer", [])]:
        for param in layer.get("params", []):
            if "select" in param:
                continue
            value = param.get("value")
            kinds = {bool: "boolean", int: "number", float: "number", type(None): "string or null"}
            kind = kinds.get(type(value), "value")
            if isinstance(value, str):
                kind = "date" if DATE.match(value) else "string"
            params[param["name"]] = Param(param["name"], kind, value)
    return params


CONTAINER_SIZE = {"width": 600, "height": 400}  # the design size of a side "container" sets


def container_sized(vega: dict) -> dict:
    """The Vega spec of a chart sized by its container (`width="container"`,
    `height="container"`) at a design size instead, marked to be laid out for its box.

    Vega-Lite makes such a side a signal that reads the size of the element the chart is
    drawn in, and 300 px where there is none, as in the build's pictures. Here it is 600 px
    wide or 400 px tall, the room a pinned chart gets on a wide screen, and the page lays the
    chart out again for whatever box it is shown in (pictures.phone_size, scrolly-chart.js).
    """
    signals = vega.get("signals", [])
    sides = {
        signal["name"]
        for signal in signals
        if isinstance(signal, dict)
        and signal.get("name") in CONTAINER_SIZE
        and "containerSize()" in str(signal.get("init", ""))
    }
    if not sides:
        return vega
    kept = [s for s in signals if not (isinstance(s, dict) and s.get("name") in sides)]
    vega = dict(vega, signals=kept) | {side: CONTAINER_SIZE[side] for side in sorted(sides)}
    usermeta = dict(vega.get("usermeta") or {})
    usermeta["scrolly"] = dict(usermeta.get("scrolly") or {}, fit=True)
    return vega | {"usermeta": usermeta}


def fits_its_box(vega: dict) -> bool:
    """Whether the chart is laid out for any box it is shown in (see container_sized)."""
    return ((vega.get("usermeta") or {}).get("scrolly") or {}).get("fit") is True


def shared_rows(vega_lite: dict, vega: dict) -> dict:
    """The Vega spec, its inline data tables replaced by the equal lists of the Vega-Lite spec.

    Vega-Lite copies inline rows into the Vega spec unchanged; sharing one list halves
    the memory, and the data sent to the build process, of a chart with many rows.
    """
    tables = list(_inline_tables(vega_lite))
    for entry in vega.get("data", []):
        rows = entry.get("values")
        if isinstance(rows, list):
            same = (table for table in tables if len(table) == len(rows) and table == rows)
            entry["values"] = next(same, rows)
    return vega


def _inline_tables(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "values" and isinstance(value, list):
                yield value
            elif key == "datasets" and isinstance(value, dict):
                yield from (rows for rows in value.values() if isinstance(rows, list))
            else:
                yield from _inline_tables(value)
    elif isinstance(node, list):
        for item in node:
            yield from _inline_tables(item)


def title_texts(title, drawn) -> tuple[str, str]:
    """The chart's title and subtitle as one line of text each, from any Vega-Lite title form.

    A title may be a string, a list of lines, or an object whose text and subtitle are
    either, or an expression; the text of an expression is read from the SVG `drawn()`
    returns (the chart drawn with its title).
    """
    subtitle = ""
    if isinstance(title, dict):
        subtitle = _lines(title.get("subtitle"))
        if not subtitle and isinstance(title.get("subtitle"), dict):
            subtitle = _drawn(drawn(), "role-title-subtitle")
        title = title.get("text")
    text = _lines(title)
    if not text and isinstance(title, dict):  # an expression: {"expr": "…"}
        text = _drawn(drawn(), "role-title-text")
    return text, subtitle


def _lines(value) -> str:
    if isinstance(value, str):
        return " ".join(value.split("\n")).strip()
    if isinstance(value, list):
        return " ".join(str(line).strip() for line in value if str(line).strip())
    return ""


def _drawn(svg: str, role: str) -> str:
    """The text of the first SVG group with this Vega role (its tspans joined)."""
    match = re.search(rf'class="mark-text {role}"[^>]*>(.*?)</g>', svg, re.DOTALL)
    if not match:
        return ""
    parts = re.findall(r">([^<>]+)<", match.group(1))
    return html.unescape(" ".join(part.strip() for part in parts if part.strip()))
