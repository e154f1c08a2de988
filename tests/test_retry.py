from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline.document import Line, Page, Word
from pipeline.io import PageImage
from pipeline.models import default_models
from pipeline.preprocess import PreprocessConfig, preprocess
from pipeline.retry import RetryConfig, best, plausibility, read, read_best, retry_targets
from pipeline.tesseract import TesseractEngine

TEXT = (
    "@body\n"
    "Ủy ban nhân dân huyện yêu cầu Chủ tịch Ủy ban nhân dân các xã, thị trấn khẩn trương "
    "rà soát, tổng hợp danh sách đối tượng đủ điều kiện được hỗ trợ theo Nghị quyết số "
    "42/NQ-CP ngày 09 tháng 4 năm 2020 của Chính phủ.\n"
    "Đối với hộ có tên trong danh sách nhưng không đủ điều kiện hưởng thì đề nghị gia đình "
    "làm đơn không nhận chính sách hỗ trợ của Nhà nước có xác nhận của UBND xã."
)


def _page(*lines: str) -> Page:
    return Page(0, tuple(Line(tuple(Word(t) for t in ln.split())) for ln in lines))


def test_plausibility_is_the_share_of_known_words() -> None:
    lex = default_models().lexicon
    assert plausibility(_page("Ủy ban nhân dân tỉnh (UBND)", "số 42/NQ-CP; 2020"), lex) == 1.0
    assert plausibility(_page("Ủy ban nhân dân", "ftrq Ivn xgh wzz"), lex) == pytest.approx(0.5)
    assert plausibility(_page("12/2020 - 45"), lex) == 1.0  # nothing to judge
    assert best([0.8, 0.9, 0.9]) == 1
    assert retry_targets(24.0, RetryConfig()) == (19.2, 30.0)


def _synth(profile: str) -> PageImage:
    synth = pytest.importorskip("pipeline.workshop.synth")
    try:
        page = synth.synthesize(TEXT, profile, seed=4)[0]
    except Exception as e:  # fonts missing: the synthesizer says which
        pytest.skip(f"cannot render: {e}")
    return PageImage("t.png", 0, page.dpi, page.pixels)


def _degraded(gray: np.ndarray, scale: float, blur: float, noise: float, seed: int) -> np.ndarray:
    """A page as a bad scanner gives it: shrunk (low resolution), blurred, noisy."""
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    rng = np.random.default_rng(seed)
    blurred = cv2.GaussianBlur(small, (0, 0), blur).astype(np.float32)
    return np.clip(blurred + rng.normal(0, noise, blurred.shape), 0, 255).astype(np.uint8)


@pytest.mark.tesseract
def test_a_clean_page_is_read_once() -> None:
    image = _synth("clean")
    engine = TesseractEngine()
    prepared = preprocess(image)
    page = read(image, prepared, engine)
    kept, kept_prepared, notes = read_best(
        image, prepared, page, engine, PreprocessConfig(), default_models().lexicon
    )
    assert notes == {} and kept is page and kept_prepared is prepared


@pytest.mark.tesseract
@pytest.mark.slow
def test_a_blurred_low_resolution_page_keeps_its_likeliest_reading() -> None:
    clean = _synth("clean")
    gray = (
        clean.pixels if clean.pixels.ndim == 2 else cv2.cvtColor(clean.pixels, cv2.COLOR_RGB2GRAY)
    )
    image = PageImage("blur.png", 0, 75, _degraded(gray, 0.25, 1.2, 15, seed=1))
    engine = TesseractEngine()
    prepared = preprocess(image)
    page = read(image, prepared, engine)
    lex = default_models().lexicon
    kept, kept_prepared, notes = read_best(image, prepared, page, engine, PreprocessConfig(), lex)
    off = RetryConfig(enabled=False)  # vnocr run --no-retry
    assert read_best(image, prepared, page, engine, PreprocessConfig(), lex, off)[2] == {}
    shares = notes["retry.shares"]
    assert len(shares) == 3 and shares[0] < RetryConfig().below
    assert notes["retry.kept"] == best(shares)
    assert plausibility(kept, lex) == pytest.approx(max(shares), abs=1e-3)
    assert kept.to_source is not None and kept_prepared.image.pixels.shape == (
        kept.height,
        kept.width,
    )


class _Counting:
    """The real Tesseract engine, counting the rows of pixels it is given to read."""

    vietnamese = True

    def __init__(self) -> None:
        self.engine = TesseractEngine()
        self.rows: list[int] = []

    def settings(self) -> dict:
        return self.engine.settings()

    def recognize(self, image: PageImage, *, block: bool = False) -> Page:
        self.rows.append(image.pixels.shape[0])
        return self.engine.recognize(image, block=block)


@pytest.mark.tesseract
@pytest.mark.slow
def test_a_long_bad_page_tries_other_sizes_on_its_worst_lines_first() -> None:
    from pathlib import Path

    from pipeline.io import load_page

    sample = Path(__file__).resolve().parent.parent / "samples" / "cong-van-so.clean.tif"
    gray = load_page(sample, 0).pixels
    image = PageImage("long.png", 0, 90, _degraded(gray, 0.3, 1.3, 18, seed=2))
    engine = _Counting()
    prepared = preprocess(image)
    page = read(image, prepared, engine)
    lex = default_models().lexicon
    kept, _, notes = read_best(image, prepared, page, engine, PreprocessConfig(), lex)
    assert len(page.lines) >= 2 * RetryConfig().probe_lines
    band = notes["retry.band"]  # the first reading's share on its worst lines, each size's
    assert len(band) == 3 and band[0] < RetryConfig().below
    full = prepared.image.pixels.shape[0]
    probes = engine.rows[1:3]
    assert all(r < full / 2 for r in probes)  # the sizes were tried on a band, not the page
    whole = engine.rows[3:]
    assert len(whole) == (1 if max(band[1:]) > band[0] else 0)  # at most one more whole read
    shares = notes["retry.shares"]
    assert plausibility(kept, lex) == pytest.approx(max(shares), abs=1e-3)
