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

    python bench/layout_bench.py [--real] [--fields] [--stamps] [--leaks] [--pages]
        [--digital] [--synth] [--profiles clean fax]
        [--split tune|heldout] [--no-reread] [--show]

--stamps: the subject lines of the scanned2 pages with a receipt stamp, body-only CER
(scanned2 has field annotations, no full text).
--leaks: stamp and seal text left in the page text of the scanned2 pages: words whose
middle lies in a receipt-stamp frame or a seal ring the pipeline finds, and lines that read
as a stamp's own (ĐẾN, Giờ/Ngày fields, HỎA TỐC, Lưu hồ sơ, the stamp's office line).
--pages: every page of every real input, as stored and turned by 90, 180 and 270
degrees: the turn preprocessing gives it ("turned wrongly: N of M pages"), its quality
estimate and whether it is flagged under the threshold ("under threshold and not
flagged: K"), and its CER where a ground truth exists.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import header_fields  # noqa: E402
from layout_cache import first_pass, page_images, recognize, recognize_seen  # noqa: E402

from pipeline.document import Document, Page  # noqa: E402
from pipeline.layout import MARK_KINDS  # noqa: E402
from pipeline.lexicon import Lexicon  # noqa: E402
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


#: A receipt or urgency stamp's own words on a line of their own (bench/header_fields.py
#: furniture_lines has the field lines and the stamp's office line).
_STAMP_OWN = re.compile(
    r"^\W*(H[ỎOỌ]A\s*T[ỐO]C|TH[ƯU]{1,2}\s*KH[ẨA]N|KH[ẨA]N|ĐẾN\s*TR[ƯU][ỚO]C)\W*$"
    r"|Chuy[ểe]n\s*:|L[ưu]u\s*h[ồo]\s*s[ơo]\s*s[ốo]",
    re.IGNORECASE,
)


def page_leaks(page: Page, pixels: np.ndarray) -> tuple[list[str], list[str], list[str]]:
    """Stamp and seal text in ``page``'s text lines (its NAME.txt before correction):
    the words whose middle lies inside a receipt-stamp frame (the page's stamp regions
    and the frames :func:`pipeline.layout.marks.stamp_frames` finds), those inside a
    seal ring (:func:`pipeline.preprocess.rings.seal_rings` on the whole page, and the
    page's seal regions) and the lines that read as a stamp's own. Printed words the
    seal is stamped over (the signature title and name) count as inside a ring too: the
    words are returned so that a reader can tell them from legend letters."""
    from pipeline.layout import marks
    from pipeline.layout.geometry import centred_in, line_height
    from pipeline.layout.pageink import PageInk
    from pipeline.preprocess.light import otsu_ink
    from pipeline.preprocess.rings import Ring, seal_rings

    lines = list(page.lines)
    if not lines:
        return [], [], []
    lh = line_height(lines)
    gray = pixels.mean(axis=2).astype(np.uint8) if pixels.ndim == 3 else pixels
    frames = [r.box for r in page.regions if r.kind == "stamp" and r.box is not None]
    frames += marks.stamp_frames(lines, PageInk(pixels), lh)
    rings = seal_rings(otsu_ink(gray) > 0, lh)
    for r in page.regions:
        if r.kind == "seal" and r.box is not None:
            b = r.box
            rings.append(
                Ring((b.left + b.right) / 2, (b.top + b.bottom) / 2, min(b.width, b.height) / 2)
            )
    in_stamp: list[str] = []
    in_seal: list[str] = []
    for ln in lines:
        for w in ln.words:
            if w.box is None:
                continue
            if any(centred_in(w.box, f) for f in frames):
                in_stamp.append(w.text)
            elif any(ring.covers(w.box) for ring in rings):
                in_seal.append(w.text)
    text = "\n".join(ln.text for ln in lines)
    own = header_fields.furniture_lines(text)
    own += [t for t in text.splitlines() if _STAMP_OWN.search(t) and t not in own]
    return in_stamp, in_seal, own


def leaks(args: argparse.Namespace) -> None:
    """Signed scans: stamp and seal text left in the text (scanned2 has no full-text
    ground truth; see :func:`page_leaks` for what counts)."""
    gt_dir = GT_DIR / "scanned2"
    manifest = json.loads((gt_dir / "pages.json").read_text(encoding="utf-8"))
    print(
        "scanned2 pages: words of the text inside a stamp frame / a seal ring, "
        "lines that read as a stamp's own"
    )
    from pipeline.models import default_models

    lexicon = default_models().lexicon
    print(f"{'page':30} {'split':8} {'stamp':>5} {'seal':>5} {'junk':>4} {'own':>4}  words")
    totals: dict[str, list[int]] = {}
    for name, item in manifest.items():
        if name.startswith("_") or (args.split and item["split"] != args.split):
            continue
        src = REAL / item["file"]
        if not src.exists():
            print(f"{name}: {src.name} missing")
            continue
        raw = page_images(src)[item["page"]]
        laid, _, _, _, seen = recognize_seen(raw, not args.no_reread)
        in_stamp, in_seal, own = page_leaks(laid, seen.pixels)
        junk = [w for w in in_seal if not _known(w, lexicon)]
        t = totals.setdefault(item["split"], [0, 0, 0, 0, 0])
        for i, v in enumerate((len(in_stamp), len(in_seal), len(junk), len(own), 1)):
            t[i] += v
        shown = " ".join(in_stamp) + (" | " if in_stamp and in_seal else "") + " ".join(in_seal)
        print(
            f"{name:30} {item['split']:8} {len(in_stamp):5} {len(in_seal):5} {len(junk):4} "
            f"{len(own):4}  "
            f"{shown[:90]}{'  own: ' + ' / '.join(own) if own else ''}"
        )
    for split, (a, b, j, c, n) in totals.items():
        print(
            f"  {split}: {a} words in stamp frames, {b} in seal rings ({j} of them no "
            f"Vietnamese word: legend letters or print the seal garbled), {c} stamp lines, "
            f"over {n} pages"
        )


def _known(word: str, lexicon: Lexicon) -> bool:
    """A word of print: a syllable or known abbreviation (case as read), or a number."""
    core = word.strip(".,;:!?()[]\"'“”‘’-–—…/")
    if any(c.isdigit() for c in core) and not any(c.isalpha() for c in core):
        return True
    return bool(core) and (lexicon.is_syllable(core.lower()) or lexicon.is_abbreviation(core))


#: The real inputs every page of which --pages checks (born-digital PDFs rasterised at
#: 200 dpi, as if scanned).
PAGE_DIRS = ("scanned", "scanned2", "digital")
#: A page whose text reads worse than this against its ground truth is one vnocr cannot
#: read: it must be flagged.
UNREADABLE_CER = 0.10


def _real_files() -> list[Path]:
    return sorted(
        f
        for d in PAGE_DIRS
        for f in (REAL / d).iterdir()
        if f.suffix.lower() in (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
    )


def _gt_pages() -> tuple[dict[tuple[str, int], Path], set[str]]:
    """(file name, page index) -> its ground-truth text, for the pages that have one; and
    the files with a held-out page (of the three manifests)."""
    out, held = {}, set()
    for gt_dir in (GT_DIR, GT_DIR / "digital", GT_DIR / "scanned2"):
        manifest = json.loads((gt_dir / "pages.json").read_text(encoding="utf-8"))
        for name, item in manifest.items():
            if name.startswith("_"):
                continue
            if item["split"] == "heldout":
                held.add(Path(item["file"]).name)
            if (gt_dir / f"{name}.gt.txt").exists():
                out[(Path(item["file"]).name, item["page"])] = gt_dir / f"{name}.gt.txt"
    return out, held


def pages(args: argparse.Namespace) -> None:
    """Every page of every real input (../shared/real: scans, signed scans, photos, and the
    born-digital PDFs rasterised at 200 dpi): the quarter turn preprocessing gives it as
    stored and turned by 90, 180 and 270 degrees (every page is upright as stored: checked
    by eye on thumbnails of all of them), and its quality estimate through the pipeline
    (preprocess, OCR with the retry, layout) against the threshold, with the CER where a
    ground truth exists."""
    from pipeline.io import PageImage
    from pipeline.models import default_models
    from pipeline.preprocess import preprocess
    from pipeline.process import quality_step
    from pipeline.quality import QUALITY_THRESHOLD

    lexicon = default_models().lexicon
    truth, held = _gt_pages()
    print(
        "every real page: the turn preprocessing finds (as stored / turned 90, 180, 270; "
        "0 = upright), the quality estimate, flagged under the threshold "
        f"{QUALITY_THRESHOLD}, CER where a ground truth exists"
    )
    print(
        f"{'file':50} {'p':>2} {'split':7} {'turns':>15} {'up':>6} {'quality':>7} {'flag':>4} "
        f"{'cer':>6}"
    )
    wrong = {"tune": [0, 0, 0], "heldout": [0, 0, 0]}  # stored wrong, copies wrong, pages
    low_unflagged = unreadable = unreadable_unflagged = flagged = n = 0
    for src in _real_files():
        dpi = 200 if src.parent.name == "digital" else None
        for img in page_images(src, dpi):
            turns = []
            up = None
            for q in range(4):
                px = np.ascontiguousarray(np.rot90(img.pixels, -q))  # turned q x 90 clockwise
                res = preprocess(PageImage(img.source, img.index, img.dpi, px))
                rep = res.summary()
                angle = int(rep.get("orientation.angle", 0))
                turns.append((90 * q + angle) % 360)
                if q == 0:
                    up = rep.get("orientation.up_score")
            split = "heldout" if src.name in held else "tune"
            w = wrong[split]
            w[0] += turns[0] != 0
            w[1] += sum(t != 0 for t in turns[1:])
            w[2] += 1
            n += 1
            laid, _, _, _ = recognize(img, not args.no_reread)
            step = quality_step(src.name, [laid], [{}], lexicon)
            score = step.settings["pages"][0]["score"]
            flag = bool(step.settings["low"])
            flagged += flag
            low_unflagged += score < QUALITY_THRESHOLD and not flag
            gt = truth.get((src.name, img.index))
            err = cer(laid.text, text_of(read_gt(gt))) if gt is not None else None
            if err is not None and err > UNREADABLE_CER:
                unreadable += 1
                unreadable_unflagged += not flag
            print(
                f"{src.parent.name + '/' + src.name:50} {img.index + 1:2} {split:7} "
                f"{'/'.join(str(t) for t in turns):>15} {up if up is not None else '':>6} "
                f"{score:7.3f} {'LOW' if flag else '':>4} "
                f"{'' if err is None else f'{100 * err:6.2f}':>6}"
                + ("  TURNED WRONGLY" if any(turns) else "")
            )
    stored = sum(w[0] for w in wrong.values())
    print(
        f"  turned wrongly: {stored} of {n} pages; under threshold and not flagged: "
        f"{low_unflagged}; flagged: {flagged} of {n}; read with CER over "
        f"{100 * UNREADABLE_CER:.0f} % and not flagged: {unreadable_unflagged} of {unreadable}"
    )
    for split, (a, b, m) in wrong.items():
        print(
            f"  {split}: as stored turned wrongly {a} of {m}; the same pages turned by 90, "
            f"180 and 270 degrees not brought upright by preprocessing: {b} of {3 * m}"
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
    parser.add_argument(
        "--leaks", action="store_true", help="scanned2 stamp and seal text left in the text"
    )
    parser.add_argument(
        "--pages", action="store_true", help="every real page: orientation and quality flag"
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
    parts = ("real", "digital", "synth", "fields", "stamps", "leaks", "pages")
    if not any(getattr(args, part) for part in parts):
        for part in parts:
            setattr(args, part, True)
    # the parts that read ../shared/real, in this order, and what a skip leaves out
    for part, run, what in (
        ("real", real, "real pages"),
        ("fields", fields, "scanned2 pages"),
        ("stamps", stamps, "scanned2 pages"),
        ("pages", pages, "real pages"),
        ("leaks", leaks, "scanned2 pages"),
        ("digital", digital, "born-digital pages"),
    ):
        if not getattr(args, part):
            continue
        if REAL.exists():
            run(args)
        else:
            print(f"{REAL} not found: {what} skipped")
    if args.synth:
        synth(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
