"""The story's content and charts, checked against the facts they rest on.

Expected values are written out here, as the fact base states them, so the
tests stand on their own. Run from the repository root:

    .venv/bin/python -m pytest tests/test_story.py -q
"""

from __future__ import annotations

import csv
import importlib.util
import json
import math
import re
import sys
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
SWEDEN_NEIGHBOURS = {"578", "246"}  # Norway, Finland: both members
AP4 = {"392": "Japan", "410": "South Korea", "036": "Australia", "554": "New Zealand"}
CHINA = "156"
# Territories of members that the shapes file draws on their own, and the member each
# belongs to: drawn as NATO, like French Guiana inside France's shape (charts/data/README.md).
TERRITORIES = {
    "304": ("Greenland", "208"),
    "630": ("Puerto Rico", "840"),
    "238": ("Falkland Islands", "826"),
    "540": ("New Caledonia", "250"),
    "260": ("French Southern and Antarctic Lands", "250"),
}

# Who acted in each event: the timeline's colours, the same as the map's.
NATO, FRANCE_CHINA, JAPAN_AP4 = "NATO", "France and China", "Japan and the AP4"
ACTORS = {
    "stoltenberg-tokyo": NATO,
    "finland-joins": NATO,
    "macron-visit": FRANCE_CHINA,
    "business-deals": FRANCE_CHINA,
    "macron-plane": FRANCE_CHINA,
    "cnn-interview": NATO,
    "term-extended": NATO,
    "vilnius-summit": NATO,
    "communique": NATO,
    "beijing-response": FRANCE_CHINA,
    "itpp": JAPAN_AP4,
    "office-planned": NATO,
    "office-target": NATO,
}

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


# Every quotation in the chapters is a passage of one of these, word for word: the
# quotations of the fact base and the phrases of the column the chapters quote.
QUOTATIONS = [
    "The PRC employs a broad range of political, economic, and military tools to increase its global footprint",
    "malicious hybrid and cyber operations and its confrontational rhetoric and disinformation target Allies and harm Alliance security.",
    "China is increasingly challenging the rules-based international order, refusing to condemn Russia's war against Ukraine, threatening Taiwan, and carrying out a substantial military build-up.",
    "We firmly oppose and reject this",
    "Any act that jeopardizes China's legitimate rights and interests will be met with a resolute response.",
    "Despite all the chaos and conflict (it) already inflicted, NATO is spreading its tentacles to the Asia-Pacific region with an express aim of containing China.",
    "global strategic partnership with China",
    "blocs",
    "Cold War mentality",
    "extraterritoriality of the U.S. dollar",
    "The worse thing would be to think that we Europeans must become followers on this topic, and take our cue from the U.S. agenda and a Chinese overreaction.",
    "No other partner is closer to NATO than Japan.",
    "Japan is a very close and important partner for NATO",
    "adversary",
    "sustainable consumption",
    # the column's own words
    "the first of its kind for the Atlantic alliance",
    "Views expressed are the author's own.",
    "isn't about to drop his proposal",
    "sounded out",
    "early fall",
    "the grand tradition of French leaders",
    "had to shelve the Tokyo office idea this time",
    "will happen before the end of the year",
]


# ---------------------------------------------------------------- helpers


def load_chart(name: str):
    """Import a chart module as the build does, with charts/ importable for its helpers."""
    spec = importlib.util.spec_from_file_location(f"story_chart_{name}", CHARTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(CHARTS))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(CHARTS))
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
    """Scrolly sections as (chart name, [step values]); checks their shape. Steps that
    show a sticky (show="NAME" of a `::: sticky NAME`) are not the chart's."""
    return [(chart, [values for values, _ in steps]) for chart, steps in step_texts(body)]


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


def map_topology(spec: dict) -> dict:
    for node in walk(spec):
        if node.get("format", {}).get("type") == "topojson":
            return node["values"] if "values" in node else spec["datasets"][node["name"]]
    raise AssertionError("the map inlines its TopoJSON")


def scale_of(spec: dict, channel: str, field: str) -> dict[str, str]:
    """value -> colour (or other visual value) of the first ``channel`` encoding on ``field``."""
    for node in walk(spec):
        enc = node.get("encoding", {}).get(channel)
        if isinstance(enc, dict) and enc.get("field") == field and "scale" in enc:
            return dict(zip(enc["scale"]["domain"], enc["scale"]["range"]))
    raise AssertionError(f"no {channel} scale on {field}")


def luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted([luminance(a), luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# ---------------------------------------------------------------- data


def test_map_draws_exactly_the_31_members(specs):
    topo = map_topology(specs["map"])
    by_category: dict[str, set[str]] = {}
    for g in topo["objects"]["countries"]["geometries"]:
        by_category.setdefault(g["properties"]["category"], set()).add(g.get("id"))
    member_cats = [c for c in by_category if "member" in c.lower()]
    assert len(member_cats) == 1
    members = by_category[member_cats[0]]
    # the 31 member states, with the territories the file draws apart from them
    drawn_as_members = set(NATO_2023) | set(TERRITORIES)
    assert members == drawn_as_members, sorted(members ^ drawn_as_members)
    assert len(members - set(TERRITORIES)) == 31
    assert all(member in NATO_2023 for _, member in TERRITORIES.values())
    assert SWEDEN not in members
    sweden_cat = next(c for c, ids in by_category.items() if SWEDEN in ids)
    assert "applicant" in sweden_cat.lower()
    ap4_cats = {c for c, ids in by_category.items() if ids & set(AP4)}
    assert len(ap4_cats) == 1 and by_category[ap4_cats.pop()] == set(AP4)
    china_cat = next(c for c, ids in by_category.items() if CHINA in ids)
    assert by_category[china_cat] == {CHINA}
    # five distinct categories, each with its own fill
    assert len(by_category) == 5
    fills = scale_of(specs["map"], "color", "properties.category")
    assert len(set(fills[c] for c in by_category)) == 5


def test_map_table_lists_membership_and_places():
    rows = load_chart("map").table()
    status = {
        r["Name"]: r["Status in July 2023"] for r in rows if r["Kind"] in {"Country", "Territory"}
    }
    members = {name for name, s in status.items() if s == "NATO member"}
    assert members == set(NATO_2023.values()) | {name for name, _ in TERRITORIES.values()}
    countries = {r["Name"] for r in rows if r["Kind"] == "Country"}
    assert countries == set(NATO_2023.values()) | {"Sweden", "China"} | set(AP4.values())
    assert "applicant" in status["Sweden"].lower() and "member" not in status["Sweden"].lower()
    assert all("AP4" in status[name] for name in AP4.values())
    for r in rows:
        if r["Kind"] == "Territory":
            member = dict(TERRITORIES.values())[r["Name"]]
            assert NATO_2023[member] in r["Note"], r
    places = {r["Name"]: (r["Latitude"], r["Longitude"]) for r in rows if r["Kind"] == "Place"}
    assert len(places) == len(PLACES)
    assert sorted(places.values()) == sorted(PLACES.values())
    # one table, the same columns on every row
    assert len({tuple(r) for r in rows}) == 1


def test_sweden_stands_out_from_its_neighbours(specs):
    topo = map_topology(specs["map"])
    geometries = topo["objects"]["countries"]["geometries"]
    category = {g.get("id"): g["properties"]["category"] for g in geometries}
    fill = scale_of(specs["map"], "color", "properties.category")
    stroke = scale_of(specs["map"], "stroke", "properties.category")
    sweden = category[SWEDEN]
    for neighbour in SWEDEN_NEIGHBOURS:
        theirs = category[neighbour]
        assert contrast(fill[sweden], fill[theirs]) >= 3, (fill[sweden], fill[theirs])
        assert contrast(stroke[sweden], fill[theirs]) >= 3, (stroke[sweden], fill[theirs])
    assert contrast(stroke[sweden], fill[sweden]) >= 3
    assert contrast(stroke[sweden], "#ffffff") >= 3
    # drawn after its neighbours, so their borders never cover its outline
    order = [g.get("id") for g in geometries]
    assert all(order.index(SWEDEN) > order.index(n) for n in SWEDEN_NEIGHBOURS)


def test_timeline_and_map_colour_the_same_actors_alike(specs):
    actors = scale_of(specs["timeline"], "color", "actor")
    assert set(actors) == {NATO, FRANCE_CHINA, JAPAN_AP4}
    assert len(set(actors.values())) == 3
    for colour in actors.values():
        assert contrast(colour, "#ffffff") >= 3, colour
    topo = map_topology(specs["map"])
    geometries = topo["objects"]["countries"]["geometries"]
    category = {g.get("id"): g["properties"]["category"] for g in geometries}
    fill = scale_of(specs["map"], "color", "properties.category")
    assert fill[category["250"]] == actors[NATO]  # France, a member
    assert fill[category[CHINA]] == actors[FRANCE_CHINA]
    assert {fill[category[c]] for c in AP4} == {actors[JAPAN_AP4]}
    # no colour of the map means anything else on the timeline
    others = {fill[c] for c in set(fill) - {category["250"], category[CHINA], category["392"]}}
    assert not others & set(actors.values())


def test_events_dates():
    with (CHARTS / "data" / "events.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0].keys()) == ["date", "end_date", "id", "label", "actor"]
    got = {r["id"]: (r["date"], r["end_date"]) for r in rows}
    assert got == EVENTS
    for r in rows:
        start = date.fromisoformat(r["date"])
        if r["end_date"]:
            assert date.fromisoformat(r["end_date"]) >= start
        assert r["label"].strip()
    shown = {r["Event"]: r["Who acted"] for r in load_chart("timeline").table()}
    assert {r["id"]: shown[r["label"]] for r in rows} == ACTORS


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
        for chart, steps in uses:  # every step says in words what its chart then shows
            assert all(isinstance(v.get("alt"), str) and v["alt"].strip() for v in steps), stem
        uses += [(chart, [values]) for chart, values in standalone_charts(body)]
        for chart, steps in uses:
            assert chart in specs, f"{stem}: unknown chart {chart!r}"
            params = declared_params(specs[chart])
            kinds = {name: kind_of(default) for name, default in params.items()}
            state = dict(params)
            for i, values in enumerate(steps):
                values = {name: value for name, value in values.items() if name != "alt"}
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


def test_every_quotation_is_word_for_word():
    quoted = []
    for stem, _ in CHAPTERS:
        for line in split_chapter(stem)[1].splitlines():
            if not line.lstrip().startswith(":::"):  # step values are not quotations
                quoted += re.findall(r'"([^"]+)"', line.replace("“", '"').replace("”", '"'))
    assert len(quoted) >= 16
    for passage in quoted:
        passage = passage.replace("’", "'").rstrip(",")
        assert any(passage in q for q in QUOTATIONS), f"not a quotation of the sources: {passage!r}"


def step_texts(body: str) -> list[tuple[str, list[tuple[dict, str]]]]:
    """Scrolly sections as (chart name, [(step values, step text)]), the chart's steps only:
    a step showing one of the section's stickies is left out."""
    out = []
    opened, closed = len(re.findall(r"(?m)^::::\s+scrolly\b", body)), len(re.findall(r"(?m)^::::\s*$", body))
    assert opened == closed, "a scrolly section is not closed, or a '::::' closes none"
    for m in re.finditer(r"(?ms)^::::\s+scrolly\s+(\w[\w-]*)\s*$(.*?)^::::\s*$", body):
        stickies = set(re.findall(r"(?m)^:::\s+sticky\s+(\S+)\s*$", m.group(2)))
        shown, steps = m.group(1), []
        for v, text in re.findall(r"(?ms)^:::\s+step\b(.*?)$(.*?)^:::\s*$", m.group(2)):
            values = parse_values(v.strip())
            shown = values.pop("show", shown)
            if shown not in stickies:
                steps.append((values, text.strip()))
        out.append((m.group(1), steps))
    return out


def equal_earth(lon: float, lat: float, state: dict, width: int, height: int) -> tuple:
    """Where the map's projection (d3's Equal Earth, rotated and centred as in charts/map.py)
    puts a point, in pixels of the plot."""
    a1, a2, a3, a4, m = 1.340264, -0.081106, 0.000893, 0.003796, math.sqrt(3) / 2

    def raw(lam: float, phi: float) -> tuple[float, float]:
        l = math.asin(m * math.sin(phi))
        l2 = l * l
        l6 = l2 * l2 * l2
        return (
            lam * math.cos(l) / (m * (a1 + 3 * a2 * l2 + l6 * (7 * a3 + 9 * a4 * l2))),
            l * (a1 + a2 * l2 + l6 * (a3 + a4 * l2)),
        )

    lam = math.radians(lon - state["lon"])
    lam = lam - 2 * math.pi if lam > math.pi else lam + 2 * math.pi if lam < -math.pi else lam
    k = state["zoom"] * width / 5.4
    x, y = raw(lam, math.radians(lat))
    cx, cy = raw(0, math.radians(state["lat"]))
    return width / 2 + k * (x - cx), height / 2 - k * (y - cy)


def test_every_step_shows_what_it_talks_about(specs):
    """A map step's focus, and every place its text names, are in view at that step; a
    timeline step's focus falls inside its window."""
    with (CHARTS / "data" / "places.csv").open(newline="", encoding="utf-8") as f:
        places = {r["id"]: r for r in csv.DictReader(f)}
    word = {pid: r["name"].split(",")[-1].split()[0] for pid, r in places.items()}
    for stem, _ in CHAPTERS:
        for chart, steps in step_texts(split_chapter(stem)[1]):
            spec = specs[chart]
            state = dict(declared_params(spec))
            for i, (values, text) in enumerate(steps, 1):
                state.update(values)
                where = f"{stem}: {chart} step {i}"
                if chart == "map":
                    named = {pid for pid, w in word.items() if re.search(rf"\b{w}\b", text)}
                    w, h = spec["width"], spec["height"]
                    for pid in named | ({state["focus"]} - {None}):
                        lon, lat = float(places[pid]["lon"]), float(places[pid]["lat"])
                        x, y = equal_earth(lon, lat, state, w, h)
                        assert 5 <= x <= w - 5 and 5 <= y <= h - 5, f"{where}: {pid} is out of view"
                elif chart == "timeline" and state["focus"] is not None:
                    start, end = EVENTS[state["focus"]]
                    in_window = start <= state["end"] and (end or start) >= state["start"]
                    assert in_window, f"{where}: {state['focus']} is out of view"


def test_the_communique_has_one_name():
    text = " ".join(split_chapter(stem)[1] for stem, _ in CHAPTERS).lower()
    assert "communiqué" in text
    for other in ("joint statement", "joint declaration", "summit statement", "the declaration"):
        assert other not in text, other
