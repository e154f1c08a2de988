"""Receipt-stamp frames on real scans (issue 13, item 1): a frame whose corner broke apart
in the scan is still found, letter stems joined across lines are not a frame, and a word
Tesseract ran together with the stamp's print across the frame edge is read again on
its own, so the body keeps it."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from pipeline.document import Box, Line, Page, Word
from pipeline.layout.reread import Place, Places, merge
from pipeline.preprocess import frames
from pipeline.preprocess.frames import hollow_rectangles, ruling

SCANNED2 = Path(__file__).resolve().parent.parent.parent / "shared" / "real" / "scanned2"
SIZE = ((150, 500), (60, 250))


def _broken_frame() -> np.ndarray:
    """Ink mask: a stamp frame whose top-left corner is lost (the top rule starts 120 px
    in, the left side ends 20 px short of the bottom rule), with an inner rule."""
    ink = np.zeros((400, 600), np.uint8)
    cv2.line(ink, (220, 100), (380, 100), 255, 3)  # top, its left part lost
    cv2.line(ink, (380, 100), (380, 220), 255, 3)  # right
    cv2.line(ink, (100, 220), (380, 220), 255, 3)  # bottom
    cv2.line(ink, (100, 110), (100, 200), 255, 3)  # left, cut off above the bottom
    cv2.line(ink, (190, 140), (380, 140), 255, 2)  # the rule under the office's name
    return ink


def test_frame_with_a_broken_corner_is_found_when_its_pieces_are_joined() -> None:
    rules = ruling(_broken_frame(), 30)
    assert hollow_rectangles(rules, *SIZE) == []
    found = hollow_rectangles(rules, *SIZE, join=12)
    assert [(f.left // 10, f.top // 10, f.right // 10, f.bottom // 10) for f in found] == [
        (9, 9, 38, 22)
    ]


def test_letter_stems_joined_across_lines_are_not_a_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three lines of print: the long thin stems that survive ``ruling``, joined into one
    group, have a rectangular hull, little ink, and no ruled sides."""
    ink = np.zeros((400, 600), np.uint8)
    for row in range(3):
        y = 100 + 45 * row
        for x in range(100, 400, 26):
            cv2.line(ink, (x, y), (x, y + 34), 255, 1)  # a stem
    rules = ruling(ink, 30)
    assert hollow_rectangles(rules, *SIZE, join=12) == []
    monkeypatch.setattr(frames, "MIN_SIDE", 0.0)  # the sides' test is what rejects it
    assert len(hollow_rectangles(rules, *SIZE, join=12)) == 1


def _word(text: str, left: int, right: int, conf: float = 0.9) -> Word:
    return Word(text, Box(left, 100, right, 140), conf)


def test_a_straddling_word_is_replaced_by_its_second_reading_alone() -> None:
    words = (_word("chuyên", 0, 170), _word("Tang", 190, 380), _word("ship", 400, 520))
    lines = (Line(words, Box(0, 100, 520, 140)), Line((_word("sau", 0, 90),), Box(0, 0, 90, 40)))
    page = Page(index=0, width=600, height=200, lines=lines)
    todo = Places((Place(Box(190, 100, 330, 140), 0, word=1),), 40.0)
    out = merge(page, todo, [[_word("trách", 192, 320), _word(".", 321, 325, 0.95)]])
    assert [w.text for w in out.lines[0].words] == ["chuyên", "trách", "ship"]
    assert out.lines[1] is lines[1]
    unsure = merge(page, todo, [[_word("trách", 192, 320, conf=0.3)]])
    assert [w.text for w in unsure.lines[0].words] == ["chuyên", "Tang", "ship"]


@pytest.mark.slow
@pytest.mark.skipif(not SCANNED2.exists(), reason="../shared/real/scanned2 is not there")
def test_subject_line_run_into_a_stamp_keeps_its_last_word() -> None:
    """vgp-cp-323-nq-2025 p1: the receipt stamp's frame touches the end of the last subject
    line ("... hoạt động chuyên trách"); Tesseract read "trách" and the stamp's first
    letters as one word. Its frame's top-left corner is broken in the scan."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from pipeline.io import load_page
    from pipeline.process import PipelineConfig, recognize_page

    page, _ = recognize_page(load_page(SCANNED2 / "vgp-cp-323-nq-2025_p1.pdf", 0), PipelineConfig())
    subject = next(ln for ln in page.text.splitlines() if "hoạt động" in ln)
    assert subject.endswith("chuyên trách")
    stamps = [r for r in page.regions if r.kind == "stamp"]
    assert stamps and all(r.box is not None and r.box.left >= 1750 for r in stamps)
