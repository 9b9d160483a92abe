"""Whole projects, generated and mostly broken, built end to end with `build_site`.

Each example writes a project (site.toml, chapters, templates; the `basic` fixture's chart)
and builds it. Whatever the files hold, the build gives a site whose every state the
browser can read, or `path:line` problems (each inside the project, at a line the file
has, in one line of text), with the last good output left as it was. Anything else (an
exception that is not a ProjectError) is a bug in scrolly.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from scrolly.build import build_site
from scrolly.problems import ProjectError

# -- values and lines the parsers care about, so that examples reach them often ------------

NUMBERS = st.one_of(
    st.integers(-10, 10).map(str),
    st.integers().map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["1e999", "-1e999", "1e-999", "9007199254740993", "-12345678901234567890", "1" * 400, "0.5", "2e3", "-0"]),
)
TEXTS = st.one_of(
    st.text(max_size=12).map(lambda text: json.dumps(text, ensure_ascii=False)),
    st.text(max_size=12).map(json.dumps),
    st.sampled_from(['"b"', '"c"', '"2024-02-01"', '"2023-02-30"', '"2023-13-45"', '"0000-01-01"', '"\\ud800"', '"\\udc00x"', '"x\\"y"', "'x'", "“x”", '"</script>"', '"\\u0000"']),
)
VALUE = st.one_of(NUMBERS, TEXTS, st.sampled_from(["true", "false", "null", "", "=", "nan", "Infinity"]))
NAME = st.sampled_from(["nope", "zoöm", "width", "_x", "1a", "a-b"])
PARAM_VALUE = st.one_of(  # a param of the chart, often with a value of its kind (and then often an odd one)
    st.tuples(st.just("zoom"), NUMBERS), st.tuples(st.sampled_from(["focus", "day"]), TEXTS), st.tuples(st.sampled_from(["focus", "zoom", "day"]), VALUE),
)
GOOD_VALUES = st.lists(st.sampled_from(['focus="b"', 'focus="c"', "focus=null", "zoom=2", "zoom=-0.5", 'day="2024-02-01"']), max_size=3, unique=True).map(" ".join)
VALUES = st.one_of(GOOD_VALUES, st.lists(st.one_of(PARAM_VALUE, st.tuples(NAME, VALUE)).map("=".join), max_size=3).map(" ".join))

FRONT_LINE = st.one_of(
    st.sampled_from(["title: T", "title: \"quoted \\\" title\"", "title: 'it''s'", "title: \"\\ud800\"", "slug: a", "slug: Bad Slug",
                     "summary: S", "titel: x", "title", "# a comment", "", "title: \"unclosed", "slug: a\u202e"]),
    st.tuples(st.sampled_from(["title", "slug", "summary"]), st.text(max_size=10)).map(": ".join),
)
FRONT_MATTER = st.one_of(st.just(""), st.lists(FRONT_LINE, max_size=4).map(lambda lines: "---\n" + "".join(f"{line}\n" for line in lines) + "---\n"))
BODY_PIECE = st.one_of(
    st.builds(lambda values: f"::: step {values}\nStep text.\n:::\n", VALUES),
    st.builds(lambda chart, values: f":::: scrolly {chart}\n", st.sampled_from(["dots", "nope", ""]), st.just("")),
    st.builds(lambda chart, values: f"::: chart {chart} {values}\nA caption.\n:::\n", st.sampled_from(["dots", "nope"]), VALUES),
    st.sampled_from(["::::\n", ":::\n", "Some prose.\n", "\n", "[^1]\n\n[^1]: A note.\n", "<aside>raw</aside>\n", "{.pullquote}\n> q\n",
                     "```\n::: step\n```\n", "\r\n", "\r", "\ufeff", "::: other\n:::\n"]),
    st.text(max_size=10),
)
# A whole scrolly section, so that steps inside one come up often and not only stray ones.
SECTION = st.builds(lambda steps: ":::: scrolly dots\n" + "".join(f"::: step {v}\nText.\n:::\n" for v in steps) + "::::\n", st.lists(VALUES, min_size=1, max_size=3))
GOOD_SECTION = st.builds(lambda steps: ":::: scrolly dots\n" + "".join(f"::: step {v}\nText.\n:::\n" for v in steps) + "::::\n", st.lists(GOOD_VALUES, min_size=1, max_size=3))
GOOD_CHAPTER = st.builds(lambda title, body: f"---\ntitle: {title}\n---\n" + "".join(body), st.text(min_size=1, max_size=8).map(lambda t: json.dumps(t, ensure_ascii=False)),
                         st.lists(st.one_of(GOOD_SECTION, st.just("Prose.\n\n"), st.just('::: chart dots zoom=3\nCaption.\n:::\n')), max_size=3))
CHAPTER_TEXT = st.one_of(
    GOOD_CHAPTER,
    st.builds(lambda good, piece: good + piece, GOOD_CHAPTER, BODY_PIECE),  # a good chapter and one odd piece
    st.builds(lambda front, body: front + "".join(body), FRONT_MATTER, st.lists(st.one_of(BODY_PIECE, SECTION), max_size=6)),
)

CHAPTER = st.one_of(
    CHAPTER_TEXT.map(lambda text: ("text", text.encode("utf-8", "surrogatepass"))),
    st.sampled_from([("folder", b""), ("dangling link", b""), ("bytes", b"---\ntitle: T\n---\n\xe9t\xe9\n")]),
)
CHAPTER_NAMES = st.sampled_from(["01-a.md", "02-b.md", "_draft.md", "03-c.md", "a.md"])

SITE_LINE = st.one_of(
    st.sampled_from([
        'title = "T"', "title = 1", 'dek = "D"', "date = 2024-05-01", 'date = "2023-02-30"', "date = 2023-02-30", 'date = "May"',
        'language = "en"', 'base_url = "https://example.org/x"', 'base_url = "ftp://x"', 'chapters = ["01-a", "02-b"]',
        'chapters = ["01-a", "01-a"]', 'chapters = ["01-a", "missing"]', "chapters = [1]", 'summary = ["*x*", "y"]', "summary = 3",
        "[[sources]]", 'title = "S"', 'url = "javascript:alert(1)"', 'url = "https://example.org"', 'url = "mailto:a@b.c"',
        "edition = " + "9" * 5000, 'bylien = "B"', 'title = "\\ud800"', "[sources]", "title = ", '"title" = "quoted key"', "x = inf",
    ]),
    st.text(max_size=10),
)
GOOD_SITE_LINE = st.sampled_from(['dek = "D"', "date = 2024-05-01", 'language = "fr"', 'base_url = "https://example.org/x"',
                                   'summary = ["*x*", "y"]', '[[sources]]\ntitle = "S"\nurl = "https://example.org"', 'byline = "</script>"'])
GOOD_SITE = st.builds(lambda title, lines: f"title = {title}\n" + "".join(f"{line}\n" for line in lines),
                      st.text(max_size=8).map(lambda t: json.dumps(t, ensure_ascii=False)), st.lists(GOOD_SITE_LINE, max_size=3, unique=True))
SITE_TOML = st.one_of(
    GOOD_SITE.map(str.encode),
    st.builds(lambda good, line: f"{good}{line}\n".encode(), GOOD_SITE, SITE_LINE),  # a good site.toml and one odd line
    st.builds(lambda bom, lines: (("\ufeff" if bom else "") + "".join(f"{line}\n" for line in lines)).encode("utf-8", "surrogatepass"), st.booleans(), st.lists(SITE_LINE, max_size=8)),
    st.sampled_from([None, b"\xff\xfe not utf-8", "folder"]),
)
TEMPLATE_PIECE = st.sampled_from([
    "<meta name=\"x\" content=\"{{ site.title }}\">\n", "{{ nope }}\n", '{% include "head.html" %}\n', "{% if %}\n",
    "{{ site.title|nofilter }}\n", '{% include "missing.html" %}\n', "{{ 1 / 0 }}\n", "{{ site.title + 1 }}\n", "{{ site.dek }}\n",
    "{% for x in site.summary %}{{ x }}{% endfor %}\n", "{{ site }}\n", "{{ site.date.year }}\n", '{{ "x"|int(base=99) }}\n',
])
TEMPLATES = st.one_of(st.none(), st.lists(TEMPLATE_PIECE, max_size=3).map("".join), st.just("dangling link"))

GOOD_TEMPLATE = st.lists(st.sampled_from(['<meta name="x" content="{{ site.title }}">\n', "{{ site.dek }}\n", "<!-- mine -->\n"]), max_size=2).map("".join)
CHAPTERS = st.dictionaries(CHAPTER_NAMES, CHAPTER, max_size=3)
GOOD_PROJECT = st.fixed_dictionaries({
    "site": GOOD_SITE.map(str.encode),
    "chapters": st.dictionaries(st.sampled_from(["01-a.md", "02-b.md"]), GOOD_CHAPTER.map(lambda text: ("text", text.encode())), min_size=1),
    "head": st.one_of(st.none(), GOOD_TEMPLATE),
})
PROJECT = st.one_of(
    GOOD_PROJECT,
    st.builds(  # a good project with one part (site.toml, the chapters or the template) made odd
        lambda good, odd, which: good | {which: odd[which]},
        GOOD_PROJECT, st.fixed_dictionaries({"site": SITE_TOML, "chapters": CHAPTERS, "head": TEMPLATES}), st.sampled_from(["site", "chapters", "head"]),
    ),
    st.fixed_dictionaries({"site": SITE_TOML, "chapters": CHAPTERS, "head": TEMPLATES}),
)


# -- one project folder reused by every example, so the chart compiles once ---------------

@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz-projects") / "project"
    shutil.copytree(FIXTURES / "basic", root, ignore=shutil.ignore_patterns(".scrolly-cache", "dist"))
    build_site(root, preview=True)  # the chart's compiled version goes into the project's cache
    return root


EXAMPLES = iter(range(10**9))


def lay_out(root: Path, project: dict) -> None:
    """Replace the project's site.toml, chapters and templates with the example's.

    Each example's files get a time of their own: two examples a few milliseconds apart
    would otherwise share one, and Jinja, which checks a template's time, keep the first.
    """
    for name in ("site.toml", "content", "templates"):
        path = root / name
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path)
    if project["site"] == "folder":
        (root / "site.toml").mkdir()
    elif project["site"] is not None:
        (root / "site.toml").write_bytes(project["site"])
    (root / "content").mkdir()
    for name, (kind, data) in project["chapters"].items():
        path = root / "content" / name
        if kind == "folder":
            path.mkdir()
        elif kind == "dangling link":
            path.symlink_to("../nowhere/" + name)
        else:
            path.write_bytes(data)
    (root / "templates").mkdir()
    if project["head"] == "dangling link":
        (root / "templates" / "head.html").symlink_to("../nowhere/head.html")
    elif project["head"] is not None:
        (root / "templates" / "head.html").write_text(project["head"], encoding="utf-8")
        stamp = 10**18 + next(EXAMPLES) * 10**9
        os.utime(root / "templates" / "head.html", ns=(stamp, stamp))


def lines_in(data: bytes) -> int:
    """Lines as an editor counts them: \\r\\n, \\r and \\n each end one."""
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()} if folder.is_dir() else {}


def no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def check_outcome(root: Path, build) -> None:
    out = root / "dist"
    before = snapshot(out)
    try:
        build()
    except ProjectError as err:
        event("problems")
        assert err.problems
        for problem in err.problems:
            path = Path(problem.path)
            assert path == root or path.is_relative_to(root), problem
            assert problem.line >= 1, problem
            if path.is_file() and not path.is_symlink():
                assert problem.line <= lines_in(path.read_bytes()), problem
            assert problem.message and "\n" not in problem.message and "\r" not in problem.message, problem
            assert "internal error" not in problem.message and "Traceback" not in problem.message, problem
        assert snapshot(out) == before, "a failed build changed the output"
    else:
        event("built")
        page = (out / "index.html").read_bytes().decode("utf-8")
        for state in re.findall(r"data-state='([^']*)'", page):
            json.loads(state.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"), parse_constant=no_constant)
    assert not [p.name for p in root.iterdir() if ".building-" in p.name]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(PROJECT)
def test_any_project_builds_or_reports_path_line_problems(workspace, project):
    lay_out(workspace, project)
    check_outcome(workspace, lambda: build_site(workspace, preview=True))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(GOOD_VALUES, min_size=1, max_size=3), GOOD_VALUES, st.one_of(PARAM_VALUE, st.tuples(NAME, VALUE)).map("=".join), st.integers(0, 3))
def test_any_step_value_builds_with_its_pictures_or_reports_its_line(workspace, steps, figure, odd, where):
    """One odd value among good ones, in a step or the figure, through a full build, which
    draws the pictures of each section's first state and of the figure."""
    values = [*steps, figure]
    values[min(where, len(values) - 1)] += " " + odd
    *steps, figure = values
    chapter = "---\ntitle: T\n---\n:::: scrolly dots\n" + "".join(f"::: step {v}\nText.\n:::\n" for v in steps) + "::::\n"
    chapter += f"\n::: chart dots {figure}\nCaption.\n:::\n"
    lay_out(workspace, {"site": b'title = "T"\n', "chapters": {"01-a.md": ("text", chapter.encode("utf-8", "surrogatepass"))}, "head": None})
    check_outcome(workspace, lambda: build_site(workspace))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(GOOD_PROJECT, st.lists(TEMPLATE_PIECE, min_size=1, max_size=2).map("".join))
def test_any_template_of_the_project_renders_or_reports_its_line(workspace, project, head):
    lay_out(workspace, project | {"head": head})
    check_outcome(workspace, lambda: build_site(workspace, preview=True))
