"""Header fields of real forms (issue 13 items 3 and 4): a date whose day was left blank or
written by hand keeps what is printed of it, a cited date wrapped into the V/v subject
stays in it, and a signed PDF's e-signature overlay is not taken for header text."""

from __future__ import annotations

import json

import pytest

from pipeline.document import Document
from pipeline.markdown import to_markdown
from pipeline.structure import parse
from pipeline.structure.preserve import check

_TOP = (
    "UBND THÀNH PHỐ ĐÀ NẴNG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: /SGDĐT-CTrTT\n"
    "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
)
_BODY = "\n\nKính gửi: Các trường trung học phổ thông.\n\nSở đề nghị các đơn vị thực hiện.\n"


@pytest.mark.parametrize(
    ("date_line", "date", "month", "unreadable"),
    [
        ("Đà Nẵng, ngày    tháng 5 năm 2019", "", 5, ()),  # the day left blank
        ("Đà Nẵng, ngày 42 tháng 10 năm 2019", "", 10, ("date",)),  # a pen day read as 42
        ("Đà Nẵng, ngày 09 tháng 20 năm 2019", "", None, ("date",)),  # a pen month
        ("Đà Nẵng, ngày ... tháng ... năm 2019", "", None, ()),  # both blank
        ("Đà Nẵng, ngày 14 tháng 5 năm 2019", "2019-05-14", None, ()),
    ],
)
def test_date_keeps_its_printed_month_when_the_day_is_blank_or_unread(
    date_line: str, date: str, month: int | None, unreadable: tuple[str, ...]
) -> None:
    h = parse(_TOP + date_line + _BODY).header
    assert h is not None
    assert (h.date, h.month, h.year, h.place) == (date, month, 2019, "Đà Nẵng")
    assert tuple(f for f in h.unreadable if f == "date") == unreadable


def test_a_header_saved_without_month_loads_and_month_round_trips() -> None:
    doc = parse(_TOP + "Đà Nẵng, ngày    tháng 5 năm 2019" + _BODY)
    data = doc.to_dict()
    assert data["header"]["month"] == 5
    assert Document.from_dict(json.loads(json.dumps(data))).header == doc.header
    del data["header"]["month"]
    header = Document.from_dict(data).header
    assert header is not None and header.month is None and header.year == 2019


def test_a_cited_date_wrapped_into_the_subject_stays_in_it() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nHUYỆN TĨNH GIA\nSố: /UBND-LĐTBXH\n"
        "V/v hỗ trợ theo\nNghị quyết số 42/NQ-CP ngày\n09/4/2020\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Tĩnh Gia, ngày    tháng 4 năm 2020\n\nKính gửi: Chủ tịch UBND các xã.\n\n"
        "Thực hiện Nghị quyết số 42/NQ-CP.\n"
    )
    doc = parse(text)
    assert doc.header is not None
    assert doc.header.subject == "hỗ trợ theo Nghị quyết số 42/NQ-CP ngày 09/4/2020"
    assert not [m for m in check(text, doc, to_markdown(doc)) if m.where == "header"]


_OVERLAY = (
    "Ký bởi: Cổng Thông tin điện tử Chính phủ\nEmail: thongtinchinhphu@chinhphu.vn\n"
    "Cơ quan: Văn phòng Chính phủ\nThời gian ký: 28.07.2014 14:40:36 +07:00\n\n"
)
_LAW = (
    "QUỐC HỘI\nLuật số: 54/2014/QH13\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Độc lập - Tự do - Hạnh phúc\n\nLUẬT\nHẢI QUAN\n\n"
    "Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;\n"
    "Quốc hội ban hành Luật hải quan.\n"
)


def test_e_signature_overlay_of_a_pdf_text_layer_is_set_aside() -> None:
    text = _OVERLAY + _LAW
    doc = parse(text)
    assert doc.header is not None
    assert (doc.header.issuer, doc.header.symbol, doc.header.subject) == (
        "QUỐC HỘI",
        "54/2014/QH13",
        "HẢI QUAN",
    )
    aside = [t for _, _, t in _aside(doc)]
    assert [t.split(":")[0] for t in aside] == ["Ký bởi", "Email", "Cơ quan", "Thời gian ký"]
    assert not check(text, doc, to_markdown(doc))


def test_labelled_lines_of_the_document_itself_are_not_an_overlay() -> None:
    """ "Cơ quan:" and "Email:" without a signing field, or a body sentence saying a text
    is signed ("được ký bởi"), are the document's own text."""
    text = _LAW + "Cơ quan: Bộ Tài chính\nEmail: vp@mof.gov.vn\nĐược ký bởi: người đứng đầu.\n"
    doc = parse(_OVERLAY.replace("Ký bởi", "Ghi chú").replace("Thời gian ký", "Ngày") + text)
    aside = [t for _, _, t in _aside(doc)]
    assert aside == []
    assert "vp@mof.gov.vn" in to_markdown(doc)


def _aside(doc: Document) -> list[list]:
    """The structure step's furniture set aside: [page, line, text] each."""
    step = next(s for s in reversed(doc.steps) if s.stage == "structure")
    return list(step.settings["set_aside"])
