"""Error rates between a recognised text and its reference, defined once for the project.

CER is the Levenshtein distance over Unicode characters (NFC) divided by the reference
length; syllable accuracy is 1 - (Levenshtein distance over syllables / reference
syllables). Both texts go through the same normaliser first: NFC, one tone-placement style
(hòa = hoà), and whitespace collapsed, because a line break or a tone-placement style is
not an OCR error.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from pipeline.vietnamese import ToneStyle, nfc, place_tones

_SPACE = re.compile(r"\s+")


def normalize(text: str, *, fold_tone_style: bool = True) -> str:
    """NFC, one tone style, and single spaces (line and page breaks count as a space)."""
    text = nfc(text)
    if fold_tone_style:
        text = place_tones(text, ToneStyle.OLD)
    return _SPACE.sub(" ", text).strip()


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate after :func:`normalize` (0.0 = identical; can exceed 1.0)."""
    hyp, ref = normalize(hypothesis), normalize(reference)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(hyp, ref) / len(ref)


def syllables(text: str) -> list[str]:
    """The normalised text split at spaces: Vietnamese syllables with their punctuation."""
    norm = normalize(text)
    return norm.split(" ") if norm else []


def syllable_accuracy(hypothesis: str, reference: str) -> float:
    """1 - syllable-level edit distance / reference syllables (may go below 0)."""
    hyp, ref = syllables(hypothesis), syllables(reference)
    if not ref:
        return 1.0 if not hyp else 0.0
    return 1.0 - Levenshtein.distance(hyp, ref) / len(ref)
