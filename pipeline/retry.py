"""More readings of a page Tesseract read badly, at other text sizes; the likeliest kept.

On a blurred, low-resolution page (a phone photo, a worn photocopy) Tesseract's reading
swings with the size the text is scaled to: on a 600x740 phone photo the body CER went
from 21 % to 33 % and back between x-heights 20, 24 and 30 px. Which reading is better
shows in the words: the share of them that are Vietnamese syllables (or known
abbreviations) tracked the CER across those readings. A page whose share is low is read
again at the other sizes and the reading with the highest share is kept. Clean pages
(share 0.95 or more on every real page measured) are read once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pipeline.document import Page
from pipeline.io import PageImage
from pipeline.lexicon import Lexicon
from pipeline.ocr import OcrEngine
from pipeline.preprocess import PreprocessConfig, PreprocessResult, preprocess

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


def plausibility(page: Page, lexicon: Lexicon) -> float:
    """Share of the page's letter words that are known syllables or abbreviations.

    1.0 for a page without letter words (nothing to judge)."""
    total = known = 0
    for line in page.lines:
        for word in line.words:
            core = word.text.strip(_EDGE)
            if not core.isalpha():
                continue
            total += 1
            known += lexicon.is_syllable(core.lower()) or lexicon.is_abbreviation(core)
    return known / total if total else 1.0


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
    readings = [(share, page, prepared)]
    for target in retry_targets(preprocess_config.target_x_height, cfg):
        again = preprocess(image, with_target(preprocess_config, target))
        other = read(image, again, engine)
        readings.append((plausibility(other, lexicon), other, again))
    k = best([r[0] for r in readings])
    notes = {"retry.shares": [round(r[0], 3) for r in readings], "retry.kept": k}
    return readings[k][1], readings[k][2], notes
