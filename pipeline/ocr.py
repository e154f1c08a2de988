"""The OCR seam: which engine reads a page, and its words grouped into lines.

The rest of vnocr sees an engine only through :class:`OcrEngine`: ``recognize`` a page (or
a block of lines, for the second reading of what the first lost), ``settings`` for the
document's record, and whether its text is Vietnamese (the retry check counts Vietnamese
syllables). ``OcrConfig.engine`` names the engine: ``tesseract`` (the Tesseract C API,
:mod:`pipeline.tesseract`) or ``module:Class`` for any other, so a worker process can
build it from the config alone. An engine keeps Tesseract's structure (block,
paragraph, line, word) rather than a flat string, because correction needs word
confidences and structure parsing needs boxes: engines give Tesseract's TSV rows,
which :func:`to_page` groups.
"""

from __future__ import annotations

import functools
import importlib
import math
import re
from dataclasses import dataclass
from typing import Any, Protocol

from pipeline.document import Box, Line, Page, Word, enclosing, nfc
from pipeline.errors import ConfigError
from pipeline.io import PageImage

#: Engines known by a short name: name -> "module:Class".
ENGINES = {"tesseract": "pipeline.tesseract:TesseractEngine"}

_LANG = re.compile(r"[A-Za-z0-9_]+(?:\+[A-Za-z0-9_]+)*")

#: The columns of Tesseract's TSV output, in order.
TSV_COLUMNS = (
    "level",
    "page_num",
    "block_num",
    "par_num",
    "line_num",
    "word_num",
    "left",
    "top",
    "width",
    "height",
    "conf",
    "text",
)


@dataclass(frozen=True, slots=True)
class OcrConfig:
    """The OCR engine and its settings: language model, page segmentation, time limit."""

    engine: str = "tesseract"  # a name in ENGINES, or "module:Class"
    lang: str = "vie"
    psm: int = 3  # page segmentation of the first reading (Tesseract's numbers)
    timeout_s: float = 300.0
    extra: str = ""  # further engine options, e.g. "-c preserve_interword_spaces=1"

    def __post_init__(self) -> None:
        if not isinstance(self.lang, str) or not _LANG.fullmatch(self.lang):
            raise ConfigError(
                f"lang {self.lang!r}: expected Tesseract model names like vie or vie+eng"
            )
        if not isinstance(self.psm, int) or isinstance(self.psm, bool) or not 0 <= self.psm <= 13:
            raise ConfigError(f"psm {self.psm!r}: Tesseract page segmentation modes are 0 to 13")
        if not isinstance(self.timeout_s, int | float) or not 0 < self.timeout_s < math.inf:
            raise ConfigError(f"timeout {self.timeout_s!r}: expected a number of seconds above 0")

    @property
    def vietnamese(self) -> bool:
        """Whether ``vie`` is among the models read with: the readings are Vietnamese text,
        so known words are syllables (the lexicon and the quality estimate apply)."""
        return "vie" in self.lang.split("+")


class OcrEngine(Protocol):
    """Anything that turns a page image into a Page of words (Tesseract, or a test double).

    An engine class is built as ``Engine(config: OcrConfig)``; a static ``check(config)``,
    when it has one, returns its version or raises MissingDependencyError."""

    def recognize(self, image: PageImage, *, block: bool = False) -> Page:
        """Read one page; ``block``: read it as one block of lines (no page layout)."""
        ...

    def settings(self) -> dict[str, Any]:
        """What the document's record says about this engine (name, model, modes)."""
        ...

    @property
    def vietnamese(self) -> bool:
        """Whether its readings are Vietnamese text (so known words are syllables)."""
        ...


def engine_class(name: str) -> type:
    """The class ``name`` (a name in ENGINES or ``module:Class``) stands for."""
    target = ENGINES.get(name, name)
    module, sep, cls = target.partition(":")
    if not sep:
        raise ValueError(f"unknown OCR engine {name!r} (known: {', '.join(ENGINES)})")
    return getattr(importlib.import_module(module), cls)


def make_engine(config: OcrConfig) -> OcrEngine:
    """A new engine for ``config``."""
    return engine_class(config.engine)(config)


@functools.cache
def worker_engine(config: OcrConfig) -> OcrEngine:
    """This process's engine for ``config``: made once, then reused for every page (a
    Tesseract model takes ~0.2 s to load)."""
    return make_engine(config)


def check_engine(config: OcrConfig) -> str:
    """The engine's version, or MissingDependencyError naming what to install.

    Called once per run before the first page, so a missing model is one clear error
    instead of one failure per file."""
    check = getattr(engine_class(config.engine), "check", None)
    return str(check(config)) if check else ""


def parse_tsv(tsv: str) -> dict[str, list[Any]]:
    """Tesseract's TSV (header line optional) as columns; numbers as ints, as pytesseract
    gives them (a confidence of 96.7 is 96)."""
    rows = [r.split("\t") for r in tsv.split("\n") if r]
    if rows and rows[0][0] == TSV_COLUMNS[0]:
        rows = rows[1:]
    data: dict[str, list[Any]] = {c: [] for c in TSV_COLUMNS}
    last = len(TSV_COLUMNS) - 1
    for row in rows:
        row = row + [""] * (len(TSV_COLUMNS) - len(row))  # an empty last text cell
        for i, column in enumerate(TSV_COLUMNS):
            data[column].append(row[i] if i == last else int(float(row[i])))
    return data


def to_page(data: dict[str, list], image: PageImage) -> Page:
    """Group Tesseract's TSV rows (level 5 = word) into lines, keeping boxes and conf."""
    groups: dict[tuple[int, int, int], list[Word]] = {}
    for i, level in enumerate(data["level"]):
        text = nfc(str(data["text"][i])).strip()
        conf = float(data["conf"][i])
        if level != 5 or not text or conf < 0:
            continue
        left, top = int(data["left"][i]), int(data["top"][i])
        box = Box(left, top, left + int(data["width"][i]), top + int(data["height"][i]))
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        groups.setdefault(key, []).append(Word(text, box, round(conf / 100.0, 4)))
    lines = []
    for (block, par, _), words in groups.items():
        lines.append(Line(tuple(words), enclosing(w.box for w in words), block, par))
    h, w = image.pixels.shape[:2]
    return Page(image.index, tuple(lines), width=w, height=h, dpi=image.dpi)
