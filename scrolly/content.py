"""Stage 2: read the chapters, turning Markdown with scrolly directives into plain records.

A chapter is a list of blocks: prose, scrolly sections (a chart and its steps) and
standalone figures. Prose is rendered to HTML here; charts are only named, and the
names are checked against the compiled charts later.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .chapter_cache import ChapterCache
from .blocks import Chapter, ChartUse, Figure, Prose, Scrolly, Step, chart_uses
from .config import Config
from .directives import NAME, chapter_blocks
from .files import read_text
from .images import images_rule
from .problems import Problem, ProjectError, did_you_mean
from .spare import map_with_spare_core
from .values import PARAM_NAME, parse_values, surrogate

__all__ = [  # what other stages and tests use from reading chapters
    "Chapter",
    "ChartUse",
    "Figure",
    "Prose",
    "Scrolly",
    "Step",
    "PARAM_NAME",
    "chart_uses",
    "markdown",
    "parse_chapter",
    "parse_values",
    "read_chapters",
]

FRONT_MATTER_KEYS = ("title", "slug", "summary")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def markdown(html: bool = True, typographer: bool = True) -> MarkdownIt:
    """The one Markdown parser: CommonMark plus tables, footnotes, block attributes and `:::` directives.

    Chapters may hold raw HTML (authors own their site); text from site.toml is parsed
    with `html=False`, so markup in a config value shows as text. The typographer turns
    straight quotes into curly ones and `--` into dashes (site.toml: `typographer`).
    """
    return _LeanMarkdown(html, typographer)


def _configured(md: MarkdownIt, typographer: bool) -> MarkdownIt:
    """`md`, made with the options below, with scrolly's rules and plugins."""
    md.enable("table")
    if typographer:
        md.enable(["replacements", "smartquotes"])
    md.use(front_matter_plugin).use(footnote_plugin).use(attrs_block_plugin)
    md.use(container_plugin, "directive", validate=lambda params, *rest: True)
    md.core.ruler.push("subheads", _subheads)
    md.core.ruler.push("images", images_rule)
    md.add_render_rule("footnote_anchor", _footnote_backlink)
    return md


def _options(html: bool, typographer: bool) -> dict:
    return {"typographer": typographer, "html": html}


# Rules that can only match where one of their marks is in the text: a text without them
# is parsed by a parser without those rules, to the same tokens, without trying them at
# every line and every punctuation mark (a sixth of markdown-it's time on plain prose).
# (ruler, rule, marks); any mark is enough to keep the rule.
TRIGGERED_RULES = (
    ("block", "table", ("|",)),  # a header row holds a pipe
    ("block", "fence", ("```", "~~~")),
    ("block", "blockquote", (">",)),
    ("block", "html_block", ("<",)),
    ("block", "attr", ("{",)),  # {.class} lines
    ("core", "attr", ("{",)),  # moves those lines' attributes to the next block
    ("block", "container_directive", (":::",)),
    ("block", "footnote_def", ("[^",)),
    ("block", "reference", ("]:",)),  # [label]: url
    ("block", "heading", ("#",)),
    ("inline", "escape", ("\\",)),
    ("inline", "backticks", ("`",)),
    ("inline", "emphasis", ("*", "_")),
    ("inline", "link", ("[",)),
    ("inline", "image", ("![",)),
    ("inline", "footnote_inline", ("^[",)),
    ("inline", "footnote_ref", ("[^",)),
    ("inline", "autolink", ("<",)),
    ("inline", "html_inline", ("<",)),
    ("inline", "entity", ("&",)),
    ("core", "images", ("![",)),  # scrolly's check of each image
)


class _LeanMarkdown(MarkdownIt):
    """The configured parser, which parses each text with only the rules its marks allow."""

    def __init__(self, html: bool, typographer: bool):
        super().__init__("commonmark", _options(html, typographer))
        _configured(self, typographer)
        self._settings = (html, typographer)
        self._lean: dict[tuple[int, ...], MarkdownIt] = {}

    def parse(self, src: str, env=None):
        absent = tuple(
            index
            for index, (_, _, marks) in enumerate(TRIGGERED_RULES)
            if not any(mark in src for mark in marks)
        )
        parser = self._lean.get(absent)
        if parser is None:
            if len(self._lean) >= 64:  # texts with every mix of marks: keep memory bounded
                self._lean.clear()
            html, typographer = self._settings
            parser = MarkdownIt("commonmark", _options(html, typographer))
            self._lean[absent] = _configured(parser, typographer)
            for index in absent:
                where, rule, _ = TRIGGERED_RULES[index]
                getattr(parser, where).ruler.disable(rule)
        return MarkdownIt.parse(parser, src, env)


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
                f"slug {slug!r} is not a valid anchor: use lower-case letters, digits and "
                "hyphens, like 'door-prize'",
            )
        )
    if "title" not in meta and tokens and tokens[0].type == "front_matter":
        problems.append(Problem(path, 1, "front matter needs a 'title'"))
    env["docId"] = slug
    blocks = chapter_blocks(tokens, path, md, env, problems)
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


def read_chapters(
    config: Config, cache: ChapterCache | None = None, spare_core: bool = False
) -> list[Chapter]:
    """Read every chapter, in the order site.toml gives (file-name order by default);
    `cache` holds chapters read before, taken when their content is the same. With
    `spare_core` (nothing else of the build's is running), a helper process parses some
    of many chapters (see spare.py).

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
    read = []  # (path, text, cache key, chapter from the cache); text None: unreadable
    for path in files:
        try:
            text = read_text(path, "chapter")
        except ProjectError as err:
            problems += err.problems
            read.append((path, None, "", None))
            continue
        key = cache.key(path, text, config.typographer) if cache else ""
        read.append((path, text, key, cache.get(key) if cache else None))
    to_parse = [
        (path, text) for path, text, _, chapter in read if text is not None and chapter is None
    ]

    def parse(item: tuple[Path, str]) -> tuple[Chapter, list[Problem]]:
        return _parse(item[1], item[0], md)

    if spare_core:
        parsed = iter(map_with_spare_core(parse, to_parse, sum(len(t) for _, t in to_parse)))
    else:
        parsed = map(parse, to_parse)
    chapters, seen = [], {}
    for path, text, key, chapter in read:
        if text is None:
            continue
        if chapter is None:
            chapter, chapter_problems = next(parsed)
            problems += chapter_problems
            if cache and not chapter_problems:
                cache.put(key, chapter)
        if chapter.slug in seen:
            problems.append(
                Problem(
                    path,
                    1,
                    f"anchor '{chapter.slug}' is already used by {seen[chapter.slug]}: give "
                    "one of them another slug",
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
                    f"chapter '{name}' is listed in 'chapters' but content/{name}.md does not "
                    "exist",
                )
            )
    for path in files:
        if path.stem not in config.chapters:
            problems.append(
                Problem(
                    path,
                    1,
                    f"this chapter is not listed in site.toml's 'chapters': add \"{path.stem}\" "
                    "there, or rename the file to start with '_' to keep it as a draft",
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
                "missing front matter: start the file with a '---' line, 'title: …', and "
                "another '---' line",
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
                    f"unknown front matter key '{key}'{did_you_mean(key, FRONT_MATTER_KEYS)}; "
                    f"known keys: {', '.join(FRONT_MATTER_KEYS)}",
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
                        f"cannot read the quoted value of '{key}': inside double quotes, "
                        'write a quote as \\" and a backslash as \\\\',
                    )
                )
                continue
            if surrogate(meta[key]):
                problems.append(
                    Problem(
                        path, number, f"cannot use the value of '{key}': {surrogate(meta[key])}"
                    )
                )
    return meta


def _unquote(value: str) -> str:
    """A front matter value: bare, 'single-quoted' ('' is a quote) or "double-quoted" (with \\
    escapes).
    """
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return json.loads(value)
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value
