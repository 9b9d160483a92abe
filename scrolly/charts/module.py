"""Running a chart module: import it afresh, call chart() and table().

Anything a module does wrong becomes a ProjectError naming the module and, where the
traceback allows, the line.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import traceback
from pathlib import Path

from ..problems import Problem, ProjectError
from ..processes import MEMORY_SETTING, memory_limit


def run_module(name: str, path: Path, check_as_built: bool = False):
    """Import a chart module afresh and call its chart(); returns (chart, its table function).

    The module's folder is importable while it runs, for helpers shared between charts.
    """
    spec = importlib.util.spec_from_file_location(f"scrolly_chart_{name}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        code = compile(path.read_bytes(), str(path), "exec")
    except SyntaxError as err:
        raise ProjectError([Problem(path, err.lineno or 1, f"syntax error: {err.msg}")])
    folder = str(path.parent)
    sys.path.insert(0, folder)
    where = "the module"  # while its top level runs
    try:
        exec(code, module.__dict__)
        where = "chart()"
        if not callable(getattr(module, "chart", None)):
            raise ProjectError(
                [
                    Problem(
                        path,
                        1,
                        "this chart module defines no chart() function: "
                        "define one that returns an Altair chart",
                    )
                ]
            )
        chart = module.chart() if check_as_built else call_quickly(module.chart)
    except ProjectError:
        raise
    except BaseException as err:  # sys.exit() and KeyboardInterrupt too: the module's doing
        raise ProjectError([exception_problem(path, err, where)]) from None
    finally:
        if folder in sys.path:
            sys.path.remove(folder)
        for loaded in [
            n for n, m in sys.modules.items() if _file_of(m).startswith(folder + os.sep)
        ]:
            del sys.modules[loaded]
    import altair as alt

    if not isinstance(chart, alt.TopLevelMixin):
        got = "nothing (None)" if chart is None else f"a {type(chart).__name__}"
        raise ProjectError(
            [
                Problem(
                    path,
                    line_of_def(path),
                    f"chart() returned {got}, not an Altair "
                    "chart: end it with 'return alt.Chart(...)…'",
                )
            ]
        )
    return chart, getattr(module, "table", None)


def _file_of(module) -> str:
    return getattr(module, "__file__", None) or ""


def call_quickly(function):
    """Call a chart module's function with Altair's checks at construction turned off.

    Altair checks every object against the schema as it is made, which for 100,000 data
    rows takes longer than everything else together; the whole spec is checked once
    afterwards instead (see spec.valid_spec).
    """
    from altair.utils.schemapi import debug_mode

    with debug_mode(False):
        return function()


def read_table(function, path: Path) -> list[dict] | None:
    """The rows the module's table() returns, if it has one."""
    if function is None:
        return None
    try:
        rows = function()
    except BaseException as err:
        raise ProjectError([exception_problem(path, err, "table()")]) from None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ProjectError(
            [
                Problem(
                    path,
                    line_of_def(path, "table"),
                    "table() must return a list of dicts (one per row)",
                )
            ]
        )
    return [{str(k): v for k, v in row.items()} for row in rows]


def exception_problem(path: Path, err: BaseException, where: str = "chart()") -> Problem:
    """The problem an exception in the module is, at the module's deepest line in its traceback."""
    frames = [f for f in traceback.extract_tb(err.__traceback__) if Path(f.filename) == path]
    line = frames[-1].lineno if frames else 1
    if isinstance(err, FileNotFoundError):
        missing = _relative(Path(err.filename)) if err.filename else str(err)
        return Problem(path, line, f"data file not found: {missing}")
    detail = "".join(traceback.format_exception(err))
    if isinstance(err, MemoryError):
        return Problem(path, line, f"{where} ran out of memory{memory_limit_note()}", detail)
    if isinstance(err, SystemExit):
        called = f"sys.exit({'' if err.code is None else repr(err.code)})"
        return Problem(
            path,
            line,
            f"{where} called {called}: a chart module must return its chart, never end the process",
            detail,
        )
    text = first_lines(err, fallback="")
    return Problem(
        path, line, f"{where} raised {type(err).__name__}" + (f": {text}" if text else ""), detail
    )


def memory_limit_note(limit_mb: float | None = None) -> str:
    """What a chart may use, for a message: this process's limit unless one is given."""
    if limit_mb is None:
        limit = memory_limit()
        limit_mb = None if limit is None else limit / 2**20
    if limit_mb is None:
        return ""
    return (
        f": a chart may use {limit_mb:g} MB while it runs "
        f"(set {MEMORY_SETTING}=MB to change the limit)"
    )


def line_of_def(path: Path, function: str = "chart") -> int:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 1
    for number, line in enumerate(text.split("\n"), 1):
        if re.match(rf"\s*def {function}\s*\(", line):
            return number
    return 1


def first_lines(err: BaseException, limit: int = 3, fallback: str | None = None) -> str:
    """The start of an exception's message (its type's name, or `fallback`, if it has none)."""
    lines = [line.strip() for line in str(err).strip().splitlines() if line.strip()]
    return " ".join(lines[:limit]) or (type(err).__name__ if fallback is None else fallback)


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def unexpected_problem(path: Path, err: Exception) -> Problem:
    """An exception scrolly did not expect while handling a chart: that chart's problem."""
    frames = [f for f in traceback.extract_tb(err.__traceback__) if Path(f.filename) == path]
    line = frames[-1].lineno if frames else line_of_def(path)
    detail = "".join(traceback.format_exception(err))
    return Problem(
        path,
        line,
        f"scrolly could not handle this chart ({type(err).__name__}: "
        f"{first_lines(err, 1)}); run with --verbose for the traceback",
        detail,
    )


def warnings_of(heard: list, path: Path) -> tuple[tuple[int, str], ...]:
    """(line, text) of each distinct warning a chart module's chart raised (Altair's own)."""
    found = {}
    for warning in heard:
        line = warning.lineno if Path(warning.filename) == path else line_of_def(path)
        text = f"{warning.category.__name__}: {first_lines(warning.message, 2)}"
        found.setdefault((line, text), None)
    return tuple(found)
