"""Stage 2: read the chapters, turning Markdown with scrolly directives into plain records.

A chapter is a list of blocks: prose, scrolly sections (a chart and its steps) and
standalone figures. Prose is rendered to HTML here; charts are only named, and the
names are checked against the compiled charts later.
"""

from __future__ import annotations

import json
import math
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
from .files import read_text
from .images import images_rule
from .problems import Problem, ProjectError, did_you_mean
from .stickies import Sticky, check_graphics, layout_problem, make_sticky

FRONT_MATTER_KEYS = ("title", "slug", "summary")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
PARAM_NAME = re.compile(
    r"[^\W\d]\w*"
)  # a Unicode identifier: what a step may set, and a chart may declare
VALUE = re.compile(
    r"""\s*(?P<name>[^\W\d]\w*)=(?P<value>"(?:[^"\\]|\\.)*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?=\s|$)"""
)


STRUCTURED = re.compile(r"\s*(?P<name>[^\W\d]\w*)=[\[{]")


@dataclass(frozen=True)
class Step:
    values: dict
    html: str
    line: int
    alt: str = ""  # what the chart shows at this step, in words (for screen readers)
    show: str = ""  # the graphic this step switches to (show="NAME"); "" keeps the one before


@dataclass(frozen=True)
class Scrolly:
    chart: str  # the section's first graphic (':::: scrolly NAME'), or ""
    steps: tuple[Step, ...]
    line: int
    layout: str = ""  # one of stickies.LAYOUTS, or "" for the site's default
    stickies: tuple[Sticky, ...] = ()

    def shown(self) -> list[tuple[str, dict]]:
        """The graphic each step shows and that graphic's values so far: values are kept
        per graphic, so a step coming back to a graphic finds it as it was left."""
        graphic, kept, shown = self.chart, {}, []
        for step in self.steps:
            graphic = step.show or graphic
            kept[graphic] = kept.get(graphic, {}) | step.values
            shown.append((graphic, kept[graphic]))
        return shown

    def states(self) -> list[dict]:
        """The values set so far at each step, of the graphic the step shows."""
        return [values for _, values in self.shown()]

    def sticky(self, name: str) -> Sticky | None:
        return next((sticky for sticky in self.stickies if sticky.name == name), None)

    def graphics(self) -> list[str]:
        """Every graphic the section shows, in the order they are first shown."""
        return list(dict.fromkeys(graphic for graphic, _ in self.shown()))


@dataclass(frozen=True)
class Figure:
    chart: str
    values: dict
    caption_html: str
    line: int
    alt: str = ""


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
    images: tuple = ()  # the images.Image files its Markdown shows

    @property
    def steps(self) -> list[Step]:
        return [step for block in self.blocks if isinstance(block, Scrolly) for step in block.steps]


def markdown(html: bool = True, typographer: bool = True) -> MarkdownIt:
    """The one Markdown parser: CommonMark plus tables, footnotes, block attributes and `:::` directives.

    Chapters may hold raw HTML (authors own their site); text from site.toml is parsed
    with `html=False`, so markup in a config value shows as text. The typographer turns
    straight quotes into curly ones and `--` into dashes (site.toml: `typographer`).
    """
    md = MarkdownIt("commonmark", {"typographer": typographer, "html": html}).enable("table")
    if typographer:
        md.enable(["replacements", "smartquotes"])
    md.use(front_matter_plugin).use(footnote_plugin).use(attrs_block_plugin)
    md.use(container_plugin, "directive", validate=lambda params, *rest: True)
    md.core.ruler.push("subheads", _subheads)
    md.core.ruler.push("images", images_rule)
    md.add_render_rule("footnote_anchor", _footnote_backlink)
    return md


def _subheads(state) -> None:
    """Headings in a chapter sit under its title (an h2): `#` and `##` become h3, `###` h4, …"""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, max(3, int(token.tag[1]) + 1))}"


def _footnote_backlink(self, tokens, index, options, env) -> str:
    """The footnote's link back to where it is cited, named for screen readers (not just "↩")."""
    ident = self.rules["footnote_anchor_name"](tokens, index, options, env)
    number = ident.rsplit("-", 1)[-1]
    if tokens[index].meta["subId"] > 0:
        ident += f":{tokens[index].meta['subId']}"
    label = f"Back to the text of footnote {number}"
    return (
        f' <a href="#fnref{ident}" class="footnote-backref" aria-label="{label}">\u21a9\ufe0e</a>'
    )


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
                f'cannot read {rest.split()[0]!r}: expected name=value, where value is "text", a number, true, false or null{hint}'
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
                f"cannot use {shown}: the number is too large (past about 1.8e308 a browser reads it as Infinity)"
            )
        if re.fullmatch(r"-?\d+", text) and (
            len(text.lstrip("-")) > 16 or abs(int(text)) > MAX_SAFE_INTEGER
        ):
            raise ValueError(
                f"cannot use {shown}: a browser cannot hold this whole number exactly (whole numbers go up to {MAX_SAFE_INTEGER}); write {number!r} if an approximation will do"
            )
    value = json.loads(text)
    if isinstance(value, str) and _surrogate(value):
        raise ValueError(f"cannot use {shown}: {_surrogate(value)}")
    return value


def _surrogate(text: str) -> str:
    """What is wrong with a text holding half of a UTF-16 surrogate pair (from a \\ud800 escape), or ""."""
    half = next((c for c in text if 0xD800 <= ord(c) <= 0xDFFF), None)
    return (
        ""
        if half is None
        else f"\\u{ord(half):04x} is half of a surrogate pair, not a character: write the character itself"
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


def parse_chapter(text: str, path: Path, md: MarkdownIt | None = None) -> Chapter:
    """Parse one chapter's text; raise ProjectError with every problem in it."""
    chapter, problems = _parse(text, path, md or markdown())
    if problems:
        raise ProjectError(problems)
    return chapter


def _parse(text: str, path: Path, md: MarkdownIt) -> tuple[Chapter, list[Problem]]:
    """The chapter as far as it could be read, and its problems: a problem in one part
    (say the front matter) must not hide those of the others (its steps' values)."""
    problems: list[Problem] = []
    env = {"scrolly_chapter": path, "scrolly_images": [], "scrolly_problems": problems}
    tokens = md.parse(text, env)
    meta = _front_matter(tokens, path, problems)
    slug = meta.get("slug") or re.sub(r"^\d+[-_]", "", path.stem).lower()
    if not SLUG.match(slug):
        problems.append(
            Problem(
                path,
                1,
                f"slug {slug!r} is not a valid anchor: use lower-case letters, digits and hyphens, like 'door-prize'",
            )
        )
    if "title" not in meta and tokens and tokens[0].type == "front_matter":
        problems.append(Problem(path, 1, "front matter needs a 'title'"))
    env["docId"] = slug
    blocks = _blocks(tokens, path, md, env, problems)
    images = tuple({image.url: image for image in env["scrolly_images"]}.values())
    chapter = Chapter(
        path=path,
        slug=slug,
        title=meta.get("title", ""),
        summary=meta.get("summary", ""),
        blocks=tuple(blocks),
        images=images,
    )
    return chapter, problems


def read_chapters(config: Config) -> list[Chapter]:
    """Read every chapter, in the order site.toml gives (file-name order by default).

    The ProjectError raised for problems carries the chapters that could be read
    (`partial`), so that the build still checks their steps against the charts.
    """
    folder = config.root / "content"
    files = (
        sorted(p for p in folder.glob("*.md") if not p.name.startswith("_"))
        if folder.is_dir()
        else []
    )
    if not files:
        raise ProjectError(
            [Problem(folder, 1, "no chapters: add Markdown files (content/*.md) to this folder")]
        )
    problems: list[Problem] = []
    if config.chapters is not None:
        files = _ordered(files, config, problems)
    md = markdown(typographer=config.typographer)
    chapters, seen = [], {}
    for path in files:
        try:
            text = read_text(path, "chapter")
        except ProjectError as err:
            problems += err.problems
            continue
        chapter, chapter_problems = _parse(text, path, md)
        problems += chapter_problems
        if chapter.slug in seen:
            problems.append(
                Problem(
                    path,
                    1,
                    f"anchor '{chapter.slug}' is already used by {seen[chapter.slug]}: give one of them another slug",
                )
            )
        seen.setdefault(chapter.slug, path)
        chapters.append(chapter)
    if problems:
        raise ProjectError(problems, partial=chapters)
    return chapters


def _ordered(files: list[Path], config: Config, problems: list[Problem]) -> list[Path]:
    by_name = {path.stem: path for path in files}
    text = read_text(config.path, "site.toml")
    line = _line_in(text, r"^\s*chapters\s*=")
    ordered = []
    for index, name in enumerate(config.chapters):
        if name in config.chapters[:index]:
            problems.append(
                Problem(
                    config.path,
                    _line_of_repeat(text, line, name),
                    f"chapter '{name}' is listed twice in 'chapters': remove one of them",
                )
            )
        elif name in by_name:
            ordered.append(by_name[name])
        else:
            problems.append(
                Problem(
                    config.path,
                    line,
                    f"chapter '{name}' is listed in 'chapters' but content/{name}.md does not exist",
                )
            )
    for path in files:
        if path.stem not in config.chapters:
            problems.append(
                Problem(
                    path,
                    1,
                    f"this chapter is not listed in site.toml's 'chapters': add \"{path.stem}\" there, or rename the file to start with '_' to keep it as a draft",
                )
            )
    return ordered


def _line_in(text: str, pattern: str) -> int:
    for number, line in enumerate(text.split("\n"), 1):
        if re.match(pattern, line):
            return number
    return 1


def _line_of_repeat(text: str, start: int, name: str) -> int:
    """The line, from `start` on, where `name` is written for the second time (else `start`)."""
    lines = text.split("\n")[start - 1 :]
    quoted = re.compile(rf"[\"']{re.escape(name)}[\"']")
    seen = 0
    for number, line in enumerate(lines, start):
        seen += len(quoted.findall(line))
        if seen >= 2:
            return number
    return start


def _front_matter(tokens: list[Token], path: Path, problems: list[Problem]) -> dict:
    if not tokens or tokens[0].type != "front_matter":
        problems.append(
            Problem(
                path,
                1,
                "missing front matter: start the file with a '---' line, 'title: …', and another '---' line",
            )
        )
        return {}
    meta: dict[str, str] = {}
    for number, line in enumerate(tokens[0].content.split("\n"), 2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, colon, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not colon or not NAME.match(key):
            problems.append(
                Problem(path, number, f"front matter lines are 'key: value', got {line.strip()!r}")
            )
        elif key not in FRONT_MATTER_KEYS:
            problems.append(
                Problem(
                    path,
                    number,
                    f"unknown front matter key '{key}'{did_you_mean(key, FRONT_MATTER_KEYS)}; known keys: {', '.join(FRONT_MATTER_KEYS)}",
                )
            )
        elif key in meta:
            problems.append(Problem(path, number, f"front matter key '{key}' is set twice"))
        else:
            try:
                meta[key] = _unquote(value)
            except ValueError:
                problems.append(
                    Problem(
                        path,
                        number,
                        f"cannot read the quoted value of '{key}': inside double quotes, write a quote as \\\" and a backslash as \\\\",
                    )
                )
                continue
            if _surrogate(meta[key]):
                problems.append(
                    Problem(
                        path, number, f"cannot use the value of '{key}': {_surrogate(meta[key])}"
                    )
                )
    return meta


def _unquote(value: str) -> str:
    """A front matter value: bare, 'single-quoted' ('' is a quote) or "double-quoted" (with \\ escapes)."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return json.loads(value)
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def _blocks(
    tokens: list[Token], path: Path, md: MarkdownIt, env: dict, problems: list[Problem]
) -> list:
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
        problems.append(
            Problem(
                path,
                line,
                f"'{fence} {name}' is never closed: add a line '{fence}' after its content",
            )
        )
        return None
    if name == "scrolly":
        return _scrolly(tokens, args.strip(), line, path, md, env, problems)
    if name == "chart":
        chart, _, rest = args.strip().partition(" ")
        values = _values(rest, path, line, problems)
        alt = _alt(values, path, line, problems)
        if not NAME.match(chart):
            problems.append(
                Problem(path, line, f"'{fence} chart' needs a chart name, like '{fence} chart map'")
            )
            return None
        if any(t.type == "container_directive_open" for t in tokens[1:-1]):
            problems.append(
                Problem(path, line, "a chart's caption cannot hold other ':::' directives")
            )
        caption = md.renderer.render(tokens[1:-1], md.options, env)
        return Figure(
            chart=chart,
            values=values if values is not None else {},
            caption_html=caption,
            line=line,
            alt=alt,
        )
    if name == "step":
        problems.append(
            Problem(
                path,
                line,
                "a step must be inside a scrolly section: open one with ':::: scrolly CHART' before it and close it with '::::' after the last step",
            )
        )
    else:
        problems.append(
            Problem(
                path,
                line,
                f"unknown directive '{name}'{did_you_mean(name, ('scrolly', 'step', 'chart'))}: scrolly knows ':::: scrolly CHART', '::: step' and '::: chart CHART'",
            )
        )
    return None


def _scrolly(tokens, args, line, path, md, env, problems):
    if tokens[0].markup == ":::":
        problems.append(
            Problem(
                path,
                line,
                "open a scrolly section with four colons (':::: scrolly CHART') so that its three-colon steps can close inside it",
            )
        )
        return None
    chart, layout = _section_args(args, path, line, problems)
    if chart is None:
        return None
    steps, stickies, index = [], [], 1
    while index < len(tokens) - 1:
        token = tokens[index]
        if token.type != "container_directive_open":
            where = token.map[0] + 1 if token.map else line
            problems.append(
                Problem(
                    path,
                    where,
                    "text inside a scrolly section must be in a step ('::: step' … ':::') or a sticky ('::: sticky NAME' … ':::')",
                )
            )
            index = _skip_block(tokens, index)
            continue
        end = _closing(tokens, index)
        step_line = token.map[0] + 1
        name, _, args = token.info.strip().partition(" ")
        if name not in ("step", "sticky"):
            problems.append(
                Problem(
                    path,
                    step_line,
                    f"a scrolly section holds only steps and stickies, not '{name}'{did_you_mean(name, ('step', 'sticky'))}",
                )
            )
        elif tokens[end].markup == "":
            problems.append(
                Problem(
                    path,
                    step_line,
                    f"'::: {name}' is never closed: add a line ':::' after its content",
                )
            )
        elif name == "sticky":
            sticky = _sticky(
                args.strip(), tokens[index + 1 : end], step_line, path, md, env, problems
            )
            if sticky and any(other.name == sticky.name for other in stickies):
                first = next(other for other in stickies if other.name == sticky.name)
                problems.append(
                    Problem(
                        path,
                        step_line,
                        f"sticky '{sticky.name}' is declared twice in this section (first at line {first.line}): give this one another name",
                    )
                )
            elif sticky:
                stickies.append(sticky)
        elif any(t.type == "container_directive_open" for t in tokens[index + 1 : end]):
            problems.append(Problem(path, step_line, "a step cannot hold other ':::' directives"))
        else:
            values = _values(args, path, step_line, problems)
            alt = _alt(values, path, step_line, problems)
            show = _show(values, path, step_line, problems)
            html = md.renderer.render(tokens[index + 1 : end], md.options, env)
            steps.append(
                Step(
                    values=values if values is not None else {},
                    html=html,
                    line=step_line,
                    alt=alt,
                    show=show,
                )
            )
        index = end + 1
    if not steps and not any(p.path == path and p.line > line for p in problems):
        problems.append(
            Problem(
                path, line, "this scrolly section has no steps: add '::: step' blocks inside it"
            )
        )
    stickies = check_graphics(chart, stickies, steps, path, line, problems)
    return Scrolly(
        chart=chart, steps=tuple(steps), line=line, layout=layout, stickies=tuple(stickies)
    )


def _section_args(
    args: str, path: Path, line: int, problems: list[Problem]
) -> tuple[str | None, str]:
    """The section's chart (or "") and layout from `:::: scrolly [CHART] [layout="…"]`."""
    first, _, rest = args.partition(" ")
    chart = first if first and "=" not in first else ""
    if chart and not NAME.match(chart):
        problems.append(
            Problem(
                path,
                line,
                "a scrolly section names its first chart, like ':::: scrolly timeline', or none (then each step says what it shows with show=\"…\")",
            )
        )
        return None, ""
    values = _values(rest if chart else args, path, line, problems) or {}
    layout = values.pop("layout", None)
    for name in values:
        problems.append(
            Problem(
                path,
                line,
                f"a scrolly section takes only layout=\"…\" after its chart's name, not '{name}'{did_you_mean(name, ('layout',))}: a chart's values go on its steps",
            )
        )
    if layout is not None and layout_problem(layout):
        problems.append(Problem(path, line, layout_problem(layout)))
        layout = None
    return chart, layout or ""


def _sticky(name: str, body: list, line: int, path: Path, md, env: dict, problems: list[Problem]):
    if not NAME.match(name):
        problems.append(
            Problem(
                path,
                line,
                "a sticky needs a name that steps can show, like '::: sticky harbour' (letters, digits, '-' and '_')",
            )
        )
        return None
    return make_sticky(name, body, line, path, md, env, problems)


def _show(values: dict | None, path: Path, line: int, problems: list[Problem]) -> str:
    """Take `show="NAME"` (the graphic a step switches to) out of a step's values."""
    if values is None or "show" not in values:
        return ""
    show = values.pop("show")
    if not isinstance(show, str) or not NAME.match(show):
        problems.append(
            Problem(
                path,
                line,
                f'show names a sticky of this section or a chart, in double quotes, like show="map", got {json.dumps(show, ensure_ascii=False)}',
            )
        )
        return ""
    return show


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


def _alt(values: dict | None, path: Path, line: int, problems: list[Problem]) -> str:
    """Take `alt="…"` (the words for what the chart shows) out of a step's or figure's values."""
    if values is None or "alt" not in values:
        return ""
    alt = values.pop("alt")
    if not isinstance(alt, str) or not alt.strip():
        problems.append(
            Problem(
                path,
                line,
                f'alt must be text in double quotes saying what the chart shows, like alt="Tokyo is highlighted", got {json.dumps(alt)}',
            )
        )
        return ""
    return " ".join(alt.split())


@dataclass(frozen=True)
class ChartUse:
    """One place a chapter shows a chart: a figure, or a chart of a scrolly section."""

    path: Path  # the chapter
    line: int
    chart: str
    settings: tuple[tuple[dict, int], ...]  # what each step (or the figure) sets, and its line
    first: dict | None  # the values it is first shown with; None for a section without steps
    stickies: tuple[str, ...] | None = None  # for a chart a step names with show=: the
    # section's stickies (the other names show= could have meant)


def chart_uses(chapters: list[Chapter]):
    """Every figure, and every chart each scrolly section shows, in reading order; a chart
    of a section keeps its own values from step to step (see Scrolly.shown)."""
    for chapter in chapters:
        for block in chapter.blocks:
            if isinstance(block, Scrolly):
                yield from _section_uses(chapter.path, block)
            elif isinstance(block, Figure):
                settings = ((block.values, block.line),)
                yield ChartUse(chapter.path, block.line, block.chart, settings, block.values)


def _section_uses(path: Path, block: Scrolly):
    stickies = {sticky.name for sticky in block.stickies}
    shown = list(zip(block.steps, block.shown()))
    names = [block.chart] if block.chart and block.chart not in stickies else []
    names += [
        name for name in block.graphics() if name and name not in stickies and name not in names
    ]
    for name in names:
        steps = [(step, values) for step, (graphic, values) in shown if graphic == name]
        settings = tuple((step.values, step.line) for step, _ in steps)
        first = steps[0][1] if steps else None
        if name == block.chart:
            yield ChartUse(path, block.line, name, settings, first)
        else:
            named = tuple(sorted(stickies))
            yield ChartUse(path, steps[0][0].line, name, settings, first, named)
