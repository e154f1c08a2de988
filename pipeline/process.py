"""One scan file in, one Document out: the stages chained, for the library and the batch.

A page goes through ``recognize_page`` (OCR, reading order) and the pages of a file through
``assemble`` (the document-level stages); ``ocr_file`` runs both in this process, and the
batch runner runs the same two functions on worker processes or a Dask cluster, so there
is one code path whatever runs it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any

from pipeline import retry, textlayer
from pipeline.correct import (
    CorrectConfig,
    correct_document,
    correct_page,
    correction_step,
    document_repeats,
)
from pipeline.document import Correction, Document, Page, Step
from pipeline.errors import require
from pipeline.handdigits import read_hand_digits
from pipeline.io import PageImage, count_pages, load_page, sniff
from pipeline.layout import LayoutConfig, analyze_layout
from pipeline.layout.pageink import PageInk
from pipeline.layout.reread import RereadConfig
from pipeline.lexicon import Lexicon
from pipeline.models import Models, default_models, model_hashes
from pipeline.ocr import OcrConfig, OcrEngine, worker_engine
from pipeline.preprocess import PreprocessConfig, config_settings, preprocess
from pipeline.quality import QUALITY_THRESHOLD, low_pages, page_quality
from pipeline.reread import read_again
from pipeline.structure import structure
from pipeline.tesseract import DIGIT_LANG, model_identity
from pipeline.version import __version__

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    """Every setting that changes what a document's outputs contain."""

    preprocess: PreprocessConfig = field(default_factory=PreprocessConfig)
    ocr: OcrConfig = field(default_factory=OcrConfig)
    retry: retry.RetryConfig = field(default_factory=retry.RetryConfig)  # badly read pages
    columns: bool = True  # layout: regions, reading order, seals and notes kept aside
    layout: LayoutConfig = field(default_factory=LayoutConfig)  # its thresholds
    reread: RereadConfig = field(default_factory=RereadConfig)  # the second reading
    correct: bool = True  # restore diacritics and repair garbled words (lexicon + LM)
    correction: CorrectConfig = field(default_factory=CorrectConfig)  # its settings
    structure: bool = True  # parse header, sections, recipients, signature
    # a PDF page whose own text layer holds its text is read from it (False: --force-ocr)
    text_layer: bool = True

    def settings(self) -> dict[str, Any]:
        """The settings as plain data (JSON-ready: enums by their value)."""
        return json.loads(json.dumps(asdict(self), default=_plain))

    def fingerprint(self) -> str:
        """A short hash of the settings, vnocr's version and the contents of the model files
        the outputs depend on (:func:`~pipeline.models.model_hashes`, and Tesseract's
        :func:`~pipeline.tesseract.model_identity`): outputs made under a different
        fingerprint are out of date."""
        blob = json.dumps(
            {
                "version": __version__,
                **self.settings(),
                "models": model_hashes(),
                "tesseract": model_identity(self.tesseract_models()),
            },
            sort_keys=True,
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def tesseract_models(self) -> tuple[str, ...]:
        """The Tesseract models a document's reading loads: the OCR's, and the digit
        model where handwritten figures are read again (pipeline.handdigits)."""
        langs = tuple(self.ocr.lang.split("+"))
        return (*langs, DIGIT_LANG) if self.columns and self.layout.hand_digits else langs


def _plain(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not a setting")


def recognize_page(
    image: PageImage,
    config: PipelineConfig,
    engine: OcrEngine | None = None,
    debug_dir: Path | None = None,
    *,
    models: Models | None = None,
) -> tuple[Page, dict[str, Any]]:
    """Preprocess one page image, OCR it, find its regions and put it in reading order.

    Returns the Page and what preprocessing measured and did on it (for Document.steps).
    Word boxes are in the pixels of the preprocessed image (which may be turned or
    rescaled); ``Page.width``/``height`` are that image's size, and ``Page.to_source``
    maps its pixels back onto ``image``. ``models``: whose lexicon tells a page read badly
    (default: the process's shipped bundle).
    """
    engine = engine or worker_engine(config.ocr)
    prepared = preprocess(image, config.preprocess, debug_dir)
    page = retry.read(image, prepared, engine)
    notes: dict[str, Any] = {}
    if engine.vietnamese:  # known words are Vietnamese syllables
        # a page read badly is read again at other text sizes; the likeliest reading stays
        lexicon = (models or default_models()).lexicon
        page, prepared, notes = retry.read_best(
            image, prepared, page, engine, config.preprocess, lexicon, config.retry
        )
    if config.columns:
        # lines the page-wide pass lost (lone page numbers, item-number columns) are read
        # again as one block of text, by the same engine
        pixels = prepared.image.pixels
        # both look for stamp frames on these pixels: the page's ink is measured once
        ink = PageInk(pixels)
        if config.layout.reread:
            page = read_again(page, pixels, engine, config.reread, ink=ink)
        page = analyze_layout(page, pixels, config.layout, ink=ink)
        if config.layout.hand_digits:
            # the number and date the registry wrote into the header's blanks, as digits
            page = read_hand_digits(page, pixels)
    height, width = image.pixels.shape[:2]
    page = replace(page, source_width=width, source_height=height)
    return page, {**prepared.summary(), **notes}


def recognize(
    path: Path | str,
    index: int,
    name: str,
    config: PipelineConfig,
    engine: OcrEngine | None = None,
    debug_dir: Path | None = None,
    *,
    models: Models | None = None,
) -> tuple[Page, dict[str, Any]]:
    """Page ``index`` of a scan file: read from the PDF's own text layer where that holds
    the page's text (pipeline.textlayer), OCR'd otherwise, both where the page also shows
    a large image. The report's ``source`` says which (``text``, ``ocr``, ``text+ocr``)."""
    path = Path(path)
    vietnamese = config.ocr.vietnamese
    layer = None
    if config.text_layer and sniff(path, name) == "PDF":
        lexicon = (models or default_models()).lexicon if vietnamese else None
        layer = textlayer.read_layer(path, index, lexicon)
    if layer is not None and layer.usable(vietnamese):
        report = {"source": textlayer.FROM_LAYER, **layer.report()}
        page = layer.page
        if layer.has_image:
            image = load_page(path, index, name)
            ocr_page, ocr_report = recognize_page(image, config, engine, debug_dir, models=models)
            page = textlayer.merge(page, ocr_page)
            report = {**ocr_report, **report, "source": textlayer.FROM_BOTH}
        if config.columns:
            page = analyze_layout(page, None, config.layout)
        return page, report
    image = load_page(path, index, name)
    page, report = recognize_page(image, config, engine, debug_dir, models=models)
    report = {**report, "source": textlayer.FROM_OCR}
    if layer is not None:  # a layer that is not the page's text (another tool's hidden OCR)
        report.update(layer.report(), layer_ignored=True)
    return page, report


def layer_step(pages: Sequence[Page], reports: Sequence[dict[str, Any]]) -> Step | None:
    """The "textlayer" step: where each page's words came from (None: every page OCR'd)."""
    entries = [
        {"page": p.index, **{k: v for k, v in r.items() if k == "source" or k.startswith("layer")}}
        for p, r in zip(pages, reports, strict=False)
        if "source" in r
    ]
    if all(e["source"] == textlayer.FROM_OCR and "layer_words" not in e for e in entries):
        return None
    return Step("textlayer", __version__, {"pages": entries})


def assemble(
    name: str,
    pages: Sequence[Page],
    config: PipelineConfig,
    page_reports: Sequence[dict[str, Any]] = (),
    *,
    models: Models | None = None,
    engine: OcrEngine | None = None,
    corrected: Sequence[tuple[Page, tuple[Correction, ...]]] | None = None,
) -> Document:
    """Build the Document of a file from its recognised pages (in page order), corrected
    with ``models`` (default: the process's shipped bundle); ``engine`` (default: the
    config's) is what the record says read them. ``corrected``: each page already
    corrected by :func:`correct_one` and its changes (a batch worker's), used as they are."""
    steps = []
    if config.preprocess.enabled:
        settings = {"config": config_settings(config.preprocess), "pages": list(page_reports)}
        steps.append(Step("preprocess", __version__, settings))
    steps.append(Step("ocr", __version__, (engine or worker_engine(config.ocr)).settings()))
    if config.columns:
        steps.append(Step("layout", __version__, {"columns": True}))
    if config.ocr.vietnamese:  # known words are Vietnamese syllables
        lexicon = (models or default_models()).lexicon
        steps.append(quality_step(name, pages, page_reports, lexicon))
    layer = layer_step(pages, page_reports)
    if layer is not None:
        steps.append(layer)
    doc = Document(name=name, pages=tuple(pages), steps=tuple(steps))
    if config.correct:
        # one Corrector per bundle and settings: its token caches serve every document
        corrector = (models or default_models()).corrector(config.correction)
        # a page read from its text layer is the document's own text: nothing to repair
        exact = {
            p.index
            for p, r in zip(pages, page_reports, strict=False)
            if r.get("source") == textlayer.FROM_LAYER
        }
        if corrected is not None:
            fixes = tuple(c for _, page_fixes in corrected for c in page_fixes)
            steps = doc.steps + (correction_step(corrector),)
            # codes and dates against their readings on the other OCR'd pages, as
            # correct_document does (a text-layer page is neither changed nor counted)
            ocr_pages = [p for p, _ in corrected if p.index not in exact]
            repaired, fixes = document_repeats(ocr_pages, fixes)
            by_index = {p.index: p for p in repaired}
            pages_now = tuple(by_index.get(p.index, p) for p, _ in corrected)
            doc = replace(doc, pages=pages_now, corrections=fixes, steps=steps)
        else:
            ocr_part = replace(doc, pages=tuple(p for p in doc.pages if p.index not in exact))
            fixed = correct_document(ocr_part, corrector=corrector)
            by_index = {p.index: p for p in fixed.pages}
            doc = replace(fixed, pages=tuple(by_index.get(p.index, p) for p in doc.pages))
    if config.structure:
        doc = structure(doc)
    return doc


def correct_one(
    page: Page, report: dict[str, Any], config: PipelineConfig, models: Models | None = None
) -> tuple[Page, tuple[Correction, ...]]:
    """A page's share of the document's correction (pages are corrected each on their
    own; a page read from its text layer is left as it is): a batch worker does it right
    after reading the page, so the document's last step is short and no worker waits."""
    if not config.correct or report.get("source") == textlayer.FROM_LAYER:
        return page, ()
    return correct_page(page, (models or default_models()).corrector(config.correction))


def quality_step(
    name: str, pages: Sequence[Page], reports: Sequence[dict[str, Any]], lexicon: Lexicon
) -> Step:
    """The "quality" step: each page's estimate (pipeline/quality.py) and the pages under
    the threshold, each logged as a warning: such a page is likely unusable."""
    padded = list(reports) + [{}] * (len(pages) - len(reports))
    found = [page_quality(p, lexicon, r) for p, r in zip(pages, padded, strict=False)]
    low = low_pages(found, QUALITY_THRESHOLD)
    for q in low:
        log.warning(
            "%s page %d: quality %.2f under %.2f (%.0f %% known words, mean confidence %.2f%s)"
            " - the text is likely unusable",
            name,
            q.page + 1,
            q.score,
            QUALITY_THRESHOLD,
            100 * q.known_share,
            q.mean_conf,
            ", read again at other sizes" if q.retried else "",
        )
    settings = {
        "threshold": QUALITY_THRESHOLD,
        "pages": [q.to_dict() for q in found],
        "low": [q.page for q in low],
    }
    return Step("quality", __version__, settings)


def ocr_file(
    path: Path | str,
    config: PipelineConfig | None = None,
    *,
    name: str | None = None,
    engine: OcrEngine | None = None,
    debug_dir: Path | None = None,
) -> Document:
    """Run the pipeline on every page of a PNG/JPEG/TIFF/PDF file and return its Document.

    ``name`` is how the document is called (default: the file name; never a full path);
    ``debug_dir`` receives an image per preprocessing stage applied.

    >>> doc = ocr_file("samples/quyet-dinh-ubnd.clean.tif")  # doctest: +SKIP
    >>> doc.text.splitlines()[0]  # doctest: +SKIP
    'ỦY BAN NHÂN DÂN'
    """
    require(path, (str, os.PathLike), "ocr_file: path")
    require(config, (PipelineConfig, type(None)), "ocr_file: config")
    path = Path(path)
    config = config or PipelineConfig()
    name = name or path.name
    engine = engine or worker_engine(config.ocr)
    results = [
        recognize(path, index, name, config, engine, debug_dir)
        for index in range(count_pages(path, name))
    ]
    return assemble(name, [p for p, _ in results], config, [r for _, r in results], engine=engine)
