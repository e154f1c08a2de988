"""Tesseract 5 through its C API (tesserocr): the model loaded once, then every page read.

Running the ``tesseract`` program per page reloads the language model each time (~0.2 s
of a ~1-2 s page, more for the small second readings); one ``TessBaseAPI`` per engine
keeps it loaded. tesserocr is built against the system's libtesseract, the library the
``tesseract`` program runs on, so the TSV rows (words, boxes, confidences) are the
program's own.

Tesseract runs single-threaded (OMP_THREAD_LIMIT=1 unless set): vnocr reads pages in
parallel processes, and Tesseract's own threads cost more CPU than they save.
"""

from __future__ import annotations

import functools
import logging
import os
import shlex
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.document import Page
from pipeline.errors import MissingDependencyError, OcrEngineError, OcrTimeoutError
from pipeline.filehash import MISSING, content_hash
from pipeline.io import PDF_DPI, PageImage
from pipeline.ocr import OcrConfig, parse_tsv, to_page

log = logging.getLogger(__name__)

_APT_NAMES = {"vie": "tesseract-ocr-vie", "eng": "tesseract-ocr-eng"}
#: Tesseract's page segmentation mode for "one uniform block of text".
PSM_BLOCK = 6


def _tesserocr():  # noqa: ANN202 - the module stays inside this one
    """tesserocr, imported once OpenMP has been told to use one thread (read at load)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        import tesserocr
    except ImportError as e:
        raise MissingDependencyError(
            f"cannot load the Tesseract library ({e}); Debian: apt-get install tesseract-ocr "
            "libtesseract-dev, then reinstall vnocr (make venv)"
        ) from e
    return tesserocr


@functools.cache
def check_tesseract(lang: str = "vie") -> str:
    """Return Tesseract's version, or raise naming the Debian package that is missing."""
    tesserocr = _tesserocr()
    version = tesserocr.tesseract_version().split()[1]
    if not version.startswith(("4", "5", "6")):
        raise MissingDependencyError(f"tesseract {version} is too old; vnocr needs 5.x")
    _, langs = tesserocr.get_languages()
    for code in lang.split("+"):
        if code not in langs:
            pkg = _APT_NAMES.get(code, f"tesseract-ocr-{code}")
            raise MissingDependencyError(
                f"tesseract has no '{code}' model (Debian: apt-get install {pkg}); "
                f"installed: {', '.join(sorted(langs)) or 'none'}"
            )
    return version


def model_identity(langs: Iterable[str]) -> dict[str, str]:
    """Tesseract's and Leptonica's versions and a content hash of each named model, read
    where this process's Tesseract reads them (``TESSDATA_PREFIX`` as it was when tesserocr
    was loaded, else the built-in folder): part of the resume fingerprint, so that another
    traineddata or Tesseract makes the outputs it read out of date."""
    try:
        tesserocr = _tesserocr()
    except MissingDependencyError:
        return {"tesseract": MISSING}
    folder, _ = tesserocr.get_languages()
    out = {"tesseract": " ".join(tesserocr.tesseract_version().split()[:3])}
    for code in sorted(set(langs)):
        out[f"{code}.traineddata"] = content_hash(Path(folder) / f"{code}.traineddata")
    return out


def _variables(extra: str) -> dict[str, str]:
    """``-c name=value`` options (as the tesseract program takes them) as variables."""
    words = shlex.split(extra)
    out: dict[str, str] = {}
    for flag, item in zip(words[::2], words[1::2], strict=False):
        name, sep, value = item.partition("=")
        if flag != "-c" or not sep:
            raise ValueError(f"OCR option {flag} {item}: expected -c NAME=VALUE")
        out[name] = value
    if len(words) % 2:
        raise ValueError(f"OCR options {extra!r}: expected pairs of -c NAME=VALUE")
    return out


class TesseractEngine:
    """Tesseract 5 with a fixed :class:`OcrConfig`; the model loads on the first page."""

    name = "tesseract"

    def __init__(self, config: OcrConfig | None = None) -> None:
        self.config = config or OcrConfig()
        self._variables = _variables(self.config.extra)
        self._api: Any = None

    @staticmethod
    def check(config: OcrConfig) -> str:
        """Tesseract's version; MissingDependencyError when it or a model is missing."""
        return check_tesseract(config.lang)

    @property
    def vietnamese(self) -> bool:
        """True when ``vie`` is among the models read with."""
        return self.config.vietnamese

    def settings(self) -> dict[str, Any]:
        """Engine, model and page segmentation mode, for the document's record."""
        return {"engine": self.name, "lang": self.config.lang, "psm": self.config.psm}

    def recognize(self, image: PageImage, *, block: bool = False) -> Page:
        """OCR one page; an empty page gives a Page with no lines and a warning."""
        page = to_page(parse_tsv(self.read_tsv(image, block=block)), image)
        if not page.lines and not block:
            log.warning("%s: no text found", image.label)
        return page

    def read_tsv(self, image: PageImage, *, block: bool = False) -> str:
        """Tesseract's TSV rows for one page (what ``tesseract IMAGE - tsv`` prints)."""
        cfg = self.config
        api = self._ready()
        pixels = np.ascontiguousarray(image.pixels, dtype=np.uint8)
        h, w = pixels.shape[:2]
        depth = 1 if pixels.ndim == 2 else pixels.shape[2]
        api.SetPageSegMode(PSM_BLOCK if block else cfg.psm)
        api.SetVariable("user_defined_dpi", str(image.dpi or PDF_DPI))
        api.SetImageBytes(pixels.tobytes(), w, h, depth, w * depth)
        if not api.Recognize(timeout=int(cfg.timeout_s * 1000)):
            api.Clear()
            raise OcrTimeoutError(f"{image.label}: OCR took over {cfg.timeout_s:g} s")
        tsv = api.GetTSVText(0)
        api.Clear()
        if tsv is None:
            raise OcrEngineError(f"{image.label}: tesseract gave no result")
        return tsv

    def load(self) -> None:
        """Load the model now (a pool worker's warm-up) rather than on the first page."""
        self._ready()

    def _ready(self) -> Any:
        """The loaded API (loading the model the first time)."""
        if self._api is None:
            tesserocr = _tesserocr()
            check_tesseract(self.config.lang)
            try:
                self._api = tesserocr.PyTessBaseAPI(
                    lang=self.config.lang, psm=self.config.psm, variables=self._variables
                )
            except RuntimeError as e:
                raise OcrEngineError(f"tesseract cannot load '{self.config.lang}' ({e})") from e
        return self._api

    def close(self) -> None:
        """Free the model (it is freed with the process otherwise)."""
        if self._api is not None:
            self._api.End()
            self._api = None


#: The model digits written by hand are read with: digits are the same in every Latin
#: model, and on the pen figures of real headers eng reads them far more steadily than vie
#: (tune pages: 143 as 143 at 12 of 12 sizes and binarisations, vie at none).
DIGIT_LANG = "eng"


class DigitReader:
    """Tesseract told to see nothing but digits, one line per image (``--psm 7``); the
    model loads on the first read. ``read`` gives None when the model is not installed."""

    def __init__(self) -> None:
        self._api: Any = None
        self._missing = False

    def read(self, pixels: np.ndarray) -> str | None:
        """The digits Tesseract reads in ``pixels`` (8-bit gray, one line), "" for none."""
        api = self._ready()
        if api is None:
            return None
        pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
        h, w = pixels.shape[:2]
        api.SetImageBytes(pixels.tobytes(), w, h, 1, w)
        text = api.GetUTF8Text() or ""
        api.Clear()
        return "".join(text.split())

    def _ready(self) -> Any:
        if self._api is None and not self._missing:
            try:
                check_tesseract(DIGIT_LANG)
            except MissingDependencyError as e:
                log.warning("handwritten figures are not read again: %s", e)
                self._missing = True
                return None
            self._api = _tesserocr().PyTessBaseAPI(
                lang=DIGIT_LANG, psm=7, variables={"tessedit_char_whitelist": "0123456789"}
            )
        return self._api


@functools.cache
def digit_reader() -> DigitReader:
    """This process's DigitReader (one model load per worker)."""
    return DigitReader()
