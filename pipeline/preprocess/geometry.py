"""Where a pixel of the preprocessed page came from on the scan.

Preprocessing may reduce, warp (a photo's page outline), rescale, turn and deskew the
page; Tesseract's word boxes are in the pixels of the result. Each geometric stage's
mapping is a 3x3 matrix on pixel coordinates (exact to half a pixel); their product maps
the scan to the result, and its inverse takes a box back to the scan (the report draws
it there).
"""

from __future__ import annotations

import numpy as np

Matrix = np.ndarray  # 3x3 float64


def identity() -> Matrix:
    return np.eye(3)


def scaling(before: tuple[int, int], after: tuple[int, int]) -> Matrix:
    """Resize from ``before`` to ``after`` (height, width: numpy shapes)."""
    (h0, w0), (h1, w1) = before, after
    return np.diag([w1 / w0, h1 / h0, 1.0])


def quarter_turn(angle: int, shape: tuple[int, int]) -> Matrix:
    """A clockwise turn by 0/90/180/270 degrees of an image of ``shape`` (height, width)."""
    h, w = shape
    turns = {
        0: [[1, 0, 0], [0, 1, 0]],
        90: [[0, -1, h], [1, 0, 0]],
        180: [[-1, 0, w], [0, -1, h]],
        270: [[0, 1, 0], [-1, 0, w]],
    }
    return np.vstack([np.array(turns[angle % 360], dtype=float), [0.0, 0.0, 1.0]])


def affine(m: np.ndarray) -> Matrix:
    """A 2x3 OpenCV affine matrix as 3x3."""
    return np.vstack([np.asarray(m, dtype=float), [0.0, 0.0, 1.0]])


def to_tuple(m: Matrix) -> tuple[float, ...]:
    """Row-major, rounded: small enough for JSON, exact enough for pixels."""
    return tuple(round(float(v), 9) for v in np.asarray(m, dtype=float).ravel())
