"""The chart cache never serves stale output: whatever a module read, wherever it lives,
an edit to it reaches the site; a chart whose reads cannot be followed is not cached."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from conftest import run_build


def rows(root: Path) -> list[str]:
    """The ids of the rows the built site's table download holds."""
    text = (root / "dist" / "charts" / "dots.csv").read_text(encoding="utf-8")
    return [row["id"] for row in csv.DictReader(io.StringIO(text))]


def write_rows(file: Path, ids: str) -> None:
    file.write_text("id,x,y\n" + "".join(f"{i},1,1\n" for i in ids), encoding="utf-8")


def build(root: Path) -> str:
    result = run_build(cwd=root)
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_a_data_folder_symlinked_outside_charts_is_followed_edit_after_edit(project, tmp_path):
    root = project("basic")
    shared = tmp_path / "shared"
    shared.mkdir()
    write_rows(shared / "dots.csv", "abc")
    for old in (root / "charts" / "data").iterdir():
        old.unlink()
    (root / "charts" / "data").rmdir()
    (root / "charts" / "data").symlink_to(shared, target_is_directory=True)

    build(root)
    assert rows(root) == ["a", "b", "c"]
    for ids in ("pq", "xyz", "k"):
        write_rows(shared / "dots.csv", ids)
        build(root)
        assert rows(root) == list(ids)


def test_a_symlinked_data_file_that_is_pointed_elsewhere_is_followed(project, tmp_path):
    root = project("basic")
    data = root / "charts" / "data" / "dots.csv"
    write_rows(tmp_path / "first.csv", "ab")
    write_rows(tmp_path / "second.csv", "xyz")
    data.unlink()
    data.symlink_to(tmp_path / "first.csv")
    build(root)
    assert rows(root) == ["a", "b"]

    data.unlink()
    data.symlink_to(tmp_path / "second.csv")
    build(root)
    assert rows(root) == ["x", "y", "z"]
    write_rows(tmp_path / "second.csv", "q")
    build(root)
    assert rows(root) == ["q"]


def test_a_file_read_from_outside_the_project_is_followed(project, tmp_path):
    root = project("basic")
    outside = tmp_path / "elsewhere" / "points.csv"
    outside.parent.mkdir()
    write_rows(outside, "ab")
    dots = root / "charts" / "dots.py"
    dots.write_text(dots.read_text().replace('Path(__file__).parent / "data" / "dots.csv"', repr(str(outside))
                                            ).replace("DATA.open(", "Path(DATA).open("))
    build(root)
    assert rows(root) == ["a", "b"]
    write_rows(outside, "xyz")
    build(root)
    assert rows(root) == ["x", "y", "z"]


def test_a_module_that_lists_a_folder_sees_a_file_added_to_it(project):
    root = project("basic")
    data = root / "charts" / "data"
    write_rows(data / "dots.csv", "a")
    dots = root / "charts" / "dots.py"
    dots.write_text(dots.read_text().replace(
        "    with DATA.open(encoding=\"utf-8\") as file:\n        return [",
        "    return [row for part in sorted(DATA.parent.glob('*.csv')) for row in part_rows(part)]\n\n\n"
        "def part_rows(part):\n    with part.open(encoding=\"utf-8\") as file:\n        return ["))
    build(root)
    assert rows(root) == ["a"]
    write_rows(data / "more.csv", "b")
    build(root)
    assert rows(root) == ["a", "b"]
    (data / "more.csv").unlink()
    build(root)
    assert rows(root) == ["a"]


def test_a_chart_whose_reads_cannot_be_followed_is_not_cached_and_the_build_says_so(project):
    root = project("basic")
    dots = root / "charts" / "dots.py"
    source = dots.read_text().replace(
        "    with DATA.open(encoding=\"utf-8\") as file:\n",
        "    import subprocess\n"
        "    text = subprocess.run(['cat', str(DATA)], capture_output=True, text=True).stdout\n"
        "    with io.StringIO(text) as file:\n").replace("import csv\n", "import csv\nimport io\n")
    dots.write_text(source)
    line = source.splitlines().index(
        "    text = subprocess.run(['cat', str(DATA)], capture_output=True, text=True).stdout") + 1

    warnings = build(root)
    assert warnings.splitlines()[0] == (
        f"charts/dots.py:{line}: warning: this chart is not cached, because scrolly cannot follow "
        "what it reads when it runs a program (subprocess.Popen); it is compiled afresh on every build")
    assert rows(root) == ["a", "b", "c"]
    write_rows(root / "charts" / "data" / "dots.csv", "z")
    build(root)
    assert rows(root) == ["z"]
