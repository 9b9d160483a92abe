"""Chapters: front matter, scrolly sections, steps and their values."""

from pathlib import Path

import pytest

from scrolly.content import Figure, Prose, Scrolly, parse_chapter, parse_values
from scrolly.problems import ProjectError

CHAPTER = Path("content/01-one.md")


@pytest.mark.parametrize(
    "text, values",
    [
        ('focus="vilnius"', {"focus": "vilnius"}),
        ('focus="macron-beijing" start="2023-04-01" zoom=2.5', {"focus": "macron-beijing", "start": "2023-04-01", "zoom": 2.5}),
        ("on=true off=false none=null n=-3 e=1e3", {"on": True, "off": False, "none": None, "n": -3, "e": 1000.0}),
        (r'label="say \"hi\" ✓ 東京"', {"label": 'say "hi" ✓ 東京'}),
        ("", {}),
    ],
)
def test_step_values(text, values):
    assert parse_values(text) == values


@pytest.mark.parametrize(
    "text, message",
    [
        ("focus=vilnius", "cannot read 'focus=vilnius': expected name=value, where value is \"text\", a number, true, false or null (put text in double quotes)"),
        ("focus='x'", "(strings take straight double quotes)"),
        ('a=1 a=2', "'a' is set twice"),
        ('a=01', "cannot read 'a=01'"),
        ('a="x"b=1', "cannot read"),
    ],
)
def test_bad_step_values(text, message):
    with pytest.raises(ValueError) as caught:
        parse_values(text)
    assert message in str(caught.value)


def test_a_chapter_splits_into_prose_scrolly_sections_and_figures():
    chapter = parse_chapter(
        '---\ntitle: "One: start"\nsummary: First.\n---\nIntro *text*.[^n]\n\n'
        ':::: scrolly timeline\n::: step focus="a"\nFirst step.\n:::\n::: step\nSecond.\n:::\n::: step start="2023-07-01"\nThird.\n:::\n::::\n\n'
        '::: chart map focus="tokyo"\nA caption.\n:::\n\n[^n]: A note.\n',
        CHAPTER,
    )
    assert (chapter.title, chapter.slug, chapter.summary) == ("One: start", "one", "First.")
    kinds = [type(block) for block in chapter.blocks]
    assert kinds == [Prose, Scrolly, Figure, Prose]
    scrolly = chapter.blocks[1]
    assert scrolly.chart == "timeline" and scrolly.line == 7
    assert [step.line for step in scrolly.steps] == [8, 11, 14]
    assert scrolly.states() == [{"focus": "a"}, {"focus": "a"}, {"focus": "a", "start": "2023-07-01"}]
    assert "<em>text</em>" in chapter.blocks[0].html
    figure = chapter.blocks[2]
    assert (figure.chart, figure.values, figure.line) == ("map", {"focus": "tokyo"}, 19)
    assert "A caption." in figure.caption_html
    assert 'id="fn-one-1"' in chapter.blocks[3].html


def test_slug_defaults_to_the_file_name_without_its_number():
    assert parse_chapter("---\ntitle: X\n---\nText\n", Path("content/02-door-prize.md")).slug == "door-prize"


def test_raw_html_is_kept():
    chapter = parse_chapter('---\ntitle: X\n---\n<aside class="note">Mine</aside>\n', CHAPTER)
    assert '<aside class="note">Mine</aside>' in chapter.blocks[0].html


def test_pull_quotes_use_block_attributes():
    chapter = parse_chapter('---\ntitle: X\n---\n{.pullquote}\n> "Quoted."\n', CHAPTER)
    assert '<blockquote class="pullquote">' in chapter.blocks[0].html


def chapter_problems(text):
    with pytest.raises(ProjectError) as caught:
        parse_chapter(text, CHAPTER)
    return [str(p) for p in caught.value.problems]


def test_every_problem_in_a_chapter_is_reported():
    assert chapter_problems(
        "---\ntitle: X\nslug: Not A Slug\n---\n:::: scrolly t\n::: step a=\n:::\n::::\n\n::: figure\n:::\n"
    ) == [
        "content/01-one.md:1: slug 'Not A Slug' is not a valid anchor: use lower-case letters, digits and hyphens, like 'door-prize'",
        "content/01-one.md:6: cannot read 'a=': expected name=value, where value is \"text\", a number, true, false or null",
        "content/01-one.md:10: unknown directive 'figure': scrolly knows ':::: scrolly CHART', '::: step' and '::: chart CHART'",
    ]


def test_three_colon_scrolly_is_explained():
    assert chapter_problems("---\ntitle: X\n---\n::: scrolly t\n::: step\nx\n:::\n:::\n")[0].startswith(
        "content/01-one.md:4: open a scrolly section with four colons"
    )


def test_code_blocks_are_not_directives():
    chapter = parse_chapter("---\ntitle: X\n---\n```\n::: step\n```\n", CHAPTER)
    assert "::: step" in chapter.blocks[0].html
