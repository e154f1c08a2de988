"""Digits: read look-alike letters inside numbers as digits, and never lose a digit.

Real pages print numbers the OCR reads with a letter in them: a handwritten or bold 10
read as "1Ô", a year as "2O25", "COVID-I9", "I4/2025/NQ-CP" (14). Inside a number an
O/Ô/o is a 0 and an I/l/| a 1. The other way round a correction may delete nothing a
reader needs: a digit of a number, a footnote mark glued to a word ("Việt1"), a paper
size ("A4") stay; only a garbled syllable whose digit stands for a letter ("S6" for Số,
"C4C" for CÁC) may lose it.
"""

from __future__ import annotations

import re

from pipeline.correct.tokens import JOIN, LIST_LETTER, ROMAN_NUMERAL, Kind, Token
from pipeline.lexicon import Lexicon
from pipeline.vietnamese import fold_key

#: Letters OCR prints for the digits 0, 1 and 6 (an italic 6 is read as "ó": "ló" 16).
_ZERO = "OoÔôơƠ"
_ONE = "Il|"
_SIX = "ó"
_TO_DIGIT = str.maketrans(
    {**{c: "0" for c in _ZERO}, **{c: "1" for c in _ONE}, **{c: "6" for c in _SIX}}
)
#: A number with look-alike letters in it: digits and O/I look-alikes, at least one digit.
_NUMBERISH = re.compile(rf"^[\d{_ZERO}{_ONE}{_SIX}]+$")
#: A code segment of capitals and a number ("QH15", "UBXH15") read with a look-alike in
#: the number ("UBXHI5"); the number's first character is a digit or I/l/|.
_SEGMENT_NUMBER = re.compile(rf"^([A-ZĐ]{{2,}}?)([\d{_ONE}][\d{_ZERO}{_ONE}]*)$")
#: The number of a law code: before its year ("ló/2025/NĐ-CP": 16/2025/NĐ-CP).
_YEAR_SEGMENT = re.compile(r"^\d{4}$")
#: Rules that read a digit as the letter it stands for ("I1." is the Roman II., "8)"
#: between "như sau:" and "b)" is a)): the sequence around the label decides.
_READ_AS_LETTERS = frozenset({JOIN, ROMAN_NUMERAL, LIST_LETTER})
_TRAILING_DIGITS = re.compile(r"^(?P<word>[^\W\d_]+)(?P<digits>\d+)$")


def number_lookalike(core: str) -> str | None:
    """``core`` with the look-alike letters of its numbers made digits, or None.

    A number here is a segment (between "/", "-", "." and ",") of digits and look-alikes
    with a digit next to a look-alike ("1Ô", "2O25", "I9", "1I"), or the number of a law
    code before its year ("ló/2025/NĐ-CP", "I/2024/QH15"), or the number ending a later
    segment of capitals ("UBXHI5" -> "UBXH15"); other segments of letters only ("CP",
    "II") and letter words are left alone.
    """
    parts = re.split(r"([-/.,])", core)
    changed = False
    for k in range(0, len(parts), 2):
        p = parts[k]
        tail = _SEGMENT_NUMBER.match(p) if k else None
        if tail and not tail[2].isdigit() and any(c.isdigit() for c in tail[2]):
            parts[k] = tail[1] + tail[2].translate(_TO_DIGIT)  # "UBXHI5" -> "UBXH15"
            changed = True
            continue
        if not _NUMBERISH.match(p) or p.isdigit():
            continue
        if k == 0 and len(parts) > 2 and parts[1] == "/" and _YEAR_SEGMENT.match(parts[2]):
            parts[k] = p.translate(_TO_DIGIT)  # a law code's number: only digits stand there
            changed = True
            continue
        if len(p) < 2 or not any(c.isdigit() for c in p):
            continue
        if not any(
            (a.isdigit() and not b.isdigit()) or (b.isdigit() and not a.isdigit())
            for a, b in zip(p, p[1:], strict=False)
        ):
            continue
        parts[k] = p.translate(_TO_DIGIT)
        changed = True
    return "".join(parts) if changed else None


def digit_count(s: str) -> int:
    return sum(c.isdigit() for c in s)


def keep_digits(toks: list[Token], lex: Lexicon) -> None:
    """Undo or amend any change that deleted a digit a reader needs (see module doc).

    A word with a footnote mark or a size after it ("Việt1", "A4": the letters before the
    digits are a syllable) keeps its digits; the word part may still be corrected
    ("Viet1" -> "Việt1"). Another garbled syllable may lose its digits (any digit can
    be a misread letter: "S6" Số, "C4C" CÁC); a number or code never does.
    """
    for t in toks:
        if t.new is None or t.joined or t.reason in _READ_AS_LETTERS:
            continue
        if digit_count(t.new) >= digit_count(t.core):
            continue
        m = _TRAILING_DIGITS.match(t.core)
        if m and lex.is_syllable(m["word"]):
            # the digits stay digits, so the word before them may change its marks only:
            # a letter the search read into one of them ("A0" -> "an") is not kept
            same = not any(c.isdigit() for c in t.new) and fold_key(t.new) == fold_key(m["word"])
            new = t.new + m["digits"] if same else None
            t.new = new if new != t.core else None
            if t.new is None:
                t.reason, t.score = "", 0.0
            continue
        if t.kind == Kind.GARBLED:
            continue  # "S6" -> "Số", "C4C" -> "CÁC": the digit was a misread letter
        t.new, t.new_trail, t.reason, t.score = None, None, "", 0.0
