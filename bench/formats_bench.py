"""Output formats benchmark: seconds and bytes per page for each writer, the searchable
PDF's checks on real scans, and born-digital PDFs read from their text layer.

1. Real scans (every PDF and image of ../shared/real/scanned and ../shared/real/scanned2;
   nothing was tuned on them for the writers): the done-when command itself,
   ``vnocr run SCANS -o OUT --formats txt,md,json,pdf,alto,hocr``, then its files are
   checked: pdftotext's word recall of NAME.txt in NAME.pdf (the bar is 98 %), NAME.pdf's
   size against the bound 1.5 x input + 150 kB, and whether NAME.alto.xml and NAME.hocr
   parse and hold and position every word of NAME.txt. Per format: seconds per page (each
   writer run again on the Document of NAME.json) and bytes per page (of the files).
   With chromium installed, its PDF viewer is asked to find an accented word of page 1
   of each NAME.pdf (tests/chromium.py): the distance between the highlight and the word
   on the scan, in page fractions (the bar of the test: 0.01).
   Pages whose document is held out (tests/data/real/*pages.json) are marked so.
2. Born-digital PDFs (all of ../shared/real/digital): the same files read with the text
   layer and with --force-ocr (PipelineConfig(text_layer=False)), side by side in this
   run; the share of the layer's words (pdftotext of the input) in NAME.txt, and the time
   ratio. The layer's words are those of the pages' content; the share of everything
   pdftotext prints, annotations included (an e-signature box), is given beside them.
   Held-out files (tests/data/real/digital/pages.json) are marked so.

    python bench/formats_bench.py [--scans N] [--only TEXT] [--digital N] [--skip PART]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

from pipeline.document import Document
from pipeline.layout import MARK_KINDS
from pipeline.process import PipelineConfig, ocr_file
from pipeline.writers import output_path, render
from pipeline.writers.alto import NS

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # what the tests measure with: chromium.py, pdftext.py
from pdftext import page_content, pdftotext, word_recall  # noqa: E402

REAL = REPO.parent / "shared" / "real"
FORMATS = ("txt", "md", "json", "pdf", "alto", "hocr")
SCAN_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def positioned(alto: bytes, hocr: bytes, words: list[str]) -> bool:
    """True when ALTO and hOCR parse and hold NAME.txt's ``words`` in order, each with a
    box (marks kept aside by layout, which NAME.txt leaves out, come after them)."""
    a = etree.fromstring(alto)
    tags = {t.get("ID"): t.get("LABEL") for t in a.iter(f"{{{NS}}}LayoutTag")}
    strings = [
        s
        for b in a.iter(f"{{{NS}}}TextBlock")
        if tags.get(b.get("TAGREFS")) not in MARK_KINDS
        for s in b.iter(f"{{{NS}}}String")
    ]
    alto_ok = [s.get("CONTENT") for s in strings] == words and all(
        s.get("HPOS") and s.get("WIDTH") for s in strings
    )
    h = etree.fromstring(hocr)
    boxed = [
        w
        for area in h.iter()
        if area.get("class") == "ocr_carea"
        and area.get("title").rsplit("x_kind ", 1)[-1] not in MARK_KINDS
        for w in area.iter()
        if w.get("class") == "ocrx_word"
    ]
    hocr_ok = [w.text for w in boxed] == words and all("bbox" in w.get("title") for w in boxed)
    return alto_ok and hocr_ok


def held_out_names() -> set[str]:
    """Stems of the real scans and born-digital files whose pages are held out."""
    names = set()
    for pages in sorted((REPO / "tests" / "data" / "real").rglob("pages.json")):
        for key, entry in json.loads(pages.read_text(encoding="utf-8")).items():
            if not key.startswith("_") and entry["split"] == "heldout":
                names.add(Path(entry["file"]).stem)
    return names


def viewer_check(browser: object, pdf: Path, doc: Document) -> str:
    """Chromium's PDF viewer asked to find an accented word of page 1 of NAME.pdf: the
    distance (page fractions) between its highlight and the word on the scan."""
    from chromium import accented_word, find_in_pdf_viewer

    try:
        word, cx, cy = accented_word(doc, alphabetic=True)
    except ValueError:
        return "no word"
    hit = find_in_pdf_viewer(browser, pdf, word.text)
    if hit is None:
        return f"{word.text}: NOT FOUND"
    page = doc.pages[0]
    whole = abs(hit.page_aspect - page.source_width / page.source_height) < 0.01
    if hit.scrolled or not whole:
        return f"{word.text}: page moved or cut off"
    distance = abs(hit.x - cx) + abs(hit.y - cy)
    return f"{word.text}: {distance:.4f} {'yes' if distance < 0.01 else 'NO'}"


def scans(limit: int, only: str | None = None, viewer: bool = True) -> None:
    files = sorted(
        p
        for folder in ("scanned", "scanned2")
        for p in (REAL / folder).iterdir()
        if p.suffix.lower() in SCAN_SUFFIXES and (only is None or only in p.name)
    )
    files = files[:limit] if limit else files
    held_out = held_out_names()
    out = Path(tempfile.mkdtemp(prefix="formats-bench-"))
    vnocr = Path(sys.executable).with_name("vnocr")  # the installed command itself
    command = [str(vnocr), "run", *map(str, files), "-o", str(out)]
    command += ["--formats", ",".join(FORMATS), "-q"]
    t0 = time.perf_counter()
    subprocess.run(command, check=True)
    print(f"\n## Formats on real scans (scanned, scanned2): vnocr run of {len(files)} files")
    print(f"\n`vnocr run SCANS -o OUT --formats {','.join(FORMATS)}`: ", end="")
    print(f"{time.perf_counter() - t0:.0f} s\n")
    print(
        "| scan | split | pages | NAME.txt words in pdftotext(NAME.pdf) | pdf size / bound "
        "| alto+hocr | chromium viewer finds a word at (distance < 0.01) |"
    )
    print("|---|---|---|---|---|---|---|")
    browser = None
    if viewer and shutil.which("chromium"):
        from chromium import Chromium

        browser = Chromium(out / "chromium-profile")
    totals = {f: [0.0, 0] for f in FORMATS}
    pages = 0
    worst = 1.0
    failed = []
    for path in files:
        stem = out / path.stem
        text = output_path(stem, "txt").read_text(encoding="utf-8")
        doc = Document.from_dict(json.loads(output_path(stem, "json").read_text("utf-8")))
        assert render(doc, "txt", path).decode("utf-8") == text, f"{stem}: JSON is not the text"
        for fmt in FORMATS:  # the writer again on the same Document, timed
            t0 = time.perf_counter()
            render(doc, fmt, path)
            totals[fmt][0] += time.perf_counter() - t0
            totals[fmt][1] += output_path(stem, fmt).stat().st_size
        pages += len(doc.pages)
        pdf = output_path(stem, "pdf").read_bytes()
        share = word_recall(text, pdftotext(pdf))
        worst = min(worst, share)
        size = len(pdf) / (1.5 * path.stat().st_size + 150_000)
        ok = positioned(
            output_path(stem, "alto").read_bytes(),
            output_path(stem, "hocr").read_bytes(),
            text.split(),
        )
        found = viewer_check(browser, output_path(stem, "pdf"), doc) if browser else "-"
        if share < 0.98 or size > 1 or not ok or found.endswith(("NO", "FOUND", "off")):
            failed.append(path.name)
        split = "held out" if path.stem in held_out else "tune"
        print(
            f"| {path.name} | {split} | {len(doc.pages)} | {100 * share:.2f} % "
            f"| {size:.2f} | {'yes' if ok else 'NO'} | {found} |"
        )
    if browser is not None:
        browser.__exit__(None, None, None)
    print(f"\nlowest pdftotext word recall: {100 * worst:.2f} % (bar: 98 %); ", end="")
    print(f"files short of a bar: {', '.join(failed) or 'none'}\n")
    print("| format | s/page | bytes/page |")
    print("|---|---|---|")
    for fmt in FORMATS:
        seconds, size = totals[fmt]
        print(f"| {fmt} | {seconds / max(1, pages):.3f} | {size / max(1, pages):,.0f} |")
    shutil.rmtree(out)


def digital(limit: int) -> None:
    files = sorted((REAL / "digital").glob("*.pdf"))
    files = files[:limit] if limit else files
    held_out = held_out_names()
    print("\n## Born-digital PDFs (../shared/real/digital): text layer against --force-ocr\n")
    print(
        "| pdf | split | pages | layer s | force-ocr s | ratio "
        "| layer words in NAME.txt | with annotations |"
    )
    print("|---|---|---|---|---|---|---|---|")
    layer_total = ocr_total = 0.0
    for path in files:
        everything = pdftotext(path.read_bytes())
        reference = pdftotext(page_content(path))
        t0 = time.perf_counter()
        doc = ocr_file(path)
        layer_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        ocr_file(path, PipelineConfig(text_layer=False))
        ocr_s = time.perf_counter() - t0
        layer_total += layer_s
        ocr_total += ocr_s
        print(
            f"| {path.name} | {'held out' if path.stem in held_out else 'tune'} "
            f"| {len(doc.pages)} | {layer_s:.1f} | {ocr_s:.1f} "
            f"| {layer_s / ocr_s:.3f} | {100 * word_recall(reference, doc.text):.2f} % "
            f"| {100 * word_recall(everything, doc.text):.2f} % |"
        )
    if files:
        print(f"\ntext layer / force-ocr time: {layer_total / ocr_total:.3f} (bar: < 0.333)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=0, help="at most N scans (0: all)")
    parser.add_argument("--digital", type=int, default=0, help="at most N digital PDFs (0: all)")
    parser.add_argument("--only", help="the scans whose name contains this")
    parser.add_argument("--skip", choices=("scans", "digital"), help="leave one part out")
    parser.add_argument(
        "--no-viewer", action="store_true", help="no search in chromium's PDF viewer"
    )
    args = parser.parse_args(argv)
    if not REAL.exists():
        print("formats bench: ../shared/real is absent; nothing to measure")
        return 0
    if args.skip != "scans":
        scans(args.scans, args.only, viewer=not args.no_viewer)
    if args.only is None and args.skip != "digital":
        digital(args.digital)
    return 0


if __name__ == "__main__":
    sys.exit(main())
