"""The story's content and charts, checked against the facts they rest on.

Expected values are written out here, as the fact base states them, so the
tests stand on their own. Run from the repository root:

    .venv/bin/python -m pytest tests/test_story.py -q
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import tomllib
from datetime import date
from pathlib import Path

import pytest
import vl_convert as vlc

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
CHARTS = ROOT / "charts"

CHAPTERS = [
    ("01-vilnius", "vilnius"),
    ("02-macrons-objection", "macrons-objection"),
    ("03-door-prize", "door-prize"),
]

# NATO's 31 members at the time of the Vilnius summit (July 2023), by
# ISO 3166-1 numeric code, the id world-atlas gives each country.
NATO_2023 = {
    "008": "Albania", "056": "Belgium", "100": "Bulgaria", "124": "Canada",
    "191": "Croatia", "203": "Czechia", "208": "Denmark", "233": "Estonia",
    "246": "Finland", "250": "France", "276": "Germany", "300": "Greece",
    "348": "Hungary", "352": "Iceland", "380": "Italy", "428": "Latvia",
    "440": "Lithuania", "442": "Luxembourg", "499": "Montenegro",
    "528": "Netherlands", "807": "North Macedonia", "578": "Norway",
    "616": "Poland", "620": "Portugal", "642": "Romania", "703": "Slovakia",
    "705": "Slovenia", "724": "Spain", "792": "Türkiye",
    "826": "United Kingdom", "840": "United States",
}
SWEDEN = "752"
AP4 = {"392": "Japan", "410": "South Korea", "036": "Australia", "554": "New Zealand"}
CHINA = "156"

# (date, end_date) of every event, as the fact base dates them; periods known
# only roughly use the representative dates documented in charts/data/README.md.
EVENTS = {
    "stoltenberg-tokyo": ("2023-01-31", ""),
    "finland-joins": ("2023-04-04", ""),
    "macron-visit": ("2023-04-05", "2023-04-07"),
    "business-deals": ("2023-04-06", ""),
    "macron-plane": ("2023-04-07", ""),
    "cnn-interview": ("2023-05-01", "2023-05-31"),
    "term-extended": ("2023-07-04", ""),
    "vilnius-summit": ("2023-07-11", "2023-07-12"),
    "communique": ("2023-07-11", ""),
    "beijing-response": ("2023-07-12", ""),
    "itpp": ("2023-07-12", ""),
    "office-planned": ("2023-09-01", "2023-10-31"),
    "office-target": ("2023-12-01", "2023-12-31"),
}

# (lat, lon) of the ten places of the story
PLACES = {
    "brussels": (50.879, 4.426),
    "vilnius": (54.687, 25.280),
    "paris": (48.857, 2.352),
    "tokyo": (35.676, 139.650),
    "seoul": (37.566, 126.978),
    "canberra": (-35.281, 149.130),
    "wellington": (-41.286, 174.776),
    "beijing": (39.904, 116.407),
    "tianjin": (39.084, 117.201),
    "senkakus": (25.74, 123.48),
}


# ---------------------------------------------------------------- helpers


def load_chart(name: str):
    spec = importlib.util.spec_from_file_location(f"story_chart_{name}", CHARTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def specs() -> dict[str, dict]:
    return {name: load_chart(name).chart().to_dict() for name in ("timeline", "map")}


def walk(node):
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def declared_params(spec: dict) -> dict[str, object]:
    """Variable params (name -> default) declared anywhere in a Vega-Lite spec."""
    out = {}
    for node in walk(spec):
        for p in node.get("params", []) if isinstance(node.get("params"), list) else []:
            if isinstance(p, dict) and "name" in p and "select" not in p:
                out[p["name"]] = p.get("value")
    return out


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def kind_of(default) -> str:
    if default is None:
        return "nullable-string"
    if isinstance(default, bool):
        return "boolean"
    if isinstance(default, (int, float)):
        return "number"
    if isinstance(default, str) and ISO_DATE.match(default):
        return "date"
    return "string"


def fits(kind: str, value) -> bool:
    if kind == "nullable-string":
        return value is None or isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "date":
        if not (isinstance(value, str) and ISO_DATE.match(value)):
            return False
        date.fromisoformat(value)
        return True
    return isinstance(value, str)


PAIR = re.compile(r'([A-Za-z_][\w-]*)=("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)(?=\s|$)')


def parse_values(text: str) -> dict:
    rest = PAIR.sub("", text).strip()
    assert not rest, f"unparsed step values: {rest!r}"
    out = {}
    for name, raw in PAIR.findall(text):
        out[name] = json.loads(raw)
    return out


def split_chapter(stem: str) -> tuple[dict, str]:
    text = (CONTENT / f"{stem}.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    meta = {}
    for line in head.splitlines():
        key, value = line.split(":", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        meta[key.strip()] = value
    return meta, body


def sections(body: str) -> list[tuple[str, list[dict]]]:
    """Scrolly sections as (chart name, [step values]); checks their shape."""
    out, current = [], None
    for line in body.splitlines():
        s = line.strip()
        if m := re.match(r"^::::\s+scrolly\s+(\w[\w-]*)\s*$", s):
            assert current is None, "nested scrolly section"
            current = (m.group(1), [])
        elif s == "::::":
            assert current is not None, "stray ::::"
            out.append(current)
            current = None
        elif m := re.match(r"^:::\s+step\b(.*)$", s):
            assert current is not None, "step outside a scrolly section"
            current[1].append(parse_values(m.group(1).strip()))
    assert current is None, "unclosed scrolly section"
    return out


def standalone_charts(body: str) -> list[tuple[str, dict]]:
    return [
        (m.group(1), parse_values(m.group(2).strip()))
        for m in re.finditer(r"(?m)^:::\s+chart\s+(\w[\w-]*)(.*)$", body)
    ]


def prose_words(body: str) -> int:
    kept = []
    for line in body.splitlines():
        s = line.strip()
        if s.startswith(":::") or s == "{.pullquote}" or re.match(r"^\|[-|: ]+\|$", s):
            continue
        kept.append(s.lstrip(">").replace("|", " "))
    return len(re.findall(r"[A-Za-z0-9À-ÿ][A-Za-z0-9À-ÿ'’.\-–→]*", " ".join(kept)))


# ---------------------------------------------------------------- data


def test_map_draws_exactly_the_31_members(specs):
    topo = None
    for node in walk(specs["map"]):
        if node.get("format", {}).get("type") == "topojson":
            topo = node["values"] if "values" in node else specs["map"]["datasets"][node["name"]]
    assert topo is not None, "the map inlines its TopoJSON"
    by_category: dict[str, set[str]] = {}
    for g in topo["objects"]["countries"]["geometries"]:
        by_category.setdefault(g["properties"]["category"], set()).add(g.get("id"))
    member_cats = [c for c in by_category if "member" in c.lower()]
    assert len(member_cats) == 1
    members = by_category[member_cats[0]]
    assert members == set(NATO_2023), sorted(members ^ set(NATO_2023))
    assert len(members) == 31
    assert SWEDEN not in members
    sweden_cat = next(c for c, ids in by_category.items() if SWEDEN in ids)
    assert "applicant" in sweden_cat.lower()
    ap4_cats = {c for c, ids in by_category.items() if ids & set(AP4)}
    assert len(ap4_cats) == 1 and by_category[ap4_cats.pop()] == set(AP4)
    china_cat = next(c for c, ids in by_category.items() if CHINA in ids)
    assert by_category[china_cat] == {CHINA}
    # five distinct categories, each with its own fill
    assert len(by_category) == 5


def test_events_dates():
    with (CHARTS / "data" / "events.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0].keys()) == ["date", "end_date", "id", "label", "chapter"]
    got = {r["id"]: (r["date"], r["end_date"]) for r in rows}
    assert got == EVENTS
    for r in rows:
        start = date.fromisoformat(r["date"])
        if r["end_date"]:
            assert date.fromisoformat(r["end_date"]) >= start
        assert r["chapter"] in {slug for _, slug in CHAPTERS}
        assert r["label"].strip()


def test_places_coordinates():
    with (CHARTS / "data" / "places.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0].keys()) == ["id", "name", "lat", "lon", "note"]
    assert {r["id"] for r in rows} == set(PLACES)
    for r in rows:
        lat, lon = PLACES[r["id"]]
        assert abs(float(r["lat"]) - lat) <= 0.1, r["id"]
        assert abs(float(r["lon"]) - lon) <= 0.1, r["id"]


def test_map_data_file_is_world_atlas():
    topo = json.loads((CHARTS / "data" / "countries-110m.json").read_text(encoding="utf-8"))
    assert topo["type"] == "Topology"
    ids = {g.get("id") for g in topo["objects"]["countries"]["geometries"]}
    assert set(NATO_2023) | {SWEDEN, CHINA} | set(AP4) <= ids
    assert "Natural Earth" in (CHARTS / "data" / "README.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------- charts


@pytest.mark.parametrize("name", ["timeline", "map"])
def test_chart_compiles_and_renders(name, specs):
    spec = specs[name]
    props = spec.get("title"), spec.get("description"), spec.get("usermeta", {}).get("source")
    assert all(props), f"{name}: title, description and usermeta.source are required"
    vg = vlc.vegalite_to_vega(spec)
    signals = {s["name"] for s in vg.get("signals", [])}
    assert set(declared_params(spec)) <= signals
    svg = vlc.vega_to_svg(vg)
    assert svg.lstrip().startswith("<svg") and len(svg) > 1000


def test_chart_params(specs):
    assert declared_params(specs["timeline"]) == {
        "focus": None,
        "start": "2023-01-01",
        "end": "2023-12-31",
    }
    params = declared_params(specs["map"])
    assert params["focus"] is None
    assert {k: kind_of(v) for k, v in params.items()} == {
        "focus": "nullable-string",
        "lon": "number",
        "lat": "number",
        "zoom": "number",
    }


@pytest.mark.parametrize("name", ["timeline", "map"])
def test_chart_tables(name):
    rows = load_chart(name).table()
    assert rows and all(isinstance(r, dict) for r in rows)
    assert all(not isinstance(v, (dict, list)) for r in rows for v in r.values())


# ---------------------------------------------------------------- content


def test_site_lists_the_three_chapters_in_order():
    site = tomllib.loads((ROOT / "site.toml").read_text(encoding="utf-8"))
    assert site["chapters"] == [stem for stem, _ in CHAPTERS]
    assert 3 <= len(site["summary"]) <= 5
    assert site["sources"][0]["publisher"] == "SpyTalk"
    assert sorted(p.stem for p in CONTENT.glob("*.md")) == [stem for stem, _ in CHAPTERS]


@pytest.mark.parametrize("stem,slug", CHAPTERS)
def test_chapter_front_matter(stem, slug):
    meta, _ = split_chapter(stem)
    assert set(meta) == {"title", "slug", "summary"}
    assert meta["slug"] == slug
    assert meta["title"] and meta["summary"].endswith(".")


def test_word_count():
    total = sum(prose_words(split_chapter(stem)[1]) for stem, _ in CHAPTERS)
    assert 1500 <= total <= 2500, total


def test_steps_and_sections():
    total = 0
    for stem, _ in CHAPTERS:
        found = sections(split_chapter(stem)[1])
        assert found, f"{stem} has no scrolly section"
        for _, steps in found:
            assert steps, f"{stem}: empty scrolly section"
        total += sum(len(steps) for _, steps in found)
    assert total >= 12, total


def test_step_values_match_chart_params(specs):
    ids = {
        "timeline": set(EVENTS),
        "map": set(PLACES),
    }
    for stem, _ in CHAPTERS:
        body = split_chapter(stem)[1]
        uses = [(chart, steps) for chart, steps in sections(body)]
        uses += [(chart, [values]) for chart, values in standalone_charts(body)]
        for chart, steps in uses:
            assert chart in specs, f"{stem}: unknown chart {chart!r}"
            params = declared_params(specs[chart])
            kinds = {name: kind_of(default) for name, default in params.items()}
            state = dict(params)
            for i, values in enumerate(steps):
                for name, value in values.items():
                    assert name in kinds, f"{stem}: {chart} has no param {name!r}"
                    assert fits(kinds[name], value), f"{stem}: {name}={value!r} is not a {kinds[name]}"
                state.update(values)
                if i == 0:
                    # the first step sets every param of its section's state
                    assert set(values) == set(params), f"{stem}: first {chart} step sets {sorted(values)}"
                if state.get("focus") is not None:
                    assert state["focus"] in ids[chart], f"{stem}: unknown focus {state['focus']!r}"
                if chart == "timeline":
                    assert state["start"] < state["end"]
                if chart == "map":
                    assert state["zoom"] > 0 and -90 <= state["lat"] <= 90
