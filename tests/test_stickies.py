"""Stickies in Chromium, as a reader meets them: each step pins the graphic it names (an
image zoomed on its point, a text or code with its part lit, one of two charts in its own
state), in every direction and after a reload; the five layouts place cards and graphic
as described; phones, 320 px, reading without JavaScript and axe.

The pages come from the `stickies` fixture: chapter one has a section of every kind of
graphic, chapter two one section per layout besides the default.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import FIXTURES, run_build
from scrolly.images import image_size

WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WAIT = 10_000
KINDS = "kinds-2"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("stickies") / "stickies"
    shutil.copytree(FIXTURES / "stickies", root, ignore=shutil.ignore_patterns(".scrolly-cache", "dist"))
    result = run_build("--site", str(root))
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    return root / "dist"


@pytest.fixture
def open_page(browser, site, static_server):
    url = static_server(site)
    contexts = []

    def start(viewport=WIDE, **options):
        context = browser.new_context(viewport=viewport, bypass_csp=True, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT)
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda m: m.type in ("error", "warning") and page.errors.append(m.text))
        page.goto(url)
        page.evaluate("window.scrolly.ready().then(() => true)")
        return page

    yield start
    for context in contexts:
        assert not [error for page in context.pages for error in page.errors]
        context.close()


def go_to(page, section: str, index: int) -> None:
    """Scroll as a reader does until step `index` of `section` is the active one."""
    page.evaluate(
        "([id, i]) => { const s = document.querySelectorAll(`#${id} .step`)[i];"
        " scrollTo(0, s.getBoundingClientRect().top + scrollY - innerHeight * (innerWidth > 640 ? 0.45 : 0.6)); }",
        [section, index],
    )
    page.wait_for_function("([id, i]) => window.scrolly.sections[id].active === i", arg=[section, index])


def shown(page, section: str) -> dict:
    """What the section's stage shows once its transitions are over."""
    page.wait_for_function(
        "id => [...document.querySelectorAll(`#${id} .stage-item`)].every(item => getComputedStyle(item).opacity"
        " === (item.hasAttribute('data-active') ? '1' : '0'))", arg=section)
    page.wait_for_timeout(450)  # the zoom and highlight transitions (400 ms)
    return page.evaluate(
        """id => { const stage = document.querySelector(`#${id} .scrolly-stage`);
        const visible = [...stage.querySelectorAll('.stage-item')].filter(i => getComputedStyle(i).visibility === 'visible');
        const item = visible[0], img = item.querySelector('.sticky-img');
        const out = {visible: visible.map(i => i.dataset.graphic), inert: [...stage.querySelectorAll('.stage-item')].filter(i => i.inert).length,
            lit: [...item.querySelectorAll('.is-lit')].map(e => e.textContent.trim()),
            dimmed: !!item.querySelector('.sticky.is-dimmed')};
        if (img) { const f = img.parentElement.getBoundingClientRect(), r = img.getBoundingClientRect();
            out.zoom = r.width / f.width; out.focus = [(f.left + f.width / 2 - r.left) / r.width, (f.top + f.height / 2 - r.top) / r.height]; }
        const section = window.scrolly.sections[id];
        out.graphic = section.graphic;
        out.focusSignal = section.view ? section.view.signal('focus') : undefined;
        return out; }""",
        section,
    )


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "390"])
def test_each_step_shows_its_graphic_with_its_zoom_highlight_or_state(open_page, viewport):
    page = open_page(viewport)
    expected = [
        ("dots", lambda s: s["focusSignal"] == "b"),
        ("harbour", lambda s: s["zoom"] == pytest.approx(1, abs=0.01)),
        ("harbour", lambda s: s["zoom"] == pytest.approx(2.5, abs=0.01) and s["focus"] == [pytest.approx(0.75, abs=0.01), pytest.approx(0.25, abs=0.01)]),
        ("statement", lambda s: s["lit"] == ["closer to NATO", "closer to NATO"] and s["dimmed"]),
        ("recipe", lambda s: s["lit"] == ['focus = alt.param(name="focus", value=None)', "chart = alt.Chart(data).mark_point()"] and s["dimmed"]),
        ("bars", lambda s: s["focusSignal"] == "c"),
        ("dots", lambda s: s["focusSignal"] == "b"),  # the dots as they were left
        ("harbour", lambda s: s["zoom"] == pytest.approx(2.5, abs=0.01)),  # still zoomed
    ]
    for index, (graphic, check) in enumerate(expected):
        go_to(page, KINDS, index)
        state = shown(page, KINDS)
        assert state["visible"] == [graphic] and state["graphic"] == graphic, (index, state)
        assert state["inert"] == 4, "the hidden graphics are out of reach of keyboard and screen readers"
        assert check(state), (index, state)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    status = page.locator(f"#{KINDS} .step-status").text_content()
    assert status == "Step 8 of 8: A harbour in four colours, a dark dot in its upper right (zoomed in 2.5×)."


def test_the_live_region_names_a_text_stickys_highlight_and_an_image_stickys_alt(open_page):
    page = open_page()
    go_to(page, KINDS, 1)
    go_to(page, KINDS, 3)
    status = page.locator(f"#{KINDS} .step-status")
    page.wait_for_function("el => el.textContent.startsWith('Step 4 of 8')", arg=status.element_handle())
    assert status.text_content() == (
        "Step 4 of 8: “No other partner is closer to NATO than Japan,” said the secretary general."
        " Then he said it again: closer to NATO. Highlighted: “closer to NATO”.")
    go_to(page, KINDS, 1)
    page.wait_for_function("el => el.textContent.startsWith('Step 2 of 8')", arg=status.element_handle())
    assert status.text_content() == "Step 2 of 8: A harbour in four colours, a dark dot in its upper right."


def test_scrolling_back_up_and_reloading_mid_section_land_on_the_right_graphic(open_page):
    page = open_page(PHONE)
    go_to(page, KINDS, 7)
    for index, graphic in [(5, "bars"), (3, "statement"), (2, "harbour"), (0, "dots")]:
        go_to(page, KINDS, index)
        assert shown(page, KINDS)["visible"] == [graphic]
    go_to(page, KINDS, 3)
    page.reload()
    page.wait_for_function(f"window.scrolly && window.scrolly.sections['{KINDS}'].active === 3")
    state = shown(page, KINDS)
    assert state["visible"] == ["statement"] and state["lit"] == ["closer to NATO", "closer to NATO"]
    go_to(page, KINDS, 2)
    page.reload()
    page.wait_for_function(f"window.scrolly && window.scrolly.sections['{KINDS}'].active === 2")
    assert shown(page, KINDS)["zoom"] == pytest.approx(2.5, abs=0.01)


def test_reduced_motion_switches_graphics_and_zoom_at_once(open_page):
    page = open_page(WIDE, reduced_motion="reduce")
    go_to(page, KINDS, 1)
    page.wait_for_timeout(100)
    go_to(page, KINDS, 2)
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    zoom = page.evaluate(f"""() => {{ const img = document.querySelector('#{KINDS} .sticky-img');
        return img.getBoundingClientRect().width / img.parentElement.getBoundingClientRect().width; }}""")
    assert zoom == pytest.approx(2.5, abs=0.01), "no transition under reduced motion"
    go_to(page, KINDS, 3)
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    opacity = page.locator(f"#{KINDS} .stage-item[data-graphic='statement']").evaluate("el => getComputedStyle(el).opacity")
    assert opacity == "1"


def test_switching_graphics_moves_nothing_on_the_page(open_page):
    page = open_page(WIDE)
    go_to(page, KINDS, 0)
    before = page.locator(f"#{KINDS} .scrolly-stage").bounding_box()
    page.evaluate("""() => { window.shifts = 0; new PerformanceObserver(list => { for (const e of list.getEntries())
        if (!e.hadRecentInput) window.shifts += e.value; }).observe({type: 'layout-shift', buffered: false}); }""")
    for index in range(1, 8):
        go_to(page, KINDS, index)
        shown(page, KINDS)
        box = page.locator(f"#{KINDS} .scrolly-stage").bounding_box()
        assert (box["width"], box["height"]) == (before["width"], before["height"])
    assert page.evaluate("window.shifts") == 0


# -- layouts -------------------------------------------------------------------------------

def placement(page, section: str, index: int) -> dict:
    go_to(page, section, index)
    return page.evaluate(
        """([id, i]) => { const s = document.getElementById(id), step = s.querySelectorAll('.step')[i];
        const g = s.querySelector('.scrolly-graphic').getBoundingClientRect(), c = step.getBoundingClientRect();
        const item = s.querySelector('.stage-item[data-active]').firstElementChild.getBoundingClientRect();
        return {layout: s.dataset.layout, graphic: [g.left, g.right, g.top, g.bottom], card: [c.left, c.right, c.top, c.bottom],
            shown: [item.left, item.right], width: innerWidth,
            cardOnTop: document.elementFromPoint((c.left + c.right) / 2, c.top + 5)?.closest('.step') === step}; }""",
        [section, index],
    )


def test_each_layout_places_the_cards_and_the_graphic_as_described(open_page):
    page = open_page(WIDE)
    left = placement(page, KINDS, 0)
    assert left["layout"] == "text-left" and left["card"][1] <= left["graphic"][0]
    right = placement(page, "layouts-2", 0)
    assert right["layout"] == "text-right" and right["graphic"][1] <= right["card"][0]
    for section, where in [("layouts-3", "centre"), ("layouts-4", "left"), ("layouts-5", "right")]:
        over = placement(page, section, 1)
        graphic, card, middle = over["graphic"], over["card"], over["width"] / 2
        assert graphic[1] - graphic[0] > 0.85 * (min(over["width"], 1152) - 32), f"{section}: the graphic takes the full width"
        assert graphic[0] < card[0] and card[1] < graphic[1] and over["cardOnTop"], f"{section}: the card floats over the graphic"
        centre = (card[0] + card[1]) / 2
        if where == "centre":
            assert centre == pytest.approx(middle, abs=2)
        elif where == "left":
            assert card[1] < middle
        else:
            assert card[0] > middle


@pytest.mark.parametrize("section", ["kinds-2", "layouts-2", "layouts-3", "layouts-4", "layouts-5"])
def test_on_a_phone_every_layout_pins_the_graphic_whole_above_the_card_being_read(open_page, section):
    page = open_page(PHONE)
    spot = placement(page, section, 1)
    graphic, card, shown_item = spot["graphic"], spot["card"], spot["shown"]
    assert card[2] >= graphic[3] - 1, "the card is read below the graphic, never over it"
    assert card[3] <= PHONE["height"], "the card fits below the graphic"
    assert 0 <= shown_item[0] and shown_item[1] <= PHONE["width"], "the graphic is whole"


def test_no_horizontal_overflow_at_320_px(open_page):
    page = open_page({"width": 320, "height": 640})
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height, 250):
        page.evaluate("y => scrollTo(0, y)", y)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, f"wider than the screen at y={y}"


COPY = """step => { const copy = step.querySelector('.step-copy');
    if (!copy || getComputedStyle(copy).display === 'none') return null;
    const box = copy.getBoundingClientRect(), img = copy.querySelector('img');
    const out = {height: box.height, width: box.width, loaded: img ? img.complete && img.naturalWidth > 0 : null,
        chart: !!copy.querySelector('.step-copy-chart'), hidden: copy.getAttribute('aria-hidden'),
        lit: [...copy.querySelectorAll('.is-lit')].map(e => e.textContent.trim()),
        dimmed: !!copy.querySelector('.sticky.is-dimmed')};
    if (img && img.classList.contains('sticky-img')) {
        const f = img.parentElement.getBoundingClientRect(), r = img.getBoundingClientRect();
        out.zoom = r.width / f.width;
        out.focus = [(f.left + f.width / 2 - r.left) / r.width, (f.top + f.height / 2 - r.top) / r.height]; }
    return out; }"""


def test_in_a_short_window_each_card_that_switches_the_graphic_shows_it_as_the_step_leaves_it(open_page):
    """At 400 % zoom the graphic is not pinned, so a card that shows another graphic, or the
    same one in a new state, carries a copy of it in that state."""
    page = open_page({"width": 320, "height": 256})
    steps = page.locator(f"#{KINDS} .step")
    copies = []
    for index in range(steps.count()):
        steps.nth(index).scroll_into_view_if_needed()
        page.wait_for_timeout(100)
        copy = steps.nth(index).evaluate(COPY)
        if copy and copy["loaded"] is False:
            steps.nth(index).locator("img").evaluate("img => img.decode().catch(() => null)")
            copy = steps.nth(index).evaluate(COPY)
        copies.append(copy)
    assert copies[0] is None, "the first step's graphic is the one just above it"
    for index, copy in enumerate(copies[1:], 1):
        assert copy and copy["height"] > 40 and copy["width"] <= 320, (index, copy)
        assert copy["hidden"] == "true", "the live region already says what the step shows"
        assert copy["loaded"] in (True, None), (index, copy)
    approx = pytest.approx
    assert copies[1]["zoom"] == approx(1, abs=0.01)
    assert copies[2]["zoom"] == approx(2.5, abs=0.01)
    assert copies[2]["focus"] == [approx(0.75, abs=0.01), approx(0.25, abs=0.01)]
    assert copies[3]["lit"] == ["closer to NATO", "closer to NATO"] and copies[3]["dimmed"]
    assert copies[4]["lit"] == [
        'focus = alt.param(name="focus", value=None)', "chart = alt.Chart(data).mark_point()"]
    assert copies[5]["chart"] and copies[6]["chart"]
    assert copies[7]["zoom"] == approx(2.5, abs=0.01), "the picture as it was left, zoomed"
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "390"])
def test_where_the_graphic_is_pinned_no_card_carries_a_copy_of_it(open_page, viewport):
    page = open_page(viewport)
    steps = page.locator(f"#{KINDS} .step")
    assert steps.locator(".step-copy").count() == 7
    assert [steps.nth(i).evaluate(COPY) for i in range(steps.count())] == [None] * 8


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "390"])
def test_axe_finds_nothing_at_any_step(open_page, viewport):
    page = open_page(viewport)
    for section in ["kinds-2", "layouts-2", "layouts-5"]:
        for index in range(page.locator(f"#{section} .step").count()):
            go_to(page, section, index)
        shown(page, section)
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_highlighted_and_dimmed_text_keep_their_contrast(open_page, scheme):
    page = open_page(WIDE, color_scheme=scheme)
    go_to(page, KINDS, 3)
    shown(page, KINDS)
    ratios = page.evaluate("""() => {
        const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
        const lum = ([r, g, b]) => { const f = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
        const ratio = (a, b) => { const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
        const paper = getComputedStyle(document.body).backgroundColor;
        const lit = document.querySelector('.sticky .is-lit'), dim = document.querySelector('.sticky.is-dimmed p');
        const mark = getComputedStyle(lit).backgroundColor;
        return {dim: ratio(getComputedStyle(dim).color, paper), lit: ratio(getComputedStyle(lit).color, paper), paper, mark}; }""")
    assert ratios["dim"] >= 4.5 and ratios["lit"] >= 4.5, ratios
    assert ratios["mark"] != "rgba(0, 0, 0, 0)", "the lit phrase is marked by more than its colour"


# -- without JavaScript ------------------------------------------------------------------

def test_without_javascript_each_sticky_is_read_where_it_is_first_shown(browser, site, static_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(static_server(site))
        order = page.evaluate(f"""() => [...document.querySelectorAll('#{KINDS} .stage-item, #{KINDS} .reading-copy, #{KINDS} .step')]
            .filter(el => getComputedStyle(el).visibility === 'visible' && el.getBoundingClientRect().height > 0)
            .map(el => el.classList.contains('step') ? 'step: ' + el.innerText.trim().split('.')[0]
                : (el.querySelector('img')?.alt || el.textContent.trim()).slice(0, 24))""")
        assert order == [
            "Three dots at (1, 2), (2", "step: The section’s first chart, with the second dot in focus",
            "A harbour in four colour", "step: The whole picture", "step: Zoomed on the dark dot",
            "“No other partner is clo", "step: The phrase is highlighted, both times",
            "import altair as alt\nfoc", "step: Two lines of code",
            "Three bars of 3, 5 and 2", "step: Another chart", "step: The dots as they were left", "step: The picture, still zoomed",
        ]
        for image in page.locator(f"#{KINDS} .reading-copy img").all():
            image.scroll_into_view_if_needed()
            assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    finally:
        context.close()


# -- the build's output ----------------------------------------------------------------------

def test_images_are_copied_under_hashed_names_with_their_size_in_the_html(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    images = re.findall(r'<img (?:class="sticky-img" )?src="(images/[^"]+)" (?:alt="[^"]*" )?width="(\d+)" height="(\d+)"', html)
    assert {src for src, *_ in images} == {"images/harbour.43e3c78d29.png", "images/plan.548bca4271.svg"}
    for src, width, height in images:
        assert image_size((site / src).read_bytes()) == (int(width), int(height))
    assert 'src="images/plan.548bca4271.svg" alt="A blue plan with a white circle" width="300" height="400"' in html
    steps = re.findall(r'data-show="([^"]+)" data-state=\'([^\']+)\'', html)
    assert steps[2] == ("harbour", json.dumps({"x": 0.75, "y": 0.25, "zoom": 2.5}).replace('"', "&#34;"))


def test_each_chart_of_a_section_has_its_embed_control_and_data_after_it(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    section = html.split('id="kinds-2"')[1].split("</section>")[1].split("<section")[0]
    assert [m for m in re.findall(r"Data behind “([^”]+)”", section)] == ["Three dots", "Three bars"]


def test_image_sizes_are_read_from_each_kind_of_header():
    import struct
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 640, 480) + b"\x08\x02\0\0\0"
    gif = b"GIF89a" + struct.pack("<HH", 32, 16) + b"\0" * 8
    jpeg = (b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0" + b"\0" * 9
            + b"\xff\xc0" + struct.pack(">HBHH", 17, 8, 300, 400) + b"\x03" + b"\0" * 9)
    webp_lossy = b"RIFF\0\0\0\0WEBPVP8 " + b"\0" * 7 + b"\x9d\x01\x2a" + struct.pack("<HH", 120, 90) + b"\0" * 8
    webp_lossless = b"RIFF\0\0\0\0WEBPVP8L" + b"\0" * 4 + b"\x2f" + ((99) | (49 << 14)).to_bytes(4, "little")
    webp_extended = b"RIFF\0\0\0\0WEBPVP8X" + b"\0" * 8 + (799).to_bytes(3, "little") + (599).to_bytes(3, "little")
    assert image_size(png) == (640, 480)
    assert image_size(gif) == (32, 16)
    assert image_size(jpeg) == (400, 300)
    assert image_size(webp_lossy) == (120, 90)
    assert image_size(webp_lossless) == (100, 50)
    assert image_size(webp_extended) == (800, 600)
    assert image_size(b'<svg xmlns="http://www.w3.org/2000/svg" width="120px" height="80">') == (120, 80)
    assert image_size(b'<?xml version="1.0"?><svg viewBox="0 0 30.5 20">') == (30, 20)
    assert image_size(b"<svg>") is None and image_size(b"plain text") is None
