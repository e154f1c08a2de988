"""Headless chromium driven over the DevTools protocol, for tests that need what the
browser shows after it has settled (the built-in PDF viewer draws its pages some time
after the load event, so ``--screenshot`` on the command line catches an empty frame).

The protocol runs over a pipe (``--remote-debugging-pipe``: the browser reads commands on
fd 3 and writes answers on fd 4, each a JSON message ended by NUL), so there is no port to
pick and no websocket library to install; tests run side by side without meeting.

``find_in_pdf_viewer`` asks the viewer to find a word in a PDF and measures where it
highlighted it; ``accented_word`` picks a word worth searching for (bench/formats_bench.py
uses both on the real scans).
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import select
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import cv2
import numpy as np
from PIL import Image

from pipeline.document import Document, Word

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def quiet_flags(profile: Path) -> list[str]:
    """The flags every headless chromium of the tests and of bench/report_bench.py takes:
    no sandbox (it refuses to run as root) and no GPU, nothing fetched, updated or synced
    in the background, no first-run screens, and a profile of its own in ``profile``, so
    that runs side by side share nothing."""
    return [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ]


class Chromium:
    """One headless chromium (``--headless=new``: the real browser with its PDF viewer)."""

    def __init__(self, profile: Path, size: tuple[int, int] = (1000, 1300)) -> None:
        assert CHROMIUM is not None
        to_browser, self._out = os.pipe()
        self._in, from_browser = os.pipe()

        def wire() -> None:  # in the child: the browser's ends on fds 3 and 4
            os.dup2(to_browser, 3)
            os.dup2(from_browser, 4)

        self._proc = subprocess.Popen(
            [
                CHROMIUM,
                "--headless=new",
                "--remote-debugging-pipe",
                *quiet_flags(profile),
                f"--window-size={size[0]},{size[1]}",
                "about:blank",
            ],
            pass_fds=(3, 4),
            preexec_fn=wire,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._id = 0

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError, TimeoutError, EOFError, RuntimeError):
            self.send("Browser.close", timeout=10)
        try:
            self._proc.wait(15)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        os.close(self._in)
        os.close(self._out)

    def _message(self, deadline: float) -> dict[str, Any] | None:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._in], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                return None
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed its DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(
        self, method: str, params: dict | None = None, session: str | None = None, timeout=60.0
    ) -> dict[str, Any]:
        """The result of one protocol command (events met while waiting are dropped)."""
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while (answer := self._message(deadline)) is not None:
            if answer.get("id") == self._id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer["result"]
        raise TimeoutError(f"{method}: no answer in {timeout:.0f} s")

    def settled_screenshot(self, url: str, timeout: float = 90.0) -> np.ndarray:
        """RGB pixels of ``url`` once three screenshots half a second apart agree (the
        PDF viewer fills its pages in tiles, and draws a search's highlight after that)."""
        target = self.send("Target.createTarget", {"url": url})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        deadline = time.monotonic() + timeout
        shots: list[bytes] = []
        try:
            while time.monotonic() < deadline:
                time.sleep(0.5)
                png = self.send("Page.captureScreenshot", {"format": "png"}, session)["data"]
                shots.append(base64.b64decode(png))
                if len(shots) >= 3 and shots[-1] == shots[-2] == shots[-3] and _drawn(shots[-1]):
                    return np.asarray(Image.open(io.BytesIO(shots[-1])).convert("RGB"))
            raise TimeoutError(f"{url}: the page did not settle in {timeout:.0f} s")
        finally:
            self.send("Target.closeTarget", {"targetId": target})


def _drawn(png: bytes) -> bool:
    """False for the viewer's empty frame (one dark colour): nothing is drawn yet."""
    gray = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    return bool((gray > 160).mean() > 0.05)


def accented_word(doc: Document, alphabetic: bool = False) -> tuple[Word, float, float]:
    """A long accented word of the first page (with ``alphabetic``: letters only, once in
    the document, in the page's upper half), and its centre on the scan (page fractions)."""
    page = doc.pages[0]
    # the viewer's search ignores case and marks and matches inside words ("hưởng" finds
    # "hướng" and "thương"): the word must occur once in the document, so compared
    folded = _folded(doc.text)
    words = [w for ln in page.lines for w in ln.words if len(w.text) >= 5 and w.box]
    if alphabetic:
        words = [w for w in words if w.text.isalpha() and folded.count(_folded(w.text)) == 1]
    spots = []
    for word in words:
        assert word.box is not None  # kept by the filter above
        pts = page.source_points(word.box)
        cx = sum(x for x, _ in pts) / 4 / page.source_width
        cy = sum(y for _, y in pts) / 4 / page.source_height
        if not alphabetic or cy < 0.5:
            spots.append((word, cx, cy))
    if not spots:
        raise ValueError(f"{doc.name}: no word to search for on its first page")
    spot = max(spots, key=lambda s: (sum(not c.isascii() for c in s[0].text), len(s[0].text)))
    if all(c.isascii() for c in spot[0].text):
        raise ValueError(f"{doc.name}: no accented word to search for on its first page")
    return spot


def _folded(text: str) -> str:
    """Text as the viewer's search compares it: without case or marks."""
    from pipeline.vietnamese import strip_marks

    return strip_marks(text).lower()


@dataclass(frozen=True, slots=True)
class ViewerHit:
    """Where chromium's PDF viewer highlighted a search hit, in fractions of the page as
    the viewer drew it; ``page_aspect`` (width / height) tells a page shown whole from one
    cut off, ``scrolled`` that the page moved between the two screenshots."""

    x: float
    y: float
    width: float
    page_aspect: float
    scrolled: bool


def find_in_pdf_viewer(browser: Chromium, pdf: Path, text: str) -> ViewerHit | None:
    """Ask the viewer to find ``text`` in ``pdf`` and say where it highlighted it.

    The viewer searches the PDF's text for a URL text fragment (``#:~:text=``) and
    highlights the first hit; the highlight is what differs from the page opened without
    the fragment, and the page is the bright region under it on the viewer's dark
    background. None when nothing was highlighted.
    """
    plain = browser.settled_screenshot(pdf.as_uri())
    found = browser.settled_screenshot(f"{pdf.as_uri()}#:~:text={quote(text)}")
    changed = np.abs(plain.astype(int) - found.astype(int)).max(axis=2) > 16
    if not changed.any():
        return None
    ys, xs = np.nonzero(changed)
    hit = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    left, top, width, height = shown_page(found, hit)
    return ViewerHit(
        ((hit[0] + hit[2]) / 2 - left) / width,
        ((hit[1] + hit[3]) / 2 - top) / height,
        (hit[2] - hit[0]) / width,
        width / height,
        (left, top, width, height) != shown_page(plain, hit),
    )


def shown_page(rgb: np.ndarray, inside: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """(left, top, width, height) in screen pixels of the page the box ``inside`` is on: the
    bright region around it on the viewer's dark background."""
    bright = (rgb.min(axis=2) > 160).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=4)
    left, top, right, bottom = inside
    ids = labels[top:bottom, left:right].ravel()
    ids = ids[ids > 0]
    if not ids.size:
        return (0, 0, rgb.shape[1], rgb.shape[0])  # no page found: the whole screen
    x, y, w, h, _ = stats[np.bincount(ids).argmax()]
    return int(x), int(y), int(w), int(h)
