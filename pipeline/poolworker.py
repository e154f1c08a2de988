"""One worker process of the batch's pool (pipeline.pool): runs the tasks it is sent.

The worker talks to its parent over two pipes of its own, one task and one result at a
time, in length-prefixed pickles. No queue, lock or semaphore is shared with another
process, so a worker killed at any moment can corrupt nothing but its own pipes, which
the parent then closes (with ProcessPoolExecutor, a worker killed mid-task could leave the
whole pool waiting for ever).

The worker is bound to the run that started it (Linux):

- ``PR_SET_PDEATHSIG=SIGTERM``, and it checks its parent is still the run (a run killed
  while the worker started would otherwise leave it to init);
- it leads its own process group, so its SIGTERM handler takes any child it started with it;
- its temporary files (Tesseract's, or a library's) go in a private folder inside the
  run's temp folder; the SIGTERM handler removes both when it is the last one out;
- the end of its task pipe (the parent gone, or done with it) ends it too.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import signal
import struct
import sys
import tempfile
from typing import Any

from pipeline.deathsig import set_death_signal
from pipeline.io import RENAMING

#: Frame header: the payload's length, 8 bytes big-endian.
_HEADER = struct.Struct(">Q")

#: Environment variable naming the run's pid in each of its workers (and their children):
#: what tells, after the run is gone, which processes were its.
RUN_ENV = "VNOCR_POOL_RUN"

_TEMP: str | None = None  # this worker's private temp folder
_RUN_TEMP: str | None = None  # the run's temp folder (removed by the last one out)


def temp_prefix(pid: int) -> str:
    """How the private temp folder of worker ``pid`` is named in the run's temp folder:
    the pool removes a dead worker's folder by it."""
    return f"worker-{pid}-"


def send(fd: int, payload: bytes) -> None:
    """Write one frame (blocking until all of it is in the pipe)."""
    view = memoryview(_HEADER.pack(len(payload)) + payload)
    while view:
        view = view[os.write(fd, view) :]


def receive(fd: int) -> bytes | None:
    """Read one frame; None at the end of the pipe (the other side is gone)."""
    header = _read_exactly(fd, _HEADER.size)
    if header is None:
        return None
    body = _read_exactly(fd, _HEADER.unpack(header)[0])
    return body


def _read_exactly(fd: int, n: int) -> bytes | None:
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def remove_temps(worker_temp: str | None, run_temp: str | None) -> None:
    """A worker's temp folder, and the run's once it is empty (the last worker out)."""
    if worker_temp:
        shutil.rmtree(worker_temp, ignore_errors=True)
    if run_temp:
        with contextlib.suppress(OSError):
            os.rmdir(run_temp)


def _die(signum: int = signal.SIGTERM, frame: object = None) -> None:
    """Remove the temp folders, then kill this process group (the worker and its children)."""
    # never between two renames of one output set (a bounded wait: a handler that ran
    # inside the renaming would otherwise wait for itself)
    RENAMING.acquire(timeout=10)
    remove_temps(_TEMP, _RUN_TEMP)
    with contextlib.suppress(OSError):
        os.killpg(os.getpgrp(), signal.SIGKILL)
    os._exit(128 + signum)


def _setup(parent: int, run_temp: str) -> None:
    """One thread, Ctrl-C left to the parent, bound to the parent (module docstring)."""
    global _TEMP, _RUN_TEMP
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _RUN_TEMP = run_temp
    _TEMP = tempfile.mkdtemp(prefix=temp_prefix(os.getpid()), dir=run_temp)
    tempfile.tempdir = _TEMP
    os.environ["TMPDIR"] = _TEMP
    signal.signal(signal.SIGTERM, _die)
    set_death_signal(signal.SIGTERM)
    if os.getppid() != parent:  # the run died while this worker started
        _die()
    from pipeline.preprocess import single_thread

    single_thread()


def _reply(ok: bool, value: Any) -> bytes:
    """The pickled result; an exception that cannot be pickled travels as its text."""
    try:
        return pickle.dumps((ok, value), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as e:  # noqa: BLE001 - whatever pickling raises, the parent is told
        what = f"{type(value).__name__}: {value}" if not ok else "the result"
        return pickle.dumps((False, RuntimeError(f"{what} (cannot be sent back: {e})")))


def serve(tasks: int, results: int) -> None:
    """Run tasks until the task pipe ends."""
    while (frame := receive(tasks)) is not None:
        try:
            fn, args = pickle.loads(frame)
            reply = _reply(True, fn(*args))
        except BaseException as e:  # noqa: BLE001 - every failure goes back to the parent
            reply = _reply(False, e)
        send(results, reply)


def main(parent: str, tasks: str, results: str, run_temp: str) -> None:
    """Entry point (see pipeline.pool.WorkerPool._spawn)."""
    _setup(int(parent), run_temp)
    with contextlib.suppress(OSError):  # the parent went away mid-frame
        serve(int(tasks), int(results))
    remove_temps(_TEMP, _RUN_TEMP)
    sys.exit(0)
