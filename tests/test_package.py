"""scrolly as a tool: the wheel in a fresh virtual environment, the commands, `scrolly new`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from importlib.metadata import requires, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import scrolly
from conftest import REPO, run_build

STARTER_FILES = [
    ".gitignore",
    "README.md",
    "charts/data/daylight.csv",
    "charts/daylight.py",
    "content/01-long-days.md",
    "content/02-one-city.md",
    "requirements.txt",
    "site.toml",
    "templates/README.md",
]


def run(*command, cwd: Path) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=300, env=environment)


def build_wheel(tmp_path: Path) -> Path:
    """The wheel of a copy of the checkout, built offline with the pinned backend."""
    source = tmp_path / "source"
    shutil.copytree(REPO / "scrolly", source / "scrolly", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    result = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", tmp_path / "wheels", source, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [wheel] = (tmp_path / "wheels").glob("scrolly-*.whl")
    return wheel


def fresh_venv(folder: Path, wheel: Path) -> Path:
    """A new virtual environment with the wheel installed; returns its bin/ folder.

    The wheel goes in with --no-deps --no-index; the dependencies, which it pins, are
    then made visible from the environment running the tests (a .pth file), so the test
    needs no network. test_the_wheel_pins_the_dependencies_it_is_run_with checks they match.
    """
    venv.create(folder, with_pip=False)
    python = folder / "bin" / "python"
    result = run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel, cwd=folder)
    assert result.returncode == 0, result.stderr
    site_packages = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=folder).stdout.strip())
    paths = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site_packages / "test-dependencies.pth").write_text("\n".join(paths) + "\n", encoding="utf-8")
    return folder / "bin"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_the_wheel_holds_the_engine_and_nothing_else(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    engine = {
        path.relative_to(REPO).as_posix()
        for path in (REPO / "scrolly").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert engine - names == set(), "files of the engine missing from the wheel"
    extra = {name for name in names - engine if not name.startswith(f"scrolly-{scrolly.__version__}.dist-info/")}
    assert extra == set(), "the wheel holds more than the engine"
    assert any(name.startswith("scrolly/templates/") for name in names) and "scrolly/assets/scrolly.js" in names


def test_the_wheel_pins_the_dependencies_it_is_run_with(wheel):
    metadata = zipfile.ZipFile(wheel).read(f"scrolly-{scrolly.__version__}.dist-info/METADATA").decode()
    pins = dict(re.findall(r"^Requires-Dist: ([A-Za-z0-9_.-]+)==(\S+)$", metadata, re.M))
    assert len(pins) == len(re.findall(r"^Requires-Dist:", metadata, re.M)), "every dependency is pinned with =="
    assert {"altair", "jinja2", "markdown-it-py", "vl-convert-python", "tornado"} <= pins.keys()
    assert "livereload" not in pins
    assert {name: version(name) for name in pins} == pins


def test_every_pin_is_written_once_and_covers_what_scrolly_pulls_in():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    direct = dict(dependency.split("==") for dependency in project["dependencies"])
    lines = [line.split("#")[0].strip() for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()]
    assert "-e ." in lines
    pulled_in = dict(line.split("==") for line in lines if "==" in line)
    normal = lambda names: {re.sub(r"[-_.]+", "-", name).lower() for name in names}  # noqa: E731
    assert normal(direct) & normal(pulled_in) == set(), "a package pinned in both files"
    pinned = normal(direct) | normal(pulled_in)
    needed, todo = set(), list(direct)
    while todo:  # every package the dependencies require here, as installed
        for requirement in map(Requirement, requires(todo.pop()) or []):
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            if normal([requirement.name]) - needed:
                needed |= normal([requirement.name])
                todo.append(requirement.name)
    assert needed - pinned == set(), "packages pulled in but not pinned in requirements.txt"


def test_the_wheel_in_a_fresh_venv_starts_checks_and_builds_a_story(wheel, tmp_path):
    bin_folder = fresh_venv(tmp_path / "venv", wheel)
    work = tmp_path / "work"
    work.mkdir()
    scrolly_command = bin_folder / "scrolly"

    located = run(bin_folder / "python", "-c", "import scrolly; print(scrolly.__file__)", cwd=work)
    assert Path(located.stdout.strip()).is_relative_to(tmp_path / "venv"), "scrolly came from the checkout, not the wheel"
    assert run(scrolly_command, "--version", cwd=work).stdout == f"scrolly {scrolly.__version__}\n"
    assert run(bin_folder / "python", "-m", "scrolly", "--version", cwd=work).stdout == f"scrolly {scrolly.__version__}\n"
    unknown = run(scrolly_command, "init", cwd=work)
    assert (unknown.returncode, unknown.stderr) == (2, "scrolly: unknown command 'init' (commands: new, build, check, serve)\n")

    made = run(scrolly_command, "new", "story", "--title", "Dawn & dusk", cwd=work)
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines()[1:-1] == [f"  {name}" for name in STARTER_FILES]
    story = work / "story"
    checked = run(scrolly_command, "check", cwd=story)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("Checked 2 chapters, 1 chart: no problems")
    built = run(scrolly_command, "build", cwd=story)
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Built 2 chapters, 1 chart, ")
    page = (story / "dist" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Dawn &amp; dusk</h1>" in page
    assert page.count('class="step"') == 3 and 'data-chart="daylight"' in page
    assert (story / "dist" / "charts" / "daylight.svg").is_file()
    assert (story / "dist" / "embed" / "daylight" / "index.html").is_file()
    assert (story / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1] == f"scrolly=={scrolly.__version__}"


# -- the commands, through build.py ------------------------------------------------------

def test_an_unknown_command_is_named_with_the_commands(tmp_path):
    result = run_build("init", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "python build.py: unknown command 'init' (commands: new, build, check, serve)\n"


def test_version(tmp_path):
    result = run_build("--version", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, f"scrolly {scrolly.__version__}\n")


def test_a_project_folder_named_like_a_command(project, tmp_path):
    root = project("basic").rename(tmp_path / "check")
    built = run_build("--site", "check", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Built 2 chapters, 1 chart, ") and (root / "dist" / "index.html").is_file()
    checked = run_build("--site", "check", "check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("Checked 2 chapters, 1 chart: no problems")


def test_new_writes_the_starter_and_says_what_it_wrote(tmp_path):
    result = run_build("new", "my story", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Wrote a new story into my story:",
        *[f"  {name}" for name in STARTER_FILES],
        "Next: cd 'my story' && scrolly serve   (a preview that follows your edits; 'scrolly build' writes dist/)",
    ]
    root = tmp_path / "my story"
    assert sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()) == STARTER_FILES
    assert (root / ".gitignore").read_text(encoding="utf-8").split("\n")[1:3] == ["dist/", ".scrolly-cache/"]
    assert tomllib.loads((root / "site.toml").read_text(encoding="utf-8"))["title"] == "How long is a day?"


def test_new_takes_any_title(tmp_path):
    title = 'Dawn "and" dusk \\ in Tromsø'
    result = run_build("new", "story", "--title", title, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert tomllib.loads((tmp_path / "story" / "site.toml").read_text(encoding="utf-8"))["title"] == title
    assert (tmp_path / "story" / "README.md").read_text(encoding="utf-8").startswith(f"# {title}\n")
    empty = run_build("new", "other", "--title", " ", cwd=tmp_path)
    assert empty.returncode == 2 and "the title must be one line of text, not empty" in empty.stderr
    assert not (tmp_path / "other").exists()


def test_new_refuses_a_folder_that_is_not_empty(tmp_path):
    folder = tmp_path / "story"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_build("new", "story", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "story:1: the folder is not empty: choose a new or empty folder, or add --force to write"
        " the starter's files into it (files of the same name are replaced, others kept)\n"
    )
    assert [path.name for path in folder.iterdir()] == ["notes.txt"]
    file = tmp_path / "a-file"
    file.write_text("x", encoding="utf-8")
    result = run_build("new", "a-file", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (1, "a-file:1: this is a file, not a folder: choose another name\n")


def test_new_with_force_writes_into_a_folder_and_keeps_other_files(tmp_path):
    folder = tmp_path / "story"
    (folder / "content").mkdir(parents=True)
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    (folder / "site.toml").write_text('title = "old"\n', encoding="utf-8")
    result = run_build("new", "story", "--force", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert tomllib.loads((folder / "site.toml").read_text(encoding="utf-8"))["title"] == "How long is a day?"
    assert run_build("check", cwd=folder).returncode == 0
