"""What a batch keeps in ``OUT/.vnocr/``: the record of finished documents and the lock.

``state.jsonl`` gets one line per finished document (its name, input hash + settings
fingerprint, and the output stem it was written under). A line cut by ``kill -9`` is
skipped on reading and never glued to the next record: a record always starts on a fresh
line. ``lock`` is held (``fcntl.flock``) for the whole run, so two runs into one OUTDIR
do not do the work twice or write the same files at once; the holder's pid is in it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import time
from pathlib import Path

from pipeline.errors import OutputError, output_error

STATE_DIR = ".vnocr"
STATE_FILE = "state.jsonl"
LOCK_FILE = "lock"


class State:
    """``OUT/.vnocr/state.jsonl``: which documents are finished, under which key and stem."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / STATE_DIR / STATE_FILE
        self.done: dict[str, str] = {}
        self.stems: dict[str, str] = {}  # name -> output stem relative to OUT (POSIX)
        self._torn = False
        try:
            data = self.path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return  # nothing recorded (a non-folder OUTDIR is refused when it is locked)
        except OSError as e:
            raise OutputError(f"{self.path}: cannot read progress ({e.strerror or e})") from e
        self._torn = bool(data) and not data.endswith(b"\n")
        for line in data.decode("utf-8", errors="replace").splitlines():
            with contextlib.suppress(ValueError, KeyError, TypeError, AttributeError):
                entry = json.loads(line)  # a line cut by kill -9 is skipped
                name, key = entry["name"], entry["key"]
                if isinstance(name, str) and isinstance(key, str):
                    self.done[name] = key
                    stem = entry.get("stem")
                    if isinstance(stem, str) and stem:
                        self.stems[name] = stem

    def record(self, name: str, key: str, stem: str) -> None:
        """Append a finished document's line, on disk (fsync) before returning."""
        self.done[name] = key
        self.stems[name] = stem
        line = json.dumps({"name": name, "key": key, "stem": stem}, ensure_ascii=False)
        data = ("\n" if self._torn else "") + line + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8", errors="backslashreplace") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        except OSError as e:
            raise output_error(f"{self.path}: cannot record progress", e) from e
        self._torn = False


class OutdirLocked(OutputError):
    """Another vnocr run holds the lock on this OUTDIR."""


class OutdirLock:
    """An exclusive ``flock`` on ``OUT/.vnocr/lock`` for the length of a run.

    Taking it also proves OUTDIR is writable before any OCR starts. ``wait=False`` fails
    at once naming the holder (pid, host, start time); the lock dies with its process,
    so a run killed with ``kill -9`` never leaves OUTDIR locked.
    """

    def __init__(self, out_dir: Path, *, wait: bool = False) -> None:
        self.path = out_dir / STATE_DIR / LOCK_FILE
        self.wait = wait
        self._fd: int | None = None
        self._made: list[Path] = []  # folders this lock created, deepest first

    def __enter__(self) -> OutdirLock:
        # a run that fails before any work (a corrupt model) leaves OUTDIR as it found
        # it: what the lock created is removed on an error while nothing else is in it
        self._made = [d for d in (self.path.parent, *self.path.parent.parents) if not d.exists()]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as e:
            where = self.path.parent.parent
            raise OutputError(f"{where}: output folder not writable ({e.strerror or e})") from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB))
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", errors="replace").strip()
            os.close(fd)
            raise OutdirLocked(
                f"{self.path.parent.parent}: another vnocr run is writing here "
                f"({holder or 'holder unknown'}); wait for it to finish or use another -o"
            ) from None
        os.ftruncate(fd, 0)
        started = time.strftime("%Y-%m-%d %H:%M:%S")
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {started}\n".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
                if (
                    exc_type is not None
                    and self._made
                    and os.listdir(self.path.parent) == [LOCK_FILE]
                ):
                    self.path.unlink()  # unlinked while still held
                    for folder in self._made:
                        folder.rmdir()  # an OSError (something was written) stops here
            os.close(self._fd)  # closing releases the flock
            self._fd = None
