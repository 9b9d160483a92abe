"""Embeds and downloads: a standalone page per chart, its data as CSV, social cards.

Every chart gets `embed/<name>/index.html`, a page with just the chart that another
site shows in an iframe, and `charts/<name>.csv`. `embed.js`, at a fixed address, is
the script a host page includes to size those iframes to their content.

The embed page and the host script talk with window.postMessage:

- frame -> host: {"type": "scrolly-embed:height", "chart": "<name>", "height": <px>},
  sent when the page loads and whenever the height its content needs changes;
- host -> frame: {"type": "scrolly-embed:host"}, "your height follows your content";
  until it arrives the page fits the chart into whatever height the iframe has.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import struct
from collections.abc import Callable
from importlib import resources

from .charts import Chart
from .charts.rows import is_records
from .config import Config
from .blocks import Chapter, Figure, Scrolly

HOST_SCRIPT = "embed.js"
SNIPPET_WIDTH = 560  # px: the column width the snippet's default height assumes
CAPTION_HEIGHT = 150  # px: title, description, source and links under a typical column


def embed_files(
    config: Config,
    charts: dict[str, Chart],
    assets: dict[str, str],
    render: Callable[[str, dict], str],
) -> dict[str, bytes]:
    """The embed page and CSV of every chart, and the host script; `render(template, context)`
    renders a template.
    """
    files = {HOST_SCRIPT: resources.files("scrolly.assets").joinpath(HOST_SCRIPT).read_bytes()}
    page_assets = {name: f"../../{url}" for name, url in assets.items()}
    for chart in charts.values():
        rows = data_rows(chart)
        if rows:
            files[f"charts/{chart.name}.csv"] = table_csv(rows).encode()
        context = dict(
            site=config,
            chart=chart,
            asset=page_assets,
            downloads=downloads(chart, "../../"),
            params=[
                {"name": p.name, "kind": p.kind, "default": p.default}
                for p in chart.params.values()
            ],
            social=social_meta(
                config,
                chart.title,
                chart.description,
                f"embed/{chart.name}/",
                chart,
                kind="website",
            ),
        )
        files[f"embed/{chart.name}/index.html"] = render("embed.html", context).encode()
    return files


def downloads(chart: Chart, prefix: str = "") -> list[tuple[str, str, str]]:
    """(label, what it is, relative URL) of each file a reader may download for `chart`.

    The PNG only where the site has one (the social card's chart, a chart too big for SVG):
    the SVG is the chart at any size.
    """
    has_csv = bool(data_rows(chart))
    links = [
        ("PNG", "image", f"{prefix}charts/{chart.name}.png"),
        ("SVG", "image", f"{prefix}charts/{chart.name}.svg"),
        ("CSV", "data", f"{prefix}charts/{chart.name}.csv"),
        ("Vega-Lite", "spec", f"{prefix}charts/{chart.name}.vl.json"),
    ]
    return [
        link for link in links if (has_csv or link[0] != "CSV") and (chart.png or link[0] != "PNG")
    ]


def embed_snippet(config: Config, chart: Chart) -> str:
    """The HTML another site pastes to show `chart`: an iframe and the script that sizes it.

    Without base_url the addresses are relative; the story's control script makes them
    absolute from the page's own address.
    """
    page = f"{config.base_url}embed/{chart.name}/"
    return (
        f'<iframe src="{page}" title="{html.escape(chart.title)}" data-scrolly-embed '
        f'style="width:100%;height:{default_height(chart)}px;border:0" loading="lazy"></iframe>\n'
        f'<script src="{config.base_url}{HOST_SCRIPT}" async></script>'
    )


def default_height(chart: Chart) -> int:
    """A height that shows the whole chart in a typical column before (or without) embed.js."""
    return round(SNIPPET_WIDTH * chart.height / max(chart.width, 1)) + CAPTION_HEIGHT


# -- data --------------------------------------------------------------------------------

SCALAR = (str, int, float, bool, type(None))


def data_rows(chart: Chart) -> list[dict] | None:
    """The chart's data as records: its table() if the module has one, else the spec's
    inline data when it is one flat list of records; None when there is neither."""
    if chart.table is not None:
        return chart.table
    spec = chart.vega_lite
    data = spec.get("data") or {}
    values = data.get("values")
    if values is None and "name" in data:
        values = (spec.get("datasets") or {}).get(data["name"])
    if (
        is_records(values)
        or isinstance(values, list)
        and all(
            isinstance(row, dict) and all(isinstance(v, SCALAR) for v in row.values())
            for row in values
        )
    ):
        return values
    return None


def table_csv(rows: list[dict]) -> str:
    """RFC 4180 CSV: columns in order of first appearance, empty cells for missing values."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_inert(column) for column in columns])
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, (dict, list)):
        return _inert(json.dumps(value, ensure_ascii=False, sort_keys=True))
    if isinstance(value, str):
        return _inert(value)
    return str(value)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet evaluate a cell (OWASP)
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _inert(text: str) -> str:
    """The text, with a leading ' when a spreadsheet opening the CSV would run it as a
    formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`): OWASP's rule against CSV injection.
    A plain number such as "-3.5" stays as it is. Only the download changes: the chart
    and the page's data table show the data as the module gave it."""
    if text.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


# -- social cards ------------------------------------------------------------------------


def lead_chart(chapters: list[Chapter], charts: dict[str, Chart]) -> Chart | None:
    """The first chart the story shows: its PNG is the story's card image."""
    for chapter in chapters:
        for block in chapter.blocks:
            if isinstance(block, (Scrolly, Figure)) and block.chart in charts:
                return charts[block.chart]
    return None


def social_meta(
    config: Config,
    title: str,
    description: str,
    path: str,
    chart: Chart | None,
    kind: str = "article",
) -> list[tuple[str, str]]:
    """(property, content) pairs for Open Graph and Twitter card tags; the tags that need
    an absolute URL are left out when site.toml has no base_url."""
    image = chart is not None and bool(config.base_url) and bool(chart.png)
    tags = [("og:type", kind), ("og:site_name", config.title), ("og:title", title)]
    if description:
        tags.append(("og:description", description))
    if config.base_url:
        tags.append(("og:url", config.base_url + path))
    if image:
        width, height = png_size(chart.png)
        tags += [
            ("og:image", f"{config.base_url}charts/{chart.name}.png"),
            ("og:image:type", "image/png"),
            ("og:image:width", str(width)),
            ("og:image:height", str(height)),
            ("og:image:alt", chart.description),
        ]
    tags += [
        ("twitter:card", "summary_large_image" if image else "summary"),
        ("twitter:title", title),
    ]
    if description:
        tags.append(("twitter:description", description))
    if image:
        tags += [
            ("twitter:image", f"{config.base_url}charts/{chart.name}.png"),
            ("twitter:image:alt", chart.description),
        ]
    return tags


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, from the PNG header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        return 0, 0
    return struct.unpack(">II", png[16:24])
