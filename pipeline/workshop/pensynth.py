"""Header blanks filled in by pen, synthesized: tuning data for reading handwritten figures.

On a signed scan the registry writes the document's number and the day (often the month
too) into the printed blanks of "Số:      /BTC-PTHT" and "ngày    tháng    năm 2025".
Only 8 such values exist on the real tune pages, too few to set the reading's thresholds
(:mod:`pipeline.handdigits`) without fitting them to those 8. This module draws a header
with those blanks and writes figures into them as a pen does: each figure a few strokes
from a skeleton of its own, slanted, sized, spaced and wobbled at random, the pen's "1"
with or without its lead-in stroke, in a stroke of varied weight and ink; then scans the
page (200 or 300 dpi, bitonal or gray JPEG).

Everything is drawn from a generator seeded by the caller, so one seed is one page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

from pipeline.workshop import synth
from pipeline.workshop.sealsynth import _scan

#: Stroke skeletons of the ten figures in a unit box (x right, y down; 0..1 each), one
#: polyline a stroke. Curves are sampled densely enough to be smoothed by the jitter.
_ARC = np.linspace(0.0, 1.0, 13)


def _ellipse(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float) -> list:
    t = a0 + (a1 - a0) * _ARC
    return [(cx + rx * math.cos(v), cy + ry * math.sin(v)) for v in t]


_FIGURES: dict[str, tuple[list, ...]] = {
    "0": (_ellipse(0.5, 0.5, 0.42, 0.5, -math.pi / 2, 1.55 * math.pi),),
    "1": ([(0.55, 0.0), (0.5, 1.0)],),
    "2": (_ellipse(0.5, 0.3, 0.4, 0.3, math.pi, 2.25 * math.pi) + [(0.05, 1.0), (0.95, 1.0)],),
    "3": (
        _ellipse(0.45, 0.26, 0.38, 0.26, 1.1 * math.pi, 2.5 * math.pi)
        + _ellipse(0.45, 0.74, 0.45, 0.26, 1.5 * math.pi, 2.85 * math.pi),
    ),
    "4": ([(0.7, 1.0), (0.7, 0.0), (0.05, 0.68), (0.98, 0.68)],),
    "5": (
        [(0.9, 0.02), (0.25, 0.0), (0.18, 0.45)]
        + _ellipse(0.48, 0.7, 0.42, 0.3, 1.2 * math.pi, 2.8 * math.pi),
    ),
    "6": (
        [(0.85, 0.05), (0.45, 0.15), (0.12, 0.6)]
        + _ellipse(0.5, 0.72, 0.38, 0.28, math.pi, 3.0 * math.pi),
    ),
    "7": ([(0.02, 0.03), (0.98, 0.0), (0.35, 1.0)],),
    "8": (
        _ellipse(0.5, 0.25, 0.32, 0.25, 0.5 * math.pi, 2.5 * math.pi)
        + _ellipse(0.5, 0.74, 0.42, 0.26, -0.5 * math.pi, 1.5 * math.pi),
    ),
    "9": (
        _ellipse(0.5, 0.3, 0.38, 0.3, 0.0, 2.0 * math.pi) + [(0.88, 0.3), (0.7, 1.0)],
    ),
}
#: The lead-in stroke a pen's "1" often starts with (read as "4" by digit OCR).
_LEAD_IN = [(0.15, 0.32), (0.55, 0.0)]


@dataclass(frozen=True, slots=True)
class PenTruth:
    """What the pen wrote: the number, the day and the month ("" where printed)."""

    number: str
    day: str
    month: str


@dataclass(frozen=True, slots=True, eq=False)
class PenPage:
    """One header page: gray pixels (uint8), its dpi, and what the pen wrote."""

    pixels: np.ndarray
    dpi: int
    truth: PenTruth


@dataclass(frozen=True, slots=True)
class _Hand:
    """One writer: how every figure of the page is drawn."""

    height: float  # figure height, px
    slant: float  # shear, x per y (right-leaning positive)
    width: float  # figure width over height
    weight: int  # stroke width, px
    ink: int  # stroke gray
    wobble: float  # jitter of skeleton points, share of the height
    lead_in: bool  # the "1" starts with a lead-in stroke


def _hand(rng: np.random.Generator, line_px: float) -> _Hand:
    return _Hand(
        height=line_px * float(rng.uniform(0.8, 1.35)),
        slant=float(rng.uniform(-0.05, 0.4)),
        width=float(rng.uniform(0.45, 0.7)),
        weight=max(2, round(line_px * float(rng.uniform(0.05, 0.11)))),
        ink=int(rng.integers(0, 80)),
        wobble=float(rng.uniform(0.0, 0.04)),
        lead_in=bool(rng.random() < 0.5),
    )


def write_figures(
    img: np.ndarray, text: str, x: float, baseline: float, hand: _Hand, rng: np.random.Generator
) -> float:
    """Write ``text`` (figures) into ``img`` in place from ``x`` on ``baseline``, as
    ``hand`` writes; returns the x after the last figure."""
    for ch in text:
        h = hand.height * float(rng.uniform(0.9, 1.1))
        w = h * hand.width * (0.45 if ch == "1" else 1.0) * float(rng.uniform(0.9, 1.1))
        base = baseline + h * float(rng.uniform(-0.06, 0.06))
        strokes = list(_FIGURES[ch])
        if ch == "1" and hand.lead_in:
            strokes = [_LEAD_IN + strokes[0][1:]]
        for stroke in strokes:
            pts = np.array(stroke, dtype=np.float64)
            pts += rng.normal(0.0, hand.wobble, pts.shape)
            px = x + pts[:, 0] * w + (1.0 - pts[:, 1]) * h * hand.slant
            py = base - (1.0 - pts[:, 1]) * h
            poly = np.stack([px, py], axis=1).round().astype(np.int32)
            cv2.polylines(img, [poly], False, hand.ink, hand.weight, cv2.LINE_AA)
        x += w + h * float(rng.uniform(0.12, 0.3))
    return x


def pen_page(seed: int) -> PenPage:
    """The header page of ``seed``: same seed, same pixels."""
    rng = np.random.default_rng([int(seed) % (1 << 63), 0x9E4D])
    dpi = 200 if rng.random() < 0.6 else 300
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    px = 13.0 * dpi / 72.0
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    regular, bold = synth._face("regular", px), synth._face("bold", px)
    left, right = 0.1 * width, 0.48 * width
    pitch = 1.45 * px
    y = 0.08 * height
    issuer = ("BỘ TÀI CHÍNH", "ỦY BAN NHÂN DÂN", "VĂN PHÒNG CHÍNH PHỦ", "BỘ Y TẾ")
    bold.draw(draw, left, y, str(rng.choice(issuer)))
    bold.draw(draw, right, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    bold.draw(draw, right + 1.4 * px, y + pitch, "Độc lập - Tự do - Hạnh phúc")
    y_num = y + 2.6 * pitch
    label = "Số:"
    regular.draw(draw, left, y_num, label)
    number = str(int(rng.integers(1, 10 ** int(rng.integers(1, 6)))))
    number = number if number[0] != "0" else "1" + number[1:]
    hand = _hand(rng, px)
    # the printed blank: wide enough for most numbers, a long one runs up to the "/"
    blank = max(px * float(rng.uniform(3.2, 4.5)), len(number) * hand.height * hand.width * 1.2)
    code = str(rng.choice(("/BTC-PTHT", "/QĐ-UBND", "/NQ-CP", "/VPCP-CN", "/2025/TT-BYT")))
    after_label = left + regular.length(label) + 0.4 * px
    regular.draw(draw, after_label + blank, y_num, code)
    month_by_hand = bool(rng.random() < 0.7)
    day = int(rng.integers(1, 29))
    month = int(rng.integers(1, 13))
    day_text = f"{day:02d}" if rng.random() < 0.5 else str(day)
    month_text = f"{month:02d}" if rng.random() < 0.3 else str(month)
    x = right + 0.6 * px
    place = "Hà Nội, ngày"
    regular.draw(draw, x, y_num, place)  # italic in print; Tesseract reads both alike
    x_day = x + regular.length(place) + 0.4 * px
    gap = px * float(rng.uniform(1.8, 2.4))
    x_thang = x_day + gap
    regular.draw(draw, x_thang, y_num, "tháng")
    x_month = x_thang + regular.length("tháng") + 0.4 * px
    if month_by_hand:
        x_nam = x_month + gap
    else:
        regular.draw(draw, x_month, y_num, month_text)
        x_nam = x_month + regular.length(month_text) + 0.4 * px
    regular.draw(draw, x_nam, y_num, "năm 2025")
    y_body = y_num + 4 * pitch
    for k, line in enumerate(_BODY):
        regular.draw(draw, left + (1.5 * px if k == 0 else 0), y_body + k * pitch, line)
    gray = np.array(page, dtype=np.uint8)
    write_figures(gray, number, after_label + 0.3 * px, y_num, hand, rng)
    write_figures(gray, day_text, x_day + 0.15 * px, y_num, hand, rng)
    if month_by_hand:
        write_figures(gray, month_text, x_month + 0.15 * px, y_num, hand, rng)
    bitonal = bool(rng.random() < 0.6)
    pixels = _scan(gray, rng, bitonal)
    pixels.setflags(write=False)
    truth = PenTruth(number, str(day), str(month) if month_by_hand else "")
    return PenPage(pixels, dpi, truth)


_BODY = (
    "Thực hiện chỉ đạo của Thủ tướng Chính phủ tại văn bản số 1544/TTg-KTTH ngày",
    "16 tháng 7 năm 2025, các bộ, cơ quan trung ương và địa phương khẩn trương rà soát,",
    "tổng hợp và báo cáo kết quả thực hiện trước ngày 30 tháng 10 năm 2025.",
)
