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
from pathlib import Path
from typing import TYPE_CHECKING

from tornado import netutil, websocket

from .build import Build
from .handlers import allowed_hosts, serve_preview
from .problems import ProjectError
from .settings import Settings
from .watch import snapshot, watch
from .write import digests

if TYPE_CHECKING:
    from .handlers import LiveHandler


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
            f"Serving {site.resolve()} at {url} (preview built in {preview.out}; press Ctrl+C "
            "to stop)",
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
        return (
            f"cannot listen on '{host}': no such host name ({err.strerror}); choose "
            "another with --host (the default, 127.0.0.1, is this machine only)"
        )
    if err.errno == errno.EADDRNOTAVAIL:
        return (
            f"cannot listen on address '{host}': this machine has no such address; choose "
            "another with --host (the default, 127.0.0.1, is this machine only)"
        )
    if err.errno == errno.EADDRINUSE:
        return (
            f"port {port} is already in use on {host} (another server?): stop it or choose "
            "another port with --port, for example --port "
            f"{port + 1 if port < 65535 else 8000}"
        )
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


async def run(preview: Preview, sockets: list[socket.socket], files: dict, hosts) -> None:
    """Answer requests while watching for saves, until the loop is stopped."""
    serve_preview(preview, sockets, hosts)
    await watch(preview, files)
