"""Generated projects for the benchmark: many chapters, many charts, or one chart with many rows.

Every project is written into a folder the caller gives (a temporary one) and is
deterministic: the same arguments write the same files. The chapters are ordinary
Markdown a writer might produce (headings, paragraphs, lists, a link, emphasis), a few
hundred words each, and every fifth one has a scrolly section, so the same files also
make a fair input for mkdocs and Hugo, which see the `::: ` lines as plain paragraphs.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

WORDS = (
    "alliance summit office liaison partner treaty capital minister delegation agenda council "
    "communique security region ocean defence dialogue member applicant veto consensus budget "
    "spring summer winter autumn morning evening week month year decade border frontier harbour "
    "city river bridge square street museum archive report memo letter cable briefing interview "
    "policy plan proposal draft clause article statement speech visit flight return journey "
    "reader writer editor reporter source witness official diplomat envoy secretary general "
    "quietly openly firmly briefly slowly carefully suddenly finally largely nearly rarely "
    "new old long short early late formal private public joint distant close modest ambitious "
    "said wrote argued noted warned agreed refused proposed delayed signed opened closed "
    "the a of to in on for with by from at as and but or that which while after before"
).split()
SERIES = ("north", "south", "east")
SCROLLY_EVERY = 5  # one chapter in five has a scrolly section


def write_chapters_project(folder: Path, chapters: int) -> Path:
    """`chapters` chapters of prose and one small chart shown in every fifth chapter."""
    _site(folder, f"Benchmark: {chapters} chapters")
    _small_chart(folder / "charts", "trend", seed=1)
    for number in range(1, chapters + 1):
        charts = ["trend"] if number % SCROLLY_EVERY == 1 else []
        _chapter(folder / "content", number, charts)
    return folder


def write_charts_project(folder: Path, charts: int, chapters: int = 10) -> Path:
    """`charts` different small charts, each shown once in a scrolly section, over `chapters` chapters."""
    _site(folder, f"Benchmark: {charts} charts")
    names = [f"chart{index:03d}" for index in range(charts)]
    for index, name in enumerate(names):
        _small_chart(folder / "charts", name, seed=index + 1)
    for number in range(1, chapters + 1):
        _chapter(folder / "content", number, names[number - 1 :: chapters])
    return folder


def write_rows_project(folder: Path, rows: int) -> Path:
    """One line chart of `rows` daily values, in a scrolly section of the first of three chapters."""
    _site(folder, f"Benchmark: one chart of {rows} rows")
    data = folder / "charts" / "data"
    data.mkdir(parents=True, exist_ok=True)
    rng = random.Random(rows)
    start, value = date(1800, 1, 1), 100.0
    with (data / "series.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["date", "value"])
        for day in range(rows):
            value = max(1.0, value + rng.gauss(0, 1))
            writer.writerow([(start + timedelta(days=day)).isoformat(), f"{value:.2f}"])
    marker = (start + timedelta(days=rows // 2)).isoformat()
    (folder / "charts" / "series.py").write_text(ROWS_CHART.format(marker=marker), encoding="utf-8")
    for number in range(1, 4):
        _chapter(
            folder / "content",
            number,
            ["series"] if number == 1 else [],
            steps=ROWS_STEPS.format(start=start.isoformat(), marker=marker),
        )
    return folder


def _site(folder: Path, title: str) -> None:
    (folder / "content").mkdir(parents=True, exist_ok=True)
    (folder / "charts").mkdir(parents=True, exist_ok=True)
    (folder / "templates").mkdir(parents=True, exist_ok=True)
    (folder / "site.toml").write_text(
        f'title = "{title}"\ndek = "A generated project."\nlanguage = "en"\n', encoding="utf-8"
    )


def _small_chart(folder: Path, name: str, seed: int) -> None:
    rng = random.Random(seed)
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    with (data / f"{name}.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["month", "series", "value"])
        for series in SERIES:
            value = rng.uniform(20, 60)
            for month in range(1, 13):
                value = max(0.0, value + rng.uniform(-8, 8))
                writer.writerow([f"2023-{month:02d}-01", series, f"{value:.1f}"])
    (folder / f"{name}.py").write_text(SMALL_CHART.format(name=name), encoding="utf-8")


def _chapter(folder: Path, number: int, charts: list[str], steps: str | None = None) -> None:
    rng = random.Random(number)
    title = _sentence(rng, 3, 6).rstrip(".")
    parts = [f"---\ntitle: {title}\nsummary: {_sentence(rng, 8, 12)}\n---\n"]
    parts.append(_paragraph(rng, link=True))
    parts.append(f"## {_sentence(rng, 2, 5).rstrip('.')}\n")
    parts.append(_paragraph(rng))
    parts.append("".join(f"- {_sentence(rng, 5, 10)}\n" for _ in range(rng.randint(3, 5))))
    for chart in charts:
        parts.append(f":::: scrolly {chart}\n" + (steps or SMALL_STEPS) + "::::\n")
    parts.append(f"### {_sentence(rng, 2, 5).rstrip('.')}\n")
    parts.append(_paragraph(rng))
    parts.append("".join(f"{n}. {_sentence(rng, 5, 10)}\n" for n in range(1, rng.randint(3, 5))))
    parts.append(_paragraph(rng))
    (folder / f"{number:04d}-chapter-{number}.md").write_text("\n".join(parts), encoding="utf-8")


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, link: bool = False) -> str:
    sentences = [_sentence(rng, 8, 18) for _ in range(rng.randint(4, 7))]
    sentences[1] = f"*{sentences[1][:-1]}*."
    sentences[2] = f"**{sentences[2][:-1]}**."
    if link:
        sentences[3] = f"[{sentences[3][:-1]}](https://example.org/{rng.randint(1, 999)})."
    return " ".join(sentences) + "\n"


SMALL_STEPS = """\
::: step focus="north" threshold=40
The northern series rises through the spring.
:::
::: step focus="south"
The southern one falls *behind* by the summer.
:::
::: step threshold=55
A higher line, and fewer months above it.
:::
"""

SMALL_CHART = '''\
"""A small generated chart: three monthly series, one can be in focus."""

import csv
from pathlib import Path

import altair as alt

DATA = Path(__file__).parent / "data" / "{name}.csv"


def chart():
    with DATA.open(encoding="utf-8") as file:
        rows = [{{"month": row["month"], "series": row["series"], "value": float(row["value"])}} for row in csv.DictReader(file)]
    focus = alt.param(name="focus", value=None)
    threshold = alt.param(name="threshold", value=30)
    base = alt.Chart(alt.Data(values=rows))
    lines = base.mark_line(point=True).encode(
        x=alt.X("month:T", title=None),
        y=alt.Y("value:Q", title="Value"),
        color=alt.Color("series:N", legend=alt.Legend(orient="top")),
        opacity=alt.condition((alt.datum.series == focus) | (focus == None), alt.value(1), alt.value(0.25)),  # noqa: E711
    )
    rule = base.mark_rule(strokeDash=[4, 4]).encode(y=alt.datum(threshold, type="quantitative"))
    return (
        alt.layer(lines, rule)
        .add_params(focus, threshold)
        .properties(width=500, height=300, title="{name}", description="Three monthly series over 2023, generated for the benchmark.", usermeta={{"source": "Generated"}})
    )
'''

ROWS_STEPS = """\
::: step marker="{start}"
The whole series.
:::
::: step marker="{marker}"
The middle of it.
:::
"""

ROWS_CHART = '''\
"""One long generated daily series, drawn as a single line."""

import csv
from pathlib import Path

import altair as alt

DATA = Path(__file__).parent / "data" / "series.csv"


def chart():
    with DATA.open(encoding="utf-8") as file:
        rows = [{{"date": row["date"], "value": float(row["value"])}} for row in csv.DictReader(file)]
    marker = alt.param(name="marker", value="{marker}")
    base = alt.Chart(alt.Data(values=rows))
    line = base.mark_line(strokeWidth=1).encode(x=alt.X("date:T", title=None), y=alt.Y("value:Q", title="Value"))
    rule = alt.Chart(alt.Data(values=[{{}}])).mark_rule(color="#9b2c1f").encode(x=alt.datum(marker, type="temporal"))
    return (
        alt.layer(line, rule)
        .add_params(marker)
        .properties(width=600, height=300, title="A long series", description="A generated daily series, for the benchmark.", usermeta={{"source": "Generated"}})
    )
'''


def write_mkdocs_project(folder: Path, chapters: Path) -> Path:
    """The same chapters as an mkdocs project (default theme, one page per chapter)."""
    docs = folder / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for path in sorted(chapters.glob("*.md")):
        (docs / path.name).write_bytes(path.read_bytes())
    (docs / "index.md").write_text("# Benchmark\n\nGenerated chapters.\n", encoding="utf-8")
    (folder / "mkdocs.yml").write_text("site_name: Benchmark\ndocs_dir: docs\n", encoding="utf-8")
    return folder


def write_hugo_project(folder: Path, chapters: Path) -> Path:
    """The same chapters as a Hugo site with a minimal layout of its own (no theme)."""
    content = folder / "content"
    content.mkdir(parents=True, exist_ok=True)
    for path in sorted(chapters.glob("*.md")):
        (content / path.name).write_bytes(path.read_bytes())
    layouts = folder / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    (layouts / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (folder / "config.toml").write_text(
        'baseURL = "https://example.org/"\ntitle = "Benchmark"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n',
        encoding="utf-8",
    )
    return folder


HUGO_SINGLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>
"""

HUGO_LIST = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Site.Title }}</title></head>
<body><main><h1>{{ .Site.Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></main></body></html>
"""
