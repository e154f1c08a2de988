"""Tokens of a line: punctuation split off a core, the core's kind, and case patterns."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from pipeline.anatomy import LIST_MARKER
from pipeline.lexicon import Lexicon
from pipeline.vietnamese import ToneStyle, fold_key, place_tone

LEAD = "\"'“”‘’([{«<*•·#"
TRAIL = "\"'“”‘’.,;:!?)]»>…#"
SENT_END = re.compile(r"[.!?;:]")
_URL = re.compile(
    r"^(?:[a-z]+://|www\.)|^[\w.+-]+@[\w-]+\.[\w.]+$|\.(?:vn|com|org|net|gov)\b", re.I
)
NUMBERISH = re.compile(r"^[\d.,/:\-–%+]+[a-zđ]?$", re.I)
ROMAN = re.compile(r"^M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
_VIET_ONLY = frozenset("ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĩũ")
VIET_RE = re.compile("[" + "".join(sorted(_VIET_ONLY)) + "]")
#: Signs OCR prints for a letter with its marks inside a word: a currency sign for a
#: marked vowel ("vi€c", "thu£"), a section or degree sign for a small letter ("đơn v§"),
#: a question mark or an apostrophe for a horn (mark-less OCR: "thi?c", "thu’c")
SIGN_LETTERS = "€£¢¥₫§©®°?’"
_GARBLE = frozenset("0134568@&$|{}()[]/\\!" + SIGN_LETTERS)
#: ``Token.reason`` of the rules whose changes later steps look for: pieces joined into one
#: word (not split or classified again), a Roman numeral and a list letter (a digit read
#: as a letter there is not made a digit again).
JOIN, ROMAN_NUMERAL, LIST_LETTER = "join", "roman numeral", "list letter"
SLASH_MARKER = re.compile(r"^[a-zđA-ZĐ]/$")  # list marker "b/" (a/, b/, c/ ...)
_SLASH_ABBR = re.compile(r"^[a-zđA-ZĐ](?:/[a-zđA-ZĐ])+$")  # v/v, k/t, t/m: one letter a word
_LATIN_LETTERS = frozenset("abcdđefghijklmnopqrstuvwxyz")


class Kind(StrEnum):
    """What a token core is to the corrector."""

    WORD = "word"  # letters: a syllable to check
    FIXED = "fixed"  # kept as written (numbers, codes, abbreviations, a rule's result)
    GARBLED = "garbled"  # letters mixed with digits or symbols: a garbled syllable


@dataclass(slots=True)
class Token:
    """One whitespace token of a line, split into punctuation around a core."""

    line: int
    index: int  # word index in its line
    start: int  # char offset of the core in the line
    lead: str
    core: str
    trail: str
    kind: str = Kind.WORD
    conf: float | None = None
    new: str | None = None
    new_trail: str | None = None  # set when the punctuation after the core changes
    gate: str = ""  # "mode/regime" the token was read in
    unit: bool = False  # a short non-syllable right after a number ("25 rem", "0,25 Sv")
    joined: bool = False  # merged into the token before it (its text moved there)
    reason: str = ""
    score: float = 0.0


def split(tok: str) -> tuple[str, str, str]:
    """(lead punctuation, core, trail punctuation) of a whitespace token."""
    i, j = 0, len(tok)
    while i < j and tok[i] in LEAD:
        i += 1
    while j > i and tok[j - 1] in TRAIL:
        j -= 1
    if tok[i:j].endswith("./") and j < len(tok):
        j -= 2  # "luật./.": the mark that ends a document
        while j > i and tok[j - 1] in TRAIL:
            j -= 1
    if j - i >= 3 and tok[j - 1] == "/" and tok[i : j - 1].isalpha():
        j -= 1  # "chơi/ giải trí/": a slash between alternatives is punctuation
    return tok[:i], tok[i:j], tok[j:]


def letters(s: str) -> str:
    return "".join(ch for ch in s if ch.isalpha())


def tokens_of_line(text: str, line_no: int) -> list[Token]:
    out = []
    for k, m in enumerate(re.finditer(r"\S+", text)):
        lead, core, trail = split(m.group(0))
        out.append(Token(line_no, k, m.start() + len(lead), lead, core, trail))
    return out


def kind_of(core: str, lex: Lexicon, marker: bool) -> str:
    """word | fixed | garbled for a token core (``marker``: first in line, before ")" or
    a letter with a slash: "b/")."""
    if not core or not any(ch.isalpha() and unicodedata.category(ch) != "Lm" for ch in core):
        return Kind.FIXED  # no letter: numbers, symbols, a stray modifier mark ("ˆ")
    if _URL.search(core) or "@" in core and "." in core:
        return Kind.FIXED
    if NUMBERISH.match(core) or core[0].isdigit():
        return Kind.FIXED
    if lex.is_abbreviation(core) or lex.is_code(core):
        return Kind.FIXED
    plain = letters(core)
    if plain.isupper() and ROMAN.match(core) and core.isalpha():
        return Kind.FIXED  # Roman numerals (XXIV) and single capitals stay as written
    if marker and len(plain) == 1:
        return Kind.FIXED  # list marker a) ... đ)
    if _SLASH_ABBR.match(core):
        return Kind.FIXED  # "v/v" (về việc), "k/t": one letter per word, never a syllable
    if "-" in core or "/" in core:
        parts = [p for p in re.split(r"[-/]", core) if p]
        if any(p.isupper() and len(p) > 1 for p in parts) or any(ch.isdigit() for ch in core):
            return Kind.FIXED  # a code we do not know (QĐ-UBND like): keep
    if core.isalpha():
        return Kind.WORD
    # letters mixed with digits or symbols: a garbled syllable (S6, t6, clr(rng, U}) when short
    if len(core) <= 8 and len(plain) >= 1 and all(ch.isalpha() or ch in _GARBLE for ch in core):
        return Kind.GARBLED
    return Kind.FIXED


def starts_marker(toks: list[Token]) -> bool:
    """Does this line open with a list marker ("-", "2.", "a)", "IV.")?"""
    if not toks:
        return False
    first = toks[0].lead + toks[0].core + toks[0].trail
    return bool(LIST_MARKER.match(first + " "))


#: :func:`~pipeline.vietnamese.fold_key` of a token's text, cached: the rules ask it of
#: nearly every token of a page, and a page holds few distinct ones
fold_word = functools.lru_cache(maxsize=1 << 16)(fold_key)


@functools.lru_cache(maxsize=1 << 16)
def is_consonant_caps(core: str) -> bool:
    """Capitals without a vowel (HS, SV, GV, NCL): an abbreviation where Tesseract ``vie``
    read the text, since it does not drop vowels; mark-less OCR does ("CQNG" for CỘNG), so
    there such a token may still be a garbled word."""
    plain = letters(core)
    return len(plain) >= 2 and plain.isupper() and set(fold_word(plain)).isdisjoint("aeiouy")


def is_letter_ref(core: str, lex: Lexicon) -> bool:
    """A lone Latin letter that is no syllable ("điểm c", "khoản b, d"): a reference.

    Text read with Vietnamese marks got these right; only mark-less OCR turns syllables
    into single letters ("B" for "Bộ"), so this holds in good and vie blocks only.
    """
    return len(core) == 1 and core.lower() in _LATIN_LETTERS and not lex.is_syllable(core)


def markless_line(toks: list[Token], lex: Lexicon) -> bool:
    """Is this line Vietnamese typed without marks: 2+ words, all plain ASCII syllable keys?

    Two words are enough in capitals (a header line); in lower case it takes three.
    """
    words = [t for t in toks if t.kind != Kind.FIXED]
    if len(words) < 2 or any(t.kind != Kind.WORD or not t.core.isascii() for t in words):
        return False
    if len(words) < 3 and not all(t.core.isupper() for t in words):
        return False
    return all(lex.candidates(t.core) for t in words)


@functools.lru_cache(maxsize=1 << 16)
def match_case(orig: str, new: str) -> str:
    """Give ``new`` (lower case) the case pattern of the OCR token ``orig``."""
    plain = [ch for ch in orig if ch.isalpha()]
    if not plain:
        return new
    sure = [ch for ch in plain if ch not in "Il"]  # I/l: the misread pair of case
    upper = [ch.isupper() for ch in (sure or plain)]
    if len(plain) >= 2 and len(sure) >= 2 and sum(upper) >= 0.75 * len(upper) and upper[0]:
        return new.upper()  # DPANG, PiCH: a capital word with a misread letter
    if orig[0].isalpha() and orig[0].isupper() and orig[0] not in "Il":
        return new[:1].upper() + new[1:]
    if orig[0] == "I" and not (sure and all(upper)) and not new.startswith("i"):
        return new  # "I6p" -> "lớp": the capital I was a small l
    if orig[0].isupper() and all(upper):
        return new.upper() if len(plain) >= 2 else new[:1].upper() + new[1:]
    if orig[0].isupper():
        return new[:1].upper() + new[1:]
    return new


@functools.lru_cache(maxsize=1 << 16)
def tone_form(word: str, style: ToneStyle) -> str:
    """``word`` with its tone placed in ``style``."""
    return place_tone(word, style)
