"""Deterministic scan synthesizer for Vietnamese administrative documents.

Tests, benchmarks and the shipped samples need page images whose exact text is
known.  This module renders a small "doc spec" text format into A4 pages laid
out like a real Vietnamese directive (issuing-body and motto header columns,
title, justified body, recipients and signature blocks), records the printed
text of every page as ground truth, and degrades pages with reproducible
profiles (scanner, fax, phone photo) so OCR can be measured against the truth.

Everything random is drawn from ``numpy.random.default_rng`` seeded by the
caller, so the same inputs always give byte-identical pixels.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.cli import command_parser
from pipeline.errors import InputFileError, OutputError, output_error
from pipeline.io import write_atomic

__all__ = [
    "PROFILES",
    "FORMATS",
    "DocSpec",
    "SynthPage",
    "parse_spec",
    "render",
    "add_seal",
    "seal_text",
    "degrade",
    "synthesize",
    "write_pages",
    "main",
]

PROFILES: tuple[str, ...] = ("clean", "scan", "fax", "photo")
FORMATS: tuple[str, ...] = ("png", "jpg", "tif", "pdf")

_BLOCKS = ("left", "right", "title", "body", "recipients", "signature")
_A4_MM = (210.0, 297.0)
_MM_PER_INCH = 25.4

# Page geometry (mm), after Decree 30/2020/ND-CP on administrative documents.
_MARGIN_LEFT = 30.0
_MARGIN_RIGHT = 20.0
_MARGIN_TOP = 20.0
_MARGIN_BOTTOM = 20.0
_HEADER_OVERHANG = 10.0  # the header table reaches into the left margin
_INDENT = 12.7  # first-line indent of body paragraphs
_BODY_LEADING = 1.25  # line pitch as a multiple of the font size
_PARA_SPACE = 2.1  # about 6 pt between paragraphs
_SIGNATURE_GAP = 25.0  # room for the handwritten signature
_RULE_MM = 0.3  # thickness of the short decorative rules

_FONT_FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bolditalic": "LiberationSerif-BoldItalic.ttf",
}
# Letters that only exist in fonts with real Vietnamese coverage.
_VI_PROBE = "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỵỷỹơưƠƯẠ"
_NOT_A_CHAR = "\U000f0000"  # private-use plane: renders as .notdef everywhere


# --------------------------------------------------------------------------
# Doc spec
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocSpec:
    """The logical content of a document, one tuple of lines per block.

    Kept as plain text lines so specs are easy to write by hand and to diff;
    ``signature`` keeps ``""`` entries where the signer signs by hand.
    """

    left: tuple[str, ...] = ()
    right: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    signature: tuple[str, ...] = ()


def parse_spec(text: str) -> DocSpec:
    """Parse the doc spec format (``@left``, ``@right``, ... marker lines).

    Text before any marker is body, so a plain text file is a valid spec.
    Lines are NFC-normalised and their whitespace collapsed because the
    ground truth is compared whitespace-normalised anyway.
    """
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff"))
    blocks: dict[str, list[str]] = {name: [] for name in _BLOCKS}
    current = "body"
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("@") and stripped[1:] in blocks:
            current = stripped[1:]
            continue
        line = " ".join(stripped.split())
        if line:
            blocks[current].append(line)
        elif current == "signature":
            blocks[current].append("")
    signature = blocks["signature"]
    while signature and not signature[0]:
        signature.pop(0)
    while signature and not signature[-1]:
        signature.pop()
    return DocSpec(**{name: tuple(lines) for name, lines in blocks.items()})


# --------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------


def _font_dirs() -> list[Path]:
    """Folders to search for Liberation Serif, most specific first.

    ``VNOCR_FONT_DIR`` (os.pathsep separated) lets a deployment point at a
    font copy; otherwise the XDG font folders are used, like fontconfig.
    """
    dirs: list[Path] = []
    env = os.environ.get("VNOCR_FONT_DIR", "")
    dirs.extend(Path(p) for p in env.split(os.pathsep) if p)
    home = Path.home()
    dirs.append(Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "fonts")
    dirs.append(home / ".fonts")
    xdg = os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
    dirs.extend(Path(p) / "fonts" for p in xdg.split(":") if p)
    if sys.platform == "darwin":
        dirs.extend([home / "Library" / "Fonts", Path("/Library/Fonts")])
    windir = os.environ.get("WINDIR")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    return dirs


def _glyph_missing(font: ImageFont.FreeTypeFont, ch: str, notdef: bytes) -> bool:
    """True when ``ch`` would render as the font's .notdef box."""
    return bytes(font.getmask(ch)) == notdef


def _covers_vietnamese(path: str) -> bool:
    font = ImageFont.truetype(path, 24, layout_engine=ImageFont.Layout.BASIC)
    notdef = bytes(font.getmask(_NOT_A_CHAR))
    return not any(_glyph_missing(font, ch, notdef) for ch in _VI_PROBE)


@lru_cache(maxsize=1)
def _font_paths() -> dict[str, str]:
    """Resolve the four Liberation Serif styles, preferring Vietnamese-capable files.

    Liberation 1.x (still the default package on some distributions) lacks
    most Vietnamese letters; 2.x has them.  When only 1.x exists the missing
    letters are composed from its own glyphs (see ``_Face``).
    """
    wanted = set(_FONT_FILES.values())
    found: dict[str, list[str]] = {name: [] for name in wanted}
    for folder in _font_dirs():
        if not folder.is_dir():
            continue
        for root, _dirs, files in os.walk(folder):
            for name in files:
                if name in wanted:
                    found[name].append(os.path.join(root, name))
    paths: dict[str, str] = {}
    for style, name in _FONT_FILES.items():
        candidates = found[name]
        if not candidates:
            raise FileNotFoundError(
                f"{name} not found; install Liberation fonts (fonts-liberation2) "
                "or set VNOCR_FONT_DIR to a folder containing them"
            )
        good = [p for p in candidates if _covers_vietnamese(p)]
        paths[style] = (good or candidates)[0]
    return paths


@dataclass(frozen=True, slots=True)
class _Glyph:
    mask: Image.Image  # "L" coverage, 255 = ink
    left: int  # offset of the mask from the pen position (baseline origin)
    top: int
    advance: float


_ABOVE = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0302", "\u0306"}
_MODIFIERS = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn
_DONORS = {  # mark -> (lower-case donor, upper-case donor) carrying it over a/A
    "\u0300": ("à", "À"),
    "\u0301": ("á", "Á"),
    "\u0303": ("ã", "Ã"),
    "\u0302": ("â", "Â"),
    "\u0306": ("ă", "Ă"),
}


def _ink_box(arr: np.ndarray, threshold: int = 40) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) of pixels above ``threshold``, exclusive."""
    ys, xs = np.nonzero(arr > threshold)
    if ys.size == 0:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


class _Face:
    """One font style at one pixel size, able to draw every Vietnamese letter.

    With a Vietnamese-capable font this is a thin wrapper over Pillow.  With
    Liberation 1.x the missing letters (ạ, ả, ấ, ơ, ...) are composed once
    per face from the font's own base letters and accents, so the page still
    reads as Liberation Serif instead of showing .notdef boxes.
    """

    def __init__(self, path: str, px: float) -> None:
        self.font = ImageFont.truetype(path, px, layout_engine=ImageFont.Layout.BASIC)
        self.px = px
        self.ascent, self.descent = self.font.getmetrics()
        self._notdef = bytes(self.font.getmask(_NOT_A_CHAR))
        self._missing: dict[str, bool] = {}
        self._glyphs: dict[str, _Glyph | None] = {}
        self._lengths: dict[str, float] = {}
        em = int(math.ceil(px))
        self._canvas_size = (4 * em, 4 * em)
        self._origin = (em, int(2.5 * em))

    # -- coverage ----------------------------------------------------------
    def missing(self, ch: str) -> bool:
        if ch < "\u0080":
            return False
        known = self._missing.get(ch)
        if known is None:
            known = _glyph_missing(self.font, ch, self._notdef)
            self._missing[ch] = known
        return known

    def _runs(self, text: str) -> list[tuple[str, _Glyph | None]]:
        """Split text into drawable runs: (plain text, None) or (char, glyph)."""
        runs: list[tuple[str, _Glyph | None]] = []
        plain = []
        for ch in text:
            glyph = self._glyph(ch) if self.missing(ch) else None
            if glyph is None:
                plain.append(ch)
                continue
            if plain:
                runs.append(("".join(plain), None))
                plain = []
            runs.append((ch, glyph))
        if plain:
            runs.append(("".join(plain), None))
        return runs

    # -- measuring and drawing ---------------------------------------------
    def length(self, text: str) -> float:
        """Advance width of ``text`` in pixels."""
        cached = self._lengths.get(text)
        if cached is None:
            cached = sum(
                g.advance if g is not None else self.font.getlength(s) for s, g in self._runs(text)
            )
            self._lengths[text] = cached
        return cached

    def draw(
        self, draw: ImageDraw.ImageDraw, x: float, baseline: float, text: str, fill: int = 0
    ) -> None:
        """Draw ``text`` with its pen origin at (x, baseline)."""
        for chunk, glyph in self._runs(text):
            if glyph is None:
                draw.text((x, baseline), chunk, font=self.font, fill=fill, anchor="ls")
                x += self.font.getlength(chunk)
            else:
                draw.bitmap(
                    (round(x) + glyph.left, round(baseline) + glyph.top), glyph.mask, fill=fill
                )
                x += glyph.advance

    # -- composition of missing letters ------------------------------------
    def _render(self, text: str) -> np.ndarray:
        img = Image.new("L", self._canvas_size, 0)
        ImageDraw.Draw(img).text(self._origin, text, font=self.font, fill=255, anchor="ls")
        return np.asarray(img, dtype=np.float32)

    @cache  # noqa: B019 - faces are cached for the process anyway
    def _mark(self, mark: str, upper: bool) -> tuple[np.ndarray, float, float] | None:
        """Bitmap of a mark, its x offset from the base centre and its gap above it."""
        if mark in _DONORS:
            donor = _DONORS[mark][1 if upper else 0]
            base = "A" if upper else "a"
            if self.missing(donor):
                return None
            full = self._render(donor)
            base_box = _ink_box(self._render(base))
            if base_box is None:
                return None
            above = full[: base_box[1] - 1]
            box = _ink_box(above)
            if box is None:
                return None
            crop = above[box[1] : box[3], box[0] : box[2]]
            dx = (box[0] + box[2]) / 2 - (base_box[0] + base_box[2]) / 2
            return crop, dx, base_box[1] - box[3]
        if mark == "\u0309":  # hook above: the top of "?" without its dot
            acute = self._mark("\u0301", upper)
            qm = self._render("?")
            box = _ink_box(qm)
            if acute is None or box is None:
                return None
            rows = np.nonzero((qm[box[1] : box[3], box[0] : box[2]] > 40).any(axis=1))[0] + box[1]
            gaps = np.nonzero(np.diff(rows) > 1)[0]
            hook_bottom = rows[gaps[-1]] + 1 if gaps.size else box[3]
            hook = qm[box[1] : hook_bottom, box[0] : box[2]]
            target_h = max(3, round(acute[0].shape[0] * (1.25 if upper else 1.4)))
            scale = target_h / hook.shape[0]
            target_w = max(2, round(hook.shape[1] * scale))
            hook = cv2.resize(hook, (target_w, target_h), interpolation=cv2.INTER_AREA)
            return hook, acute[1] * 0.3, acute[2] * 0.7
        return None

    def _piece(self, text: str, scale: float) -> np.ndarray | None:
        arr = self._render(text)
        box = _ink_box(arr)
        if box is None:
            return None
        crop = arr[box[1] : box[3], box[0] : box[2]]
        if scale != 1.0:
            size = (max(2, round(crop.shape[1] * scale)), max(2, round(crop.shape[0] * scale)))
            crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
        return crop

    def _glyph(self, ch: str) -> _Glyph | None:
        if ch in self._glyphs:
            return self._glyphs[ch]
        glyph = self._compose(ch)
        self._glyphs[ch] = glyph
        return glyph

    def _compose(self, ch: str) -> _Glyph | None:
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], list(decomposed[1:])
        if not marks or self.missing(base):
            return None
        upper = base.isupper()
        # Start from the richest precomposed letter the font has, preferring
        # one that already carries the circumflex/breve (â, ê, ô, ă).
        best: tuple[str, list[str]] | None = None
        best_key: tuple[int, int] | None = None
        n = len(marks)
        for bits in range(1 << n):
            subset = [m for i, m in enumerate(marks) if bits >> i & 1]
            start = unicodedata.normalize("NFC", base + "".join(subset))
            if len(start) != 1 or (subset and self.missing(start)):
                continue
            key = (sum(m in _MODIFIERS for m in subset), len(subset))
            if best_key is None or key > best_key:
                best, best_key = (start, [m for m in marks if m not in subset]), key
        if best is None:
            return None
        start, rest = best
        if start == "i" and any(m in _ABOVE for m in rest) and not self.missing("\u0131"):
            start = "\u0131"  # a mark above i replaces its dot (ỉ)
        canvas = self._render(start)
        ox, oy = self._origin
        base_box = _ink_box(self._render(base))
        start_box = _ink_box(canvas)
        if base_box is None or start_box is None:
            return None
        centre = (base_box[0] + base_box[2]) / 2
        has_circumflex = unicodedata.normalize("NFD", start).find("\u0302") >= 0
        advance = self.font.getlength(start)

        def paste(piece: np.ndarray, left: float, top: float) -> None:
            x0, y0 = int(round(left)), int(round(top))
            h, w = piece.shape
            region = canvas[y0 : y0 + h, x0 : x0 + w]
            np.maximum(region, piece[: region.shape[0], : region.shape[1]], out=region)

        for mark in sorted(rest, key=lambda m: (m not in _ABOVE, m == "\u0323")):
            box = _ink_box(canvas)
            if box is None:
                return None
            if mark in _ABOVE:
                found = self._mark(mark, upper)
                if found is None:
                    return None
                piece, dx, gap = found
                h, w = piece.shape
                if has_circumflex and mark != "\u0303":
                    # Vietnamese sets acute/grave/hook beside the circumflex.
                    accent = canvas[: base_box[1] - 1]
                    acc = _ink_box(accent) or box
                    acc_h = acc[3] - acc[1]
                    if mark == "\u0301":  # acute rises from the circumflex's right arm
                        left, top = acc[2] - 0.2 * w, acc[1] + 0.45 * acc_h - h
                    else:  # grave and hook sit higher, over the right arm
                        left, top = acc[2] - 0.4 * w, acc[1] + 0.3 * acc_h - h
                else:
                    left = centre + dx - w / 2
                    top = box[1] - gap - h
                paste(piece, left, top)
            elif mark == "\u031b":  # horn
                horn = self._piece("\u2019" if not self.missing("\u2019") else ",", 0.78)
                if horn is None:
                    return None
                h, w = horn.shape
                body_h = base_box[3] - base_box[1]
                left = base_box[2] - 0.45 * w
                top = base_box[1] + 0.28 * body_h - h
                paste(horn, left, top)
                advance = max(advance, (left + w - ox) * 0.98)
            elif mark == "\u0323":  # dot below
                dot = self._piece(".", 0.9)
                if dot is None:
                    return None
                h, w = dot.shape
                if base_box[3] > oy + 0.1 * self.px:  # descender (y): dot beside the stem
                    paste(dot, centre + 0.12 * (base_box[2] - base_box[0]), oy + 0.04 * self.px)
                else:
                    paste(dot, centre - w / 2, base_box[3] + 0.07 * self.px)
            else:
                return None
        final = _ink_box(canvas, threshold=0)
        if final is None:
            return None
        crop = np.clip(canvas[final[1] : final[3], final[0] : final[2]], 0, 255).astype(np.uint8)
        return _Glyph(Image.fromarray(crop, "L"), final[0] - ox, final[1] - oy, advance)


@lru_cache(maxsize=64)
def _face(style: str, px: float) -> _Face:
    return _Face(_font_paths()[style], px)


# --------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class SynthPage:
    """One synthesized page: pixels plus the truth needed to score OCR on it.

    ``text`` lists the printed lines in reading order; ``lines`` holds the
    same lines tagged with their region kind (to score one block, e.g. the
    body, on its own); ``regions`` gives a box per layout block so layout
    analysis can be scored too.  Pixels are
    read-only so a page can be shared between tests without copies.  Equality
    is identity (``eq=False``) because comparing arrays has no single truth value.
    """

    index: int
    pixels: np.ndarray
    dpi: int
    text: str
    regions: tuple[tuple[str, tuple[int, int, int, int]], ...]
    lines: tuple[tuple[str, str], ...] = ()


_ROMAN_HEADING = re.compile(r"^[IVXL]+\.\s")
_CHAPTER_HEADING = re.compile(r"^(?:Chương|Phần|Mục)\s+(?:thứ\s+)?[IVXL\d]+\b", re.IGNORECASE)
_ARTICLE = re.compile(r"^Điều\s+\d+[a-zđ]?\.")
_NUMBERED = re.compile(r"^\d+(?:\.\d+)*\.\s")
_NUMBER_LINE = re.compile(r"^Số\b")


class _Page:
    """A page being drawn, with its ground-truth lines and region boxes."""

    def __init__(self, index: int, size: tuple[int, int]) -> None:
        self.index = index
        self.img = Image.new("L", size, 255)
        self.draw = ImageDraw.Draw(self.img)
        self.lines: list[tuple[str, str]] = []
        self.boxes: dict[str, list[float]] = {}

    def add_box(self, kind: str, box: Sequence[float]) -> None:
        cur = self.boxes.get(kind)
        if cur is None:
            self.boxes[kind] = list(box)
        else:
            cur[0], cur[1] = min(cur[0], box[0]), min(cur[1], box[1])
            cur[2], cur[3] = max(cur[2], box[2]), max(cur[3], box[3])

    def words(self, kind: str, pieces: Sequence[tuple[float, str, _Face]], baseline: float) -> None:
        """Draw words at given x positions and record them as one text line."""
        if not pieces:
            return
        for x, word, face in pieces:
            face.draw(self.draw, x, baseline, word)
        first, last = pieces[0], pieces[-1]
        asc = max(f.ascent for _, _, f in pieces)
        desc = max(f.descent for _, _, f in pieces)
        right = last[0] + last[2].length(last[1])
        self.add_box(kind, (first[0], baseline - asc, right, baseline + desc))
        self.lines.append((kind, unicodedata.normalize("NFC", " ".join(w for _, w, _ in pieces))))

    def rule(self, x0: float, x1: float, y: float, thickness: float) -> None:
        self.draw.rectangle((round(x0), round(y), round(x1), round(y + thickness) - 1), fill=0)

    def finish(self, dpi: int) -> SynthPage:
        pixels = np.array(self.img, dtype=np.uint8)
        pixels.setflags(write=False)
        w, h = self.img.size
        regions = tuple(
            (
                kind,
                (
                    max(0, int(math.floor(b[0]))),
                    max(0, int(math.floor(b[1]))),
                    min(w, int(math.ceil(b[2]))),
                    min(h, int(math.ceil(b[3]))),
                ),
            )
            for kind, b in self.boxes.items()
        )
        text = "\n".join(line for _, line in self.lines)
        return SynthPage(self.index, pixels, dpi, text, regions, tuple(self.lines))


Token = tuple[str, "_Face"]


def _wrap(tokens: Sequence[Token], first_width: float, width: float) -> list[list[Token]]:
    """Greedy line breaking; words longer than a line are split by characters."""
    lines: list[list[Token]] = []
    line: list[Token] = []
    used = 0.0
    limit = first_width
    queue = list(tokens)
    while queue:
        word, face = queue.pop(0)
        w = face.length(word)
        space = face.length(" ") if line else 0.0
        if used + space + w <= limit + 0.01:
            line.append((word, face))
            used += space + w
            continue
        if line:
            lines.append(line)
            line, used, limit = [], 0.0, width
            queue.insert(0, (word, face))
            continue
        # A single word wider than the line: cut it.
        cut = len(word) - 1
        while cut > 1 and face.length(word[:cut]) > limit:
            cut -= 1
        lines.append([(word[:cut], face)])
        limit = width
        queue.insert(0, (word[cut:], face))
    if line:
        lines.append(line)
    return lines


class _Layout:
    """Lays a DocSpec out on A4 pages; all sizes in pixels at ``dpi``."""

    def __init__(self, spec: DocSpec, font_size: float, dpi: int) -> None:
        self.spec = spec
        self.fs = font_size
        self.dpi = dpi
        self.size = (round(_A4_MM[0] / _MM_PER_INCH * dpi), round(_A4_MM[1] / _MM_PER_INCH * dpi))
        self.left = self.mm(_MARGIN_LEFT)
        self.right = self.size[0] - self.mm(_MARGIN_RIGHT)
        self.top = self.mm(_MARGIN_TOP)
        self.bottom = self.size[1] - self.mm(_MARGIN_BOTTOM)
        self.width = self.right - self.left
        self.rule_t = max(2.0, self.mm(_RULE_MM))
        self.pages: list[_Page] = []
        self.page: _Page = self.new_page()
        self.y = self.top

    def mm(self, value: float) -> float:
        return value * self.dpi / _MM_PER_INCH

    def face(self, style: str, pt: float) -> _Face:
        return _face(style, round(pt * self.dpi / 72.0, 3))

    def new_page(self) -> _Page:
        page = _Page(len(self.pages) + 1, self.size)
        self.pages.append(page)
        if page.index > 1:
            # Decree 30: pages from the second on carry a centred number in the top margin.
            face = self.face("regular", self.fs - 0.5)
            label = str(page.index)
            x = (self.left + self.right - face.length(label)) / 2
            page.words("page_number", [(x, label, face)], self.mm(13.0))
        self.page = page
        self.y = self.top
        return page

    # -- helpers -------------------------------------------------------------
    def centred(
        self, kind: str, text: str, face: _Face, x0: float, x1: float, baseline: float
    ) -> float:
        """Draw centred text; returns its width."""
        w = face.length(text)
        self.page.words(kind, [((x0 + x1 - w) / 2, text, face)], baseline)
        return w

    def fit(self, text: str, style: str, pt: float, width: float) -> _Face:
        """Shrink a header line (down to 85 %) so it fits its column, as typists do."""
        face = self.face(style, pt)
        floor = pt * 0.85
        while face.length(text) > width and pt > floor:
            pt -= 0.25
            face = self.face(style, pt)
        return face

    # -- header ----------------------------------------------------------------
    def header(self) -> None:
        spec = self.spec
        if not spec.left and not spec.right:
            return
        x0 = self.left - self.mm(_HEADER_OVERHANG)
        split = x0 + 0.45 * (self.right - x0)
        pad = self.mm(2.0)
        # Column items are [text, baseline offset, face, underlined?, rule width under it].
        left_items, left_anchor = self._left_column(spec.left, split - x0 - 2 * pad)
        right_items, right_anchor = self._right_column(spec.right, self.right - split - 2 * pad)
        # Put "Số ..." and the place/date line on one baseline, as in real documents.
        if left_anchor is not None and right_anchor is not None:
            dl = left_items[left_anchor][1]
            dr = right_items[right_anchor][1]
            if dl > dr:
                for i in range(right_anchor, len(right_items)):
                    right_items[i][1] += dl - dr
            else:
                for i in range(left_anchor, len(left_items)):
                    left_items[i][1] += dr - dl
        bottom = self.top
        for items, (c0, c1), kind in (
            (left_items, (x0 + pad, split - pad), "header_left"),
            (right_items, (split + pad, self.right - pad), "header_right"),
        ):
            for text, baseline, face, underline, rule in items:
                base = self.top + baseline
                w = self.centred(kind, text, face, c0, c1, base) if text else 0.0
                bottom = max(bottom, base + face.descent)
                if underline:
                    uy = base + face.descent + self.mm(0.6)
                    self.page.rule((c0 + c1 - w) / 2, (c0 + c1 + w) / 2, uy, self.rule_t)
                    bottom = max(bottom, uy + self.rule_t)
                if rule:
                    ry = base + face.descent + self.mm(0.8)
                    self.page.rule((c0 + c1 - rule) / 2, (c0 + c1 + rule) / 2, ry, self.rule_t)
                    bottom = max(bottom, ry + self.rule_t)
        self.y = bottom

    def _left_column(self, lines: Sequence[str], width: float) -> tuple[list[list], int | None]:
        """Issuing-body column: parent body regular, issuing body bold, then "*"/rule and "Số"."""
        n_names = 0
        for line in lines:
            if line == "*" or _NUMBER_LINE.match(line):
                break
            n_names += 1
        has_star = "*" in lines
        items: list[list] = []
        y = 0.0
        anchor: int | None = None
        bold_w = 0.0
        for i, line in enumerate(lines):
            if i < n_names:
                style = "regular" if (n_names > 1 and i == 0) else "bold"
                pt = self.fs - 0.5
            elif line == "*" or (anchor is None and _NUMBER_LINE.match(line)):
                style, pt = "regular", self.fs - 0.5
            else:
                style, pt = "regular", self.fs - 1.5  # e.g. "V/v ..." under the number
            face = self.fit(line, style, pt, width)
            if anchor is None and i >= n_names and _NUMBER_LINE.match(line):
                anchor = len(items)
            for part in _wrap([(w, face) for w in line.split()], width, width):
                text = " ".join(w for w, _ in part)
                y += face.px * 1.2
                items.append([text, y, face, 0.0, 0.0])
                if style == "bold":
                    bold_w = max(bold_w, face.length(text))
            if i == n_names - 1 and not has_star and len(lines) > n_names:
                # State documents: a short rule under the issuing body's name.
                items[-1][4] = max(self.mm(12.0), 0.4 * (bold_w or face.length(items[-1][0])))
                y += self.mm(1.5)
        return items, anchor

    def _right_column(self, lines: Sequence[str], width: float) -> tuple[list[list], int | None]:
        """Motto column: capitals and "Độc lập..." bold (last one underlined), place/date italic."""
        items: list[list] = []
        y = 0.0
        anchor: int | None = None
        last_bold: int | None = None
        for line in lines:
            letters = [c for c in line if c.isalpha()]
            is_caps = bool(letters) and all(c.isupper() for c in letters)
            if is_caps or line.startswith("Độc lập"):
                style = "bold"
                pt = self.fs - 1.0 if (is_caps and len(line) > 26) else self.fs
            else:
                style, pt = "italic", self.fs
            face = self.fit(line, style, pt, width)
            parts = _wrap([(w, face) for w in line.split()], width, width)
            if style == "italic" and anchor is None and items:
                y += face.px * 0.6  # breathing room under the motto's rule
            for j, part in enumerate(parts):
                y += face.px * 1.2
                items.append([" ".join(w for w, _ in part), y, face, 0.0, 0.0])
                if style == "italic" and anchor is None and j == 0:
                    anchor = len(items) - 1
            if style == "bold" and anchor is None:
                last_bold = len(items) - 1
        if last_bold is not None:
            it = items[last_bold]
            it[3] = it[2].length(it[0])  # underline the motto / party name
            for later in items[last_bold + 1 :]:
                later[1] += self.mm(1.0)
        return items, anchor

    # -- title -------------------------------------------------------------------
    def title(self) -> None:
        lines = self.spec.title
        if not lines:
            return
        self.y += self.mm(9.0) if self.page.lines else 0.0
        widest = 0.0
        face = self.face("bold", self.fs + 1.0)
        for i, line in enumerate(lines):
            face = self.face("bold", self.fs + (1.0 if i == 0 else 0.5))
            for part in _wrap([(w, face) for w in line.split()], self.width, self.width):
                text = " ".join(w for w, _ in part)
                self.y += face.px * 1.22
                widest = max(
                    widest, self.centred("title", text, face, self.left, self.right, self.y)
                )
        self.y += face.descent
        if len(lines) > 1:
            # A short centred rule under the subject line(s).
            self.y += self.mm(1.2)
            rule_w = max(self.mm(25.0), widest / 3)
            cx = (self.left + self.right) / 2
            self.page.rule(cx - rule_w / 2, cx + rule_w / 2, self.y, self.rule_t)
            self.y += self.rule_t
        self.y += self.mm(5.0)

    # -- body --------------------------------------------------------------------
    def _paragraph(self, line: str) -> tuple[list[Token], str, bool]:
        """Tokens with their faces, the alignment, and whether it is a heading."""
        regular = self.face("regular", self.fs)
        bold = self.face("bold", self.fs)
        words = line.split()
        if _ROMAN_HEADING.match(line):
            return [(w, bold) for w in words], "justify", True
        if _CHAPTER_HEADING.match(line):
            return [(w, bold) for w in words], "center", True
        m = _ARTICLE.match(line)
        if m:
            n_bold = len(m.group(0).split())
            return (
                [(w, bold if i < n_bold else regular) for i, w in enumerate(words)],
                "justify",
                False,
            )
        if (
            _NUMBERED.match(line)
            and not line.endswith((".", ";", ","))
            and bold.length(line) <= self.width - self.mm(_INDENT)
        ):
            return [(w, bold) for w in words], "justify", True
        return [(w, regular) for w in words], "justify", False

    def body(self) -> None:
        regular = self.face("regular", self.fs)
        pitch = regular.px * _BODY_LEADING
        indent = self.mm(_INDENT)
        para_space = self.mm(_PARA_SPACE)
        first = True
        for line in self.spec.body:
            tokens, align, heading = self._paragraph(line)
            first_width = self.width if align == "center" else self.width - indent
            lines = _wrap(tokens, first_width, self.width)
            if not first and self.y > self.top:
                self.y += para_space
            first = False
            need = pitch * (len(lines) + 1 if heading else 1)
            if self.y + need > self.bottom:
                self.new_page()
            for k, words in enumerate(lines):
                if self.y + pitch > self.bottom:
                    self.new_page()
                baseline = self.y + regular.ascent + (pitch - regular.ascent - regular.descent) / 2
                x0 = self.left + (indent if k == 0 and align != "center" else 0.0)
                span = self.right - x0
                widths = [f.length(w) for w, f in words]
                last = k == len(lines) - 1
                if align == "center":
                    natural = sum(widths) + sum(f.length(" ") for _, f in words[1:])
                    x0 = (self.left + self.right - natural) / 2
                    gap = None
                elif last or len(words) == 1:
                    gap = None
                else:
                    gap = (span - sum(widths)) / (len(words) - 1)
                pieces = []
                x = x0
                for (w, f), wd in zip(words, widths, strict=True):
                    pieces.append((x, w, f))
                    x += wd + (gap if gap is not None else f.length(" "))
                self.page.words("body", pieces, baseline)
                self.y += pitch

    # -- closing blocks ------------------------------------------------------------
    def closing(self) -> None:
        spec = self.spec
        if not spec.recipients and not spec.signature:
            return
        rec_x0 = self.left
        rec_w = 0.45 * self.width
        sig_x0 = self.left + 0.48 * self.width
        head = self.face("bolditalic", self.fs - 1.5)
        item = self.face("regular", self.fs - 2.5)
        sig = self.face("bold", self.fs)
        # Lay out first (offsets from the block top), then draw where it fits.
        rec: list[tuple[float, float, str, _Face]] = []  # (x, baseline offset, text, face)
        y = 0.0
        for i, line in enumerate(spec.recipients):
            face = head if i == 0 else item
            hang = face.length("- ") if line.startswith("- ") else 0.0
            for j, part in enumerate(_wrap([(w, face) for w in line.split()], rec_w, rec_w - hang)):
                y += face.px * (1.25 if i == 0 else 1.15)
                rec.append((rec_x0 + (hang if j else 0.0), y, " ".join(w for w, _ in part), face))
        rec_h = y + item.descent if rec else 0.0
        sig_items: list[tuple[float, str]] = []
        y = 0.0
        in_gap = False
        for line in spec.signature:
            if not line:
                if not in_gap:
                    y += self.mm(_SIGNATURE_GAP)
                in_gap = True
                continue
            in_gap = False
            for part in _wrap(
                [(w, sig) for w in line.split()], self.right - sig_x0, self.right - sig_x0
            ):
                y += sig.px * 1.2
                sig_items.append((y, " ".join(w for w, _ in part)))
        sig_h = y + sig.descent if sig_items else 0.0
        self.y += self.mm(5.0)
        if self.y + max(rec_h, sig_h) > self.bottom:
            self.new_page()
        top = self.y
        for x, off, text, face in rec:
            self.page.words("recipients", [(x, text, face)], top + off)
        for off, text in sig_items:
            self.centred("signature", text, sig, sig_x0, self.right, top + off)
        self.y = top + max(rec_h, sig_h)


def render(spec: DocSpec, *, font_size: float = 13.5, dpi: int = 300) -> list[SynthPage]:
    """Render a spec to clean grayscale A4 pages with their ground truth."""
    if not _MIN_PT < font_size <= _MAX_PT or dpi < 50:
        raise ValueError(f"font_size must be over {_MIN_PT:g} and up to {_MAX_PT:g} pt, dpi >= 50")
    layout = _Layout(spec, font_size, dpi)
    layout.header()
    layout.title()
    layout.body()
    layout.closing()
    return [page.finish(dpi) for page in layout.pages]


# --------------------------------------------------------------------------
# Seal
# --------------------------------------------------------------------------


def seal_text(spec: DocSpec) -> str:
    """Text for the seal ring: the issuing body's name lines, in capitals."""
    names = []
    for line in spec.left:
        if line == "*" or _NUMBER_LINE.match(line):
            break
        names.append(line.upper())
    return " - ".join(names) or "CƠ QUAN BAN HÀNH"


def _star(cx: float, cy: float, r_out: float, rotation: float = 0.0) -> list[tuple[float, float]]:
    pts = []
    r_in = r_out * 0.382
    for k in range(10):
        r = r_out if k % 2 == 0 else r_in
        a = rotation + math.pi * k / 5 - math.pi / 2
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


def _seal_mask(
    ring_text: str,
    dpi: int,
    rng: np.random.Generator,
    *,
    diameter_mm: float = 38.0,
    ring_mm: float = 0.9,
) -> np.ndarray:
    """Ink coverage (0..1) of a round seal: two rings, text on the ring, a star.

    The mask is square and the seal centred in it; the outer ring's ink lies between
    radius ``diameter_mm / 2 - ring_mm`` and ``diameter_mm / 2`` (in pixels at ``dpi``)."""
    diameter = diameter_mm * dpi / _MM_PER_INCH
    size = int(diameter + 0.1 * diameter)
    c = size / 2
    r_out = diameter / 2
    r_in = r_out - 7.0 * dpi / _MM_PER_INCH
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    w_out = max(3, round(ring_mm * dpi / _MM_PER_INCH))
    w_in = max(2, round(0.35 * dpi / _MM_PER_INCH))
    draw.ellipse((c - r_out, c - r_out, c + r_out, c + r_out), outline=255, width=w_out)
    draw.ellipse((c - r_in, c - r_in, c + r_in, c + r_in), outline=255, width=w_in)
    draw.polygon(_star(c, c, r_in * 0.42), fill=255)
    # Text around the ring, centred on the top, letters upright to the outside.
    band = r_out - w_out - (r_in + w_in)
    px = band * 0.78
    text = ring_text.upper()
    r_text = None
    face = _face("bold", round(px, 3))
    for _ in range(12):
        face = _face("bold", round(px, 3))
        cap = face.ascent * 0.72
        r_text = r_in + w_in + (band - cap) / 2  # baseline radius
        span = sum(face.length(ch) for ch in text) * 1.08 / r_text
        if span <= math.radians(300):
            break
        px *= 0.92
    assert r_text is not None
    widths = [face.length(ch) * 1.08 for ch in text]
    total = sum(widths) / r_text
    angle = -total / 2
    tile = int(face.px * 2)
    for ch, w in zip(text, widths, strict=True):
        step = w / r_text
        theta = angle + step / 2
        angle += step
        if ch == " ":
            continue
        glyph = Image.new("L", (tile, tile), 0)
        face.draw(ImageDraw.Draw(glyph), tile / 2 - face.length(ch) / 2, tile / 2, ch, fill=255)
        glyph = glyph.rotate(-math.degrees(theta), resample=Image.Resampling.BICUBIC)
        gx = c + r_text * math.sin(theta) - tile / 2
        gy = c - r_text * math.cos(theta) - tile / 2
        img.paste(255, (round(gx), round(gy)), glyph)
    # A small star closes the ring at the bottom.
    draw.polygon(_star(c, c + (r_in + w_in + band / 2), band * 0.28), fill=255)
    img = img.rotate(float(rng.uniform(-25, 25)), resample=Image.Resampling.BICUBIC)
    mask = np.asarray(img, dtype=np.float32) / 255.0
    # Uneven stamp pressure: smooth low-frequency ink density plus fine grain.
    low = rng.uniform(0.55, 1.0, (8, 8)).astype(np.float32)
    density = cv2.resize(low, (size, size), interpolation=cv2.INTER_CUBIC)
    grain = rng.uniform(0.8, 1.0, (size, size)).astype(np.float32)
    return np.clip(mask * density * grain, 0.0, 1.0)


def add_seal(page: SynthPage, ring_text: str, seed: int) -> SynthPage:
    """Stamp a red round seal over the signature block (multiplied, like ink).

    The seal is not printed text, so the ground truth is left unchanged; a
    "seal" region is added.  The result is RGB.
    """
    rng = np.random.default_rng([_seed(seed), page.index, 0x5EA1])
    mask = _seal_mask(ring_text, page.dpi, rng)
    h, w = page.pixels.shape[:2]
    boxes = dict(page.regions)
    if "signature" in boxes:
        x0, y0, x1, y1 = boxes["signature"]
        cx = x0 + 0.3 * (x1 - x0)
        cy = (y0 + y1) / 2
    else:
        cx, cy = 0.68 * w, 0.8 * h
    cx += rng.uniform(-0.05, 0.05) * mask.shape[1]
    cy += rng.uniform(-0.08, 0.08) * mask.shape[0]
    x0, y0 = int(round(cx - mask.shape[1] / 2)), int(round(cy - mask.shape[0] / 2))
    rgb = page.pixels if page.pixels.ndim == 3 else np.repeat(page.pixels[:, :, None], 3, axis=2)
    out = np.array(rgb, dtype=np.uint8)
    sx0, sy0 = max(0, x0), max(0, y0)
    sx1, sy1 = min(w, x0 + mask.shape[1]), min(h, y0 + mask.shape[0])
    if sx1 > sx0 and sy1 > sy0:
        m = mask[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0, None] * float(rng.uniform(0.75, 0.92))
        ink = np.array([205, 28, 42], dtype=np.float32) + rng.uniform(-12, 12, 3).astype(np.float32)
        region = out[sy0:sy1, sx0:sx1].astype(np.float32)
        region *= 1.0 - m * (1.0 - np.clip(ink, 0, 255) / 255.0)
        out[sy0:sy1, sx0:sx1] = np.clip(region + 0.5, 0, 255).astype(np.uint8)
    out.setflags(write=False)
    regions = page.regions + (("seal", (sx0, sy0, sx1, sy1)),)
    return replace(page, pixels=out, regions=regions)


# --------------------------------------------------------------------------
# Degradation
# --------------------------------------------------------------------------


def _seed(seed: int) -> int:
    return int(seed) % (1 << 63)


def _smooth_field(rng: np.random.Generator, shape: tuple[int, int], cells: int = 6) -> np.ndarray:
    """Low-frequency random field in [-1, 1], cheap to build at full size."""
    low = rng.uniform(-1.0, 1.0, (cells, cells)).astype(np.float32)
    return cv2.resize(low, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)


def _coords(
    shape: tuple[int, int], step: int = 16
) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    """Normalised (0..1) x/y grids at low resolution, to be upscaled later."""
    h, w = shape
    small = (max(2, h // step), max(2, w // step))
    ys, xs = np.mgrid[0 : small[0], 0 : small[1]].astype(np.float32)
    return xs / (small[1] - 1), ys / (small[0] - 1), small


def _jpeg(arr: np.ndarray, quality: int) -> np.ndarray:
    colour = arr.ndim == 3
    src = cv2.cvtColor(arr, cv2.COLOR_RGB2BGR) if colour else arr
    ok, buf = cv2.imencode(".jpg", src, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    out = cv2.imdecode(buf, cv2.IMREAD_COLOR if colour else cv2.IMREAD_GRAYSCALE)
    if out is None:
        raise RuntimeError("JPEG decoding failed")
    return cv2.cvtColor(out, cv2.COLOR_BGR2RGB) if colour else out


def _field_like(field: np.ndarray, f: np.ndarray, gains: np.ndarray | None = None) -> np.ndarray:
    """Upscale a low-resolution multiplicative field to ``f``'s shape (and channels)."""
    h, w = f.shape[:2]
    if f.ndim == 3:
        small = field[:, :, None] * (
            gains if gains is not None else np.ones(f.shape[2], np.float32)
        )
        return cv2.resize(small.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.resize(field.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)


def _add_noise_u8(rng: np.random.Generator, f: np.ndarray, sigma: float) -> np.ndarray:
    """Add sensor noise (same on all channels) and saturate to uint8 in one cv2 pass."""
    noise: np.ndarray = rng.standard_normal(f.shape[:2], dtype=np.float32) * np.float32(sigma)
    if f.ndim == 3:
        noise = cv2.merge([noise] * f.shape[2])
    return cv2.add(f, noise, dtype=cv2.CV_8U)


def _scan(arr: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Flatbed scan: skew, soft focus, sensor noise, uneven lamp, JPEG."""
    h, w = arr.shape[:2]
    angle = float(rng.uniform(-1.5, 1.5))
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    m[:, 2] += rng.uniform(-0.004, 0.004, 2) * np.array([w, h])
    white = (255, 255, 255) if arr.ndim == 3 else 255
    out = cv2.warpAffine(
        arr, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=white
    )
    out = cv2.GaussianBlur(out, (0, 0), float(rng.uniform(0.55, 0.9)))
    xs, ys, small = _coords((h, w))
    phi = rng.uniform(0, 2 * math.pi)
    grad = (xs - 0.5) * math.cos(phi) + (ys - 0.5) * math.sin(phi)
    vignette = (xs - 0.5) ** 2 + (ys - 0.5) ** 2
    field = (
        rng.uniform(0.92, 0.98)
        - rng.uniform(0.03, 0.09) * grad
        - rng.uniform(0.05, 0.15) * vignette
        + 0.015 * cv2.resize(rng.uniform(-1, 1, (5, 5)).astype(np.float32), (small[1], small[0]))
    )
    f = cv2.multiply(out.astype(np.float32), _field_like(field, out))
    out = _jpeg(_add_noise_u8(rng, f, float(rng.uniform(3.0, 7.0))), int(rng.integers(70, 86)))
    return out, np.vstack([m, [0.0, 0.0, 1.0]])


_FAX_MODES = ((204, 98), (204, 196), (200, 200))


def _fax(arr: np.ndarray, rng: np.random.Generator, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """Fax: low resolution in a real fax mode, hard threshold, speckle, jitter.

    The page is brought back to its original size with nearest-neighbour
    scaling so the blocky fax pixels survive and coordinates stay comparable.
    """
    h, w = arr.shape[:2]
    gray = cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY) if arr.ndim == 3 else arr
    hx, vy = _FAX_MODES[int(rng.integers(len(_FAX_MODES)))]
    sw, sh = max(1, round(w * hx / dpi)), max(1, round(h * vy / dpi))
    small = cv2.resize(gray, (sw, sh), interpolation=cv2.INTER_AREA).astype(np.float32)
    small += rng.standard_normal(small.shape, dtype=np.float32) * np.float32(rng.uniform(6.0, 12.0))
    small += 12.0 * _smooth_field(rng, small.shape, 5)
    binary = np.where(small < rng.uniform(140, 175), 0, 255).astype(np.uint8)
    # Speckle both ways: dirt on the glass and dropouts in the strokes.
    p = float(rng.uniform(0.00008, 0.0004))
    flips = rng.random(binary.shape, dtype=np.float32)
    binary[flips < p] = 0
    binary[flips > 1.0 - p * 0.5] = 255
    # Horizontal jitter of a few scan lines (paper feed slip).
    rows = np.nonzero(rng.random(sh) < 0.01)[0]
    for r in rows:
        binary[r] = np.roll(binary[r], int(rng.choice((-1, 1))))
    out = cv2.resize(binary, (w, h), interpolation=cv2.INTER_NEAREST)
    return out, np.eye(3)


def _photo(arr: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Phone photo: perspective, desk border, shadow, blur, colour cast, JPEG."""
    h, w = arr.shape[:2]
    rgb = arr if arr.ndim == 3 else cv2.cvtColor(arr, cv2.COLOR_GRAY2RGB)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    scale = rng.uniform(0.86, 0.93)
    centre = np.array([w / 2, h / 2], dtype=np.float32) + rng.uniform(-0.015, 0.015, 2) * [w, h]
    dst = centre + (src - np.array([w / 2, h / 2])) * scale
    dst += rng.uniform(-0.03, 0.03, (4, 2)) * np.array([w, h])
    dst = dst.astype(np.float32)
    hom = cv2.getPerspectiveTransform(src, dst)
    page = cv2.warpPerspective(
        rgb,
        hom,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0, 0, 0),
    )
    cover = cv2.warpPerspective(np.full((h, w), 255, np.uint8), hom, (w, h), flags=cv2.INTER_LINEAR)
    alpha = cover.astype(np.float32) * np.float32(1 / 255)
    desk = rng.uniform([40, 35, 30], [110, 95, 80]).astype(np.float32)
    texture = 1.0 + 0.12 * _smooth_field(rng, (h // 16, w // 16), 12)
    desk_small = np.clip(texture[:, :, None] * desk, 0, 255).astype(np.uint8)
    background = cv2.resize(desk_small, (w, h), interpolation=cv2.INTER_LINEAR)
    f: np.ndarray = cv2.blendLinear(page, background, alpha, 1.0 - alpha).astype(np.float32)
    # Shadow of the phone/hand: a soft half-plane over part of the frame.
    xs, ys, _ = _coords((h, w))
    phi = rng.uniform(0, 2 * math.pi)
    proj = (xs - 0.5) * math.cos(phi) + (ys - 0.5) * math.sin(phi)
    edge = rng.uniform(0.05, 0.35)
    softness = rng.uniform(0.03, 0.1)
    shadow = 1.0 - rng.uniform(0.2, 0.4) / (1.0 + np.exp(-(proj - edge) / softness))
    light = shadow * (rng.uniform(0.84, 0.95) - 0.08 * ((xs - 0.5) ** 2 + (ys - 0.5) ** 2))
    cast = np.array([1.0, rng.uniform(0.94, 0.99), rng.uniform(0.84, 0.93)], dtype=np.float32)
    if rng.random() < 0.35:  # cool daylight instead of warm indoor light
        cast = cast[::-1].copy()
    f = cv2.multiply(f, _field_like(light, f, cast))
    f = cv2.GaussianBlur(f, (0, 0), float(rng.uniform(0.6, 1.1)))
    out = _jpeg(_add_noise_u8(rng, f, float(rng.uniform(2.0, 4.5))), int(rng.integers(82, 93)))
    return out, hom


def _map_box(
    box: tuple[int, int, int, int], hom: np.ndarray, w: int, h: int
) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    corners = [[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]]
    pts = np.array(corners, dtype=np.float64) @ hom.T
    xs, ys = pts[:, 0] / pts[:, 2], pts[:, 1] / pts[:, 2]
    return (
        max(0, int(math.floor(xs.min()))),
        max(0, int(math.floor(ys.min()))),
        min(w, int(math.ceil(xs.max()))),
        min(h, int(math.ceil(ys.max()))),
    )


def _check_profile(profile: str) -> None:
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; valid profiles: {', '.join(PROFILES)}")


def degrade(page: SynthPage, profile: str, seed: int) -> SynthPage:
    """Return a degraded copy of ``page``; identical inputs give identical pixels.

    The page index is mixed into the seed so pages of one document differ.
    ``fax`` pages are single-channel binary; ``photo`` pages are RGB; the
    others keep the channel count.  Region boxes follow the geometric warp.
    """
    _check_profile(profile)
    if profile == "clean":
        return replace(page)
    rng = np.random.default_rng([_seed(seed), page.index, PROFILES.index(profile)])
    if profile == "scan":
        out, hom = _scan(page.pixels, rng)
    elif profile == "fax":
        out, hom = _fax(page.pixels, rng, page.dpi)
    else:
        out, hom = _photo(page.pixels, rng)
    out = np.ascontiguousarray(out)
    out.setflags(write=False)
    h, w = out.shape[:2]
    regions = tuple((kind, _map_box(box, hom, w, h)) for kind, box in page.regions)
    return replace(page, pixels=out, regions=regions)


def synthesize(
    text: str,
    profile: str = "clean",
    *,
    seed: int = 0,
    seal: bool = False,
    font_size: float = 13.5,
) -> list[SynthPage]:
    """Doc spec text -> degraded pages (the seal, if any, is stamped before degrading)."""
    _check_profile(profile)
    spec = parse_spec(text)
    pages = render(spec, font_size=font_size)
    if seal:
        target = max(
            (p.index for p in pages if any(kind == "signature" for kind, _ in p.regions)),
            default=pages[-1].index,
        )
        ring = seal_text(spec)
        pages = [add_seal(p, ring, seed) if p.index == target else p for p in pages]
    return [degrade(p, profile, seed) for p in pages]


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def _write_image(path: Path, img: Image.Image, **options: Any) -> None:
    """Encode in memory (TIFF appending reads back what it wrote), then write atomically."""
    buf = io.BytesIO()
    img.save(buf, **options)
    write_atomic(path, buf.getvalue())


def _is_binary(arr: np.ndarray) -> bool:
    return arr.ndim == 2 and bool(np.all((arr == 0) | (arr == 255)))


def _mostly_white(arr: np.ndarray) -> bool:
    """Clean renders are mostly pure white; degraded ones have noise everywhere."""
    return bool(np.count_nonzero(arr == 255) > arr.size // 2)


def _pil(page: SynthPage, bilevel: bool = False) -> Image.Image:
    img = Image.fromarray(np.asarray(page.pixels))
    return img.convert("1", dither=Image.Dither.NONE) if bilevel else img


def _page_text(page: SynthPage) -> str:
    return page.text + "\n" if page.text else ""


def write_pages(
    pages: Sequence[SynthPage], out_dir: Path, stem: str, fmt: str = "png", *, quality: int = 85
) -> list[Path]:
    """Write page images and ground-truth text; returns the paths written.

    ``quality`` is the JPEG quality of lossy pages (jpg files, noisy TIFF/PDF pages).
    ``png``/``jpg``: ``STEM-pN.EXT`` + ``STEM-pN.gt.txt`` per page.
    ``tif``/``pdf``: one multi-page ``STEM.EXT`` + ``STEM.gt.txt`` with pages
    separated by ``"\\f\\n"``.  Binary (fax) pages use CCITT Group 4.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; valid formats: {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if not pages:
        return []
    dpi = pages[0].dpi
    written: list[Path] = []
    options: dict[str, Any]
    if fmt in ("png", "jpg"):
        for page in pages:
            img_path = out_dir / f"{stem}-p{page.index}.{fmt}"
            if fmt == "png":
                # Noisy pages hardly compress: a low zlib level saves seconds, not bytes.
                level = 6 if _mostly_white(page.pixels) else 1
                options = {"format": "PNG", "compress_level": level}
            else:
                options = {"format": "JPEG", "quality": quality}
            _write_image(img_path, _pil(page), dpi=(page.dpi, page.dpi), **options)
            gt_path = out_dir / f"{stem}-p{page.index}.gt.txt"
            write_atomic(gt_path, _page_text(page))
            written += [img_path, gt_path]
        return written
    bilevel = all(_is_binary(p.pixels) for p in pages)
    images = [_pil(p, bilevel) for p in pages]
    doc_path = out_dir / f"{stem}.{fmt}"
    if fmt == "tif":
        options = {"format": "TIFF", "dpi": (dpi, dpi)}
        if bilevel:
            options["compression"] = "group4"
        elif all(_mostly_white(p.pixels) for p in pages):
            options["compression"] = "tiff_adobe_deflate"  # clean pages: lossless and small
        else:
            options.update(compression="jpeg", quality=quality)  # deflate would balloon
    else:
        options = {"format": "PDF", "resolution": float(dpi)}
        if not bilevel:  # bilevel pages go in as CCITT G4, which takes no quality
            options["quality"] = quality
    _write_image(doc_path, images[0], save_all=True, append_images=images[1:], **options)
    gt_path = out_dir / f"{stem}.gt.txt"
    write_atomic(gt_path, "\f\n".join(_page_text(p) for p in pages))
    return [doc_path, gt_path]


#: --font-size bounds (points): under the lower one glyphs are unreadable at 300 dpi, over
#: the upper one a line of body text no longer fits an A4 page.
_MIN_PT, _MAX_PT = 4.0, 72.0


def _font_size(text: str) -> float:
    """A --font-size value, checked where argparse can say it (exit 1, not a traceback)."""
    try:
        size = float(text)
    except ValueError:
        size = math.nan
    if not _MIN_PT < size <= _MAX_PT:  # also refuses nan
        raise argparse.ArgumentTypeError(
            f"{text}: expected points over {_MIN_PT:g} and up to {_MAX_PT:g}"
        )
    return size


def build_parser() -> argparse.ArgumentParser:
    """Arguments of ``vnocr synth``."""
    parser = command_parser(
        "synth",
        "Render a Vietnamese doc spec into synthetic scanned pages with ground truth.",
        "vnocr synth samples/cong-van-so.txt -o synth/ --profile clean --profile scan --seed 1",
    )
    parser.add_argument("source", type=Path, help="doc spec text file (UTF-8)")
    parser.add_argument("-o", "--out", type=Path, required=True, help="output folder")
    parser.add_argument(
        "--profile",
        action="append",
        choices=PROFILES,
        help="degradation profile (repeatable; default clean)",
    )
    parser.add_argument("--seal", action="store_true", help="stamp a red seal over the signature")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--format", dest="fmt", choices=FORMATS, default="png", help="output format (default png)"
    )
    parser.add_argument(
        "--font-size",
        type=_font_size,
        default=13.5,
        help=f"body font size in points, over {_MIN_PT:g} and up to {_MAX_PT:g} (default 13.5)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Command line: render a doc spec file into degraded page images + ground truth."""
    args = build_parser().parse_args(argv)
    try:
        text = args.source.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputFileError(f"{args.source}: cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{args.source}: not UTF-8 text ({exc.reason})") from exc
    if args.out.exists() and not args.out.is_dir():
        raise OutputError(f"-o {args.out}: is a file, not a folder (pages go into a folder)")
    try:  # said before any rendering, not after the first page
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # -o names a file, or a folder that cannot be made
        raise output_error(f"-o {args.out}: cannot make the output folder", exc) from exc
    for profile in args.profile or ["clean"]:
        pages = synthesize(text, profile, seed=args.seed, seal=args.seal, font_size=args.font_size)
        try:
            written = write_pages(pages, args.out, f"{args.source.stem}.{profile}", args.fmt)
        except OSError as exc:
            raise output_error(f"{args.out}: cannot write the pages", exc) from exc
        for path in written:
            print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
