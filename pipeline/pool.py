"""The batch's process pool: workers that die with the parent and leave nothing behind.

A ``WorkerPool`` is a forkserver ``ProcessPoolExecutor`` whose processes are bound to
the run that started them (Linux):

- the forkserver gets ``PR_SET_PDEATHSIG=SIGKILL`` (``pipeline._deathsig``, preloaded
  into it), so it dies with the parent, even after ``kill -9``;
- each worker gets ``PR_SET_PDEATHSIG=SIGTERM`` from the forkserver and leads its own
  process group, so its SIGTERM handler can take its Tesseract children with it;
- each worker keeps its temporary files (Tesseract's input and output) in a private
  folder that its SIGTERM handler removes, so a stopped run leaves no temp files.

``stop()`` sends SIGTERM to every worker (Ctrl-C, SIGTERM of the parent); a worker does
not die between two renames of a document's output set (``io.RENAMING``).
``rebuild()`` gives a fresh pool after a worker crashed (BrokenProcessPool).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import tempfile
from concurrent.futures import ProcessPoolExecutor

from pipeline.deathsig import set_death_signal
from pipeline.io import RENAMING
from pipeline.preprocess import single_thread

#: Prefix of a worker's private temporary folder (under the system temp folder).
TEMP_PREFIX = "vnocr-worker-"


_TEMP: str | None = None


def _die(signum: int = signal.SIGTERM, frame: object = None) -> None:
    """Remove this worker's temp folder, then kill its process group (it and Tesseract)."""
    with RENAMING:  # never between two renames of one output set
        if _TEMP:
            shutil.rmtree(_TEMP, ignore_errors=True)
        with contextlib.suppress(OSError):
            os.killpg(os.getpgrp(), signal.SIGKILL)
        os._exit(128 + signum)


def _worker_init(parent: int) -> None:
    """Process-pool workers: one thread each; Ctrl-C is the parent's business; bound to
    the parent's life (see the module docstring)."""
    global _TEMP
    os.environ["OMP_THREAD_LIMIT"] = "1"
    single_thread()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError):
        os.setpgrp()
    _TEMP = tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-")
    tempfile.tempdir = _TEMP
    os.environ["TMPDIR"] = _TEMP
    signal.signal(signal.SIGTERM, _die)
    set_death_signal(signal.SIGTERM)
    if os.getppid() != parent and not _alive(parent):  # the parent died while we started
        _die()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class WorkerPool(ProcessPoolExecutor):
    """A forkserver process pool whose workers are bound to this process (see above)."""

    def __init__(self, workers: int) -> None:
        # forkserver, not fork: a child forked from a parent whose OpenCV or BLAS thread
        # pools are running can deadlock in them (seen with cv2.setNumThreads).
        context = multiprocessing.get_context("forkserver")
        # bound to the run first, then the modules and models every worker needs
        context.set_forkserver_preload(["__main__", "pipeline._deathsig", "pipeline._warm"])
        super().__init__(
            max_workers=workers,
            mp_context=context,
            initializer=_worker_init,
            initargs=(os.getpid(),),
        )
        self.workers = workers

    def worker_pids(self) -> list[int]:
        """The pids of the live worker processes."""
        processes = getattr(self, "_processes", None) or {}
        return [p.pid for p in list(processes.values()) if p.pid and p.is_alive()]

    def lost_worker(self) -> bool:
        """Whether a worker process has died (the pool may not have noticed: a worker killed
        at the wrong moment can leave ProcessPoolExecutor waiting for ever)."""
        processes = getattr(self, "_processes", None) or {}
        return any(p.exitcode is not None for p in list(processes.values()))

    def stop(self) -> None:
        """Stop every worker now (running pages are lost; their documents are not recorded)."""
        pids = self.worker_pids()
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
        self.shutdown(wait=False, cancel_futures=True)
        processes = getattr(self, "_processes", None) or {}
        for process in list(processes.values()):
            process.join(timeout=5)
        for pid in pids:  # a worker killed before its handler ran leaves its folder
            for stale in _worker_temps(pid):
                shutil.rmtree(stale, ignore_errors=True)

    def rebuild(self) -> WorkerPool:
        """A new pool of the same size after this one broke (a worker died)."""
        pids = self.worker_pids()
        self.shutdown(wait=False, cancel_futures=True)
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
        return WorkerPool(self.workers)


def _worker_temps(pid: int) -> list[str]:
    root = tempfile.gettempdir()
    prefix = f"{TEMP_PREFIX}{pid}-"
    with contextlib.suppress(OSError):
        return [os.path.join(root, n) for n in os.listdir(root) if n.startswith(prefix)]
    return []
