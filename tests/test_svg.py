"""Smaller static SVGs that look the same."""

import base64
import re

from conftest import REPO

from scrolly.charts import compile_chart
from scrolly.svg import cull_hidden_shapes, round_coordinates

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100"><defs>'
    '<clipPath id="clip1"><rect x="0" y="0" width="100" height="100"/></clipPath></defs>'
    '<g class="mark-shape" clip-path="url(#clip1)">'
    '<path transform="translate(0,0)" d="M10.123,10.456L50.777,10.111L30.5,60.049Z" fill="#333"/>'
    '<path transform="translate(0,0)" d="M150,10L180,10L170,60Z" fill="#900"/>'
    '<path transform="translate(0,0)" d="M-50,-50L150,-50L150,150Z" fill="#090"/>'
    '<path d="M120,10C130,20,140,30,150,40" stroke="#000"/>'
    "</g></svg>"
)


def test_shapes_wholly_outside_the_clip_are_dropped_and_the_rest_kept():
    culled = cull_hidden_shapes(SVG)
    assert 'fill="#900"' not in culled  # right of the view
    assert 'fill="#333"' in culled and 'fill="#090"' in culled  # inside, and spanning the view
    assert 'stroke="#000"' in culled  # a curve: not judged, kept


def test_coordinates_are_rounded_to_a_tenth_of_a_pixel():
    rounded = round_coordinates(SVG)
    assert 'd="M10.1,10.5L50.8,10.1L30.5,60Z"' in rounded
    numbers = lambda svg: [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", re.findall(r' d="([^"]*)"', svg)[0])]
    before, after = numbers(SVG), numbers(rounded)
    assert len(after) == 6 and max(abs(a - b) for a, b in zip(after, before)) <= 0.05


def test_culling_a_zoomed_map_drops_shapes_and_changes_no_pixel(browser):
    import vl_convert as vlc

    from scrolly.charts import with_values

    chart = compile_chart("map", REPO / "charts" / "map.py", [])
    original = vlc.vega_to_svg(with_values(chart.vega, {"lon": 20, "lat": 52, "zoom": 4}))
    assert len(cull_hidden_shapes(original)) < len(original) / 2
    page = browser.new_page()
    differing = page.evaluate(
        """async ([a, b]) => {
          const load = (s) => new Promise((ok) => { const i = new Image(); i.onload = () => ok(i); i.src = 'data:image/svg+xml;base64,' + s; });
          const pixels = (img) => { const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
            const g = c.getContext('2d'); g.drawImage(img, 0, 0); return g.getImageData(0, 0, c.width, c.height).data; };
          const [p, q] = (await Promise.all([load(a), load(b)])).map(pixels);
          let n = 0; for (let i = 0; i < p.length; i++) if (p[i] !== q[i]) n++; return n;
        }""",
        [base64.b64encode(s.encode()).decode() for s in (original, cull_hidden_shapes(original))],
    )
    page.close()
    assert differing == 0


def test_a_chart_drawn_again_in_the_same_process_gives_the_same_svg():
    """Vega numbers clip paths from a counter that lives as long as the chart worker, so
    without renumbering a chart drawn after others would differ from build to build."""
    import altair as alt
    import vl_convert as vlc

    from scrolly.charts.pictures import svg_of

    chart = alt.Chart(alt.Data(values=[{"x": 1, "y": 2}, {"x": 3, "y": 4}])).mark_line(
        clip=True
    ).encode(x="x:Q", y="y:Q")
    vega = vlc.vegalite_to_vega(chart.to_dict())
    first, second = svg_of(vega), svg_of(vega)
    raw = vlc.vega_to_svg(vega)
    assert re.search(r'id="clip\d+"', first)
    assert re.findall(r'id="clip\d+"', raw) != re.findall(r'id="clip\d+"', vlc.vega_to_svg(vega))
    assert first == second
