"""Tests for painting a seal's own ink out of a signature row (pipeline/preprocess/sealmask.py)."""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.document import Box, Word
from pipeline.preprocess.rings import Ring
from pipeline.preprocess.sealmask import mask_seal, seal_strokes

CX, CY = 400, 400


def _seal() -> np.ndarray:
    """Gray page (black ink on white): an outer ring (r 200, 10 px), a thin inner ring
    (r 140, 3 px), a solid star-sized blob in the centre, a legend-sized blob between the
    rings, and one printed row (y 180-225) whose letters (vertical bars) cross the outer
    ring's top."""
    gray = np.full((800, 900), 255, np.uint8)
    cv2.circle(gray, (CX, CY), 200, 0, 10)
    cv2.circle(gray, (CX, CY), 140, 0, 3)
    cv2.circle(gray, (CX, CY + 40), 45, 0, -1)  # the centre star: out of the row's band
    cv2.rectangle(gray, (CX - 175, CY - 20), (CX - 160, CY + 30), 0, -1)  # a legend letter
    for x in BARS:
        cv2.rectangle(gray, (x, 180), (x + 8, 225), 0, -1)
    return gray


BARS = range(CX - 60, CX + 61, 40)


def test_strokes_are_found_round_a_centre_the_circle_search_missed_by_pixels() -> None:
    gray = _seal()
    found = seal_strokes(gray < 128, Ring(CX + 6, CY - 5, 205.0))
    assert abs(found.ring.x - CX) <= 1 and abs(found.ring.y - CY) <= 1
    assert len(found.strokes) == 2  # the thin inner ring too
    (a0, a1), (b0, b1) = found.strokes
    assert a0 - 1 <= 140 <= a1 + 1 and b0 <= 200 <= b1
    assert found.inside <= 196


def test_masking_keeps_the_rows_letters_and_paints_out_the_seals_ink() -> None:
    gray = _seal()
    seal = seal_strokes(gray < 128, Ring(CX, CY, 205.0))
    top, left = 150, 150
    patch = gray[top:520, left:800]
    out = mask_seal(patch, seal, left, top, (175, 230))
    assert (patch == gray[top:520, left:800]).all()  # a copy is painted
    ink = out < 128
    for x in BARS:  # each letter stays, across the ring too (its middle column whole)
        assert ink[180 - top : 226 - top, x + 4 - left].all(), x
    # the ring between the letters, where nothing crosses it, is gone
    assert not ink[190 - top : 215 - top, CX - 45 - left : CX - 30 - left].any()
    assert not ink[450 - top : 520 - top, 195 - left : 215 - left].any()  # outer ring, left
    assert not ink[400 - top : 420 - top, 255 - left : 265 - left].any()  # inner ring, left
    # the centre blob and the legend letter lie out of the row's band: painted out
    assert not ink[400 - top : 480 - top, CX - 20 - left : CX + 20 - left].any()
    assert not ink[380 - top : 430 - top, 225 - left : 240 - left].any()


def test_two_signature_words_read_as_one_across_a_mark_are_cut() -> None:
    from pipeline.layout.reread import _split_glued

    cut = _split_glued(Word("KT,BỘ", Box(100, 0, 200, 30), 0.8))
    assert [w.text for w in cut] == ["KT,", "BỘ"]
    assert cut[0].box is not None and cut[1].box is not None
    assert cut[0].box.left == 100 and cut[1].box.right == 200
    assert cut[0].box.right == cut[1].box.left
    for text in ("TRƯỞNG", "a,b", "KT,", "12/2025"):  # one word, or not signature words
        assert [w.text for w in _split_glued(Word(text, Box(0, 0, 50, 30), 0.8))] == [text]


def _words(text: str) -> list[Word]:
    return [Word(t, None, 0.9) for t in text.split()]


def test_a_reading_wins_by_printed_title_words_and_name_syllables_not_junk() -> None:
    from pipeline.layout.reread import more_signature

    # "PHỢ" folds as PHÓ but is no printed title word; "Zä" and "Gmzrran" are no syllables
    first = _words("TĐIN PHOZ “HỦ TƯỚNG")
    assert more_signature(first, _words("TP, PHỢ ;HỦ TƯỚNG")) is first
    first = _words("⁄ZZ4G6_ KRNHỦ TƯỚNG")
    assert more_signature(first, _words("Zä4 KRXHỦ TƯỚNG")) is first
    assert more_signature(_words("Gmzrran Hồng Hà"), _words("Trần Hồng Hà"))[0].text == "Trần"
    again = _words("KT. PHÓ THỦ TƯỚNG")
    assert more_signature(_words("KT. PHỢ THỦ TƯỚNG"), again) is again


def _block_sheet() -> np.ndarray:
    """A signature block under a seal (ring r 200 round (800, 600)): the title row runs
    out of the ring's right side in capitals (y 380-420), the name row only in small
    letters (x-height 22 px, y 768-790; its capitals, y 750-790, stay inside)."""
    gray = np.full((1200, 1600), 255, np.uint8)
    cv2.circle(gray, (800, 600), 200, 0, 10)
    cv2.circle(gray, (800, 600), 140, 0, 3)
    for x in range(650, 1150, 30):  # the title's capitals
        cv2.rectangle(gray, (x, 380), (x + 14, 420), 0, -1)
    for x in range(700, 960, 30):  # the name's capitals and small letters inside
        cv2.rectangle(gray, (x, 750), (x + 14, 790), 0, -1)
    for x in range(1030, 1090, 20):  # "am" out of the ring
        cv2.rectangle(gray, (x, 768), (x + 12, 790), 0, -1)
    return gray


def test_a_row_that_runs_out_of_the_seal_in_small_letters_is_read_again() -> None:
    from pipeline.document import Line
    from pipeline.layout.reread import _ring_rows

    title = Line(tuple(_words("KT. THỦ TƯỚNG")), Box(650, 380, 1150, 420))
    recipients = Line(tuple(_words("Nơi nhận:")), Box(100, 380, 300, 420))
    rows = _ring_rows([recipients, title], _block_sheet(), 40.0)
    boxes = [p.box for p in rows]
    assert any(b.top <= 380 and b.bottom >= 420 for b in boxes)  # the title
    # the name: the row reaches up over its capitals (0.75 line height above its end)
    assert any(700 < b.top <= 752 and 790 <= b.bottom <= 805 for b in boxes), boxes
    name = next(p for p in rows if p.box.top > 700)
    assert name.band is not None and name.band[0] <= 760 and name.band[1] >= 790
