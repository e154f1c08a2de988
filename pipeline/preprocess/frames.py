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

from pipeline.preprocess.components import connected

#: A frame's hull fills at least this share of the smallest (turned) rectangle round it.
RECT_FILL = 0.9
#: ... and its ink at most this share of its bounding box (a frame, not a block).
MAX_INK = 0.3
#: A frame joined from broken pieces is ruled along at least this share of each side.
MIN_SIDE = 0.5


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
    _, labels, stats, _ = connected((ink > 0).astype(np.uint8))
    return labels, stats


def hollow_rectangles(
    ink: np.ndarray,
    width: tuple[float, float],
    height: tuple[float, float],
    join: int = 0,
    parts: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[RectFrame]:
    """The hollow rectangular ink components of ``ink`` (non-zero = ink) whose bounding box
    is ``width`` (min, max) wide and ``height`` (min, max) tall, in pixels.

    ``join``: pieces less than about twice this many pixels apart count as one component
    (a frame whose thin corner or side broke apart in the scan); its hull and ink share
    are still those of the ink itself. ``parts``: :func:`labelled` of ``ink`` when the
    caller has it already (without ``join``)."""
    mask = (ink > 0).astype(np.uint8)
    if join:
        grouped = cv2.dilate(mask, np.ones((2 * join + 1, 2 * join + 1), np.uint8))
        labels, stats = labelled(grouped)
    else:
        labels, stats = parts if parts is not None else labelled(mask)
    # the size (and, without join, the ink share) of every component at once
    w_, h_ = stats[:, 2].astype(np.int64), stats[:, 3].astype(np.int64)
    sized = (w_ <= width[1] + 2 * join) & (h_ <= height[1] + 2 * join)
    sized &= (w_ >= width[0]) & (h_ >= height[0])
    if not join:  # the component's area is its ink
        sized &= stats[:, 4] <= MAX_INK * w_ * h_
    out: list[RectFrame] = []
    for i in np.flatnonzero(sized).tolist():
        if i == 0:  # the background
            continue
        x, y, w, h, _ = (int(v) for v in stats[i])
        if join:  # the ink's own bounds: the dilation widened the group by ``join``
            ys, xs = np.nonzero(
                (labels[y : y + h, x : x + w] == i) & (mask[y : y + h, x : x + w] > 0)
            )
            if xs.size == 0:
                continue
            x, y = x + int(xs.min()), y + int(ys.min())
            xs, ys = xs - xs.min(), ys - ys.min()
            w, h = int(xs.max()) + 1, int(ys.max()) + 1
        if not (width[0] <= w <= width[1] and height[0] <= h <= height[1]):
            continue
        if not join:
            ys, xs = np.nonzero(labels[y : y + h, x : x + w] == i)
        if xs.size > MAX_INK * w * h:
            continue
        pts = np.column_stack([xs, ys]).astype(np.int32)
        hull, fill = _hull(pts)
        if fill < RECT_FILL:
            continue
        angle = cv2.minAreaRect(hull)[2]
        if join and min(side_cover(pts, hull)) < MIN_SIDE:
            continue
        angle = (angle + 45) % 90 - 45
        out.append(RectFrame(x, y, x + w, y + h, float(angle)))
    return out


def hull_fill(crop: np.ndarray) -> float:
    """The share of the smallest (turned) rectangle round the largest ink component of
    ``crop`` (non-zero = ink) that its convex hull fills: at least RECT_FILL for a ruled
    box, about pi/4 for a ring."""
    labels, stats = labelled(crop)
    if len(stats) < 2:
        return 0.0
    i = 1 + int(np.argmax(stats[1:, 2].astype(np.int64) * stats[1:, 3]))
    ys, xs = np.nonzero(labels == i)
    return _hull(np.column_stack([xs, ys]).astype(np.int32))[1]


def _hull(pts: np.ndarray) -> tuple[np.ndarray, float]:
    """The convex hull of the points (x, y) and the share of the smallest (turned)
    rectangle round it that it fills."""
    hull = cv2.convexHull(pts)
    (_, _), (rw, rh), _ = cv2.minAreaRect(hull)
    return hull, (float(cv2.contourArea(hull) / (rw * rh)) if rw * rh > 0 else 0.0)


def side_cover(pts: np.ndarray, hull: np.ndarray, band: float = 0.06) -> tuple[float, ...]:
    """The share of each side of the smallest (turned) rectangle round ``hull`` that the
    points ``pts`` (x, y) run along, within ``band`` of the shorter side from it: a drawn
    frame's sides are ruled along most of their length, where the hull of letter stems
    and serifs joined across lines has sides of air."""
    (cx, cy), (rw, rh), angle = cv2.minAreaRect(hull)
    t = np.deg2rad(angle)
    d = pts.astype(np.float64) - (cx, cy)
    u = d[:, 0] * np.cos(t) + d[:, 1] * np.sin(t)  # along the rectangle's width
    v = -d[:, 0] * np.sin(t) + d[:, 1] * np.cos(t)  # along its height
    tol = max(2.0, band * min(rw, rh))
    out = []
    for along, across, length, half in ((u, v, rw, rh / 2), (v, u, rh, rw / 2)):
        for edge in (-half, half):
            near = along[np.abs(across - edge) <= tol]
            cells = np.unique(np.floor((near + length / 2) / 2).astype(int))
            out.append(min(1.0, cells.size * 2 / max(length, 1.0)))
    return tuple(out)


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
