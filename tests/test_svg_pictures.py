"""Smaller pictures look the same: each chart drawn from vl-convert's SVG and from the build's
smaller SVG, rasterised by vl-convert at 2x, differs by no more than a sub-pixel edge."""

import base64
import functools
import gzip
import math
from pathlib import Path

import altair as alt
import pytest
import vl_convert as vlc
from conftest import FIXTURES, REPO

from scrolly.build import requested_states
from scrolly.charts import chart_paths, compile_chart, with_values
from scrolly.config import load_config
from scrolly.content import read_chapters
from scrolly.svg import smaller_svg
from scrolly.theme import with_fallback_colors

DIFFERENCE = (Path(__file__).parent / "svg_pixels.js").read_text()
CORPUS = FIXTURES / "corpus"
CORPUS_CHARTS = ["geoshape", "layer", "transforms", "wrapped_facet", "interval_selection",
                 "tooltip_rule", "titles", "histogram", "repeat", "zoom"]


@functools.cache
def story_svgs() -> dict[str, str]:
    """The shipped story's charts as vl-convert draws them, in each state a section starts in."""
    config = load_config(REPO)
    states = requested_states(read_chapters(config))
    drawn = {}
    for name, path in chart_paths(REPO).items():
        chart = compile_chart(name, path, [], png=False, theme=config.theme.chart_tokens())
        for number, values in enumerate([{}] + states.get(name, [])):
            drawn[f"{name} {number}"] = vlc.vega_to_svg(with_values(chart.vega, values))
    return drawn


def corpus_svgs() -> dict[str, str]:
    paths = chart_paths(CORPUS)
    return {name: vlc.vega_to_svg(compile_chart(name, paths[name], [], png=False).vega)
            for name in CORPUS_CHARTS}


def made_up_svgs() -> dict[str, str]:
    """A line of 3,000 points, a small world of rings (islands down to a fraction of a
    pixel) and text marks."""
    walk = [{"x": i, "y": math.sin(i / 40) * 50 + math.sin(i / 3.1) * 3} for i in range(3000)]
    line = alt.Chart(alt.Data(values=walk)).mark_line(strokeWidth=1).encode(x="x:Q", y="y:Q")
    rings = [{"type": "Feature", "id": n, "properties": {"n": n}, "geometry": {
        "type": "Polygon", "coordinates": [[[n * 7 + r * math.cos(t / 50 * math.tau),
                                            r * math.sin(t / 50 * math.tau)]
                                           for t in range(51)]]}}
             for n, r in enumerate([0.02, 0.05, 0.2, 1, 3])]
    world = alt.Chart(alt.Data(values=rings)).mark_geoshape(stroke="black").encode(
        color="properties.n:N").project("equirectangular").properties(width=400, height=100)
    words = alt.Chart(alt.Data(values=[{"x": i, "w": f"word {i}"} for i in range(12)])).mark_text(
        angle=30).encode(x="x:Q", y="x:Q", text="w:N")
    return {name: vlc.vega_to_svg(vlc.vegalite_to_vega(chart.to_dict()))
            for name, chart in [("line", line), ("rings", world), ("text", words)]}


@pytest.fixture(scope="module")
def difference(browser):
    page = browser.new_page()

    def compare(a: str, b: str) -> dict:
        pngs = [vlc.svg_to_png(with_fallback_colors(svg), scale=2) for svg in (a, b)]
        return page.evaluate(DIFFERENCE, [base64.b64encode(p).decode() for p in pngs] + [2])

    yield compare
    page.close()


def test_the_story_corpus_and_made_up_charts_look_the_same_and_weigh_less(difference):
    svgs = {**story_svgs(), **corpus_svgs(), **made_up_svgs()}
    for name, svg in svgs.items():
        smaller = smaller_svg(svg)
        assert len(gzip.compress(smaller.encode())) < len(gzip.compress(svg.encode())), name
        seen = difference(svg, smaller)
        assert seen and seen["worst"] <= 80 and seen["share"] <= 0.01, (name, seen)
    # the map's pictures are at least 45 % lighter (coastlines simplified, hidden lands culled)
    for name in [n for n in svgs if n.startswith("map ")]:
        ratio = len(gzip.compress(smaller_svg(svgs[name]).encode())) / len(
            gzip.compress(svgs[name].encode()))
        assert ratio < 0.45, (name, ratio)


def test_the_comparison_sees_a_coarser_simplification(difference, monkeypatch):
    """The tolerance of the test above is not so wide that a visible change would pass."""
    import scrolly.svg

    svg = story_svgs()["map 0"]
    monkeypatch.setattr(scrolly.svg, "SIMPLIFY_PX", 1.5)
    coarse = difference(svg, smaller_svg(svg))
    assert coarse["worst"] > 80 or coarse["share"] > 0.01, coarse


def test_the_same_svg_gives_the_same_bytes():
    svg = story_svgs()["map 1"]
    assert smaller_svg(svg) == smaller_svg(svg)
