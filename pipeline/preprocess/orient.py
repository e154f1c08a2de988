"""Page orientation (quarter turns) and skew (small angles), measured on the text lines.

Both come from projection profiles of the ink pixels: along the text lines the profile
is a comb of sharp peaks, across them it is flat, and it is sharpest at the true skew.
The profile is built from the ink pixels' coordinates (a histogram per trial angle), so
no image is rotated while searching. Up versus down is read from the lines themselves:
Vietnamese puts far more ink above the x-height band (ascenders, capitals, tone and
vowel marks) than below the baseline (a few descenders and the dot of nặng).
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.preprocess.components import connected

#: Ink points used for the profiles (an even subset beyond that: the peaks stay).
MAX_POINTS = 60_000
#: Points enough to tell rows from columns in the coarse search for the page's axis.
AXIS_POINTS = 20_000


def ink_points(ink: np.ndarray) -> np.ndarray:
    """(N, 2) float32 array of x, y of the ink pixels, about MAX_POINTS at most.

    Beyond that every n-th pixel in reading order is kept: an even sample of every
    line, and no random draw over hundreds of thousands of pixels.
    """
    ys, xs = np.nonzero(ink)
    step = -(-len(ys) // MAX_POINTS)
    if step > 1:
        ys, xs = ys[::step], xs[::step]
    return np.stack([xs, ys], axis=1).astype(np.float32)


def text_ink(ink: np.ndarray, x_height: float) -> np.ndarray:
    """``ink`` with only the components the size of letters and words: a seal's ring, a
    signature's strokes, a table's rules and big blots are left out, so that they do not
    vote on the page's orientation (a half-empty page with a large seal and signature was
    turned upside down by them). The test is on the shorter and the longer side alike, so
    a word turned by 90° stays in. Returns ``ink`` itself when nothing text-sized is left
    (a page of drawings)."""
    from pipeline.preprocess.frames import ruling

    mask = (ink > 0).astype(np.uint8)
    mask &= 1 - ruling(mask, max(8, round(RULE_MIN_RUN * x_height)), grow=0)  # text in cells
    n, labels, stats, _ = connected(mask)
    if n <= 1:
        return ink
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    keep = (np.minimum(w, h) <= TEXT_MAX_SHORT * x_height) & (
        np.maximum(w, h) <= TEXT_MAX_LONG * x_height
    )
    keep &= ~((h <= RULE_MAX_THICK * x_height) & (w >= 1.2 * x_height))  # a broken rule's dash
    if not keep.any():
        return ink
    lut = np.r_[False, keep]
    return lut[labels]


#: Text components are at most this many x-heights across their shorter side (a line of
#: capitals with marks is about 2) and along their longer one (words run together).
TEXT_MAX_SHORT = 3.0
TEXT_MAX_LONG = 30.0
#: Straight runs this many x-heights long are rules (a table's, an underline), taken out
#: first so that the words touching them count.
RULE_MIN_RUN = 4.0
#: ... and the dashes of a rule broken by a bitonal scan: at most this thick (x-heights)
#: and wider than a hyphen.
RULE_MAX_THICK = 0.3


def _profile(pts: np.ndarray, angle_deg: float) -> np.ndarray:
    """Row histogram of the points after turning the page by ``-angle_deg``."""
    a = np.deg2rad(angle_deg)
    y = pts[:, 1] * np.cos(a) - pts[:, 0] * np.sin(a)
    y = np.round(y - y.min()).astype(np.int64)
    return np.bincount(y)


def _sharpness(pts: np.ndarray, angle_deg: float) -> float:
    p = _profile(pts, angle_deg).astype(np.float64)
    return float(np.dot(p, p))


def find_skew(
    pts: np.ndarray, max_deg: float = 8.0, precision: float = 0.05, start: float | None = None
) -> tuple[float, float]:
    """The angle (degrees, counter-clockwise positive) that makes the lines horizontal.

    Returns (angle, sharpness). A coarse scan in 0.5° steps (skipped when ``start``, the
    best coarse angle, is known already), then finer ones around the best, and a
    parabola through the last three for sub-step precision.
    """
    if len(pts) < 50:
        return 0.0, 0.0
    step = 0.5
    if start is None:
        angles = np.arange(-max_deg, max_deg + step / 2, step)
        scores = [_sharpness(pts, float(a)) for a in angles]
        i = int(np.argmax(scores))
        best = float(angles[i])
    else:
        best, scores, i = float(start), [_sharpness(pts, float(start))], 0
    while step > precision:
        step /= 5.0
        angles = best + step * np.arange(-5, 6)
        scores = [_sharpness(pts, float(a)) for a in angles]
        i = int(np.argmax(scores))
        best = float(angles[i])
    if 0 < i < len(scores) - 1:
        s0, s1, s2 = scores[i - 1], scores[i], scores[i + 1]
        den = s0 - 2 * s1 + s2
        if den < 0:
            best += step * 0.5 * (s0 - s2) / den
    return best, float(max(scores))


def turn_points(pts: np.ndarray, quarter_turns: int) -> np.ndarray:
    """Point coordinates after turning the page clockwise by 90° * ``quarter_turns``."""
    x, y = pts[:, 0], pts[:, 1]
    q = quarter_turns % 4
    if q == 0:
        return pts
    if q == 1:
        return np.stack([-y, x], axis=1)
    if q == 2:
        return np.stack([-x, -y], axis=1)
    return np.stack([y, -x], axis=1)


def up_score(pts: np.ndarray, angle_deg: float) -> float:
    """Ink above the lines' x-height bands minus ink below them, over both (-1..1).

    Each line is a run of rows with ink; its core (the x-height band, or the cap band of
    a line in capitals) is the span of rows reaching 60 % of the line's peak. Positive
    for upright Latin/Vietnamese text, negative for text upside down.
    """
    p = _profile(pts, angle_deg).astype(np.float64)
    if p.size < 10:
        return 0.0
    p = np.convolve(p, np.ones(3) / 3.0, mode="same")
    present = p > 0.15 * np.percentile(p[p > 0], 90)
    padded = np.r_[False, present, False].astype(np.int8)
    starts = np.flatnonzero(np.diff(padded) == 1)
    ends = np.flatnonzero(np.diff(padded) == -1)
    above = below = 0.0
    for a, b in zip(starts, ends, strict=True):
        if b - a < 4:
            continue
        line = p[a:b]
        core = np.flatnonzero(line >= 0.6 * line.max())
        above += float(line[: core[0]].sum())
        below += float(line[core[-1] + 1 :].sum())
    total = above + below
    return 0.0 if total == 0 else (above - below) / total


def find_orientation(pts: np.ndarray, max_skew: float = 8.0) -> tuple[int, float, dict[str, float]]:
    """Clockwise quarter-turn angle (0, 90, 180, 270) that puts the page upright.

    Returns (angle, confidence, detail); confidence is the ratio of the line sharpness
    along the chosen axis to the other axis (about 1 means no text lines were found).
    """
    angle, ratio, _, detail = orientation_and_skew(pts, max_skew)
    return angle, ratio, detail


def orientation_and_skew(
    pts: np.ndarray, max_skew: float = 8.0
) -> tuple[int, float, float | None, dict[str, float]]:
    """:func:`find_orientation` plus the skew it measured on the way (None: not measured).

    The skew is that of the page after the quarter turn (a half turn keeps the angle of
    the lines), found as :func:`find_skew` with ``precision=0.02`` would: a deskew after
    this needs no second search.
    """
    if len(pts) < 200:
        return 0, 0.0, None, {}
    few = pts[:: -(-len(pts) // AXIS_POINTS)]
    rows_angle, rows = find_skew(few, max_skew, precision=0.5)
    cols_angle, cols = find_skew(turn_points(few, 1), max_skew, precision=0.5)
    if cols > rows:
        base, axis_pts, coarse, ratio = 90, turn_points(pts, 1), cols_angle, cols / max(rows, 1.0)
    else:
        base, axis_pts, coarse, ratio = 0, pts, rows_angle, rows / max(cols, 1.0)
    # All points from here: a sharp profile for up/down, and the precise skew.
    skew, _ = find_skew(axis_pts, max_skew, precision=0.02, start=coarse)
    score = up_score(axis_pts, skew)
    angle = base if score >= 0 else (base + 180) % 360
    return angle, ratio, skew, {"axis_ratio": round(ratio, 3), "up_score": round(score, 3)}


def rotate_quarter(pixels: np.ndarray, angle: int) -> np.ndarray:
    """Turn clockwise by 0/90/180/270 degrees (lossless)."""
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return pixels if angle % 360 == 0 else cv2.rotate(pixels, codes[angle % 360])


def small_rotation(shape: tuple[int, int], angle_deg: float) -> tuple[np.ndarray, tuple[int, int]]:
    """The affine matrix (2x3) and canvas size (width, height) of :func:`rotate_small`
    for an image of ``shape`` (height, width)."""
    h, w = shape
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle_deg, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(np.ceil(h * sin + w * cos)), int(np.ceil(h * cos + w * sin))
    m[0, 2] += (nw - w) / 2.0
    m[1, 2] += (nh - h) / 2.0
    return m, (nw, nh)


def rotate_small(pixels: np.ndarray, angle_deg: float, fill: int = 255) -> np.ndarray:
    """Rotate counter-clockwise by ``angle_deg`` onto a canvas that loses no corner."""
    m, size = small_rotation(pixels.shape[:2], angle_deg)
    border = fill if pixels.ndim == 2 else (fill,) * 3
    return cv2.warpAffine(
        pixels,
        m,
        size,
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=border,
    )
