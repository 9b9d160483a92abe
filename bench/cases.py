"""What the benchmark measures: builds of the shipped story and of generated projects.

Every build runs as `python build.py` in a fresh process, the way an author runs it, on
a copy in a temporary folder. The stage timeline and the chart-compilation detail come
from bench/stages.py, run in a fresh process too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import generate
from measure import LONG_RUN, MKDOCS_VENV, REPO, Case, Run, measure, repeat, user_cache

MKDOCS_PIN = "mkdocs==1.6.1"
PROJECT_FILES = ("site.toml", "content", "charts", "templates")


def build_command(site: Path, out: Path) -> list[str]:
    return [sys.executable, str(REPO / "build.py"), "--site", str(site), "--out", str(out)]


def make_cold(site: Path, out: Path):
    """Remove the project cache and the output; the user cache keeps the Vega runtime, as after any earlier build on the machine."""

    def reset():
        shutil.rmtree(site / ".scrolly-cache", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)

    return reset


def make_new_machine(site: Path, out: Path):
    """make_cold, and the user cache removed too: scrolly's first build on a machine."""
    cold = make_cold(site, out)

    def reset():
        cold()
        shutil.rmtree(user_cache(), ignore_errors=True)

    return reset


def ensure_mkdocs(quick: bool, notes: list[str]) -> Path | None:
    """The benchmark's own mkdocs, in bench/.venv-mkdocs (created when missing, except with --quick)."""
    mkdocs = MKDOCS_VENV / "bin" / "mkdocs"
    if mkdocs.exists():
        return mkdocs
    if quick:
        notes.append(
            f"mkdocs was not measured: it is not installed in {os.path.relpath(MKDOCS_VENV, REPO)} (a full run installs it)."
        )
        return None
    print(f"installing {MKDOCS_PIN} into {os.path.relpath(MKDOCS_VENV, REPO)} …", flush=True)
    subprocess.run(["python3", "-m", "venv", str(MKDOCS_VENV)], check=True)
    subprocess.run([str(MKDOCS_VENV / "bin" / "pip"), "install", "-q", MKDOCS_PIN], check=True)
    return mkdocs


def find_hugo(notes: list[str]) -> str | None:
    hugo = shutil.which("hugo")
    if not hugo:
        notes.append("Hugo was not measured: `hugo` is not installed (`apt-get install -y hugo`).")
    return hugo


# -- what is measured ---------------------------------------------------------------------


def shipped_project(work: Path, out: Path, notes: list[str]) -> tuple[Path, str, Run]:
    """A copy of the repository's own story (or of tests/fixtures/basic when the story does not build) and its first build, with no user cache."""
    site = work / "story"
    site.mkdir()
    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, site / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy2(source, site / name)
    try:
        return site, "the shipped story (the repository root)", measure(build_command(site, out))
    except RuntimeError as err:
        notes.append(
            f"The shipped story does not build yet, so the fixture tests/fixtures/basic stands in for it:\n\n```\n{str(err)[-800:]}\n```"
        )
    shutil.rmtree(site)
    shutil.copytree(
        REPO / "tests" / "fixtures" / "basic",
        site,
        ignore=shutil.ignore_patterns(".scrolly-cache", "dist"),
    )
    make_new_machine(site, out)()
    return (
        site,
        "tests/fixtures/basic (the shipped story did not build)",
        measure(build_command(site, out)),
    )


def cold_and_second(site: Path, out: Path, first: Run, runs: int) -> tuple[Case, Case, Case]:
    """The first build on a new machine (`first` is one), cold builds with the user cache warm, second builds."""

    def build():
        return measure(build_command(site, out))

    new_machine = Case("first build on a new machine", 0, "scrolly", [first])
    if first.seconds <= LONG_RUN:
        repeat(new_machine, runs - 1, build, make_new_machine(site, out))
    cold = repeat(Case("cold build", 0, "scrolly"), runs, build, make_cold(site, out))
    second = repeat(Case("second build", 0, "scrolly"), runs, build)
    return new_machine, cold, second


NOTHING_CHANGED = "scrolly, nothing changed"  # the build right after the cold one
ONE_EDITED = "scrolly, one chapter edited"  # a sentence added to (or taken from) one chapter


def edit_one_chapter(site: Path):
    """Before each run, add a sentence to the middle chapter, or take it away again."""
    files = sorted((site / "content").glob("*.md"))
    chapter = files[len(files) // 2]
    original = chapter.read_text(encoding="utf-8")

    def reset():
        now = chapter.read_text(encoding="utf-8")
        edited = original + "\nA sentence added for the benchmark.\n"
        chapter.write_text(original if now != original else edited, encoding="utf-8")

    return reset


def scaling(
    work: Path, sizes: dict, runs: int, mkdocs: Path | None, hugo: str | None
) -> list[Case]:
    """Cold builds of generated projects; for the chapter series also warm builds, mkdocs and Hugo."""
    writers = {
        "chapters": generate.write_chapters_project,
        "charts": generate.write_charts_project,
        "rows": generate.write_rows_project,
    }
    cases = []
    for series, counts in sizes.items():
        for count in counts:
            site = writers[series](work / f"{series}-{count}", count)
            out = work / f"{series}-{count}-dist"
            print(f"  {series} {count}: scrolly", flush=True)
            cases.append(
                repeat(
                    Case(series, count, "scrolly"),
                    runs,
                    lambda: measure(build_command(site, out)),
                    make_cold(site, out),
                )
            )
            if series != "chapters" or cases[-1].error:
                continue
            for tool, before in (
                (NOTHING_CHANGED, None),
                (ONE_EDITED, edit_one_chapter(site)),
            ):
                cases.append(
                    repeat(
                        Case(series, count, tool),
                        runs,
                        lambda: measure(build_command(site, out)),
                        before,
                    )
                )
            if mkdocs:
                print(f"  {series} {count}: mkdocs", flush=True)
                project = generate.write_mkdocs_project(work / f"mkdocs-{count}", site / "content")
                command = [
                    str(mkdocs),
                    "build",
                    "-q",
                    "-f",
                    str(project / "mkdocs.yml"),
                    "-d",
                    str(project / "site"),
                ]
                cases.append(
                    repeat(
                        Case(series, count, "mkdocs"), runs, lambda: measure(command, cwd=project)
                    )
                )
            if hugo:
                print(f"  {series} {count}: Hugo", flush=True)
                project = generate.write_hugo_project(work / f"hugo-{count}", site / "content")
                command = [
                    hugo,
                    "--quiet",
                    "--source",
                    str(project),
                    "--destination",
                    str(project / "public"),
                ]
                cases.append(
                    repeat(Case(series, count, "Hugo"), runs, lambda: measure(command, cwd=project))
                )
    return cases


IMPORTED = (
    "jinja2",
    "markdown_it",
    "mdit_py_plugins",
    "scrolly.cli",
    "scrolly.build",
    "altair",
    "vl_convert",
)


def import_times() -> list[tuple[str, float]]:
    """What importing each package costs, in ms, in the order a build loads them (python -X importtime).

    The main process imports scrolly and, lazily, vl_convert; the fork server imports altair
    and vl_convert once for all chart workers.
    """
    code = "; ".join(f"import {name}" for name in IMPORTED)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], cwd=REPO, capture_output=True, text=True
    )
    found = {}
    for line in result.stderr.splitlines():
        parts = line.split("|")
        if (
            len(parts) == 3
            and parts[1].strip().isdigit()
            and parts[2].strip() in IMPORTED
            and not parts[2].startswith("  ")
        ):
            found[parts[2].strip()] = int(parts[1]) / 1000
    return [(name, found.get(name, 0.0)) for name in IMPORTED]


def workers(work: Path, charts: int, runs: int) -> list[Case]:
    """Compiling the charts with 1 and 2 workers, each in a fresh process (bench/stages.py --jobs)."""
    site = generate.write_charts_project(work / f"jobs-{charts}", charts)
    cases = []
    for jobs in (1, 2):
        print(f"  {charts} charts, {jobs} worker(s)", flush=True)
        command = [sys.executable, str(REPO / "bench" / "stages.py"), "jobs", str(site), str(jobs)]

        def once():
            timed = measure(
                command, sample=False
            )  # both cores busy: the sampler would slow the run
            sampled = measure(command)
            seconds = json.loads(timed.output.strip().splitlines()[-1])["seconds"]
            return Run(
                seconds,
                sampled.memory_mb,
                sampled.largest_mb,
                sampled.cpu_seconds,
                sampled.busiest_cpu_seconds,
            )

        label = f"{jobs} worker{'s' if jobs > 1 else ''}"
        cases.append(repeat(Case("workers", jobs, label), runs, once))
    return cases


def stages(site: Path, out: Path, detail: bool) -> dict:
    """A timeline of one cold build's stages in the main process (and, with detail, what
    chart compilation spends its time on).

    The project cache is removed, the user cache is left warm: the cold build an author
    usually meets. The stages overlap (workers compile while the main process reads), so
    each is recorded by its start and end rather than by a duration.
    """
    shutil.rmtree(site / ".scrolly-cache", ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, str(REPO / "bench" / "stages.py"), "timeline", str(site), str(out)]
    try:
        run = measure(command + (["--detail"] if detail else []))
    except RuntimeError as err:
        lines = [line for line in str(err).splitlines() if line.strip()]
        return {"error": lines[-1] if lines else str(err)}
    result = json.loads(run.output.strip().splitlines()[-1])
    result["whole process"] = run.seconds
    return result
