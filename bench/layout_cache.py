"""First-pass OCR cache for the layout benchmark: one Tesseract run per page image, kept.

Layout is tuned and measured on Tesseract's word boxes, so each page is OCR'd once (plain
``--psm 3``) and the Page plus the image it was made from are cached under
bench/cache/layout/; later runs of bench/layout_bench.py reuse them.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from pipeline.document import Document, Page  # noqa: E402
from pipeline.io import PageImage, load_pages  # noqa: E402
from pipeline.tesseract import PSM_BLOCK, TesseractEngine  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / "bench" / "cache" / "layout"


def page_images(path: Path, dpi: int | None = None, preprocess: bool = False) -> list[PageImage]:
    """The page images of a file (PDFs at ``dpi``), optionally through pipeline.preprocess."""
    if dpi is not None and path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        images = []
        for i in range(len(pdf)):
            pil = pdf[i].render(scale=dpi / 72.0, grayscale=True).to_pil()
            images.append(PageImage(path.name, i, dpi, np.asarray(pil.convert("L")).copy()))
        pdf.close()
    else:
        images = list(load_pages(path, path.name))
    if preprocess:
        from pipeline.preprocess import preprocess as run

        images = [run(img).image for img in images]
    return images


def _key(image: PageImage, psm: int) -> str:
    digest = hashlib.sha1(image.pixels.tobytes()).hexdigest()[:16]
    return f"{Path(image.source).stem}.p{image.index + 1}.{digest}.psm{psm}"


_ENGINE = TesseractEngine()


def first_pass(image: PageImage, block: bool = False) -> tuple[Page, float]:
    """The page as plain Tesseract reads it (``--psm 3``, or 6 for a block), and the
    seconds it took (cached)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{_key(image, PSM_BLOCK if block else 3)}.json"
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        doc = Document.from_dict(data["doc"])
        return doc.pages[0], data["seconds"]
    start = time.perf_counter()
    page = _ENGINE.recognize(image, block=block)
    seconds = time.perf_counter() - start
    doc = Document(name=image.source, pages=(page,))
    path.write_text(json.dumps({"doc": doc.to_dict(), "seconds": seconds}), encoding="utf-8")
    return page, seconds


class CachedEngine:
    """An OCR engine for ``pipeline.process.recognize_page`` that reads through the cache,
    so the benchmark runs the pipeline's own preprocess -> OCR -> layout path."""

    vietnamese = True

    def __init__(self) -> None:
        self.seconds = 0.0  # Tesseract's seconds (as first measured, when cached)
        self.wall = 0.0  # seconds spent in recognize this time (a cache read is quick)
        self.last: Page | None = None  # the page as OCR read it, before layout

    def settings(self) -> dict[str, object]:
        """As Tesseract's."""
        return _ENGINE.settings()

    def recognize(self, image: PageImage, *, block: bool = False) -> Page:
        """The page of ``image`` (cached first pass); its seconds are added to ``seconds``."""
        start = time.perf_counter()
        page, seconds = first_pass(image, block)
        self.wall += time.perf_counter() - start
        self.seconds += seconds
        self.last = page
        return page


class _Recorder(CachedEngine):
    """A CachedEngine that keeps the images it was given (the preprocessed page; more
    than one when the pipeline reads a bad page again) and what it read from each."""

    def __init__(self) -> None:
        super().__init__()
        self.readings: list[tuple[PageImage, Page]] = []

    def recognize(self, image: PageImage, *, block: bool = False) -> Page:
        """As CachedEngine, and remember ``image`` and its page."""
        page = super().recognize(image, block=block)
        self.readings.append((image, page))
        return page

    def kept(self, page: Page) -> tuple[PageImage, Page]:
        """The image and first-pass page of the reading the pipeline kept as ``page``."""
        return next((im, p) for im, p in self.readings if p.lines == page.lines)


def recognize(image: PageImage, reread: bool = True) -> tuple[Page, float, Page, float]:
    """``image`` through the pipeline's recognize_page (preprocess, OCR) and the layout
    stage after its second reading (``pipeline.reread.read_again``, as recognize_page
    calls them); returns the page, the OCR seconds (first pass and
    second look), the preprocessed page as OCR read it (no layout) and the seconds of the
    layout stage alone (its own OCR call left out)."""
    laid, ocr_s, first, layout_s, _ = recognize_seen(image, reread)
    return laid, ocr_s, first, layout_s


def recognize_seen(
    image: PageImage, reread: bool = True
) -> tuple[Page, float, Page, float, PageImage]:
    """:func:`recognize`, and the preprocessed image the kept reading was made from (the
    pixels the page's word boxes lie on)."""
    from pipeline.handdigits import read_hand_digits
    from pipeline.layout import analyze_layout
    from pipeline.layout.pageink import PageInk
    from pipeline.process import PipelineConfig, recognize_page
    from pipeline.reread import read_again

    engine = _Recorder()
    page, _ = recognize_page(image, PipelineConfig(columns=False), engine=engine)
    kept_image, first = engine.kept(page)
    reader = CachedEngine() if reread else None
    start = time.perf_counter()
    ink = PageInk(kept_image.pixels)  # shared by both, as recognize_page does
    if reader is not None:
        page = read_again(page, kept_image.pixels, reader, ink=ink)
    laid = analyze_layout(page, kept_image.pixels, ink=ink)
    laid = read_hand_digits(laid, kept_image.pixels)
    layout_s = time.perf_counter() - start - (reader.wall if reader else 0.0)
    ocr_s = engine.seconds + (reader.seconds if reader else 0.0)
    return laid, ocr_s, first, layout_s, kept_image


if __name__ == "__main__":
    import sys

    for arg in sys.argv[1:]:
        p = Path(arg)
        for pre in (False, True):
            for img in page_images(p, preprocess=pre):
                page, s = first_pass(img)
                print(p.name, img.index, "pre" if pre else "raw", f"{s:.1f}s", len(page.lines))
