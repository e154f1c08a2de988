"""Tests for the scan synthesizer (pipeline/workshop/synth.py)."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.errors import ExitCode
from pipeline.workshop import synth

# A short but complete Party plan (Kế hoạch): header columns, title, headings,
# numbered and dashed items, recipients and a signature with a gap.
KE_HOACH = "\n".join(
    [
        "@left",
        "ĐẢNG BỘ TỈNH QUẢNG NGÃI",
        "HUYỆN ỦY SƠN HÀ",
        "*",
        "Số 164-KH/HU",
        "@right",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Sơn Hà, ngày 20 tháng 8 năm 2024",
        "@title",
        "KẾ HOẠCH",
        "tổ chức Tháng hành động vì trẻ em và phòng, chống đuối nước cho trẻ em năm 2024",
        "@body",
        "Thực hiện Chỉ thị số 20-CT/TU ngày 15 tháng 5 năm 2024 của Ban Thường vụ Tỉnh ủy "
        "về tăng cường sự lãnh đạo của Đảng đối với công tác chăm sóc, giáo dục và bảo vệ "
        "trẻ em trong tình hình mới, Ban Thường vụ Huyện ủy xây dựng Kế hoạch thực hiện "
        "như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "- Nâng cao nhận thức, trách nhiệm của cấp ủy, chính quyền, Mặt trận Tổ quốc và các "
        "đoàn thể chính trị - xã hội trong việc bảo đảm quyền trẻ em, phòng ngừa, ngăn chặn "
        "các hành vi xâm hại, bạo lực đối với trẻ em.",
        "- Huy động sự tham gia của gia đình, nhà trường và toàn xã hội vào công tác phòng, "
        "chống tai nạn, thương tích, đặc biệt là đuối nước ở trẻ em; tạo môi trường sống an "
        "toàn, lành mạnh cho trẻ.",
        "II. NHIỆM VỤ VÀ GIẢI PHÁP",
        "Ủy ban nhân dân huyện chỉ đạo Phòng Lao động - Thương binh và Xã hội chủ trì, phối "
        "hợp với Phòng Giáo dục và Đào tạo tổ chức lớp dạy bơi an toàn cho khoảng 500 em học "
        "sinh; kiểm tra, rà soát các điểm có nguy cơ cao gây đuối nước như ao, hồ, sông, suối "
        "để cắm biển cảnh báo.",
        "@recipients",
        "Nơi nhận:",
        "- Ban Thường vụ Tỉnh ủy (b/c),",
        "- Các tổ chức cơ sở đảng,",
        "- Lưu Văn phòng Huyện ủy.",
        "@signature",
        "T/M BAN THƯỜNG VỤ",
        "PHÓ BÍ THƯ",
        "",
        "",
        "",
        "Đinh Thị Hồng Minh",
    ]
)

# A state decision: rule under the body name instead of "*", and articles.
QUYET_DINH = """\
@left
UBND TỈNH QUẢNG NGÃI
SỞ TÀI CHÍNH
Số: 12/2024/QĐ-STC
@right
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Quảng Ngãi, ngày 02 tháng 01 năm 2024
@title
QUYẾT ĐỊNH
Về việc ban hành Quy chế làm việc
@body
Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc của Sở Tài chính.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
@signature
GIÁM ĐỐC

Nguyễn Văn Bình
"""

VIETNAMESE_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"

H, W = 3508, 2480


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def clean_pages() -> list[synth.SynthPage]:
    return synth.render(synth.parse_spec(KE_HOACH))


@pytest.fixture(scope="module")
def sealed_pages() -> list[synth.SynthPage]:
    return synth.synthesize(KE_HOACH, "clean", seed=3, seal=True)


# -- parsing -------------------------------------------------------------------


def test_parse_spec_with_markers() -> None:
    spec = synth.parse_spec(KE_HOACH)
    assert spec.left == ("ĐẢNG BỘ TỈNH QUẢNG NGÃI", "HUYỆN ỦY SƠN HÀ", "*", "Số 164-KH/HU")
    assert spec.right[0] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert spec.title[0] == "KẾ HOẠCH"
    assert spec.body[1] == "I. MỤC ĐÍCH, YÊU CẦU"
    assert spec.recipients[0] == "Nơi nhận:"
    # Blank lines are kept only in the signature, as gaps.
    assert spec.signature == ("T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "", "", "", "Đinh Thị Hồng Minh")


def test_parse_spec_without_markers_is_body_and_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Đảng bộ   huyện\n\n  lãnh đạo \n")
    spec = synth.parse_spec(decomposed)
    assert spec.body == ("Đảng bộ huyện", "lãnh đạo")
    assert all(unicodedata.is_normalized("NFC", line) for line in spec.body)
    assert spec.left == spec.right == spec.title == spec.recipients == spec.signature == ()


def test_text_before_first_marker_counts_as_body() -> None:
    spec = synth.parse_spec("Mở đầu\n@title\nCÔNG VĂN\n@body\nNội dung")
    assert spec.body == ("Mở đầu", "Nội dung")
    assert spec.title == ("CÔNG VĂN",)


# -- rendering -----------------------------------------------------------------


def test_page_geometry_and_read_only(clean_pages: list[synth.SynthPage]) -> None:
    for i, page in enumerate(clean_pages, start=1):
        assert page.index == i
        assert page.dpi == 300
        assert page.pixels.shape == (H, W)
        assert page.pixels.dtype == np.uint8
        assert not page.pixels.flags.writeable
        for kind, (x0, y0, x1, y1) in page.regions:
            assert kind in {
                "header_left",
                "header_right",
                "title",
                "body",
                "recipients",
                "signature",
                "page_number",
                "seal",
            }
            assert 0 <= x0 < x1 <= W and 0 <= y0 < y1 <= H


def test_ground_truth_reading_order(clean_pages: list[synth.SynthPage]) -> None:
    text = "\n".join(p.text for p in clean_pages)
    assert unicodedata.is_normalized("NFC", text)
    flat = _norm(text)
    order = [
        "ĐẢNG BỘ TỈNH QUẢNG NGÃI",
        "HUYỆN ỦY SƠN HÀ",
        "*",
        "Số 164-KH/HU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Sơn Hà, ngày 20 tháng 8 năm 2024",
        "KẾ HOẠCH",
        "tổ chức Tháng hành động",
        "Thực hiện Chỉ thị số 20-CT/TU",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "cắm biển cảnh báo.",
        "Nơi nhận:",
        "- Lưu Văn phòng Huyện ủy.",
        "T/M BAN THƯỜNG VỤ",
        "PHÓ BÍ THƯ",
        "Đinh Thị Hồng Minh",
    ]
    positions = [flat.find(s) for s in order]
    assert all(p >= 0 for p in positions), dict(zip(order, positions, strict=True))
    assert positions == sorted(positions)
    # Every body word is in the truth, in order, and no blank lines are emitted.
    body = _norm(" ".join(t for p in clean_pages for k, t in p.lines if k == "body"))
    assert body == _norm(" ".join(synth.parse_spec(KE_HOACH).body))
    assert all(line.strip() for p in clean_pages for line in p.text.split("\n"))
    assert [line for _, line in clean_pages[0].lines] == clean_pages[0].text.split("\n")


def test_kinds_of_first_page(clean_pages: list[synth.SynthPage]) -> None:
    kinds = [k for k, _ in clean_pages[0].regions]
    assert kinds[:4] == ["header_left", "header_right", "title", "body"]
    all_kinds = {k for p in clean_pages for k, _ in p.regions}
    assert {"recipients", "signature"} <= all_kinds


def test_state_document_renders() -> None:
    pages = synth.render(synth.parse_spec(QUYET_DINH))
    assert len(pages) == 1
    flat = _norm(pages[0].text)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc" in flat
    assert "Điều 1. Ban hành kèm theo" in flat
    assert flat.endswith("GIÁM ĐỐC Nguyễn Văn Bình")


def test_long_body_paginates() -> None:
    paragraphs = [
        f"Đoạn {i}: nội dung kiểm tra việc ngắt trang của văn bản hành chính rất dài."
        for i in range(90)
    ]
    text = (
        "@title\nBÁO CÁO\n@body\n"
        + "\n".join(paragraphs)
        + "\n@signature\nCHỦ TỊCH\n\nTrần Văn C\n"
    )
    pages = synth.render(synth.parse_spec(text))
    assert len(pages) >= 3
    joined = _norm(" ".join(t for p in pages for k, t in p.lines if k == "body"))
    assert joined == _norm(" ".join(paragraphs))
    for page in pages[1:]:
        assert page.text.split("\n")[0] == str(page.index)  # page number, in the truth
        assert "page_number" in dict(page.regions)
        assert "title" not in dict(page.regions)  # no header on later pages
    assert "signature" in dict(pages[-1].regions)


def test_vietnamese_letters_render_as_glyphs() -> None:
    """No .notdef boxes: every letter (also upper case, every style) has its own ink."""
    letters = VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper()
    for style in synth._FONT_FILES:
        face = synth._face(style, 40.0)
        seen = set()
        for ch in letters:
            img = Image.new("L", (80, 90), 255)
            face.draw(ImageDraw.Draw(img), 10, 60, ch)
            ink = np.asarray(img) < 128
            assert ink.any(), (style, ch)
            seen.add(ink.tobytes())
        assert len(seen) == len(letters), style  # all distinct shapes


def test_composed_glyphs_for_fonts_without_vietnamese() -> None:
    """Liberation 1.x lacks ạ, ả, ơ...: the fallback composes them instead of boxes."""
    old = [
        str(p)
        for d in synth._font_dirs()
        if d.is_dir()
        for p in d.rglob("LiberationSerif-Regular.ttf")
        if not synth._covers_vietnamese(str(p))
    ]
    if not old:
        pytest.skip("no Liberation Serif without Vietnamese coverage on this machine")
    face = synth._Face(old[0], 40.0)
    for ch in "ạảấầẩẫậơượữỹỵỶ":
        assert face.missing(ch)
        glyph = face._glyph(ch)
        assert glyph is not None, ch
        base = unicodedata.normalize("NFD", ch)[0]
        assert np.asarray(glyph.mask).astype(bool).sum() > 0
        assert glyph.advance >= face.font.getlength(base)


# -- degradation ---------------------------------------------------------------


def test_profiles_shapes_and_dtypes(clean_pages: list[synth.SynthPage]) -> None:
    page = clean_pages[-1]
    for profile in synth.PROFILES:
        out = synth.degrade(page, profile, seed=5)
        assert out.pixels.dtype == np.uint8
        assert out.pixels.shape[:2] == (H, W)
        assert not out.pixels.flags.writeable
        assert out.text == page.text and out.index == page.index and out.dpi == 300
        assert [k for k, _ in out.regions] == [k for k, _ in page.regions]
        if profile == "photo":
            assert out.pixels.shape == (H, W, 3)
        else:
            assert out.pixels.ndim == 2
        if profile == "fax":
            assert set(np.unique(out.pixels)) <= {0, 255}
        if profile != "clean":
            assert not np.array_equal(out.pixels, page.pixels)
    assert page.pixels is clean_pages[-1].pixels  # input untouched


def test_degrade_is_deterministic(clean_pages: list[synth.SynthPage]) -> None:
    page = clean_pages[-1]
    a = synth.degrade(page, "scan", seed=11)
    b = synth.degrade(page, "scan", seed=11)
    c = synth.degrade(page, "scan", seed=12)
    assert np.array_equal(a.pixels, b.pixels)
    assert a.regions == b.regions
    assert not np.array_equal(a.pixels, c.pixels)


def test_synthesize_is_deterministic_with_seal() -> None:
    a = synth.synthesize(QUYET_DINH, "fax", seed=2, seal=True)
    b = synth.synthesize(QUYET_DINH, "fax", seed=2, seal=True)
    c = synth.synthesize(QUYET_DINH, "fax", seed=3, seal=True)
    assert len(a) == len(b) == 1
    assert np.array_equal(a[0].pixels, b[0].pixels)
    assert not np.array_equal(a[0].pixels, c[0].pixels)


def test_seal_is_red_rgb_and_not_in_truth(
    clean_pages: list[synth.SynthPage], sealed_pages: list[synth.SynthPage]
) -> None:
    assert [p.text for p in sealed_pages] == [p.text for p in clean_pages]
    stamped = [p for p in sealed_pages if "seal" in dict(p.regions)]
    assert len(stamped) == 1
    page = stamped[0]
    assert page.pixels.shape == (H, W, 3)
    x0, y0, x1, y1 = dict(page.regions)["seal"]
    sig = dict(page.regions)["signature"]
    assert x0 < sig[2] and x1 > sig[0] and y0 < sig[3] and y1 > sig[1]  # overlaps the signature
    patch = page.pixels[y0:y1, x0:x1].astype(int)
    red = (patch[..., 0] > 150) & (patch[..., 1] < 150) & (patch[..., 2] < 150)
    assert red.sum() > 2000
    ring = synth.seal_text(synth.parse_spec(KE_HOACH))
    assert ring == "ĐẢNG BỘ TỈNH QUẢNG NGÃI - HUYỆN ỦY SƠN HÀ"
    assert ring not in _norm(page.text)


def test_unknown_profile_raises(clean_pages: list[synth.SynthPage]) -> None:
    with pytest.raises(ValueError, match="clean, scan, fax, photo"):
        synth.degrade(clean_pages[0], "blurry", seed=0)
    with pytest.raises(ValueError, match="valid profiles"):
        synth.synthesize("Nội dung", "xerox")


# -- output --------------------------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]


def test_write_png(tmp_path: Path, clean_pages: list[synth.SynthPage]) -> None:
    paths = synth.write_pages(clean_pages, tmp_path, "kh.clean", "png")
    assert [p.name for p in paths] == [
        name
        for i in range(1, len(clean_pages) + 1)
        for name in (f"kh.clean-p{i}.png", f"kh.clean-p{i}.gt.txt")
    ]
    assert not _leftovers(tmp_path)
    with Image.open(paths[0]) as img:
        assert img.size == (W, H)
        assert tuple(round(v) for v in img.info["dpi"]) == (300, 300)
        assert np.array_equal(np.asarray(img), clean_pages[0].pixels)
    assert paths[1].read_text(encoding="utf-8") == clean_pages[0].text + "\n"


def test_write_tif_multipage(tmp_path: Path, clean_pages: list[synth.SynthPage]) -> None:
    fax = [synth.degrade(p, "fax", seed=1) for p in clean_pages]
    tif, gt = synth.write_pages(fax, tmp_path, "kh.fax", "tif")
    assert (tif.name, gt.name) == ("kh.fax.tif", "kh.fax.gt.txt")
    assert not _leftovers(tmp_path)
    with Image.open(tif) as img:
        assert getattr(img, "n_frames", 1) == len(fax)
        assert img.info.get("compression") == "group4"
        assert tuple(round(v) for v in img.info["dpi"]) == (300, 300)
        img.seek(len(fax) - 1)
        assert np.array_equal(np.asarray(img.convert("L")), fax[-1].pixels)
    assert gt.read_text(encoding="utf-8").split("\f\n") == [p.text + "\n" for p in fax]
    assert tif.stat().st_size < 400_000


def test_write_rejects_unknown_format(tmp_path: Path, clean_pages: list[synth.SynthPage]) -> None:
    with pytest.raises(ValueError, match="png, jpg, tif, pdf"):
        synth.write_pages(clean_pages, tmp_path, "x", "bmp")


def test_main_writes_and_prints(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "qd.txt"
    src.write_text(QUYET_DINH, encoding="utf-8")
    out = tmp_path / "out"
    assert synth.main([str(src), "-o", str(out), "--format", "pdf", "--seed", "4"]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(out / "qd.clean.pdf"), str(out / "qd.clean.gt.txt")]
    assert (out / "qd.clean.pdf").read_bytes().startswith(b"%PDF")


def test_the_command_names_a_bad_output_folder_or_source_in_one_line(tmp_path: Path) -> None:
    """`vnocr synth -o FILE`: exit 5 (an output problem, as `vnocr run -o FILE`) before any
    rendering; an unreadable source: exit 2 (an input problem); a font size PIL cannot
    draw: exit 1 (bad arguments); no traceback in any case."""
    import subprocess
    import sys

    src = tmp_path / "qd.txt"
    src.write_text(QUYET_DINH, encoding="utf-8")
    existing = tmp_path / "a-file"
    existing.write_text("kept", encoding="utf-8")
    cases = [
        ([str(src), "-o", str(existing)], ExitCode.output_error, "is a file, not a folder"),
        ([str(tmp_path / "nope.txt"), "-o", str(tmp_path / "o")], ExitCode.input_file, "nope"),
    ]
    for size in ("0", "nan", "1e9"):  # PIL's errors, before: exit 15
        args = [str(src), "-o", str(tmp_path / "o"), "--font-size", size]
        cases.append((args, ExitCode.bad_args, "expected points over 4"))
    for args, code, said in cases:
        proc = subprocess.run(
            [sys.executable, "-m", "pipeline", "synth", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == code, proc.stderr
        assert said in proc.stderr and "Traceback" not in proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert said in lines[-1] and (code == ExitCode.bad_args or len(lines) == 1), lines
    assert existing.read_text(encoding="utf-8") == "kept"
    assert not (tmp_path / "o").exists()


# -- OCR quality -----------------------------------------------------------------


@pytest.mark.tesseract
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_clean_body_cer_with_tesseract(clean_pages: list[synth.SynthPage]) -> None:
    pytesseract = pytest.importorskip("pytesseract")
    if "vie" not in pytesseract.get_languages(config=""):
        pytest.skip("tesseract has no 'vie' traineddata")
    levenshtein = pytest.importorskip("rapidfuzz.distance").Levenshtein
    page = clean_pages[0]
    x0, y0, x1, y1 = dict(page.regions)["body"]
    crop = Image.fromarray(np.asarray(page.pixels)).crop((x0 - 15, y0 - 15, x1 + 15, y1 + 15))
    ocr = _norm(pytesseract.image_to_string(crop, lang="vie", config="--psm 6"))
    truth = _norm(" ".join(line for kind, line in page.lines if kind == "body"))
    cer = levenshtein.distance(ocr, truth) / len(truth)
    assert cer < 0.01, (cer, ocr)
