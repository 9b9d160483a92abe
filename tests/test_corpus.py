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
