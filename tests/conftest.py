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


# The story's runtime is fetched only once the page has painted, which may be after its load
# event: a page a test opens (or reloads) is ready once the runtime has run, or at its load
# when it has none or runs no script (a <noscript> parsed as elements says so).
RUNTIME_RAN = """() => new Promise((resolve) => {
  const probe = document.createElement("div");
  probe.innerHTML = "<noscript><p></p></noscript>";
  const scripting = probe.firstChild.children.length === 0;
  if (!scripting || !document.querySelector("script[data-runtime]") || window.scrolly) resolve();
  else document.addEventListener("scrolly:ready", () => resolve(), { once: true });
})"""


def _then_runtime(navigate):
    @functools.wraps(navigate)
    def navigate_and_wait(page, *args, **kwargs):
        response = navigate(page, *args, **kwargs)
        if kwargs.get("wait_until") in (None, "load", "networkidle"):
            page.evaluate(RUNTIME_RAN)
        return response

    return navigate_and_wait


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser); opening or
    reloading a page waits for the story's runtime (see RUNTIME_RAN)."""
    from playwright.sync_api import Page, sync_playwright

    plain = Page.goto, Page.reload
    Page.goto, Page.reload = _then_runtime(Page.goto), _then_runtime(Page.reload)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        Page.goto, Page.reload = plain


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
