"""Stage 3: run each chart module and compile its chart with vl-convert.

`charts/<name>.py` defines `chart()` returning an Altair chart. Compilation gives the
Vega-Lite spec, the Vega spec the browser runs, a PNG, and one static SVG per state the
chapters ask for (the first paint, and what readers without JavaScript see). Results
are cached by the content of the module, the data folder and the tool versions.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import functools
import hashlib
import importlib.util
import json
import os
import re
import sys
import traceback
from concurrent.futures import as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .problems import Problem, ProjectError
from .svg import smaller_svg
from .theme import themed_spec, untitled, with_fallback_colors

if TYPE_CHECKING:
    from .workers import Task, Workers

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
VALIDATE_ROWS = 5_000  # rows past which only a sample of the data is schema-checked
MAX_SVG_BYTES = 300_000  # past this, first paint uses a PNG: thousands of marks make SVGs huge
TIME_LIMIT = float(os.environ.get("SCROLLY_CHART_TIME_LIMIT", 60))  # seconds one chart may take
WORKER_MEMORY = float(os.environ.get("SCROLLY_WORKER_MEMORY_MB", 300)) * 2**20  # a worker that has held more is replaced after its task


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "string", "number", "boolean", "date", "string or null", "value"
    default: object

    def problem_with(self, value: object) -> str | None:
        """Why `value` cannot be given to this param, or None if it can."""
        kind = {bool: "boolean", int: "number", float: "number", str: "string", type(None): "null"}[type(value)]
        if self.kind == "date":
            if kind == "string" and DATE.match(value):
                return None
            return f"param '{self.name}' takes a date like \"2023-07-11\", got {json.dumps(value)}"
        if self.kind == "string or null" and kind in ("string", "null"):
            return None
        if self.kind in (kind, "value"):
            return None
        return f"param '{self.name}' takes a {self.kind}, got {json.dumps(value)} ({kind})"


@dataclass(frozen=True)
class Chart:
    name: str
    path: Path
    title: str
    description: str
    source: str
    params: dict
    vega_lite: dict
    vega: dict
    width: int
    height: int
    png: bytes
    table: list | None
    svg: str  # the default state, for downloads
    picture_type: str = "svg"  # the first-paint pictures: "svg", or "png" when an SVG would be too big
    pictures: dict = field(default_factory=dict)  # state key -> first-paint picture (bytes)
    inputs: tuple = ()  # the files under charts/ the module read (its data), relative to charts/
    from_cache: bool = False

    def picture(self, values: dict) -> bytes:
        return self.pictures[state_key(values)]


def state_key(values: dict) -> str:
    return json.dumps(values, sort_keys=True, ensure_ascii=False)


def chart_paths(root: Path) -> dict[str, Path]:
    folder = root / "charts"
    paths = sorted(folder.glob("*.py")) if folder.is_dir() else []
    return {path.stem: path for path in paths if not path.name.startswith("_")}


def compile_charts(
    paths: dict[str, Path],
    states: dict[str, list[dict]],
    cache: Path | None,
    write_cache: bool = True,
    jobs: int | None = None,
    progress=None,
    preview: bool = False,
    theme: dict | None = None,
) -> dict[str, Chart]:
    """Compile every chart (in parallel when there are several); raise ProjectError with all problems."""
    return start_charts(paths, cache, write_cache, jobs, preview, theme).finish(states, progress)


def start_charts(paths: dict[str, Path], cache: Path | None, write_cache: bool = True, jobs: int | None = None, preview: bool = False, theme: dict | None = None) -> PendingCharts:
    """Take what the cache holds and start compiling the other charts in worker processes, without waiting.

    The build reads its chapters meanwhile; only then does it know the states (first
    steps, figures) that need pictures, and it hands them to PendingCharts.finish.
    A preview (the dev server) skips the 2x PNG and the pictures of step states, which
    take most of a chart's time; a later full build adds them to the cached chart.
    `theme` (scrolly.theme's chart tokens) is laid under every chart's own config.
    """
    pending = PendingCharts(paths, cache, write_cache, jobs or os.cpu_count() or 1, preview, theme)
    for name, path in paths.items():
        key = _cache_key(path, _recorded_inputs(cache, name), theme)
        chart = _cache_read(cache, name, key)
        if chart is not None:
            pending.cached[name] = (key, chart)
        else:
            pending.compiling[name] = chart_workers(pending.jobs).submit(compile_chart, name, path, [{}], not preview, theme, limit=TIME_LIMIT)
    return pending


@dataclass
class PendingCharts:
    paths: dict[str, Path]
    cache: Path | None
    write_cache: bool
    jobs: int
    preview: bool
    theme: dict | None = None
    cached: dict[str, tuple[str, Chart]] = field(default_factory=dict)  # name -> (cache key, chart)
    compiling: dict[str, Task] = field(default_factory=dict)  # name -> its compile_chart in a worker

    def finish(self, states: dict[str, list[dict]], progress=None) -> dict[str, Chart]:
        """Wait for the charts and draw the states they are first shown in; raise ProjectError with all problems.

        A chart taken from the cache has `from_cache` set, so callers can tell what was redone.
        `progress(done, total)` is called as each chart that needed compiling finishes.
        """
        progress = progress or (lambda done, total: None)
        charts, keys, problems, drawing = {}, {}, [], {}

        def draw_missing(name: str) -> None:
            """Start drawing the chart's states that no cache holds, while other charts still compile."""
            chart = charts[name]
            wanted = [{}] if self.preview else [{}, *states.get(name, [])]
            missing = _read_pictures(self.cache, keys[name], chart, wanted)
            if missing or (not self.preview and not chart.png):
                drawing[name] = (self._draw(name, chart, missing), functools.partial(self._draw, name, chart, missing, held=False))

        for name, (key, chart) in self.cached.items():
            charts[name], keys[name] = chart, key
            draw_missing(name)
        names = {task.future: name for name, task in self.compiling.items()}
        for done, future in enumerate(as_completed(names), 1):
            name = names[future]
            outcome = _outcome(self.compiling[name], self.paths[name])
            if isinstance(outcome, Chart):
                charts[name], keys[name] = outcome, _cache_key(self.paths[name], list(outcome.inputs), self.theme)
                draw_missing(name)
            else:
                problems += outcome
            progress(done, len(self.compiling))
        for name, (task, elsewhere) in drawing.items():
            outcome = _outcome(task, self.paths[name], retry=elsewhere)
            if isinstance(outcome, tuple):
                png, pictures = outcome
                charts[name] = dataclasses.replace(charts[name], png=png, pictures=charts[name].pictures | pictures)
            else:
                problems += outcome
                del charts[name]
        for name, chart in charts.items():
            if chart.from_cache:
                _recent[(name, keys[name])] = chart
            if self.write_cache and (not chart.from_cache or name in drawing):
                _cache_write(self.cache, chart, keys[name])
        if problems:
            raise ProjectError(problems)
        return {name: charts[name] for name in self.paths}

    def _draw(self, name: str, chart: Chart, states: list[dict], held: bool = True) -> Task:
        """Draw states on the worker that compiled the chart (it holds the chart), else send the chart along."""
        png = not self.preview
        compiled = self.compiling.get(name)
        if held and compiled and compiled.worker is not None and chart_workers(self.jobs).running(compiled.worker):
            return chart_workers(self.jobs).submit(draw_held_states, name, states, png, on=compiled.worker, limit=TIME_LIMIT)
        return chart_workers(self.jobs).submit(draw_states, chart, states, png, limit=TIME_LIMIT)


def _outcome(task: Task, path: Path, retry=None):
    """What a worker made of a chart, or the problem that stopped it; `retry()` gives a second task if the worker went away."""
    from .workers import TimeLimitExceeded, WorkerGone

    try:
        return task.result()
    except TimeLimitExceeded:
        return [_timeout(path)]
    except WorkerGone as gone:
        if retry:
            return _outcome(retry(), path)
        return [Problem(path, _line_of_def(path), f"the process compiling the chart stopped ({gone}): did it run out of memory?")]


def chart_workers(jobs: int) -> Workers:
    """The worker processes, which have imported Altair and vl-convert before they start.

    Imported here, not at the top: a build whose charts are all cached starts no worker.
    """
    from .workers import workers

    return workers(jobs, ["scrolly.charts", "altair", "vl_convert"], retire_above=WORKER_MEMORY)


def _timeout(path: Path) -> Problem:
    return Problem(path, 1, f"chart() did not finish within {TIME_LIMIT:g} seconds and was stopped: is it reading a huge file or looping forever?")


def compile_chart(name: str, path: Path, states: list[dict], png: bool = True, theme: dict | None = None) -> Chart | list[Problem]:
    """Run one chart module and compile its chart and the given states."""
    with _recording_reads() as inputs:
        chart, table_function, problems = _run_module(name, path)
    if problems:
        return problems
    import vl_convert as vlc

    try:
        vega_lite = _valid_spec(chart)
    except Exception as err:  # Altair's schema validation explains itself
        return [_invalid_chart_problem(name, path, chart, err)]
    del chart  # its rows are copied into the spec: with 100,000 of them, tens of MB
    problems = _check_metadata(path, vega_lite)
    params = _params(vega_lite)
    title = vega_lite.get("title")
    vega_lite = themed_spec(vega_lite, theme) if theme else vega_lite
    try:
        vega = _shared_rows(vega_lite, vlc.vegalite_to_vega(untitled(vega_lite)))
        svg = smaller_svg(vlc.vega_to_svg(vega))
        png = png_of(svg) if png or len(svg) > MAX_SVG_BYTES else b""
    except Exception as err:
        return [Problem(path, _line_of_def(path), f"vl-convert could not compile the chart: {_first_lines(err)}")]
    with _recording_reads() as more_inputs:
        table, table_problems = _table(table_function, path)
    inputs |= more_inputs
    problems += table_problems
    if problems:
        return problems
    width, height = _svg_size(svg)
    chart_record = Chart(
        name=name,
        path=path,
        title=title["text"] if isinstance(title, dict) else title,
        description=vega_lite["description"],
        source=str((vega_lite.get("usermeta") or {}).get("source", "")),
        params=params,
        vega_lite=vega_lite,
        vega=vega,
        width=width,
        height=height,
        png=png,
        table=table,
        svg=svg,
        picture_type="svg" if len(svg) <= MAX_SVG_BYTES else "png",
        inputs=tuple(sorted(str(p.relative_to(path.resolve().parent)) for p in inputs if p != path.resolve() and p.is_relative_to(path.resolve().parent))),
    )
    _held[name] = render_states(chart_record, states)
    return _held[name]


def _shared_rows(vega_lite: dict, vega: dict) -> dict:
    """The Vega spec, its inline data tables replaced by the equal lists of the Vega-Lite spec.

    Vega-Lite copies inline rows into the Vega spec unchanged; sharing one list halves
    the memory, and the data sent to the build process, of a chart with many rows.
    """
    tables = []

    def collect(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "values" and isinstance(value, list):
                    tables.append(value)
                elif key == "datasets" and isinstance(value, dict):
                    tables.extend(rows for rows in value.values() if isinstance(rows, list))
                else:
                    collect(value)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    collect(vega_lite)
    for entry in vega.get("data", []):
        rows = entry.get("values")
        if isinstance(rows, list):
            entry["values"] = next((table for table in tables if len(table) == len(rows) and table == rows), rows)
    return vega


def _call_quickly(function):
    """Call a chart module's function with Altair's checks at construction turned off.

    Altair checks every object against the schema as it is made, which for 100,000 data
    rows takes longer than everything else together; the whole spec is checked once
    afterwards instead (see _valid_spec).
    """
    from altair.utils.schemapi import debug_mode

    with debug_mode(False):
        return function()


def _invalid_chart_problem(name: str, path: Path, chart, err: Exception) -> Problem:
    """Explain an invalid spec in Altair's words, at the module's line that made it if possible."""
    from altair.utils.schemapi import debug_mode

    with debug_mode(True), _recording_reads():  # Altair then checks each object as it is made
        _, _, problems = _run_module(name, path, check_as_built=True)
    if problems:
        return problems[0]
    try:
        chart.to_dict()  # Altair's own check of the whole chart words it best
    except Exception as altair_err:
        err = altair_err
    return Problem(path, _line_of_def(path), f"the chart is not valid Vega-Lite: {_first_lines(err)}")


def _valid_spec(chart) -> dict:
    """The chart's Vega-Lite spec, checked against the schema.

    Checking every data row takes most of a minute for 100,000 rows, so past
    VALIDATE_ROWS rows the check runs on a copy holding only the first rows.
    """
    from altair.vegalite.v6.schema.core import TopLevelSpec

    spec = chart.to_dict(validate=False)
    TopLevelSpec.validate(spec if _row_count(spec) <= VALIDATE_ROWS else _first_rows(spec, VALIDATE_ROWS))
    return spec


def _row_count(node) -> int:
    if isinstance(node, dict):
        own = len(node["values"]) if isinstance(node.get("values"), list) else 0
        datasets = sum(len(rows) for rows in node.get("datasets", {}).values() if isinstance(rows, list)) if isinstance(node.get("datasets"), dict) else 0
        return own + datasets + sum(_row_count(v) for k, v in node.items() if k not in ("values", "datasets"))
    if isinstance(node, list):
        return sum(_row_count(item) for item in node)
    return 0


def _first_rows(node, limit: int):
    if isinstance(node, dict):
        return {k: (v[:limit] if k == "values" and isinstance(v, list) else
                    {n: rows[:limit] if isinstance(rows, list) else rows for n, rows in v.items()} if k == "datasets" and isinstance(v, dict) else
                    _first_rows(v, limit)) for k, v in node.items()}
    if isinstance(node, list):
        return [_first_rows(item, limit) for item in node]
    return node


_held: dict[str, Chart] = {}  # in a worker: the charts it compiled, until their states are drawn


def draw_held_states(name: str, states: list[dict], png: bool) -> tuple[bytes, dict]:
    """draw_states for a chart this worker compiled, which the build process need not send back."""
    return draw_states(_held.pop(name), states, png)


def draw_states(chart: Chart, states: list[dict], png: bool) -> tuple[bytes, dict]:
    """The chart's 2x PNG (drawn if it lacks one and png is set) and the pictures of these states."""
    chart = render_states(chart, states, png)
    return chart.png, {key: chart.pictures[key] for key in map(state_key, states) if key in chart.pictures}


def render_states(chart: Chart, states: list[dict], png: bool = False) -> Chart:
    """Add a first-paint picture for each state whose values the chart accepts (the others are reported later).

    With png, also the 2x PNG a chart compiled for a preview lacks.
    """
    import vl_convert as vlc

    if png and not chart.png:
        chart = dataclasses.replace(chart, png=png_of(chart.svg))
    for values in states:
        key = state_key(values)
        if key in chart.pictures or any(_value_problem(chart, n, v) for n, v in values.items()):
            continue
        if chart.picture_type == "svg":
            svg = chart.svg if not values else smaller_svg(vlc.vega_to_svg(with_values(chart.vega, values)))
            chart.pictures[key] = svg.encode()
        else:
            chart.pictures[key] = chart.png if not values else png_of(smaller_svg(vlc.vega_to_svg(with_values(chart.vega, values))))
    return chart


def png_of(svg: str) -> bytes:
    """A 2x PNG of a chart's SVG: rasterizing the SVG Vega already drew takes a third of the time of drawing again."""
    import vl_convert as vlc

    return vlc.svg_to_png(with_fallback_colors(svg), scale=2)


def _value_problem(chart: Chart, name: str, value: object) -> str | None:
    param = chart.params.get(name)
    return param.problem_with(value) if param else f"unknown param '{name}'"


def with_values(vega: dict, values: dict) -> dict:
    """A copy of a Vega spec whose signals start at the given values.

    Only the dicts on the way to the signals are copied; the data, often most of the
    spec, is shared with the original.
    """

    def visit(node: dict) -> dict:
        copied = dict(node)
        if isinstance(node.get("signals"), list):
            copied["signals"] = [dict(s, value=values[s["name"]]) if isinstance(s, dict) and s.get("name") in values else s for s in node["signals"]]
        if isinstance(node.get("marks"), list):
            copied["marks"] = [visit(mark) if isinstance(mark, dict) else mark for mark in node["marks"]]
        return copied

    return visit(vega)


def _run_module(name: str, path: Path, check_as_built: bool = False):
    """Import a chart module afresh and call its chart(); its folder is importable for shared helpers."""
    spec = importlib.util.spec_from_file_location(f"scrolly_chart_{name}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        code = compile(path.read_bytes(), str(path), "exec")
    except SyntaxError as err:
        return None, None, [Problem(path, err.lineno or 1, f"syntax error: {err.msg}")]
    folder = str(path.parent)
    sys.path.insert(0, folder)
    try:
        exec(code, module.__dict__)
        if not callable(getattr(module, "chart", None)):
            return None, None, [Problem(path, 1, "this chart module defines no chart() function: define one that returns an Altair chart")]
        chart = module.chart() if check_as_built else _call_quickly(module.chart)
    except Exception as err:
        return None, None, [_exception_problem(path, err)]
    finally:
        sys.path.remove(folder)
        for loaded in [n for n, m in sys.modules.items() if (getattr(m, "__file__", None) or "").startswith(folder + os.sep)]:
            del sys.modules[loaded]
    import altair as alt

    if not isinstance(chart, alt.TopLevelMixin):
        got = "nothing (None)" if chart is None else f"a {type(chart).__name__}"
        return None, None, [Problem(path, _line_of_def(path), f"chart() returned {got}, not an Altair chart: end it with 'return alt.Chart(...)…'")]
    return chart, getattr(module, "table", None), []


def _table(function, path: Path):
    if function is None:
        return None, []
    try:
        rows = function()
    except Exception as err:
        return None, [_exception_problem(path, err, "table()")]
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        return None, [Problem(path, _line_of_def(path, "table"), "table() must return a list of dicts (one per row)")]
    return [{str(k): v for k, v in row.items()} for row in rows], []


def _exception_problem(path: Path, err: Exception, where: str = "chart()") -> Problem:
    frames = [f for f in traceback.extract_tb(err.__traceback__) if Path(f.filename) == path]
    line = frames[-1].lineno if frames else 1
    if isinstance(err, FileNotFoundError):
        missing = _relative(Path(err.filename)) if err.filename else str(err)
        return Problem(path, line, f"data file not found: {missing}")
    detail = "".join(traceback.format_exception(err))
    return Problem(path, line, f"{where} raised {type(err).__name__}: {_first_lines(err)}", detail)


def _check_metadata(path: Path, spec: dict) -> list[Problem]:
    problems = []
    if not spec.get("title"):
        problems.append(Problem(path, _line_of_def(path), "the chart has no title: add .properties(title=\"…\")"))
    if not spec.get("description"):
        problems.append(Problem(path, _line_of_def(path), "the chart has no description: add .properties(description=\"…\"), the text screen readers read"))
    return problems


def _params(spec: dict) -> dict[str, Param]:
    params = {}
    for layer in [spec, *spec.get("layer", [])]:
        for param in layer.get("params", []):
            if "select" in param:
                continue
            value = param.get("value")
            kind = {bool: "boolean", int: "number", float: "number", type(None): "string or null"}.get(type(value), "value")
            if isinstance(value, str):
                kind = "date" if DATE.match(value) else "string"
            params[param["name"]] = Param(param["name"], kind, value)
    return params


def _svg_size(svg: str) -> tuple[int, int]:
    match = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', svg)
    return (round(float(match.group(1))), round(float(match.group(2)))) if match else (600, 400)


def _line_of_def(path: Path, function: str = "chart") -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").split("\n"), 1):
        if re.match(rf"\s*def {function}\s*\(", line):
            return number
    return 1


def _first_lines(err: Exception, limit: int = 3) -> str:
    lines = [line.strip() for line in str(err).strip().splitlines() if line.strip()]
    return " ".join(lines[:limit]) or type(err).__name__


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# -- cache -------------------------------------------------------------------------------

_reads: list[set] = []


def _audit(event: str, args: tuple) -> None:
    if event == "open" and _reads and isinstance(args[0], (str, bytes, os.PathLike)):
        _reads[-1].add(Path(os.fsdecode(args[0])).resolve())


@contextlib.contextmanager
def _recording_reads():
    """Collect the paths of the files opened inside the block (Python's audit hooks see every open())."""
    if _audit not in _hooks:
        sys.addaudithook(_audit)
        _hooks.append(_audit)
    _reads.append(set())
    try:
        yield _reads[-1]
    finally:
        _reads.pop()


_hooks: list = []


def _cache_key(path: Path, inputs: list[str] | None, theme: dict | None = None) -> str:
    """Hash of what a chart's output depends on: its module, the data it read last time, the tools.

    A chart that has never been compiled has no recorded inputs: its key then covers
    nothing it read, and it misses the cache anyway.
    """
    digest = hashlib.sha256()
    digest.update(_tools())
    digest.update(json.dumps(theme, sort_keys=True).encode())
    digest.update(path.read_bytes())
    for name in inputs if inputs is not None else ["<never compiled>"]:
        file = path.parent / name
        digest.update(name.encode() + b"\0" + (file.read_bytes() if file.is_file() else b"<missing>"))
    return digest.hexdigest()[:32]


@functools.cache
def _tools() -> bytes:
    """What every cached chart depends on besides its own input: this module and the tools' versions."""
    return Path(__file__).read_bytes() + (Path(__file__).parent / "theme.py").read_bytes() + "".join(f"\0{package}={_version(package)}" for package in ("altair", "vl-convert-python")).encode()


@functools.cache
def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def _recorded_inputs(cache: Path | None, name: str) -> list[str] | None:
    try:
        return json.loads((cache / "charts" / f"{name}.inputs.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return None


_recent: dict[tuple[str, str], Chart] = {}  # charts read from the cache by this process, by (name, key)


def _cache_read(cache: Path | None, name: str, key: str) -> Chart | None:
    """The cached chart for this key (without its pictures: see _read_pictures)."""
    if cache is None:
        return None
    chart = _recent.get((name, key))
    if chart is None:
        try:
            record = json.loads((cache / "charts" / f"{name}-{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        record["path"] = Path(record["path"])
        record["png"] = base64.b64decode(record["png"])
        record["params"] = {n: Param(**p) for n, p in record["params"].items()}
        record["inputs"] = tuple(record["inputs"])
        chart = Chart(**record | {"from_cache": True})
        if len(_recent) > 64:
            _recent.clear()
        _recent[(name, key)] = chart
    return chart


def _read_pictures(cache: Path | None, key: str, chart: Chart, states: list[dict]) -> list[dict]:
    """Add the cached pictures of these states to the chart; the states still without one (and valid values)."""
    missing = []
    for values in states:
        if state_key(values) in chart.pictures or any(_value_problem(chart, n, v) for n, v in values.items()):
            continue
        picture = cache / "states" / f"{_state_file(key, state_key(values))}.{chart.picture_type}" if cache else None
        if picture and picture.is_file():
            chart.pictures[state_key(values)] = picture.read_bytes()
        else:
            missing.append(values)
    return missing


def _state_file(key: str, state: str) -> str:
    return hashlib.sha256((key + state).encode()).hexdigest()[:32]


def _cache_write(cache: Path | None, chart: Chart, key: str) -> None:
    if cache is None:
        return
    try:
        (cache / "charts").mkdir(parents=True, exist_ok=True)
        (cache / "states").mkdir(parents=True, exist_ok=True)
        record = {f.name: getattr(chart, f.name) for f in dataclasses.fields(chart)}  # asdict would copy every data row
        record.update(path=str(chart.path), params={n: asdict(p) for n, p in chart.params.items()}, png=base64.b64encode(chart.png).decode(), pictures={}, from_cache=False)
        _atomic_write(cache / "charts" / f"{chart.name}-{key}.json", json.dumps(record).encode())
        _atomic_write(cache / "charts" / f"{chart.name}.inputs.json", json.dumps(list(chart.inputs)).encode())
        for state, picture in chart.pictures.items():
            _atomic_write(cache / "states" / f"{_state_file(key, state)}.{chart.picture_type}", picture)
    except OSError:
        pass  # a cache that cannot be written only costs time


def _atomic_write(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


# -- the browser's Vega runtime ---------------------------------------------------------

# Vega alone, without Vega-Lite and vega-embed: charts are compiled at build time, so the
# reader's browser only runs Vega (about 200 KB gzip instead of 305 KB). vl-convert
# resolves bare names to its vendored copies by these jsDelivr-style paths; the snippet
# is bundled offline, nothing is fetched.
# The expression interpreter lets charts run under a Content-Security-Policy without
# 'unsafe-eval' (Vega otherwise compiles expressions with Function()).
VEGA_SNIPPET = (
    'import {{View, parse}} from "https://cdn.jsdelivr.net/npm/vega@{version}/+esm";\n'
    'import {{expressionInterpreter}} from "https://cdn.jsdelivr.net/npm/vega-interpreter@2.0.0/+esm";\n'
    "window.vega = {{View, parse, expressionInterpreter}};\n"
)


def start_vega_runtime(cache: Path | None, write_cache: bool = True, jobs: int | None = None):
    """Start bundling the Vega runtime for the browser, unless cached; returns a function that waits for it.

    The bundle depends only on the vl-convert version, so besides the project's cache
    it is kept in the user's cache (XDG_CACHE_HOME/scrolly), where every project finds
    it. Bundling holds Python's lock for most of a second: it runs in a worker process.
    """
    import vl_convert as vlc

    snippet = VEGA_SNIPPET.format(version=vlc.get_vega_version())
    key = hashlib.sha256(f"vl-convert-python={_version('vl-convert-python')}\0{snippet}".encode()).hexdigest()[:32]
    name = f"vega-{key}.js"
    folders = [folder for folder in (user_cache(), cache) if folder]
    for folder in folders:
        if (folder / name).is_file():
            bundle = (folder / name).read_bytes()
            return lambda: bundle
    bundling = chart_workers(jobs or os.cpu_count() or 1).submit(_bundle, snippet)

    def result() -> bytes:
        bundle = bundling.result()
        for folder in folders if write_cache else []:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                _atomic_write(folder / name, bundle)
                break
            except OSError:
                continue  # a read-only home: the project's cache will do
        return bundle

    return result


def user_cache() -> Path | None:
    """scrolly's folder in the user's cache (XDG_CACHE_HOME, else ~/.cache), or None without a home."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # unset or relative: the XDG default
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "scrolly" if os.path.isabs(base) else None


def _bundle(snippet: str) -> bytes:
    import vl_convert as vlc

    return vlc.javascript_bundle(snippet=snippet).encode()
