"""Broken projects: each gives exit code 1, its `path:line: message`, and leaves dist/ as it was.

Each folder of tests/broken/ is a case, made from a copy of the `basic` fixture:
`remove.txt` lists files to delete from it, `files/` is laid over it, `edits.toml`
changes a few lines of its files (`[[edit]]` with `file`, `old`, `new`), `links.toml`
adds symbolic links (`[[link]]` with `path` and `target`, which need not exist), and
`expected.txt` holds the exact lines the build must print.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import REPO, run_build

BROKEN = Path(__file__).resolve().parent / "broken"
CASES = sorted(path.name for path in BROKEN.iterdir() if path.is_dir())


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built_basic(tmp_path_factory) -> Path:
    """The basic project built once, with its dist/ and chart cache, to copy for every case."""
    root = tmp_path_factory.mktemp("built") / "basic"
    shutil.copytree(Path(__file__).parent / "fixtures" / "basic", root, ignore=shutil.ignore_patterns(".scrolly-cache", "dist"))
    result = run_build(cwd=root)
    assert result.returncode == 0, result.stderr
    return root


def break_project(case: str, built: Path, target: Path) -> Path:
    shutil.copytree(built, target)
    case_folder = BROKEN / case
    remove = case_folder / "remove.txt"
    for name in remove.read_text().split() if remove.exists() else []:
        (target / name).unlink()
    overlay = case_folder / "files"
    if overlay.is_dir():
        shutil.copytree(overlay, target, dirs_exist_ok=True)
    edits = case_folder / "edits.toml"
    for edit in tomllib.loads(edits.read_text())["edit"] if edits.exists() else []:
        file = target / edit["file"]
        text = file.read_text()
        assert edit["old"] in text, f"{case}: {edit['old']!r} is not in {edit['file']}"
        file.write_text(text.replace(edit["old"], edit["new"], 1))
    links = case_folder / "links.toml"
    for link in tomllib.loads(links.read_text())["link"] if links.exists() else []:
        (target / link["path"]).symlink_to(link["target"])
    return target


@pytest.mark.parametrize("case", CASES)
def test_broken_project_reports_the_problem_and_keeps_the_last_good_site(case, built_basic, tmp_path):
    root = break_project(case, built_basic, tmp_path / "project")
    before = tree(root / "dist")

    result = run_build(cwd=root)

    expected = (BROKEN / case / "expected.txt").read_text().splitlines()
    printed = result.stderr.splitlines()
    assert result.returncode == 1, result.stderr
    assert printed[: len(expected)] == expected
    assert printed[-1].endswith("dist was not changed.")
    assert "Traceback" not in result.stderr
    assert tree(root / "dist") == before
    assert [p.name for p in root.iterdir() if p.name.startswith(".dist")] == []


def test_every_problem_of_a_run_is_reported_together(built_basic, tmp_path):
    root = break_project("unknown-chart", built_basic, tmp_path / "project")
    chart_raises = break_project("chart-raises", built_basic, tmp_path / "chart-raises")
    shutil.copy(chart_raises / "charts" / "dots.py", root / "charts" / "dots.py")
    (root / "site.toml").write_text((root / "site.toml").read_text().replace("byline", "bylien"))

    result = run_build(cwd=root)

    assert result.returncode == 1
    files = [line.split(":")[0] for line in result.stderr.splitlines()[:-1]]
    assert files == ["charts/dots.py", "content/01-intro.md", "site.toml"]
    assert "3 problems" in result.stderr.splitlines()[-1]


def test_check_reports_problems_without_writing(built_basic, tmp_path):
    root = break_project("wrong-kind", built_basic, tmp_path / "project")
    shutil.rmtree(root / "dist")

    result = run_build("check", cwd=root)

    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith("content/01-intro.md:8: param 'zoom' takes a number")
    assert not (root / "dist").exists()


def test_verbose_shows_the_chart_modules_traceback(built_basic, tmp_path):
    root = break_project("chart-raises", built_basic, tmp_path / "project")

    result = run_build("--verbose", cwd=root)

    assert result.returncode == 1
    assert "Traceback" in result.stderr and 'raise ValueError("no good")' in result.stderr


def test_output_folder_that_is_the_project_is_refused(built_basic, tmp_path):
    root = break_project("unknown-param", built_basic, tmp_path / "project")
    before = tree(root)

    result = run_build("--out", ".", cwd=root)

    assert result.returncode == 1
    assert "is the project folder" in result.stderr.splitlines()[0]
    assert tree(root) == before


def test_output_path_that_is_a_file_is_refused(built_basic, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(built_basic, root)
    (tmp_path / "out").write_text("not a folder")

    result = run_build("--out", str(tmp_path / "out"), cwd=root)

    assert result.returncode == 1
    assert result.stderr.startswith(f"{tmp_path / 'out'}:1: the output path is a file")
    assert (tmp_path / "out").read_text() == "not a folder"


def test_output_folder_with_someone_elses_files_is_refused(built_basic, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(built_basic, root)
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "thesis.txt").write_text("years of work")

    result = run_build("--out", str(documents), cwd=root)

    assert result.returncode == 1
    assert "was not written by scrolly" in result.stderr
    assert (documents / "thesis.txt").read_text() == "years of work"


def test_bad_usage_exits_2(tmp_path):
    result = run_build("--no-such-option", cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: python build.py" in result.stderr


def test_a_chart_that_never_finishes_is_stopped_at_the_time_limit(built_basic, tmp_path):
    root = break_project("unknown-param", built_basic, tmp_path / "project")
    dots = root / "charts" / "dots.py"
    dots.write_text(dots.read_text().replace("def chart():\n", "def chart():\n    while True:\n        pass\n"))

    result = run_build(cwd=root, env={"SCROLLY_CHART_TIME_LIMIT": "3"})

    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "charts/dots.py:1: chart() did not finish within 3 seconds and was stopped: is it reading a huge file or looping forever?"
    )


def test_a_chart_that_never_finishes_does_not_hide_the_other_charts_problems(built_basic, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(built_basic, root)
    dots = root / "charts" / "dots.py"
    dots.write_text(dots.read_text().replace("def chart():\n", "def chart():\n    while True:\n        pass\n"))
    (root / "charts" / "later.py").write_text("def chart():\n    return 1 / 0\n")

    result = run_build(cwd=root, env={"SCROLLY_CHART_TIME_LIMIT": "3"})

    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        "charts/dots.py:1: chart() did not finish within 3 seconds and was stopped: is it reading a huge file or looping forever?",
        "charts/later.py:2: chart() raised ZeroDivisionError: division by zero",
    ]


def test_a_chart_module_may_import_a_shared_helper_from_its_folder(built_basic, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(built_basic, root)
    (root / "charts" / "_palette.py").write_text('HIGHLIGHT = "#123456"\n')
    dots = root / "charts" / "dots.py"
    dots.write_text(dots.read_text().replace('"#9b2c1f"', "HIGHLIGHT").replace("import altair as alt\n", "import altair as alt\nfrom _palette import HIGHLIGHT\n"))

    result = run_build(cwd=root)

    assert result.returncode == 0, result.stderr
    assert "#123456" in (root / "dist" / "charts" / "dots.svg").read_text() or "#123456" in (root / "dist" / "charts" / "dots.vg.json").read_text()


def test_an_output_folder_that_cannot_be_written_is_reported(built_basic, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(built_basic, root)
    (tmp_path / "plain-file").write_text("a file, not a folder")

    result = run_build("--out", str(tmp_path / "plain-file" / "site"), cwd=root)

    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{tmp_path / 'plain-file' / 'site'}:1: cannot write the output folder: {tmp_path / 'plain-file'} is a file, not a folder"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("out", ["templates", "content", "charts/site", "templates/new"])
def test_an_output_folder_among_the_authors_files_is_refused_empty_or_not(built_basic, tmp_path, out):
    root = tmp_path / "project"
    shutil.copytree(built_basic, root)
    (root / "templates").mkdir(exist_ok=True)  # empty, as in a new project
    before = tree(root)

    result = run_build("--out", out, cwd=root)

    folder = out.split("/")[0]
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"{out}:1: the output folder {out} is the project's {folder}/ folder or inside it, where your own files are: "
        "every build replaces the output folder whole, so choose another one, like dist"
    )
    assert tree(root) == before


def test_a_killed_builds_staging_folder_is_removed_when_the_output_name_has_a_hyphen(built_basic, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(built_basic, root)
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = root / f".my-site.building-{finished.stdout.strip()}-x1y2z3"  # as a build killed with kill -9 leaves it
    stale.mkdir()
    (stale / "index.html").write_text("half a site")

    result = run_build("--out", "my-site", cwd=root)

    assert result.returncode == 0, result.stderr
    assert (root / "my-site" / "index.html").is_file()
    assert [p.name for p in root.iterdir() if ".building-" in p.name] == []


def as_an_ordinary_user(command: list[str]) -> list[str]:
    """`command`, run so that file permissions apply: root reads any file, but not without
    the two capabilities that let it (setpriv drops them from what the command may hold)."""
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command] if os.geteuid() == 0 else command


def test_unreadable_files_are_problems_of_their_own_and_the_rest_is_reported(built_basic, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(built_basic, root)
    (root / "site.toml").write_text((root / "site.toml").read_text().replace("byline =", "bylien ="))
    for name in ("content/02-more.md", "charts/dots.py"):
        (root / name).chmod(0)
    before = tree(root / "dist")

    result = subprocess.run(as_an_ordinary_user([sys.executable, str(REPO / "build.py")]), cwd=root, capture_output=True, text=True, timeout=300)

    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        "charts/dots.py:1: cannot read this chart module: permission denied (give your user read access, for example: chmod u+r charts/dots.py)",
        "content/02-more.md:1: cannot read this chapter: permission denied (give your user read access, for example: chmod u+r content/02-more.md)",
        "site.toml:3: unknown key 'bylien' in site.toml (did you mean 'byline'?); known keys: title, dek, byline, date, language, base_url, chapters, summary, sources, typographer, dark_mode, theme, layout",
        "3 problems; dist was not changed.",
    ]
    assert tree(root / "dist") == before


def test_charts_that_end_their_process_are_each_reported_with_the_others(built_basic, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(built_basic, root)
    (root / "charts" / "ends.py").write_text("import os\n\n\ndef chart():\n    os._exit(3)\n")
    (root / "charts" / "exits.py").write_text("import sys\n\n\ndef chart():\n    sys.exit(1)\n")
    (root / "charts" / "raises.py").write_text("def chart():\n    return 1 / 0\n")

    result = run_build(cwd=root)

    assert result.returncode == 1
    assert result.stderr.splitlines()[:3] == [
        "charts/ends.py:4: the process compiling the chart ended (exit code 3) before the chart was "
        "done: a chart module must not end its process (os._exit())",
        "charts/exits.py:5: chart() called sys.exit(1): a chart module must return its chart, never "
        "end the process",
        "charts/raises.py:2: chart() raised ZeroDivisionError: division by zero",
    ]
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_a_chart_that_takes_more_memory_than_a_chart_may_is_its_problem(built_basic, tmp_path):
    root = break_project("unknown-param", built_basic, tmp_path / "project")
    dots = root / "charts" / "dots.py"
    dots.write_text(dots.read_text().replace("def chart():\n", "def chart():\n    rows = [b'x' * 2**30, b'y' * 2**30]\n"))
    (root / "charts" / "later.py").write_text("def chart():\n    return 1 / 0\n")

    result = run_build(cwd=root, env={"SCROLLY_CHART_MEMORY_LIMIT_MB": "1024"})

    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        "charts/dots.py:17: chart() ran out of memory: a chart may use 1024 MB while it runs "
        "(set SCROLLY_CHART_MEMORY_LIMIT_MB=MB to change the limit)",
        "charts/later.py:2: chart() raised ZeroDivisionError: division by zero",
    ]
    assert "Traceback" not in result.stderr


def test_charts_build_within_a_memory_limit_of_a_gigabyte(built_basic, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(built_basic, root, ignore=shutil.ignore_patterns(".scrolly-cache"))

    result = run_build(cwd=root, env={"SCROLLY_CHART_MEMORY_LIMIT_MB": "1024"})

    assert result.returncode == 0, result.stderr
