"""What a chapter is made of: prose, scrolly sections (graphics and their steps), figures.

These records are what reading a chapter produces (content.py) and what the later stages
use; `chart_uses` walks them once for every place a chart is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .stickies import Sticky


@dataclass(frozen=True)
class Step:
    values: dict
    html: str
    line: int
    alt: str = ""  # what the chart shows at this step, in words (for screen readers)
    show: str = ""  # the graphic this step switches to (show="NAME"); "" keeps the one before


@dataclass(frozen=True)
class Scrolly:
    chart: str  # the section's first graphic (':::: scrolly NAME'), or ""
    steps: tuple[Step, ...]
    line: int
    layout: str = ""  # one of stickies.LAYOUTS, or "" for the site's default
    stickies: tuple[Sticky, ...] = ()

    def shown(self) -> list[tuple[str, dict]]:
        """The graphic each step shows and that graphic's values so far: values are kept
        per graphic, so a step coming back to a graphic finds it as it was left."""
        graphic, kept, shown = self.chart, {}, []
        for step in self.steps:
            graphic = step.show or graphic
            kept[graphic] = kept.get(graphic, {}) | step.values
            shown.append((graphic, kept[graphic]))
        return shown

    def states(self) -> list[dict]:
        """The values set so far at each step, of the graphic the step shows."""
        return [values for _, values in self.shown()]

    def sticky(self, name: str) -> Sticky | None:
        return next((sticky for sticky in self.stickies if sticky.name == name), None)

    def graphics(self) -> list[str]:
        """Every graphic the section shows, in the order they are first shown."""
        return list(dict.fromkeys(graphic for graphic, _ in self.shown()))


@dataclass(frozen=True)
class Figure:
    chart: str
    values: dict
    caption_html: str
    line: int
    alt: str = ""


@dataclass(frozen=True)
class Prose:
    html: str


@dataclass(frozen=True)
class Chapter:
    path: Path
    slug: str
    title: str
    summary: str
    blocks: tuple = field(default=())
    images: tuple = ()  # the images.Image files its Markdown shows

    @property
    def steps(self) -> list[Step]:
        return [step for block in self.blocks if isinstance(block, Scrolly) for step in block.steps]


@dataclass(frozen=True)
class ChartUse:
    """One place a chapter shows a chart: a figure, or a chart of a scrolly section."""

    path: Path  # the chapter
    line: int
    chart: str
    settings: tuple[tuple[dict, int], ...]  # what each step (or the figure) sets, and its line
    first: dict | None  # the values it is first shown with; None for a section without steps
    stickies: tuple[str, ...] | None = None  # for a chart a step names with show=: the
    # section's stickies (the other names show= could have meant)
    states: tuple[
        dict, ...
    ] = ()  # the values set so far at each step showing it (a figure: its values)
    place: str = "pinned"  # the box it takes on a phone: "pinned", or "figure" in the prose


def chart_uses(chapters: list[Chapter]):
    """Every figure, and every chart each scrolly section shows, in reading order; a chart
    of a section keeps its own values from step to step (see Scrolly.shown)."""
    for chapter in chapters:
        for block in chapter.blocks:
            if isinstance(block, Scrolly):
                yield from _section_uses(chapter.path, block)
            elif isinstance(block, Figure):
                settings = ((block.values, block.line),)
                yield ChartUse(
                    chapter.path,
                    block.line,
                    block.chart,
                    settings,
                    block.values,
                    states=(block.values,),
                    place="figure",
                )


def _section_uses(path: Path, block: Scrolly):
    stickies = {sticky.name for sticky in block.stickies}
    shown = list(zip(block.steps, block.shown()))
    names = [block.chart] if block.chart and block.chart not in stickies else []
    names += [
        name for name in block.graphics() if name and name not in stickies and name not in names
    ]
    for name in names:
        steps = [(step, values) for step, (graphic, values) in shown if graphic == name]
        settings = tuple((step.values, step.line) for step, _ in steps)
        states = tuple(values for _, values in steps)
        first = states[0] if states else None
        if name == block.chart:
            yield ChartUse(path, block.line, name, settings, first, states=states)
        else:
            named = tuple(sorted(stickies))
            yield ChartUse(path, steps[0][0].line, name, settings, first, named, states)
