"""Reflow at 400 % zoom (WCAG 1.4.10): a 1280 × 1024 screen zoomed to 400 % is a window of
320 × 256 CSS pixels. Nothing scrolls sideways, no text is clipped, what stays pinned
leaves most of the window to the prose, and every step can be reached and read."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from test_design import open_site, story_site  # noqa: F401 (fixtures)

ZOOMED = {"width": 320, "height": 256}

CLIPPED = """() => [...document.querySelectorAll('body *')].filter(el => {
    const s = getComputedStyle(el);
    if (s.display === 'none' || s.visibility === 'hidden' || el.closest('.visually-hidden, details:not([open])')) return false;
    if (el.matches('.toc ol, .table-scroll, .table-scroll *, pre, svg *')) return false;  // scroll on purpose, with a sign
    const clips = s.overflowX !== 'visible' || s.overflowY !== 'visible';
    return clips && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
}).map(el => el.outerHTML.slice(0, 90))"""

PINNED = """() => [...document.querySelectorAll('body *')].filter(el => {
    const s = getComputedStyle(el), r = el.getBoundingClientRect();
    return (s.position === 'sticky' || s.position === 'fixed') && r.height > 0 && r.bottom > 0 && r.top < innerHeight
        && !el.matches('.progress, .progress *');
}).map(el => { const r = el.getBoundingClientRect(); return Math.min(r.bottom, innerHeight) - Math.max(r.top, 0); })
  .reduce((a, b) => a + b, 0)"""


def settle(page):
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def test_at_400_percent_zoom_nothing_scrolls_sideways_and_no_text_is_clipped(open_site, story_site):
    page = open_site(story_site, **ZOOMED)
    page.evaluate("window.scrolly.ready().then(() => true)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    for step in page.locator(".step").all():
        step.scroll_into_view_if_needed()
        settle(page)
        assert page.evaluate(CLIPPED) == [], step.get_attribute("id")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_at_400_percent_zoom_every_step_is_reached_and_read_beside_no_pinned_graphic(open_site, story_site):
    page = open_site(story_site, **ZOOMED)
    page.evaluate("window.scrolly.ready().then(() => true)")
    for section in page.locator("section.scrolly").all():
        section_id = section.get_attribute("id")
        steps = section.locator(".step").all()
        for index, step in enumerate(steps):
            # as a reader scrolls: the step's top just past the middle of the window
            step.evaluate("s => scrollTo(0, s.getBoundingClientRect().top + scrollY - innerHeight / 2 + 4)")
            settle(page)
            page.wait_for_function("([id, i]) => window.scrolly.sections[id].active === i", arg=[section_id, index])
            assert step.get_attribute("aria-current") == "step"
            assert page.evaluate(PINNED) <= 0.25 * 256, f"{section_id}: what is pinned covers the prose"
            # the step's first words are on top, not under anything pinned
            seen = step.evaluate(
                """s => { const r = s.getBoundingClientRect(), y = Math.max(r.top + 12, 60);
                const top = document.elementFromPoint(r.left + r.width / 2, y); return !!top && s.contains(top); }"""
            )
            assert seen, f"{step.get_attribute('id')} is covered"
        # the step buttons reach every step too
        last = len(steps) - 1
        page.evaluate("([id, i]) => window.scrolly.sections[id].go(i)", [section_id, 0])
        page.wait_for_function("([id, i]) => window.scrolly.sections[id].active === i", arg=[section_id, 0])
        page.evaluate("([id, i]) => window.scrolly.sections[id].go(i)", [section_id, last])
        page.wait_for_function("([id, i]) => window.scrolly.sections[id].active === i", arg=[section_id, last])


def test_at_400_percent_zoom_a_step_that_changes_the_chart_shows_its_state(open_site, story_site):
    page = open_site(story_site, **ZOOMED)
    pictures = page.locator(".step .step-picture img")
    assert pictures.count() >= 1
    for picture in pictures.all():
        picture.scroll_into_view_if_needed()
        assert picture.is_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
        box = picture.bounding_box()
        assert box["width"] <= 320 and box["height"] < 256
    tall = open_site(story_site, width=390, height=844)
    assert not tall.locator(".step .step-picture").first.is_visible(), "a phone pins the chart instead"


def test_at_400_percent_zoom_axe_finds_nothing_with_every_card_shown(open_site, story_site):
    page = open_site(story_site, **ZOOMED)
    page.evaluate("window.scrolly.ready().then(() => true)")
    copies = page.locator(".step .step-copy")
    assert copies.count() >= 1 and copies.first.evaluate("c => getComputedStyle(c).display") == "block"
    for step in page.locator(".step").all():
        step.scroll_into_view_if_needed()
    settle(page)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
