from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.document import Box, Document, Line, Page, Word
from pipeline.layout import MARK_KINDS, READING_ORDER, analyze_layout, order_columns
from pipeline.layout.pageink import PageInk

REPO = Path(__file__).resolve().parent.parent
REAL = REPO.parent / "shared" / "real"
GT = REPO / "tests" / "data" / "real"


def _line(*spans: tuple, top: int, conf: float = 0.95, block: int = 1) -> Line:
    """Words placed at x positions; each word 20 px per character, 40 px tall (or the
    span's third item: small print is 20 px per character still, only lower)."""
    words = []
    for text, x, *size in spans:
        h = size[0] if size else 40
        for tok in text.split():
            words.append(Word(tok, Box(x, top, x + 20 * len(tok), top + h), conf))
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


def test_a_last_word_alone_at_the_margin_stays_in_its_paragraph() -> None:
    """Tesseract's block of lone margin words ("thực", "chức") read before the text."""
    lines = (
        _line(("thực", 250), top=160, block=1),
        _line(("chức", 250), top=400, block=2),
        _line(
            ("Các tổ chức, cá nhân trong và ngoài nước có trách nhiệm tổ chức", 400),
            top=100,
            block=3,
        ),
        _line(
            ("hiện chủ trương của Đảng, chính sách pháp luật của Nhà nước về", 400),
            top=220,
            block=3,
        ),
        _line(
            ("bảo vệ môi trường theo quy định của pháp luật hiện hành và tổ", 400), top=340, block=4
        ),
        _line(
            ("thực hiện đúng thời hạn quy định tại Điều này của Nghị định này", 400),
            top=460,
            block=4,
        ),
    )
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    assert [ln.text.split()[0] for ln in page.lines] == [
        "Các",
        "thực",
        "hiện",
        "bảo",
        "chức",
        "thực",
    ]
    assert page.lines[1].block == 3 and page.lines[4].block == 4  # the paragraph above
    # lines side by side (a table, two columns) keep Tesseract's order
    table = (
        _line(("Tên cơ quan chủ trì thực hiện nhiệm vụ", 250), top=100, block=1),
        _line(("Thời gian hoàn thành", 250), top=160, block=1),
        _line(("Sở Tài nguyên và Môi trường", 1500), top=100, block=2),
        _line(("Quý IV năm 2026", 1500), top=160, block=2),
    )
    page = analyze_layout(Page(0, table, width=2480, height=3508))
    assert [ln.text for ln in page.lines] == [ln.text for ln in table]


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


def test_scanner_app_footer_is_kept_aside() -> None:
    lines = (
        _line((BODY, 250), top=300),
        _line((BODY, 250), top=360),
        _line(("Được quét bằng CamScanner", 1770), top=3400),
    )
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    assert _texts(page) == [BODY, BODY]
    assert [r.text for r in page.regions if r.kind == "margin"] == ["Được quét bằng CamScanner"]


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
    shared = analyze_layout(Page(0, lines, width=w, height=h, dpi=300), pixels, ink=PageInk(pixels))
    assert shared == page  # the ink recognize_page shares reads as the layout's own
    with pytest.raises(ValueError, match="other pixels"):
        analyze_layout(Page(0, lines, width=w, height=h), pixels, ink=PageInk(pixels.copy()))


def test_cong_bao_running_header_is_read_first_and_the_header_keeps_its_columns() -> None:
    lines = (
        _line(("CÔNG BÁO/Số 685 + 686/Ngày 17-7-2014", 760), ("43", 2150), top=100),
        _line(("QUỐC HỘI", 380), ("CỘNG HÒA XÃ HỘI", 1400), top=230),
        _line(("Luật số: 54/2014/QH13", 250), ("Độc lập - Tự do", 1450), top=290),
        _line(("LUẬT", 880), top=400),
        _line((BODY, 250), top=480),
        _line((BODY, 250), top=540),
    )
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    assert _kinds(page) == [
        "running_header",
        "header_left",
        "number",
        "header_right",
        "title",
        "body",
    ]
    assert _texts(page)[:3] == [
        "CÔNG BÁO/Số 685 + 686/Ngày 17-7-2014 43",
        "QUỐC HỘI",
        "Luật số: 54/2014/QH13",
    ]


def test_footnote_is_read_after_the_signature_not_as_a_recipient() -> None:
    lines = (
        _line((BODY, 250), top=100),
        _line(("hội xem xét, cho ý kiến.", 250), top=160),
        _line(("Nơi nhận:", 250), ("CHỦ NHIỆM", 1600), top=240),
        _line(("- Như trên;", 250), top=300),
        _line(("Nguyễn Đắc Vinh", 1550), top=560),
        _line(("44 Đây cũng là ý kiến của Ủy ban Kinh tế", 250), top=3200),
    )
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    assert _kinds(page) == ["body", "recipients", "signature", "footnote"]
    assert _texts(page)[-2:] == ["Nguyễn Đắc Vinh", "44 Đây cũng là ý kiến của Ủy ban Kinh tế"]


def test_number_line_with_a_blank_stays_whole_and_the_draft_label_goes_before_the_title() -> None:
    lines = (
        _line(("BỘ TÀI CHÍNH", 320), ("CỘNG HÒA XÃ HỘI", 1400), top=100),
        _line(("Độc lập - Tự do", 1450), top=160),
        _line(("Số:", 280), ("/2025/TT-BTC", 420), ("Hà Nội, ngày tháng", 1400), top=260),
        _line(("DỰ THẢO 1", 330), top=380),
        _line(("THÔNG TƯ", 840), top=480),
        _line((BODY, 250), top=560),
        _line((BODY, 250), top=620),
    )
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    regions = {r.kind: r.text for r in page.regions}
    assert regions["number"] == "Số: /2025/TT-BTC"
    assert regions["header_right"] == "CỘNG HÒA XÃ HỘI\nĐộc lập - Tự do\nHà Nội, ngày tháng"
    assert _kinds(page) == ["header_left", "number", "header_right", "draft", "title", "body"]
    assert regions["draft"] == "DỰ THẢO 1" and regions["title"] == "THÔNG TƯ"


def test_routing_note_beside_the_subject_is_kept_aside() -> None:
    note = 25  # the note is printed smaller than the text
    lines = (
        _line(("SỞ GIÁO DỤC VÀ ĐÀO TẠO", 300), ("CỘNG HÒA XÃ HỘI", 1400), top=100),
        _line(("Số: 12/SGDĐT", 420), ("Độc lập - Tự do", 1450), top=160),
        _line(("V/v bảo đảm an toàn", 360), ("1. Cô Hương gửi văn bản", 1116, note), top=230),
        _line(("trong dịp nghỉ hè", 380), ("2. Phòng CTSV phối hợp", 1116, note), top=285),
        _line(("năm 2019", 470), ("3. Công đoàn phối hợp", 1116, note), top=340),
        _line(("4. Đoàn TN phối hợp với", 1116, note), top=390),
        _line(("Kính gửi:", 300), top=470),
        _line((BODY, 250), top=540),
        _line((BODY, 250), top=600),
        _line((BODY, 250), top=660),
    )
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    regions = {r.kind: r.text for r in page.regions}
    assert regions["subject"] == "V/v bảo đảm an toàn\ntrong dịp nghỉ hè\nnăm 2019"
    assert "Cô Hương" not in page.text and "Đoàn TN" not in page.text
    notes = "\n".join(r.text for r in page.regions if r.kind == "note")
    assert "1. Cô Hương gửi văn bản" in notes and "4. Đoàn TN phối hợp với" in notes
    assert regions["body"].startswith("Kính gửi:")


def test_a_lone_split_line_at_the_top_is_body_not_a_header() -> None:
    lines = (
        _line(("6. Đối với các trường Đại học", 340), ("NCL chủ động liên hệ với", 1305), top=100),
        _line((BODY, 250), top=160),
        _line((BODY, 250), top=220),
    )
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    assert _kinds(page) == ["body"]
    assert _texts(page)[0] == "6. Đối với các trường Đại học NCL chủ động liên hệ với"


def test_words_under_a_pen_line_are_print_and_a_tall_scrawl_is_not() -> None:
    """Tesseract gives each word a hand-drawn underline runs under the line's full height."""
    words = "nghị gia đình làm đơn không nhận chính sách".split()  # noqa: SIM905
    boxes = [Box(250 + 100 * i, 400, 330 + 100 * i, 440) for i in range(len(words))]
    for i in range(4, 9):  # underlined: 110 px tall (the line height is 40)
        boxes[i] = Box(boxes[i].left, 400, boxes[i].right, 510)
    scrawl = Word("ý", Box(1200, 380, 1250, 520), 0.3)  # a handwritten mark after them
    underlined = Line(
        (*(Word(w, b, 0.5) for w, b in zip(words, boxes, strict=True)), scrawl),
        Box(250, 380, 1250, 520),
        block=2,
    )
    lines = (_line((BODY, 250), top=300), underlined, _line((BODY, 250), top=540))
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    assert " ".join(words) in _texts(page)
    assert [r.text for r in page.regions if r.kind == "handwriting"] == ["ý"]


def test_misread_number_at_the_start_of_a_line_is_kept_and_stray_marks_are_not() -> None:
    body = _line((BODY, 300), top=300)
    first = Line((Word("\"'", Box(250, 300, 285, 340), 0.38), *body.words), body.box, 1, 1)
    stray = _line(("UBND XÃ", 200), ("CỘNG HÒA", 1400), top=100)
    rule = Word("_", Box(600, 100, 1300, 140), 0.05)  # a rule between the two columns
    stray = Line((stray.words[0], stray.words[1], rule, *stray.words[2:]), stray.box, 1, 1)
    dashed = _line(("Khu dân cư xanh", 250), ("sạch", 620), top=420)
    tall_dash = Word("-", Box(580, 410, 600, 475), 0.92)  # a fax blurs its box to 65 px
    dashed = Line((*dashed.words[:4], tall_dash, dashed.words[4]), dashed.box, 1, 1)
    lines = (
        stray,
        _line(("Số: 3/UBND", 200), ("Độc lập - Tự do", 1400), top=160),
        first,
        _line((BODY, 250), top=360),
        dashed,
    )
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    assert "_" not in page.text.split()
    assert "Khu dân cư xanh - sạch" in _texts(page)
    assert any(t.startswith("\"' Ủy ban") for t in _texts(page))
    assert _kinds(page)[:2] == ["header_left", "number"]


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
    from pipeline.tesseract import TesseractEngine
    from pipeline.workshop.synth import synthesize

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
    from pipeline.tesseract import TesseractEngine

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


@pytest.mark.tesseract
@pytest.mark.slow
@pytest.mark.skipif(not REAL.exists(), reason="../shared/real is not here")
def test_born_digital_page_with_running_header_reads_in_order() -> None:
    import pypdfium2 as pdfium

    from pipeline.io import PageImage
    from pipeline.metrics import cer
    from pipeline.process import PipelineConfig, recognize_page

    pdf = pdfium.PdfDocument(str(REAL / "digital" / "qh-luat-54-2014-haiquan-congbao_p1-3.pdf"))
    pil = pdf[0].render(scale=200 / 72.0, grayscale=True).to_pil()
    pdf.close()
    image = PageImage("luat.pdf", 0, 200, np.asarray(pil.convert("L")).copy())
    page, _ = recognize_page(image, PipelineConfig())
    kinds = [r.kind for r in page.regions]
    assert kinds[:5] == ["running_header", "header_left", "number", "header_right", "title"]
    gt_path = GT / "digital" / "qh-luat-54-2014-haiquan-congbao_p1.gt.txt"
    truth, keep = [], True
    for ln in gt_path.read_text(encoding="utf-8").splitlines():
        if ln.startswith("@"):
            keep = ln[1:] not in MARK_KINDS
        elif keep:
            truth.append(ln)
    assert cer(page.text, "\n".join(truth)) < 0.03


def test_gutter_never_runs_through_a_word_space_of_the_issuer_line() -> None:
    # Only the issuer line reaches the middle of the left half, so the emptiest stretch by
    # words runs through "VÀ CÔNG NGHỆ": the gutter must be where every line has a gap.
    lines = (
        _line(
            ("BỘ KHOA HỌC VÀ CÔNG NGHỆ", 450), ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1000), top=100
        ),
        _line(("Độc lập - Tự do - Hạnh phúc", 1050), top=160),
        _line(("Số: 12/TTr-BKHCN", 250), ("Hà Nội, ngày 5 tháng 6 năm 2025", 1100), top=220),
        _line((BODY, 100), top=400),
        _line((BODY, 100), top=460),
    )
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    regions = {r.kind: r.text for r in page.regions}
    assert regions["header_left"] == "BỘ KHOA HỌC VÀ CÔNG NGHỆ"
    assert regions["header_right"].startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n")


def test_a_piece_across_the_gutter_goes_whole_to_its_side() -> None:
    # "ỦY BAN NHÂN DÂN HUYỆN THĂNG BÌNH" crosses the river the other lines leave, with word
    # spaces only: one issuer line, on the side of its centre, never cut in two.
    lines = (
        _line(("UBND TỈNH QUẢNG NAM", 300), ("CỘNG HÒA XÃ HỘI", 1400), top=100),
        _line(("ỦY BAN NHÂN DÂN HUYỆN THĂNG BÌNH", 640), ("Độc lập - Tự do", 1560), top=160),
        _line(("Số: 7/UBND", 320), ("Tam Kỳ, ngày 2", 1420), top=220),
        _line((BODY, 250), top=400),
        _line((BODY, 250), top=460),
    )
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    regions = {r.kind: r.text for r in page.regions}
    assert regions["header_left"] == "UBND TỈNH QUẢNG NAM\nỦY BAN NHÂN DÂN HUYỆN THĂNG BÌNH"
    assert regions["header_right"] == "CỘNG HÒA XÃ HỘI\nĐộc lập - Tự do\nTam Kỳ, ngày 2"


def test_lines_at_a_shared_left_edge_are_print_not_margin_notes() -> None:
    # Overflow lines start left of the indented text frame, at an edge several confident
    # lines share; "10, 11," read badly there is still print, and so is a bare number.
    body = [_line((BODY, 554), top=300 + 95 * k) for k in range(6)]
    wraps = [_line(("hành", 403), top=300 + 95 * k + 45) for k in (0, 2, 4)]
    unsure = Line(
        (Word("1h", Box(402, 900, 463, 946), 0.2), Word("LÍ:", Box(486, 900, 547, 946), 0.29)),
        Box(402, 900, 547, 946),
        block=9,
        par=1,
    )
    margin = Line(
        (Word("5,0", Box(400, 1000, 479, 1046), 0.4),), Box(400, 1000, 479, 1046), block=10, par=1
    )
    number = Line(
        (Word("5", Box(1289, 119, 1311, 155), 0.4),), Box(1289, 119, 1311, 155), block=11, par=1
    )
    page = analyze_layout(Page(0, (number, *body, *wraps, unsure, margin), width=2571, height=3572))
    assert not [r for r in page.regions if r.kind in MARK_KINDS]
    assert "1h LÍ:" in page.text and "5,0" in page.text
    assert _kinds(page)[0] == "page_number"


def test_a_scrawl_far_left_of_every_printed_edge_is_still_a_margin_note() -> None:
    body = [_line((BODY, 554), top=300 + 95 * k) for k in range(6)]
    note = Line(
        (Word("ok", Box(100, 700, 160, 746), 0.4),), Box(100, 700, 160, 746), block=9, par=1
    )
    page = analyze_layout(Page(0, (*body, note), width=2571, height=3572))
    assert "margin" in _kinds(page) and "ok" not in page.text


@pytest.mark.tesseract
@pytest.mark.slow
def test_lost_page_number_is_read_again_and_read_first() -> None:
    from pipeline.io import PageImage
    from pipeline.reread import read_again
    from pipeline.tesseract import TesseractEngine
    from pipeline.workshop.synth import synthesize

    text = (REPO / "samples" / "cong-van-so.txt").read_text(encoding="utf-8")
    synth = synthesize(text, "clean", seed=7)[1]
    image = PageImage("cv.tif", synth.index, synth.dpi, synth.pixels)
    first = TesseractEngine().recognize(image)
    assert "2" not in [ln.text for ln in first.lines]  # the first pass loses it
    page = analyze_layout(read_again(first, image.pixels, TesseractEngine()), image.pixels)
    assert page.regions[0].kind == "page_number" and page.regions[0].text == "2"
    assert page.text.startswith("2\n")
    assert analyze_layout(first, image.pixels).text == analyze_layout(first).text


@pytest.mark.tesseract
@pytest.mark.slow
@pytest.mark.skipif(not (REPO.parent / "shared" / "corpus").exists(), reason="no ../shared")
def test_item_numbers_read_as_vertical_text_are_read_again_not_set_aside() -> None:
    from pipeline.io import PageImage
    from pipeline.preprocess import preprocess
    from pipeline.reread import read_again
    from pipeline.structure.lines import strip_spec_markers
    from pipeline.tesseract import TesseractEngine
    from pipeline.workshop.synth import synthesize

    dev = REPO.parent / "shared" / "corpus" / "dev"
    path = next(dev.glob("congbao__thong-tu-so-32-2026-tt-bkhcn*.txt"), None)
    if path is None:
        pytest.skip("tuning document tt-32 is not in ../shared/corpus/dev")
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("@left"):
        text = strip_spec_markers(text)
    synth = synthesize(text, "scan", seed=0)[2]
    image = preprocess(PageImage("tt32", synth.index, synth.dpi, synth.pixels)).image
    first = TesseractEngine().recognize(image)
    page = analyze_layout(read_again(first, image.pixels, TesseractEngine()), image.pixels)
    lines = page.text.splitlines()
    for k, item in enumerate(["Nghiên cứu khoa học.", "Phát triển công nghệ.", "Bưu chính."]):
        assert f"{(1, 2, 7)[k]}. {item}" in lines
    assert "handwriting" not in _kinds(page)


def test_draft_label_read_with_an_ocr_error_is_still_the_draft_label() -> None:
    lines = (
        _line(("QUỐC HỘI", 380), ("CỘNG HÒA XÃ HỘI", 1300), top=100),
        _line(("Độc lập - Tự do", 1350), top=160),
        _line(("Luậtsố:", 300), ("/2025/QH15", 520), ("Hà Nội, ngày", 1330), top=220),
        _line(("| DỤ THẢO |", 300), top=380),  # "DỰ" misread, the box's sides read too
        _line(("LUẬT", 880), top=480),
        _line((BODY, 250), top=560),
        _line((BODY, 250), top=620),
    )
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    regions = {r.kind: r.text for r in page.regions}
    assert regions["draft"] == "| DỤ THẢO |" and regions["title"] == "LUẬT"
    assert regions["number"] == "Luậtsố: /2025/QH15"
    assert _kinds(page) == ["header_left", "number", "header_right", "draft", "title", "body"]


def test_a_blank_number_and_its_symbol_stay_one_line_of_the_left_column() -> None:
    # The blank left for the number is the widest white stretch of the header: the gutter
    # must not run through it and send "/TTr-BKHCN" to the right column.
    lines = (
        _line(("BỘ KHOA HỌC VÀ CÔNG NGHỆ", 250), ("CỘNG HÒA XÃ HỘI", 1250), top=100),
        _line(("Độc lập - Tự do", 1300), top=160),
        _line(("Số:", 300), ("/TTr-BKHCN", 900), ("Hà Nội, ngày tháng", 1180), top=220),
        _line((BODY, 250), top=400),
        _line((BODY, 250), top=460),
    )
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    regions = {r.kind: r.text for r in page.regions}
    assert regions["number"] == "Số: /TTr-BKHCN"
    assert regions["header_right"] == "CỘNG HÒA XÃ HỘI\nĐộc lập - Tự do\nHà Nội, ngày tháng"


def test_kinh_gui_beside_its_addressees_opens_the_body_not_the_header() -> None:
    # "Kính gửi:" and the first addressee are cut apart by a wide tab: a "two-column" line
    # after the header, which must not pull the addressees into the header's right column.
    lines = (
        _line(("SỞ Y TẾ BẮC NINH", 230), ("CỘNG HÒA XÃ HỘI", 1300), top=100),
        _line(("Số: 6191/BVT-TCKT", 200), ("Bắc Ninh, ngày 27", 1400), top=160),
        _line(("V/v đăng tải thông tin", 200), top=220),
        _line(("Kính gửi:", 600), ("Cổng thông tin điện tử Quốc gia", 900), top=330),
        _line(("Cổng thông tin điện tử Sở Y tế", 900), top=390),
        _line((BODY, 250), top=480),
        _line((BODY, 250), top=540),
    )
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    regions = {r.kind: r.text for r in page.regions}
    assert regions["header_right"] == "CỘNG HÒA XÃ HỘI\nBắc Ninh, ngày 27"
    assert regions["subject"] == "V/v đăng tải thông tin"
    assert regions["body"].startswith("Kính gửi: Cổng thông tin điện tử Quốc gia\nCổng thông")
    assert "title" not in _kinds(page)


def test_unsure_letters_in_the_right_margin_are_not_the_end_of_a_line() -> None:
    # A seal cut by the page edge: its letters are read onto the ends of the body lines.
    body = [_line((BODY, 250), top=300 + 60 * k) for k in range(12)]
    seal = {4: ("S,", 0.09), 5: ("SỈ", 0.65), 6: ("CF", 0.19)}
    lines = []
    for k, line in enumerate(body):
        if k in seal:
            text, conf = seal[k]
            top = line.box.top
            word = Word(text, Box(2380, top, 2420, top + 40), conf)
            line = Line((*line.words, word), line.box.union(word.box), block=1, par=1)
        lines.append(line)
    sure = _line((BODY, 250), ("12", 2390), top=1040)  # a number read surely stays
    page = analyze_layout(Page(0, (*lines, sure), width=2480, height=3508))
    assert _texts(page)[:12] == [BODY] * 12 and _texts(page)[12] == BODY + " 12"
    assert [r.text for r in page.regions if r.kind == "margin"] == ["S,\nSỈ\nCF"]


def test_receipt_stamp_beside_the_title_is_kept_aside_by_its_frame() -> None:
    h, w = 1400, 2480
    pixels = np.full((h, w), 255, dtype=np.uint8)
    pixels[200:204, 60:600] = pixels[356:360, 60:600] = 0  # the stamp's ruled box
    pixels[200:360, 60:64] = pixels[200:360, 596:600] = 0
    pixels[250:252, 60:600] = 0  # the rule under the receiving office's name
    lines = (
        _line(("CHÍNH PHỦ", 380), ("CỘNG HÒA XÃ HỘI", 1300), top=40),
        _line(("Số: 15/2020/NĐ-CP", 300), ("Hà Nội, ngày 31 tháng 12", 1200), top=100),
        _line(("CỔNG THÔNG TIN", 80), top=205),
        _line(("ĐẾN", 80), ("Giờ: 5", 200, 25), ("NGHỊ ĐỊNH", 800), top=260),
        _line(("Ngày: 04/01", 200, 25), ("Quy định chi tiết Luật Chứng khoán", 620), top=300),
        _line((BODY, 250), top=420),
        _line((BODY, 250), top=480),
    )
    for ln in lines:  # ink where the words are
        for wd in ln.words:
            assert wd.box is not None
            pixels[wd.box.top + 8 : wd.box.bottom - 8, wd.box.left : wd.box.right : 6] = 0
    page = analyze_layout(Page(0, lines, width=w, height=h, dpi=300), pixels)
    regions = {r.kind: r.text for r in page.regions}
    assert regions["title"] == "NGHỊ ĐỊNH\nQuy định chi tiết Luật Chứng khoán"
    stamp = "\n".join(r.text for r in page.regions if r.kind == "stamp")
    assert "ĐẾN" in stamp and "Ngày: 04/01" in stamp and "ĐẾN" not in page.text
    without = analyze_layout(Page(0, lines, width=w, height=h, dpi=300))
    assert "ĐẾN" in without.text  # the frame, not the word alone, tells the stamp


def test_punctuation_close_to_its_word_is_kept_and_a_stray_speck_is_not() -> None:
    words = list(_line(("trưởng nhóm...", 250), ("Số cầm đầu", 620), top=300).words)
    close = Word(").", Box(words[1].box.right - 2, 290, words[1].box.right + 30, 350), 0.0)
    speck = Word("„", Box(1500, 300, 1560, 312), 0.0)  # conf 0.0 is faint, not unknown
    line = Line((*words[:2], close, *words[2:], speck), Box(250, 290, 1560, 350), 1, 1)
    page = analyze_layout(Page(0, (line, _line((BODY, 250), top=360)), width=2480, height=3508))
    assert _texts(page)[0] == "trưởng nhóm... ). Số cầm đầu"


def test_certified_copy_line_is_kept_aside() -> None:
    lines = (
        _line(("SAO Y; Bộ Khoa học và Công nghệ; 07/10/2025 17:23:24", 900), top=80),
        _line((BODY, 250), top=300),
    )
    page = analyze_layout(Page(0, lines, width=2480, height=3508))
    assert _texts(page) == [BODY] and _kinds(page) == ["body", "esign"]
