"""Reading order for the two-column parts of an administrative page.

The header of a Vietnamese directive has two columns (issuing body and number on the left;
motto, place and date on the right), and so does its end (recipients left, signature
right). Tesseract reads such lines straight across, interleaving the columns:
"XÃ TÂN PHÚ Độc lập - Tự do - Hạnh phúc". This stage splits lines at wide gaps and, within
each run of two-column lines, puts the whole left column before the right one, which is
the order a person reads them in (and the order structure parsing expects).
"""

from __future__ import annotations

from dataclasses import replace
from statistics import median

from pipeline.document import Box, Line, Page, Word

#: A gap wider than this fraction of the page width separates two columns.
COLUMN_GAP = 0.05
#: Paragraph ids of right-column pieces are offset so Page.text separates the columns.
_RIGHT_PAR = 1000


def order_columns(page: Page) -> Page:
    """Return the page with two-column runs read column by column (left, then right)."""
    if not page.lines or page.width <= 0:
        return page
    min_gap = COLUMN_GAP * page.width
    pieces = [_split(line, min_gap) for line in page.lines]
    out: list[Line] = []
    i = floor = 0  # lines before ``floor`` belong to an earlier run and are placed
    while i < len(pieces):
        if len(pieces[i]) < 2:
            out.append(page.lines[i])
            i += 1
            continue
        run_start, run_end, mid = _run_around(pieces, i, page.lines, floor)
        # lines before i that were added as single lines but belong to the run are re-taken
        del out[len(out) - (i - run_start):]
        left: list[Line] = []
        right: list[Line] = []
        for segs in pieces[run_start:run_end]:
            for seg in segs:
                center = (seg.box.left + seg.box.right) / 2 if seg.box else 0
                (left if center < mid else right).append(seg)
        out.extend(left)
        out.extend(replace(seg, par=seg.par + _RIGHT_PAR) for seg in right)
        i = floor = run_end
    return replace(page, lines=tuple(out))


def _split(line: Line, min_gap: float) -> list[Line]:
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
    return [replace(line, words=tuple(g), box=_box(g)) for g in groups]


def _box(words: list[Word]) -> Box | None:
    box = words[0].box
    for w in words[1:]:
        if box is not None and w.box is not None:
            box = box.union(w.box)
    return box


def _run_around(
    pieces: list[list[Line]], i: int, lines: tuple[Line, ...], floor: int
) -> tuple[int, int, float]:
    """The run of two-column lines containing split line ``i``, and its column boundary.

    Neighbours join the run while they are split too or lie wholly on one side of the
    boundary; a line that crosses it (a centred title, a body line) ends the run.
    """
    first = pieces[i]
    gap_left = first[0].box.right if first[0].box else 0
    gap_right = first[1].box.left if first[1].box else 0
    mid = (gap_left + gap_right) / 2

    def joins(k: int) -> bool:
        if len(pieces[k]) >= 2:
            return True
        box = lines[k].box
        return box is not None and (box.right < mid or box.left > mid)

    start = i
    while start > floor and joins(start - 1):
        start -= 1
    end = i + 1
    while end < len(pieces) and joins(end):
        end += 1
    splits = [p for p in pieces[start:end] if len(p) >= 2]
    centers = [
        ((p[0].box.right if p[0].box else 0) + (p[1].box.left if p[1].box else 0)) / 2
        for p in splits
    ]
    return start, end, median(centers)
