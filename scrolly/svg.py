"""Make the build's static SVGs smaller without changing what a reader sees.

Vega writes coordinates to three decimals and draws every shape of a map even when the
view is zoomed in on one region; both cost bytes on the reader's first paint.
"""

from __future__ import annotations

import re

NUMBER = re.compile(r"-?\d+\.\d+")
CLIP_RECT = re.compile(
    r'<clipPath id="([^"]+)"><rect x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" height="([\d.]+)"/></clipPath>'
)
CLIPPED_GROUP = re.compile(r'(<g [^>]*clip-path="url\(#([^)]+)\)"[^>]*>)((?:<path [^>]*/>)+)(</g>)')
PATH = re.compile(r'<path (?:transform="translate\(0,0\)" )?d="([^"]*)"[^>]*/>')
ABSOLUTE_LINES = re.compile(r"^[MLZ\d.,\-\s]*$")


def smaller_svg(svg: str) -> str:
    return numbered_ids(round_coordinates(cull_hidden_shapes(svg)))


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
    """Drop shapes that lie wholly beyond one edge of their clip rectangle (a zoomed map's other continents)."""
    clips = {
        m.group(1): tuple(float(v) for v in m.group(2, 3, 4, 5)) for m in CLIP_RECT.finditer(svg)
    }

    def cull(group: re.Match) -> str:
        clip = clips.get(group.group(2))
        paths = re.findall(r"<path [^>]*/>", group.group(3))
        if clip:
            paths = [path for path in paths if not _outside(path, clip)]
        return group.group(1) + "".join(paths) + group.group(4)

    return CLIPPED_GROUP.sub(cull, svg)


def round_coordinates(svg: str) -> str:
    """Round path and transform numbers to 0.1 px: a fifth of a device pixel on a 2x screen."""
    return re.sub(
        r' (d|transform)="([^"]*)"',
        lambda m: f' {m.group(1)}="{NUMBER.sub(_round, m.group(2))}"',
        svg,
    )


def _outside(path: str, clip: tuple[float, float, float, float]) -> bool:
    match = PATH.fullmatch(path)
    if not match or not ABSOLUTE_LINES.match(match.group(1)):
        return False  # curves, relative commands or transforms: keep it
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", match.group(1))]
    xs, ys = numbers[0::2], numbers[1::2]
    if not xs or len(xs) != len(ys):
        return False
    x, y, width, height = clip
    return max(xs) < x or min(xs) > x + width or max(ys) < y or min(ys) > y + height


def _round(number: re.Match) -> str:
    text = f"{round(float(number.group()), 1):.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
