"""Bent text lines made straight: a phone photo of a curled or sagging sheet.

Deskewing turns the page as a whole; on a photo the lines still bow (the sheet curls
near the binding, sags in the hand) and Tesseract, which reads a line as a straight
strip, cuts through the letters. Each text line is found as a run of ink joined along
the line and its middle traced by a polynomial; every column is then shifted up or down
so that each line lies at the height it has in the middle of the page, the shift between
two lines interpolated linearly. A page whose lines are straight (the median line bows
less than ``PreprocessConfig.dewarp_min_bend``, 0.25 x-heights; 0.07-0.20 on every scan
and born-digital page measured, 0.8 on a phone photo of a curled sheet) is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.preprocess.components import connected


@dataclass(frozen=True, slots=True)
class LineCurve:
    """One text line: its horizontal extent (px) and its middle as a polynomial y(x)."""

    left: float
    right: float
    poly: np.ndarray

    def y(self, x: np.ndarray | float) -> np.ndarray:
        """The line's middle at ``x``, held level beyond its ends."""
        return np.polyval(self.poly, np.clip(x, self.left, self.right))


def line_curves(gray: np.ndarray, x_height: float) -> list[LineCurve]:
    """The text lines of a gray page (dark ink on light paper) whose letters ``x_height``
    px high: letters joined along the line, blobs at least 6 x-heights long and at most
    3 high, each traced every half x-height and fitted (a parabola when the line is
    longer than 20 x-heights, else a straight line; outliers refitted away)."""
    window = max(15, int(round(2.5 * x_height)) | 1)
    ink = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, window, 15
    )
    along = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(1.2 * x_height)), 1))
    joined = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, along)
    thin = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(1, int(0.3 * x_height))))
    joined = cv2.morphologyEx(joined, cv2.MORPH_OPEN, thin)  # hairlines and rules go
    n, labels, stats, _ = connected(joined)
    step = max(2, int(x_height / 2))
    out: list[LineCurve] = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i].tolist()
        if w < 6 * x_height or not 0.5 * x_height <= h <= 3 * x_height:
            continue
        blob = labels[y : y + h, x : x + w : step] == i  # every half x-height
        inked = blob.any(axis=0)
        if inked.sum() < 6:
            continue
        top = blob.argmax(axis=0)
        bottom = h - 1 - blob[::-1].argmax(axis=0)
        ax = (x + step * np.arange(blob.shape[1]))[inked].astype(float)
        ay = (y + (top + bottom) / 2.0)[inked]
        deg = 2 if w > 20 * x_height else 1
        poly = np.polyfit(ax, ay, deg)
        keep = np.abs(np.polyval(poly, ax) - ay) < max(2.0, 0.4 * x_height)
        if keep.sum() >= 6:
            poly = np.polyfit(ax[keep], ay[keep], deg)
        out.append(LineCurve(float(x), float(x + w), poly))
    return out


def bend(curves: list[LineCurve], x_height: float) -> float:
    """How far the median line bows over its length, in x-heights."""
    if not curves:
        return 0.0
    rises = [np.ptp(c.y(np.linspace(c.left, c.right, 20))) for c in curves]
    return float(np.median(rises)) / x_height


def source_rows(
    curves: list[LineCurve], shape: tuple[int, int], x_height: float, grid: int = 16
) -> np.ndarray:
    """For every output pixel, the row of the input it is taken from (float32, ``shape``).

    On a grid every ``grid`` px: in each column, each line that reaches it (within two
    x-heights) moves from its height there to its height in the middle of the page; the
    rows between lines move by the interpolated amount, those above the first or below
    the last line by that line's amount. Smoothed across columns.
    """
    h, w = shape
    middle = w / 2.0
    gx = np.arange(0, w + grid, grid, dtype=np.float64)
    gy = np.arange(0, h + grid, grid, dtype=np.float64)
    rows = np.repeat(gy[:, None], len(gx), axis=1)
    for j, x in enumerate(gx):
        pairs = sorted(
            (float(c.y(middle)), float(c.y(x)))
            for c in curves
            if c.left - 2 * x_height <= x <= c.right + 2 * x_height
        )
        if len(pairs) < 2:
            continue
        level = np.array([a for a, _ in pairs])
        here = np.array([b for _, b in pairs])
        rows[:, j] = gy + np.interp(gy, level, here - level)
    rows = cv2.GaussianBlur(rows.astype(np.float32), (0, 0), 1.5)
    size = (len(gx) * grid, len(gy) * grid)
    return cv2.resize(rows, size, interpolation=cv2.INTER_LINEAR)[:h, :w]


def dewarp(
    gray: np.ndarray, curves: list[LineCurve], x_height: float, scale: float = 1.0
) -> np.ndarray:
    """``gray`` with its text lines straightened along ``curves``.

    ``curves`` and ``x_height`` may be measured on a copy ``scale`` times the size of
    ``gray`` (the lines are found on a reduced page: it is cheaper and the bend the same).
    """
    h, w = gray.shape[:2]
    sh, sw = max(1, round(h * scale)), max(1, round(w * scale))
    rows = source_rows(curves, (sh, sw), x_height, grid=8)
    if scale != 1.0:
        rows = cv2.resize(rows, (w, h), interpolation=cv2.INTER_LINEAR) / scale
    cols = np.repeat(np.arange(w, dtype=np.float32)[None, :], h, axis=0)
    return cv2.remap(gray, cols, rows, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
