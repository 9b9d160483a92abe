"""A chart too big for an SVG first paints as a PNG: it is drawn in the dark scheme too,
and the page shows a reader in dark mode the dark one (unless the author turns dark
mode off). Checked on the pixels Chromium shows."""

from __future__ import annotations

import re

import pytest

from conftest import run_build
from test_design import open_site  # noqa: F401 (fixture)

CLOUD = '''
import altair as alt


def chart():
    focus = alt.param(name="focus", value=-1)
    rows = [{"i": i, "x": (i * 7919) % 1000, "y": (i * 104729) % 1000} for i in range(6000)]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_circle(size=6, opacity=1)
        .encode(
            x=alt.X("x:Q", title="Across"),
            y=alt.Y("y:Q", title="Up"),
            color=alt.condition(alt.datum.i == focus, alt.value("#c4520a"), alt.value("#0072b2")),
        )
        .add_params(focus)
        .properties(width=400, height=300, title="A cloud", description="Six thousand points.")
    )
'''

SECTION = '''
:::: scrolly cloud
::: step focus=3
One point.
:::
::: step focus=40
Another.
:::
::::
'''

# The colours Chromium shows in the picture: every opaque colour and how many pixels have it.
COLOURS = """img => new Promise(done => {
    const check = () => {
        const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
        const g = c.getContext('2d'); g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data, seen = {};
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] === 255) {
            const k = '#' + [d[i], d[i + 1], d[i + 2]].map(v => v.toString(16).padStart(2, '0')).join('');
            seen[k] = (seen[k] || 0) + 1;
        }
        done({src: img.currentSrc, colours: seen});
    };
    img.complete && img.naturalWidth ? check() : img.addEventListener('load', check);
})"""


@pytest.fixture
def cloud_project(project):
    root = project("basic")
    (root / "charts" / "cloud.py").write_text(CLOUD, encoding="utf-8")
    chapter = root / "content" / "02-more.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + SECTION, encoding="utf-8")
    return root


def test_a_png_first_paint_is_drawn_dark_too_and_a_dark_reader_sees_that_one(cloud_project, open_site):
    root = cloud_project
    assert run_build("--site", str(root)).returncode == 0
    html = (root / "dist" / "index.html").read_text(encoding="utf-8")
    sources = re.findall(r'<picture><source media="screen and \(prefers-color-scheme: dark\)" srcset="(charts/cloud\.dark\.\w+\.png)"', html)
    assert sources, "the PNG picture has a dark source"
    assert all((root / "dist" / src).read_bytes().startswith(b"\x89PNG") for src in sources)
    seen = {}
    for scheme in ("light", "dark"):
        page = open_site(root / "dist", scheme=scheme, java_script_enabled=False)  # the first paint itself
        img = page.locator("figure[data-chart=cloud] img.chart-static").first
        seen[scheme] = img.evaluate(COLOURS)
    assert seen["dark"]["src"].endswith(sources[0]) and "cloud.dark." not in seen["light"]["src"]
    light_text, dark_text = "#4a4a4a", "#c2c0b8"  # the muted token of each scheme: axis labels
    assert seen["light"]["colours"].get(light_text, 0) > 50
    assert seen["dark"]["colours"].get(dark_text, 0) > 50, "labels in the dark scheme's text colour"
    dark_ink = {"#1b1b1b", "#4a4a4a"}  # light-scheme text colours, unreadable on the dark paper
    assert sum(seen["dark"]["colours"].get(c, 0) for c in dark_ink) == 0


def test_with_dark_mode_off_the_png_is_light_for_every_reader(cloud_project, open_site):
    root = cloud_project
    (root / "site.toml").write_text("dark_mode = false\n" + (root / "site.toml").read_text(encoding="utf-8"), encoding="utf-8")
    assert run_build("--site", str(root)).returncode == 0
    html = (root / "dist" / "index.html").read_text(encoding="utf-8")
    assert "<picture>" not in html and not list((root / "dist" / "charts").glob("cloud.dark.*"))
    page = open_site(root / "dist", scheme="dark", java_script_enabled=False)
    seen = page.locator("figure[data-chart=cloud] img.chart-static").first.evaluate(COLOURS)
    assert seen["colours"].get("#4a4a4a", 0) > 50 and seen["colours"].get("#c2c0b8", 0) == 0
