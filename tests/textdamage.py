"""OCR-like damage of long syllable texts, for the tests of long alignments and reports."""

from __future__ import annotations

import random

VOCABULARY = [
    "của",
    "các",
    "và",
    "cho",
    "người",
    "được",
    "trong",
    "những",
    "công",
    "tác",
    "chăm",
    "sóc",
    "trẻ",
    "em",
]


def damaged(
    shape: str, n: int = 6000, seed: int = 7, lost: int = 300
) -> tuple[list[str], list[str]]:
    """A reference of ``n`` syllables and an OCR-like reading of it (about 4 % damage);
    "missing-block" also loses ``lost`` syllables from the 2,000th on."""
    rng = random.Random(seed)
    if shape == "repeating":  # repeats itself every 400 syllables: no unique anchors
        period = [rng.choice(VOCABULARY) + str(k) for k in range(400)]
        ref = (period * (n // 400 + 1))[:n]
    else:
        ref = [rng.choice(VOCABULARY) + str(rng.randrange(400)) for _ in range(n)]
    hyp: list[str] = []
    for i, word in enumerate(ref):
        if shape == "missing-block" and 2000 <= i < 2000 + lost:  # a lost stretch
            continue
        r = rng.random()
        hyp += (
            []
            if r < 0.01
            else [word[:-1] + "x"]
            if r < 0.03
            else [word, "ii"]
            if r < 0.04
            else [word]
        )
    return ref, hyp
