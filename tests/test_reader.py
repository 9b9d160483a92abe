"""The built story in Chromium, as a reader meets it: steps drive the chart, nothing jumps,
keyboard and print work, and everything is there without JavaScript.

All pages come from the `basic` fixture: one scrolly section (chart `dots`, three steps)
and one standalone figure of the same chart.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WAIT = 10_000  # ms, the most any wait below may take


@pytest.fixture
def reader(reader_of, basic_site):
    """reader(viewport, **context options) -> a page on the built story; fails the test on
    page errors or requests to another host."""
    return lambda viewport=WIDE, **options: reader_of(basic_site, viewport, **options)


@pytest.fixture
def reader_of(browser, static_server):
    """reader_of(dist, viewport, **context options) -> a page on that built site; fails the
    test on page errors or requests to another host."""
    contexts, pages = [], []

    def open_page(site, viewport=WIDE, **options):
        context = browser.new_context(viewport=viewport, bypass_csp=True, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT)
        page.errors, page.foreign_requests = [], []
        page.on("pageerror", lambda error: page.errors.append(str(error)))

        def guard(route):
            if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
                route.continue_()
            else:
                page.foreign_requests.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        page.goto(static_server(site))
        pages.append(page)
        return page

    yield open_page
    for context in contexts:
        context.close()
    for page in pages:
        assert not page.errors, f"page errors: {page.errors}"
        assert not page.foreign_requests, f"requests to other hosts: {page.foreign_requests}"


def section_id(page) -> str:
    return page.locator("section.scrolly").first.get_attribute("id")


def step_states(page) -> list[dict]:
    return [json.loads(s) for s in page.locator(".scrolly .step").evaluate_all("steps => steps.map(s => s.dataset.state)")]


def go_live(page) -> None:
    page.evaluate("window.scrolly.ready().then(() => true)")
    page.wait_for_function("document.querySelectorAll('figure.chart:not(.is-live)').length === 0")


def scroll_to_step(page, index: int) -> None:
    """Scroll the way a reader does: the step's top ends up in the reading area (above the
    middle of a wide screen; just below the pinned chart on a phone)."""
    page.locator(".scrolly .step").nth(index).evaluate(
        "step => window.scrollTo(0, step.getBoundingClientRect().top + scrollY - innerHeight * (innerWidth > 640 ? 0.45 : 0.6))"
    )


def wait_for_step(page, index: int) -> None:
    page.wait_for_function("([id, i]) => window.scrolly.sections[id].active === i", arg=[section_id(page), index])


def wait_for_state(page, state: dict) -> None:
    """Until the section's live view has the params of `state` (after any tween)."""
    page.wait_for_function(
        "([id, state]) => Object.entries(state).every(([k, v]) => window.scrolly.sections[id].view?.signal(k) === v)",
        arg=[section_id(page), state],
    )


def current_steps(page) -> list[int]:
    return page.locator(".scrolly .step").evaluate_all(
        "steps => steps.flatMap((s, i) => s.getAttribute('aria-current') === 'step' ? [i] : [])"
    )


def chart_description(site) -> str:
    return json.loads((site / "charts" / "dots.vl.json").read_text(encoding="utf-8"))["description"]


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
def test_each_step_sets_its_state_on_the_live_chart(reader, viewport):
    page = reader(viewport)
    states = step_states(page)
    assert states[0]["focus"] == "b" and states[2]["focus"] == "c" and states[2]["day"] == "2024-02-01"
    go_live(page)
    for index in [0, 1, 2, 1, 0]:
        scroll_to_step(page, index)
        wait_for_step(page, index)
        wait_for_state(page, states[index])
        assert current_steps(page) == [index]


def test_window_scrolly_exposes_views_sections_and_step_events(reader):
    page = reader(WIDE)
    view_is_live = page.evaluate("window.scrolly.ready('dots').then(view => typeof view.signal === 'function')")
    assert view_is_live
    sid = section_id(page)
    assert page.evaluate("id => window.scrolly.sections[id].view === window.scrolly.views.dots", sid), "the first chart on the page"
    assert page.evaluate("id => window.scrolly.sections[id].steps", sid) == 3
    page.evaluate("id => { window.seen = []; document.getElementById(id).addEventListener('scrolly:step', e => seen.push(e.detail.index)); }", sid)
    scroll_to_step(page, 2)
    page.wait_for_function("window.seen.includes(2)")


def test_an_authors_script_hears_scrolly_ready_once_the_runtime_has_run(browser, basic_site, static_server):
    """The runtime runs after first paint, perhaps after the load event: scrolly:ready says when."""
    context = browser.new_context(viewport=WIDE)
    context.add_init_script(
        """window.heard = [];
        document.addEventListener('scrolly:ready', () => heard.push(typeof window.scrolly.ready))"""
    )
    page = context.new_page()
    page.goto(static_server(basic_site))  # the tests' goto waits for scrolly:ready too
    assert page.evaluate("window.heard") == ["function"]
    context.close()


def test_a_fast_scroll_to_the_end_lands_on_the_last_step(reader):
    page = reader(WIDE)
    states = step_states(page)
    go_live(page)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    wait_for_step(page, 2)
    wait_for_state(page, states[2])
    assert current_steps(page) == [2]


def test_a_reload_mid_story_restores_the_step_and_its_picture(reader):
    page = reader(WIDE)
    scroll_to_step(page, 2)
    wait_for_step(page, 2)
    page.reload()
    page.wait_for_function("window.scrolly && window.scrolly.sections[document.querySelector('.scrolly').id]")
    wait_for_step(page, 2)
    picture = page.locator(".scrolly .step").nth(2).get_attribute("data-picture")
    page.wait_for_function(
        "url => document.querySelector('.scrolly img.chart-static').getAttribute('src') === url", arg=picture
    )
    assert current_steps(page) == [2]
    assert page.locator("figure.chart.is-live").count() == 0, "Vega waits for a reader who explores a chart"


def test_resizing_from_wide_to_phone_keeps_the_step(reader):
    page = reader(WIDE)
    states = step_states(page)
    go_live(page)
    scroll_to_step(page, 1)
    wait_for_step(page, 1)
    page.set_viewport_size(PHONE)
    page.wait_for_function("() => innerWidth === 390")
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    wait_for_step(page, 1)
    wait_for_state(page, states[1])
    assert current_steps(page) == [1]
    step = page.locator(".scrolly .step").nth(1).bounding_box()
    graphic = page.locator(".scrolly-graphic").bounding_box()
    assert step["y"] >= graphic["y"] + graphic["height"] - 1 and step["y"] < PHONE["height"], "the step is in view below the chart"


@pytest.mark.parametrize("viewport", [WIDE, PHONE, {"width": 320, "height": 640}], ids=["wide", "phone", "320"])
def test_static_svg_has_the_description_and_the_live_chart_takes_its_exact_box(reader, basic_site, viewport):
    page = reader(viewport)
    description = chart_description(basic_site)
    images = page.locator("img.chart-static")
    assert images.count() == 2
    for index in range(images.count()):
        assert images.nth(index).get_attribute("alt").startswith(description)
    alt_of_first_step = images.first.get_attribute("alt")
    assert page.locator("figure.chart.is-live").count() == 0, "Vega waits for the reader before loading"
    boxes = page.locator(".chart-box")
    before = [boxes.nth(i).bounding_box() for i in range(boxes.count())]
    page.evaluate("""() => { window.shifts = 0; new PerformanceObserver(list => {
        for (const entry of list.getEntries()) window.shifts += entry.value; }).observe({type: 'layout-shift'}); }""")
    go_live(page)
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    after = [boxes.nth(i).bounding_box() for i in range(boxes.count())]
    for old, new in zip(before, after):
        assert new == pytest.approx(old, abs=0.5)
    assert page.evaluate("window.shifts") == 0
    live = page.locator(".chart-live")
    assert live.count() == 2 and live.first.get_attribute("aria-label") == alt_of_first_step
    assert not images.first.is_visible()


def test_on_a_small_screen_the_live_chart_is_laid_out_again_rather_than_shrunk(reader):
    page = reader({"width": 320, "height": 640})
    scale_of_static = page.locator(".scrolly img.chart-static").evaluate(
        "img => Math.min(img.clientWidth / img.naturalWidth, img.clientHeight / img.naturalHeight)"
    )
    assert scale_of_static < 0.95, "the design is bigger than the box, so the SVG is scaled down"
    go_live(page)
    scale_of_live = page.locator(".scrolly .chart-live svg").evaluate(
        "svg => { const box = svg.getBoundingClientRect(); return Math.min(box.width / svg.getAttribute('width'), box.height / svg.getAttribute('height')); }"
    )
    assert scale_of_live >= 0.97, "the live chart draws its text at its own size"
    assert page.evaluate("id => window.scrolly.sections[id].view.width()", section_id(page)) < 300


def test_without_javascript_every_chart_image_and_all_step_text_are_visible_in_order(browser, basic_site, static_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(static_server(basic_site))
        images = page.locator("img.chart-static")
        assert images.count() == 2
        for index in range(images.count()):
            image = images.nth(index)
            image.scroll_into_view_if_needed()
            assert image.is_visible()
            assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        page.evaluate("window.scrollTo(0, 0)")
        texts = ["The second dot lights up.", "Nothing changes here.", "Now the third."]
        steps = page.locator(".scrolly .step")
        assert [steps.nth(i).inner_text().strip() for i in range(steps.count())] == texts
        order = page.locator("img.chart-static, .scrolly .step").evaluate_all(
            "els => els.map(el => [el.tagName, el.getBoundingClientRect().top + scrollY])"
        )
        assert [tag for tag, _ in order] == ["IMG", "DIV", "DIV", "DIV", "IMG"]
        tops = [top for _, top in order]
        assert tops == sorted(tops)
        for index in range(steps.count()):
            steps.nth(index).scroll_into_view_if_needed()
            assert steps.nth(index).is_visible()
        assert not page.locator(".step-controls").is_visible(), "buttons that cannot work are not shown"
    finally:
        context.close()


def test_keyboard_reaches_the_step_buttons_and_they_move_the_story(reader):
    page = reader(WIDE)
    go_live(page)
    for _ in range(60):
        page.keyboard.press("Tab")
        label = page.evaluate("document.activeElement.closest('.step-controls') ? document.activeElement.innerText : ''")
        if "Next step" in label:
            break
    else:
        pytest.fail("Tab never reached the 'Next step' button")
    focused = page.locator(":focus")
    assert focused.is_visible()
    assert focused.evaluate("el => getComputedStyle(el).outlineStyle") != "none", "focus is visible"
    start = page.evaluate("id => window.scrolly.sections[id].active", section_id(page))
    page.keyboard.press("Enter")
    wait_for_step(page, min(start + 1, 2))
    page.keyboard.press("Enter")
    wait_for_step(page, 2)
    page.keyboard.press("Shift+Tab")
    assert "Previous step" in page.evaluate("document.activeElement.innerText")
    page.keyboard.press("Enter")
    wait_for_step(page, 1)
    page.keyboard.press("ArrowUp")
    wait_for_step(page, 0)
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("j")
    wait_for_step(page, 1)
    page.keyboard.press("k")
    wait_for_step(page, 0)


def test_no_horizontal_scroll_at_320_px(reader):
    page = reader({"width": 320, "height": 640})
    go_live(page)
    for details in page.locator("details").all():
        details.evaluate("el => el.open = true")
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height, 300):
        page.evaluate("y => window.scrollTo(0, y)", y)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, f"wider than the screen at y={y}"


def record_frames(page):
    """Start recording, on every animation frame, the active step and the chart's `day`."""
    page.evaluate(
        """id => { window.frames_seen = [];
        const record = () => { frames_seen.push([window.scrolly.sections[id].active, window.scrolly.sections[id].view.signal('day')]);
          if (frames_seen.length < 600) requestAnimationFrame(record); };
        requestAnimationFrame(record); }""",
        section_id(page),
    )


def days_after_reaching(page, index: int) -> list[str]:
    page.wait_for_function("i => frames_seen.filter(([a]) => a === i).length > 40", arg=index)
    return [day for active, day in page.evaluate("frames_seen") if active == index]


def test_reduced_motion_sets_the_new_values_at_once(reader):
    page = reader(WIDE, reduced_motion="reduce")
    states = step_states(page)
    go_live(page)
    scroll_to_step(page, 0)
    wait_for_state(page, states[0])
    record_frames(page)
    scroll_to_step(page, 2)
    days = days_after_reaching(page, 2)
    assert set(days) == {states[2]["day"]}, "the first frame already shows the new date"


def test_with_motion_dates_glide_to_the_new_value(reader):
    page = reader(WIDE)
    states = step_states(page)
    go_live(page)
    scroll_to_step(page, 0)
    wait_for_state(page, states[0])
    record_frames(page)
    scroll_to_step(page, 2)
    days = days_after_reaching(page, 2)
    start, end = states[0]["day"], states[2]["day"]
    between = [day for day in days if day not in (start, end)]
    assert between and all(start < day < end for day in between)
    assert days[-1] == end


def test_print_shows_the_prose_with_each_chart_once_and_no_controls(reader):
    page = reader(WIDE)
    go_live(page)
    page.emulate_media(media="print")
    for section in page.locator("section.scrolly").all():
        images = section.locator("img.chart-static")
        assert images.count() == 1 and images.first.is_visible()
        assert not section.locator(".chart-live").is_visible()
        assert not section.locator(".step-controls").is_visible()
        steps = section.locator(".step")
        assert all(steps.nth(i).is_visible() for i in range(steps.count()))
    assert page.locator("img.chart-static:visible").count() == 2, "the standalone figure prints too"
    assert not page.locator("nav.toc").is_visible()
    assert not page.locator(".progress").is_visible()


def test_one_bad_state_on_the_page_leaves_the_rest_working(browser, basic_site, static_server, tmp_path):
    """A data-state the runtime cannot use (Infinity is not JSON, a page edited by hand, a
    param the chart lacks) costs that one state; every chart still goes live and the steps still move it."""
    dist = tmp_path / "dist"
    shutil.copytree(basic_site, dist)
    index = dist / "index.html"
    page_html = index.read_text(encoding="utf-8")
    bad = {2: "{&#34;zoom&#34;: Infinity}", 4: "{not json"}  # of: the section's chart, its three steps, the figure
    pieces = re.split(r"data-state='[^']*'", page_html)
    assert len(pieces) == 6
    states = re.findall(r"data-state='[^']*'", page_html)
    index.write_text("".join(piece + (f"data-state='{bad[i]}'" if i in bad else states[i] if i < 5 else "") for i, piece in enumerate(pieces)), encoding="utf-8")

    context = browser.new_context(viewport=WIDE, bypass_csp=True, reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(WAIT)
    errors, warnings = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: warnings.append(message.text) if message.type == "warning" else None)
    page.goto(static_server(dist))
    go_live(page)  # both charts, the figure's with its defaults
    sid = section_id(page)
    good = step_states(page)[0]

    next_button = page.locator(".step-controls button[data-move='1']")
    next_button.click()
    wait_for_step(page, 1)  # the bad step is read and shown as active; the chart keeps step 1's state
    wait_for_state(page, good)
    next_button.click()
    wait_for_step(page, 2)
    wait_for_state(page, step_states(page)[2])

    page.evaluate("id => { document.getElementById(id + '-step-2').dataset.state = '{\"nope\": 1}'; }", sid)
    page.locator(".step-controls button[data-move='-1']").click()
    wait_for_step(page, 1)
    page.keyboard.press("k")
    wait_for_step(page, 0)
    wait_for_state(page, good)
    assert page.evaluate("window.scrolly.views.dots.signal('zoom')") == good["zoom"]
    context.close()

    assert errors == []
    assert any(f"ignoring the state of #{sid}-step-2" in text for text in warnings), warnings
    assert any("ignoring the state of #dots" in text for text in warnings), warnings  # the figure
    assert any("cannot show the state" in text for text in warnings), warnings
