"""The HTML report opened in real headless chromium (Debian package ``chromium``).

Chromium prints the page's console messages (and uncaught errors) on stderr with
``--enable-logging=stderr``; ``--dump-dom`` prints the DOM after the load event, so what
the page's script did on load is visible in it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from chromium import CHROMIUM, quiet_flags

from pipeline.document import Box, Correction, Document, Line, Page, Word
from pipeline.io import PageImage
from pipeline.report import compare, to_html, undo_corrections

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt: chromium)"),
    pytest.mark.slow,  # each chromium start takes a second or more
]

_CONSOLE = re.compile(r":CONSOLE[:(]")


def open_in_chromium(page: Path, profile: Path) -> tuple[str, list[str]]:
    """(DOM after load, console lines) of a page opened in headless chromium."""
    assert CHROMIUM is not None
    proc = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            *quiet_flags(profile),
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=90,
    )
    console = [ln for ln in proc.stderr.splitlines() if _CONSOLE.search(ln)]
    return proc.stdout, console


def test_console_errors_are_caught(tmp_path: Path) -> None:
    """The check below can fail: a page with a script error is reported."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><p>x</p><script>noSuchFunction();</script>", encoding="utf-8")
    _, console = open_in_chromium(bad, tmp_path / "profile")
    assert any("noSuchFunction" in ln for ln in console)


def test_report_loads_cleanly_and_shows_the_diff(tmp_path: Path) -> None:
    words = ["thực", "hiện", "Chi", "thi", "<script>document.title='pwned'</script>"]
    boxes = [Box(20 + 90 * i, 20, 100 + 90 * i, 50) for i in range(len(words))]
    line = Line(tuple(Word(w, b, 0.5) for w, b in zip(words, boxes, strict=True)))
    doc = Document(
        "scan.png",
        (Page(0, (line,), 500, 80),),
        (Correction(0, 0, 1, "hién", "hiện", 0.8, "lm"),),
    )
    pixels = np.full((80, 500), 255, dtype=np.uint8)
    pixels[30:40, 20:480] = 0
    html = to_html(
        compare(doc, "thực hiện Chỉ thị số 28", raw=undo_corrections(doc)),
        images=[PageImage("scan.png", 0, 300, pixels)],
    )
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    dom, console = open_in_chromium(page, tmp_path / "profile")
    assert console == []
    assert "data-rendered=" in dom  # the page's own script ran to the end on load
    assert re.search(r'<span id="edit-count">[1-9]\d*</span>', dom)
    assert "<del>Chỉ</del>" in dom and "<del>28</del>" in dom
    assert "pwned" not in re.search(r"<title>(.*?)</title>", dom).group(1)
    assert "&lt;script&gt;document.title" in dom  # shown as text, not run
    assert 'href="#w-0-0-1"' in dom and 'id="w-0-0-1"' in dom
