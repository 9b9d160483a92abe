"""A Content-Security-Policy on every page, and the pages still work under it."""

from __future__ import annotations

import re

import pytest

from conftest import run_build


@pytest.fixture
def strict_page(browser):
    """A page that keeps the site's policy (the shared `page` fixture bypasses it)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors


def test_every_page_carries_a_strict_policy(basic_site):
    pages = sorted(basic_site.rglob("*.html"))
    assert len(pages) >= 2  # the story and the embed pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert match, page
        policy = match.group(1)
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        assert html.index("Content-Security-Policy") < html.index("<script")


def test_the_story_and_embeds_run_under_the_policy(basic_site, static_server, strict_page):
    page = strict_page
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    base = static_server(basic_site)
    for address in (base, base + "embed/dots/"):
        page.goto(address, wait_until="load")
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(300)
    page.goto(base, wait_until="load")
    # page.evaluate runs through the debugger protocol, which the policy does not govern;
    # Playwright's wait_for_function would need eval() inside the page.
    assert page.evaluate("window.scrolly.ready().then(() => window.scrolly.views.dots !== undefined)")
    assert violations == []


def test_an_authors_own_inline_script_still_runs(project, static_server, strict_page):
    page = strict_page
    root = project("basic")
    chapter = root / "content" / "02-more.md"
    chapter.write_text(chapter.read_text() + '\n<script>document.documentElement.dataset.author = "ran";</script>\n')
    assert run_build(cwd=root).returncode == 0

    page.goto(static_server(root / "dist"), wait_until="load")
    assert page.evaluate("document.documentElement.dataset.author") == "ran"
    blocked = page.evaluate(
        """() => new Promise((done) => {
            document.addEventListener('securitypolicyviolation', () => done(true), {once: true});
            const s = document.createElement('script'); s.textContent = 'window.injected = true'; document.body.append(s);
            setTimeout(() => done(false), 1000);
        })"""
    )
    assert blocked and page.evaluate("window.injected === undefined")
