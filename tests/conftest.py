"""Shared fixtures: copies of fixture projects, built sites, a static server, Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory) -> Path:
    """The user-level cache (XDG_CACHE_HOME) every build in the session shares: never the real ~/.cache."""
    folder = tmp_path_factory.mktemp("user-cache")
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if previous is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = previous


def run_build(*args: str, cwd: Path = REPO, timeout: float = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python build.py ARGS` the way an author does; returns the finished process."""
    environment = os.environ | (env or {})
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=environment)


@pytest.fixture
def project(tmp_path: Path):
    """A fresh copy of a fixture project: project("basic") -> its folder."""

    def copy(name: str = "basic") -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target, ignore=shutil.ignore_patterns(".scrolly-cache", "dist"))
        return target

    return copy


@pytest.fixture(scope="session")
def basic_site(tmp_path_factory) -> Path:
    """The `basic` fixture project built once for the whole session; returns its dist/."""
    root = tmp_path_factory.mktemp("basic") / "basic"
    shutil.copytree(FIXTURES / "basic", root, ignore=shutil.ignore_patterns(".scrolly-cache", "dist"))
    result = run_build("--site", str(root))
    assert result.returncode == 0, result.stderr
    return root / "dist"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_folder(folder: Path):
    """Serve `folder` on a free loopback port in a thread; returns (base URL, server)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/", server


@pytest.fixture
def static_server():
    """static_server(folder) -> base URL; every server stops at the end of the test."""
    servers = []

    def start(folder: Path) -> str:
        url, server = serve_folder(folder)
        servers.append(server)
        return url

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page; fails the test on any uncaught page error or request to another host.

    It bypasses the pages' Content-Security-Policy, which forbids the eval() that some
    Playwright waits use; tests/test_csp.py checks the pages under their policy.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    foreign: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def guard(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    page.route("**/*", guard)
    page.errors = errors
    page.foreign_requests = foreign
    yield page
    context.close()
    assert not errors, f"page errors: {errors}"
    assert not foreign, f"requests to other hosts: {foreign}"
