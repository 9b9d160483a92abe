"""A `build` with nothing changed leaves the output as it is; any change builds again."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import run_build

WARNING_CHART = '''
import warnings
import altair as alt


def chart():
    warnings.warn("something odd", UserWarning)
    return alt.Chart(alt.Data(values=[{"v": 1}])).mark_point().encode(x="v:Q").properties(
        title="T", description="D.")
'''


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def built(root: Path) -> tuple[str, str]:
    result = run_build(cwd=root)
    assert result.returncode == 0, result.stderr
    return result.stdout, result.stderr


def test_a_build_with_nothing_changed_keeps_the_output_and_says_the_same(project):
    root = project("basic")
    (root / "charts" / "odd.py").write_text(WARNING_CHART)
    (root / "content" / "02-more.md").write_text(
        (root / "content" / "02-more.md").read_text() + "\n::: chart odd\n:::\n"
    )
    first_out, first_err = built(root)
    index = root / "dist" / "index.html"
    before, stamp = tree(root / "dist"), index.stat().st_mtime_ns

    again_out, again_err = built(root)

    assert index.stat().st_mtime_ns == stamp  # not written again
    assert tree(root / "dist") == before
    assert again_err == first_err == "charts/odd.py:7: warning: UserWarning: something odd\n"
    assert again_out.split(" in ")[0] == first_out.split(" in ")[0]
    assert again_out.startswith("Built 2 chapters, 2 charts, ")


def test_each_kind_of_change_builds_again(project):
    root = project("basic")
    built(root)
    index = root / "dist" / "index.html"

    chapter = root / "content" / "01-intro.md"
    chapter.write_text(chapter.read_text() + "\nA sentence added later.\n")
    built(root)
    assert "A sentence added later." in index.read_text()

    data = root / "charts" / "data" / "dots.csv"
    rows, before = data.read_text(), tree(root / "dist")
    data.write_text(rows + "d,4,4\n")
    built(root)
    assert tree(root / "dist") != before  # the chart's data was read afresh
    data.write_text(rows)
    built(root)
    assert tree(root / "dist") == before

    index.write_text("edited by hand")
    built(root)
    assert "A sentence added later." in index.read_text()  # the output is the build's again

    shutil.rmtree(root / "dist")
    built(root)
    assert "A sentence added later." in index.read_text()


def test_a_failed_build_after_a_good_one_still_fails_and_keeps_the_output(project):
    root = project("basic")
    built(root)
    before = tree(root / "dist")
    chapter = root / "content" / "02-more.md"
    text = chapter.read_text()
    chapter.write_text(text.replace("title:", "titel:", 1))

    result = run_build(cwd=root)

    assert result.returncode == 1
    assert "content/02-more.md:2: unknown front matter key 'titel'" in result.stderr
    assert tree(root / "dist") == before
    chapter.write_text(text)
    built(root)
    assert tree(root / "dist") == before


def test_a_chapter_read_before_is_read_again_when_its_image_changes(project):
    root = project("stickies")
    built(root)
    plan = root / "content" / "images" / "plan.svg"
    plan.write_text(plan.read_text().replace('viewBox="0 0 300 400"', 'viewBox="0 0 600 200"'))

    built(root)  # the chapter's text is as it was

    html = (root / "dist" / "index.html").read_text()
    assert 'width="600" height="200"' in html and 'width="300" height="400"' not in html
    plan.unlink()
    result = run_build(cwd=root)
    assert result.returncode == 1
    assert "content/01-kinds.md:50: image file not found" in result.stderr


def test_a_chapter_cache_that_cannot_be_read_only_costs_time(project, tmp_path):
    root = project("basic")
    built(root)
    before = tree(root / "dist")
    (root / ".scrolly-cache" / "chapters.pickle").write_bytes(b"not a cache")
    (root / ".scrolly-cache" / "last-build.json").write_text("{")

    built(root)

    assert tree(root / "dist") == before
