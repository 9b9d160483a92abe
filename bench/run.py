#!/usr/bin/env python3
"""Measure scrolly's build: the shipped story, generated projects of growing size, mkdocs and Hugo.

    python bench/run.py [--quick] [--runs N] [--output PATH]

Every build runs as `python build.py` in a fresh process, the way an author runs it,
on a copy in a temporary folder (the repository's own `.scrolly-cache/` and `dist/`
are never touched). Times are medians of several runs; memory is the peak of the
whole process tree (the build and its chart workers). The results go to
bench/RESULTS.md (or --output) and the scaling plot to bench/scaling.png.
No figure here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402  (bench/generate.py, beside this file)

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
MKDOCS_VENV = BENCH / ".venv-mkdocs"
MKDOCS_PIN = "mkdocs==1.6.1"
PROJECT_FILES = ("site.toml", "content", "charts", "templates")
SIZES = {
    "chapters": (10, 100, 1000),
    "charts": (1, 10, 50),
    "rows": (1_000, 10_000, 100_000),
}
QUICK_SIZES = {"chapters": (10,), "charts": (1,), "rows": (1_000,)}
JOBS_CHARTS, QUICK_JOBS_CHARTS = 50, 4
LONG_RUN = 20.0  # seconds: a case whose first run takes longer is run only once
GZIP_LEVEL = 6  # what web servers commonly use
BUDGETS = {"second build": "≤ 10 % of the cold build", "1,000 chapters": "≤ 25 % of mkdocs's time", "2 workers": "≥ 1.6× faster than 1", "first paint": "≤ 100 KB gzip"}
TITLE = "# Benchmark results"
MARKER_START, MARKER_END = "<!-- bench/run.py writes from here -->", "<!-- bench/run.py writes up to here -->"


# -- running and measuring one process ----------------------------------------------------


@dataclass(frozen=True)
class Run:
    seconds: float
    memory_mb: float  # peak proportional set size of the whole process tree, sampled
    largest_mb: float  # ru_maxrss: the largest single process of the tree
    cpu_seconds: float = 0.0  # user + system time of the whole tree, sampled
    busiest_cpu_seconds: float = 0.0  # the same for its busiest single process
    output: str = ""


@dataclass
class Case:
    """One measured case: the median of its runs."""

    label: str
    size: int
    tool: str
    runs: list[Run] = field(default_factory=list)
    error: str = ""  # why the case could not be measured (the build failed)

    @property
    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def memory_mb(self) -> float:
        return statistics.median(run.memory_mb for run in self.runs)

    @property
    def largest_mb(self) -> float:
        return statistics.median(run.largest_mb for run in self.runs)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(run.cpu_seconds for run in self.runs)

    @property
    def busiest_cpu_seconds(self) -> float:
        return statistics.median(run.busiest_cpu_seconds for run in self.runs)


def measure(command: list[str], cwd: Path = REPO, env: dict | None = None, sample: bool = True) -> Run:
    """Run a command to its end; its wall time, peak memory and CPU time, or RuntimeError with its output.

    Without `sample`, memory and CPU time come from the process alone (ru_maxrss): reading
    the whole tree's memory every 50 ms takes a share of a core the build would use.
    """
    log = tempfile.TemporaryFile()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=os.environ | (env or {}))
    peak, cpu_ticks, done = 0, {}, threading.Event()

    def sample_memory():
        nonlocal peak
        while not done.wait(0.05):
            pss, ticks = _sample_tree(process.pid)
            peak = max(peak, pss)
            for child, used in ticks.items():
                cpu_ticks[child] = max(used, cpu_ticks.get(child, 0))

    sampler = threading.Thread(target=sample_memory if sample else lambda: None, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)  # returns the moment the build ends: the sampler's pauses do not count
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    log.seek(0)
    output = log.read().decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed ({process.returncode}):\n{output[-3000:]}")
    cpu_ticks[process.pid] = max(cpu_ticks.get(process.pid, 0), (usage.ru_utime + usage.ru_stime) * CLOCK_TICKS)
    largest = usage.ru_maxrss / 1024
    memory = max(peak / 1024, largest)  # a process that ends between two samples is seen by ru_maxrss only
    return Run(seconds, memory, largest, sum(cpu_ticks.values()) / CLOCK_TICKS, max(cpu_ticks.values()) / CLOCK_TICKS, output)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _sample_tree(root: int) -> tuple[int, dict[int, int]]:
    """Proportional set size (kB, shared pages counted once) of a process and its descendants, and each one's CPU ticks."""
    parents, ticks = {}, {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
                ticks[int(entry.name)] = int(fields[11]) + int(fields[12])
            except (OSError, IndexError, ValueError):
                pass
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier += children
    total = 0
    for pid in tree:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            total += int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1))
        except (OSError, AttributeError):
            pass
    return total, {pid: ticks[pid] for pid in tree if pid in ticks}


def repeat(case: Case, runs: int, once, before=None) -> Case:
    """Run `once` up to `runs` times (once only when the first run is long); `before` resets state.

    A run that fails ends the case: its error is kept for the report and the suite goes on.
    """
    for index in range(runs):
        if before:
            before()
        try:
            case.runs.append(once())
        except RuntimeError as err:
            case.error = next((line for line in str(err).splitlines()[1:] if line.strip()), str(err))
            break
        if index == 0 and case.runs[0].seconds > LONG_RUN:
            break
    return case


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


def user_cache() -> Path:
    """The user cache every build of the benchmark uses (main() points XDG_CACHE_HOME into the work folder)."""
    return Path(os.environ["XDG_CACHE_HOME"])


# -- the machine ------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
    memory = re.search(r"^MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text(), re.M)
    packages = ", ".join(f"{name} {_version(name)}" for name in ("altair", "vl-convert-python", "jinja2", "markdown-it-py", "mdit-py-plugins"))
    return {
        "CPU": cpu.group(1) if cpu else platform.processor(),
        "cores (nproc)": str(os.cpu_count()),
        "memory": f"{int(memory.group(1)) / 1024**2:.1f} GiB" if memory else "?",
        "system": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "packages": packages,
        "mkdocs": _mkdocs_version() or "not installed",
        "Hugo": _hugo_version() or "not installed",
    }


def _version(name: str) -> str:
    try:
        return version(name)
    except Exception:
        return "?"


def _mkdocs_version() -> str | None:
    mkdocs = MKDOCS_VENV / "bin" / "mkdocs"
    if not mkdocs.exists():
        return None
    result = subprocess.run([str(mkdocs), "--version"], capture_output=True, text=True)
    found = re.search(r"version (\S+)", result.stdout)
    return found.group(1) if found else None


def _hugo_version() -> str | None:
    hugo = shutil.which("hugo")
    if not hugo:
        return None
    found = re.search(r"v(\d+\.\d+\.\d+)", subprocess.run([hugo, "version"], capture_output=True, text=True).stdout)
    return found.group(1) if found else None


def ensure_mkdocs(quick: bool, notes: list[str]) -> Path | None:
    """The benchmark's own mkdocs, in bench/.venv-mkdocs (created when missing, except with --quick)."""
    mkdocs = MKDOCS_VENV / "bin" / "mkdocs"
    if mkdocs.exists():
        return mkdocs
    if quick:
        notes.append(f"mkdocs was not measured: it is not installed in {os.path.relpath(MKDOCS_VENV, REPO)} (a full run installs it).")
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
        notes.append(f"The shipped story does not build yet, so the fixture tests/fixtures/basic stands in for it:\n\n```\n{str(err)[-800:]}\n```")
    shutil.rmtree(site)
    shutil.copytree(REPO / "tests" / "fixtures" / "basic", site, ignore=shutil.ignore_patterns(".scrolly-cache", "dist"))
    make_new_machine(site, out)()
    return site, "tests/fixtures/basic (the shipped story did not build)", measure(build_command(site, out))


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


def scaling(work: Path, sizes: dict, runs: int, mkdocs: Path | None, hugo: str | None) -> list[Case]:
    """Cold builds of generated projects; for the chapter series also warm builds, mkdocs and Hugo."""
    writers = {"chapters": generate.write_chapters_project, "charts": generate.write_charts_project, "rows": generate.write_rows_project}
    cases = []
    for series, counts in sizes.items():
        for count in counts:
            site = writers[series](work / f"{series}-{count}", count)
            out = work / f"{series}-{count}-dist"
            print(f"  {series} {count}: scrolly", flush=True)
            cases.append(repeat(Case(series, count, "scrolly"), runs, lambda: measure(build_command(site, out)), make_cold(site, out)))
            if series != "chapters" or cases[-1].error:
                continue
            cases.append(repeat(Case(series, count, "scrolly, chart cached"), runs, lambda: measure(build_command(site, out))))
            if mkdocs:
                print(f"  {series} {count}: mkdocs", flush=True)
                project = generate.write_mkdocs_project(work / f"mkdocs-{count}", site / "content")
                command = [str(mkdocs), "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(project / "site")]
                cases.append(repeat(Case(series, count, "mkdocs"), runs, lambda: measure(command, cwd=project)))
            if hugo:
                print(f"  {series} {count}: Hugo", flush=True)
                project = generate.write_hugo_project(work / f"hugo-{count}", site / "content")
                command = [hugo, "--quiet", "--source", str(project), "--destination", str(project / "public")]
                cases.append(repeat(Case(series, count, "Hugo"), runs, lambda: measure(command, cwd=project)))
    return cases


JOBS_SCRIPT = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
from scrolly.build import requested_states
from scrolly.charts import chart_paths, compile_charts
from scrolly.config import load_config
from scrolly.content import read_chapters
root = Path({site!r})
states = requested_states(read_chapters(load_config(root)))
started = time.perf_counter()
compile_charts(chart_paths(root), states, None, False, jobs={jobs})
print(json.dumps({{"seconds": time.perf_counter() - started}}))
"""


def workers(work: Path, charts: int, runs: int) -> list[Case]:
    """compile_charts with 1 and 2 workers, each in a fresh process (the pool is sized at first use)."""
    site = generate.write_charts_project(work / f"jobs-{charts}", charts)
    cases = []
    for jobs in (1, 2):
        print(f"  {charts} charts, {jobs} worker(s)", flush=True)
        script = JOBS_SCRIPT.format(repo=str(REPO), site=str(site), jobs=jobs)

        def once():
            timed = measure([sys.executable, "-c", script], sample=False)  # both cores busy: the sampler would slow the run
            sampled = measure([sys.executable, "-c", script])
            return Run(json.loads(timed.output.strip().splitlines()[-1])["seconds"], sampled.memory_mb, sampled.largest_mb, sampled.cpu_seconds, sampled.busiest_cpu_seconds)

        cases.append(repeat(Case("workers", jobs, f"{jobs} worker{'s' if jobs > 1 else ''}"), runs, once))
    return cases


STAGES_SCRIPT = """
import time
t0 = time.perf_counter()
import json, sys
from pathlib import Path
sys.path.insert(0, {repo!r})
import scrolly.build as build, scrolly.charts as charts
from scrolly.config import load_config
from scrolly.content import read_chapters
def ms():
    return (time.perf_counter() - t0) * 1000
timeline = [["import scrolly (main process)", 0.0, ms()]]
def timed(label, function, then=lambda result: result):
    def wrapper(*args, **kwargs):
        start = ms(); result = function(*args, **kwargs)
        timeline.append([label, start, ms()])
        return then(result)
    return wrapper
build.check_output = timed("check the output folder", build.check_output)
build.load_config = timed("read the config (site.toml)", build.load_config)
build.start_charts = timed("start the charts (read the cache, send the rest to workers)", build.start_charts)
build.start_vega_runtime = timed("start the Vega runtime (from the user cache, else bundled in a worker)", build.start_vega_runtime,
                                 lambda wait: timed("wait for the Vega runtime", wait))
build.read_chapters = timed("read chapters (markdown-it)", build.read_chapters)
charts.PendingCharts.finish = timed("wait for the charts, draw their first states", charts.PendingCharts.finish)
build.render_site = timed("render pages (Jinja2)", build.render_site)
build.write_site = timed("write files", build.write_site)
root, out = Path({site!r}), Path({out!r})
build.build_site(root, out)
timeline.sort(key=lambda span: span[1])
detail = {{}}
if {detail}:
    import vl_convert as vlc
    for name in ("vegalite_to_vega", "vega_to_svg", "svg_to_png"):
        def timed_vlc(*args, _f=getattr(vlc, name), _n=name, **kwargs):
            t = time.perf_counter(); result = _f(*args, **kwargs)
            detail[f"vl-convert {{_n}}"] = detail.get(f"vl-convert {{_n}}", 0) + time.perf_counter() - t
            return result
        setattr(vlc, name, timed_vlc)
    run_module, smaller_svg = charts._run_module, charts.smaller_svg
    def timed_module(*args):
        t = time.perf_counter(); result = run_module(*args)
        detail["run chart modules (chart())"] = detail.get("run chart modules (chart())", 0) + time.perf_counter() - t
        if result[0] is not None:
            def to_dict(*a, _f=result[0].to_dict, **k):
                t = time.perf_counter(); spec = _f(*a, **k)
                detail["Altair to_dict (schema validation)"] = detail.get("Altair to_dict (schema validation)", 0) + time.perf_counter() - t
                return spec
            object.__setattr__(result[0], "to_dict", to_dict)
        return result
    def timed_svg(svg):
        t = time.perf_counter(); result = smaller_svg(svg)
        detail["smaller_svg"] = detail.get("smaller_svg", 0) + time.perf_counter() - t
        return result
    charts._run_module, charts.smaller_svg = timed_module, timed_svg
    paths, states = charts.chart_paths(root), build.requested_states(read_chapters(load_config(root)))
    t = time.perf_counter()
    for name, path in paths.items():
        charts.compile_chart(name, path, states.get(name, []))
    detail["total, one process"] = time.perf_counter() - t
    snippet = charts.VEGA_SNIPPET.format(version=vlc.get_vega_version())
    t = time.perf_counter()
    charts._bundle(snippet)
    detail["vl-convert javascript_bundle (the Vega runtime; cached per user)"] = time.perf_counter() - t
print(json.dumps({{"timeline": timeline, "detail": detail}}))
"""


def stages(site: Path, out: Path, detail: bool) -> dict:
    """A timeline of one cold build's stages in the main process (and, with detail, what chart compilation spends its time on).

    The project cache is removed, the user cache is left warm: the cold build an author
    usually meets. The stages overlap (workers compile while the main process reads), so
    each is recorded by its start and end rather than by a duration.
    """
    shutil.rmtree(site / ".scrolly-cache", ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    script = STAGES_SCRIPT.format(repo=str(REPO), site=str(site), out=str(out), detail=detail)
    try:
        run = measure([sys.executable, "-c", script])
    except RuntimeError as err:
        return {"error": next((line for line in reversed(str(err).splitlines()) if line.strip()), str(err))}
    result = json.loads(run.output.strip().splitlines()[-1])
    result["whole process"] = run.seconds
    return result


IMPORTED = ("jinja2", "markdown_it", "mdit_py_plugins", "scrolly.cli", "scrolly.build", "altair", "vl_convert")


def import_times() -> list[tuple[str, float]]:
    """What importing each package costs, in ms, in the order a build loads them (python -X importtime).

    The main process imports scrolly and, lazily, vl_convert; the fork server imports altair
    and vl_convert once for all chart workers.
    """
    code = "; ".join(f"import {name}" for name in IMPORTED)
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=REPO, capture_output=True, text=True)
    found = {}
    for line in result.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit() and parts[2].strip() in IMPORTED and not parts[2].startswith("  "):
            found[parts[2].strip()] = int(parts[1]) / 1000
    return [(name, found.get(name, 0.0)) for name in IMPORTED]


# -- page weight --------------------------------------------------------------------------


class FirstPaint(HTMLParser):
    """The files a browser needs before it can paint: stylesheets, module scripts, the first chart image."""

    def __init__(self):
        super().__init__()
        self.stylesheets, self.scripts, self.first_image = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        elif tag == "img" and self.first_image is None and (attrs.get("src") or "").startswith("charts/"):
            self.first_image = attrs["src"]


KINDS = {".html": "HTML", ".css": "CSS", ".js": "JS", ".svg": "images", ".png": "images", ".jpg": "images", ".webp": "images", ".woff2": "fonts", ".woff": "fonts", ".ttf": "fonts", ".otf": "fonts"}


def gz(data: bytes) -> int:
    return len(gzip.compress(data, GZIP_LEVEL, mtime=0))


def page_weight(dist: Path) -> dict:
    """Bytes of the built site by kind, raw and gzip; and what the first paint needs."""
    kinds: dict[str, list[int]] = {kind: [0, 0, 0] for kind in ("HTML", "CSS", "JS", "images", "fonts")}
    for path in sorted(p for p in dist.rglob("*") if p.is_file() and not p.name.startswith(".")):
        data = path.read_bytes()
        kind = KINDS.get(path.suffix, "data (JSON, CSV)" if path.suffix in (".json", ".csv") else "other")
        totals = kinds.setdefault(kind, [0, 0, 0])
        totals[0] += 1
        totals[1] += len(data)
        totals[2] += gz(data)
    parser = FirstPaint()
    html = (dist / "index.html").read_bytes()
    parser.feed(html.decode())
    needed = [("index.html", gz(html))]
    for url in [*parser.stylesheets, *parser.scripts, *([parser.first_image] if parser.first_image else [])]:
        needed.append((url, gz((dist / url).read_bytes())))
    return {"kinds": kinds, "first_paint": needed, "lazy": [el for el in re.findall(r'data-vega="([^"]+)"', html.decode())]}


# -- the report ---------------------------------------------------------------------------


def growth(cases: list[Case], unit: str) -> str:
    """How time grows with size: the cost of each extra item between consecutive sizes."""
    if len(cases) < 2:
        return "one size only: no growth to judge."
    steps = [(small, large, (large.seconds - small.seconds) / (large.size - small.size) * 1000) for small, large in zip(cases, cases[1:])]
    described = "; ".join(f"{s.size:,} → {l.size:,}: {ms:+.2f} ms per extra {unit}" for s, l, ms in steps)
    first_small, first_large, first = steps[0]
    last = steps[-1][2]
    measurable = first_large.seconds - first_small.seconds > NOISE
    if len(steps) > 1 and measurable and last > 1.5 * first:
        verdict = "**worse than linear**: each extra item costs more at the larger size"
    elif len(steps) > 1 and not measurable:
        verdict = f"linear or better: the smaller sizes differ by less than the noise ({NOISE:.2f} s), fixed costs dominate them"
    else:
        verdict = "linear or better"
    return f"{verdict} ({described})."


NOISE = 0.25  # seconds: differences below this are within run-to-run noise on a shared machine


def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def runs_note(case: Case, wanted: int) -> str:
    return "" if len(case.runs) >= wanted else f" ({len(case.runs)} run)"


def kb(size: int) -> str:
    return f"{size / 1024:,.1f} KB"


def report(results: dict, args) -> str:
    lines = [MARKER_START, TITLE, ""]
    lines += [
        f"Written by `python bench/run.py{' --quick' if args.quick else ''}` on {time.strftime('%Y-%m-%d %H:%M')} "
        f"in {results['total_seconds']:.0f} s. Times are medians of {args.runs} runs (a case whose first run took over "
        f"{LONG_RUN:.0f} s ran once: marked \"1 run\"); every build is `python build.py` in a fresh process, timed from start to exit. "
        "Memory is the peak of the whole process tree (the build, the fork server and the chart workers), as proportional set size "
        "sampled every 50 ms (shared pages counted once; for a process too short to sample, its `ru_maxrss`); \"largest process\" is `ru_maxrss` of the biggest single process; "
        "CPU time is user + system time of the whole tree (sampled, approximate). "
        "Every build uses a user cache (`XDG_CACHE_HOME`) in the benchmark's temporary folder, never `~/.cache`: once the first build has "
        "filled it, it holds the Vega runtime, so a \"cold\" build has no `.scrolly-cache/` and no output but finds the runtime there. "
        "No figure here is a pass/fail test.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {key} | {value} |" for key, value in results["machine"].items()]
    lines += [""]
    if results["notes"]:
        lines += ["Notes on this run:", ""] + [f"- {note}" for note in results["notes"]] + [""]

    new_machine, cold, second = results["new machine"], results["cold"], results["second"]
    share = second.seconds / cold.seconds * 100
    lines += [
        "## The shipped story",
        "",
        f"Project: {results['project']}.",
        "",
        "| build | time | CPU time | memory (tree) | largest process |",
        "|---|---|---|---|---|",
        f"| first build on a new machine (no project cache, no user cache) | {fmt_s(new_machine.seconds)} | {fmt_s(new_machine.cpu_seconds)} | {new_machine.memory_mb:.0f} MB | {new_machine.largest_mb:.0f} MB |",
        f"| cold (no `.scrolly-cache/`, no output; the user cache holds the Vega runtime) | {fmt_s(cold.seconds)} | {fmt_s(cold.cpu_seconds)} | {cold.memory_mb:.0f} MB | {cold.largest_mb:.0f} MB |",
        f"| second, nothing changed | {fmt_s(second.seconds)} ({share:.0f} % of cold; budget {BUDGETS['second build']}) | {fmt_s(second.cpu_seconds)} | {second.memory_mb:.0f} MB | {second.largest_mb:.0f} MB |",
        "",
    ]
    lines += profile_section(results)
    lines += scaling_section(results, args)
    lines += workers_section(results)
    lines += weight_section(results)
    lines += [MARKER_END]
    return "\n".join(lines) + "\n"


def profile_section(results: dict) -> list[str]:
    profile = results["profile"]
    if "error" in profile:
        return ["### Where the cold build's time goes", "", f"The profile failed: {profile['error']}", ""]
    lines = [
        "### Where the cold build's time goes",
        "",
        f"One cold build (`build_site`, no `.scrolly-cache/`, the user cache warm) in a fresh process, each stage of the main process "
        f"timed from the start of the process (whole process {profile['whole process']:.2f} s{', including the second pass below' if profile['detail'] else ''}). "
        "Chart workers, separate processes, compile the charts while the main process reads the chapters, so stages overlap: "
        "the build's total is the \"to\" of the last row, not the sum of the times.",
        "",
        "| stage (main process) | from | to | time |",
        "|---|---|---|---|",
    ]
    lines += [f"| {name} | {start:,.0f} ms | {end:,.0f} ms | {end - start:,.0f} ms |" for name, start, end in profile["timeline"]]
    if profile["detail"]:
        lines += [
            "",
            "Inside chart compilation (every chart once more, in one process, no workers), and bundling the Vega runtime once:",
            "",
            "| step | time |",
            "|---|---|",
        ]
        lines += [f"| {name} | {seconds * 1000:,.0f} ms |" for name, seconds in profile["detail"].items()]
    lines += ["", "Imports, each on top of the ones before it (`python -X importtime`; altair and vl_convert are imported by the fork server that starts the chart workers, scrolly and jinja2 by the main process):", ""]
    lines += ["| module | time |", "|---|---|"] + [f"| `{name}` | {ms:.0f} ms |" for name, ms in results["imports"]]
    lines += [""]
    return lines


def timeline(profile: dict) -> str:
    """A profile's stages on one line: each with its start and end."""
    return ", ".join(f"{name} {start:,.0f}–{end:,.0f} ms" for name, start, end in profile["timeline"])


def scaling_section(results: dict, args) -> list[str]:
    cases = results["scaling"]
    lines = [
        "## Scaling",
        "",
        "Generated projects (bench/generate.py): chapters of realistic Markdown (headings, paragraphs, lists, a link, emphasis; "
        "about 400 words), every fifth with a scrolly section of three steps. Cold builds (no `.scrolly-cache/`, no output; the user cache warm) unless marked "
        "\"chart cached\". Plot: `bench/scaling.png`.",
        "",
    ]
    titles = {
        "chapters": ("Chapters (one small chart)", "chapter"),
        "charts": ("Charts (10 chapters, each chart in one scrolly section)", "chart"),
        "rows": ("Rows of data in one line chart (3 chapters)", "row"),
    }
    for series, (title, unit) in titles.items():
        series_cases = [c for c in cases if c.label == series]
        if not series_cases:
            continue
        tools = list(dict.fromkeys(c.tool for c in series_cases))
        lines += [f"### {title}", ""] + ([SERIES_NOTES[series], ""] if series in SERIES_NOTES else [])
        lines += ["| size | " + " | ".join(tools) + " |", "|---|" + "---|" * len(tools)]
        for size in dict.fromkeys(c.size for c in series_cases):
            cells = []
            for tool in tools:
                case = next((c for c in series_cases if c.size == size and c.tool == tool), None)
                if case is None:
                    cells.append("–")
                elif case.error:
                    cells.append(f"failed: {case.error}")
                else:
                    cells.append(f"{fmt_s(case.seconds)}, {case.memory_mb:.0f} MB{runs_note(case, args.runs)}")
            lines.append(f"| {size:,} | " + " | ".join(cells) + " |")
        lines += [""]
        for tool in [t for t in tools if t.startswith("scrolly")]:
            lines += [f"Growth of the {tool} build: {growth([c for c in series_cases if c.tool == tool and not c.error], unit)}", ""]
        if series == "chapters":
            lines += comparison(series_cases)
        if results["series_profiles"].get(series):
            profile = results["series_profiles"][series]
            if "error" in profile:
                lines += [f"The profile of the largest case that built ({profile['size']:,}) failed: {profile['error']}", ""]
                continue
            lines += [f"Stages of the largest case that built ({profile['size']:,}; one cold build; the main process's stages, timed from its start, overlap): {timeline(profile)}."]
            if profile["detail"]:
                lines += ["Inside its chart compilation (one process, no workers), and bundling the Vega runtime: " + ", ".join(f"{name} {seconds * 1000:,.0f} ms" for name, seconds in profile["detail"].items()) + "."]
            lines += [""]
    return lines


SERIES_NOTES = {
    "rows": "The marker rule is drawn once; until 2026-11-29 the generated chart drew it once per row (100,000 overlapping rules), "
    "which made the 100,000-row case 17.4 s and 652 MB.",
}


def comparison(cases: list[Case]) -> list[str]:
    lines = []
    for size in dict.fromkeys(c.size for c in cases):
        at = {c.tool: c for c in cases if c.size == size and not c.error}
        if "scrolly" not in at or "scrolly, chart cached" not in at:
            continue
        ratios = []
        for other in ("mkdocs", "Hugo"):
            if other in at:
                cold = at["scrolly"].seconds / at[other].seconds
                warm = at["scrolly, chart cached"].seconds / at[other].seconds
                ratios.append(f"scrolly / {other} = {cold:.2f} (chart cached: {warm:.2f})")
        if ratios:
            lines.append(f"- {size:,} chapters: " + "; ".join(ratios))
    if lines:
        lines = ["Time ratios (budget at 1,000 chapters: scrolly / mkdocs ≤ 0.25). mkdocs and Hugo write one page per chapter with their "
                 "own layout (mkdocs: default theme and search index; Hugo: a two-template layout written by the benchmark); scrolly writes "
                 "one story page plus its charts, assets and embeds.", ""] + lines + [""]
    return lines


def workers_section(results: dict) -> list[str]:
    one, two = results["workers"]
    speedup = one.seconds / two.seconds
    charts = results["workers_charts"]
    return [
        "## Chart workers",
        "",
        f"`compile_charts(..., jobs=N)` on {charts} generated charts, no cache, each N in a fresh process (at most N workers, started "
        "as needed); the time includes starting them. Times come from runs without the memory sampler, which would take a share of "
        "the cores both workers use; memory and CPU time from a second, sampled run.",
        "",
        "| workers | time | CPU time (whole process tree) | memory (tree) |",
        "|---|---|---|---|",
        f"| 1 | {fmt_s(one.seconds)} | {fmt_s(one.cpu_seconds)} | {one.memory_mb:.0f} MB |",
        f"| 2 | {fmt_s(two.seconds)} | {fmt_s(two.cpu_seconds)} | {two.memory_mb:.0f} MB |",
        "",
        f"Speed-up with 2 workers on {os.cpu_count()} cores: {speedup:.2f}× (budget {BUDGETS['2 workers']}). "
        "If each process had a core to itself, a run would last about as long as its busiest process's CPU time: "
        f"{fmt_s(one.busiest_cpu_seconds)} with 1 worker, {fmt_s(two.busiest_cpu_seconds)} with 2, "
        f"a speed-up of {one.busiest_cpu_seconds / two.busiest_cpu_seconds:.2f}× (an estimate that other work on the machine affects less).",
        "",
    ] + ([f"Other processes were using the cores during this run (load average {results['load_before']:.2f} at its start), "
          "so the measured speed-up understates what 2 idle cores give.", ""] if results["load_before"] > 0.5 else [])


def weight_section(results: dict) -> list[str]:
    weight = results["weight"]
    lines = [
        "## Page weight of the shipped story",
        "",
        f"Every file of the built site (gzip level {GZIP_LEVEL}). It includes the embed pages, every state's SVG and the 2× PNGs, "
        "which a reader of the story does not all download.",
        "",
        "| kind | files | raw | gzip |",
        "|---|---|---|---|",
    ]
    for kind, (count, raw, zipped) in weight["kinds"].items():
        lines.append(f"| {kind} | {count} | {kb(raw)} | {kb(zipped)} |")
    count, raw, zipped = (sum(sizes[i] for sizes in weight["kinds"].values()) for i in range(3))
    lines.append(f"| all | {count} | {kb(raw)} | {kb(zipped)} |")
    total = sum(size for _, size in weight["first_paint"])
    lines += [
        "",
        f"Before first paint (HTML, stylesheets, scripts loaded by the page, the first chart's SVG), gzip: **{kb(total)}** (budget {BUDGETS['first paint']}).",
        "",
        "| file | gzip |",
        "|---|---|",
    ] + [f"| `{url}` | {kb(size)} |" for url, size in weight["first_paint"]]
    if weight["lazy"]:
        lines += ["", "Loaded after first paint, when a chart first moves: " + ", ".join(f"`{url}`" for url in weight["lazy"]) + "."]
    return lines + [""]


def write_report(text: str, output: Path) -> None:
    """Write our part of the report; keep whatever else is in the file (the live reload section)."""
    existing = output.read_text(encoding="utf-8") if output.exists() else ""
    if MARKER_START in existing and MARKER_END in existing:
        before, rest = existing.split(MARKER_START, 1)
        after = rest.split(MARKER_END, 1)[1]
        text = before + text.rstrip("\n") + after
    elif existing.strip():
        text = text + "\n" + existing.removeprefix(TITLE + "\n").lstrip("\n")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")


def plot(cases: list[Case], path: Path) -> None:
    """Time and memory against size, one column per series, scrolly beside mkdocs and Hugo."""
    import altair as alt
    import vl_convert as vlc

    names = {"chapters": "chapters", "charts": "charts", "rows": "rows of data"}
    rows = []
    for case in [c for c in cases if not c.error]:
        rows.append({"series": names[case.label], "size": case.size, "tool": case.tool, "measure": "time (s)", "value": round(case.seconds, 3)})
        rows.append({"series": names[case.label], "size": case.size, "tool": case.tool, "measure": "memory (MB)", "value": round(case.memory_mb, 1)})
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_line(point=True)
        .encode(
            x=alt.X("size:Q", scale=alt.Scale(type="log"), title="size"),
            y=alt.Y("value:Q", scale=alt.Scale(type="log"), title=None),
            color=alt.Color("tool:N", title=None, legend=alt.Legend(orient="top")),
            strokeDash=alt.StrokeDash("tool:N", legend=None),
        )
        .properties(width=220, height=170)
        .facet(column=alt.Column("series:N", title=None, sort=list(names.values())), row=alt.Row("measure:N", title=None, sort=["time (s)", "memory (MB)"]))
        .resolve_scale(x="independent", y="independent")
        .properties(title="scrolly build: time and memory against size (log scales)")
    )
    path.write_bytes(vlc.vegalite_to_png(chart.to_dict(), scale=2))


# -- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smallest sizes only, one run each (the CI smoke test); mkdocs and Hugo only if installed")
    parser.add_argument("--runs", type=int, default=None, help="runs per case (default 3; 1 with --quick)")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md", help="the report (default: bench/RESULTS.md); the plot goes beside it as scaling.png")
    args = parser.parse_args(argv)
    args.runs = args.runs or (1 if args.quick else 3)
    started = time.perf_counter()
    notes: list[str] = []
    results: dict = {"machine": machine(), "notes": notes, "series_profiles": {}}
    load_before = results["load_before"] = os.getloadavg()[0]
    sizes = QUICK_SIZES if args.quick else SIZES
    mkdocs = ensure_mkdocs(args.quick, notes)
    hugo = find_hugo(notes)
    results["machine"]["mkdocs"] = _mkdocs_version() or "not installed"
    with tempfile.TemporaryDirectory(prefix="scrolly-bench-") as folder:
        work = Path(folder)
        os.environ["XDG_CACHE_HOME"] = str(work / "user-cache")
        print("shipped story: first, cold and second builds", flush=True)
        site, results["project"], first = shipped_project(work, work / "story-dist", notes)
        results["new machine"], results["cold"], results["second"] = cold_and_second(site, work / "story-dist", first, args.runs)
        results["weight"] = page_weight(work / "story-dist")
        print("shipped story: profile", flush=True)
        results["profile"] = stages(site, work / "profile-dist", detail=not args.quick)
        results["imports"] = import_times()
        print("scaling", flush=True)
        results["scaling"] = scaling(work, sizes, args.runs, mkdocs, hugo)
        if not args.quick:
            print("profiles of the largest cases", flush=True)
            for series in ("chapters", "rows"):
                built = [c.size for c in results["scaling"] if c.label == series and c.tool == "scrolly" and not c.error]
                if built:
                    profile = stages(work / f"{series}-{built[-1]}", work / f"profile-{series}", detail=series == "rows")
                    results["series_profiles"][series] = profile and profile | {"size": built[-1]}
        print("chart workers", flush=True)
        results["workers_charts"] = QUICK_JOBS_CHARTS if args.quick else JOBS_CHARTS
        results["workers"] = workers(work, results["workers_charts"], args.runs)
    results["total_seconds"] = time.perf_counter() - started
    results["machine"]["load average (1 min) before / after (after includes the benchmark's own builds)"] = f"{load_before:.2f} / {os.getloadavg()[0]:.2f}"
    if load_before > 0.5 * (os.cpu_count() or 1):
        notes.append("Other work was running on this machine when the run started (see the load average): times are slower and noisier than on an idle machine; CPU times are less affected.")
    write_report(report(results, args), args.output)
    plot(results["scaling"], args.output.parent / "scaling.png")
    print(f"wrote {args.output} and {args.output.parent / 'scaling.png'} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
