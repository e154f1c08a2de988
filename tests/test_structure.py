from __future__ import annotations

import json
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.document import Box, Document, Line, Page, Section, Word
from pipeline.errors import InputFileError
from pipeline.markdown import to_markdown
from pipeline.structure import main, parse, to_dict, to_json
from pipeline.structure.header import parse_symbol, split_columns
from pipeline.structure.lines import strip_spec_markers
from pipeline.structure.numbering import legal_kind

REPO = Path(__file__).resolve().parent.parent
ANNOTATIONS = REPO / "tests" / "data" / "structure"
SEED = REPO.parent / "shared" / "samples" / "seed-excerpt.truth.txt"


def _paths(sections: tuple[Section, ...], prefix: str = "") -> list[str]:
    out: list[str] = []
    for s in sections:
        if s.kind in ("dash", "plus", "preamble", "appendix"):
            out += _paths(s.children, prefix)
            continue
        key = f"{s.number})" if s.kind == "letter" else s.label
        path = f"{prefix} > {key}" if prefix else key
        out += [path, *_paths(s.children, path)]
    return out


def _sample(name: str) -> str:
    return strip_spec_markers((REPO / "samples" / name).read_text(encoding="utf-8"))


def _kinds(sections: tuple[Section, ...]) -> list[str]:
    return [k for s in sections for k in (s.kind, *_kinds(s.children))]


# -- the seed excerpt and the samples -------------------------------------------------------


@pytest.mark.skipif(not SEED.exists(), reason="../shared/samples is not there")
def test_seed_excerpt_header_and_sections() -> None:
    doc = parse(SEED.read_text(encoding="utf-8"))
    h = doc.header
    assert h is not None
    assert h.issuer.casefold() == "huyện ủy sơn hà" and h.parent_issuer == "ĐẢNG BỘ TỈNH QUẢNG NGÃI"
    assert (h.symbol, h.number, h.type_code, h.issuer_code) == ("164-KH/HU", "164", "KH", "HU")
    assert (h.date, h.place, h.doc_type, h.motto) == ("2024-08-20", "Sơn Hà", "KẾ HOẠCH", "party")
    assert h.subject.startswith("thực hiện Chỉ thị số 28-CT/TW") and h.subject.endswith(
        "phồn vinh, hạnh phúc"
    )
    roman = [s for s in doc.sections if s.kind == "roman"]
    assert [s.label for s in roman] == ["I."] and roman[0].title == "MỤC ĐÍCH, YÊU CẦU"
    assert [c.label for c in roman[0].children] == ["1."] and roman[0].children[
        0
    ].title == "Mục đích"


def _tuning_annotations() -> list[Path]:
    return sorted(
        p
        for p in ANNOTATIONS.glob("*.json")
        if json.loads(p.read_text(encoding="utf-8"))["split"] == "tuning"
    )


@pytest.mark.parametrize("path", _tuning_annotations(), ids=lambda p: p.stem)
def test_tuning_annotation_matches(path: Path) -> None:
    ann = json.loads(path.read_text(encoding="utf-8"))
    src = (
        REPO / ann["file"]
        if (REPO / ann["file"]).exists()
        else REPO.parent / "shared" / ann["file"]
    )
    if not src.exists():
        pytest.skip(f"{ann['file']} is not there")
    text = src.read_text(encoding="utf-8")
    doc = parse(strip_spec_markers(text))
    assert doc.header is not None
    for key, want in ann["header"].items():
        assert getattr(doc.header, key) == want, key
    got = _paths(doc.sections)
    if "kinds" in ann:
        prefixes = {"chuong": "Chương", "muc": "Mục", "dieu": "Điều"}
        keep = tuple(prefixes[k] for k in ann["kinds"])
        got = [p for p in got if p.split(" > ")[-1].startswith(keep)]
    assert got == ann["headings"]


def test_plan_tree_fields_recipients_and_signature() -> None:
    doc = parse(_sample("ke-hoach-dang-uy.txt"))
    tasks = next(s for s in doc.sections if s.label == "II.")
    first = tasks.children[0]
    assert first.fields == {
        "Cơ quan chủ trì": "Ban Tuyên giáo Huyện ủy.",
        "Thời gian thực hiện": "Hoàn thành trong quý III năm 2024.",
    }
    b = tasks.children[1].children[1]
    assert b.label == "b)" and [c.kind for c in b.children] == ["plus", "plus"]
    assert doc.recipients[0] == "Ban Thường vụ Tỉnh ủy (b/c)" and len(doc.recipients) == 4
    assert doc.signature is not None
    assert doc.signature.on_behalf == ("T/M BAN THƯỜNG VỤ",)
    assert (doc.signature.position, doc.signature.name) == ("PHÓ BÍ THƯ", "Trần Đình Khánh")


def test_legal_tree_levels_and_decision_signature() -> None:
    doc = parse(_sample("quyet-dinh-ubnd.txt"))
    arts = [s for s in doc.sections if s.kind == "dieu"]
    assert [a.number for a in arts] == ["1", "2", "3", "4", "5"]
    assert arts[0].title == "Phạm vi điều chỉnh và đối tượng áp dụng" and arts[0].level == 1
    points = arts[1].children[1].children
    assert [p.label for p in points] == ["a)", "b)", "c)", "d)", "đ)"] and points[0].level == 3
    assert doc.header is not None and doc.header.authority == "ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH"
    assert doc.signature is not None and doc.signature.on_behalf == (
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
    )
    assert doc.signature.position == "PHÓ CHỦ TỊCH"
    assert not [c for c in doc.corrections if c.reason == "numbering"]


def test_official_letter_addressees_and_subject() -> None:
    doc = parse(_sample("cong-van-so.txt"))
    assert doc.header is not None and doc.header.doc_type == "CÔNG VĂN"
    assert doc.header.addressees[0] == "Phòng Giáo dục và Đào tạo các huyện, thị xã, thành phố"
    assert len(doc.header.addressees) == 3
    assert doc.signature is not None and doc.signature.on_behalf == ("KT. GIÁM ĐỐC",)


# -- header details ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("symbol", "parts"),
    [
        ("164-KH/HU", ("164", None, "KH", "HU")),
        ("12/2024/TT-BTC", ("12", 2024, "TT", "BTC")),
        ("1186/SGDĐT-CTTT", ("1186", None, "", "SGDĐT-CTTT")),
        ("893/QĐ-TTg", ("893", None, "QĐ", "TTg")),
        ("24/2022/UBTVQH15", ("24", 2022, "", "UBTVQH15")),
        ("/2025/TT-BTC", ("", 2025, "TT", "BTC")),  # the number left blank
        ("", ("", None, "", "")),
    ],
)
def test_symbol_parts(symbol: str, parts: tuple) -> None:
    assert parse_symbol(symbol) == parts


@pytest.mark.parametrize("blank", ["…", "....", "__", "_", "-", "--"])
def test_a_blank_left_for_the_pen_is_no_value_whatever_it_is_printed_as(blank: str) -> None:
    """Dots, an ellipsis, underscores or a dash where the number and the day and month are
    to be written in: the same empty blank (no number, no date, nothing unreadable)."""
    text = f"BỘ TÀI CHÍNH\nSố: {blank} /2025/TT-BTC\nHà Nội, ngày {blank} tháng {blank} năm 2025\n"
    h = parse(text).header
    assert h is not None
    assert (h.symbol, h.number, h.year, h.date, h.unreadable) == ("/2025/TT-BTC", "", 2025, "", ())


def test_merged_header_columns_split_by_pattern() -> None:
    assert split_columns("HUYỆN ỦY SƠN HÀ Sơn Hà, ngày 20 tháng 8 năm 2024") == [
        "HUYỆN ỦY SƠN HÀ",
        "Sơn Hà, ngày 20 tháng 8 năm 2024",
    ]
    assert split_columns("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == [
        "ỦY BAN NHÂN DÂN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ]
    assert split_columns("Số 164-KH/HU Sơn Hà, ngày 20 tháng 8 năm 2024") == [
        "Số 164-KH/HU",
        "Sơn Hà, ngày 20 tháng 8 năm 2024",
    ]


def test_national_header_with_year_in_symbol() -> None:
    text = (
        "BỘ TÀI CHÍNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 12/2024/TT-BTC Hà Nội, ngày 05 tháng 3 năm 2024\n\nTHÔNG TƯ\n"
        "Hướng dẫn quản lý kinh phí\nsự nghiệp kinh tế\n\nCăn cứ Luật Ngân sách nhà nước;\n"
    )
    h = parse(text).header
    assert h is not None
    assert (h.issuer, h.motto, h.number, h.year, h.type_code, h.issuer_code) == (
        "BỘ TÀI CHÍNH",
        "national",
        "12",
        2024,
        "TT",
        "BTC",
    )
    assert (h.place, h.date, h.doc_type) == ("Hà Nội", "2024-03-05", "THÔNG TƯ")
    assert h.subject == "Hướng dẫn quản lý kinh phí sự nghiệp kinh tế"


def _boxed_line(*groups: tuple[str, int]) -> Line:
    """Words laid left to right; each group (text, x) starts at pixel x."""
    words = []
    for text, x in groups:
        for tok in text.split():
            w = 14 * len(tok)
            words.append(Word(tok, Box(x, 100, x + w, 130), 0.9))
            x += w + 12
    return Line(tuple(words))


def test_word_boxes_split_columns_patterns_cannot() -> None:
    lines = (
        _boxed_line(("Nơi nhận:", 200), ("CHỦ TỊCH", 1500)),
        _boxed_line(("- Như trên;", 200)),
        _boxed_line(("- Lưu: VT", 200), ("Nguyễn Văn An", 1500)),
    )
    doc = Document("boxed", (Page(0, lines, width=2480, height=3508),))
    parsed = parse(doc)
    assert parsed.recipients == ("Như trên", "Lưu: VT")
    assert parsed.signature is not None
    assert (parsed.signature.position, parsed.signature.name) == ("CHỦ TỊCH", "Nguyễn Văn An")
    plain = parse("Nơi nhận: CHỦ TỊCH\n- Như trên;\n- Lưu: VT Nguyễn Văn An\n")
    assert plain.recipients[-1] == "Lưu: VT Nguyễn Văn An"  # without boxes the name stays put


def test_interleaved_recipients_and_signature_split_by_pattern() -> None:
    text = (
        "KẾ HOẠCH\nvề việc X\n\nI. MỤC ĐÍCH\n1. Mục đích\n"
        "Nơi nhận: T/M BAN THƯỜNG VỤ\n- Ban Thường vụ Tỉnh ủy (b/c), PHÓ BÍ THƯ\n"
        "- Các chi bộ,\n- Lưu Văn phòng Huyện ủy. Trần Đình Khánh\n"
    )
    doc = parse(text)
    assert doc.recipients == ("Ban Thường vụ Tỉnh ủy (b/c)", "Các chi bộ", "Lưu Văn phòng Huyện ủy")
    assert doc.signature is not None
    assert doc.signature.on_behalf == ("T/M BAN THƯỜNG VỤ",)
    assert (doc.signature.position, doc.signature.name) == ("PHÓ BÍ THƯ", "Trần Đình Khánh")


# -- numbering --------------------------------------------------------------------------------


def test_damaged_numbering_repaired_from_sequence_and_logged() -> None:
    text = (
        "I. MỤC ĐÍCH\n1. Mục đích\nl. Nội dung\n11. NHIỆM VỤ\n1. Việc một\n"
        "a) điểm a;\nb) điểm b;\nc) điểm c;\nd) điểm d;\nd) điểm đ.\nI11. TỔ CHỨC THỰC HIỆN\n"
    )
    doc = parse(text)
    assert [s.label for s in doc.sections] == ["I.", "II.", "III."]
    assert [s.label for s in doc.sections[0].children] == ["1."]  # "l." after 1. fits no sequence
    assert doc.sections[0].children[0].text == "l. Nội dung"
    points = doc.sections[1].children[0].children
    assert [p.label for p in points] == ["a)", "b)", "c)", "d)", "đ)"]
    repairs = [(c.before, c.after, c.reason) for c in doc.corrections]
    assert ("11.", "II.", "numbering") in repairs
    assert ("I11.", "III.", "numbering") in repairs
    assert ("d)", "đ)", "numbering") in repairs


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("Điều", "dieu"),
        ("ĐIỀU", "dieu"),
        ("Ðiều", "dieu"),  # eth, not đ
        ("Điểu", "dieu"),
        ("Diều", "dieu"),
        ("Chuơng", "chuong"),
        ("CHƯỚNG", "chuong"),
        ("Chươg", "chuong"),
        ("Mục", "muc"),
        ("Phần", "phan"),
        ("Điện", None),
        ("Điểm", None),
        ("Thương", None),
        ("Nội", None),
    ],
)
def test_legal_keywords_read_through_lost_marks(word: str, kind: str | None) -> None:
    assert legal_kind(word) == kind


def test_garbled_article_keyword_still_opens_the_article() -> None:
    doc = parse(
        "Điều 1. Phạm vi\nNội dung.\nÐiều 2. Đối tượng\nĐiểu 3. Hiệu lực\nDiều 4 Thi hành\n"
    )
    assert [(s.kind, s.label) for s in doc.sections] == [
        ("dieu", "Điều 1"),
        ("dieu", "Điều 2"),
        ("dieu", "Điều 3"),
        ("dieu", "Điều 4"),
    ]
    assert doc.sections[3].title == "Thi hành"


def test_comma_for_period_is_repaired_only_in_sequence() -> None:
    doc = parse("Điều 2.\n1. Việc một.\n2. Việc hai.\n3, Việc ba.\n7, Không phải khoản.\n")
    items = doc.sections[0].children
    assert [c.label for c in items] == ["1.", "2.", "3."]
    assert items[2].text == "7, Không phải khoản." and items[2].title == "Việc ba."
    assert [(c.before, c.after) for c in doc.corrections] == [("3,", "3.")]


def test_misread_point_letter_is_repaired_from_the_sequence() -> None:
    points = "".join(f"{c}) điểm {c};\n" for c in "abcdđe")
    doc = parse(f"Điều 2.\n1. Khoản:\n{points}ø) điểm g.\nø) không theo sau.\n")
    points = doc.sections[0].children[0].children
    assert [p.label for p in points] == ["a)", "b)", "c)", "d)", "đ)", "e)", "g)"]
    assert [(c.before, c.after) for c in doc.corrections] == [("ø)", "g)")]


def test_misread_chapter_numerals_follow_the_sequence() -> None:
    text = "".join(
        f"{head}\nTIÊU ĐỀ\nĐiều {i}. Nội dung\n"
        for i, head in enumerate(("Chương I", "Chương 11", "CHƯƠNG Ill", "Chương TV"), 1)
    )
    doc = parse(text)
    assert [s.label for s in doc.sections] == ["Chương I", "Chương II", "Chương III", "Chương IV"]
    assert [s.children[0].label for s in doc.sections] == [f"Điều {i}" for i in range(1, 5)]
    assert len(doc.corrections) == 3


def test_roman_one_read_as_capital_l_is_repaired() -> None:
    doc = parse("L. Đánh giá\n1. Căn cứ\nII. Xây dựng\n1. Kinh phí\nIIIL. Kế hoạch\n")
    assert [s.label for s in doc.sections] == ["I.", "II.", "III."]
    assert [(c.before, c.after) for c in doc.corrections] == [("L.", "I."), ("IIIL.", "III.")]


def test_repeated_roman_label_is_the_next_one() -> None:
    doc = parse("I. MỤC ĐÍCH\nII. NHIỆM VỤ\nII. TỔ CHỨC THỰC HIỆN\n")
    assert [s.label for s in doc.sections] == ["I.", "II.", "III."]
    assert [(c.before, c.after) for c in doc.corrections] == [("II.", "III.")]


def test_l_for_one_is_repaired_when_it_opens_a_list() -> None:
    doc = parse("I. MỤC ĐÍCH\nl. Mục đích\n2. Yêu cầu\n")
    assert [c.label for c in doc.sections[0].children] == ["1.", "2."]
    assert [(c.before, c.after) for c in doc.corrections] == [("l.", "1.")]


def test_item_eleven_is_not_mistaken_for_section_two() -> None:
    items = "\n".join(f"{i}. Việc số {i};" for i in range(1, 13))
    doc = parse(f"I. NHIỆM VỤ\n{items}\n")
    assert len(doc.sections) == 1 and len(doc.sections[0].children) == 12
    assert not doc.corrections


def test_references_at_line_start_stay_text() -> None:
    body = (
        "Điều 1. Phạm vi điều chỉnh\n"
        "Nghị định này quy định chi tiết Điều 5, Điều 8, Điều 9, khoản 2 và khoản 3\n"
        "Điều 20, Điều 21 của Luật Dẫn độ và các nội dung theo quy định tại khoản\n"
        "Điều 6 của Nghị định này.\n"
        "Điều 2. Đối tượng áp dụng\n"
        "1. Cơ quan, tổ chức Việt Nam thực hiện các nội dung quy định tại\n"
        "5. Nội dung không phải khoản mà là phần tiếp của câu trước đó trong văn bản.\n"
        "2. Cá nhân có liên quan.\n"
    )
    doc = parse(body)
    assert [s.label for s in doc.sections if s.kind == "dieu"] == ["Điều 1", "Điều 2"]
    assert [c.label for c in doc.sections[1].children] == ["1.", "2."]


def test_chapters_sections_articles_nest() -> None:
    text = (
        "Chương I\nQUY ĐỊNH CHUNG\nMục 1\nPHẠM VI\nĐiều 1. Phạm vi\nNội dung.\nĐiều 2. Đối tượng\n"
        "Mục 2\nNGUYÊN TẮC\nĐiều 3. Nguyên tắc\n1. Khoản một.\na) Điểm a.\nChương II\nTHI HÀNH\n"
        "Điều 4. Hiệu lực\n"
    )
    doc = parse(text)
    assert _paths(doc.sections) == [
        "Chương I",
        "Chương I > Mục 1",
        "Chương I > Mục 1 > Điều 1",
        "Chương I > Mục 1 > Điều 2",
        "Chương I > Mục 2",
        "Chương I > Mục 2 > Điều 3",
        "Chương I > Mục 2 > Điều 3 > 1.",
        "Chương I > Mục 2 > Điều 3 > 1. > a)",
        "Chương II",
        "Chương II > Điều 4",
    ]
    assert (
        doc.sections[0].title == "QUY ĐỊNH CHUNG" and doc.sections[0].children[0].title == "PHẠM VI"
    )


def test_hard_wrapped_paragraphs_join() -> None:
    wide = "x" * 70
    text = (
        f"Điều 1. Phạm vi điều chỉnh của văn bản này gồm các nội dung {wide}\n"
        "sau đây\nNghị định này quy định chi tiết một số điều của Luật Dẫn độ và các văn bản\n"
        f"hướng dẫn {wide}\nthi hành.\n"
    )
    doc = parse(text)
    art = doc.sections[0]
    assert art.title.endswith("sau đây")
    assert art.text.startswith("Nghị định này") and "\n" not in art.text


# -- the values returned ----------------------------------------------------------------------


def test_parse_returns_new_frozen_document() -> None:
    base = Document.from_text(_sample("chi-thi-ubnd.txt"), name="ct.txt")
    doc = parse(base)
    assert base.header is None and base.sections == ()
    assert doc.pages == base.pages and doc.name == "ct.txt"
    assert doc.steps[-1].stage == "structure" and "error" not in doc.steps[-1].settings
    with pytest.raises(FrozenInstanceError):
        doc.header.issuer = "x"  # type: ignore[misc, union-attr]


def test_structure_json_is_versioned_and_document_round_trips() -> None:
    doc = parse(_sample("ke-hoach-dang-uy.txt"), name="kh.txt")
    data = json.loads(to_json(doc))
    assert (data["schema"], data["version"]) == ("vnocr.structure", 1)
    assert data["header"]["symbol"] == "215-KH/HU"
    assert data["sections"][1]["children"][0]["kind"] == "number"
    assert data == json.loads(json.dumps(to_dict(doc), ensure_ascii=False))
    assert Document.from_dict(json.loads(json.dumps(doc.to_dict(), ensure_ascii=False))) == doc


def test_markdown_reads_well() -> None:
    md = to_markdown(parse(_sample("quyet-dinh-ubnd.txt")))
    assert md.startswith("# QUYẾT ĐỊNH — Quy định một số nội dung")
    assert "| Số, ký hiệu | 15/2024/QĐ-UBND |" in md
    assert "## Điều 2. Quản lý văn bản đến, văn bản đi" in md
    assert "  - **đ)** Các trường hợp khác theo quy định của pháp luật." in md
    assert "**Nơi nhận:**" in md and md.rstrip().endswith("Lâm Hữu Phước")
    plan = to_markdown(parse(_sample("ke-hoach-dang-uy.txt")))
    assert "## I. MỤC ĐÍCH, YÊU CẦU" in plan and "### 1. Mục đích" in plan
    assert "- *Cơ quan chủ trì:* Ban Tuyên giáo Huyện ủy." in plan


def test_cli_json_and_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "ct.txt"
    src.write_text(
        (REPO / "samples" / "chi-thi-ubnd.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert main([str(src), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["header"]["doc_type"] == "CHỈ THỊ" and data["name"] == "ct.txt"
    assert main([str(src), "--format", "md"]) == 0
    assert capsys.readouterr().out.startswith("# CHỈ THỊ — Về tăng cường")
    assert main(["--format", "xml"]) == 1
    with pytest.raises(InputFileError):
        main([str(tmp_path / "missing.txt")])


# -- any input --------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "I.",
        "II.",
        "11.",
        "I11.",
        "l.",
        "1.",
        "2.",
        "a)",
        "d)",
        "đ)",
        "-",
        "+",
        "Điều 1.",
        "Điều 7.",
        "Chương I",
        "Mục 2",
        "Phần thứ hai",
        "Nơi nhận:",
        "T/M BAN THƯỜNG VỤ",
        "KT. CHỦ TỊCH",
        "Số:",
        "164-KH/HU",
        "ngày 20 tháng 8 năm 2024",
        "tháng 13 năm 0000",
        "KẾ HOẠCH",
        "QUYẾT ĐỊNH",
        "V/v",
        "Kính gửi:",
        "Cơ quan chủ trì:",
        "“",
        "”",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Trần Văn An",
        "Phụ lục",
        "\n",
        "\n\n",
        "\f",
        ",",
        ".",
        ":",
        " ",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Sơn Hà,",
    ]
)
_WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, _WORDS), max_size=80))
def test_random_text_never_raises(pieces: list[str]) -> None:
    doc = parse(" ".join(pieces))
    assert "error" not in doc.steps[-1].settings
    _check_levels(doc.sections, 1)
    to_markdown(doc)
    json.dumps(to_dict(doc), ensure_ascii=False)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(
        ["ke-hoach-dang-uy.txt", "quyet-dinh-ubnd.txt", "chi-thi-ubnd.txt", "cong-van-so.txt"]
    ),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
)
def test_truncated_documents_never_raise(name: str, a: int, b: int) -> None:
    text = _sample(name)
    lo, hi = sorted((a % (len(text) + 1), b % (len(text) + 1)))
    for piece in (text[:lo], text[lo:], text[lo:hi]):
        doc = parse(piece)
        assert "error" not in doc.steps[-1].settings
        _check_levels(doc.sections, 1)


@settings(max_examples=40, deadline=None)
@given(st.randoms(use_true_random=False))
def test_shuffled_lines_never_raise(rnd) -> None:  # type: ignore[no-untyped-def]
    lines = _sample("quyet-dinh-ubnd.txt").splitlines()
    rnd.shuffle(lines)
    doc = parse("\n".join(lines))
    assert "error" not in doc.steps[-1].settings


def _check_levels(sections: tuple[Section, ...], level: int) -> None:
    for s in sections:
        assert s.level == level
        _check_levels(s.children, level + 1)


def test_empty_and_blank_inputs() -> None:
    for text in ("", "\n\n", "\f", "   "):
        doc = parse(text)
        assert doc.sections == () and doc.recipients == () and doc.signature is None


def test_repeated_chapter_numeral_is_the_next_one() -> None:
    text = "\n".join(
        [
            "Chương I",
            "QUY ĐỊNH CHUNG",
            "Điều 1. Phạm vi",
            "Nội dung.",
            "Chương II",
            "TỔ CHỨC",
            "Điều 2. Tổ chức",
            "Nội dung.",
            "Chương II",
            "ĐIỀU KHOẢN THI HÀNH",
            "Điều 3. Hiệu lực",
            "Nội dung.",
        ]
    )
    doc = parse(text)
    chapters = [s.label for s in doc.sections if s.label.startswith("Chương")]
    assert chapters == ["Chương I", "Chương II", "Chương III"]
    repairs = [(c.line, c.before, c.after) for c in doc.corrections if c.reason == "numbering"]
    assert repairs == [(8, "Chương II", "Chương III")]


# -- weaknesses found by the blind held-out measurement (issue #4) ---------------------------

_WIDE = "của cơ quan, tổ chức, cá nhân có liên quan theo quy định của pháp luật"  # 70 chars


def test_wrapped_article_reference_is_text_when_the_real_article_follows() -> None:
    text = (
        "Điều 3. Trách nhiệm thi hành\n"
        "1. Bộ Tài chính hướng dẫn, kiểm tra việc thực hiện " + _WIDE + ".\n"
        "2. Các đơn vị có trách nhiệm thực hiện nhiệm vụ quy định tại khoản 1 và khoản 2\n"
        "Điều 4 Thông tư này.\n"
        "3. Cục Thuế báo cáo kết quả thực hiện " + _WIDE + ".\n"
        "Điều 4. Hiệu lực thi hành\n"
        "Thông tư này có hiệu lực kể từ ngày ký ban hành và áp dụng " + _WIDE + ".\n"
    )
    doc = parse(text)
    assert _paths(doc.sections) == ["Điều 3", "Điều 3 > 1.", "Điều 3 > 2.", "Điều 3 > 3.", "Điều 4"]
    second = doc.sections[0].children[1]
    assert "Điều 4 Thông tư này." in second.title + " " + second.text
    assert doc.sections[1].title == "Hiệu lực thi hành"


def test_article_without_period_after_a_run_on_sentence_is_text() -> None:
    # the last article: no later "Điều 3." tells, only the sentence running on
    text = (
        "Điều 1. Phạm vi điều chỉnh\n"
        "Thông tư này hướng dẫn việc quản lý, sử dụng kinh phí bảo đảm cho công tác\n"
        "kiểm tra, xử lý văn bản quy phạm pháp luật của các cơ quan nhà nước ở trung\n"
        "ương và địa phương.\n"
        "Điều 2. Đối tượng áp dụng\n"
        "Thông tư này áp dụng đối với cơ quan, tổ chức, cá nhân có liên quan đến việc\n"
        "quản lý, sử dụng kinh phí quy định tại khoản 1 và khoản 2 của\n"
        "Điều 3 Nghị định số 15/2025/NĐ-CP.\n"
    )
    doc = parse(text)
    assert [s.label for s in doc.sections] == ["Điều 1", "Điều 2"]
    assert doc.sections[1].text.endswith("Điều 3 Nghị định số 15/2025/NĐ-CP.")


def test_article_without_period_is_still_a_heading_when_nothing_contradicts_it() -> None:
    # OCR lost the period: no later "Điều 3." and the line above ends a sentence
    doc = parse("Điều 1. Phạm vi\nNội dung.\nĐiều 2. Đối tượng\nNội dung.\nĐiều 3 Hiệu lực\n")
    assert [s.label for s in doc.sections] == ["Điều 1", "Điều 2", "Điều 3"]
    assert doc.sections[2].title == "Hiệu lực"


def test_chapter_reference_without_its_usual_form_is_text() -> None:
    text = (
        "Chương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi\n"
        "Các nội dung về xử lý vi phạm " + _WIDE + " quy định tại\n"
        "Chương II Nghị định này.\n"
        "Chương II\nXỬ LÝ VI PHẠM\nĐiều 2. Xử lý\nNội dung.\n"
    )
    doc = parse(text)
    assert _paths(doc.sections) == [
        "Chương I",
        "Chương I > Điều 1",
        "Chương II",
        "Chương II > Điều 2",
    ]
    assert doc.sections[1].title == "XỬ LÝ VI PHẠM"


def test_damaged_point_letters_do_not_break_the_sequence() -> None:
    points = "".join(f"{c}) Điểm {c};\n" for c in "abcdđegh")
    doc = parse(
        f"Điều 5. Nội dung\n1. Gồm:\n{points}¡) Điểm i;\nk) Điểm k;\nl) Điểm l;\n"
        "m) Điểm m;\nn) Điểm n;\no0) Điểm o;\np) Điểm p.\n2. Khoản hai.\n"
    )
    items = doc.sections[0].children
    assert [c.label for c in items] == ["1.", "2."]
    labels = [p.label for p in items[0].children]
    assert labels == [f"{c})" for c in "abcdđeghiklmnop"]
    repairs = [(c.before, c.after) for c in doc.corrections if c.reason == "numbering"]
    assert repairs == [("¡)", "i)"), ("o0)", "o)")]


def test_damaged_last_label_is_repaired_by_its_shape_alone() -> None:
    points = "".join(f"{c}) Điểm {c};\n" for c in "abcdđegh")
    doc = parse(
        f"Điều 5. Nội dung\n1. Gồm:\n{points}¡) Điểm i.\n#) Không phải điểm.\n"
        "2. Khoản hai:\na) Điểm a;\nb) Điểm b.\nS. Khoản năm lạc chỗ.\n"
    )
    items = doc.sections[0].children
    assert [c.label for c in items] == ["1.", "2."]
    assert (
        items[0].children[-1].label == "i)" and "#) Không phải điểm." in items[0].children[-1].text
    )
    # "S." where 3. is due fits it neither by shape nor by what follows: not repaired
    assert [(c.before, c.after) for c in doc.corrections] == [("¡)", "i)")]


def test_unreadable_point_letter_leaves_a_gap_the_next_one_fills() -> None:
    doc = parse(
        "Điều 5. Nội dung\n1. Gồm:\na) Điểm a;\nb) Điểm b;\n#@ Điểm c mất nhãn;\n"
        "d) Điểm d;\nđ) Điểm đ.\n"
    )
    labels = [p.label for p in doc.sections[0].children[0].children]
    assert labels == ["a)", "b)", "d)", "đ)"]
    assert not doc.corrections  # a gap is accepted, not invented


def test_damaged_item_numbers_are_repaired_between_their_neighbours() -> None:
    items = "\n".join(f"{i}. Nhiệm vụ số {i};" for i in range(1, 5))
    doc = parse(
        f"I. NHIỆM VỤ\n{items}\nS. Nhiệm vụ số 5;\n6. Nhiệm vụ số 6;\n"
        "o. Nhiệm vụ số 7;\n8. Nhiệm vụ số 8.\nII. TỔ CHỨC THỰC HIỆN\n"
    )
    assert [s.label for s in doc.sections] == ["I.", "II."]
    assert [c.label for c in doc.sections[0].children] == [f"{i}." for i in range(1, 9)]
    repairs = [(c.before, c.after) for c in doc.corrections if c.reason == "numbering"]
    assert repairs == [("S.", "5."), ("o.", "7.")]


def test_first_item_read_as_roman_one_opens_the_numbered_list() -> None:
    doc = parse("Điều 2. Nguyên tắc\nI. Công khai;\n2. Minh bạch;\n3. Đúng pháp luật.\n")
    assert _paths(doc.sections) == ["Điều 2", "Điều 2 > 1.", "Điều 2 > 2.", "Điều 2 > 3."]
    assert [(c.before, c.after) for c in doc.corrections] == [("I.", "1.")]
    # the 2. that confirms it may be damaged too
    doc = parse("Điều 2. Nguyên tắc\nI. Công khai;\nZ. Minh bạch;\n3. Đúng pháp luật.\n")
    assert _paths(doc.sections) == ["Điều 2", "Điều 2 > 1.", "Điều 2 > 2.", "Điều 2 > 3."]
    assert [(c.before, c.after) for c in doc.corrections] == [("I.", "1."), ("Z.", "2.")]
    # a real Roman section followed by its own 1. is left alone
    doc = parse("I. MỤC ĐÍCH\n1. Mục đích;\n2. Yêu cầu.\nII. NHIỆM VỤ\n")
    assert _paths(doc.sections) == ["I.", "I. > 1.", "I. > 2.", "II."] and not doc.corrections


def test_gap_is_not_accepted_inside_a_run_on_sentence() -> None:
    text = (
        "Điều 2. Đối tượng áp dụng\n"
        "1. Cơ quan, tổ chức Việt Nam thực hiện các nội dung về dẫn độ quy định tại khoản\n"
        "3. Điều 5 của Nghị định này và các văn bản hướng dẫn thi hành có liên quan khác.\n"
        "2. Cá nhân, hộ gia đình thực hiện các nội dung về tương trợ quy định tại khoản\n"
        "2. Điều 6 của Nghị định này và các văn bản hướng dẫn thi hành có liên quan khác.\n"
        "3. Các cơ quan khác có liên quan.\n"
    )
    doc = parse(text)
    assert [c.label for c in doc.sections[0].children] == ["1.", "2.", "3."]
    assert doc.steps[-1].settings["duplicates"] == []


def test_headings_after_a_dash_list_close_it() -> None:
    text = (
        "QUYẾT ĐỊNH\nvề việc ban hành Kế hoạch\n\n"
        "- Căn cứ Luật Tổ chức chính quyền địa phương;\n"
        "- Căn cứ Nghị quyết của Hội đồng nhân dân tỉnh;\n"
        "I. MỤC ĐÍCH\n1. Mục đích\n- Bảo đảm tiến độ;\n- Bảo đảm chất lượng.\n"
        "2. Yêu cầu\n- Đúng quy định.\nII. NHIỆM VỤ\n"
    )
    doc = parse(text)
    assert _paths(doc.sections) == ["I.", "I. > 1.", "I. > 2.", "II."]
    roman = [s for s in doc.sections if s.kind == "roman"]
    assert [s.level for s in roman] == [1, 1]
    assert [c.kind for c in roman[0].children[0].children] == ["dash", "dash"]


def test_numbered_items_after_a_dash_in_a_form_are_siblings() -> None:
    text = "Mẫu số 01\n- Tên đơn vị:\n1. Thông tin chung\n- Địa chỉ;\n2. Nội dung đề nghị\n"
    doc = parse(text)
    assert _paths(doc.sections) == ["1.", "2."]
    numbered = [s for s in doc.sections if s.kind == "number"]
    assert [s.level for s in numbered] == [1, 1] and numbered[0].children[0].kind == "dash"


def test_repeated_item_number_is_kept_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    text = "Điều 3. Tổ chức thực hiện\n1. Một.\n2. Hai.\n3. Ba.\n3. Ba lần nữa.\n4. Bốn.\n"
    with caplog.at_level("INFO", logger="pipeline.structure.body"):
        doc = parse(text)
    assert [c.label for c in doc.sections[0].children] == ["1.", "2.", "3.", "3.", "4."]
    assert not doc.corrections  # not renumbered
    assert doc.steps[-1].settings["duplicates"] == [[0, 4, "3."]]
    assert any("3." in r.getMessage() for r in caplog.records)
