"""World map: NATO members in July 2023, Sweden as applicant, the AP4 partners, China.

Country shapes are Natural Earth 1:110m from the npm package world-atlas
(``data/countries-110m.json``, see ``data/README.md``), inlined as TopoJSON.
Colours come from ``_palette.py``, shared with the timeline: members in NATO's
colour, the AP4 in the colour of Japan and the AP4, China in that of France and
China. A member's territories are drawn in its colour, whether the file gives
them a shape of their own (Greenland) or counts them in the member's shape
(French Guiana, in France's).
The places of the story (``data/places.csv``) are labelled points. Params:

- ``focus`` (place id or None): highlights one place with a ring and a bold label.
- ``lon``, ``lat`` (degrees) and ``zoom`` (1 = whole world across the width):
  the view. The projection is Equal Earth, rotated to ``lon`` and centred on
  ``lat``, so Europe and East Asia are drawn alike; all three are tweenable.

Pure module: reads its data files next to this file, writes nothing.
"""

from __future__ import annotations

import copy
import csv
import json
from functools import lru_cache
from pathlib import Path

import altair as alt

from _palette import APPLICANT_FILL, APPLICANT_OUTLINE, COLOUR, OTHER_FILL, OTHER_OUTLINE

HERE = Path(__file__).parent
TOPO = HERE / "data" / "countries-110m.json"
PLACES = HERE / "data" / "places.csv"

WIDTH, HEIGHT = 600, 340  # the world at zoom 1 is about 2:1: a taller box would leave bands

# The 31 members of NATO at the time of the Vilnius summit (July 2023), as
# ISO 3166-1 numeric codes (the ids world-atlas uses), with their names.
NATO_MEMBERS = {
    "008": "Albania",
    "056": "Belgium",
    "100": "Bulgaria",
    "124": "Canada",
    "191": "Croatia",
    "203": "Czechia",
    "208": "Denmark",
    "233": "Estonia",
    "246": "Finland",
    "250": "France",
    "276": "Germany",
    "300": "Greece",
    "348": "Hungary",
    "352": "Iceland",
    "380": "Italy",
    "428": "Latvia",
    "440": "Lithuania",
    "442": "Luxembourg",
    "499": "Montenegro",
    "528": "Netherlands",
    "807": "North Macedonia",
    "578": "Norway",
    "616": "Poland",
    "620": "Portugal",
    "642": "Romania",
    "703": "Slovakia",
    "705": "Slovenia",
    "724": "Spain",
    "792": "Türkiye",
    "826": "United Kingdom",
    "840": "United States",
}
APPLICANTS = {"752": "Sweden"}  # applied; joined only on 7 March 2024
AP4 = {"392": "Japan", "410": "South Korea", "036": "Australia", "554": "New Zealand"}
CHINA = {"156": "China"}

# The page's colours (scrolly's design tokens, as CSS variables with the light value as
# fallback): text and halos follow the page into dark mode.
INK, MUTED, PAPER = "var(--ink, #1b1b1b)", "var(--muted, #4a4a4a)", "var(--paper, #fdfcf8)"
AXIS = "var(--axis, #767676)"

# Territories of members that the file draws as shapes of their own, with the member
# each belongs to: drawn and listed with it (see data/README.md).
TERRITORIES = {
    "304": ("Greenland", "208"),
    "630": ("Puerto Rico", "840"),
    "238": ("Falkland Islands", "826"),
    "540": ("New Caledonia", "250"),
    "260": ("French Southern and Antarctic Lands", "250"),
}

# Status in July 2023, as the data table names it, for each category of country.
STATUS = {
    "member": "NATO member",
    "applicant": "Applicant (joined NATO on 7 March 2024)",
    "ap4": "Asia-Pacific partner (AP4)",
    "china": "Not in NATO",
}

# category, legend label, fill, outline, outline width
CATEGORIES = [
    ("member", "NATO member (31)", COLOUR["nato"], PAPER, 0.6),
    ("applicant", "Sweden: applicant", APPLICANT_FILL, APPLICANT_OUTLINE, 1.5),
    ("ap4", "AP4 partner", COLOUR["japan-ap4"], PAPER, 0.6),
    ("china", "China", COLOUR["france-china"], PAPER, 0.6),
    ("other", "Other", OTHER_FILL, OTHER_OUTLINE, 0.5),
]
LABELS = {key: label for key, label, *_ in CATEGORIES}

# Where each place's label sits relative to its point, so that neighbours
# (Brussels and Paris, Beijing and Tianjin) never collide.
LABEL_ANCHOR = {
    "brussels": ("right", -9, -8),
    "vilnius": ("left", 9, 0),
    "paris": ("right", -9, 8),
    "tokyo": ("left", 9, 0),
    "seoul": ("left", 9, -7),
    "canberra": ("right", -9, 0),
    "wellington": ("right", -9, 6),
    "beijing": ("right", -9, -6),
    "tianjin": ("left", 9, 6),
    "senkakus": ("left", 9, 4),
}


# Labels of places that crowd their neighbours appear only from this zoom on
# (others from zoom 1.8), and on a narrow chart (under 450 px) only when the
# place is the focus or the view is zoomed right in (zoom 8 or more). The
# focused place is always labelled.
LABEL_MIN_ZOOM = {"beijing": 3, "tianjin": 3, "senkakus": 3, "brussels": 3, "paris": 3}


def category(country_id: str | None) -> str:
    if country_id in TERRITORIES:
        country_id = TERRITORIES[country_id][1]
    if country_id in NATO_MEMBERS:
        return "member"
    if country_id in APPLICANTS:
        return "applicant"
    if country_id in AP4:
        return "ap4"
    if country_id in CHINA:
        return "china"
    return "other"


@lru_cache(maxsize=1)
def _topology() -> str:
    """The TopoJSON with a ``category`` on every country (cached as text).

    Sweden is drawn last, so that its outline is never covered by its neighbours'."""
    topo = json.loads(TOPO.read_text(encoding="utf-8"))
    topo = copy.deepcopy(topo)
    topo["objects"].pop("land", None)  # only countries are drawn
    geometries = topo["objects"]["countries"]["geometries"]
    for g in geometries:
        props = g.setdefault("properties", {})
        cid = g.get("id")
        props["category"] = LABELS[category(cid)]
        if cid in NATO_MEMBERS:
            props["name"] = NATO_MEMBERS[cid]  # current names: Türkiye, North Macedonia
        elif cid in TERRITORIES:
            name, member = TERRITORIES[cid]
            props["name"] = f"{name} ({NATO_MEMBERS[member]})"
    geometries.sort(key=lambda g: g.get("id") in APPLICANTS)
    return json.dumps(topo, ensure_ascii=False, separators=(",", ":"))


def _places() -> list[dict]:
    with PLACES.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = []
    for r in rows:
        align, dx, dy = LABEL_ANCHOR.get(r["id"], ("left", 9, 0))
        out.append(
            {
                "id": r["id"],
                "name": r["name"],
                "lat": float(r["lat"]),
                "lon": float(r["lon"]),
                "note": r["note"],
                "align": align,
                "dx": dx,
                "dy": dy,
                "minzoom": LABEL_MIN_ZOOM.get(r["id"], 1.8),
                "crowded": r["id"] in LABEL_MIN_ZOOM,
            }
        )
    return out


def table() -> list[dict]:
    """The map's data as flat rows of the same columns (shown under the chart and offered
    as CSV): every country and territory its fills colour, with its status in July 2023
    (all others are "Other"), then the places its points mark."""

    def row(name, kind, status, note, lat=None, lon=None) -> dict:
        return {"Name": name, "Kind": kind, "Status in July 2023": status,
                "Latitude": lat, "Longitude": lon, "Note": note}

    groups = [("member", NATO_MEMBERS), ("applicant", APPLICANTS), ("ap4", AP4), ("china", CHINA)]
    rows = [
        row(name, "Country", STATUS[key], "")
        for key, countries in groups
        for name in sorted(countries.values())
    ]
    rows += [
        row(name, "Territory", STATUS["member"], f"belongs to {NATO_MEMBERS[member]}; drawn with it")
        for name, member in sorted(TERRITORIES.values())
    ]
    rows += [row(p["name"], "Place", "", p["note"], p["lat"], p["lon"]) for p in _places()]
    return rows


def chart() -> alt.LayerChart:
    focus = alt.param(name="focus", value=None)
    lon = alt.param(name="lon", value=10)
    lat = alt.param(name="lat", value=15)
    zoom = alt.param(name="zoom", value=1)

    projection = dict(
        type="equalEarth",
        # at zoom 1 the whole world (about 5.4 x scale wide) fills the width
        scale=alt.ExprRef("zoom * width / 5.4"),
        rotate=alt.ExprRef("[-lon, 0, 0]"),
        center=alt.ExprRef("[0, lat]"),
        translate=alt.ExprRef("[width / 2, height / 2]"),
    )

    # Named here and attached once at the end: Altair copies a chart's inline data at
    # every method call, which for a world topology costs seconds.
    countries_data = alt.NamedData(name="countries", format=alt.DataFormat(type="topojson", feature="countries"))
    keys = [c[0] for c in CATEGORIES]
    domain = [LABELS[k] for k in keys]
    cat_field = "properties.category"
    countries = (
        alt.Chart(countries_data)
        .mark_geoshape(clip=True, aria=False)
        .encode(
            color=alt.Color(
                f"{cat_field}:N",
                scale=alt.Scale(domain=domain, range=[c[2] for c in CATEGORIES]),
                legend=alt.Legend(
                    title=None,
                    orient="top",
                    direction="horizontal",
                    columns=2,
                    labelFontSize=12,
                    symbolType="square",
                    symbolSize=140,
                    symbolStrokeColor=MUTED,
                    symbolStrokeWidth=0.8,
                    labelLimit=160,
                    columnPadding=12,
                ),
            ),
            stroke=alt.Stroke(
                f"{cat_field}:N",
                scale=alt.Scale(domain=domain, range=[c[3] for c in CATEGORIES]),
                legend=None,
            ),
            strokeWidth=alt.StrokeWidth(
                f"{cat_field}:N",
                sort=domain,
                scale=alt.Scale(domain=domain, range=[c[4] for c in CATEGORIES]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("properties.name:N", title="Country"),
                alt.Tooltip(f"{cat_field}:N", title="Status"),
            ],
        )
    )

    places = alt.Chart(alt.Data(values=_places())).transform_calculate(
        focused="datum.id === focus",
        aria="datum.name + ': ' + datum.note",
        # the focused label always; others once zoomed in far enough
        show=(
            "datum.id === focus || (zoom >= datum.minzoom"
            " && (width >= 450 || !datum.crowded || zoom >= 8))"
        ),
    )
    where = dict(longitude="lon:Q", latitude="lat:Q")

    # the focus ring, in the page's ink: 3:1 or more on every fill, in both colour schemes
    ring = (
        places.transform_filter("datum.focused")
        .mark_circle(filled=False, stroke=INK, strokeWidth=2.5, size=480, clip=True, aria=False)
        .encode(**where)
    )
    dots = places.mark_point(
        filled=True, shape="circle", fill=INK, stroke=PAPER, opacity=1, clip=True
    ).encode(
        **where,
        size=alt.condition("datum.focused", alt.value(150), alt.value(60)),
        strokeWidth=alt.condition("datum.focused", alt.value(2), alt.value(1.2)),
        tooltip=[alt.Tooltip("name:N", title="Place"), alt.Tooltip("note:N", title="Why it matters")],
        description=alt.Description("aria:N"),
    )
    text_props = dict(
        fontSize=12,
        baseline="middle",
        clip=True,
        align={"expr": "datum.align"},
        dx={"expr": "datum.dx * (datum.focused ? 1.8 : 1)"},
        dy={"expr": "datum.dy * (datum.focused ? 1.6 : 1)"},
        fontWeight={"expr": "datum.focused ? 'bold' : 'normal'"},
    )
    shown = places.transform_filter("datum.show")
    # a halo of the page's colour under each label keeps it legible over any fill
    halo = shown.mark_text(
        stroke=PAPER, strokeWidth=3.5, strokeJoin="round", fill=PAPER, aria=False, **text_props
    ).encode(**where, text="name:N")
    labels = shown.mark_text(fill=INK, aria=False, **text_props).encode(**where, text="name:N")

    layered = (
        alt.layer(countries, ring, dots, halo, labels)
        .project(**projection)
        .add_params(focus, lon, lat, zoom)
        .properties(
            width=WIDTH,
            height=HEIGHT,
            title="NATO, its Pacific partners and China",
            description=(
                "World map coloured by status in July 2023: the 31 NATO members in blue, "
                "Sweden, an applicant that had not yet joined, in yellow outlined in black, "
                "the four Asia-Pacific partners (Japan, South Korea, Australia and New "
                "Zealand) in green and China in orange. "
                "Labelled points mark the places in the story, from NATO headquarters in "
                "Brussels and Vilnius to Tokyo, Beijing and the Senkaku Islands."
            ),
            usermeta={
                "source": "Shapes: Natural Earth 1:110m via world-atlas 2.0.2; membership: public record"
            },
        )
        .configure_view(stroke=AXIS)
    )
    # Set as an attribute, not through .properties(), which would check all of the
    # world's shapes against the schema on every build (the spec is checked once later).
    layered.datasets = {"countries": json.loads(_topology())}
    return layered
