"""One test helper for correction: a text as a Corrector corrects it."""

from __future__ import annotations

from pipeline.correct import Corrector, correct_text


def fixed(text: str, corr: Corrector) -> str:
    """``text`` corrected by ``corr``: the corrected text alone, without the changes."""
    return correct_text(text, corrector=corr).text
