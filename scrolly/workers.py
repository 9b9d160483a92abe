"""Worker processes for chart work: started as work needs them, one task at a time each.

Charts compile in other processes because Altair and vl-convert hold Python's lock. The
workers come from a fork server that has imported the heavy modules once: forking the
build process itself could copy vl-convert's runtime threads half-way.

A task may ask for the worker that ran an earlier one (`on=`): the states of a chart
are drawn where it was compiled, which still holds it and has its JavaScript engine
warm. A task that runs past its time limit has its worker killed; the others go on.
A worker that has grown past `retire_above` bytes (a chart with 100,000 rows leaves
hundreds of MB in vl-convert's JavaScript heap, which never shrinks) exits after
sending its result, and a fresh one takes the next task.

Nothing a worker starts outlives the build, and no worker holds the build's output open;
a worker's memory is capped while it runs (see processes.py).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
import traceback
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from .processes import die_with_build, how_it_ended, kill_group, limit_memory, start_fork_server


class TimeLimitExceeded(Exception):
    """The task ran past its time limit; its worker was stopped."""


class WorkerGone(Exception):
    """The task's worker stopped before it finished, or the worker it asked for is no longer
    running.
    """


class WorkerFailed(Exception):
    """The task raised in its worker (a bug, not a problem in the project); the message holds its
    traceback.
    """


@dataclass(eq=False)
class Task:
    function: object
    args: tuple
    on: int | None  # the worker it must run on, or None for any
    limit: float | None  # seconds it may run
    future: Future = field(default_factory=Future)
    worker: int | None = None  # the worker that runs it, once it has started

    def result(self):
        """Wait for the task's return value; raises TimeLimitExceeded, WorkerGone or WorkerFailed."""
        return self.future.result()


@dataclass(eq=False)
class _Worker:
    number: int
    process: multiprocessing.Process
    connection: Connection
    task: Task | None = None
    started: float = 0.0


class Workers:
    """Up to `size` worker processes fed by one thread, so that callers never wait for them to
    start.
    """

    def __init__(
        self,
        size: int,
        preload: list[str],
        retire_above: int | None = None,
        setup=None,
        memory_limit: int | None = None,
    ):
        self.size = size
        self.retire_above = retire_above
        self.setup = setup
        self.memory_limit = memory_limit
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(preload)
        start_fork_server()
        # never written: the workers read it to learn that this process is gone (EOF)
        self.lifeline, self.lifeline_end = self.context.Pipe(duplex=False)
        self.queue: list[Task] = []
        self.unfinished: list[Task] = []  # submitted and not done yet
        self.workers: list[_Worker] = []  # changed by the feeding thread only
        self.numbers = iter(range(1 << 62))
        self.lock = threading.Lock()  # guards the queue
        self.wake_reader, self.waker = self.context.Pipe(duplex=False)
        self.stopped = False
        threading.Thread(target=self._feed, name="scrolly-workers", daemon=True).start()

    def submit(self, function, *args, on: int | None = None, limit: float | None = None) -> Task:
        """Queue function(*args) for a worker (for worker number `on`, if given)."""
        task = Task(function, args, on, limit)
        with self.lock:
            self.unfinished.append(task)
            self.queue.append(task)
        self.waker.send_bytes(b"")
        return task

    def idle(self) -> bool:
        """Whether every task submitted so far has finished (a task being handed to a worker
        that is still starting is neither queued nor on a worker: its future tells)."""
        with self.lock:
            self.unfinished = [task for task in self.unfinished if not task.future.done()]
            return not self.unfinished

    def running(self, number: int) -> bool:
        """Whether worker `number` is still there to take a task `on=` it."""
        return any(worker.number == number for worker in self.workers)

    def stop(self) -> None:
        self.stopped = True
        for worker in list(self.workers):
            kill_group(worker.process)
        self.waker.send_bytes(b"")

    def _feed(self) -> None:
        while not self.stopped:
            self._dispatch()
            busy = [worker for worker in self.workers if worker.task]
            deadlines = [
                worker.started + worker.task.limit
                for worker in busy
                if worker.task.limit is not None
            ]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            for connection in wait(
                [self.wake_reader, *(worker.connection for worker in busy)], timeout
            ):
                if connection is self.wake_reader:
                    self.wake_reader.recv_bytes()
                else:
                    self._receive(
                        next(worker for worker in busy if worker.connection is connection)
                    )
            for worker in busy:
                if (
                    worker.task
                    and worker.task.limit is not None
                    and time.monotonic() > worker.started + worker.task.limit
                ):
                    self._remove(worker, TimeLimitExceeded())

    def _dispatch(self) -> None:
        """Hand queued tasks to idle workers, starting new ones while there are fewer than `size`."""
        while True:
            with self.lock:
                chosen = self._choose()
                if chosen is None:
                    return
                task, worker = chosen
                self.queue.remove(task)
            worker = worker or self._start()
            task.worker, worker.task, worker.started = worker.number, task, time.monotonic()
            try:
                worker.connection.send((task.function, task.args))
            except OSError:  # it died while idle
                self._remove(worker, WorkerGone(how_it_ended(worker.process)))

    def _choose(self) -> tuple[Task, _Worker | None] | None:
        """The next task to start and its worker (None: a new one), or None if nothing can start
        now.
        """
        idle = [worker for worker in self.workers if not worker.task]
        for task in list(self.queue):
            if task.on is None:
                continue
            worker = next((w for w in self.workers if w.number == task.on), None)
            if worker is None:
                self.queue.remove(task)
                task.future.set_exception(WorkerGone())
            elif worker in idle:
                return task, worker
        untargeted = [task for task in self.queue if task.on is None]
        if not untargeted or (not idle and len(self.workers) >= self.size):
            return None
        return untargeted[0], idle[0] if idle else None

    def _start(self) -> _Worker:
        ours, theirs = self.context.Pipe()
        process = self.context.Process(
            target=_serve,
            args=(theirs, self.retire_above, self.setup, self.lifeline, self.memory_limit),
            daemon=True,
            name="scrolly-worker",
        )
        process.start()
        theirs.close()
        worker = _Worker(next(self.numbers), process, ours)
        self.workers.append(worker)
        return worker

    def _receive(self, worker: _Worker) -> None:
        try:
            ok, value, retiring = worker.connection.recv()
        except (EOFError, OSError):
            self._remove(worker, WorkerGone(how_it_ended(worker.process)))
            return
        task, worker.task = worker.task, None
        if retiring:
            self._remove(worker, None)
        if ok:
            task.future.set_result(value)
        else:
            task.future.set_exception(WorkerFailed(value))

    def _remove(self, worker: _Worker, error: Exception | None) -> None:
        kill_group(worker.process)
        worker.connection.close()
        self.workers.remove(worker)
        if worker.task and error:
            worker.task.future.set_exception(error)


def _serve(
    connection: Connection,
    retire_above: int | None,
    setup,
    lifeline: Connection,
    memory_limit: int | None,
) -> None:
    """A worker's life: run each task it is sent and send back its result, until the build
    process goes or the worker has grown too big.

    With `setup`, its result is what the worker keeps between tasks: every task gets it
    as its first argument.
    """
    os.setsid()  # its own process group, killed whole; no terminal: no job-control stops
    threading.Thread(target=die_with_build, args=(lifeline,), daemon=True).start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the build process
    if memory_limit is not None:
        limit_memory(memory_limit)
    kept = (setup(),) if setup else ()
    while True:
        try:
            function, args = connection.recv()
        except (EOFError, OSError):
            return
        try:
            ok, value = True, function(*kept, *args)
        except BaseException:
            ok, value = False, traceback.format_exc()
        retiring = retire_above is not None and _peak_memory() > retire_above
        connection.send((ok, value, retiring))
        if retiring:
            return


def _peak_memory() -> int:
    """The most memory this process has held at once, in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024
