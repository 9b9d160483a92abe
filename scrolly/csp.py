"""A Content-Security-Policy for every page, as strict as the page allows.

Scripts, styles, images and data come from the site itself; nothing else loads. The
only inline code allowed is the code the page itself holds when it is built (the
chart boxes' size attributes, and any <script> or <style> an author wrote into a
chapter), each by the hash of its exact text, so text injected later cannot run.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import unescape


# The build writes these pages itself, so plain patterns find their inline code (an
# HTML parser gave the same answers at four times the cost on every rebuild).
STYLE_ATTRIBUTE = re.compile(r"""<[a-zA-Z][^>]*?\sstyle=(?:"([^"]*)"|'([^']*)')""")
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\ssrc=)([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE
)
INLINE_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
SCRIPT_TYPES = ("", "text/javascript", "module")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def policy(html: str) -> str:
    style_attributes = {
        unescape(m.group(1) if m.group(1) is not None else m.group(2))
        for m in STYLE_ATTRIBUTE.finditer(html)
    }
    inline_scripts = {
        m.group(2) for m in INLINE_SCRIPT.finditer(html) if _script_type(m.group(1)) in SCRIPT_TYPES
    }
    inline_styles = {m.group(1) for m in INLINE_STYLE.finditer(html)}
    scripts = " ".join(sorted(_hash(s) for s in inline_scripts))
    styles = " ".join(sorted(_hash(s) for s in inline_styles | style_attributes))
    unsafe_hashes = " 'unsafe-hashes'" if style_attributes else ""
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


def _script_type(attributes: str) -> str:
    match = re.search(r"""\stype=["']?([^"'\s>]*)""", attributes)
    return match.group(1).lower() if match else ""


def with_policy(html: str) -> str:
    """The page with its policy in a <meta> tag right after its charset (before any code)."""
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy(html)}">'
    for anchor in ('<meta charset="utf-8">', "<head>"):
        if anchor in html:
            return html.replace(anchor, anchor + "\n" + tag, 1)
    return tag + "\n" + html
