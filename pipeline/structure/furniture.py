"""Page furniture: running headers, page numbers and the draft label, set aside wherever
they are read.

A gazette page repeats "CÔNG BÁO/Số 685 + 686/Ngày 17-7-2014  43" at its top, and most
documents print a page number ("2", "- 3 -") at the top or bottom of every page after the
first; a draft carries a boxed "DỰ THẢO" that is neither its title nor its subject. OCR
reading order does not always leave them at a page edge: a page number read between two
columns lands inside a sentence or a bullet. They are not the document's
text, so the parser takes them out before it reads the structure (the structure step
lists them as ``set_aside``: page, line, text).
"""

from __future__ import annotations

import re

from pipeline.anatomy import DRAFT_LABEL, ESIGN_ANCHOR, ESIGN_FIELD, GAZETTE, PAGE_NUMBER
from pipeline.structure.lines import SrcLine, fold

#: After "CÔNG BÁO" a running header goes on with "/Số ..." (a sentence never does).
_RUNNING_REST = re.compile(r"^\s*/\s*so\b")


#: An e-signature overlay is looked for among this many first text lines of a page.
ESIGN_LINES = 8

#: Layout regions that are page furniture (pipeline.layout found them on the page).
LAYOUT_FURNITURE = ("running_header", "page_number", "draft")


def is_running_header(text: str) -> bool:
    """True for a gazette running header line."""
    m = GAZETTE.match(fold(text.strip()))
    return bool(m) and bool(_RUNNING_REST.match(fold(text.strip())[m.end() :]))


def page_number(text: str) -> int | None:
    """The number of a line that is only a page number, else None."""
    m = PAGE_NUMBER.match(fold(text.strip()))
    return int(m.group(1)) if m else None


def split_furniture(lines: list[SrcLine]) -> tuple[list[SrcLine], list[SrcLine]]:
    """(the lines without furniture, the furniture lines set aside).

    What layout found to be a running header, page number or draft label goes; on plain
    text (or where layout did not run) a running header or draft label goes wherever it
    is. A lone number goes when it is the first or last line of its page, sits next to a
    running header, or is its page's own number (page index + 1, or + 2 for a text that
    starts on page 2) with text lines, not numbers, on both sides (a column of numbers in
    a table stays)."""
    text_at = [i for i, s in enumerate(lines) if not s.blank]
    aside: set[int] = {
        i
        for i in text_at
        if lines[i].region in LAYOUT_FURNITURE
        or is_running_header(lines[i].text)
        or DRAFT_LABEL.match(fold(lines[i].text.strip()))
    }
    first_last: set[int] = set()
    for k, i in enumerate(text_at):
        if k == 0 or lines[text_at[k - 1]].page != lines[i].page:
            first_last.add(i)
        if k == len(text_at) - 1 or lines[text_at[k + 1]].page != lines[i].page:
            first_last.add(i)
    for k, i in enumerate(text_at):
        number = page_number(lines[i].text)
        if number is None or number == 0:
            continue
        near = [text_at[j] for j in (k - 1, k + 1) if 0 <= j < len(text_at)]
        if i in first_last or any(j in aside for j in near):
            aside.add(i)
            continue
        own = number - 1 - lines[i].page in (0, 1)
        if own and len(near) == 2 and all(page_number(lines[j].text) is None for j in near):
            aside.add(i)
    aside |= _esign_overlay(lines, text_at)
    kept = [s for i, s in enumerate(lines) if i not in aside]
    return kept, [lines[i] for i in sorted(aside)]


def _esign_overlay(lines: list[SrcLine], text_at: list[int]) -> set[int]:
    """The lines of an e-signature overlay in a PDF's text layer: a run of two or more
    overlay field lines ("Ký bởi:", "Email:", "Cơ quan:", "Thời gian ký:") among the first
    text lines of a page, one of them a field only the overlay prints."""
    first: dict[int, list[int]] = {}  # page -> its first text lines
    for i in text_at:
        top = first.setdefault(lines[i].page, [])
        if len(top) < ESIGN_LINES:
            top.append(i)
    out: set[int] = set()
    for top in first.values():
        folded = [fold(lines[i].text.strip()) for i in top]
        k = 0
        while k < len(top):
            end = k
            while end < len(top) and ESIGN_FIELD.match(folded[end]):
                end += 1
            if end - k >= 2 and any(ESIGN_ANCHOR.match(f) for f in folded[k:end]):
                out.update(top[k:end])
            k = end + 1
    return out
