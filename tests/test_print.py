"""Printing a story as a reader does: Chromium's PDF on A4 and Letter, read back with
poppler's pdftotext (words and where they sit on each page) and pdftoppm (the pages as
pictures). Page 1 is full of prose, no chart is cut by a page break or runs off the
paper, links print their addresses, each step that changes the chart prints its state,
and a reader in dark mode prints the same light pages."""

from __future__ import annotations

import html
import re
import shutil
import subprocess

import pytest

from conftest import run_build
from test_design import open_site, story_site  # noqa: F401 (fixtures)

MM = 72 / 25.4  # PDF points in a millimetre
MARGINS = {"top": 16 * MM, "right": 15 * MM, "bottom": 18 * MM, "left": 15 * MM}  # story.css @page
PAPERS = {"A4": (210, 297), "Letter": (215.9, 279.4)}  # millimetres
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


@pytest.fixture
def printed(open_site, tmp_path):
    """printed(site, paper) -> the PDF's pages, each {width, height, words: [(x0, y0, x1, y1, text)]}."""

    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        pytest.fail("the print tests read PDFs with poppler: apt-get install poppler-utils")

    def print_site(site, paper, scheme="light"):
        page = open_site(site, scheme=scheme)
        pdf = tmp_path / f"{paper}-{scheme}.pdf"
        pdf.write_bytes(page.pdf(format=paper))
        text = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        pages = []
        for chunk in text.split("<page ")[1:]:
            width, height = map(float, re.match(r'width="([\d.]+)" height="([\d.]+)"', chunk).groups())
            words = [(*map(float, w[:4]), html.unescape(w[4])) for w in WORD.findall(chunk)]
            pages.append({"width": width, "height": height, "words": words, "pdf": pdf})
        return pages

    return print_site


def page_text(page) -> str:
    return " ".join(word[4] for word in page["words"])


def filled(page) -> float:
    """How far down its text area the page's lowest word reaches, from 0 to 1."""
    room = page["height"] - MARGINS["top"] - MARGINS["bottom"]
    return (max(word[3] for word in page["words"]) - MARGINS["top"]) / room


@pytest.mark.parametrize("paper", PAPERS)
def test_page_one_is_full_of_prose_and_no_page_ends_half_empty(printed, story_site, paper):
    pages = printed(story_site, paper)
    width, height = PAPERS[paper]
    assert pages[0]["width"] == pytest.approx(width * MM, abs=1) and pages[0]["height"] == pytest.approx(height * MM, abs=1)
    assert filled(pages[0]) > 0.9, "page 1 ends half empty"
    assert "Vilnius" in page_text(pages[0]), "the first chapter starts on page 1"
    ends = [round(filled(page), 2) for page in pages[:-1]]
    assert min(ends) > 0.75, ends


@pytest.mark.parametrize("paper", PAPERS)
def test_no_printed_chart_is_cut_by_a_page_break_or_runs_off_the_paper(printed, story_site, paper):
    pages = printed(story_site, paper)
    index = (story_site / "index.html").read_text(encoding="utf-8")
    titles = {html.unescape(t) for t in re.findall(r'<span class="chart-title">([^<]+)</span>', index)}
    printed_titles = 0
    for number, page in enumerate(pages, 1):
        text = page_text(page)
        heads = sum(text.count(title) for title in titles)
        assert heads == text.count("Source: "), f"page {number}: a chart's title and its source line are on different pages"
        printed_titles += heads
        right = page["width"] - MARGINS["right"] + 1
        assert all(word[2] <= right and word[0] >= MARGINS["left"] - 1 for word in page["words"]), f"page {number}"
        assert all(word[3] <= page["height"] - MARGINS["bottom"] + 1 for word in page["words"]), f"page {number}"
    sections = index.count('<section class="scrolly"')
    assert printed_titles >= sections, "each scrolly section prints its chart"


def test_printed_charts_fit_the_paper(open_site, story_site):
    text_width = (210 - 30) * 96 / 25.4  # A4's text column in CSS pixels
    page = open_site(story_site, width=round(text_width), height=900)
    page.emulate_media(media="print")
    boxes = page.evaluate(
        """() => ({
        wide: document.documentElement.scrollWidth,
        figures: [...document.querySelectorAll('figure')].filter(f => f.getBoundingClientRect().height > 0)
            .map(f => [f.getBoundingClientRect().height, f.getBoundingClientRect().right]),
        })"""
    )
    assert boxes["wide"] <= round(text_width)
    room = (297 - 34) * 96 / 25.4
    assert boxes["figures"] and all(height < 0.5 * room and right <= text_width + 1 for height, right in boxes["figures"])


def test_printed_links_show_their_address(printed, project):
    root = project("basic")
    chapter = root / "content" / "02-more.md"
    url = "https://example.org/a/rather/long/address/of/the/report-on-the-dots.html"
    chapter.write_text(chapter.read_text(encoding="utf-8") + f"\nSee [the report]({url}) and [the footnote](#intro).\n", encoding="utf-8")
    assert run_build("--site", str(root)).returncode == 0
    text = "".join(page_text(page).replace(" ", "") for page in printed(root / "dist", "A4"))
    assert f"thereport<{url}>" in text
    assert "thefootnote<" not in text, "a link within the page prints no address"


def test_each_step_that_changes_the_chart_prints_its_own_state(printed, open_site, project):
    root = project("basic")
    more = root / "content" / "02-more.md"
    # the third step's state, also shown as a figure: the build draws its picture
    more.write_text(more.read_text(encoding="utf-8") + '\n::: chart dots focus="c" zoom=2 day="2024-02-01"\nThe third dot.\n:::\n', encoding="utf-8")
    assert run_build("--site", str(root)).returncode == 0
    page = open_site(root / "dist")
    pictures = page.locator(".step .step-picture")
    assert pictures.count() == 1 and not pictures.first.is_visible(), "on screen a step shows no picture of its own"
    page.emulate_media(media="print")
    step = page.locator("#intro-2-step-3")
    picture = step.locator(".step-picture img")
    assert picture.is_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    assert "now with focus “c”" in picture.get_attribute("alt")
    figure = page.locator(".figure-block img.chart-static").last.get_attribute("src")
    assert picture.get_attribute("src") == figure, "the picture of that very state"
    assert page.locator("#intro-2-step-1 .step-picture, #intro-2-step-2 .step-picture").count() == 0, "no picture for a step that changes nothing, or the state the section prints"
    pages = printed(root / "dist", "A4")
    words = [page_text(p) for p in pages]
    assert sum(text.count("Three dots") for text in words) == 3, "the section's chart and the two figures, each once"


@pytest.mark.parametrize("paper", ["A4"])
def test_a_reader_in_dark_mode_prints_the_same_light_pages(printed, story_site, paper, tmp_path):
    light = printed(story_site, paper, "light")[0]["pdf"]
    dark = printed(story_site, paper, "dark")[0]["pdf"]
    pictures = []
    for pdf in (light, dark):
        subprocess.run(["pdftoppm", "-r", "30", str(pdf), str(pdf.with_suffix(""))], check=True)
        pictures.append(sorted(pdf.parent.glob(pdf.stem + "-*.ppm")))
    assert len(pictures[0]) == len(pictures[1]) > 1
    for one, other in zip(*pictures):
        assert one.read_bytes() == other.read_bytes(), f"{other.name} differs from the light print"

