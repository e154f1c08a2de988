"""Correction benchmark: every target figure of issue 3, on the HELD-OUT dev documents.

Usage (from the repository root)::

    python bench/correct_bench.py              # all figures (OCR renders cached)
    python bench/correct_bench.py --chars 6000 # longer excerpts for the text-only figures

Held out: the ``held_out`` documents of bench/splits.json (never used to tune the
corrector, to learn the confusion table or to build the LM). Figures:

* stripped: marks removed from held-out text, then restored (syllable accuracy);
* eng: held-out excerpts rendered by the synthesizer (scan profile), OCR'd with
  ``-l eng`` (a model without Vietnamese marks), then corrected (syllable accuracy);
* vie: the same renders OCR'd with ``-l vie``: CER before and after, and the character
  edits by kind (order/drop: tokens Tesseract dropped or put elsewhere, out of a word
  corrector's reach);
* vnocr OCR path: the same renders through vnocr's own preprocessing, Tesseract ``-l vie``
  and layout (cached under bench/cache/pipeline/), then corrected: what users get;
* seed: ../shared/samples/seed-excerpt.ocr.txt against its truth;
* clean: correct held-out text in: share of syllables changed, numbers/codes changed;
* gate: held-out text with one block replaced by its garbled OCR: clean blocks changed;
* speed: syllables per CPU second (time.process_time: the process runs on one core,
  and CPU time is not inflated by other jobs sharing the machine), load time, peak
  memory. Speeds are given for a fresh corrector (cold token cache: every distinct
  token's candidates are scored) and a warm one (a batch's later documents), on
  stripped text (restore), correct text and mark-less OCR (-l eng, repair).

OCR output is cached under bench/cache/ (git-ignored), see bench/learn_confusions.py.
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import learn_confusions as lc  # noqa: E402

from pipeline.document import Document  # noqa: E402
from pipeline.metrics import cer, syllable_accuracy, syllables  # noqa: E402
from pipeline.vietnamese import strip_marks  # noqa: E402

SEED = REPO.parent / "shared" / "samples"
_CODEISH = re.compile(r"\d")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


SPLIT = "held_out"  # or "tuning" (--split): the documents every figure is measured on
DOCS: int | None = None  # the first DOCS documents of the split only (--docs)
_PREFIX = {"held_out": "held-", "tuning": "tbench-"}  # cache keys, apart from learn_confusions'


def split_files() -> list:
    """The dev documents the figures are measured on (:data:`SPLIT`, :data:`DOCS`)."""
    return lc.split_files(SPLIT)[:DOCS]


def held_texts(chars: int) -> list[tuple[str, str]]:
    """(name, excerpt) of every document of the split (held-out by default)."""
    return [(f.stem, lc.excerpt(f.read_text(encoding="utf-8"), chars)) for f in split_files()]


def ocr_sets(chars: int = 2200) -> list[tuple[str, dict]]:
    """Cached scan-profile renders of the split's excerpts, OCR'd with eng and vie."""
    out = []
    for f in split_files():
        text = lc.excerpt(f.read_text(encoding="utf-8"), chars)
        key = _PREFIX[SPLIT] + f.stem[:40]
        out.append((f.stem, lc.ocr_pages(text, "scan", ("eng", "vie"), key)))
    return out


PIPELINE_CACHE = REPO / "bench" / "cache" / "pipeline"


def pipeline_sets(chars: int = 2200, refresh: bool = False) -> list[tuple[str, dict]]:
    """The held-out renders of :func:`ocr_sets` read by vnocr's own OCR path, cached.

    Preprocessing, Tesseract ``-l vie`` and the layout stage (reading order, seals and
    notes set aside), no correction, no structure: the raw text a user's correction starts
    from. Cached in bench/cache/pipeline/ by source text and pipeline settings;
    ``refresh`` redoes it (after a change to preprocessing, OCR or layout).
    """
    import hashlib
    import json
    import os

    from pipeline.io import PageImage
    from pipeline.process import PipelineConfig, assemble, recognize_page
    from pipeline.workshop import synth

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    config = PipelineConfig(correct=False, structure=False)
    out = []
    for f in split_files():
        text = lc.excerpt(f.read_text(encoding="utf-8"), chars)
        key = hashlib.sha1(f"{config.fingerprint()}|{text}".encode()).hexdigest()[:16]
        path = PIPELINE_CACHE / f"{_PREFIX[SPLIT]}{f.stem[:40]}.{key}.json"
        if path.exists() and not refresh:
            out.append((f.stem, json.loads(path.read_text(encoding="utf-8"))))
            continue
        pages = synth.synthesize(text, "scan", seed=0)
        read = [
            recognize_page(PageImage(f.stem, p.index, p.dpi, p.pixels), config)[0] for p in pages
        ]
        doc = assemble(f.stem, read, config)
        data = {"source": text, "truth": [p.text for p in pages], "doc": doc.to_dict()}
        PIPELINE_CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
        print(f"  vnocr OCR {f.stem[:40]}: {len(pages)} page(s)", flush=True)
        out.append((f.stem, data))
    return out


def _runs(hyp: str, ref: str):  # type: ignore[no-untyped-def]
    """The unequal runs of the syllable alignment of ``hyp`` against ``ref``: (ref
    syllables, hyp syllables) of each."""
    from pipeline.metrics import align, tokens

    R, H = tokens(ref), tokens(hyp)
    for ch in align(R, H):
        if ch.op != "equal":
            yield R[ch.ref_start : ch.ref_end], H[ch.hyp_start : ch.hyp_end]


def _unrelated(a: str, b: str) -> bool:
    """Two tokens the aligner paired that share no character ("2" against "bức"): a
    token dropped here and another put here, not one misread as the other."""
    return not set(a) & set(b)


def edit_classes(hyp: str, ref: str) -> dict[str, int]:
    """Character edits of ``hyp`` against ``ref`` by kind (see :func:`main`'s report).

    Both are split in syllables and aligned; a run whose two sides have different
    numbers of syllables is "order/drop" (a page number Tesseract dropped, words it put
    elsewhere), out of a word corrector's reach, and so is a 1:1 pair that shares no
    character (a dropped page number "2" the aligner paired with a moved "bức"); other
    1:1 pairs are "number" (digits), "punct/case" (the same letters up to punctuation
    and case) or "word".
    """
    from rapidfuzz.distance import Levenshtein

    out = {"order/drop": 0, "number": 0, "punct/case": 0, "word": 0}
    for r, h in _runs(hyp, ref):
        if len(r) != len(h) or any(_unrelated(a, b) for a, b in zip(r, h, strict=True)):
            out["order/drop"] += Levenshtein.distance(" ".join(r), " ".join(h))
            continue
        for a, b in zip(r, h, strict=True):
            letters = ("".join(c for c in x if c.isalpha()).lower() for x in (a, b))
            kind = (
                "number"
                if any(c.isdigit() for c in a)
                else "punct/case"
                if next(letters) == next(letters)
                else "word"
            )
            out[kind] += Levenshtein.distance(a, b)
    return out


def moved_and_dropped(hyp: str, ref: str) -> dict[str, int]:
    """Characters of the syllables in the order/drop runs of ``hyp`` against ``ref``:
    "moved" (missing at one place and put at another: Tesseract's psm-3 blocks read in
    another order, a one-word line at the margin output before its paragraph),
    "dropped" (missing from the whole text: a page number), "added" (in no place of
    ``ref``)."""
    from collections import Counter

    missing: Counter[str] = Counter()
    added: Counter[str] = Counter()
    for r, h in _runs(hyp, ref):
        if len(r) != len(h) or any(_unrelated(a, b) for a, b in zip(r, h, strict=True)):
            missing.update(r)
            added.update(h)
    moved = missing & added

    def chars(c: Counter[str]) -> int:
        return sum(len(w) * n for w, n in c.items())

    return {"moved": chars(moved), "dropped": chars(missing - moved), "added": chars(added - moved)}


def _classes_line(raw: str, fixed: str, truth: str) -> str:
    a, b = edit_classes(raw, truth), edit_classes(fixed, truth)
    n = max(sum(a.values()), 1)
    parts = ", ".join(f"{k} {a[k]} -> {b[k]}" for k in a)
    m, mf = moved_and_dropped(raw, truth), moved_and_dropped(fixed, truth)
    split = ", ".join(f"{k} {m[k]} -> {mf[k]}" for k in m)
    return (
        f"  character edits by kind, raw -> corrected: {parts}; "
        f"order/drop is {a['order/drop'] / n:.0%} of the raw edits\n"
        f"  order/drop runs, characters of their syllables, raw -> corrected: {split}"
    )


def _numbers(text: str) -> list[str]:
    return [t for t in text.split() if _CODEISH.search(t)]


def main(argv: list[str] | None = None) -> int:
    """Print the figures; returns 0."""
    from pipeline.correct import CorrectConfig, Corrector, correct_document, correct_text
    from pipeline.lexicon import load_lexicon
    from pipeline.lm import load_lm

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--chars", type=int, default=8000, help="characters per held-out excerpt")
    ap.add_argument("--no-ocr", action="store_true", help="skip the OCR figures")
    ap.add_argument("--refresh", action="store_true", help="redo the cached vnocr OCR-path pages")
    ap.add_argument(
        "--split",
        choices=tuple(_PREFIX),
        default="held_out",
        help="documents of bench/splits.json to measure on (tune on 'tuning' only)",
    )
    ap.add_argument("--docs", type=int, help="only the first DOCS documents of the split")
    args = ap.parse_args(argv)
    global SPLIT, DOCS
    SPLIT, DOCS = args.split, args.docs

    rss0 = _rss_mb()
    t0 = time.perf_counter()
    lex, lm = load_lexicon(), load_lm()
    corr = Corrector(lex, lm, None, CorrectConfig())
    load_s = time.perf_counter() - t0
    print(f"load: lexicon + LM + channel {load_s:.2f} s, +{_rss_mb() - rss0:.0f} MB")

    texts = held_texts(args.chars)
    n_syl = sum(len(syllables(t)) for _, t in texts)
    print(f"{SPLIT}: {len(texts)} documents, excerpts of {args.chars} chars, {n_syl:,} syllables")

    # stripped diacritics
    t0 = time.process_time()
    hyp, ref = [], []
    for _, t in texts:
        hyp.append(correct_text(strip_marks(t), corrector=corr).text)
        ref.append(t)
    dt = time.process_time() - t0
    acc = syllable_accuracy("\n".join(hyp), "\n".join(ref))
    raw = syllable_accuracy("\n".join(strip_marks(t) for t in ref), "\n".join(ref))
    print(
        f"stripped -> restored: syllable accuracy {acc:.2%} (stripped {raw:.2%}); "
        f"{n_syl / dt:,.0f} syllables/CPU-s (first pass, cold caches)"
    )
    t0 = time.process_time()
    for _, t in texts:
        correct_text(strip_marks(t), corrector=corr)
    dt = time.process_time() - t0
    print(f"  speed, warm token cache: {n_syl / dt:,.0f} syllables/CPU-s")

    # correct text in
    changed = total = num_changed = 0
    t0 = time.process_time()
    for _, t in texts:
        r = correct_text(t, corrector=corr)
        total += len(syllables(t))
        changed += len(r.corrections)
        num_changed += sum(a != b for a, b in zip(_numbers(t), _numbers(r.text), strict=False))
        num_changed += len(_numbers(t)) != len(_numbers(r.text))
    dt = time.process_time() - t0
    print(
        f"clean text in: {changed} of {total:,} syllables changed ({changed / total:.3%}); "
        f"numbers/codes changed: {num_changed}; {total / dt:,.0f} syllables/CPU-s"
    )

    # seed excerpt
    ocr = (SEED / "seed-excerpt.ocr.txt").read_text(encoding="utf-8")
    truth = (SEED / "seed-excerpt.truth.txt").read_text(encoding="utf-8")
    r = correct_text(ocr, corrector=corr)
    print(
        f"seed excerpt: syllable accuracy {syllable_accuracy(ocr, truth):.2%} -> "
        f"{syllable_accuracy(r.text, truth):.2%} ({len(r.corrections)} changes)"
    )

    if args.no_ocr:
        return 0
    sets = ocr_sets()
    for lang in ("eng", "vie"):
        truth_all, raw_all, text_all, doc_all = [], [], [], []
        t0 = time.perf_counter()
        for _, got in sets:
            data = got[lang]
            doc = Document.from_dict(data["doc"])
            fixed = correct_document(doc, corrector=corr)
            for tr, p_raw, p_fix in zip(data["truth"], doc.pages, fixed.pages, strict=False):
                truth_all.append(tr)
                raw_all.append(p_raw.text)
                doc_all.append(p_fix.text)
                text_all.append(correct_text(p_raw.text, corrector=corr).text)
        dt = time.perf_counter() - t0
        T, R = "\n".join(truth_all), "\n".join(raw_all)
        D, X = "\n".join(doc_all), "\n".join(text_all)
        print(
            f"{SPLIT} scan renders, -l {lang} ({len(truth_all)} pages): syllable accuracy "
            f"{syllable_accuracy(R, T):.2%} -> {syllable_accuracy(D, T):.2%} (Document, conf "
            f"used) / {syllable_accuracy(X, T):.2%} (text); CER {cer(R, T):.4f} -> "
            f"{cer(D, T):.4f} ({cer(D, T) / max(cer(R, T), 1e-9):.3f} x raw) / {cer(X, T):.4f}"
        )
        if lang == "vie":
            print(_classes_line(R, D, T))

    # what users get: vnocr's own OCR path (preprocess, Tesseract vie, layout), corrected
    truth_all, raw_all, doc_all = [], [], []
    for _, data in pipeline_sets(refresh=args.refresh):
        doc = Document.from_dict(data["doc"])
        fixed = correct_document(doc, corrector=corr)
        for tr, p_raw, p_fix in zip(data["truth"], doc.pages, fixed.pages, strict=False):
            truth_all.append(tr)
            raw_all.append(p_raw.text)
            doc_all.append(p_fix.text)
    T, R, D = "\n".join(truth_all), "\n".join(raw_all), "\n".join(doc_all)
    print(
        f"{SPLIT} scan renders, vnocr OCR path (preprocess + layout + -l vie, "
        f"{len(truth_all)} pages): syllable accuracy {syllable_accuracy(R, T):.2%} -> "
        f"{syllable_accuracy(D, T):.2%}; CER {cer(R, T):.4f} -> {cer(D, T):.4f} "
        f"({cer(D, T) / max(cer(R, T), 1e-9):.3f} x raw)"
    )
    print(_classes_line(R, D, T))

    # speed of repair on mark-less OCR: a fresh corrector, then the same pages again
    eng_docs = [Document.from_dict(got["eng"]["doc"]) for _, got in sets]
    n_eng = sum(len(syllables(p.text)) for d in eng_docs for p in d.pages)
    fresh = Corrector(lex, lm, None, CorrectConfig())
    speeds = []
    for _ in range(2):
        t0 = time.process_time()
        for d in eng_docs:
            correct_document(d, corrector=fresh)
        speeds.append(n_eng / (time.process_time() - t0))
    print(
        f"speed, -l eng OCR repaired ({n_eng:,} syllables): {speeds[0]:,.0f} syllables/CPU-s "
        f"(fresh corrector), {speeds[1]:,.0f} (warm token cache)"
    )

    # gate: clean blocks around one garbled block
    clean_changed = clean_total = 0
    for (_, got), (_, t) in zip(sets, texts, strict=False):
        page = Document.from_dict(got["eng"]["doc"]).pages[0].text
        garbled = "\n".join(ln for ln in page.split("\n") if ln.strip())
        blocks = [b for b in t.split("\n") if b.strip()]
        mid = len(blocks) // 2
        mixed = "\n\n".join(blocks[:mid] + [garbled] + blocks[mid:])
        r = correct_text(mixed, corrector=corr)
        out_blocks = r.text.split("\n\n")
        kept = out_blocks[:mid] + out_blocks[mid + 1 :]
        for a, b in zip(blocks, kept, strict=False):
            sa, sb = syllables(a), syllables(b)
            clean_total += len(sa)
            clean_changed += sum(x != y for x, y in zip(sa, sb, strict=False))
    print(
        f"gate, clean blocks next to a garbled one: {clean_changed} of {clean_total:,} "
        f"syllables changed ({clean_changed / max(clean_total, 1):.3%})"
    )
    print(f"peak memory: {_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
