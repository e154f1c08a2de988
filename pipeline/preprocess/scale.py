"""Resolution: how big the text is, and the factor that brings it to what Tesseract reads best.

The file's DPI says little (web images claim 72 or 96, phone photos have none, a fax is
200x100); the letters themselves say how big the text is. The x-height is the most
common height of ink components, weighted by their area so that letters outvote tone
marks and specks. Tesseract's LSTM reads best with an x-height of about 20-30 px.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.preprocess.components import connected

#: x-height (px) of 13 pt Times at 300 dpi: the reference size of an administrative page.
XHEIGHT_AT_300DPI = 24.0


def components(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stats (x, y, w, h, area) and centroids of the ink components, background dropped."""
    _, _, stats, centroids = connected((ink > 0).astype(np.uint8))
    return stats[1:], centroids[1:]


def estimate_x_height(ink: np.ndarray, stats: np.ndarray | None = None) -> float | None:
    """The x-height in pixels of the text in a binary ink mask, or None without text.

    Components are weighted by their area (letters outvote marks); those wider than
    tall (letters run together into a word) and solid square blobs (specks) do not
    vote. ``stats`` are :func:`components` of ``ink`` when the caller has them already.
    """
    if stats is None:
        stats, _ = components(ink)
    if len(stats) == 0:
        return None
    hgt = stats[:, cv2.CC_STAT_HEIGHT]
    wid = stats[:, cv2.CC_STAT_WIDTH]
    area = stats[:, cv2.CC_STAT_AREA]
    limit = max(8, ink.shape[0] // 12)
    keep = (hgt >= 3) & (hgt <= limit) & (wid >= 2) & (area >= 6) & (wid <= 1.6 * hgt)
    keep &= area >= 0.3 * wid * hgt
    # Solid blobs about as wide as tall are specks, dots and full stops, not letters.
    keep &= ~((area > 0.8 * wid * hgt) & (2 * wid > hgt))
    if keep.sum() < 20:
        return None
    hist = np.bincount(hgt[keep], weights=area[keep].astype(np.float64), minlength=limit + 2)
    smooth = np.convolve(hist, [1.0, 2.0, 1.0], mode="same")
    mode = int(np.argmax(smooth))
    lo, hi = max(mode - 1, 0), mode + 2
    return float(np.average(np.arange(lo, hi), weights=hist[lo:hi] + 1e-9))


def scale_factor(
    x_height: float | None,
    *,
    target: float = 24.0,
    low: float = 17.0,
    high: float = 44.0,
    max_up: float = 4.0,
) -> float:
    """1.0 when ``x_height`` is in [low, high], else the factor to ``target`` (capped)."""
    if x_height is None or low <= x_height <= high:
        return 1.0
    return float(min(max_up, target / x_height))


def estimate_dpi(x_height: float) -> int:
    """The resolution at which a 13 pt page would show this x-height."""
    return round(300.0 * x_height / XHEIGHT_AT_300DPI)


#: Pages are measured on a copy reduced by 2 or 4 so that its longer side is at least this.
WORK_MIN_SIDE = 1200


def work_factor(shape: tuple[int, ...]) -> int:
    """The reduction (1, 2 or 4) of the copy that the per-page decisions are made on.

    Powers of two: OpenCV's area reduction by 2 or 4 is a fast special case (by 3 it is
    twenty times slower). A 300-dpi A4 page (3508 px) is measured at 2x reduced, which
    keeps an x-height of about 12 px: enough to measure size, lines and skew.
    """
    side = max(shape[:2])
    k = 1
    while k < 4 and side // (2 * k) >= WORK_MIN_SIDE:
        k *= 2
    return k


def shrink(pixels: np.ndarray, k: int) -> np.ndarray:
    """``pixels`` reduced by the integer factor ``k`` (area average; itself for 1)."""
    if k == 1:
        return pixels
    h, w = pixels.shape[:2]
    return cv2.resize(pixels, (max(1, w // k), max(1, h // k)), interpolation=cv2.INTER_AREA)


def resize(pixels: np.ndarray, factor: float) -> np.ndarray:
    """Scale by ``factor``: cubic when enlarging (smooth strokes), area when reducing."""
    h, w = pixels.shape[:2]
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    method = cv2.INTER_CUBIC if factor > 1.0 else cv2.INTER_AREA
    return cv2.resize(pixels, size, interpolation=method)
