"""Layout analysis and reading order for Vietnamese administrative pages.

Tesseract reads a page straight across, so the two-column header (issuing body, number
and subject on the left; motto, place and date on the right) and the closing block
(recipients left, signature right) come out interleaved, and seals, stamps, e-signature
overlays and handwriting are read as text. This stage works on the word boxes of that
first OCR pass (and, when given, the page image for seals and colour ink):

0. (before this stage) the print the first pass lost (a lone page number, a column of
   item numbers read as vertical text) is found by ``reread.places`` and read again by
   :mod:`pipeline.reread`;
1. marks that are not printed text are taken out and kept aside (``marks``): seals,
   receipt stamps (by the ruled box round their "ĐẾN"), e-signature and certified-copy
   lines, handwriting, and what lies out in the margin read unsurely, whole lines or the
   pieces a wide gap cuts off a line (a seal's letters at the page edge);
2. lines are cut at wide gaps; each run of lines that are not full-width text gets its
   gutter: the widest white river in the middle of the text frame that the fewest line
   pieces cross (never a word space inside one line);
3. the leading run of one-sided and two-column lines is the header, the trailing one
   (from "Nơi nhận" or the signature title on) the closing block; centred lines under
   the header are the title; everything else is body, in Tesseract's order;
4. the page is rebuilt in READING_ORDER, each region a paragraph, and ``Page.regions``
   lists the regions (marks after the text, with their words).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, replace
from statistics import median

import numpy as np

from pipeline.anatomy import (
    ADDRESSEES_START,
    DRAFT_LABEL,
    GAZETTE,
    PAGE_NUMBER,
    RECIPIENTS_START,
    SUBJECT_START,
)
from pipeline.document import Line, Page, Region, Word, enclosing
from pipeline.layout import marks as _marks
from pipeline.layout.geometry import (
    Frame,
    box_center_x,
    left_edges,
    line_height,
    split_line,
    text_frame,
)
from pipeline.layout.pageink import PageInk
from pipeline.vietnamese import fold_key, strip_marks

log = logging.getLogger(__name__)

__all__ = [
    "MARK_KINDS",
    "READING_ORDER",
    "REGION_KINDS",
    "LayoutConfig",
    "analyze_layout",
    "order_columns",
]

#: Text regions in the order their text is assembled.
READING_ORDER = (
    "running_header",
    "header_left",
    "number",
    "subject",
    "header_right",
    "draft",
    "title",
    "body",
    "recipients",
    "signature",
    "footnote",
    "page_number",
)
#: Regions kept aside: not part of the printed text.
MARK_KINDS = ("seal", "stamp", "esign", "handwriting", "margin", "note")
REGION_KINDS = READING_ORDER + MARK_KINDS

#: The "Số:" line, matched on the text without its marks (OCR reads "Só:", "Luậtsố:").
_NUMBER_LINE = re.compile(r"^(Luat\s*s|S)o\s*[:;.]")
#: A piece that is only the label of a number left blank to fill in ("Số:", "Luật số:"),
#: and the number's symbol after the blank ("/TTr-BKHCN", "…/2025/QH15", "15 /UBND").
_NUMBER_LABEL = re.compile(r"^(luat\s*)?so\s*[:;.]?$")
_NUMBER_SYMBOL = re.compile(r"^[.…_\d]*/|^\d")
_DASHES = frozenset({"-", "–", "—"})
_EDGE_NUMBER = re.compile(r"(^\d{1,4}\s+\S)|(\S\s+\d{1,4}$)")
#: A footnote's first token: its number (OCR may read "44" as "#4" or "“!") or a mark.
_FOOTNOTE_MARK = re.compile(r"^\S{0,2}\d{0,3}$")
#: Region lines get block ids from here on, so Page.text puts a blank line between regions.
_REGION_BLOCK = 100_000


@dataclass(frozen=True, slots=True)
class LayoutConfig:
    """Thresholds of the layout stage (fractions of the page width or of a line height)."""

    column_gap: float = 0.05  # a gap this wide (of the page width) splits a line in columns
    column_gap_lines: float = 0.9  # ... or this many line heights, whichever is less
    marks: bool = True  # take seals, stamps, e-signatures, handwriting out of the text
    title_center_tol: float = 0.06  # of the text width: how far off centre a title line may be
    small_font: float = 0.72  # a header line this much smaller than the text is a note
    reread: bool = True  # read again the print the first pass lost (pipeline.reread)
    hand_digits: bool = True  # read the header's handwritten figures again (handdigits)


def order_columns(page: Page) -> Page:
    """Reading order from word boxes only (no image): :func:`analyze_layout` without pixels."""
    return analyze_layout(page)


def analyze_layout(
    page: Page,
    pixels: np.ndarray | None = None,
    config: LayoutConfig | None = None,
    *,
    ink: PageInk | None = None,
) -> Page:
    """Find the page's regions and return it in reading order, marks kept aside.

    ``pixels`` is the image the OCR saw (same size as ``page.width`` x ``page.height``);
    without it seals are found only by what Tesseract read. ``ink``: the
    :class:`~pipeline.layout.pageink.PageInk` of ``pixels`` when the caller shares one with
    the second reading (recognize_page); else the layout measures its own.
    """
    cfg = config or LayoutConfig()
    if not page.lines or page.width <= 0 or any(ln.box is None for ln in page.lines):
        return page
    if pixels is not None and pixels.shape[:2] != (page.height, page.width):
        log.warning("page %d: image size differs from the OCR's; marks from boxes only", page.index)
        pixels = None
    lh = line_height(list(page.lines))
    lines = list(page.lines)
    min_gap = min(cfg.column_gap * page.width, cfg.column_gap_lines * lh)
    # measured on line pieces: what a wide gap cuts off a line (a seal's letters at the page
    # edge, a margin note) does not widen the frame
    left, right = text_frame([p for ln in lines for p in split_line(ln, min_gap)], page.width)
    frame = Frame(left, right, (left + right) / 2, lh, left_edges(lines, lh))
    marks: list[tuple[str, Line]] = []
    if cfg.marks:
        ink = PageInk.of(pixels, ink) if pixels is not None else None
        lines, marks = _marks.separate(lines, frame, ink, page.dpi, min_gap)
        lines, routing = _marks.note_block(lines, frame, page.height)
        marks += routing
    if not lines:
        return replace(page, lines=(), regions=_mark_regions(marks, page.index))

    lines = [ln for ln in (_drop_noise(ln, lh) for ln in lines) if ln.words]
    lines, drafts = _take_drafts(lines, min_gap, page.height)
    pieces = [_join_number_label(split_line(ln, min_gap), ln) for ln in lines]
    # Runs of lines that are not full-width text share one gutter, measured on them alone.
    full = [
        len(p) == 1 and ln.box is not None and ln.box.width > 0.7 * frame.width
        for ln, p in zip(lines, pieces, strict=True)
    ]
    line_frame: list[Frame] = [frame] * len(lines)
    i = 0
    while i < len(lines):
        if full[i]:
            i += 1
            continue
        j = i
        while j < len(lines) and not full[j]:
            j += 1
        gutter = _gutter(pieces[i:j], frame)
        if gutter is not None:
            line_frame[i:j] = [replace(frame, gutter=gutter)] * (j - i)
        i = j

    kinds: list[str | None] = [None] * len(lines)
    _page_numbers(lines, kinds, page.height, frame)
    _running_header(lines, kinds, page.height, lh)
    _footnotes(lines, kinds, page.height, lh)
    sides = [
        _side(ln, p, line_frame[k]) for k, (ln, p) in enumerate(zip(lines, pieces, strict=True))
    ]
    head = _header_run(lines, sides, kinds, line_frame, page.height)
    foot = _closing_run(lines, sides, kinds, head)
    for i in head:
        kinds[i] = "header"
    for i in foot:
        kinds[i] = "closing"
    _title(lines, kinds, frame, head, page.height, cfg)

    groups: dict[str, list[Line]] = {k: [] for k in READING_ORDER}
    notes: list[Line] = []
    top_numbers: list[Line] = []  # a page number above the text is read first
    for i, line in enumerate(lines):
        kind = kinds[i]
        if kind in ("header", "closing"):
            fr = line_frame[i]
            for seg in _columns(line, pieces[i], fr):
                col = box_center_x(seg.box) < fr.gutter if seg.box else True
                if kind == "header":
                    if not col and _small(seg, lh, cfg):
                        notes.append(seg)
                        continue
                    groups["header_left" if col else "header_right"].append(seg)
                else:
                    groups["recipients" if col else "signature"].append(seg)
        elif kind == "page_number" and line.box and line.box.top < page.height / 2:
            top_numbers.append(line)
        else:
            groups[kind or "body"].append(line)
    for key in ("header_left", "header_right", "recipients", "signature"):
        groups[key].sort(key=lambda ln: ln.box.top if ln.box else 0)
    groups["body"] = _flow_order(groups["body"])
    _split_header_left(groups)
    groups["draft"] = drafts
    marks += [("note", ln) for ln in notes]
    return _assemble(page, groups, marks, top_numbers)


def _take_drafts(lines: list[Line], min_gap: float, height: int) -> tuple[list[Line], list[Line]]:
    """The "DỰ THẢO" label of a draft (under the header or beside the title) taken out of
    its line: it is read after the header, before the title, and would otherwise pull a
    title line into the header's columns."""
    kept: list[Line] = []
    drafts: list[Line] = []
    for line in lines:
        if line.box is None or line.box.top > 0.4 * height or "TH" not in line.text.upper():
            kept.append(line)
            continue
        segs = split_line(line, min_gap)
        found = [s for s in segs if DRAFT_LABEL.match(fold_key(s.text.strip()))]
        if not found:
            kept.append(line)
            continue
        drafts.extend(found)
        rest = tuple(w for s in segs if s not in found for w in s.words)
        if rest:
            kept.append(replace(line, words=rest, box=enclosing(w.box for w in rest)))
    return kept, drafts


def _drop_noise(line: Line, lh: float) -> Line:
    """Without specks and rules read as punctuation ("_", ":" at conf 0.05, a tall "|")
    that would bridge the gap between two columns. Kept as the text's: a line's first mark
    set close to the next word (a misread number or bullet, "1." read as ``"'``), a mark
    set close to the word before it (its punctuation, "nhóm…)." read "nhóm..." + ").") and
    a confident dash however tall its box ("xanh - sạch" on a fax)."""
    words = line.words

    def noise(k: int) -> bool:
        w = words[k]
        if any(ch.isalnum() for ch in w.text):
            return False
        faint = (w.conf if w.conf is not None else 1.0) < 0.5
        tall = w.box is not None and w.box.height > 1.3 * lh and w.text not in _DASHES
        if not (faint or tall):
            return False
        if k == 0 and len(words) > 1 and w.box is not None and words[1].box is not None:
            return words[1].box.left - w.box.right >= 0.5 * lh
        prev = words[k - 1].box if k > 0 else None
        return not (prev is not None and w.box is not None and w.box.left - prev.right < 0.2 * lh)

    keep = tuple(w for k, w in enumerate(words) if not noise(k))
    if len(keep) == len(words):
        return line
    return replace(line, words=keep, box=enclosing(w.box for w in keep))


def _join_number_label(segs: list[Line], line: Line) -> list[Line]:
    """The pieces of a line with a "Số:" piece joined to the piece after it: the blank
    left for the number is not a column gap ("Số:      /TTr-BKHCN" is one line of the
    left column, and no gutter runs through the blank)."""
    for k, seg in enumerate(segs[:-1]):
        nxt = segs[k + 1].words[0].text
        if _NUMBER_LABEL.match(fold_key(seg.text.strip())) and _NUMBER_SYMBOL.match(nxt):
            words = seg.words + segs[k + 1].words
            joined = replace(line, words=words, box=enclosing(w.box for w in words))
            return [*segs[:k], joined, *segs[k + 2 :]]
    return segs


def _gutter(split_lines: list[list[Line]], frame: Frame) -> float | None:
    """The x of the white river between two columns: the centre of the widest stretch, in
    the middle 60 % of the text frame, that the fewest line pieces cover. None without any
    two-column line in the zone.

    Pieces, not words, cover: a piece is a run of words closer than a column gap, so the
    river cannot pass between two words of one line ("BỘ KHOA HỌC VÀ | CÔNG NGHỆ", where only
    that line reaches); it must be clear over the whole run of lines, or crossed only by
    lines (a centred title) that cross every other place as well."""
    if not any(len(segs) >= 2 for segs in split_lines):
        return None
    lo = int(frame.left + 0.2 * frame.width)
    hi = int(frame.left + 0.8 * frame.width)
    if hi <= lo:
        return None
    cover = np.zeros(hi - lo, dtype=np.int32)
    for segs in split_lines:
        for seg in segs:
            if seg.box is not None:
                cover[max(seg.box.left, lo) - lo : max(min(seg.box.right, hi) - lo, 0)] += 1
    low = cover == cover.min()
    best, best_len, start = 0, 0, None
    for x, flag in enumerate(np.append(low, False)):
        if flag and start is None:
            start = x
        elif not flag and start is not None:
            if x - start > best_len:
                best, best_len = start, x - start
            start = None
    return float(lo + best + best_len / 2)


def _gap(a: Line, b: Line) -> float:
    return (b.box.left if b.box else 0) - (a.box.right if a.box else 0)


def _side(line: Line, segs: list[Line], frame: Frame) -> str:
    """``both`` (split across the gutter), ``left``/``right`` (one side), or ``across``."""
    box = line.box
    assert box is not None
    tol = 0.25 * frame.line_height
    if len(segs) >= 2:
        lefts = [s for s in segs if s.box and box_center_x(s.box) < frame.gutter]
        if lefts and len(lefts) < len(segs):
            return "both"
    if box.right <= frame.gutter + tol:
        return "left"
    if box.left >= frame.gutter - tol:
        return "right"
    return "across"


def _page_numbers(lines: list[Line], kinds: list[str | None], height: int, frame: Frame) -> None:
    """A lone number in the top or bottom 12 % of the page is its page number."""
    for i, line in enumerate(lines):
        box = line.box
        if box is None or not PAGE_NUMBER.match(fold_key(line.text.strip())):
            continue
        if box.bottom < 0.12 * height or box.top > 0.88 * height:
            kinds[i] = "page_number"


def _running_header(lines: list[Line], kinds: list[str | None], height: int, lh: float) -> None:
    """The Công báo line ("CÔNG BÁO/Số 685 + 686/Ngày 17-7-2014   43") or another top line
    with the page number at one end, set apart from the text under it: read first, alone,
    or it would be taken for a line across the header's two columns."""
    top = [i for i, k in enumerate(kinds) if k is None]
    if len(top) < 2:
        return
    first, nxt = lines[top[0]], lines[top[1]]
    if first.box is None or nxt.box is None or first.box.bottom > 0.1 * height:
        return
    text = first.text.strip()
    if not (GAZETTE.match(fold_key(text)) or _EDGE_NUMBER.search(text)):
        return
    if nxt.box.top - first.box.bottom >= 0.8 * lh:
        kinds[top[0]] = "running_header"


def _footnotes(lines: list[Line], kinds: list[str | None], height: int, lh: float) -> None:
    """The footnotes at the foot of a page: the trailing lines in the bottom 30 %, under a
    white gap of 2.5 line heights or more, the first starting with the footnote's number.
    They are read after the signature, as printed, not taken into the closing block."""
    idx = [i for i, k in enumerate(kinds) if k is None and lines[i].box is not None]
    for a, b in zip(idx[::-1][1:], idx[::-1], strict=False):
        above, below = lines[a].box, lines[b].box
        assert above is not None and below is not None
        if below.top < 0.7 * height:
            return
        if below.top - above.bottom < 2.5 * lh:
            continue
        words = lines[b].text.split()
        if words and _FOOTNOTE_MARK.match(words[0]) and any(c.isdigit() for c in words[0]):
            for i in idx[idx.index(b) :]:
                kinds[i] = "footnote"
        return


def _header_run(
    lines: list[Line],
    sides: list[str],
    kinds: list[str | None],
    frames: list[Frame],
    height: int,
) -> list[int]:
    """Indices of the header: the leading one-sided/two-column lines up to the last line
    with right-column text, then the left column's continuation (number, subject)."""
    run: list[int] = []
    right_centres: list[float] = []
    for i, line in enumerate(lines):
        if kinds[i] is not None:
            continue
        box = line.box
        if sides[i] == "across" or (box and box.top > 0.45 * height):
            break
        if ADDRESSEES_START.match(fold_key(line.text)):
            break  # "Kính gửi:" and its addressees open the body, however they are set
        fr = frames[i]
        if sides[i] == "right" and box is not None and right_centres:
            # A line centred on the page, not under the right column: the title.
            c = box_center_x(box)
            if abs(c - (fr.left + fr.right) / 2) < abs(c - median(right_centres)):
                break
        if sides[i] in ("both", "right"):
            right_centres += [
                box_center_x(w.box)
                for w in line.words
                if w.box and box_center_x(w.box) >= fr.gutter
            ]
        run.append(i)
    last_right = max((k for k, i in enumerate(run) if sides[i] in ("both", "right")), default=-1)
    if last_right < 1:
        # No header is one line (there is always the motto under the national name): a
        # lone split line is a justified body line with a wide word gap.
        return []
    out = run[: last_right + 1]
    frame = frames[out[0]]
    left_cols = [
        b
        for i in out
        if (
            b := enclosing(
                w.box for w in lines[i].words if w.box and box_center_x(w.box) < frame.gutter
            )
        )
        is not None
    ]
    if not left_cols:
        return out
    col_right = frame.gutter
    col_left = min(b.left for b in left_cols)
    col_mid = (col_left + max(b.right for b in left_cols)) / 2
    prev_bottom = max(b.bottom for i in out if (b := lines[i].box) is not None)
    for i in run[last_right + 1 :]:
        box = lines[i].box
        if box is None or sides[i] != "left" or box.right > col_right:
            break
        if box.top - prev_bottom > 0.9 * frame.line_height:
            break
        if abs(box_center_x(box) - col_mid) > 0.12 * (col_right - col_left):
            break  # not centred under the left column: the body's first line
        out.append(i)
        prev_bottom = box.bottom
    return out


def _closing_run(
    lines: list[Line], sides: list[str], kinds: list[str | None], head: list[int]
) -> list[int]:
    """Indices of the closing block: the trailing one-sided/two-column lines, from the
    first that is two-column, right-sided or "Nơi nhận" on."""
    run: list[int] = []
    for i in range(len(lines) - 1, -1, -1):
        if kinds[i] is not None:
            continue
        if sides[i] == "across" or i in head:
            break
        run.append(i)
    run.reverse()
    for k, i in enumerate(run):
        if sides[i] in ("both", "right") or RECIPIENTS_START.match(fold_key(lines[i].text)):
            return run[k:]
    return []


def _title(
    lines: list[Line],
    kinds: list[str | None],
    frame: Frame,
    head: list[int],
    height: int,
    cfg: LayoutConfig,
) -> None:
    """Centred lines right after the header (or at the top of a page without one)."""
    start = max(head) + 1 if head else 0
    for i in range(start, len(lines)):
        if kinds[i] == "page_number":
            continue
        box = lines[i].box
        if box is None or kinds[i] is not None or box.top > 0.5 * height:
            break
        if ADDRESSEES_START.match(fold_key(lines[i].text)):
            break
        ind_l, ind_r = box.left - frame.left, frame.right - box.right
        centred = abs(ind_l - ind_r) <= 2 * cfg.title_center_tol * frame.width
        indented = min(ind_l, ind_r) >= 0.04 * frame.width
        if not (centred and indented):
            break
        kinds[i] = "title"


def _columns(line: Line, segs: list[Line], frame: Frame) -> list[Line]:
    """The line's text on each side of the gutter: one segment per side, words in order
    ("Số:      /2025/TT-BTC" is one line of the left column, not two). A piece of the line
    that crosses the gutter goes whole to the side of its centre ("BỘ KHOA HỌC VÀ CÔNG NGHỆ"
    is one issuer line), unless its gap at the gutter is far wider than its word spaces."""
    left: list[Word] = []
    right: list[Word] = []
    for seg in segs:
        box = seg.box
        if box is None:
            right.extend(seg.words)
            continue
        cut = _cut_at(seg, frame) if box.left < frame.gutter < box.right else None
        if cut is not None:
            left.extend(seg.words[:cut])
            right.extend(seg.words[cut:])
        elif box_center_x(box) < frame.gutter:
            left.extend(seg.words)
        else:
            right.extend(seg.words)
    return [
        replace(line, words=tuple(part), box=enclosing(w.box for w in part))
        for part in (left, right)
        if part
    ]


def _cut_at(seg: Line, frame: Frame) -> int | None:
    """Index of the first word right of the gutter when the piece's gap there is a column
    gap that the line split missed (wider than half a line and twice its word spaces)."""
    boxes = [w.box for w in seg.words if w.box is not None]
    if len(boxes) != len(seg.words):
        return None
    gaps = [b.left - a.right for a, b in zip(boxes, boxes[1:], strict=False)]
    for k, (a, b) in enumerate(zip(boxes, boxes[1:], strict=False)):
        if a.right <= frame.gutter <= b.left:
            others = gaps[:k] + gaps[k + 1 :]
            space = median(others) if others else 0.0
            if gaps[k] > max(0.5 * frame.line_height, 2 * space):
                return k + 1
            return None
    return None


def _small(seg: Line, lh: float, cfg: LayoutConfig) -> bool:
    """A segment of three words or more printed much smaller than the page's text."""
    heights = [w.box.height for w in seg.words if w.box and len(w.text) >= 2]
    return len(seg.words) >= 3 and bool(heights) and median(heights) < cfg.small_font * lh


def _split_header_left(groups: dict[str, list[Line]]) -> None:
    """Under the issuer: the "Số:" line and the "V/v ..." subject lines after it."""
    left = groups["header_left"]
    for k, line in enumerate(left):
        if _NUMBER_LINE.match(strip_marks(line.text)):
            groups["header_left"] = left[:k]
            groups["number"] = [line]
            rest = left[k + 1 :]
            groups["subject"] = rest
            return
    for k, line in enumerate(left):
        if SUBJECT_START.match(fold_key(line.text)):
            groups["header_left"] = left[:k]
            groups["subject"] = left[k:]
            return


def _flow_order(lines: list[Line]) -> list[Line]:
    """Body lines top to bottom when no two of them stand side by side (one column).

    Tesseract makes a block of a paragraph's last word alone at the left margin ("thực"
    under an indented line) and may read that block before the text around it. A line
    so moved joins the paragraph of the line above it. Two columns or a table (lines
    side by side) keep Tesseract's order.
    """
    boxes = [ln.box for ln in lines]
    if len(lines) < 2 or any(b is None for b in boxes):
        return lines
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a is not None and b is not None
            overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
            if overlap > 0.5 * min(a.height, b.height):
                return lines  # side by side
    order = sorted(range(len(lines)), key=lambda k: boxes[k].top)  # type: ignore[union-attr]
    if order == list(range(len(lines))):
        return lines
    sizes = Counter(ln.block for ln in lines)
    out: list[Line] = []
    for pos, k in enumerate(order):
        ln = lines[k]
        if out and k != pos and sizes[ln.block] == 1:
            ln = replace(ln, block=out[-1].block, par=out[-1].par)
        out.append(ln)
    return out


def _assemble(
    page: Page,
    groups: dict[str, list[Line]],
    marks: list[tuple[str, Line]],
    top_numbers: list[Line],
) -> Page:
    out: list[Line] = []
    regions: list[Region] = []
    order = [("page_number", top_numbers)] + [(k, groups[k]) for k in READING_ORDER]
    for seq, (kind, lines) in enumerate(order):
        if not lines:
            continue
        start = len(out)
        if kind == "body":
            out.extend(lines)
        else:
            out.extend(replace(ln, block=_REGION_BLOCK + seq, par=0) for ln in lines)
        regions.append(
            Region(
                kind=kind,
                box=enclosing(ln.box for ln in lines),
                text="\n".join(ln.text for ln in lines),
                page=page.index,
                span=(start, len(out)),
            )
        )
    regions.extend(_mark_regions(marks, page.index))
    return replace(page, lines=tuple(out), regions=tuple(regions))


def _mark_regions(marks: list[tuple[str, Line]], index: int) -> tuple[Region, ...]:
    """One region per kind of mark and Tesseract block, words kept."""
    grouped: dict[tuple[str, int], list[Line]] = {}
    for kind, line in marks:
        grouped.setdefault((kind, line.block), []).append(line)
    return tuple(
        Region(
            kind=kind,
            box=enclosing(ln.box for ln in lines),
            text="\n".join(ln.text for ln in lines if ln.words),
            page=index,
            lines=tuple(lines),
        )
        for (kind, _), lines in grouped.items()
    )
