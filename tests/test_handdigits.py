"""Handwritten header figures read again as digits (issue 13): where they are on the line,
which readings are sane, and the pass on real ink (a drawn page; the real scans, slow)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from ocrlines import ocr_line

from pipeline.document import Box, Line, Page, Word
from pipeline.handdigits import _sane, read_hand_digits
from pipeline.structure.handwritten import Slot, hand_slots

SCANNED2 = Path(__file__).resolve().parent.parent.parent / "shared" / "real" / "scanned2"


@pytest.mark.parametrize(
    ("spec", "want"),
    [
        # as Tesseract read the real scans: the number apart from its printed "/..."
        ("Số:@0.96 | (555@0.66 | /BTC-PTHT@0.90", [Slot("number", 1, 2, 160, 270)]),
        # the number glued to the label, the blank's rule glued to the "/"
        ("Số:525@0.56 | /NQ-CP@0.91", [Slot("number", 0, 1, 160, 235, "Số:")]),
        (
            "Số:@0.96 | #3@0.6 | _/QĐ-UBQGNCT@0.46",
            [Slot("number", 1, 3, 160, 250, "", "/QĐ-UBQGNCT")],
        ),
        # day and month by hand, the month glued to "năm"
        (
            "ngày@0.93 | ÓÏ@0.52 | tháng@0.93 | Áônăm@0.53 | 2025@0.95",
            [Slot("day", 1, 2, 180, 250), Slot("month", 3, 4, 350, 405, "", "năm")],
        ),
        # the day by hand, the month printed
        (
            "ngày@0.85 | 42@0.79 | tháng@0.96 | 10@0.96 | năm@0.96 | 2025@0.96",
            [Slot("day", 1, 2, 180, 250)],
        ),
        # after the place and its comma, as printed in the header
        (
            "Hà@0.96 | Nội,@0.96 | ngày@0.85 | 42@0.79 | tháng@0.96 | 10@0.96 | năm@0.96",
            [Slot("day", 3, 4, 330, 400)],
        ),
        # a date in a sentence is no header's, however unsurely read
        ("Căn@0.96 | cứ@0.96 | Luật@0.96 | ngày@0.96 | I8@0.5 | tháng@0.96 | 6@0.96", []),
        # printed: one token with the symbol; a date read surely; blanks left empty
        ("Số:@0.93 | 186/CĐ-TTg@0.53", []),
        ("ngày@0.96 | 04@0.95 | tháng@0.96 | 10@0.95 | năm@0.94 | 2025@0.92", []),
        ("Số:@0.96 | /2025/TT-BTC@0.9", []),
        ("ngày@0.96 | tháng@0.96 | năm@0.96 | 2025@0.96", []),
    ],
)
def test_slots_are_the_handwritten_values_between_their_printed_neighbours(
    spec: str, want: list[Slot]
) -> None:
    assert list(hand_slots(ocr_line(spec).words)) == want


@pytest.mark.parametrize(
    ("field", "text", "ratio", "want"),
    [
        ("number", "143", 1.7, "143"),
        ("number", "0143", 2.2, None),  # no number starts with 0
        ("number", "1234567", 4.0, None),  # longer than any document number
        ("number", "143", 3.2, None),  # ink for 5 figures, 3 read: some were lost
        ("day", "08", 1.2, "08"),
        ("day", "4", 1.1, None),  # two figures of ink, one read ("12" read "4")
        ("day", "32", 1.2, None),
        ("day", "45", 1.2, "15"),  # the pen's 1 read as 4: no day starts with 4
        ("month", "40", 1.2, "10"),
        ("month", "13", 1.2, None),
        ("month", "4", 0.6, "4"),
        ("month", "0", 0.6, None),
        ("day", "", 0.6, None),
    ],
)
def test_only_sane_values_are_kept(field: str, text: str, ratio: float, want: str | None) -> None:
    assert _sane(field, text, ratio) == want


def _drawn_header(figures: str) -> tuple[Page, np.ndarray]:
    """A header line "Số: <figures> /QĐ-UBND" drawn in a script face (the figures as a
    pen would write them), with the words the page-wide reading made of it."""
    image = np.full((1000, 1400), 255, np.uint8)
    cv2.putText(image, "So:", (100, 140), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 0, 3)
    cv2.putText(image, figures, (210, 140), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 1.8, 0, 3)
    cv2.putText(image, "/QD-UBND", (420, 140), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 0, 3)
    words = (
        Word("Số:", Box(100, 95, 190, 145), 0.95),
        Word("#3", Box(210, 90, 380, 150), 0.5),
        Word("/QĐ-UBND", Box(420, 95, 700, 145), 0.93),
    )
    line = Line(words, Box(100, 90, 700, 150))
    return Page(0, (line,), 1400, 1000), image


@pytest.mark.tesseract
def test_a_drawn_handwritten_number_is_read_and_keeps_its_low_confidence() -> None:
    page, image = _drawn_header("347")
    read = read_hand_digits(page, image)
    assert read.lines[0].text == "Số: 347 /QĐ-UBND"
    assert read.lines[0].words[1].conf == 0.5  # still says: written by hand
    assert hand_slots(read.lines[0].words)  # ... and the structure stage still sees it so


@pytest.mark.tesseract
def test_a_scribble_is_not_read_as_a_number() -> None:
    page, image = _drawn_header("")
    cv2.line(image, (220, 140), (360, 100), 0, 4)
    cv2.ellipse(image, (290, 120), (60, 18), 20, 0, 300, 0, 3)
    assert read_hand_digits(page, image) == page


@pytest.mark.slow
@pytest.mark.skipif(not SCANNED2.exists(), reason="../shared/real/scanned2 is not there")
def test_handwritten_number_and_date_of_a_real_scan_are_read() -> None:
    """A tune page of scanned2: "Số: 143 /QĐ-UBQGNCT", "ngày 08 tháng 10" in pen; the
    page-wide reading gives "#3 _/QĐ-UBQGNCT" and "ngày 09 tháng 20". Its signer's name
    below the seal lost "Lê" to the ring's arc, and is read again with the ring out."""
    from pipeline.io import load_page
    from pipeline.process import PipelineConfig, assemble, recognize_page

    image = load_page(SCANNED2 / "vgp-ubqgnct-143-qd-2025_p1.pdf", 0)
    page, _ = recognize_page(image, PipelineConfig())
    doc = assemble("p.pdf", [page], PipelineConfig())
    header = doc.header
    assert header is not None
    assert doc.signature is not None and doc.signature.name == "Lê Thành Long"
    assert (header.symbol, header.date) == ("143/QĐ-UBQGNCT", "2025-10-08")
    assert header.handwritten == ("number", "date")
