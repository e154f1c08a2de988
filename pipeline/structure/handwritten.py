"""Which header fields were filled in by hand: the number and the day or month of the date.

A signed document is printed with its number and date left blank ("Số:      /BTC-PTHT",
"ngày    tháng    năm 2025") and the registry writes them in with a pen. Text alone
cannot tell a written-in value from a printed one, but the OCR'd words can:

- the number: printed, it is one token with its symbol ("186/CĐ-TTg", "Số:261/2025/NĐ-CP");
  written into the blank, it stands apart from the printed "/…" after it
  ("Số: (555 /BTC-PTHT", "Số:525 /NQ-CP");
- the day and month: Tesseract reads the printed digits of a date line surely (0.92 or
  more on every real scan measured) and pen figures unsurely (0.52-0.82), while the
  printed words around them ("ngày", "tháng", "năm", the year) read surely.

A value read is still reported (and may be wrong: the reader is told to check it); one
that could not be read is in ``Header.unreadable`` as well.
"""

from __future__ import annotations

import re
from statistics import median

from pipeline.document import Document, Line, Word
from pipeline.vietnamese import fold_key

#: A date value read below this confidence, on a line whose printed words read at
#: PRINT_CONF or more, was written by hand.
HAND_CONF = 0.88
PRINT_CONF = 0.9

_LABEL = re.compile(r"^(?:[^\W\d_]+\s*)?s[o0]\s*[:;.]", re.IGNORECASE)  # "Số:", "Luậtsố:"
_BLANK = "._…- "


def filled_by_hand(doc: Document, found_at: tuple[tuple[str, int, int], ...]) -> tuple[str, ...]:
    """The header fields of ``doc`` written by hand: "number", "date" (in that order).

    ``found_at`` says on which (page, line) the header parser read each field."""
    out: list[str] = []
    for field, page_index, line_index in found_at:
        line = _line(doc, page_index, line_index)
        if line is None or field in out:
            continue
        by_hand = number_by_hand if field == "number" else date_by_hand
        if by_hand(line.words):
            out.append(field)
    return tuple(f for f in ("number", "date") if f in out)


def _line(doc: Document, page_index: int, line_index: int) -> Line | None:
    page = next((p for p in doc.pages if p.index == page_index), None)
    if page is None or not 0 <= line_index < len(page.lines):
        return None
    line = page.lines[line_index]
    return line if line.words and all(w.box is not None for w in line.words) else None


def number_by_hand(words: tuple[Word, ...]) -> bool:
    """Whether the number before the symbol's printed "/…" stands apart from it."""
    for k, word in enumerate(words):
        label = fold_key(word.text)
        if not _LABEL.match(label):
            continue
        for j in range(k, len(words) - 1):
            if not words[j + 1].text.lstrip(_BLANK).startswith("/"):
                continue
            value = words[j].text if j > k else _LABEL.sub("", label)
            return any(c.isalnum() for c in value.strip(_BLANK))
        return False
    return False


def date_by_hand(words: tuple[Word, ...]) -> bool:
    """Whether a day or month of the date line was read unsurely among sure print."""
    printed: list[float] = []
    values: list[float] = []
    part = ""  # which blank the words are in: after "ngày" the day, after "tháng" the month
    for word in words:
        conf = word.conf if word.conf is not None else 1.0
        key = fold_key(word.text)
        for label in ("ngay", "thang", "nam"):
            at = key.find(label)
            if at < 0:
                continue
            if at > 0 and part in ("ngay", "thang") and key[:at].strip(_BLANK):
                values.append(conf)  # "Áônăm": the month glued to the label after it
            printed.append(conf)
            part = label
            break
        else:
            if part in ("ngay", "thang") and key.strip(_BLANK):
                values.append(conf)
            elif part == "nam" and key.isdigit():
                printed.append(conf)  # the printed year
    if not values or not printed or median(printed) < PRINT_CONF:
        return False
    return min(values) < HAND_CONF
