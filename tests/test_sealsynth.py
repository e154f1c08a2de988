"""Tests for the seal-over-signature synthesizer (pipeline/workshop/sealsynth.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.preprocess.rings import seal_rings
from pipeline.structure.closing import SURNAMES
from pipeline.workshop.sealsynth import DIAMETER_MM, seal_page


def _ink_share(pixels: np.ndarray, x: float, y: float, r: float, dark: int = 200) -> float:
    """Share of 360 points on the circle (x, y, r) with ink within 2 px of them."""
    hits = 0
    for a in np.linspace(0, 2 * np.pi, 360, endpoint=False):
        px, py = int(round(x + r * np.cos(a))), int(round(y + r * np.sin(a)))
        hits += bool((pixels[py - 2 : py + 3, px - 2 : px + 3] < dark).any())
    return hits / 360


@pytest.mark.parametrize("seed", [0, 3])  # a gray (red seal) and a bitonal (black) page
def test_the_ring_is_drawn_where_the_truth_says(seed: int) -> None:
    page = seal_page(seed)
    x, y, r = page.truth.seal
    lo, hi = (d / 2 * page.dpi / 25.4 for d in DIAMETER_MM)
    assert lo * 0.95 < r < hi
    assert _ink_share(page.pixels, x, y, r) > 0.97
    # A circle well outside the ring is not ink all round (the ring is where it says).
    assert _ink_share(page.pixels, x, y, r * 1.15) < 0.6
    if page.truth.bitonal:
        assert set(np.unique(page.pixels)) <= {0, 255}


def test_same_seed_same_page_and_names_from_family_names() -> None:
    a, b = seal_page(5), seal_page(5)
    assert np.array_equal(a.pixels, b.pixels) and a.truth == b.truth
    assert a.truth.name.split()[0] in SURNAMES
    assert not np.array_equal(seal_page(6).pixels, a.pixels)


@pytest.mark.parametrize("seed", [2, 3])  # a red seal in gray and a black one
def test_the_pipelines_ring_finder_sees_the_seal(seed: int) -> None:
    page = seal_page(seed)
    x, y, r = page.truth.seal
    rings = seal_rings(page.pixels < 200, 13.5 * page.dpi / 72)
    assert any(abs(g.x - x) < 0.1 * r and abs(g.r - r) < 0.15 * r for g in rings)


@pytest.mark.slow
def test_a_name_and_title_under_a_red_seal_scanned_in_gray_read_right() -> None:
    """Seed 5 (tuning seed): a red seal in gray over "KT. BỘ TRƯỞNG / THỨ TRƯỞNG"; Otsu
    leaves the light ring out, so the ring is found on all ink darker than the paper and
    its rows read again with the seal's light ink painted white (the session-start code
    read no on-behalf line and no title here)."""
    from pipeline.io import PageImage
    from pipeline.process import PipelineConfig, assemble, recognize_page

    page = seal_page(5)
    assert not page.truth.bitonal
    laid, _ = recognize_page(PageImage("seal-5", 0, page.dpi, page.pixels), PipelineConfig())
    sig = assemble("seal-5", [laid], PipelineConfig()).signature
    assert sig is not None
    assert (sig.on_behalf, sig.position, sig.name) == (
        page.truth.on_behalf,
        page.truth.position,
        page.truth.name,
    )
