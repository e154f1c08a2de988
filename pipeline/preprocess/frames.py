"""Ruled rectangles drawn round a few lines of print: receipt stamps, urgency boxes.

A registry's receipt stamp ("ĐẾN", Giờ, Ngày, Số) and a "HỎA TỐC" box are a thin frame
with small text inside, put down anywhere on the page. On a bold or overprinted stamp
Tesseract reads no word of it right, so the frame has to be found from the ink: one
connected component, hollow, whose outline is a (possibly slightly turned) rectangle —
its convex hull fills the smallest rectangle round it, which a seal's ring (π/4), a
signature or a letter does not.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: A frame's hull fills at least this share of the smallest (turned) rectangle round it.
RECT_FILL = 0.9
#: ... and its ink at most this share of its bounding box (a frame, not a block).
MAX_INK = 0.3


@dataclass(frozen=True, slots=True)
class RectFrame:
    """A hollow ruled rectangle: its bounding box in pixels and its turn in degrees."""

    left: int
    top: int
    right: int
    bottom: int
    angle: float


def labelled(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 8-connected components of ``ink`` (non-zero = ink): their label image and
    stats (x, y, w, h, area), the background's first (row 0)."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(
        (ink > 0).astype(np.uint8), connectivity=8
    )
    return labels, stats


def hollow_rectangles(
    ink: np.ndarray,
    width: tuple[float, float],
    height: tuple[float, float],
    parts: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[RectFrame]:
    """The hollow rectangular ink components of ``ink`` (non-zero = ink) whose bounding box
    is ``width`` (min, max) wide and ``height`` (min, max) tall, in pixels. ``parts``:
    :func:`labelled` of ``ink`` when the caller has it already."""
    labels, stats = parts if parts is not None else labelled(ink)
    w_, h_, a_ = (stats[:, k].astype(np.int64) for k in (2, 3, 4))
    sized = (width[0] <= w_) & (w_ <= width[1]) & (height[0] <= h_) & (h_ <= height[1])
    hollow = a_ <= MAX_INK * w_ * h_
    out: list[RectFrame] = []
    for i in np.flatnonzero(sized & hollow).tolist():
        if i == 0:  # the background
            continue
        x, y, w, h, _ = (int(v) for v in stats[i])
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == i)
        pts = np.column_stack([xs, ys]).astype(np.int32)
        hull = cv2.convexHull(pts)
        (_, _), (rw, rh), angle = cv2.minAreaRect(hull)
        if rw * rh <= 0 or cv2.contourArea(hull) < RECT_FILL * rw * rh:
            continue
        angle = (angle + 45) % 90 - 45
        out.append(RectFrame(x, y, x + w, y + h, float(angle)))
    return out


def ruling(ink: np.ndarray, min_run: int, grow: int = 2) -> np.ndarray:
    """Only the long straight horizontal and vertical strokes of ``ink`` (runs of at least
    ``min_run`` pixels), thickened a little so that the pieces of a broken rule and the
    corners of a frame join again. Letters, a seal's ring, a signature's curves and the
    diagonal strokes of an arrow stamp drawn over a frame fall away, so a frame they touch
    is one rectangle again; a side lost to dashes leaves three, whose hull is the same
    rectangle. ``grow``: how many 3x3 dilations thicken the result."""
    mask = (ink > 0).astype(np.uint8)
    out = np.zeros_like(mask)
    for size in ((min_run, 1), (1, min_run)):
        out |= cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(0, size))
    return cv2.dilate(out, np.ones((3, 3), np.uint8), iterations=grow) if grow else out
