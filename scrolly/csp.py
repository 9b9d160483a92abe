"""A Content-Security-Policy for every page, as strict as the page allows.

Scripts, styles, images and data come from the site itself; nothing else loads. The
only inline code allowed is the code the page itself holds when it is built (the
chart boxes' size attributes, and any <script> or <style> an author wrote into a
chapter), each by the hash of its exact text, so text injected later cannot run.
"""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser


class _InlineCode(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.style_attributes: set[str] = set()
        self.styles: set[str] = set()
        self.scripts: set[str] = set()
        self._open: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("style") is not None:
            self.style_attributes.add(attrs["style"])
        if tag == "style" or (tag == "script" and "src" not in attrs and attrs.get("type", "text/javascript") in ("text/javascript", "module", "")):
            self._open = (tag, [])

    def handle_data(self, data):
        if self._open:
            self._open[1].append(data)

    def handle_endtag(self, tag):
        if self._open and self._open[0] == tag:
            (self.styles if tag == "style" else self.scripts).add("".join(self._open[1]))
            self._open = None


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def policy(html: str) -> str:
    code = _InlineCode()
    code.feed(html)
    scripts = " ".join(sorted(_hash(s) for s in code.scripts))
    styles = " ".join(sorted(_hash(s) for s in code.styles | code.style_attributes))
    unsafe_hashes = " 'unsafe-hashes'" if code.style_attributes else ""
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' {scripts}".rstrip(),
            f"style-src 'self'{unsafe_hashes} {styles}".rstrip(),
            "img-src 'self' data:",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "object-src 'none'",
        ]
    )


def with_policy(html: str) -> str:
    """The page with its policy in a <meta> tag right after its charset (before any code)."""
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy(html)}">'
    for anchor in ('<meta charset="utf-8">', "<head>"):
        if anchor in html:
            return html.replace(anchor, anchor + "\n" + tag, 1)
    return tag + "\n" + html
