"""Fax streaks: a scanner's one-line black stroke across the whole page.

A dirty fax or scanner head draws a thin black line straight across the sheet. Where it
reaches the frame edge the border stage took it (and every glyph it touches) for a black
band and painted the whole text line white; elsewhere Tesseract drops the words it
strikes through. Such a line is found as a run of ink far longer than any print but a
rule (most of the page width) and only a scan line or two thick; it is removed pixel by
pixel, and where a glyph's stroke runs into it from above and below, the stroke is
bridged instead, so the letters it crossed stay whole.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.preprocess.components import connected

#: A streak runs along at least this share of the page width, from within EDGE of one
#: side of the frame to within EDGE of the other (a table's or a signature's rule stops
#: at the text margins, short of both).
MIN_SHARE = 0.85
EDGE = 0.02
#: ... and is at most this thick, in thousandths of the page's longer side (6 px at 300 dpi).
MAX_THICK = 1.8


def streak_mask(ink: np.ndarray) -> np.ndarray:
    """The pixels of ``ink`` (non-zero = ink) that belong to streaks (bool)."""
    h, w = ink.shape
    mask = (ink > 0).astype(np.uint8)
    if not (mask.sum(axis=1) >= MIN_SHARE * w).any():
        return np.zeros((h, w), bool)  # no row is inked that far across: the usual page
    long = cv2.morphologyEx(
        mask, cv2.MORPH_OPEN, np.ones((1, max(3, int(MIN_SHARE * w))), np.uint8)
    )
    if not long.any():
        return np.zeros((h, w), bool)
    n, labels, stats, _ = connected(long)
    thick = max(2, round(MAX_THICK * max(h, w) / 1000))
    left, width = stats[1:, cv2.CC_STAT_LEFT], stats[1:, cv2.CC_STAT_WIDTH]
    edge = EDGE * w  # a streak runs from edge to edge; a rule stops at the text margins
    across = (left <= edge) & (left + width >= w - edge)
    keep = np.r_[False, (stats[1:, cv2.CC_STAT_HEIGHT] <= thick) & across]
    found = keep[labels]
    # the run's full extent, also where the opening trimmed its ends
    return found | (cv2.dilate(found.astype(np.uint8), np.ones((1, 3), np.uint8)) > 0) & (mask > 0)


def remove(gray: np.ndarray, streak: np.ndarray, paper: int) -> np.ndarray:
    """``gray`` with the streak pixels painted ``paper``, except across a glyph: a column
    with ink just above and just below the streak keeps the streak's rows inked."""
    out = gray.copy()
    ink = gray < (int(gray.min()) + paper) / 2
    rows = np.flatnonzero(streak.any(axis=1))
    if rows.size == 0:
        return out
    # streak bands: runs of consecutive rows
    bands = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
    h = gray.shape[0]
    for band in bands:
        top, bottom = int(band[0]), int(band[-1])
        cols = streak[top : bottom + 1].any(axis=0)
        above = ink[max(0, top - 2) : top].any(axis=0) if top > 0 else np.zeros_like(cols)
        below = ink[bottom + 1 : min(h, bottom + 3)].any(axis=0)
        bridge = cols & above & below
        paint = streak[top : bottom + 1] & ~bridge[None, :]
        region = out[top : bottom + 1]
        region[paint] = paper
    return out
