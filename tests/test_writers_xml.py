"""ALTO v4 and hOCR writers on a real OCR'd scan: well-formed, every word of NAME.txt once
and in order, each word positioned on ink of the scan as loaded, kinds of the regions kept."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from lxml import etree

import pipeline
from pipeline.document import Box, Document
from pipeline.io import load_pages
from pipeline.writers.alto import NS
from pipeline.writers.placement import scan_size

A = f"{{{NS}}}"


def _inked(pixels: np.ndarray, box: Box) -> bool:
    """True when the box on the scan holds dark pixels (a word is drawn there)."""
    crop = pixels[box.top : box.bottom, box.left : box.right]
    return crop.size > 0 and float((crop < 128).mean()) > 0.02


def _scans(path: Path) -> list[np.ndarray]:
    """The scan's pages as loaded, in gray."""
    pages = [p.pixels for p in load_pages(path)]
    return [p if p.ndim == 2 else p.min(axis=2) for p in pages]


def test_alto_holds_every_word_in_reading_order_on_the_scan(
    scan_pdf_doc: tuple[Path, Document], tmp_path: Path
) -> None:
    path, doc = scan_pdf_doc
    out = pipeline.write(doc, "alto", tmp_path / "a.alto.xml")
    tree = etree.parse(str(out))
    root = tree.getroot()
    assert root.tag == A + "alto"
    assert root.findtext(f"{A}Description/{A}MeasurementUnit") == "pixel"
    tags = {t.get("ID"): t.get("LABEL") for t in root.iter(A + "LayoutTag")}
    pages = root.findall(f"{A}Layout/{A}Page")
    assert len(pages) == len(doc.pages) == 2
    scans = _scans(path)
    strings = []
    inked = total = 0
    for page_el, page, pixels in zip(pages, doc.pages, scans, strict=True):
        assert (int(page_el.get("WIDTH")), int(page_el.get("HEIGHT"))) == scan_size(page)
        assert pixels.shape[:2] == (page.source_height, page.source_width)
        kinds = [tags[b.get("TAGREFS")] for b in page_el.iter(A + "TextBlock")]
        assert kinds[0] in ("header_left", "page_number") and "body" in kinds
        for s in page_el.iter(A + "String"):
            x, y, w, h = (int(s.get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
            assert x >= 0 and x + w <= page.source_width and y >= 0 and y + h <= page.source_height
            assert 0.0 <= float(s.get("WC")) <= 1.0
            strings.append(s.get("CONTENT"))
            total += 1
            inked += _inked(pixels, Box(x, y, x + w, y + h))
    assert strings == doc.text.split()
    assert inked / total >= 0.99, f"{total - inked} of {total} words on blank paper"


def test_alto_line_and_sp_structure(scan_pdf_doc: tuple[Path, Document], tmp_path: Path) -> None:
    _, doc = scan_pdf_doc
    root = etree.fromstring(pipeline.writers.render(doc, "alto"))
    for line in root.iter(A + "TextLine"):
        kids = [etree.QName(k).localname for k in line]
        assert kids[0] == "String" and kids[-1] == "String"
        assert all(a != b for a, b in zip(kids, kids[1:], strict=False))  # String SP String
        assert line.get("WIDTH") and line.get("HEIGHT")
    ids = [e.get("ID") for e in root.iter() if e.get("ID")]
    assert len(ids) == len(set(ids))


def test_hocr_is_xhtml_with_every_word_boxed(
    scan_pdf_doc: tuple[Path, Document], tmp_path: Path
) -> None:
    path, doc = scan_pdf_doc
    out = pipeline.write(doc, "hocr", tmp_path / "a.hocr")
    root = etree.parse(str(out)).getroot()  # XML parser: well-formed or it raises
    x = {"h": "http://www.w3.org/1999/xhtml"}
    pages = root.xpath("//h:div[@class='ocr_page']", namespaces=x)
    assert len(pages) == 2
    for page_el in pages:
        for cls, parent in (
            ("ocr_carea", "ocr_page"),
            ("ocr_par", "ocr_carea"),
            ("ocr_line", "ocr_par"),
            ("ocrx_word", "ocr_line"),
        ):
            found = page_el.xpath(f".//*[@class='{cls}']", namespaces=x)
            assert found and all(e.getparent().get("class") == parent for e in found)
    scans = _scans(path)
    words = []
    inked = 0
    for page_el, pixels in zip(pages, scans, strict=True):
        assert re.search(rf"bbox 0 0 {pixels.shape[1]} {pixels.shape[0]}", page_el.get("title"))
        for w in page_el.xpath(".//*[@class='ocrx_word']", namespaces=x):
            m = re.fullmatch(r"bbox (\d+) (\d+) (\d+) (\d+); x_wconf (\d+)", w.get("title"))
            assert m, w.get("title")
            left, top, right, bottom, conf = map(int, m.groups())
            assert 0 <= conf <= 100
            inked += _inked(pixels, Box(left, top, right, bottom))
            words.append(w.text)
    assert words == doc.text.split()
    assert inked / len(words) >= 0.99
    kinds = {
        re.search(r"x_kind (\w+)", e.get("title")).group(1)
        for e in root.xpath("//h:div[@class='ocr_carea']", namespaces=x)
    }
    assert {"title", "body", "signature"} <= kinds


def test_hocr_passes_the_hocr_spec_validator(
    scan_pdf_doc: tuple[Path, Document], fax_tif_doc: tuple[Path, Document], tmp_path: Path
) -> None:
    """hocr-spec (the reference implementation of the hOCR 1.2 checks) finds nothing wrong:
    elements and their nesting, properties and their values, the capabilities declared.
    Its property list is closed, so our one engine-specific property, ``x_kind`` (like
    Tesseract's own ``x_size``), is taken out first."""
    from hocr_spec import HocrValidator

    for n, (_, doc) in enumerate((scan_pdf_doc, fax_tif_doc)):
        out = pipeline.write(doc, "hocr", tmp_path / f"{n}.hocr")
        checked = tmp_path / f"{n}.checked.hocr"
        checked.write_text(re.sub(r"; x_kind \w+", "", out.read_text("utf-8")), "utf-8")
        report = HocrValidator("standard").validate(str(checked))
        assert report.is_valid(), report.format("text")
