"""Faults: a build killed at any moment leaves the old site or the new one, never a mix."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import FIXTURES, REPO, run_build


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_killing_a_build_at_any_moment_leaves_the_old_or_the_new_site(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "basic", root, ignore=shutil.ignore_patterns(".scrolly-cache", "dist"))
    assert run_build(cwd=root).returncode == 0
    old = tree(root / "dist")
    chapter = root / "content" / "02-more.md"
    chapter.write_text(chapter.read_text().replace("A standalone figure:", "A changed figure:"))
    assert run_build("--out", str(tmp_path / "reference"), cwd=root).returncode == 0
    new = tree(tmp_path / "reference")
    assert new != old

    original, changed = chapter.read_text().replace("A changed figure:", "A standalone figure:"), chapter.read_text()
    outcomes = set()
    for delay in (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.7, 1.0):
        chapter.write_text(original)
        assert run_build(cwd=root).returncode == 0 and tree(root / "dist") == old
        chapter.write_text(changed)

        process = subprocess.Popen([sys.executable, str(REPO / "build.py")], cwd=root, start_new_session=True)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

        after = tree(root / "dist")
        assert after in (old, new), f"killed after {delay} s: a mix of two builds"
        outcomes.add("new" if after == new else "old")

    assert run_build(cwd=root).returncode == 0
    assert tree(root / "dist") == new
    assert not [p for p in root.iterdir() if p.name.startswith(".dist.building-")], "the next build cleans up what a killed one left"
