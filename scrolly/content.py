"""Stage 2: read the chapters, turning Markdown with scrolly directives into plain records.

A chapter is a list of blocks: prose, scrolly sections (a chart and its steps) and
standalone figures. Prose is rendered to HTML here; charts are only named, and the
names are checked against the compiled charts later.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .config import Config
from .problems import Problem, ProjectError, did_you_mean

FRONT_MATTER_KEYS = ("title", "slug", "summary")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
VALUE = re.compile(
    r"""\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>"(?:[^"\\]|\\.)*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?=\s|$)"""
)


STRUCTURED = re.compile(r"\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)=[\[{]")


@dataclass(frozen=True)
class Step:
    values: dict
    html: str
    line: int


@dataclass(frozen=True)
class Scrolly:
    chart: str
    steps: tuple[Step, ...]
    line: int

    def states(self) -> list[dict]:
        """The values set so far at each step: a step with no values keeps the state before it."""
        states, current = [], {}
        for step in self.steps:
            current = current | step.values
            states.append(current)
        return states


@dataclass(frozen=True)
class Figure:
    chart: str
    values: dict
    caption_html: str
    line: int


@dataclass(frozen=True)
class Prose:
    html: str


@dataclass(frozen=True)
class Chapter:
    path: Path
    slug: str
    title: str
    summary: str
    blocks: tuple = field(default=())

    @property
    def steps(self) -> list[Step]:
        return [step for block in self.blocks if isinstance(block, Scrolly) for step in block.steps]


def markdown(html: bool = True) -> MarkdownIt:
    """The one Markdown parser: CommonMark plus tables, footnotes, block attributes and `:::` directives.

    Chapters may hold raw HTML (authors own their site); text from site.toml is parsed
    with `html=False`, so markup in a config value shows as text.
    """
    md = MarkdownIt("commonmark", {"typographer": False, "html": html}).enable("table")
    md.use(front_matter_plugin).use(footnote_plugin).use(attrs_block_plugin)
    md.use(container_plugin, "directive", validate=lambda params, *rest: True)
    return md


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
            if re.match(r"[A-Za-z_]\w*='", rest) or re.match(r"[A-Za-z_]\w*=“", rest):
                hint = " (strings take straight double quotes)"
            elif re.match(r"[A-Za-z_]\w*=[^\s\"]", rest):
                hint = " (put text in double quotes)"
            raise ValueError(f"cannot read {rest.split()[0]!r}: expected name=value, where value is \"text\", a number, true, false or null{hint}")
        name = match.group("name")
        if name in values:
            raise ValueError(f"'{name}' is set twice")
        values[name] = json.loads(match.group("value"))
        position = match.end()
    return values


def _json_value(text: str, start: int) -> tuple[object, int]:
    """The JSON array or object at `start` and where it ends; raise ValueError if unreadable."""
    decoder = json.JSONDecoder(parse_constant=_not_json, parse_float=_finite)
    try:
        value, end = decoder.raw_decode(text, start)
    except json.JSONDecodeError as err:
        shown = text[start:].split()[0] if text[start:].strip() else text[start:]
        raise ValueError(f"cannot read {shown!r}: arrays [...] and objects {{...}} are JSON, with "
                         f"strings in straight double quotes ({err.msg} at column {err.pos - start + 1})") from None
    except _NotFinite as err:
        raise ValueError(f"cannot read {text[start:].split()[0]!r}: {err}") from None
    if end < len(text) and not text[end].isspace():
        raise ValueError(f"cannot read {text[start:].split()[0]!r}: put a space after the closing "
                         f"{text[end - 1]!r}")
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


def parse_chapter(text: str, path: Path, md: MarkdownIt | None = None) -> Chapter:
    """Parse one chapter's text; raise ProjectError with every problem in it."""
    md = md or markdown()
    problems: list[Problem] = []
    tokens = md.parse(text)
    meta = _front_matter(tokens, path, problems)
    slug = meta.get("slug") or re.sub(r"^\d+[-_]", "", path.stem).lower()
    if not SLUG.match(slug):
        problems.append(Problem(path, 1, f"slug {slug!r} is not a valid anchor: use lower-case letters, digits and hyphens, like 'door-prize'"))
    if "title" not in meta and tokens and tokens[0].type == "front_matter":
        problems.append(Problem(path, 1, "front matter needs a 'title'"))
    env = {"docId": slug}
    blocks = _blocks(tokens, path, md, env, problems)
    if problems:
        raise ProjectError(problems)
    return Chapter(path=path, slug=slug, title=meta["title"], summary=meta.get("summary", ""), blocks=tuple(blocks))


def read_chapters(config: Config) -> list[Chapter]:
    """Read every chapter, in the order site.toml gives (file-name order by default)."""
    folder = config.root / "content"
    files = sorted(p for p in folder.glob("*.md") if not p.name.startswith("_")) if folder.is_dir() else []
    if not files:
        raise ProjectError([Problem(folder, 1, "no chapters: add Markdown files (content/*.md) to this folder")])
    problems: list[Problem] = []
    if config.chapters is not None:
        files = _ordered(files, config, problems)
    md = markdown()
    chapters, seen = [], {}
    for path in files:
        try:
            text = _read_text(path)
            chapter = parse_chapter(text, path, md)
        except ProjectError as err:
            problems += err.problems
            continue
        if chapter.slug in seen:
            problems.append(Problem(path, 1, f"anchor '{chapter.slug}' is already used by {seen[chapter.slug]}: give one of them another slug"))
        seen.setdefault(chapter.slug, path)
        chapters.append(chapter)
    if problems:
        raise ProjectError(problems)
    return chapters


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise ProjectError([Problem(path, line, f"not UTF-8 text (byte 0x{data[err.start]:02x}); save the file as UTF-8")])


def _ordered(files: list[Path], config: Config, problems: list[Problem]) -> list[Path]:
    by_name = {path.stem: path for path in files}
    line = _line_in(config.path, r"^\s*chapters\s*=")
    ordered = []
    for name in config.chapters:
        if name in by_name:
            ordered.append(by_name[name])
        else:
            problems.append(Problem(config.path, line, f"chapter '{name}' is listed in 'chapters' but content/{name}.md does not exist"))
    for path in files:
        if path.stem not in config.chapters:
            problems.append(Problem(path, 1, f"this chapter is not listed in site.toml's 'chapters': add \"{path.stem}\" there, or rename the file to start with '_' to keep it as a draft"))
    return ordered


def _line_in(path: Path, pattern: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if re.match(pattern, line):
            return number
    return 1


def _front_matter(tokens: list[Token], path: Path, problems: list[Problem]) -> dict:
    if not tokens or tokens[0].type != "front_matter":
        problems.append(Problem(path, 1, "missing front matter: start the file with a '---' line, 'title: …', and another '---' line"))
        return {}
    meta: dict[str, str] = {}
    for number, line in enumerate(tokens[0].content.split("\n"), 2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, colon, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not colon or not NAME.match(key):
            problems.append(Problem(path, number, f"front matter lines are 'key: value', got {line.strip()!r}"))
        elif key not in FRONT_MATTER_KEYS:
            problems.append(Problem(path, number, f"unknown front matter key '{key}'{did_you_mean(key, FRONT_MATTER_KEYS)}; known keys: {', '.join(FRONT_MATTER_KEYS)}"))
        elif key in meta:
            problems.append(Problem(path, number, f"front matter key '{key}' is set twice"))
        else:
            try:
                meta[key] = _unquote(value)
            except ValueError:
                problems.append(Problem(path, number, f"cannot read the quoted value of '{key}': inside double quotes, write a quote as \\\" and a backslash as \\\\"))
    return meta


def _unquote(value: str) -> str:
    """A front matter value: bare, 'single-quoted' ('' is a quote) or "double-quoted" (with \\ escapes)."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return json.loads(value)
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def _blocks(tokens: list[Token], path: Path, md: MarkdownIt, env: dict, problems: list[Problem]) -> list:
    """Split the top level of a chapter into prose, scrolly sections and figures."""
    blocks, prose = [], []
    index = 1 if tokens and tokens[0].type == "front_matter" else 0
    while index < len(tokens):
        token = tokens[index]
        if token.type != "container_directive_open":
            prose.append(token)
            index += 1
            continue
        end = _closing(tokens, index)
        if prose:
            blocks.append(Prose(md.renderer.render(prose, md.options, env)))
            prose = []
        block = _directive(tokens[index : end + 1], path, md, env, problems)
        if block:
            blocks.append(block)
        index = end + 1
    if prose:
        blocks.append(Prose(md.renderer.render(prose, md.options, env)))
    return blocks


def _closing(tokens: list[Token], start: int) -> int:
    depth = 0
    for index in range(start, len(tokens)):
        if tokens[index].type == "container_directive_open":
            depth += 1
        elif tokens[index].type == "container_directive_close":
            depth -= 1
            if depth == 0:
                return index
    return len(tokens) - 1


def _directive(tokens: list[Token], path: Path, md: MarkdownIt, env: dict, problems: list[Problem]):
    open_token, line = tokens[0], tokens[0].map[0] + 1
    name, _, args = open_token.info.strip().partition(" ")
    fence = open_token.markup
    if tokens[-1].markup == "":
        problems.append(Problem(path, line, f"'{fence} {name}' is never closed: add a line '{fence}' after its content"))
        return None
    if name == "scrolly":
        return _scrolly(tokens, args.strip(), line, path, md, env, problems)
    if name == "chart":
        chart, _, rest = args.strip().partition(" ")
        values = _values(rest, path, line, problems)
        if not NAME.match(chart):
            problems.append(Problem(path, line, f"'{fence} chart' needs a chart name, like '{fence} chart map'"))
            return None
        if any(t.type == "container_directive_open" for t in tokens[1:-1]):
            problems.append(Problem(path, line, "a chart's caption cannot hold other ':::' directives"))
        caption = md.renderer.render(tokens[1:-1], md.options, env)
        return Figure(chart=chart, values=values if values is not None else {}, caption_html=caption, line=line)
    if name == "step":
        problems.append(Problem(path, line, "a step must be inside a scrolly section: open one with ':::: scrolly CHART' before it and close it with '::::' after the last step"))
    else:
        problems.append(Problem(path, line, f"unknown directive '{name}'{did_you_mean(name, ('scrolly', 'step', 'chart'))}: scrolly knows ':::: scrolly CHART', '::: step' and '::: chart CHART'"))
    return None


def _scrolly(tokens, chart, line, path, md, env, problems):
    if not NAME.match(chart):
        problems.append(Problem(path, line, "a scrolly section names one chart, like ':::: scrolly timeline'"))
        return None
    if tokens[0].markup == ":::":
        problems.append(Problem(path, line, "open a scrolly section with four colons (':::: scrolly CHART') so that its three-colon steps can close inside it"))
        return None
    steps, index = [], 1
    while index < len(tokens) - 1:
        token = tokens[index]
        if token.type != "container_directive_open":
            where = token.map[0] + 1 if token.map else line
            problems.append(Problem(path, where, "text inside a scrolly section must be in a step ('::: step' … ':::')"))
            index = _skip_block(tokens, index)
            continue
        end = _closing(tokens, index)
        step_line = token.map[0] + 1
        name, _, args = token.info.strip().partition(" ")
        if name != "step":
            problems.append(Problem(path, step_line, f"a scrolly section holds only steps, not '{name}'"))
        elif tokens[end].markup == "":
            problems.append(Problem(path, step_line, "'::: step' is never closed: add a line ':::' after its text"))
        elif any(t.type == "container_directive_open" for t in tokens[index + 1 : end]):
            problems.append(Problem(path, step_line, "a step cannot hold other ':::' directives"))
        else:
            values = _values(args, path, step_line, problems)
            html = md.renderer.render(tokens[index + 1 : end], md.options, env)
            steps.append(Step(values=values if values is not None else {}, html=html, line=step_line))
        index = end + 1
    if not steps and not any(p.path == path and p.line > line for p in problems):
        problems.append(Problem(path, line, "this scrolly section has no steps: add '::: step' blocks inside it"))
    return Scrolly(chart=chart, steps=tuple(steps), line=line)


def _skip_block(tokens: list[Token], index: int) -> int:
    """Index after the block that starts at `index` (a whole paragraph, list, …)."""
    level = tokens[index].level
    index += 1
    while index < len(tokens) and tokens[index].level > level:
        index += 1
    return index + 1 if index < len(tokens) and tokens[index].nesting == -1 else index


def _values(text: str, path: Path, line: int, problems: list[Problem]) -> dict | None:
    try:
        return parse_values(text)
    except ValueError as err:
        problems.append(Problem(path, line, str(err)))
        return None


@dataclass(frozen=True)
class ChartUse:
    """One place a chapter shows a chart: a scrolly section or a figure."""

    path: Path  # the chapter
    line: int
    chart: str
    settings: tuple[tuple[dict, int], ...]  # what each step (or the figure) sets, and its line
    first: dict | None  # the values it is first shown with; None for a section without steps


def chart_uses(chapters: list[Chapter]):
    """Every scrolly section and figure of the chapters, in reading order."""
    for chapter in chapters:
        for block in chapter.blocks:
            if isinstance(block, Scrolly):
                settings = tuple((step.values, step.line) for step in block.steps)
                first = block.steps[0].values if block.steps else None
                yield ChartUse(chapter.path, block.line, block.chart, settings, first)
            elif isinstance(block, Figure):
                settings = ((block.values, block.line),)
                yield ChartUse(chapter.path, block.line, block.chart, settings, block.values)
