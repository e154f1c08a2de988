"""A seal's own ink painted out of a signature row, the print's strokes across it kept.

On a bitonal scan a black seal over the signature block is one piece of ink with the
title and the name: its rings cut through their letters, its legend letters and stars
stand in the row beside them, and Tesseract reads the lot as junk ("K7+©f€-TRƯỞNG" for
"KT. CỤC TRƯỞNG"). Painting the ring's whole band white (:func:`rings.erase_ring`)
also takes the letters of a row that runs along it. Here each ring stroke is found from
the ink's radial profile (a circle of ink at nearly every angle) and painted out pixel
by pixel, except where ink lies just inside *and* just outside it at the same angle (a
printed stroke crossing the ring: the repair a fax streak gets across the glyphs it
crosses). Then, within the seal, the ink pieces that reach out of the row's text band
(legend letters and stars cut at the band, the centre star) go too: the row's own
letters lie within its band.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.preprocess.components import connected
from pipeline.preprocess.rings import Ring

#: Gray level below which a pixel is ink: a black seal and the print on a bitonal or gray
#: scan (a colour seal scanned in gray is lighter, and handled apart).
INK_LEVEL = 128
#: Share of the angles at which ink lies on a circle for the circle to be a ring stroke
#: (legend letters cover at most about half of the angles at any radius).
STROKE_COVER = 0.7
#: Radii (times the outer ring's) searched for ring strokes.
STROKE_RADII = (0.45, 1.15)
#: A tone mark or a hook over a capital is at most this share of the row's band in
#: width and height (a legend letter or a star is larger), and lies at most as far above.
MARK_SIZE = 0.35
#: How far (px) beyond a stroke's edge a crossing stroke is looked for, on each side.
_PROBE = 3
_ANGLES = np.linspace(0.0, 2.0 * np.pi, 720, endpoint=False)


@dataclass(frozen=True, slots=True)
class SealStrokes:
    """A seal's ring strokes: the ring and the (inner, outer) radius of each stroke, in
    page pixels, the outermost last."""

    ring: Ring
    strokes: tuple[tuple[float, float], ...]

    @property
    def inside(self) -> float:
        """The radius within which the seal's legend, stars and emblem lie: the outer
        stroke's inner edge."""
        return self.strokes[-1][0] if self.strokes else self.ring.r


def seal_strokes(ink: np.ndarray, ring: Ring) -> SealStrokes:
    """The ring strokes round ``ring`` in the page's ink mask (non-zero = ink), its centre
    first moved to where the outer ring is sharpest: the circle search's centre is only
    as exact as the small copy it ran on, and a few pixels off, a thin inner ring no
    longer covers the angles at any one radius."""
    x, y = ring.x, ring.y
    for step in (4, 2, 1):
        cands = [(x + dx * step, y + dy * step) for dx in (0, -1, 1) for dy in (0, -1, 1)]
        x, y = max(cands, key=lambda c: _sharpness(ink, Ring(c[0], c[1], ring.r)))
    ring = Ring(x, y, ring.r)
    radii, cover = _profile(ink, ring, STROKE_RADII)
    flags = np.concatenate(([False], cover >= STROKE_COVER, [False]))
    edges = np.flatnonzero(np.diff(flags.astype(np.int8)))
    strokes = tuple(
        (float(radii[a]), float(radii[b - 1])) for a, b in zip(edges[::2], edges[1::2], strict=True)
    )
    return SealStrokes(ring, strokes)


def _sharpness(ink: np.ndarray, ring: Ring) -> int:
    """How many radii near the outer ring ink covers at nearly every angle."""
    _, cover = _profile(ink, ring, (0.85, 1.1), near=False)
    return int((cover >= 0.95).sum())


def _profile(
    ink: np.ndarray, ring: Ring, span: tuple[float, float], near: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Radii (a pixel apart, ``span`` times the ring's) and the share of the angles at
    which ink lies at each (``near``: or at a radius next to it)."""
    height, width = ink.shape
    radii = np.arange(span[0] * ring.r, span[1] * ring.r, 1.0)
    xs = np.rint(ring.x + np.outer(np.cos(_ANGLES), radii)).astype(int)
    ys = np.rint(ring.y + np.outer(np.sin(_ANGLES), radii)).astype(int)
    inside = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
    hit = np.zeros(xs.shape, dtype=bool)
    hit[inside] = ink[ys[inside], xs[inside]] > 0
    if near:  # a pixel's rounding misses a thin stroke at some angles
        seen_at = hit.copy()
        hit[:, 1:] |= seen_at[:, :-1]
        hit[:, :-1] |= seen_at[:, 1:]
    seen = inside.any(axis=1)  # angles whose circle lies on the page
    cover = hit[seen].mean(axis=0) if seen.any() else np.zeros(len(radii))
    return radii, cover


def mask_seal(
    patch: np.ndarray, seal: SealStrokes, left: int, top: int, band: tuple[int, int]
) -> np.ndarray:
    """A copy of ``patch`` (gray, white paper, ink below INK_LEVEL; its top-left corner at page
    pixel ``left``, ``top``) with the seal's ink painted white: its ring strokes where no
    print crosses them, and within the seal every ink piece that reaches out of ``band``
    (the row's text, top and bottom page rows)."""
    out = np.ascontiguousarray(patch).copy()
    h, w = out.shape
    if h == 0 or w == 0:
        return out
    ink = out < INK_LEVEL
    yy, xx = np.mgrid[top : top + h, left : left + w]
    dx, dy = xx - seal.ring.x, yy - seal.ring.y
    rho = np.hypot(dx, dy)
    cos, sin = dx / np.maximum(rho, 1e-6), dy / np.maximum(rho, 1e-6)
    erase = np.zeros_like(ink)
    for low, high in seal.strokes:
        on = ink & (rho >= low - 1) & (rho <= high + 1)
        if not on.any():
            continue
        py, px = np.nonzero(on)
        c, s = cos[py, px], sin[py, px]
        crossed_in = np.zeros(len(py), dtype=bool)
        crossed_out = np.zeros(len(py), dtype=bool)
        for k in range(1, _PROBE + 1):
            crossed_in |= _ink_at(ink, seal, left, top, low - 1 - k, c, s)
            crossed_out |= _ink_at(ink, seal, left, top, high + 1 + k, c, s)
        keep = crossed_in & crossed_out
        erase[py[~keep], px[~keep]] = True
    ink &= ~erase
    # the seal's legend letters, stars and emblem: within the seal, a piece that does not
    # reach the middle of the row's band is the seal's; one that does (a letter of the
    # row, maybe run together with the seal's) loses only what lies out of the band
    b0, b1 = band[0] - top, band[1] - top
    core0, core1 = b0 + 0.3 * (b1 - b0), b1 - 0.3 * (b1 - b0)
    count, labels, stats, _ = connected(ink.astype(np.uint8))
    within = rho < seal.inside
    rows = np.arange(h)[:, None]
    mark = MARK_SIZE * (b1 - b0)
    for k in range(1, count):
        x, y, cw, ch, _area = stats[k].tolist()
        if y >= b0 and y + ch <= b1:
            continue
        if cw <= mark and ch <= mark and b0 - mark <= y + ch and y < b1:
            continue  # a tone mark or hook over a capital of the row, above its inked rows
        sl = (slice(y, y + ch), slice(x, x + cw))
        piece = labels[sl] == k
        if not within[sl][piece].all():
            continue
        if y + ch <= core0 or y >= core1:
            erase[sl] |= piece
        else:
            erase[sl] |= piece & ((rows[sl[0]] < b0) | (rows[sl[0]] >= b1))
    ink &= ~erase
    # the scan's gray edge round erased ink goes with it; ink kept stays as it was
    grown = cv2.dilate(erase.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    out[grown & ~ink] = 255
    return out


def _ink_at(
    ink: np.ndarray,
    seal: SealStrokes,
    left: int,
    top: int,
    radius: float,
    cos: np.ndarray,
    sin: np.ndarray,
) -> np.ndarray:
    """Whether ``ink`` (patch pixels) holds ink at ``radius`` from the seal's centre in
    each direction (cos, sin); False off the patch."""
    h, w = ink.shape
    x = np.rint(seal.ring.x + radius * cos).astype(int) - left
    y = np.rint(seal.ring.y + radius * sin).astype(int) - top
    on = (x >= 0) & (x < w) & (y >= 0) & (y < h)
    found = np.zeros(len(x), dtype=bool)
    found[on] = ink[y[on], x[on]]
    return found
