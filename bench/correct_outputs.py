"""Write what correction makes of a fixed set of inputs, to diff two versions of the code.

A speed change must not change what correction writes. This writes, into OUT/, the
corrected text and the list of changes of:

* every held-out and tuning document of bench/splits.json through ``vnocr correct``
  (in process, one corrector for all, as a batch would), as written and with its marks
  stripped;
* the cached OCR renders of bench/cache/ocr/ (``-l eng`` and ``-l vie``, made by
  bench/correct_bench.py) through ``correct_document`` (words, confidences) and
  ``correct_text`` (page text);
* with ``--docs DIR``: every NAME.json Document there (for example the output of
  ``vnocr run samples --no-correct --formats json``) through ``correct_document``.

Usage (from the repository root)::

    python bench/correct_outputs.py OUT [--docs DIR]
    diff -r OUT_BEFORE OUT_AFTER     # nothing: the outputs are identical

It prints the CPU seconds each group took (a rough figure; compare speeds side by side).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import learn_confusions as lc  # noqa: E402

from pipeline.document import Document  # noqa: E402
from pipeline.vietnamese import strip_marks  # noqa: E402


def _command(src: Path, text: str, out: Path) -> None:
    """``vnocr correct SRC -o OUT --changes`` in this process (changes to OUT.changes)."""
    from pipeline.correct import main

    tmp = out.with_suffix(".in.txt")
    tmp.write_text(text, encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = main([str(tmp), "-o", str(out), "--changes"])
    tmp.unlink()
    out.with_suffix(".changes").write_text(f"rc {rc}\n{err.getvalue()}", encoding="utf-8")


def _document(doc: Document, out: Path) -> None:
    from pipeline.correct import correct_document

    fixed = correct_document(doc)
    lines = ["\f".join(p.text for p in fixed.pages)]
    lines += [json.dumps(dataclasses.asdict(c), ensure_ascii=False) for c in fixed.corrections]
    out.write_text("\n".join(lines), encoding="utf-8")


def _text(text: str, out: Path) -> None:
    from pipeline.correct import correct_text

    r = correct_text(text)
    changes = [json.dumps(dataclasses.asdict(c), ensure_ascii=False) for c in r.corrections]
    out.write_text(r.text + "\n\f\n" + "\n".join(changes), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--docs", type=Path, default=None, help="folder of Document NAME.json")
    args = ap.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.process_time()
    for part in ("held_out", "tuning"):
        for f in lc.split_files(part):
            text = f.read_text(encoding="utf-8")
            _command(f, text, out / f"{part}.{f.stem}.clean.txt")
            _command(f, strip_marks(text), out / f"{part}.{f.stem}.stripped.txt")
    print(f"texts: {time.process_time() - t0:.1f} CPU-s", flush=True)
    t0 = time.process_time()
    for path in sorted(lc.CACHE.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        doc = Document.from_dict(data["doc"])
        _document(doc, out / f"ocr.{path.stem}.doc.txt")
        _text("\n\n".join(p.text for p in doc.pages), out / f"ocr.{path.stem}.text.txt")
    print(f"OCR renders: {time.process_time() - t0:.1f} CPU-s", flush=True)
    if args.docs:
        t0 = time.process_time()
        for path in sorted(args.docs.rglob("*.json")):
            try:
                doc = Document.from_dict(json.loads(path.read_text(encoding="utf-8")))
            except (ValueError, KeyError, TypeError):
                continue  # summary.json and the like
            _document(doc, out / f"docs.{path.stem}.doc.txt")
        print(f"documents: {time.process_time() - t0:.1f} CPU-s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
