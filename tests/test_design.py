"""The page's design as a reader meets it in Chromium: titles once, nothing overlapping,
focus never hidden, dark mode with readable charts, large text, and chart states put
into words for screen readers. Also the config and Markdown switches behind them."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import REPO, run_build

WAIT = 10_000
WIDTHS = [320, 390, 768, 1280]
INTERACTIVE = "a[href], button, summary, textarea, [tabindex='0']"


@pytest.fixture(scope="module")
def story_site(tmp_path_factory):
    """The shipped story built once (its own copy, so the repository's dist/ is never touched)."""
    root = tmp_path_factory.mktemp("story") / "story"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".git", "dist", ".scrolly-cache", ".venv*", "bench", "tests", "docs"))
    result = run_build("--site", str(root))
    assert result.returncode == 0, result.stderr
    return root / "dist"


@pytest.fixture
def open_site(browser, static_server):
    contexts = []

    def open_page(site, width=1280, height=800, scheme="light", **options):
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme, bypass_csp=True, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT)
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(static_server(site))
        return page

    yield open_page
    for context in contexts:
        assert not [e for page in context.pages for e in page.errors]
        context.close()


def go_live(page):
    page.evaluate("window.scrolly.ready().then(() => true)")
    page.wait_for_function("document.querySelectorAll('figure.chart:not(.is-live)').length === 0")


def scroll_to_step(page, step_id):
    page.evaluate(
        "id => { const s = document.getElementById(id); scrollTo(0, s.getBoundingClientRect().top + scrollY - innerHeight * (innerWidth > 640 ? 0.45 : 0.6)); }",
        step_id,
    )
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


# -- titles, sources, subheads, footnotes --------------------------------------------------

def test_each_chart_title_appears_once_in_its_figure_static_and_live(open_site, story_site):
    page = open_site(story_site)
    count_title = """fig => { const title = fig.querySelector('.chart-title').textContent;
        const texts = [...fig.querySelectorAll('.chart-live text')].map(t => t.textContent);
        return [title, texts.filter(t => t === title).length]; }"""
    html = (story_site / "index.html").read_text(encoding="utf-8")
    for src in set(re.findall(r'<img class="chart-static"[^>]* src="([^"]+)"', html)):
        svg = (story_site / src).read_text(encoding="utf-8")
        titles = re.findall(r'<span class="chart-title">([^<]+)</span>', html)
        assert not any(f">{title}<" in svg for title in titles), f"{src} draws the title too"
    go_live(page)
    for figure in page.locator("figure.chart").all():
        title, drawn = figure.evaluate(count_title)
        assert title and drawn == 0, title
        assert figure.locator(".chart-title").is_visible()


def test_chart_source_lines_show_at_every_width(open_site, story_site):
    for width in (390, 1280):
        page = open_site(story_site, width=width)
        sources = page.locator(".scrolly .chart-source")
        assert sources.count() >= 2
        sources.first.scroll_into_view_if_needed()
        assert sources.first.is_visible() and sources.first.inner_text().startswith("Source: ")


def test_subheads_sit_under_the_chapter_title_and_footnote_back_links_have_names(story_site):
    html = (story_site / "index.html").read_text(encoding="utf-8")
    assert "<h3>What the office was for</h3>" in html
    chapter_h2 = re.findall(r"<h2[^>]*>", html)
    assert all("id=" in tag for tag in chapter_h2), "only chapter, summary and sources titles are h2"
    backlinks = re.findall(r'<a href="#fnref[^"]+" class="footnote-backref"([^>]*)>', html)
    assert backlinks and all('aria-label="Back to the text of footnote' in attrs for attrs in backlinks)


def test_the_typographer_curls_quotes_and_site_toml_can_turn_it_off(project):
    root = project("basic")
    chapter = root / "content" / "02-more.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + '\nIt\'s "quoted" -- and so on...\n', encoding="utf-8")
    assert run_build("--site", str(root)).returncode == 0
    html = (root / "dist" / "index.html").read_text(encoding="utf-8")
    assert "It’s “quoted” – and so on…" in html
    (root / "site.toml").write_text("typographer = false\n" + (root / "site.toml").read_text(encoding="utf-8"), encoding="utf-8")
    assert run_build("--site", str(root)).returncode == 0
    html = (root / "dist" / "index.html").read_text(encoding="utf-8")
    assert "It's &quot;quoted&quot; -- and so on..." in html


def test_design_settings_in_site_toml_are_checked_with_file_and_line(project):
    root = project("basic")
    text = (root / "site.toml").read_text(encoding="utf-8")
    (root / "site.toml").write_text(
        'dark_mode = "no"\n' + text + '\n[theme]\nfont_ui = "Inter</style>"\n[theme.dark]\nink = "white"\ninc = "#fff"\n', encoding="utf-8"
    )
    result = run_build("--site", str(root))
    assert result.returncode == 1
    lines = result.stderr.replace(str(root) + "/", "").splitlines()
    base = (root / "site.toml").read_text(encoding="utf-8").split("\n").index("[theme]") + 1
    assert "site.toml:1: key 'dark_mode' must be true or false, got a string" in lines
    assert any(line.startswith(f"site.toml:{base + 1}: key 'font_ui' in [theme] must be a list of font names") for line in lines)
    assert f"site.toml:{base + 3}: colour 'ink' in [theme.dark] must be a hex colour like \"#9b2c1f\", got 'white'" in lines
    assert any(line.startswith(f"site.toml:{base + 4}: unknown colour 'inc' in [theme.dark]") for line in lines)
    assert "Traceback" not in result.stderr


# -- layout: overlaps, focus, phones, large text, print --------------------------------------

def interactive_overlaps(page) -> list:
    return page.evaluate(
        """selector => {
        // the chapter bar is sticky: what scrolls under it has left the reader's view
        const bar = document.querySelector('.toc'), top = bar ? bar.getBoundingClientRect().bottom : 0;
        const visible = [...document.querySelectorAll(selector)].filter(el => {
            const r = el.getBoundingClientRect(), s = getComputedStyle(el);
            const inView = bar && bar.contains(el) ? r.bottom > 0 : r.top >= top;
            return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && inView && r.top < innerHeight
                && !el.closest('[hidden], .visually-hidden, .embed-panel, details:not([open]) > :not(summary)');
        });
        const out = [];
        for (let i = 0; i < visible.length; i++) for (let j = i + 1; j < visible.length; j++) {
            const a = visible[i], b = visible[j];
            if (a.contains(b) || b.contains(a)) continue;
            const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
            const w = Math.min(p.right, q.right) - Math.max(p.left, q.left), h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
            if (w > 1 && h > 1) out.push([a.outerHTML.slice(0, 80), b.outerHTML.slice(0, 80)]);
        }
        return out; }""",
        INTERACTIVE,
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_no_interactive_element_overlaps_another_at_any_step(open_site, story_site, width):
    page = open_site(story_site, width=width, height=800 if width > 640 else 740)
    go_live(page)
    ids = page.locator(".step").evaluate_all("steps => steps.map(s => s.id)")
    for step_id in ids:
        scroll_to_step(page, step_id)
        assert interactive_overlaps(page) == [], step_id
    page.evaluate("scrollTo(0, document.documentElement.scrollHeight)")
    assert interactive_overlaps(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_focused_element_is_never_hidden(open_site, story_site, width):
    page = open_site(story_site, width=width, height=800 if width > 640 else 740)
    go_live(page)
    seen = 0
    for _ in range(80):
        page.keyboard.press("Tab")
        page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        hit = page.evaluate(
            """() => { const el = document.activeElement; if (!el || el === document.body) return 'none';
            const r = el.getBoundingClientRect();
            if (r.width === 0 || el.closest('.visually-hidden')) return 'skip';
            const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return top && (el === top || el.contains(top)) ? 'ok' : el.outerHTML.slice(0, 100) + ' under ' + (top ? top.outerHTML.slice(0, 100) : 'nothing'); }"""
        )
        assert hit in ("ok", "skip", "none"), hit
        seen += hit == "ok"
    assert seen > 20


def test_on_a_phone_the_chapter_bar_shows_there_are_more_chapters(open_site, story_site):
    page = open_site(story_site, width=390, height=844)
    toc = page.locator("nav.toc")
    assert toc.evaluate("el => el.classList.contains('more-after')")
    page.wait_for_function("getComputedStyle(document.querySelector('nav.toc'), '::after').opacity === '1'")
    page.locator(".toc ol").evaluate("ol => ol.scrollTo({left: ol.scrollWidth})")
    page.wait_for_function("!document.querySelector('nav.toc').classList.contains('more-after')")
    assert toc.evaluate("el => el.classList.contains('more-before')")


def test_on_a_phone_a_step_fits_below_the_chart_when_it_becomes_active(open_site, story_site):
    page = open_site(story_site, width=390, height=844)
    go_live(page)
    for step in page.locator(".step").all()[:6]:
        step_id = step.get_attribute("id")
        section = step.evaluate("s => s.closest('.scrolly').id")
        index = step.evaluate("s => [...s.parentElement.children].indexOf(s)")
        step.evaluate("s => s.closest('.scrolly').querySelector('.step-controls').hidden = false")
        page.evaluate("([id, i]) => window.scrolly.sections[id].go(i, 'instant')", [section, index])
        page.wait_for_function("([id, i]) => window.scrolly.sections[id].active === i", arg=[section, index])
        box = step.bounding_box()
        graphic = page.locator(f"#{section} .scrolly-graphic").bounding_box()
        assert box["y"] >= graphic["y"] + graphic["height"] - 1, step_id
        if box["height"] < 844 - (graphic["y"] + graphic["height"]):
            assert box["y"] + box["height"] <= 844, f"{step_id} runs past the fold"


def test_the_chart_stays_pinned_while_the_last_step_is_read(open_site, story_site):
    page = open_site(story_site, width=1280, height=800)
    for section in page.locator("section.scrolly").all():
        last = section.locator(".step").last
        last.evaluate("s => scrollTo(0, s.getBoundingClientRect().top + scrollY - innerHeight / 2 + 10)")
        page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        top = section.locator(".scrolly-graphic").bounding_box()["y"]
        assert top == pytest.approx(section.locator(".scrolly-graphic").evaluate("g => parseFloat(getComputedStyle(g).top)"), abs=1)


def test_at_200_percent_text_the_phone_chart_keeps_its_room_and_no_text_is_clipped(open_site, story_site):
    page = open_site(story_site, width=390, height=844)
    section = page.locator("section.scrolly").first
    section.locator(".step").first.scroll_into_view_if_needed()
    normal = section.locator(".chart-box").bounding_box()["height"]
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    big = section.locator(".chart-box").bounding_box()["height"]
    assert big >= 0.4 * normal, (big, normal)
    clipped = section.locator(".scrolly-graphic").evaluate(
        """g => [...g.querySelectorAll('figcaption, .chart-title, .chart-source, .step-controls, .step-counter')].filter(el =>
            el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1
            || el.getBoundingClientRect().bottom > g.getBoundingClientRect().bottom + 1).map(el => el.className)"""
    )
    assert clipped == []
    title = section.locator(".chart-title").bounding_box()
    assert title["width"] > 200, "the title is not squeezed to a letter a line"


def test_the_keyboard_hint_is_visible_beside_the_step_buttons(open_site, story_site):
    page = open_site(story_site, width=1280)
    hint = page.locator(".step-keys").first
    hint.scroll_into_view_if_needed()
    assert hint.is_visible() and "J" in hint.inner_text() and "K" in hint.inner_text()


def test_print_has_page_margins(open_site, story_site):
    page = open_site(story_site)
    margins = page.evaluate(
        "[...document.styleSheets].flatMap(s => [...s.cssRules]).filter(r => r instanceof CSSPageRule).map(r => r.style.margin)"
    )
    assert margins and all(margin for margin in margins)


# -- dark mode and contrast -------------------------------------------------------------------

CONTRAST = """
const rgb = c => { const m = c.match(/[\\d.]+/g).map(Number); return m.slice(0, 3); };
const lum = ([r, g, b]) => { const f = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
const ratio = (a, b) => { const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_and_chart_text_and_marks_have_contrast_in_both_schemes(open_site, story_site, scheme):
    page = open_site(story_site, scheme=scheme)
    go_live(page)
    result = page.evaluate(
        "() => {" + CONTRAST + """
        const paper = getComputedStyle(document.body).backgroundColor;
        const body = ratio(getComputedStyle(document.body).color, paper);
        const texts = [...document.querySelectorAll('.chart-live text')].filter(t => t.textContent.trim() && getComputedStyle(t).fill !== 'none'
            && Number(getComputedStyle(t).fillOpacity) > 0 && Number(t.getAttribute('stroke-width') || 0) === 0);
        const worstText = Math.min(...texts.map(t => ratio(getComputedStyle(t).fill, paper)));
        // a mark stands out by its fill or by its outline, whichever contrasts more
        const seen = c => c.startsWith('rgb(') || (c.startsWith('rgba(') && !c.endsWith(', 0)'));
        const marks = [...document.querySelectorAll('.chart-live .role-mark path, .chart-live .role-mark line, .chart-live .role-legend-symbol path')]
            .map(m => getComputedStyle(m))
            .map(s => [seen(s.fill) ? s.fill : null, seen(s.stroke) && parseFloat(s.strokeWidth) > 0 ? s.stroke : null].filter(Boolean))
            .filter(colours => colours.length);
        const worstMark = Math.min(...marks.map(colours => Math.max(...colours.map(c => ratio(c, paper)))));
        return {paper, body, texts: texts.length, worstText, marks: marks.length, worstMark}; }"""
    )
    if scheme == "dark":
        assert result["paper"] != "rgb(253, 252, 248)", "the page follows the dark scheme"
    assert result["body"] >= 4.5
    assert result["texts"] > 10 and result["worstText"] >= 4.5, result
    assert result["marks"] > 10 and result["worstMark"] >= 3, result


def test_the_static_pictures_follow_the_colour_scheme_and_dark_mode_can_be_turned_off(project, open_site):
    root = project("basic")
    assert run_build("--site", str(root)).returncode == 0
    svg = (root / "dist" / "charts" / "dots.svg").read_text(encoding="utf-8")
    assert "var(--ink" in svg and "prefers-color-scheme: dark" in svg
    page = open_site(root / "dist", scheme="dark")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(253, 252, 248)"
    (root / "site.toml").write_text("dark_mode = false\n" + (root / "site.toml").read_text(encoding="utf-8"), encoding="utf-8")
    assert run_build("--site", str(root)).returncode == 0
    assert "prefers-color-scheme" not in (root / "dist" / "charts" / "dots.svg").read_text(encoding="utf-8")
    page = open_site(root / "dist", scheme="dark")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(253, 252, 248)"


def test_the_theme_is_laid_under_every_chart_unless_it_sets_its_own(project):
    root = project("basic")
    (root / "site.toml").write_text((root / "site.toml").read_text(encoding="utf-8") + '\n[theme]\nchart_font_size = 15\nfont_ui = "Verdana, sans-serif"\n', encoding="utf-8")
    module = root / "charts" / "dots.py"
    module.write_text(module.read_text(encoding="utf-8").replace('usermeta={"source": "Made up"})', 'usermeta={"source": "Made up"}).configure_axis(labelFontSize=9)'), encoding="utf-8")
    assert run_build("--site", str(root)).returncode == 0
    import json

    config = json.loads((root / "dist" / "charts" / "dots.vl.json").read_text(encoding="utf-8"))["config"]
    assert config["axis"]["labelFontSize"] == 9, "the chart's own config wins"
    assert config["legend"]["labelFontSize"] == 15 and config["font"] == "Verdana, sans-serif"
    assert config["background"] == "transparent"
    css = next((root / "dist" / "assets").glob("story.*.css")).read_text(encoding="utf-8")
    assert "--font-ui: Verdana, sans-serif;" in css


# -- chart states in words -------------------------------------------------------------------

def test_the_live_region_says_what_each_step_shows(project, open_site):
    root = project("basic")
    chapter = root / "content" / "01-intro.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace('::: step focus="c" day="2024-02-01"', '::: step focus="c" day="2024-02-01" alt="The third dot is now lit"'), encoding="utf-8")
    result = run_build("--site", str(root))
    assert result.returncode == 0
    assert "content/01-intro.md:8: warning: this step changes the chart but has no alt=" in result.stderr.replace(str(root) + "/", "")
    page = open_site(root / "dist")
    go_live(page)
    status = page.locator(".step-status")
    texts = []
    for step_id in ["intro-2-step-3", "intro-2-step-1"]:
        scroll_to_step(page, step_id)
        page.wait_for_function("t => document.querySelector('.step-status').textContent !== t", arg=texts[-1] if texts else "")
        texts.append(status.text_content())
    assert texts[0] == "Step 3 of 3: The third dot is now lit"
    assert texts[1].startswith("Step 1 of 3: Three dots, now with focus “b”")
    assert page.locator(".scrolly .chart-live").get_attribute("aria-label").endswith("Three dots, now with focus “b”, zoom 2.")


def test_a_chart_module_can_describe_its_states(project):
    root = project("basic")
    module = root / "charts" / "dots.py"
    module.write_text(module.read_text(encoding="utf-8") + '\n\ndef describe(focus, zoom, day):\n    return f"Dot {focus} is lit at zoom {zoom}."\n', encoding="utf-8")
    assert run_build("--site", str(root)).returncode == 0
    html = (root / "dist" / "index.html").read_text(encoding="utf-8")
    assert 'data-alt="Dot b is lit at zoom 2."' in html
    assert 'alt="Three dots at (1, 2), (2, 3) and (3, 1). Dot b is lit at zoom 2."' in html
    module.write_text(module.read_text(encoding="utf-8").replace('return f"Dot', 'return None and f"Dot'), encoding="utf-8")
    result = run_build("--site", str(root))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"charts/dots\.py:\d+: describe\(focus=\"b\", zoom=2, day=\"2024-01-01\"\) returned nothing \(None\)", result.stderr)


def test_a_step_alt_must_be_text(project):
    root = project("basic")
    chapter = root / "content" / "01-intro.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("::: step\n", "::: step alt=3\n"), encoding="utf-8")
    result = run_build("--site", str(root))
    assert result.returncode == 1
    assert "content/01-intro.md:11: alt must be text in double quotes saying what the chart shows" in result.stderr.replace(str(root) + "/", "")
