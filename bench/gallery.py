"""A generated project of many charts of gallery-like variety, for the many-charts budget.

Ten kinds of chart, taken in turn, in the spirit of Altair's example gallery: layered
lines with a rule, a scatter plot, a stacked histogram, a binned heatmap, a horizontal
concat, a vertical concat with window transforms, a map (geoshapes and points), box
plots, a folded stacked area and a regression over every 25th point (not Vega's `sample`,
which draws differently on every run). Each reads its own
CSV of 1,000 to 50,000 rows (log-uniform; kinds that draw one mark per row stop at
5,000, as gallery charts that draw every row do), has params, and is shown once: half in
a scrolly section whose first step sets a param (so a state picture is drawn), half as a
standalone figure. Deterministic: the same arguments write the same files.
"""

from __future__ import annotations

import csv
import json
import math
import random
from pathlib import Path

GROUPS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta")
REGIONS = (12, 6)  # columns × rows of the map's generated regions
RAW_MARKS = {"scatter", "map"}  # kinds that draw one mark per row

HEADER = '''"""Generated gallery chart {name}: {kind}."""

import csv
from pathlib import Path

import altair as alt

DATA = Path(__file__).parent / "data" / "{name}.csv"


def rows():
    with DATA.open(encoding="utf-8") as file:
        return [{{"date": r["date"], "group": r["group"], "x": float(r["x"]), "y": float(r["y"]),
                 "size": float(r["size"]), "region": int(r["region"])}} for r in csv.DictReader(file)]


def chart():
    data = alt.Data(values=rows())
'''

FOOTER = """    return chart.properties(title="{name}: {kind}", description="A generated {kind} chart.",
                            usermeta={{"source": "Generated"}})
"""

BODIES = {
    "lines": """    threshold = alt.param(name="threshold", value=50)
    base = alt.Chart(data)
    lines = base.mark_line(point=True).encode(
        x=alt.X("yearmonth(date):T", title=None), y=alt.Y("mean(y):Q", title="Mean"),
        color="group:N")
    rule = alt.Chart(alt.Data(values=[{}])).mark_rule(strokeDash=[4, 4]).encode(
        y=alt.datum(threshold, type="quantitative"))
    chart = alt.layer(lines, rule).add_params(threshold).properties(width=520, height=320)
""",
    "scatter": """    focus = alt.param(name="focus", value=None)
    chart = alt.Chart(data).mark_circle().encode(
        x="x:Q", y="y:Q", size=alt.Size("size:Q", legend=None), color="group:N",
        opacity=alt.condition((alt.datum.group == focus) | (focus == None),  # noqa: E711
                              alt.value(0.8), alt.value(0.1)),
        tooltip=["group:N", "x:Q", "y:Q"],
    ).add_params(focus).properties(width=520, height=360)
""",
    "histogram": """    cut = alt.param(name="cut", value=40)
    base = alt.Chart(data)
    bars = base.mark_bar().encode(
        x=alt.X("x:Q", bin=alt.Bin(maxbins=40)), y="count():Q", color="group:N")
    rule = alt.Chart(alt.Data(values=[{}])).mark_rule(color="#9b2c1f").encode(
        x=alt.datum(cut, type="quantitative"))
    chart = alt.layer(bars, rule).add_params(cut).properties(width=520, height=320)
""",
    "heatmap": """    low = alt.param(name="low", value=0)
    chart = alt.Chart(data).transform_filter(alt.datum.y >= low).mark_rect().encode(
        x=alt.X("x:Q", bin=alt.Bin(maxbins=30)), y=alt.Y("y:Q", bin=alt.Bin(maxbins=20)),
        color=alt.Color("count():Q", scale=alt.Scale(scheme="greenblue")),
    ).add_params(low).properties(width=520, height=320)
""",
    "hconcat": """    cut = alt.param(name="cut", value=20)
    base = alt.Chart(data).transform_filter(alt.datum.x > cut)
    bars = base.mark_bar().encode(x="group:N", y="mean(y):Q", color="group:N")
    line = base.mark_line().encode(x="month(date):T", y="sum(size):Q", color="group:N")
    chart = alt.hconcat(bars.properties(width=220, height=300),
                        line.properties(width=300, height=300)).add_params(cut)
""",
    "vconcat": """    top = alt.param(name="top", value=3)
    base = alt.Chart(data).transform_aggregate(
        total="sum(y)", groupby=["group", "date"]).transform_window(
        running="sum(total)", sort=[{"field": "date"}], groupby=["group"])
    area = base.mark_area(opacity=0.6).encode(x="date:T", y="running:Q", color="group:N")
    ranked = base.transform_aggregate(all="sum(total)", groupby=["group"]).transform_window(
        rank="rank()", sort=[{"field": "all", "order": "descending"}]).transform_filter(
        alt.datum.rank <= top)
    bars = ranked.mark_bar().encode(y="group:N", x="all:Q", color="group:N")
    chart = alt.vconcat(area.properties(width=520, height=220),
                        bars.properties(width=520, height=120)).add_params(top)
""",
    "map": """    import json

    focus = alt.param(name="region", value=-1)
    with (Path(__file__).parent / "data" / "regions.json").open(encoding="utf-8") as file:
        regions = json.load(file)
    shapes = alt.Chart(alt.Data(values=regions)).mark_geoshape(stroke="white").encode(
        color=alt.condition(alt.datum["properties"]["id"] == focus, alt.value("#9b2c1f"),
                            alt.value("#ccc")))
    points = alt.Chart(data).transform_calculate(
        lon="-170 + datum.x * 3.4", lat="-60 + datum.y * 1.2").mark_circle(size=8).encode(
        longitude="lon:Q", latitude="lat:Q", color="group:N")
    chart = alt.layer(shapes, points).add_params(focus).project("equalEarth").properties(
        width=560, height=320)
""",
    "boxplot": """    group = alt.param(name="group", value="alpha")
    chart = alt.Chart(data).mark_boxplot(extent="min-max").encode(
        x="group:N", y="y:Q",
        color=alt.condition(alt.datum.group == group, alt.value("#9b2c1f"), alt.value("#777")),
    ).add_params(group).properties(width=520, height=320)
""",
    "area": """    opacity = alt.param(name="opacity", value=0.7)
    chart = alt.Chart(data).transform_fold(["x", "y", "size"], as_=["measure", "amount"]).mark_area(
        opacity=opacity).encode(x="yearmonth(date):T", y="sum(amount):Q", color="measure:N",
    ).add_params(opacity).properties(width=520, height=320)
""",
    "regression": """    degree = alt.param(name="degree", value=1)
    base = alt.Chart(data)
    points = base.transform_window(row="row_number()").transform_filter(
        alt.datum.row % 25 == 0).mark_point(opacity=0.4).encode(x="x:Q", y="y:Q")
    fit = base.transform_regression("x", "y", method="poly", order=3, groupby=["group"]).mark_line(
        ).encode(x="x:Q", y="y:Q", color="group:N", strokeWidth=alt.value(2))
    chart = alt.layer(points, fit).add_params(degree).properties(width=520, height=320)
""",
}

# The value a scrolly section's first step gives each kind's param (a state of its own).
FIRST_STEP = {
    "lines": "threshold=60",
    "scatter": 'focus="beta"',
    "histogram": "cut=55",
    "heatmap": "low=30",
    "hconcat": "cut=50",
    "vconcat": "top=2",
    "map": "region=7",
    "boxplot": 'group="gamma"',
    "area": "opacity=0.4",
    "regression": "degree=2",
}
KINDS = tuple(BODIES)


def write_gallery_project(folder: Path, charts: int, chapters: int = 20) -> Path:
    """`charts` generated charts of ten kinds over `chapters` chapters."""
    from generate import _chapter, _site  # bench's generator of chapters

    _site(folder, f"Benchmark: a gallery of {charts} charts")
    data = folder / "charts" / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "regions.json").write_text(json.dumps(regions()), encoding="utf-8")
    names = []
    for index in range(charts):
        kind = KINDS[index % len(KINDS)]
        name = f"g{index:03d}_{kind}"
        rng = random.Random(index)
        count = row_count(rng, 5_000 if kind in RAW_MARKS else 50_000)
        write_rows(data / f"{name}.csv", rng, count)
        module = (
            HEADER.format(name=name, kind=kind) + BODIES[kind] + FOOTER.format(name=name, kind=kind)
        )
        (folder / "charts" / f"{name}.py").write_text(module, encoding="utf-8")
        names.append((name, kind))
    for number in range(1, chapters + 1):
        _chapter(folder / "content", number, [], steps=None)
        shown = names[number - 1 :: chapters]
        chapter = folder / "content" / f"{number:04d}-chapter-{number}.md"
        with chapter.open("a", encoding="utf-8") as file:
            for position, (name, kind) in enumerate(shown):
                if position % 2 == 0:
                    file.write(
                        f"\n:::: scrolly {name}\n::: step {FIRST_STEP[kind]}\n"
                        "A first step.\n:::\n"
                        "::: step\nA second step keeps the state.\n:::\n::::\n"
                    )
                else:
                    file.write(f"\n::: chart {name}\nA figure of the {kind} kind.\n:::\n")
    return folder


def row_count(rng: random.Random, most: int) -> int:
    """1,000 to `most` rows, log-uniform."""
    return round(math.exp(rng.uniform(math.log(1_000), math.log(most))))


def write_rows(path: Path, rng: random.Random, count: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["date", "group", "x", "y", "size", "region"])
        for row in range(count):
            group = rng.randrange(len(GROUPS))
            x = rng.uniform(0, 100)
            y = max(0.0, 20 + group * 8 + 0.4 * x + rng.gauss(0, 10))
            writer.writerow(
                [
                    f"2023-{row % 12 + 1:02d}-{row % 28 + 1:02d}",
                    GROUPS[group],
                    f"{x:.2f}",
                    f"{y:.2f}",
                    f"{rng.uniform(1, 50):.1f}",
                    rng.randrange(REGIONS[0] * REGIONS[1]),
                ]
            )


def regions() -> list[dict]:
    """A grid of rectangular regions over the world, as GeoJSON features."""
    columns, rows = REGIONS
    features = []
    for row in range(rows):
        for column in range(columns):
            west, south = -180 + column * 360 / columns, -60 + row * 140 / rows
            east, north = west + 360 / columns, south + 140 / rows
            ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
            features.append(
                {
                    "type": "Feature",
                    "properties": {"id": row * columns + column},
                    "geometry": {"type": "Polygon", "coordinates": [ring[::-1]]},
                }
            )
    return features
