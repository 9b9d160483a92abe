"""Path data made of straight lines, read, culled, simplified and written back shorter.

Vega draws a map's countries, a line's points and an area's edge as M/L/H/V/Z commands at
three decimals, every point of the data whether or not it is a pixel apart from the last.
Only such paths are read; a path with curves or arcs (C, S, Q, T, A) is left as it is.
"""

from __future__ import annotations

import re

TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
LINE_COMMANDS = set("MmLlHhVvZz")

Point = tuple[float, float]
Subpath = tuple[list[Point], bool]  # its points (absolute) and whether it is closed (Z)


ABSOLUTE = re.compile(r"M[\d.,\s-]+(?:L[\d.,\s-]+)*Z?")
PAIRS = re.compile(r"(-?[\d.]+)[\s,]*(-?[\d.]+)")


def read_lines(d: str) -> list[Subpath] | None:
    """The subpaths of path data made only of straight lines, or None for any other data."""
    if re.fullmatch(r"(?:M[\d.,\s-]+(?:L[\d.,\s-]+)*Z?)+", d):
        return _read_absolute(d)
    return _read_any(d)


def _read_absolute(d: str) -> list[Subpath] | None:
    """What Vega writes for shapes and lines, read fast: M and L, one absolute point each."""
    subpaths = []
    for part in ABSOLUTE.findall(d):
        numbers = PAIRS.findall(part)
        if len(numbers) != part.count("L") + 1 or PAIRS.sub("", part).strip("MLZ, "):
            return _read_any(d)  # several points to one letter, or odd numbers: read slowly
        try:
            points = [(float(x), float(y)) for x, y in numbers]
        except ValueError:
            return _read_any(d)
        subpaths.append((points, part.endswith("Z")))
    return subpaths


def _read_any(d: str) -> list[Subpath] | None:
    tokens = TOKEN.findall(d)
    if not tokens or tokens[0] not in "Mm" or not LINE_COMMANDS.issuperset(
        t for t in tokens if t.isalpha()
    ):
        return None
    if TOKEN.sub("", d).strip(" ,\t\r\n"):
        return None  # something the tokens do not cover: not ours to read
    subpaths: list[Subpath] = []
    points: list[Point] = []
    x = y = 0.0
    command = ""
    at = 0
    while at < len(tokens):
        token = tokens[at]
        if token.isalpha():
            command, at = token, at + 1
            if command in "Zz":
                if not points:
                    return None
                subpaths.append((points, True))
                x, y = points[0]
                points, command = [], ""
                continue
        elif not command:
            return None  # numbers after Z with no command: unusual, leave it
        arity = 1 if command in "HhVv" else 2
        if at + arity > len(tokens) or any(t.isalpha() for t in tokens[at : at + arity]):
            return None
        values = [float(t) for t in tokens[at : at + arity]]
        at += arity
        relative = command.islower()
        if command in "Mm":
            if points:
                subpaths.append((points, False))
            x, y = (x + values[0], y + values[1]) if relative else (values[0], values[1])
            points = [(x, y)]
            command = "l" if relative else "L"  # after M, further pairs are lines
            continue
        if not points:
            points = [(x, y)]  # a line straight after Z starts at the closed subpath's start
        if command in "Hh":
            x = x + values[0] if relative else values[0]
        elif command in "Vv":
            y = y + values[0] if relative else values[0]
        else:
            x, y = (x + values[0], y + values[1]) if relative else (values[0], values[1])
        points.append((x, y))
    if points:
        subpaths.append((points, False))
    return subpaths


def simplified(points: list[Point], closed: bool, tolerance: float) -> list[Point]:
    """The points of a polyline that keep it within `tolerance` px (Douglas-Peucker).

    A closed ring keeps at least three points when it had them, so an island smaller than
    the tolerance stays the dot it is drawn as instead of vanishing.
    """
    if len(points) < 3:
        return points
    line = points + [points[0]] if closed else points
    keep = [False] * len(line)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    limit = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        farthest, index = _farthest(line, first, last)
        if farthest > limit:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    kept = [p for p, k in zip(line, keep) if k]
    if closed:
        kept.pop()
        if len(kept) < 3:
            kept = _three_of(points)
    return kept


def _farthest(line: list[Point], first: int, last: int) -> tuple[float, int]:
    """The squared distance of the point farthest from the segment first-last, and its index."""
    ax, ay = line[first]
    bx, by = line[last]
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    farthest, index = -1.0, first + 1
    for i in range(first + 1, last):
        px, py = line[i]
        if length:
            t = ((px - ax) * dx + (py - ay) * dy) / length
            t = 0.0 if t < 0 else 1.0 if t > 1 else t
            ex, ey = ax + t * dx - px, ay + t * dy - py
        else:
            ex, ey = px - ax, py - ay
        distance = ex * ex + ey * ey
        if distance > farthest:
            farthest, index = distance, i
    return farthest, index


def _three_of(points: list[Point]) -> list[Point]:
    """A ring's first point, the point farthest from it, and the one farthest from both."""
    start = points[0]
    far = max(points, key=lambda p: (p[0] - start[0]) ** 2 + (p[1] - start[1]) ** 2)
    third = max(
        points,
        key=lambda p: min((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 for q in (start, far)),
    )
    ring = [p for p in points if p in (start, far, third)]
    return list(dict.fromkeys(ring)) or points[:3]


def bounds(points: list[Point]) -> tuple[float, float, float, float]:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def written(subpaths: list[Subpath]) -> str:
    """Path data at 0.1 px, short: relative commands between rounded points, h and v for
    level and plumb lines, no repeated command letters (after m, pairs are lines), no
    leading zeros. Differences are taken between rounded points: errors do not add up.
    """
    text: list[str] = []
    x = y = 0  # the current point, in tenths of a pixel
    for points, closed in subpaths:
        tenths = [(round(px * 10), round(py * 10)) for px, py in points]
        ring = [p for i, p in enumerate(tenths) if i == 0 or p != tenths[i - 1]]
        if closed and len(ring) > 1 and ring[-1] == ring[0]:
            ring.pop()  # z draws the closing line
        if len(ring) == 1 and len(tenths) > 1:
            ring.append(ring[0])  # a line of no length still draws its caps: keep it
        start = ring[0]
        text.append("m" + _pair(start[0] - x, start[1] - y))
        command = "l"
        x, y = start
        for px, py in ring[1:]:
            if py == y and px != x:
                number, now = _tenths(px - x), "h"
            elif px == x and py != y:
                number, now = _tenths(py - y), "v"
            else:
                number, now = _pair(px - x, py - y), "l"
            if now != command:
                text.append(now)
            elif number[0] != "-":
                text.append(" ")
            text.append(number)
            command, x, y = now, px, py
        if closed:
            text.append("z")
            x, y = start
    return "".join(text)  # the first m is absolute: it moves from 0,0


def written_exactly(subpaths: list[Subpath]) -> str:
    """Path data with every number as read: the same shape, drawn to the same pixels."""
    parts = []
    for points, closed in subpaths:
        line = "L".join(f"{_exact(x)},{_exact(y)}" for x, y in points)
        parts.append("M" + line + ("Z" if closed else ""))
    return "".join(parts)


def _exact(value: float) -> str:
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def _pair(dx: int, dy: int) -> str:
    second = _tenths(dy)
    return _tenths(dx) + ("" if second[0] == "-" else ",") + second


def _tenths(value: int) -> str:
    whole, tenth = divmod(abs(value), 10)
    sign = "-" if value < 0 else ""
    if not tenth:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{tenth}"
