"""Pen bench: header figures written by hand, on synthesized pages (pipeline.workshop.pensynth).

Each seed draws one header whose number and day (and, on most, the month) are written into
the printed blanks by a synthesized pen (varied figure shapes, slant, size, stroke weight,
ink; 200/300 dpi, bitonal or gray JPEG), runs it through the whole pipeline (preprocess,
OCR, layout, the digit re-reading of pipeline.handdigits, correction, structure) and
scores every value the pen wrote as right, wrong (a value given that is not the one
written: the worst case, a reader trusts it) or unread (none given; the header says the
field was handwritten and unreadable). Also counted: values flagged as written by hand.
Tune on the tuning seeds (0-39); the held-out seeds (1000-1039) are measured once, at the
end of a piece of work.

    python bench/pen_bench.py [--split tune|heldout] [-n N] [--show]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from layout_cache import recognize  # noqa: E402
from seeds import SPLITS, seed_args, seeds  # noqa: E402

from pipeline.document import Header  # noqa: E402
from pipeline.io import PageImage  # noqa: E402
from pipeline.workshop.pensynth import PenTruth, pen_page  # noqa: E402

VALUES = ("number", "day", "month")


def read_values(h: Header | None) -> dict[str, str]:
    """The number, day and month vnocr gives ("" for none)."""
    if h is None:
        return dict.fromkeys(VALUES, "")
    day = month = ""
    if h.date:
        _, m, d = h.date.split("-")
        day, month = str(int(d)), str(int(m))
    elif h.month:
        month = str(h.month)
    return {"number": h.number, "day": day, "month": month}


def score(h: Header | None, truth: PenTruth) -> tuple[dict[str, str], int]:
    """Each pen value's outcome ("right", "wrong", "unread") and how many of the two
    fields (number, date) are flagged as written by hand."""
    got = read_values(h)
    want = {"number": truth.number, "day": truth.day, "month": truth.month}
    out = {}
    for v in VALUES:
        if not want[v]:
            continue  # printed, not written by hand
        out[v] = "unread" if not got[v] else "right" if got[v] == want[v] else "wrong"
    flagged = len(set(h.handwritten) & {"number", "date"}) if h else 0
    return out, flagged


def run(split: str, n: int, show: bool) -> dict[str, int]:
    """Score ``n`` pages of ``split``; print one row per page and return the counts."""
    from pipeline.process import PipelineConfig, assemble

    counts = {"right": 0, "wrong": 0, "unread": 0, "flagged": 0}
    for seed in seeds(split, n):
        page = pen_page(seed)
        img = PageImage(f"pen-{seed}", 0, page.dpi, page.pixels)
        laid, _, _, _ = recognize(img)
        doc = assemble(img.source, [laid], PipelineConfig())
        outcome, flagged = score(doc.header, page.truth)
        for v in outcome.values():
            counts[v] += 1
        counts["flagged"] += flagged
        got = read_values(doc.header)
        row = " ".join(
            f"{v}={getattr(page.truth, v)}:{o}" + ("" if o != "wrong" else f"({got[v]})")
            for v, o in outcome.items()
        )
        print(f"{seed:5} {page.dpi:3} {flagged}/2 flagged  {row}")
        if show:
            print("   header:", doc.header)
    return counts


def main(argv: list[str] | None = None) -> int:
    args = seed_args(__doc__.splitlines()[0], "print each header", argv)
    first = SPLITS[args.split]
    print(f"pen bench, {args.split} seeds {first}..: seed dpi flagged value=truth:outcome")
    c = run(args.split, args.n, args.show)
    total = c["right"] + c["wrong"] + c["unread"]
    print(
        f"  {args.split}: pen values right/wrong/unread {c['right']}/{c['wrong']}/{c['unread']} "
        f"of {total} ({100 * c['right'] / max(total, 1):.1f} % right); "
        f"number and date flagged handwritten {c['flagged']}/{2 * args.n}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
