"""Page images made easy for Tesseract: colour ink out, page outline, even light, right size,
upright, straight, specks gone, and black-and-white where that helps.

Each stage is a plain function over numpy arrays in a submodule (``ink``, ``page``,
``light``, ``scale``, ``orient``, ``denoise``); :func:`preprocess` runs them in order on one
page and decides per page which ones to apply (a clean, straight 300-dpi page comes back
untouched). The decisions are made on a copy reduced by 2 (4 for huge images): a stage
touches the full-size page only when it is applied, so an easy page costs little more
than its measurements. What it measured and did is in :class:`PreprocessResult` for
``Document.steps``.
This package is the only OpenCV user of the pipeline.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from pipeline.errors import OutputError
from pipeline.io import PageImage, write_atomic
from pipeline.preprocess import (
    denoise,
    dewarp,
    geometry,
    ink,
    light,
    orient,
    page,
    scale,
    streaks,
)

log = logging.getLogger(__name__)

__all__ = [
    "Mode",
    "PreprocessConfig",
    "PreprocessResult",
    "StageReport",
    "STAGES",
    "config_settings",
    "preprocess",
    "turned",
]

#: The stages in the order they run; each has a :class:`Mode` field of the same name.
STAGES = (
    "ink",
    "outline",
    "flatten",
    "streaks",
    "borders",
    "rescale",
    "denoise",
    "orientation",
    "deskew",
    "dewarp",
    "smooth",
    "binarize",
)


class Mode(StrEnum):
    """Per-stage switch: decide per page (auto), apply whenever measurable (on), skip (off)."""

    AUTO = "auto"
    ON = "on"
    OFF = "off"


@dataclass(frozen=True, slots=True)
class PreprocessConfig:
    """Which stages may run, and the thresholds of the per-page decisions.

    ``binarize`` is off by default: Tesseract 5 recognises from gray and binarizes for
    layout itself; the benchmark (bench/preprocess_bench.py) shows where forcing it pays.
    """

    enabled: bool = True
    ink: Mode = Mode.AUTO
    outline: Mode = Mode.AUTO
    flatten: Mode = Mode.AUTO
    streaks: Mode = Mode.AUTO  # fax streaks: thin black lines across the page
    borders: Mode = Mode.AUTO
    rescale: Mode = Mode.AUTO
    orientation: Mode = Mode.AUTO
    deskew: Mode = Mode.AUTO
    dewarp: Mode = Mode.AUTO
    denoise: Mode = Mode.AUTO
    smooth: Mode = Mode.AUTO
    binarize: Mode = Mode.OFF
    #: Share of clearly coloured pixels above which colour ink is removed.
    ink_min_fraction: float = 0.0005
    #: Unevenness of the paper (levels, 5th-95th percentile) above which light is flattened.
    flatten_min_spread: float = 20.0
    #: Median bow of the text lines (x-heights) from which they are straightened.
    dewarp_min_bend: float = 0.25
    #: Below this paper level (0-255) the page is flattened even if the light is even.
    flatten_max_paper: float = 215.0
    #: x-heights (px) in [rescale_low, rescale_high] are left alone, others go to the target.
    target_x_height: float = 24.0
    rescale_low: float = 17.0
    rescale_high: float = 44.0
    #: Images longer than this (px) are reduced first, whatever the text says.
    max_side: int = 7000
    #: Line sharpness along over across the lines needed to turn a page by 90°.
    min_axis_ratio: float = 1.25
    #: |up_score| needed to turn a page upside down.
    min_up_score: float = 0.15
    max_skew_deg: float = 8.0
    #: Smaller measured skews are not corrected (a resampled page reads no better).
    min_skew_deg: float = 0.15
    #: Specks removed only when there are at least this many (``auto``): a clean page's
    #: few far-off dots are print (a footnote mark, a rule's end), noise comes in dozens.
    min_specks: int = 5
    sauvola_k: float = 0.2
    #: Gaussian sigma, in x-heights, that rounds the jagged edges of a bilevel (fax) page.
    smooth_sigma: float = 1.0 / 26.0

    def with_modes(self, **modes: str | Mode) -> PreprocessConfig:
        """A copy with some stages switched, e.g. ``cfg.with_modes(deskew="off")``."""
        unknown = set(modes) - set(STAGES)
        if unknown:
            raise ValueError(f"unknown preprocessing stage(s): {', '.join(sorted(unknown))}")
        return replace(self, **{k: Mode(v) for k, v in modes.items()})  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class StageReport:
    """One stage on one page: whether it changed the image, and what it measured."""

    stage: str
    applied: bool
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PreprocessResult:
    """The preprocessed page and the record of how it was made."""

    image: PageImage
    stages: tuple[StageReport, ...]
    seconds: float
    #: 3x3 row-major matrix from the input image's pixels to the output's (reduce, page
    #: outline, rescale, turn, deskew); None when no stage moved a pixel.
    transform: tuple[float, ...] | None = None

    def to_source(self) -> tuple[float, ...] | None:
        """The inverse of :attr:`transform`: output pixels back to the input image's."""
        if self.transform is None:
            return None
        return geometry.to_tuple(np.linalg.inv(np.array(self.transform).reshape(3, 3)))

    @property
    def applied(self) -> tuple[str, ...]:
        """Names of the stages that changed the image."""
        return tuple(s.stage for s in self.stages if s.applied)

    def summary(self) -> dict[str, Any]:
        """Plain dict for ``Step.settings``: stages applied and every measurement.

        No timing: the outputs of a run must not depend on how busy the machine was."""
        out: dict[str, Any] = {"page": self.image.index, "applied": list(self.applied)}
        for s in self.stages:
            for key, value in s.detail.items():
                out[f"{s.stage}.{key}"] = value
        return out


def single_thread() -> None:
    """Keep OpenCV to one thread (batch workers: one process per core does the parallelism)."""
    cv2.setNumThreads(1)


def config_settings(config: PreprocessConfig) -> dict[str, Any]:
    """The config as a plain dict (enums as strings), for ``Step.settings``."""
    return {
        f.name: (str(v) if isinstance(v := getattr(config, f.name), Mode) else v)
        for f in fields(config)
    }


class _Run:
    """Collects stage reports and writes debug images for one page."""

    def __init__(self, image: PageImage, debug_dir: Path | None) -> None:
        self.reports: list[StageReport] = []
        self.debug_dir = debug_dir
        stem = re.sub(r"[^\w.-]+", "_", Path(image.source).name) or "page"
        self.prefix = f"{stem}.p{image.index + 1}"

    def report(
        self, stage: str, applied: bool, pixels: np.ndarray | None = None, **detail: Any
    ) -> None:
        self.reports.append(StageReport(stage, applied, detail))
        if applied and pixels is not None and self.debug_dir is not None:
            n = len(self.reports)
            path = self.debug_dir / f"{self.prefix}.{n:02d}-{stage}.png"
            img = pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR)
            ok, data = cv2.imencode(".png", img)
            if not ok:
                raise OutputError(f"{path}: cannot encode debug image")
            write_atomic(path, data.tobytes())


class _View:
    """A page and its reduced copy, with the measurements made on the copy.

    ``small`` is ``gray`` reduced k times (scale.work_factor), ``ink`` its Otsu ink mask
    and ``stats`` the ink's components. Everything is measured once, on demand.
    """

    def __init__(self, gray: np.ndarray) -> None:
        self.gray = gray
        self.k = scale.work_factor(gray.shape)
        self.small = scale.shrink(gray, self.k)
        #: Halved again: enough for the page outline and the paper's light.
        self.tiny = scale.shrink(self.small, 2)
        self._ink: tuple[float, np.ndarray] | None = None
        self._comps: tuple[np.ndarray, np.ndarray] | None = None
        self._full_ink: np.ndarray | None = None
        self._full: tuple[np.ndarray, np.ndarray] | None = None

    def _otsu(self) -> tuple[float, np.ndarray]:
        if self._ink is None:
            self._ink = cv2.threshold(self.small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
        return self._ink

    @property
    def threshold(self) -> float:
        """Otsu's level on the reduced copy."""
        return self._otsu()[0]

    @property
    def ink(self) -> np.ndarray:
        """The reduced copy's Otsu ink mask (255 = ink)."""
        return self._otsu()[1]

    @property
    def stats(self) -> np.ndarray:
        """Stats of the components of :attr:`ink` (found once, when needed)."""
        return self._components[0]

    @property
    def centroids(self) -> np.ndarray:
        """Centroids of the components of :attr:`ink`."""
        return self._components[1]

    @property
    def _components(self) -> tuple[np.ndarray, np.ndarray]:
        if self._comps is None:
            self._comps = scale.components(self.ink)
        return self._comps

    @property
    def full_ink(self) -> np.ndarray:
        """The full-size Otsu ink mask (made once, when needed)."""
        if self._full_ink is None:
            self._full_ink = light.otsu_ink(self.gray)
        return self._full_ink

    @property
    def full_components(self) -> tuple[np.ndarray, np.ndarray]:
        """Components of :attr:`full_ink` (found once, when needed)."""
        if self._full is None:
            self._full = scale.components(self.full_ink)
        return self._full

    def x_height(self, cfg: PreprocessConfig) -> float | None:
        """The x-height in full-size pixels; measured at full size when the reduced copy
        is too coarse to tell, or the value is near a limit where rescaling switches."""
        if self.k == 1:
            return scale.estimate_x_height(self.ink, self.stats)
        xh = scale.estimate_x_height(self.ink, self.stats)
        if xh is not None:
            xh *= self.k
            limits = (cfg.rescale_low, cfg.rescale_high)
            if xh / self.k >= 9.0 and all(abs(xh / lim - 1.0) > 0.12 for lim in limits):
                return xh
        stats, _ = self.full_components
        return scale.estimate_x_height(self.full_ink, stats)

    def may_have_specks(self, x_height: float) -> bool:
        """The cheap test of denoise.may_have_specks, at the reduced size."""
        xh = x_height / self.k
        max_area = max(4.0, (x_height / 5.0) ** 2) / self.k**2
        if self.k == 1:
            any_ink = self.ink
        else:
            # Any full-size ink pixel (a bit lighter than Otsu's level, to err towards
            # yes) makes its reduced pixel count: a 2-px speck survives the reduction.
            level = min(254.0, self.threshold + 10.0)
            _, full = cv2.threshold(self.gray, level, 255, cv2.THRESH_BINARY_INV)
            any_ink = scale.shrink(full, self.k)
        found = denoise.may_have_specks(
            any_ink, (self.stats, self.centroids), xh, max_area=max_area
        )
        return found > 0


def _wanted(mode: Mode, decided: bool) -> bool:
    return mode is Mode.ON or (mode is Mode.AUTO and decided)


class _Work:
    """The page as the stages hand it on: its pixels, their reduced view, and what the
    earlier stages measured that the later ones need. Internal to :func:`preprocess`."""

    def __init__(self, image: PageImage, cfg: PreprocessConfig, run: _Run) -> None:
        self.cfg = cfg
        self.run = run
        self.gray: np.ndarray = image.pixels
        self.dpi = image.dpi
        self.moved = geometry.identity()  # input pixels -> current pixels
        self.view: _View
        self.bilevel = False
        self.uneven = False
        self.paper_level = 255
        self.xh: float | None = None  # x-height measured before rescaling
        self.xh_now = cfg.target_x_height  # x-height now (after rescaling)
        self.new_dpi: int | None = None
        self.pts: np.ndarray
        self.skew: float | None = None

    def changed(self, gray: np.ndarray) -> None:
        """The stage changed the pixels: a new view to measure on."""
        self.gray = gray
        self.view = _View(gray)


def _colour_ink(w: _Work) -> None:
    """1. colour ink -> gray; very large images are reduced before anything else."""
    cfg, run, px = w.cfg, w.run, w.gray
    if px.ndim == 3:
        frac = ink.colour_fraction(px)
        if cfg.ink is not Mode.OFF and (cfg.ink is Mode.ON or frac >= cfg.ink_min_fraction):
            w.gray = ink.remove_colour_ink(px)
            run.report("ink", True, w.gray, colour_fraction=round(frac, 5))
        else:
            w.gray = ink.to_gray(px)
            run.report("ink", False, colour_fraction=round(frac, 5))
    w.bilevel = light.is_bilevel(w.gray)
    if max(w.gray.shape) > cfg.max_side:  # speed, memory
        f = cfg.max_side / max(w.gray.shape)
        before = w.gray.shape[:2]
        w.gray = scale.resize(w.gray, f)
        w.moved = geometry.scaling(before, w.gray.shape[:2]) @ w.moved
        w.dpi = round(w.dpi * f) if w.dpi else None
        run.report("reduce", True, None, factor=round(f, 4))
    # The decisions are made on a reduced copy (`small`, k times smaller); an operation
    # touches the full-size page only when it is applied.
    w.view = _View(w.gray)


def _outline(w: _Work) -> None:
    """2. page outline (a photo of a sheet on a desk)."""
    if w.cfg.outline is Mode.OFF:
        return
    quad = page.find_page_quad(w.view.tiny)
    if quad is None:
        w.run.report("outline", False)
        return
    quad = quad * (2 * w.view.k)
    border = max(2, round(max(w.gray.shape) / 400))
    w.moved = page.quad_transform(quad, border)[0] @ w.moved
    w.changed(page.warp_quad(w.gray, quad, border=border))
    w.run.report("outline", True, w.gray, corners=[[round(float(v)) for v in p] for p in quad])


def _flatten(w: _Work) -> None:
    """3. illumination."""
    cfg, view = w.cfg, w.view
    bg = light.estimate_background(view.tiny, stroke_px=max(w.gray.shape) / 100.0 / (2 * view.k))
    spread = light.background_spread(bg)
    paper = float(np.median(bg))
    w.uneven = spread >= cfg.flatten_min_spread or paper <= cfg.flatten_max_paper
    w.paper_level = int(round(paper))
    if _wanted(cfg.flatten, w.uneven):
        w.paper_level = 255
        w.changed(light.flatten(w.gray, bg))
        w.run.report("flatten", True, w.gray, spread=round(spread, 1), paper=round(paper, 1))
    else:
        w.run.report("flatten", False, spread=round(spread, 1), paper=round(paper, 1))


def _streaks(w: _Work) -> None:
    """3b. fax streaks, before the borders stage takes one touching the edge for a band."""
    if w.cfg.streaks is Mode.OFF:
        return
    smask = streaks.streak_mask(w.view.full_ink)
    if smask.any():
        w.changed(streaks.remove(w.gray, smask, w.paper_level))
        w.run.report("streaks", True, w.gray, px=int(smask.sum()))
    else:
        w.run.report("streaks", False)


def _borders(w: _Work) -> None:
    """4. dark borders."""
    if w.cfg.borders is Mode.OFF:
        return
    share = 0.0
    if page.may_have_borders(w.view.stats, w.view.ink.shape):
        bmask = page.dark_border_mask(w.view.full_ink)
        share = float(bmask.mean())
    if share > 0:
        w.changed(denoise.paint(w.gray, bmask, w.paper_level, grow=2))
        w.run.report("borders", True, w.gray, share=round(share, 4))
    else:
        w.run.report("borders", False)


def _rescale_factor(w: _Work, xh: float | None) -> float:
    """How much the page is to be scaled for an x-height of ``xh`` (None: unmeasured)."""
    cfg, dpi = w.cfg, w.dpi
    factor = scale.scale_factor(
        xh, target=cfg.target_x_height, low=cfg.rescale_low, high=cfg.rescale_high
    )
    if xh is None and dpi and dpi < 200:
        factor = 300.0 / dpi
    if cfg.rescale is Mode.ON and xh:
        factor = cfg.target_x_height / xh
    # Never beyond 600 dpi by the file's word, nor beyond max_side pixels.
    if dpi and factor > 1.0:
        factor = max(1.0, min(factor, 600.0 / dpi))
    return min(factor, cfg.max_side / max(w.gray.shape))


def _rescale(w: _Work) -> None:
    """5. resolution: the text to Tesseract's favourite x-height; the page's dpi after."""
    xh = w.xh = w.view.x_height(w.cfg)
    factor = 1.0
    if w.cfg.rescale is not Mode.OFF:
        factor = _rescale_factor(w, xh)
        if abs(factor - 1.0) > 0.05:
            before = w.gray.shape[:2]
            w.changed(scale.resize(w.gray, factor))
            w.moved = geometry.scaling(before, w.gray.shape[:2]) @ w.moved
            w.run.report(
                "rescale", True, w.gray, x_height=round(xh or 0.0, 1), factor=round(factor, 3)
            )
        else:
            factor = 1.0
            w.run.report("rescale", False, x_height=round(xh or 0.0, 1))
    w.xh_now = (xh * factor) if xh else w.cfg.target_x_height
    new_dpi = round(w.dpi * factor) if w.dpi else None
    if xh and (new_dpi is None or not 0.67 < new_dpi / scale.estimate_dpi(w.xh_now) < 1.5):
        new_dpi = scale.estimate_dpi(w.xh_now)  # no DPI in the file, or a wrong one (web: 72, 96)
    w.new_dpi = new_dpi


def _denoise(w: _Work) -> None:
    """6. specks (before the line measurements: specks blur the profiles)."""
    cfg, view = w.cfg, w.view
    if cfg.denoise is Mode.OFF:
        return
    n_px = n_specks = 0
    if cfg.denoise is Mode.ON or view.may_have_specks(w.xh_now):
        specks = denoise.speck_boxes(view.full_ink, w.xh_now, components=view.full_components)
        n_px, n_specks = denoise.box_union(specks)
    if n_px and _wanted(cfg.denoise, n_specks >= cfg.min_specks):
        w.changed(denoise.paint_boxes(w.gray, specks, w.paper_level, grow=1))
        w.run.report("denoise", True, w.gray, speck_px=n_px, specks=n_specks)
    else:
        w.run.report("denoise", False, speck_px=n_px, specks=n_specks)


def _turn_decided(w: _Work, small: np.ndarray, angle: int, odetail: dict[str, Any]) -> int:
    """The quarter turn ``auto`` takes, voted on the page's letters and words alone
    (:func:`orient.text_ink`): a large seal and signature on a half-empty page, a
    table's rules or a photo's edges outvote a few lines of text when all ink votes.
    Upside down only when all the ink (``angle``, ``odetail``: its measurement) says so
    too; a page whose text shows no clear lines is left as it is. On the real pages
    turned by 90, 180 and 270 degrees this leaves 5 of the 148 tune copies wrong (the
    all-ink vote with its line-sharpness test for every turn: 13), none as stored."""
    cfg = w.cfg
    text = orient.text_ink(small > 96, min(14.0, w.xh_now / w.view.k))
    t_angle, t_ratio, _, t_detail = orient.orientation_and_skew(
        orient.ink_points(text), cfg.max_skew_deg
    )
    t_up = t_detail.get("up_score", 0.0)
    odetail["text_axis_ratio"] = t_detail.get("axis_ratio", 0.0)
    odetail["text_up_score"] = t_up
    if t_angle % 180 == 90:  # the text runs down the page: a quarter turn either way
        if t_ratio < cfg.min_axis_ratio:  # no clear text lines: leave the page be
            return 0
        return 270 if t_up < 0 else 90
    # upright or upside down: no line-sharpness test (the axis stays; a table lowers
    # the sharpness, not the up/down vote), but both votes must say upside down
    ink_up = odetail.get("up_score", 0.0) if angle % 180 == 0 else 0.0
    return 180 if max(t_up, ink_up) <= -cfg.min_up_score else 0


def _orientation(w: _Work) -> None:
    """7. orientation, measured on a reduced ink image (x-height about 14 px), whose ink
    points (turned as the page is) the skew is measured on."""
    cfg, view = w.cfg, w.view
    r = min(1.0, 14.0 * view.k / w.xh_now)
    small = (
        cv2.resize(view.ink, None, fx=r, fy=r, interpolation=cv2.INTER_AREA) if r < 1 else view.ink
    )
    w.pts = orient.ink_points(small > 96)
    if cfg.orientation is Mode.OFF:
        return
    angle, _, w.skew, odetail = orient.orientation_and_skew(w.pts, cfg.max_skew_deg)
    base = angle % 180
    if cfg.orientation is Mode.AUTO:
        angle = _turn_decided(w, small, angle, odetail)
    if angle % 180 != base:
        w.skew = None  # measured across the lines of a turn not taken
    if angle:
        w.moved = geometry.quarter_turn(angle, w.gray.shape[:2]) @ w.moved
        w.gray = orient.rotate_quarter(w.gray, angle)
        w.pts = orient.turn_points(w.pts, angle // 90)
    w.run.report("orientation", bool(angle), w.gray, angle=angle, **odetail)


def _deskew(w: _Work) -> None:
    """8. skew, measured on the orientation stage's ink points."""
    cfg = w.cfg
    if cfg.deskew is Mode.OFF:
        return
    skew = w.skew
    if skew is None:
        skew, _ = orient.find_skew(w.pts, cfg.max_skew_deg, precision=0.02)
    if _wanted(cfg.deskew, abs(skew) >= cfg.min_skew_deg) and abs(skew) > 1e-3:
        w.moved = geometry.affine(orient.small_rotation(w.gray.shape[:2], skew)[0]) @ w.moved
        w.gray = orient.rotate_small(w.gray, skew, fill=w.paper_level)
        w.run.report("deskew", True, w.gray, angle=round(skew, 3))
    else:
        w.run.report("deskew", False, angle=round(skew, 3))


def _dewarp(w: _Work) -> None:
    """8b. bent lines (a photo of a curled sheet), found on a copy with 10 px x-height."""
    cfg, xh_now = w.cfg, w.xh_now
    if cfg.dewarp is Mode.OFF:
        return
    r = min(1.0, 10.0 / xh_now)
    small = w.gray if r >= 1 else cv2.resize(w.gray, None, fx=r, fy=r)  # bilinear: quick
    curves = dewarp.line_curves(small, xh_now * r)
    amount = dewarp.bend(curves, xh_now * r)
    if len(curves) >= 5 and _wanted(cfg.dewarp, amount >= cfg.dewarp_min_bend):
        w.gray = dewarp.dewarp(w.gray, curves, xh_now * r, scale=r)
        w.run.report("dewarp", True, w.gray, bend=round(amount, 2), lines=len(curves))
    else:
        w.run.report("dewarp", False, bend=round(amount, 2), lines=len(curves))


def _smooth(w: _Work) -> None:
    """9. a bilevel page (fax, CCITT scan) gets soft edges: the LSTM reads gray better."""
    cfg = w.cfg
    if cfg.smooth is Mode.OFF:
        return
    if _wanted(cfg.smooth, w.bilevel):
        sigma = max(0.5, cfg.smooth_sigma * w.xh_now)
        w.gray = cv2.GaussianBlur(w.gray, (0, 0), sigma)
        w.run.report("smooth", True, w.gray, sigma=round(sigma, 2))
    else:
        w.run.report("smooth", False)


def _binarize(w: _Work) -> None:
    """10. black and white."""
    cfg = w.cfg
    if _wanted(cfg.binarize, w.uneven):
        window = max(15, int(round(2.5 * w.xh_now)) | 1)
        w.gray = light.sauvola(w.gray, window, cfg.sauvola_k)
        w.run.report("binarize", True, w.gray, window=window)
    elif cfg.binarize is not Mode.OFF:
        w.run.report("binarize", False)


#: The stage functions in the order they run (STAGES names the switches; colour ink also
#: reduces a huge image, rescaling also fixes the page's dpi).
_STEPS = (
    _colour_ink,
    _outline,
    _flatten,
    _streaks,
    _borders,
    _rescale,
    _denoise,
    _orientation,
    _deskew,
    _dewarp,
    _smooth,
    _binarize,
)


def preprocess(
    image: PageImage,
    config: PreprocessConfig | None = None,
    debug_dir: Path | str | None = None,
) -> PreprocessResult:
    """Run the stages on one page; a new PageImage (gray uint8) with its record.

    ``debug_dir``: where each applied stage's output is written as
    ``<source>.p<N>.<step>-<stage>.png`` (for ``vnocr run --debug-images``).

    >>> res = preprocess(page_image)  # doctest: +SKIP
    >>> res.applied, res.image.dpi  # doctest: +SKIP
    (('orientation', 'deskew'), 300)
    """
    cfg = config or PreprocessConfig()
    t0 = time.perf_counter()
    run = _Run(image, Path(debug_dir) if debug_dir is not None else None)
    if not cfg.enabled:
        return PreprocessResult(image, (), 0.0)
    w = _Work(image, cfg, run)
    for step in _STEPS:
        step(w)
    gray = w.gray
    if gray is image.pixels:
        result_img = image
    else:
        result_img = PageImage(image.source, image.index, w.new_dpi, np.ascontiguousarray(gray))
    seconds = time.perf_counter() - t0
    transform = None if np.allclose(w.moved, np.eye(3)) else geometry.to_tuple(w.moved)
    result = PreprocessResult(result_img, tuple(run.reports), seconds, transform)
    log.debug(
        "%s: preprocessing: %s (%.2f s)",
        image.label,
        ", ".join(result.applied) or "nothing",
        seconds,
    )
    return result


def turned(result: PreprocessResult, angle: int) -> PreprocessResult:
    """``result`` turned clockwise by a quarter-turn multiple ``angle`` after the fact (the
    OCR's retry of a page that read badly the way it was set: pipeline.retry), its way
    back to the input updated and the turn recorded as stage ``turn``."""
    img = result.image
    moved = np.eye(3) if result.transform is None else np.array(result.transform).reshape(3, 3)
    moved = geometry.quarter_turn(angle, img.pixels.shape[:2]) @ moved
    pixels = np.ascontiguousarray(orient.rotate_quarter(img.pixels, angle))
    return PreprocessResult(
        PageImage(img.source, img.index, img.dpi, pixels),
        (*result.stages, StageReport("turn", True, {"angle": angle})),
        result.seconds,
        geometry.to_tuple(moved),
    )
