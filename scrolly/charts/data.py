"""Data by URL and delimited text, made local and eval-free at build time.

A chart may name its data by URL (`alt.Chart("data/cars.json")`, `alt.UrlData(...)`,
`alt.topo_feature(...)`) or give CSV/TSV text inline. The reader's page loads nothing
from other hosts, and Vega's CSV parser compiles its row reader with Function(), which
the page's policy forbids. So every file is read here, from charts/ or charts/data/,
and put into the spec as inline values: JSON and TopoJSON as they are, delimited text
as rows of strings, as Vega's own parser would give them. The format's `parse` stays,
so Vega types the fields exactly as it would have (in the browser and for pictures).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path, PurePosixPath

from ..problems import Problem, ProjectError
from .module import line_of_def

SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")
DELIMITERS = {"csv": ",", "tsv": "\t"}
TYPES = ("json", "csv", "tsv", "dsv", "topojson")


def local_data(spec: dict, path: Path) -> dict:
    """The spec with every data URL replaced by the file's content and every delimited text
    by its rows; raise ProjectError naming the chart module for what cannot be read."""
    problems: list[Problem] = []
    datasets = spec.get("datasets") if isinstance(spec.get("datasets"), dict) else {}
    spec = _visit(spec, path, dict(datasets), problems)
    if problems:
        raise ProjectError(problems)
    return spec


def _visit(node, path: Path, datasets: dict, problems: list[Problem]):
    if isinstance(node, list):
        return [_visit(item, path, datasets, problems) for item in node]
    if not isinstance(node, dict):
        return node
    copied = {}
    for key, value in node.items():
        if key in ("usermeta", "datasets"):
            copied[key] = value
        elif key == "data" and isinstance(value, dict):
            copied[key] = _local(value, path, datasets, problems)
        else:
            copied[key] = _visit(value, path, datasets, problems)
    if isinstance(node.get("datasets"), dict):
        copied["datasets"] = {
            name: datasets.get(name, rows) for name, rows in node["datasets"].items()
        }
    return copied


def _local(data: dict, path: Path, datasets: dict, problems: list[Problem]) -> dict:
    """One data definition made local: a URL read, delimited text parsed."""
    fmt = data.get("format") if isinstance(data.get("format"), dict) else {}
    if isinstance(data.get("url"), str):
        url = data["url"]
        file, problem = resolve(url, path)
        if problem:
            problems.append(Problem(path, line_of_text(path, url), problem))
            return data
        kind = fmt.get("type") or _type_of(url)
        try:
            values = read_values(file.read_bytes(), kind, fmt)
        except ValueError as err:
            problems.append(
                Problem(path, line_of_text(path, url), f"cannot read {_shown(file, path)}: {err}")
            )
            return data
        rest = {k: v for k, v in data.items() if k not in ("url", "format")}
        return {**rest, "values": values, **_format_left(fmt, kind)}
    kind = fmt.get("type")
    text = data.get("values")
    name = data.get("name")
    if text is None and isinstance(name, str) and isinstance(datasets.get(name), str):
        text = datasets[name]
    if not isinstance(text, str) or kind not in TYPES:
        return data
    try:
        values = read_values(text.encode(), kind, fmt)
    except ValueError as err:
        problems.append(
            Problem(path, line_of_def(path), f"cannot read the chart's inline {kind} data: {err}")
        )
        return data
    rest = {k: v for k, v in data.items() if k != "format"}
    if "values" in data:
        rest["values"] = values
    else:
        datasets[name] = values
    return {**rest, **_format_left(fmt, kind)}


def resolve(url: str, module: Path) -> tuple[Path | None, str | None]:
    """The project file a data URL names (against charts/, then charts/data/), or why not."""
    if SCHEME.match(url):
        if re.match(r"^(https?:)?//", url, re.IGNORECASE):
            name = PurePosixPath(url.split("?")[0].split("#")[0]).name or "the file"
            return None, (
                f"data URL {url} is on another host, and the page loads nothing from "
                f"other hosts (nothing is fetched at build time either): download "
                f'{name} into charts/data/ and name it as "data/{name}"'
            )
        return (
            None,
            f"data URL {url} is not a file of this project: give a path relative to charts/",
        )
    relative = PurePosixPath(url.split("?")[0].split("#")[0])
    if relative.is_absolute():
        return None, f"data URL {url} is an absolute path: give a path relative to charts/"
    folder = module.parent.resolve()
    tried = []
    for base in (folder, folder / "data"):
        candidate = (base / relative).resolve()
        if not candidate.is_relative_to(folder):
            return None, f"data URL {url} points outside charts/: keep data files in charts/data/"
        tried.append(candidate)
        if candidate.is_file():
            return candidate, None
    shown = " or ".join(_shown(p, module) for p in tried)
    return None, f"data file not found: {shown} (a data URL is read from charts/ or charts/data/)"


def read_values(raw: bytes, kind: str, fmt: dict):
    """The values a data file holds, as Vega's loader would read them before `parse`."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ValueError(
            f"not UTF-8 text (byte 0x{raw[err.start]:02x}); save it as UTF-8"
        ) from None
    if kind in ("json", "topojson"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            raise ValueError(f"invalid JSON at line {err.lineno}: {err.msg}") from None
    if kind not in ("csv", "tsv", "dsv"):
        raise ValueError(
            f"data of type {kind!r} cannot be read: use json, csv, tsv, dsv or topojson"
        )
    delimiter = DELIMITERS.get(kind) or fmt.get("delimiter")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise ValueError('dsv data needs a one-character format delimiter, like delimiter="|"')
    return delimited_rows(text, delimiter, fmt.get("header"))


def delimited_rows(text: str, delimiter: str, header: list | None = None) -> list[dict]:
    """Rows as d3-dsv's parse gives them: every value a string, "" for a missing one."""
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter, strict=False))
    columns = (
        [str(c) for c in header] if isinstance(header, list) else (rows.pop(0) if rows else [])
    )
    return [
        {column: (row[i] if i < len(row) else "") for i, column in enumerate(columns)}
        for row in rows
    ]


def line_of_text(path: Path, text: str) -> int:
    """The first line of the module that holds `text` (a URL), else its chart() line."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        return 1
    for number, line in enumerate(lines, 1):
        if text in line:
            return number
    name = PurePosixPath(text).name
    for number, line in enumerate(lines, 1):
        if name and name in line:
            return number
    return line_of_def(path)


def _type_of(url: str) -> str:
    """Vega-Lite's default format type: the URL's extension if it is a known type, else json."""
    suffix = PurePosixPath(url.split("?")[0]).suffix.lstrip(".").lower()
    return suffix if suffix in TYPES else "json"


def _format_left(fmt: dict, kind: str) -> dict:
    """The format inline values keep: delimited text is rows now, so only `parse` stays."""
    if kind == "topojson":
        return {"format": {**fmt, "type": "topojson"}}
    if kind == "json":
        return {"format": fmt} if fmt else {}
    left = {k: v for k, v in fmt.items() if k == "parse"}
    return {"format": left} if left else {}


def _shown(file: Path, module: Path) -> str:
    root = module.parent.resolve().parent
    try:
        return str(file.resolve().relative_to(root))
    except ValueError:
        return str(file)
