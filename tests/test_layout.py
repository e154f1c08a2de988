from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.document import Box, Document, Line, Page, Word
from pipeline.layout import MARK_KINDS, READING_ORDER, analyze_layout, order_columns

REPO = Path(__file__).resolve().parent.parent
REAL = REPO.parent / "shared" / "real"
GT = REPO / "tests" / "data" / "real"


def _line(*spans: tuple[str, int], top: int, conf: float = 0.95, block: int = 1) -> Line:
    """Words placed at x positions; each word 20 px per character, 40 px tall."""
    words = []
    for text, x in spans:
        for tok in text.split():
            words.append(Word(tok, Box(x, top, x + 20 * len(tok), top + 40), conf))
            x += 20 * len(tok) + 15
    box = words[0].box
    for w in words[1:]:
        box = box.union(w.box)
    return Line(tuple(words), box, block=block, par=1)


BODY = "Ủy ban nhân dân xã thông báo lịch tiếp công dân định kỳ trong tháng"


def _texts(page: Page) -> list[str]:
    return [ln.text for ln in page.lines]


def _kinds(page: Page) -> list[str]:
    return [r.kind for r in page.regions]


def test_header_columns_are_read_left_then_right() -> None:
    lines = (
        _line(("UBND XÃ TÂN PHÚ", 200), ("CỘNG HÒA XÃ HỘI", 1400), top=100),
        _line(("Số: 07/TB-UBND", 200), ("Độc lập - Tự do", 1400), top=160),
        _line(("Tân Phú, ngày 05", 1400), top=220),
        _line(("THÔNG BÁO", 830), top=320),  # centred under the body: the title
        _line((BODY, 250), top=400),
        _line((BODY, 250), top=460),
    )
    page = order_columns(Page(0, lines, width=2480, height=3508))
    assert _texts(page) == [
        "UBND XÃ TÂN PHÚ",
        "Số: 07/TB-UBND",
        "CỘNG HÒA XÃ HỘI",
        "Độc lập - Tự do",
        "Tân Phú, ngày 05",
        "THÔNG BÁO",
        BODY,
        BODY,
    ]
    assert _kinds(page) == ["header_left", "number", "header_right", "title", "body"]
    assert "\n\nCỘNG HÒA" in page.text  # regions are separate paragraphs


def test_subject_lines_join_the_left_column_but_kinh_gui_does_not() -> None:
    lines = (
        _line(("SỞ GIÁO DỤC", 300), ("CỘNG HÒA XÃ HỘI", 1400), top=100),
        _line(("Số: 12/SGDĐT", 300), ("Quảng Trị, ngày 21", 1400), top=160),
        _line(("V/v phòng chống", 290), top=220),
        _line(("đuối nước", 350), top=275),
        _line(("Kính gửi:", 300), top=330),
        _line((BODY, 250), top=420),
    )
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    regions = {r.kind: r.text for r in page.regions}
    assert regions["subject"] == "V/v phòng chống\nđuối nước"
    assert regions["body"].startswith("Kính gửi:")
    assert _texts(page).index("Quảng Trị, ngày 21") < _texts(page).index("Kính gửi:")


def test_recipients_before_signature_and_body_untouched() -> None:
    lines = (
        _line((BODY, 250), top=100),
        _line(("hiện.", 250), top=160),
        _line(("Nơi nhận:", 250), ("CHỦ TỊCH", 1600), top=240),
        _line(("- Như trên;", 250), top=300),
        _line(("- Lưu: VT.", 250), top=360),
        _line(("Phạm Văn Bình", 1550), top=560),
        _line(("2", 1200), top=3300),
    )
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    assert _texts(page) == [
        BODY,
        "hiện.",
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT.",
        "CHỦ TỊCH",
        "Phạm Văn Bình",
        "2",
    ]
    assert _kinds(page) == ["body", "recipients", "signature", "page_number"]


def test_page_number_above_the_text_is_read_first() -> None:
    lines = (_line((BODY, 250), top=300), _line(("2", 1200), top=100), _line((BODY, 250), top=360))
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    assert _texts(page)[0] == "2"
    assert _kinds(page) == ["page_number", "body"]


def test_e_signature_overlay_is_kept_aside() -> None:
    lines = (
        _line((BODY, 250), top=300),
        _line(("Ký bởi: Văn phòng Chính phủ", 1500), top=360, block=7),
        _line(("Thời gian ký: 28.07.2014 10:40:22 +07:00", 1500), top=410, block=7),
        _line((BODY, 250), top=470),
    )
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    assert _texts(page) == [BODY, BODY]
    esign = [r for r in page.regions if r.kind == "esign"]
    assert len(esign) == 1 and "Ký bởi" in esign[0].text and len(esign[0].lines) == 2


def test_seal_ring_in_the_image_takes_its_words_out() -> None:
    h, w = 1000, 1200
    pixels = np.full((h, w), 255, dtype=np.uint8)
    yy, xx = np.mgrid[0:h, 0:w]
    r = np.hypot(yy - 600, xx - 800)
    pixels[(r > 150) & (r < 160)] = 0  # a ring 310 px (26 mm at 300 dpi) across
    lines = (
        _line(("thực hiện nội dung thông báo này", 100), top=200),
        _line(("thực hiện nội dung thông báo này", 100), top=260),
        _line(("xqz", 740), top=580, conf=0.3),  # seal text read as garbage
    )
    for x0, y0 in ((100, 200), (100, 260)):
        pixels[y0 + 5 : y0 + 35, x0 : x0 + 600 : 7] = 0  # some ink where the words are
    page = analyze_layout(Page(0, lines, width=w, height=h, dpi=300), pixels)
    assert "xqz" not in page.text
    seals = [r for r in page.regions if r.kind == "seal"]
    assert seals and seals[0].text == "xqz"


def test_lines_without_boxes_are_kept() -> None:
    plain = Page(0, (Line((Word("Kế"), Word("hoạch"))),), width=2480)
    assert analyze_layout(plain) == plain


def test_regions_survive_json() -> None:
    lines = (
        _line(("UBND XÃ TÂN PHÚ", 200), ("CỘNG HÒA XÃ HỘI", 1400), top=100),
        _line((BODY, 250), top=200),
        _line(("Ký bởi: Văn phòng", 1500), top=260),
    )
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    doc = Document("x.tif", pages=(page,))
    back = Document.from_dict(json.loads(json.dumps(doc.to_dict())))
    assert back == doc
    assert {r.kind for r in back.pages[0].regions} <= set(READING_ORDER) | set(MARK_KINDS)
    old = doc.to_dict()
    del old["pages"][0]["regions"]  # JSON written before regions existed still loads
    assert Document.from_dict(old).pages[0].regions == ()


@pytest.mark.tesseract
@pytest.mark.slow
def test_synthesized_closing_page_reads_recipients_then_signature() -> None:
    from pipeline.io import PageImage
    from pipeline.ocr import TesseractEngine
    from pipeline.synth import synthesize

    text = (REPO / "samples" / "quyet-dinh-ubnd.txt").read_text(encoding="utf-8")
    synth = synthesize(text, "clean", seed=7)[-1]
    image = PageImage("q.tif", synth.index, synth.dpi, synth.pixels)
    page = analyze_layout(TesseractEngine().recognize(image), image.pixels)
    regions = {r.kind: r.text for r in page.regions}
    want = [t for k, t in synth.lines if k == "recipients"]
    assert regions["recipients"].splitlines()[0] == want[0]
    names = [t for k, t in synth.lines if k == "signature"]
    assert regions["signature"].splitlines()[-1] == names[-1]
    kinds = [r.kind for r in page.regions]
    assert kinds.index("recipients") + 1 == kinds.index("signature")
    assert page.text.index(want[0]) < page.text.index(names[0]) < page.text.index(names[-1])


@pytest.mark.tesseract
@pytest.mark.slow
@pytest.mark.skipif(not REAL.exists(), reason="../shared/real is not here")
def test_real_bitonal_page_whole_cer_close_to_body() -> None:
    from pipeline.io import load_page
    from pipeline.metrics import cer
    from pipeline.ocr import TesseractEngine

    image = load_page(REAL / "scanned" / "dng-sgddt-cv-2019.pdf", 1)
    page = analyze_layout(TesseractEngine().recognize(image), image.pixels)
    gt = [
        ln
        for ln in (GT / "dng-sgddt-cv-2019_p2.gt.txt").read_text(encoding="utf-8").splitlines()
        if ln and not ln.startswith("@")
    ]
    truth = "\n".join(gt[: gt.index("CỘNG HÒA X.H.C.N VIỆT NAM")] + gt[-1:])  # seal lines out
    assert cer(page.text, truth) < 0.04
    assert [r.kind for r in page.regions][:3] == ["body", "recipients", "signature"]
