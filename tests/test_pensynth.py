"""Tests for the pen-filled header synthesizer (pipeline/workshop/pensynth.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.workshop.pensynth import _FIGURES, _Hand, pen_page, write_figures

_HAND = _Hand(height=40.0, slant=0.2, width=0.6, weight=3, ink=0, wobble=0.02, lead_in=True)


def test_same_seed_same_page_and_values_a_header_can_hold() -> None:
    a, b = pen_page(7), pen_page(7)
    assert np.array_equal(a.pixels, b.pixels) and a.truth == b.truth
    assert not np.array_equal(pen_page(8).pixels, a.pixels)
    for seed in range(20):
        t = pen_page(seed).truth
        assert t.number.isdigit() and t.number[0] != "0" and len(t.number) <= 5
        assert 1 <= int(t.day) <= 31 and (t.month == "" or 1 <= int(t.month) <= 12)


@pytest.mark.parametrize("figure", sorted(_FIGURES))
def test_every_figure_is_written_within_its_height(figure: str) -> None:
    img = np.full((120, 200), 255, np.uint8)
    end = write_figures(img, figure, 40.0, 90.0, _HAND, np.random.default_rng(0))
    rows = np.flatnonzero((img < 128).any(axis=1))
    assert rows.size and rows[0] >= 90 - 1.3 * 40 and rows[-1] <= 90 + 0.2 * 40
    assert 40 < end < 40 + 2 * 40


def test_more_figures_take_more_room() -> None:
    rng = np.random.default_rng(1)
    widths = []
    for text in ("7", "77", "777"):
        img = np.full((120, 400), 255, np.uint8)
        widths.append(write_figures(img, text, 20.0, 90.0, _HAND, rng))
    assert widths[0] < widths[1] < widths[2]
