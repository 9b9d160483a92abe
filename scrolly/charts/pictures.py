"""Drawing a compiled chart: its 2x PNG and a first-paint picture per state.

A state is the values a step or figure gives the chart's params; its picture is what a
reader sees before (or without) JavaScript.
"""

from __future__ import annotations

import dataclasses
import re

from ..svg import smaller_svg
from ..theme import with_fallback_colors
from .model import Chart, state_key
from .schemes import with_dark
from .selections import with_selections

MAX_SVG_BYTES = 300_000  # past this, first paint uses a PNG: thousands of marks make SVGs huge


def render_states(chart: Chart, states: list[dict], png: bool = False) -> Chart:
    """Add a first-paint picture for each state whose values the chart accepts.

    (The states it does not accept are reported by the build.) With png, also the 2x
    PNG that a chart compiled for a preview lacks.
    """
    if png and not chart.png:
        chart = dataclasses.replace(chart, png=png_of(chart.svg))
    for values in states:
        key = state_key(values)
        if key in chart.pictures or not chart.accepts(values):
            continue
        chart.pictures[key] = picture_of(chart, values)
    return chart


def picture_of(chart: Chart, values: dict) -> bytes:
    if not values:
        if chart.picture_type == "svg":
            return chart.svg.encode()
        return with_dark(chart.png, chart.svg, chart.dark_colors)
    selected = {k: v for k, v in values.items() if chart.params[k].select}
    vega = chart.vega
    if selected:  # Vega-Lite draws a selection's value itself: compile it with that value
        import vl_convert as vlc

        vega = vlc.vegalite_to_vega(with_selections(chart.vega_lite, chart.params, selected))
    svg = svg_of(with_values(vega, {k: v for k, v in values.items() if k not in selected}))
    if chart.picture_type == "svg":
        return svg.encode()
    return with_dark(png_of(svg), svg, chart.dark_colors)


def draw_states(chart: Chart, states: list[dict], png: bool) -> tuple[bytes, dict]:
    """The chart's 2x PNG (drawn if it lacks one and png is set) and these states' pictures."""
    chart = render_states(chart, states, png)
    keys = [state_key(values) for values in states]
    return chart.png, {key: chart.pictures[key] for key in keys if key in chart.pictures}


def svg_of(vega: dict) -> str:
    import vl_convert as vlc

    return smaller_svg(vlc.vega_to_svg(vega))


def png_of(svg: str) -> bytes:
    """A 2x PNG of a chart's SVG: rasterizing the SVG Vega drew is a third of drawing again.

    A PNG has no page around it: its colours are the light scheme's, the variables' fallbacks.
    """
    import vl_convert as vlc

    return vlc.svg_to_png(with_fallback_colors(svg), scale=2)


def with_values(vega: dict, values: dict) -> dict:
    """A copy of a Vega spec whose signals start at the given values.

    Only the dicts on the way to the signals are copied; the data, often most of the
    spec, is shared with the original.
    """

    def visit(node: dict) -> dict:
        copied = dict(node)
        if isinstance(node.get("signals"), list):
            copied["signals"] = [
                dict(s, value=values[s["name"]])
                if isinstance(s, dict) and s.get("name") in values
                else s
                for s in node["signals"]
            ]
        if isinstance(node.get("marks"), list):
            copied["marks"] = [visit(m) if isinstance(m, dict) else m for m in node["marks"]]
        return copied

    return visit(vega)


def svg_size(svg: str) -> tuple[int, int]:
    match = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', svg)
    return (round(float(match.group(1))), round(float(match.group(2)))) if match else (600, 400)
