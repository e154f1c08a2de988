"""Speckle removal that spares Vietnamese marks.

The dot of ạ and the hook of ả are as small as toner specks, so size alone cannot tell
them apart; position can. A mark always sits within about one x-height of a letter;
a speck on a margin or between lines does not. Small ink components far from any
letter-sized component are removed, small ones near letters stay.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.preprocess.components import connected


def speck_mask(
    ink: np.ndarray,
    x_height: float,
    *,
    max_area: float | None = None,
    reach: float = 0.5,
    components: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Boolean mask of the specks in a binary ink image (nonzero = ink): the union of
    :func:`speck_boxes`."""
    h, w = ink.shape
    mask = np.zeros((h, w), dtype=bool)
    boxes = speck_boxes(ink, x_height, max_area=max_area, reach=reach, components=components)
    for x, y, bw, bh in boxes.tolist():
        mask[y : y + bh, x : x + bw] = True
    return mask


def speck_boxes(
    ink: np.ndarray,
    x_height: float,
    *,
    max_area: float | None = None,
    reach: float = 0.5,
    components: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Bounding boxes (x, y, w, h; an n x 4 int array) of the specks in a binary ink
    image (nonzero = ink).

    A speck is a component of at most ``max_area`` pixels (default: (x_height / 5)²,
    about 25 px at 300 dpi; the dot of ạ or the hook of ả may be as small, but it sits
    within a fifth of an x-height of its letter) farther than ``reach`` x-heights from
    the box of every larger component, unless it is one of a row of dots (an ellipsis,
    a dotted leader "ngày ..... tháng", which a draft leaves for the date and number:
    :func:`_dot_rows`) on a page that is not noisy. The whole box of a speck goes:
    nothing else lies within reach of it. ``components`` are the
    (stats, centroids) of ``ink`` (scale.components) when the caller has them already.
    """
    if max_area is None:
        max_area = max(4.0, (x_height / 5.0) ** 2)
    h, w = ink.shape
    none = np.zeros((0, 4), dtype=np.int64)
    if components is None:
        _, _, stats, centroids = connected((ink > 0).astype(np.uint8))
        stats, centroids = stats[1:], centroids[1:]
    else:
        stats, centroids = components
    if len(stats) == 0:
        return none
    small = stats[:, cv2.CC_STAT_AREA] <= max_area
    if not small.any():
        return none
    near, f = _near_letters(stats[~small], (h, w), x_height, reach)
    sh, sw = near.shape
    cx = np.clip((centroids[small, 0] * f).astype(int), 0, sw - 1)
    cy = np.clip((centroids[small, 1] * f).astype(int), 0, sh - 1)
    far = near[cy, cx] == 0
    if far.sum() <= _MAX_DOTTED:  # among hundreds of specks a row of dots is noise too
        far &= ~_dot_rows(centroids[small], stats[small], x_height, far)
    return stats[small][far][:, :4].astype(np.int64)


def box_union(boxes: np.ndarray) -> tuple[int, int]:
    """Pixels and 8-connected pieces of the union of ``boxes`` (x, y, w, h), as
    ``cv2.connectedComponents`` of their mask would count them, without drawing a
    page-sized mask: boxes touch (share a piece) when they overlap or lie side by side
    or corner to corner, and only the pieces of several boxes are drawn, each in its
    own box."""
    n = len(boxes)
    if n == 0:
        return 0, 0
    x0, y0 = boxes[:, 0], boxes[:, 1]
    x1, y1 = x0 + boxes[:, 2], y0 + boxes[:, 3]  # exclusive ends
    order = np.argsort(x0, kind="stable")
    # pairs (i, j), j after i in x order, whose x ranges touch: x0[j] <= x1[i]
    ends = np.searchsorted(x0[order], x1[order], side="right")
    starts = np.arange(1, n + 1)
    counts = np.maximum(ends - starts, 0)
    first = np.repeat(order, counts)
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    second = order[np.repeat(starts, counts) + offsets]
    touch = (y0[second] <= y1[first]) & (y0[first] <= y1[second])
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in zip(first[touch].tolist(), second[touch].tolist(), strict=True):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    pixels = 0
    for members in groups.values():
        if len(members) == 1:
            k = members[0]
            pixels += int(boxes[k, 2] * boxes[k, 3])
            continue
        left, top = int(x0[members].min()), int(y0[members].min())
        crop = np.zeros((int(y1[members].max()) - top, int(x1[members].max()) - left), bool)
        for k in members:
            crop[y0[k] - top : y1[k] - top, x0[k] - left : x1[k] - left] = True
        pixels += int(np.count_nonzero(crop))
    return pixels, len(groups)


#: Far specks above which a page is noisy and rows of dots are not looked for: scan
#: noise and JPEG ringing line up at regular steps too (a 300 dpi colour JPEG scan had
#: 1,645 far specks, a third of them "in rows"); a clean page has a few dozen at most.
_MAX_DOTTED = 200


def _dot_rows(
    centroids: np.ndarray, stats: np.ndarray, x_height: float, which: np.ndarray
) -> np.ndarray:
    """Which of the components ``which`` (a boolean selection) are dots in a row: three
    or more of one size on one baseline, evenly spaced, each within 0.8 x-heights of the
    next (dot leaders, "…"). A dot counts if it sits between two such neighbours, or if
    one of its neighbours does.

    ``centroids`` and ``stats`` are of all the small components (the neighbours may sit
    near letters: the last dot of ".../2025"). Scattered specks rarely line up so.
    """
    out = np.zeros(len(which), dtype=bool)
    if len(centroids) < 3 or not which.any():
        return out
    size = stats[:, [cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT]].astype(np.float32)
    tol = max(1.0, 0.08 * x_height)
    by_y = np.argsort(centroids[:, 1], kind="stable")
    ys = centroids[by_y, 1]

    def row(i: int) -> tuple[np.ndarray, np.ndarray]:
        """Row-neighbours of component i (like size, same baseline within ``tol``, at
        most 0.8 x-heights away) and their signed distances (px) from it."""
        lo = np.searchsorted(ys, ys[rank[i]] - tol, side="left")
        hi = np.searchsorted(ys, ys[rank[i]] + tol, side="right")
        cand = by_y[lo:hi]
        cand = cand[(np.abs(size[cand] - size[i]) <= tol).all(axis=1)]
        dx = centroids[cand, 0] - centroids[i, 0]
        near = (np.abs(dx) <= 0.8 * x_height) & (np.abs(dx) > tol)
        return cand[near], dx[near]

    def middle(dx: np.ndarray) -> bool:
        """Whether row-neighbours at ``dx`` lie on both sides at even gaps."""
        left, right = -dx[dx < 0], dx[dx > 0]
        return bool(len(left) and len(right) and abs(left.min() - right.min()) <= tol)

    rank = np.empty(len(by_y), dtype=np.int64)
    rank[by_y] = np.arange(len(by_y))
    for i in np.flatnonzero(which).tolist():
        near, dx = row(i)  # a middle dot, or the end dot next to one
        out[i] = middle(dx) or any(middle(row(int(j))[1]) for j in near)
    return out


def _boxes(letters: np.ndarray, shape: tuple[int, int], f: float) -> np.ndarray:
    """The boxes of ``letters`` (component stats) drawn on a grid ``f`` times ``shape``."""
    h, w = shape
    sw, sh = max(1, int(np.ceil(w * f))), max(1, int(np.ceil(h * f)))
    grid: np.ndarray = np.zeros((sh, sw), dtype=np.uint8)
    x0, y0 = letters[:, 0] * f, letters[:, 1] * f
    x1 = (letters[:, 0] + letters[:, 2]) * f
    y1 = (letters[:, 1] + letters[:, 3]) * f
    for a, b, c, d in zip(
        x0.astype(int).tolist(),
        y0.astype(int).tolist(),
        np.ceil(x1).astype(int).tolist(),
        np.ceil(y1).astype(int).tolist(),
        strict=True,
    ):
        grid[b:d, a:c] = 1
    return grid


def _grow(grid: np.ndarray, px: float) -> np.ndarray:
    """``grid`` dilated by a disc ``px`` grid pixels across (at least 3)."""
    k = max(3, int(round(px)) | 1)
    return cv2.dilate(grid, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))


def _near_letters(
    letters: np.ndarray, shape: tuple[int, int], x_height: float, reach: float
) -> tuple[np.ndarray, float]:
    """Where marks may sit: the letters' boxes grown by ``reach`` x-heights.

    On a grid of about 8 px per x-height (returned with its scale ``f``); ``letters``
    are component stats (x, y, w, h, ...) in the pixels of an image of ``shape``.
    """
    f = min(1.0, 8.0 / max(x_height, 1.0))
    return _grow(_boxes(letters, shape, f), 2 * reach * x_height * f), f


def may_have_specks(
    any_ink: np.ndarray,
    components: tuple[np.ndarray, np.ndarray],
    x_height: float,
    *,
    max_area: float,
    reach: float = 0.5,
) -> int:
    """How many specks a reduced copy shows, roughly: 0 means :func:`speck_mask` need not run.

    The cheap test before :func:`speck_mask` runs at full size (a clean page has no
    ink away from its letters). ``components`` (stats, centroids) and ``x_height`` are
    measured on the reduced copy's ink, ``max_area`` is the speck size there; ``any_ink``
    is nonzero wherever the full-size page has any ink in the reduced pixel. Counted:
    small components whose centre lies beyond the reach of the letters (as in
    :func:`speck_mask`, with a tenth shorter reach), and ``any_ink`` pixels beyond half
    the reach of every component (specks too small or faint to survive the reduction).
    """
    stats, centroids = components
    h, w = any_ink.shape
    if len(stats) == 0:
        return int(np.count_nonzero(any_ink))
    small = stats[:, cv2.CC_STAT_AREA] <= max_area
    f = min(1.0, 8.0 / max(x_height, 1.0))
    letters = _boxes(stats[~small], (h, w), f)
    n = 0
    if small.any():
        near = _grow(letters, 2 * 0.9 * reach * x_height * f)
        cx = np.clip((centroids[small, 0] * f).astype(int), 0, near.shape[1] - 1)
        cy = np.clip((centroids[small, 1] * f).astype(int), 0, near.shape[0] - 1)
        n += int(np.count_nonzero(near[cy, cx] == 0))
        letters = cv2.bitwise_or(letters, _boxes(stats[small], (h, w), f))
    near = _grow(letters, 2 * 0.5 * reach * x_height * f)
    near_full = cv2.resize(near, (w, h), interpolation=cv2.INTER_NEAREST)
    n += int(cv2.countNonZero(cv2.bitwise_and(any_ink, any_ink, mask=1 - near_full)))
    return n


def paint_boxes(gray: np.ndarray, boxes: np.ndarray, value: int = 255, grow: int = 1) -> np.ndarray:
    """``gray`` with the ``boxes`` (x, y, w, h), grown by ``grow`` px, set to ``value``:
    what :func:`paint` does with their mask (a square dilation of a box is the box grown),
    without a page-sized mask."""
    if len(boxes) == 0:
        return gray
    out = gray.copy()
    for x, y, w, h in boxes.tolist():
        out[max(0, y - grow) : y + h + grow, max(0, x - grow) : x + w + grow] = value
    return out


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
