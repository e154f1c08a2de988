"""The report's page image as chromium draws it: large, with outlines around (not over) words.

Headless chromium (Debian package ``chromium``) takes a screenshot of a report in a
1400-pixel-wide window; the test measures the screenshot's pixels.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from chromium import CHROMIUM, quiet_flags
from PIL import Image

from pipeline.document import Box, Correction, Document, Line, Page, Word
from pipeline.io import PageImage
from pipeline.report import compare, to_html, undo_corrections

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt: chromium)"),
    pytest.mark.slow,
]
WINDOW = (1400, 2600)


def screenshot(page: Path, profile: Path, png: Path) -> np.ndarray:
    assert CHROMIUM is not None
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            *quiet_flags(profile),
            "--disable-quic",
            "--hide-scrollbars",
            f"--window-size={WINDOW[0]},{WINDOW[1]}",
            f"--screenshot={png}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return np.asarray(Image.open(png).convert("RGB")).astype(int)


def test_page_is_drawn_large_and_short_words_stay_readable(tmp_path: Path) -> None:
    # an A4-shaped page (1240 x 1754 px): two edge marks to measure its width on screen,
    # and one short word "ở" (a 30 x 30 px black block) that correction changed
    pixels = np.full((1754, 1240), 255, dtype=np.uint8)
    pixels[100:140, 0:20] = 0
    pixels[100:140, 1220:1240] = 0
    word = Box(600, 300, 630, 330)
    pixels[word.top : word.bottom, word.left : word.right] = 0
    line = Line((Word("ở", word, 0.9),))
    doc = Document(
        "scan.png", (Page(0, (line,), 1240, 1754),), (Correction(0, 0, 0, "o", "ở", 0.9, "lm"),)
    )
    html = to_html(
        compare(doc, "ở", raw=undo_corrections(doc)),
        images=[PageImage("scan.png", 0, 150, pixels)],
    )
    # the scan section alone, so that it is in the window (the report is one long page)
    start = html.index('<section id="pages">')
    end = html.index("</section>", start) + len("</section>")
    head = html[: html.index("<body>") + len("<body>")]
    page = tmp_path / "page.html"
    page.write_text(head + html[start:end] + "</body></html>", encoding="utf-8")
    shot = screenshot(page, tmp_path / "profile", tmp_path / "shot.png")

    black = (shot.max(axis=2) < 80).nonzero()
    blue = ((shot[..., 2] > 140) & (shot[..., 0] < 90) & (shot[..., 1] < 160)).nonzero()
    assert black[0].size and blue[0].size, "nothing drawn"
    # width: the two edge marks are the leftmost and rightmost black pixels
    shown_width = black[1].max() - black[1].min() + 1
    assert shown_width >= 1000, shown_width  # was ~570 px in a 1400 px window
    # the word: the black block in the middle of the page
    scale = shown_width / 1240
    x0 = black[1].min() + word.left * scale
    in_word = (black[1] > x0 - 5) & (black[1] < x0 + 40 * scale)
    wy, wx = black[0][in_word], black[1][in_word]
    top, bottom, left, right = wy.min(), wy.max(), wx.min(), wx.max()
    assert (right - left) >= 25 * scale and (bottom - top) >= 25 * scale
    # the outline goes around it: blue on all four sides, none over the letters
    by, bx = blue
    assert not ((by >= top) & (by <= bottom) & (bx >= left) & (bx <= right)).any()
    near = (by > top - 20) & (by < bottom + 20) & (bx > left - 20) & (bx < right + 20)
    by, bx = by[near], bx[near]
    assert (by < top).any() and (by > bottom).any() and (bx < left).any() and (bx > right).any()
    # the block itself is still solid black: no fill over the word
    block = shot[top + 2 : bottom - 1, left + 2 : right - 1]
    assert block.max() < 80
