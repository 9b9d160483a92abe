"""A corpus of everyday Altair charts (tests/fixtures/corpus): one module per kind of thing
Altair users write (layers, concat, facet, repeat, geoshape, transforms, selections,
bindings, data by URL, CSV/TSV, titles, large data). Every chart builds, goes live under
the page's policy with nothing in the console, and shows the same rows static and live.
"""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import FIXTURES, run_build

CORPUS = FIXTURES / "corpus"
NAMES = sorted(p.stem for p in (CORPUS / "charts").glob("[!_]*.py"))
DATA_FORMS = ["concat", "facet", "wrapped_facet", "repeat", "geoshape", "histogram", "transforms",
              "tsv_data", "inline_csv", "json_property", "interval_xy", "zoom"]
WAIT = 15_000

# The marks Vega drew, group by group: a static SVG parsed in the page, or the live view.
COUNT_MARKS = """(svg) => [...svg.querySelectorAll('g[class*="role-mark"]')].map(
    (g) => g.getAttribute('class').split(' ')[0] + ':' + g.children.length).join(' ')"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The corpus built once: (dist folder, the build's stderr)."""
    root = tmp_path_factory.mktemp("corpus") / "corpus"
    shutil.copytree(CORPUS, root, ignore=shutil.ignore_patterns(".scrolly-cache", "dist"))
    result = run_build("--site", str(root))
    assert result.returncode == 0, result.stderr
    return root / "dist", result.stderr


@pytest.fixture
def strict(browser, corpus, static_server):
    """A page under the site's own policy that records console messages, policy violations
    and requests to other hosts."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(WAIT)
    page.messages, page.foreign = [], []
    page.on("console", lambda m: page.messages.append(f"{m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: page.messages.append(f"pageerror: {error}"))

    def guard(route):
        if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            page.foreign.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.base = static_server(corpus[0])
    yield page
    context.close()


def test_every_corpus_chart_builds_with_its_data_local(corpus):
    dist, stderr = corpus
    assert len(NAMES) >= 20
    assert "warning" not in stderr.lower()
    for name in NAMES:
        vega = json.loads((dist / "charts" / f"{name}.vg.json").read_text(encoding="utf-8"))
        for entry in vega["data"]:
            assert "url" not in entry, (name, entry["name"])
            assert (entry.get("format") or {}).get("type") not in ("csv", "tsv", "dsv"), name


def test_every_corpus_chart_goes_live_with_no_console_message(strict):
    page = strict
    page.goto(page.base, wait_until="load")
    page.evaluate("window.scrolly.ready().then(() => true)")
    page.wait_for_timeout(300)
    live = page.evaluate("[...document.querySelectorAll('figure.chart.is-live')].map(f => f.dataset.chart)")
    assert set(live) == set(NAMES)
    assert page.messages == [] and page.foreign == []


@pytest.mark.parametrize("name", NAMES)
def test_every_corpus_embed_goes_live_with_no_console_message(strict, name):
    page = strict
    page.goto(f"{page.base}embed/{name}/", wait_until="load")
    assert page.evaluate("window.scrollyEmbed.ready.then(view => !!view)")
    assert page.messages == [] and page.foreign == []


@pytest.mark.parametrize("name", DATA_FORMS)
def test_each_data_form_draws_the_same_rows_static_and_live(strict, corpus, name):
    page = strict
    svg = (corpus[0] / "charts" / f"{name}.svg").read_text(encoding="utf-8")
    page.goto(f"{page.base}embed/{name}/", wait_until="load")
    page.evaluate("window.scrollyEmbed.ready.then(() => true)")
    static = page.evaluate(f"""(text) => ({COUNT_MARKS})(
        new DOMParser().parseFromString(text, 'image/svg+xml').documentElement)""", svg)
    live = page.evaluate(f"({COUNT_MARKS})(document.querySelector('.chart-live svg'))")
    assert static == live
    assert sum(int(group.rsplit(":", 1)[1]) for group in static.split()) > 0, static


def test_data_by_url_and_csv_reach_the_downloads(corpus):
    dist, _ = corpus
    weather = (CORPUS / "charts" / "data" / "weather.csv").read_text(encoding="utf-8").splitlines()
    csv = (dist / "charts" / "wrapped_facet.csv").read_text(encoding="utf-8").splitlines()
    assert csv == weather  # the rows as read, strings as in the file (an empty cell stays empty)
    cars = json.loads((CORPUS / "charts" / "data" / "cars.json").read_text(encoding="utf-8"))
    assert len((dist / "charts" / "zoom.csv").read_text(encoding="utf-8").splitlines()) == len(cars) + 1


STORE = """([id, name]) => window.scrolly.sections[id].view.data(name + '_store')
    .map(t => t.values.map(v => Array.isArray(v) ? v.map(x => typeof x === 'number' ? Math.round(x)
        : x instanceof Date ? x.toISOString() : x) : v))"""


def until(page, condition, shown=lambda: None, timeout_ms: int = WAIT) -> None:
    """Poll `condition` (wait_for_function would need eval(), which the policy forbids)."""
    for _ in range(timeout_ms // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    assert condition(), shown()


def sections_of(page, chart: str) -> str:
    return page.evaluate(f"Object.keys(scrolly.sections).find(id => scrolly.sections[id].chart === '{chart}')")


@pytest.mark.parametrize("chart, store, expected", [
    ("point_selection", "pick", [[["banana"]], [["apple"], ["cherry"]], []]),
    ("point_fields", "pick", [[["south", "apple"]], [["north", "banana"], ["north", "cherry"]]]),
    ("interval_selection", "brush", [[[["2023-01-05T00:00:00.000Z", "2023-01-20T00:00:00.000Z"]]],
                                     [[["2023-01-15T00:00:00.000Z", "2023-02-10T00:00:00.000Z"]]], []]),
    ("interval_xy", "box", [[[[100, 160], [30, 15]]], [[[60, 100], [45, 25]]]]),
])
def test_steps_set_selections_live_and_the_reader_can_still_select(strict, chart, store, expected):
    page = strict
    page.goto(page.base, wait_until="load")
    page.evaluate(f"scrolly.ready('{chart}').then(() => true)")
    sid = sections_of(page, chart)
    for index in [*range(len(expected)), 0]:
        page.evaluate(f"scrolly.sections['{sid}'].go({index}, 'instant')")
        until(page, lambda: page.evaluate("([id, i]) => scrolly.sections[id].active === i", [sid, index]),
              lambda: (index, page.evaluate("id => scrolly.sections[id].active", sid)))
        until(page, lambda: page.evaluate(STORE, [sid, store]) == expected[index],
              lambda: (index, page.evaluate(STORE, [sid, store])))
    assert page.messages == [] and page.foreign == []


def test_the_first_paint_of_a_selection_step_is_drawn_with_it(corpus):
    dist, _ = corpus
    html = (dist / "index.html").read_text(encoding="utf-8")
    import re

    sections = html.split('<section class="scrolly"')[1:]
    pictures = [re.search(r'<figure class="chart"[^>]*data-chart="point_selection"[\s\S]*?src="([^"]+)"',
                          section).group(1)
                for section in sections if 'data-chart="point_selection"' in section.split("</section>")[0]]
    [picture] = pictures
    svg = (dist / picture).read_text(encoding="utf-8")
    assert picture != "charts/point_selection.svg"
    assert svg.count('opacity="0.25"') == 2  # apple and cherry faded, banana picked
    assert (dist / "charts" / "point_selection.svg").read_text(encoding="utf-8").count('opacity="0.25"') == 0


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}],
                         ids=["wide", "phone"])
def test_bound_inputs_have_room_in_the_figure_and_nothing_moves_as_charts_go_live(browser, corpus,
                                                                                   static_server, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(static_server(corpus[0]), wait_until="load")
    heights = "[...document.querySelectorAll('.figure-block')].map(f => f.getBoundingClientRect().height)"
    before = page.evaluate(heights)
    page.evaluate("scrolly.ready().then(() => true)")
    page.wait_for_timeout(300)
    assert page.evaluate(heights) == before
    inside = page.evaluate("""[...document.querySelectorAll('figure.chart .vega-bind')].map(input => {
        const figure = input.closest('figure').getBoundingClientRect(), box = input.getBoundingClientRect();
        const chart = input.closest('figure').querySelector('.chart-box').getBoundingClientRect();
        return box.top >= chart.bottom - 1 && box.bottom <= figure.bottom + 1; })""")
    assert len(inside) >= 8 and all(inside)
    context.close()


@pytest.mark.parametrize("chart, brush, viewport", [
    ("interval_selection", "brush_brush", {"width": 390, "height": 844}),  # a concat, drawn at 0.5
])
def test_a_brush_lands_where_the_reader_drags_on_a_chart_drawn_at_another_scale(
        browser, corpus, static_server, chart, brush, viewport):
    """Vega reads pointers in its design's pixels; the page maps them when it scales a chart."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(WAIT)
    page.goto(static_server(corpus[0]), wait_until="load")
    sid = page.evaluate(f"Object.keys(scrolly.sections).find(id => scrolly.sections[id].chart === '{chart}')")
    page.evaluate(f"scrolly.sections['{sid}'].go(0, 'instant')")
    page.evaluate(f"scrolly.ready('{chart}').then(() => true)")
    svg = page.locator(f"#{sid} .chart-live svg")
    box = None
    for _ in range(30):  # until the pinned chart has settled
        page.wait_for_timeout(200)
        box, last = svg.bounding_box(), box
        if box == last:
            break
    scale = box["width"] / float(svg.get_attribute("width"))
    assert abs(scale - 1) > 0.2, scale  # the page draws this chart well off its design size
    drawn = page.locator(f"#{sid} .chart-live g.{brush} path").last
    before = drawn.bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.6, before["y"] + before["height"] / 2  # beside the step's brush
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 40, y0 - 4, steps=5)
    page.mouse.move(x0 + 80, y0 - 8, steps=5)
    page.mouse.up()
    page.wait_for_timeout(300)
    after = drawn.bounding_box()
    assert after != before
    # (unmapped, a drag of 80 px draws 47 px, 109 px to the left)
    assert abs(after["x"] - x0) < 4 and abs(after["width"] - 80) < 8, (x0, after, scale)
    context.close()


def test_a_date_input_shows_dates_while_its_param_glides(strict):
    """A step that moves a date param glides it; its bound <input type=date> gets days
    (YYYY-MM-DD), never timestamps, which Chromium would refuse with a console warning."""
    page = strict
    page.goto(page.base, wait_until="load")
    page.evaluate("scrolly.ready('bindings').then(() => true)")
    sid = sections_of(page, "bindings")
    seen = page.evaluate("""async (id) => {
        const input = document.querySelector(`#${id} .chart-bindings input[type=date]`);
        const values = new Set([input.value]);
        const watch = setInterval(() => values.add(input.value), 10);
        for (const step of [1, 0, 1]) {
            scrolly.sections[id].go(step, 'smooth');
            await new Promise((done) => setTimeout(done, 700));
        }
        clearInterval(watch);
        return [...values];
    }""", sid)
    assert len(seen) > 1 and all(len(value) == 10 and value[4] == value[7] == "-" for value in seen), seen
    assert page.messages == [] and page.foreign == []
