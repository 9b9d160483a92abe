"""Property-based tests: any text gives a parsed result or a `path:line` problem, never a crash."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from scrolly.content import markdown, parse_chapter, parse_values
from scrolly.problems import ProjectError

PATH = Path("content/fuzz.md")
MD = markdown()

# Text built from the pieces that matter to the parsers, so that the fuzzer reaches
# fences, front matter and values often instead of only random noise.
PIECES = st.sampled_from(
    [
        "---\n", "title: T\n", "slug: s\n", "summary: x\n", ":::: scrolly dots\n", "::: step", " focus=\"a\"",
        " n=1", " x=", " =", ' "', "\n", ":::\n", "::::\n", "::: chart dots", "::: other\n", "```\n", "text\n",
        "[^1]\n", "[^1]: note\n", "{.pullquote}\n", "> quote\n", "\ufeff", "\u202e", "</script>", "🙂", "東京",
    ]
)
DOCUMENTS = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=40).map("".join)


def lines_in(text: str) -> int:
    """Lines as an editor counts them: \r\n, \r and \n all end a line (markdown-it agrees)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


@settings(max_examples=400, deadline=None)
@given(DOCUMENTS)
def test_any_chapter_text_parses_or_reports_problems_with_a_line(text):
    try:
        chapter = parse_chapter(text, PATH, MD)
    except ProjectError as err:
        assert err.problems
        for problem in err.problems:
            assert problem.path == PATH
            assert 1 <= problem.line <= lines_in(text)
            assert problem.message and "\n" not in problem.message
    else:
        assert chapter.title is not None
        for step in chapter.steps:
            assert 1 <= step.line <= lines_in(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(['a="x"', "b=1", "c=true", "d=null", " ", "=", '"', "e=-2.5e3", "f='x'", "g=“x”"]), st.text(max_size=6)), max_size=10).map("".join))
def test_any_step_value_text_parses_or_says_what_is_wrong(text):
    try:
        values = parse_values(text)
    except ValueError as err:
        assert str(err)
    else:
        assert all(isinstance(v, (str, int, float, bool, type(None))) for v in values.values())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_front_matter_of_any_text_parses_or_reports(text):
    document = "---\n" + text + "\n---\nBody\n"
    try:
        chapter = parse_chapter(document, PATH, MD)
    except ProjectError as err:
        assert all(1 <= p.line <= lines_in(document) for p in err.problems)
    else:
        assert isinstance(chapter.title, str)
