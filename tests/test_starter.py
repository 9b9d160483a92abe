"""The story `scrolly new` writes, in Chromium beside the shipped story, and published under
a sub-path the way a host serves it."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import REPO, run_build, serve_folder

WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WAIT = 15_000  # ms, the most any wait below may take


@pytest.fixture(scope="module")
def stories(tmp_path_factory) -> dict[str, Path]:
    """The starter and the shipped story, each built; their dist/ folders by name."""
    folder = tmp_path_factory.mktemp("stories")
    made = run_build("new", "starter", cwd=folder)
    assert made.returncode == 0, made.stderr
    shipped = folder / "shipped"
    shipped.mkdir()
    for name in ("site.toml", "content", "charts", "templates"):
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy
        copy(REPO / name, shipped / name)  # the story's files, not the checkout's dist/ or cache
    for root in (folder / "starter", shipped):
        built = run_build(cwd=root)
        assert built.returncode == 0, built.stderr
    return {"starter": folder / "starter" / "dist", "shipped": shipped / "dist"}


def open_story(browser, url: str, viewport: dict):
    """A page on `url` that records page errors, console errors and failed or other-host requests."""
    context = browser.new_context(viewport=viewport, bypass_csp=True)  # axe runs through evaluate()
    page = context.new_page()
    page.set_default_timeout(WAIT)
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    page.on("console", lambda message: message.type == "error" and page.problems.append(f"console: {message.text}"))
    page.on("response", lambda response: response.status >= 400 and page.problems.append(f"{response.status} {response.url}"))
    page.on("requestfailed", lambda request: page.problems.append(f"failed: {request.url}"))

    def guard(route):
        if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            page.problems.append(f"another host: {route.request.url}")
            route.abort()

    page.route("**/*", guard)
    page.goto(url)
    return page


def step_through(page) -> int:
    """Scroll to every step of every scrolly section, as a reader does; each must become
    the active step and its state must reach the live chart. Returns the steps seen."""
    page.evaluate("window.scrolly.ready().then(() => true)")
    seen = 0
    for section in page.locator("section.scrolly").evaluate_all("sections => sections.map(s => s.id)"):
        steps = page.locator(f"#{section} .step")
        for index in range(steps.count()):
            steps.nth(index).evaluate(
                "step => window.scrollTo(0, step.getBoundingClientRect().top + scrollY - innerHeight * (innerWidth > 640 ? 0.45 : 0.6))"
            )
            # the step's graphic is shown; a chart's state reaches its live view
            page.wait_for_function(
                "([id, i]) => { const step = document.querySelectorAll(`#${id} .step`)[i], s = window.scrolly.sections[id];"
                " const chart = document.querySelector(`#${id} .stage-item[data-graphic='${step.dataset.show}'] figure.chart`);"
                " return s.active === i && step.getAttribute('aria-current') === 'step' && s.graphic === step.dataset.show"
                " && (!chart || Object.entries(JSON.parse(step.dataset.state)).every(([k, v]) => s.view?.signal(k) === v)); }",
                arg=[section, index],
            )
            seen += 1
    return seen


def assert_axe_clean(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize("story", ["starter", "shipped"])
def test_steps_activate_with_no_error_and_axe_finds_nothing(stories, browser, static_server, story, viewport):
    page = open_story(browser, static_server(stories[story]), viewport)
    try:
        assert step_through(page) >= 3
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), "the page scrolls sideways"
        assert_axe_clean(page)
        assert page.problems == []
    finally:
        page.context.close()


def test_the_starters_chart_fills_the_sticky_column(stories, browser, static_server):
    """Sized for the layout: on a wide screen the chart takes the column's width, not a sliver."""
    page = open_story(browser, static_server(stories["starter"]), WIDE)
    try:
        box = page.locator(".scrolly-graphic .chart-box").bounding_box()
        column = page.locator(".scrolly-graphic").bounding_box()
        assert box["width"] >= 0.95 * column["width"] and box["height"] < WIDE["height"] * 0.8
    finally:
        page.context.close()


def test_published_under_a_sub_path_the_story_and_an_embed_load_without_a_404(stories, browser, tmp_path):
    """dist/ copied to /stories/daylight/ of a web server, as a host publishes it; another
    page of that server embeds a chart with the story's own embed code."""
    www = tmp_path / "www"
    www.mkdir()
    url, server = serve_folder(www)
    try:
        project = stories["starter"].parent
        toml = project / "site.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace(
            '# base_url = "https://example.org/stories/daylight/"', f'base_url = "{url}stories/daylight/"'
        ), encoding="utf-8")
        built = run_build("--out", str(www / "stories" / "daylight"), cwd=project)
        assert built.returncode == 0, built.stderr
        published = www / "stories" / "daylight"
        for file in [*published.rglob("*.html"), *published.rglob("*.css"), *published.rglob("*.js")]:
            text = file.read_text(encoding="utf-8")
            assert not re.search(r"""(?:src|href|action)=["']/(?!/)|url\(["']?/(?!/)""", text), f"{file}: a URL from the server's root"

        page = open_story(browser, f"{url}stories/daylight/", WIDE)
        assert step_through(page) == 3
        assert page.problems == []
        page.context.close()

        story = (published / "index.html").read_text(encoding="utf-8")
        code = html.unescape(re.search(r'<textarea class="embed-code"[^>]*>(.*?)</textarea>', story, re.S).group(1))
        assert f'src="{url}stories/daylight/embed/daylight/"' in code
        (www / "host.html").write_text(
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title><link rel="icon" href="data:,">'
            f"</head><body><p>A newsroom page.</p>{code}</body></html>",
            encoding="utf-8",
        )
        page = open_story(browser, f"{url}host.html", WIDE)
        frame = page.locator("iframe").element_handle().content_frame()
        frame.wait_for_function("window.scrollyEmbed && window.scrollyEmbed.view !== null && document.querySelector('.chart-live svg') !== null")
        assert page.problems == []
        page.context.close()
    finally:
        server.shutdown()
