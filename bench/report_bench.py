"""Size and browser render time of the HTML report for a synthetic 20-page document.

The document is built here: source lines (the seed sample's correct text, repeated to
fill the pages) are drawn on A4 pages at 200 dpi with word boxes, words are damaged the way
mark-less OCR damages them, a "correction" log restores most of them (some wrongly), and
confidences are drawn at random. Targets (issue 5): under 5 MB, rendered in under 2 s.

    .venv/bin/python bench/report_bench.py [--pages 20] [--keep report.html]

Render time is measured with headless chromium (Debian package ``chromium``): the time
from navigation start to the end of the load event, as the page itself reports it, and
the wall time of a ``--dump-dom`` run against that of an empty page.
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # chromium.py: the flags the tests run it with

from chromium import CHROMIUM, quiet_flags  # noqa: E402

from pipeline.document import Box, Correction, Document, Line, Page, Word  # noqa: E402
from pipeline.io import PageImage  # noqa: E402
from pipeline.report import report_for  # noqa: E402
from pipeline.vietnamese import strip_marks, strip_tones  # noqa: E402

FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
SAMPLE = ROOT.parent / "shared" / "samples" / "seed-excerpt.truth.txt"
FALLBACK = (
    "Thực hiện Chỉ thị số 28-CT/TW ngày 25/12/2023 của Bộ Chính trị về tăng cường công tác "
    "chăm sóc, giáo dục và bảo vệ trẻ em đáp ứng yêu cầu phát triển đất nước phồn vinh"
)


def source_lines() -> list[str]:
    text = SAMPLE.read_text(encoding="utf-8") if SAMPLE.exists() else FALLBACK
    return [ln for ln in text.splitlines() if ln.strip()]


def damage(word: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.35:
        return strip_marks(word)
    if r < 0.5:
        return strip_tones(word)
    return word


def synthetic(pages: int, seed: int = 0) -> tuple[Document, list[PageImage], str]:
    """(corrected Document with corrections, page images, source text)."""
    rng = random.Random(seed)
    lines = source_lines()
    font = ImageFont.truetype(str(FONT), 34) if FONT.exists() else ImageFont.load_default()
    w, h, margin, step = 1654, 2339, 150, 52
    per_page = (h - 2 * margin) // step
    doc_pages, images, source, corrections = [], [], [], []
    k = 0
    for p in range(pages):
        img = Image.new("L", (w, h), 255)
        draw = ImageDraw.Draw(img)
        page_lines = []
        for li in range(per_page):
            text = lines[k % len(lines)]
            k += 1
            source.append(text)
            y, x, words = margin + li * step, margin, []
            for wi, tok in enumerate(text.split()):
                right = x + int(draw.textlength(tok, font=font))
                draw.text((x, y), tok, font=font, fill=0)
                box = Box(x, y, right, y + 40)
                seen = damage(tok, rng)
                final = tok
                if seen != tok:
                    if rng.random() < 0.8:
                        corrections.append(Correction(p, li, wi, seen, tok, 0.9, "lm"))
                    else:
                        final = seen
                elif rng.random() < 0.02:  # a wrong change of a correct word
                    final = strip_tones(tok) + "\u0301" if tok.isalpha() else tok
                    corrections.append(Correction(p, li, wi, tok, final, 0.4, "lm"))
                # Tesseract-like: most words sure, a tail of unsure ones (about 10% < 0.6)
                conf = round(min(1.0, max(0.0, rng.betavariate(5, 1.2))), 2)
                words.append(Word(final, box, conf))
                x = right + int(draw.textlength(" ", font=font))
            page_lines.append(Line(tuple(words), par=li))
        pix = np.asarray(img)
        doc_pages.append(Page(p, tuple(page_lines), w, h, 200))
        images.append(PageImage("synthetic.png", p, 200, pix))
    doc = Document("synthetic-20p.png", tuple(doc_pages), tuple(corrections))
    return doc, images, "\n".join(source)


def render(html_path: Path, profile: Path) -> tuple[float, int | None]:
    """(wall seconds of a --dump-dom run, ms from navigation start to laid out after load)."""
    assert CHROMIUM
    t = time.perf_counter()
    out = subprocess.run(
        [CHROMIUM, "--headless", *quiet_flags(profile), "--dump-dom", html_path.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    wall = time.perf_counter() - t
    m = re.search(r'data-rendered="(\d+)', out.stdout)
    return wall, int(m.group(1)) if m else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--keep", type=Path, help="write the report here too")
    args = ap.parse_args()

    t = time.perf_counter()
    doc, images, source = synthetic(args.pages)
    t_make = time.perf_counter() - t
    t = time.perf_counter()
    html, data = report_for(doc, source, image=images)
    t_report = time.perf_counter() - t
    size = len(html.encode("utf-8"))
    print(f"pages: {args.pages}  words: {len(doc.words)}  corrections: {len(doc.corrections)}")
    print(f"synthesis {t_make:.2f} s; report_for (compare + HTML + JPEGs) {t_report:.2f} s")
    print(f"HTML size: {size / 1e6:.2f} MB (target < 5 MB)")
    print(
        f"corrected CER {data['corrected']['cer']:.4f} (raw {data['raw']['cer']:.4f}), "
        f"verdicts {data['verdicts']}"
    )
    if args.keep:
        args.keep.write_text(html, encoding="utf-8")
    if not CHROMIUM:
        print("chromium not installed: render time not measured (apt-get install chromium)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        page, empty = Path(tmp) / "report.html", Path(tmp) / "empty.html"
        page.write_text(html, encoding="utf-8")
        empty.write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
        render(empty, Path(tmp) / "warm")  # first start of a profile is slower
        base = min(render(empty, Path(tmp) / "p")[0] for _ in range(2))
        runs = [render(page, Path(tmp) / "p") for _ in range(3)]
    wall = min(r[0] for r in runs)
    in_page = [r[1] for r in runs if r[1] is not None]
    print(
        f"chromium --dump-dom: report {wall:.2f} s, empty page {base:.2f} s, "
        f"difference {wall - base:.2f} s (target < 2 s)"
    )
    if in_page:
        print(f"in page, navigation start to load event + full layout: {min(in_page)} ms")


if __name__ == "__main__":
    main()
