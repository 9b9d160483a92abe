"""Stage 4: render the story page and every output file, in memory.

Templates come from the project's `templates/` folder first, then scrolly's own, so a
project overrides only what it wants to change.
"""

from __future__ import annotations

import hashlib
import json
import traceback
from dataclasses import dataclass
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path

import jinja2

from .charts import Chart, state_key
from .config import Config
from .csp import with_policy
from .content import Chapter, Figure, Scrolly, markdown
from .embed import downloads, embed_files, embed_snippet, lead_chart, social_meta
from .files import unreadable
from .problems import Problem, ProjectError

PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"
PACKAGE_ASSETS = ("story.css", "scrolly.js", "embed.css", "embed-page.js", "embed-control.js")


@dataclass(frozen=True)
class ChartView:
    """What a template needs to show one chart in one state."""

    chart: Chart
    state: dict
    picture_url: str


def render_site(config: Config, chapters: list[Chapter], charts: dict[str, Chart], vega_js: bytes, compiled_templates: Path | None = None) -> dict[str, bytes]:
    """Every file of the site, by its path inside the output folder.

    Jinja keeps the templates it compiles in `compiled_templates`, if given, so that
    a fresh process need not compile them again (a third of a quick rebuild).
    """
    files: dict[str, bytes] = {}
    assets = {}
    for name in PACKAGE_ASSETS:
        assets[name] = _add_hashed(files, f"assets/{name}", resources.files("scrolly.assets").joinpath(name).read_bytes())
    assets["vega.js"] = _add_hashed(files, "assets/vega.js", vega_js)

    for chart in charts.values():
        files[f"charts/{chart.name}.vl.json"] = _json(chart.vega_lite)
        files[f"charts/{chart.name}.vg.json"] = _json(chart.vega)
        if chart.png:  # a preview has none
            files[f"charts/{chart.name}.png"] = chart.png
        files[f"charts/{chart.name}.svg"] = chart.svg.encode()

    def view(name: str, values: dict) -> ChartView:
        """The chart in the state `values` sets, from its defaults; its picture is written when a page uses it."""
        chart = charts[name]
        state = {param.name: param.default for param in chart.params.values()} | values
        picture = chart.pictures.get(state_key(values))
        if picture is None:  # a preview draws only the default state; the live chart shows the rest
            values, picture = {}, chart.pictures[state_key({})]
        if not values:
            url = f"charts/{chart.name}.{chart.picture_type}"
            files[url] = picture
        else:
            url = _add_hashed(files, f"charts/{chart.name}.{chart.picture_type}", picture)
        return ChartView(chart=chart, state=state, picture_url=url)

    env = _environment(config.root / "templates", compiled_templates, _template_names(config.root / "templates"))
    inline = markdown(html=False)  # site.toml text: its Markdown, never raw HTML
    context = dict(
        site=config,
        chapters=chapters,
        charts=charts,
        asset=assets,
        view=view,
        Scrolly=Scrolly,
        Figure=Figure,
        summary=[inline.renderInline(item) for item in config.summary],
        embed_snippet=partial(embed_snippet, config),
        downloads=downloads,
        social=social_meta(config, config.title, config.dek, "", lead_chart(chapters, charts)),
    )
    files["index.html"] = _render(env, "story.html", context).encode()
    files |= embed_files(config, charts, assets, partial(_render, env))
    return dict(sorted(files.items()))


def _template_names(folder: Path) -> tuple[str, ...]:
    return tuple(sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))) if folder.is_dir() else ()


@lru_cache(maxsize=8)
def _environment(project_templates: Path, compiled: Path | None, names: tuple[str, ...] = ()) -> jinja2.Environment:
    """One environment per templates folder and set of files in it, kept between builds:
    Jinja then compiles each template once and recompiles only those whose file changed (it
    checks on every use). A file added or removed (a new override of one of scrolly's
    templates) gives a new environment: Jinja would go on using the template it found before."""
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(project_templates), jinja2.PackageLoader("scrolly", "templates")])
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, bytecode_cache=_bytecode_cache(compiled))
    env.tests["scrolly"] = lambda block: isinstance(block, Scrolly)
    env.tests["figure"] = lambda block: isinstance(block, Figure)
    env.filters["state_json"] = lambda state: json.dumps(state, ensure_ascii=False, sort_keys=True)
    return env


def _bytecode_cache(folder: Path | None) -> jinja2.BytecodeCache | None:
    """Jinja's own cache of compiled templates (checked against each template's source), or None if the folder cannot be made."""
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
        where, line = _template_line(err, name)
        raise ProjectError([Problem(where, line, f"template error: {err.message or err}")])
    except RecursionError as err:  # a template that includes (or extends) itself, directly or not
        where, line = _template_line(err, name, first=True)
        raise ProjectError([Problem(where, line, "template error: this template includes itself (directly or through other templates), so it never ends")])
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
    frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename.endswith((".html", ".jinja", ".j2"))]
    if first:
        frames = [f for f in frames if not Path(f.filename).is_relative_to(PACKAGE_TEMPLATES)][:1] or frames
    if not frames:
        return Path(name), 1
    return Path(frames[-1].filename), frames[-1].lineno


def _add_hashed(files: dict[str, bytes], path: str, data: bytes) -> str:
    """Store `data` under a name that changes when its content does, so browsers may cache it forever."""
    stem, dot, suffix = path.rpartition(".")
    hashed = f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}.{suffix}"
    files[hashed] = data
    return hashed


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
