"""Line geometry: split lines at column gaps, measure the text frame and the gutter.

Everything here works on Tesseract's word boxes (pixels of the image OCR saw), so the
layout stage costs no second OCR pass.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from statistics import median

from pipeline.document import Box, Line, Word, enclosing


@dataclass(frozen=True, slots=True)
class Frame:
    """Where the text of a page lies: left/right edges, gutter, typical line height."""

    left: float
    right: float
    gutter: float
    line_height: float
    #: Left edges that three or more confidently read lines start at (the margin, the
    #: paragraph indent, a list's hanging indent): text there is print, not a margin note.
    edges: tuple[float, ...] = ()

    @property
    def width(self) -> float:
        """Width of the text frame (at least one pixel)."""
        return max(1.0, self.right - self.left)

    @property
    def center(self) -> float:
        """Horizontal centre of the text frame."""
        return (self.left + self.right) / 2

    def at_edge(self, x: float) -> bool:
        """Whether ``x`` is the text's left margin or another left edge of printed lines."""
        tol = 0.5 * self.line_height
        return abs(x - self.left) <= tol or any(abs(x - e) <= tol for e in self.edges)


def split_line(line: Line, min_gap: float) -> list[Line]:
    """Cut a line at gaps wider than ``min_gap``; a line without boxes stays whole."""
    words = line.words
    if len(words) < 2 or any(w.box is None for w in words):
        return [line]
    groups: list[list[Word]] = [[words[0]]]
    for prev, word in zip(words, words[1:], strict=False):
        assert prev.box is not None and word.box is not None
        if word.box.left - prev.box.right > min_gap:
            groups.append([word])
        else:
            groups[-1].append(word)
    if len(groups) == 1:
        return [line]
    return [replace(line, words=tuple(g), box=enclosing(w.box for w in g)) for g in groups]


def widest_gap_center(segs: list[Line]) -> float:
    """Centre of the widest gap between consecutive segments of a split line."""
    best = max(
        zip(segs, segs[1:], strict=False),
        key=lambda p: _left(p[1]) - _right(p[0]),
    )
    return (_right(best[0]) + _left(best[1])) / 2


def _left(line: Line) -> float:
    return line.box.left if line.box else 0.0


def _right(line: Line) -> float:
    return line.box.right if line.box else 0.0


def line_height(lines: list[Line]) -> float:
    """Median word height of the page's words of two letters or more (x-height + marks)."""
    heights = [
        w.box.height
        for ln in lines
        for w in ln.words
        if w.box is not None and len(w.text) >= 2 and w.box.height > 0
    ]
    return float(median(heights)) if heights else 20.0


def text_frame(lines: list[Line], page_width: int) -> tuple[float, float]:
    """Left and right edges of the main text: the edges most long lines share.

    The 20th percentile of the left edges of lines at least half the widest line's width
    (the body's margin; indented first lines do not move it) and the 90th of their right
    edges; a page of short lines falls back to all lines.
    """
    boxes = [ln.box for ln in lines if ln.box is not None]
    if not boxes:
        return 0.0, float(page_width)
    widest = max(b.width for b in boxes)
    long_ = [b for b in boxes if b.width >= 0.5 * widest] or boxes
    lefts = sorted(b.left for b in long_)
    rights = sorted(b.right for b in long_)
    return float(lefts[int(0.2 * (len(lefts) - 1))]), float(rights[int(0.9 * (len(rights) - 1))])


def box_center_x(box: Box) -> float:
    """Horizontal centre of a box."""
    return (box.left + box.right) / 2


def centred_in(box: Box, frame: Box) -> bool:
    """Whether the centre of ``box`` lies within ``frame``: a word belongs to a stamp or a
    seal's row by where its middle is, since OCR's boxes often spill over the frame."""
    cx, cy = (box.left + box.right) / 2, (box.top + box.bottom) / 2
    return frame.left <= cx <= frame.right and frame.top <= cy <= frame.bottom


def left_edges(lines: list[Line], line_height: float, min_lines: int = 3) -> tuple[float, ...]:
    """Left edges shared by ``min_lines`` or more lines read surely (every word at 0.8 or
    more): where printed lines start. Each edge is the median of its lines' left x."""
    tol = 0.5 * line_height
    xs = sorted(
        ln.box.left
        for ln in lines
        if ln.box is not None and ln.words and all((w.conf or 0.0) >= 0.8 for w in ln.words)
    )
    edges: list[float] = []
    k = 0
    while k < len(xs):
        j = k
        while j + 1 < len(xs) and xs[j + 1] - xs[k] <= tol:
            j += 1
        if j - k + 1 >= min_lines:
            edges.append(float(median(xs[k : j + 1])))
        k = j + 1
    return tuple(edges)
