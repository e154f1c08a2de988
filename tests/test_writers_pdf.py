"""The searchable PDF: checked three ways on the sample scans with their recorded OCR.

1. Text: pdftotext (poppler) and pdfium extract NAME.txt's words (at least 98 %).
2. Search: an accented word searched with pdfium is found where the scan shows it, and
   chromium's built-in PDF viewer (headless) highlights it there when asked to find it.
3. Image: pdftoppm renders NAME.pdf like the input (the image streams are the input's own
   bytes for a PDF input, the TIFF's CCITT data for an image input); size bound held.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import pikepdf
import pypdfium2 as pdfium
import pytest
from chromium import CHROMIUM, Chromium, accented_word, find_in_pdf_viewer
from pdftext import pdftotext, word_recall
from PIL import Image

import pipeline
from pipeline.document import Document, Word
from pipeline.errors import OutputError
from pipeline.io import load_pages

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is not installed (make test does)"
)


@pytest.fixture(scope="module", params=["pdf", "tif"])
def made(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """(scan, Document, NAME.pdf) for the JPEG-in-PDF sample and the CCITT TIFF sample."""
    path, doc = request.getfixturevalue("scan_pdf_doc" if request.param == "pdf" else "fax_tif_doc")
    out = pipeline.write(doc, "pdf", tmp_path_factory.mktemp("pdf") / "a.pdf", source=path)
    return path, doc, out


@needs_poppler
def test_pdftotext_and_pdfium_give_the_words_of_the_text(
    made: tuple[Path, Document, Path],
) -> None:
    _, doc, out = made
    assert word_recall(doc.text, pdftotext(out.read_bytes())) >= 0.98
    pdf = pdfium.PdfDocument(str(out))
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert word_recall(doc.text, text) >= 0.98
    assert len(pdf) == len(doc.pages)


def test_search_finds_an_accented_word_where_the_scan_shows_it(
    made: tuple[Path, Document, Path],
) -> None:
    path, doc, out = made
    word, cx, cy = accented_word(doc)
    pdf = pdfium.PdfDocument(str(out))
    pdf_page = pdf[0]
    width, height = pdf_page.get_size()
    textpage = pdf_page.get_textpage()
    searcher = textpage.search(word.text, match_case=True, match_whole_word=False)
    hits = []
    while (found := searcher.get_next()) is not None:
        start, count = found
        boxes = [textpage.get_charbox(i) for i in range(start, start + count)]
        left, bottom = min(b[0] for b in boxes), min(b[1] for b in boxes)
        right, top = max(b[2] for b in boxes), max(b[3] for b in boxes)
        hits.append(((left + right) / 2 / width, 1 - (bottom + top) / 2 / height))
    assert hits, f"{word.text!r} not found"
    assert min(abs(x - cx) + abs(y - cy) for x, y in hits) < 0.01, (word.text, hits, cx, cy)


@pytest.mark.slow  # two page loads in a real browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt: chromium)")
def test_chromium_pdf_viewer_highlights_an_accented_word_where_the_scan_shows_it(
    made: tuple[Path, Document, Path], tmp_path: Path
) -> None:
    """Chromium's PDF viewer, asked to find an accented word (a URL text fragment), must
    highlight it where the scan shows it, one word wide (chromium.find_in_pdf_viewer)."""
    _, doc, out = made
    word, cx, cy = accented_word(doc, alphabetic=True)
    with Chromium(tmp_path / "profile") as browser:
        hit = find_in_pdf_viewer(browser, out, word.text)
    assert hit is not None, f"{word.text!r}: the viewer highlighted nothing"
    assert not hit.scrolled, "the viewer scrolled"
    page = doc.pages[0]
    assert abs(hit.page_aspect - page.source_width / page.source_height) < 0.01, "page cut off"
    assert abs(hit.x - cx) + abs(hit.y - cy) < 0.01, (word.text, (hit.x, hit.y), (cx, cy))
    assert word.box is not None  # the highlight is one word wide, not a line
    xs_scan = [x for x, _ in page.source_points(word.box)]
    wide = (max(xs_scan) - min(xs_scan)) / page.source_width
    assert 0.6 < hit.width / wide < 1.6, (word.text, hit, wide)


@needs_poppler
def test_the_page_looks_like_the_input_and_keeps_its_image_bytes(
    made: tuple[Path, Document, Path], tmp_path: Path
) -> None:
    path, doc, out = made
    assert out.stat().st_size <= 1.5 * path.stat().st_size + 150_000
    dpi = 100 if path.suffix == ".pdf" else 300
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(out), str(tmp_path / "o")], check=True)
    rendered = sorted(tmp_path.glob("o-*.pgm"))
    assert len(rendered) == len(doc.pages)
    if path.suffix == ".pdf":
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", str(path), str(tmp_path / "i")], check=True
        )
        expected = [np.asarray(Image.open(p)) for p in sorted(tmp_path.glob("i-*.pgm"))]
        with pikepdf.open(path) as a, pikepdf.open(out) as b:
            for pa, pb in zip(a.pages, b.pages, strict=True):
                assert pa.mediabox == pb.mediabox
                ia = [im.read_raw_bytes() for im in pa.get_images().values()]
                ib = [im.read_raw_bytes() for im in pb.get_images().values()]
                assert ia == ib  # the JPEG streams copied byte for byte
    else:
        expected = [p.pixels for p in load_pages(path)]
        with pikepdf.open(out) as b:
            for pb in b.pages:
                (im,) = pb.get_images().values()
                assert list(im.Filter) == ["/CCITTFaxDecode"]  # embedded as it was
                assert [round(float(v)) for v in pb.mediabox] == [0, 0, 595, 842]  # A4, 300 dpi
    for got_path, want in zip(rendered, expected, strict=True):
        got = np.asarray(Image.open(got_path)).astype(int)
        assert got.shape == want.shape
        if path.suffix == ".pdf":  # one renderer, the same page: the same pixels
            same = float((np.abs(got - want.astype(int)) <= 8).mean())
            assert same >= 0.999, f"{got_path.name}: {same:.4f} of pixels alike"
        else:  # poppler resamples the 1-bit image a little: compare at 75 dpi
            diff = np.abs(_reduce(got) - _reduce(want))
            assert diff.mean() <= 5 and (diff <= 64).mean() >= 0.995, got_path.name


def _reduce(pixels: np.ndarray, k: int = 4) -> np.ndarray:
    """Mean of k x k blocks: what a page looks like from a little farther away."""
    h, w = (pixels.shape[0] // k) * k, (pixels.shape[1] // k) * k
    return pixels[:h, :w].astype(float).reshape(h // k, k, w // k, k).mean(axis=(1, 3))


def test_a_pdf_needs_its_scan(fax_tif_doc: tuple[Path, Document], tmp_path: Path) -> None:
    _, doc = fax_tif_doc
    with pytest.raises(OutputError, match="needs the scan"):
        pipeline.write(doc, "pdf", tmp_path / "a.pdf")
    assert not (tmp_path / "a.pdf").exists()


def _device_point(pdf_page: pdfium.PdfPage, x: float, y: float, size: tuple[int, int]):  # noqa: ANN202
    """pdfium's own mapping of a page-space point onto the rendered (rotated) page."""
    import ctypes

    import pypdfium2.raw as raw

    dx, dy = ctypes.c_int(), ctypes.c_int()
    raw.FPDF_PageToDevice(
        pdf_page.raw, 0, 0, size[0], size[1], 0, x, y, ctypes.byref(dx), ctypes.byref(dy)
    )
    return dx.value, dy.value


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_words_land_on_their_boxes_on_a_rotated_page(tmp_path: Path, rotate: int) -> None:
    """A page with /Rotate shows its scan turned; each word must sit where it shows."""
    from pipeline.document import Box, Line, Page
    from pipeline.io import load_page

    src = pikepdf.new()
    src.add_blank_page(page_size=(420, 595))
    src.pages[0].Rotate = rotate
    src.save(tmp_path / "in.pdf")
    scan = load_page(tmp_path / "in.pdf", 0)  # the page as rendered, turned by /Rotate
    height, width = scan.pixels.shape[:2]
    words = (Word("Quyết", Box(200, 300, 420, 360), 0.9), Word("định", Box(460, 300, 640, 360)))
    page = Page(
        0,
        (Line(words, Box(200, 300, 640, 360)),),
        width,
        height,
        300,
        source_width=width,
        source_height=height,
    )
    doc = Document("in.pdf", (page,))
    out = pipeline.write(doc, "pdf", tmp_path / "out.pdf", source=tmp_path / "in.pdf")
    pdf_page = pdfium.PdfDocument(str(out))[0]
    textpage = pdf_page.get_textpage()
    for word in words:
        found = textpage.search(word.text, match_case=True).get_next()
        assert found is not None, word.text
        boxes = [textpage.get_charbox(i) for i in range(found[0], found[0] + found[1])]
        corners = [
            _device_point(pdf_page, x, y, (width, height))
            for b in boxes
            for x, y in ((b[0], b[1]), (b[2], b[3]))
        ]
        cx = sum(x for x, _ in corners) / len(corners)
        cy = sum(y for _, y in corners) / len(corners)
        assert word.box is not None
        assert abs(cx - (word.box.left + word.box.right) / 2) < 15, (rotate, word.text, cx)
        assert abs(cy - (word.box.top + word.box.bottom) / 2) < 15, (rotate, word.text, cy)


@needs_poppler
def test_touching_words_and_a_tall_speck_stay_apart_in_pdftotext(tmp_path: Path) -> None:
    """pdftotext ignores spaces and joins glyphs closer than 0.1 em: a speck read as "I"
    overlapping the next word, or a tall speck swelling its line over the next line, must
    not glue words together (as they did on the VGP scans: "Ivề", "28khutháng")."""
    from pipeline.document import Box, Line, Page
    from pipeline.io import load_page

    src = pikepdf.new()
    src.add_blank_page(page_size=(595, 842))
    src.save(tmp_path / "in.pdf")
    height, width = load_page(tmp_path / "in.pdf", 0).pixels.shape[:2]
    first = (
        Word("định", Box(400, 300, 520, 356)),
        Word("I", Box(560, 310, 575, 325)),  # a speck inside the next word's box
        Word("về", Box(568, 300, 640, 356)),
        Word("khu", Box(700, 300, 800, 460)),  # a speck read into a word, 160 px tall
        Word("thành", Box(840, 300, 990, 356)),
    )
    second = (Word("ngày", Box(400, 400, 520, 456)), Word("tháng", Box(560, 400, 700, 456)))
    lines = (Line(first, Box(400, 300, 990, 460)), Line(second, Box(400, 400, 700, 456)))
    page = Page(0, lines, width, height, 300, source_width=width, source_height=height)
    doc = Document("in.pdf", (page,))
    out = pipeline.write(doc, "pdf", tmp_path / "out.pdf", source=tmp_path / "in.pdf")
    text = pdftotext(out.read_bytes())
    assert Counter(text.split()) == Counter(doc.text.split()), text
