from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from pipeline.document import (
    SCHEMA_VERSION,
    Box,
    Correction,
    Document,
    Header,
    Line,
    Page,
    Section,
    Signature,
    Step,
    Word,
)


def _doc() -> Document:
    words = (Word("Số", Box(10, 10, 60, 40), 0.96), Word("164-KH/HU", Box(70, 10, 300, 40), 0.9))
    line = Line(words, Box(10, 10, 300, 40), block=1, par=1)
    body = Line((Word("Kế"), Word("hoạch")), None, block=2, par=1)
    fields = {"Cơ quan chủ trì": "UBND"}
    child = Section("1.", 2, "Mục đích", kind="number", number="1", fields=fields)
    sec = Section("I.", 1, "MỤC ĐÍCH", "text", 0, 3, (child,), kind="roman", number="1")
    return Document(
        name="sub/a.png",
        pages=(Page(0, (line, body), 2480, 3508, 300), Page(1, ())),
        corrections=(Correction(0, 1, 0, "ke", "Kế", 1.5, "diacritics"),),
        sections=(sec,),
        header=Header(
            issuer="HUYỆN ỦY SƠN HÀ",
            number="164",
            year=2024,
            date="2024-08-20",
            addressees=("Các chi bộ",),
        ),
        steps=(Step("ocr", "0.1.0", {"lang": "vie"}),),
        recipients=("Như trên;", "Lưu: VT."),
        signature=Signature(("T/M BAN THƯỜNG VỤ",), "PHÓ BÍ THƯ", "Trần Văn A", 0, 40),
    )


def test_json_round_trip_rebuilds_equal_document() -> None:
    doc = _doc()
    data = json.loads(json.dumps(doc.to_dict(), ensure_ascii=False))
    assert data["schema"] == "vnocr.document" and data["version"] == SCHEMA_VERSION == 2
    assert Document.from_dict(data) == doc


def test_to_dict_is_what_asdict_gives() -> None:
    """The document's dict is built by a faster walk than dataclasses.asdict; it gives
    the same dict, so NAME.json is byte for byte what it was."""
    doc = _doc()
    steps = doc.steps + (Step("preprocess", "1", {"pages": [{"applied": ["smooth"], "x": 1.5}]}),)
    doc = Document(doc.name, doc.pages, doc.corrections, doc.sections, doc.header, steps)
    expected = {"schema": "vnocr.document", "version": SCHEMA_VERSION, **asdict(doc)}
    assert doc.to_dict() == expected
    dump = json.dumps(doc.to_dict(), ensure_ascii=False, indent=1)
    assert dump == json.dumps(expected, ensure_ascii=False, indent=1)


def test_page_boxes_map_back_onto_the_scan() -> None:
    box = Box(10, 20, 50, 30)
    assert Page(0).source_points(box) == ((10, 20), (50, 20), (50, 30), (10, 30))
    # the page was turned 90 degrees clockwise from a 200 px wide scan, then doubled:
    # page (x, y) came from scan (y / 2, 200 - x / 2)
    turned = Page(0, width=400, height=300, to_source=(0, 0.5, 0, -0.5, 0, 200, 0, 0, 1))
    assert turned.source_points(box) == ((10, 195), (10, 175), (15, 175), (15, 195))
    doc = Document("scan.png", (turned,))
    back = Document.from_dict(json.loads(json.dumps(doc.to_dict())))
    assert back == doc and back.pages[0].to_source == turned.to_source


def test_version_1_header_dict_still_loads() -> None:
    data = {
        "schema": "vnocr.document",
        "version": 1,
        "name": "a",
        "header": {"number": "164", "date": "2024-08-20", "unknown": 1},
        "sections": [{"label": "I.", "level": 1}],
    }
    doc = Document.from_dict(data)
    assert doc.header == Header(number="164", date="2024-08-20")
    assert doc.sections[0].kind == "" and doc.sections[0].fields == {}


def test_newer_schema_is_refused() -> None:
    data = _doc().to_dict()
    data["version"] = 99
    with pytest.raises(ValueError, match="newer"):
        Document.from_dict(data)


def test_values_are_frozen() -> None:
    with pytest.raises(AttributeError):
        _doc().name = "x"  # type: ignore[misc]


def test_box_rejects_negative_size() -> None:
    with pytest.raises(ValueError):
        Box(10, 0, 5, 5)


def test_text_joins_lines_paragraphs_and_pages() -> None:
    doc = _doc()
    assert doc.pages[0].text == "Số 164-KH/HU\n\nKế hoạch"
    assert doc.text == "Số 164-KH/HU\n\nKế hoạch\n\f\n"
    assert [w.text for w in doc.words] == ["Số", "164-KH/HU", "Kế", "hoạch"]


def test_from_text_is_nfc_and_keeps_paragraphs() -> None:
    decomposed = "Ke\u0302\u0301 hoa\u0323ch\n\nI. MU\u0323C\n"
    doc = Document.from_text(decomposed)
    assert doc.text == "Kế hoạch\n\nI. MỤC"


def test_every_section_kind_the_parser_emits_is_a_section_kind() -> None:
    """One list of section kinds: what structure emits, markdown and README name."""
    from pathlib import Path

    from pipeline.document import SectionKind
    from pipeline.structure import parse

    def kinds(sections: tuple[Section, ...]) -> set[str]:
        return {s.kind for s in sections} | {k for s in sections for k in kinds(s.children)}

    seen: set[str] = set()
    for src in sorted((Path(__file__).parent.parent / "samples").glob("*.gt.txt")):
        seen |= kinds(parse(src.read_text(encoding="utf-8")).sections)
    assert seen <= {k.value for k in SectionKind}
    assert {"dieu", "roman", "number"} <= seen
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for kind in (m.split('"')[0] for m in readme.split('"kind": "')[1:]):
        assert kind in {k.value for k in SectionKind}, kind
