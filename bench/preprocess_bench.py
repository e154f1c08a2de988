"""Does preprocessing earn its keep? Tesseract `vie` CER with and without it, per profile.

Documents: the first ~N characters of body text of held-out dev documents
(bench/splits.json, ../shared/corpus/dev), rendered by pipeline.workshop.synth as body paragraphs
followed by a fixed signature block (where the seal lands), then degraded per profile:
clean, scan, fax, photo, scan+seal, photocopy, curl (a photo of a sheet that curls,
pipeline.workshop.degrade) and shadow (a phone photo at 200 dpi of a sheet filling the
frame, a hard shadow band 25-45 % darker along one side, JPEG 70-80), photo+shadow (the
photo profile's sheet on a desk, in perspective, with that hard shadow band across sheet
and desk on top: the page outline must be found under it), fax+streaks (three
black fax lines across the width, each through a line of text), and the scan page
turned by 90/180/270 degrees. Each page is OCRed raw and after ``preprocess``; CER is
pooled over documents (total edits / total reference chars). Preprocessing time is per
page on one core (OpenCV single-threaded). "retry" is the CER
of what vnocr keeps after reading badly read pages again at other text sizes
(pipeline.retry), "pages" how many pages were read again. "lost" counts the lines of the
truth that the text vnocr keeps has no fair copy of (under LOST_MATCH % alike with
any stretch of it, rapidfuzz partial_ratio), out of all lines: a line painted white or
dropped by Tesseract, as a streak across it can do ("raw" the same for the page as
stored).

    .venv/bin/python bench/preprocess_bench.py            # all 9 held-out docs (~7 min, --jobs 2)
    .venv/bin/python bench/preprocess_bench.py --split tuning --docs 2 --profiles fax photo
    .venv/bin/python bench/preprocess_bench.py --split tuning --docs 3 --targets 16 18 20 24
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from pipeline.document import Page  # noqa: E402
from pipeline.errors import OcrTimeoutError  # noqa: E402
from pipeline.io import PageImage  # noqa: E402
from pipeline.metrics import normalize  # noqa: E402
from pipeline.models import default_models  # noqa: E402
from pipeline.ocr import OcrConfig  # noqa: E402
from pipeline.preprocess import STAGES, PreprocessConfig, preprocess  # noqa: E402
from pipeline.retry import read_best, with_target  # noqa: E402
from pipeline.tesseract import TesseractEngine  # noqa: E402
from pipeline.workshop import synth  # noqa: E402
from pipeline.workshop.degrade import curl, photocopy, shadow, streaks  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "dev"
SIGNATURE = "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn Bình"
SHADOW_DPI = 200  # the shadow profile's photos
PROFILES = (
    "clean",
    "scan",
    "fax",
    "photo",
    "scan+seal",
    "photocopy",
    "curl",
    "shadow",
    "photo+shadow",
    "fax+streaks",
    "rot90",
    "rot180",
    "rot270",
)


def body_text(path: Path, chars: int) -> str:
    """The first ``chars`` characters of body text: whole lines from the first long one."""
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    start = next((i for i, ln in enumerate(lines) if len(ln) >= 80), 0)
    out: list[str] = []
    total = 0
    for ln in lines[start:]:
        if not ln or ln.startswith("@"):
            continue
        out.append(ln)
        total += len(ln)
        if total >= chars:
            break
    return "\n".join(out)


def make_pages(text: str, profile: str, seed: int) -> list[tuple[np.ndarray, int, str]]:
    """(pixels, dpi, truth) per page of one document in one profile."""
    spec = "@body\n" + text + "\n@signature\n" + SIGNATURE
    base = {
        "scan+seal": "scan",
        "photocopy": "clean",
        "curl": "photo",
        "shadow": "clean",
        "photo+shadow": "photo",
        "fax+streaks": "fax",
    }.get(profile, profile)
    if profile.startswith("rot"):
        base = "scan"
    pages = synth.synthesize(spec, base, seed=seed, seal=profile == "scan+seal")
    out = []
    for p in pages:
        px = p.pixels
        if profile == "photocopy":
            px = photocopy(px, seed + p.index)
        elif profile == "curl":
            px = curl(px, seed + p.index)
        elif profile == "fax+streaks":
            px = streaks(px, seed + p.index)
        elif profile in ("shadow", "photo+shadow"):
            px = shadow(px, seed + p.index, p.dpi, SHADOW_DPI)
        elif profile.startswith("rot"):
            px = np.ascontiguousarray(np.rot90(px, -int(profile[3:]) // 90))
        out.append((px, SHADOW_DPI if profile.endswith("shadow") else p.dpi, p.text))
    return out


def insertions(hyp: str, ref: str) -> int:
    """Characters the OCR added: inserted, plus the excess of longer replacements."""
    n = 0
    for op in Levenshtein.opcodes(ref, hyp):
        if op.tag == "insert":
            n += op.dest_end - op.dest_start
        elif op.tag == "replace":
            n += max(0, (op.dest_end - op.dest_start) - (op.src_end - op.src_start))
    return n


#: A line of the truth is lost when no stretch of the output is this much (%) alike.
LOST_MATCH = 70.0


def lost_lines(hyp: str, truth: str) -> tuple[int, int]:
    """(lines of ``truth`` the text ``hyp`` has no fair copy of, lines of ``truth``)."""
    text = normalize(hyp)
    lines = [normalize(ln) for ln in truth.splitlines()]
    lines = [ln for ln in lines if len(ln) >= 8]  # a short line matches anywhere
    lost = sum(fuzz.partial_ratio(ln, text) < LOST_MATCH for ln in lines)
    return lost, len(lines)


def _read(engine: TesseractEngine, img: PageImage) -> Page:
    """The OCR of a page; a page that times out reads as nothing (and says so)."""
    try:
        return engine.recognize(img)
    except OcrTimeoutError as e:
        print(f"timeout: {e}", file=sys.stderr)
        return Page(img.index)


def curve_one(task: tuple[str, str, str, int, PreprocessConfig, tuple[float, ...]]) -> dict:
    """CER and Tesseract CPU seconds of one document in one profile: preprocessed as
    configured ("auto"), and rescaled to each target x-height in turn."""
    name, text, profile, seed, config, targets = task
    cv2.setNumThreads(1)
    engine = TesseractEngine(OcrConfig(lang="vie", timeout_s=120))
    res: dict = {"doc": name, "profile": profile, "ref": 0}
    variants = {"auto": config} | {f"{t:g}": with_target(config, t) for t in targets}
    for i, (px, dpi, truth) in enumerate(make_pages(text, profile, seed)):
        img = PageImage(name, i, dpi, px)
        ref = normalize(truth)
        res["ref"] += len(ref)
        for label, cfg in variants.items():
            pre = preprocess(img, cfg)
            t0 = time.process_time()
            page = _read(engine, pre.image)
            res[f"s:{label}"] = res.get(f"s:{label}", 0.0) + time.process_time() - t0
            res[f"e:{label}"] = res.get(f"e:{label}", 0) + Levenshtein.distance(
                normalize(page.text), ref
            )
            res[f"n:{label}"] = res.get(f"n:{label}", 0) + 1
    return res


def print_curve(rows: list[dict], profiles: list[str], targets: tuple[float, ...]) -> None:
    """One row per profile: CER and OCR CPU s/page per target x-height (auto first)."""
    labels = ["auto"] + [f"{t:g}" for t in targets]
    print("CER % / Tesseract CPU s per page, by target x-height (px); auto = as configured")
    print(f"{'profile':<10} " + " ".join(f"{lb:>13}" for lb in labels))
    for p in profiles:
        rs = [r for r in rows if r["profile"] == p]
        ref = sum(r["ref"] for r in rs)
        cells = []
        for lb in labels:
            err = sum(r[f"e:{lb}"] for r in rs) / ref
            sec = sum(r[f"s:{lb}"] for r in rs) / sum(r[f"n:{lb}"] for r in rs)
            cells.append(f"{err:6.2%} {sec:5.2f}s")
        print(f"{p:<10} " + " ".join(f"{c:>13}" for c in cells))


def run_one(task: tuple[str, str, str, int, PreprocessConfig]) -> dict:
    """OCR one document in one profile, raw and preprocessed."""
    name, text, profile, seed, config = task
    cv2.setNumThreads(1)
    engine = TesseractEngine(OcrConfig(lang="vie", timeout_s=120))
    res: dict = {
        "doc": name,
        "profile": profile,
        "ref": 0,
        "raw": 0,
        "pp": 0,
        "retry": 0,
        "retried": 0,
        "ins_raw": 0,
        "ins_pp": 0,
        "pp_s": [],
        "applied": [],
        "lines": 0,
        "lost_raw": 0,
        "lost": 0,
    }
    for i, (px, dpi, truth) in enumerate(make_pages(text, profile, seed)):
        img = PageImage(name, i, dpi, px)
        ref = normalize(truth)
        raw = normalize(_read(engine, img).text)
        t0 = time.process_time()
        pre = preprocess(img, config)
        res["pp_s"].append(time.process_time() - t0)
        page = _read(engine, pre.image)
        pp = normalize(page.text)
        # what vnocr keeps: a badly read page is read again at other text sizes
        kept, _, notes = read_best(img, pre, page, engine, config, default_models().lexicon)
        res["retry"] += Levenshtein.distance(normalize(kept.text), ref)
        lost, n_lines = lost_lines(kept.text, truth)
        res["lost"] += lost
        res["lines"] += n_lines
        res["lost_raw"] += lost_lines(raw, truth)[0]
        res["retried"] += bool(notes)
        res["ref"] += len(ref)
        res["raw"] += Levenshtein.distance(raw, ref)
        res["pp"] += Levenshtein.distance(pp, ref)
        res["ins_raw"] += insertions(raw, ref)
        res["ins_pp"] += insertions(pp, ref)
        res["applied"].append(list(pre.applied))
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="held_out", choices=("held_out", "tuning"))
    ap.add_argument("--docs", type=int, default=9, help="documents of the split (9 = all held-out)")
    ap.add_argument("--chars", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--profiles", nargs="+", default=list(PROFILES), choices=PROFILES)
    ap.add_argument("--jobs", type=int, default=1, help="parallel documents (one core each)")
    ap.add_argument("--binarize", default="off", choices=("auto", "on", "off"))
    ap.add_argument("--off", nargs="+", default=[], choices=STAGES, help="stages switched off")
    ap.add_argument("--json", type=Path, help="also write the per-document rows here")
    ap.add_argument(
        "--targets",
        nargs="+",
        type=float,
        help="instead: the accuracy/cost curve, every page rescaled to each x-height (px)",
    )
    args = ap.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 2
    split = json.loads((REPO / "bench" / "splits.json").read_text(encoding="utf-8"))
    names = split[args.split][: args.docs]
    config = PreprocessConfig().with_modes(binarize=args.binarize, **dict.fromkeys(args.off, "off"))
    tasks = [
        (n, body_text(CORPUS / n, args.chars), p, args.seed, config)
        for n in names
        for p in args.profiles
    ]
    t0 = time.time()
    if args.targets:
        curve = [(*t, tuple(args.targets)) for t in tasks]
        with ProcessPoolExecutor(args.jobs) as ex:
            rows = list(ex.map(curve_one, curve))
        print(f"split={args.split} docs={len(names)} chars~{args.chars}: {', '.join(names)}")
        print_curve(rows, args.profiles, tuple(args.targets))
        print(f"wall time {time.time() - t0:.0f} s")
        return 0
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as ex:
            rows = list(ex.map(run_one, tasks))
    else:
        rows = [run_one(t) for t in tasks]
    by: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by[r["profile"]].append(r)
    print(
        f"split={args.split} docs={len(names)} chars~{args.chars} seed={args.seed} "
        f"binarize={args.binarize}: {', '.join(names)}"
    )
    print(
        f"{'profile':<10} {'CER raw':>8} {'CER pp':>8} {'pp/raw':>7} {'+chars raw':>10} "
        f"{'+chars pp':>9} {'pp s/page':>9} {'retry':>7} {'pages':>5} {'lost raw':>8} "
        f"{'lost':>9}  stages applied (pages)"
    )
    pooled = {}
    for p in args.profiles:
        rs = by[p]
        ref = sum(r["ref"] for r in rs)
        raw, pp = sum(r["raw"] for r in rs) / ref, sum(r["pp"] for r in rs) / ref
        again, n_again = sum(r["retry"] for r in rs) / ref, sum(r["retried"] for r in rs)
        pooled[p] = pp
        secs = [s for r in rs for s in r["pp_s"]]
        counts: dict[str, int] = defaultdict(int)
        for r in rs:
            for stages in r["applied"]:
                for s in stages:
                    counts[s] += 1
        stages = " ".join(f"{k}:{v}" for k, v in counts.items()) or "-"
        print(
            f"{p:<10} {raw:8.2%} {pp:8.2%} {pp / raw if raw else float('nan'):7.2f} "
            f"{sum(r['ins_raw'] for r in rs):10d} {sum(r['ins_pp'] for r in rs):9d} "
            f"{statistics.mean(secs):9.3f} {again:7.2%} {n_again:5d} "
            f"{sum(r['lost_raw'] for r in rs):8d} "
            f"{sum(r['lost'] for r in rs):4d}/{sum(r['lines'] for r in rs):<4d}  {stages}"
        )
    if "scan" in pooled:
        for p in ("rot90", "rot180", "rot270"):
            if p in pooled and pooled["scan"]:
                print(
                    f"{p}: CER after preprocessing / upright scan after preprocessing = "
                    f"{pooled[p] / pooled['scan']:.2f}"
                )
    print(f"wall time {time.time() - t0:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
