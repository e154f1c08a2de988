"""One scan file in, one Document out: the library's main entry point.

``ocr_file`` chains the stages (load every page, OCR it) and records what ran in
``Document.steps``; the batch runner and the CLI only call this.
"""

from __future__ import annotations

from pathlib import Path

from pipeline import __version__
from pipeline.document import Document, Step
from pipeline.io import load_pages
from pipeline.layout import order_columns
from pipeline.ocr import OcrConfig, OcrEngine, TesseractEngine


def ocr_file(
    path: Path | str,
    engine: OcrEngine | None = None,
    *,
    name: str | None = None,
) -> Document:
    """OCR every page of a PNG/JPEG/TIFF/PDF file into a Document.

    Two-column parts (header, recipients beside signature) are put in reading order.

    >>> doc = ocr_file("samples/quyet-dinh-ubnd.clean.tif")  # doctest: +SKIP
    >>> doc.text[:11]  # doctest: +SKIP
    'ỦY BAN NHÂN'
    """
    path = Path(path)
    engine = engine or TesseractEngine()
    name = name or path.name
    pages = tuple(order_columns(engine.recognize(img)) for img in load_pages(path, name))
    config = getattr(engine, "config", None)
    settings = _settings(config) if isinstance(config, OcrConfig) else {}
    steps = (Step("ocr", __version__, settings), Step("layout", __version__, {"columns": True}))
    return Document(name=name, pages=pages, steps=steps)


def _settings(config: OcrConfig) -> dict[str, object]:
    return {"engine": "tesseract", "lang": config.lang, "psm": config.psm}
