"""On a phone, a chart designed wider than the phone's box first shows a picture the build
laid out for that box, so its labels read at their own size before any JavaScript; wider
screens show the design's picture. A chart sized by its container is designed at 600 x 400
and laid out for any box. Pages come from a project made here: one wide chart, pinned in a
scrolly section and shown again as a figure, and a container-sized chart in a section."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import FIXTURES, run_build
from test_reader import (  # noqa: F401 (the reader_of fixture)
    PHONE,
    WIDE,
    reader_of,
    scroll_to_step,
    wait_for_step,
)

CHART = '''
import altair as alt


def chart():
    year = alt.param(name="year", value=2000)
    rows = [{"year": y, "value": (y * 7) % 23} for y in range(1990, 2021)]
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("year:Q", title="Year"), y=alt.Y("value:Q", title="A value of some kind")
    )
    return (
        alt.layer(
            base.mark_line(),
            base.mark_point(filled=True).encode(
                size=alt.condition(alt.datum.year == year, alt.value(200), alt.value(20))
            ),
        )
        .add_params(year)
        .properties(width=560, height=340, title="Values by year",
                    description="A value for every year from 1990 to 2020.")
    )
'''

FITTED = '''
import altair as alt


def chart():
    pick = alt.param(name="pick", value="a")
    rows = [{"k": k, "v": v} for k, v in zip("abcdef", [3, 5, 2, 6, 4, 1])]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(x="k:N", y="v:Q", opacity=alt.condition(alt.datum.k == pick, alt.value(1), alt.value(0.4)))
        .add_params(pick)
        .properties(width="container", height="container", title="Six bars",
                    description="Six bars, a to f.")
    )
'''

FITTED_CHAPTER = """---
title: Fitted
---
:::: scrolly fitted
::: step pick="b"
Bar b.
:::
::: step pick="e"
Bar e.
:::
::::
"""

CHAPTER = """---
title: Wide
---
:::: scrolly wide
::: step year=1995
The line in 1995.
:::
::: step year=2010
The line in 2010.
:::
::::

Between the two.

::: chart wide year=2015
:::
"""


@pytest.fixture(scope="module")
def phone_site(tmp_path_factory):
    """The project built: returns its dist/."""
    root = tmp_path_factory.mktemp("phone") / "site"
    shutil.copytree(FIXTURES / "basic", root, ignore=shutil.ignore_patterns(".scrolly-cache", "dist"))
    (root / "charts" / "dots.py").unlink()
    (root / "charts" / "wide.py").write_text(CHART, encoding="utf-8")
    for chapter in (root / "content").glob("*.md"):
        chapter.unlink()
    (root / "content" / "01-wide.md").write_text(CHAPTER, encoding="utf-8")
    (root / "charts" / "fitted.py").write_text(FITTED, encoding="utf-8")
    (root / "content" / "02-fitted.md").write_text(FITTED_CHAPTER, encoding="utf-8")
    result = run_build("--site", str(root))
    assert result.returncode == 0, result.stderr
    return root / "dist"


def svg_size(path) -> tuple[int, int]:
    head = path.read_text(encoding="utf-8")[:400]
    match = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', head)
    return round(float(match.group(1))), round(float(match.group(2)))


def test_each_state_has_a_picture_laid_out_for_the_phones_box(phone_site):
    html = (phone_site / "index.html").read_text(encoding="utf-8")
    design = svg_size(phone_site / "charts" / "wide.svg")
    assert design[0] > 600
    sources = re.findall(r'<source media="([^"]*)" srcset="(charts/wide[^"]*)" width="(\d+)" height="(\d+)">', html)
    assert len(sources) == 2, "the pinned chart and the figure"
    (pinned_media, pinned, *pinned_size), (figure_media, figure, *figure_size) = sources
    assert "max-width: 640px" in pinned_media and "min-height: 481px" in pinned_media
    assert svg_size(phone_site / pinned) == tuple(map(int, pinned_size))
    assert svg_size(phone_site / figure) == tuple(map(int, figure_size))
    width, height = svg_size(phone_site / figure)
    assert width < 400 and height / width == pytest.approx(design[1] / design[0], abs=0.02), (
        "a figure's phone picture keeps the design's shape"
    )
    steps = re.findall(r'data-picture="(charts/wide[^"]*)" data-picture-source="([^"]*)"', html)
    assert len(steps) == 2 and steps[0][1] == pinned and steps[0][1] != steps[1][1]
    assert all(svg_size(phone_site / phone) == svg_size(phone_site / pinned) for _, phone in steps)
    assert all(svg_size(phone_site / url) == design for url, _ in steps), "wide screens: the design"


def test_a_chart_that_reads_well_at_its_size_has_no_phone_picture(basic_site):
    assert "<source" not in (basic_site / "index.html").read_text(encoding="utf-8")


def shown(page, selector: str) -> dict:
    return page.locator(selector).evaluate(
        """img => ({src: img.currentSrc.replace(location.origin + '/', ''), natural: img.naturalWidth,
          scale: Math.min(img.clientWidth / img.naturalWidth, img.clientHeight / img.naturalHeight),
          box: img.parentElement.closest('.chart-box').getBoundingClientRect().toJSON()})"""
    )


PINNED = ".scrolly figure[data-chart=wide] img.chart-static"
FIGURE = ".figure-block img.chart-static"


def test_a_phone_shows_the_phone_pictures_at_their_own_size(phone_site, reader_of):
    page = reader_of(phone_site, PHONE)
    page.evaluate("""() => { window.shifts = 0; new PerformanceObserver(list => {
        for (const e of list.getEntries()) window.shifts += e.value; }).observe({type: 'layout-shift', buffered: true}); }""")
    steps = page.locator(".scrolly").first.locator(".step")
    page.wait_for_function(f"document.querySelector('{PINNED}').complete")
    first = shown(page, PINNED)
    assert first["src"] == steps.nth(0).get_attribute("data-picture-source")
    assert first["scale"] > 0.9, "labels read at about their own size"
    scroll_to_step(page, 1)
    wait_for_step(page, 1)
    page.wait_for_function(
        f"url => document.querySelector('{PINNED}').currentSrc.endsWith(url)",
        arg=steps.nth(1).get_attribute("data-picture-source"),
    )
    second = shown(page, PINNED)
    assert second["scale"] > 0.9 and second["box"]["height"] == pytest.approx(first["box"]["height"], abs=0.5)
    page.locator(FIGURE).scroll_into_view_if_needed()
    page.wait_for_function(f"document.querySelector('{FIGURE}').complete")
    figure = shown(page, FIGURE)
    assert figure["src"] != page.locator(FIGURE).get_attribute("src")
    assert figure["scale"] == pytest.approx(1, abs=0.05)
    assert page.evaluate("shifts") == 0


def test_a_wide_screen_shows_the_design_pictures(phone_site, reader_of):
    page = reader_of(phone_site, WIDE)
    page.wait_for_function(f"document.querySelector('{PINNED}').complete")
    assert shown(page, PINNED)["src"] == page.locator(".scrolly .step").first.get_attribute("data-picture")


def test_the_live_chart_takes_the_phone_box_it_was_drawn_for(phone_site, reader_of):
    page = reader_of(phone_site, PHONE, has_touch=True)
    page.locator(".scrolly .chart-box").first.tap()
    page.wait_for_function("document.querySelector('.scrolly figure.chart').classList.contains('is-live')")
    live = page.locator(".scrolly .chart-live svg").first.evaluate(
        "svg => ({width: +svg.getAttribute('width'), height: +svg.getAttribute('height'), "
        "box: svg.closest('.chart-box').getBoundingClientRect().toJSON()})"
    )
    assert live["width"] == pytest.approx(live["box"]["width"], abs=3)
    assert live["height"] == pytest.approx(live["box"]["height"], abs=3)


def test_a_container_sized_chart_is_designed_at_600_by_400(phone_site):
    assert svg_size(phone_site / "charts" / "fitted.svg") == (600, 400)
    vega = json.loads((phone_site / "charts" / "fitted.vg.json").read_text(encoding="utf-8"))
    assert (vega["width"], vega["height"]) == (600, 400)
    vega_lite = json.loads((phone_site / "charts" / "fitted.vl.json").read_text(encoding="utf-8"))
    assert vega_lite["width"] == vega_lite["height"] == "container", "the author's spec, as written"
    html = (phone_site / "index.html").read_text(encoding="utf-8")
    phones = re.findall(r'data-picture="charts/fitted[^"]*" data-picture-source="([^"]*)"', html)
    assert len(phones) == 2 and all(svg_size(phone_site / url) == (374, 316) for url in phones)


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
def test_a_container_sized_live_chart_fills_its_box_at_any_size(phone_site, reader_of, viewport):
    page = reader_of(phone_site, viewport)
    page.evaluate("window.scrolly.ready('fitted').then(() => true)")
    page.wait_for_function("document.querySelectorAll('figure.chart[data-chart=fitted].is-live').length > 0")
    live = page.locator("figure.chart[data-chart=fitted] .chart-live svg").first.evaluate(
        "svg => ({width: +svg.getAttribute('width'), height: +svg.getAttribute('height'), "
        "box: svg.closest('.chart-box').getBoundingClientRect().toJSON()})"
    )
    if viewport == WIDE:
        assert live["box"]["width"] > 620, "the wide column is larger than the design"
    assert live["width"] == pytest.approx(live["box"]["width"], abs=3)
    assert live["height"] == pytest.approx(live["box"]["height"], abs=3)
