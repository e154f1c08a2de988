"""Searchable PDF (NAME.pdf): the scan unchanged, with the corrected text as an invisible layer.

Each output page is the input page itself: a PDF input's pages are kept as they are (their
CCITT, JBIG2 or JPEG image streams copied, not decoded), an image input is wrapped
losslessly by img2pdf (JPEG and CCITT data embedded as they are, other images as lossless
Flate). Over it goes one text object in render mode 3 (invisible) in a glyph-less font
(pipeline.writers.glyphless): each corrected word of NAME.txt, in reading order, stretched
over its box on the scan, so search, copy and highlight match what the page shows.

Coordinates: a word's box in the OCR image goes to the scan as loaded through
``Page.source_points``, then from those pixels to the page's user space (the PDF page as
rendered: crop box and /Rotate undone).
"""

from __future__ import annotations

import io
import math
import statistics
from collections.abc import Callable
from pathlib import Path

import pikepdf

from pipeline.document import Box, Document, Line, Page
from pipeline.errors import InputFileError, OutputError
from pipeline.io import PDF_DPI, sniff
from pipeline.textlayer import FROM_BOTH, FROM_LAYER, FROM_OCR, UNICODE, overlap
from pipeline.writers.glyphless import ADVANCE, encode, font_dict
from pipeline.writers.placement import blocks, scan_box, scan_size

#: Prefix of the text layer's font name in each page's resources (made unique there).
FONT_KEY = "VnocrText"

Point = tuple[float, float]


def render_pdf(doc: Document, source: Path | None = None) -> bytes:
    """The searchable PDF of ``doc`` made from its scan ``source`` (required)."""
    if source is None:
        raise OutputError(f"{doc.name}: a PDF output needs the scan it was read from (source=)")
    kind = sniff(source, doc.name)
    try:
        pdf = _open_pdf(source) if kind == "PDF" else _image_pdf(source, doc.name)
    except pikepdf.PdfError as e:
        raise InputFileError(f"{doc.name}: cannot copy the pages into a PDF ({e})") from e
    with pdf:
        keep = {p.index for p in doc.pages}
        for index in reversed(range(len(pdf.pages))):
            if index not in keep:
                del pdf.pages[index]  # a Document of some pages only: those pages
        order = sorted(keep)
        font = font_dict(pdf)
        sources = page_sources(doc)
        ignored = ignored_layers(doc)
        legacy = legacy_layers(doc)
        for page in doc.pages:
            source_of_page = sources.get(page.index, FROM_OCR)
            if source_of_page == FROM_LAYER and page.index not in legacy:
                continue  # the page's own text layer is there already
            pdf_page = pdf.pages[order.index(page.index)]
            if page.index in ignored:  # another tool's hidden OCR: ours replaces it
                _strip_invisible_text(pdf, pdf_page)
            # a page read from both: only the words OCR added to those of its layer (all
            # of them over a TCVN3/VNI layer, whose own words extract as mojibake)
            both = source_of_page == FROM_BOTH and page.index not in legacy
            taken = _layer_boxes(source, page.index) if both else []
            _add_text(pdf, pdf_page, page, font, taken)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


def page_sources(doc: Document) -> dict[int, str]:
    """Where each page's words came from (pipeline.textlayer's FROM_*), by page index;
    pages the ``textlayer`` step does not list were OCR'd."""
    out: dict[int, str] = {}
    for step in doc.steps:
        if step.stage == "textlayer":
            for entry in step.settings.get("pages", ()):
                out[int(entry["page"])] = str(entry.get("source", FROM_OCR))
    return out


def ignored_layers(doc: Document) -> set[int]:
    """Pages whose own text layer was judged not to be their text (and the page OCR'd)."""
    return {
        int(entry["page"])
        for step in doc.steps
        if step.stage == "textlayer"
        for entry in step.settings.get("pages", ())
        if entry.get("layer_ignored")
    }


def legacy_layers(doc: Document) -> set[int]:
    """Pages read (in whole or in part) from a text layer in a legacy encoding (TCVN3,
    VNI), whose own words search and copy give as mojibake: NAME.pdf adds the decoded
    words over it."""
    return {
        int(entry["page"])
        for step in doc.steps
        if step.stage == "textlayer"
        for entry in step.settings.get("pages", ())
        if entry.get("layer_encoding", UNICODE) != UNICODE
        and entry.get("source", FROM_OCR) in (FROM_LAYER, FROM_BOTH)
    }


def _strip_invisible_text(pdf: pikepdf.Pdf, pdf_page: pikepdf.Page) -> None:
    """Drop the text objects of the page's content that draw nothing (render mode 3).

    Invisible text paints no pixel, so the page looks the same; what goes is a hidden OCR
    layer that would otherwise mix its words with ours in search and copy. Visible text
    and everything else (images, paths, forms) is kept as it is.
    """
    ops = pikepdf.parse_content_stream(pdf_page)
    kept: list[tuple[object, pikepdf.Operator]] = []
    mode, stack = 0, []
    block: list[tuple[object, pikepdf.Operator]] | None = None
    shows_visible = False
    for operands, operator in ops:
        name = str(operator)
        if name == "q":
            stack.append(mode)
        elif name == "Q" and stack:
            mode = stack.pop()
        elif name == "Tr" and operands:
            mode = int(operands[0])
        if name == "BT":
            block, shows_visible = [], False
        if block is None:
            kept.append((operands, operator))
            continue
        block.append((operands, operator))
        if name in ("Tj", "TJ", "'", '"') and mode != 3:
            shows_visible = True
        if name == "ET":
            if shows_visible:
                kept.extend(block)
            block = None
    if block:
        kept.extend(block)
    if len(kept) != len(ops):
        pdf_page.obj.Contents = pikepdf.Stream(pdf, pikepdf.unparse_content_stream(kept))


def _layer_boxes(source: Path, index: int) -> list[Box]:
    """The word boxes of the input page's own text layer (pixels of its rendering)."""
    from pipeline.textlayer import read_layer

    layer = read_layer(source, index)
    if layer is None:
        return []
    return [w.box for ln in layer.page.lines for w in ln.words if w.box is not None]


def _open_pdf(source: Path) -> pikepdf.Pdf:
    return pikepdf.open(source)


def _image_pdf(source: Path, name: str) -> pikepdf.Pdf:
    """The image file as a PDF, one page per frame, the image data embedded losslessly."""
    import img2pdf
    from PIL import Image

    with Image.open(source) as im:
        has_dpi = bool(im.info.get("dpi"))
    # an image without a resolution is taken as PDF_DPI, as the pipeline reads it
    layout = (
        img2pdf.default_layout_fun
        if has_dpi
        else img2pdf.get_fixed_dpi_layout_fun((PDF_DPI, PDF_DPI))
    )
    refused = (
        img2pdf.AlphaChannelError,
        img2pdf.ImageOpenError,
        img2pdf.JpegColorspaceError,
        img2pdf.UnsupportedColorspaceError,
        img2pdf.ExifOrientationError,
        ValueError,
    )
    try:
        data = img2pdf.convert(str(source), layout_fun=layout)
    except refused:  # alpha, 16-bit, odd colour spaces: embed the pixels as loaded
        data = img2pdf.convert(_flattened(source), layout_fun=layout)
    return pikepdf.open(io.BytesIO(data))


def _flattened(source: Path) -> list[bytes]:
    """Each frame as the pipeline loads it (alpha on white paper), as lossless PNG."""
    from PIL import Image

    from pipeline.io import load_pages

    frames = []
    for page in load_pages(source):
        buf = io.BytesIO()
        Image.fromarray(page.pixels).save(buf, format="PNG", dpi=(page.dpi or PDF_DPI,) * 2)
        frames.append(buf.getvalue())
    return frames


def _add_text(
    pdf: pikepdf.Pdf,
    pdf_page: pikepdf.Page,
    page: Page,
    font: pikepdf.Dictionary,
    taken: list[Box],
) -> None:
    """Wrap the page's content in q/Q and draw the page's words invisibly over it (but
    those on ``taken``, boxes of the scan that hold text already)."""
    ops = _text_ops(page, _user_space(pdf_page, page), taken)
    if not ops:
        return
    key = pdf_page.add_resource(font, pikepdf.Name.Font, prefix=FONT_KEY)
    text = f"BT\n3 Tr\n{key} 1 Tf\n" + "\n".join(ops) + "\nET\n"
    pdf_page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    pdf_page.contents_add(pikepdf.Stream(pdf, b"Q\n" + text.encode("ascii")), prepend=False)


def _user_space(pdf_page: pikepdf.Page, page: Page) -> Callable[[float, float], Point]:
    """Scan pixels (as loaded: the rendered page) -> the PDF page's user space."""
    x0, y0, x1, y1 = (float(v) for v in pdf_page.cropbox)
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    rotate = _rotation(pdf_page)
    w, h = (y1 - y0, x1 - x0) if rotate in (90, 270) else (x1 - x0, y1 - y0)
    px_w, px_h = scan_size(page)
    sx, sy = w / (px_w or w), h / (px_h or h)

    def to_user(px: float, py: float) -> Point:
        xv, yv = px * sx, py * sy  # points from the top-left of the page as displayed
        if rotate == 90:
            return x0 + yv, y0 + xv
        if rotate == 180:
            return x1 - xv, y0 + yv
        if rotate == 270:
            return x1 - yv, y1 - xv
        return x0 + xv, y1 - yv

    return to_user


def _rotation(pdf_page: pikepdf.Page) -> int:
    node: pikepdf.Object | None = pdf_page.obj
    while node is not None:  # /Rotate is inherited from the page tree
        if "/Rotate" in node:
            return int(node.Rotate) % 360
        node = node.get("/Parent")
    return 0


def _text_ops(
    page: Page, to_user: Callable[[float, float], Point], taken: list[Box] = ()
) -> list[str]:
    """Text-matrix and show operators for every word (and the spaces between them)."""

    def corners(box: Box) -> tuple[Point, Point, Point]:
        tl, _, br, bl = page.source_points(box)
        return to_user(*bl), to_user(br[0], br[1]), to_user(*tl)

    ops: list[str] = []
    for block in blocks(page, marks=False):
        for line in block.lines:
            placed = [
                (text, box)
                for text, box in _placed(line)
                if not any(overlap(scan_box(page, box), t) > 0.3 for t in taken)
            ]
            for i, (text, box) in enumerate(placed):
                ops.append(_show(text, *corners(box)))
                if i + 1 < len(placed):
                    nxt = placed[i + 1][1]
                    gap = Box(box.right, box.top, max(box.right + 1, nxt.left), box.bottom)
                    ops.append(_show(" ", *corners(gap)))
    return ops


#: Least gap between two words of the text layer, in line heights: pdftotext (poppler)
#: ignores space characters and breaks words where glyphs are 0.1 em apart or more, so
#: words whose boxes touch or overlap (a speck read as "I" inside the next word) would
#: come out as one.
MIN_GAP = 0.2


def _placed(line: Line) -> list[tuple[str, Box]]:
    """The line's words on one band (the median top and bottom of its words: a tall speck
    or a line box swollen by noise would otherwise make the glyphs so tall that lines
    overlap and extractors mix their words), each at least MIN_GAP after the one before."""
    boxed = [(w.text, w.box) for w in line.words if w.text and w.box is not None]
    if not boxed:
        return []
    top = round(statistics.median(b.top for _, b in boxed))
    bottom = max(top + 1, round(statistics.median(b.bottom for _, b in boxed)))
    gap = math.ceil(MIN_GAP * (bottom - top))
    out: list[tuple[str, Box]] = []
    for text, box in boxed:
        left = max(box.left, out[-1][1].right + gap) if out else box.left
        out.append((text, Box(left, top, max(box.right, left + 1), bottom)))
    return out


def _show(text: str, origin: Point, right: Point, top: Point) -> str:
    """``a b c d e f Tm <text> Tj``: the text's advance spans origin->right, 1 em origin->top."""
    units = len(text.encode("utf-16-be")) // 2
    advance = units * ADVANCE / 1000.0
    a, b = (right[0] - origin[0]) / advance, (right[1] - origin[1]) / advance
    c, d = top[0] - origin[0], top[1] - origin[1]
    nums = " ".join(_num(v) for v in (a, b, c, d, origin[0], origin[1]))
    return f"{nums} Tm {encode(text)} Tj"


def _num(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


__all__ = ["FONT_KEY", "page_sources", "render_pdf"]
