"""The page's design tokens, and the Vega-Lite theme and stylesheet made from them.

One set of tokens (fonts, sizes, and a colour palette per colour scheme) drives both
the page's CSS and every chart, so the charts look like part of the page. Chart
colours are written as CSS variables with the light value as fallback
(`var(--ink, #1b1b1b)`): the live chart and the build's SVG pictures then follow the
page into dark mode, and a renderer without CSS (the 2x PNG) uses the fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Each colour token is a CSS variable of the same name (`ink` is `--ink`).
LIGHT = {
    "ink": "#1b1b1b",  # text, and marks that must read as text
    "muted": "#4a4a4a",  # secondary text, axis labels
    "paper": "#fdfcf8",  # the page, and the halo behind chart labels
    "card": "#ffffff",  # step cards, panels
    "rule": "#d8d4c8",  # hairlines and borders
    "grid": "#e6e2d6",  # chart grid lines
    "axis": "#767676",  # axis domain and ticks (3:1 on paper)
    "accent": "#9b2c1f",  # links, the active step, a chart's highlight
    "focus": "#1f5fbf",  # the keyboard focus ring
    "neutral": "#dcd9d0",  # fills for "everything else" (a map's other countries)
}
DARK = {
    "ink": "#ecebe6",
    "muted": "#c2c0b8",
    "paper": "#161615",
    "card": "#22221f",
    "rule": "#4a4843",
    "grid": "#34332f",
    "axis": "#9a988f",
    "accent": "#ff8a70",
    "focus": "#8cb4ff",
    "neutral": "#45443f",
}
FONTS = {
    "font_body": 'Georgia, "Iowan Old Style", "Times New Roman", serif',
    "font_ui": 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
}
SIZES = {"chart_font_size": 12, "chart_title_size": 13}
# Mid-tone colours for categories: 3:1 against both the light and the dark paper.
PALETTE = ("#0072b2", "#c4520a", "#007a5a", "#b0569a", "#8c6d00", "#5e60c2", "#a8323e", "#537a2a")

COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
FONT_LIST = re.compile(r"^[A-Za-z0-9 ,\"'_-]+$")
VAR = re.compile(r"var\(--([a-z][a-z0-9-]*)(?:,\s*([^()]*))?\)")


@dataclass(frozen=True)
class Theme:
    light: dict = field(default_factory=lambda: dict(LIGHT))
    dark: dict | None = field(default_factory=lambda: dict(DARK))  # None: the page stays light
    font_body: str = FONTS["font_body"]
    font_ui: str = FONTS["font_ui"]
    chart_font_size: float = SIZES["chart_font_size"]
    chart_title_size: float = SIZES["chart_title_size"]
    palette: tuple = PALETTE

    def chart_tokens(self) -> dict:
        """What the charts depend on (part of their cache key): fonts, sizes, light fallbacks,
        palette.
        """
        return {
            "font": self.font_ui,
            "size": self.chart_font_size,
            "title_size": self.chart_title_size,
            "light": self.light,
            "dark": self.dark,  # drawn into the dark PNG pictures of charts too big for SVG
            "palette": list(self.palette),
        }


def color(name: str, tokens: dict) -> str:
    """A chart colour that follows the page's colour scheme: `var(--name, light value)`."""
    return f"var(--{name}, {tokens['light'][name]})"


def vega_lite_config(tokens: dict) -> dict:
    """The default Vega-Lite config from the tokens (see Theme.chart_tokens)."""
    font, size, title_size = tokens["font"], tokens["size"], tokens["title_size"]
    ink, muted, axis, grid = (color(n, tokens) for n in ("ink", "muted", "axis", "grid"))
    text = {"font": font, "fontSize": size}
    return {
        "background": "transparent",
        "font": font,
        "view": {"stroke": None},
        "title": {
            "color": ink,
            "subtitleColor": muted,
            "font": font,
            "fontSize": title_size,
            "anchor": "start",
        },
        "axis": {
            "labelColor": muted,
            "titleColor": ink,
            "domainColor": axis,
            "tickColor": axis,
            "gridColor": grid,
            "labelFont": font,
            "titleFont": font,
            "labelFontSize": size,
            "titleFontSize": size,
            "titleFontWeight": 600,
        },
        "legend": {
            "labelColor": ink,
            "titleColor": ink,
            "labelFont": font,
            "titleFont": font,
            "labelFontSize": size,
            "titleFontSize": size,
            "titleFontWeight": 600,
        },
        "header": {
            "labelColor": ink,
            "titleColor": ink,
            "labelFont": font,
            "titleFont": font,
            "labelFontSize": size,
            "titleFontSize": title_size,
        },
        "text": {"color": ink, **text},
        "mark": {"color": color("accent", tokens)},
        "range": {"category": list(tokens["palette"])},
    }


def themed_spec(spec: dict, tokens: dict) -> dict:
    """The spec with the theme under the chart's own config (which wins key by key)."""
    return spec | {"config": _merged(vega_lite_config(tokens), spec.get("config") or {})}


def untitled(spec: dict) -> dict:
    """The spec as the page draws it: without its title, which the page shows in HTML above
    the chart (in its own type, wrapping with the text); drawn too, it would show twice."""
    return {key: value for key, value in spec.items() if key != "title"}


def _merged(base: dict, own: dict) -> dict:
    merged = dict(base)
    for key, value in own.items():
        merged[key] = (
            _merged(base[key], value)
            if isinstance(value, dict) and isinstance(base.get(key), dict)
            else value
        )
    return merged


def with_fallback_colors(svg: str) -> str:
    """The SVG with every `var(--x, value)` replaced by its value, for renderers without CSS."""
    return VAR.sub(lambda m: (m.group(2) or "#000000").strip(), svg)


def picture_svg(svg: str, theme: Theme) -> str:
    """A first-paint SVG that defines the page's colour variables, so it follows the reader's
    colour scheme even as an <img> (which cannot see the page's CSS)."""
    if "var(--" not in svg:
        return svg
    style = f"<style>svg{{{_variables(theme.light)}}}"
    if theme.dark:
        style += (
            f"@media screen and (prefers-color-scheme: dark){{svg{{{_variables(theme.dark)}}}}}"
        )
    style += "</style>"
    head = re.match(r"<svg\b[^>]*>", svg)
    return svg[: head.end()] + style + svg[head.end() :] if head else svg


def stylesheet(theme: Theme) -> str:
    """The tokens as CSS variables, with the dark values for readers who ask for a dark page."""
    fonts = f"--font-body: {theme.font_body}; --font-ui: {theme.font_ui}; "
    css = f":root {{ {fonts}{_variables(theme.light)} color-scheme: light; }}\n"
    if theme.dark:
        css += (
            f"@media screen and (prefers-color-scheme: dark) {{ :root {{ "
            f"{_variables(theme.dark)} color-scheme: dark; }} }}\n"
        )
    return css


def _variables(colors: dict) -> str:
    return " ".join(f"--{name}: {value};" for name, value in colors.items())


def check_tokens(table: dict, where: str) -> list[tuple[str, str, str]]:
    """Problems with a site.toml [theme] table, as (table, key, message): table is where the key is."""
    problems = []
    known = {**FONTS, **SIZES, "palette": None, "light": None, "dark": None}
    for key, value in table.items():
        if key in ("light", "dark"):
            if not isinstance(value, dict):
                problems.append(
                    (
                        where,
                        key,
                        f"[{where}.{key}] must be a table of colours, like {key}.accent = "
                        '"#9b2c1f"',
                    )
                )
                continue
            for name, colour in value.items():
                if name not in LIGHT:
                    problems.append(
                        (
                            f"{where}.{key}",
                            name,
                            f"unknown colour '{name}' in [{where}.{key}]; known colours: "
                            f"{', '.join(LIGHT)}",
                        )
                    )
                elif not isinstance(colour, str) or not COLOR.match(colour):
                    problems.append(
                        (
                            f"{where}.{key}",
                            name,
                            f"colour '{name}' in [{where}.{key}] must be a hex colour like "
                            f'"#9b2c1f", got {colour!r}',
                        )
                    )
        elif key not in known:
            problems.append(
                (where, key, f"unknown key '{key}' in [{where}]; known keys: {', '.join(known)}")
            )
        elif key in FONTS and (not isinstance(value, str) or not FONT_LIST.match(value)):
            problems.append(
                (
                    where,
                    key,
                    f"key '{key}' in [{where}] must be a list of font names like \"Georgia, "
                    'serif" (letters, digits, spaces, commas, quotes, hyphens)',
                )
            )
        elif key in SIZES and (
            isinstance(value, bool) or not isinstance(value, (int, float)) or not 6 <= value <= 48
        ):
            problems.append(
                (
                    where,
                    key,
                    f"key '{key}' in [{where}] must be a size in pixels from 6 to 48, got "
                    f"{value!r}",
                )
            )
        elif key == "palette" and (
            not isinstance(value, list)
            or not value
            or not all(isinstance(c, str) and COLOR.match(c) for c in value)
        ):
            problems.append(
                (
                    where,
                    key,
                    f"key 'palette' in [{where}] must be a list of hex colours like "
                    '["#0072b2", "#c4520a"]',
                )
            )
    return problems


def make_theme(table: dict, dark_mode: bool) -> Theme:
    """A Theme from a checked [theme] table (see check_tokens)."""
    fields = {key: value for key, value in table.items() if key in FONTS or key in SIZES}
    return Theme(
        light=LIGHT | table.get("light", {}),
        dark=DARK | table.get("dark", {}) if dark_mode else None,
        palette=tuple(table.get("palette", PALETTE)),
        **fields,
    )
