"""The `:::` directives of a chapter: `:::: scrolly` sections with their steps and stickies,
and `::: chart` figures. Each problem is gathered with its line; reading goes on past it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .blocks import Figure, Prose, Scrolly, Step
from .problems import Problem, did_you_mean
from .stickies import check_graphics, layout_problem, make_sticky
from .values import parse_values

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def chapter_blocks(
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
                "a step must be inside a scrolly section: open one with ':::: scrolly CHART' "
                "before it and close it with '::::' after the last step",
            )
        )
    else:
        problems.append(
            Problem(
                path,
                line,
                "unknown directive "
                f"'{name}'{did_you_mean(name, ('scrolly', 'step', 'chart'))}: scrolly knows "
                "':::: scrolly CHART', '::: step' and '::: chart CHART'",
            )
        )
    return None


def _scrolly(tokens, args, line, path, md, env, problems):
    if tokens[0].markup == ":::":
        problems.append(
            Problem(
                path,
                line,
                "open a scrolly section with four colons (':::: scrolly CHART') so that its "
                "three-colon steps can close inside it",
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
                    "text inside a scrolly section must be in a step ('::: step' … ':::') or "
                    "a sticky ('::: sticky NAME' … ':::')",
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
                    "a scrolly section holds only steps and stickies, not "
                    f"'{name}'{did_you_mean(name, ('step', 'sticky'))}",
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
                        f"sticky '{sticky.name}' is declared twice in this section (first at "
                        f"line {first.line}): give this one another name",
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
                "a scrolly section names its first chart, like ':::: scrolly timeline', or "
                'none (then each step says what it shows with show="…")',
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
                'a scrolly section takes only layout="…" after its chart\'s name, not '
                f"'{name}'{did_you_mean(name, ('layout',))}: a chart's values go on its steps",
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
                "a sticky needs a name that steps can show, like '::: sticky harbour' "
                "(letters, digits, '-' and '_')",
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
                "show names a sticky of this section or a chart, in double quotes, like "
                f'show="map", got {json.dumps(show, ensure_ascii=False)}',
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
                "alt must be text in double quotes saying what the chart shows, like "
                f'alt="Tokyo is highlighted", got {json.dumps(alt)}',
            )
        )
        return ""
    return " ".join(alt.split())
