"""Chart modules compiled with vl-convert: specs, images, params and states."""

import shutil
from pathlib import Path

import vl_convert as vlc

from scrolly.charts import compile_chart, with_values

DOTS = Path(__file__).parent / "fixtures" / "basic" / "charts" / "dots.py"


def test_a_chart_module_compiles_to_vega_svg_and_png():
    chart = compile_chart("dots", DOTS, [{"focus": "c"}])
    assert chart.title == "Three dots"
    assert chart.description == "Three dots at (1, 2), (2, 3) and (3, 1)."
    assert chart.source == "Made up"
    assert chart.vega["$schema"].endswith("vega/v6.json")
    assert chart.png.startswith(b"\x89PNG")
    assert (chart.width, chart.height) == (339, 247)  # drawn without its title, which the page shows in HTML
    assert [row["id"] for row in chart.table] == ["a", "b", "c"]
    vlc.vegalite_to_svg(chart.vega_lite)  # the Vega-Lite spec renders on its own


def test_params_take_their_kind_from_their_default():
    chart = compile_chart("dots", DOTS, [])
    kinds = {name: param.kind for name, param in chart.params.items()}
    assert kinds == {"focus": "string or null", "zoom": "number", "day": "date"}
    assert chart.params["zoom"].problem_with("big") == 'param \'zoom\' takes a number, got "big" (string)'
    assert chart.params["day"].problem_with("2023-07-11") is None
    assert chart.params["focus"].problem_with(None) is None


def test_each_state_gets_its_own_svg():
    chart = compile_chart("dots", DOTS, [{}, {"focus": "a"}, {"focus": "c"}])
    assert chart.picture_type == "svg"
    assert chart.picture({"focus": "a"}) != chart.picture({"focus": "c"}) != chart.picture({})
    assert chart.picture({}) == chart.svg.encode()


def test_with_values_sets_the_initial_value_of_signals():
    spec = {"signals": [{"name": "focus", "value": None}], "marks": [{"type": "group", "signals": [{"name": "zoom", "value": 1}]}]}
    changed = with_values(spec, {"focus": "b", "zoom": 3})
    assert changed["signals"][0]["value"] == "b" and changed["marks"][0]["signals"][0]["value"] == 3
    assert spec["signals"][0]["value"] is None


def test_the_cache_redoes_only_the_chart_whose_module_or_data_changed(project, tmp_path):
    from scrolly.build import build_site

    root = project("basic")
    (root / "charts" / "data" / "other.csv").write_text("id,x,y\nq,1,1\n")
    other = (root / "charts" / "dots.py").read_text().replace('"dots.csv"', '"other.csv"')
    (root / "charts" / "other.py").write_text(other)
    out = tmp_path / "out"

    assert set(build_site(root, out).compiled) == {"dots", "other"}
    assert build_site(root, out).compiled == ()
    (root / "content" / "02-more.md").write_text("---\ntitle: Changed\n---\nNew text.\n")
    assert build_site(root, out).compiled == ()
    with (root / "charts" / "data" / "other.csv").open("a") as file:
        file.write("r,2,2\n")
    assert build_site(root, out).compiled == ("other",)
    (root / "charts" / "dots.py").write_text((root / "charts" / "dots.py").read_text() + "\n# edited\n")
    assert build_site(root, out).compiled == ("dots",)


def test_a_preview_skips_pngs_and_step_pictures_and_a_later_build_is_complete(project, tmp_path):
    from scrolly.build import build_site

    root = project("basic")
    build_site(root, tmp_path / "preview", preview=True)
    preview = {p.name for p in (tmp_path / "preview" / "charts").iterdir()}
    assert "dots.png" not in preview and "dots.svg" in preview
    assert len([n for n in preview if n.endswith(".svg")]) == 1  # only the default state

    build_site(root, tmp_path / "after-preview")
    shutil.rmtree(root / ".scrolly-cache")
    build_site(root, tmp_path / "fresh")

    def tree(folder):
        return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    assert tree(tmp_path / "after-preview") == tree(tmp_path / "fresh")


LAYERED = '''
import altair as alt

def chart():
    rows = [{"x": i, "y": (i * 7) % 13, "group": "abc"[i % 3]} for i in range(3000)]
    focus = alt.param(name="focus", value=None)
    base = alt.Chart(alt.Data(values=rows))
    points = base.mark_point().encode(x="x:Q", y="y:Q", color="group:N")
    again = alt.Chart(alt.Data(values=[dict(row) for row in rows])).mark_line().encode(x="x:Q", y="mean(y):Q")
    small = alt.Chart(alt.Data(values=[1, 2, 3])).mark_rule().encode(y="data:Q")
    return alt.layer(points, again, small).add_params(focus).properties(
        title="Many rows", description="Three layers, two of them with equal rows.")
'''


def test_many_rows_compile_to_the_same_specs_as_altair_and_vl_convert_alone(tmp_path):
    """The shortcuts for large tables (scrolly.charts.rows) change nothing in the specs."""
    from altair.utils.schemapi import debug_mode

    from scrolly.charts.module import run_module
    from scrolly.charts.spec import shared_rows
    from scrolly.theme import untitled

    module = tmp_path / "many.py"
    module.write_text(LAYERED, encoding="utf-8")
    chart = compile_chart("many", module, [])
    with debug_mode(False):
        plain, _ = run_module("many", module)
    # Altair's own path: to_dict with its full validation, every row sent to vl-convert
    expected = plain.to_dict()
    assert chart.vega_lite == expected
    # (the page draws the chart without its title, which it shows in HTML)
    assert chart.vega == shared_rows(expected, vlc.vegalite_to_vega(untitled(expected)))
    assert len(chart.vega["data"]) == len(vlc.vegalite_to_vega(expected)["data"])  # equal tables merged


def test_a_chart_with_a_row_that_is_no_record_is_reported_by_the_schema_check(tmp_path):
    module = tmp_path / "mixed.py"
    module.write_text(
        "import altair as alt\n\ndef chart():\n"
        "    rows = [{'x': i} for i in range(3000)] + [7]\n"
        "    return alt.Chart(alt.Data(values=rows)).mark_point().encode(x='x:Q').properties(\n"
        "        title='Mixed', description='Records and a number.')\n", encoding="utf-8")
    problems = compile_chart("mixed", module, [])
    assert isinstance(problems, list) and problems[0].line == 5  # the line that made the data
    assert "is an invalid value" in problems[0].message
