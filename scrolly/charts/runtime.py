"""The browser's Vega runtime: one JavaScript bundle, made by vl-convert from its vendored copies.

Vega alone, without Vega-Lite and vega-embed: charts are compiled at build time, so the
reader's browser only runs Vega (about 200 KB gzip instead of 305 KB). vl-convert
resolves bare names to its vendored copies by these jsDelivr-style paths; the snippet is
bundled offline, nothing is fetched. The expression interpreter lets charts run under a
Content-Security-Policy without 'unsafe-eval' (Vega otherwise compiles expressions with
Function()). vega-tooltip's Handler draws tooltips (styled by the page's CSS).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import atomic_write

if TYPE_CHECKING:
    from ..workers import Workers

VEGA_SNIPPET = (
    'import {{View, parse}} from "https://cdn.jsdelivr.net/npm/vega@{version}/+esm";\n'
    "import {{expressionInterpreter}} from "
    '"https://cdn.jsdelivr.net/npm/vega-interpreter@2.0.0/+esm";\n'
    'import {{Handler}} from "https://cdn.jsdelivr.net/npm/vega-tooltip@1.0.0/+esm";\n'
    "window.vega = {{View, parse, expressionInterpreter, Handler}};\n"
)


def vega_snippet() -> str:
    import vl_convert as vlc

    return VEGA_SNIPPET.format(version=vlc.get_vega_version())


def start_vega_runtime(folders: list[Path], write: bool, pool: Callable[[], Workers]):
    """Start bundling the Vega runtime, unless a folder holds it; returns a function that waits.

    The bundle depends only on the vl-convert version, so it is kept in the first of
    `folders` that can be written (the user's cache, where every project finds it, then
    the project's). Bundling holds Python's lock for most of a second: a worker does it.
    """
    from importlib.metadata import version

    snippet = vega_snippet()
    key = f"vl-convert-python={version('vl-convert-python')}\0{snippet}"
    name = f"vega-{hashlib.sha256(key.encode()).hexdigest()[:32]}.js"
    for folder in folders:
        if (folder / name).is_file():
            bundle = (folder / name).read_bytes()
            return lambda: bundle
    bundling = pool().submit(bundle_task, snippet)

    def result() -> bytes:
        bundle = bundling.result()
        for folder in folders if write else []:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                atomic_write(folder / name, bundle)
                break
            except OSError:
                continue  # a read-only home: the project's cache will do
        return bundle

    return result


def bundle(snippet: str) -> bytes:
    import vl_convert as vlc

    return vlc.javascript_bundle(snippet=snippet).encode()


def bundle_task(worker, snippet: str) -> bytes:
    """bundle() in a chart worker (which hands every task its ChartWorker, unused here)."""
    return bundle(snippet)
