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

from .charts import Chart, state_key
from .charts.rows import dumps
from .config import Config
from .csp import with_policy
from .content import Chapter, Figure, Scrolly, chart_uses, markdown
from .embed import downloads, embed_files, embed_snippet, lead_chart, social_meta
from .problems import Problem, ProjectError

PACKAGE_ASSETS = ("story.css", "scrolly.js", "embed.css", "embed-page.js", "embed-control.js")


@dataclass(frozen=True)
class ChartView:
    """What a template needs to show one chart in one state."""

    chart: Chart
    state: dict
    picture_url: str


class Templates:
    """The project's templates, then scrolly's own, in one Jinja environment kept by a Build.

    Jinja compiles each template once and recompiles only those whose file changed (it
    checks on every use); with `compiled`, it also keeps them on disk, so a fresh process
    need not compile them again (a third of a quick rebuild).
    """

    def __init__(self, project_templates: Path, compiled: Path | None = None):
        loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(project_templates),
                                      jinja2.PackageLoader("scrolly", "templates")])
        self.env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                                      trim_blocks=True, lstrip_blocks=True,
                                      bytecode_cache=_bytecode_cache(compiled))
        self.env.tests["scrolly"] = lambda block: isinstance(block, Scrolly)
        self.env.tests["figure"] = lambda block: isinstance(block, Figure)
        self.env.filters["state_json"] = lambda state: json.dumps(state, ensure_ascii=False,
                                                                  sort_keys=True)

    def render(self, name: str, context: dict) -> str:
        """The template rendered, under the page's Content-Security-Policy; raise ProjectError."""
        return _render(self.env, name, context)


def render_site(config: Config, chapters: list[Chapter], charts: dict[str, Chart], vega_js: bytes,
                templates: Templates) -> dict[str, bytes]:
    """Every file of the site, by its path inside the output folder."""
    files: dict[str, bytes] = {}
    assets = {}
    for name in PACKAGE_ASSETS:
        data = resources.files("scrolly.assets").joinpath(name).read_bytes()
        assets[name] = _add_hashed(files, f"assets/{name}", data)
    assets["vega.js"] = _add_hashed(files, "assets/vega.js", vega_js)
    for chart in charts.values():
        files |= chart_files(chart)
    pictures = picture_urls(charts, chart_uses(chapters), files)

    def view(name: str, values: dict) -> ChartView:
        """The chart in the state `values` sets, from its defaults, and its first picture."""
        chart = charts[name]
        state = {param.name: param.default for param in chart.params.values()} | values
        url = pictures.get((name, state_key(values)), default_picture(chart))
        return ChartView(chart=chart, state=state, picture_url=url)

    inline = markdown(html=False)  # site.toml text: its Markdown, never raw HTML
    context = dict(
        site=config,
        chapters=chapters,
        charts=charts,
        asset=assets,
        view=view,
        summary=[inline.renderInline(item) for item in config.summary],
        embed_snippet=partial(embed_snippet, config),
        downloads=downloads,
        social=social_meta(config, config.title, config.dek, "", lead_chart(chapters, charts)),
    )
    files["index.html"] = templates.render("story.html", context).encode()
    files |= embed_files(config, charts, assets, templates.render)
    return dict(sorted(files.items()))


def chart_files(chart: Chart) -> dict[str, bytes]:
    """The chart's specs and images at their fixed addresses (embeds and downloads use them)."""
    memo: dict = {}  # the Vega spec holds the Vega-Lite spec's very tables
    files = {
        f"charts/{chart.name}.vl.json": _json(chart.vega_lite, memo),
        f"charts/{chart.name}.vg.json": _json(chart.vega, memo),
        f"charts/{chart.name}.svg": chart.svg.encode(),
    }
    if chart.png:  # a preview has none
        files[f"charts/{chart.name}.png"] = chart.png
    return files


def default_picture(chart: Chart) -> str:
    """The default state's picture: the chart's own SVG, or its PNG when the SVG is too big."""
    return f"charts/{chart.name}.{chart.picture_type}"


def picture_urls(charts: dict[str, Chart], uses, files: dict[str, bytes]) -> dict[tuple[str, str], str]:
    """The address of the first picture of each state the chapters show, added to `files`.

    A state without a picture of its own (a preview draws only the default state; the
    live chart shows the rest) is shown with the default one.
    """
    urls = {}
    for use in uses:
        chart = charts[use.chart]
        key = state_key(use.first or {})
        picture = chart.pictures.get(key)
        if use.first and picture is not None:
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
        raise ProjectError([Problem(Path(err.filename or name), err.lineno or 1, f"template syntax error: {err.message}")])
    except jinja2.TemplateError as err:
        frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename.endswith((".html", ".jinja", ".j2"))]
        where = Path(frames[-1].filename) if frames else Path(name)
        line = frames[-1].lineno if frames else 1
        raise ProjectError([Problem(where, line, f"template error: {err.message or err}")])


def _add_hashed(files: dict[str, bytes], path: str, data: bytes) -> str:
    """Store `data` under a name that changes when its content does, so browsers may cache it forever."""
    stem, dot, suffix = path.rpartition(".")
    hashed = f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}.{suffix}"
    files[hashed] = data
    return hashed


def _json(value: object, memo: dict | None = None) -> bytes:
    """Compact JSON; with a memo, a table two specs share is encoded once (rows.dumps)."""
    return dumps(value, memo, ensure_ascii=False, separators=(",", ":")).encode()
