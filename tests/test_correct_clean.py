"""Correct text stays as written (issue 15, "correct text changed"): classes of change
found by running the corrector on the whole tuning documents (the bench's 8,000-character
excerpts of them showed none): a spelled number before its digits read as another word, a
paper size whose letter grew one from its digit."""

from __future__ import annotations

import pytest
from correcting import fixed

from pipeline.correct import Corrector, correct_text
from pipeline.correct.spelled import SPELLED


@pytest.mark.parametrize(
    "kept",
    [
        "được hỗ trợ trong thời gian sáu (06) tháng nếu không có việc làm",
        "thời gian hỗ trợ là ba mươi sáu (36) tháng;",
        "trong thời hạn mười lăm (15) ngày làm việc",
    ],
)
def test_a_spelled_number_before_its_digits_is_kept(kept: str, corr: Corrector) -> None:
    assert fixed(kept, corr) == kept


def test_a_spelled_number_misread_takes_the_word_of_its_digits(corr: Corrector) -> None:
    r = correct_text("trong thời hạn sau (06) tháng kể từ ngày", corrector=corr)
    assert r.text == "trong thời hạn sáu (06) tháng kể từ ngày"
    assert [c.reason for c in r.corrections] == [SPELLED]
    # digits that no tone of the word names: the word is left to the search
    assert fixed("sau 06 tháng kể từ ngày", corr) == "sau 06 tháng kể từ ngày"


def test_a_paper_size_keeps_its_letter(corr: Corrector) -> None:
    """ "A0" was "An0": the search read the 0 as an n, then the digit was put back."""
    for kept in ("hệ số ở loại A0 lớn hơn hệ số", "in trên khổ giấy A4 theo quy định"):
        assert fixed(kept, corr) == kept
    assert fixed("tại Hà Nôi1 và", corr) == "tại Hà Nội1 và"  # marks of the word still change


_HEADER = (
    "CHÍNH PHỦ\nSố: {code}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    "Hà Nội, ngày 30 tháng 4 năm {year}\n\nNGHỊ QUYẾT\nVề việc kéo dài thời hạn áp dụng của "
    "Nghị định số 72/2026/NĐ-CP ngày 09\ntháng 3 năm 2026 của Chính phủ"
)


def test_the_header_code_takes_the_year_the_document_prints() -> None:
    """Tuning document nghi-quyet-so-25-2026: Tesseract read "Số: 25/2020NQ-CP"."""
    from pipeline.correct.repeats import HEADER_YEAR

    r = correct_text(_HEADER.format(code="25/2020NQ-CP", year="2026"))
    assert "Số: 25/2026/NQ-CP\n" in r.text
    assert [c.reason.endswith(HEADER_YEAR) for c in r.corrections] == [True]
    # the date's year misread instead: the code's year, printed elsewhere too, wins
    r = correct_text(_HEADER.format(code="25/2026/NQ-CP", year="2028"))
    assert "tháng 4 năm 2026\n" in r.text
    # nothing else in the document prints either year: both stay as read
    text = _HEADER.format(code="25/2020/NQ-CP", year="2026").replace("2026/NĐ", "2016/NĐ")
    text = text.replace("tháng 3 năm 2026", "tháng 3 năm 2016")
    assert correct_text(text).text == text


def test_a_tone_that_completes_a_long_term_with_the_words_as_read(corr: Corrector) -> None:
    """Real tune page bn-syt-cv-2021: "Công thông tin điện tử" read for "Cổng ...": the
    LM gains 1.06 where the lost hook costs 3.2; four neighbours spell the term."""
    got = fixed("Công thông tin điện tử Sở Y tế Bắc Ninh", corr)
    assert got == "Cổng thông tin điện tử Sở Y tế Bắc Ninh"
    # the term cut by punctuation, or not completed by the neighbours: no bonus
    for kept in ("công tác thông tin điện tử", "Công, thông tin điện tử của Sở"):
        assert fixed(kept, corr) == kept
