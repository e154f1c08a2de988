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

from pipeline.document import Line, Page, Word, enclosing

#: A gap wider than this fraction of the page width separates two columns.
COLUMN_GAP = 0.05
#: Paragraph ids of right-column pieces are offset so Page.text separates the columns.
_RIGHT_PAR = 1000


def order_columns(page: Page) -> Page:
    """Return the page with two-column runs read column by column (left, then right).

    The column boundary is the median centre of the wide gaps found on the page; a run is
    a maximal sequence of lines that are split at such a gap or lie wholly on one side of
    the boundary. A line across the boundary (title, body text) ends a run.
    """
    if not page.lines or page.width <= 0:
        return page
    pieces = [_split(line, COLUMN_GAP * page.width) for line in page.lines]
    gaps = [_gap_center(p) for p in pieces if len(p) >= 2]
    if not gaps:
        return page
    mid = median(gaps)
    tol = 0.01 * page.width

    def one_side(k: int) -> bool:
        box = page.lines[k].box
        return box is not None and (box.right < mid + tol or box.left > mid - tol)

    out: list[Line] = []
    i = 0
    while i < len(pieces):
        if len(pieces[i]) < 2 and not one_side(i):
            out.append(page.lines[i])
            i += 1
            continue
        end = i
        while end < len(pieces) and (len(pieces[end]) >= 2 or one_side(end)):
            end += 1
        if not any(len(p) >= 2 for p in pieces[i:end]):  # one-sided lines only: keep order
            out.extend(page.lines[i:end])
            i = end
            continue
        left: list[Line] = []
        right: list[Line] = []
        for segs in pieces[i:end]:
            for seg in segs:
                center = (seg.box.left + seg.box.right) / 2 if seg.box else 0
                (left if center < mid else right).append(seg)
        out.extend(left)
        out.extend(replace(seg, par=seg.par + _RIGHT_PAR) for seg in right)
        i = end
    return replace(page, lines=tuple(out))


def _gap_center(segs: list[Line]) -> float:
    """Centre of the widest gap between consecutive segments of a split line."""
    best = max(
        zip(segs, segs[1:], strict=False),
        key=lambda pair: (
            (pair[1].box.left if pair[1].box else 0) - (pair[0].box.right if pair[0].box else 0)
        ),
    )
    return (
        (best[0].box.right if best[0].box else 0) + (best[1].box.left if best[1].box else 0)
    ) / 2


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
    return [replace(line, words=tuple(g), box=enclosing(w.box for w in g)) for g in groups]
