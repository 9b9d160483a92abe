"""The benchmark suite runs end to end at its smallest sizes and writes its report.

Only that it runs is tested: no timing is ever a pass/fail condition.
"""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_quick_benchmark_writes_its_report_and_plot(tmp_path):
    report = tmp_path / "RESULTS.md"
    committed = REPO / "bench" / "RESULTS.md"
    committed_before = committed.read_bytes() if committed.exists() else None
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--quick", "--output", str(report)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    text = report.read_text(encoding="utf-8")
    for heading in ("## Machine", "## The shipped story", "## Scaling", "## Chart workers", "## Page weight of the shipped story"):
        assert heading in text
    assert "Before first paint" in text
    chapters_header = next(line for line in text.splitlines() if line.startswith("| size | scrolly | scrolly, nothing changed | scrolly, one chapter edited"))
    assert "mkdocs" in chapters_header or "mkdocs was not measured" in text
    assert "Hugo" in chapters_header or "Hugo was not measured" in text
    assert (tmp_path / "scaling.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert (committed.read_bytes() if committed.exists() else None) == committed_before


def test_reader_benchmark_scrolls_a_built_story_and_counts_its_long_tasks(project, tmp_path):
    root = project("basic")
    assert subprocess.run([sys.executable, str(REPO / "build.py"), "--out", str(tmp_path / "dist")], cwd=root, capture_output=True).returncode == 0
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "reader.py"), str(tmp_path / "dist"), "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [line.split("|")[1].strip() for line in result.stdout.splitlines() if line.startswith("| ") and "viewport" not in line]
    assert rows == ["phone", "desktop"]


def test_reader_benchmark_says_when_there_is_nothing_built(tmp_path):
    result = subprocess.run([sys.executable, str(REPO / "bench" / "reader.py"), str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == f"{tmp_path}: no index.html; build the story first (python build.py)"
