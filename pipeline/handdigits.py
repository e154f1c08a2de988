"""Numbers and dates written by hand into a header's printed blanks, read again as digits.

The registry writes a signed document's number and day (often the month too) into the
blanks of "Số:      /BTC-PTHT" and "ngày    tháng    năm 2025". The page-wide reading
gets such pen figures wrong or as junk ("(555", "ÓÏ", "Áônăm"), and
:mod:`pipeline.structure.handwritten` tells them from print by their words. Here each one
is cut out of the image (between its printed neighbours) and read by Tesseract told to
see only digits, at a few sizes and binarisations. A reading is kept only when nearly all
of them agree, it is a sane value (a day 1-31, a month 1-12, a number of up to 6 digits),
and its digit count fits the ink's width: a wrong filing number is worse than none, so
anything less leaves the first reading (and the "handwritten" flag) as it was.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import cv2
import numpy as np

from pipeline.document import Box, Line, Page, Word
from pipeline.preprocess.components import connected
from pipeline.structure.handwritten import Slot, hand_slots
from pipeline.tesseract import DigitReader, digit_reader

#: The header's number and date lines ("Số: ...", "ngày ... tháng ...") stand in this top
#: share of the page: only lines whose top is there have their blanks read again.
NUMBER_DATE_ZONE = 0.35
#: Text heights (px) each cut-out is read at.
HEIGHTS = (32, 48, 72)
#: Of the 12 readings (HEIGHTS x the four binarisations), this many must be the same: on
#: the tune pages a right reading got 11 or 12, a wrong one ("5554" for 15557) 9.
AGREE = 11
#: Ink width over ink height per digit of pen figures: 0.48-0.77 on the tune pages.
DIGIT_WIDTH = (0.35, 0.9)
#: The most digits a document number has.
MAX_DIGITS = 6
#: An ink piece this tall (of the line height) may be a figure; a shorter one is a dot.
FIGURE_HEIGHT = 0.4
#: A piece at the cut's edge narrower than this (of its height) is a neighbour's sliver.
SLIVER = 0.5
#: A gap this wide (of the line height) between ink pieces parts the figures from print.
GAP = 0.5
_MOST = {"day": 31, "month": 12}


def read_hand_digits(page: Page, pixels: np.ndarray, reader: DigitReader | None = None) -> Page:
    """``page`` with the handwritten number and date values of its header read again."""
    if not page.lines or pixels.shape[:2] != (page.height, page.width):
        return page
    reader = reader or digit_reader()
    gray = pixels.mean(axis=2).astype(np.uint8) if pixels.ndim == 3 else pixels
    lines = list(page.lines)
    changed = False
    for i, line in enumerate(lines):
        if line.box is None or line.box.top > NUMBER_DATE_ZONE * page.height:
            continue
        new = line
        for slot in reversed(hand_slots(line.words)):  # from the right: indices stay valid
            value = _read(gray, line.box, slot, reader)
            old = "".join(w.text for w in new.words[slot.start : slot.end])
            if value is not None and old != slot.before + value + slot.after:
                new = _put(new, slot, value)
        if new is not line:
            lines[i], changed = new, True
    return replace(page, lines=tuple(lines)) if changed else page


def _read(gray: np.ndarray, line: Box, slot: Slot, reader: DigitReader) -> str | None:
    """The slot's value when the digit readings agree on a sane one, else None."""
    pad = line.height // 4
    top, bottom = max(0, line.top - pad), min(gray.shape[0], line.bottom + pad)
    cut = gray[top:bottom, max(0, slot.left) : max(0, slot.right)]
    if cut.size == 0:
        return None
    crop = _figures(cut, line.height)
    if crop is None:
        return None
    votes: Counter[str] = Counter()
    for variant in _variants(crop):
        for height in HEIGHTS:
            text = reader.read(_scaled(variant, height))
            if text is None:
                return None
            votes[text] += 1
    text, count = votes.most_common(1)[0]
    if count < AGREE:
        return None
    return _sane(slot.field, text, crop.shape[1] / crop.shape[0])


def _sane(field: str, text: str, ink_ratio: float) -> str | None:
    """``text`` as the value of ``field`` if it can be one, else None."""
    if not text.isdigit():
        return None
    most = _MOST.get(field)
    if most is not None and len(text) == 2 and text[0] == "4" and int(text) > most:
        # the pen's 1, drawn with a long lead-in stroke, reads as 4 (10 -> "40"); no day
        # or month starts with 4, and this is the one figure it is taken for
        text = "1" + text[1:]
    if most is not None and (len(text) > 2 or not 1 <= int(text) <= most):
        return None
    if most is None and (len(text) > MAX_DIGITS or text[0] == "0"):
        return None
    low, high = DIGIT_WIDTH
    return text if low * len(text) <= ink_ratio <= high * len(text) else None


def _figures(cut: np.ndarray, line_height: int) -> np.ndarray | None:
    """The figures in ``cut``, tightly cropped, on white: ink pieces of figure height only
    (not the dots or rule of the blank, a comma, a speck), and not the slivers of the
    printed neighbours the cut's edges run through (the "/" of "/QĐ-UBQGNCT"). None when
    no figure is left."""
    _, ink = cv2.threshold(cut, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, labels, stats, _ = connected(ink)
    width = cut.shape[1]
    keep = []
    for k in range(1, n):
        x, y, w, h = stats[k, :4]
        edge = x == 0 or x + w >= width
        if h < FIGURE_HEIGHT * line_height or (edge and w < SLIVER * h):
            continue
        keep.append(k)
    if not keep:
        return None
    keep = _largest_group(keep, stats, GAP * line_height)
    mask = np.isin(labels, keep)
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    out = np.where(mask, cut, 255).astype(np.uint8)
    return out[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _largest_group(pieces: list[int], stats: np.ndarray, gap: float) -> list[int]:
    """Of the ink pieces, the run (left to right, split at gaps wider than ``gap``) with
    the most ink: the figures, not a printed "/" further along the blank."""
    pieces = sorted(pieces, key=lambda k: stats[k, 0])
    groups: list[list[int]] = [[pieces[0]]]
    reach = stats[pieces[0], 0] + stats[pieces[0], 2]
    for k in pieces[1:]:
        if stats[k, 0] - reach > gap:
            groups.append([])
        groups[-1].append(k)
        reach = max(reach, stats[k, 0] + stats[k, 2])
    return max(groups, key=lambda g: sum(int(stats[k, 4]) for k in g))


def _variants(crop: np.ndarray) -> list[np.ndarray]:
    """The cut-out as it is, binarised, with strokes thickened and thinned by a pixel."""
    _, bw = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    kernel = np.ones((2, 2), np.uint8)
    return [crop, bw, cv2.erode(bw, kernel), cv2.dilate(bw, kernel)]


def _scaled(image: np.ndarray, height: int) -> np.ndarray:
    """``image`` scaled to ``height`` px, with half a height of white around it."""
    s = height / image.shape[0]
    out = cv2.resize(
        image, None, fx=s, fy=s, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC
    )
    m = height // 2
    return cv2.copyMakeBorder(out, m, m, m, m, cv2.BORDER_CONSTANT, value=255)


def _put(line: Line, slot: Slot, value: str) -> Line:
    """``line`` with the slot's words replaced by ``value``. The new word keeps the first
    reading's (low) confidence: that is what says the value was written by hand."""
    old = line.words[slot.start : slot.end]
    box = line.box
    assert box is not None
    confs = [w.conf for w in old if w.conf is not None]
    words: list[Word] = []
    first, last = old[0] if old else None, old[-1] if old else None
    if slot.before and first is not None and first.box is not None:
        b = first.box
        words.append(Word(slot.before, Box(b.left, b.top, slot.left, b.bottom), first.conf))
    words.append(
        Word(value, Box(slot.left, box.top, slot.right, box.bottom), min(confs, default=None))
    )
    if slot.after and last is not None and last.box is not None:
        b = last.box
        words.append(Word(slot.after, Box(slot.right, b.top, b.right, b.bottom), last.conf))
    return replace(line, words=line.words[: slot.start] + tuple(words) + line.words[slot.end :])
