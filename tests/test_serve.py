"""`python build.py serve`: the preview follows every save, safely, and never leaks into a build."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, run_build

STARTUP_TIMEOUT = 120  # seconds: the first build compiles the chart
REBUILD_TIMEOUT = 30


class Served:
    """A running `python build.py serve` and the terminal output it wrote so far."""

    def __init__(self, process: subprocess.Popen, port: int, log: Path):
        self.process = process
        self.port = port
        self.url = f"http://127.0.0.1:{port}/"
        self.log_path = log

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def get(self, path: str) -> tuple[int, bytes]:
        """GET a raw path: http.client sends it as written, without normalising `..`."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def wait_for_log(self, pattern: str, timeout: float = REBUILD_TIMEOUT) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.log(), re.MULTILINE)
            if match:
                return match
            assert self.process.poll() is None, f"the server stopped:\n{self.log()}"
            time.sleep(0.05)
        raise AssertionError(f"no {pattern!r} in the server's output within {timeout} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(root: Path, *args: str, build_py: Path = REPO / "build.py") -> Served:
    """Start the dev server on `root` and wait until it answers."""
    port = free_port()
    log = root.parent / f"serve-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, str(build_py), "serve", "--site", str(root), "--port", str(port), *args], stdout=output, stderr=subprocess.STDOUT)
    served = Served(process, port, log)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server stopped:\n{served.log()}"
        try:
            if served.get("/")[0] == 200:
                return served
        except OSError:
            time.sleep(0.1)
    served.stop()
    raise AssertionError(f"the server did not answer within {STARTUP_TIMEOUT} s:\n{served.log()}")


@pytest.fixture
def serve():
    """serve(root, *args) -> a running server; every server is stopped after the test."""
    servers: list[Served] = []

    def start(root: Path, *args: str, **kwargs) -> Served:
        servers.append(start_server(root, *args, **kwargs))
        return servers[-1]

    yield start
    for served in servers:
        served.stop()


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def scroll_to_second_step(page) -> float:
    """Put the section's second step in the middle, wait for it and the live chart; scrollY."""
    steps = page.locator(".scrolly .step")
    steps.nth(1).evaluate("el => window.scrollTo(0, el.getBoundingClientRect().top + scrollY - innerHeight / 2 + 2)")
    page.wait_for_function("document.querySelectorAll('.scrolly .step')[1].getAttribute('aria-current') === 'step'", timeout=10000)
    page.wait_for_function("document.querySelector('.scrolly figure.is-live')", timeout=REBUILD_TIMEOUT * 1000)
    scrolled = page.evaluate("scrollY")
    assert scrolled > 0
    return scrolled


def test_editing_a_chapters_text_patches_the_page_in_place(project, serve, page):
    root = project("basic")
    served = serve(root)
    page.goto(served.url)
    scroll_to_second_step(page)
    page.wait_for_timeout(500)  # the live-reload script has read the page as built
    step_top = "document.querySelectorAll('.scrolly .step')[1].getBoundingClientRect().top"
    on_screen = page.evaluate(step_top)
    page.evaluate("document.querySelector('.scrolly figure.is-live').marked = true; window.notReloaded = true")

    chapter = root / "content" / "01-intro.md"
    replace_in(chapter, "Nothing changes here.", "Nothing moves here.")  # the active step's text
    replace_in(chapter, "Some prose before the chart.", "Some prose before the chart.\n\nA new paragraph.")
    page.wait_for_function("document.body.innerText.includes('Nothing moves here.') && "
                           "document.body.innerText.includes('A new paragraph.')", timeout=REBUILD_TIMEOUT * 1000)
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("document.querySelector('.scrolly figure.is-live').marked") is True  # the same live chart
    assert page.evaluate("document.querySelectorAll('.scrolly .step')[1].getAttribute('aria-current')") == "step"
    assert abs(page.evaluate(step_top) - on_screen) <= 2  # the paragraph above did not push it away
    assert page.locator(".step", has_text="Nothing moves here.").count() == 1
    served.wait_for_log(r"content/01-intro\.md.*: page re-rendered, 0 charts compiled, \d+ ms$")


def test_a_changed_step_value_reloads_the_page_where_the_author_was(project, serve, page):
    root = project("basic")
    served = serve(root)
    page.goto(served.url)
    scrolled = scroll_to_second_step(page)
    page.wait_for_timeout(500)

    with page.expect_event("load", timeout=REBUILD_TIMEOUT * 1000):
        replace_in(root / "content" / "01-intro.md", 'focus="c"', 'focus="a"')
    page.wait_for_function("document.querySelectorAll('.scrolly .step')[2].dataset.state.includes('\"a\"')", timeout=10000)
    page.wait_for_function("document.querySelectorAll('.scrolly .step')[1].getAttribute('aria-current') === 'step'", timeout=10000)
    assert abs(page.evaluate("scrollY") - scrolled) <= 2


def test_a_broken_chart_shows_its_problem_over_the_last_good_page_until_fixed(project, serve, page):
    root = project("basic")
    served = serve(root)
    page.goto(served.url)
    module = root / "charts" / "dots.py"
    good = module.read_text(encoding="utf-8")
    broken_line = len(good.splitlines()) + 1

    module.write_text(good + "x = (\n", encoding="utf-8")
    overlay = page.locator("#scrolly-dev-problems")
    overlay.wait_for(timeout=REBUILD_TIMEOUT * 1000)
    assert f"charts/dots.py:{broken_line}: syntax error" in overlay.inner_text()
    assert page.locator("h1").inner_text() == "A small test story"
    status, body = served.get("/")
    assert status == 200 and b"A small test story" in body
    served.wait_for_log(rf"charts/dots\.py:{broken_line}: syntax error")

    module.write_text(good.replace('title="Three dots"', 'title="Three fixed dots"'), encoding="utf-8")
    overlay.wait_for(state="detached", timeout=REBUILD_TIMEOUT * 1000)
    page.wait_for_function("document.body.innerText.includes('Three fixed dots')", timeout=REBUILD_TIMEOUT * 1000)


def test_a_burst_of_saves_gives_one_rebuild(project, serve):
    root = project("basic")
    served = serve(root)
    chapters = sorted((root / "content").glob("*.md"))
    for number, chapter in enumerate(chapters, 1):
        chapter.write_text(chapter.read_text(encoding="utf-8") + f"\nAdded in save {number}.\n", encoding="utf-8")
        time.sleep(0.06)  # slower than the watcher looks at files, quicker than the quiet time it waits for
    served.wait_for_log(r"files changed \(content/01-intro\.md, content/02-more\.md.*\): page re-rendered")
    time.sleep(1)
    rebuilds = [line for line in served.log().splitlines() if "content/" in line and " changed" in line]
    assert len(rebuilds) == 1, served.log()


def test_a_stylesheet_change_refreshes_styles_without_reloading(tmp_path, project, serve, page):
    scrolly_copy = tmp_path / "tool"
    shutil.copytree(REPO / "scrolly", scrolly_copy / "scrolly", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "build.py", scrolly_copy / "build.py")
    served = serve(project("basic"), build_py=scrolly_copy / "build.py")
    page.goto(served.url)
    page.evaluate("window.notReloaded = true")

    stylesheet = scrolly_copy / "scrolly" / "assets" / "story.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + "\nbody { outline: 7px solid rgb(1, 2, 3); }\n", encoding="utf-8")
    page.wait_for_function("getComputedStyle(document.body).outlineWidth === '7px'", timeout=REBUILD_TIMEOUT * 1000)
    assert page.evaluate("window.notReloaded") is True
    served.wait_for_log(r"^scrolly/assets/story\.css changed: styles refreshed")


def test_only_files_inside_the_preview_folder_are_served(tmp_path, project, serve):
    root = project("basic")
    out = tmp_path / "preview"
    served = serve(root, "--out", str(out))
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    (out / "leak.txt").symlink_to(secret)
    (out / "leak").symlink_to(tmp_path)

    assert served.get("/")[0] == 200
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/%2e%2e/%2e%2e/etc/passwd", "/..%2fsecret.txt",
                 "/charts/../../secret.txt", "//etc/passwd", "/leak.txt", "/leak/secret.txt", f"/{secret}"):
        status, body = served.get(path)
        assert status in (403, 404), (path, status)
        assert b"TOP SECRET" not in body and b"root:" not in body, path


def test_the_live_reload_script_is_only_in_served_pages(tmp_path, project, serve):
    root = project("basic")
    out = tmp_path / "preview"
    served = serve(root, "--out", str(out))
    assert b'<script src="/__scrolly/dev.js"' in served.get("/")[1]
    assert b"__scrolly" not in (out / "index.html").read_bytes()
    assert not (root / "dist").exists(), "serving must not write the production dist/"

    result = run_build("--site", str(root))
    assert result.returncode == 0, result.stderr
    assert not [path for path in (root / "dist").rglob("*") if path.is_file() and b"__scrolly" in path.read_bytes()]


def test_the_temporary_preview_folder_is_removed_on_exit(project, serve):
    served = serve(project("basic"))
    folder = Path(served.wait_for_log(r"preview built in (.+); press Ctrl\+C").group(1))
    assert (folder / "index.html").is_file()
    served.stop()
    assert not folder.parent.exists()


def test_a_busy_port_names_the_option_to_use(project):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_build("serve", "--site", str(project("basic")), "--port", str(port), timeout=60)
    assert result.returncode == 2
    assert f"port {port} is already in use" in result.stderr and "--port" in result.stderr
    assert "Traceback" not in result.stderr


def test_two_hundred_saves_in_ten_seconds_keep_it_answering_and_end_with_the_last_one_built(project, serve):
    root = project("basic")
    served = serve(root)
    chapter = root / "content" / "02-more.md"
    original = chapter.read_text(encoding="utf-8")
    started = time.monotonic()
    for number in range(200):
        chapter.write_text(original.replace("A standalone figure:", f"Save number {number}:"), encoding="utf-8")
        status, _ = served.get("/")  # answered during the storm (a hung server times out here)
        assert status == 200
        time.sleep(max(0.0, started + (number + 1) * 0.05 - time.monotonic()))

    deadline = time.monotonic() + REBUILD_TIMEOUT
    while b"Save number 199:" not in served.get("/")[1]:
        assert time.monotonic() < deadline, f"the last save was never built:\n{served.log()}"
        time.sleep(0.1)
    assert served.process.poll() is None


def raw_request(port: int, path: str, host: str, headers: dict | None = None) -> tuple[int, bytes]:
    """GET `path` from the server on 127.0.0.1:`port` with the Host header a browser at `host` would send."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        for name, value in {"Host": host, **(headers or {})}.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read() if response.status != 101 else b""
    finally:
        connection.close()


def websocket_handshake(port: int, host: str) -> int:
    """The status of a live-socket handshake sent as a page at http://`host` would send it."""
    headers = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(), "Origin": f"http://{host}"}
    return raw_request(port, "/__scrolly/live", host, headers)[0]


def test_the_preview_answers_only_to_its_own_host_names_against_dns_rebinding(project, serve):
    served = serve(project("basic"))
    port = served.port
    for good in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"LocalHost:{port}"):
        assert raw_request(port, "/", good)[0] == 200, good
        assert websocket_handshake(port, good) == 101, good

    for evil in (f"evil.example:{port}", f"127.0.0.1.nip.io:{port}", "attacker.test"):
        status, body = raw_request(port, "/", evil)
        assert status == 403, evil
        assert b"A small test story" not in body
        name = evil.split(":")[0]
        assert f"not to the host name '{name}'".encode() in body and f"--host {name}".encode() in body
        assert raw_request(port, "/__scrolly/dev.js", evil)[0] == 403
        assert websocket_handshake(port, evil) == 403, evil
    assert served.process.poll() is None


def test_a_name_given_with_host_is_accepted(project, serve):
    served = serve(project("basic"), "--host", "localhost")
    assert raw_request(served.port, "/", f"localhost:{served.port}")[0] == 200
    assert raw_request(served.port, "/", f"evil.example:{served.port}")[0] == 403


def test_a_message_sent_to_the_live_socket_is_ignored_and_the_socket_keeps_working(project, serve):
    from tornado.websocket import websocket_connect

    root = project("basic")
    served = serve(root)

    async def talk():
        socket = await websocket_connect(f"ws://127.0.0.1:{served.port}/__scrolly/live")
        first = json.loads(await socket.read_message())
        await socket.write_message("hello, server")
        await socket.write_message(b"\x00\xff binary", binary=True)
        replace_in(root / "content" / "01-intro.md", "Nothing changes here.", "Nothing moves here.")
        after = json.loads(await asyncio.wait_for(socket.read_message(), REBUILD_TIMEOUT))
        socket.close()
        return first, after

    with concurrent.futures.ThreadPoolExecutor(1) as thread:  # a loop of its own: Playwright's may be running here
        first, after = thread.submit(asyncio.run, talk()).result(timeout=REBUILD_TIMEOUT * 2)
    assert after["build"] != first["build"] and after["problems"] == []
    served.wait_for_log(r"page re-rendered")
    assert "Traceback" not in served.log() and "NotImplementedError" not in served.log()


def test_a_template_added_while_serving_overrides_scrollys_own_and_removing_it_restores_it(project, serve):
    root = project("basic")
    served = serve(root)
    override = root / "templates" / "head.html"
    override.write_text('<meta name="marker" content="my-override">\n', encoding="utf-8")
    served.wait_for_log(r"^templates/head\.html changed: page re-rendered, ")
    assert b"my-override" in served.get("/")[1]

    override.unlink()
    deadline = time.monotonic() + REBUILD_TIMEOUT
    while b"my-override" in served.get("/")[1]:
        assert time.monotonic() < deadline, served.log()
        time.sleep(0.1)
