"""Seal bench: signer fields read under a synthesized seal (pipeline.workshop.sealsynth).

Each seed renders one signed page (varied title, Vietnamese name, scribble, a black or
colour seal of varied size and place, 200/300 dpi, JPEG or threshold), runs it through the
whole pipeline (preprocess, OCR, layout with its re-reading, correction, structure) and
scores the signature's on-behalf line(s), title and name by exact match (as
bench/header_fields.py matches them on the real scanned2 pages). Tune on the tuning seeds
(0-39); the held-out seeds (1000-1039) are measured once, at the end of a piece of work.

    python bench/seal_bench.py [--split tune|heldout] [-n N] [--show]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import header_fields  # noqa: E402
from layout_cache import recognize  # noqa: E402
from seeds import SPLITS, seed_args, seeds  # noqa: E402

from pipeline.io import PageImage  # noqa: E402
from pipeline.workshop.sealsynth import seal_page  # noqa: E402

SCORED = ("on_behalf", "position", "name")


def run(split: str, n: int, show: bool) -> dict[str, int]:
    """Score ``n`` pages of ``split``; print one row per page and return the counts."""
    from pipeline.process import PipelineConfig, assemble

    right = dict.fromkeys(SCORED, 0)
    for seed in seeds(split, n):
        page = seal_page(seed)
        img = PageImage(f"seal-{seed}", 0, page.dpi, page.pixels)
        laid, _, _, _ = recognize(img)
        doc = assemble(img.source, [laid], PipelineConfig())
        sig = doc.signature
        got = {
            "on_behalf": " / ".join(sig.on_behalf) if sig else "",
            "position": sig.position if sig else "",
            "name": sig.name if sig else "",
        }
        t = page.truth
        want = {"on_behalf": " / ".join(t.on_behalf), "position": t.position, "name": t.name}
        ok = {f: header_fields.matches(f, want[f], got[f]) for f in SCORED}
        for f in SCORED:
            right[f] += ok[f]
        kind = "bitonal" if t.bitonal else "gray"
        wrong = [f"{f}={got[f]!r}" for f in SCORED if not ok[f]]
        print(f"{seed:5} {page.dpi:3} {kind:7} {sum(ok.values())}/3  " + " ".join(wrong))
        if show and wrong:
            print("   want:", want)
    return right


def main(argv: list[str] | None = None) -> int:
    args = seed_args(__doc__.splitlines()[0], "print the truth of misses", argv)
    print(f"seal bench, {args.split} seeds {SPLITS[args.split]}..: seed dpi scan right wrong")
    right = run(args.split, args.n, args.show)
    rates = " ".join(f"{f} {right[f]}/{args.n} ({100 * right[f] / args.n:.0f} %)" for f in SCORED)
    total = sum(right.values())
    print(f"  {args.split}: {rates}; all {total}/{3 * args.n} ({100 * total / 3 / args.n:.1f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
