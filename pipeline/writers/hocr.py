"""hOCR (NAME.hocr): the words with their boxes as XHTML, the format of Tesseract's hOCR.

``ocr_page`` per page, ``ocr_carea`` per layout region (its kind in the ``x_kind``
property), ``ocr_par``, ``ocr_line`` and ``ocrx_word`` with ``bbox`` and ``x_wconf``
(0-100). Boxes are pixels of the scan as loaded, like ALTO's; marks kept aside by layout
come last with their kind.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from pipeline import __version__
from pipeline.document import Box, Document, Page, enclosing
from pipeline.writers.placement import blocks, line_box, scan_box, scan_size

#: What this writer can put in a file (hOCR requires the list: the elements it writes,
#: ``lang=`` attributes and word confidences).
CAPABILITIES = "ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_lang ocrp_wconf"

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
 "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="vi" lang="vi">
<head>
 <title>{title}</title>
 <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>
 <meta name="ocr-system" content="vnocr {version}"/>
 <meta name="ocr-capabilities" content="{capabilities}"/>
 <meta name="ocr-number-of-pages" content="{pages}"/>
 <meta name="ocr-langs" content="vi"/>
 <meta name="ocr-scripts" content="Latn"/>
</head>
<body>
"""


def render_hocr(doc: Document, source: Path | None = None) -> str:
    """The hOCR XHTML of ``doc``."""
    head = _HEAD.format(
        title=escape(doc.name),
        version=__version__,
        capabilities=CAPABILITIES,
        pages=len(doc.pages),
    )
    out = [head]
    for n, page in enumerate(doc.pages, 1):
        out.extend(_page(doc, page, n))
    out.append("</body>\n</html>\n")
    return "".join(out)


def _page(doc: Document, page: Page, n: int) -> list[str]:
    width, height = scan_size(page)
    title = f'image "{doc.name}"; bbox 0 0 {width} {height}; ppageno {page.index}'
    out = [f' <div class="ocr_page" id="page_{n}" title={quoteattr(title)}>\n']
    for b, block in enumerate(blocks(page), 1):
        bid = f"block_{n}_{b}"
        where = _bbox(page, enclosing(line_box(ln) for ln in block.lines))
        props = _props(where, f"x_kind {block.kind}")
        out.append(f'  <div class="ocr_carea" id="{bid}" title={quoteattr(props)}>\n')
        for p, par in enumerate(block.pars, 1):
            pid = f"par_{n}_{b}_{p}"
            where = _bbox(page, enclosing(line_box(ln) for ln in par))
            out.append(f'   <p class="ocr_par" id="{pid}" lang="vi" title={quoteattr(where)}>\n')
            for li, line in enumerate(par, 1):
                lid = f"line_{n}_{b}_{p}_{li}"
                where = _bbox(page, line_box(line))
                out.append(f'    <span class="ocr_line" id="{lid}" title={quoteattr(where)}>')
                words = []
                for wi, word in enumerate((w for w in line.words if w.text), 1):
                    props = _bbox(page, word.box)
                    if word.conf is not None:
                        conf = round(100 * max(0.0, min(1.0, word.conf)))
                        props = _props(props, f"x_wconf {conf}")
                    words.append(
                        f'<span class="ocrx_word" id="word_{n}_{b}_{p}_{li}_{wi}"'
                        f" title={quoteattr(props)}>{escape(word.text)}</span>"
                    )
                out.append(" ".join(words) + "</span>\n")
            out.append("   </p>\n")
        out.append("  </div>\n")
    out.append(" </div>\n")
    return out


def _props(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _bbox(page: Page, box: Box | None) -> str:
    if box is None:
        return ""
    b = scan_box(page, box)
    return f"bbox {b.left} {b.top} {b.right} {b.bottom}"


__all__ = ["render_hocr"]
