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


# --------------------------------------------------------------------------- extended metrics

import unicodedata  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pipeline.metrics import (  # noqa: E402
    CompareOptions,
    align,
    char_confusions,
    count_edits,
    count_marks,
    mark_errors,
    syllables,
    tokens,
    wer,
)
from pipeline.vietnamese import ToneStyle  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"


def dp_distance(a, b) -> int:
    """Levenshtein distance by the textbook dynamic programme (numpy rows), for checking."""
    if not a:
        return len(b)
    codes: dict = {}
    x = np.array([codes.setdefault(t, len(codes)) for t in a])
    y = np.array([codes.setdefault(t, len(codes)) for t in b])
    prev = np.arange(len(y) + 1)
    idx = np.arange(len(y) + 1)
    for i, ch in enumerate(x, start=1):
        t = np.empty_like(prev)
        t[0] = i
        t[1:] = np.minimum(prev[1:] + 1, prev[:-1] + (y != ch))  # deletion, substitution
        prev = np.minimum.accumulate(t - idx) + idx  # insertions: running min along the row
    return int(prev[-1])


def test_dp_distance_itself() -> None:
    assert dp_distance("kitten", "sitting") == 3
    assert dp_distance("", "abc") == 3 and dp_distance("abc", "") == 3
    assert dp_distance(["về", "tăng"], ["vé", "tăng", "x"]) == 2


def test_hand_computed_case() -> None:
    ref, hyp = "về tăng cường", "vé ting cường"
    # characters: ề→é and ă→i, 13 reference characters (spaces included)
    assert cer(hyp, ref) == pytest.approx(2 / 13)
    # syllables: về→vé, tăng→ting out of 3
    assert wer(hyp, ref) == pytest.approx(2 / 3)
    assert syllable_accuracy(hyp, ref) == pytest.approx(1 / 3)
    r, h = syllables(ref), syllables(hyp)
    marks = count_marks(r, h, align(r, h))
    # tăng/ting differ in base letters: only về/vé and cường/cường are compared;
    # về/vé has a wrong tone (huyền→sắc) and a missing circumflex
    assert (marks.pairs, marks.tone_errors, marks.vowel_errors, marks.any_errors) == (2, 1, 1, 1)
    assert marks.rate == pytest.approx(0.5)


def test_mark_errors_split_tone_and_vowel_marks() -> None:
    assert mark_errors("của", "cua") == (True, False)  # tone only
    assert mark_errors("tăng", "tang") == (False, True)  # breve only
    assert mark_errors("đất", "dát") == (False, True)  # đ and circumflex; sắc kept
    assert mark_errors("Đảng", "đảng") == (False, False)  # case is not a mark
    assert mark_errors("tăng", "ting") is None  # different base letters
    assert mark_errors("2024", "2024") is None  # no letters: nothing to mark


def test_counts_add_up_to_the_distance() -> None:
    ref, hyp = "chăm sóc giáo dục", "cham soc, gido duc them"
    chunks = align(ref, hyp)
    e = count_edits(chunks)
    assert e.errors == dp_distance(ref, hyp)
    assert e.reference_length == len(ref)


def test_confusions_name_what_was_read() -> None:
    ref, hyp = "tăng của đất", "tang ciia dat"
    conf = char_confusions(ref, hyp, align(ref, hyp))
    assert conf[("ă", "a")] == 1 and conf[("ấ", "a")] == 1 and conf[("đ", "d")] == 1
    assert conf[("ủ", "ii")] == 1  # one character read as two: counted as a unit


def test_options() -> None:
    assert cer("HOÀ BÌNH", "hòa bình", options=CompareOptions(ignore_case=True)) == 0.0
    assert cer("HOÀ BÌNH", "hòa bình") > 0
    no_punct = CompareOptions(ignore_punctuation=True)
    assert tokens("sóc, giáo - dục.", no_punct) == ["sóc", "giáo", "dục"]
    assert wer("sóc giáo dục", "sóc, giáo - dục.", options=no_punct) == 0.0
    keep_style = CompareOptions(tone_style=None)
    assert cer("hoà", "hòa", options=keep_style) > 0 and cer("hoà", "hòa") == 0.0
    assert normalize("hoà", fold_tone_style=False) == "hoà"
    new = CompareOptions(tone_style=ToneStyle.NEW)
    assert normalize("hòa thủy", options=new) == "hoà thuỷ"
    spaces = CompareOptions(ignore_spaces=True)
    assert cer("trách nhiệm", "trách  nhiệm") == 0.0
    assert cer("tráchnhiệm", "trách nhiệm", options=spaces) == 0.0
    assert cer("tráchnhiệm", "trách nhiệm") > 0
    assert cer("bon, sóc...", "bon, sóc\u2026") == 0.0  # the ellipsis prints as three dots
    assert cer("bon, sóc...", "bon, sóc\u2026", options=CompareOptions(fold_ellipsis=False)) > 0


viet = st.text(alphabet="aăâđeêioôơuưy àáảãạ\u0301\u0300,.", max_size=40)


@settings(max_examples=150, deadline=None)
@given(viet, viet)
def test_agrees_with_jiwer_and_the_textbook_dp(hyp: str, ref: str) -> None:
    jiwer = pytest.importorskip("jiwer")
    h, r = normalize(hyp), normalize(ref)
    if not r:
        return  # jiwer refuses an empty reference
    # like with like: jiwer gets our normalised strings; its CER counts characters
    # (spaces included) and its WER whitespace tokens, as ours do
    assert cer(hyp, ref) == pytest.approx(jiwer.cer(r, h))
    assert wer(hyp, ref) == pytest.approx(jiwer.wer(r, h))
    assert cer(hyp, ref) == pytest.approx(dp_distance(r, h) / len(r))


def _independent_normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_seed_excerpt_matches_independent_counts() -> None:
    """CER and syllable accuracy on the real sample, to 4 decimals, three ways."""
    ocr_path, truth_path = SAMPLES / "seed-excerpt.ocr.txt", SAMPLES / "seed-excerpt.truth.txt"
    if not ocr_path.exists() or not truth_path.exists():
        pytest.skip("../shared/samples not present")
    jiwer = pytest.importorskip("jiwer")
    ocr, truth = ocr_path.read_text(encoding="utf-8"), truth_path.read_text(encoding="utf-8")
    h, r = _independent_normal(ocr), _independent_normal(truth)
    # our tone-style folding changes nothing in this sample, so NFC + spaces is the same text
    assert normalize(ocr) == h and normalize(truth) == r
    dp_cer = dp_distance(r, h) / len(r)
    dp_acc = 1 - dp_distance(r.split(), h.split()) / len(r.split())
    assert round(cer(ocr, truth), 4) == round(dp_cer, 4) == round(jiwer.cer(r, h), 4)
    assert round(syllable_accuracy(ocr, truth), 4) == round(dp_acc, 4)
    assert round(syllable_accuracy(ocr, truth), 4) == round(1 - jiwer.wer(r, h), 4)


def _tiles(chunks, ref, hyp) -> None:  # noqa: ANN001
    r = h = 0
    for c in chunks:
        assert (c.ref_start, c.hyp_start) == (r, h), c
        if c.op == "equal":
            assert ref[c.ref_start : c.ref_end] == hyp[c.hyp_start : c.hyp_end]
        if c.op == "replace":
            assert c.ref_end - c.ref_start == c.hyp_end - c.hyp_start
        r, h = c.ref_end, c.hyp_end
    assert (r, h) == (len(ref), len(hyp))


@pytest.mark.parametrize("shape", ["repeating", "distinct", "missing-block"])
def test_long_texts_are_aligned_block_by_block_with_the_exact_distance(shape: str) -> None:
    """Above blockalign.EXACT_LIMIT the alignment is made block by block; on OCR-like damage
    its edit count is still the exact Levenshtein distance of the syllables, and that of
    the characters within 0.1 % (a block edge at a space can cost one character)."""
    from rapidfuzz.distance import Levenshtein
    from textdamage import damaged

    from pipeline import blockalign
    from pipeline.metrics import align, count_edits

    ref, hyp = damaged(shape, lost=600)  # a lost stretch of 600 syllables
    assert len(ref) * len(hyp) > blockalign.EXACT_LIMIT
    chunks = align(ref, hyp)
    _tiles(chunks, ref, hyp)
    ids: dict[str, int] = {}
    a, b = [ids.setdefault(t, len(ids)) for t in ref], [ids.setdefault(t, len(ids)) for t in hyp]
    assert count_edits(chunks).errors == Levenshtein.distance(a, b)
    ref_s, hyp_s = " ".join(ref), " ".join(hyp)
    chunks = align(ref_s, hyp_s)
    _tiles(chunks, ref_s, hyp_s)
    exact = Levenshtein.distance(ref_s, hyp_s)  # characters: the runs are cut at spaces,
    assert exact <= count_edits(chunks).errors <= exact * 1.001  # a char off around a gap
