from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest

from pipeline.document import Box, Correction, Document, Line, Page, Word
from pipeline.errors import ExitCode
from pipeline.io import PageImage
from pipeline.metrics import CompareOptions, cer, syllable_accuracy, wer
from pipeline.report import (
    SCHEMA,
    VERSION,
    compare,
    main,
    report_for,
    summarize,
    to_html,
    to_json,
    undo_corrections,
)

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
SOURCE = "về tăng cường công tác\nchăm sóc trẻ em"


def make_doc() -> Document:
    """Two lines; three logged corrections: one right, one wrong, one no-op on the source."""
    texts = [["về", "tăng", "cường", "công", "tác"], ["chăm", "sóc", "tre", "<script>em"]]
    lines = []
    for li, words in enumerate(texts):
        ws = tuple(
            Word(
                t,
                Box(10 + 60 * wi, 10 + 40 * li, 60 + 60 * wi, 40 + 40 * li),
                0.4 if wi == 0 else 0.9,
            )
            for wi, t in enumerate(words)
        )
        lines.append(Line(ws))
    corrections = (
        Correction(0, 0, 1, "ting", "tăng", 0.9, "lm"),  # better
        Correction(0, 1, 2, "trẻ", "tre", 0.3, 'reason "quoted" <b>'),  # worse
        Correction(0, 0, 4, "tác", "tác", 0.1, "case"),  # neutral
    )
    return Document("scan.png", (Page(0, tuple(lines), 400, 100),), corrections)


def test_figures_match_the_metric_functions() -> None:
    hyp, raw = "về tăng cường công tac chăm soc trẻ", "vé ting clr(rng cong tac cham soc tré em"
    c = compare(hyp, SOURCE, raw=raw)
    assert c.cer == pytest.approx(cer(hyp, SOURCE))
    assert c.wer == pytest.approx(wer(hyp, SOURCE))
    assert c.syllable_accuracy == pytest.approx(syllable_accuracy(hyp, SOURCE))
    assert c.raw is not None
    assert c.raw.scores.cer == pytest.approx(cer(raw, SOURCE))
    assert c.raw.scores.cer > c.cer  # the corrected text is nearer the source
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.name = "x"  # type: ignore[misc]


def test_confusions_and_marks() -> None:
    c = compare("tang cang nang", "tăng căng năng")
    s = c.corrected.scores
    assert s.char_confusions[0] == ("ă", "a", 3)
    assert s.marks.pairs == 3 and s.vowel_mark_error_rate == 1.0 and s.tone_error_rate == 0.0
    assert s.syllable_confusions[0][2] == 1


def test_options_reach_every_figure() -> None:
    c = compare("CHĂM SÓC", "chăm sóc", options=CompareOptions(ignore_case=True))
    assert c.cer == 0.0 and c.wer == 0.0


def test_document_corrections_are_judged() -> None:
    doc = make_doc()
    c = compare(doc, SOURCE, raw=undo_corrections(doc))
    verdicts = [j.verdict for j in c.corrections]
    assert verdicts == ["better", "worse", "neutral"]
    assert c.corrections[0].source == "tăng" and c.corrections[1].source == "trẻ"
    assert c.raw is not None


def test_undo_corrections_restores_the_raw_words() -> None:
    raw = undo_corrections(make_doc())
    assert raw is not None and raw.corrections == ()
    assert [w.text for w in raw.words][:3] == ["về", "ting", "cường"]
    assert raw.words[7].text == "trẻ"
    assert undo_corrections(Document("x")) is None


def test_json_is_versioned_and_complete() -> None:
    doc = make_doc()
    data = to_json(compare(doc, SOURCE, raw=undo_corrections(doc)))
    assert data["schema"] == SCHEMA == "vnocr.report" and data["version"] == VERSION == 1
    assert data["corrected"]["cer"] == pytest.approx(cer(doc.text, SOURCE))
    assert data["raw"]["wer"] == pytest.approx(wer(undo_corrections(doc).text, SOURCE))
    assert data["verdicts"] == {"better": 1, "worse": 1, "neutral": 1}
    assert data["corrections"][1]["before"] == "trẻ"
    ch = data["corrected"]["characters"]
    assert ch["hits"] + ch["substitutions"] + ch["deletions"] == data["reference"]["characters"]
    assert json.loads(json.dumps(data)) == data


def test_summary_pools_counts() -> None:
    a = to_json(compare("tang", "tăng", name="a"))
    b = to_json(compare("về tăng cường công tác", "về tăng cường công tác", name="b"))
    s = summarize([a, b])
    assert s["documents"] == 2 and s["raw"] is None
    # one wrong character out of 4 + 22 reference characters
    assert s["corrected"]["cer"] == pytest.approx(1 / 26)


def test_html_escapes_document_text() -> None:
    doc = make_doc()
    evil_source = SOURCE + ' <img src=x onerror="alert(1)">'
    page = to_html(compare(doc, evil_source, raw=undo_corrections(doc)))
    assert "<script>em" not in page and "&lt;script&gt;em" in page
    assert "<img src=x" not in page and "&lt;img" in page
    assert '"quoted" <b>' not in page and "&quot;quoted&quot; &lt;b&gt;" in page
    assert page.count("<script>") == 1  # ours


def test_html_marks_edits_and_links_boxes_to_words() -> None:
    doc = make_doc()
    pixels = np.full((100, 400), 255, dtype=np.uint8)
    pixels[20:30, 20:350] = 0
    page = to_html(
        compare(doc, SOURCE, raw=undo_corrections(doc)),
        images=[PageImage("scan.png", 0, 300, pixels)],
    )
    assert re.search(r'src="data:image/(png|jpeg);base64,', page)
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    # substitution tre for trẻ is shown with both sides
    assert '<span class="sub"><del>trẻ</del><ins><span id="w-0-1-2">tre</span></ins></span>' in page
    # every box links to an id present in the text: changed words and the low-confidence one
    hrefs = set(re.findall(r'<a href="#(w-[\d-]+)"><polygon', page))
    assert {"w-0-0-1", "w-0-1-2", "w-0-0-4", "w-0-0-0", "w-0-1-0"} <= hrefs
    for h in hrefs:
        assert f'id="{h}"' in page
    assert 'class="chg"' in page and 'class="low"' in page


def test_report_for_returns_html_and_json() -> None:
    html, data = report_for(make_doc(), SOURCE)
    assert html.startswith("<!DOCTYPE html>") and data["raw"] is not None  # raw rebuilt


def test_cli_text_and_document(tmp_path: Path) -> None:
    ocr, src = tmp_path / "ocr.txt", tmp_path / "src.txt"
    ocr.write_text("vé ting cường", encoding="utf-8")
    src.write_text("về tăng cường", encoding="utf-16")
    out, js = tmp_path / "r.html", tmp_path / "r.json"
    assert main([str(ocr), str(src), "-o", str(out), "--json", str(js)]) == ExitCode.ok
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["corrected"]["wer"] == pytest.approx(2 / 3)
    assert "ting" in out.read_text(encoding="utf-8")

    doc_json = tmp_path / "scan.json"
    doc_json.write_text(json.dumps(make_doc().to_dict()), encoding="utf-8")
    assert main([str(doc_json), str(src), "-o", str(out), "--json", str(js)]) == ExitCode.ok
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["name"] == "scan.png" and data["raw"] is not None


def test_cli_errors(tmp_path: Path) -> None:
    ocr, bad = tmp_path / "ocr.txt", tmp_path / "bad.txt"
    ocr.write_text("x", encoding="utf-8")
    bad.write_bytes(b"\x81\x8d\x8f\x90 \x9d")
    assert main([str(ocr), str(bad), "-o", str(tmp_path / "r.html")]) == ExitCode.input_file
    not_doc = tmp_path / "other.json"
    not_doc.write_text('{"a": 1}', encoding="utf-8")
    assert main([str(not_doc), str(ocr), "-o", str(tmp_path / "r.html")]) == ExitCode.input_file


def test_seed_excerpt_report_figures() -> None:
    ocr_path, truth_path = SAMPLES / "seed-excerpt.ocr.txt", SAMPLES / "seed-excerpt.truth.txt"
    if not ocr_path.exists() or not truth_path.exists():
        pytest.skip("../shared/samples not present")
    jiwer = pytest.importorskip("jiwer")
    ocr, truth = ocr_path.read_text(encoding="utf-8"), truth_path.read_text(encoding="utf-8")
    data = to_json(compare(ocr, truth))
    r, h = " ".join(truth.split()), " ".join(ocr.split())  # NFC already: checked in metrics
    assert round(data["corrected"]["cer"], 4) == round(jiwer.cer(r, h), 4)
    assert round(data["corrected"]["syllable_accuracy"], 4) == round(1 - jiwer.wer(r, h), 4)
    # "ă→a"-style confusions: the mark-less model drops đ most
    assert data["corrected"]["char_confusions"][0][:2] == ["đ", "d"]
