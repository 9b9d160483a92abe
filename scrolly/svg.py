"""Make the build's static SVGs smaller without changing what a reader sees.

Vega writes coordinates to three decimals and draws every shape of a map even when the
view is zoomed in on one region; both cost bytes on the reader's first paint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .svgpath import Subpath, bounds, read_lines, simplified, written, written_exactly

NUMBER = re.compile(r"-?\d*\.\d\d+")  # a number with one decimal is already rounded
CLIP_RECT = re.compile(
    r'<clipPath id="([^"]+)"><rect x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" '
    r'height="([\d.]+)"/></clipPath>'
)


def smaller_svg(svg: str) -> str:
    """The SVG with hidden subpaths culled, lines simplified, numbers rounded, ids numbered."""
    lines = edit_line_paths(svg, _visible, _simpler)
    return numbered_ids(round_coordinates(lines))


COUNTED_ID = re.compile(r' id="([A-Za-z_]+?)(\d+)"')


def numbered_ids(svg: str) -> str:
    """Number the SVG's clip and gradient ids from 1 in the order they are defined.

    Vega takes them from a counter that lives as long as the process, so the same chart
    drawn after others in a chart worker would come out with other ids: a build would not
    be byte-identical to the one before.
    """
    renamed = {}
    for match in COUNTED_ID.finditer(svg):
        old = match.group(1) + match.group(2)
        renamed.setdefault(old, f"{match.group(1)}{len(renamed) + 1}")
    if not renamed:
        return svg
    names = re.compile(r'(?<=id=")(%s)(?=")|(?<=#)(%s)(?=[)"])' % (("|".join(renamed),) * 2))
    return names.sub(lambda m: renamed[m.group(0)], svg)


def cull_hidden_shapes(svg: str) -> str:
    """Drop the subpaths of straight lines that lie wholly outside what their clips show
    (a zoomed map's other continents), and paths left with none."""
    return edit_line_paths(svg, _visible, write=written_exactly)


def simplify_lines(svg: str) -> str:
    """Leave out the points of straight-line paths that move the line less than
    SIMPLIFY_PX (a map's coastlines hold many points per pixel)."""
    return edit_line_paths(svg, _simpler)


def edit_line_paths(svg: str, *edits, write=written) -> str:
    """Pass each straight-line path's subpaths, with what is known of the view it is drawn
    in, through the edits, and write the result back (by default at 0.1 px, svgpath.written)."""
    out: list[str] = []
    stack: list[View] = [_root_view(svg)]
    clips = {m.group(1): _numbers(m.group(2, 3, 4, 5)) for m in CLIP_RECT.finditer(svg)}
    last = 0
    for tag in TAG.finditer(svg):
        closing, name, attributes, empty = tag.groups()
        if closing:
            if len(stack) > 1:
                stack.pop()
            continue
        view = _inner_view(stack[-1], name, attributes, clips)
        if name == "path" and empty and view.simplify_px is not None:
            d = D_ATTRIBUTE.search(attributes)
            subpaths = read_lines(d.group(1)) if d and not CURVES.search(d.group(1)) else None
            if subpaths is not None:
                for edit in edits:
                    subpaths = edit(subpaths, view)
                out.append(svg[last : tag.start()])
                if subpaths:
                    before, after = attributes[: d.start(1)], attributes[d.end(1) :]
                    out.append(f"<path{before}{write(subpaths)}{after}/>")
                last = tag.end()
        if not empty:
            stack.append(view)
    out.append(svg[last:])
    return "".join(out)


TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>")
D_ATTRIBUTE = re.compile(r'\sd="([^"]*)"')
CURVES = re.compile(r"[CcSsQqTtAa]")
TRANSFORM = re.compile(r'\stransform="([^"]*)"')
TRANSLATE = re.compile(r"\s*translate\(\s*([-+\d.eE]+)(?:[\s,]+([-+\d.eE]+))?\s*\)\s*")
CLIP_REF = re.compile(r'\sclip-path="url\(#([^)"]+)\)"')
PAINT_SERVER = re.compile(r'\s(?:fill|stroke)="url\(')
STROKE_WIDTH = re.compile(r'\sstroke-width="([\d.]+)"')
VIEW_BOX = re.compile(r'<svg[^>]*\sviewBox="([-\d.]+)[ ,]+([-\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)"')
DEFINITIONS = {"defs", "clipPath", "mask", "pattern", "marker", "symbol"}
SIMPLIFY_PX = 0.3


@dataclass(frozen=True)
class View:
    """What is known where an element is drawn, in its own user units."""

    clip: tuple[float, float, float, float] | None  # x0, y0, x1, y1 outside which nothing shows
    simplify_px: float | None  # the tolerance for leaving out points; None: leave them all
    stroke_width: float = 1.0


def _root_view(svg: str) -> View:
    box = VIEW_BOX.search(svg)
    if not box:
        return View(None, SIMPLIFY_PX)
    x, y, width, height = _numbers(box.groups())
    return View((x, y, x + width, y + height), SIMPLIFY_PX)


def _inner_view(outer: View, name: str, attributes: str, clips: dict) -> View:
    if (
        outer.simplify_px is not None
        and name not in DEFINITIONS
        and not any(
            word in attributes for word in ("transform=", "clip-path=", "stroke-width=", "url(")
        )
    ):
        return outer  # most elements: nothing changes
    if name in DEFINITIONS or outer.simplify_px is None:
        return View(None, None)  # drawn where it is used, or under a transform we do not follow
    clip = outer.clip
    transform = TRANSFORM.search(attributes)
    if transform:
        shift = TRANSLATE.fullmatch(transform.group(1))
        if not shift:
            return View(None, None)  # a scale, rotation or matrix: leave what is inside alone
        dx, dy = float(shift.group(1)), float(shift.group(2) or 0)
        clip = clip and (clip[0] - dx, clip[1] - dy, clip[2] - dx, clip[3] - dy)
    reference = CLIP_REF.search(attributes)
    if reference and reference.group(1) in clips:
        x, y, width, height = clips[reference.group(1)]
        own = (x, y, x + width, y + height)
        clip = own if clip is None else _intersection(clip, own)
    stroke = STROKE_WIDTH.search(attributes)
    width = float(stroke.group(1)) if stroke else outer.stroke_width
    if PAINT_SERVER.search(attributes):
        clip = None  # a gradient spans the shape's bounding box: keep every subpath
    return View(clip, outer.simplify_px, width)


def _intersection(a: tuple, b: tuple) -> tuple:
    return max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])


def _visible(subpaths: list[Subpath], view: View) -> list[Subpath]:
    if view.clip is None:
        return subpaths
    margin = 5 * view.stroke_width + 1  # a miter join (limit 10) reaches 5 stroke widths out
    x0, y0, x1, y1 = view.clip
    kept = []
    for points, closed in subpaths:
        left, top, right, bottom = bounds(points)
        if right + margin >= x0 and left - margin <= x1 and bottom + margin >= y0:
            if top - margin <= y1:
                kept.append((points, closed))
    return kept


def _simpler(subpaths: list[Subpath], view: View) -> list[Subpath]:
    return [(simplified(points, closed, view.simplify_px), closed) for points, closed in subpaths]


def _numbers(texts) -> tuple[float, ...]:
    return tuple(float(t) for t in texts)


def round_coordinates(svg: str) -> str:
    """Round path and transform numbers to 0.1 px: a fifth of a device pixel on a 2x screen."""
    return re.sub(
        r' (d|transform)="([^"]*)"',
        lambda m: f' {m.group(1)}="{NUMBER.sub(_round, m.group(2))}"',
        svg,
    )


def _round(number: re.Match) -> str:
    text = f"{round(float(number.group()), 1):.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
