"""Hostile and unusual text stays text: in the story, tables, embeds, specs and meta tags."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import FIXTURES, run_build

HOSTILE = '</script><script>alert("s")</script><!-- <img src=x onerror=alert(1)> "double" \'single\' ‘curly’ «guillemets» \u200fמימין\u200f 🙂 東京'


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile") / "hostile"
    shutil.copytree(FIXTURES / "hostile", root, ignore=shutil.ignore_patterns(".scrolly-cache", "dist"))
    result = run_build(cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "dist"


def open_watching_dialogs(page, url):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.wait_for_function("document.readyState === 'complete'")
    return dialogs


def test_no_script_runs_and_every_text_shows_as_written(hostile_site, static_server, page):
    base = static_server(hostile_site)
    dialogs = open_watching_dialogs(page, base)
    page.evaluate("window.scrolly.ready().then(() => true)")
    page.locator(".step").nth(1).scroll_into_view_if_needed()
    page.wait_for_timeout(300)

    assert page.locator("h1").text_content() == HOSTILE
    assert page.locator(".dek").text_content() == "Dek: " + HOSTILE
    assert page.locator("#hostile-title").text_content() == "Chapter: " + HOSTILE
    assert page.locator(".summary li").text_content() == "Summary: " + HOSTILE
    assert HOSTILE in page.locator(".sources").text_content()
    assert page.locator(".chart-title").first.text_content() == "Title " + HOSTILE
    alt = page.locator(".chart-static").first.get_attribute("alt")
    assert alt.startswith("Description " + HOSTILE + " "), "the description, then what this state shows"
    assert page.locator(".chart-data td").first.text_content() == HOSTILE
    assert page.locator("title").text_content() == HOSTILE
    assert page.locator('meta[property="og:title"]').get_attribute("content") == HOSTILE
    assert page.locator("mark").text_content() == "raw HTML"  # the author's own HTML stays HTML
    assert page.evaluate("window.scrolly.views.hostile.signal('focus')") == "b"
    assert dialogs == []


def test_embed_pages_keep_hostile_text_as_text(hostile_site, static_server, page):
    base = static_server(hostile_site)
    dialogs = open_watching_dialogs(page, base + "embed/hostile/")
    page.wait_for_timeout(500)

    assert HOSTILE in page.locator("title").text_content()
    assert HOSTILE in page.locator("body").text_content()
    assert dialogs == []


def test_specs_carry_the_text_unchanged(hostile_site):
    spec = json.loads((hostile_site / "charts" / "hostile.vl.json").read_text(encoding="utf-8"))
    assert spec["title"] == "Title " + HOSTILE
    assert any(row["id"] == HOSTILE for row in spec["data"]["values"]) or HOSTILE in json.dumps(spec, ensure_ascii=False)
