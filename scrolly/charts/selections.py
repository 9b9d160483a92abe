"""Selections that steps set: point selections by their fields, intervals by their channels.

A step gives a selection a value in the shape of that selection's own `value` in
Vega-Lite: a point selection a list of objects keyed by its fields (or, over one field,
a bare value or a list of values), an interval an object of [from, to] pairs keyed by
its channels (dates as "2023-07-11"); null clears it. What the selection projects on
and the types of its channels are read from the compiled Vega spec, so any chart that
Vega-Lite compiles is understood the same way.

Pictures of a state are Vega-Lite's own rendering of the selection's `value`. Live,
each selection gets a top-level signal `scrolly_set_<name>` (named in the spec's
usermeta) that the selection's own signals follow: setting it modifies the selection's
store, so its brush, conditions and filters all follow.
"""

from __future__ import annotations

import copy
import json
import re

from .model import DATE, Param

SIGNAL = "scrolly_set_{}"
NUMERIC_SCALES = ("linear", "log", "pow", "sqrt", "symlog")
TIME_SCALES = ("time", "utc")


def selection_params(vega_lite: dict, vega: dict) -> dict[str, Param]:
    """The selection params a step may set, with what each projects on."""
    names = [
        p["name"]
        for p in _vl_params(vega_lite)  # scale-bound ones are pan and zoom
        if "select" in p and "name" in p and p.get("bind") != "scales"
    ]
    signals = {s["name"]: s for s in _signals(vega) if isinstance(s, dict) and "name" in s}
    scales = {s["name"]: s.get("type", "linear") for s in _scales(vega)}
    params = {}
    for name in names:
        fields = (signals.get(f"{name}_tuple_fields") or {}).get("value")
        if not isinstance(fields, list) or not fields:
            continue
        unit = re.search(r'unit: "([^"]*)"', json.dumps(signals.get(f"{name}_tuple", {})))
        select = {
            "signal": SIGNAL.format(name),
            "unit": unit.group(1) if unit else "",
            "tuple_fields": fields,
        }
        if all(f.get("type") == "E" for f in fields):
            select |= {"type": "point", "fields": [f["field"] for f in fields]}
        else:
            channels = {}
            for f in fields:
                update = json.dumps(signals.get(f"{name}_{_safe(f['field'])}", {}))
                scale = re.search(r'invert\(\\"([^"\\]+)\\"', update)
                kind = scales.get(scale.group(1)) if scale else None
                channels[f["channel"]] = {
                    "scale": scale.group(1) if scale else "",
                    "values": _value_kind(kind),
                }
            select |= {"type": "interval", "channels": channels}
        default = _default(vega_lite, name)
        param = Param(name, f"{select['type']} selection", None, select)
        params[name] = Param(
            name, param.kind, default if not param.problem_with(default) else None, select
        )
    return params


def selection_problem(param: Param, value: object) -> str | None:
    """Why `value` cannot be given to this selection, or None if it can."""
    select = param.select
    if value is None:
        return None
    if select["type"] == "point":
        fields = select["fields"]
        rows = canonical(param, value)
        if rows is None:
            return (
                f"selection '{param.name}' is over several fields ({', '.join(fields)}): give a "
                f"list of objects keyed by them, like [{_example(fields)}]"
            )
        for row in rows:
            if not isinstance(row, dict) or set(row) != set(fields):
                return (
                    f"selection '{param.name}' takes objects keyed by its fields "
                    f"({', '.join(fields)}), like [{_example(fields)}], got {json.dumps(row)}"
                )
            if any(isinstance(v, (dict, list)) for v in row.values()):
                return (
                    f"selection '{param.name}' takes a text, number or boolean per field, "
                    f"got {json.dumps(row)}"
                )
        return None
    channels = select["channels"]
    example = ", ".join(
        f'"{c}": [{_bound(s["values"])}, {_bound(s["values"], 1)}]' for c, s in channels.items()
    )
    if not isinstance(value, dict) or set(value) != set(channels):
        return (
            f"interval selection '{param.name}' takes an object with a [from, to] pair for each "
            f"of its channels ({', '.join(channels)}), like {{{example}}}, got {json.dumps(value)}"
        )
    for channel, bounds in value.items():
        kind = channels[channel]["values"]
        if kind is None:
            return (
                f"interval selection '{param.name}' is over a scale a step cannot set ({channel})"
            )
        ok = (
            isinstance(bounds, list)
            and len(bounds) == 2
            and all(
                (_is_number(b) if kind == "number" else isinstance(b, str) and DATE.match(b))
                for b in bounds
            )
        )
        if not ok:
            what = "two numbers" if kind == "number" else 'two dates like "2023-07-11"'
            return (
                f"interval selection '{param.name}' takes {what} for '{channel}', "
                f"got {json.dumps(bounds)}"
            )
    return None


def canonical(param: Param, value: object):
    """A point selection's value as a list of objects keyed by its fields (None: unreadable)."""
    if value is None or param.select["type"] != "point":
        return value
    fields = param.select["fields"]
    items = value if isinstance(value, list) else [value]
    if any(not isinstance(item, dict) for item in items) and len(fields) != 1:
        return None
    return [item if isinstance(item, dict) else {fields[0]: item} for item in items]


def with_selections(vega_lite: dict, params: dict[str, Param], values: dict) -> dict:
    """A copy of the Vega-Lite spec whose selections start at the given values."""
    spec = copy.copy(vega_lite)

    def visit(node):
        if isinstance(node, dict):
            copied = {k: visit(v) if k not in ("data", "datasets") else v for k, v in node.items()}
            if isinstance(node.get("params"), list):
                copied["params"] = [_with_value(p, params, values) for p in node["params"]]
            return copied
        if isinstance(node, list):
            return [visit(item) for item in node]
        return node

    return visit(spec)


def live_selections(vega: dict, params: dict[str, Param]) -> dict:
    """The Vega spec with a signal per selection that steps set, which its signals follow."""
    selects = {p.name: p.select for p in params.values() if p.select}
    if not selects:
        return vega
    vega = dict(vega)
    ours = [{"name": s["signal"], "value": None} for s in selects.values()]
    vega["signals"] = ours + list(vega.get("signals", []))
    done = set()

    def visit(node: dict) -> dict:
        node = dict(node)
        if isinstance(node.get("signals"), list):
            node["signals"] = [_following(s, selects, done) for s in node["signals"]]
        if isinstance(node.get("marks"), list):
            node["marks"] = [visit(m) if isinstance(m, dict) else m for m in node["marks"]]
        return node

    vega = visit(vega)
    usermeta = dict(vega.get("usermeta") or {})
    usermeta["scrolly"] = dict(usermeta.get("scrolly") or {}, selections=selects)
    vega["usermeta"] = usermeta
    return vega


def _following(signal, selects: dict, done: set):
    """A selection's own signal, with a rule that follows our signal (once per selection)."""
    if not isinstance(signal, dict):
        return signal
    name = signal.get("name", "")
    for selection, select in selects.items():
        ours = select["signal"]
        if select["type"] == "point" and name == f"{selection}_modify" and name not in done:
            rule = {
                "events": {"signal": ours},
                "update": f'modify("{selection}_store", {ours}, true)',
            }
        elif (
            select["type"] == "interval"
            and name.removeprefix(f"{selection}_") in select["channels"]
            and name.startswith(f"{selection}_")
            and name not in done
        ):
            channel = name.removeprefix(f"{selection}_")
            info = select["channels"][channel]
            cast = "toDate" if info["values"] == "date" else "toNumber"
            scale = json.dumps(info["scale"])
            bound = f"{ours}.{channel}"
            rule = {
                "events": {"signal": ours},
                "update": f"{ours} && {bound} ? [scale({scale}, {cast}({bound}[0])), "
                f"scale({scale}, {cast}({bound}[1]))] : [0, 0]",
            }
        else:
            continue
        done.add(name)
        return dict(signal, on=[*signal.get("on", []), rule])
    return signal


def _with_value(param, params: dict[str, Param], values: dict):
    name = param.get("name") if isinstance(param, dict) else None
    if name not in values or name not in params or not params[name].select:
        return param
    value = canonical(params[name], values[name])
    param = {k: v for k, v in param.items() if k != "value"}
    if value is None:
        return param
    if params[name].select["type"] == "interval":
        value = {c: [_datetime(b) for b in bounds] for c, bounds in value.items()}
    return param | {"value": value}


def _datetime(bound):
    """A date "2023-07-11" as a Vega-Lite DateTime in UTC (as Vega reads that date in data)."""
    if isinstance(bound, str) and DATE.match(bound):
        year, month, day = (int(part) for part in bound.split("-"))
        return {"year": year, "month": month, "date": day, "utc": True}
    return bound


def _default(vega_lite: dict, name: str):
    for param in _vl_params(vega_lite):
        if param.get("name") == name:
            return param.get("value")
    return None


def _vl_params(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "params" and isinstance(value, list):
                yield from (p for p in value if isinstance(p, dict))
            elif key not in ("data", "datasets", "usermeta"):
                yield from _vl_params(value)
    elif isinstance(node, list):
        for item in node:
            yield from _vl_params(item)


def _signals(node: dict):
    yield from node.get("signals", []) or []
    for mark in node.get("marks", []) or []:
        if isinstance(mark, dict):
            yield from _signals(mark)


def _scales(node: dict):
    yield from (s for s in node.get("scales", []) or [] if isinstance(s, dict) and "name" in s)
    for mark in node.get("marks", []) or []:
        if isinstance(mark, dict):
            yield from _scales(mark)


def _value_kind(scale_type: str | None) -> str | None:
    if scale_type in NUMERIC_SCALES:
        return "number"
    return "date" if scale_type in TIME_SCALES else None


def _safe(field: str) -> str:
    """Vega-Lite's name for a field in a signal name (varName: non-word characters become _)."""
    return re.sub(r"\W", "_", field)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _bound(kind: str | None, which: int = 0) -> str:
    return ("0", "10")[which] if kind == "number" else ('"2023-07-01"', '"2023-07-31"')[which]


def _example(fields: list[str]) -> str:
    return "{" + ", ".join(f'"{f}": "…"' for f in fields) + "}"
