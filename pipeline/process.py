"""One scan file in, one Document out: the stages chained, for the library and the batch.

A page goes through ``recognize_page`` (OCR, reading order) and the pages of a file through
``assemble`` (the document-level stages); ``ocr_file`` runs both in this process, and the
batch runner runs the same two functions on worker processes or a Dask cluster, so there
is one code path whatever runs it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.document import Document, Page, Step
from pipeline.io import PageImage, load_pages
from pipeline.correct import correct_document
from pipeline.layout import order_columns
from pipeline.ocr import OcrConfig, OcrEngine, TesseractEngine
from pipeline.structure import structure


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    """Every setting that changes what a document's outputs contain."""

    ocr: OcrConfig = field(default_factory=OcrConfig)
    columns: bool = True  # read two-column header/signature runs column by column
    correct: bool = True  # restore diacritics and repair garbled words (lexicon + LM)
    structure: bool = True  # parse header, sections, recipients, signature

    def settings(self) -> dict[str, Any]:
        """The settings as plain data (for Document.steps and summary.json)."""
        return asdict(self)

    def fingerprint(self) -> str:
        """A short hash of the settings and vnocr's version: outputs made under a different
        fingerprint are out of date."""
        blob = json.dumps({"version": __version__, **self.settings()}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def recognize_page(
    image: PageImage, config: PipelineConfig, engine: OcrEngine | None = None
) -> Page:
    """OCR one page image and put it in reading order."""
    engine = engine or TesseractEngine(config.ocr)
    page = engine.recognize(image)
    return order_columns(page) if config.columns else page


def assemble(name: str, pages: Sequence[Page], config: PipelineConfig) -> Document:
    """Build the Document of a file from its recognised pages (in page order)."""
    ocr = config.ocr
    steps = [Step("ocr", __version__, {"engine": "tesseract", "lang": ocr.lang, "psm": ocr.psm})]
    if config.columns:
        steps.append(Step("layout", __version__, {"columns": True}))
    doc = Document(name=name, pages=tuple(pages), steps=tuple(steps))
    if config.correct:
        doc = correct_document(doc)  # models load once per process, then stay cached
    if config.structure:
        doc = structure(doc)
    return doc


def ocr_file(
    path: Path | str,
    config: PipelineConfig | None = None,
    *,
    name: str | None = None,
    engine: OcrEngine | None = None,
) -> Document:
    """Run the pipeline on every page of a PNG/JPEG/TIFF/PDF file and return its Document.

    ``name`` is how the document is called (default: the file name; never a full path).

    >>> doc = ocr_file("samples/quyet-dinh-ubnd.clean.tif")  # doctest: +SKIP
    >>> doc.text.splitlines()[0]  # doctest: +SKIP
    'ỦY BAN NHÂN DÂN'
    """
    path = Path(path)
    config = config or PipelineConfig()
    name = name or path.name
    engine = engine or TesseractEngine(config.ocr)
    pages = [recognize_page(img, config, engine) for img in load_pages(path, name)]
    return assemble(name, pages, config)
