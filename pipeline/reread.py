"""A second reading of the places where the first lost print, with the page's own engine.

Layout decides what to read again (:func:`pipeline.layout.reread.places`: a lone page
number, a column of item numbers read as vertical text) and what of it to keep
(:func:`pipeline.layout.reread.merge`); this module reads: the places are cut out of the
image the first reading saw and stacked into one strip (a line height of white between
them), read in one call of the engine as a block of lines.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.document import Box, Page, Word
from pipeline.io import PageImage
from pipeline.layout.pageink import PageInk
from pipeline.layout.reread import Places, RereadConfig, merge, more_signature, places
from pipeline.ocr import OcrEngine
from pipeline.preprocess.rings import Ring, erase_ring
from pipeline.preprocess.sealmask import INK_LEVEL, SealStrokes, mask_seal, seal_strokes

#: Gray level above which a row read through a light (red or purple) seal is painted
#: white: the seal's ink scanned in gray lies at ~75-190, the print's strokes below.
PRINT_LEVEL = 100


def read_again(
    page: Page,
    pixels: np.ndarray,
    engine: OcrEngine,
    config: RereadConfig | None = None,
    *,
    ink: PageInk | None = None,
) -> Page:
    """``page`` with the print its first reading lost read again from ``pixels``.

    ``ink``: the :class:`~pipeline.layout.pageink.PageInk` of ``pixels`` when the caller
    shares one with the layout (recognize_page); else the second reading measures its own.
    """
    todo = places(page, PageInk.of(pixels, ink), config)
    if not todo.items:
        return page
    # Words cut at a stamp's frame are read in a strip of their own: Tesseract reads a
    # strip as one block, and what it makes of each place depends on the others in it.
    groups = [
        Places(items, todo.line_height)
        for items in (
            tuple(p for p in todo.items if p.word is not None),
            tuple(p for p in todo.items if p.word is None),
        )
        if items
    ]
    found = {
        id(place): words
        for group in groups
        for place, words in zip(group.items, read_places(group, pixels, engine, page), strict=True)
    }
    # rows beyond a seal that its arc grazes are read once more with the ring painted out,
    # rows through a light seal with its ink painted out, in a strip of their own (the
    # strip above reads as it did); the reading with more of the signature block is kept
    twins = Places(tuple(p for p in todo.items if p.erase_ring or p.light_seal), todo.line_height)
    if twins.items:
        for place, words in zip(
            twins.items, read_places(twins, pixels, engine, page, erase=True), strict=True
        ):
            found[id(place)] = more_signature(found[id(place)], words)
    # every row through a dark seal is read once more with the seal's own ink (ring
    # strokes, legend, stars) painted out and the print across it kept; again the reading
    # with more of the signature block is kept
    masked = Places(
        tuple(p for p in todo.items if p.ring is not None and not p.light_seal), todo.line_height
    )
    if masked.items:
        for place, words in zip(
            masked.items, read_places(masked, pixels, engine, page, mask=True), strict=True
        ):
            found[id(place)] = more_signature(found[id(place)], words)
    return merge(page, todo, [found[id(p)] for p in todo.items], config)


def read_places(
    todo: Places,
    pixels: np.ndarray,
    engine: OcrEngine,
    page: Page,
    *,
    erase: bool = False,
    mask: bool = False,
) -> list[list[Word]]:
    """Words of each place, in page coordinates, from one OCR call on a strip of them;
    ``erase``: with the ring of each place marked ``erase_ring`` painted out, and the
    light ink of each marked ``light_seal``; ``mask``: with the seal's own ink of each
    place through a ring painted out (:func:`pipeline.preprocess.sealmask.mask_seal`)."""
    gray = pixels.mean(axis=2).astype(np.uint8) if pixels.ndim == 3 else pixels
    strokes: dict[Ring, SealStrokes] = {}
    height, width = gray.shape
    margin = int(todo.line_height)
    clipped = [
        Box(c.box.left, c.box.top, min(width, c.box.right), min(height, c.box.bottom))
        for c in todo.items
    ]
    strip_w = max(b.width for b in clipped) + 2 * margin
    strip_h = sum(b.height for b in clipped) + margin * (len(clipped) + 1)
    strip = np.full((strip_h, strip_w), 255, dtype=np.uint8)
    slots: list[tuple[int, int]] = []  # top of each place in the strip, its height
    y = margin
    for place, b in zip(todo.items, clipped, strict=True):
        patch = gray[b.top : b.bottom, b.left : b.right]
        if erase and place.erase_ring and place.ring is not None:
            patch = erase_ring(patch, place.ring, b.left, b.top)
        if erase and place.light_seal:
            patch = np.where(patch > PRINT_LEVEL, 255, patch).astype(np.uint8)
        if mask and place.ring is not None and place.band is not None:
            if place.ring not in strokes:
                strokes[place.ring] = seal_strokes(gray < INK_LEVEL, place.ring)
            patch = mask_seal(patch, strokes[place.ring], b.left, b.top, place.band)
        strip[y : y + b.height, margin : margin + b.width] = patch
        slots.append((y, b.height))
        y += b.height + margin
    result = engine.recognize(PageImage("reread", page.index, page.dpi, strip), block=True)
    found: list[list[Word]] = [[] for _ in todo.items]
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
