"""Headless chromium driven over the DevTools protocol, for tests that need what the
browser shows after it has settled (the built-in PDF viewer draws its pages some time
after the load event, so ``--screenshot`` on the command line catches an empty frame).

The protocol runs over a pipe (``--remote-debugging-pipe``: the browser reads commands on
fd 3 and writes answers on fd 4, each a JSON message ended by NUL), so there is no port to
pick and no websocket library to install; tests run side by side without meeting.
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
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


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
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
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
