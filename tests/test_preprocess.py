"""Preprocessing stages on rendered pages: each does its one job and leaves clean pages be."""

from __future__ import annotations

import functools
from pathlib import Path

import cv2
import numpy as np
import pytest

from pipeline.io import PageImage
from pipeline.metrics import cer
from pipeline.preprocess import (
    Mode,
    PreprocessConfig,
    PreprocessResult,
    denoise,
    ink,
    light,
    orient,
    page,
    preprocess,
    scale,
)
from pipeline.workshop.degrade import photocopy

BODY = (
    "Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành và địa phương tăng cường công tác "
    "phòng cháy, chữa cháy rừng trong mùa khô năm nay.",
    "Giám đốc Sở Nông nghiệp chủ trì, phối hợp với Công an tỉnh kiểm tra việc thực hiện "
    "và báo cáo kết quả trước ngày 15 tháng 4.",
    "Chủ tịch Ủy ban nhân dân các huyện chịu trách nhiệm trước Chủ tịch tỉnh nếu để xảy ra "
    "cháy rừng trên địa bàn do thiếu kiểm tra, đôn đốc.",
    "Các cơ quan báo chí đẩy mạnh tuyên truyền để người dân hiểu rõ và chấp hành nghiêm "
    "quy định về bảo vệ rừng.",
)
MARKS = "ạ ả ặ ẩ ợ ụ ỵ ị ậ ổ ả ạ ẳ ỏ ọ"


@functools.cache
def _render(text: str, dpi: int) -> tuple[np.ndarray, str, tuple]:
    synth = pytest.importorskip("pipeline.workshop.synth")
    try:
        (p, *_) = synth.render(synth.parse_spec("@body\n" + text), dpi=dpi)
    except Exception as e:  # fonts missing: the synthesizer says which
        pytest.skip(f"cannot render: {e}")
    return p.pixels, p.text, p.regions


def _page(dpi: int = 150) -> np.ndarray:
    return _render("\n".join(BODY), dpi)[0]


def _ink_pts(gray: np.ndarray, xh: float) -> np.ndarray:
    r = min(1.0, 10.0 / xh)
    small = cv2.resize(light.otsu_ink(gray), None, fx=r, fy=r, interpolation=cv2.INTER_AREA)
    return orient.ink_points(small > 96)


def _skewed(gray: np.ndarray, angle: float) -> np.ndarray:
    """The page turned counter-clockwise by ``angle`` degrees, on white."""
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


@pytest.mark.parametrize("quarter", [1, 2, 3])
def test_quarter_turns_are_undone_exactly(quarter: int) -> None:
    upright = _page()
    turned = np.ascontiguousarray(np.rot90(upright, quarter))  # counter-clockwise
    only = PreprocessConfig().with_modes(deskew="off", denoise="off", rescale="off")
    res = preprocess(PageImage("t.png", 0, 150, turned), only)
    assert res.stages[-1].stage == "deskew" or "orientation" in res.applied
    assert np.array_equal(res.image.pixels, upright)
    report = next(s for s in res.stages if s.stage == "orientation")
    assert report.detail["angle"] == quarter * 90


def test_upright_page_is_not_turned() -> None:
    pts = _ink_pts(_page(), 12)
    angle, ratio, detail = orient.find_orientation(pts)
    assert angle == 0 and ratio > 2 and detail["up_score"] > 0.2


@pytest.mark.parametrize("angle", [-4.3, -1.2, 0.35, 0.9, 2.6, 6.0])
def test_skew_is_measured_within_a_fifth_of_a_degree(angle: float) -> None:
    pts = _ink_pts(_skewed(_page(), angle), 12)
    found, _ = orient.find_skew(pts, precision=0.02)
    assert abs(found + angle) < 0.2  # the correction turns the other way


def test_deskew_straightens_the_page() -> None:
    skewed = PageImage("s.png", 0, 150, _skewed(_page(), -2.0))
    res = preprocess(skewed)
    assert "deskew" in res.applied
    again, _ = orient.find_skew(_ink_pts(res.image.pixels, 12), precision=0.02)
    assert abs(again) < 0.15


def test_red_seal_goes_and_black_print_under_it_stays() -> None:
    gray = _page()
    h, w = gray.shape
    rgb = np.repeat(gray[:, :, None], 3, axis=2).astype(np.float32)
    cy, cx, r = 160, w // 2, 120  # over the first lines of text
    yy, xx = np.mgrid[:h, :w]
    ring = np.abs(np.hypot(yy - cy, xx - cx) - r) < 8
    disk = np.hypot(yy - cy, xx - cx) < r * 0.5
    seal = (ring | disk)[:, :, None] * (1.0 - np.array([205, 28, 42]) / 255.0) * 0.9
    stamped = np.clip(rgb * (1.0 - seal), 0, 255).astype(np.uint8)
    assert ink.colour_fraction(stamped) > 0.0005

    out = ink.remove_colour_ink(stamped)
    region = ring | disk
    text = light.otsu_ink(gray) > 0
    plain_luma = ink.to_gray(stamped)
    # Seal-only pixels go back to paper; with plain luminance they would read as ink.
    assert np.median(plain_luma[region & ~text]) < 130
    assert np.percentile(out[region & ~text], 5) > 200
    # Black print under the seal stays dark.
    under = region & text & (gray < 60)
    assert under.sum() > 200
    assert np.percentile(out[under], 90) < 90
    # And the page away from the seal (beyond the few px of its rim) is its luminance.
    rim = cv2.dilate(region.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    assert np.array_equal(out[~rim], gray[~rim])


def test_blue_signature_goes_too() -> None:
    gray = _page()
    rgb = np.repeat(gray[:, :, None], 3, axis=2).copy()
    cv2.line(rgb, (100, 120), (600, 180), (35, 60, 170), 5)  # a pen stroke across the text
    out = ink.remove_colour_ink(rgb)
    stroke = np.zeros(gray.shape, np.uint8)
    cv2.line(stroke, (100, 120), (600, 180), 1, 3)
    blank = (stroke > 0) & (gray > 200)
    assert np.percentile(out[blank], 10) > 190


def _marks_crop() -> tuple[np.ndarray, float]:
    pixels, _, regions = _render(MARKS, 300)
    left, t, r, b = dict(regions)["body"]
    crop = np.ascontiguousarray(pixels[max(0, t - 60) : b + 60, max(0, left - 60) : r + 60])
    return crop, scale.estimate_x_height(light.otsu_ink(_page(300))) or 28.0


@pytest.mark.parametrize("max_area", [None, 40])
def test_tone_mark_dots_and_hooks_survive_speck_removal(max_area: int | None) -> None:
    crop, xh = _marks_crop()
    text = light.otsu_ink(crop)
    _, _, stats, _ = cv2.connectedComponentsWithStats(text)
    # With 40 px the dots of ạ ụ ỵ and the hooks of ả ẩ ỏ are all speck-sized.
    assert (stats[1:, cv2.CC_STAT_AREA] <= 40).sum() >= 8
    # Toner specks (3x3 px) away from the text.
    rng = np.random.default_rng(3)
    noisy = crop.copy()
    h, w = crop.shape
    placed = 0
    for _ in range(400):
        y, x = int(rng.integers(2, h - 4)), int(rng.integers(2, w - 4))
        if text[max(0, y - 30) : y + 30, max(0, x - 30) : x + 30].any():
            continue
        noisy[y : y + 3, x : x + 3] = 0
        placed += 1
    assert placed > 20
    mask = denoise.speck_mask(light.otsu_ink(noisy), xh, max_area=max_area)
    assert not (mask & (text > 0)).any(), "a tone mark was taken for a speck"
    cleaned = denoise.paint(noisy, mask, 255)
    assert (cleaned < 128).sum() == pytest.approx((crop < 128).sum(), rel=0.02)


def test_dot_leaders_are_not_specks() -> None:
    """A draft's "số .../2025" and "ngày ..... tháng" dots stay; a lone speck goes."""
    xh = 18.0
    ink = np.zeros((200, 900), np.uint8)
    cv2.rectangle(ink, (20, 40), (200, 58), 255, -1)  # a word before the leader
    for x in range(300, 300 + 8 * 10, 10):  # eight dots, 4x3 px, 10 px apart
        ink[50:53, x : x + 4] = 255
    for x in (600, 610):  # two dots only, then the third touches a letter
        ink[50:53, x : x + 4] = 255
    ink[50:53, 620:624] = 255
    cv2.rectangle(ink, (626, 40), (700, 58), 255, -1)
    ink[150:153, 450:454] = 255  # a speck between lines
    mask = denoise.speck_mask(ink, xh)
    assert mask[150:153, 450:454].all()
    assert not mask[40:60, 250:650].any()


def test_denoise_stage_keeps_marks_on_a_noisy_page() -> None:
    crop, _ = _marks_crop()
    res = preprocess(
        PageImage("m.png", 0, 300, crop),
        PreprocessConfig().with_modes(denoise="on", deskew="off", orientation="off"),
    )
    text = light.otsu_ink(crop) > 0
    assert (res.image.pixels[text] < 128).mean() > 0.97


def test_low_dpi_scan_is_enlarged_to_tesseract_size() -> None:
    small = _page(100)
    xh = scale.estimate_x_height(light.otsu_ink(small))
    assert xh is not None and 6 < xh < 12
    res = preprocess(PageImage("low.png", 0, 100, small))
    assert "rescale" in res.applied
    new_xh = scale.estimate_x_height(light.otsu_ink(res.image.pixels))
    assert 20 <= new_xh <= 28
    assert res.image.dpi == pytest.approx(100 * res.image.pixels.shape[0] / small.shape[0], abs=2)


def test_x_height_matches_the_render_resolution() -> None:
    xh150 = scale.estimate_x_height(light.otsu_ink(_page(150)))
    xh300 = scale.estimate_x_height(light.otsu_ink(_page(300)))
    assert xh300 == pytest.approx(2 * xh150, rel=0.12)
    assert scale.scale_factor(xh300) == 1.0


def test_clean_page_is_left_alone(tmp_path: Path) -> None:
    img = PageImage("clean.png", 0, 300, _page(300))
    res = preprocess(img, debug_dir=tmp_path)
    assert res.applied == ()
    assert res.image is img
    assert list(tmp_path.iterdir()) == []
    assert res.summary()["applied"] == []


def test_uneven_light_is_flattened() -> None:
    gray = _page().astype(np.float32)
    h, w = gray.shape
    shade = np.linspace(0.45, 1.0, w, dtype=np.float32)[None, :] * np.ones((h, 1), np.float32)
    dim = (gray * shade).astype(np.uint8)
    bg = light.estimate_background(dim, stroke_px=max(dim.shape) / 100)
    assert light.background_spread(bg) > 60
    flat = light.flatten(dim, bg)
    paper = flat[_page() > 250]
    assert np.percentile(paper, 5) > 225
    text = light.otsu_ink(_page()) > 0
    assert np.median(flat[text]) < 110


def test_photo_of_a_page_is_cut_out_and_squared(tmp_path: Path) -> None:
    gray = _page()
    h, w = gray.shape
    H, W = int(h * 1.2), int(w * 1.2)
    corners = np.array([[90, 60], [w + 120, 110], [w + 160, h + 150], [60, h + 100]], np.float32)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    m = cv2.getPerspectiveTransform(src, corners)
    photo = cv2.warpPerspective(gray, m, (W, H), borderValue=60)
    quad = page.find_page_quad(photo)
    assert quad is not None
    assert np.abs(quad - corners).max() < 0.02 * W
    res = preprocess(PageImage("photo.jpg", 0, None, photo), debug_dir=tmp_path)
    assert "outline" in res.applied
    oh, ow = res.image.pixels.shape
    assert abs(ow / oh - w / h) < 0.03
    assert any(p.name.endswith("-outline.png") for p in tmp_path.iterdir())


def test_flatbed_scan_has_no_outline_to_correct() -> None:
    assert page.find_page_quad(_page()) is None


def test_dark_copier_bands_are_removed() -> None:
    gray = _page().copy()
    gray[:, :40] = 10
    gray[-30:, :] = 15
    mask = page.dark_border_mask(light.otsu_ink(gray))
    assert mask[:, :30].mean() > 0.95 and mask[-20:, :].mean() > 0.95
    text = light.otsu_ink(_page()) > 0
    assert not (mask & text)[:, 60:-60].any()


def test_photocopy_profile_is_harsh_but_readable_in_shape() -> None:
    clean = _page()
    copy = photocopy(clean, seed=1)
    assert copy.shape == clean.shape and copy.dtype == np.uint8
    assert not np.array_equal(copy, photocopy(clean, seed=2))
    assert np.array_equal(copy, photocopy(clean, seed=1))
    res = preprocess(PageImage("copy.png", 0, 150, copy))
    assert {"borders", "denoise", "deskew"} <= set(res.applied)


def test_config_switches() -> None:
    cfg = PreprocessConfig().with_modes(deskew="off", binarize=Mode.ON)
    assert cfg.deskew is Mode.OFF and cfg.binarize is Mode.ON
    with pytest.raises(ValueError, match="unknown preprocessing stage"):
        PreprocessConfig().with_modes(sharpen="on")
    img = PageImage("x.png", 0, 150, _skewed(_page(), 2.0))
    assert preprocess(img, PreprocessConfig(enabled=False)).image is img
    assert "deskew" not in preprocess(img, cfg).applied
    res = preprocess(img, PreprocessConfig().with_modes(binarize="on"))
    assert set(np.unique(res.image.pixels)) <= {0, 255}


@pytest.mark.tesseract
@pytest.mark.slow
def test_rotated_synthesized_page_reads_like_the_upright_one() -> None:
    from pipeline.ocr import OcrConfig
    from pipeline.tesseract import TesseractEngine

    pixels, truth, _ = _render("\n".join(BODY[:2]), 300)
    engine = TesseractEngine(OcrConfig(lang="vie"))
    upright = cer(engine.recognize(PageImage("u.png", 0, 300, pixels)).text, truth)
    turned = PageImage("r.png", 0, 300, np.ascontiguousarray(np.rot90(pixels, -1)))
    res = preprocess(turned)
    assert "orientation" in res.applied
    rotated = cer(engine.recognize(res.image).text, truth)
    assert upright < 0.05
    assert rotated <= upright * 1.1 + 0.002


def test_300dpi_pages_are_measured_on_a_half_size_copy() -> None:
    assert scale.work_factor(_page(300).shape) == 2
    assert scale.work_factor(_page(150).shape) == 1
    half = scale.shrink(_page(300), 2)
    assert half.shape == (_page(300).shape[0] // 2, _page(300).shape[1] // 2)
    # The x-height measured on the copy is the full-size one.
    full = scale.estimate_x_height(light.otsu_ink(_page(300)))
    reduced = scale.estimate_x_height(light.otsu_ink(half))
    assert full is not None and reduced is not None
    assert 2 * reduced == pytest.approx(full, rel=0.08)


def test_tiny_specks_on_a_300dpi_page_are_still_found() -> None:
    """One-pixel specks vanish from the half-size copy; the cheap test must not miss them."""
    clean = _page(300)
    noisy = clean.copy()
    h, w = noisy.shape
    rng = np.random.default_rng(5)
    bottom = h - 200  # the empty bottom margin of a short page
    assert (clean[bottom:] > 200).all()
    for y, x in zip(rng.integers(bottom, h - 20, 30), rng.integers(20, w - 20, 30), strict=True):
        noisy[y, x] = 0
    assert not (scale.shrink(noisy, 2)[bottom // 2 :] < 128).any()
    assert "denoise" not in preprocess(PageImage("c.png", 0, 300, clean)).applied
    res = preprocess(PageImage("n.png", 0, 300, noisy))
    assert "denoise" in res.applied
    assert (res.image.pixels[bottom:] > 128).all()


def test_specks_check_counts_only_ink_away_from_letters() -> None:
    crop, xh = _marks_crop()
    ink_mask = light.otsu_ink(crop)
    comps = scale.components(ink_mask)
    area = (xh / 5.0) ** 2
    assert denoise.may_have_specks(ink_mask, comps, xh, max_area=area) == 0
    noisy = ink_mask.copy()
    noisy[5:8, 5:8] = 255  # a speck in the corner, far from the marks
    assert denoise.may_have_specks(noisy, scale.components(noisy), xh, max_area=area) > 0


def test_orientation_search_returns_the_precise_skew() -> None:
    pts = _ink_pts(_skewed(_page(), 1.7), 12)
    angle, _, skew, _ = orient.orientation_and_skew(pts)
    alone, _ = orient.find_skew(pts, precision=0.02)
    assert angle == 0 and skew is not None
    assert abs(skew - alone) < 0.05 and abs(skew + 1.7) < 0.2


def test_border_check_sees_bands_and_not_text() -> None:
    gray = _page().copy()
    stats, _ = scale.components(light.otsu_ink(gray))
    assert not page.may_have_borders(stats, gray.shape)
    gray[:, :40] = 10
    stats, _ = scale.components(light.otsu_ink(gray))
    assert page.may_have_borders(stats, gray.shape)


def _lands_on_ink(res: PreprocessResult, scan: np.ndarray) -> None:
    """A pixel of each of 20-40 letters of the output maps onto ink in ``scan``."""
    back = np.array(res.to_source()).reshape(3, 3)
    ink = light.otsu_ink(res.image.pixels) > 0
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8))
    big = [i for i in range(1, len(stats)) if stats[i, cv2.CC_STAT_AREA] > 150][:40]
    assert len(big) >= 20
    scan_ink = light.otsu_ink(scan) > 0
    for i in big:  # a pixel of each letter lands on ink in the scan (or next to it)
        ys, xs = np.nonzero(labels == i)
        x, y, one = back @ np.array([xs[len(xs) // 2] + 0.5, ys[len(ys) // 2] + 0.5, 1.0])
        sx, sy = int(x / one), int(y / one)
        assert scan_ink[max(0, sy - 2) : sy + 3, max(0, sx - 2) : sx + 3].any()


@pytest.mark.parametrize(("turns", "skew"), [(0, 0.0), (1, 2.0), (2, -1.5), (3, 0.0)])
def test_transform_takes_the_output_back_onto_the_input(turns: int, skew: float) -> None:
    """Letters of the preprocessed page map back onto the same ink in the scan, whatever
    turn, skew and rescaling preprocessing undid."""
    page = _skewed(_page(150), skew) if skew else _page(150)
    scan = np.ascontiguousarray(np.rot90(page, -turns))  # stored turned clockwise
    res = preprocess(PageImage("t.png", 0, 150, scan))
    assert ("orientation" in res.applied) == (turns != 0)
    assert ("rescale" in res.applied) and res.transform is not None  # 150 dpi text grows
    _lands_on_ink(res, scan)
    assert preprocess(PageImage("t.png", 0, 300, _page(300))).transform is None  # nothing moved


def test_transform_of_a_photo_undoes_the_page_outline() -> None:
    synth = pytest.importorskip("pipeline.workshop.synth")
    photo = synth.synthesize("\n".join(BODY), "photo", seed=2)[0]
    res = preprocess(PageImage("p.jpg", 0, photo.dpi, photo.pixels))
    assert "outline" in res.applied
    _lands_on_ink(res, ink.to_gray(photo.pixels))


def test_curled_lines_are_straightened_and_flat_ones_left_alone() -> None:
    from pipeline.preprocess import dewarp
    from pipeline.workshop.degrade import curl

    flat = _page(300)
    xh = scale.estimate_x_height(light.otsu_ink(flat)) or 28.0
    assert dewarp.bend(dewarp.line_curves(flat, xh), xh) < 0.25
    res = preprocess(PageImage("f.png", 0, 300, flat))
    assert "dewarp" not in res.applied
    bent = curl(flat, seed=1, depth=0.02)
    curves = dewarp.line_curves(bent, xh)
    assert len(curves) >= 5 and dewarp.bend(curves, xh) > 0.4
    straight = dewarp.dewarp(bent, curves, xh)
    assert dewarp.bend(dewarp.line_curves(straight, xh), xh) < 0.25
    res = preprocess(PageImage("b.png", 0, 300, bent))
    assert "dewarp" in res.applied
    off = PreprocessConfig().with_modes(dewarp="off")
    assert "dewarp" not in preprocess(PageImage("b.png", 0, 300, bent), off).applied


@pytest.mark.tesseract
@pytest.mark.slow
def test_a_curled_page_reads_nearly_as_well_as_a_flat_one() -> None:
    from pipeline.tesseract import TesseractEngine
    from pipeline.workshop.degrade import curl

    pixels, truth, _ = _render("\n".join(BODY), 300)
    engine = TesseractEngine()
    flat = cer(engine.recognize(preprocess(PageImage("f.png", 0, 300, pixels)).image).text, truth)
    bent = PageImage("b.png", 0, 300, curl(pixels, seed=3, depth=0.02))
    off = PreprocessConfig().with_modes(dewarp="off")
    kept = cer(engine.recognize(preprocess(bent, off).image).text, truth)
    fixed = cer(engine.recognize(preprocess(bent).image).text, truth)
    assert fixed < kept and fixed <= flat + 0.01


def test_box_union_counts_as_connected_components_of_the_mask() -> None:
    """Specks are counted and painted from their boxes; the figures are those of the
    page-sized mask (touching, overlapping and corner-to-corner boxes are one piece)."""
    rng = np.random.default_rng(5)
    for trial in range(40):
        n = int(rng.integers(0, 120))
        xy = rng.integers(0, 60 if trial % 2 else 300, size=(n, 2))
        wh = rng.integers(1, 7, size=(n, 2))
        boxes = np.column_stack([xy, wh]).astype(np.int64)
        mask = np.zeros((320, 320), bool)
        for x, y, w, h in boxes.tolist():
            mask[y : y + h, x : x + w] = True
        pieces = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)[0] - 1
        assert denoise.box_union(boxes) == (int(mask.sum()), pieces)
        gray = rng.integers(0, 256, size=(320, 320), dtype=np.uint8)
        for grow in (0, 1, 2):
            assert np.array_equal(
                denoise.paint_boxes(gray, boxes, 200, grow), denoise.paint(gray, mask, 200, grow)
            )


def test_labelling_is_opencvs_default_on_random_masks_and_a_real_page() -> None:
    """preprocess.components.connected (Grana's algorithm, cheaper) gives what OpenCV's
    default labelling gives: labels, stats and centroids, for 8- and 4-connectivity,
    single-threaded as in batch workers and multi-threaded as in ``-j 1``."""
    from pipeline.io import load_pages
    from pipeline.preprocess.components import connected

    rng = np.random.default_rng(17)
    masks = [
        (rng.random(shape) < density).astype(np.uint8)
        for density in (0.05, 0.3, 0.5, 0.7, 1.0)
        for shape in ((1, 1), (1, 9), (9, 1), (2, 3), (97, 131), (480, 641))
    ]
    fax = Path(__file__).resolve().parent.parent / "samples" / "cong-van-so.fax.tif"
    scan = next(iter(load_pages(fax, fax.name))).pixels
    gray = scan if scan.ndim == 2 else cv2.cvtColor(scan, cv2.COLOR_RGB2GRAY)
    page_ink = light.otsu_ink(gray)
    masks += [page_ink, cv2.dilate(page_ink, np.ones((3, 9), np.uint8)), page_ink[::2, ::2].copy()]
    threads = cv2.getNumThreads()
    try:
        for n in (1, max(2, threads)):
            cv2.setNumThreads(n)
            for mask in masks:
                for conn in (8, 4):
                    ours = connected(mask, connectivity=conn)
                    theirs = cv2.connectedComponentsWithStats(mask, connectivity=conn)
                    assert ours[0] == theirs[0]
                    assert np.array_equal(ours[1], theirs[1])
                    assert np.array_equal(ours[2], theirs[2])
                    assert np.array_equal(ours[3], theirs[3], equal_nan=True)
    finally:
        cv2.setNumThreads(threads)
