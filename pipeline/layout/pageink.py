"""A page's ink as the mark searches see it, measured once per page.

The second reading (:mod:`pipeline.layout.reread`) and the layout's marks
(:mod:`pipeline.layout.marks`) both look for seals and stamp frames on the same page
image, one after the other. ``recognize_page`` makes one :class:`PageInk` of the page and
hands it to both, so the half-size ink is labelled once and the stamp-frame candidates at
a line height are found once. A caller that gives only pixels gets a PageInk of its own:
nothing is shared behind its back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from pipeline.preprocess.frames import RectFrame

#: The step of the half-size copy the seal and stamp-frame searches share.
HALF = 2
#: :attr:`PageInk.half`: the ink at half size and its labelled components.
HalfInk = tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]

#: A stamp frame's size in line heights: (min, max) wide, (min, max) tall; the same bounds
#: for a frame found round a "ĐẾN" and for one found from the ink alone.
STAMP_WIDTH = (3.0, 25.0)
STAMP_HEIGHT = (1.5, 12.0)


@dataclass(frozen=True, eq=False)
class PageInk:
    """What the mark searches measure on one page's pixels alone, each measured on first
    use and kept for the page's later searches: made of a page image's pixels, which
    :class:`~pipeline.io.PageImage` makes read-only. Not slotted:
    :func:`functools.cached_property` keeps its value in the instance's dict."""

    pixels: np.ndarray
    _frames: dict[float, tuple[RectFrame, ...]] = field(
        default_factory=dict, init=False, repr=False
    )

    @classmethod
    def of(cls, pixels: np.ndarray, ink: PageInk | None = None) -> PageInk:
        """``ink`` when the caller has one of these very pixels, else a new one."""
        if ink is None:
            return cls(pixels)
        if ink.pixels is not pixels:
            raise ValueError("PageInk: measured on other pixels than the page's")
        return ink

    @cached_property
    def half(self) -> HalfInk:
        """The page's Otsu ink at half size (every other pixel of its gray) and its
        :func:`~pipeline.preprocess.frames.labelled` components: the seal search and the
        stamp-frame search both look at it."""
        from pipeline.preprocess.frames import labelled  # the preprocess package owns OpenCV
        from pipeline.preprocess.light import otsu_ink

        half = self.pixels[::HALF, ::HALF]
        ink = otsu_ink(half.mean(axis=2).astype(np.uint8) if half.ndim == 3 else half)
        return ink, labelled(ink)

    def frame_candidates(self, lh: float) -> tuple[RectFrame, ...]:
        """The hollow rectangles of a stamp's size (line height ``lh``) in the half-size
        ink (half-size pixels), the largest first: the candidates
        :func:`pipeline.layout.marks.stamp_frames` picks from. The two readers of a page
        may measure slightly different line heights, hence one entry per height."""
        found = self._frames.get(lh)
        if found is None:
            found = self._frames[lh] = self._find_frames(lh)
        return found

    def _find_frames(self, lh: float) -> tuple[RectFrame, ...]:
        from pipeline.preprocess.frames import hollow_rectangles, ruling

        k = HALF
        ink, parts = self.half
        width = (STAMP_WIDTH[0] * lh / k, STAMP_WIDTH[1] * lh / k)
        height = (STAMP_HEIGHT[0] * lh / k, STAMP_HEIGHT[1] * lh / k)
        rules = ruling(ink, max(8, int(lh / k)))
        cands = hollow_rectangles(ink, width, height, parts=parts)
        cands += hollow_rectangles(rules, width, height)
        # a frame whose thin corner broke off in the scan: its pieces joined, about half a
        # line height apart at most (each side still ruled along most of its length)
        cands += hollow_rectangles(rules, width, height, join=max(1, int(lh / (2 * k))))
        # the outer frame first: a stamp's inner rule and sides can make a smaller rectangle
        cands.sort(key=lambda c: (c.right - c.left) * (c.bottom - c.top), reverse=True)
        return tuple(cands)
