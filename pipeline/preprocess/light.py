"""Uneven light made even, and gray made black-and-white where that helps.

The paper's brightness is estimated with a gray-level closing (which erases dark
strokes thinner than the kernel) on a reduced copy, then every pixel is divided by it:
paper becomes 255 everywhere and a stroke keeps its contrast to the paper around it.
Sauvola's threshold (mean and deviation in a window) then separates ink from paper
where a single global threshold, as Tesseract's Otsu, would lose the dim side of a photo.
"""

from __future__ import annotations

import cv2
import numpy as np


def estimate_background(gray: np.ndarray, stroke_px: float = 12.0) -> np.ndarray:
    """The paper's brightness, on a reduced grid (uint8; :func:`flatten` enlarges it).

    ``stroke_px`` is a width that text never reaches (letters are erased, the paper's
    shading is not); a small multiple of the x-height.
    """
    h, w = gray.shape
    f = min(1.0, 6.0 / max(stroke_px, 1.0))  # about 6 px per stroke width is enough
    small = cv2.resize(
        gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA
    )
    k = max(3, round(stroke_px * f * 1.5) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    bg = cv2.medianBlur(bg, max(3, (k // 2) | 1))
    return cv2.blur(bg, (k, k))


def background_spread(background: np.ndarray) -> float:
    """How uneven the paper is: 95th minus 5th percentile of the background, in levels."""
    lo, hi = np.percentile(background, [5, 95])
    return float(hi - lo)


def flatten(gray: np.ndarray, background: np.ndarray) -> np.ndarray:
    """``gray`` divided by its background: paper at 255, strokes at their local contrast."""
    h, w = gray.shape
    bg = cv2.resize(np.maximum(background, 1), (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, bg, scale=255)


def stretch(gray: np.ndarray, low_pct: float = 0.5) -> np.ndarray:
    """Spread the levels so the darkest ink is near 0 (faded copies, washed-out photos)."""
    ink = float(np.percentile(gray[::4, ::4], low_pct))
    if ink < 40:
        return gray
    lut = np.clip((np.arange(256, dtype=np.float32) - ink) * 255.0 / max(255.0 - ink, 1.0), 0, 255)
    return cv2.LUT(gray, lut.astype(np.uint8))


def is_bilevel(gray: np.ndarray, tolerance: float = 0.02) -> bool:
    """True when the ink is pure black on pure white (a fax, a CCITT scan).

    Counted among the non-white pixels: an anti-aliased render has gray edges on every
    stroke, a thresholded page has none.
    """
    sample = gray[::4]  # whole rows: a contiguous sample is four times cheaper
    inked = np.count_nonzero(sample < 255)
    between = np.count_nonzero((sample > 0) & (sample < 255))
    return bool(inked > 0 and between <= tolerance * inked)


def otsu_ink(gray: np.ndarray) -> np.ndarray:
    """Binary ink mask (255 = ink) by a global Otsu threshold."""
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def sauvola(gray: np.ndarray, window: int = 31, k: float = 0.2, r: float = 128.0) -> np.ndarray:
    """Sauvola binarization: black text (0) on white (255), same shape as ``gray``.

    threshold = mean * (1 + k * (std / r - 1)) over a ``window``-pixel square, computed
    with box filters so the cost does not grow with the window.
    """
    window = max(3, window | 1)
    g = gray.astype(np.float32)
    mean = cv2.boxFilter(g, -1, (window, window), borderType=cv2.BORDER_REFLECT)
    sq = cv2.boxFilter(g * g, -1, (window, window), borderType=cv2.BORDER_REFLECT)
    std = np.sqrt(np.maximum(sq - mean * mean, 0.0))
    threshold = mean * (1.0 + k * (std / r - 1.0))
    return np.where(g > threshold, 255, 0).astype(np.uint8)
