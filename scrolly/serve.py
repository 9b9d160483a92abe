"""`python build.py serve`: build, serve the preview, rebuild on every save, reload the browser.

The dev server holds no build logic: it keeps one `Build` session in preview mode and runs
it on every save; the session's chart cache decides what is redone. The preview goes into its own folder (a temporary one by default), never into
dist/, and the live-reload script is added to HTML responses as they are served, so the
built files never contain it.

tornado serves the preview. livereload 2.7.1, also built on tornado, was not a fit: its watcher
polls every 0.8 s and drops a reload that comes within 3 s of the previous one
(`LiveReloadHandler.poll_tasks`), it injects an inline script, which a strict
Content-Security-Policy forbids, and its client can neither show a build's problems nor
bring the author back to the same place.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import json
import mimetypes
import re
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
import webbrowser
from importlib import resources
from pathlib import Path
from urllib.parse import unquote

from tornado import httpserver, netutil, web, websocket
from tornado.httputil import split_host_and_port

from .build import Build
from .problems import ProjectError
from .settings import Settings
from .write import digests

POLL = 0.02  # seconds between two looks at the project's files
QUIET = 0.05  # a burst of saves (save-all, a branch switch) must pause this long: one rebuild, not one per file (mkdocs #2061)
WATCHED = ("site.toml", "content", "charts", "templates")
PACKAGE = Path(__file__).resolve().parent
PACKAGE_WATCHED = (PACKAGE / "templates", PACKAGE / "assets")  # scrolly's own templates and styles
SCRATCH = re.compile(
    r"^(\..*|#.*|.*~|.*\.sw[a-p]|4913|__pycache__)$"
)  # editors' and Python's temporary files
DEV_SCRIPT_URL = "/__scrolly/dev.js"
WAITING_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>scrolly preview</title></head>
<body><p>No good build yet: fix the problems listed in the terminal and save.</p></body>
</html>
"""


def serve(
    site: Path,
    out: Path | None,
    host: str,
    port: int,
    open_browser: bool,
    verbose: bool,
    settings: Settings,
) -> int:
    """Serve the project at `site` until Ctrl+C; returns the exit code."""
    if not 0 <= port <= 65535:
        print(f"--port must be between 0 and 65535, got {port}", file=sys.stderr)
        return 2
    try:
        sockets = netutil.bind_sockets(port, host)
    except OSError as err:
        print(listen_problem(err, host, port), file=sys.stderr)
        return 2
    port = sockets[0].getsockname()[1]
    if not all(ipaddress.ip_address(s.getsockname()[0]).is_loopback for s in sockets):
        print(
            f"warning: listening on {host}: other machines on your network can open this preview",
            file=sys.stderr,
        )

    temporary = Path(tempfile.mkdtemp(prefix="scrolly-preview-")) if out is None else None
    preview = Preview(Build(site, "preview", settings), out or temporary / "site", verbose)
    previous_sigterm = signal.signal(signal.SIGTERM, stop)
    try:
        files, started = snapshot(site), time.perf_counter()
        print(preview.finish(preview.attempt(), "first build", started), flush=True)
        url = f"http://{url_host(host)}:{port}/"
        print(
            f"Serving {site.resolve()} at {url} (preview built in {preview.out}; press Ctrl+C to stop)",
            flush=True,
        )
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        asyncio.run(run(preview, sockets, files, allowed_hosts(host)))
    except KeyboardInterrupt:
        print("stopped", flush=True)
    finally:
        signal.signal(signal.SIGTERM, previous_sigterm)
        preview.builder.close()
        for sock in sockets:
            sock.close()
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)
    return 0


def stop(signum, frame):
    """SIGTERM stops the server like Ctrl+C, so the temporary folder is removed."""
    raise KeyboardInterrupt


def listen_problem(err: OSError, host: str, port: int) -> str:
    if isinstance(err, socket.gaierror):
        return f"cannot listen on '{host}': no such host name ({err.strerror}); choose another with --host (the default, 127.0.0.1, is this machine only)"
    if err.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on address '{host}': this machine has no such address; choose another with --host (the default, 127.0.0.1, is this machine only)"
    if err.errno == errno.EADDRINUSE:
        return f"port {port} is already in use on {host} (another server?): stop it or choose another port with --port, for example --port {port + 1 if port < 65535 else 8000}"
    if err.errno == errno.EACCES:
        return f"not allowed to listen on port {port}: choose a port above 1023 with --port"
    return f"cannot listen on {host}:{port}: {err.strerror or err}; choose another --host or --port"


def url_host(host: str) -> str:
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


# -- the preview's state -----------------------------------------------------------------


class Preview:
    """The last good build, the problems of the last save, and the browsers to tell."""

    def __init__(self, builder: Build, out: Path, verbose: bool):
        self.builder = builder
        self.site = builder.root
        self.out = out
        self.verbose = verbose
        self.session = secrets.token_hex(
            4
        )  # a restarted server's builds never look like this one's
        self.count = 0
        self.problems: list[str] = []
        self.files: dict[str, str] = {}
        self.changed: list[str] = []  # the output files the last build changed
        self.browsers: set[LiveHandler] = set()

    @property
    def build(self) -> str:
        return f"{self.session}-{self.count}" if self.count else "none"

    def message(self, styles_only: bool = False) -> str:
        return json.dumps(
            {
                "build": self.build,
                "problems": self.problems,
                "stylesOnly": styles_only,
                "changed": self.changed,
            }
        )

    def build_of(self, path: str, data: bytes) -> str:
        """The build that wrote this output file as read now: the last one announced, or
        "pending" while a newer one is being swapped in (the browser then cannot patch)."""
        return self.build if self.files.get(path) == digests({path: data})[path] else "pending"

    def finish(self, outcome, what: str, started: float) -> str:
        """Record a build's outcome, tell the browsers, and return the terminal's lines about it."""
        if isinstance(outcome, Exception):
            summary, details = self.failed(outcome, started)
            styles_only = False
        else:
            summary, styles_only = self.succeeded(outcome, started)
            details = []
        for browser in list(self.browsers):
            try:
                browser.write_message(self.message(styles_only))
            except websocket.WebSocketClosedError:
                self.browsers.discard(browser)
        return "\n".join([f"{what}: {summary}", *details])

    def attempt(self):
        """Build once; returns the BuildResult, or the exception a broken project (or a bug) raised."""
        try:
            return self.builder.run(self.out)
        except Exception as err:
            return err

    def succeeded(self, result, started: float) -> tuple[str, bool]:
        files = result.digests
        changed = {
            path
            for path in files.keys() | self.files.keys()
            if files.get(path) != self.files.get(path)
        }
        styles_only = bool(changed) and all(path.endswith(".css") for path in changed)
        if not self.files:
            done = "site built"
        elif styles_only:
            done = "styles refreshed"
        else:
            done = "page re-rendered" if changed else "page re-rendered (the site did not change)"
        self.files, self.problems = files, []
        if changed:
            self.count, self.changed = self.count + 1, sorted(changed)
        charts = f"{len(result.compiled)} chart{'s' if len(result.compiled) != 1 else ''} compiled"
        charts += f" ({', '.join(result.compiled)})" if result.compiled else ""
        return f"{done}, {charts}, {milliseconds(started)} ms", styles_only

    def failed(self, err: Exception, started: float) -> tuple[str, list[str]]:
        if isinstance(err, ProjectError):
            self.problems = [str(problem) for problem in err.problems]
            tracebacks = [problem.detail for problem in err.problems if problem.detail]
        else:  # a bug in scrolly: the server keeps going, the author can still save a workaround
            self.problems = [
                f"internal error: {type(err).__name__}: {err}"
                + ("" if self.verbose else " (run with --verbose for the traceback)")
            ]
            tracebacks = ["".join(traceback.format_exception(err))]
        count = len(self.problems)
        shown = (
            "the browser shows them over the last good page"
            if self.count
            else "the browser shows them"
        )
        return (
            f"{count} problem{'s' if count != 1 else ''}, {milliseconds(started)} ms; {shown}",
            self.problems + (tracebacks if self.verbose else []),
        )


def milliseconds(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


# -- watching ----------------------------------------------------------------------------


async def run(
    preview: Preview, sockets: list[socket.socket], files: dict, hosts: frozenset[str]
) -> None:
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
    await watch(preview, files)


async def watch(preview: Preview, seen: dict) -> None:
    """Rebuild once after each burst of saves has been quiet for QUIET seconds (`seen`: the
    files as the last build read them)."""
    pending: set[Path] = set()
    last_change = 0.0
    while True:
        await asyncio.sleep(POLL)
        now = snapshot(preview.site)
        changed = {path for path in seen.keys() | now.keys() if seen.get(path) != now.get(path)}
        seen = now
        if changed:
            pending |= changed
            last_change = time.perf_counter()
        elif pending and time.perf_counter() - last_change >= QUIET:
            started = time.perf_counter()
            outcome = await in_thread(preview.attempt)
            print(
                preview.finish(outcome, describe_changes(pending, preview.site), started),
                flush=True,
            )
            pending = set()


def snapshot(site: Path) -> dict[Path, tuple[int, int, int]]:
    """Every file the build reads, with what changes when it is saved."""
    files = {}
    for top in [site / name for name in WATCHED] + list(PACKAGE_WATCHED):
        for path in [top] if top.is_file() else top.rglob("*"):
            if any(SCRATCH.match(part) for part in path.relative_to(top.parent).parts):
                continue
            try:
                stat = path.stat()
            except OSError:
                continue
            if not path.is_dir():
                files[path] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    return files


async def in_thread(function, *args):
    """Run `function` in a daemon thread, so the server answers during a long build and
    Ctrl+C does not wait for a chart that hangs."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def work():
        result = function(*args)
        try:
            loop.call_soon_threadsafe(lambda: future.done() or future.set_result(result))
        except RuntimeError:  # the server stopped during the build
            pass

    threading.Thread(target=work, daemon=True).start()
    return await future


def describe_changes(paths: set[Path], site: Path) -> str:
    names = sorted(relative_name(path, site) for path in paths)
    if len(names) == 1:
        return f"{names[0]} changed"
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"{len(names)} files changed ({shown})"


def relative_name(path: Path, site: Path) -> str:
    for base in (site, PACKAGE.parent):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return str(path)


# -- serving -----------------------------------------------------------------------------


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
            f"403 Forbidden: this preview answers only to {', '.join(sorted(allowed))} and IP addresses, "
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
