"""Colour ink (red seals, blue signatures and notes) taken out before OCR.

Print is black; seals and pen are red or blue. In the brightest channel of each pixel
(HSV's V) saturated ink is almost as light as paper while black print stays dark, even
where the two overlap (red over black is still dark in every channel). So the page is
read from V, and pixels that are both saturated and light are lifted to the paper level.
"""

from __future__ import annotations

import cv2
import numpy as np


def _channels(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-pixel max and min over the colour channels (V and V - chroma)."""
    r, g, b = cv2.split(rgb)
    return cv2.max(cv2.max(r, g), b), cv2.min(cv2.min(r, g), b)


def colour_fraction(rgb: np.ndarray, min_saturation: float = 0.35, min_value: int = 90) -> float:
    """Share of pixels that are clearly coloured ink (saturated and not dark)."""
    if rgb.ndim != 3:
        return 0.0
    vmax, vmin = _channels(np.ascontiguousarray(rgb[::4, ::4]))
    vmax, vmin = vmax.astype(np.int16), vmin.astype(np.int16)
    coloured = (vmax - vmin > min_saturation * np.maximum(vmax, 1)) & (vmax >= min_value)
    return float(coloured.mean())


def to_gray(pixels: np.ndarray) -> np.ndarray:
    """Plain luminance gray (the view Tesseract would take of a colour page)."""
    if pixels.ndim == 2:
        return pixels
    return cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)


def remove_colour_ink(
    rgb: np.ndarray,
    *,
    saturation: tuple[float, float] = (0.22, 0.45),
    value: tuple[int, int] = (80, 140),
) -> np.ndarray:
    """Gray page without red/blue ink; dark neutral print (also under a seal) is kept.

    ``saturation`` and ``value`` are ramps (start, full): a pixel is lifted to the paper
    level in proportion to how saturated and how light it is, so the anti-aliased edge of
    a seal fades out instead of leaving a ring of specks. Neutral pixels keep their
    luminance (gray print must not lighten).
    """
    if rgb.ndim != 3:
        return rgb
    v, vmin = _channels(rgb)
    out = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    # Only saturated pixels (usually a few percent) need the arithmetic.
    s0, s1 = saturation
    v0, v1 = value
    chroma = cv2.subtract(v, vmin)
    ys, xs = np.nonzero(chroma.astype(np.float32) > s0 * v.astype(np.float32))
    if len(ys) == 0:
        return out
    vf = v[ys, xs].astype(np.float32)
    sat = chroma[ys, xs].astype(np.float32) / np.maximum(vf, 1.0)
    weight = np.clip((sat - s0) / (s1 - s0), 0.0, 1.0) * np.clip((vf - v0) / (v1 - v0), 0.0, 1.0)
    paper = float(np.percentile(v[::8, ::8], 90))
    out[ys, xs] = np.clip(vf + (paper - vf) * weight + 0.5, 0, 255).astype(np.uint8)
    return out
