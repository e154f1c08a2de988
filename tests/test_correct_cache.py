"""The page's own words as a cache LM (pipeline.correct.cache), with the shipped models."""

from __future__ import annotations

import numpy as np
import pytest
from correcting import fixed

from pipeline.correct import CorrectConfig, Corrector, correct_text
from pipeline.correct.cache import free_spans, page_bonus, window
from pipeline.correct.config import Regime
from pipeline.vietnamese import strip_marks

#: A short text of our own on marking state secrets: "độ mật" (level of secrecy) comes
#: back four times, a term the corpus as a whole rarely uses ("do mat" is more often
#: "do mất", "do mặt")
SECRETS = """Văn bản có nội dung bí mật nhà nước phải được đóng dấu chỉ độ mật.
Người soạn thảo có trách nhiệm đề xuất độ mật của văn bản.
Khi thay đổi độ mật, cơ quan ban hành phải thông báo bằng văn bản.
Tài liệu bí mật nhà nước độ Tối mật được bảo quản tại nơi an toàn.
Việc sao, chụp tài liệu bí mật nhà nước phải ghi rõ độ mật trên bản sao."""


@pytest.fixture(scope="module")
def no_cache(corr: Corrector) -> Corrector:
    return Corrector(corr.lex, corr.lm, corr.channel, CorrectConfig(cache_weight=0.0))


def test_a_page_that_repeats_its_term_gets_it_back_where_the_corpus_alone_does_not(
    corr: Corrector, no_cache: Corrector
) -> None:
    stripped = strip_marks(SECRETS)
    before = correct_text(stripped, corrector=no_cache).text
    after = fixed(stripped, corr)
    assert before.count("độ mật") == 2  # "thay đổi do mất", "ghi rõ do mất" without the page
    assert after.count("độ mật") == 4
    assert "tại nơi an toàn" in after  # the page's "Tài liệu", "nội dung" do not leak
    wrong = sum(a != b for a, b in zip(after.split(), SECRETS.split(), strict=True))
    assert wrong <= 1


def test_correct_text_stays_as_it_is(corr: Corrector) -> None:
    assert correct_text(SECRETS, corrector=corr).corrections == ()


def _sentence(corr: Corrector, words: str) -> list:
    return [corr.candidates(w, Regime.RESTORE) for w in words.split()]


def test_a_word_chosen_once_gains_nothing_and_one_chosen_often_gains(corr: Corrector) -> None:
    sent = _sentence(corr, "do mat do mat do mat tai lieu")
    want = ["độ", "mật", "độ", "mật", "độ", "mật", "tài", "liệu"]
    picks = [c.words.index(w) for c, w in zip(sent, want, strict=True)]
    (bonus,) = page_bonus(corr.lm, [sent], [picks], 2.0, 0.2, 0.0).bonus
    mat, lieu = sent[1], sent[7]
    assert bonus[1][mat.words.index("mật")] > 0.5  # chosen twice more on the page
    assert bonus[1][mat.words.index("mặt")] == 0.0  # never chosen: no bonus, no malus
    assert bonus[7][lieu.words.index("liệu")] == 0.0  # its one reading is its own
    assert np.all(bonus[1][len(mat.ids) :] == 0.0)  # padding slots (<unk>) gain nothing


def test_a_position_is_searched_again_only_where_the_page_could_turn_it(
    corr: Corrector,
) -> None:
    sent = _sentence(corr, "do mat do mat do mat do mat")
    right = ["độ", "mật"] * 4
    picks = [c.words.index(w) for c, w in zip(sent, right, strict=True)]
    (again,) = page_bonus(corr.lm, [sent], [picks], 2.0, 0.2, 0.0).again
    assert not again.any()  # every reading already the page's own
    picks[7] = sent[7].words.index("mất")  # one read otherwise
    (again,) = page_bonus(corr.lm, [sent], [picks], 2.0, 0.2, 0.0).again
    assert again.tolist() == [False] * 7 + [True]


def test_the_window_holds_two_words_each_side_to_the_first_choice(corr: Corrector) -> None:
    sent = _sentence(corr, "phai ghi ro do mat tren ban sao")
    picks = [0] * len(sent)
    bonus = np.zeros((len(sent), corr.width))
    bonus[4, 1] = 1.0  # the page favours the second candidate of "mat" clearly
    again = np.zeros(len(sent), dtype=bool)
    again[4] = True
    spans = free_spans(again, len(sent))
    assert spans == [(3, 6)]  # the position and its neighbours
    lo, part = window(sent, picks, bonus, spans[0], corr.width)
    assert lo == 1 and len(part) == 7
    held = [part[0], part[1], part[5], part[6]]
    assert all(len(c.ids) == 1 for c in held)
    assert part[3].cost[1] == pytest.approx(sent[4].cost[1] - 1.0)
    assert sent[4].cost[1] == corr.candidates("mat", Regime.RESTORE).cost[1]  # shared, unchanged
    assert free_spans(np.array([True, False, False, True, False]), 5) == [(0, 5)]  # merged
