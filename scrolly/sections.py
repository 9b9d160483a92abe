"""What a template needs to show one scrolly section: its graphics, in the order steps
first show them, and for each step the graphic it shows in that graphic's own state."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .blocks import Scrolly, Step
from .stickies import Sticky, image_transform, shown_html


@dataclass(frozen=True)
class Graphic:
    name: str
    chart: object = None  # a render.ChartView, in the state it is first shown in
    sticky: Sticky | None = None
    first_step: int = 0  # the index of the step that first shows it


@dataclass(frozen=True)
class StickyCopy:
    """A sticky as one step leaves it, for the step's card where the graphic is not pinned."""

    sticky: Sticky
    html: str = ""  # a text or code sticky's HTML, its highlight lit and its ids dropped
    dimmed: bool = False  # whether something in it is lit, so the rest is dimmed
    transform: str = ""  # an image sticky's zoom and pan, as CSS


@dataclass(frozen=True)
class StepView:
    step: Step
    graphic: str
    state: dict  # the shown graphic's full state (a chart's every param, a sticky's settings)
    alt: str
    picture: object = None  # the chart's ChartView when this step changes it and it was drawn
    view: object = None  # the chart's ChartView in this step's state (None for a sticky)
    # what a short window, where the graphic is not pinned, shows in the card of a step that
    # switches or changes the graphic and prints no picture: a ChartView or a StickyCopy
    copy: object = None


@dataclass(frozen=True)
class SectionView:
    layout: str
    graphics: tuple[Graphic, ...]
    steps: tuple[StepView, ...]
    label: str  # what the step controls are named after

    @property
    def charts(self) -> list:
        """The charts the section shows (each once): their embed controls and data follow it."""
        return [graphic.chart for graphic in self.graphics if graphic.chart is not None]


def section_view(block: Scrolly, view, alts: list[str], default_layout: str) -> SectionView:
    """`view(chart, values)` gives a chart's ChartView; `alts` are the steps' words."""
    shown = block.shown()
    graphics, steps, before, shown_before = {}, [], {}, None
    for index, ((name, values), step, alt) in enumerate(zip(shown, block.steps, alts)):
        sticky = block.sticky(name)
        chart = None if sticky else view(name, values)
        if name not in graphics:
            graphics[name] = Graphic(name, chart, sticky, index)
        state = sticky.state(values) if sticky else chart.state
        # printed beside the step: a state of its own, other than the one the stage prints
        # (only the states some section or figure starts with: print's page breaks are
        # laid out for those)
        changed = name in before and before[name] != state
        picture = chart if chart and chart.drawn and chart.first and changed else None
        copy = None
        if not picture and (changed or (shown_before is not None and name != shown_before)):
            copy = _copy(chart, sticky, state)
        before[name], shown_before = state, name
        steps.append(StepView(step, name, state, alt, picture, chart, copy))
    chart = next((graphic.chart for graphic in graphics.values() if graphic.chart), None)
    label = f"Steps of “{chart.chart.title}”" if chart else "Steps of this section"
    return SectionView(
        block.layout or default_layout, tuple(graphics.values()), tuple(steps), label
    )


def _copy(chart, sticky: Sticky | None, state: dict):
    if sticky is None:
        return chart if chart.drawn else None
    if sticky.kind == "image":
        return StickyCopy(sticky, transform=image_transform(state)) if sticky.image else None
    html = re.sub(r'\sid="[^"]*"', "", shown_html(sticky, state))  # ids stay unique
    return StickyCopy(sticky, html=html, dimmed=state.get("highlight") is not None)
