"""The batch's process pool: our own small supervisor, so that nothing outlives the run.

Each worker (pipeline.poolworker) is a fresh ``python`` started by this process, with two
pipes of its own: one task at a time goes down, its result comes back. A supervisor thread
hands tasks to idle workers and reads results. When a worker dies (a crash in Tesseract
or OpenCV, the OOM killer, a signal), the end of its result pipe says so at once: only the
task it was running fails, with :class:`WorkerDiedError` (a BrokenProcessPool), and a new
worker takes the next task. Nothing is shared between workers, so no death can leave the
pool waiting for ever, as ProcessPoolExecutor can after a worker is killed mid-task.

There is no forkserver, resource tracker or ``pymp-*`` folder. The workers hold the
run's stderr, and they die with the run, even after ``kill -9`` (see pipeline.poolworker).
Their temporary files live in one folder per run, ``vnocr-run-PID-*`` under the system
temp folder. The last worker out removes it, and so does ``shutdown``. A later run
removes any such folder whose run is gone.

Workers are started, not forked: a child forked from a parent whose OpenCV or BLAS
thread pools are running can deadlock in them.

A pool given a warm-up (``warm=(fn, args)``) starts all its workers at once, and each runs
the warm-up (imports, model loading) before its first task: every worker is ready when the
first pages are handed out, instead of the second worker starting its ~0.5 s of imports
and loading only when the second task arrives, while the first already reads. The warm-up's
answer is dropped: what it would fail on, the tasks that need it fail on and say.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from pipeline.poolworker import RUN_ENV, receive, send, temp_prefix

#: Prefix of a run's temporary folder (under the system temp folder).
TEMP_PREFIX = "vnocr-run-"

#: Seconds a worker asked to stop (end of its task pipe, or SIGTERM) gets before SIGKILL.
GRACE = 3.0

_BOOT = "import sys, json; sys.path[:] = json.loads(sys.argv[1]); " + (
    "from pipeline.poolworker import main; main(*sys.argv[2:])"
)


class WorkerDiedError(BrokenProcessPool):
    """The worker process running a task died before it answered."""


@dataclass(eq=False)
class _Item:
    future: Future[Any]
    fn: Callable[..., Any]
    args: tuple[Any, ...]


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    tasks: int  # our end of its task pipe
    results: int  # our end of its result pipe
    item: _Item | None = None
    warming: bool = False  # its warm-up's answer has not come back yet


class WorkerPool(Executor):
    """``workers`` processes bound to this one; see the module docstring."""

    def __init__(
        self, workers: int, warm: tuple[Callable[..., Any], tuple[Any, ...]] | None = None
    ) -> None:
        self.workers = max(1, workers)
        # pickled here, so that a warm-up that cannot be sent is the caller's error
        self._warm = pickle.dumps(warm, protocol=pickle.HIGHEST_PROTOCOL) if warm else None
        remove_stale_run_temps()
        self.run_temp = tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-")
        self._queue: deque[_Item] = deque()
        self._workers: dict[int, _Worker] = {}  # by our end of its result pipe
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._closing = False  # shutdown: finish what was given, then end the workers
        self._stopping = False  # stop: end the workers now
        self._broken: str | None = None
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._wake_r, selectors.EVENT_READ)
        # the thread that starts the workers: their PR_SET_PDEATHSIG follows its life
        self._thread = threading.Thread(target=self._run, name="vnocr-pool", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ the caller's side

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if kwargs:
            raise TypeError("WorkerPool.submit takes positional arguments only")
        with self._lock:
            if self._broken:
                raise BrokenProcessPool(self._broken)
            if self._closing or self._stopping:
                raise RuntimeError("cannot submit to a pool that is shut down")
            future: Future[Any] = Future()
            self._queue.append(_Item(future, fn, args))
        self._wake()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closing = True
            if cancel_futures:
                self._cancel_queue()
        self._wake()
        if wait:
            self._thread.join()

    def stop(self) -> None:
        """End every worker now (Ctrl-C, SIGTERM): running tasks fail, queued ones are
        cancelled; returns when the workers are gone."""
        with self._lock:
            self._stopping = True
            self._cancel_queue()
        self._wake()
        self._thread.join(timeout=GRACE + 5)

    def worker_pids(self) -> list[int]:
        """The pids of the worker processes."""
        with self._lock:
            return [w.process.pid for w in self._workers.values()]

    def _cancel_queue(self) -> None:
        while self._queue:
            self._queue.popleft().future.cancel()

    def _wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(self._wake_w, b"x")

    # ------------------------------------------------------------------ the supervisor

    def _run(self) -> None:
        """The supervisor thread. Should its loop break, every task still waiting fails
        with BrokenProcessPool, so that no caller waits for ever. Either way the workers
        are ended and the run's temp folder removed."""
        try:
            self._loop()
        except BaseException as e:  # noqa: BLE001 - the pool breaks; no caller waits for ever
            with self._lock:
                self._broken = f"the worker pool broke: {type(e).__name__}: {e}"
                items = list(self._queue) + [w.item for w in self._workers.values() if w.item]
                self._queue.clear()
            for item in items:
                _set(item.future, exception=BrokenProcessPool(self._broken))
        finally:
            self._end_all()
            shutil.rmtree(self.run_temp, ignore_errors=True)
            self._selector.close()
            for fd in (self._wake_r, self._wake_w):
                with contextlib.suppress(OSError):
                    os.close(fd)

    def _loop(self) -> None:
        """Hand out tasks and read answers until stopped, or until shut down with nothing
        queued or running. Callers wake it through the wake pipe; the 1 s select is a
        backstop only. With a warm-up, every worker is started first (module docstring)."""
        if self._warm is not None:
            for _ in range(self.workers):
                self._spawn()
        while True:
            with self._lock:
                stopping, closing = self._stopping, self._closing
                busy = any(w.item for w in self._workers.values())
                idle_out = closing and not self._queue and not busy
            if stopping or idle_out:
                return
            self._dispatch()
            for key, _ in self._selector.select(timeout=1.0):
                if key.fd == self._wake_r:
                    with contextlib.suppress(BlockingIOError):
                        os.read(self._wake_r, 4096)
                else:
                    self._answer(self._workers[key.fd])

    def _dispatch(self) -> None:
        """Give queued tasks to idle workers, starting workers up to ``workers``."""
        while True:
            with self._lock:
                idle = [w for w in self._workers.values() if w.item is None]
                if not self._queue or (not idle and len(self._workers) >= self.workers):
                    return
                item = self._queue.popleft()
            if not item.future.set_running_or_notify_cancel():
                continue
            try:
                payload = pickle.dumps((item.fn, item.args), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as e:  # noqa: BLE001 - a task that cannot be sent fails alone
                _set(item.future, exception=e)
                continue
            self._hand(item, payload, idle)

    def _hand(self, item: _Item, payload: bytes, idle: list[_Worker]) -> None:
        """Send a task to an idle worker (or a new one). A worker found dead when it is
        sent one died idle, which is not the task's fault: the next worker takes it."""
        for _ in range(3):
            worker = idle.pop(0) if idle else self._spawn()
            worker.item = item
            try:
                send(worker.tasks, payload)
                return
            except OSError:
                worker.item = None
                self._bury(worker)
        _set(item.future, exception=WorkerDiedError("worker processes die as they start"))

    def _answer(self, worker: _Worker) -> None:
        """Read a worker's result, or learn that it died."""
        try:
            frame = receive(worker.results)
        except OSError:
            frame = None
        if frame is not None and worker.warming:  # nobody waits for the warm-up's answer
            worker.warming = False
            return
        item, worker.item = worker.item, None
        if frame is None:  # died: its task fails alone; the next task gets a new worker
            self._bury(worker)
            if item is not None:
                _set(item.future, exception=WorkerDiedError(_death(worker.process)))
            return
        if item is None:
            return
        try:
            ok, value = pickle.loads(frame)
        except Exception as e:  # noqa: BLE001 - e.g. an exception class that will not rebuild
            ok, value = False, RuntimeError(f"a worker's answer could not be read: {e}")
        if ok:
            _set(item.future, result=value)
        else:
            _set(item.future, exception=value)

    def _spawn(self) -> _Worker:
        """Start one worker (a fresh python, not a fork: see the module) with its two
        pipes, marked as this run's by RUN_ENV, and watch its result pipe from the start,
        so that a worker that dies idle is seen too. The warm-up, if any, is its first
        frame; a task sent to it then waits in the pipe behind it."""
        tasks_r, tasks_w = os.pipe()
        results_r, results_w = os.pipe()
        env = {**os.environ, "OMP_THREAD_LIMIT": "1", RUN_ENV: str(os.getpid())}
        argv = [
            sys.executable,
            "-c",
            _BOOT,
            json.dumps(sys.path),
            str(os.getpid()),
            str(tasks_r),
            str(results_w),
            self.run_temp,
        ]
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                pass_fds=(tasks_r, results_w),
                env=env,
                process_group=0,  # its own group: its SIGTERM handler kills its children
            )
        finally:
            os.close(tasks_r)
            os.close(results_w)
        worker = _Worker(process, tasks_w, results_r)
        with self._lock:
            self._workers[results_r] = worker
        self._selector.register(results_r, selectors.EVENT_READ)  # idle deaths are seen too
        if self._warm is not None:
            with contextlib.suppress(OSError):  # dead already: its result pipe will say so
                send(tasks_w, self._warm)
                worker.warming = True
        return worker

    def _bury(self, worker: _Worker) -> None:
        """Reap a dead worker, close its pipes, remove the temp folder it could not."""
        with self._lock:
            self._workers.pop(worker.results, None)
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(worker.results)
        with contextlib.suppress(ChildProcessError):
            worker.process.wait()
        for fd in (worker.tasks, worker.results):
            with contextlib.suppress(OSError):
                os.close(fd)
        pid = worker.process.pid
        for name in _listdir(self.run_temp):
            if name.startswith(temp_prefix(pid)):
                shutil.rmtree(os.path.join(self.run_temp, name), ignore_errors=True)

    def _end_all(self) -> None:
        """End every worker: the end of its task pipe (or SIGTERM when stopping, or when
        it is still warming up for tasks that will not come), then SIGKILL after GRACE;
        running tasks fail."""
        with self._lock:
            workers = list(self._workers.values())
            self._workers.clear()
            stopping = self._stopping
        for worker in workers:
            with contextlib.suppress(OSError):
                os.close(worker.tasks)
            if stopping or worker.item is not None or worker.warming:
                with contextlib.suppress(OSError):
                    os.kill(worker.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + GRACE
        for worker in workers:
            try:
                worker.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(OSError):
                    os.killpg(worker.process.pid, signal.SIGKILL)
                worker.process.wait()
            with contextlib.suppress(OSError):
                os.close(worker.results)
            if worker.item is not None:
                _set(worker.item.future, exception=WorkerDiedError("the pool was stopped"))


def _set(
    future: Future[Any], *, result: Any = None, exception: BaseException | None = None
) -> None:
    """Settle a future once (a cancelled or settled one is left as it is)."""
    with contextlib.suppress(Exception):
        if exception is not None:
            future.set_exception(exception)
        else:
            future.set_result(result)


def _death(process: subprocess.Popen[bytes]) -> str:
    """What a dead worker's exit status says, for the error of the task it was running."""
    code = process.returncode
    if code is not None and code < 0:
        try:
            how = f"killed by {signal.Signals(-code).name}"
        except ValueError:
            how = f"killed by signal {-code}"
    else:
        how = f"exit code {code}"
    return f"a worker process died while running the task ({how})"


def _listdir(path: str) -> list[str]:
    """A folder's names; none when it is gone (a worker or another run removed it)."""
    try:
        return os.listdir(path)
    except OSError:
        return []


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (another user's counts: it is not ours to remove)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_run_temps() -> list[str]:
    """Remove the temp folders of runs that are gone (killed before they could); returns
    their names."""
    root = tempfile.gettempdir()
    removed = []
    for name in _listdir(root):
        if not name.startswith(TEMP_PREFIX):
            continue
        pid = name[len(TEMP_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)
            removed.append(name)
    return removed


__all__ = ["TEMP_PREFIX", "WorkerDiedError", "WorkerPool", "remove_stale_run_temps"]
