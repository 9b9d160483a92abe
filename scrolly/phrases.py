"""Finding a phrase in the text of some HTML, the way an author would type it: quotes
straight or curly, `--` for a dash, any run of spaces for one, across inline tags.
"""

from __future__ import annotations

import html as html_lib
import re

CANONICAL = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u00a0": " ",
    "\u2026": "...",
}
PIECES = re.compile(r"(<[^>]*>)|(&[#\w]+;|[^<&]|&)", re.DOTALL)


def _canonical(text: str) -> tuple[str, list[int]]:
    """`text` with quotes straightened, dashes as '-' and spaces collapsed, and for each of
    its characters the index of the character of `text` it came from."""
    out, owners = [], []
    for index, char in enumerate(text):
        for piece in CANONICAL.get(char, " " if char.isspace() else char):
            if piece == " " and (not out or out[-1] == " "):
                continue
            out.append(piece)
            owners.append(index)
    return "".join(out), owners


def _phrase_key(phrase: str) -> str:
    return _canonical(phrase.replace("---", "\u2014").replace("--", "\u2013"))[0].strip()


def phrase_spans(html: str, phrase: str) -> list[tuple[int, int]]:
    """Where `phrase` occurs in the text of `html`: (first, last + 1) indexes of its text pieces."""
    pieces = [m.group(2) for m in PIECES.finditer(html) if m.group(2) is not None]
    text = "".join(html_lib.unescape(piece)[:1] or " " for piece in pieces)
    canonical, owners = _canonical(text)
    key = _phrase_key(phrase)
    spans, start = [], canonical.find(key) if key else -1
    while start >= 0:
        spans.append((owners[start], owners[start + len(key) - 1] + 1))
        start = canonical.find(key, start + 1)
    return spans


def near_phrase(text: str, phrase: str) -> str:
    """The text's own spelling of `phrase` when they differ only in case, or ""."""
    canonical, owners = _canonical(text)
    key = _phrase_key(phrase)
    start = canonical.lower().find(key.lower()) if key else -1
    return "" if start < 0 else text[owners[start] : owners[start + len(key) - 1] + 1]
