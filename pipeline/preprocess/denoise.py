"""Speckle removal that spares Vietnamese marks.

The dot of ạ and the hook of ả are as small as toner specks, so size alone cannot tell
them apart; position can. A mark always sits within about one x-height of a letter;
a speck on a margin or between lines does not. Small ink components far from any
letter-sized component are removed, small ones near letters stay.
"""

from __future__ import annotations

import cv2
import numpy as np


def speck_mask(
    ink: np.ndarray,
    x_height: float,
    *,
    max_area: float | None = None,
    reach: float = 0.5,
    components: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Boolean mask of the specks in a binary ink image (nonzero = ink).

    A speck is a component of at most ``max_area`` pixels (default: (x_height / 5)²,
    about 25 px at 300 dpi; the dot of ạ or the hook of ả may be as small, but it sits
    within a fifth of an x-height of its letter) farther than ``reach`` x-heights from
    the box of every larger component. The mask covers each
    speck's bounding box: nothing else lies within reach of it. ``components`` are the
    (stats, centroids) of ``ink`` (scale.components) when the caller has them already.
    """
    if max_area is None:
        max_area = max(4.0, (x_height / 5.0) ** 2)
    h, w = ink.shape
    mask = np.zeros((h, w), dtype=bool)
    if components is None:
        _, _, stats, centroids = cv2.connectedComponentsWithStats(
            (ink > 0).astype(np.uint8), connectivity=8
        )
        stats, centroids = stats[1:], centroids[1:]
    else:
        stats, centroids = components
    if len(stats) == 0:
        return mask
    small = stats[:, cv2.CC_STAT_AREA] <= max_area
    if not small.any():
        return mask
    # Letters (the larger components) as boxes on a grid of about 8 px per x-height,
    # grown by `reach` x-heights: the region where marks may sit.
    f = min(1.0, 8.0 / max(x_height, 1.0))
    sw, sh = max(1, int(np.ceil(w * f))), max(1, int(np.ceil(h * f)))
    near: np.ndarray = np.zeros((sh, sw), dtype=np.uint8)
    x0, y0 = stats[~small, 0] * f, stats[~small, 1] * f
    x1 = (stats[~small, 0] + stats[~small, 2]) * f
    y1 = (stats[~small, 1] + stats[~small, 3]) * f
    for a, b, c, d in zip(
        x0.astype(int),
        y0.astype(int),
        np.ceil(x1).astype(int),
        np.ceil(y1).astype(int),
        strict=True,
    ):
        near[b:d, a:c] = 1
    k = max(3, int(round(2 * reach * x_height * f)) | 1)
    near = cv2.dilate(near, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    cx = np.clip((centroids[small, 0] * f).astype(int), 0, sw - 1)
    cy = np.clip((centroids[small, 1] * f).astype(int), 0, sh - 1)
    far = near[cy, cx] == 0
    boxes = stats[small][far]
    if len(boxes) == 0:
        return mask
    bx, by, bw, bh = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    for dy in range(int(bh.max())):
        for dx in range(int(bw.max())):
            sel = (dy < bh) & (dx < bw)
            mask[by[sel] + dy, bx[sel] + dx] = True
    return mask


def paint(gray: np.ndarray, mask: np.ndarray, value: int = 255, grow: int = 1) -> np.ndarray:
    """``gray`` with the ``mask`` pixels (and ``grow`` px around them) set to ``value``."""
    if not mask.any():
        return gray
    m: np.ndarray = mask.astype(np.uint8)
    if grow > 0:
        m = cv2.dilate(m, np.ones((2 * grow + 1, 2 * grow + 1), np.uint8))
    out = gray.copy()
    out[m > 0] = value
    return out
