"""Hours of daylight through the year in four places, one line each.

This is the story's one chart. A chart module defines chart(), which returns an Altair
chart; scrolly runs it at build time, compiles it and draws a picture of each state the
story shows. It may also define table(), the rows shown under the chart ("Data behind …")
and offered as CSV. Modules must be pure: read files, write nothing, fetch nothing.

Sizing. The chart is drawn at its design size: WIDTH x HEIGHT below is the plot; the title,
the axes and the labels at the ends of the lines add about 75 px across and 55 px down. The page
then scales that picture into the room the layout gives it, keeping its shape:

- In a scrolly section on a wide screen, the chart sits in the right-hand column (about
  650 px wide in a 1280 px window: 3/5 of at most 72rem) and must fit in the height of
  the window minus about 10rem; it is never shown larger than 1.5x its design width. A
  landscape shape like this one (about 3:2) fills that column. Altair's default size
  (a 300 x 300 plot, or 20 px per category on a discrete axis, so 3 bars make a chart
  about 106 x 342) comes out as a tall sliver.
- On a phone (640 px or less) the chart is pinned above the steps, as wide as the screen
  and just over half its height. When the design would be scaled below 95 %, the live
  chart is laid out again at the box's size, so its text keeps its size: keep axis
  labels short and let them follow the width (see labelExpr below).
- A standalone chart in the prose is as wide as the text column, at most 1.5x its design.

Give width and height as numbers, the shape the chart is designed for; or width="container"
(and height="container") for a chart laid out for whatever box it is shown in: its design
size is then 600 px wide (400 px tall), and on a phone its first pictures are drawn for the
phone's box, as they are for a numeric size that would be scaled below 95 %.
"""

import csv
from pathlib import Path

import altair as alt

DATA = Path(__file__).parent / "data" / "daylight.csv"  # read relative to this file
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
WIDTH, HEIGHT = 480, 320  # the plot's design size in px (see "Sizing" above)
INK, HIGHLIGHT = "#1f2328", "#b03a1e"  # all lines when no place is in focus; the place in focus
MUTED_LINE, MUTED_TEXT = "#9aa0a8", "#5c6370"  # the other places (text at 4.5:1 contrast or more)


def table():
    """The rows as the CSV file has them: place, latitude, month, hours."""
    with DATA.open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def chart():
    # A param is a value the story's steps can set: here, the place in focus
    # (None: no place stands out). Steps write focus="Oslo"; the chart declares it.
    focus = alt.param(name="focus", value=None)
    rows = [{**row, "hours": float(row["hours"])} for row in table()]

    # A colour for each case: no place in focus (all lines alike), this place, another place.
    def by_focus(none, this, other):
        return (
            alt.when("focus === null")
            .then(alt.value(none))
            .when("datum.place === focus")
            .then(alt.value(this))
            .otherwise(alt.value(other))
        )

    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X(
            "month:O",
            sort=MONTHS,
            title=None,
            axis=alt.Axis(
                labelAngle=0, labelExpr="width < 360 ? substring(datum.label, 0, 1) : datum.label"
            ),
        ),
        y=alt.Y(
            "hours:Q",
            title="Hours of daylight",
            scale=alt.Scale(domain=[0, 24]),
            axis=alt.Axis(values=[0, 6, 12, 18, 24]),
        ),
    )
    lines = base.mark_line(point=True).encode(
        color=by_focus(INK, HIGHLIGHT, MUTED_LINE),
        strokeWidth=by_focus(2, 3.5, 1.5),
        detail="place:N",
        tooltip=["place:N", "month:O", alt.Tooltip("hours:Q", title="hours of daylight")],
    )
    # Each line is named at its right end, so no colour legend is needed.
    labels = (
        base.mark_text(align="left", dx=6, fontSize=12)
        .encode(
            text="place:N",
            color=by_focus(INK, HIGHLIGHT, MUTED_TEXT),
        )
        .transform_filter(alt.datum.month == "Dec")
    )
    return (
        alt.layer(lines, labels)
        .add_params(focus)
        .properties(
            width=WIDTH,
            height=HEIGHT,
            title=alt.Title(
                "Hours of daylight on the 15th of each month", anchor="start", fontSize=16
            ),
            description=(
                "Line chart of the hours of daylight on the 15th of each month in four places. "
                "Quito, on the equator, has 12.1 hours all year. Madrid ranges from 9.3 hours in "
                "December to 15.0 in June, Oslo from 6.0 to 18.8, and Tromsø from none in "
                "December and January to 24 hours in June and July."
            ),
            usermeta={
                "source": "Computed from each place's latitude with the standard sunrise equation"
            },
        )
        .configure_view(stroke=None)
        .configure_axis(
            labelFontSize=12, titleFontSize=12, labelColor="#3d3d3d", gridColor="#ececec"
        )
    )
