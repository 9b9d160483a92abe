"""Work shared with a helper process on a core the build leaves spare.

Reading many chapters is Markdown parsing, one chapter at a time, and holds Python's
lock: `map_with_spare_core` forks a helper that takes items from the end of the list
while this process takes them from the start. The build asks for it only when no chart
is being compiled (a chart's worker has the other core then). This process never waits
for the helper: when its own turn reaches an item the helper has sent, it is done, and
whatever the helper has not sent is done here. The results are the same values (the
helper is a fork of this process, with the same code and data), in the same order.
"""

from __future__ import annotations

import contextlib
import gc
import mmap
import os
import pickle
import signal
import struct
import sys
import warnings

WORTH_IT = 128 * 1024  # characters of input below which a helper costs more than it saves
_FRAME = struct.Struct("<qq")  # (index, length of the pickled result) before each result


def map_with_spare_core(function, items: list, size: int) -> list:
    """[function(item) for item in items], with a helper process where that can help.

    `size` is the work's size (say the characters to parse): small work is done here
    alone. `function` must not write to the terminal or files (the helper's results are
    sent back; nothing else it does is kept). An exception `function` raises is raised
    here, as without a helper: the helper stops at it and this process does that item.
    """
    if size < WORTH_IT or len(items) < 2 or not _spare_core_possible():
        return [function(item) for item in items]
    front = mmap.mmap(-1, 8)  # shared: the first index this process has not taken yet
    reader, writer = os.pipe()
    try:
        with warnings.catch_warnings():  # Python 3.12+ warns of forking with threads
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return [function(item) for item in items]
    if pid == 0:
        os.close(reader)
        _helper(function, items, front, writer)  # never returns
    os.close(writer)
    try:
        return _ours(function, items, front, reader)
    finally:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)  # done or not, nothing more is wanted from it
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)
        os.close(reader)
        front.close()


def _spare_core_possible() -> bool:
    """Whether a core is likely to be free: more than one, and the machine's load (the
    last minute's average of processes running or waiting to) leaves one idle. On a busy
    machine a helper only adds its own costs (each process copies the memory pages it
    touches after the fork): the same work, done alone, is cheaper.

    Forking a process that has threads is safe on Linux for pure Python work like this;
    elsewhere (macOS's system libraries) it is not.
    """
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    try:
        cores = len(os.sched_getaffinity(0))
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return False
    return cores > 1 and load <= cores - 1


def _ours(function, items: list, front: mmap.mmap, reader: int) -> list:
    results: dict[int, object] = {}
    received = _Received(reader)
    low = len(items)  # the helper has sent every item from `low` on
    index = 0
    while True:
        low = min(low, received.drain(results))
        if index >= low:
            break
        front[:8] = struct.pack("<q", index + 1)
        results[index] = function(items[index])
        index += 1
    return [results[i] for i in range(len(items))]


class _Received:
    """What the helper has sent so far, read without waiting."""

    def __init__(self, reader: int):
        self.reader = reader
        os.set_blocking(reader, False)
        self.buffer = bytearray()
        self.closed = False
        self.lowest = sys.maxsize

    def drain(self, results: dict) -> int:
        """Add the complete results read so far; return the lowest index sent (the helper
        sends them from the last down; sys.maxsize before the first)."""
        while not self.closed:
            try:
                data = os.read(self.reader, 1 << 20)
            except BlockingIOError:
                break
            except OSError:
                data = b""
            if not data:
                self.closed = True
            self.buffer += data
        while len(self.buffer) >= _FRAME.size:
            index, length = _FRAME.unpack_from(self.buffer)
            if len(self.buffer) < _FRAME.size + length:
                break
            start = _FRAME.size
            try:
                value = pickle.loads(self.buffer[start : start + length])
            except Exception:  # not expected: take nothing more from the helper
                self.closed, self.buffer = True, bytearray()
                break
            del self.buffer[: start + length]
            results.setdefault(index, value)  # ours, if both did it
            self.lowest = min(self.lowest, index)
        return self.lowest


def _helper(function, items: list, front: mmap.mmap, writer: int) -> None:
    """The helper's life: items from the last one down, until this process's turn has
    caught up; each result sent as it is made. Ends with os._exit, never returning."""
    status = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the build process
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        gc.disable()  # short-lived: no collection (nor an inherited object's finaliser)
        for index in range(len(items) - 1, -1, -1):
            if index < struct.unpack("<q", front[:8])[0]:
                break  # this process has taken it
            data = pickle.dumps(function(items[index]), protocol=pickle.HIGHEST_PROTOCOL)
            frame = _FRAME.pack(index, len(data)) + data
            view = memoryview(frame)
            while view:
                view = view[os.write(writer, view) :]
    except BaseException:  # an item it cannot do (this process does it), or a closed pipe
        status = 1
    finally:
        os._exit(status)
