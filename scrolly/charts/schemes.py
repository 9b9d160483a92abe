"""First-paint PNG pictures in both colour schemes.

An SVG picture carries the page's colour variables and follows the reader's scheme by
itself; a PNG cannot, so a chart whose pictures are PNGs (an SVG too big to send) gets a
second PNG of each state drawn with the dark tokens, and the page picks one with
`<picture>`. Between the worker that draws it and the page that shows it, such a picture
travels (and is cached) as one value: the light PNG followed by the dark PNG. A browser
reading the pair as one file would show the light one, which ends at its IEND chunk.
"""

from __future__ import annotations

from ..theme import VAR

IEND = b"IEND\xaeB`\x82"  # a PNG's last chunk, with its CRC


def with_dark(light_png: bytes, svg: str, dark: dict | None) -> bytes:
    """The light PNG, followed by one of the same SVG in the dark tokens' colours
    (none when the site has no dark mode)."""
    if not dark or "var(--" not in svg:
        return light_png
    import vl_convert as vlc

    dark_svg = VAR.sub(lambda m: dark.get(m.group(1)) or (m.group(2) or "#000000").strip(), svg)
    return light_png + vlc.svg_to_png(dark_svg, scale=2)


def split(picture: bytes) -> tuple[bytes, bytes | None]:
    """The light PNG and the dark one (None if the picture has only one)."""
    end = picture.find(IEND)
    if not picture.startswith(b"\x89PNG") or end < 0 or end + len(IEND) == len(picture):
        return picture, None
    return picture[: end + len(IEND)], picture[end + len(IEND) :]


def dark_key(key: str) -> str:
    """Where the page's pictures keep the dark PNG of the state `key`."""
    return "dark " + key
