"""The worker pool's warm-up (pipeline.pool): every worker started at once and warmed up
before its first task, the warm-up's answer never taken for a task's, a failing warm-up
harmless. Real worker processes; the functions below are imported by them."""

from __future__ import annotations

import os
import threading
import time

import pytest

from pipeline.pool import WorkerPool

_WARMED: list[int] = []  # in a worker: its pid once the warm-up ran


def warm_up(fail: bool) -> str:
    """A warm-up: marks the worker warm (or raises before it does, when ``fail``)."""
    if fail:
        raise RuntimeError("warm-up failed")
    _WARMED.append(os.getpid())
    return "the warm-up's answer, never a task's"


def task(n: int) -> tuple[int, int, bool]:
    """The argument back, the worker's pid, and whether its warm-up had run."""
    return n, os.getpid(), os.getpid() in _WARMED


def _wait_for_workers(pool: WorkerPool, n: int) -> list[int]:
    deadline = time.monotonic() + 60  # a bound on a hang, not a timing assertion
    while len(pids := pool.worker_pids()) < n:
        assert time.monotonic() < deadline, f"only {len(pids)} of {n} workers started"
        time.sleep(0.05)
    return pids


def test_warm_pool_starts_every_worker_before_any_task() -> None:
    pool = WorkerPool(2, warm=(warm_up, (False,)))
    try:
        pids = _wait_for_workers(pool, 2)
        results = [f.result(timeout=120) for f in [pool.submit(task, i) for i in range(12)]]
    finally:
        pool.shutdown()
    assert [r[0] for r in results] == list(range(12))  # no warm-up answer in their place
    assert all(warmed for _, _, warmed in results)  # each task ran after its warm-up
    assert {pid for _, pid, _ in results} <= set(pids)  # the workers started up front


def test_a_pool_without_warm_up_starts_workers_as_tasks_come() -> None:
    pool = WorkerPool(2)
    try:
        time.sleep(0.5)
        assert pool.worker_pids() == []
        assert pool.submit(task, 7).result(timeout=120) == (7, pool.worker_pids()[0], False)
    finally:
        pool.shutdown()


def test_a_failing_warm_up_leaves_the_tasks_their_own_answers() -> None:
    pool = WorkerPool(2, warm=(warm_up, (True,)))
    try:
        results = [f.result(timeout=120) for f in [pool.submit(task, i) for i in range(6)]]
    finally:
        pool.shutdown()
    assert [(n, warmed) for n, _, warmed in results] == [(i, False) for i in range(6)]


def test_shutdown_ends_workers_still_warming_up() -> None:
    """A run with nothing to do does not wait for warm-ups nobody needs."""
    pool = WorkerPool(2, warm=(time.sleep, (600,)))
    pids = _wait_for_workers(pool, 2)
    closing = threading.Thread(target=pool.shutdown, daemon=True)
    closing.start()
    closing.join(120)  # a bound on a hang (the warm-ups sleep 600 s), not a timing assertion
    assert not closing.is_alive(), "shutdown waited for warm-ups nobody needs"
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_one_job_runs_opencv_on_one_thread_as_pool_workers_do() -> None:
    import cv2

    from pipeline.batch import InlineExecutor, make_executor

    threads = cv2.getNumThreads()
    try:
        cv2.setNumThreads(max(2, threads))
        assert isinstance(make_executor(1), InlineExecutor)
        assert cv2.getNumThreads() == 1
    finally:
        cv2.setNumThreads(threads)
