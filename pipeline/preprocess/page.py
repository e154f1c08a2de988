"""The page itself: its outline in a phone photo, and dark borders around a scan.

A photo shows the sheet as a bright quadrilateral on a darker desk; warping that
quadrilateral to a rectangle undoes the perspective. A scan or photocopy often carries
black bands where the lid or the copier saw past the sheet; they are painted paper-white
so they are not read as text or counted as ink by the later stages.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.preprocess.components import connected

#: Page outlines are searched on a copy this many pixels on its longer side.
WORK_SIDE = 640


def find_page_quad(
    gray: np.ndarray, *, min_area: float = 0.25, max_area: float = 0.96, min_contrast: float = 25.0
) -> np.ndarray | None:
    """Corners (tl, tr, br, bl; float32, full-image pixels) of the sheet, or None.

    None when no bright region stands out from a darker surround, or when the region
    fills (nearly) the whole frame, as on a flatbed scan: there is nothing to correct.
    """
    h, w = gray.shape
    f = WORK_SIDE / max(h, w)
    small = cv2.resize(
        gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA
    )
    # Closing erases the text so the sheet is one bright blob.
    k = max(3, round(min(small.shape) / 40) | 1)
    blob = cv2.morphologyEx(
        small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    )
    blob = cv2.GaussianBlur(blob, (5, 5), 0)
    thr, _ = cv2.threshold(blob, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # The sheet is the part brighter than Otsu's level. Under a hard shadow across the
    # sheet that is only its lit part, and print runs on past its edge: then the lower
    # level of a three-way split (desk, sheet in shadow, lit sheet) is tried, and taken
    # when nothing is printed outside that region at all.
    first = _bright_region(blob, thr, min_area, max_area)
    seen = _print_outside(small, blob, first, k) if first is not None else 1.0
    if first is not None and seen < CLEAR_OUTSIDE:
        quad = _sheet_quad(small, blob, first, k, min_contrast)
        if quad is not None:
            return quad / f
    lower = _bright_region(blob, _lower_level(blob), min_area, max_area)
    if lower is not None and _print_outside(small, blob, lower, k) < CLEAR_OUTSIDE:
        quad = _sheet_quad(small, blob, lower, k, min_contrast)
        if quad is not None:
            return quad / f
    if first is not None and seen < MAX_PRINT_OUTSIDE:
        quad = _sheet_quad(small, blob, first, k, min_contrast)
        if quad is not None:
            return quad / f
    return None


def _bright_region(
    blob: np.ndarray, level: float | None, min_area: float, max_area: float
) -> np.ndarray | None:
    """The largest part of ``blob`` brighter than ``level``, if its area is a sheet's."""
    if level is None:
        return None
    mask = (blob > level).astype(np.uint8)
    n, labels, stats, _ = connected(mask, connectivity=4)
    if n < 2:
        return None
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    area = stats[best, cv2.CC_STAT_AREA] / float(mask.size)
    return labels == best if min_area <= area <= max_area else None


def _sheet_quad(
    small: np.ndarray, blob: np.ndarray, region: np.ndarray, k: int, min_contrast: float
) -> np.ndarray | None:
    """The four corners (working-copy pixels) of ``region`` if it is a sheet on a darker
    surround: brighter than it, not reaching three sides of the frame (then it is the lit
    part of a sheet filling the frame, the rest in a shadow), and a quadrilateral."""
    inside = float(np.median(small[region]))
    outside = float(np.median(small[~region]))
    if inside - outside < min_contrast or _frame_sides(region) >= 3:
        return None
    contours, _ = cv2.findContours(
        region.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
    )
    hull = cv2.convexHull(max(contours, key=cv2.contourArea)).reshape(-1, 2).astype(np.float32)
    quad = _four_corners(hull)
    if cv2.contourArea(quad) < 0.8 * cv2.contourArea(hull):
        return None  # not a quadrilateral (a torn or folded sheet): leave it
    return quad


def _lower_level(blob: np.ndarray) -> float | None:
    """The lower threshold of a three-class Otsu split of ``blob``'s levels (the one
    between the desk and the sheet in shadow), or None on a flat image."""
    hist = np.bincount(blob.ravel(), minlength=256).astype(np.float64)
    p = hist / hist.sum()
    levels = np.arange(256, dtype=np.float64)
    w, m = np.cumsum(p), np.cumsum(p * levels)  # class weight and first moment up to t
    best, out = -1.0, None
    for t1 in range(1, 254):
        w0, m0 = w[t1], m[t1]
        if w0 <= 0:
            continue
        w1 = w[t1 + 1 : 255] - w0  # the middle class (t1, t2]
        m1 = m[t1 + 1 : 255] - m0
        w2 = 1.0 - w[t1 + 1 : 255]
        m2 = m[255] - m[t1 + 1 : 255]
        ok = (w1 > 0) & (w2 > 0)
        if not ok.any():
            continue
        between = m0 * m0 / w0 + np.where(ok, m1 * m1 / np.where(ok, w1, 1), 0)
        between = between + np.where(ok, m2 * m2 / np.where(ok, w2, 1), 0)
        j = int(np.argmax(np.where(ok, between, -1)))
        if between[j] > best:
            best, out = float(between[j]), float(t1)
    return out


#: Print outside the bright region at this share of its density inside (or more) means
#: the region is only the lit part of the sheet (a hand's or the phone's shadow across the
#: page): warping to it would cut every line...
MAX_PRINT_OUTSIDE = 0.25
#: ... and under this share nothing is printed outside: on a sheet lying on a desk it is
#: 0.0 (photo renders), where a hard shadow's edge cuts print 0.09-0.43, a curled sheet's
#: shading 0.075. Between the two, a lower level that gives a region this clear wins.
CLEAR_OUTSIDE = 0.05
#: ... judged only on a sheet with that much print (stroke pixels on the working copy):
#: a page holding a signature alone says nothing.
MIN_PRINT = 0.02


def _print_outside(small: np.ndarray, closed: np.ndarray, region: np.ndarray, k: int) -> float:
    """How densely text-like strokes (dark against the closed, text-free copy) lie just
    outside the region's edge, as a share of their density inside it (0.0 when there is
    too little print, or too little outside, to judge): about 0 for a sheet on a desk,
    high where the edge cuts lines of print."""
    strokes = (closed.astype(np.int16) - small.astype(np.int16)) > 25
    mask = region.astype(np.uint8)
    near = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * k + 1, 2 * k + 1)))
    wide = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (8 * k + 1, 8 * k + 1)))
    ring = (wide > 0) & (near == 0)  # outside, off the edge by one to four kernel widths
    core = cv2.erode(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * k + 1, 2 * k + 1)))
    if ring.sum() < 0.01 * region.size or not core.any():
        return 0.0
    inside = float(strokes[core > 0].mean())  # a page of text: about 0.1 at this size
    return float(strokes[ring].mean()) / inside if inside >= MIN_PRINT else 0.0


def _frame_sides(region: np.ndarray) -> int:
    """How many sides of the frame the region runs along (over half of each side's
    length, in its outermost 1 % of pixels)."""
    h, w = region.shape
    m = max(1, round(0.01 * max(h, w)))
    strips = (region[:m].any(axis=0), region[-m:].any(axis=0), region[:, :m].any(axis=1))
    strips += (region[:, -m:].any(axis=1),)
    return sum(float(s.mean()) > 0.5 for s in strips)


def _four_corners(points: np.ndarray) -> np.ndarray:
    """The hull points nearest to the frame's four corners, as tl, tr, br, bl."""
    s = points.sum(axis=1)
    d = points[:, 0] - points[:, 1]
    return np.array(
        [points[np.argmin(s)], points[np.argmax(d)], points[np.argmax(s)], points[np.argmin(d)]],
        dtype=np.float32,
    )


def quad_transform(quad: np.ndarray, border: int = 0) -> tuple[np.ndarray, tuple[int, int]]:
    """The perspective matrix (3x3) and output size (width, height) of :func:`warp_quad`."""
    tl, tr, br, bl = quad
    width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2.0
    height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2.0
    out_w, out_h = max(1, round(width) - 2 * border), max(1, round(height) - 2 * border)
    dst = np.array(
        [
            [-border, -border],
            [out_w + border, -border],
            [out_w + border, out_h + border],
            [-border, out_h + border],
        ],
        dtype=np.float32,
    )
    return cv2.getPerspectiveTransform(quad.astype(np.float32), dst), (out_w, out_h)


def warp_quad(pixels: np.ndarray, quad: np.ndarray, border: int = 0) -> np.ndarray:
    """The quadrilateral ``quad`` (tl, tr, br, bl) warped to an upright rectangle.

    The rectangle's sides are the mean lengths of the opposite edges; ``border`` pixels
    are trimmed inside the outline so no sliver of desk stays at the edge.
    """
    matrix, size = quad_transform(quad, border)
    return cv2.warpPerspective(
        pixels, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def may_have_borders(stats: np.ndarray, shape: tuple[int, int], min_extent: float = 0.2) -> bool:
    """Whether any ink component (``stats`` as scale.components) is a border candidate.

    The cheap test on a reduced copy before :func:`dark_border_mask` runs at full size:
    a component touching the frame edge and running along ``min_extent`` of it.
    """
    if len(stats) == 0:
        return False
    h, w = shape
    x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    bw, bh = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    touches = (x <= 1) | (y <= 1) | (x + bw >= w - 1) | (y + bh >= h - 1)
    long = (bw >= 0.8 * min_extent * w) | (bh >= 0.8 * min_extent * h)
    return bool((touches & long).any())


def dark_border_mask(ink: np.ndarray, min_extent: float = 0.2) -> np.ndarray:
    """Ink components that touch the frame edge and run along a fifth of it: borders.

    ``ink`` is a binary (nonzero = dark) image. Letters touching the edge are small and
    stay; a copier's black band is long. Components are found on a copy reduced to
    WORK_SIDE (a band is large), and the mask is cut back to the full-size ink.
    """
    f = min(1.0, 2 * WORK_SIDE / max(ink.shape))
    full = ink
    if f < 1.0:
        ink = cv2.resize(ink, None, fx=f, fy=f, interpolation=cv2.INTER_NEAREST)
    h, w = ink.shape
    n, labels, stats, _ = connected((ink > 0).astype(np.uint8))
    x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    bw, bh = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    touches = (x == 0) | (y == 0) | (x + bw == w) | (y + bh == h)
    long = (bw >= min_extent * w) | (bh >= min_extent * h)
    border = touches & long
    border[0] = False
    mask = border[labels]
    if f < 1.0 and mask.any():
        grown = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8))
        up = cv2.resize(grown, (full.shape[1], full.shape[0]), interpolation=cv2.INTER_NEAREST)
        return (up > 0) & (full > 0)
    return mask if f == 1.0 else np.zeros(full.shape, dtype=bool)
