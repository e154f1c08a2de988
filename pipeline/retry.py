"""More readings of a page Tesseract read badly, at other text sizes; the likeliest kept.

On a blurred, low-resolution page (a phone photo, a worn photocopy) Tesseract's reading
swings with the size the text is scaled to: on a 600x740 phone photo the body CER went
from 21 % to 33 % and back between x-heights 20, 24 and 30 px. Which reading is better
shows in the words: the share of them that are Vietnamese syllables (or known
abbreviations) tracked the CER across those readings. A page whose share is low is read
again at the other sizes and the reading with the highest share is kept. Clean pages
(share 0.95 or more on every real page measured) are read once.

A whole reading costs as much as the first, and most are thrown away; so the other sizes
are first tried on a part of the page, the band of lines that read worst (the lines that
already read well are not read again to decide). Only a size that reads that band better
than the first reading did is read whole; when none does, the first reading stays.

A page that reads badly at every size may be upside down: the orientation vote is made
on the ink, and a half-empty page's seal and signature can outvote its few lines (or,
the other way, keep a page the scanner turned from being turned). Read upside down,
Tesseract finds a quarter of the words it knows (0.25-0.30 on scan, photo and photocopy
renders, against 0.94-0.98 upright), so such a page is read once more turned by 180°
and the turned reading kept when it reads clearly better.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from pipeline.document import Line, Page
from pipeline.io import PageImage
from pipeline.lexicon import Lexicon
from pipeline.ocr import OcrEngine
from pipeline.preprocess import PreprocessConfig, PreprocessResult, preprocess, turned

#: Rows (top, bottom) of a band of a page's lines, and the share of known words in it.
Band = tuple[int, int, float]

#: Punctuation stripped from a word before it is looked up.
_EDGE = "\"'“”‘’()[]{}<>.,;:!?…-–—/*•"


@dataclass(frozen=True, slots=True)
class RetryConfig:
    """When a page is read again, and at which text sizes."""

    enabled: bool = True
    #: Pages whose share of known words is below this are read again.
    below: float = 0.93
    #: Target x-heights of the other readings, as multiples of the preprocessing target.
    scales: tuple[float, ...] = (0.8, 1.25)
    #: The other sizes are tried on this many consecutive lines, those read worst; a page
    #: of fewer than twice as many lines is tried whole.
    probe_lines: int = 8
    #: A page whose best reading has a share under this is read again turned by 180°...
    turn_below: float = 0.5
    #: ... and that reading kept when its share is higher by at least this.
    turn_margin: float = 0.1


def plausibility(page: Page, lexicon: Lexicon) -> float:
    """Share of the page's letter words that are known syllables or abbreviations.

    1.0 for a page without letter words (nothing to judge)."""
    return _share([_counts(line, lexicon) for line in page.lines])


def _counts(line: Line, lexicon: Lexicon) -> tuple[int, int]:
    """Known and all letter words of a line."""
    total = known = 0
    for word in line.words:
        core = word.text.strip(_EDGE)
        if not core.isalpha():
            continue
        total += 1
        known += lexicon.is_syllable(core.lower()) or lexicon.is_abbreviation(core)
    return known, total


def _share(counts: list[tuple[int, int]]) -> float:
    total = sum(t for _, t in counts)
    return sum(k for k, _ in counts) / total if total else 1.0


def worst_band(page: Page, lexicon: Lexicon, size: int) -> Band | None:
    """Rows (top, bottom) of the ``size`` consecutive lines read worst, and their share;
    None when the page has fewer than ``2 * size`` lines with boxes (try it whole)."""
    lines = sorted((ln for ln in page.lines if ln.box is not None), key=lambda ln: ln.box.top)
    if len(lines) < 2 * size:
        return None
    counts = [_counts(ln, lexicon) for ln in lines]
    k = min(range(len(lines) - size + 1), key=lambda i: _share(counts[i : i + size]))
    band = lines[k : k + size]
    top = min(ln.box.top for ln in band)  # type: ignore[union-attr]
    bottom = max(ln.box.bottom for ln in band)  # type: ignore[union-attr]
    return top, bottom, _share(counts[k : k + size])


def retry_targets(base_target: float, config: RetryConfig) -> tuple[float, ...]:
    """The x-heights (px) of the other readings."""
    return tuple(round(base_target * s, 1) for s in config.scales)


def best(shares: list[float]) -> int:
    """Index of the reading with the highest share (the first one on a tie)."""
    return max(range(len(shares)), key=lambda i: (shares[i], -i))


def with_target(cfg: PreprocessConfig, target: float) -> PreprocessConfig:
    """``cfg`` rescaling every page to ``target`` px of x-height."""
    return replace(cfg, target_x_height=target).with_modes(rescale="on")


def read(image: PageImage, prepared: PreprocessResult, engine: OcrEngine) -> Page:
    """The OCR of a preprocessed page, with its index and its way back to ``image``."""
    page = engine.recognize(prepared.image)
    return replace(page, index=image.index, to_source=prepared.to_source())


def read_best(
    image: PageImage,
    prepared: PreprocessResult,
    page: Page,
    engine: OcrEngine,
    preprocess_config: PreprocessConfig,
    lexicon: Lexicon,
    config: RetryConfig | None = None,
) -> tuple[Page, PreprocessResult, dict[str, Any]]:
    """``page`` (the reading of ``prepared``), or a likelier reading at another text size.

    Returns the reading kept, its preprocessed image, and what was tried (for the
    document's record; empty when the page was read once).
    """
    cfg = config or RetryConfig()
    share = plausibility(page, lexicon)
    if not cfg.enabled or share >= cfg.below:
        return page, prepared, {}
    band = worst_band(page, lexicon, cfg.probe_lines)
    readings = [(share, page, prepared)]
    tried: list[tuple[float, PreprocessResult]] = []  # each size's share on the band
    for target in retry_targets(preprocess_config.target_x_height, cfg):
        again = preprocess(image, with_target(preprocess_config, target))
        if band is None:  # a short page: the band is the page
            other = read(image, again, engine)
            readings.append((plausibility(other, lexicon), other, again))
            continue
        probe = _read_band(engine, again, band, prepared)
        tried.append((plausibility(probe, lexicon), again))
    notes: dict[str, Any] = {}
    if tried:
        notes["retry.band"] = [round(band[2], 3)] + [round(t[0], 3) for t in tried]
        top, again = max(tried, key=lambda t: t[0])
        if top > band[2]:  # only a size that reads the worst lines better is read whole
            other = read(image, again, engine)
            readings.append((plausibility(other, lexicon), other, again))
    k = best([r[0] for r in readings])
    if readings[k][0] < cfg.turn_below:
        flipped = turned(readings[k][2], 180)
        other = read(image, flipped, engine)
        s = plausibility(other, lexicon)
        notes["retry.turned"] = round(s, 3)
        if s >= readings[k][0] + cfg.turn_margin:
            readings.append((s, other, flipped))
            k = len(readings) - 1
    notes |= {"retry.shares": [round(r[0], 3) for r in readings], "retry.kept": k}
    return readings[k][1], readings[k][2], notes


def _read_band(
    engine: OcrEngine,
    again: PreprocessResult,
    band: tuple[int, int, float],
    first: PreprocessResult,
) -> Page:
    """The reading of ``again`` between the band's rows (found on ``first``'s pixels), with
    half a line of margin above and below."""
    f = again.image.pixels.shape[0] / first.image.pixels.shape[0]
    top, bottom = band[0] * f, band[1] * f
    pad = (bottom - top) / 16
    rows = again.image.pixels[max(0, int(top - pad)) : int(bottom + pad) + 1]
    img = again.image
    return engine.recognize(PageImage(img.source, img.index, img.dpi, np.ascontiguousarray(rows)))
