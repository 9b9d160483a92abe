"""Steps move the chart by swapping the build's pictures of their states; Vega is fetched
only when a reader explores a chart (mouse over it, a tap, keyboard focus), and from then
on the steps drive the live view. Pages come from the `basic` fixture (see test_reader)."""

from __future__ import annotations

import json
import re

import pytest

from test_reader import (  # noqa: F401 (the reader fixtures)
    PHONE,
    WIDE,
    chart_description,
    reader,
    reader_of,
    scroll_to_step,
    section_id,
    step_states,
    wait_for_state,
    wait_for_step,
)

VEGA = ("/assets/vega.", ".vg.json")


def record_requests(page) -> list[str]:
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    return requests


def shown_picture(page) -> dict:
    return page.locator(".scrolly img.chart-static").evaluate(
        "img => ({src: img.getAttribute('src'), alt: img.alt, box: img.parentElement.getBoundingClientRect().toJSON()})"
    )


def wait_for_picture(page, url: str) -> None:
    page.wait_for_function(
        "url => document.querySelector('.scrolly img.chart-static').getAttribute('src') === url", arg=url
    )


def test_scrolling_the_whole_story_without_exploring_fetches_no_vega(reader):
    page = reader(PHONE)
    requests = record_requests(page)
    for index in range(3):
        scroll_to_step(page, index)
        wait_for_step(page, index)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(1000)
    assert not [url for url in requests if any(part in url for part in VEGA)]
    assert page.locator("figure.chart.is-live").count() == 0


@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_each_step_shows_its_states_picture_with_the_steps_alt(reader, basic_site, motion):
    page = reader(WIDE, reduced_motion=motion)
    page.evaluate("""() => { window.shifts = 0; new PerformanceObserver(list => {
        for (const entry of list.getEntries()) window.shifts += entry.value; }).observe({type: 'layout-shift'}); }""")
    page.evaluate("""() => { window.fades = 0; new MutationObserver(changes => { for (const change of changes)
        for (const node of change.addedNodes) if (node.querySelector?.('.chart-fading') || node.classList?.contains('chart-fading')) fades++;
      }).observe(document.body, {childList: true, subtree: true}); }""")
    steps = page.locator(".scrolly .step")
    states = step_states(page)
    pictures = [steps.nth(i).get_attribute("data-picture") for i in range(3)]
    keys = [json.dumps(state, sort_keys=True) for state in states]
    for i in range(3):
        for j in range(3):
            assert (pictures[i] == pictures[j]) == (keys[i] == keys[j]), "one file per state"
    for url in pictures:
        assert (basic_site / url).read_bytes().startswith(b"<svg"), "each state's own picture, built"
    description = chart_description(basic_site)
    box = shown_picture(page)["box"]
    order = [1, 2, 0, 2]
    for index in order:
        scroll_to_step(page, index)
        wait_for_step(page, index)
        wait_for_picture(page, pictures[index])
        shown = shown_picture(page)
        assert shown["alt"] == f"{description} {steps.nth(index).get_attribute('data-alt')}"
        size = {key: shown["box"][key] for key in ("width", "height")}
        assert size == pytest.approx({key: box[key] for key in size}, abs=0.5), "its box keeps its size"
        status = page.locator(".step-status").text_content()
        assert status == f"Step {index + 1} of 3: {steps.nth(index).get_attribute('data-alt')}"
    if motion == "reduce":
        assert page.evaluate("fades") == 0, "under reduced motion pictures change at once"
    else:
        changes = sum(pictures[a] != pictures[b] for a, b in zip([0, *order], order))
        assert page.evaluate("fades") == changes, "each change of picture cross-fades"
    assert page.evaluate("shifts") == 0, "no layout shift"
    page.wait_for_timeout(500)
    assert page.locator(".chart-fading").count() == 0, "the old picture leaves after the fade"


def test_pictures_of_steps_not_reached_wait_for_first_paint_and_are_fetched_ahead(reader):
    page = reader(WIDE)
    pictures = [page.locator(".scrolly .step").nth(i).get_attribute("data-picture") for i in range(3)]
    later = [url for url in pictures[1:] if url != pictures[0]]
    assert later
    # Both are real conditions: the page has reported its first paint, and every later
    # step's picture has been requested (without any scrolling).
    page.wait_for_function(
        """urls => performance.getEntriesByName('first-contentful-paint').length
          && urls.every(u => performance.getEntriesByType('resource').some(r => r.name.endsWith(u)))""",
        arg=later,
    )
    starts = page.evaluate(
        """urls => ({fcp: performance.getEntriesByName('first-contentful-paint')[0].startTime,
          starts: urls.map(u => performance.getEntriesByType('resource').find(r => r.name.endsWith(u)).startTime)})""",
        later,
    )
    assert all(start > starts["fcp"] for start in starts["starts"])


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
def test_before_first_paint_only_the_page_its_styles_and_first_pictures_are_fetched(reader, viewport):
    """The runtime, and every picture the page does not show first, wait for first paint."""
    page = reader(viewport)
    page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length")
    fetched = page.evaluate(
        """() => {
          const fcp = performance.getEntriesByName('first-contentful-paint')[0].startTime;
          return performance.getEntriesByType('resource').map((r) => ({
            path: new URL(r.name).pathname.slice(1), early: r.startTime < fcp}));
        }"""
    )
    html = page.evaluate("fetch(location.href).then((response) => response.text())")
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    scripts = re.findall(r'<script type="module" src="([^"]+)"', html)  # the embed control
    pictures = re.findall(r'<img class="chart-static"[^>]* src="([^"]+)"', html)
    pictures += re.findall(r'<source[^>]* srcset="([^"]+)"', html)  # phone pictures, dark twins
    runtime = page.locator("script[data-runtime]").get_attribute("data-runtime")
    early = [entry["path"] for entry in fetched if entry["early"]]
    assert set(stylesheets) <= set(early)
    assert set(early) <= set(stylesheets) | set(scripts) | set(pictures), early
    assert runtime not in early and any(entry["path"] == runtime for entry in fetched)


def explore_with(page, how: str) -> None:
    box = page.locator(".scrolly .chart-box")
    if how == "mouse":
        box.hover()
        page.mouse.move(*center(box, 10))
    elif how == "tap":
        box.tap()
    else:
        page.keyboard.press("Tab")
        for _ in range(30):
            if page.evaluate("document.activeElement.matches('.scrolly .chart-box')"):
                break
            page.keyboard.press("Tab")


def center(locator, shift: int) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2 + shift, box["y"] + box["height"] / 2 + shift


@pytest.mark.parametrize("how", ["mouse", "tap", "keyboard"])
def test_exploring_the_chart_makes_it_live_and_then_steps_drive_the_live_view(reader, how):
    page = reader(PHONE if how == "tap" else WIDE, has_touch=how == "tap")
    requests = record_requests(page)
    box = page.locator(".scrolly .chart-box")
    assert box.get_attribute("role") == "group" and box.get_attribute("tabindex") == "0"
    title = page.locator(".scrolly .chart-title").text_content().strip()
    assert box.get_attribute("aria-label") == f"Explore the chart: {title}"
    scroll_to_step(page, 1)
    wait_for_step(page, 1)
    page.wait_for_timeout(300)
    assert not [url for url in requests if any(part in url for part in VEGA)]
    explore_with(page, how)
    page.wait_for_selector(".scrolly figure.chart.is-live")
    assert page.locator("figure.chart.is-live").count() == 1, "only the chart explored"
    states = step_states(page)
    wait_for_state(page, states[1])
    for index in [2, 0]:
        scroll_to_step(page, index)
        wait_for_step(page, index)
        wait_for_state(page, states[index])
    live = page.locator(".scrolly .chart-live")
    assert live.get_attribute("aria-label").endswith(page.locator(".scrolly .step").nth(0).get_attribute("data-alt"))
