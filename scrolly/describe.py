"""What each chart state shows, in words: for the live region, the live chart's accessible
name and the static pictures' alt text.

A step's own `alt="…"` comes first; else the chart module's optional
`describe(**values) -> str`, called with the state's full values; else a sentence made
from the chart's title and the values the step changed.
"""

from __future__ import annotations

import ast
import hashlib
import json
import sys
import traceback
from pathlib import Path

from .blocks import Chapter, Figure, Scrolly, chart_uses
from .problems import Problem, ProjectError

CACHE_FOLDER = "descriptions"


def has_describe(path: Path) -> bool:
    """Whether a chart module defines describe() at its top level (read, not run)."""
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return False
    return any(isinstance(node, ast.FunctionDef) and node.name == "describe" for node in tree.body)


def states_to_describe(chapters: list[Chapter], charts: dict) -> dict[str, list[dict]]:
    """Every full state (defaults and the values set so far) each chart is shown in."""
    wanted: dict[str, list[dict]] = {}
    for use in chart_uses(chapters):
        chart = charts.get(use.chart)
        for values in use.states if chart else ():
            state = full_state(chart, values)
            if state not in wanted.setdefault(chart.name, []):
                wanted[chart.name].append(state)
    return wanted


def full_state(chart, values: dict) -> dict:
    return {param.name: param.default for param in chart.params.values()} | values


def module_descriptions(
    chapters, charts, paths: dict[str, Path], cache: Path | None, write: bool, submit
) -> dict:
    """describe() of each chart module that has one, for each state: {(chart, state json): text}.

    Results are cached by the module's source, the data it read and the states, so a
    build whose charts are all cached starts no worker for them. `submit(function, *args)`
    runs a function in a worker process and returns its task.
    """
    texts, problems, tasks = {}, [], {}
    for name, states in states_to_describe(chapters, charts).items():
        path = paths[name]
        if not has_describe(path):
            continue
        key = _key(path, charts[name].inputs, states)
        cached = _read(cache, name, key)
        if cached is not None:
            texts |= {(name, _state_key(s)): text for s, text in zip(states, cached)}
        else:
            tasks[name] = (key, states, submit(describe_task, name, path, states))
    for name, (key, states, task) in tasks.items():
        try:
            outcome = task.result()
        except Exception as err:  # the worker was stopped (time limit) or went away
            problems.append(
                Problem(paths[name], 1, f"describe() did not finish: {err or type(err).__name__}")
            )
            continue
        if isinstance(outcome, Problem):
            problems.append(outcome)
            continue
        texts |= {(name, _state_key(s)): text for s, text in zip(states, outcome)}
        if write:
            _write(cache, name, key, outcome)
    if problems:
        raise ProjectError(problems)
    return texts


def describe_task(worker, name: str, path: Path, states: list[dict]) -> list[str] | Problem:
    """describe_states in a chart worker (which hands every task its ChartWorker, unused)."""
    return describe_states(name, path, states)


def describe_states(name: str, path: Path, states: list[dict]) -> list[str] | Problem:
    """In a worker: import the chart module and call its describe() for each state."""
    namespace = {"__name__": f"scrolly_describe_{name}", "__file__": str(path)}
    folder = str(path.parent)
    sys.path.insert(0, folder)
    try:
        exec(compile(path.read_bytes(), str(path), "exec"), namespace)
        texts = []
        for state in states:
            text = namespace["describe"](**state)
            if not isinstance(text, str) or not text.strip():
                got = "nothing (None)" if text is None else f"{type(text).__name__} {text!r}"[:80]
                return Problem(
                    path,
                    _line_of(path),
                    f"describe({_arguments(state)}) returned {got}: it must return a sentence "
                    "saying what the chart shows",
                )
            texts.append(" ".join(text.split()))
        return texts
    except Exception as err:
        frames = [f for f in traceback.extract_tb(err.__traceback__) if Path(f.filename) == path]
        return Problem(
            path,
            frames[-1].lineno if frames else _line_of(path),
            f"describe() raised {type(err).__name__}: {err}",
        )
    finally:
        sys.path.remove(folder)


def step_alts(block: Scrolly, charts: dict, written: dict) -> list[str]:
    """The words for each step's state: its alt, else describe(), else a generated sentence
    (for a sticky: the image's alt and its zoom, or the text and what is highlighted).

    A step that changes nothing keeps the words of the state before it.
    """
    alts, before, previous, last_state = [], None, "", {}
    for step, (graphic, values) in zip(block.steps, block.shown()):
        sticky, chart = block.sticky(graphic), charts.get(graphic)
        state = sticky.state(values) if sticky else full_state(chart, values) if chart else values
        if step.alt:
            previous = step.alt
        elif (graphic, state) != before or not previous:
            if sticky:
                previous = sticky_words(sticky, state)
            elif chart:
                start = last_state.get(graphic, full_state(chart, {}))
                previous = written.get((graphic, _state_key(state))) or generated(
                    chart, start, state
                )
        alts.append(previous)
        before, last_state[graphic] = (graphic, state), state
    return alts


def sticky_words(sticky, state: dict) -> str:
    """What a sticky shows in a state: an image's alt and how close it is, a text and its highlight."""
    if sticky.kind == "image":
        zoom = state["zoom"]
        return f"{sticky.text} (zoomed in {zoom:g}×)." if zoom > 1 else f"{sticky.text}."
    if state["highlight"] is None:
        return f"{sticky.text}"
    if sticky.kind == "code":
        spec = str(state["highlight"]).replace("-", "–").replace(",", ", ")
        return (
            f"{sticky.text}; highlighted: line{'s' if '–' in spec or ',' in spec else ''} {spec}."
        )
    return f"{sticky.text} Highlighted: “{state['highlight']}”."


def figure_alt(block: Figure, chart, written: dict) -> str:
    state = full_state(chart, block.values)
    return (
        block.alt
        or written.get((chart.name, _state_key(state)))
        or generated(chart, full_state(chart, {}), state)
    )


def generated(chart, before: dict, after: dict) -> str:
    """A plain sentence from the chart's title and the values that changed."""
    changed = [
        f"{name} {_spoken(value)}" for name, value in after.items() if before.get(name) != value
    ]
    if not changed:
        return f"{chart.title}, as first shown."
    return f"{chart.title}, now with {', '.join(changed)}."


def picture_alt(chart, alt: str) -> str:
    """A picture's alt text: what the chart is (its description), then what this state shows."""
    return f"{chart.description} {alt}" if alt else chart.description


def alt_warnings(chapters: list[Chapter]) -> list[Problem]:
    """A step that changes the chart without an alt, in a section whose other steps have one."""
    warnings = []
    for chapter in chapters:
        for block in chapter.blocks:
            if not isinstance(block, Scrolly) or not any(step.alt for step in block.steps):
                continue
            before = (block.chart, {})
            for step, state in zip(block.steps, block.shown()):
                if state != before and not step.alt and not block.sticky(state[0]):
                    warnings.append(
                        Problem(
                            chapter.path,
                            step.line,
                            'warning: this step changes the chart but has no alt="…", while '
                            "other steps of its section do: add one saying what the chart now "
                            "shows",
                        )
                    )
                before = state
    return warnings


def _spoken(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, str):
        return f"“{value}”"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _arguments(state: dict) -> str:
    return ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in state.items())


def _state_key(state: dict) -> str:
    return json.dumps(state, sort_keys=True, ensure_ascii=False)


def _line_of(path: Path) -> int:
    for number, line in enumerate(
        path.read_text(encoding="utf-8", errors="replace").split("\n"), 1
    ):
        if line.startswith("def describe"):
            return number
    return 1


def _key(path: Path, inputs: tuple, states: list[dict]) -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes() + path.read_bytes())
    for name in inputs:
        file = path.parent / name
        digest.update(
            name.encode() + b"\0" + (file.read_bytes() if file.is_file() else b"<missing>")
        )
    digest.update(json.dumps(states, sort_keys=True).encode())
    return digest.hexdigest()[:32]


def _read(cache: Path | None, name: str, key: str) -> list[str] | None:
    try:
        return json.loads((cache / CACHE_FOLDER / f"{name}-{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return None


def _write(cache: Path | None, name: str, key: str, texts: list[str]) -> None:
    if cache is None:
        return
    try:
        (cache / CACHE_FOLDER).mkdir(parents=True, exist_ok=True)
        (cache / CACHE_FOLDER / f"{name}-{key}.json").write_text(
            json.dumps(texts, ensure_ascii=False), encoding="utf-8"
        )
    except OSError:
        pass  # a cache that cannot be written only costs time
