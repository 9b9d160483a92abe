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

from .cache import ChartCache
from .compile import ChartWorker, compile_chart
from .model import Chart, Param, chart_paths, state_key
from .pending import PendingCharts
from .pictures import with_values
from .runtime import start_vega_runtime

__all__ = [
    "Chart",
    "ChartCache",
    "ChartWorker",
    "Param",
    "PendingCharts",
    "chart_paths",
    "compile_chart",
    "start_vega_runtime",
    "state_key",
    "with_values",
]
