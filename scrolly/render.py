"""Stage 4: render the story page and every output file, in memory.

Templates come from the project's `templates/` folder first, then scrolly's own, so a
project overrides only what it wants to change. Rendering is pure: which pictures and
files the site has is decided before any template runs, and templates only read values.
"""

from __future__ import annotations

import hashlib
import json
import traceback
from dataclasses import dataclass
from functools import partial
from importlib import resources
from pathlib import Path

import jinja2

from .charts import Chart, picture_key, state_key
from .charts.module import unexpected_problem
from .charts.pictures import svg_size
from .charts.rows import dumps
from .charts.schemes import dark_key, split
from .config import Config
from .csp import with_policy
from .blocks import Chapter, Figure, Scrolly, chart_uses
from .content import markdown
from .describe import figure_alt, picture_alt, step_alts
from .embed import downloads, embed_files, embed_snippet, lead_chart, social_meta
from .files import unreadable
from .problems import Problem, ProjectError
from .sections import section_view
from .theme import Theme, picture_svg, stylesheet

PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"
PACKAGE_ASSETS = ("story.css", "scrolly.js", "embed.css", "embed-page.js", "embed-control.js")
THEMED_ASSETS = ("story.css", "embed.css")  # they start with the design tokens (scrolly.theme)
SHARED_CSS = "chart-ui.css"  # tooltips and bound inputs, added to both themed stylesheets
# The reader runtime, kept in files of one concern each, joined in this order into one
# script (one request, no module graph): shared helpers, the chart, the stage, the page.
JOINED_ASSETS = {
    "scrolly.js": ("scrolly-base.js", "scrolly-chart.js", "scrolly-stage.js", "scrolly.js"),
}


@dataclass(frozen=True)
class ChartView:
    """What a template needs to show one chart in one state."""

    chart: Chart
    state: dict
    picture_url: str
    drawn: bool = True  # the picture is of this very state (not the default one in its place)
    dark_url: str = ""  # a PNG picture's dark twin, for readers in dark mode (charts/schemes.py)
    first: bool = False  # some section or figure starts with this state (print lays these out)
    phone: Source | None = None  # the picture laid out for a phone's box, where there is one


@dataclass(frozen=True)
class Source:
    """A <picture>'s other picture of a chart state (laid out for a phone's box, or a PNG's
    dark twin), and the screens that show it."""

    url: str
    width: int
    height: int
    media: str


# Where a phone picture is shown: the pinned box has its phone shape on narrow screens
# (a short one shows the chart at its design shape, story.css); a figure's box keeps the
# design's shape and takes the phone picture while it is closer to the phone's size.
PINNED_PHONE_MEDIA = "screen and (max-width: 640px) and (min-height: 481px)"
PAGE_MARGINS = 32  # a figure is the window's width less these, on a phone (story.css)
DARK_MEDIA = "screen and (prefers-color-scheme: dark)"  # where a PNG's dark twin is shown


def picture_source(view: ChartView, phone: bool) -> Source | None:
    """The other picture a <picture> offers for a view, with the screens that take it: a
    PNG's dark twin (a PNG has no phone picture), else with `phone` the phone's picture."""
    chart = view.chart
    if view.dark_url:
        return Source(view.dark_url, chart.width, chart.height, DARK_MEDIA)
    return view.phone if phone else None


def phone_media(chart: Chart, place: str, width: int) -> str:
    if place == "pinned":
        return PINNED_PHONE_MEDIA
    widest = round((chart.width * width) ** 0.5) + PAGE_MARGINS  # scaled as much up as down
    return f"screen and (max-width: {widest}px)"


class Templates:
    """The project's templates, then scrolly's own, in one Jinja environment kept by a Build.

    Jinja compiles each template once and recompiles only those whose file changed (it
    checks on every use); with `compiled`, it also keeps them on disk, so a fresh process
    need not compile them again (a third of a quick rebuild). A file added to or removed
    from the project's folder (a new override of one of scrolly's templates) gives a new
    environment: Jinja would go on using the template it found before.
    """

    def __init__(self, project_templates: Path, compiled: Path | None = None):
        self.folder = project_templates
        self.compiled = compiled
        self.names: tuple[str, ...] | None = None
        self.env: jinja2.Environment | None = None

    def render(self, name: str, context: dict) -> str:
        """The template rendered, under the page's Content-Security-Policy; raise ProjectError."""
        names = _template_names(self.folder)
        if self.env is None or names != self.names:
            self.env, self.names = self._environment(), names
        return _render(self.env, name, context)

    def _environment(self) -> jinja2.Environment:
        loader = jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(self.folder), jinja2.PackageLoader("scrolly", "templates")]
        )
        env = jinja2.Environment(
            loader=loader,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=_bytecode_cache(self.compiled),
        )
        env.tests["scrolly"] = lambda block: isinstance(block, Scrolly)
        env.tests["figure"] = lambda block: isinstance(block, Figure)
        env.filters["state_json"] = lambda state: json.dumps(
            state, ensure_ascii=False, sort_keys=True
        )
        return env


def _template_names(folder: Path) -> tuple[str, ...]:
    if not folder.is_dir():
        return ()
    return tuple(sorted(str(path.relative_to(folder)) for path in folder.rglob("*")))


def render_site(
    config: Config,
    chapters: list[Chapter],
    charts: dict[str, Chart],
    vega_js: bytes,
    templates: Templates,
    descriptions: dict,
) -> dict[str, bytes]:
    """Every file of the site, by its path inside the output folder.

    `descriptions` holds what the chart modules' describe() says of each state.
    """
    files: dict[str, bytes] = {}
    assets = {}
    tokens = stylesheet(config.theme).encode()
    package = resources.files("scrolly.assets")
    for name in PACKAGE_ASSETS:
        parts = JOINED_ASSETS.get(name, (name,))
        data = b"".join(package.joinpath(part).read_bytes() for part in parts)
        if name in THEMED_ASSETS:
            data = (
                tokens + data + resources.files("scrolly.assets").joinpath(SHARED_CSS).read_bytes()
            )
        assets[name] = _add_hashed(files, f"assets/{name}", data)
    assets["vega.js"] = _add_hashed(files, "assets/vega.js", vega_js)
    each_chart(charts, lambda chart: files.update(chart_files(chart, config.theme)))
    files |= {image.url: image.data for chapter in chapters for image in chapter.images}
    pictures = picture_urls(charts, chart_uses(chapters), files, config.theme)
    firsts = {(use.chart, state_key(use.first)) for use in chart_uses(chapters) if use.first}

    def view(name: str, values: dict, place: str = "figure") -> ChartView:
        """The chart in the state `values` sets, from its defaults, and its first picture;
        `place` is the box it takes on a phone."""
        chart = charts[name]
        state = {param.name: param.default for param in chart.params.values()} | values
        url = pictures.get((name, state_key(values)))
        drawn = url is not None or not values
        dark = pictures.get((name, dark_key(state_key(values))), "")
        first = (name, state_key(values)) in firsts
        phone = None
        phone_key = picture_key(values, place)
        if (phone_url := pictures.get((name, phone_key))) is not None:
            width, height = svg_size(chart.pictures[phone_key][:1000].decode(errors="ignore"))
            phone = Source(phone_url, width, height, phone_media(chart, place, width))
        return ChartView(chart, state, url or default_picture(chart), drawn, dark, first, phone)

    inline = markdown(html=False, typographer=False)  # site.toml text as written, never raw HTML
    context = dict(
        site=config,
        chapters=chapters,
        charts=charts,
        asset=assets,
        view=view,
        step_alts=lambda block: step_alts(block, charts, descriptions),
        section=lambda block: section_view(
            block, partial(view, place="pinned"), step_alts(block, charts, descriptions),
            config.layout,
        ),
        figure_alt=lambda block: figure_alt(block, charts[block.chart], descriptions),
        picture_alt=picture_alt,
        picture_source=picture_source,
        summary=[inline.renderInline(item) for item in config.summary],
        embed_snippet=partial(embed_snippet, config),
        downloads=downloads,
        social=social_meta(config, config.title, config.dek, "", lead_chart(chapters, charts)),
    )
    files["index.html"] = templates.render("story.html", context).encode()
    each_chart(
        charts,
        lambda chart: files.update(
            embed_files(config, {chart.name: chart}, assets, templates.render)
        ),
    )
    return dict(sorted(files.items()))


def each_chart(charts: dict[str, Chart], work) -> None:
    """Do `work(chart)` for every chart; what fails is that chart's problem, all reported."""
    problems = []
    for chart in charts.values():
        try:
            work(chart)
        except ProjectError as err:
            problems += err.problems
        except Exception as err:
            problems.append(unexpected_problem(chart.path, err))
    if problems:
        raise ProjectError(problems)


def chart_files(chart: Chart, theme: Theme) -> dict[str, bytes]:
    """The chart's specs and images at their fixed addresses (embeds and downloads use them)."""
    memo: dict = {}  # the Vega spec holds the Vega-Lite spec's very tables
    files = {
        f"charts/{chart.name}.vl.json": _json(chart.vega_lite, memo),
        f"charts/{chart.name}.vg.json": _json(chart.vega, memo),
        f"charts/{chart.name}.svg": picture_svg(chart.svg, theme).encode(),
    }
    if chart.png:  # a preview has none
        files[f"charts/{chart.name}.png"] = chart.png
    return files


def default_picture(chart: Chart) -> str:
    """The default state's picture: the chart's own SVG, or its PNG when the SVG is too big."""
    return f"charts/{chart.name}.{chart.picture_type}"


def picture_urls(
    charts: dict[str, Chart], uses, files: dict[str, bytes], theme: Theme
) -> dict[tuple[str, str], str]:
    """The address of the picture of each state the chapters show, added to `files`; equal
    pictures share one file (hashed names).

    A state without a picture of its own (a preview draws only the default state; the
    live chart shows the rest) is shown with the default one. An SVG picture carries the
    colour schemes' variables, since an <img> cannot see the page's.
    """
    urls = {}
    for use in uses:
        chart = charts[use.chart]
        for values in use.states or ([use.first] if use.first is not None else []):
            phone_key = picture_key(values, use.place)
            phone = chart.pictures.get(phone_key)
            if phone is not None and (use.chart, phone_key) not in urls:
                phone = picture_svg(phone.decode(), theme).encode()
                urls[(use.chart, phone_key)] = _add_hashed(files, default_picture(chart), phone)
            key = state_key(values)
            if (use.chart, key) in urls:
                continue
            picture = chart.pictures.get(key)
            if picture is not None and chart.picture_type == "png":
                picture, dark = split(picture)
                if dark:
                    dark_url = _add_hashed(files, f"charts/{chart.name}.dark.png", dark)
                    urls[(use.chart, dark_key(key))] = dark_url
            if values and picture is not None:
                if chart.picture_type == "svg":
                    picture = picture_svg(picture.decode(), theme).encode()
                urls[(use.chart, key)] = _add_hashed(files, default_picture(chart), picture)
    return urls


def _bytecode_cache(folder: Path | None) -> jinja2.BytecodeCache | None:
    """Jinja's cache of compiled templates (checked against each template's source), or None
    if the folder cannot be made."""
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a folder that cannot be written: compile every time
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def _render(env: jinja2.Environment, name: str, context: dict) -> str:
    try:
        return with_policy(env.get_template(name).render(context))
    except jinja2.TemplateSyntaxError as err:
        raise ProjectError(
            [
                Problem(
                    Path(err.filename or name),
                    err.lineno or 1,
                    f"template syntax error: {err.message}",
                )
            ]
        )
    except jinja2.TemplateError as err:
        where, line = _template_line(err, name)
        raise ProjectError([Problem(where, line, f"template error: {err.message or err}")])
    except RecursionError as err:  # a template that includes (or extends) itself, directly or not
        where, line = _template_line(err, name, first=True)
        raise ProjectError(
            [
                Problem(
                    where,
                    line,
                    "template error: this template includes itself (directly or through other "
                    "templates), so it never ends",
                )
            ]
        )
    except OSError as err:  # a template file that cannot be read
        where = Path(err.filename) if err.filename else Path(name)
        raise ProjectError([Problem(where, 1, unreadable(where, err, "template"))])
    except Exception as err:  # the project's own template code raised ({{ 1 / 0 }}, {{ "a" + 1 }})
        where, line = _template_line(err, name)
        if where.suffix != ".html" or where.resolve().is_relative_to(PACKAGE_TEMPLATES):
            raise  # in scrolly's templates, or in no template at all: scrolly's bug
        raise ProjectError([Problem(where, line, f"template error: {type(err).__name__}: {err}")])


def _template_line(err: BaseException, name: str, first: bool = False) -> tuple[Path, int]:
    """The template file and line where `err` happened: the innermost one, or with `first`
    the outermost one of the project's own templates."""
    frames = [
        f
        for f in traceback.extract_tb(err.__traceback__)
        if f.filename.endswith((".html", ".jinja", ".j2"))
    ]
    if first:
        frames = [f for f in frames if not Path(f.filename).is_relative_to(PACKAGE_TEMPLATES)][
            :1
        ] or frames
    if not frames:
        return Path(name), 1
    return Path(frames[-1].filename), frames[-1].lineno


def _add_hashed(files: dict[str, bytes], path: str, data: bytes) -> str:
    """Store `data` under a name that changes when its content does, so browsers may cache it
    forever.
    """
    stem, dot, suffix = path.rpartition(".")
    hashed = f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}.{suffix}"
    files[hashed] = data
    return hashed


def _json(value: object, memo: dict | None = None) -> bytes:
    """Compact JSON; with a memo, a table two specs share is encoded once (rows.dumps)."""
    return dumps(value, memo, ensure_ascii=False, separators=(",", ":")).encode()
