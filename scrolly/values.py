"""The values a step, figure or section sets: `name="text" n=3 flag=true zoom=[…]`.

Each value must reach the reader's browser exactly as written, so numbers a browser would
round or read as Infinity, and text holding half a surrogate pair, are refused here.
"""

from __future__ import annotations

import json
import math
import re

PARAM_NAME = re.compile(
    r"[^\W\d]\w*"
)  # a Unicode identifier: what a step may set, and a chart may declare
VALUE = re.compile(
    r"""\s*(?P<name>[^\W\d]\w*)=(?P<value>"(?:[^"\\]|\\.)*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?=\s|$)"""
)


STRUCTURED = re.compile(r"\s*(?P<name>[^\W\d]\w*)=[\[{]")


def parse_values(text: str) -> dict:
    """Parse `name="text" n=3 flag=true` into a dict; raise ValueError naming what is wrong."""
    values, position = {}, 0
    text = text.rstrip()
    while position < len(text):
        structured = STRUCTURED.match(text, position)
        if structured:  # name=[…] or name={…}: JSON, for selections
            name = structured.group("name")
            if name in values:
                raise ValueError(f"'{name}' is set twice")
            values[name], position = _json_value(text, structured.end() - 1)
            continue
        match = VALUE.match(text, position)
        if not match:
            rest = text[position:].strip()
            hint = ""
            if re.match(r"[^\W\d]\w*='", rest) or re.match(r"[^\W\d]\w*=“", rest):
                hint = " (strings take straight double quotes)"
            elif re.match(r"[^\W\d]\w*=[^\s\"]", rest):
                hint = " (put text in double quotes)"
            raise ValueError(
                f"cannot read {rest.split()[0]!r}: expected name=value, where value is "
                f'"text", a number, true, false or null{hint}'
            )
        name = match.group("name")
        if name in values:
            raise ValueError(f"'{name}' is set twice")
        values[name] = _value(name, match.group("value"))
        position = match.end()
    return values


MAX_SAFE_INTEGER = 2**53 - 1  # the largest whole number a browser's numbers hold exactly


def _value(name: str, text: str):
    """One value, refused when the page could not carry it to the browser as written."""
    shown = f"{name}={text if len(text) <= 24 else text[:20] + '…'}"
    if text[0] in "-0123456789":
        number = float(text)  # a float of any length; int() refuses past 4,300 digits
        if not math.isfinite(number):
            raise ValueError(
                f"cannot use {shown}: the number is too large (past about 1.8e308 a browser "
                "reads it as Infinity)"
            )
        if re.fullmatch(r"-?\d+", text) and (
            len(text.lstrip("-")) > 16 or abs(int(text)) > MAX_SAFE_INTEGER
        ):
            raise ValueError(
                f"cannot use {shown}: a browser cannot hold this whole number exactly (whole "
                f"numbers go up to {MAX_SAFE_INTEGER}); write {number!r} if an approximation "
                "will do"
            )
    value = json.loads(text)
    if isinstance(value, str) and surrogate(value):
        raise ValueError(f"cannot use {shown}: {surrogate(value)}")
    return value


def surrogate(text: str) -> str:
    """What is wrong with a text holding half of a UTF-16 surrogate pair (from a \\ud800 escape), or
    "".
    """
    half = next((c for c in text if 0xD800 <= ord(c) <= 0xDFFF), None)
    return (
        ""
        if half is None
        else f"\\u{ord(half):04x} is half of a surrogate pair, not a character: write the "
        "character itself"
    )


def _json_value(text: str, start: int) -> tuple[object, int]:
    """The JSON array or object at `start` and where it ends; raise ValueError if unreadable."""
    decoder = json.JSONDecoder(parse_constant=_not_json, parse_float=_finite)
    try:
        value, end = decoder.raw_decode(text, start)
    except json.JSONDecodeError as err:
        shown = text[start:].split()[0] if text[start:].strip() else text[start:]
        raise ValueError(
            f"cannot read {shown!r}: arrays [...] and objects {{...}} are JSON, with "
            f"strings in straight double quotes ({err.msg} at column {err.pos - start + 1})"
        ) from None
    except _NotFinite as err:
        raise ValueError(f"cannot read {text[start:].split()[0]!r}: {err}") from None
    if end < len(text) and not text[end].isspace():
        raise ValueError(
            f"cannot read {text[start:].split()[0]!r}: put a space after the closing "
            f"{text[end - 1]!r}"
        )
    return value, end


class _NotFinite(Exception):
    """A number JSON cannot hold (NaN, Infinity, 1e999): no chart can take it."""


def _not_json(word: str):
    raise _NotFinite(f"{word} is not a number a step can set")


def _finite(number: str) -> float:
    value = float(number)
    if value in (float("inf"), float("-inf")):
        raise _NotFinite(f"{number} is too large a number")
    return value
