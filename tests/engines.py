"""OCR engines for tests: recorded Tesseract output replayed, and engines that fail.

``ReplayEngine`` gives, for each image it is asked to read, the TSV the real Tesseract
gave for that image (keyed by the pixels and the reading mode), so the logic around OCR
(retries, second readings, layout, the batch) is tested on real OCR output without
running Tesseract. An image with no recording is an error that says how to record it:
``VNOCR_RECORD=1 pytest ...`` reads it with the real engine and stores the TSV under
tests/data/tsv/. Engines are named to the pipeline as ``engines:ClassName`` (this folder
is on sys.path under pytest).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from pipeline.document import Page
from pipeline.errors import OcrEngineError
from pipeline.io import PageImage
from pipeline.ocr import OcrConfig, parse_tsv, to_page

RECORDINGS = Path(__file__).parent / "data" / "tsv"


def image_key(image: PageImage, block: bool, config: OcrConfig) -> str:
    """What a recording is looked up by: the pixels, the DPI and how they are read."""
    digest = hashlib.sha1(image.pixels.tobytes()).hexdigest()[:16]
    shape = "x".join(map(str, image.pixels.shape))
    return f"{config.lang}.psm{6 if block else config.psm}.{image.dpi}.{shape}.{digest}"


class ReplayEngine:
    """Tesseract's recorded TSV for each image; ``calls`` lists (source, block) asked."""

    name = "tesseract-replay"

    def __init__(self, config: OcrConfig | None = None) -> None:
        self.config = config or OcrConfig()
        self.calls: list[tuple[str, bool]] = []

    @property
    def vietnamese(self) -> bool:
        return self.config.vietnamese

    def settings(self) -> dict[str, Any]:
        return {"engine": self.name, "lang": self.config.lang, "psm": self.config.psm}

    def recognize(self, image: PageImage, *, block: bool = False) -> Page:
        self.calls.append((image.source, block))
        key = image_key(image, block, self.config)
        path = RECORDINGS / f"{key}.tsv"
        if not path.exists():
            if not os.environ.get("VNOCR_RECORD"):
                raise LookupError(f"{image.label}: no recorded TSV {path.name} (VNOCR_RECORD=1)")
            from pipeline.tesseract import TesseractEngine

            path.write_text(TesseractEngine(self.config).read_tsv(image, block=block), "utf-8")
        return to_page(parse_tsv(path.read_text(encoding="utf-8")), image)


class CrashingEngine(ReplayEngine):
    """Fails on every image of a source whose name contains "crash"; replays the rest."""

    def recognize(self, image: PageImage, *, block: bool = False) -> Page:
        if "crash" in image.source:
            raise OcrEngineError(f"{image.label}: the OCR engine crashed (test engine)")
        return super().recognize(image, block=block)


def calls_summary(engine: ReplayEngine) -> str:
    """The calls as JSON, for assertion messages."""
    return json.dumps(engine.calls)
