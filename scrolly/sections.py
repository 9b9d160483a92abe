"""What a template needs to show one scrolly section: its graphics, in the order steps
first show them, and for each step the graphic it shows in that graphic's own state."""

from __future__ import annotations

from dataclasses import dataclass

from .blocks import Scrolly, Step
from .stickies import Sticky


@dataclass(frozen=True)
class Graphic:
    name: str
    chart: object = None  # a render.ChartView, in the state it is first shown in
    sticky: Sticky | None = None
    first_step: int = 0  # the index of the step that first shows it


@dataclass(frozen=True)
class StepView:
    step: Step
    graphic: str
    state: dict  # the shown graphic's full state (a chart's every param, a sticky's settings)
    alt: str
    picture: object = None  # the chart's ChartView when this step changes it and it was drawn
    view: object = None  # the chart's ChartView in this step's state (None for a sticky)


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
    graphics, steps, before = {}, [], {}
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
        before[name] = state
        steps.append(StepView(step, name, state, alt, picture, chart))
    chart = next((graphic.chart for graphic in graphics.values() if graphic.chart), None)
    label = f"Steps of “{chart.chart.title}”" if chart else "Steps of this section"
    return SectionView(
        block.layout or default_layout, tuple(graphics.values()), tuple(steps), label
    )
