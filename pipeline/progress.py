"""Progress reporting for batch runs: a bar on a terminal, log lines otherwise, or nothing.

Only the parent process reports progress; workers just return results. The library default
is :class:`NullProgress`; the CLI picks the others.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Protocol, TextIO

log = logging.getLogger(__name__)


class Progress(Protocol):
    """What the batch runner tells about its progress."""

    def start(self, documents: int, pages: int) -> None:
        """The run begins with this much work (skipped documents excluded)."""
        ...

    def pages_done(self, n: int) -> None:
        """``n`` more pages were recognised."""
        ...

    def document_done(self, name: str, status: str, detail: str) -> None:
        """A document finished: status is done, skipped or failed."""
        ...

    def close(self) -> None:
        """The run ended (normally or not)."""
        ...


class NullProgress:
    """Reports nothing (library default, and ``--quiet``)."""

    def start(self, documents: int, pages: int) -> None:  # noqa: D102
        pass

    def pages_done(self, n: int) -> None:  # noqa: D102
        pass

    def document_done(self, name: str, status: str, detail: str) -> None:  # noqa: D102
        pass

    def close(self) -> None:  # noqa: D102
        pass


class _Counts:
    """Shared counting for the two visible reporters."""

    def __init__(self) -> None:
        self.docs = self.pages = self.done_docs = self.done_pages = 0
        self.t0 = time.monotonic()

    def start(self, documents: int, pages: int) -> None:
        self.docs, self.pages = documents, pages
        self.t0 = time.monotonic()

    def rate_eta(self) -> tuple[float, float | None]:
        elapsed = max(time.monotonic() - self.t0, 1e-9)
        rate = self.done_pages / elapsed
        left = self.pages - self.done_pages
        return rate, (left / rate if rate > 0 else None)


class LogProgress(_Counts):
    """One log line per finished document (for logs and pipes)."""

    def pages_done(self, n: int) -> None:  # noqa: D102
        self.done_pages += n

    def document_done(self, name: str, status: str, detail: str) -> None:  # noqa: D102
        self.done_docs += 1
        if status == "failed":
            return  # the batch runner already logged the error
        rate, _ = self.rate_eta()
        log.info(
            "[%d/%d] %s: %s%s (%.2f pages/s)",
            self.done_docs,
            self.docs,
            status,
            name,
            f" {detail}" if detail else "",
            rate,
        )

    def close(self) -> None:  # noqa: D102
        pass


class BarProgress(_Counts):
    """A one-line bar redrawn in place: documents, pages, pages/s and ETA."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__()
        self.stream = stream or sys.stderr
        self._last = 0.0

    def pages_done(self, n: int) -> None:  # noqa: D102
        self.done_pages += n
        self._draw()

    def document_done(self, name: str, status: str, detail: str) -> None:  # noqa: D102
        self.done_docs += 1
        self._draw(force=True)

    def close(self) -> None:  # noqa: D102
        self._draw(force=True)
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.2:
            return
        self._last = now
        rate, eta = self.rate_eta()
        frac = self.done_pages / self.pages if self.pages else 1.0
        bar = "#" * int(24 * frac)
        eta_s = "--:--" if eta is None else f"{int(eta) // 60:02d}:{int(eta) % 60:02d}"
        self.stream.write(
            f"\r[{bar:<24}] docs {self.done_docs}/{self.docs}  pages {self.done_pages}/"
            f"{self.pages}  {rate:.2f} pages/s  ETA {eta_s} "
        )
        self.stream.flush()
