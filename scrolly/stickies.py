"""Stickies: the graphics a scrolly section declares besides charts (`::: sticky NAME`).

A sticky is any Markdown block: a single image (zoomed and panned by steps), a code
block (lines highlighted) or text of any kind (a phrase highlighted). Steps switch the
pinned graphic with `show="NAME"`; the values a step sets are the shown graphic's own,
and every value is checked here, at the step's line, before anything is rendered.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from .phrases import PIECES, near_phrase, phrase_spans
from .problems import Problem, did_you_mean

LAYOUTS = ("text-left", "text-right", "overlay", "overlay-left", "overlay-right")
TAKES = {  # what a step may set on each kind of sticky, and its default
    "image": {"zoom": 1, "x": 0.5, "y": 0.5},
    "text": {"highlight": None},
    "code": {"highlight": None},
}
FOR_OTHERS = {"zoom": "image", "x": "image", "y": "image", "highlight": "text and code"}
LINES = re.compile(r"^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$")


@dataclass(frozen=True)
class Sticky:
    name: str
    kind: str  # "image", "text" or "code"
    html: str  # the block as the page shows it (a text sticky's phrases wrapped for highlighting)
    line: int
    text: str = ""  # the plain text (what a screen reader hears), or the image's alt
    image: object = None  # the Image of an image sticky (scrolly.images), when it could be read
    lines: int = 0  # a code sticky's number of lines
    highlights: tuple[str, ...] = ()  # the phrases steps highlight, in order of first use

    def state(self, values: dict) -> dict:
        """The full state a step leaves this sticky in (its defaults, then the values so far)."""
        return TAKES[self.kind] | values


def sticky_name_problems(chapters: list, charts: dict) -> list[Problem]:
    """A sticky named like a chart module: show= could not say which of the two it means."""
    return [
        Problem(
            chapter.path,
            sticky.line,
            f"sticky '{sticky.name}' has the name of the chart charts/{sticky.name}.py: give "
            f'the sticky another name, so that show="{sticky.name}" means one graphic',
        )
        for chapter in chapters
        for block in chapter.blocks
        for sticky in getattr(block, "stickies", ())
        if sticky.name in charts
    ]


def layout_problem(value: object) -> str:
    """What is wrong with a layout, or ""."""
    if isinstance(value, str) and value in LAYOUTS:
        return ""
    shown = json.dumps(value, ensure_ascii=False)
    hint = did_you_mean(value, LAYOUTS) if isinstance(value, str) else ""
    return (
        f"unknown layout {shown}{hint}: layouts are {', '.join(LAYOUTS[:-1])} and "
        f"{LAYOUTS[-1]} (text-left is the default)"
    )


def check_graphics(
    chart: str, stickies: list[Sticky], steps: list, path: Path, line: int, problems: list[Problem]
) -> list[Sticky]:
    """Check what each step of a section shows and the values it sets on a sticky; return
    the stickies with the phrases their steps highlight wrapped for the reader."""
    by_name = {sticky.name: sticky for sticky in stickies}
    phrases: dict[str, list[str]] = {name: [] for name in by_name}
    graphic, shown = chart, set()
    for step in steps:
        graphic = step.show or graphic
        if not graphic:
            problems.append(
                Problem(
                    path,
                    step.line,
                    "this step shows no graphic: name the section's first chart (':::: "
                    'scrolly CHART\') or say what the step shows, like show="map"',
                )
            )
            continue
        shown.add(graphic)
        sticky = by_name.get(graphic)
        for name, value in step.values.items() if sticky else ():
            message = sticky_value_problem(sticky, name, value)
            if message:
                problems.append(Problem(path, step.line, message))
            elif (
                name == "highlight"
                and sticky.kind == "text"
                and value not in [None, *phrases[graphic]]
            ):
                phrases[graphic].append(value)
    for sticky in stickies:
        if sticky.name not in shown:
            problems.append(
                Problem(
                    path,
                    sticky.line,
                    f"sticky '{sticky.name}' is never shown: add show=\"{sticky.name}\" to "
                    "the step that should show it, or remove the sticky",
                )
            )
    if chart and steps and chart not in shown:
        problems.append(
            Problem(
                path,
                line,
                f"this section names chart '{chart}' but no step shows it: the first step "
                "shows another graphic; remove the name, or let the first step show "
                f"'{chart}'",
            )
        )
    return [with_highlights(sticky, phrases[sticky.name]) for sticky in stickies]


def make_sticky(
    name: str, tokens: list, line: int, path: Path, md, env: dict, problems: list[Problem]
) -> Sticky | None:
    """A sticky from the tokens between `::: sticky NAME` and its `:::`."""
    body = list(tokens)
    if not body:
        problems.append(
            Problem(
                path,
                line,
                f"sticky '{name}' is empty: put an image, a quote, a table, a list or a code "
                "block in it",
            )
        )
        return None
    if any(token.type == "container_directive_open" for token in body):
        problems.append(Problem(path, line, "a sticky cannot hold other ':::' directives"))
        return None
    image = _only_image(body)
    if image is not None:
        alt = "".join(child.content for child in image.children or ()).strip()
        return Sticky(
            name,
            "image",
            md.renderer.render(body, md.options, env),
            line,
            alt,
            image.meta.get("scrolly_image"),
        )
    if len(body) == 1 and body[0].type in ("fence", "code_block"):
        return _code_sticky(name, body[0], line)
    rendered = md.renderer.render(body, md.options, env)
    return Sticky(name, "text", rendered, line, plain_text(rendered))


def _only_image(body: list):
    """The image token when the block is one paragraph holding one image and nothing else."""
    if [t.type for t in body] != ["paragraph_open", "inline", "paragraph_close"]:
        return None
    children = [
        c for c in body[1].children or () if not (c.type == "text" and not c.content.strip())
    ]
    return children[0] if len(children) == 1 and children[0].type == "image" else None


def _code_sticky(name: str, token, line: int) -> Sticky:
    language = token.info.strip().split(" ")[0] if token.type == "fence" else ""
    code = token.content.rstrip("\n").split("\n")
    attribute = f' class="language-{html_lib.escape(language)}"' if language else ""
    rows = "".join(
        f'<span class="code-line" data-line="{number}">{html_lib.escape(text)}\n</span>'
        for number, text in enumerate(code, 1)
    )
    html = f"<pre><code{attribute}>{rows}</code></pre>\n"
    what = f"Code ({language}), {len(code)} lines" if language else f"Code, {len(code)} lines"
    return Sticky(name, "code", html, line, what, lines=len(code))


def plain_text(html: str) -> str:
    """The text of some HTML, as a screen reader would read it out in one breath."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]*>", " ", html)).split())


def sticky_value_problem(sticky: Sticky, name: str, value: object) -> str:
    """What is wrong with a step setting `name=value` on this sticky, or ""."""
    takes = TAKES[sticky.kind]
    if name not in takes:
        others = FOR_OTHERS.get(name)
        hint = f" ({name} is for {others} stickies)" if others else did_you_mean(name, takes)
        names = ", ".join(takes)[::-1].replace(" ,", " dna ", 1)[::-1]  # "zoom, x and y"
        return f"{sticky.kind} sticky '{sticky.name}' takes {names}, not '{name}'{hint}"
    shown = json.dumps(value, ensure_ascii=False)
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "zoom" and not (number and value >= 1):
        return (
            f"zoom on image sticky '{sticky.name}' must be a number of at least 1 (1 shows "
            f"the whole image, 2 twice as close), got {shown}"
        )
    if name in ("x", "y") and not (number and 0 <= value <= 1):
        edges = (
            "0 (the left edge) to 1 (the right edge)"
            if name == "x"
            else "0 (the top) to 1 (the bottom)"
        )
        return (
            f"{name} on image sticky '{sticky.name}' must be a number from {edges}, the "
            f"point to zoom on, got {shown}"
        )
    if name == "highlight" and value is not None:
        return _highlight_problem(sticky, value)
    return ""


def _highlight_problem(sticky: Sticky, value: object) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    if sticky.kind == "code":
        spec = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(spec, str) or not LINES.match(spec):
            return (
                f"highlight on code sticky '{sticky.name}' takes line numbers like \"3\", "
                f'"2-4" or "1,5-6", got {shown}'
            )
        for first, last in line_ranges(spec):
            if not 1 <= first <= last <= sticky.lines:
                return (
                    f"highlight {shown} on code sticky '{sticky.name}' is past its lines: it "
                    f"has lines 1 to {sticky.lines}"
                    if last > sticky.lines or first < 1
                    else f"highlight {shown} on code sticky '{sticky.name}': a range goes "
                    'from a line to a later one, like "2-4"'
                )
        return ""
    if not isinstance(value, str) or not value.strip():
        return (
            f"highlight on text sticky '{sticky.name}' takes a phrase of its text in "
            f"double quotes, or null for none, got {shown}"
        )
    if not phrase_spans(sticky.html, value):
        near = near_phrase(sticky.text, value)
        hint = (
            f" (did you mean {json.dumps(near, ensure_ascii=False)}? highlights match case)"
            if near
            else ""
        )
        return f"highlight {shown} is not in the text of sticky '{sticky.name}'{hint}"
    return ""


def line_ranges(spec: str) -> list[tuple[int, int]]:
    ranges = []
    for part in spec.split(","):
        first, _, last = part.partition("-")
        ranges.append((int(first), int(last or first)))
    return ranges


def with_highlights(sticky: Sticky, phrases: list[str]) -> Sticky:
    """The text sticky with each phrase's text wrapped in spans the reader can light up:
    `data-hl` lists the phrases (by index) a span belongs to."""
    if sticky.kind != "text" or not phrases:
        return sticky
    marks: dict[int, set[int]] = {}
    for number, phrase in enumerate(phrases):
        for first, last in phrase_spans(sticky.html, phrase):
            for index in range(first, last):
                marks.setdefault(index, set()).add(number)
    out, index, open_mark = [], 0, None
    for match in PIECES.finditer(sticky.html):
        if match.group(1) is not None:  # a tag: close the span around it, reopen after
            if open_mark is not None:
                out.append("</span>")
                open_mark = None
            out.append(match.group(1))
            continue
        mark = " ".join(str(n) for n in sorted(marks.get(index, ()))) or None
        if mark != open_mark:
            if open_mark is not None:
                out.append("</span>")
            if mark is not None:
                out.append(f'<span class="hl" data-hl="{mark}">')
            open_mark = mark
        out.append(match.group(2))
        index += 1
    if open_mark is not None:
        out.append("</span>")
    return replace(sticky, html="".join(out), highlights=tuple(phrases))


def shown_html(sticky: Sticky, state: dict) -> str:
    """A text or code sticky's HTML with what `state` highlights lit, as the reader's script
    lights it: the copy a card shows where the graphic is not pinned."""
    wanted = state.get("highlight")
    if wanted is None:
        return sticky.html
    if sticky.kind == "code":
        lines = {n for first, last in line_ranges(str(wanted)) for n in range(first, last + 1)}
        return re.sub(
            r'<span class="code-line" data-line="(\d+)">',
            lambda m: m.group(0).replace('"code-line"', '"code-line is-lit"')
            if int(m.group(1)) in lines
            else m.group(0),
            sticky.html,
        )
    number = str(sticky.highlights.index(wanted))
    return re.sub(
        r'<span class="hl" data-hl="([\d ]+)">',
        lambda m: m.group(0).replace('"hl"', '"hl is-lit"')
        if number in m.group(1).split()
        else m.group(0),
        sticky.html,
    )


def image_transform(state: dict) -> str:
    """The CSS transform that zooms an image sticky on its point (as the reader's script
    does), "" for the whole image."""
    zoom = max(1.0, float(state.get("zoom") or 1))
    if zoom == 1:
        return ""
    room = (zoom - 1) / 2

    def shift(at: object) -> str:
        return f"{100 * max(-room, min(room, -zoom * (float(at) - 0.5))):.4g}%"

    return f"translate({shift(state['x'])}, {shift(state['y'])}) scale({zoom:.4g})"
