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
    chroma_ramp: tuple[int, int] | None = (30, 60),
    halo: int | None = None,
) -> np.ndarray:
    """Gray page without red/blue ink; dark neutral print (also under a seal) is kept.

    ``saturation`` and ``value`` are ramps (start, full): a pixel is lifted to the paper
    level in proportion to how saturated and how light it is, so the anti-aliased edge of
    a seal fades out instead of leaving a ring of specks. Neutral pixels keep their
    luminance (gray print must not lighten). A pixel far from gray (``chroma_ramp``:
    max - min channel, a ramp like the others) is ink whatever its lightness: deep red
    or blue, where black print under a seal would be near gray. The lift spreads
    ``halo`` px (default: a pixel per 800 px of the page's shorter side, 3 at 300 dpi)
    to the barely saturated rim of the ink strokes.
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

    def lightness(ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
        light = np.clip((v[ys, xs].astype(np.float32) - v0) / (v1 - v0), 0.0, 1.0)
        if chroma_ramp is None:
            return light
        # deep red or blue is dark yet far from gray; print under a seal is near gray
        c0, c1 = chroma_ramp
        far = np.clip((chroma[ys, xs].astype(np.float32) - c0) / (c1 - c0), 0.0, 1.0)
        return np.maximum(light, far)

    vf = v[ys, xs].astype(np.float32)
    sat = chroma[ys, xs].astype(np.float32) / np.maximum(vf, 1.0)
    weight = np.clip((sat - s0) / (s1 - s0), 0.0, 1.0) * lightness(ys, xs)
    paper = float(np.percentile(v[::8, ::8], 90))
    if halo is None:
        halo = max(1, round(min(rgb.shape[:2]) / 800))
    if halo > 0:
        # The rim of a seal stroke (JPEG blur, a darker edge) is barely saturated and stays
        # as a gray ghost that Tesseract reads as letters: the weight spreads ``halo`` px
        # from the saturated pixels, to pixels as light as the ink itself.
        full = np.zeros(v.shape, np.uint8)
        full[ys, xs] = np.round(weight * 255).astype(np.uint8)
        k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * halo + 1, 2 * halo + 1))
        spread = cv2.dilate(full, k)
        ys, xs = np.nonzero(spread)
        vf = v[ys, xs].astype(np.float32)
        weight = spread[ys, xs].astype(np.float32) / 255.0 * lightness(ys, xs)
    out[ys, xs] = np.clip(vf + (paper - vf) * weight + 0.5, 0, 255).astype(np.uint8)
    return out
