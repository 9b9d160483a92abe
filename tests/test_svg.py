"""Smaller static SVGs that look the same."""

import base64
import re

from conftest import REPO

from scrolly.charts import compile_chart
from scrolly.svg import cull_hidden_shapes, round_coordinates, simplify_lines, smaller_svg
from scrolly.svgpath import read_lines, simplified, written

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
    """(Within 2 levels of 255: Chromium rasterises a path a shade differently when
    subpaths far outside the view are gone.)"""
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
          let n = 0; for (let i = 0; i < p.length; i++) if (Math.abs(p[i] - q[i]) > 2) n++; return n;
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


def svg_of(body: str, clip=(0, 0, 100, 100)) -> str:
    x, y, w, h = clip
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100">'
        f'<defs><clipPath id="clip1"><rect x="{x}" y="{y}" width="{w}" height="{h}"/></clipPath>'
        f'</defs><g clip-path="url(#clip1)">{body}</g></svg>'
    )


def d_of(svg: str) -> list[str]:
    return re.findall(r'<path [^>]*?\bd="([^"]*)"', svg)


def test_a_path_partly_inside_the_clip_keeps_only_its_subpaths_inside():
    inside, outside = "M10,10L20,10L20,20Z", "M300,10L320,10L320,20Z"
    (d,) = d_of(cull_hidden_shapes(svg_of(f'<path d="{outside}{inside}" fill="#333"/>')))
    assert read_lines(d) == read_lines(inside)


def test_a_path_wholly_outside_is_dropped_and_a_stroke_reaching_in_is_kept():
    far = '<path d="M130,10L140,10L140,20Z" fill="#900"/>'
    near = '<path d="M104,10L110,10L110,20Z" stroke="#000" stroke-width="2"/>'
    culled = cull_hidden_shapes(svg_of(far + near))
    assert 'fill="#900"' not in culled and 'stroke="#000"' in culled


def test_a_shape_painted_with_a_gradient_keeps_its_subpaths_outside():
    """Its gradient spans the shape's bounding box, hidden subpaths included."""
    body = '<path d="M300,10L320,10L320,20ZM10,10L20,10L20,20Z" fill="url(#gradient1)"/>'
    (d,) = d_of(cull_hidden_shapes(svg_of(body)))
    assert len(read_lines(d)) == 2


def test_transforms_move_the_clip_and_other_transforms_leave_paths_alone():
    moved = '<g transform="translate(-100,0)"><path d="M150,10L160,10L160,20Z" fill="#1"/></g>'
    own = '<path transform="translate(200,0)" d="M-150,10L-140,10L-140,20Z" fill="#2"/>'
    hidden = '<g transform="translate(100,0)"><path d="M50,10L60,10L60,20Z" fill="#3"/></g>'
    scaled = '<g transform="scale(0.1)"><path d="M500.123,10L600,10L600,20Z" fill="#4"/></g>'
    culled = cull_hidden_shapes(simplify_lines(svg_of(moved + own + hidden + scaled)))
    assert 'fill="#1"' in culled and 'fill="#2"' in culled  # drawn inside the view
    assert 'fill="#3"' not in culled  # moved out of it
    assert 'd="M500.123,10L600,10L600,20Z"' in culled  # under a scale: not ours to judge


def test_curves_arcs_and_shapes_in_definitions_are_left_as_they_are():
    curve = '<path d="M120,10C130,20,140,30,150,40" stroke="#000"/>'
    arc = '<path d="M110.123,0A10,10,0,1,1,130,0" stroke="#000"/>'
    svg = svg_of(curve + arc).replace(
        "</defs>", '<clipPath id="c2"><path d="M200,0L300,0L300,9.0001Z"/></clipPath></defs>'
    )
    smaller = cull_hidden_shapes(simplify_lines(svg))
    assert "M120,10C130,20,140,30,150,40" in smaller and "M110.123,0A10,10,0,1,1,130,0" in smaller
    assert "M200,0L300,0L300,9.0001Z" in smaller


def test_relative_commands_are_read_as_the_points_they_draw():
    assert read_lines("m10,10l5,0v5h-5zm20,0 5,5 -5,5") == [
        ([(10, 10), (15, 10), (15, 15), (10, 15)], True),
        ([(30, 10), (35, 15), (30, 20)], False),  # after m, pairs are relative lines
    ]
    assert read_lines("M1,2 3,4 5-6") == [([(1, 2), (3, 4), (5, -6)], False)]
    assert read_lines("M0,0L1,1Q2,2,3,3") is None and read_lines("M0,0L1e2,1Z")[0][0][1] == (100, 1)


def test_written_paths_draw_the_same_points_at_a_tenth_of_a_pixel():
    subpaths = [
        ([(0.04, 100.26), (50.55, 100.26), (50.55, -3.14), (-20.06, 7.77)], True),
        ([(-20.06, 7.77), (-19.96, 7.83), (300, 0)], False),
        ([(5, 5)] * 2, False),  # a line of no length: its round caps draw a dot
    ]
    text = written(subpaths)
    assert re.fullmatch(r"[mlhvz\d.,\- ]+", text) and "L" not in text and " 0." not in text
    again = read_lines(text)
    assert [c for _, c in again] == [True, False, False]
    for (points, _), (read, _) in zip(subpaths, again):
        assert len(read) == len(points)
        assert all(abs(a - b) <= 0.05 + 1e-9 for p, q in zip(points, read) for a, b in zip(p, q))


def test_simplifying_drops_points_on_the_line_and_keeps_tiny_rings_and_corners():
    line = [(x / 10, 0.1 * (x % 2)) for x in range(0, 1001)]  # a 100 px line, 0.1 px zigzag
    assert simplified(line, False, 0.3) == [(0, 0), (100, 0)]
    square = [(0, 0), (5, 0), (10, 0), (10, 10), (0, 10)]
    assert simplified(square, True, 0.3) == [(0, 0), (10, 0), (10, 10), (0, 10)]
    island = [(0.01 * i, 0.01 * (i % 3)) for i in range(8)]  # smaller than the tolerance
    assert len(simplified(island, True, 0.3)) == 3
    (d,) = d_of(simplify_lines(svg_of('<path d="M1,1L1.2,1.1L1.3,1.3L1.1,1.25Z" fill="#0"/>')))
    assert d.endswith("z") and len(read_lines(d)[0][0]) == 3  # still a dot, still closed
