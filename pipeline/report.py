"""How far a digitised text is from its source: a frozen Comparison, rendered as JSON and HTML.

``compare`` aligns the corrected text (and the raw OCR, when given) with the source and
counts errors as :mod:`pipeline.metrics` defines them, so each stage's gain shows side by
side. Given a Document, it also judges each logged correction against the source (better,
worse, neutral). ``to_json`` and ``to_html`` only render a Comparison; the HTML is one
self-contained file (inline CSS and a few lines of JS, images as data: URIs) that works
offline, and every string taken from a document is HTML-escaped.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from pipeline.cli import command_parser
from pipeline.document import Correction, Document
from pipeline.errors import ExitCode, InputFileError, VnocrError, require
from pipeline.io import PageImage, count_pages, load_pages, read_bytes, write_atomic
from pipeline.metrics import (
    DEFAULT_OPTIONS,
    Chunk,
    CompareOptions,
    EditCounts,
    MarkCounts,
    align,
    aligned_pairs,
    char_confusions,
    char_string,
    count_edits,
    count_marks,
    normalize_token,
    syllable_confusions,
    tokens,
)
from pipeline.report_html import DEFINITIONS, to_html
from pipeline.sources import decode_text, read_source
from pipeline.vietnamese import ToneStyle

log = logging.getLogger(__name__)

#: Identifies the JSON written by :func:`to_json`; the version is bumped on incompatible changes.
SCHEMA, VERSION = "vnocr.report", 1
#: How many confusions a Comparison keeps per side.
TOP_CONFUSIONS = 30


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True, slots=True)
class Scores:
    """Every count behind one side's figures (rates are properties over the counts)."""

    chars: EditCounts
    syllables: EditCounts
    marks: MarkCounts
    char_confusions: tuple[tuple[str, str, int], ...]
    syllable_confusions: tuple[tuple[str, str, int], ...]

    @property
    def cer(self) -> float:
        """Character error rate."""
        return self.chars.rate

    @property
    def wer(self) -> float:
        """Word (syllable) error rate."""
        return self.syllables.rate

    @property
    def syllable_accuracy(self) -> float:
        """1 - WER."""
        return 1.0 - self.syllables.rate

    @property
    def diacritic_error_rate(self) -> float:
        """Share of base-matched syllable pairs with any wrong mark."""
        return self.marks.rate

    @property
    def tone_error_rate(self) -> float:
        """Share of base-matched syllable pairs with a wrong tone."""
        return self.marks.tone_rate

    @property
    def vowel_mark_error_rate(self) -> float:
        """Share of base-matched syllable pairs with a wrong ă â ê ô ơ ư đ."""
        return self.marks.vowel_rate


@dataclass(frozen=True, slots=True)
class Side:
    """One hypothesis (raw OCR or corrected) aligned with the source.

    ``origins[i]`` is the (page index, line, word) of token i when the text came from a
    Document; ``breaks`` holds the token indices a line ends after (for display only).
    """

    tokens: tuple[str, ...]
    chunks: tuple[Chunk, ...]
    scores: Scores
    origins: tuple[tuple[int, int, int], ...] | None = None
    breaks: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Judged:
    """A logged correction and what the source says about it."""

    correction: Correction
    verdict: str  # "better" | "worse" | "neutral"
    source: str | None  # the source syllable(s) aligned with the corrected word


@dataclass(frozen=True, slots=True)
class Comparison:
    """The corrected text (and optionally the raw OCR) measured against a source text."""

    name: str
    options: CompareOptions
    reference: tuple[str, ...]
    reference_breaks: frozenset[int]
    corrected: Side
    raw: Side | None = None
    corrections: tuple[Judged, ...] = ()
    document: Document | None = None

    @property
    def cer(self) -> float:
        """CER of the corrected text."""
        return self.corrected.scores.cer

    @property
    def wer(self) -> float:
        """WER of the corrected text."""
        return self.corrected.scores.wer

    @property
    def syllable_accuracy(self) -> float:
        """Syllable accuracy of the corrected text."""
        return self.corrected.scores.syllable_accuracy

    @property
    def diacritic_error_rate(self) -> float:
        """Diacritic error rate of the corrected text."""
        return self.corrected.scores.diacritic_error_rate


_Tokens = tuple[list[str], list[tuple[int, int, int]] | None, set[int]]


def _text_tokens(text: str, options: CompareOptions) -> _Tokens:
    toks: list[str] = []
    breaks: set[int] = set()
    for raw_line in text.splitlines():
        toks.extend(t for t in (normalize_token(w, options) for w in raw_line.split()) if t)
        if toks:
            breaks.add(len(toks) - 1)
    return toks, None, breaks


def _doc_tokens(doc: Document, options: CompareOptions) -> _Tokens:
    toks: list[str] = []
    origins: list[tuple[int, int, int]] = []
    breaks: set[int] = set()
    for page in doc.pages:
        for li, line in enumerate(page.lines):
            for wi, word in enumerate(line.words):
                for w in word.text.split():
                    t = normalize_token(w, options)
                    if t:
                        toks.append(t)
                        origins.append((page.index, li, wi))
            if toks:
                breaks.add(len(toks) - 1)
    return toks, origins, breaks


def _top(counter: Counter[tuple[str, str]]) -> tuple[tuple[str, str, int], ...]:
    return tuple((a, b, n) for (a, b), n in counter.most_common(TOP_CONFUSIONS))


def _side(ref: list[str], hyp: _Tokens, options: CompareOptions) -> Side:
    toks, origins, breaks = hyp
    chunks = align(ref, toks)
    ref_chars, hyp_chars = char_string(ref, options), char_string(toks, options)
    char_chunks = align(ref_chars, hyp_chars)
    scores = Scores(
        chars=count_edits(char_chunks),
        syllables=count_edits(chunks),
        marks=count_marks(ref, toks, chunks),
        char_confusions=_top(char_confusions(ref_chars, hyp_chars, char_chunks)),
        syllable_confusions=_top(syllable_confusions(ref, toks, chunks)),
    )
    return Side(tuple(toks), chunks, scores, tuple(origins) if origins else None, frozenset(breaks))


def _tokens_of(value: str | Document, options: CompareOptions) -> _Tokens:
    if isinstance(value, Document):
        return _doc_tokens(value, options)
    return _text_tokens(value, options)


def compare(
    hypothesis: str | Document,
    reference: str,
    *,
    raw: str | Document | None = None,
    options: CompareOptions = DEFAULT_OPTIONS,
    name: str | None = None,
) -> Comparison:
    """Measure ``hypothesis`` (and ``raw``, the OCR before correction) against ``reference``.

    A Document hypothesis keeps where each token came from, so its logged corrections are
    judged against the source and the HTML can link scan boxes to the text.

    >>> compare("vé ting cường", "về tăng cường").wer
    0.6666666666666666
    """
    require(reference, str, "compare: reference")
    require(hypothesis, (str, Document), "compare: hypothesis")
    require(raw, (str, Document, type(None)), "compare: raw")
    ref, _, ref_breaks = _text_tokens(reference, options)
    corrected = _side(ref, _tokens_of(hypothesis, options), options)
    raw_side = _side(ref, _tokens_of(raw, options), options) if raw is not None else None
    doc = hypothesis if isinstance(hypothesis, Document) else None
    if name is None:
        name = doc.name if doc else "text"
    judged = judge_corrections(doc.corrections, ref, corrected, options) if doc else ()
    return Comparison(
        name, options, tuple(ref), frozenset(ref_breaks), corrected, raw_side, judged, doc
    )


def _hyp_to_ref(side: Side) -> dict[int, int]:
    return {j: i for i, j in aligned_pairs(side.chunks)}


def judge_corrections(
    corrections: Iterable[Correction],
    reference: Sequence[str],
    corrected: Side,
    options: CompareOptions = DEFAULT_OPTIONS,
) -> tuple[Judged, ...]:
    """Judge each correction by the source syllables aligned with the corrected word.

    better: ``after`` is nearer (character edit distance) to the source than ``before``;
    worse: farther; neutral: as near, or no source syllable aligned with the word.
    """
    if corrected.origins is None:
        return ()
    by_origin: dict[tuple[int, int, int], list[int]] = {}
    for j, origin in enumerate(corrected.origins):
        by_origin.setdefault(origin, []).append(j)
    to_ref = _hyp_to_ref(corrected)
    out = []
    for c in corrections:
        refs = [to_ref[j] for j in by_origin.get((c.page, c.line, c.word), ()) if j in to_ref]
        if not refs:
            out.append(Judged(c, "neutral", None))
            continue
        src = " ".join(reference[i] for i in refs)
        before = " ".join(tokens(c.before, options))
        after = " ".join(tokens(c.after, options))
        d_before, d_after = Levenshtein.distance(before, src), Levenshtein.distance(after, src)
        verdict = "better" if d_after < d_before else "worse" if d_after > d_before else "neutral"
        out.append(Judged(c, verdict, src))
    return tuple(out)


# --------------------------------------------------------------------------- JSON


def _counts(e: EditCounts) -> dict[str, int]:
    return {
        "hits": e.hits,
        "substitutions": e.substitutions,
        "deletions": e.deletions,
        "insertions": e.insertions,
    }


def _scores_json(s: Scores) -> dict[str, Any]:
    return {
        "cer": s.cer,
        "wer": s.wer,
        "syllable_accuracy": s.syllable_accuracy,
        "diacritic_error_rate": s.diacritic_error_rate,
        "tone_error_rate": s.tone_error_rate,
        "vowel_mark_error_rate": s.vowel_mark_error_rate,
        "characters": _counts(s.chars),
        "syllables": _counts(s.syllables),
        "marks": {
            "pairs": s.marks.pairs,
            "tone_errors": s.marks.tone_errors,
            "vowel_errors": s.marks.vowel_errors,
            "any_errors": s.marks.any_errors,
        },
        "char_confusions": [list(c) for c in s.char_confusions],
        "syllable_confusions": [list(c) for c in s.syllable_confusions],
    }


def to_json(comparison: Comparison) -> dict[str, Any]:
    """The figures as a JSON-ready dict: ``{"schema": "vnocr.report", "version": 1, ...}``."""
    c = comparison
    verdicts = Counter(j.verdict for j in c.corrections)
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "name": c.name,
        "options": c.options.to_dict(),
        "definitions": DEFINITIONS,
        "reference": {
            "syllables": len(c.reference),
            "characters": c.corrected.scores.chars.reference_length,
        },
        "corrected": _scores_json(c.corrected.scores),
        "raw": _scores_json(c.raw.scores) if c.raw else None,
        "corrections": [
            {
                "page": j.correction.page,
                "line": j.correction.line,
                "word": j.correction.word,
                "before": j.correction.before,
                "after": j.correction.after,
                "score": j.correction.score,
                "reason": j.correction.reason,
                "source": j.source,
                "verdict": j.verdict,
            }
            for j in c.corrections
        ],
        "verdicts": {k: verdicts.get(k, 0) for k in ("better", "worse", "neutral")},
    }


def summarize(reports: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Pool per-document :func:`to_json` dicts into batch figures (summed counts, then rates).

    Pooled rates weight each document by its length, so a one-line file cannot swing them.
    """

    def pooled(side: str) -> dict[str, float] | None:
        parts = [r[side] for r in reports if r.get(side)]
        if not parts or len(parts) != len(reports):
            return None
        ch = {k: sum(p["characters"][k] for p in parts) for k in parts[0]["characters"]}
        sy = {k: sum(p["syllables"][k] for p in parts) for k in parts[0]["syllables"]}
        mk = {k: sum(p["marks"][k] for p in parts) for k in parts[0]["marks"]}
        chars, syls = EditCounts(**ch), EditCounts(**sy)
        marks = MarkCounts(**mk)
        return {
            "cer": chars.rate,
            "wer": syls.rate,
            "syllable_accuracy": 1.0 - syls.rate,
            "diacritic_error_rate": marks.rate,
            "tone_error_rate": marks.tone_rate,
            "vowel_mark_error_rate": marks.vowel_rate,
        }

    verdicts: Counter[str] = Counter()
    for r in reports:
        verdicts.update(r.get("verdicts", {}))
    return {
        "schema": "vnocr.report-summary",
        "version": VERSION,
        "documents": len(reports),
        "corrected": pooled("corrected"),
        "raw": pooled("raw"),
        "verdicts": {k: verdicts.get(k, 0) for k in ("better", "worse", "neutral")},
        "per_document": [
            {
                "name": r["name"],
                "cer": r["corrected"]["cer"],
                "wer": r["corrected"]["wer"],
                "raw_cer": r["raw"]["cer"] if r.get("raw") else None,
            }
            for r in reports
        ],
    }


# --------------------------------------------------------------------------- one call


def undo_corrections(doc: Document) -> Document | None:
    """The raw OCR rebuilt from a corrected Document's log (None when nothing was logged)."""
    return doc.without_corrections() if doc.corrections else None


def _images(image: PageImage | Sequence[PageImage] | str | Path | None) -> list[PageImage]:
    if image is None:
        return []
    if isinstance(image, PageImage):
        return [image]
    if isinstance(image, (str, Path)):
        return list(load_pages(Path(image)))
    return list(image)


def report_for(
    doc: Document,
    source_text: str,
    raw_doc: Document | None = None,
    image: PageImage | Sequence[PageImage] | str | Path | None = None,
    *,
    options: CompareOptions = DEFAULT_OPTIONS,
) -> tuple[str, dict[str, Any]]:
    """(HTML, JSON dict) for a processed Document against its source text.

    Without ``raw_doc`` the raw OCR is rebuilt from ``doc.corrections`` (if any), so the
    gain of the correction stage is shown either way. ``image`` is the scan: a PageImage,
    a list of them, or a path :func:`pipeline.io.load_pages` can read.
    """
    raw = raw_doc if raw_doc is not None else undo_corrections(doc)
    comparison = compare(doc, source_text, raw=raw, options=options)
    return to_html(comparison, images=_images(image)), to_json(comparison)


# --------------------------------------------------------------------------- command


def find_scan(doc: Document, places: Sequence[Path]) -> Path | None:
    """The scan a Document was read from, looked up by its name in ``places``.

    ``doc.name`` is relative to the folder ``vnocr run`` was given (``sub/a.png``); each
    place is tried with that path and with the bare file name. A file counts only when it
    has as many pages as the Document.
    """
    names = list(dict.fromkeys([doc.name, Path(doc.name).name]))
    for place in places:
        for name in names:
            candidate = place / name
            if not candidate.is_file():
                continue
            try:
                if count_pages(candidate) == len(doc.pages):
                    return candidate
            except VnocrError:
                continue
    return None


def _load_ocr(path: Path) -> str | Document:
    data = read_bytes(path, path.name)
    if path.suffix.lower() == ".json" or data.lstrip()[:1] == b"{":
        try:
            obj = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise InputFileError(f"{path.name}: not valid JSON ({e})") from e
        if not isinstance(obj, dict) or obj.get("schema") != "vnocr.document":
            raise InputFileError(f"{path.name}: JSON but not a vnocr document")
        try:
            return Document.from_dict(obj)
        except (KeyError, TypeError, ValueError) as e:
            raise InputFileError(f"{path.name}: damaged vnocr document ({e})") from e
    return decode_text(data, path.name)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``vnocr report`` arguments, for the CLI's subparser."""
    parser.add_argument("ocr", type=Path, help="OCR text file or vnocr NAME.json document")
    parser.add_argument("source", type=Path, help="source text: .txt (any encoding) or .docx")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("report.html"),
        help="the HTML report to write (default: report.html)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--raw", type=Path, help="raw OCR (text or .json) to show side by side")
    parser.add_argument("--image", type=Path, help="the scan, to draw word boxes on")
    parser.add_argument("--ignore-case", action="store_true")
    parser.add_argument("--ignore-punctuation", action="store_true")
    parser.add_argument("--ignore-spaces", action="store_true", help="CER without spaces")
    parser.add_argument(
        "--keep-ellipsis", action="store_true", help="count '…' and '...' as different"
    )
    parser.add_argument(
        "--tone-style",
        choices=("old", "new", "keep"),
        default="old",
        help="fold tone placement to this style before comparing (keep: hòa ≠ hoà)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Arguments of ``vnocr report``."""
    parser = command_parser(
        "report",
        "Compare OCR output with its source text: an HTML report and, with\n"
        "--json, the figures (CER, WER, syllable accuracy, diacritic errors).",
        "vnocr report out/a.json a.txt -o a.html --json a.report.json",
        "vnocr report ocr.txt source.docx -o report.html",
    )
    add_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    """Write the report for parsed ``vnocr report`` arguments; returns the exit code."""
    options = CompareOptions(
        ignore_case=args.ignore_case,
        ignore_punctuation=args.ignore_punctuation,
        tone_style=None if args.tone_style == "keep" else ToneStyle(args.tone_style),
        ignore_spaces=args.ignore_spaces,
        fold_ellipsis=not args.keep_ellipsis,
    )
    ocr = _load_ocr(args.ocr)
    source = read_source(args.source)
    raw = _load_ocr(args.raw) if args.raw else None
    if raw is None and isinstance(ocr, Document):
        raw = undo_corrections(ocr)
    name = ocr.name if isinstance(ocr, Document) else args.ocr.name
    comparison = compare(ocr, source, raw=raw, options=options, name=name)
    page_images = _images(args.image) if args.image else []
    if not args.image and isinstance(ocr, Document) and ocr.pages:
        places = list(dict.fromkeys([args.source.parent, args.ocr.parent, Path.cwd()]))
        scan = find_scan(ocr, places)
        if scan is not None:
            log.info("page image: %s", scan)
            page_images = _images(scan)
        else:
            log.warning(
                "no page image: the scan %s named in %s is not in %s; give it with --image",
                ocr.name,
                args.ocr.name,
                " or ".join(str(p) for p in places),
            )
    write_atomic(args.output, to_html(comparison, images=page_images))
    if args.json:
        text = json.dumps(to_json(comparison), ensure_ascii=False, indent=1)
        write_atomic(args.json, text + "\n")
    s = comparison.corrected.scores
    print(
        f"{name}: CER {s.cer:.4f}  WER {s.wer:.4f}  syllable accuracy "
        f"{s.syllable_accuracy:.4f}  diacritic error {s.diacritic_error_rate:.4f} -> {args.output}"
    )
    return ExitCode.ok


def main(argv: Sequence[str] | None = None) -> int:
    """``vnocr report OCR SOURCE [-o report.html] [--json FILE]``."""
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except VnocrError as e:
        log.error("%s", e)
        return e.exit_code
