"""The preview's HTTP side: the built pages (with the live-reload script added as they are
served), the dev script, and the WebSocket that tells a page to reload or patch itself.
"""

from __future__ import annotations

import ipaddress
import mimetypes
import socket
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from tornado import httpserver, web, websocket
from tornado.httputil import split_host_and_port

if TYPE_CHECKING:
    from .serve import Preview

DEV_SCRIPT_URL = "/__scrolly/dev.js"
WAITING_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>scrolly preview</title></head>
<body><p>No good build yet: fix the problems listed in the terminal and save.</p></body>
</html>
"""


def serve_preview(preview, sockets: list[socket.socket], hosts: frozenset[str]) -> None:
    """Answer requests on `sockets` from the running event loop: pages from `preview.out`."""
    app = web.Application(
        [
            (r"/__scrolly/live", LiveHandler, {"preview": preview}),
            (r"/__scrolly/dev\.js", DevScriptHandler),
            (r".*", SiteHandler, {"preview": preview}),
        ],
        allowed_hosts=hosts,
    )
    server = httpserver.HTTPServer(app)
    server.add_sockets(sockets)


def allowed_hosts(host: str) -> frozenset[str]:
    """The host names the preview answers to: loopback names, the --host given, and for a
    server listening on every address, this machine's name.

    Against DNS rebinding: another site can point its own name at 127.0.0.1, and the
    browser then sends that name as Host (and as Origin, so tornado's origin check of the
    live socket passes too). Refusing names the server was not started with stops it.
    """
    names = {"localhost", normal_host(host)}
    if host in ("", "0.0.0.0", "::"):
        names.add(socket.gethostname().lower())
    return frozenset(name for name in names if name)


def normal_host(name: str) -> str:
    """A host name as compared: lower case, without brackets around an IPv6 address or a final dot."""
    return name.strip().lower().removeprefix("[").removesuffix("]").rstrip(".")


def host_allowed(header: str, allowed: frozenset[str]) -> bool:
    """Whether a request's Host header (name and port) names this server.

    An IP address is always accepted: a rebinding attack needs a name the attacker
    controls, and a page at a bare address is that address's own origin. So are names
    under .localhost, which browsers resolve to this machine themselves (RFC 6761).
    """
    name = normal_host(split_host_and_port(header.strip().lower())[0])
    if name in allowed or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class OnlyOurHosts:
    """Refuses a request whose Host header names another server (403, and why); a mixin
    for every handler, the live socket's included."""

    def prepare(self):
        allowed = self.settings["allowed_hosts"]
        if host_allowed(self.request.host, allowed):
            return
        name = split_host_and_port(self.request.host.lower())[0]
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(
            f"403 Forbidden: this preview answers only to {', '.join(sorted(allowed))} and IP "
            "addresses, "
            f"not to the host name '{name}' (a guard against DNS rebinding). "
            f"To open it by that name, start the server with --host {name}.\n"
        )


def file_for(out: Path, url_path: str) -> Path | None:
    """The file inside `out` a request's path names (a folder means its index.html), None if
    there is none; 403 for any path that leads outside `out`, through `..` or a symlink."""
    parts = unquote(url_path).split("/")
    if any(part in (".", "..") or "\\" in part or "\0" in part for part in parts):
        raise web.HTTPError(403)
    root = out.resolve()
    target = root.joinpath(*[part for part in parts if part])
    if target.is_dir():
        target = target / "index.html"
    resolved = target.resolve()
    if not resolved.is_relative_to(root):
        raise web.HTTPError(403)
    return resolved if resolved.is_file() else None


def with_dev_script(html: bytes, build: str) -> bytes:
    """The page with the live-reload script, which is external so a strict CSP allows it."""
    tag = f'<script src="{DEV_SCRIPT_URL}" data-build="{build}" defer></script>'.encode()
    if b"</head>" in html:
        return html.replace(b"</head>", tag + b"\n</head>", 1)
    return tag + html


class SiteHandler(OnlyOurHosts, web.RequestHandler):
    """The preview's files, read from the output folder on every request."""

    def initialize(self, preview: Preview):
        self.preview = preview

    def get(self):
        self.send(body=True)

    def head(self):
        self.send(body=False)

    def send(self, body: bool):
        path = file_for(self.preview.out, self.request.path)
        if path is None and self.request.path in ("/", "/index.html") and not self.preview.count:
            data, kind = WAITING_PAGE.encode(), "text/html"
        elif path is None:
            raise web.HTTPError(404)
        else:
            data, kind = (
                path.read_bytes(),
                mimetypes.guess_type(path.name)[0] or "application/octet-stream",
            )
        if kind == "text/html":
            if path is not None:
                self.set_header(
                    "X-Scrolly-Build",
                    self.preview.build_of(
                        path.relative_to(self.preview.out.resolve()).as_posix(), data
                    ),
                )
            data = with_dev_script(data, self.preview.build)
        if kind.startswith("text/") or kind in (
            "application/json",
            "application/javascript",
            "image/svg+xml",
        ):
            kind += "; charset=utf-8"
        self.set_header("Content-Type", kind)
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        if body:
            self.write(data)
        else:
            self.set_header("Content-Length", len(data))


class DevScriptHandler(OnlyOurHosts, web.RequestHandler):
    def get(self):
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.write(resources.files("scrolly.assets").joinpath("dev.js").read_bytes())


class LiveHandler(OnlyOurHosts, websocket.WebSocketHandler):
    """Tells each open page about every build: reload, refresh styles, or show problems.

    tornado refuses connections from other origins and OnlyOurHosts those that name
    another host, so other sites cannot listen in.
    """

    def initialize(self, preview: Preview):
        self.preview = preview

    def open(self):
        self.preview.browsers.add(self)
        self.write_message(self.preview.message())

    def on_message(self, message):
        """The page never sends anything: whatever arrives is ignored (tornado's default raises)."""

    def on_close(self):
        self.preview.browsers.discard(self)
