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
from dataclasses import dataclass
from statistics import median

from pipeline.document import Document, Line, Word
from pipeline.vietnamese import fold_key

#: A date value read below this confidence, on a line whose printed words read at
#: PRINT_CONF or more, was written by hand.
HAND_CONF = 0.88
PRINT_CONF = 0.9

_LABEL = re.compile(r"^(?:[^\W\d_]+\s*)?s[o0]\s*[:;.]", re.IGNORECASE)  # "Số:", "Luậtsố:"
#: What a blank left for the pen is printed as, and what OCR reads of an empty one: dots,
#: an ellipsis, underscores (its rule), a dash (a short rule read as "-"). Header parsing
#: (:mod:`.header`) and the handwriting tests here take these alike as no value.
BLANK = "._…-"
_BLANK = BLANK + " "


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


@dataclass(frozen=True, slots=True)
class Slot:
    """Where a value was written by hand into a line's printed blank.

    Words ``start`` to ``end`` (exclusive) of the line hold what the OCR made of it; its ink
    lies between x ``left`` and ``right``. ``before``/``after`` is print the OCR glued to the
    first/last of those words and that stays ("Số:" of "Số:525", "/QĐ-UBQGNCT" of
    "_/QĐ-UBQGNCT", "năm" of "Áônăm")."""

    field: str  # "number", "day" or "month"
    start: int
    end: int
    left: int
    right: int
    before: str = ""
    after: str = ""


def hand_slots(words: tuple[Word, ...]) -> tuple[Slot, ...]:
    """The values of a "Số:" or date line (``words``, all with boxes) that were written by
    hand, as :func:`number_by_hand` and :func:`date_by_hand` tell them."""
    if not words or any(w.box is None for w in words):
        return ()
    out: list[Slot] = []
    if number_by_hand(words):
        out.extend(_number_slot(words))
    if date_by_hand(words):
        out.extend(_date_slots(words))
    return tuple(out)


def _cut(word: Word, at: int) -> int:
    """The x where character ``at`` of ``word`` starts (characters taken as equally wide)."""
    assert word.box is not None
    return word.box.left + round(word.box.width * at / max(len(word.text), 1))


def _number_slot(words: tuple[Word, ...]) -> list[Slot]:
    for k, word in enumerate(words):
        label = _LABEL.match(fold_key(word.text))
        if not label or word.box is None:
            continue
        glued = label.end() < len(word.text)  # "Số:525"
        start = k if glued else k + 1
        left = _cut(word, label.end()) if glued else word.box.right
        for j in range(start, len(words)):
            at = words[j].text.find("/")
            if at < 0 or (j == k and at < label.end()):
                continue
            end, after = (j + 1, words[j].text[at:]) if at > 0 else (j, "")
            before = word.text[: label.end()] if glued else ""
            return [Slot("number", start, end, left, _cut(words[j], at), before, after)]
        return []
    return []


def _opens_date(words: tuple[Word, ...], k: int) -> bool:
    """Whether "ngày" (word ``k``) opens the header's date: first on its line, or after the
    place and its comma ("Hà Nội, ngày")."""
    return k == 0 or words[k - 1].text.endswith(",")


def _date_slots(words: tuple[Word, ...]) -> list[Slot]:
    """The day and month blanks of the header's date line read unsurely: between "ngày"
    and "tháng", "tháng" and "năm"."""
    labels: list[tuple[int, str, int]] = []  # (word, label, where in the word it starts)
    for k, word in enumerate(words):
        key = fold_key(word.text)
        for label in ("ngay", "thang", "nam"):
            at = key.find(label)
            if at >= 0 and len(key) == len(word.text):
                labels.append((k, label, at))
                break
    if not any(label == "ngay" and _opens_date(words, k) for k, label, _ in labels):
        return []  # a date in a sentence ("Căn cứ Luật … ngày 14 tháng 6"), not the header's
    out: list[Slot] = []
    for (k, label, at), (k2, label2, at2) in zip(labels, labels[1:], strict=False):
        field = {"ngay": "day", "thang": "month"}.get(label)
        nxt = {"ngay": "thang", "thang": "nam"}.get(label)
        word, word2 = words[k], words[k2]
        if field is None or label2 != nxt or at > 0 or word.box is None or word2.box is None:
            continue
        if fold_key(word.text).strip(_BLANK + ",") != label:
            continue  # "ngày07:háng]": the value is glued after the label, no slot to cut
        end, after = (k2 + 1, word2.text[at2:]) if at2 > 0 else (k2, "")
        inside = words[k + 1 : end]
        confs = [w.conf if w.conf is not None else 1.0 for w in inside]
        if not inside or min(confs) >= HAND_CONF:
            continue  # printed (or left blank): nothing to read again
        out.append(Slot(field, k + 1, end, word.box.right, _cut(word2, at2), "", after))
    return out
