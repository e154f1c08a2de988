from __future__ import annotations

import json

import pytest

from pipeline.document import Box, Correction, Document, Line, Page, Section, Step, Word


def _doc() -> Document:
    words = (Word("Số", Box(10, 10, 60, 40), 0.96), Word("164-KH/HU", Box(70, 10, 300, 40), 0.9))
    line = Line(words, Box(10, 10, 300, 40), block=1, par=1)
    body = Line((Word("Kế"), Word("hoạch")), None, block=2, par=1)
    sec = Section("I.", 1, "MỤC ĐÍCH", "text", 0, 3, (Section("1.", 2, "Mục đích"),))
    return Document(
        name="sub/a.png",
        pages=(Page(0, (line, body), 2480, 3508, 300), Page(1, ())),
        corrections=(Correction(0, 1, 0, "ke", "Kế", 1.5, "diacritics"),),
        sections=(sec,),
        header={"number": "164", "date": "2024-08-20"},
        steps=(Step("ocr", "0.1.0", {"lang": "vie"}),),
    )


def test_json_round_trip_rebuilds_equal_document() -> None:
    doc = _doc()
    data = json.loads(json.dumps(doc.to_dict(), ensure_ascii=False))
    assert data["schema"] == "vnocr.document" and data["version"] == 1
    assert Document.from_dict(data) == doc


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
