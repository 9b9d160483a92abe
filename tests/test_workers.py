"""The worker processes charts compile in: a worker that has grown too big is replaced."""

from __future__ import annotations

import os

import pytest

from scrolly.workers import WorkerGone, Workers


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
