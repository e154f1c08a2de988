"""A second look, on the page image, where the first OCR pass lost printed text.

Tesseract's page segmentation drops some print outright: a lone page number ("2" in a
corner), a column of item numbers taken for vertical text and read as garbage ("1." to
"9." read "8. G2 Đà. UOI. ..." bottom up). The layout stage sees both on the first pass's
boxes and ink, so it cuts just those places out of the image and reads them again in one
Tesseract call: the crops are stacked into one strip, each crop a line of its own.

What the second look finds is kept only where it is sure (word confidence) and, for a
line read again, only where the new reading still holds the old one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz.distance import Levenshtein

from pipeline.document import Box, Line, Page, Word, enclosing
from pipeline.io import PageImage

if TYPE_CHECKING:
    from pipeline.ocr import OcrEngine

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RereadConfig:
    """Limits of the second look."""

    max_crops: int = 12  # places read again per page (largest lost ink first)
    min_conf: float = 0.6  # a word found on the second look is kept at this confidence
    keep_old: float = 0.7  # a line read again must match its old text this well (0-1)


@dataclass(frozen=True, slots=True)
class _Crop:
    """A place to read again: ``line`` is the index of the line it replaces, or None for
    text the first pass did not find at all; ``drop`` is a line the new reading replaces
    too (the stacked column the item numbers were read into)."""

    box: Box
    line: int | None
    drop: int | None = None


def reread(
    page: Page,
    pixels: np.ndarray,
    engine: OcrEngine,
    line_height: float,
    config: RereadConfig | None = None,
) -> Page:
    """The page with its lost print read again from ``pixels`` (the image OCR saw)."""
    cfg = config or RereadConfig()
    lines = list(page.lines)
    if not lines or any(ln.box is None for ln in lines):
        return page
    crops = _stack_crops(lines, line_height) + _lost_ink_crops(lines, pixels, line_height)
    crops = crops[: cfg.max_crops]
    if not crops:
        return page
    found = _read(crops, pixels, engine, page, line_height)
    out: list[Line | None] = list(lines)
    new: list[Line] = []
    next_block = max(ln.block for ln in lines) + 1
    for crop, words in zip(crops, found, strict=True):
        if crop.line is None:
            sure = tuple(
                w
                for w in words
                if (w.conf or 0.0) >= cfg.min_conf and any(c.isalnum() for c in w.text)
            )
            if sure:
                new.append(Line(sure, enclosing(w.box for w in sure), block=next_block, par=1))
                next_block += 1
            continue
        old = lines[crop.line]
        if not _better(old, words, cfg):
            continue
        out[crop.line] = replace(old, words=tuple(words), box=enclosing(w.box for w in words))
        if crop.drop is not None:
            out[crop.drop] = None
    kept = [ln for ln in out if ln is not None]
    for line in new:
        kept.insert(_position(kept, line), line)
    if len(kept) == len(lines) and all(a is b for a, b in zip(kept, lines, strict=True)):
        return page
    log.debug("page %d: %d places read again", page.index, len(crops))
    return replace(page, lines=tuple(kept))


def _better(old: Line, words: list[Word], cfg: RereadConfig) -> bool:
    """The new reading of a line keeps the old text and adds to it, read surely."""
    if not words:
        return False
    text = " ".join(w.text for w in words)
    confs = [w.conf for w in words if w.conf is not None]
    if confs and sum(confs) / len(confs) < cfg.min_conf:
        return False
    alnum = sum(c.isalnum() for c in text)
    if alnum <= sum(c.isalnum() for c in old.text):
        return False
    return Levenshtein.normalized_similarity(old.text, text) >= cfg.keep_old


def _position(lines: list[Line], line: Line) -> int:
    """Where a found line goes: before the first line that starts below its middle."""
    assert line.box is not None
    mid = (line.box.top + line.box.bottom) / 2
    for k, other in enumerate(lines):
        if other.box is not None and other.box.top > mid:
            return k
    return len(lines)


def stacked(line: Line, lh: float) -> bool:
    """A "line" of three or more words stacked one above the other in a narrow column:
    Tesseract's vertical-text reading of a column of item numbers."""
    box = line.box
    if box is None or len(line.words) < 3 or box.height < 3 * lh or box.width > 2 * lh:
        return False
    tops = sorted(w.box.top for w in line.words if w.box is not None)
    return all(b - a >= 0.5 * lh for a, b in zip(tops, tops[1:], strict=False))


def _stack_crops(lines: list[Line], lh: float) -> list[_Crop]:
    """Each line that starts just right of a stacked column, read again with the column's
    part beside it (its item number)."""
    crops: list[_Crop] = []
    pad = int(0.3 * lh)
    for s, col in enumerate(lines):
        if not stacked(col, lh):
            continue
        cb = col.box
        assert cb is not None
        for i, line in enumerate(lines):
            box = line.box
            if i == s or box is None or stacked(line, lh):
                continue
            mid = (box.top + box.bottom) / 2
            if not (cb.top - 2 * lh <= mid <= cb.bottom + 2 * lh):
                continue
            if not (-lh <= box.left - cb.right <= 2 * lh):
                continue
            crop = Box(
                max(0, cb.left - pad), max(0, box.top - pad), box.right + pad, box.bottom + pad
            )
            crops.append(_Crop(crop, i, drop=s))
    return crops


def _lost_ink_crops(lines: list[Line], pixels: np.ndarray, lh: float) -> list[_Crop]:
    """Letter-sized ink that no word box covers and no line reaches, grouped into lines of
    their own (a lone page number, a line the first pass skipped)."""
    from pipeline.preprocess.light import otsu_ink  # the preprocess package owns OpenCV
    from pipeline.preprocess.scale import components

    gray = pixels.mean(axis=2).astype(np.uint8) if pixels.ndim == 3 else pixels
    k = max(1, int(lh // 12))  # letters stay 12 px or more: the rest is not needed
    small = gray[::k, ::k]
    ink = otsu_ink(small)
    pad = 0.3 * lh
    for ln in lines:
        for w in ln.words:
            if w.box is not None:
                t, b = int((w.box.top - pad) / k), int((w.box.bottom + pad) / k) + 1
                le, r = int((w.box.left - pad) / k), int((w.box.right + pad) / k) + 1
                ink[max(0, t) : b, max(0, le) : r] = 0
    stats, _ = components(ink)
    boxes: list[Box] = []
    frames: list[Box] = []  # seal rings, signatures, table rules: what they enclose is not lost
    for x, y, w, h, area in stats.tolist():
        x, y, w, h = k * x, k * y, k * w, k * h
        if w >= 4 * lh and h >= 4 * lh:
            frames.append(Box(x, y, x + w, y + h))
        if not (0.5 * lh <= h <= 2 * lh and 0.2 * lh <= w <= 20 * lh):
            continue
        if area * k * k > 0.8 * w * h:  # a solid block, not a letter
            continue
        boxes.append(Box(x, y, x + w, y + h))
    groups = _group(boxes, lh)
    crops: list[_Crop] = []
    for box in sorted(groups, key=lambda b: -b.width * b.height):
        if any(_near(box, ln.box, lh) for ln in lines if ln.box is not None):
            continue  # beside a line: its lost letters are the line's business, not a line
        if any(_inside(box, f) for f in frames):
            continue  # a seal's inner text, a table cell: not for a second look
        p = int(0.4 * lh)
        crops.append(
            _Crop(
                Box(max(0, box.left - p), max(0, box.top - p), box.right + p, box.bottom + p), None
            )
        )
    return crops


def _group(boxes: list[Box], lh: float) -> list[Box]:
    """Boxes merged into lines: side by side (overlapping rows) and less than a line height
    apart."""
    groups: list[Box] = []
    for box in sorted(boxes, key=lambda b: (b.top, b.left)):
        for k, g in enumerate(groups):
            rows = min(g.bottom, box.bottom) - max(g.top, box.top)
            gap = max(g.left, box.left) - min(g.right, box.right)
            if rows > 0.3 * min(g.height, box.height) and gap < lh:
                groups[k] = g.union(box)
                break
        else:
            groups.append(box)
    return groups


def _inside(box: Box, frame: Box) -> bool:
    """Whether ``box`` lies within ``frame``'s bounds."""
    return (
        box.left >= frame.left
        and box.right <= frame.right
        and box.top >= frame.top
        and box.bottom <= frame.bottom
    )


def _near(box: Box, line: Box, lh: float) -> bool:
    """Whether ``box`` shares rows with ``line`` and lies within two line heights of it."""
    rows = min(box.bottom, line.bottom) - max(box.top, line.top)
    gap = max(box.left, line.left) - min(box.right, line.right)
    return rows > 0.3 * box.height and gap < 2 * lh


def _read(
    crops: list[_Crop], pixels: np.ndarray, engine: OcrEngine, page: Page, lh: float
) -> list[list[Word]]:
    """Words of each crop, in page coordinates: the crops are stacked into one strip (a
    line height of white between them) and read in one OCR call."""
    gray = pixels.mean(axis=2).astype(np.uint8) if pixels.ndim == 3 else pixels
    height, width = gray.shape
    margin = int(lh)
    clipped = [
        Box(c.box.left, c.box.top, min(width, c.box.right), min(height, c.box.bottom))
        for c in crops
    ]
    strip_w = max(b.width for b in clipped) + 2 * margin
    strip_h = sum(b.height for b in clipped) + margin * (len(clipped) + 1)
    strip = np.full((strip_h, strip_w), 255, dtype=np.uint8)
    slots: list[tuple[int, int]] = []  # top of each crop in the strip, its height
    y = margin
    for b in clipped:
        strip[y : y + b.height, margin : margin + b.width] = gray[
            b.top : b.bottom, b.left : b.right
        ]
        slots.append((y, b.height))
        y += b.height + margin
    result = engine.recognize(PageImage("reread", page.index, page.dpi, strip))
    found: list[list[Word]] = [[] for _ in crops]
    for line in result.lines:
        for w in line.words:
            if w.box is None:
                continue
            mid = (w.box.top + w.box.bottom) / 2
            for k, (top, h) in enumerate(slots):
                if top <= mid < top + h:
                    dx, dy = clipped[k].left - margin, clipped[k].top - top
                    box = Box(
                        max(0, w.box.left + dx),
                        max(0, w.box.top + dy),
                        max(0, w.box.right + dx),
                        max(0, w.box.bottom + dy),
                    )
                    found[k].append(replace(w, box=box))
                    break
    for words in found:
        words.sort(key=lambda w: w.box.left if w.box else 0)
    return found
