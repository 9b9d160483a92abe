"""Three dots; one can be in focus."""

import csv
from pathlib import Path

import altair as alt

DATA = Path(__file__).parent / "data" / "dots.csv"


def table():
    with DATA.open(encoding="utf-8") as file:
        return [{"id": row["id"], "x": int(row["x"]), "y": int(row["y"])} for row in csv.DictReader(file)]


def chart():
    focus = alt.param(name="focus", value=None)
    zoom = alt.param(name="zoom", value=1)
    day = alt.param(name="day", value="2024-01-01")
    base = alt.Chart(alt.Data(values=table()))
    dots = base.mark_point(filled=True, size=200).encode(
        x=alt.X("x:Q", scale=alt.Scale(domain=[0, 4])),
        y=alt.Y("y:Q", scale=alt.Scale(type="bogus")),
        color=alt.condition(alt.datum.id == focus, alt.value("#9b2c1f"), alt.value("#555555")),
    )
    labels = base.mark_text(dy=-14).encode(x="x:Q", y="y:Q", text="id:N")
    return (
        alt.layer(dots, labels)
        .add_params(focus, zoom, day)
        .properties(width=300, height=200, title="Three dots", description="Three dots at (1, 2), (2, 3) and (3, 1).", usermeta={"source": "Made up"})
    )
