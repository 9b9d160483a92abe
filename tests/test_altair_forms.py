"""What a chart module may hand scrolly, and the exact words for what cannot work: data by
URL (local and remote), delimited text, every title form, selections set by steps, unnamed
params, Altair's own warnings, and exceptions while handling a chart."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import run_build
from scrolly.charts.data import delimited_rows
from scrolly.content import parse_values
from scrolly.problems import ProjectError
from scrolly.render import each_chart

FRUIT = """
import altair as alt

ROWS = [{"fruit": f, "shop": s, "count": c} for f, s, c in
        [("apple", "north", 3), ("banana", "north", 5), ("apple", "south", 4)]]


def chart():
    pick = alt.selection_point(name="pick", fields=["fruit"])
    two = alt.selection_point(name="two", fields=["fruit", "shop"])
    box = alt.selection_interval(name="box", encodings=["x"])
    return alt.Chart(alt.Data(values=ROWS)).mark_bar().encode(
        x="count:Q", y="fruit:N", opacity=alt.condition(pick, alt.value(1), alt.value(0.3)),
    ).add_params(pick, two, box).properties(width=300, height=200, title="Fruit", description="Fruit.")
"""


def tiny(root: Path, chart: str, steps: str = "", data: dict | None = None) -> Path:
    """A one-chart project: charts/c.py, its data files, one chapter with a figure and steps."""
    (root / "charts" / "data").mkdir(parents=True)
    (root / "content").mkdir()
    (root / "site.toml").write_text('title = "Tiny"\n', encoding="utf-8")
    (root / "charts" / "c.py").write_text(textwrap.dedent(chart).lstrip(), encoding="utf-8")
    for name, text in (data or {}).items():
        (root / "charts" / "data" / name).write_text(text, encoding="utf-8")
    body = "::: chart c\nThe chart.\n:::\n"
    if steps:
        body += ":::: scrolly c\n" + "".join(f"::: step {s}\nText.\n:::\n" for s in steps.split("\n")) + "::::\n"
    (root / "content" / "01-one.md").write_text(f"---\ntitle: One\n---\n{body}", encoding="utf-8")
    return root


def problems(root: Path) -> list[str]:
    result = run_build(cwd=root)
    assert result.returncode == 1, result.stdout
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith(("charts/", "content/"))]


def test_step_values_take_json_arrays_and_objects():
    assert parse_values('pick=["a", "b"] box={"x": [1, 2.5]} n=3') == {
        "pick": ["a", "b"], "box": {"x": [1, 2.5]}, "n": 3}
    for text, words in [("pick=[banana]", "arrays [...] and objects {...} are JSON"),
                        ("pick=[1]x", "put a space after the closing ']'"),
                        ("box={\"x\": [1e999, 2]}", "1e999 is too large a number"),
                        ("pick=[NaN]", "NaN is not a number a step can set")]:
        with pytest.raises(ValueError, match=None) as err:
            parse_values(text)
        assert words in str(err.value)


def test_delimited_text_reads_as_d3_dsv_does():
    assert delimited_rows('a,b\n1,"x, y"\n2\n', ",") == [{"a": "1", "b": "x, y"}, {"a": "2", "b": ""}]
    assert delimited_rows("1\t2\n", "\t", ["p", "q"]) == [{"p": "1", "q": "2"}]


def test_steps_set_selections_and_bad_values_are_named(tmp_path):
    steps = "\n".join(['pick="apple"', 'pick=["apple", "banana"] two=[{"fruit": "apple", "shop": "north"}]',
                       'box={"x": [2, 4]}', "pick=null box=null"])
    root = tiny(tmp_path / "ok", FRUIT, steps)
    result = run_build(cwd=root)
    assert result.returncode == 0, result.stderr
    html = (root / "dist" / "index.html").read_text(encoding="utf-8")
    first = [json.loads(s.replace("&#34;", '"')) for s in
             __import__("re").findall(r"class=\"step\" id=\"[^\"]+\"[^>]* data-state='([^']*)'", html)]
    assert first[0]["pick"] == "apple" and first[1]["two"] == [{"fruit": "apple", "shop": "north"}]
    shown = __import__("re").findall(r'class="step" [^>]*data-picture="([^"]+)"', html)
    pictures = [(root / "dist" / url).read_bytes() for url in shown]
    default = (root / "dist" / "charts" / "c.svg").read_bytes()
    assert pictures[0] != default and pictures[2] != default, "one bar lit; a brush drawn"
    assert pictures[1] == pictures[3] == default, "every bar lit, or none picked: as the default"
    assert not any(b">Fruit</text>" in picture for picture in pictures), "the title is the page's"

    bad = "\n".join(['two="apple"', 'two=[{"fruit": "apple"}]', 'box={"y": [1, 2]}', 'box={"x": ["a", 2]}',
                     "colour=1"])
    found = problems(tiny(tmp_path / "bad", FRUIT, bad))
    assert found == [
        "content/01-one.md:8: selection 'two' is over several fields (fruit, shop): give a list of "
        'objects keyed by them, like [{"fruit": "…", "shop": "…"}], for chart \'c\'',
        "content/01-one.md:11: selection 'two' takes objects keyed by its fields (fruit, shop), like "
        '[{"fruit": "…", "shop": "…"}], got {"fruit": "apple"}, for chart \'c\'',
        "content/01-one.md:14: interval selection 'box' takes an object with a [from, to] pair for each "
        'of its channels (x), like {"x": [0, 10]}, got {"y": [1, 2]}, for chart \'c\'',
        "content/01-one.md:17: interval selection 'box' takes two numbers for 'x', got [\"a\", 2], for chart 'c'",
        "content/01-one.md:20: chart 'c' has no param 'colour' (its params: pick, two, box)",
    ]


def test_a_step_naming_an_unnamed_param_says_to_name_it(tmp_path):
    chart = """
    import altair as alt

    def chart():
        cut = alt.param(value=5, bind=alt.binding_range(min=0, max=10))
        return alt.Chart(alt.Data(values=[{"v": 1}])).mark_point().encode(
            x="v:Q", size=alt.value(cut)).add_params(cut).properties(title="T", description="D.")
    """
    [found] = problems(tiny(tmp_path, chart, "cut=3"))
    assert found.startswith("content/01-one.md:8: chart 'c' has no param 'cut' (its params: none); "
                            "it has 1 unnamed param, which Altair calls param_")
    assert found.endswith(': give it a name, like alt.param(name="cut", …) or '
                          'alt.selection_point(name="cut", …)')


def test_data_by_url_must_be_a_file_of_the_project(tmp_path):
    chart = """
    import altair as alt

    def chart():
        near = alt.Chart("data/missing.csv").mark_point().encode(x="a:Q")
        far = alt.Chart(alt.UrlData("https://cdn.example.org/data/cars.json")).mark_point().encode(x="b:Q")
        return (near + far).properties(title="T", description="D.")
    """
    assert problems(tiny(tmp_path, chart)) == [
        "charts/c.py:4: data file not found: charts/data/missing.csv or charts/data/data/missing.csv "
        "(a data URL is read from charts/ or charts/data/)",
        "charts/c.py:5: data URL https://cdn.example.org/data/cars.json is on another host, and the page "
        "loads nothing from other hosts (nothing is fetched at build time either): download cars.json "
        'into charts/data/ and name it as "data/cars.json"',
    ]


def test_a_malformed_data_file_names_the_chart_and_the_file(tmp_path):
    chart = """
    import altair as alt

    def chart():
        return alt.Chart("data/broken.json").mark_point().encode(x="a:Q").properties(title="T", description="D.")
    """
    assert problems(tiny(tmp_path, chart, data={"broken.json": '[{"a": 1},\n oops]'})) == [
        "charts/c.py:4: cannot read charts/data/broken.json: invalid JSON at line 2: Expecting value"]


def test_every_title_form_becomes_one_line_of_text(tmp_path):
    chart = """
    import altair as alt

    def chart():
        return alt.Chart(alt.Data(values=[{"v": 1}])).mark_point().encode(x="v:Q").properties(
            title=alt.Title(["Line one", "line two"], subtitle="Sub <b>"), description="D.")
    """
    root = tiny(tmp_path, chart)
    result = run_build(cwd=root)
    assert result.returncode == 0, result.stderr
    html = (root / "dist" / "index.html").read_text(encoding="utf-8")
    assert '<span class="chart-title">Line one line two</span>' in html
    assert '<span class="chart-subtitle">Sub &lt;b&gt;</span>' in html
    embed = (root / "dist" / "embed" / "c" / "index.html").read_text(encoding="utf-8")
    assert "<title>Line one line two · Tiny</title>" in embed
    assert '<meta property="og:title" content="Line one line two">' in embed


def test_altairs_warnings_are_named_and_a_clean_build_prints_none(tmp_path):
    chart = """
    import warnings
    import altair as alt

    def chart():
        warnings.warn("something odd", UserWarning)
        return alt.Chart(alt.Data(values=[{"v": 1}])).mark_point().encode(x="v:Q").properties(
            title="T", description="D.")
    """
    root = tiny(tmp_path, chart)
    result = run_build(cwd=root)
    assert result.returncode == 0
    assert result.stderr.splitlines() == ["charts/c.py:5: warning: UserWarning: something odd"]
    (root / "charts" / "c.py").write_text(
        (root / "charts" / "c.py").read_text().replace('warnings.warn("something odd", UserWarning)', "pass"))
    assert run_build(cwd=root).stderr == ""


def test_an_exception_handling_one_chart_is_that_charts_problem(tmp_path):
    class Broken:
        name, path = "b", Path("charts/b.py")

    def work(chart):
        raise KeyError("no such thing")

    with pytest.raises(ProjectError) as err:
        each_chart({"b": Broken()}, work)
    [problem] = err.value.problems
    assert str(problem).startswith("charts/b.py:1: scrolly could not handle this chart (KeyError: ")
