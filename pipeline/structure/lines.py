"""Source lines for the structure parser: text, where it came from, and which column.

The parser works on lines, not words. A Document's lines are flattened here, paragraph
breaks become blank lines (as on the page), and a line whose words leave a wide empty gap
(two header or closing columns that OCR read as one line) is cut in two at that gap.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from pipeline.document import Document, Line
from pipeline.vietnamese import fold_key

#: A gap wider than this share of the page width (or, without a width, this many word
#: heights) separates two columns; justified body text never leaves one this wide.
GAP_PAGE_SHARE = 0.08
GAP_HEIGHTS = 4.0


@dataclass(frozen=True, slots=True)
class SrcLine:
    """One line of text, with its page, its index on that page and its column ("" = whole)."""

    text: str
    page: int = 0
    line: int = 0
    column: str = ""

    @property
    def blank(self) -> bool:
        """True for an empty line (a paragraph break)."""
        return not self.text.strip()


def fold(text: str) -> str:
    """Lower-case, marks removed, đ→d, same length as ``text`` so indices carry over."""
    folded = fold_key(text)
    return folded if len(folded) == len(text) else text.lower()


def from_document(doc: Document) -> list[SrcLine]:
    """The document's lines in reading order, blank lines at paragraph and page breaks."""
    out: list[SrcLine] = []
    for page in doc.pages:
        if out and not out[-1].blank:
            out.append(SrcLine("", page.index, 0))
        prev: tuple[int, int] | None = None
        for idx, line in enumerate(page.lines):
            key = (line.block, line.par)
            if prev is not None and key != prev and out and not out[-1].blank:
                out.append(SrcLine("", page.index, idx))
            prev = key
            out.extend(_split_by_gap(line, page.index, idx, page.width))
    return out


def from_text(text: str) -> list[SrcLine]:
    """Plain text to lines (page breaks at form feeds)."""
    out: list[SrcLine] = []
    for page, chunk in enumerate(text.split("\f")):
        for idx, raw in enumerate(chunk.splitlines()):
            out.append(SrcLine(_clean(raw), page, idx))
    return out


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _split_by_gap(line: Line, page: int, idx: int, width: int) -> list[SrcLine]:
    words = line.words
    boxes = [w.box for w in words]
    if len(words) < 2 or any(b is None for b in boxes):
        return [SrcLine(_clean(line.text), page, idx)]
    heights = [b.height for b in boxes if b is not None and b.height > 0]
    limit = GAP_HEIGHTS * (statistics.median(heights) if heights else 10)
    if width:
        limit = max(limit, GAP_PAGE_SHARE * width)
    best, at = 0, -1
    for i in range(1, len(words)):
        left, right = boxes[i - 1], boxes[i]
        assert left is not None and right is not None
        gap = right.left - left.right
        if gap > best:
            best, at = gap, i
    if best <= limit:
        return [SrcLine(_clean(line.text), page, idx)]
    head = _clean(" ".join(w.text for w in words[:at]))
    tail = _clean(" ".join(w.text for w in words[at:]))
    return [SrcLine(head, page, idx, "left"), SrcLine(tail, page, idx, "right")]


def strip_spec_markers(text: str) -> str:
    """Doc-spec text (``@left``/``@right``/``@title``/... blocks) as a page reads: markers
    become blank lines, the block gaps a reader (and OCR) sees."""
    return re.sub(r"(?m)^@(left|right|title|body|recipients|signature)\s*$", "", text)


#: Regex character classes of Vietnamese capital and small letters (ranges like À-Ỹ mix both).
UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
LOWER = "a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"


def is_upper(text: str) -> bool:
    """True when the text has letters and none of them is lower case (ALL CAPS headings)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(not c.islower() for c in letters)
