"""Round seals found by their geometry: a circle of ink of a seal's size.

On a bitonal scan a black seal is printed over the signature title and the signer's
strokes run across it, so its ink is one connected piece with letters and pen lines: not
the isolated, square, hollow component the component test of ``layout.marks`` looks for.
Its outer ring is still a circle: circles are proposed by OpenCV's Hough transform on a
quarter-size copy, and a proposal is a seal when ink lies on nearly all of its
circumference (text and tables proposing circles of that size cover at most ~80 % of one:
measured 0.52-0.78 on the scanned2 pages, 0.98-1.0 on their seals).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.document import Box

#: Seal radius in text line heights (a 35-42 mm seal over 13-14 pt text is ~5).
RADIUS_LINES = (2.5, 8.0)
#: Share of the circumference with ink for a circle to be a seal's ring.
RING_COVER = 0.92
#: A proposal covered this much is moved by a pixel of the small copy to fit the ink.
NEAR_COVER = 0.8
_SCALE = 5  # circles are proposed on a copy this many times smaller (40-100 ms a page)
_ANGLES = np.linspace(0.0, 2.0 * np.pi, 180, endpoint=False)


@dataclass(frozen=True, slots=True)
class Ring:
    """A seal's outer ring: centre and radius in page pixels."""

    x: float
    y: float
    r: float

    @property
    def box(self) -> Box:
        """The square the ring is drawn in."""
        return Box(
            int(self.x - self.r),
            int(self.y - self.r),
            int(self.x + self.r) + 1,
            int(self.y + self.r) + 1,
        )

    def covers(self, box: Box, shrink: float = 1.0) -> bool:
        """Whether the centre of ``box`` lies within the ring (radius times ``shrink``)."""
        cx, cy = (box.left + box.right) / 2, (box.top + box.bottom) / 2
        return (cx - self.x) ** 2 + (cy - self.y) ** 2 <= (shrink * self.r) ** 2


#: The band of a ring's radius its ink is drawn in (the ring's strokes and the legend's
#: outer edge), painted out by :func:`erase_ring`.
RING_BAND = (0.85, 1.08)


def erase_ring(patch: np.ndarray, ring: Ring, left: int, top: int) -> np.ndarray:
    """A copy of ``patch`` (gray, white paper; its top-left corner at page pixel
    ``left``, ``top``) with the ring's band painted white: a text row the ring's arc only
    grazes (the signer's name under the seal) then reads on its own."""
    low, high = RING_BAND
    out = np.ascontiguousarray(patch).copy()
    thickness = max(1, round((high - low) * ring.r))
    centre = (round(ring.x) - left, round(ring.y) - top)
    cv2.circle(out, centre, round((low + high) / 2 * ring.r), 255, thickness)
    return out


def seal_rings(ink: np.ndarray, line_height: float) -> list[Ring]:
    """The seal rings of a page, given its ink mask (non-zero = ink) and line height."""
    if line_height <= 0 or min(ink.shape[:2]) < 8 * _SCALE:
        return []
    small = cv2.resize(
        (ink > 0).astype(np.uint8) * 255,
        (ink.shape[1] // _SCALE, ink.shape[0] // _SCALE),
        interpolation=cv2.INTER_AREA,
    )
    lo, hi = (int(f * line_height / _SCALE) for f in RADIUS_LINES)
    found = cv2.HoughCircles(
        cv2.GaussianBlur(255 - small, (5, 5), 0),
        cv2.HOUGH_GRADIENT,
        dp=1,
        minDist=2 * lo,
        param1=100,
        param2=30,
        minRadius=lo,
        maxRadius=hi,
    )
    if found is None:
        return []
    rings: list[Ring] = []
    mask = ink > 0
    for x, y, r in found[0][:24].tolist():
        x, y, r = x * _SCALE, y * _SCALE, r * _SCALE
        cover = _cover(mask, x, y, r)
        if NEAR_COVER <= cover < RING_COVER:
            x, y, r = _fit(mask, x, y, r)
            cover = _cover(mask, x, y, r)
        if cover < RING_COVER:
            continue
        ring = Ring(x, y, _outer(mask, x, y, r))
        if not any(
            (ring.x - o.x) ** 2 + (ring.y - o.y) ** 2 < max(o.r, ring.r) ** 2 for o in rings
        ):
            rings.append(ring)
    return rings


def _cover(mask: np.ndarray, x: float, y: float, r: float, band: float = 0.06) -> float:
    """Share of the angles at which ink lies within ``band`` * r of the circle."""
    height, width = mask.shape
    radii = np.linspace((1 - band) * r, (1 + band) * r, max(3, int(2 * band * r)))
    xs = (x + np.outer(np.cos(_ANGLES), radii)).astype(int)
    ys = (y + np.outer(np.sin(_ANGLES), radii)).astype(int)
    inside = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
    hit = np.zeros(xs.shape, dtype=bool)
    hit[inside] = mask[ys[inside], xs[inside]]
    return float(hit.any(axis=1).mean())


def _fit(mask: np.ndarray, x: float, y: float, r: float) -> tuple[float, float, float]:
    """The circle within a pixel of the small copy round (x, y, r) that ink covers most:
    the transform's centre is only as exact as the copy it ran on."""
    steps = (0, -_SCALE, _SCALE)  # the proposal itself first: it wins a tie
    cands = [(x + dx, y + dy, r + dr) for dx in steps for dy in steps for dr in steps]
    return max(cands, key=lambda c: _cover(mask, *c))


def _outer(mask: np.ndarray, x: float, y: float, r: float) -> float:
    """The radius of the outermost ring round the same centre (a seal has two or three:
    the transform may propose an inner one)."""
    best = r
    for rad in np.arange(r, 1.7 * r, 0.02 * r):
        if _cover(mask, x, y, rad, band=0.02) >= RING_COVER:
            best = float(rad)
    return best
