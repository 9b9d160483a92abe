"""The worker processes charts compile in: a worker that has grown too big is replaced."""

from __future__ import annotations

import os
import time

import pytest

from scrolly.workers import WorkerFailed, WorkerGone, Workers


def test_a_worker_past_its_memory_limit_is_replaced_after_its_task():
    pool = Workers(1, [], retire_above=1)  # every worker has held more than one byte
    try:
        first = pool.submit(os.getpid)
        first_pid = first.result()
        assert not pool.running(first.worker)
        with pytest.raises(WorkerGone):
            pool.submit(os.getpid, on=first.worker).result()
        second = pool.submit(os.getpid)
        assert second.result() != first_pid
    finally:
        pool.stop()


def test_a_worker_within_its_memory_limit_takes_the_next_task():
    pool = Workers(1, [], retire_above=None)
    try:
        first = pool.submit(os.getpid)
        pid = first.result()
        assert pool.running(first.worker)
        assert pool.submit(os.getpid, on=first.worker).result() == pid
    finally:
        pool.stop()


def test_workers_use_the_scrolly_that_runs_the_build_not_another_copy(project, tmp_path):
    """Another package named scrolly where the fork server looks first (the current folder
    here; an installed one elsewhere) must not replace the engine in the chart workers."""
    import subprocess
    import sys

    from conftest import REPO

    root = project("basic")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "scrolly" / "charts").mkdir(parents=True)
    (elsewhere / "scrolly" / "__init__.py").write_text("")
    (elsewhere / "scrolly" / "charts" / "__init__.py").write_text("# not scrolly's\n")
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--site", str(root)],
        cwd=elsewhere, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (root / "dist" / "charts" / "dots.svg").is_file()


def test_a_worker_that_ends_itself_is_reported_with_its_exit_code():
    pool = Workers(1, [])
    try:
        with pytest.raises(WorkerGone, match="^exit code 3$"):
            pool.submit(os._exit, 3).result()
        assert pool.submit(os.getpid).result() != os.getpid()  # a fresh worker takes the next task
    finally:
        pool.stop()


def alive(pid: int) -> bool:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_stopping_the_workers_kills_what_their_tasks_started():
    pool = Workers(1, [])
    child = pool.submit(os.posix_spawnp, "sleep", ["sleep", "302"], {}).result()
    assert alive(child)

    pool.stop()

    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)


def test_a_worker_runs_with_its_data_capped_and_a_bigger_allocation_fails():
    pool = Workers(1, [], memory_limit=512 * 2**20)
    try:
        with pytest.raises(WorkerFailed, match="MemoryError"):
            pool.submit(bytes, 2**30).result()
        assert len(pool.submit(bytes, 2**20).result()) == 2**20
    finally:
        pool.stop()
