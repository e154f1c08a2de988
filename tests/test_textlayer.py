"""Born-digital PDFs read from their own text layer: Unicode, TCVN3 and VNI layers made
here (our own text, a simple font with WinAnsi codes, as old Word files were printed to
PDF), a mark-less hidden OCR layer refused, and the real born-digital pages of ../shared."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from pdftext import page_content, pdftotext, word_recall

from pipeline.document import Document
from pipeline.process import PipelineConfig, ocr_file
from pipeline.sources import TCVN3, VNI
from pipeline.textlayer import read_layer

SHARED = Path(__file__).resolve().parents[2] / "shared" / "real"

LINES = [
    "ủy ban nhân dân tỉnh quảng nam",
    "về việc tăng cường công tác phòng chống thiên tai",
    "các sở ban ngành và ủy ban nhân dân các huyện thị xã",
    "triển khai thực hiện nghiêm túc nội dung chỉ thị này",
    "báo cáo kết quả về văn phòng trước ngày mười lăm",
]
_TO_TCVN3 = {uni: chr(code) for code, uni in TCVN3.items()}
_TO_VNI = {uni: spelling for spelling, uni in VNI.items()}


def tcvn3(text: str) -> str:
    """Our text as a TCVN3 font shows it (Latin-1 characters standing for its bytes)."""
    return "".join(_TO_TCVN3.get(ch, ch) for ch in text)


def vni(text: str) -> str:
    """Our text in VNI spelling (base letter + mark codes)."""
    return "".join(_TO_VNI.get(ch, ch) for ch in text)


def make_pdf(path: Path, lines: list[str], font: str) -> Path:
    """A one-page A4 PDF whose text is ``lines`` (Latin-1 codes, WinAnsi) in font ``font``."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor,
        FontName=pikepdf.Name("/" + font),
        Flags=32,
        FontBBox=[0, -200, 1000, 900],
        ItalicAngle=0,
        Ascent=900,
        Descent=-200,
        CapHeight=700,
        StemV=80,
    )
    font_obj = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.TrueType,
        BaseFont=pikepdf.Name("/" + font),
        FirstChar=32,
        LastChar=255,
        Widths=[500] * 224,
        Encoding=pikepdf.Name.WinAnsiEncoding,
        FontDescriptor=pdf.make_indirect(descriptor),
    )
    key = page.add_resource(pdf.make_indirect(font_obj), pikepdf.Name.Font, prefix="F")
    ops = [f"BT {key} 12 Tf 16 TL 72 760 Td"]
    for line in lines:
        data = line.encode("latin-1")
        escaped = data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append(f"({escaped.decode('latin-1')}) Tj T*")
    ops.append("ET")
    page.contents_add(pikepdf.Stream(pdf, "\n".join(ops).encode("latin-1")))
    buf = io.BytesIO()
    pdf.save(buf)
    path.write_bytes(buf.getvalue())
    return path


def text_only() -> PipelineConfig:
    """No correction or structure: what the layer gave is what the text holds."""
    return PipelineConfig(correct=False, structure=False)


@pytest.mark.parametrize(
    ("font", "encode", "encoding"),
    [
        (".VnTime", tcvn3, "TCVN3"),
        ("VNI-Times", vni, "VNI"),
        ("ArialMT", tcvn3, "TCVN3"),  # no telling font: the mojibake itself is recognised
    ],
)
def test_layers_in_each_encoding_are_decoded(tmp_path: Path, font, encode, encoding) -> None:
    lines = [encode(ln) for ln in LINES]
    path = make_pdf(tmp_path / "a.pdf", lines, font)
    layer = read_layer(path, 0)
    assert layer is not None and layer.encoding == encoding
    assert [ln.text for ln in layer.page.lines] == LINES
    doc = ocr_file(path, text_only())
    assert doc.text.split() == " ".join(LINES).split()
    (step,) = [s for s in doc.steps if s.stage == "textlayer"]
    assert step.settings["pages"][0]["source"] == "text"
    assert step.settings["pages"][0]["layer_encoding"] == encoding


@pytest.mark.parametrize(("font", "encode"), [(".VnTime", tcvn3), ("VNI-Times", vni)])
def test_searchable_pdf_of_a_legacy_layer_gives_the_decoded_words(
    tmp_path: Path, font, encode
) -> None:
    """A TCVN3/VNI layer extracts as mojibake; NAME.pdf lays the decoded words over it, so
    search and copy give NAME.txt's words."""
    import pipeline

    path = make_pdf(tmp_path / "a.pdf", [encode(ln) for ln in LINES], font)
    doc = ocr_file(path, text_only())
    out = pipeline.write(doc, "pdf", tmp_path / "out.pdf", source=path)
    assert "tăng" not in pdftotext(path.read_bytes()).split()  # the input's own layer: mojibake
    assert word_recall(doc.text, pdftotext(out.read_bytes())) == 1.0


def test_capital_font_of_tcvn3_gives_capitals(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "h.pdf", [tcvn3(ln) for ln in LINES], ".VnTimeH")
    layer = read_layer(path, 0)
    assert layer is not None
    assert layer.page.lines[0].text == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM"


def test_word_boxes_are_pixels_of_the_rendered_page(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "a.pdf", [tcvn3(ln) for ln in LINES], ".VnTime")
    layer = read_layer(path, 0)
    assert layer is not None
    page = layer.page
    assert (page.width, page.height) == (round(595 * 300 / 72), round(842 * 300 / 72))
    first = page.lines[0].words[0]  # drawn at x = 72 pt, baseline 760 pt, 12 pt high
    assert first.box is not None
    assert abs(first.box.left - 300) <= 3
    assert abs(first.box.bottom - (842 - 760) * 300 / 72) <= 20
    tops = [ln.box.top for ln in page.lines if ln.box]
    assert tops == sorted(tops) and all(b - a > 50 for a, b in zip(tops, tops[1:], strict=False))


def test_markless_layer_is_not_the_text(tmp_path: Path) -> None:
    """A hidden OCR layer without marks ("cong hoa xa hoi") is refused."""
    from pipeline.models import default_models
    from pipeline.vietnamese import strip_marks

    path = make_pdf(tmp_path / "g.pdf", [strip_marks(ln) for ln in LINES], "Times-Roman")
    layer = read_layer(path, 0, default_models().lexicon)
    assert layer is not None and layer.encoding == "unicode"
    assert not layer.usable()
    good = read_layer(make_pdf(tmp_path / "v.pdf", [tcvn3(ln) for ln in LINES], ".VnTime"), 0)
    assert good is not None and good.usable()


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/real is not here")
def test_real_hidden_ocr_layer_is_ignored() -> None:
    from pipeline.models import default_models

    lexicon = default_models().lexicon
    for index in (0, 1):
        layer = read_layer(SHARED / "scanned" / "dng-sgddt-cv-2019.pdf", index, lexicon)
        assert layer is not None and not layer.usable()


@pytest.mark.slow  # five real files, 20 pages
@pytest.mark.skipif(not SHARED.exists(), reason="../shared/real is not here")
def test_real_born_digital_pages_give_the_layer_words(tmp_path: Path) -> None:
    """Each born-digital document's text holds the words of its layer (pdftotext's, of
    the pages' content: the Gazette's e-signature box is a form field, kept as a mark)."""
    files = sorted((SHARED / "digital").glob("*.pdf"))
    assert len(files) == 5
    for pdf in files:
        doc: Document = ocr_file(pdf)
        recall = word_recall(pdftotext(page_content(pdf)), doc.text)
        assert recall >= 0.995, (pdf.name, recall)
        (step,) = [s for s in doc.steps if s.stage == "textlayer"]
        assert {e["source"] for e in step.settings["pages"]} == {"text"}
        assert not doc.corrections  # the layer is the document's own text


BODY = """@title
THÔNG BÁO
@body
Ủy ban nhân dân xã thông báo lịch tiếp công dân định kỳ vào thứ Năm hằng tuần tại trụ sở.
Đề nghị các thôn, tổ dân phố thông tin rộng rãi đến nhân dân để biết và thực hiện.
"""


def scan_with_layer(path: Path, lines: list[str]) -> Path:
    """A rendered scan (an image, shrunk into the lower left 3/4 of an A4 page) with an
    invisible Unicode text layer of ``lines`` across the top: a typeset header over a
    scanned body, or another tool's hidden OCR."""
    import img2pdf

    from pipeline.synth import synthesize, write_pages
    from pipeline.writers.glyphless import encode, font_dict

    write_pages(synthesize(BODY, "clean", seed=5), path.parent, "body", fmt="png")
    png = next(path.parent.glob("body*.png"))
    layout = img2pdf.get_fixed_dpi_layout_fun((300, 300))
    pdf = pikepdf.open(io.BytesIO(img2pdf.convert(str(png), layout_fun=layout)))
    page = pdf.pages[0]
    page.contents_add(pikepdf.Stream(pdf, b"q 0.75 0 0 0.75 0 0 cm\n"), prepend=True)
    key = page.add_resource(font_dict(pdf), pikepdf.Name.Font, prefix="F")
    ops = [f"Q BT 3 Tr {key} 11 Tf 14 TL 60 815 Td"]
    ops += [f"{encode(line)} Tj T*" for line in lines]
    page.contents_add(pikepdf.Stream(pdf, ("\n".join(ops) + " ET").encode()), prepend=False)
    pdf.save(path)
    return path


@pytest.mark.tesseract
def test_page_with_a_layer_and_a_scanned_image_is_read_from_both(tmp_path: Path) -> None:
    path = scan_with_layer(tmp_path / "mixed.pdf", LINES[:3])
    doc = ocr_file(path, text_only())
    (step,) = [s for s in doc.steps if s.stage == "textlayer"]
    assert step.settings["pages"][0]["source"] == "text+ocr"
    words = doc.text.split()
    for line in LINES[:3]:  # the layer's words, exactly
        assert " ".join(line.split()) in " ".join(words)
    body = "Ủy ban nhân dân xã thông báo lịch tiếp công dân định kỳ"
    assert word_recall(body, doc.text) >= 0.8
    # the searchable PDF adds only what OCR found: the layer's words are not doubled
    import pipeline

    out = pipeline.write(doc, "pdf", tmp_path / "out.pdf", source=path)
    text = pdftotext(out.read_bytes())
    assert text.split().count("quảng") == 1
    assert "lịch" in text.split()


@pytest.mark.tesseract
def test_hidden_markless_ocr_layer_is_ignored_and_the_page_ocred(tmp_path: Path) -> None:
    from pipeline.vietnamese import strip_marks

    path = scan_with_layer(tmp_path / "hidden.pdf", [strip_marks(ln) for ln in LINES])
    doc = ocr_file(path, text_only())
    (step,) = [s for s in doc.steps if s.stage == "textlayer"]
    entry = step.settings["pages"][0]
    assert entry["source"] == "ocr" and entry["layer_marked"] < 0.15
    assert "quang" not in doc.text.split()  # nothing of the layer
    assert "lịch" in doc.text.split()
    # the searchable PDF drops the hidden layer (it would mix with ours) and adds ours
    import pipeline

    out = pipeline.write(doc, "pdf", tmp_path / "out.pdf", source=path)
    text = pdftotext(out.read_bytes())
    assert "quang" not in text.split() and "lịch" in text.split()
    with pikepdf.open(path) as a, pikepdf.open(out) as b:
        (ia,) = a.pages[0].get_images().values()
        (ib,) = b.pages[0].get_images().values()
        assert ia.read_raw_bytes() == ib.read_raw_bytes()
