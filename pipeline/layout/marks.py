"""Marks that are not part of the printed text: seals, receipt stamps, e-signature
overlays, handwriting and margin notes. They are found on the first OCR pass (word
boxes, confidences, text) and, when the page image is given, on its ink: a seal is a
large round ring of ink, colour ink is red (seal) or blue (signature, handwriting).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from pipeline.anatomy import is_signature_word, letters
from pipeline.document import Box, Line, Word, enclosing
from pipeline.layout.geometry import Frame, centred_in, split_line
from pipeline.layout.pageink import HALF, STAMP_HEIGHT, STAMP_WIDTH, PageInk
from pipeline.titleforms import title_form
from pipeline.vietnamese import fold_key

#: E-signature overlays of government PDFs ("Ký bởi: ...", "Thời gian ký: ...") and the
#: copy line of an e-office ("SAO Y; ...; 07/10/2025 17:23:24").
_ESIGN = re.compile(
    r"(K[ýy]\s*b[ởo]i\s*:|Th[ờo]i\s*gian\s*k[ýy]\s*:|Email\s*:\s*\S+@|"
    r"@[\w.]+\.gov\.vn|\+07:00\b|"
    r"^\W*(?-i:SAO\s*Y|SAO\s*L[ỤU]C|TR[ÍI]CH\s*SAO)\s*[;:,]|"  # a certified copy's line
    r"\b\d{1,2}/\d{1,2}/\d{4}\s+\d{1,2}:\d{2}:\d{2}\b)",  # a signing time to the second
    re.IGNORECASE,
)
#: The footer a phone-scanning app prints on every page it makes.
_SCANNER_APP = re.compile(r"(qu[ée]t\s*b[ằa]ng|scanned\s*with)\s*CamScanner", re.IGNORECASE)
#: The receipt stamp a registry puts on incoming mail: a box with ĐẾN, Số, Ngày, Chuyển.
_STAMP_WORD = re.compile(r"^[\W_]*ĐẾN[\W_]*$")
_STAMP_LINE = re.compile(r"(Chuyển\s*:|Lưu\s*hồ\s*sơ\s*số|^Số\s*:?\s*$|^Ngày\s*:?\s*$)")

#: A line that is only a number ("5", "12.", "- 3 -", "b)"): a page or item number.
_NUMBER_ONLY = re.compile(r"^[-–—(\s]*(\d{1,3}[.)]?|[a-zđ][.)])[-–—\s]*$")

#: A routing note is typed into the header, beside the issuer's column: only lines whose
#: top is in this top share of the page are looked at. (handdigits.NUMBER_DATE_ZONE has
#: the same value, set on other pages for another rule: one may change without the other.)
NOTE_ZONE = 0.35
#: Mark kinds, as Region.kind values.
SEAL, STAMP, ESIGN, HANDWRITING, MARGIN, NOTE = (
    "seal",
    "stamp",
    "esign",
    "handwriting",
    "margin",
    "note",
)


def seals_and_boxes(
    ink: PageInk | None, dpi: int | None, line_height: float
) -> tuple[list[Box], list[Box]]:
    """The hollow ink components of a seal's size, as (round seals, ruled boxes): a
    receipt stamp's inner box or a tilted "HỎA TỐC" arrow is as big and as hollow as a
    seal, but its outline is a rectangle (its hull fills the smallest rectangle round
    it, a ring's fills about pi/4 of it: measured 0.97 and 0.92 on the scanned2 pages,
    0.81-0.82 on their seals); a box is a stamp's, its words are no text either."""
    if ink is None:
        return [], []
    pixels = ink.pixels
    from pipeline.preprocess.frames import RECT_FILL, hull_fill  # preprocess owns OpenCV
    from pipeline.preprocess.light import otsu_ink
    from pipeline.preprocess.scale import components

    px_per_mm = (dpi / 25.4) if dpi else line_height / 1.4  # ~13 pt text: 1.4 mm per x-height
    # seals are 2-5 cm across with a ~1 mm ring: every other pixel finds them at a quarter
    # of the cost (this runs on every page)
    k = HALF if px_per_mm >= 8 else 1
    pixels = pixels[::k, ::k]
    px_per_mm /= k
    lo, hi = 18 * px_per_mm, 55 * px_per_mm
    masks = []  # (component stats, the ink they are of)
    if pixels.ndim == 3:
        r, g, b = (pixels[..., i].astype(np.int16) for i in range(3))
        red = ((r - np.maximum(g, b)) > 60).astype(np.uint8)
        masks.append((components(red)[0], red))
    if k == HALF:  # the same ink as the stamp-frame search's
        masks.append((ink.half[1][1][1:], ink.half[0]))
    else:
        gray = (pixels.mean(axis=2)).astype(np.uint8) if pixels.ndim == 3 else pixels
        dark = (otsu_ink(gray) > 0).astype(np.uint8)
        masks.append((components(dark)[0], dark))
    found: list[Box] = []
    boxes: list[Box] = []
    for stats, mask in masks:
        for x, y, w, h, area in stats.tolist():
            if not (lo <= w <= hi and lo <= h <= hi and 0.75 <= w / h <= 1.33):
                continue
            if area > 0.35 * w * h:  # solid: a picture or a block, not a ring
                continue
            box = Box(k * x, k * y, k * (x + w), k * (y + h))
            if any(_overlap(box, f) > 0.5 for f in found + boxes):
                continue
            if hull_fill(mask[y : y + h, x : x + w]) >= RECT_FILL:
                boxes.append(box)
            else:
                found.append(box)
    return found, boxes


def colour_share(pixels: np.ndarray, box: Box) -> tuple[float, float]:
    """Shares of red and of blue among the inked pixels of a box (colour images only)."""
    if pixels.ndim != 3:
        return 0.0, 0.0
    crop = pixels[box.top : box.bottom, box.left : box.right].astype(np.int16)
    if crop.size == 0:
        return 0.0, 0.0
    r, g, b = crop[..., 0], crop[..., 1], crop[..., 2]
    inked = (crop.min(axis=2) < 160) | ((crop.max(axis=2) - crop.min(axis=2)) > 60)
    n = int(inked.sum())
    if n == 0:
        return 0.0, 0.0
    red = ((r - np.maximum(g, b)) > 50) & inked
    blue = ((b - r) > 35) & (b > 70) & inked
    return float(red.sum()) / n, float(blue.sum()) / n


def _overlap(a: Box, b: Box) -> float:
    """Intersection over the smaller box's area."""
    w = min(a.right, b.right) - max(a.left, b.left)
    h = min(a.bottom, b.bottom) - max(a.top, b.top)
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / max(1, min(a.width * a.height, b.width * b.height))


def _in_ring(box: Box, seal: Box, shrink: float = 0.92) -> bool:
    cx, cy = (box.left + box.right) / 2, (box.top + box.bottom) / 2
    sx, sy = (seal.left + seal.right) / 2, (seal.top + seal.bottom) / 2
    rad = shrink * min(seal.width, seal.height) / 2
    return (cx - sx) ** 2 + (cy - sy) ** 2 <= rad * rad


def _den_word(word: Word) -> bool:
    """The "ĐẾN" of a receipt stamp, however its marks were read ("ĐÉN", "DEN")."""
    text = word.text.strip("|[]():;.,'\"_-")
    return text.isupper() and fold_key(text) == "den"


def stamp_frames(lines: list[Line], ink: PageInk | None, lh: float) -> list[Box]:
    """The ruled boxes of receipt stamps: the hollow ink frame drawn round each "ĐẾN".

    A registry's stamp is a printed rectangle (the receiving office's name on top, ĐẾN
    and the Số/Ngày/Giờ fields under it) put down anywhere, often beside the title, so
    Tesseract reads its words into the lines next to it; the frame tells them apart.
    """
    if ink is None:
        return []
    found = _drawn_frames(lines, ink, lh)
    for line in lines:
        for word in line.words:
            box = word.box
            if box is None or not _den_word(word) or any(centred_in(box, f) for f in found):
                continue
            frame = _frame_round(box, ink.pixels, lh)
            if frame is not None:
                found.append(frame)
    return found


#: A frame found from the ink alone is turned at most this much (degrees): a stamp is put
#: down roughly straight; a tilted arrow or a scrawl's loop is not a stamp's box.
STAMP_MAX_TURN = 12.0


def _drawn_frames(lines: list[Line], ink: PageInk, lh: float) -> list[Box]:
    """Stamp frames found from the ink alone, whatever OCR read inside them: hollow ruled
    rectangles of a stamp's size with words inside, none of them a draft label (a
    "DỰ THẢO" box is the draft region's). Searched at half size, as the ink is, and both
    on the ink (a frame touching nothing) and on its long straight strokes only (a frame
    an arrow stamp or a signature runs into, or a frame with a dashed side, or one whose
    corner broke apart): :meth:`PageInk.frame_candidates`."""
    k = HALF  # the candidates' scale
    words = [w for ln in lines for w in ln.words if w.box is not None]
    found: list[Box] = []
    for c in ink.frame_candidates(lh):
        if abs(c.angle) > STAMP_MAX_TURN:
            continue
        box = Box(k * c.left, k * c.top, k * c.right, k * c.bottom)
        inside = [w for w in words if w.box is not None and centred_in(w.box, box)]
        if not inside or any(fold_key(w.text).strip("|[]().:") in ("du", "thao") for w in inside):
            continue
        if not any(_overlap(box, f) > 0.5 for f in found):
            found.append(box)
    return found


def _frame_round(box: Box, pixels: np.ndarray, lh: float) -> Box | None:
    """The smallest hollow ink component round ``box`` of a stamp's size (3-25 line
    heights wide, 1.5-12 tall), or None."""
    from pipeline.preprocess.light import otsu_ink  # the preprocess package owns OpenCV
    from pipeline.preprocess.scale import components

    height, width = pixels.shape[:2]
    x0, y0 = max(0, int(box.left - 14 * lh)), max(0, int(box.top - 8 * lh))
    x1, y1 = min(width, int(box.right + 14 * lh)), min(height, int(box.bottom + 8 * lh))
    crop = pixels[y0:y1, x0:x1]
    if crop.ndim == 3:
        crop = crop.mean(axis=2).astype(np.uint8)
    if crop.size == 0:
        return None
    stats, _ = components(otsu_ink(crop))
    best: Box | None = None
    for x, y, w, h, area in stats.tolist():
        wide = STAMP_WIDTH[0] * lh <= w <= STAMP_WIDTH[1] * lh
        if not (wide and STAMP_HEIGHT[0] * lh <= h <= STAMP_HEIGHT[1] * lh) or area > 0.3 * w * h:
            continue
        cand = Box(x0 + x, y0 + y, x0 + x + w, y0 + y + h)
        if centred_in(box, cand) and (best is None or w * h < best.width * best.height):
            best = cand
    return best


def word_mark(
    word: Word,
    line: Line,
    seals: list[Box],
    pixels: np.ndarray | None,
    frame: Frame,
    stamps: Sequence[Box] = (),
) -> str | None:
    """The mark kind of one word, or None for printed text."""
    box = word.box
    if box is None:
        return None
    if any(centred_in(box, s) for s in stamps):
        return STAMP
    conf = word.conf if word.conf is not None else 1.0
    if pixels is not None and pixels.ndim == 3:
        red, blue = colour_share(pixels, box)
        if red > 0.5:
            return SEAL
        if blue > 0.5:
            return HANDWRITING
    for seal in seals:
        if _in_ring(box, seal):
            if len(letters(word.text)) >= 2 and title_form(line.text):
                return None  # a word of a title row the seal is printed over
            inside = sum(1 for w in line.words if w.box is not None and _in_ring(w.box, seal))
            # printed text under a seal: a confident word, or a title or name word (the
            # ring's ink lowers its confidence), on a line that runs out of the ring
            sure = conf >= 0.75 or _signer_word(word.text)
            if sure and inside <= len(line.words) / 2 and len(word.text) >= 2:
                return None
            return SEAL
    if box.height > 2.6 * frame.line_height and box.width < 1.5 * box.height:
        if _pen_band(box, line):
            return None  # words run together with a pen line drawn under them
        return HANDWRITING  # a tall glyph: signature stroke, handwritten figure
    return None


def _pen_band(box: Box, line: Line, tol: int = 2) -> bool:
    """Whether three or more words of the line share this tall box's top and bottom:
    Tesseract gave each word under a hand-drawn underline the line's full height."""
    same = sum(
        1
        for w in line.words
        if w.box is not None
        and abs(w.box.top - box.top) <= tol
        and abs(w.box.bottom - box.bottom) <= tol
    )
    return same >= 3


def line_mark(line: Line, frame: Frame, seals: list[Box]) -> str | None:
    """The mark kind of a whole line (e-signature text, stamp, margin note), or None."""
    text = line.text
    if _ESIGN.search(text):
        return ESIGN
    if _SCANNER_APP.search(text):
        return MARGIN
    box = line.box
    if box is None:
        return None
    if any(w.box is not None and _in_ring(w.box, s) for w in line.words for s in seals):
        return None  # the seal decides, word by word
    confs = [w.conf for w in line.words if w.conf is not None]
    mean = sum(confs) / len(confs) if confs else 1.0
    if _in_margin(line, frame):
        return MARGIN
    if _title_line(line):
        return None  # a signature title read unsurely through a seal ("TƯỞNG" at 0.15)
    if confs and max(confs) < 0.6 and mean < 0.45 and not _flush_print(line, frame):
        if _NUMBER_ONLY.match(text) and _letter_sized(line, frame):
            return None  # a page or item number read unsurely is still print
        return HANDWRITING  # nothing on it reads as print: scribble, signature, specks
    return None


def _signer_word(text: str) -> bool:
    """A title or name word of three letters or more ("Trần", "TƯỚNG"): a seal's legend
    and rim read as letters give shorter ones ("BI", "At", "Sj")."""
    return sum(c.isalpha() for c in text) >= 3 and is_signature_word(text)


def _title_line(line: Line) -> bool:
    """A line of signature title words in capitals only (TƯỚNG, PHÓ CHỦ NHIỆM)."""
    return bool(line.words) and all(
        is_signature_word(w.text) and w.text.isupper() for w in line.words
    )


def _in_margin(line: Line, frame: Frame) -> bool:
    """Out in the left or right margin, clear of the text frame, and read unsurely: a
    margin note, or the letters of a seal cut by the page edge. Printed lines out there (a
    signature name, a page number) read surely."""
    box = line.box
    if box is None:
        return False
    lh = frame.line_height
    outside = (
        box.right < frame.left - 0.5 * lh and not frame.at_edge(box.left)
    ) or box.left > frame.right + 0.5 * lh
    if not outside:
        return False
    confs = [w.conf for w in line.words if w.conf is not None]
    return (sum(confs) / len(confs) if confs else 1.0) < 0.8


def _letter_sized(line: Line, frame: Frame) -> bool:
    """Whether the line's words are as tall as the text's (not a scrawl, not a speck)."""
    heights = sorted(w.box.height for w in line.words if w.box is not None)
    lh = frame.line_height
    return bool(heights) and 0.6 * lh <= heights[len(heights) // 2] <= 1.5 * lh


def _flush_print(line: Line, frame: Frame) -> bool:
    """A line that starts at the text's left margin (or another left edge of printed lines)
    in the text's letter size: the end of a paragraph Tesseract read badly
    ("1§99/SGDĐT-CTrTT.", "10, 11," read "1h LÍ:"), not handwriting."""
    box = line.box
    return box is not None and frame.at_edge(box.left) and _letter_sized(line, frame)


def _margin_words(line: Line, frame: Frame, min_gap: float) -> set[int]:
    """Indices of the words of the line's pieces (cut at column gaps) out in the margin."""
    pieces = split_line(line, min_gap)
    out: set[int] = set()
    start = 0
    for piece in pieces:
        if len(pieces) > 1 and _in_margin(piece, frame):
            out.update(range(start, start + len(piece.words)))
        start += len(piece.words)
    return out


def stamp_blocks(lines: list[Line]) -> set[int]:
    """Tesseract blocks that hold a receipt stamp ("ĐẾN" on its own among Số/Ngày/Chuyển)."""
    out: set[int] = set()
    for ln in lines:
        if any(_STAMP_WORD.match(w.text) for w in ln.words) and len(ln.words) <= 3:
            out.add(ln.block)
    return out


def is_stamp_line(line: Line, blocks: set[int]) -> bool:
    """A line of a stamp block, or a stamp field line."""
    return line.block in blocks and (len(line.words) <= 6 or bool(_STAMP_LINE.search(line.text)))


def separate(
    lines: list[Line],
    frame: Frame,
    ink: PageInk | None,
    dpi: int | None,
    min_gap: float | None = None,
) -> tuple[list[Line], list[tuple[str, Line]]]:
    """Split the page's lines into printed text and marks (kind, line of mark words).

    ``ink``: the page image's (None: marks from what OCR read alone). ``min_gap``: the
    column gap; a piece of a line cut off by one that lies out in the margin and reads
    unsurely (a seal's letters at the page edge, "... tín dụng S,") is
    a margin mark too, not the end of the line.
    """
    pixels = ink.pixels if ink is not None else None
    seals, boxes = seals_and_boxes(ink, dpi, frame.line_height)
    stamps = stamp_blocks(lines)
    frames = stamp_frames(lines, ink, frame.line_height) + boxes
    kept: list[Line] = []
    marks: list[tuple[str, Line]] = []
    for line in lines:
        kind = "stamp" if stamps and is_stamp_line(line, stamps) else None
        kind = kind or (STAMP if _within_frames(line, frames) else None)
        kind = kind or line_mark(line, frame, seals)
        if kind is not None:
            marks.append((kind, line))
            continue
        margin = _margin_words(line, frame, min_gap) if min_gap is not None else set()
        keep: list[Word] = []
        aside: dict[str, list[Word]] = {}
        for k, word in enumerate(line.words):
            if k in margin:
                wk: str | None = MARGIN
            else:
                wk = word_mark(word, line, seals, pixels, frame, frames)
            if wk is None:
                keep.append(word)
            else:
                aside.setdefault(wk, []).append(word)
        for wk, words in aside.items():
            marks.append(
                (wk, replace(line, words=tuple(words), box=enclosing(w.box for w in words)))
            )
        if len(keep) == len(line.words):
            kept.append(line)
        elif keep:
            kept.append(replace(line, words=tuple(keep), box=enclosing(w.box for w in keep)))
    for seal in seals:  # a seal nothing was read from is still a region
        if not any(k == SEAL and ln.box and _overlap(ln.box, seal) > 0 for k, ln in marks):
            marks.append((SEAL, Line((), seal)))
    return kept, marks


def _within_frames(line: Line, frames: Sequence[Box]) -> bool:
    """Every word of the line inside a stamp's frame: the stamp's own line, whatever it
    reads like (an overprinted "ĐẾN" out at the margin, handwriting in its fields)."""
    boxes = [w.box for w in line.words if w.box is not None]
    return bool(boxes) and all(any(centred_in(b, f) for f in frames) for b in boxes)


def note_block(
    lines: list[Line], frame: Frame, height: int
) -> tuple[list[Line], list[tuple[str, Line]]]:
    """A printed routing note in the header zone: lines of small print that start at one x
    right of the left column ("1. Cô Hương gửi văn bản ...", "2. Phòng CTSV ..."), often
    read by Tesseract as one line with the subject beside them. Its words are taken out as
    NOTE marks so that the subject lines under the left column stay whole.

    Found only where four or more consecutive lines in the top 35 % of the page
    (``NOTE_ZONE``) have a word starting at the same x (within a third of a line height) in
    the middle half of the text frame, and those words are printed smaller than the text.
    """
    lh = frame.line_height
    tol = lh / 3
    top = NOTE_ZONE * height
    zone = [i for i, ln in enumerate(lines) if ln.box is not None and ln.box.top < top]
    lo, hi = frame.left + 0.25 * frame.width, frame.left + 0.75 * frame.width
    starts = {
        i: [w.box.left for w in lines[i].words if w.box is not None and lo <= w.box.left <= hi]
        for i in zone
    }
    best: tuple[int, int, float] | None = None  # (first, last) index into zone, x
    for xs in starts.values():
        for x in xs:
            hit = [any(abs(s - x) <= tol for s in starts[i]) for i in zone]
            k = 0
            while k < len(hit):
                if not hit[k]:
                    k += 1
                    continue
                j = k
                while j < len(hit) and hit[j]:
                    j += 1
                if j - k >= 4 and (best is None or j - k > best[1] - best[0]):
                    best = (k, j, x)
                k = j
    if best is None:
        return lines, []
    first, last, edge = best
    rows = zone[first:last]
    taken = {
        i: [w for w in lines[i].words if w.box is not None and w.box.left >= edge - tol]
        for i in rows
    }
    heights = sorted(
        w.box.height for ws in taken.values() for w in ws if w.box and len(w.text) >= 2
    )
    if not heights or heights[len(heights) // 2] >= 0.8 * lh:
        return lines, []
    kept: list[Line] = []
    notes: list[tuple[str, Line]] = []
    for i, line in enumerate(lines):
        if i not in taken:
            kept.append(line)
            continue
        note = taken[i]
        rest = [
            w
            for w in line.words
            if w not in note and w.box is not None and w.box.height >= 0.3 * lh
        ]  # specks the note's rules left beside the subject go too
        notes.append((NOTE, replace(line, words=tuple(note), box=enclosing(w.box for w in note))))
        if rest:
            kept.append(replace(line, words=tuple(rest), box=enclosing(w.box for w in rest)))
    return kept, notes
