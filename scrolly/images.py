"""Images in chapters: checked, sized and given content-hashed names while a chapter is read.

Every `![alt](file)` of a chapter must name a file of the project (under content/) with
alt text. Its width and height are read from the file's own header (PNG, JPEG, GIF,
WebP, SVG), so the page keeps the image's room before it loads: nothing moves.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .files import read_bytes
from .problems import Problem, ProjectError

KINDS = "PNG, JPEG, GIF, WebP or SVG"


@dataclass(frozen=True)
class Image:
    """One image file of the project, as the site publishes it."""

    source: Path
    url: str  # its path in the output folder: images/<stem>.<hash>.<suffix>
    width: int
    height: int
    data: bytes


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in pixels from the file's header, or None if it is no image scrolly reads."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", data[6:10])
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    head = data[:4096].decode("utf-8", "replace")
    if re.search(r"<svg[\s>]", head):
        return _svg_size(head)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """The size in the first start-of-frame segment (SOF0–SOF15, less DHT, JPG and DAC)."""
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            index += 2
            continue
        (length,) = struct.unpack(">H", data[index + 2 : index + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return (width, height) if width and height else None
        index += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


SVG_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")


def _svg_size(head: str) -> tuple[int, int] | None:
    """The root element's width and height (in px or bare numbers), else its viewBox."""
    tag = re.search(r"<svg\b[^>]*>", head)
    if not tag:
        return None
    attributes = dict(re.findall(r"""\s([\w:-]+)\s*=\s*["']([^"']*)["']""", tag.group(0)))
    width, height = (SVG_LENGTH.match(attributes.get(key, "")) for key in ("width", "height"))
    if width and height:
        return round(float(width.group(1))), round(float(height.group(1)))
    box = attributes.get("viewBox", "").replace(",", " ").split()
    if len(box) == 4:
        try:
            box_width, box_height = float(box[2]), float(box[3])
        except ValueError:
            return None
        return (round(box_width), round(box_height)) if box_width > 0 and box_height > 0 else None
    return None


def is_local(src: str) -> bool:
    """Whether an image address names a file (not another host, not data: or a fragment)."""
    parts = urlsplit(src)
    return not (parts.scheme or parts.netloc or src.startswith("#"))


def load_image(src: str, chapter: Path, line: int) -> Image:
    """The image file `src` names, relative to the chapter's folder; raise ProjectError."""
    if urlsplit(src).scheme in ("http", "https") or src.startswith("//"):
        raise ProjectError(
            [
                Problem(
                    chapter,
                    line,
                    f"image {src!r} is on another host: the site loads nothing from other "
                    "hosts, so save the image in content/images/ and name it by its path, "
                    "like images/photo.jpg",
                )
            ]
        )
    content = chapter.parent
    relative = unquote(urlsplit(src).path)
    path = Path(os.path.normpath(content / relative))
    if not path.is_relative_to(content) or relative.startswith("/"):
        raise ProjectError(
            [
                Problem(
                    chapter,
                    line,
                    f"image {src!r} is outside content/: keep images in content/ (for example "
                    "content/images/) and name them relative to the chapter",
                )
            ]
        )
    if not path.exists() and not path.is_symlink():
        raise ProjectError(
            [
                Problem(
                    chapter,
                    line,
                    f"image file not found: {_shown(path, chapter)} (images are named "
                    "relative to the chapter, like images/photo.jpg for "
                    "content/images/photo.jpg)",
                )
            ]
        )
    data = read_bytes(path, "image")
    size = image_size(data)
    if size is None or not all(size):
        what = (
            "an SVG without width and height or a viewBox"
            if path.suffix.lower() == ".svg"
            else f"not a {KINDS} image scrolly can read"
        )
        raise ProjectError(
            [
                Problem(
                    chapter,
                    line,
                    f"cannot tell the size of image {_shown(path, chapter)}: it is {what} "
                    "(give an SVG a viewBox; save other images as PNG, JPEG, GIF or WebP)",
                )
            ]
        )
    digest = hashlib.sha256(data).hexdigest()[:10]
    url = f"images/{path.stem}.{digest}{path.suffix.lower()}"
    return Image(source=path, url=url, width=size[0], height=size[1], data=data)


def _shown(path: Path, chapter: Path) -> str:
    """The image's path as problems name files: from where the build was started."""
    return str(path)


def images_rule(state) -> None:
    """markdown-it core rule: check each image of a chapter and point it at its published copy.

    Runs when the chapter's env names its file (`scrolly_chapter`); each image is added
    to `scrolly_images`, each problem to `scrolly_problems`.
    """
    chapter = state.env.get("scrolly_chapter") if isinstance(state.env, dict) else None
    if chapter is None:
        return
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] + 1 if token.map else 1
        for child in _walk(token.children):
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            if child.type == "image":
                _check_image(child, chapter, line, state.env)


def _walk(children):
    for child in children:
        yield child
        if child.children and child.type != "image":
            yield from _walk(child.children)


def _check_image(token, chapter: Path, line: int, env: dict) -> None:
    src = token.attrGet("src") or ""
    alt = "".join(child.content for child in token.children or ()).strip()
    if not alt:
        env["scrolly_problems"].append(
            Problem(
                chapter,
                line,
                f"image {src!r} has no alt text: say what it shows between the brackets, like "
                f"![The port at dawn, cranes against the sky]({src})",
            )
        )
    if not is_local(src) and not src.startswith(("http:", "https:", "//")):
        return  # a data: image or a fragment: nothing to copy
    try:
        image = load_image(src, chapter, line)
    except ProjectError as err:
        env["scrolly_problems"].extend(err.problems)
        return
    env["scrolly_images"].append(image)
    token.attrSet("src", image.url)
    token.attrSet("width", str(image.width))
    token.attrSet("height", str(image.height))
    token.attrSet("decoding", "async")
    token.meta["scrolly_image"] = image
