"""Correction stage: golden pairs, guard rails, the gate, Document mode and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.correct import (
    CorrectConfig,
    Corrector,
    correct_document,
    correct_text,
    main,
)
from pipeline.document import Box, Document, Line, Page, Word
from pipeline.errors import ExitCode

GOLDEN = Path(__file__).parent / "data" / "golden" / "correct.json"


@pytest.fixture(scope="module")
def corr() -> Corrector:
    return Corrector(config=CorrectConfig())


@pytest.mark.parametrize(
    "pair", json.loads(GOLDEN.read_text(encoding="utf-8")), ids=lambda p: p["why"]
)
def test_golden(corr: Corrector, pair: dict) -> None:
    assert correct_text(pair["ocr"], corrector=corr).text == pair["expected"]


def test_correct_text_is_left_alone(corr: Corrector) -> None:
    text = (
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n"
        "Theo đề nghị của Giám đốc Sở Tài chính tại Tờ trình số 82/TTr-STC.\n\n"
        "Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý tài sản công."
    )
    r = correct_text(text, corrector=corr)
    assert r.text == text
    assert r.corrections == ()


def test_guard_rails_keep_numbers_codes_urls_and_spacing(corr: Corrector) -> None:
    text = "  Chi thi so 28-CT/TW ngay 25/12/2023,  xem  www.chinhphu.vn  (UBND, HĐND)\n\nXXIV.  a)"
    out = correct_text(text, corrector=corr).text
    for kept in ("28-CT/TW", "25/12/2023,", "www.chinhphu.vn", "(UBND,", "HĐND)", "XXIV.", "a)"):
        assert kept in out
    assert out.startswith("  Chỉ thị số")
    assert "  xem  " in out and out.count("\n") == text.count("\n")


def test_stripped_input_never_changes_letters(corr: Corrector) -> None:
    from pipeline.vietnamese import fold_key

    text = "can bo dang vien phai guong mau"
    r = correct_text(text, corrector=corr)
    assert [fold_key(w) for w in r.text.split()] == text.split()


def test_gate_keeps_clean_block_next_to_garbled_one(corr: Corrector) -> None:
    clean = "Ủy ban nhân dân tỉnh chỉ đạo các sở, ngành triển khai thực hiện."
    garbled = "thuc hién Chi thi sé 28-CT/TW ciia B Chinh tri vé ting cuong"
    r = correct_text(clean + "\n\n" + garbled, corrector=corr)
    first, second = r.text.split("\n\n")
    assert first == clean
    assert second.startswith("thực hiện Chỉ thị số 28-CT/TW của")
    assert all(c.line == 2 for c in r.corrections)


def test_corrections_record_positions(corr: Corrector) -> None:
    r = correct_text("Dieu 1.\nchu tich uy ban", corrector=corr)
    assert r.text == "Điều 1.\nchủ tịch ủy ban"
    assert {(c.line, c.word, c.before) for c in r.corrections} >= {(0, 0, "Dieu"), (1, 0, "chu")}


def test_idempotent(corr: Corrector) -> None:
    once = correct_text("tang cuong cong tac quan ly nha nuoc", corrector=corr).text
    assert correct_text(once, corrector=corr).text == once


def test_document_keeps_boxes_and_logs_raw(corr: Corrector) -> None:
    words = ("thuc", "hien", "Chi", "thi", "so", "28-CT/TW")
    line = Line(tuple(Word(w, Box(i * 50, 0, i * 50 + 40, 20), 0.5) for i, w in enumerate(words)))
    doc = Document("scan.png", (Page(0, (line,)),))
    out = correct_document(doc, corrector=corr)
    assert out.pages[0].lines[0].text == "thực hiện Chỉ thị số 28-CT/TW"
    assert [w.box for w in out.pages[0].lines[0].words] == [w.box for w in line.words]
    assert out.steps[-1].stage == "correct"
    assert out.without_corrections().pages[0].lines[0].text == line.text


def test_cli_reads_file_and_writes_output(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("cong tac can bo\n", encoding="utf-8")
    dst = tmp_path / "out.txt"
    assert main([str(src), "-o", str(dst)]) == ExitCode.ok
    assert dst.read_text(encoding="utf-8") == "công tác cán bộ\n"


def test_cli_rejects_non_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "legacy.txt"
    src.write_bytes("công tác".encode("cp1258", errors="replace") + b"\xff\xfe")
    assert main([str(src)]) == ExitCode.input_file
    assert "legacy.txt" in capsys.readouterr().err


def test_lockstep_search_equals_one_sentence_at_a_time(corr: Corrector) -> None:
    from pipeline.correct import _decode_all

    sents = [
        [corr.candidates(w, "restore") for w in s.split()]
        for s in ("tang cuong cong tac", "chi bo", "can bo dang vien phai guong mau", "so")
    ]
    together = _decode_all(corr, sents)
    alone = [_decode_all(corr, [s])[0] for s in sents]
    assert together == alone
    assert [len(p) for p in together] == [4, 2, 7, 1]
    words = [sents[0][i].words[j] for i, j in enumerate(together[0])]
    assert words == ["tăng", "cường", "công", "tác"]


def test_vie_block_keeps_letter_references_and_v_v(corr: Corrector) -> None:
    words = ["V/v", "hướng", "dẫn", "thực", "hiện", "tại", "điểm", "c", "khoản", "1", "Điều"]
    line = Line(tuple(Word(w, Box(i * 50, 0, i * 50 + 40, 20), 0.9) for i, w in enumerate(words)))
    doc = Document("scan.png", (Page(0, (line,)),))
    out = correct_document(doc, corrector=corr)
    assert out.pages[0].lines[0].text == line.text
    text = "d khoản 1, các điểm b, c và d khoản 2, điểm b và d khoản 3, khoản 4 Điều 2"
    assert correct_text(text, corrector=corr).text == text


def test_one_word_block_is_read_like_its_page(corr: Corrector) -> None:
    page = (
        "Ủy ban nhân dân tỉnh chỉ đạo các sở, ngành triển khai thực hiện nhiệm vụ được"
        "\n\ngiao, bảo đảm chất lượng và tiến độ theo quy định của pháp luật hiện hành về"
        "\n\ncông;"
    )
    assert correct_text(page, corrector=corr).text == page
