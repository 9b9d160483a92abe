"""Keeping the processes chart work runs in from outliving or outgrowing the build.

Each worker leads its own process group, which is killed whole when the worker is
stopped, and kills itself (with the children a chart module forked) the moment the build
process is gone, however it went: a lifeline pipe whose only writer is the build process
reads EOF. The fork server and the workers never hold the build's stdout or stderr: what
they print goes through a pipe this process copies to its stderr, so a child a module
leaves running cannot keep a reader of the build's output (a CI step) waiting. While it
runs, a worker's data (its private writable memory, RLIMIT_DATA) is capped; address space
is not, as vl-convert's JavaScript engine reserves tens of GB it never touches.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import signal
import sys
import threading
from multiprocessing.connection import Connection

MEMORY_SETTING = "SCROLLY_CHART_MEMORY_LIMIT_MB"


def kill_group(process: multiprocessing.Process) -> None:
    """Kill a worker and everything in its process group (what its tasks started)."""
    with contextlib.suppress(ProcessLookupError, PermissionError, TypeError):
        os.killpg(process.pid, signal.SIGKILL)  # its group: its pid, once it has called setsid
    process.kill()


def how_it_ended(process: multiprocessing.Process) -> str:
    """How a worker that stopped answering ended: 'exit code 3', 'killed by SIGKILL'."""
    process.join(1.0)
    code = process.exitcode
    if code is None:
        return "it stopped answering"
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


def die_with_build(lifeline: Connection) -> None:
    """Wait for the build process to go (its end of the lifeline closes), then kill this
    worker's process group: the worker and any child a chart module started."""
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv_bytes()
    os.killpg(0, signal.SIGKILL)


def limit_memory(limit: int) -> None:
    """Cap this process's data (heap, anonymous memory, thread stacks) at `limit` bytes."""
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    soft = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def memory_limit() -> int | None:
    """This process's data limit in bytes, or None without one (for messages)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_DATA)
    return None if soft == resource.RLIM_INFINITY else soft


_OUTPUT: list[int] = []  # the write end of the pipe the fork server's output goes through
_OUTPUT_LOCK = threading.Lock()


CHART_MODULES = ["altair", "vl_convert"]  # what the fork server imports before it forks


def start_fork_server(preload: list[str] | None = None) -> None:
    """Start multiprocessing's fork server (and its resource tracker) with stdout and stderr
    on a pipe whose content this process copies to its own stderr; `preload` names the
    modules it imports first (else the ones set before).

    Workers are forked from the fork server and inherit its descriptors: started with this
    process's, they, and any child a chart module leaves running, would hold the build's
    stdout open after the build has exited. The descriptors are swapped only for the
    moment the server is started; if it is already running, this does nothing else.
    """
    from multiprocessing import forkserver

    if preload is not None:
        forkserver.set_forkserver_preload(preload)
    with _OUTPUT_LOCK:
        if not _OUTPUT:
            reader, writer = os.pipe()
            try:
                copy_to = os.dup(2)
            except OSError:  # no stderr: the output is drained and dropped
                copy_to = None
            threading.Thread(
                target=_copy, args=(reader, copy_to), daemon=True, name="scrolly-worker-output"
            ).start()
            _OUTPUT.append(writer)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        saved = {}
        try:
            for fd in (1, 2):
                try:
                    saved[fd] = os.dup(fd)
                except OSError:
                    saved[fd] = None  # closed: closed again afterwards
                os.dup2(_OUTPUT[0], fd)
            forkserver.ensure_running()
        finally:
            for fd, copy in saved.items():
                if copy is None:
                    os.close(fd)
                else:
                    os.dup2(copy, fd)
                    os.close(copy)


def _copy(reader: int, target: int | None) -> None:
    """Copy what workers print to this process's stderr; keep reading even when that
    fails, so a worker never blocks on a full pipe."""
    while True:
        try:
            data = os.read(reader, 65536)
        except OSError:
            return
        if not data:
            return
        if target is not None:
            with contextlib.suppress(OSError):
                os.write(target, data)
