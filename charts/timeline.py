"""Timeline of 2023: the events behind the Vilnius summit and the Tokyo office plan.

One row per event, in date order. Single-day events are points; events that
span days (or whose date is known only to a period) are bars. Params:

- ``focus`` (event id or None): highlights one event with a larger mark, a
  dashed guide line and a bold label.
- ``start`` / ``end`` (ISO dates): the window of the x axis, so a step can zoom
  from the whole year to the days of the summit.

Pure module: reads ``data/events.csv`` next to this file, writes nothing.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import altair as alt

# Who acted in each event (the ``actor`` column of events.csv) gives its colour AND shape,
# named in the legend, in the same colours as the map.
from _palette import ACTORS

DATA = Path(__file__).parent / "data" / "events.csv"

WIDTH, HEIGHT = 600, 400

# The page's colours (scrolly's design tokens, as CSS variables with the light value as
# fallback), so the timeline follows the page into dark mode.
INK, MUTED, PAPER = "var(--ink, #1b1b1b)", "var(--muted, #4a4a4a)", "var(--paper, #fdfcf8)"

# How each event's date should be read: exact days, or a representative date
# standing for a period the sources give only roughly (see data/README.md).
WHEN = {
    "stoltenberg-tokyo": "31 January 2023",
    "finland-joins": "4 April 2023",
    "macron-visit": "5–7 April 2023",
    "business-deals": "April 2023, during the state visit",
    "macron-plane": "April 2023, on the flight back from China",
    "cnn-interview": "May 2023 (day not given)",
    "term-extended": "4 July 2023",
    "vilnius-summit": "11–12 July 2023",
    "communique": "11 July 2023",
    "beijing-response": "July 2023, right after the communiqué",
    "itpp": "12 July 2023",
    "office-planned": "early fall 2023, as first planned",
    "office-target": "before the end of 2023, or 2024",
}


def _read() -> list[dict]:
    with DATA.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows.sort(key=lambda r: (r["date"], r["end_date"] or r["date"]))
    return rows


def table() -> list[dict]:
    """The events as flat rows (shown under the chart and offered as CSV)."""
    actor_names = {actor: name for actor, name, _, _ in ACTORS}
    out = []
    for r in _read():
        out.append(
            {
                "Date": r["date"],
                "End date": r["end_date"],
                "Event": r["label"],
                "When": WHEN.get(r["id"], ""),
                "Who acted": actor_names[r["actor"]],
            }
        )
    return out


def _values() -> list[dict]:
    actor_names = {actor: name for actor, name, _, _ in ACTORS}
    values = []
    for i, r in enumerate(_read()):
        start = r["date"]
        end = r["end_date"] or r["date"]
        date.fromisoformat(start), date.fromisoformat(end)  # fail loudly on bad dates
        values.append(
            {
                "id": r["id"],
                "label": r["label"],
                "when": WHEN.get(r["id"], start),
                "actor": actor_names[r["actor"]],
                "row": i,
                "start": start,
                "end": end,
                "span": bool(r["end_date"]),
            }
        )
    return values


def chart() -> alt.LayerChart:
    focus = alt.param(name="focus", value=None)
    start = alt.param(name="start", value="2023-01-01")
    end = alt.param(name="end", value="2023-12-31")

    values = _values()
    n = len(values)
    base = alt.Chart(alt.Data(values=values)).transform_calculate(
        t0="toDate(start)",
        t1="toDate(end)",
        ts="toDate(datum.start)",
        # every event ends at the end of its last day, so a single day's
        # symbol sits at noon and a span's bar covers whole days
        te="toDate(datum.end) + 86400000",
        tm="(toDate(datum.start) + toDate(datum.end) + 86400000) / 2",
        focused="datum.id === focus",
        aria="datum.label + ', ' + datum.when + ' (who acted: ' + datum.actor + ')'",
    ).transform_calculate(
        visible="datum.te > datum.t0 && datum.ts <= datum.t1",
        # where the event sits in the window, 0 = left edge, 1 = right edge
        frac="(datum.tm - datum.t0) / max(1, datum.t1 - datum.t0)",
        # label anchors: a bar's ends, a single day's symbol
        lr="datum.span ? datum.te : datum.tm",
        ll="datum.span ? datum.ts : datum.tm",
    ).transform_filter("datum.visible").transform_window(
        # the rows of the events in the window, in date order: zoomed in on a few weeks,
        # their rows spread over the whole height instead of keeping the year's places
        shown_row="row_number()",
        sort=[{"field": "row"}],
    )

    x_scale = alt.Scale(
        type="utc",
        domain={"expr": "[toDate(start), toDate(end)]"},
    )
    y = alt.Y("shown_row:O", scale=alt.Scale(type="point", padding=0.6), axis=None)
    # month names for a long window, day and month once zoomed in to weeks
    x_axis = alt.Axis(
        title=None,
        labelFontSize=12,
        labelOverlap=True,
        labelSeparation=6,
        tickCount={"expr": "ceil(width / 60)"},
        grid=False,
        labelExpr=(
            "utcFormat(datum.value, toDate(end) - toDate(start) > 75 * 86400000"
            " ? '%b' : '%-d %b')"
        ),
    )

    def x(field: str) -> alt.X:
        return alt.X(f"{field}:T", scale=x_scale, axis=x_axis)

    actor_domain = [name for _, name, _, _ in ACTORS]
    color = alt.Color(
        "actor:N",
        scale=alt.Scale(domain=actor_domain, range=[c for _, _, c, _ in ACTORS]),
        legend=alt.Legend(
            title="Who acted",
            titleFontSize=12,
            titleOrient="top",
            titlePadding=2,
            orient="top",
            direction="horizontal",
            columns=3,
            labelFontSize=12,
            symbolSize=100,
            symbolStrokeWidth=0,
            labelLimit=150,
            columnPadding=8,
            labelOffset=4,
        ),
    )
    shape = alt.Shape(
        "actor:N",
        scale=alt.Scale(domain=actor_domain, range=[s for _, _, _, s in ACTORS]),
        legend=alt.Legend(title="Who acted"),
    )
    description = alt.Description("aria:N")
    tooltip = [
        alt.Tooltip("label:N", title="Event"),
        alt.Tooltip("when:N", title="When"),
        alt.Tooltip("actor:N", title="Who acted"),
    ]

    focus_rule = (
        base.transform_filter("datum.focused")
        .mark_rule(color=INK, strokeDash=[4, 3], strokeWidth=1.5, clip=True, aria=False)
        .encode(x=x("tm"))
    )

    bars = (
        base.transform_filter("datum.span")
        .mark_rule(strokeCap="round", clip=True)
        .encode(
            x=x("ts"),
            x2="te:T",
            y=y,
            color=color,
            strokeWidth=alt.condition("datum.focused", alt.value(14), alt.value(9)),
            tooltip=tooltip,
            description=description,
        )
    )

    points = base.mark_point(filled=True, clip=True, stroke=PAPER, opacity=1).encode(
        x=x("tm"),
        y=y,
        color=color,
        shape=shape,
        size=alt.condition("datum.focused", alt.value(260), alt.value(95)),
        strokeWidth=alt.condition("datum.focused", alt.value(2), alt.value(1)),
        tooltip=tooltip,
        description=description,
    )

    ring = (
        base.transform_filter("datum.focused")
        .mark_point(filled=False, clip=True, color=INK, strokeWidth=2, size=620, shape="circle", aria=False)
        .encode(x=x("tm"), y=y)
    )

    label_common = dict(
        fontSize=12,
        baseline="middle",
        clip=True,
        fontWeight={"expr": "datum.focused ? 'bold' : 'normal'"},
    )

    def labels(side: str, halo: bool) -> alt.Chart:
        """Labels left of the middle of the window run to the right of their
        mark, the others to the left; ``limit`` truncates rather than spill.
        The halo copy (outlined in the page's colour) keeps text clear of the guide line."""
        paint = (
            dict(stroke=PAPER, strokeWidth=4, strokeJoin="round", fill=PAPER)
            if halo
            else dict(fill={"expr": f"datum.focused ? '{INK}' : '{MUTED}'"})
        )
        if side == "right":
            test, field, align = "datum.frac < 0.5", "lr", "left"
            dx = {"expr": "datum.focused ? 17 : 11"}
            limit = {"expr": "max(30, width - scale('x', datum.lr) - 14)"}
        else:
            test, field, align = "datum.frac >= 0.5", "ll", "right"
            dx = {"expr": "datum.focused ? -17 : -11"}
            limit = {"expr": "max(30, scale('x', datum.ll) - 14)"}
        return (
            base.transform_filter(test)
            .mark_text(align=align, dx=dx, limit=limit, aria=False, **label_common, **paint)
            .encode(x=x(field), y=y, text="label:N")
        )

    layered = alt.layer(
        focus_rule,
        labels("right", True),
        labels("left", True),
        bars,
        points,
        ring,
        labels("right", False),
        labels("left", False),
    ).add_params(focus, start, end)

    return (
        layered.resolve_scale(x="shared", y="shared", color="shared", shape="shared")
        .properties(
            width=WIDTH,
            height=HEIGHT,
            title="2023, event by event",
            description=(
                "Timeline of 2023, one row per event in date order, from Stoltenberg's "
                "visit to Tokyo on 31 January to the revised target for a NATO office in "
                "Tokyo at the end of the year. Single days are symbols and multi-day "
                "events are bars; colour and symbol shape show who acted: NATO (blue "
                "circles), France and China (orange squares), or Japan and the other "
                "Asia-Pacific partners (green diamonds)."
            ),
            usermeta={"source": "Events: SpyTalk (Ayako Doi, July 2023) and the public record"},
        )
    )
