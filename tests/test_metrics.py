from __future__ import annotations

import pytest

from pipeline.metrics import cer, normalize, syllable_accuracy


def test_identical_and_style_variants_are_perfect() -> None:
    assert cer("Hoà bình\nthuỷ lợi", "Hòa bình thủy lợi") == 0.0
    assert syllable_accuracy("hoà  bình", "hòa bình") == 1.0


def test_cer_counts_unicode_characters_after_nfc() -> None:
    # one substituted character (ă -> a) out of 8 reference characters
    assert cer("tang cuong"[:4], "tăng") == pytest.approx(1 / 4)
    assert cer("tre\u0309 em", "trẻ em") == 0.0
    assert cer("x", "") == 1.0 and cer("", "") == 0.0


def test_syllable_accuracy() -> None:
    ref = "về tăng cường công tác"
    assert syllable_accuracy("vé ting cường công tác", ref) == pytest.approx(1 - 2 / 5)
    assert syllable_accuracy("", ref) == 0.0


def test_normalize_collapses_space() -> None:
    assert normalize(" a \n\f\n b ") == "a b"
