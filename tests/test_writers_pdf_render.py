"""NAME.pdf looks like its input, for each kind of input: PNG, JPEG, TIFF G4, and PDFs whose
page images are JPEG (DCT), CCITT G4 and JBIG2 streams.

Three checks per kind:
1. the image data is the input's: a PDF's streams byte for byte (same filter), a JPEG's
   file bytes, and for the lossless kinds the pixels pdfium decodes from NAME.pdf's image
   are exactly the input's;
2. pdftoppm draws NAME.pdf exactly as it draws the input PDF (or, for an image input, the
   image wrapped alone by img2pdf): the invisible text layer changes no pixel;
3. pdftoppm's drawing matches the input image itself. Not pixel for pixel: poppler smooths
   an image even at 1:1 (a gray PNG drawn at its own 300 dpi differs in 6.5 % of its
   pixels, all at ink edges), so the comparison is at 75 dpi, as in test_writers_pdf.

The JBIG2 input is made here: one generic region coded with MMR (the G4 code, which
libtiff writes for Pillow), the form T.88 embeds in PDF; no JBIG2 encoder is needed.
"""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
from pathlib import Path

import img2pdf
import numpy as np
import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageOps

import pipeline
from pipeline.document import Box, Document, Line, Page, Word
from pipeline.io import load_pages

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FAX = SAMPLES / "cong-van-so.fax.tif"  # two CCITT G4 pages, 300 dpi
CLEAN = SAMPLES / "cong-van-so.clean.tif"  # two gray pages, 300 dpi
SCAN_PDF = SAMPLES / "ke-hoach-dang-uy.scan.pdf"  # two JPEG pages

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="poppler-utils is not installed (make test does)"
)


def _mmr(bits: Image.Image) -> bytes:
    """The page coded in MMR (T.6), 1 = black as JBIG2 wants: libtiff's G4 of one strip."""
    buf = io.BytesIO()
    inverted = ImageOps.invert(bits.convert("L")).convert("1")  # Pillow's "1" is 0 = black
    inverted.save(buf, format="TIFF", compression="group4", tiffinfo={278: bits.height})
    tif = Image.open(io.BytesIO(buf.getvalue()))
    (offset,), (count,) = tif.tag_v2[273], tif.tag_v2[279]
    return buf.getvalue()[offset : offset + count]


def _segment(number: int, kind: int, data: bytes) -> bytes:
    """A JBIG2 segment: header (number, type, no referred-to segments, page 1, length)."""
    return struct.pack(">IBBBI", number, kind, 0, 1, len(data)) + data


def jbig2_pdf(path: Path, frames: list[Image.Image], dpi: int = 300) -> Path:
    """A PDF whose pages are JBIG2 images (a page information segment and an immediate
    lossless generic region in MMR each)."""
    pdf = pikepdf.new()
    for bits in frames:
        w, h = bits.size
        info = struct.pack(">IIIIBH", w, h, 0, 0, 0, 0)
        region = struct.pack(">IIIIB", w, h, 0, 0, 0) + b"\x01" + _mmr(bits)
        image = pikepdf.Stream(pdf, _segment(0, 48, info) + _segment(1, 39, region))
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width, image.Height, image.BitsPerComponent = w, h, 1
        image.ColorSpace, image.Filter = pikepdf.Name.DeviceGray, pikepdf.Name.JBIG2Decode
        pw, ph = w * 72 / dpi, h * 72 / dpi
        page = pdf.add_blank_page(page_size=(pw, ph))
        key = page.add_resource(image, pikepdf.Name.XObject, prefix="Im")
        page.contents_add(pikepdf.Stream(pdf, f"q {pw} 0 0 {ph} 0 0 cm {key} Do Q".encode()))
    pdf.save(path)
    return path


def _frames(path: Path) -> list[Image.Image]:
    with Image.open(path) as im:
        out = []
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            out.append(im.copy())
        return out


def make_input(kind: str, folder: Path) -> Path:
    """The input file of one kind, made from the sample scans."""
    if kind == "tiff-g4":
        return FAX
    if kind == "pdf-jpeg":
        return SCAN_PDF
    if kind == "pdf-ccitt":  # img2pdf copies the G4 data into a CCITTFaxDecode stream
        (folder / "ccitt.pdf").write_bytes(img2pdf.convert(str(FAX)))
        return folder / "ccitt.pdf"
    if kind == "pdf-jbig2":
        return jbig2_pdf(folder / "jbig2.pdf", _frames(FAX))
    first = _frames(CLEAN)[0]
    if kind == "png":
        first.save(folder / "page.png", dpi=(300, 300))
        return folder / "page.png"
    first.save(folder / "page.jpg", quality=90, dpi=(300, 300))
    return folder / "page.jpg"


def a_document(path: Path) -> Document:
    """A Document of the input with a few words on each page (their pixels are invisible:
    what is checked is that they change none)."""
    pages = []
    for scan in load_pages(path):
        h, w = scan.pixels.shape[:2]
        words = (
            Word("Quyết", Box(w // 5, h // 6, w // 3, h // 6 + 60)),
            Word("định", Box(w // 3 + 30, h // 6, w // 2, h // 6 + 60)),
        )
        line = Line(words, Box(w // 5, h // 6, w // 2, h // 6 + 60))
        pages.append(Page(scan.index, (line,), w, h, 300, source_width=w, source_height=h))
    return Document(path.name, tuple(pages))


def _images(path: Path) -> list[tuple[tuple[str, ...], bytes]]:
    """(filters, raw stream bytes) of every image of every page."""
    with pikepdf.open(path) as pdf:
        return [
            (tuple(map(str, pikepdf.PdfImage(im).filters)), im.read_raw_bytes())
            for page in pdf.pages
            for im in page.get_images().values()
        ]


def _decoded(path: Path) -> list[np.ndarray]:
    """Each page's image as pdfium decodes it (no rendering: the image's own pixels)."""
    out = []
    for page in pdfium.PdfDocument(str(path)):
        (image,) = [o for o in page.get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
        out.append(np.asarray(image.get_bitmap(render=False).to_pil().convert("L")))
    return out


def _drawn(path: Path, folder: Path, dpi: int = 300) -> list[np.ndarray]:
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(path), str(folder / "p")], check=True)
    return [np.asarray(Image.open(p)).astype(int) for p in sorted(folder.glob("p-*.pgm"))]


def _reduce(pixels: np.ndarray, k: int = 4) -> np.ndarray:
    h, w = (pixels.shape[0] // k) * k, (pixels.shape[1] // k) * k
    return pixels[:h, :w].astype(float).reshape(h // k, k, w // k, k).mean(axis=(1, 3))


KINDS = ["png", "jpeg", "tiff-g4", "pdf-jpeg", "pdf-ccitt", "pdf-jbig2"]
FILTERS = {"jpeg": ("/DCTDecode",), "tiff-g4": ("/CCITTFaxDecode",)}


@pytest.mark.slow  # poppler draws each page three times at 300 dpi
@pytest.mark.parametrize("kind", KINDS)
def test_the_pdf_keeps_the_input_image_and_draws_like_it(kind: str, tmp_path: Path) -> None:
    source = make_input(kind, tmp_path)
    doc = a_document(source)
    out = pipeline.write(doc, "pdf", tmp_path / "out.pdf", source=source)
    is_pdf = source.suffix == ".pdf"
    reference = source if is_pdf else tmp_path / "wrapped.pdf"
    if not is_pdf:
        reference.write_bytes(img2pdf.convert(str(source)))
    # the input image: the file's pixels, or the image a PDF page draws (full page, 300 dpi)
    if is_pdf:
        scans = _decoded(source)
    else:
        scans = [np.asarray(Image.fromarray(p.pixels).convert("L")) for p in load_pages(source)]

    # 1. the image data is the input's
    images = _images(out)
    if is_pdf:
        assert images == _images(source)  # streams and filters byte for byte
    if kind in FILTERS:
        assert {f for f, _ in images} == {FILTERS[kind]}
    if kind == "jpeg":
        assert images[0][1] == source.read_bytes()  # the JPEG file itself
    if not is_pdf and kind != "jpeg":  # lossless: the very pixels
        for got, want in zip(_decoded(out), scans, strict=True):
            assert np.array_equal(got, want)

    # 2. the text layer changes no pixel of poppler's drawing
    drawn = _drawn(out, tmp_path / "out")
    assert len(drawn) == len(doc.pages)
    for got, want in zip(drawn, _drawn(reference, tmp_path / "ref"), strict=True):
        assert np.array_equal(got, want)

    # 3. and the drawing is the input image, seen at 75 dpi
    for got, want in zip(drawn, scans, strict=True):
        assert got.shape == want.shape
        diff = np.abs(_reduce(got) - _reduce(want))
        assert diff.mean() <= 5 and (diff <= 64).mean() >= 0.995, (kind, diff.mean())
