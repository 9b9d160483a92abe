"""Charts with many inline data rows: keep the rows out of the work that never reads them.

A chart's rows are plain records (dicts of strings, numbers, booleans and None), and
nothing between the chart module and the output changes them, yet:

- Altair copies the whole chart, rows included, at every `.properties()`, `layer()` or
  `add_params()`, and walks every row again in `to_dict` (with 40,000 rows, seconds of
  pure Python: most of a chart's build time);
- the schema check validates every row, for every branch of the schema it tries;
- vl-convert's `vegalite_to_vega` sends every row to JavaScript and back, and Vega-Lite
  only copies them into the Vega spec.

Records are recognised exactly (`is_records`); anything else takes the ordinary path,
so the specs, and the site, are the same as without these shortcuts.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from functools import partial
from itertools import chain

SCALARS = frozenset({str, int, float, bool, type(None)})
PLACEHOLDER_KEY = "__scrolly_rows__"


def is_records(value: object) -> bool:
    """A non-empty list of plain dicts whose values are all JSON scalars."""
    if type(value) is not list or not value or set(map(type, value)) != {dict}:
        return False
    return SCALARS.issuperset(map(type, chain.from_iterable(map(dict.values, value))))


_known: dict[int, list] = {}  # id -> a list of records seen while building a chart (kept alive)


def install_altair_shortcuts() -> None:
    """Make Altair share lists of records between its copies of a chart, and serialise
    them with one C-level dict copy a row.

    Altair copies so that changing one chart cannot change another, and it never changes
    data rows; its own serialisation of records gives equal dicts of the same scalars.
    Installed once per process (chart workers); idempotent. Call `forget_records` once a
    chart is serialised.
    """
    from altair.utils import schemapi

    if getattr(schemapi, "_scrolly_shortcuts", False):
        return
    deep_copy, todict = schemapi._deep_copy, schemapi._todict

    def fast_deep_copy(obj, by_ref):
        return obj if _checked_records(obj) else deep_copy(obj, by_ref)

    def fast_todict(obj, context, np_opt, pd_opt):
        if _checked_records(obj):
            return list(map(dict, obj))
        return todict(obj, context, np_opt, pd_opt)

    schemapi._deep_copy, schemapi._todict = fast_deep_copy, fast_todict
    schemapi._scrolly_shortcuts = True


def _checked_records(value: object) -> bool:
    """is_records, remembered for the very list (a chart copies the same rows many times)."""
    if type(value) is not list:
        return False
    if _known.get(id(value)) is value:
        return True
    if is_records(value):
        _known[id(value)] = value
        return True
    return False


def forget_records() -> None:
    """Let go of the lists remembered while a chart was built (they may be large)."""
    _known.clear()


def schema_sample(spec: dict) -> dict:
    """A copy of the spec for the schema check: each inline table of records cut to one row.

    The schema asks of a table's rows only that they all be objects, which a list of
    records is; tables of anything else are kept whole, so the check finds what it
    would find in the whole spec. Only the dicts on the way to the tables are copied.
    """

    return with_tables(spec, lambda rows: rows[:1])


def with_tables(spec: dict, replace: Callable[[list], object]) -> dict:
    """A copy of the spec with each inline table of records (a view's `data.values`, the
    top-level `datasets`) replaced by `replace(rows)`; only the dicts on the way are copied."""

    def visit(node, key: str | None):
        if isinstance(node, dict):
            copied = {}
            for name, value in node.items():
                if name == "values" and key == "data" and is_records(value):
                    copied[name] = replace(value)
                elif name == "datasets" and key is None and isinstance(value, dict):
                    copied[name] = {n: replace(r) if is_records(r) else r for n, r in value.items()}
                else:
                    copied[name] = visit(value, name)
            return copied
        if isinstance(node, list):
            return [visit(item, key) for item in node]
        return node

    return visit(spec, None)


def compile_without_rows(vega_lite: dict, compile: Callable[[dict], dict]) -> dict:
    """`compile(vega_lite)`, each table of records sent as a one-row placeholder and put
    back into the Vega spec: the very list the Vega-Lite spec holds, as shared_rows does.

    Vega-Lite copies inline rows into the Vega spec without reading them. A placeholder
    that comes back anywhere but as a data table's values would mean it had read them:
    the chart is then compiled again, with its rows.
    """
    tables: list[list] = []

    light = with_tables(vega_lite, partial(_placeholder, tables))
    if not tables:
        return compile(vega_lite)
    vega = compile(light)
    entries = vega.get("data") if isinstance(vega.get("data"), list) else []
    found = [
        (entry, _placeholder_index(entry.get("values")))
        for entry in entries
        if isinstance(entry, dict) and _placeholder_index(entry.get("values")) is not None
    ]
    if len(found) != _count_placeholders(vega):
        return compile(vega_lite)
    for entry, index in found:
        entry["values"] = tables[index]
    return vega


def _placeholder(tables: list[list], rows: list) -> list:
    """The placeholder of a table: equal tables get equal ones (Vega-Lite merges the data
    sources of equal tables, and must still see which are equal)."""
    for index, table in enumerate(tables):
        if table is rows or table == rows:
            return [{PLACEHOLDER_KEY: index}]
    tables.append(rows)
    return [{PLACEHOLDER_KEY: len(tables) - 1}]


def _placeholder_index(values) -> int | None:
    if type(values) is list and len(values) == 1 and type(values[0]) is dict:
        index = values[0].get(PLACEHOLDER_KEY)
        return index if type(index) is int and len(values[0]) == 1 else None
    return None


def _count_placeholders(node) -> int:
    """How many placeholders there are anywhere in the compiled spec."""
    if isinstance(node, dict):
        return (PLACEHOLDER_KEY in node) + sum(_count_placeholders(v) for v in node.values())
    if isinstance(node, list):
        return sum(_count_placeholders(v) for v in node)
    return 0


LARGE = 200  # rows from which a table is encoded once and spliced in


def dumps(value: object, memo: dict | None = None, **options) -> str:
    """json.dumps(value, **options), each large table of records encoded once however often
    it appears: in one value (the cache's record of a chart holds its Vega-Lite and Vega
    specs, which share their tables) or, given the same `memo` and options, in several.
    The same text, sooner."""
    memo = {} if memo is None else memo  # id(rows) -> (rows, their text): keeps them alive
    tokens: dict[int, tuple[list, str]] = {}
    prefix = f"\0scrolly-table-{secrets.token_hex(8)}-"  # no text of the value holds it

    def swap(node):
        if type(node) is dict:
            return {key: swap(item) for key, item in node.items()}
        if type(node) is list:
            if (
                len(node) >= LARGE
                and type(node[0]) is dict
                and (memo.get(id(node), (None,))[0] is node or is_records(node))
            ):
                return tokens.setdefault(id(node), (node, f"{prefix}{len(tokens)}"))[1]
            if node and type(node[0]) is dict:  # tables are in lists of dicts, never of lists
                return [swap(item) for item in node]
        return node

    text = json.dumps(swap(value), **options)
    for key, (rows, token) in tokens.items():
        if memo.get(key, (None,))[0] is not rows:
            memo[key] = (rows, json.dumps(rows, **options))
        text = text.replace(json.dumps(token), memo[key][1])
    return text
