"""The chart cache: compiled charts and their pictures, keyed by the content they came from.

A chart's key hashes its module, the files it read and the folders it listed when it was
last compiled (see reads.py), this package's code and the tools' versions; a picture's key adds its state. Keys never use
modification times. Besides the files, the cache keeps the charts it read in memory, so
a build session's next build (the dev server's next save) does not parse them again.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from .model import Chart, Param, Shot, picture_key
from .pictures import wanted
from .reads import input_bytes
from .rows import dumps

MEMORY = 64  # charts kept in memory before the memo starts afresh


class ChartCache:
    """The project's chart cache folder (None: no cache), read and, if `write`, written."""

    def __init__(self, folder: Path | None, write: bool = True):
        self.folder = folder
        self.write = write
        self.recent: dict[tuple[str, str], Chart] = {}  # (name, key) -> chart read earlier
        self._tools: bytes | None = None

    def key(self, path: Path, inputs: list[str] | None, theme: dict | None = None) -> str:
        """Hash of what a chart's output depends on: its module, its data, the theme, the tools.

        A chart that has never been compiled has no recorded inputs: its key then covers
        nothing it read, and it misses the cache anyway.
        """
        digest = hashlib.sha256()
        digest.update(self.tools())
        digest.update(json.dumps(theme, sort_keys=True).encode())
        digest.update(path.read_bytes())
        for name in inputs if inputs is not None else ["<never compiled>"]:
            digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
            digest.update(hashlib.sha256(input_bytes(path.parent, name)).digest())
        return digest.hexdigest()[:32]

    def current_key(self, name: str, path: Path, theme: dict | None = None) -> str:
        """The key of the chart as its module and the data it read last time stand now."""
        return self.key(path, self.recorded_inputs(name), theme)

    def tools(self) -> bytes:
        """What every cached chart depends on besides its own input: this package's code, the
        theme's, and the tools' versions."""
        if self._tools is None:
            from importlib.metadata import version

            here = Path(__file__).parent
            sources = [*sorted(here.glob("*.py")), here.parent / "theme.py"]
            sources += sorted(here.parent.glob("svg*.py"))  # pictures are slimmed by these
            code = b"".join(p.read_bytes() for p in sources)
            versions = "".join(f"\0{p}={version(p)}" for p in ("altair", "vl-convert-python"))
            self._tools = code + versions.encode()
        return self._tools

    def recorded_inputs(self, name: str) -> list[str] | None:
        if self.folder is None:
            return None
        try:
            text = (self.folder / "charts" / f"{name}.inputs.json").read_text(encoding="utf-8")
            return json.loads(text)
        except (OSError, ValueError, TypeError):
            return None

    def read(self, name: str, key: str) -> Chart | None:
        """The cached chart for this key, without its pictures (see read_pictures)."""
        if self.folder is None:
            return None
        chart = self.recent.get((name, key))
        if chart is None:
            try:
                text = (self.folder / "charts" / f"{name}-{key}.json").read_text(encoding="utf-8")
                record = json.loads(text)
            except (OSError, ValueError):
                return None
            record["path"] = Path(record["path"])
            record["png"] = base64.b64decode(record["png"])
            record["params"] = {n: Param(**p) for n, p in record["params"].items()}
            record["inputs"] = tuple(record["inputs"])
            record["warnings"] = tuple(tuple(w) for w in record.get("warnings", ()))
            chart = Chart(**record | {"from_cache": True})
            self.remember(name, key, chart)
        return chart

    def remember(self, name: str, key: str, chart: Chart) -> None:
        if len(self.recent) > MEMORY:
            self.recent.clear()
        self.recent[(name, key)] = chart

    def read_pictures(self, key: str, chart: Chart, shots: list[Shot]) -> list[Shot]:
        """Add the cached pictures of these shots to the chart; returns the shots that
        still have none (among those the chart has a picture for: see pictures.wanted)."""
        missing = []
        for values, place in shots:
            state = picture_key(values, place)
            if state in chart.pictures or not wanted(chart, values, place):
                continue
            picture = self._picture_path(key, state, chart)
            if picture and picture.is_file():
                chart.pictures[state] = picture.read_bytes()
            else:
                missing.append((values, place))
        return missing

    def _picture_path(self, key: str, state: str, chart: Chart) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / "states" / f"{_state_file(key, state)}.{chart.picture_type}"

    def store(self, chart: Chart, key: str) -> None:
        """Write the chart and its pictures; a cache that cannot be written only costs time."""
        if self.folder is None or not self.write or chart.warning is not None:
            return
        try:
            (self.folder / "charts").mkdir(parents=True, exist_ok=True)
            (self.folder / "states").mkdir(parents=True, exist_ok=True)
            # field by field: asdict would copy every data row
            record = {f.name: getattr(chart, f.name) for f in dataclasses.fields(chart)}
            record.update(
                path=str(chart.path),
                params={n: asdict(p) for n, p in chart.params.items()},
                png=base64.b64encode(chart.png).decode(),
                pictures={},
                from_cache=False,
            )
            charts = self.folder / "charts"
            atomic_write(charts / f"{chart.name}-{key}.json", dumps(record).encode())
            atomic_write(
                charts / f"{chart.name}.inputs.json", json.dumps(list(chart.inputs)).encode()
            )
            for state, picture in chart.pictures.items():
                name = f"{_state_file(key, state)}.{chart.picture_type}"
                atomic_write(self.folder / "states" / name, picture)
        except OSError:
            pass


def never_compiled(folder: Path, names) -> bool:
    """Whether some of these charts have no record in the cache folder: a build compiles
    them (a chart that has one may still have changed)."""
    return any(not (folder / "charts" / f"{name}.inputs.json").is_file() for name in names)


def _state_file(key: str, state: str) -> str:
    return hashlib.sha256((key + state).encode()).hexdigest()[:32]


def atomic_write(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, path)
