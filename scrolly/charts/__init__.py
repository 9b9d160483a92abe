"""Stage 3: run each chart module and compile its chart with vl-convert.

`charts/<name>.py` defines `chart()` returning an Altair chart. Compilation gives the
Vega-Lite spec, the Vega spec the browser runs, a PNG, and one static SVG per state the
chapters ask for (the first paint, and what readers without JavaScript see). Results are
cached by the content of the module, the data it read and the tool versions.

Where to look: `model` (what a chart is), `module` (running a chart module), `spec`
(schema checks and params), `compile` (one chart, in a worker), `pictures` (drawing
states), `cache`, `pending` (the build's side of the workers), `runtime` (the browser's
Vega bundle).
"""

import importlib

_MODULES = {  # name -> the module of this package that defines it
    "Chart": "model",
    "ChartCache": "cache",
    "ChartWorker": "compile",
    "Param": "model",
    "PendingCharts": "pending",
    "chart_paths": "model",
    "compile_chart": "compile",
    "start_vega_runtime": "runtime",
    "picture_key": "model",
    "state_key": "model",
    "with_values": "pictures",
}
__all__ = list(_MODULES)


def __getattr__(name: str):
    """Import a name's module when it is first used: a build whose output is up to date
    reads a chart's inputs (reads.py) and nothing else of this package."""
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_MODULES[name]}", __name__), name)
