"""Page furniture of real signed scans (issue 13): stamp frames found from the ink, a
seal that does not turn a page, header fields read by hand left empty and said so, a
signature title garbled by a seal given only in a known form."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from ocrlines import ocr_line

from pipeline.document import Line
from pipeline.io import load_page
from pipeline.preprocess import preprocess
from pipeline.preprocess.frames import hollow_rectangles, ruling
from pipeline.structure import parse
from pipeline.structure.closing import known_position, parse_closing
from pipeline.structure.lines import SrcLine
from pipeline.titleforms import repair_title, title_form

SCANNED2 = Path(__file__).resolve().parent.parent.parent / "shared" / "real" / "scanned2"


def _stamp_sheet() -> np.ndarray:
    """Ink mask: a stamp frame with words inside, an arrow running into its left side, a
    seal ring, a rule and a line of letters."""
    ink = np.zeros((600, 900), np.uint8)
    cv2.rectangle(ink, (100, 100), (380, 220), 255, 2)
    cv2.putText(ink, "DEN  Gio: C", (120, 170), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 255, 2)
    cv2.line(ink, (40, 260), (110, 150), 255, 3)  # an arrow stamp's shaft into the frame
    cv2.circle(ink, (650, 300), 120, 255, 3)  # a seal's ring
    cv2.line(ink, (100, 500), (800, 500), 255, 2)  # a rule
    cv2.putText(ink, "Noi nhan", (450, 560), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 255, 2)
    return ink


def test_stamp_frame_is_found_and_the_ring_is_not() -> None:
    ink = _stamp_sheet()
    size = ((150, 500), (60, 250))
    found = hollow_rectangles(ruling(ink, 30), *size)
    assert [(f.left // 10, f.top // 10) for f in found] == [(9, 9)]
    assert hollow_rectangles(np.zeros_like(ink), *size) == []


def test_unreadable_handwritten_number_and_date_are_said_so() -> None:
    text = (
        "BỘ TÀI CHÍNH\nSố: (555 /BTC-PTHT\nV/v Công khai danh sách\nI gửi\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Hà Nội, ngày ói tháng Áônăm 2025\nO\n\n"
        "Thực hiện chỉ đạo tại Quyết định số 1544/QĐ-TTg ngày 16/7/2025.\n"
    )
    h = parse(text).header
    assert h is not None
    assert (h.issuer, h.symbol, h.number, h.place, h.date) == (
        "BỘ TÀI CHÍNH",
        "/BTC-PTHT",
        "",
        "Hà Nội",
        "",
    )
    assert h.unreadable == ("number", "date")
    assert h.subject == "Công khai danh sách"


def test_a_continuation_page_takes_no_header_from_a_citation() -> None:
    text = (
        "2. Bộ trưởng chịu trách nhiệm thi hành Quyết định này.\n"
        "Quyết định số 239/QĐ-TTg ngày 01 tháng 02 năm 2015 của Thủ tướng Chính phủ\n"
        "xây dựng dự toán chi phí, ngày 05 tháng 10 năm 2025\n"
    )
    h = parse(text).header
    assert h is None or (h.symbol, h.place, h.date) == ("", "", "")


@pytest.mark.parametrize(
    ("read", "on_behalf", "want"),
    [
        ("TPEI( TRƯỞNG", ["KT. BỘ TRƯỞNG"], "THỨ TRƯỞNG"),
        ("^>`PHO CHỦ NHIỆM N", ["KT. BỘ TRƯỞNG, CHỦ NHIỆM"], "PHÓ CHỦ NHIỆM"),
        ("Ý", [], ""),
        ("CHỦ NHIỆM E", [], "CHỦ NHIỆM"),
        ("GIÁM ĐỐC SỞ", [], "GIÁM ĐỐC SỞ"),
        ("TƯỚNG TƯỚNG", [], ""),
    ],
)
def test_signature_title_only_in_a_known_form(read: str, on_behalf: list[str], want: str) -> None:
    assert known_position(read, on_behalf) == want


def test_kt_line_with_two_titles_stays_whole() -> None:
    text = "Nơi nhận:\n- Lưu: VT.\n\nKT. BỘ TRƯỞNG, CHỦ NHIỆM\nPHÓ CHỦ NHIỆM\n\nNguyễn Sỹ Hiệp\n"
    sig = parse(text).signature
    assert sig is not None
    assert (sig.on_behalf, sig.position, sig.name) == (
        ("KT. BỘ TRƯỞNG, CHỦ NHIỆM",),
        "PHÓ CHỦ NHIỆM",
        "Nguyễn Sỹ Hiệp",
    )


@pytest.mark.skipif(not SCANNED2.exists(), reason="../shared/real/scanned2 is not there")
def test_half_empty_page_with_a_seal_is_not_turned() -> None:
    """A last page with a few lines, a large black seal and a signature: the ink as a
    whole reads 'upside down' (up score -0.41), its letters do not."""
    page = load_page(SCANNED2 / "vgp-cp-323-nq-2025_last.pdf", 0)
    stages = {s.stage: s for s in preprocess(page).stages}
    assert stages["orientation"].detail["angle"] == 0


@pytest.mark.skipif(not SCANNED2.exists(), reason="../shared/real/scanned2 is not there")
@pytest.mark.parametrize(
    ("name", "quarters"),
    [
        # upside down, its lines less sharp than the all-ink test for a quarter turn
        # wanted (a table-like header and a stamp): it was left upside down
        ("vgp-cp-323-nq-2025_p1", 2),
        # on its side: all the ink voted up/down too weakly (a big seal and signature)
        # and the page was turned the wrong way round; its letters vote clearly
        ("vgp-btc-15557-cv-2025_last", 1),
        ("vgp-ubqgnct-143-qd-2025_p1", 2),
    ],
)
def test_a_real_page_turned_is_brought_upright(name: str, quarters: int) -> None:
    page = load_page(SCANNED2 / f"{name}.pdf", 0)
    turned = replace(page, pixels=np.ascontiguousarray(np.rot90(page.pixels, -quarters)))
    stages = {s.stage: s for s in preprocess(turned).stages}
    assert (90 * quarters + stages["orientation"].detail["angle"]) % 360 == 0


@pytest.mark.skipif(not SCANNED2.exists(), reason="../shared/real/scanned2 is not there")
def test_a_seal_sized_ruled_box_is_a_stamp_not_a_seal() -> None:
    """The inner box of a receipt stamp (ĐẾN, Giờ, Ngày) and a tilted HỎA TỐC arrow are
    as big and hollow as a seal; they were taken for seals (an empty seal region)."""
    from pipeline.layout.marks import seals_and_boxes
    from pipeline.layout.pageink import PageInk

    for name, (x, y) in (
        ("vgp-cp-323-nq-2025_p1", (2250, 980)),
        ("vgp-ttg-186-cd-2025_p1", (380, 990)),
    ):
        image = preprocess(load_page(SCANNED2 / f"{name}.pdf", 0)).image
        seals, boxes = seals_and_boxes(PageInk(image.pixels), image.dpi, 45.0)
        assert not any(b.left <= x <= b.right and b.top <= y <= b.bottom for b in seals)
        assert any(b.left <= x <= b.right and b.top <= y <= b.bottom for b in boxes)
    image = preprocess(load_page(SCANNED2 / "vgp-vpcp-536-tb-2025_last.pdf", 0)).image
    seals, _ = seals_and_boxes(PageInk(image.pixels), image.dpi, 45.0)
    assert any(b.left <= 1600 <= b.right and b.top <= 2700 <= b.bottom for b in seals)


@pytest.mark.skipif(not SCANNED2.exists(), reason="../shared/real/scanned2 is not there")
def test_receipt_stamp_frame_found_on_a_real_scan() -> None:
    from pipeline.document import Box, Word
    from pipeline.layout.marks import _drawn_frames
    from pipeline.layout.pageink import PageInk

    image = preprocess(load_page(SCANNED2 / "vgp-vpcp-536-tb-2025_p1.pdf", 0)).image
    inside = Word("ĐÊN", Box(200, 900, 300, 950), 0.3)  # any word inside the stamp
    frames = _drawn_frames([Line((inside,), inside.box)], PageInk(image.pixels), 40.0)
    assert len(frames) == 1
    f = frames[0]
    assert 500 <= f.right - f.left <= 620 and 200 <= f.bottom - f.top <= 280


@pytest.mark.skipif(not SCANNED2.exists(), reason="../shared/real/scanned2 is not there")
def test_stamp_frames_are_measured_on_the_pixels_as_they_are_now() -> None:
    """Stamp frames come from the PageInk the caller gives (recognize_page shares one
    between the second reading and the layout), never from a memory of earlier pixels:
    the same array whitened in place has no stamp any more. A cache keyed on the
    array's identity answered with the frame it had found before."""
    from pipeline.document import Box, Word
    from pipeline.layout.marks import stamp_frames
    from pipeline.layout.pageink import PageInk

    image = preprocess(load_page(SCANNED2 / "vgp-vpcp-536-tb-2025_p1.pdf", 0)).image
    pixels = image.pixels.copy()  # a PageImage's own pixels are read-only
    inside = Word("ĐÊN", Box(200, 900, 300, 950), 0.3)  # a word inside the stamp
    lines = [Line((inside,), inside.box)]
    ink = PageInk(pixels)
    assert stamp_frames(lines, ink, 40.0) == [Box(94, 790, 660, 1042)]
    assert ink.frame_candidates(40.0) is ink.frame_candidates(40.0)  # measured once
    pixels[700:1150, 0:760] = 255
    assert stamp_frames(lines, PageInk(pixels), 40.0) == []


def test_page_quality_is_known_share_times_mean_confidence() -> None:
    from pipeline.correct import get_corrector
    from pipeline.document import Box, Page, Word
    from pipeline.quality import page_quality

    box = Box(0, 0, 10, 10)
    words = [Word("tăng", box, 0.9), Word("cường", box, 0.7), Word("xqzw", box, 0.2)]
    page = Page(index=0, width=100, height=100, lines=(Line(tuple(words), box),))
    q = page_quality(page, get_corrector().lex, {"retry.shares": [0.5, 0.6]})
    assert (round(q.known_share, 3), round(q.mean_conf, 3), q.retried, q.words) == (
        0.667,
        0.6,
        True,
        3,
    )
    assert q.score == 0.4


def test_unreadable_page_is_flagged_and_fails_under_min_quality(tmp_path: Path) -> None:
    """A blurred low-resolution page (a bad phone photo) reads as text all the same: its
    quality estimate is recorded, and with --min-quality the document fails, its outputs
    written; a clean page passes the same bar."""
    import json

    from pipeline.batch import BatchConfig, run_batch

    src = Path(__file__).resolve().parent.parent / "samples" / "cong-van-so.fax.tif"
    page = load_page(src, 0).pixels
    top = page[: page.shape[0] // 3]
    blurred = cv2.GaussianBlur(cv2.resize(page, None, fx=0.3, fy=0.3), (0, 0), 2.0)
    cv2.imwrite(str(tmp_path / "clean.png"), top)
    cv2.imwrite(str(tmp_path / "blurred.png"), blurred)
    out = tmp_path / "out"
    result = run_batch(
        [tmp_path / "clean.png", tmp_path / "blurred.png"], out, BatchConfig(min_quality=0.75)
    )
    by_name = {f.name: f for f in result.files}
    assert by_name["clean.png"].status == "done" and by_name["clean.png"].quality > 0.85
    bad = by_name["blurred.png"]
    assert bad.status == "failed" and "quality" in bad.error and "--min-quality" in bad.error
    assert (out / "blurred.txt").exists()  # written all the same, to look at
    doc = json.loads((out / "blurred.json").read_text(encoding="utf-8"))
    step = next(s for s in doc["steps"] if s["stage"] == "quality")
    assert step["settings"]["low"] == [0] and step["settings"]["pages"][0]["score"] < 0.6
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert {r["name"]: r["quality"] for r in summary["results"]}["clean.png"] > 0.85


@pytest.mark.parametrize("seed", range(4))
def test_shadow_band_is_not_taken_for_the_sheet_edge(seed: int) -> None:
    """A phone photo of a sheet filling the frame with a hard shadow along one side: the
    lit part is not the sheet (cropping to it cut the first letters of every line); a
    sheet photographed on a desk still has its outline found."""
    from pipeline.preprocess import page as sheet
    from pipeline.workshop import synth
    from pipeline.workshop.degrade import shadow

    spec = "@body\n" + "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015. " * 30
    clean = synth.synthesize(spec, "clean", seed=seed)[0]
    photo = synth.synthesize(spec, "photo", seed=seed)[0]
    shaded = shadow(clean.pixels, seed, clean.dpi)
    assert sheet.find_page_quad(shaded) is None
    gray = cv2.cvtColor(photo.pixels, cv2.COLOR_RGB2GRAY)
    assert sheet.find_page_quad(gray) is not None


def test_fax_streak_goes_and_the_letters_it_crosses_stay() -> None:
    """A black scan line across the whole page, through a line of text: removed pixel by
    pixel, with the strokes it crosses bridged; a table rule inside the margins stays."""
    from pipeline.preprocess import streaks

    gray = np.full((400, 1200), 255, np.uint8)
    cv2.putText(gray, "HIGH LINE", (100, 200), cv2.FONT_HERSHEY_SIMPLEX, 3.0, 0, 8)
    cv2.line(gray, (150, 330), (1050, 330), 0, 2)  # a rule within the margins
    clean = gray.copy()
    gray[170:172] = 0  # the streak, through the letters
    mask = streaks.streak_mask(gray < 128)
    assert mask[170:172].mean() > 0.9 and not mask[320:340].any()
    fixed = streaks.remove(gray, mask, 255)
    # the paper of the streak row is paper again; the glyphs crossing it are whole
    assert ((fixed[170:172] < 128) == (clean[170:172] < 128)).mean() > 0.97
    assert (fixed[320:340] == clean[320:340]).all()


@pytest.mark.parametrize(
    ("number", "date", "want"),
    [
        # pen figures in the blanks (as Tesseract read the real scans)
        (
            "Số:@0.96 | (555@0.66 | /BTC-PTHT@0.90",
            "ngày@0.93 | ÓÏ@0.52 | tháng@0.93 | Áônăm@0.53 | 2025@0.95",
            ("number", "date"),
        ),
        (
            "Số:525@0.56 | /NQ-CP@0.91",
            "ngày@0.85 | 42@0.79 | tháng@0.96 | 10@0.96 | năm@0.96 | 2025@0.96",
            ("number", "date"),
        ),
        # printed: the number is one token with its symbol, the date reads surely
        (
            "Số:@0.93 | 186/CĐ-TTg@0.53",
            "ngày@0.96 | 04@0.95 | tháng@0.96 | 10@0.95 | năm@0.94 | 2025@0.92",
            (),
        ),
        # left blank: nothing was written in
        ("Số:@0.96 | /2025/TT-BTC@0.9", "ngày@0.96 | tháng@0.96 | năm@0.96 | 2025@0.96", ()),
    ],
)
def test_header_says_which_fields_were_written_by_hand(
    number: str, date: str, want: tuple[str, ...]
) -> None:
    from pipeline.document import Document, Page

    lines = (
        ocr_line("BỘ@0.96 | TÀI@0.96 | CHÍNH@0.96", 100),
        ocr_line(number, 200),
        ocr_line("Hà@0.96 | Nội,@0.96 | " + date, 300),
        ocr_line("V/v@0.9 | Công@0.96 | khai@0.96", 400),
    )
    lines = tuple(replace(ln, block=k) for k, ln in enumerate(lines))
    doc = parse(Document("scan.pdf", (Page(0, lines, 2000, 3000),)))
    assert doc.header is not None
    assert doc.header.handwritten == want
    again = Document.from_dict(json.loads(json.dumps(doc.to_dict())))
    assert again.header == doc.header


def test_a_header_saved_before_handwritten_existed_still_loads() -> None:
    from pipeline.document import Document

    data = Document("a.pdf", (), header=parse("BỘ TÀI CHÍNH\nSố: 12/BTC\n").header).to_dict()
    del data["header"]["handwritten"]
    header = Document.from_dict(data).header
    assert header is not None and header.handwritten == () and header.symbol == "12/BTC"
    assert parse("BỘ TÀI CHÍNH\nSố: (555 /BTC-PTHT\n").header.handwritten == ()  # text only


def _seal_sheet(with_seal: bool) -> np.ndarray:
    """Ink mask of a signature block: title and name lines in text size, a pen stroke
    across, and (``with_seal``) a seal's two rings printed over them, joined to it all."""
    ink = np.zeros((1400, 1600), np.uint8)
    for y, text in ((300, "KT. THU TUONG"), (370, "PHO THU TUONG"), (800, "Tran Hong Ha")):
        cv2.putText(ink, text, (620, y), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 255, 4)
    for y in range(100, 1300, 60):  # a page of body text round it
        cv2.putText(ink, "ve viec ban hanh quy che", (60, y), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 255, 3)
    cv2.line(ink, (500, 620), (1500, 520), 255, 5)  # the signer's stroke
    if with_seal:
        cv2.circle(ink, (620, 560), 230, 255, 12)
        cv2.circle(ink, (620, 560), 160, 255, 6)
    return ink


def test_seal_ring_is_found_through_the_text_and_strokes_joined_to_it() -> None:
    from pipeline.preprocess.rings import seal_rings

    rings = seal_rings(_seal_sheet(True), 45.0)
    assert len(rings) == 1
    r = rings[0]
    assert abs(r.x - 620) <= 10 and abs(r.y - 560) <= 10 and abs(r.r - 230) <= 12  # outer ring
    assert seal_rings(_seal_sheet(False), 45.0) == []  # text and strokes make no ring


def test_seal_band_near_a_signature_holds_rings_the_search_accepts() -> None:
    """The second reading looks for a signature block's seal within a band sized for
    rings up to FULL_RING_RADIUS: a radius the ring search itself accepts."""
    from pipeline.layout.reread import FULL_RING_RADIUS
    from pipeline.preprocess.rings import RADIUS_LINES

    assert RADIUS_LINES[0] <= FULL_RING_RADIUS <= RADIUS_LINES[1]


def test_erasing_a_ring_paints_out_its_band_and_nothing_beyond() -> None:
    from pipeline.preprocess.rings import Ring, erase_ring

    gray = 255 - _seal_sheet(True)  # black ink on white
    patch = gray[700:900, 300:1000]  # the ring's bottom arc, the name row, body text below
    before = patch.copy()
    out = erase_ring(patch, Ring(620, 560, 230), 300, 700)
    assert (patch == before).all()  # a copy is painted, not the page
    assert (before[84:96, 310:330] < 128).any()  # the outer ring's bottom arc (y 784-796)
    assert not (out[84:96, 310:330] < 128).any()
    # rows more than 1.08 radii from the centre (the body line at y 880) are as they were
    assert (out[160:] == before[160:]).all() and (before[160:] < 128).any()


def test_of_two_readings_of_a_signature_row_the_fuller_is_kept() -> None:
    from pipeline.document import Word
    from pipeline.layout.reread import more_signature

    def words(text: str) -> list[Word]:
        return [Word(t, None, 0.9) for t in text.split()]

    first, again = words('_“"*#[ê Thành Long'), words("Lê Thành Long")
    assert more_signature(first, again) is again
    assert more_signature(again, first) is again
    assert more_signature(first, words("xzư [hành Long")) is first  # fewer: kept the first
    same = words("Lê Thành Long")
    assert more_signature(again, same) is again  # a tie keeps the first


@pytest.mark.parametrize(
    ("block", "want"),
    [
        # the KT. line hidden by the seal: the title printed twice is KT. X / PHÓ X
        ("TƯỚNG\nTƯỞNG\n\nTrần Hồng Hà", (("KT. THỦ TƯỚNG",), "PHÓ THỦ TƯỚNG", "Trần Hồng Hà")),
        (
            "THỦ TƯỚNG\nTHỦ TƯỚNG\n\nSư Go Trần Hồng Hà",
            (("KT. THỦ TƯỚNG",), "PHÓ THỦ TƯỚNG", "Trần Hồng Hà"),
        ),
        # junk before the title: no KT. line is made up, the deputy's title still holds
        ("F NG CHỦ NHIỆM\nNHIỆM\n\nMai Thị Thu Vân", ((), "PHÓ CHỦ NHIỆM", "Mai Thị Thu Vân")),
        # the first title is the signer's; the one above the name is his rank
        ("CHỦ TỊCH\n\nPHÓ THỦ TƯỚNG\nLê Thành Long", ((), "CHỦ TỊCH", "Lê Thành Long")),
        ("TỊCH\n\nTƯỚNG\nLê Thành Long", ((), "CHỦ TỊCH", "Lê Thành Long")),
        # a family name read with a wrong mark, and "Nguyên" for "Nguyễn"
        (
            "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\n\nĐó Thành Trung",
            (("KT. BỘ TRƯỞNG",), "THỨ TRƯỞNG", "Đỗ Thành Trung"),
        ),
        ("CHỦ TỊCH\n\nNguyên Văn An", ((), "CHỦ TỊCH", "Nguyễn Văn An")),
        # a name not starting with a family name is left as read
        ("CHỦ TỊCH\n\nKsor Phước Hà", ((), "CHỦ TỊCH", "Ksor Phước Hà")),
    ],
)
def test_signature_block_read_through_a_seal(block: str, want: tuple) -> None:
    sig = parse("Nơi nhận:\n- Lưu: VT.\n\n" + block + "\n").signature
    assert sig is not None
    assert (sig.on_behalf, sig.position, sig.name) == want


def test_title_a_seal_garbled_at_the_end_of_a_recipient_line_is_the_signature() -> None:
    text = (
        "Nơi nhận: KT. BỘ TRƯỞNG\n- Như trên (theo danh sách); TPEI( TRƯỞNG\n"
        "- UBND các tỉnh, TP. HCM;\n- Lưu: VT.\n\nĐỗ Thành Trung\n"
    )
    doc = parse(text)
    assert doc.signature is not None
    assert (doc.signature.position, doc.signature.name) == ("THỨ TRƯỞNG", "Đỗ Thành Trung")
    assert doc.recipients == ("Như trên (theo danh sách)", "UBND các tỉnh, TP. HCM", "Lưu: VT")


@pytest.mark.slow
@pytest.mark.skipif(not SCANNED2.exists(), reason="../shared/real/scanned2 is not there")
def test_signature_under_a_black_seal_is_read_again_through_the_ring() -> None:
    """A tune page of scanned2: the seal joins the title, the signer's strokes and the
    name into one blot; the first reading gets "IỦ TƯỚNG", '"ƯỚNG' and "Hà"."""
    from pipeline.process import PipelineConfig, assemble, recognize_page

    image = load_page(SCANNED2 / "vgp-ttg-2243-qd-2025_last.pdf", 0)
    page, _ = recognize_page(image, PipelineConfig())
    sig = assemble("p.pdf", [page], PipelineConfig()).signature
    assert sig is not None
    assert (sig.on_behalf, sig.position, sig.name) == (
        ("KT. THỦ TƯỚNG",),
        "PHÓ THỦ TƯỚNG",
        "Trần Hồng Hà",
    )


def test_markdown_says_which_header_values_to_check_on_the_scan() -> None:
    from pipeline.markdown import to_markdown

    doc = parse(
        "BỘ TÀI CHÍNH\nSố: (555 /BTC-PTHT\nHà Nội, ngày ói tháng Áônăm 2025\n\nThực hiện.\n"
    )
    assert doc.header is not None
    doc = replace(doc, header=replace(doc.header, handwritten=("number",)))
    md = to_markdown(doc)
    assert "| Số, ký hiệu | /BTC-PTHT (số viết tay, không đọc được) |" in md
    assert "| Địa danh, ngày | Hà Nội (ngày không đọc được) |" in md
    assert "viết tay" not in to_markdown(parse("BỘ TÀI CHÍNH\nSố: 12/BTC\n\nThực hiện.\n"))


def test_a_body_name_going_on_with_ve_on_its_next_line_is_one_issuer() -> None:
    h = parse("ỦY BAN QUỐC GIA\nVỀ NGƯỜI CAO TUỔI VIỆT NAM\nSố: 143/QĐ-UBQGNCT\n").header
    assert h is not None
    assert (h.parent_issuer, h.issuer) == ("", "ỦY BAN QUỐC GIA VỀ NGƯỜI CAO TUỔI VIỆT NAM")
    h = parse("BỘ TÀI CHÍNH\nVỤ PHÁP CHẾ\nSố: 1/VPC\n").header  # two bodies stay two
    assert h is not None and (h.parent_issuer, h.issuer) == ("BỘ TÀI CHÍNH", "VỤ PHÁP CHẾ")


@pytest.mark.parametrize(
    ("block", "want", "position"),
    [
        # readings of title rows under a black seal (bench/seal_bench.py, tuning seeds)
        ("KT CỤC TRƯỞNG\nPHÓ CỤC TRƯỞNG\n\nChu Đức Thủy", ("KT. CỤC TRƯỞNG",), "PHÓ CỤC TRƯỞNG"),
        ("TM. ỦY BAN ÂN ÂN\nCHỦ TỊCH\n\nLục Hữu Mạnh Đạt", ("TM. ỦY BAN NHÂN DÂN",), "CHỦ TỊCH"),
        ("“TM BARNHƯỜNG VỤ\nBÍ THƯ\n\nHuỳnh Thị Dũng", ("TM. BAN THƯỜNG VỤ",), "BÍ THƯ"),
        ("T/M BAN THUONG VU\nBÍ THƯ\n\nHuỳnh Thị Dũng", ("T/M BAN THƯỜNG VỤ",), "BÍ THƯ"),
        ("KT:-BÕỘ2YRƯỞNG\nZG THỪ TRƯỞNG\n\nTạ Thanh Khải", ("KT. BỘ TRƯỞNG",), "THỨ TRƯỞNG"),
        ("GIÁM ĐỐC\n“Ôn PHÓ GIÁM ĐỐC\n\nĐoàn Quốc Thắng", ("KT. GIÁM ĐỐC",), "PHÓ GIÁM ĐỐC"),
        # the KT. line read as the end of the title alone, the PHÓ under the ring
        ("TRƯỞNG\nÍl©í CỤCWRƯỞNG\n\nQuách Xuân Kim Nam", ("KT. CỤC TRƯỞNG",), "PHÓ CỤC TRƯỞNG"),
        # a deputy's title takes no marker: "TK T.H( TRƯỞNG" (15557_p1) is THỨ TRƯỞNG
        ("KT. BỘ TRƯỞNG\nTK T.H( TRƯỞNG\n\nĐỗ Thành Trung", ("KT. BỘ TRƯỞNG",), "THỨ TRƯỞNG"),
        # a line that is a title as printed keeps what follows its title
        ("GIÁM ĐỐC SỞ\n\nNguyễn Văn An", (), "GIÁM ĐỐC SỞ"),
        ("TM. THƯỜNG TRỰC ỦY BAN\nCHỦ NHIỆM\n\nNguyễn Đắc Vinh", ("TM. THƯỜNG TRỰC ỦY BAN",), "CHỦ NHIỆM"),
    ],
)
def test_signature_title_read_through_a_seal_is_set_right(
    block: str, want: tuple[str, ...], position: str
) -> None:
    # as layout gives them: the signature block's lines in the right column
    lines = [SrcLine("Nơi nhận:", column="left"), SrcLine("- Lưu: VT.", column="left")]
    lines += [SrcLine(t, line=k, column="right") for k, t in enumerate(block.split("\n")) if t]
    sig = parse_closing(lines, 0).signature
    assert sig is not None
    assert (sig.on_behalf, sig.position) == (want, position)


@pytest.mark.parametrize(
    "read",
    [
        "BA ÂN ÂN",  # too little of "TM. ỦY BAN NHÂN DÂN" read
        "ỦY BAN NHÂN DÂN",  # no marker read: none is added
        "VẦN PHÒNG",  # the end of CHÁNH VĂN PHÒNG
        "T.C ữ TỊCH",  # KT./TL./Q. CHỦ TỊCH alike: the marker is not guessed
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "QUYẾT ĐỊNH",
        "Theo đề nghị của Chánh Văn phòng",
    ],
)
def test_no_title_form_is_made_up(read: str) -> None:
    assert title_form(read) in ("", "CHỦ TỊCH")
    assert not repair_title(read).startswith(("TM.", "KT.", "TL.", "Q."))
