"""Correction speed in syllables per CPU second, the figures of bench/correct_bench.py alone.

Usage (from the repository root)::

    python bench/correct_speed.py            # one line of JSON
    python bench/correct_speed.py --ab OTHER_CHECKOUT --rounds 3

With ``--ab`` it runs this script in this checkout and in OTHER_CHECKOUT (which needs a
copy of it and of bench/cache) in turn, ``--rounds``
times each (alternating, so both see the same load), and prints each figure's median for
both and their ratio: speeds are compared side by side, never across runs.

Figures (held-out excerpts of bench/splits.json, 8,000 characters each, as the bench):
``stripped``: marks removed, a fresh corrector (cold token cache); ``clean``: the
correct text, after the stripped pass (as in the bench); ``eng``: the cached ``-l eng``
renders of bench/cache/ocr (made by bench/correct_bench.py), a fresh corrector, then
``eng_warm`` the same pages again. CPU time is ``time.process_time`` of this process.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def measure() -> dict[str, float]:
    """The figures of this checkout (see the module)."""
    import correct_bench as cb

    from pipeline.correct import Corrector, correct_document, correct_text
    from pipeline.document import Document
    from pipeline.metrics import syllables
    from pipeline.vietnamese import strip_marks

    texts = [t for _, t in cb.held_texts(8000)]
    n_syl = sum(len(syllables(t)) for t in texts)
    out: dict[str, float] = {}
    corr = Corrector()
    t0 = time.process_time()
    for t in texts:
        correct_text(strip_marks(t), corrector=corr)
    out["stripped"] = n_syl / (time.process_time() - t0)
    t0 = time.process_time()
    for t in texts:
        correct_text(t, corrector=corr)
    out["clean"] = n_syl / (time.process_time() - t0)
    docs = [Document.from_dict(got["eng"]["doc"]) for _, got in cb.ocr_sets()]
    n_eng = sum(len(syllables(p.text)) for d in docs for p in d.pages)
    fresh = Corrector()
    for name in ("eng", "eng_warm"):
        t0 = time.process_time()
        for d in docs:
            correct_document(d, corrector=fresh)
        out[name] = n_eng / (time.process_time() - t0)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ab", type=Path, default=None, help="another checkout to pair with")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    if args.ab is None:
        print(json.dumps({k: round(v) for k, v in measure().items()}))
        return 0
    trees = {"this": REPO, "other": args.ab.resolve()}
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            got = subprocess.run(
                [sys.executable, str(tree / "bench" / "correct_speed.py")],
                cwd=tree,
                check=True,
                capture_output=True,
                text=True,
            )
            runs[name].append(json.loads(got.stdout.strip().splitlines()[-1]))
            print(name, runs[name][-1], flush=True)
    for key in runs["this"][0]:
        a = statistics.median(r[key] for r in runs["this"])
        b = statistics.median(r[key] for r in runs["other"])
        print(f"{key:9s} this {a:9,.0f}  other {b:9,.0f}  syllables/CPU-s  ratio {a / b:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
