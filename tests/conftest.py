"""Shared fixtures: real images made on the fly, and a marker for tests that need Tesseract."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
SHARED = REPO.parent / "shared"

requires_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="tesseract is not installed (make test installs it)"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``tesseract`` are skipped, not failed, where the binary is missing."""
    for item in items:
        if item.get_closest_marker("tesseract"):
            item.add_marker(requires_tesseract)


WRITER_DATA = REPO / "tests" / "data" / "writers"


def recorded(stem: str):  # noqa: ANN201 - (Path, Document)
    """A sample scan and the Document real Tesseract read from it, recorded (see
    tests/data/writers/README.md): the writers are the logic around OCR."""
    import json

    from pipeline.document import Document

    data = json.loads((WRITER_DATA / f"{stem}.json").read_text(encoding="utf-8"))
    return SAMPLES / data["name"], Document.from_dict(data)


@pytest.fixture(scope="session")
def scan_pdf_doc():  # noqa: ANN201 - (Path, Document)
    """The sample scan PDF (two skewed JPEG pages) and its recorded Document."""
    return recorded("ke-hoach-dang-uy.scan")


@pytest.fixture(scope="session")
def fax_tif_doc():  # noqa: ANN201 - (Path, Document)
    """The sample fax TIFF (two CCITT G4 pages) and its recorded Document."""
    return recorded("cong-van-so.fax")


@pytest.fixture(scope="session")
def corr():  # noqa: ANN201 - a pipeline.correct.Corrector
    """The Corrector of the shipped models and default settings, one for the whole run.

    Tests read it and never change its models or settings; what they do change, its
    per-token caches (``memo``), by design gives the same corrections whatever was
    corrected before (test_correct's test_word_spellings_follow_the_candidates_they_extend),
    so one Corrector serves every module."""
    from pipeline.correct import Corrector

    return Corrector()
