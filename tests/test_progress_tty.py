"""The progress bar as a user sees it: ``vnocr run`` in a real 60-column terminal (tmux).

tmux runs the command in a pseudo-terminal and keeps the screen as a terminal would draw
it; ``capture-pane`` reads that screen back. The run has good one-page documents, a
three-page TIFF whose middle page is too small to read (the document fails after a page
was read) and a file that is not an image at all.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.workshop.synth import synthesize, write_pages

pytestmark = [
    pytest.mark.tesseract,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed"),
]

WIDTH = 60
TEXT = """@title
THÔNG BÁO
về lịch tiếp công dân
@body
Ủy ban nhân dân xã thông báo lịch tiếp công dân định kỳ vào thứ Năm hằng tuần tại trụ sở.
"""
BAR_ROW = re.compile(r"(documents|pages)\s.*?(\d+)/(\d+)")


def _inputs(root: Path, good: int) -> Path:
    """``good`` one-page documents, the torn TIFF and the file that is not an image."""
    scans = root / "scans"
    for i in range(good):
        write_pages(synthesize(TEXT, "clean", seed=3 + i), scans, f"good{i}", fmt="png")
    page = np.asarray(Image.open(scans / "good0-p1.png").convert("L"))
    frames = [Image.fromarray(page), Image.fromarray(page[:10, :10]), Image.fromarray(page)]
    frames[0].save(scans / "torn.tif", save_all=True, append_images=frames[1:])
    (scans / "notes.png").write_text("không phải ảnh\n", encoding="utf-8")
    for gt in scans.glob("*.gt.txt"):
        gt.unlink()
    return scans


class Tmux:
    """One private tmux server with one window of WIDTH columns."""

    def __init__(self, socket: Path) -> None:
        self.base = ["tmux", "-S", str(socket)]

    def start(self, command: str) -> None:
        subprocess.run(
            [*self.base, "new-session", "-d", "-x", str(WIDTH), "-y", "30", "-s", "t", command],
            check=True,
        )

    def screen(self, joined: bool = False) -> list[str]:
        args = [*self.base, "capture-pane", "-p", "-t", "t"] + (["-J"] if joined else [])
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
        return out.rstrip("\n").split("\n")

    def stop(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True)


def test_bar_in_a_60_column_terminal(tmp_path: Path) -> None:
    """6 good documents: with workers that start ready, one was read within a screen poll
    or two (0.6 s a page), so a run could end before the rows were seen to move."""
    n = 6
    scans = _inputs(tmp_path, n)
    tmux = Tmux(tmp_path / "tmux.sock")
    run = [sys.executable, "-m", "pipeline", "run", str(scans), "-o", str(tmp_path / "out")]
    tmux.start(f"{shlex.join([*run, '-j', '2'])}; echo EXIT=$?; sleep 300")
    frames: list[tuple[float, list[str], list[str]]] = []
    t0 = time.monotonic()
    try:
        while time.monotonic() - t0 < 300:
            screen, joined = tmux.screen(), tmux.screen(joined=True)
            frames.append((time.monotonic() - t0, screen, joined))
            if any(line.startswith("EXIT=") for line in screen):
                break
            time.sleep(0.2)
    finally:
        tmux.stop()
    final = frames[-1][1]
    live = [(t, s, j) for t, s, j in frames if any(BAR_ROW.search(x) for x in s)]
    assert live, "no bar was ever drawn"

    # drawn at once: before the first page is read
    _, first, _ = live[0]
    pages0 = [BAR_ROW.search(x) for x in first if "pages" in x]
    assert pages0 and pages0[0] is not None and pages0[0].group(2) == "0", first
    # both rows move
    counts = {"documents": set(), "pages": set()}
    for _, screen, _ in live:
        for line in screen:
            m = BAR_ROW.search(line)
            if m:
                counts[m.group(1)].add(int(m.group(2)))
    assert len(counts["pages"]) >= 2 and len(counts["documents"]) >= 2, counts
    # the width fits: no bar row wraps onto a second line of the terminal
    for _t, _, joined in live:
        for line in joined:
            if BAR_ROW.search(line):
                assert len(line.rstrip()) <= WIDTH, "\n".join(joined)
    # log lines above the bar, never glued to it
    failed_frames = [s for _, s, _ in live if any("notes.png" in x for x in s)]
    assert failed_frames
    for screen in failed_frames:
        log_row = next(i for i, x in enumerate(screen) if "notes.png" in x)
        bar_rows = [i for i, x in enumerate(screen) if BAR_ROW.search(x)]
        assert log_row < min(bar_rows), screen
        assert not BAR_ROW.search(screen[log_row])
    # a clean end: the bar is gone, the failures and the summary line stay
    text = "\n".join(tmux_screen_joined(frames))
    assert not any(BAR_ROW.search(x) or "━" in x for x in final), final
    assert "EXIT=4" in text
    assert "torn.tif page 2: image too small" in text
    summary = rf"vnocr: {n} of {n + 2} files done \(0 up to date\), 2 failed; {n} pages read"
    assert re.search(summary, text)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_stops_within_two_seconds_and_keeps_the_whole_summary(
    tmp_path: Path, jobs: str
) -> None:
    """Ctrl-C typed into the terminal once a document is done, while others are read.
    12 one-page documents: with workers that start ready, 4 were all read within one
    screen poll (0.6 s a page), so the run ended before Ctrl-C could be typed."""
    n = 12
    scans = tmp_path / "scans"
    for i in range(n):
        write_pages(synthesize(TEXT, "clean", seed=10 + i), scans, f"doc{i}", fmt="png")
    for gt in scans.glob("*.gt.txt"):
        gt.unlink()
    out = tmp_path / "out"
    tmux = Tmux(tmp_path / "tmux.sock")
    run = [sys.executable, "-m", "pipeline", "run", str(scans), "-o", str(out), "-j", jobs]
    tmux.start(f"{shlex.join(run)}; echo EXIT=$?; sleep 300")
    try:
        t0 = time.monotonic()
        while time.monotonic() - t0 < 240:
            screen = tmux.screen()
            if any(re.search(rf"documents .* [1-9]\d*/{n}", x) for x in screen):
                break
            time.sleep(0.1)
        else:
            pytest.fail("no document finished")
        subprocess.run([*tmux.base, "send-keys", "-t", "t", "C-c"], check=True)
        pressed = time.monotonic()
        while not any(x.startswith("EXIT=") for x in tmux.screen()):
            assert time.monotonic() - pressed < 10, tmux.screen()
            time.sleep(0.05)
        took = time.monotonic() - pressed
        final = tmux.screen(joined=True)
    finally:
        tmux.stop()
    # stopping, not finishing: pages were left undone (asserted below); how long the stop takes
    # is a figure, not an assertion (10 s above only turns a hang into a failure)
    print(f"Ctrl-C to exit: {took:.2f} s")
    assert "EXIT=130" in final
    assert not any(BAR_ROW.search(x) or "━" in x for x in final), final  # erased, no trail
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["files"] == n and summary["interrupted"] is True
    statuses = {r["name"]: r["status"] for r in summary["results"]}
    assert set(statuses) == {f"doc{i}-p1.png" for i in range(n)}
    assert summary["done"] >= 1 and summary["not_done"] >= 1
    assert summary["done"] + summary["not_done"] == n
    line = next(x for x in final if x.startswith("vnocr: "))
    assert f"{summary['done']} of {n} files done" in line


def tmux_screen_joined(frames: list[tuple[float, list[str], list[str]]]) -> list[str]:
    """The last screen with wrapped lines joined (long paths wrap at 60 columns)."""
    return frames[-1][2]
