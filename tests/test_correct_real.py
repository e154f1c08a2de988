"""Correction on what real documents carry (issue 15, items 1-3 and 6): official
abbreviations run together, digits read as letters inside numbers and never deleted,
list punctuation only where the list's own style says so, and the structure's numbering
repairs in the text of ``vnocr correct`` and ``vnocr run``."""

from __future__ import annotations

from pathlib import Path

import pytest
from correcting import fixed

from pipeline.correct import Corrector, correct_text
from pipeline.correct.command import main as correct_main
from pipeline.correct.digits import digit_count, number_lookalike
from pipeline.document import Document, Line, Page, Word
from pipeline.structure import structure

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "corpus" / "dev"


@pytest.mark.parametrize(
    "raw,want",
    [
        ("ngày 1Ô tháng 3 năm 2025 của Bộ", "ngày 10 tháng 3 năm 2025 của Bộ"),
        ("phòng, chống dịch COVID-I9 trên địa bàn", "phòng, chống dịch COVID-19 trên địa bàn"),
        ("theo Nghị quyết số I4/2025/NQ-CP ngày", "theo Nghị quyết số 14/2025/NQ-CP ngày"),
        ("trong năm 2O25 tại Hà Nội", "trong năm 2025 tại Hà Nội"),
    ],
)
def test_letters_inside_numbers_are_digits(raw: str, want: str, corr: Corrector) -> None:
    assert fixed(raw, corr) == want


def test_number_lookalike_leaves_words_and_roman_numbers() -> None:
    assert number_lookalike("II") is None and number_lookalike("lO") is None
    assert number_lookalike("NĐ-CP") is None and number_lookalike("2025") is None
    assert number_lookalike("1I/2O2O/QĐ-UBND") == "11/2020/QĐ-UBND"


@pytest.mark.parametrize(
    "kept",
    [
        "Cộng hòa xã hội chủ nghĩa Việt1 Nam",  # a footnote mark
        "in trên khổ giấy A4 theo quy định",  # a paper size
        "ngày 4l tháng 5",  # no day 41: left for the reader
    ],
)
def test_a_needed_digit_is_never_deleted(kept: str, corr: Corrector) -> None:
    assert fixed(kept, corr) == kept


def test_digit_that_stands_for_a_letter_may_go(corr: Corrector) -> None:
    assert fixed("S6 liệu báo cáo", corr) == "Số liệu báo cáo"
    assert fixed("I1. NHIỆM VỤ", corr) == "II. NHIỆM VỤ"


def test_no_digit_deleted_on_held_out_text(corr: Corrector) -> None:
    """Correct held-out documents (bench/splits.json) go through without losing a digit."""
    import json

    names = json.loads((REPO / "bench" / "splits.json").read_text(encoding="utf-8"))["held_out"]
    files = [DEV / n for n in names if (DEV / n).exists()]
    if not files:
        pytest.skip("../shared/corpus/dev not found")
    for f in files[:4]:
        text = f.read_text(encoding="utf-8")[:6000]
        for c in correct_text(text, corrector=corr).corrections:
            if c.reason not in ("roman numeral", "list letter", "join"):
                assert digit_count(c.after) >= digit_count(c.before), (f.name, c)


@pytest.mark.parametrize(
    "kept",
    [
        "Văn phòng Chính phủ gửi VPHU và TTgCP các bộ",
        "Phó Thủ tướng PTTgCP chỉ đạo các bộ",
        "gửi Thủ tướng Chính phủ TTGCP ngay",
    ],
)
def test_official_abbreviations_run_together_are_kept(kept: str, corr: Corrector) -> None:
    assert fixed(kept, corr) == kept


def test_capital_syllables_are_no_abbreviation_compound(corr: Corrector) -> None:
    assert not corr.codes.compound("CHUNG") and not corr.codes.compound("BAN")
    assert corr.codes.compound("TTgCP") and not corr.codes.compound("ttgcp")


def test_list_end_only_in_the_lists_own_style(corr: Corrector) -> None:
    text = (
        "1. Bộ A thực hiện việc kiểm tra;\n2. Bộ B thực hiện,\n3. Bộ C thực hiện.\n"
        "Nơi nhận:\n- Như trên,\n- Bộ Tài chính,\n- Lưu: VT."
    )
    got = fixed(text, corr)
    assert "2. Bộ B thực hiện;" in got  # the list ends its items with ";"
    assert "- Như trên,\n- Bộ Tài chính," in got  # a recipient list set with commas
    first = "a) Nội dung thứ nhất,\nb) Nội dung thứ hai."
    assert fixed(first, corr) == first  # no item ended yet: no stop to copy


def test_vnocr_correct_writes_the_numbering_repairs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.txt"
    src.write_text(
        "KẾ HOẠCH\nvề việc X\n\nI. MỤC ĐÍCH\n1. Mục đích\n11. NHIỆM VỤ\n1. Nhiệm vụ\n",
        encoding="utf-8",
    )
    assert correct_main([str(src), "--changes"]) == 0
    out, err = capsys.readouterr()
    assert "\nII. NHIỆM VỤ\n" in out and "11." not in out
    assert "6:1\t11.\tII.\tnumbering" in err
    assert correct_main([str(src), "--no-structure"]) == 0
    assert "\n11. NHIỆM VỤ\n" in capsys.readouterr().out


def test_structure_stage_writes_numbering_repairs_into_the_words() -> None:
    texts = ["KẾ HOẠCH", "về việc X", "I. MỤC ĐÍCH", "1. Mục đích", "11. NHIỆM VỤ", "1. Nhiệm vụ"]
    lines = tuple(Line(tuple(Word(w) for w in t.split()), par=i) for i, t in enumerate(texts))
    doc = structure(Document("x.png", pages=(Page(0, lines),)))
    assert doc.pages[0].lines[4].text == "II. NHIỆM VỤ"
    assert doc.without_corrections().pages[0].lines[4].text == "11. NHIỆM VỤ"


@pytest.mark.parametrize(
    "raw,want",
    [
        ("theo Công văn số 4869/UBND- SYT ngày 26/7/2020", "theo Công văn số 4869/UBND-SYT ngày"),
        ("Luật số l 0/2022/QH15 và", "Luật số 10/2022/QH15 và"),
        ("Luật số 5 7/2020/⁄QH14 và", "Luật số 57/2020/QH14 và"),
        ("thực hiện luật t chuyên ngành", "thực hiện luật chuyên ngành"),
        ("Nhằm g góp phần phát triển", "Nhằm góp phần phát triển"),
        ("ơi nhận:\n- Như trên;", "Nơi nhận:\n- Như trên;"),
        ("Quốc hội khóa XỨ, kỳ họp thứ 9", "Quốc hội khóa XV, kỳ họp thứ 9"),
        ("theo khoản Ï Điều 5", "theo khoản 1 Điều 5"),
        ("quy định tại Điều §6. Nội dung", "quy định tại Điều 86. Nội dung"),
        ("từ ngày 0T tháng 3", "từ ngày 01 tháng 3"),
    ],
)
def test_pieces_and_lookalikes_of_real_pages(raw: str, want: str, corr: Corrector) -> None:
    assert fixed(raw, corr).startswith(want)


@pytest.mark.parametrize(
    "kept",
    [
        "quy định tại điểm c khoản 2",  # a letter that is a reference
        "Chỉ thị số 28- CT/TW của Bộ Chính trị",  # some documents set a code so
        "các khoản b, d và đ",
    ],
)
def test_letters_and_codes_that_stay(kept: str, corr: Corrector) -> None:
    assert fixed(kept, corr) == kept


def test_dropped_stray_letter_is_logged_and_undone(corr: Corrector) -> None:
    from pipeline.correct import correct_document

    doc = Document.from_text("thực hiện luật t chuyên ngành về đất đai")
    fixed = correct_document(doc, corrector=corr)
    assert fixed.pages[0].text == "thực hiện luật chuyên ngành về đất đai"
    assert [(c.before, c.after, c.reason) for c in fixed.corrections] == [("t", "", "stray letter")]
    assert fixed.without_corrections().pages[0].text == doc.pages[0].text


def test_a_code_misread_once_is_read_as_its_other_readings(corr: Corrector) -> None:
    text = (
        "Căn cứ Luật số 32/2025/QH15 ngày 5 tháng 6 năm 2025;\n"
        "Theo Luật số 32/2025/QH15, các cơ quan thực hiện;\n"
        "Điều 1. Thi hành Luật số 32/2023/QH15 trong cả nước."
    )
    r = correct_text(text, corrector=corr)
    assert r.text.count("32/2025/QH15") == 3
    assert [(c.before, c.after, c.reason) for c in r.corrections] == [
        ("32/2023/QH15", "32/2025/QH15", "code repeat")
    ]


def test_two_codes_each_printed_once_stay(corr: Corrector) -> None:
    text = "Nghị định số 15/2020/NĐ-CP và Nghị định số 15/2022/NĐ-CP, Nghị định số 16/2020/NĐ-CP"
    assert fixed(text, corr) == text


def _pages(*texts: str) -> Document:
    """A Document of one page per text, its lines as OCR words (no confidences)."""
    pages = tuple(
        Page(i, tuple(Line(tuple(Word(w) for w in ln.split())) for ln in t.split("\n")))
        for i, t in enumerate(texts)
    )
    return Document("x.pdf", pages=pages)


def test_a_code_is_repaired_against_its_readings_on_other_pages(corr: Corrector) -> None:
    from pipeline.correct import correct_document

    doc = _pages(
        "Căn cứ Luật số 32/2023/QH15 ngày 5 tháng 6 năm 2025;",
        "Theo Luật số 32/2025/QH15, các cơ quan thực hiện;",
        "Điều 1. Thi hành Luật số 32/2025/QH15 trong cả nước.",
    )
    fixed = correct_document(doc, corrector=corr)
    assert fixed.pages[0].text.startswith("Căn cứ Luật số 32/2025/QH15 ngày")
    assert [(c.page, c.before, c.after, c.reason) for c in fixed.corrections] == [
        (0, "32/2023/QH15", "32/2025/QH15", "code repeat")
    ]
    assert fixed.without_corrections().pages[0].text == doc.pages[0].text


def test_a_change_amended_across_pages_keeps_one_entry(corr: Corrector) -> None:
    from pipeline.correct import correct_document

    doc = _pages(
        "theo Nghị định số l6/2O23/NĐ-CP của Chính phủ",  # digit repair, then the year
        "Nghị định số 16/2025/NĐ-CP quy định",
        "Nghị định số 16/2025/NĐ-CP có hiệu lực",
    )
    fixed = correct_document(doc, corrector=corr)
    assert "16/2025/NĐ-CP" in fixed.pages[0].text
    (c,) = fixed.corrections
    assert (c.before, c.after) == ("l6/2O23/NĐ-CP", "16/2025/NĐ-CP")
    assert c.reason.endswith("code repeat")
    assert fixed.without_corrections().pages[0].text == doc.pages[0].text


def test_batch_assembly_repairs_codes_across_pages(corr: Corrector) -> None:
    """The batch path (pages corrected one by one, then assembled) does what
    correct_document does."""
    from pipeline.correct import correct_document, correct_page
    from pipeline.process import PipelineConfig, assemble

    doc = _pages(
        "Căn cứ Luật số 32/2023/QH15;",
        "Luật số 32/2025/QH15 và Luật số 32/2025/QH15.",
    )
    config = PipelineConfig(structure=False)
    done = [correct_page(p, corr) for p in doc.pages]
    got = assemble("x.pdf", list(doc.pages), config, corrected=done)
    want = correct_document(doc, corrector=corr)
    assert [p.text for p in got.pages] == [p.text for p in want.pages]
    assert got.corrections == want.corrections
    assert "32/2025/QH15;" in got.pages[0].text


@pytest.mark.parametrize(
    "raw,want",
    [
        # the date of a citation against the same citation's other readings
        (
            "Luật số 32/2025/QH15 ngày 16 tháng 01 năm 2023; Luật số 32/2025/QH15 ngày 16 "
            "tháng 01 năm 2025 và Luật số 32/2025/QH15 ngày 16 tháng 01 năm 2025.",
            "Luật số 32/2025/QH15 ngày 16 tháng 01 năm 2025;",
        ),
        # a date that cannot be one, one look-alike digit from the only one that can
        ("số 12/2025/QĐ-TTg ngày 25/18/2025 của", "số 12/2025/QĐ-TTg ngày 25/10/2025 của"),
        ("thực hiện từ ngày 12 tháng 18 năm 2025", "thực hiện từ ngày 12 tháng 10 năm 2025"),
        ("từ ngày 38 tháng 3 năm 2025", "từ ngày 30 tháng 3 năm 2025"),
        # an italic 16 read as "ló", where only a number stands
        ("Căn cứ Nghị định số ló/2025/NĐ-CP ngày", "Căn cứ Nghị định số 16/2025/NĐ-CP ngày"),
        ("ngày ló tháng 01 năm 2025", "ngày 16 tháng 01 năm 2025"),
        ("theo khoản ló Điều 5", "theo khoản 16 Điều 5"),
    ],
)
def test_dates_and_numbers_against_their_form(raw: str, want: str, corr: Corrector) -> None:
    assert fixed(raw, corr).startswith(want)


@pytest.mark.parametrize(
    "kept",
    [
        # two deadlines, not one date misread: dates of no citation are never compared
        "xong trước ngày 01 tháng 5 năm 2026; xong trước ngày 01 tháng 5 năm 2026 đối với"
        " chi phí; xong trước ngày 01 tháng 8 năm 2026 đối với chi phí năm 2024.",
        "ngày 12 tháng 00 năm 2025",  # 06 or 08: no one date to read it as
        "Điều II của Hiệp định",  # a Roman number after Điều stays
    ],
)
def test_dates_that_stay(kept: str, corr: Corrector) -> None:
    assert fixed(kept, corr) == kept


@pytest.mark.parametrize(
    "raw,want",
    [
        # a currency or section sign for a marked vowel or letter inside a word
        ("về vi€c tăng cường quản lý thu€ và phí", "về việc tăng cường quản lý thuế và phí"),
        ("các cơ quan, đơn v§ và địa phương", "các cơ quan, đơn vị và địa phương"),
        ("kiểm tra và báo cáo k€t quả", "kiểm tra và báo cáo kết quả"),
    ],
)
def test_a_sign_inside_a_word_is_a_letter(raw: str, want: str, corr: Corrector) -> None:
    assert fixed(raw, corr) == want


@pytest.mark.parametrize(
    "raw,want",
    [
        # "-" is no word to the LM: it breaks no context ("Tự do", not "Từ đó")
        ("Doc lap - Tu do - Hanh phuc", "Độc lập - Tự do - Hạnh phúc"),
        # in a line of capitals, TU (Tỉnh ủy) may be the TƯ of THÔNG TƯ
        ("THONG TU\nQuy dinh ve quan ly tai san cong", "THÔNG TƯ\nQuy định về quản lý"),
        # a line opening with Điều/Phần starts a sentence, as in the LM's corpus
        ("Phan 1: Chuyen de 1. Tong quan ve\nPhan 2", "Phần 1: Chuyên đề 1. Tổng quan về\nPhần 2"),
        # the mark that ends a document is punctuation
        ("co hieu luc thi hanh ke tu ngay ky./.", "có hiệu lực thi hành kể từ ngày ký./."),
        # "đ)" without its stroke, after "d)"
        ("d) Bo Cong an;\nd) Bo Quoc phong;\ne) Bo Y te.", "d) Bộ Công an;\nđ) Bộ Quốc phòng;\ne)"),
    ],
)
def test_markless_text_read_as_the_lm_reads_its_corpus(
    raw: str, want: str, corr: Corrector
) -> None:
    assert fixed(raw, corr).startswith(want)


def test_tu_in_body_text_stays_an_abbreviation(corr: Corrector) -> None:
    out = fixed("Ban Thuong vu TU chi dao cac co quan ve thue VAT", corr)
    assert " TU " in out and out.endswith("VAT")


def test_capitals_repeated_on_the_page_are_an_abbreviation(corr: Corrector) -> None:
    text = "Thỏa thuận công nhận lẫn nhau\n(MRA)\nCác MRA được ký kết; MRA có hiệu lực."
    assert fixed(text, corr) == text
    # once: a misreading
    assert fixed("các cơ quan và HHIỆN tốt", corr) == "các cơ quan và hiện tốt"


def test_words_with_a_slash_are_read_by_the_lm(corr: Corrector) -> None:
    # "định/công": the LM sees "cố định" and "công cụ", not a word it does not know
    out = fixed("thanh lý tài sản có định/công cụ dụng cụ lâu bền/vật liệu thu hồi", corr)
    assert out == "thanh lý tài sản cố định/công cụ dụng cụ lâu bền/vật liệu thu hồi"


def test_capital_line_with_one_lost_mark() -> None:
    """BỆNH VIÊN read with low confidence in a line of capitals: the marks of capitals are
    small and crowded, so the word the line makes wins ("BỆNH VIỆN")."""
    from pipeline.correct import correct_document

    words = [("SỞ", 0.95), ("Y", 0.95), ("TẾ", 0.95), ("TỈNH", 0.95), ("BẮC", 0.95), ("NINH", 0.95)]
    head = Line(tuple(Word(w, conf=c) for w, c in words))
    line = Line(
        tuple(
            Word(w, conf=c)
            for w, c in [
                ("BỆNH", 0.95),
                ("VIÊN", 0.45),
                ("ĐA", 0.92),
                ("KHOA", 0.92),
                ("TỈNH", 0.92),
            ]
        ),
        block=1,
    )
    doc = Document("x.png", pages=(Page(0, (head, line)),))
    fixed = correct_document(doc)
    assert fixed.pages[0].lines[1].text == "BỆNH VIỆN ĐA KHOA TỈNH"
    said = ["các", "sinh", "viên", "đã", "tham", "gia"]
    body = Line(tuple(Word(w, conf=0.45 if w == "viên" else 0.95) for w in said), block=1)
    same = correct_document(Document("y.png", pages=(Page(0, (head, body)),)))
    assert same.pages[0].lines[1].text == "các sinh viên đã tham gia"


@pytest.mark.parametrize(
    "raw,want",
    [
        # mark-less OCR (-l eng): a marked vowel as tall as a capital ("BO" for "Bộ")
        (
            "1. BO Tu phap chu tri, phoi hop voi BO Quoc",
            "1. Bộ Tư pháp chủ trì, phối hợp với Bộ Quốc",
        ),
        # ... and a horn read as "?" or "’", after the word or inside it
        ("Can cv? Luat To chuc Chinh phu", "Căn cứ Luật Tổ chức Chính phủ"),
        ("cac co quan to chi?c thi?c hien", "các cơ quan tổ chức thực hiện"),
    ],
)
def test_markless_ocr_signs_for_marks(raw: str, want: str, corr: Corrector) -> None:
    assert fixed(raw, corr) == want


def test_capitals_between_capitals_stay(corr: Corrector) -> None:
    assert fixed("BO TU PHAP", corr) == "BỘ TƯ PHÁP"


@pytest.mark.parametrize(
    "raw,want",
    [
        # the slash between a law code's year and its type, lost
        ("theo Nghị quyết số 25/2026NQ-CP của", "theo Nghị quyết số 25/2026/NQ-CP của"),
        ("Luật số 5/2020QH14 và", "Luật số 5/2020/QH14 và"),
        # the number ending a segment of capitals, read with a look-alike
        ("Báo cáo thẩm tra số 1006/BC-UBXHI5 ngày", "Báo cáo thẩm tra số 1006/BC-UBXH15 ngày"),
    ],
)
def test_code_shapes_repaired(raw: str, want: str, corr: Corrector) -> None:
    assert fixed(raw, corr) == want


@pytest.mark.parametrize("kept", ["năm 2025/2026 học", "mã 2710.19.20 và", "Công văn 12/CT-TTg"])
def test_code_shapes_that_stay(kept: str, corr: Corrector) -> None:
    assert fixed(kept, corr) == kept


def test_list_letter_after_d_is_d_stroke(corr: Corrector) -> None:
    out = fixed("doi tuong quy dinh tai cac diem a, b, c, d va d khoan 3 Dieu 12", corr)
    assert out == "đối tượng quy định tại các điểm a, b, c, d và đ khoản 3 Điều 12"
    assert fixed("tại điểm c và d khoản 1", corr) == "tại điểm c và d khoản 1"
