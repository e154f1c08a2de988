"""What pdftotext (poppler) finds in a PDF, and how much of a reference text that holds:
the measure of the tests of NAME.pdf and of PDF text layers, and of
bench/formats_bench.py (which puts this folder on its import path, as for chromium.py),
so that a test and the bench count a word found the same way."""

from __future__ import annotations

import io
import subprocess
from collections import Counter
from pathlib import Path

import pikepdf


def pdftotext(data: bytes) -> str:
    """pdftotext's text of a PDF given as bytes."""
    run = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return run.stdout.decode("utf-8", errors="replace")


def page_content(path: Path) -> bytes:
    """The PDF without its annotations: the pages' own content. pdftotext also prints the
    text of annotation appearances, such as the e-signature box the Official Gazette puts
    on a first page ("Ký bởi: Cổng Thông tin điện tử Chính phủ ..."), a form field that
    is not the page's text layer (layout keeps it as a mark, outside NAME.txt)."""
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            if "/Annots" in page.obj:
                del page.obj["/Annots"]
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def word_recall(reference: str, extracted: str) -> float:
    """Share of the reference's words (with repeats) found among the extracted words."""
    ref, got = Counter(reference.split()), Counter(extracted.split())
    return sum(min(n, got[w]) for w, n in ref.items()) / max(1, sum(ref.values()))
