"""No process outlives the build: not the fork server, not a worker, not a child a chart
module started, whichever way the build ends; and nothing they leave holds the build's
output open, so a CI step that reads it sees it end when the build does."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO

SLEEP = "301"  # how the children a chart module starts are recognised

FORKING_CHART = '''
import os
import subprocess
import time


def start_children():
    subprocess.Popen(["sleep", "{sleep}"])  # a program, holding the worker's stdout and stderr
    if os.fork() == 0:  # a plain fork: every descriptor of the worker
        os.execvp("sleep", ["sleep", "{sleep}"])
'''.format(sleep=SLEEP)


def project(tmp_path: Path, chart_body: str) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "basic", root, ignore=shutil.ignore_patterns(".scrolly-cache", "dist"))
    dots = root / "charts" / "dots.py"
    source = dots.read_text()
    source = source.replace("def chart():\n", FORKING_CHART + "\n\ndef chart():\n" + chart_body, 1)
    dots.write_text(source)
    return root


def started_by(mark: str) -> list[tuple[int, str]]:
    """(pid, command line) of every live process whose environment carries `mark`: the
    build and everything it started, at any depth, reparented or not."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if mark.encode() not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if state != "Z":  # a zombie is only an exit status waiting for its parent
            found.append((int(entry.name), command.strip()))
    return found


class Build:
    """`python build.py` run as CI runs it: its own session, stdout and stderr read to EOF."""

    def __init__(self, root: Path, env: dict | None = None):
        self.mark = f"SCROLLY_TEST_RUN={uuid.uuid4().hex}"
        name, value = self.mark.split("=")
        environment = os.environ | (env or {}) | {name: value}
        self.process = subprocess.Popen([sys.executable, str(REPO / "build.py")], cwd=root, env=environment,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        self.output = {"stdout": b"", "stderr": b""}
        self.readers = [threading.Thread(target=self._read, args=(name,), daemon=True) for name in self.output]
        for reader in self.readers:
            reader.start()

    def _read(self, name: str) -> None:
        self.output[name] = getattr(self.process, name).read()

    def wait_for_children(self, timeout: float = 120) -> None:
        """Wait until the chart module has started its children."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len([c for _, c in started_by(self.mark) if c == f"sleep {SLEEP}"]) == 2:
                return
            assert self.process.poll() is None, self.output
            time.sleep(0.1)
        raise AssertionError(f"the chart's children never started: {started_by(self.mark)}")

    def finish(self, timeout: float = 120) -> int:
        """Wait for the build to exit; then its output must end at once and nothing it started
        may be left."""
        code = self.process.wait(timeout)
        exited = time.monotonic()
        for reader in self.readers:
            reader.join(timeout=5)
        assert not any(reader.is_alive() for reader in self.readers), (
            f"the build's output was still open 5 s after it exited: {started_by(self.mark)}")
        left = started_by(self.mark)
        while left and time.monotonic() < exited + 5:
            time.sleep(0.1)
            left = started_by(self.mark)
        assert left == [], "processes the build started are still running 5 s after it exited"
        return code

    def stderr(self) -> str:
        return self.output["stderr"].decode()


@pytest.fixture
def kill_leftovers():
    """Kill what a failing test leaves behind (only processes of the test's own builds)."""
    builds: list[Build] = []
    yield builds.append
    for build in builds:
        for pid, _ in started_by(build.mark):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


@pytest.mark.parametrize("how, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_build_stopped_while_a_chart_loops_leaves_no_process(tmp_path, kill_leftovers, how, code):
    root = project(tmp_path, "    start_children()\n    while True:\n        pass\n")
    build = Build(root)
    kill_leftovers(build)
    build.wait_for_children()

    os.killpg(build.process.pid, how)  # as a terminal's Ctrl+C or a CI runner's cancel does

    assert build.finish(timeout=30) == code
    assert "the output folder was not changed" in build.stderr()
    assert "Traceback" not in build.stderr()


def test_a_build_killed_outright_leaves_no_process(tmp_path, kill_leftovers):
    root = project(tmp_path, "    start_children()\n    while True:\n        pass\n")
    build = Build(root)
    kill_leftovers(build)
    build.wait_for_children()

    os.kill(build.process.pid, signal.SIGKILL)  # no handler runs: the workers notice alone

    assert build.finish(timeout=30) == -signal.SIGKILL


def test_a_chart_stopped_at_the_time_limit_leaves_no_process(tmp_path, kill_leftovers):
    root = project(tmp_path, "    start_children()\n    while True:\n        pass\n")
    build = Build(root, env={"SCROLLY_CHART_TIME_LIMIT": "5"})
    kill_leftovers(build)

    assert build.finish() == 1
    assert build.stderr().splitlines()[0].startswith(
        "charts/dots.py:1: chart() did not finish within 5 seconds and was stopped")


def test_a_build_that_succeeds_leaves_no_process_and_its_output_ends_with_it(tmp_path, kill_leftovers):
    root = project(tmp_path, "    start_children()\n")
    build = Build(root)
    kill_leftovers(build)

    assert build.finish() == 0, build.stderr()
    assert build.output["stdout"].decode().startswith("Built 2 chapters, 1 chart")


def test_a_build_that_fails_leaves_no_process(tmp_path, kill_leftovers):
    root = project(tmp_path, "    start_children()\n    raise ValueError('no good')\n")
    build = Build(root)
    kill_leftovers(build)

    assert build.finish() == 1
    assert "chart() raised ValueError: no good" in build.stderr()


def test_what_a_chart_module_prints_reaches_the_builds_stderr(tmp_path):
    root = project(tmp_path, "    print('hello from the chart')\n")
    build = Build(root)

    assert build.finish() == 0, build.stderr()
    assert "hello from the chart" in build.stderr()
    assert "hello" not in build.output["stdout"].decode()


def site_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("after", [0.05, 0.4, 0.9, 1.6, 2.5])
def test_a_build_killed_at_any_moment_leaves_the_last_site_and_no_process(tmp_path, kill_leftovers, after):
    """kill -9 of the build process alone, at points from start-up to past its end: the site
    is the previous one or the new one whole, nothing the build started lives on, and the
    next build is clean."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "basic", root, ignore=shutil.ignore_patterns(".scrolly-cache", "dist"))
    first = Build(root)
    kill_leftovers(first)
    assert first.finish() == 0, first.stderr()
    before = site_files(root / "dist")
    shutil.rmtree(root / ".scrolly-cache")  # the charts compile again: a build long enough to cut
    (root / "content" / "02-more.md").write_text("---\ntitle: Changed\n---\nNew text.\n")

    build = Build(root)
    kill_leftovers(build)
    time.sleep(after)
    build.process.kill()  # the build only: its workers must notice by themselves

    build.finish(timeout=30)
    killed = site_files(root / "dist")
    again = Build(root)
    kill_leftovers(again)
    assert again.finish() == 0, again.stderr()
    assert "New text." in (root / "dist" / "index.html").read_text()
    assert killed in (before, site_files(root / "dist"))  # the old site or the new one, never a mix
    assert [p.name for p in root.iterdir() if ".building-" in p.name] == []
