"""A page that reads badly at every text size is read again upside down (issue 13,
item 5): the orientation vote was wrong, or the scanner turned the page and a seal kept
it from being turned back."""

from __future__ import annotations

import os

import numpy as np
import pytest

from pipeline.io import PageImage
from pipeline.preprocess import PreprocessConfig, preprocess, turned
from pipeline.retry import RetryConfig, plausibility, read, read_best

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def test_turned_maps_back_onto_the_input() -> None:
    px = np.full((40, 60), 255, np.uint8)
    px[5:9, 10:14] = 0
    img = PageImage("t", 0, 300, px)
    res = turned(preprocess(img, PreprocessConfig(enabled=False)), 180)
    assert res.image.pixels.shape == (40, 60) and res.image.pixels[33, 48] == 0
    back = np.array(res.to_source()).reshape(3, 3) @ [48.5, 33.5, 1.0]
    assert np.allclose(back[:2], [11.5, 6.5])
    assert res.summary()["turn.angle"] == 180 and "turn" in res.applied


@pytest.mark.slow
def test_an_upside_down_page_the_vote_left_is_read_turned() -> None:
    """A rendered scan upside down, with orientation off (as if the vote had been wrong):
    every size reads it badly, the turned reading is kept."""
    from pipeline.models import default_models
    from pipeline.tesseract import TesseractEngine
    from pipeline.workshop import synth

    text = (
        "@body\nCăn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025; theo đề nghị của "
        "Bộ trưởng Bộ Nội vụ, Chính phủ ban hành Nghị định quy định chức năng, nhiệm vụ, "
        "quyền hạn và cơ cấu tổ chức của các cơ quan chuyên môn thuộc Ủy ban nhân dân.\n"
    ) * 3
    page = synth.synthesize(text, "scan", seed=3)[0]
    image = PageImage("ud", 0, page.dpi, np.ascontiguousarray(np.rot90(page.pixels, 2)))
    cfg = PreprocessConfig().with_modes(orientation="off")
    engine, lexicon = TesseractEngine(), default_models().lexicon
    prepared = preprocess(image, cfg)
    first = read(image, prepared, engine)
    assert plausibility(first, lexicon) < 0.5
    kept, result, notes = read_best(image, prepared, first, engine, cfg, lexicon)
    assert notes["retry.turned"] > 0.9 and plausibility(kept, lexicon) > 0.9
    assert "turn" in result.applied and "Chính phủ" in kept.text
    same, _, off = read_best(
        image, prepared, first, engine, cfg, lexicon, RetryConfig(turn_below=0.0)
    )
    assert "retry.turned" not in off and plausibility(same, lexicon) < 0.5
