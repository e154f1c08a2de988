"""Where the first OCR pass lost printed text, and what of a second reading to keep.

Tesseract's page segmentation drops some print outright: a lone page number ("2" in a
corner), a column of item numbers taken for vertical text and read as garbage ("1." to
"9." read "8. G2 Đà. UOI. ..." bottom up). Layout sees both on the first pass's boxes and
ink, so it names just those places (:func:`places`); :mod:`pipeline.reread` reads them
again with the page's OCR engine, and :func:`merge` puts back what that reading found.

What the second reading finds is kept only where it is sure (word confidence) and, for a
line read again, only where the new reading still holds the old one.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz.distance import Levenshtein

from pipeline.anatomy import (
    RECIPIENTS_START,
    SIGNATURE_WORDS,
    TITLE_WORDS,
    is_signature_word,
    letters,
)
from pipeline.document import Box, Line, Page, Word, enclosing
from pipeline.layout.geometry import centred_in, line_height
from pipeline.layout.pageink import PageInk
from pipeline.lexicon import is_valid_syllable
from pipeline.preprocess.rings import Ring
from pipeline.vietnamese import fold_key

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RereadConfig:
    """Limits of the second look."""

    max_crops: int = 12  # places read again per page (largest lost ink first)
    min_conf: float = 0.6  # a word found on the second look is kept at this confidence
    keep_old: float = 0.7  # a line read again must match its old text this well (0-1)


@dataclass(frozen=True, slots=True)
class Place:
    """A place to read again: ``line`` is the index of the line it replaces, or None for
    text the first pass did not find at all; ``drop`` is a line the new reading replaces
    too (the stacked column the item numbers were read into); ``word``: only that word of
    the line is replaced (a word run together with a stamp's print across its frame)."""

    box: Box
    line: int | None
    drop: int | None = None
    word: int | None = None
    #: a seal's ring the place (a row of a signature block) runs through: what is read
    #: there replaces the first reading's words when it holds more of a signature block
    ring: Ring | None = None
    #: the row lies beyond the ring, whose arc only grazes it: it is read once more with
    #: the ring painted out (through the ring that would cut its letters), and the reading
    #: with more of a signature block is kept (:func:`more_signature`)
    erase_ring: bool = False
    #: the seal's ink is lighter than the print (a colour seal scanned in gray): the row is
    #: read once more with that light ink painted white, the reading with more of a
    #: signature block kept
    light_seal: bool = False
    #: the row's text band (top and bottom page rows) a row through a seal was found in:
    #: within the seal, the ink reaching out of it is the seal's (legend, stars)
    band: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Places:
    """The places of one page to read again, and the page's line height (px)."""

    items: tuple[Place, ...]
    line_height: float


def places(page: Page, ink: PageInk, config: RereadConfig | None = None) -> Places:
    """Where ``page`` (read from ``ink.pixels``) lost print, largest lost ink first."""
    cfg = config or RereadConfig()
    pixels = ink.pixels
    lines = list(page.lines)
    if not lines or page.width <= 0 or any(ln.box is None for ln in lines):
        return Places((), 0.0)
    if pixels.shape[:2] != (page.height, page.width):
        return Places((), 0.0)
    lh = line_height(lines)
    rows = _ring_rows(lines, pixels, lh)
    lost = [  # lost ink in a row through a seal is read with the row
        c
        for c in _lost_ink_crops(lines, pixels, lh)
        if not any(centred_in(c.box, r.box) for r in rows)
    ]
    found = _straddle_crops(lines, ink, lh) + rows + _stack_crops(lines, lh) + lost
    return Places(tuple(found[: cfg.max_crops]), lh)


def merge(
    page: Page, todo: Places, found: list[list[Word]], config: RereadConfig | None = None
) -> Page:
    """``page`` with what the second reading ``found`` at each place (page coordinates)."""
    cfg = config or RereadConfig()
    lines = list(page.lines)
    out: list[Line | None] = list(lines)
    new: list[Line] = []
    next_block = max(ln.block for ln in lines) + 1
    swaps: dict[int, dict[int, tuple[Word, ...]]] = {}  # line -> word -> what replaces it
    for crop, words in zip(todo.items, found, strict=True):
        if crop.ring is not None:
            row = _ring_row(out, crop, words)
            if row is not None:
                new.append(replace(row, block=next_block, par=1))
                next_block += 1
            continue
        if crop.word is not None and crop.line is not None:
            sure = tuple(w for w in words if (w.conf or 0.0) >= cfg.min_conf and _wordy(w))
            if sure:
                swaps.setdefault(crop.line, {})[crop.word] = sure
            continue
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
    for i, by_word in swaps.items():
        line = out[i]
        if line is None or line is not lines[i]:
            continue  # the whole line was read again or dropped
        words = tuple(x for k, w in enumerate(line.words) for x in by_word.get(k, (w,)))
        out[i] = replace(line, words=words, box=enclosing(w.box for w in words))
    kept = [ln for ln in out if ln is not None and ln.words]
    for line in new:
        kept.insert(_position(kept, line), line)
    if len(kept) == len(lines) and all(a is b for a, b in zip(kept, lines, strict=True)):
        return page
    log.debug("page %d: %d places read again", page.index, len(todo.items))
    return replace(page, lines=tuple(kept))


def _wordy(word: Word) -> bool:
    """A word with a letter or digit in it (not a rule's dash, a speck's dot)."""
    return any(c.isalnum() for c in word.text)


def _straddle_crops(lines: list[Line], ink: PageInk, lh: float) -> list[Place]:
    """Words Tesseract ran together with a receipt stamp's print across the stamp's frame
    ("chuyên trách" + the frame + "CỔNG" read as one word "Tang"): the part outside the
    frame is read again on its own, so the body keeps its word and the stamp its print.
    Only where at least half a line height of the word lies on each side of the edge."""
    from pipeline.layout.marks import stamp_frames

    frames = stamp_frames(lines, ink, lh)
    crops: list[Place] = []
    edge = int(0.15 * lh)  # the frame's rule is left out of the crop
    for i, line in enumerate(lines):
        for k, w in enumerate(line.words):
            b = w.box
            if b is None:
                continue
            for f in frames:
                mid = (b.top + b.bottom) / 2
                if not f.top <= mid <= f.bottom:
                    continue
                if b.left <= f.left - 0.5 * lh and b.right >= f.left + 0.5 * lh:
                    crops.append(Place(Box(b.left, b.top, f.left - edge, b.bottom), i, word=k))
                elif b.left <= f.right - 0.5 * lh and b.right >= f.right + 0.5 * lh:
                    crops.append(Place(Box(f.right + edge, b.top, b.right, b.bottom), i, word=k))
                else:
                    continue
                break
    return crops


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


def _stack_crops(lines: list[Line], lh: float) -> list[Place]:
    """Each line that starts just right of a stacked column, read again with the column's
    part beside it (its item number)."""
    crops: list[Place] = []
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
            crops.append(Place(crop, i, drop=s))
    return crops


def _lost_ink_crops(lines: list[Line], pixels: np.ndarray, lh: float) -> list[Place]:
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
    crops: list[Place] = []
    for box in sorted(groups, key=lambda b: -b.width * b.height):
        if any(_near(box, ln.box, lh) for ln in lines if ln.box is not None):
            continue  # beside a line: its lost letters are the line's business, not a line
        if any(_inside(box, f) for f in frames):
            continue  # a seal's inner text, a table cell: not for a second look
        p = int(0.4 * lh)
        crops.append(
            Place(
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


#: A row right of a seal's ring holds text when this share of its width is ink.
_ROW_INK = 0.03
#: A row's text band is its inked rows and this much of a line height above and below.
_BAND_SLACK = 0.1
#: The largest seal radius (line heights) whose whole ring the search near a signature
#: block is sure to see: inside rings.RADIUS_LINES (2.5-8), above the common 35-42 mm
#: seal over 13-14 pt text (~5). A larger ring centred away from the block's lines can
#: be cut at the band's edge and fall short of rings.RING_COVER. The band bounds the
#: circle search's cost, which grows with its height.
FULL_RING_RADIUS = 6.0
#: How far (line heights) above and below a signature block's lines its seal is looked
#: for: a ring that runs through the block lies within one diameter of its lines.
SEAL_REACH = 2 * FULL_RING_RADIUS
#: Gray levels below the paper's at which a seal's ink is looked for: a red seal scanned
#: in gray lies at ~150-190 on ~240 paper, the print near 0 (a bitonal page: 0 and 255,
#: so the same mask as Otsu's).
SEAL_CONTRAST = 40


def _ring_rows(lines: list[Line], pixels: np.ndarray, lh: float) -> list[Place]:
    """The text rows of a signature block a seal is printed over, each to be read again
    on its own: Tesseract's page segmentation loses the title and the name where the ring
    and the signer's strokes join them ("KT. THỦ TƯỚNG" read as "TƯỚNG"), and a row cut
    out alone reads far better. Rows are found from the ink right of the ring (the title
    and name run out of it), within 1.6 radii above and below its centre."""
    from pipeline.preprocess.light import otsu_ink  # the preprocess package owns OpenCV
    from pipeline.preprocess.rings import seal_rings

    marks = [ln.box for ln in lines if ln.box is not None and _signature_line(ln)]
    if not marks:
        return []
    gray = pixels.mean(axis=2).astype(np.uint8) if pixels.ndim == 3 else pixels
    height, width = gray.shape
    ink = otsu_ink(gray) > 0
    # only near the block's lines are circles looked for (a long page's text costs the
    # circle search most of its time)
    y0 = max(0, int(min(b.top for b in marks) - SEAL_REACH * lh))
    y1 = min(height, int(max(b.bottom for b in marks) + SEAL_REACH * lh))
    near = np.zeros_like(ink)
    near[y0:y1] = ink[y0:y1]
    rings = [r for r in seal_rings(near, lh) if _signature_near(lines, r)]
    light = False
    band = gray[y0:y1]
    if not rings and ((band > 0) & (band < 255)).any():  # a bitonal page has no light seal
        # a red or purple seal scanned in gray is lighter than the print (Otsu leaves it
        # out): its ring is looked for in all ink darker than the paper by SEAL_CONTRAST
        near[y0:y1] = band < float(np.percentile(band, 90)) - SEAL_CONTRAST
        rings = [r for r in seal_rings(near, lh) if _signature_near(lines, r)]
        light = True
    right = min(width, int(max(ln.box.right for ln in lines if ln.box) + 0.5 * lh))
    pad = int(0.25 * lh)
    out: list[Place] = []
    for ring in rings:
        x0 = int(ring.x + ring.r + 0.2 * lh)
        top, bottom = max(0, int(ring.y - 1.6 * ring.r)), min(height, int(ring.y + 1.6 * ring.r))
        if right - x0 < 2 * lh or bottom <= top:
            continue
        rows = ink[top:bottom, x0:right].sum(axis=1) > max(3, _ROW_INK * (right - x0))
        for t, b in _text_rows(_runs(rows), lines, top, x0, lh):
            if 0.45 * lh <= b - t < 0.75 * lh:
                # only the end of the row runs out of the ring, maybe in small letters
                # ("Tô Quốc Nam": "am"): its capitals reach a line height's share higher
                t = max(0, b - math.ceil(0.75 * lh))
            if 0.75 * lh <= b - t <= 1.8 * lh:
                box = Box(
                    max(0, int(ring.x - 1.1 * ring.r)),
                    max(0, top + t - pad),
                    right,
                    min(height, top + b + pad),
                )
                beyond = abs(top + (t + b) / 2 - ring.y) > ring.r
                m = int(_BAND_SLACK * lh)
                text = (top + t - m, top + b + m)
                out.append(
                    Place(box, None, ring=ring, erase_ring=beyond, light_seal=light, band=text)
                )
    return out


def _text_rows(
    runs: list[tuple[int, int]], lines: list[Line], top: int, x0: int, lh: float
) -> list[tuple[int, int]]:
    """The runs of inked rows right of a seal (from page column ``x0``), a run too tall
    for one row (the signer's pen strokes run into the name below them) cut to the first
    reading's lines within it that reach there and hold a signature block's word (not the
    pen strokes read as junk, not the recipients' column)."""
    out: list[tuple[int, int]] = []
    for t, b in runs:
        if b - t <= 1.8 * lh:
            out.append((t, b))
            continue
        for ln in lines:
            box = ln.box
            if box is None or box.right <= x0 or not t <= (box.top + box.bottom) / 2 - top < b:
                continue
            if any(is_signature_word(w.text) for w in ln.words):
                out.append((max(t, box.top - top), min(b, box.bottom - top)))
    return out


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of True."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], flags.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _signature_near(lines: list[Line], ring: Ring) -> bool:
    """Whether a signature block is beside the ring: a signature line (below) within
    two radii of its centre (a seal stamped over body text is left alone)."""
    return any(
        ln.box is not None
        and abs((ln.box.top + ln.box.bottom) / 2 - ring.y) <= 2 * ring.r
        and _signature_line(ln)
        for ln in lines
    )


def _signature_line(line: Line) -> bool:
    """A "Nơi nhận" line, or a line with a capital title word (TƯỚNG, TRƯỞNG, NHIỆM):
    pages without one (most pages of a long document) are not searched for seals."""
    if RECIPIENTS_START.match(fold_key(line.text.strip())):
        return True
    for w in line.words:
        core = letters(w.text)
        if len(core) >= 3 and core.isupper() and fold_key(core) in SIGNATURE_WORDS:
            return True
    return False


def more_signature(first: list[Word], again: list[Word]) -> list[Word]:
    """Of two readings of a signature row, the one holding more of a signature block (the
    first when they hold as much): "_“"*#[ê Thành Long" read again with the seal's ring
    painted out is "Lê Thành Long"; a name the ring's band crosses loses its letters."""
    return again if _signature_letters(again) > _signature_letters(first) else first


def _signature_letters(words: list[Word]) -> int:
    """Letters of a signature block in ``words``, as printed: junk read from a seal counts
    nothing, nor a capitalised piece of it ("Zä", "Gmzrran": a name's word is a
    Vietnamese syllable), nor a title word with a wrong mark ("PHỢ")."""
    return sum(len(core) for w in words if _printed_signature_word(core := letters(w.text)))


def _printed_signature_word(core: str) -> bool:
    """A title word as printed, or a name's word that is a Vietnamese syllable."""
    if not is_signature_word(core):
        return False
    return core in TITLE_WORDS if core.isupper() else is_valid_syllable(core)


#: A word read through a seal is kept at this confidence even when it is no signature
#: word (the seal's own letters and strokes read at 0.0-0.5).
_SURE = 0.6


def _split_glued(word: Word) -> list[Word]:
    """``word`` cut where two signature words were read as one across a mark between
    them ("KT,BỘ" for "KT. BỘ": the seal's ink closed the space): the first keeps the
    mark, each gets its share of the box by letters. Other words stay whole."""
    parts = re.findall(r"\w+[^\w\s]*", word.text)
    if len(parts) < 2 or not all(is_signature_word(p) for p in parts) or word.box is None:
        return [word]
    box, total = word.box, sum(len(p) for p in parts)
    out, left = [], box.left
    for p in parts:
        right = left + round(box.width * len(p) / total)
        out.append(replace(word, text=p, box=Box(left, box.top, max(left + 1, right), box.bottom)))
        left = right
    return out


def _unglued(word: Word) -> Word | None:
    """``word`` as a signature block's word, or None for seal junk: the ring's ink read
    on to the front of a word ("NGưmTrần", "EBXTHỦ", "NXPHÓ") is cut off, the longest
    tail that is a signature word kept."""
    core = letters(word.text)
    if is_signature_word(core):
        return word
    for k in range(1, len(core) - 1):
        if core[k].isupper() and is_signature_word(core[k:]):
            return replace(word, text=core[k:])
    return word if (word.conf or 0.0) >= _SURE and _wordy(word) else None


def _ring_row(out: list[Line | None], crop: Place, words: list[Word]) -> Line | None:
    """The row read again through a seal as a new line, the first reading's words there
    taken out of ``out`` (in place); None when the first reading holds as much of a
    signature block (it is kept). Words left of the ring are the recipients' column."""
    ring = crop.ring
    assert ring is not None
    edge = ring.x - ring.r

    def here(box: Box | None) -> bool:
        return box is not None and (box.left + box.right) / 2 >= edge and centred_in(box, crop.box)

    fresh = [
        u
        for w in words
        if here(w.box)
        for part in _split_glued(w)
        if (u := _unglued(part)) is not None
    ]
    old = [w for ln in out if ln is not None for w in ln.words if here(w.box)]
    if _signature_letters(fresh) <= _signature_letters(old):
        return None
    for i, ln in enumerate(out):
        if ln is not None and any(here(w.box) for w in ln.words):
            rest = tuple(w for w in ln.words if not here(w.box))
            out[i] = replace(ln, words=rest, box=enclosing(w.box for w in rest)) if rest else None
    return Line(tuple(fresh), enclosing(w.box for w in fresh))
