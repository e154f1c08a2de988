"""Reading a PDF page from its own text layer instead of OCR'ing its rendering.

A born-digital PDF (exported from Word) carries its exact text: reading it is faster than
OCR and has no errors. The layer is read with pdfium, character by character with its box
and font; words are split at spaces, lines where pdfium ends one. Boxes are pixels of the
page as ``pipeline.io`` renders it (PDF_DPI), so the Page looks like an OCR'd one to the
stages after it.

Not every layer is usable:
- old Word files typed in TCVN3 (ABC; fonts ``.VnTime``, ``.VnArial``...) or VNI
  (``VNI-Times``...) give Latin-1 mojibake ("Céng hoµ"); the font name, or the mojibake
  itself, tells the encoding and ``pipeline.sources`` decodes it (the capital-only ``H``
  fonts, ``.VnTimeH``, are upper-cased, since TCVN3 has no codes for capital marked vowels);
- a scan with a hidden OCR layer from another tool may hold garbage ("CONG Hcok xA HQI"):
  a layer whose words are mostly not Vietnamese syllables, or that carries almost no
  Vietnamese marks, is ignored and the page OCR'd;
- a page that also shows a large image (the Official Gazette's typeset header over a
  scanned body) is read from both: the layer's words, and OCR for what lies outside them.
"""

from __future__ import annotations

import ctypes
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.document import Box, Line, Page, Word, nfc
from pipeline.errors import InputFileError
from pipeline.io import PDF_DPI

#: ``source`` of a page report: the layer alone, OCR alone, or both on one page.
FROM_LAYER = "text"
FROM_OCR = "ocr"
FROM_BOTH = "text+ocr"
#: ``encoding`` of a layer whose text is Unicode (the others: "TCVN3", "VNI", whose words
#: extract as mojibake and are decoded): the writers tell the two apart by it.
UNICODE = "unicode"

#: A layer with fewer words holds no page of text (a page number, a stamp's label).
MIN_WORDS = 12
#: Share of letter words that must be Vietnamese syllables (or known abbreviations).
MIN_PLAUSIBLE = 0.80
#: Share of letter words that must carry a letter only Vietnamese writes (ă â đ ê ô ơ ư,
#: a tone mark): about half of the words of any Vietnamese text do; a mark-less hidden OCR
#: layer ("THANH PHO DA NANG") has almost none.
MIN_MARKED = 0.15
#: An image covering this share of the page may hold text the layer does not have.
IMAGE_SHARE = 0.25

#: TCVN3 (ABC) fonts: ".VnTime", ".VnArialH" (a subset prefix "ABCDEF+" allowed); the
#: case matters: "VNI-Times" is VNI.
_TCVN3_FONT = re.compile(r"(^|\+)\.?Vn[A-Z]")
_TCVN3_CAPS_FONT = re.compile(r"Vn\w*H(,\w+)?$")
_VNI_FONT = re.compile(r"(^|\+)VNI[-_ ]", re.IGNORECASE)
_VIETNAMESE = re.compile(
    "[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I
)


@dataclass(frozen=True, slots=True)
class Layer:
    """A page's text layer as read: the Page (words and lines, pixel boxes of the page as
    rendered), its encoding, how plausible it is, and whether a large image is there too."""

    page: Page
    encoding: str  # UNICODE, "TCVN3" or "VNI"
    words: int
    plausible: float
    marked: float
    has_image: bool

    def usable(self, vietnamese: bool = True) -> bool:
        """True when the layer holds the page's text (enough words, Vietnamese ones)."""
        if self.words < MIN_WORDS:
            return False
        return not vietnamese or (self.plausible >= MIN_PLAUSIBLE and self.marked >= MIN_MARKED)

    def report(self) -> dict[str, Any]:
        """What the page's step entry records about the layer."""
        return {
            "layer_words": self.words,
            "layer_encoding": self.encoding,
            "layer_plausible": round(self.plausible, 3),
            "layer_marked": round(self.marked, 3),
        }


def read_layer(path: Path | str, index: int, lexicon: Any | None = None) -> Layer | None:
    """The text layer of page ``index`` (0-based) of a PDF, or None when it has no text.

    ``lexicon`` (pipeline.lexicon.Lexicon) judges the words; without it every word counts
    as plausible.
    """
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        raise InputFileError(f"{Path(path).name}: cannot open PDF ({e})") from e
    try:
        pdf_page = pdf[index]
        textpage = pdf_page.get_textpage()
        try:
            chars = _chars(textpage)
            has_image = _image_share(pdf_page) >= IMAGE_SHARE
            width_pt, height_pt = pdf_page.get_size()
            to_pixels = _to_pixels(pdf_page)
        finally:
            textpage.close()
            pdf_page.close()
    finally:
        pdf.close()
    if not any(c.text.strip() for c in chars):
        return None
    scale = PDF_DPI / 72.0
    width, height = round(width_pt * scale), round(height_pt * scale)
    encoding = _encoding(chars)
    lines = _lines(chars, encoding, to_pixels)
    page = Page(
        index,
        tuple(lines),
        width=width,
        height=height,
        dpi=PDF_DPI,
        source_width=width,
        source_height=height,
    )
    letters = [w.text for ln in lines for w in ln.words if any(ch.isalpha() for ch in w.text)]
    marked = sum(bool(_VIETNAMESE.search(w)) for w in letters) / max(1, len(letters))
    plausible = 1.0
    if lexicon is not None:
        from pipeline.retry import plausibility

        plausible = plausibility(page, lexicon)
    words = sum(len(ln.words) for ln in lines)
    return Layer(page, encoding, words, plausible, marked, has_image)


@dataclass(frozen=True, slots=True)
class _Char:
    text: str
    box: tuple[float, float, float, float]  # left, bottom, right, top in PDF user space
    font: str


def _chars(textpage: Any) -> list[_Char]:
    import pypdfium2.raw as raw

    out = []
    buf = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    for i in range(textpage.count_chars()):
        code = raw.FPDFText_GetUnicode(textpage.raw, i)
        text = chr(code) if 0 < code < 0x110000 else " "
        n = raw.FPDFText_GetFontInfo(textpage.raw, i, buf, len(buf), ctypes.byref(flags))
        font = buf.value.decode("latin-1") if n else ""
        out.append(_Char(text, tuple(textpage.get_charbox(i, loose=True)), font))
    return out


def _image_share(pdf_page: Any) -> float:
    """Share of the page covered by its largest image object."""
    import pypdfium2.raw as raw

    width, height = pdf_page.get_size()
    best = 0.0
    for obj in pdf_page.get_objects(max_depth=2):
        if obj.type == raw.FPDF_PAGEOBJ_IMAGE:
            left, bottom, right, top = obj.get_bounds()
            best = max(best, (right - left) * (top - bottom) / max(1.0, width * height))
    return best


def _to_pixels(pdf_page: Any) -> Callable[[float, float], tuple[float, float]]:
    """PDF user space -> pixels of the page rendered at PDF_DPI (crop box, /Rotate)."""
    x0, y0, x1, y1 = pdf_page.get_cropbox()
    rotate = pdf_page.get_rotation() % 360
    s = PDF_DPI / 72.0

    def to_pixels(x: float, y: float) -> tuple[float, float]:
        if rotate == 90:
            return (y - y0) * s, (x - x0) * s
        if rotate == 180:
            return (x1 - x) * s, (y - y0) * s
        if rotate == 270:
            return (y1 - y) * s, (x1 - x) * s
        return (x - x0) * s, (y1 - y) * s

    return to_pixels


def _encoding(chars: list[_Char]) -> str:
    """The layer's encoding, from its fonts' names first, from the mojibake otherwise."""
    from pipeline.sources import legacy_encoding

    fonts = [c.font for c in chars if c.text.strip()]
    tcvn3 = sum(bool(_TCVN3_FONT.search(f)) for f in fonts)
    vni = sum(bool(_VNI_FONT.search(f)) for f in fonts)
    if max(tcvn3, vni) * 2 >= len(fonts) > 0:
        return "TCVN3" if tcvn3 >= vni else "VNI"
    return legacy_encoding("".join(c.text for c in chars)) or UNICODE


#: TCVN3 writes "ư" as 0xAD, which WinAnsi (like 0x2D) calls "hyphen": text extraction
#: gives "-". A hyphen inside a word, or starting one before a letter, is that "ư".
_TCVN3_U_HORN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])|^-(?=[^\W\d_])|(?<=[^\W\d_])-$")


def _decode(text: str, encoding: str, font: str) -> str:
    from pipeline.sources import from_tcvn3, from_vni

    if encoding == "TCVN3":
        text = _TCVN3_U_HORN.sub("ư", from_tcvn3(text))
        return text.upper() if _TCVN3_CAPS_FONT.search(font) else text
    if encoding == "VNI":
        return from_vni(text)
    return nfc(text)


def _lines(
    chars: list[_Char], encoding: str, to_pixels: Callable[[float, float], tuple[float, float]]
) -> list[Line]:
    """Words (split at spaces) and lines (split where pdfium ends one) with pixel boxes."""
    rows: list[list[tuple[str, Box]]] = []
    row: list[tuple[str, Box]] = []
    word: list[_Char] = []

    def end_word() -> None:
        if word:
            text = _decode("".join(c.text for c in word), encoding, word[0].font)
            if text.strip():
                row.append((text, _pixel_box(word, to_pixels)))
            word.clear()

    for c in chars:
        if c.text in "\r\n":
            end_word()
            if row:
                rows.append(row)
                row = []
        elif c.text.isspace() or c.text == "\x00":
            end_word()
        else:
            word.append(c)
    end_word()
    if row:
        rows.append(row)
    heights = [b.height for r in rows for _, b in r] or [1]
    gap = 0.8 * statistics.median(heights)
    lines: list[Line] = []
    par = 0
    for r in rows:
        words = tuple(Word(text, box, 1.0) for text, box in r)
        box = _union([b for _, b in r])
        if lines and lines[-1].box is not None and box.top - lines[-1].box.bottom > gap:
            par += 1
        lines.append(Line(words, box, block=0, par=par))
    return lines


def _pixel_box(chars: list[_Char], to_pixels: Callable[[float, float], tuple[float, float]]) -> Box:
    xs, ys = [], []
    for c in chars:
        left, bottom, right, top = c.box
        for x, y in ((left, bottom), (right, top)):
            px, py = to_pixels(x, y)
            xs.append(px)
            ys.append(py)
    left, top = int(min(xs)), int(min(ys))
    return Box(left, top, max(left + 1, round(max(xs))), max(top + 1, round(max(ys))))


def _union(boxes: list[Box]) -> Box:
    out = boxes[0]
    for b in boxes[1:]:
        out = out.union(b)
    return out


def merge(layer: Page, ocr: Page) -> Page:
    """The layer's lines, and the OCR's lines that lie outside every layer word, in the
    order of their tops (the layout stage sorts regions afterwards).

    ``ocr`` is the Page OCR read from the same rendering; its boxes are taken to the
    rendering's pixels through its ``to_source``.
    """
    taken = [w.box for ln in layer.lines for w in ln.words if w.box is not None]
    extra = []
    for line in ocr.lines:
        words = []
        for w in line.words:
            if w.box is None:
                continue
            box = _on_scan(ocr, w.box)
            if not any(overlap(box, t) > 0.3 for t in taken):
                words.append(Word(w.text, box, w.conf))
        if words:
            extra.append(Line(tuple(words), _union([w.box for w in words if w.box]), 1, line.par))
    lines = sorted(layer.lines + tuple(extra), key=lambda ln: ln.box.top if ln.box else 0)
    return Page(
        layer.index,
        tuple(lines),
        layer.width,
        layer.height,
        layer.dpi,
        source_width=layer.source_width,
        source_height=layer.source_height,
    )


def _on_scan(page: Page, box: Box) -> Box:
    points = page.source_points(box)
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return Box(int(min(xs)), int(min(ys)), round(max(xs)), round(max(ys)))


def overlap(a: Box, b: Box) -> float:
    """Share of ``a``'s area inside ``b``."""
    w = min(a.right, b.right) - max(a.left, b.left)
    h = min(a.bottom, b.bottom) - max(a.top, b.top)
    return max(0, w) * max(0, h) / max(1, a.width * a.height)


__all__ = [
    "FROM_BOTH",
    "FROM_LAYER",
    "FROM_OCR",
    "Layer",
    "merge",
    "overlap",
    "read_layer",
]
