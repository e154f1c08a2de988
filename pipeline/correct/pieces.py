"""Pieces the OCR split off or added: a code cut at its hyphen or in its number, a stray
single letter between two words, the N lost from "Nơi nhận", a Roman term number.

These are classes of damage seen on real pages, each decided by the tokens around it:

* "4869/UBND- SYT": a code whose segment after the hyphen was pushed one space on (a
  line break inside the code on the page) is one code again (not "28- CT/TW": some
  documents set a number and its code that way);
* "số l 0/2022/QH15", "số 5 7/2020/QH14": the number of a code cut in two after "số"
  is one number ("10/2022/QH15"); a fraction slash "⁄" in a code is "/";
* "luật t chuyên", "Nhằm g góp": a lone small letter that is no syllable, between two
  small-letter words and not after a word that takes a letter ("điểm c", "khoản b"),
  is a speck read as a letter: it goes;
* "ơi nhận:" opening a line is "Nơi nhận:";
* "khóa XỨ", "khóa XW": a Quốc hội term is a Roman number ("khóa XV").
"""

from __future__ import annotations

import re

from pipeline.correct.tokens import JOIN, ROMAN_NUMERAL, Kind, Token, fold_word
from pipeline.lexicon import Lexicon

_CODE_HEAD = re.compile(r"^[\dA-ZĐ][\dA-ZĐa-z/.]*-$")  # "30-", "4869/UBND-"
_CODE_TAIL = re.compile(r"^[A-ZĐ][A-ZĐa-z\d]*(?:[-/][A-ZĐa-z\d]+)*$")  # "SYT", "TB/TGV"
_NUMBER_PIECE = re.compile(r"^[\dIl|]{1,2}$")
_CODE_NUMBER = re.compile(r"^\d{1,3}/\d{4}/")  # "0/2022/QH15"
_TO_ONE = str.maketrans(dict.fromkeys("Il|", "1"))
#: Words a single letter may follow as a reference ("điểm c", "khoản b và d").
_LETTER_REFS = frozenset({"điểm", "khoản", "mục", "tiết", "phụ", "lục", "và", "hoặc", "các"})
_ROMAN_LOOKALIKE = str.maketrans({"W": "V", "U": "V", "Ư": "V", "Ứ": "V", "Ừ": "V", "Ụ": "V"})
_ROMAN = re.compile(r"^[IVX]{1,5}$")
STRAY = "stray letter"  # the reason of a dropped letter (its box is no word's)


def _text(t: Token) -> str:
    return t.core if t.new is None else t.new


def _join(first: Token, rest: list[Token], joined: str, reason: str) -> None:
    """``first`` takes ``joined``; the tokens of ``rest`` become empty pieces of it."""
    last = rest[-1]
    first.new, first.kind, first.reason = joined, Kind.FIXED, reason
    first.new_trail, last.new_trail = last.trail, ""
    for t in rest:
        t.new, t.kind, t.joined, t.reason = "", Kind.FIXED, True, reason


def code_pieces(toks: list[Token]) -> None:
    """Join a code cut at its hyphen, and the number of a code cut after "số".

    A code cut after its issuer's segment ("4869/UBND- SYT") is one; a number and hyphen
    before a code ("28- CT/TW", "30- TB/TGV") is left: documents set it with that space
    too, even beside the same code printed whole."""
    for k in range(len(toks) - 1):
        a, b = toks[k], toks[k + 1]
        if a.trail or b.lead or a.joined or b.joined or b.reason == JOIN:
            continue
        head, tail = _text(a), _text(b)
        if _CODE_HEAD.match(head) and any(c.isdigit() for c in head) and _CODE_TAIL.match(tail):
            if "/" in head:
                _join(a, [b], head + tail, "code piece")
            continue
        prev = toks[k - 1] if k else None
        if (
            prev is not None
            and fold_word(_text(prev)) == "so"
            and not prev.trail
            and _NUMBER_PIECE.match(head)
            and _CODE_NUMBER.match(tail)
        ):
            _join(a, [b], head.translate(_TO_ONE) + tail, "code piece")


def fraction_slash(t: Token) -> None:
    """A code with a fraction slash ("7/2020/⁄QH14", "7⁄2020"): plain slashes."""
    cur = _text(t)
    if "⁄" not in cur:
        return
    fixed = re.sub(r"/?⁄/?", "/", cur)
    if fixed != cur:
        t.new, t.kind = fixed, Kind.FIXED
        t.reason = t.reason or "code slash"


def stray_letter(toks: list[Token], lex: Lexicon) -> None:
    """Drop a lone small letter between two words (see module doc); only on a line read
    with marks, where OCR does not cut a syllable down to its first letter."""
    if sum(not t.core.isascii() for t in toks) < 0.3 * len(toks):
        return
    for k in range(1, len(toks) - 1):
        prev, t, nxt = toks[k - 1], toks[k], toks[k + 1]
        core = t.core
        if t.new is not None or t.lead or t.trail or prev.trail or nxt.lead:
            continue
        if len(core) != 1 or not core.isalpha() or not core.islower() or lex.is_syllable(core):
            continue
        before, after = _text(prev), _text(nxt)
        if not (before.isalpha() and len(before) > 1 and after.isalpha() and after.islower()):
            continue
        if before.lower() in _LETTER_REFS or len(after) == 1:
            continue
        t.new, t.kind, t.joined, t.reason = "", Kind.FIXED, True, STRAY


def line_start_words(toks: list[Token]) -> None:
    """ "ơi nhận:" opening a line: the N was lost ("Nơi nhận:")."""
    if len(toks) >= 2 and toks[0].core == "ơi" and fold_word(toks[1].core) == "nhan":
        t = toks[0]
        t.new, t.kind, t.reason = "Nơi", Kind.FIXED, "recipients label"


def term_number(toks: list[Token]) -> None:
    """ "khóa XỨ" -> "khóa XV": after "khóa", a Roman number one look-alike off."""
    for k in range(1, len(toks)):
        t, prev = toks[k], toks[k - 1]
        if t.new is not None or prev.trail or fold_word(_text(prev)) != "khoa":
            continue
        core = t.core
        if not core.isupper() or _ROMAN.match(core) or len(core) > 5:
            continue
        fixed = core.translate(_ROMAN_LOOKALIKE)
        if fixed != core and _ROMAN.match(fixed):
            t.new, t.kind, t.reason = fixed, Kind.FIXED, ROMAN_NUMERAL
