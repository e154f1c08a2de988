"""Layout benchmark: whole-page and body-only CER before and after the layout stage.

Real pages (../shared/real, ground truth in tests/data/real/NAME.gt.txt with @region
sections in reading order), born-digital PDFs (text layer in reading order,
tests/data/real/digital/) rasterised at 200 and 300 dpi, and synthesized pages (reading
order of header, title, recipients and signature lines). Raw OCR before correction, plus
a "+corr" column after it.

"before" is plain ``tesseract -l vie --psm 3`` on the page as stored; "after" is the
pipeline's own ``recognize_page`` (preprocessing, the same Tesseract pass) and the layout
stage after its second reading (``pipeline.reread.read_again``, Tesseract ``--psm 6``;
--no-reread leaves it out), OCR read through bench/cache/layout. "ocr s" is Tesseract's
time (both calls), "lay s" the layout stage's own. The gap column is after minus body-only
after.
Body-only CER aligns the body ground truth with the best-matching stretch of the output,
so it measures what OCR makes of the body whatever surrounds it: "body" is plain Tesseract's,
"body/P" the preprocessed page's before layout, "body/L" after layout (LAYOUT LOST BODY
flags body/L > body/P, BODY WORSE body/L > body).

Signed scans (../shared/real/scanned2, tests/data/real/scanned2/pages.json): the share
of the header and signature fields read by eye in NAME.fields.json that the whole pipeline
reads right, the fields it fills that the page does not show, and the receipt-stamp and
e-signature overlay lines left in the text (bench/header_fields.py says what counts);
"hand": of the number and date, those marked written by hand (Header.handwritten) exactly
as the annotation says.

    python bench/layout_bench.py [--real] [--fields] [--stamps] [--digital] [--synth]
        [--profiles clean fax]
        [--split tune|heldout] [--no-reread] [--show]

--stamps: the subject lines of the scanned2 pages with a receipt stamp, body-only CER
(scanned2 has field annotations, no full text).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import header_fields  # noqa: E402
from layout_cache import first_pass, page_images, recognize  # noqa: E402

from pipeline.document import Document, Page  # noqa: E402
from pipeline.layout import MARK_KINDS  # noqa: E402
from pipeline.metrics import cer, char_string, tokens  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
REAL = REPO.parent / "shared" / "real"
GT_DIR = REPO / "tests" / "data" / "real"


def read_gt(path: Path) -> list[tuple[str, str]]:
    """(kind, line) pairs of a ground-truth file; lines before any @kind are body."""
    kind = "body"
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("@"):
            kind = raw[1:].strip()
        elif raw.strip():
            out.append((kind, raw.strip()))
    return out


def text_of(gt: list[tuple[str, str]], kinds: set[str] | None = None) -> str:
    """The printed text (marks left out), or only the given kinds."""
    return "\n".join(t for k, t in gt if k not in MARK_KINDS and (kinds is None or k in kinds))


def body_cer(hyp: str, ref: str) -> float:
    """CER of ``ref`` against the best-matching substring of ``hyp`` (semi-global)."""
    a = char_string(tokens(ref))
    b = char_string(tokens(hyp))
    if not a:
        return 0.0
    bb = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    prev = np.zeros(len(b) + 1, dtype=np.int32)  # free start anywhere in hyp
    idx = np.arange(len(b) + 1, dtype=np.int32)
    for ch in a:
        sub = prev[:-1] + (bb != ord(ch))
        cur = np.empty_like(prev)
        cur[0] = prev[0] + 1
        cur[1:] = np.minimum(sub, prev[1:] + 1)
        cur = np.minimum.accumulate(cur - idx) + idx  # insertions within the row
        prev = cur
    return float(prev.min()) / len(a)


def real(args: argparse.Namespace) -> None:
    """Scanned pages, as stored."""
    print("real pages: whole-page CER % before (plain psm 3) / after (vnocr layout), body-only")
    _table(GT_DIR, [None], args)


def digital(args: argparse.Namespace) -> None:
    """Born-digital PDFs rasterised at 200 and 300 dpi."""
    print("born-digital pages (text layer in reading order), rasterised at 200 and 300 dpi")
    _table(GT_DIR / "digital", [200, 300], args)


def _table(gt_dir: Path, dpis: list[int | None], args: argparse.Namespace) -> None:
    manifest = json.loads((gt_dir / "pages.json").read_text(encoding="utf-8"))
    print(
        f"{'page':38} {'dpi':>4} {'split':8} {'before':>7} {'after':>7} {'body':>6} "
        f"{'body/P':>6} {'body/L':>6} {'gap':>5} {'+corr':>6} {'ocr s':>6} {'lay s':>6}"
    )
    sums: dict[str, list[float]] = {}
    sums_corr: dict[str, list[float]] = {}
    for name, item in manifest.items():
        if name.startswith("_") or (args.split and item["split"] != args.split):
            continue
        src = REAL / (item["file"] if gt_dir == GT_DIR else f"digital/{item['file']}")
        if not src.exists():
            print(f"{name}: {src.name} missing")
            continue
        gt = read_gt(gt_dir / f"{name}.gt.txt")
        ref, body = text_of(gt), text_of(gt, {"body"})
        for dpi in dpis:
            raw = page_images(src, dpi)[item["page"]]
            plain, _ = first_pass(raw)
            laid, secs, unlaid, lsecs = recognize(raw, not args.no_reread)
            before, after = cer(plain.text, ref), cer(laid.text, ref)
            b_plain, b_lay = body_cer(plain.text, body), body_cer(laid.text, body)
            b_pre = body_cer(unlaid.text, body)
            corrected = cer(_corrected(laid, name), ref)
            sums.setdefault(f"{item['split']} {dpi or ''}", []).append(after)
            sums_corr.setdefault(f"{item['split']} {dpi or ''}", []).append(corrected)
            print(
                f"{name:38} {dpi or '':>4} {item['split']:8} {100 * before:7.2f} "
                f"{100 * after:7.2f} {100 * b_plain:6.2f} {100 * b_pre:6.2f} {100 * b_lay:6.2f} "
                f"{100 * (after - b_lay):5.2f} {100 * corrected:6.2f} {secs:6.2f} {lsecs:6.2f}"
                f"{'  LAYOUT LOST BODY' if b_lay > b_pre + 1e-9 else ''}"
                f"{'  BODY WORSE' if b_lay > b_plain + 1e-9 else ''}"
            )
            if args.show:
                print(laid.text)
                for r in laid.regions:
                    print(f"  [{r.kind}] {r.box} {r.text[:70]!r}")
    for key, vals in sums.items():
        corr = sums_corr[key]
        print(
            f"  mean after, {key}: {100 * sum(vals) / len(vals):.2f} % over {len(vals)} pages; "
            f"with correction {100 * sum(corr) / len(corr):.2f} %"
        )


def fields(args: argparse.Namespace) -> None:
    """Signed scans with header and signature fields read by eye (scanned2/NAME.fields.json):
    each page through the whole pipeline (preprocess, OCR, layout, correction, structure)."""
    from pipeline.process import PipelineConfig, assemble

    gt_dir = GT_DIR / "scanned2"
    manifest = json.loads((gt_dir / "pages.json").read_text(encoding="utf-8"))
    print(
        "scanned2 pages: header/signature fields read right (of those the page shows), "
        "fields filled that the page does not show, stamp/overlay lines left in the text"
    )
    print(
        f"{'page':30} {'split':8} {'right':>6} {'share':>6} {'spur':>4} {'furn':>4} "
        f"{'hand':>4} {'pen r/w/u':>9}  wrong"
    )
    totals: dict[str, list[int]] = {}
    for name, item in manifest.items():
        if name.startswith("_") or (args.split and item["split"] != args.split):
            continue
        src = REAL / item["file"]
        if not src.exists():
            print(f"{name}: {src.name} missing")
            continue
        raw = page_images(src)[item["page"]]
        laid, _, _, _ = recognize(raw, not args.no_reread)
        doc = assemble(src.name, [laid], PipelineConfig())
        want = header_fields.load(REAL / "scanned2" / f"{name}.fields.json")
        got = header_fields.score(doc, want)
        furn = header_fields.furniture_lines(doc.text)
        hand = header_fields.handwritten(doc, want)
        pen = header_fields.hand_values(doc, want)
        t = totals.setdefault(item["split"], [0] * 10)
        counts = (len(got.right), got.annotated, len(got.spurious), len(furn), 1, *hand, *pen)
        for i, v in enumerate(counts):
            t[i] += v
        share = f"{100 * len(got.right) / got.annotated:5.1f}%" if got.annotated else "   -  "
        print(
            f"{name:30} {item['split']:8} {len(got.right):>2}/{got.annotated:<3} {share} "
            f"{len(got.spurious):4} {len(furn):4} {hand[0]:>2}/{hand[1]:<1} "
            f"{'/'.join(map(str, pen)) if sum(pen) else '-':>9}  "
            + " ".join(got.wrong + tuple(f"+{f}" for f in got.spurious))
        )
        if args.show:
            print(doc.text)
            print("  header:", doc.header)
            print("  signature:", doc.signature)
            print("  furniture:", furn)
    for split, (right, ann, spur, furn, n, hand, shown, *pen) in totals.items():
        print(
            f"  {split}: {right}/{ann} fields right ({100 * right / max(ann, 1):.1f} %) over "
            f"{n} pages; {spur} spurious; {furn} stamp/overlay lines in the text; "
            f"number/date marked handwritten or not as annotated: {hand}/{shown}; "
            f"values written by hand read right/wrong/unread: {'/'.join(map(str, pen))}"
        )


#: The share of the page height the subject lines and their stamps lie in (the body
#: often repeats the subject's words, which a page-wide alignment would match instead).
TOP_ZONE = 0.4


def _top_text(page: Page, share: float) -> str:
    """The text of the page's lines that start in its top ``share``, in reading order."""
    return "\n".join(
        ln.text for ln in page.lines if ln.box is not None and ln.box.top < share * page.height
    )


def stamps(args: argparse.Namespace) -> None:
    """Signed scans with a receipt stamp: the subject lines (read by eye, in
    NAME.fields.json) that the stamps sit beside, as body-only CER of the output (plain
    Tesseract, the preprocessed page before layout, after layout): body words lost to the
    stamp and stamp print run into those lines both count. scanned2 has no full-text
    ground truth, so this is the body measure there."""
    gt_dir = GT_DIR / "scanned2"
    manifest = json.loads((gt_dir / "pages.json").read_text(encoding="utf-8"))
    print(
        "scanned2 pages with a receipt stamp: subject lines' CER % (body-only, against "
        f"the lines in the top {TOP_ZONE:.0%} of the page)"
    )
    print(f"{'page':30} {'split':8} {'chars':>5} {'plain':>6} {'pre':>6} {'layout':>6}  stamp at")
    pooled: dict[str, list[float]] = {}
    for name, item in manifest.items():
        if name.startswith("_") or (args.split and item["split"] != args.split):
            continue
        want = header_fields.load(REAL / "scanned2" / f"{name}.fields.json")
        ref = "\n".join(want.get("subject_lines") or [])
        if not want.get("receipt_stamp") or not ref:
            continue
        raw = page_images(REAL / item["file"])[item["page"]]
        plain, _ = first_pass(raw)
        laid, _, unlaid, _ = recognize(raw, not args.no_reread)
        vals = [body_cer(_top_text(p, TOP_ZONE), ref) for p in (plain, unlaid, laid)]
        n = len(char_string(tokens(ref)))
        sums = pooled.setdefault(item["split"], [0.0, 0.0, 0.0, 0.0])
        for i, v in enumerate(vals):
            sums[i] += v * n
        sums[3] += n
        print(
            f"{name:30} {item['split']:8} {n:5} "
            + " ".join(f"{100 * v:6.2f}" for v in vals)
            + f"  {want['receipt_stamp'].get('position', '')[:60]}"
        )
    for split, (a, b, c, n) in pooled.items():
        print(
            f"  pooled {split}: plain {100 * a / n:.2f} %, before layout {100 * b / n:.2f} %, "
            f"after layout {100 * c / n:.2f} % over {int(n)} characters"
        )


def _corrected(page: Page, name: str) -> str:
    """The page's text after vnocr's correction stage: the text a user gets."""
    from pipeline.correct import correct_document

    return correct_document(Document(name=name, pages=(page,))).pages[0].text


def order_errors(hyp: str, truth: list[tuple[str, str]]) -> tuple[int, int]:
    """(lines out of order, lines checked) for the non-body lines of a synthesized page.

    Each source line is located in the output (best fuzzy match, line by line); a line of
    the header, title, recipients or signature found before the previous such line is out
    of order.
    """
    from rapidfuzz import fuzz, process

    out_lines = [ln for ln in hyp.splitlines() if ln.strip()]
    checked = bad = 0
    last = -1
    for kind, text in truth:
        if kind == "body" or not out_lines:
            continue
        match = process.extractOne(text, out_lines, scorer=fuzz.ratio)
        if match is None or match[1] < 60:
            continue  # OCR lost the line: not an order question
        checked += 1
        if match[2] < last:
            bad += 1
        last = max(last, match[2])
    return bad, checked


def synth(args: argparse.Namespace) -> None:
    from pipeline.io import PageImage
    from pipeline.workshop.synth import PROFILES, synthesize

    print(
        "synthesized pages: reading order of header/title/recipients/signature lines, "
        "whole and body-only CER %"
    )
    print(
        f"{'document':22} {'profile':8} {'p':>2} {'order bad':>9} {'before':>7} {'after':>7} "
        f"{'body':>6} {'body/P':>6} {'body/L':>6}"
    )
    for src in sorted((REPO / "samples").glob("*.txt")):
        if src.name.endswith(".gt.txt"):
            continue
        for profile in args.profiles or PROFILES:
            for page in synthesize(src.read_text(encoding="utf-8"), profile, seed=7):
                img = PageImage(src.name, page.index, page.dpi, page.pixels)
                first, _ = first_pass(img)
                laid, _, unlaid, _ = recognize(img, not args.no_reread)
                bad, checked = order_errors(laid.text, list(page.lines))
                body = "\n".join(t for k, t in page.lines if k == "body")
                bp = body_cer(first.text, body) if body else 0.0
                bl = body_cer(laid.text, body) if body else 0.0
                bpre = body_cer(unlaid.text, body) if body else 0.0
                whole_b, whole_a = cer(first.text, page.text), cer(laid.text, page.text)
                print(
                    f"{src.stem:22} {profile:8} {page.index:2} {bad:4}/{checked:<4} "
                    f"{100 * whole_b:7.2f} {100 * whole_a:7.2f} "
                    f"{100 * bp:6.2f} {100 * bpre:6.2f} {100 * bl:6.2f}"
                    f"{'  LAYOUT LOST BODY' if bl > bpre + 1e-9 else ''}"
                    f"{'  BODY WORSE' if bl > bp + 1e-9 else ''}"
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", action="store_true")
    parser.add_argument("--digital", action="store_true")
    parser.add_argument("--synth", action="store_true")
    parser.add_argument("--fields", action="store_true", help="scanned2 header fields")
    parser.add_argument(
        "--stamps", action="store_true", help="scanned2 subject lines beside receipt stamps"
    )
    parser.add_argument("--show", action="store_true", help="print the text and regions")
    parser.add_argument("--profiles", nargs="*", default=None)
    parser.add_argument(
        "--split", choices=("tune", "heldout"), help="real/digital pages of one split"
    )
    parser.add_argument(
        "--no-reread", action="store_true", help="layout without its second look (no reader)"
    )
    args = parser.parse_args(argv)
    if not (args.real or args.digital or args.synth or args.fields or args.stamps):
        args.real = args.digital = args.synth = args.fields = args.stamps = True
    if args.real:
        if REAL.exists():
            real(args)
        else:
            print(f"{REAL} not found: real pages skipped")
    if args.fields:
        if REAL.exists():
            fields(args)
        else:
            print(f"{REAL} not found: scanned2 pages skipped")
    if args.stamps:
        if REAL.exists():
            stamps(args)
        else:
            print(f"{REAL} not found: scanned2 pages skipped")
    if args.digital:
        if REAL.exists():
            digital(args)
        else:
            print(f"{REAL} not found: born-digital pages skipped")
    if args.synth:
        synth(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
