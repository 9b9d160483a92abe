"""Drawing a compiled chart: its 2x PNG and a first-paint picture per state.

A state is the values a step or figure gives the chart's params; its picture is what a
reader sees before (or without) JavaScript.
"""

from __future__ import annotations

import dataclasses
import re

from ..svg import smaller_svg
from ..theme import untitled, with_fallback_colors
from .model import Chart, Shot, picture_key
from .schemes import with_dark
from .selections import with_selections
from .spec import container_sized, fits_its_box

MAX_SVG_BYTES = 300_000  # past this, first paint uses a PNG: thousands of marks make SVGs huge
# The boxes a chart gets on a 390 x 844 phone (measured in Chromium): pinned in a scrolly
# section, and as a figure in the prose, whose height follows the design's shape.
PHONE_BOXES = {"pinned": (374, 316), "figure": (358, None)}
SHRINK_LIMIT = 0.95  # as scrolly-base.js: below this scale a chart is laid out for its box
MIN_PLOT = 120  # as scrolly-base.js: the smallest plot width or height of such a layout


def render_states(chart: Chart, shots: list[Shot], png: bool = False) -> Chart:
    """Add a first-paint picture for each shot whose values the chart accepts.

    (The states it does not accept are reported by the build; a phone shot of a chart
    that reads well at its design size is none.) With png, also the 2x PNG that a chart
    compiled for a preview lacks.
    """
    if png and not chart.png:
        chart = dataclasses.replace(chart, png=png_of(chart.svg))
    for values, place in shots:
        key = picture_key(values, place)
        if key in chart.pictures or not wanted(chart, values, place):
            continue
        chart.pictures[key] = picture_of(chart, values, place)
    return chart


def wanted(chart: Chart, values: dict, place: str | None) -> bool:
    """Whether a shot has a picture: its values fit the chart, and a phone needs one."""
    return chart.accepts(values) and (place is None or phone_size(chart, place) is not None)


def phone_size(chart: Chart, place: str) -> tuple[int, int] | None:
    """The size of a chart's picture for a phone's box, or None when its design picture
    reads well there (or Vega cannot lay it out again: a chart without a numeric size,
    a PNG picture)."""
    if chart.picture_type != "svg" or not all(
        type(chart.vega.get(side)) in (int, float) for side in ("width", "height")
    ):
        return None
    width, height = PHONE_BOXES[place]
    height = height or round(width * chart.height / chart.width)
    scale = min(width / chart.width, height / chart.height)
    if scale >= SHRINK_LIMIT and not fits_its_box(chart.vega):
        return None
    return width, height


def picture_of(chart: Chart, values: dict, place: str | None = None) -> bytes:
    if not values and place is None:
        if chart.picture_type == "svg":
            return chart.svg.encode()
        return with_dark(chart.png, chart.svg, chart.dark_colors)
    selected = {k: v for k, v in values.items() if chart.params[k].select}
    vega = chart.vega
    if selected:  # Vega-Lite draws a selection's value itself: compile it with that value
        import vl_convert as vlc

        selecting = with_selections(untitled(chart.vega_lite), chart.params, selected)
        vega = container_sized(vlc.vegalite_to_vega(selecting))
    vega = with_values(vega, {k: v for k, v in values.items() if k not in selected})
    if place is not None:
        return laid_out_svg(chart, vega, phone_size(chart, place)).encode()
    svg = svg_of(vega)
    if chart.picture_type == "svg":
        return svg.encode()
    return with_dark(png_of(svg), svg, chart.dark_colors)


def laid_out_svg(chart: Chart, vega: dict, size: tuple[int, int]) -> str:
    """The chart drawn for a box of `size`, as the live chart lays itself out for its box
    (scrolly-chart.js, fit): the plot takes what the axes, legends and title leave.

    The room they take is the design's at first; once drawn, axis labels may have
    changed it, so it is corrected once, unless the picture is within 2 % of the box
    (scaled into it, it reads the same; each drawing costs as much as the design's).
    """
    room = (chart.width - vega["width"], chart.height - vega["height"])
    for _ in range(2):
        plot = tuple(max(MIN_PLOT, side - taken) for side, taken in zip(size, room))
        svg = svg_of(dict(vega, width=plot[0], height=plot[1]))
        drawn = svg_size(svg)
        room = (drawn[0] - plot[0], drawn[1] - plot[1])
        if all(abs(got - side) <= max(2, side * 0.02) for got, side in zip(drawn, size)):
            break
    return svg


def draw_states(chart: Chart, shots: list[Shot], png: bool) -> tuple[bytes, dict]:
    """The chart's 2x PNG (drawn if it lacks one and png is set) and these shots' pictures."""
    chart = render_states(chart, shots, png)
    keys = [picture_key(values, place) for values, place in shots]
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
