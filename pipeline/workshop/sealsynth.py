"""Signature blocks under a seal, synthesized: tuning data for reading signer names.

On real signed scans a round seal is stamped over the left part of the signature block:
its ring crosses the title lines ("KT. BỘ TRƯỞNG / THỨ TRƯỞNG") and often the name, and
the signer's pen strokes run across it. Every real tune page now reads its name right, so
tuning needs more such pages than exist: this module renders a short document whose
closing block has a varied real-looking title and a Vietnamese name built from the family
names of :mod:`pipeline.structure.closing`, signs it with a scribble, stamps a seal of
varied size, ring weight and place over it (black for bitonal scans, red or purple
converted to gray for colour ones), and scans it (200 or 300 dpi, JPEG or a threshold).

Everything is drawn from a generator seeded by the caller, so one seed is one page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.structure.closing import SURNAMES
from pipeline.workshop import synth

#: Middle names and given names the signer's name is built from (common syllables).
MIDDLE = (
    "Văn", "Thị", "Minh", "Quốc", "Thanh", "Đức", "Hồng", "Ngọc", "Xuân", "Hữu",
    "Công", "Thành", "Kim", "Quang", "Đình", "Mạnh", "Tiến", "Bảo", "Thế", "Anh",
)  # fmt: skip
GIVEN = (
    "Hà", "Long", "Hùng", "Dũng", "Lan", "Hương", "Tuấn", "Sơn", "Khải", "Phúc",
    "Nam", "Bình", "Hải", "Trung", "Thắng", "Cường", "Nga", "Thảo", "Hiếu", "Quyết",
    "Vinh", "Toàn", "Định", "Lộc", "Tâm", "Thủy", "Yến", "Khánh", "Phương", "Đạt",
)  # fmt: skip

#: (issuing body lines, on-behalf lines, the signer's title): the shapes real blocks take.
BLOCKS: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...] = (
    (("BỘ TÀI CHÍNH",), ("KT. BỘ TRƯỞNG",), "THỨ TRƯỞNG"),
    (("BỘ Y TẾ",), ("KT. BỘ TRƯỞNG",), "THỨ TRƯỞNG"),
    (("BỘ GIÁO DỤC VÀ ĐÀO TẠO",), (), "BỘ TRƯỞNG"),
    (("CHÍNH PHỦ",), ("KT. THỦ TƯỚNG",), "PHÓ THỦ TƯỚNG"),
    (("CHÍNH PHỦ",), ("TM. CHÍNH PHỦ",), "THỦ TƯỚNG"),
    (("ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"), ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"),
     "PHÓ CHỦ TỊCH"),
    (("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HẢI PHÒNG"), ("TM. ỦY BAN NHÂN DÂN",), "CHỦ TỊCH"),
    (("SỞ Y TẾ",), ("KT. GIÁM ĐỐC",), "PHÓ GIÁM ĐỐC"),
    (("CỤC THUẾ",), ("KT. CỤC TRƯỞNG",), "PHÓ CỤC TRƯỞNG"),
    (("BỘ NỘI VỤ",), ("TL. BỘ TRƯỞNG",), "CHÁNH VĂN PHÒNG"),
    (("TỈNH ỦY BẮC NINH",), ("T/M BAN THƯỜNG VỤ",), "BÍ THƯ"),
)  # fmt: skip

_BODY = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Theo đề nghị của Chánh Văn phòng, các đơn vị có liên quan tổ chức thực hiện "
    "nghiêm túc nội dung văn bản này và báo cáo kết quả trước ngày 30 tháng 12.",
)

#: Places a seal's legend names after the body.
_PLACES = ("HÀ NỘI", "VIỆT NAM", "T. QUẢNG NGÃI", "TP. HẢI PHÒNG", "BẮC NINH")

#: Seal diameter range in mm (real seals measure about 35-45 mm).
DIAMETER_MM = (35.0, 45.0)
#: Outer ring stroke range in mm.
RING_MM = (0.6, 1.4)


@dataclass(frozen=True, slots=True)
class SealTruth:
    """What a synthesized signed page shows: the scored fields and where the seal is."""

    on_behalf: tuple[str, ...]
    position: str
    name: str
    #: the seal's centre and outer-ring radius (middle of its stroke) in page pixels
    seal: tuple[float, float, float]
    bitonal: bool


@dataclass(frozen=True, slots=True, eq=False)
class SealPage:
    """One signed page: gray pixels (uint8), its dpi, and its truth."""

    pixels: np.ndarray
    dpi: int
    truth: SealTruth


def signer_name(rng: np.random.Generator) -> str:
    """A Vietnamese name: family name, one or two middle names, given name."""
    middles = rng.choice(MIDDLE, size=int(rng.integers(1, 3)), replace=False)
    return " ".join([str(rng.choice(SURNAMES)), *map(str, middles), str(rng.choice(GIVEN))])


def _spec(rng: np.random.Generator) -> tuple[synth.DocSpec, tuple[str, ...], str, str]:
    body_lines, on_behalf, position = BLOCKS[int(rng.integers(len(BLOCKS)))]
    name = signer_name(rng)
    number = int(rng.integers(1, 999))
    spec = synth.DocSpec(
        left=(*body_lines, "*", f"Số: {number}/2025/QĐ-UBND"),
        right=(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "*",
            f"Hà Nội, ngày {int(rng.integers(1, 29))} tháng {int(rng.integers(1, 13))} năm 2025",
        ),
        title=("QUYẾT ĐỊNH", "Về việc giao nhiệm vụ năm 2025"),
        body=_BODY,
        recipients=("Nơi nhận:", "- Như trên;", "- Lưu: VT."),
        signature=(*on_behalf, position, "", name),
    )
    return spec, on_behalf, position, name


def _scribble(img: np.ndarray, box: tuple[int, int, int, int], rng: np.random.Generator) -> None:
    """A handwritten-like signature: a few loops and a long tail stroke, in place."""
    x0, y0, x1, y1 = box
    h = y1 - y0
    n = 200
    t = np.linspace(0.0, 1.0, n)
    loops = float(rng.uniform(2.0, 5.0))
    xs = x0 + (x1 - x0) * (0.2 + 0.6 * t) + 0.08 * (x1 - x0) * np.sin(2 * math.pi * loops * t)
    ys = y0 + h * (0.5 + 0.3 * np.cos(2 * math.pi * loops * t + rng.uniform(0, 6)))
    ys += h * 0.2 * np.sin(2 * math.pi * t * rng.uniform(0.5, 1.5))
    pts = np.stack([xs, ys], axis=1).round().astype(np.int32)
    width = max(2, round(h * rng.uniform(0.025, 0.05)))
    shade = int(rng.integers(0, 90))
    cv2.polylines(img, [pts], False, shade, width, cv2.LINE_AA)
    tail = np.array([[pts[-1][0], pts[-1][1]], [x0 + 0.1 * (x1 - x0), y0 + 0.75 * h]], np.int32)
    cv2.polylines(img, [tail], False, shade, width, cv2.LINE_AA)


def _stamp(
    gray: np.ndarray, mask: np.ndarray, centre: tuple[float, float], darkness: float
) -> None:
    """Multiply the seal's ink into ``gray`` in place (``darkness``: 1 = black ink)."""
    h, w = gray.shape
    x0 = int(round(centre[0] - mask.shape[1] / 2))
    y0 = int(round(centre[1] - mask.shape[0] / 2))
    sx0, sy0 = max(0, x0), max(0, y0)
    sx1, sy1 = min(w, x0 + mask.shape[1]), min(h, y0 + mask.shape[0])
    m = mask[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0]
    region = gray[sy0:sy1, sx0:sx1].astype(np.float32)
    gray[sy0:sy1, sx0:sx1] = np.clip(region * (1.0 - darkness * m) + 0.5, 0, 255).astype(np.uint8)


def _seal_ink(rng: np.random.Generator, bitonal: bool) -> float:
    """How dark the seal's ink is on the gray page: black on bitonal scans; red or purple
    (converted to gray as a scanner does, 0.299 R + 0.587 G + 0.114 B) on colour ones."""
    if bitonal:
        return float(rng.uniform(0.85, 1.0))
    red = (205.0, 28.0, 42.0)
    purple = (118.0, 46.0, 150.0)
    r, g, b = red if rng.random() < 0.6 else purple
    luma = (0.299 * r + 0.587 * g + 0.114 * b) / 255.0
    return float((1.0 - luma) * rng.uniform(0.8, 1.0))


def _scan(gray: np.ndarray, rng: np.random.Generator, bitonal: bool) -> np.ndarray:
    """Blur, noise, then a threshold (bitonal) or JPEG (gray)."""
    out = cv2.GaussianBlur(gray, (0, 0), float(rng.uniform(0.5, 1.0)))
    noise = rng.standard_normal(out.shape, dtype=np.float32) * np.float32(rng.uniform(2, 6))
    out = cv2.add(out.astype(np.float32), noise)
    out = np.clip(out, 0, 255).astype(np.uint8)
    if bitonal:
        return np.where(out > int(rng.integers(110, 180)), 255, 0).astype(np.uint8)
    return synth._jpeg(out, int(rng.integers(35, 90)))


def seal_page(seed: int) -> SealPage:
    """The signed page of ``seed``: same seed, same pixels."""
    rng = np.random.default_rng([int(seed) % (1 << 63), 0x5E41])
    spec, on_behalf, position, name = _spec(rng)
    dpi = 200 if rng.random() < 0.4 else 300
    bitonal = bool(rng.random() < 0.5)
    page = synth.render(spec, dpi=dpi)[-1]
    gray = np.array(page.pixels, dtype=np.uint8)
    sx0, sy0, sx1, sy1 = dict(page.regions)["signature"]
    # The pen signs in the gap above the name (the name is the block's last line).
    pitch = 1.2 * 13.5 * dpi / 72.0  # the block's line pitch (render's default size)
    gap_px = synth._SIGNATURE_GAP * dpi / 25.4
    gap = (sx0 + int(0.1 * (sx1 - sx0)), int(sy1 - pitch - gap_px), sx1, int(sy1 - pitch))
    _scribble(gray, gap, rng)
    diameter_mm = float(rng.uniform(*DIAMETER_MM))
    ring_mm = float(rng.uniform(*RING_MM))
    legend = f"{synth.seal_text(spec)} * {rng.choice(_PLACES)}"
    mask = synth._seal_mask(legend, dpi, rng, diameter_mm=diameter_mm, ring_mm=ring_mm)
    centre = (
        sx0 + float(rng.uniform(0.05, 0.4)) * (sx1 - sx0),
        sy0 + float(rng.uniform(0.15, 0.7)) * (sy1 - sy0),
    )
    _stamp(gray, mask, centre, _seal_ink(rng, bitonal))
    px_mm = dpi / 25.4
    radius = diameter_mm / 2 * px_mm - max(3, round(ring_mm * px_mm)) / 2
    pixels = _scan(gray, rng, bitonal)
    pixels.setflags(write=False)
    truth = SealTruth(on_behalf, position, name, (centre[0], centre[1], radius), bitonal)
    return SealPage(pixels, dpi, truth)
