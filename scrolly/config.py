"""Stage 1: read and validate `site.toml`, the one place config is checked."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .files import read_text
from .problems import Problem, ProjectError, did_you_mean
from .stickies import layout_problem
from .theme import Theme, check_tokens, make_theme


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str = ""
    author: str = ""
    date: str = ""
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class Config:
    root: Path
    title: str
    dek: str = ""
    byline: str = ""
    date: dt.date | None = None
    language: str = "en"
    base_url: str = ""
    chapters: tuple[str, ...] | None = None
    summary: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    typographer: bool = True  # curly quotes and dashes in the prose
    dark_mode: bool = True  # follow readers whose system asks for a dark page
    layout: str = "text-left"  # scrolly sections' layout unless a section names its own
    theme: Theme = field(default_factory=Theme)

    @property
    def path(self) -> Path:
        return self.root / "site.toml"


# key -> (expected type, what to say when it is wrong)
SITE_KEYS = {
    "title": (str, "a string"),
    "dek": (str, "a string"),
    "byline": (str, "a string"),
    "date": ((dt.date, str), "a date like 2023-07-20"),
    "language": (str, 'a language tag like "en"'),
    "base_url": (str, 'a URL like "https://example.org/story/"'),
    "chapters": (list, "a list of chapter file names (without .md)"),
    "summary": (list, "a list of strings"),
    "sources": (list, "an array of tables: [[sources]]"),
    "typographer": (bool, "true or false"),
    "dark_mode": (bool, "true or false"),
    "theme": (dict, "a table: [theme]"),
    "layout": (
        str,
        'a layout: "text-left", "text-right", "overlay", "overlay-left" or "overlay-right"',
    ),
}
SOURCE_KEYS = {
    name: (str, "a string") for name in ("title", "publisher", "author", "date", "url", "note")
}


def load_config(root: Path) -> Config:
    path = root / "site.toml"
    if not path.exists() and not path.is_symlink():
        raise ProjectError(
            [
                Problem(
                    path, 1, 'site.toml not found: every project needs one (at least: title = "…")'
                )
            ]
        )
    text = read_text(path, "site.toml")  # a BOM, as some editors write, is dropped
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"\(at line (\d+)", str(err))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(err))
        raise ProjectError(
            [Problem(path, int(match.group(1)) if match else 1, f"invalid TOML: {message}")]
        )
    except ValueError:  # tomllib's int() of a number too long for Python to convert
        digits = max(re.findall(r"[0-9_]+", text), key=len, default="")
        line = text.count("\n", 0, text.find(digits)) + 1 if digits else 1
        raise ProjectError(
            [
                Problem(
                    path,
                    line,
                    f"invalid TOML: a number of {len(digits.replace('_', ''))} digits is too "
                    "long to read (write it as a string)",
                )
            ]
        )
    return _validate(root, path, text, raw)


def _validate(root: Path, path: Path, text: str, raw: dict) -> Config:
    problems = _check_keys(path, text, raw, SITE_KEYS, where="site.toml")
    if "title" not in raw:
        problems.append(Problem(path, 1, "missing key 'title': the story needs a headline"))

    values = {key: value for key, value in raw.items() if _is_valid(key, value, SITE_KEYS)}
    for key in ("chapters", "summary"):
        items = values.get(key, [])
        if any(not isinstance(item, str) for item in items):
            problems.append(
                Problem(path, _line_of_key(text, key), f"key '{key}' must be {SITE_KEYS[key][1]}")
            )
            values.pop(key)

    sources = []
    for index, table in enumerate(values.pop("sources", [])):
        start = _line_of_nth(text, r"^\s*\[\[\s*sources\s*\]\]", index)
        if not isinstance(table, dict):
            problems.append(
                Problem(path, start, "each entry of 'sources' must be a table: [[sources]]")
            )
            continue
        table_problems = _check_keys(
            path, text, table, SOURCE_KEYS, where="[[sources]]", after=start
        )
        if "title" not in table:
            table_problems.append(Problem(path, start, "a [[sources]] entry needs a 'title'"))
        url = table.get("url")
        if isinstance(url, str) and not _is_safe_link(url):
            table_problems.append(
                Problem(
                    path,
                    _line_of_key(text, "url", start),
                    "key 'url' in [[sources]] must be an http://, https:// or mailto: "
                    f"address or a relative URL, got {url!r}",
                )
            )
        problems += table_problems
        if not table_problems:
            sources.append(Source(**table))

    date = values.pop("date", None)
    if isinstance(date, dt.datetime):
        date = date.date()
    elif isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            problems.append(
                Problem(
                    path,
                    _line_of_key(text, "date"),
                    f"key 'date' must be a date like 2023-07-20, got {date!r}",
                )
            )
            date = None

    base_url = values.pop("base_url", "")
    if base_url and not re.match(r"^https?://[^/\s]+", base_url):
        problems.append(
            Problem(
                path,
                _line_of_key(text, "base_url"),
                f"key 'base_url' must start with http:// or https://, got {base_url!r}",
            )
        )
    elif base_url and not base_url.endswith("/"):
        base_url += "/"

    layout = values.get("layout")
    if layout is not None and layout_problem(layout):
        problems.append(
            Problem(path, _line_of_key(text, "layout"), f"key 'layout': {layout_problem(layout)}")
        )
        values.pop("layout")

    theme_table = values.pop("theme", {})
    theme_problems = [
        Problem(
            path,
            _line_of_key(text, key, _line_of_nth(text, rf"^\s*\[\s*{re.escape(table)}\s*\]", 0)),
            message,
        )
        for table, key, message in check_tokens(theme_table, "theme")
    ]
    problems += theme_problems
    dark_mode = values.pop("dark_mode", True)
    theme = Theme() if theme_problems else make_theme(theme_table, dark_mode)

    if problems:
        raise ProjectError(problems)
    return Config(
        theme=theme,
        dark_mode=dark_mode,
        root=root,
        date=date,
        base_url=base_url,
        chapters=tuple(values.pop("chapters")) if "chapters" in values else None,
        summary=tuple(values.pop("summary", ())),
        sources=tuple(sources),
        **values,
    )


LINK_SCHEMES = ("http", "https", "mailto")
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def _is_safe_link(url: str) -> bool:
    """Whether a link may go on the page: http, https, mailto or relative, never javascript: or data:.

    The scheme is read as a browser reads it: after dropping leading and trailing spaces
    and control characters and every tab and newline (so "java\tscript:" is javascript:).
    """
    seen = re.sub(r"[\t\n\r]", "", url.strip("".join(map(chr, range(0x21)))))
    match = SCHEME.match(seen)
    return match is None or match.group(1).lower() in LINK_SCHEMES


def _check_keys(
    path: Path, text: str, table: dict, known: dict, where: str, after: int = 0
) -> list[Problem]:
    problems = []
    for key, value in table.items():
        line = _line_of_key(text, key, after)
        if key not in known:
            hint = did_you_mean(key, known)
            problems.append(
                Problem(
                    path,
                    line,
                    f"unknown key '{key}' in {where}{hint}; known keys: {', '.join(known)}",
                )
            )
            continue
        if not _is_valid(key, value, known):
            problems.append(
                Problem(path, line, f"key '{key}' must be {known[key][1]}, got {_kind(value)}")
            )
    return problems


def _is_valid(key: str, value: object, known: dict) -> bool:
    if key in known and known[key][0] is bool:
        return isinstance(value, bool)
    return key in known and isinstance(value, known[key][0]) and not isinstance(value, bool)


def _kind(value: object) -> str:
    names = {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


def _line_of_key(text: str, key: str, after: int = 0) -> int:
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", re.MULTILINE)
    lines = text.split("\n")
    for number in range(after, len(lines) + 1):
        if number >= 1 and pattern.match(lines[number - 1]):
            return number
    return max(after, 1)


def _line_of_nth(text: str, pattern: str, index: int) -> int:
    matches = [number for number, line in enumerate(text.split("\n"), 1) if re.match(pattern, line)]
    return matches[index] if index < len(matches) else 1
