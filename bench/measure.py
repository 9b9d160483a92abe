"""Measuring whole processes: wall time (wait4), peak memory and CPU time of a process tree.

Used by bench/run.py; nothing here knows about scrolly.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MKDOCS_VENV = REPO / "bench" / ".venv-mkdocs"
LONG_RUN = 20.0  # seconds: a case whose first run takes longer is run only once


@dataclass(frozen=True)
class Run:
    seconds: float
    memory_mb: float  # peak proportional set size of the whole process tree, sampled
    largest_mb: float  # ru_maxrss: the largest single process of the tree
    cpu_seconds: float = 0.0  # user + system time of the whole tree, sampled
    busiest_cpu_seconds: float = 0.0  # the same for its busiest single process
    output: str = ""


@dataclass
class Case:
    """One measured case: the median of its runs."""

    label: str
    size: int
    tool: str
    runs: list[Run] = field(default_factory=list)
    error: str = ""  # why the case could not be measured (the build failed)

    @property
    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def memory_mb(self) -> float:
        return statistics.median(run.memory_mb for run in self.runs)

    @property
    def largest_mb(self) -> float:
        return statistics.median(run.largest_mb for run in self.runs)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(run.cpu_seconds for run in self.runs)

    @property
    def busiest_cpu_seconds(self) -> float:
        return statistics.median(run.busiest_cpu_seconds for run in self.runs)


def measure(
    command: list[str], cwd: Path = REPO, env: dict | None = None, sample: bool = True
) -> Run:
    """Run a command to its end; its wall time, peak memory and CPU time, or RuntimeError with its output.

    Without `sample`, memory and CPU time come from the process alone (ru_maxrss): reading
    the whole tree's memory every 50 ms takes a share of a core the build would use.
    """
    log = tempfile.TemporaryFile()
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=os.environ | (env or {})
    )
    peak, cpu_ticks, done = 0, {}, threading.Event()

    def sample_memory():
        nonlocal peak
        while not done.wait(0.05):
            pss, ticks = _sample_tree(process.pid)
            peak = max(peak, pss)
            for child, used in ticks.items():
                cpu_ticks[child] = max(used, cpu_ticks.get(child, 0))

    sampler = threading.Thread(target=sample_memory if sample else lambda: None, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(
        process.pid, 0
    )  # returns the moment the build ends: the sampler's pauses do not count
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    log.seek(0)
    output = log.read().decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, command))} failed ({process.returncode}):\n{output[-3000:]}"
        )
    cpu_ticks[process.pid] = max(
        cpu_ticks.get(process.pid, 0), (usage.ru_utime + usage.ru_stime) * CLOCK_TICKS
    )
    largest = usage.ru_maxrss / 1024
    memory = max(
        peak / 1024, largest
    )  # a process that ends between two samples is seen by ru_maxrss only
    return Run(
        seconds,
        memory,
        largest,
        sum(cpu_ticks.values()) / CLOCK_TICKS,
        max(cpu_ticks.values()) / CLOCK_TICKS,
        output,
    )


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _sample_tree(root: int) -> tuple[int, dict[int, int]]:
    """Proportional set size (kB, shared pages counted once) of a process and its descendants, and each one's CPU ticks."""
    parents, ticks = {}, {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
                ticks[int(entry.name)] = int(fields[11]) + int(fields[12])
            except (OSError, IndexError, ValueError):
                pass
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier += children
    total = 0
    for pid in tree:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            total += int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1))
        except (OSError, AttributeError):
            pass
    return total, {pid: ticks[pid] for pid in tree if pid in ticks}


def repeat(case: Case, runs: int, once, before=None) -> Case:
    """Run `once` up to `runs` times (once only when the first run is long); `before` resets state.

    A run that fails ends the case: its error is kept for the report and the suite goes on.
    """
    for index in range(runs):
        if before:
            before()
        try:
            case.runs.append(once())
        except RuntimeError as err:
            case.error = next(
                (line for line in str(err).splitlines()[1:] if line.strip()), str(err)
            )
            break
        if index == 0 and case.runs[0].seconds > LONG_RUN:
            break
    return case


def user_cache() -> Path:
    """The user cache every build of the benchmark uses (main() points XDG_CACHE_HOME into the work folder)."""
    return Path(os.environ["XDG_CACHE_HOME"])


def machine() -> dict[str, str]:
    cpu = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
    memory = re.search(r"^MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text(), re.M)
    packages = ", ".join(
        f"{name} {_version(name)}"
        for name in ("altair", "vl-convert-python", "jinja2", "markdown-it-py", "mdit-py-plugins")
    )
    return {
        "CPU": cpu.group(1) if cpu else platform.processor(),
        "cores (nproc)": str(os.cpu_count()),
        "memory": f"{int(memory.group(1)) / 1024**2:.1f} GiB" if memory else "?",
        "system": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "packages": packages,
        "mkdocs": mkdocs_version() or "not installed",
        "Hugo": _hugo_version() or "not installed",
    }


def _version(name: str) -> str:
    try:
        return version(name)
    except Exception:
        return "?"


def mkdocs_version() -> str | None:
    mkdocs = MKDOCS_VENV / "bin" / "mkdocs"
    if not mkdocs.exists():
        return None
    result = subprocess.run([str(mkdocs), "--version"], capture_output=True, text=True)
    found = re.search(r"version (\S+)", result.stdout)
    return found.group(1) if found else None


def _hugo_version() -> str | None:
    hugo = shutil.which("hugo")
    if not hugo:
        return None
    found = re.search(
        r"v(\d+\.\d+\.\d+)",
        subprocess.run([hugo, "version"], capture_output=True, text=True).stdout,
    )
    return found.group(1) if found else None
