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
