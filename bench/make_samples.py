"""Render the shipped sample scans from their source texts (samples/*.txt).

Each document is rendered in the profiles below under a fixed seed, as one multi-page
TIFF per profile with its ground truth beside it (NAME.PROFILE.tif, NAME.PROFILE.gt.txt).
Deterministic: running it again rewrites identical files.

    python bench/make_samples.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.synth import synthesize, write_pages

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
#: (profile, seal) pairs rendered for every document.
RENDERS = (("clean", False), ("fax", False))


def main() -> int:
    """Render every sample and print the files with their sizes."""
    total = 0
    for seed, src in enumerate(sorted(SAMPLES.glob("*.txt"))):
        if src.name.endswith(".gt.txt"):
            continue
        text = src.read_text(encoding="utf-8")
        for profile, seal in RENDERS:
            pages = synthesize(text, profile, seed=seed, seal=seal)
            for path in write_pages(pages, SAMPLES, f"{src.stem}.{profile}", fmt="tif"):
                size = path.stat().st_size
                total += size
                print(f"{path.relative_to(REPO)}  {size / 1e3:.0f} kB")
    print(f"total {total / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
