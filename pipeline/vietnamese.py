"""Vietnamese syllable anatomy: tone marks, vowel marks, folding keys and tone placement.

A Vietnamese syllable carries at most one tone mark (huyền, sắc, hỏi, ngã, nặng) on one of
its vowels, and its vowels may carry vowel marks (ă â ê ô ơ ư) and its d a stroke (đ).
OCR damages each part differently, so correction, the language model and the report all
need to take syllables apart the same way: this module is that one way.

Two spellings of the same syllable differ only in where the tone sits: the traditional
style "hòa, thủy, của" and the new style "hoà, thuỷ, của" (only oa, oe, uy differ).
``place_tones`` rewrites a text into one style so counts and comparisons treat them alike.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum

#: Combining tone marks in tone order 1..5: huyền, sắc, hỏi, ngã, nặng (0 = ngang).
TONE_MARKS = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_TONE_OF = {m: i + 1 for i, m in enumerate(TONE_MARKS)}
_VOWELS = frozenset("aăâeêioôơuưy")
_MARKED_VOWELS = frozenset("ăâêôơư")
_NEW_STYLE_PAIRS = frozenset({"oa", "oe", "uy"})
_CODAS = frozenset({"", "c", "ch", "m", "n", "ng", "nh", "p", "t"})
_WORD = re.compile(r"[\w\u0300-\u036f]+")


class ToneStyle(Enum):
    """Where the tone goes in open oa/oe/uy syllables: "hòa" (OLD) or "hoà" (NEW)."""

    OLD = "old"
    NEW = "new"


def nfc(text: str) -> str:
    """Unicode NFC: composed characters, the form vnocr stores and compares."""
    return unicodedata.normalize("NFC", text)


def split_tone(syllable: str) -> tuple[str, int]:
    """Split a syllable into its toneless form (NFC) and its tone 0..5.

    >>> split_tone("Việt")
    ('Viêt', 5)
    """
    tone = 0
    kept = []
    for ch in unicodedata.normalize("NFD", syllable):
        t = _TONE_OF.get(ch)
        if t is None:
            kept.append(ch)
        else:
            tone = t
    return nfc("".join(kept)), tone


def strip_tones(text: str) -> str:
    """Remove tone marks, keep vowel marks and đ: "trường" -> "trương"."""
    return nfc("".join(ch for ch in unicodedata.normalize("NFD", text) if ch not in _TONE_OF))


def strip_marks(text: str) -> str:
    """Remove every mark, đ included: "Đảng ủy" -> "Dang uy" (what a mark-less OCR sees)."""
    out = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return out.replace("đ", "d").replace("Đ", "D")


def fold_key(text: str) -> str:
    """Lower-case, mark-free key used to index a lexicon: "Trường" -> "truong"."""
    return strip_marks(text).casefold()


def tone_position(base: str, style: ToneStyle = ToneStyle.OLD) -> int | None:
    """Index in the toneless syllable ``base`` of the vowel that carries the tone.

    Rules: a vowel with a vowel mark wins (the last one: ươ -> ơ); a closed syllable puts it
    on the last vowel; three vowels on the middle one; two vowels on the first, except
    oa/oe/uy in the new style. The u of qu and the i of gi belong to the consonant.
    Returns None when the word is not shaped like one syllable (no vowel, or letters after
    the final consonant, as in the garbled "Hudeng"), so garbage is never re-marked.
    """
    low = base.lower()
    start = 0
    if (
        low.startswith("qu")
        and len(low) > 2
        and low[2] in _VOWELS
        or low.startswith("gi")
        and len(low) > 2
        and low[2] in _VOWELS
    ):
        start = 2
    while start < len(low) and low[start] not in _VOWELS:
        start += 1
    if start == len(low):
        return None
    end = start
    while end < len(low) and low[end] in _VOWELS:
        end += 1
    cluster = low[start:end]
    if low[end:] not in _CODAS:
        return None
    marked = [i for i, ch in enumerate(cluster) if ch in _MARKED_VOWELS]
    if marked:
        return start + marked[-1]
    if end < len(low) or len(cluster) == 1:
        return end - 1
    if len(cluster) >= 3:
        return start + 1
    if style is ToneStyle.NEW and cluster in _NEW_STYLE_PAIRS:
        return start + 1
    return start


def apply_tone(base: str, tone: int, style: ToneStyle = ToneStyle.OLD) -> str:
    """Put tone 1..5 on the toneless syllable ``base`` (0 returns it unchanged)."""
    if tone == 0:
        return base
    pos = tone_position(base, style)
    if pos is None:
        return base
    chars = list(unicodedata.normalize("NFD", base))
    # walk NFD chars to find the position of base letter ``pos`` and its existing marks
    letter = -1
    for i, ch in enumerate(chars):
        if not unicodedata.combining(ch):
            letter += 1
            if letter == pos:
                j = i + 1
                while j < len(chars) and unicodedata.combining(chars[j]):
                    j += 1
                chars.insert(j, TONE_MARKS[tone - 1])
                break
    return nfc("".join(chars))


def place_tone(syllable: str, style: ToneStyle = ToneStyle.OLD) -> str:
    """Move a syllable's tone to where ``style`` puts it: "hoà" -> "hòa" (OLD)."""
    marks = sum(ch in _TONE_OF for ch in unicodedata.normalize("NFD", syllable))
    base, tone = split_tone(syllable)
    if marks != 1 or tone_position(base, style) is None:
        return nfc(syllable)  # not one well-formed syllable: leave it as found
    return apply_tone(base, tone, style)


def place_tones(text: str, style: ToneStyle = ToneStyle.OLD) -> str:
    """Apply :func:`place_tone` to every word of a text; everything else is kept."""
    return _WORD.sub(lambda m: place_tone(m.group(0), style), nfc(text))


def has_marks(text: str) -> bool:
    """True when the text carries any Vietnamese mark or đ."""
    return strip_marks(text) != text
