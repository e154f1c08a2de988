"""Codes and dates that repeat, and dates against their form.

A document cites the same law numbers and dates many times, and an italic "Căn cứ" line
is where OCR misreads one ("32/2023/QH15" for the "32/2025/QH15" printed everywhere
else, "ngày 16 tháng 01 năm 2023" for the "... năm 2025" of the same citation). A
reading that differs from another reading of the same code or date in one digit, OCR's
usual confusion (3/5/8, 0/6/8, 1/7), is read as that other reading when the other one is
printed at least twice as often; logged as "code repeat". The readings compared:

* law codes NN/YYYY/XX-YYY and party codes NN-XX/YY ("28-CT/TW");
* the date of a citation: dd/mm/yyyy (also with "-" or ".") or the words "ngày dd
  tháng mm năm yyyy" right after a law code, read as the same date ("16/01/2025") of
  the same code. Other dates are never compared: "trước ngày 01 tháng 5" twice and
  "trước ngày 01 tháng 8" once are two deadlines.

A date that cannot be one (day over 31, month over 12, or 0) is read as the one
look-alike digit away that can, when there is only one such date ("tháng 18" -> 10,
"ngày 38" -> 30; "tháng 00" could be 06 or 08: left as read); logged as "date form".

The header's code carries the year of the document's date ("Số: 25/2026/NQ-CP" over
"Hà Nội, ngày 30 tháng 4 năm 2026"); where the two differ in one look-alike digit, the
year the rest of the document prints more often is read for both; logged as "header
year".

:func:`repeated_codes` runs on one page's tokens; :func:`document_repeats` on a whole
corrected Document, so a code is repaired against its readings on the other pages too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from pipeline.correct.tokens import Token, split
from pipeline.document import Correction, Page
from pipeline.vietnamese import fold_key

_LAW_CODE = re.compile(r"^\d{1,4}/\d{4}/[A-ZĐ][A-ZĐa-z0-9]*(?:-[A-ZĐ][A-ZĐa-z0-9]*)*$")
_PARTY_CODE = re.compile(r"^\d{1,4}-[A-ZĐ][A-ZĐa-z]*/[A-ZĐ][A-ZĐa-z0-9]*$")  # 28-CT/TW
_DATE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")
_DAY_NUMBER = re.compile(r"^\d{1,2}$")
_YEAR = re.compile(r"^\d{4}$")
#: Digits OCR reads for one another in an italic or small print.
_CONFUSED = {"0": "68", "1": "7", "3": "58", "5": "368", "6": "058", "7": "1", "8": "0356"}
REASON = "code repeat"
FORM = "date form"
HEADER_YEAR = "header year"
#: Tokens from the top of a document within which its header code and date stand.
HEADER_TOKENS = 80
#: A year in a token: alone, in a date or in a code ("2026", "09/3/2026", "72/2026/NĐ-CP").
_YEAR_IN = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_WORD_DATE = ("ngày", "tháng", "năm")


def _one_confusion(a: str, b: str) -> bool:
    """True when ``a`` is ``b`` with one digit read as a look-alike digit."""
    if len(a) != len(b):
        return False
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diff) == 1 and diff[0][1] in _CONFUSED.get(diff[0][0], "")


def _date_ok(day: str, month: str) -> bool:
    """Whether a day and month are in range (the form alone, not the calendar: "31/02"
    passes): what tells a misread digit ("tháng 18") from a date as printed."""
    return 1 <= int(day) <= 31 and 1 <= int(month) <= 12


@dataclass(frozen=True)
class Reading:
    """A code or date as read: ``key`` compares readings, ``toks`` carry it; a date
    read as words has one token for each of day, month and year. ``anchor``: the law
    code a date follows ("" for none, a code's own reading: None)."""

    key: str
    toks: tuple[Token, ...]
    anchor: str | None = None

    @property
    def date(self) -> bool:
        """A date (its anchor may be ""), not a code: only dates have a form to check."""
        return self.anchor is not None

    def valid(self, key: str) -> bool:
        """Whether ``key`` can be this reading: any code can, a date only with a day and a
        month in range (a repair never writes a date that cannot be one)."""
        if not self.date:
            return True
        day, month, _ = key.split("/")
        return _date_ok(day, month)

    def write(self, key: str, reason: str) -> None:
        """Set the tokens to the reading ``key`` (only the token that differs changes)."""
        if len(self.toks) == 1:
            t = self.toks[0]
            if self.date:  # keep the separator as printed
                sep = _DATE.match(_text(t))[2]  # type: ignore[index]
                key = key.replace("/", sep)
            t.new, t.reason = key, reason
            return
        for t, part in zip(self.toks, key.split("/"), strict=True):
            if _text(t) != part:
                t.new, t.reason = part, reason


def _text(t: Token) -> str:
    """A token as it reads now: an earlier step's change counts, so codes compare as
    corrected."""
    return t.core if t.new is None else t.new


def _codes(toks: Sequence[Token]) -> list[Reading]:
    """Every law and party code in ``toks`` (one page's, or a document's)."""
    out = []
    for t in toks:
        s = _text(t)
        if s[:1].isdigit() and (_LAW_CODE.match(s) or _PARTY_CODE.match(s)):
            out.append(Reading(s, (t,)))
    return out


def _dates(toks: Sequence[Token]) -> Iterator[Reading]:
    """Every date in ``toks``, each with the law code right before it (its anchor)."""
    n = len(toks)

    def anchor(i: int) -> str:
        before = toks[i - 1] if i else None
        if before is None or before.trail or not _LAW_CODE.match(_text(before)):
            return ""
        return _text(before)

    for i, t in enumerate(toks):
        s = _text(t)
        m = _DATE.match(s) if s[:1].isdigit() else None
        if m:
            yield Reading(f"{m[1]}/{m[3]}/{m[4]}", (t,), anchor(i))
            continue
        if i + 5 < n and len(s) == 4 and s.lower() == _WORD_DATE[0]:
            run = toks[i : i + 6]
            words, nums = run[::2], [_text(x) for x in run[1::2]]
            if (
                all(_text(w).lower() == v for w, v in zip(words, _WORD_DATE, strict=True))
                and all(not x.trail and not x.lead for x in run[:5])
                and _DAY_NUMBER.match(nums[0])
                and _DAY_NUMBER.match(nums[1])
                and _YEAR.match(nums[2])
            ):
                yield Reading("/".join(nums), tuple(run[1::2]), anchor(i))


def _form_fix(r: Reading, seen: Counter[str]) -> str | None:
    """The one date a look-alike digit away from ``r`` that can be a date, or None;
    among several, the one the document prints, if only one of them is."""
    options = []
    for i, ch in enumerate(r.key):
        for d in _CONFUSED.get(ch, ""):
            cand = r.key[:i] + d + r.key[i + 1 :]
            if r.valid(cand):
                options.append(cand)
    printed = [c for c in options if seen[c]]
    if len(printed) == 1:
        return printed[0]
    return options[0] if len(options) == 1 else None


def _repeats(readings: Sequence[Reading]) -> None:
    """Read a once-printed reading as the one-digit-off reading of the same group (a
    code; the date of the same code) printed twice as often."""
    counts = Counter((r.anchor, r.key) for r in readings)
    for r in readings:
        if r.anchor == "":
            continue  # a date of no citation: nothing says it is the same date
        n = counts[r.anchor, r.key]
        best = max(
            (
                k
                for a, k in counts
                if a == r.anchor and k != r.key and _one_confusion(r.key, k) and r.valid(k)
            ),
            key=lambda k: counts[r.anchor, k],
            default=None,
        )
        if best is not None and counts[r.anchor, best] >= 2 * n and counts[r.anchor, best] >= 2:
            r.write(best, REASON)


def _header(toks: Sequence[Token]) -> tuple[Token, Reading] | None:
    """The header's code (the law code after "Số") and the document's date (a word date
    after a place and a comma: "Hà Nội, ngày 30 tháng 4 năm 2026"), both within the
    first :data:`HEADER_TOKENS` tokens, or None."""
    head = toks[:HEADER_TOKENS]
    code = next(
        (
            t
            for prev, t in zip(head, head[1:], strict=False)
            if fold_key(_text(prev)) == "so" and _LAW_CODE.match(_text(t))
        ),
        None,
    )
    if code is None:
        return None
    for r in _dates(head):
        if len(r.toks) == 3 and r.anchor == "":
            k = next(i for i, t in enumerate(head) if t is r.toks[0]) - 2  # before "ngày"
            if k >= 0 and head[k].trail.startswith(","):
                return code, r
    return None


def _header_year(toks: Sequence[Token]) -> None:
    """The year of the header's code is the year of the document's date: where the two
    differ in one look-alike digit ("Số: 25/2020/NQ-CP" dated "năm 2026"), the one the
    rest of the document prints more often (years of its dates and codes) is read for
    both; on a tie nothing says which was misread, and both stay as read."""
    found = _header(toks)
    if found is None:
        return
    code, date = found
    parts = _text(code).split("/")
    code_year, date_year = parts[1], _text(date.toks[2])
    if not _one_confusion(code_year, date_year):
        return
    years: Counter[str] = Counter()
    for t in toks:
        if t is code or t is date.toks[2]:
            continue
        s = _text(t)
        years.update(y for y in _YEAR_IN.findall(s) if y in (code_year, date_year))
    if years[date_year] > years[code_year]:
        _amend(code, "/".join([parts[0], date_year, *parts[2:]]))
    elif years[code_year] > years[date_year]:
        _amend(date.toks[2], code_year)


def _amend(t: Token, new: str) -> None:
    """Set ``t`` to ``new``, keeping the reason of an earlier change ("code slash")."""
    t.new, t.reason = new, f"{t.reason}, {HEADER_YEAR}" if t.reason else HEADER_YEAR


def repair(toks: Sequence[Token]) -> None:
    """Codes against their other readings, then dates against theirs and their form,
    then the header's code against the document's date."""
    _repeats(_codes(toks))
    dates = list(_dates(toks))
    _repeats(dates)
    seen = Counter(r.key for r in dates)
    for r in dates:
        cur = _text(r.toks[0]) if len(r.toks) == 1 else "/".join(_text(t) for t in r.toks)
        m = _DATE.match(cur)
        key = f"{m[1]}/{m[3]}/{m[4]}" if m else cur
        if not r.valid(key):
            fixed = _form_fix(replace(r, key=key), seen)
            if fixed is not None:
                r.write(fixed, FORM)
    _header_year(toks)


def repeated_codes(toks: list[Token]) -> None:
    """:func:`repair` the codes and dates of one page's tokens."""
    repair(toks)


def document_repeats(
    pages: Sequence[Page], corrections: Sequence[Correction]
) -> tuple[tuple[Page, ...], tuple[Correction, ...]]:
    """:func:`repair` the codes and dates of a corrected document across its pages.

    Pages are corrected one by one (in parallel in a batch); this pass sees them all. A
    word it changes keeps one entry in ``corrections``: a change made before is
    amended (its ``before`` stays the OCR's reading), so the raw text can be rebuilt.
    """
    toks: list[Token] = []
    where: dict[int, tuple[int, int, int]] = {}  # id(token) -> (page, line, word)
    for pi, page in enumerate(pages):
        for li, line in enumerate(page.lines):
            for wi, w in enumerate(line.words):
                lead, core, trail = split(w.text)
                t = Token(li, wi, len(lead), lead, core, trail)
                toks.append(t)
                where[id(t)] = (pi, li, wi)
    repair(toks)
    changed = [t for t in toks if t.new is not None]
    if not changed:
        return tuple(pages), tuple(corrections)
    new_pages = [list(list(line.words) for line in p.lines) for p in pages]
    fixes = list(corrections)
    at = {(c.page, c.line, c.word): k for k, c in enumerate(fixes)}
    for t in changed:
        pi, li, wi = where[id(t)]
        w = new_pages[pi][li][wi]
        text = t.lead + t.new + t.trail  # type: ignore[operator]
        new_pages[pi][li][wi] = replace(w, text=text)
        key = (pages[pi].index, li, wi)
        if key in at:
            old = fixes[at[key]]
            fixes[at[key]] = replace(old, after=text, reason=f"{old.reason}, {t.reason}")
        else:
            fixes.append(Correction(key[0], li, wi, w.text, text, 0.0, t.reason))
    out = tuple(
        replace(
            p,
            lines=tuple(
                replace(line, words=tuple(ws)) for line, ws in zip(p.lines, lines, strict=True)
            ),
        )
        for p, lines in zip(pages, new_pages, strict=True)
    )
    return out, tuple(fixes)
