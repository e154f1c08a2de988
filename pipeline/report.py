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
import contextlib
import json
import logging
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, fields
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, BinaryIO, TypeVar

from rapidfuzz.distance import Levenshtein

from pipeline.blockalign import stream_sequences, stream_strings
from pipeline.cli import command_parser
from pipeline.document import Correction, Document
from pipeline.errors import ExitCode, InputFileError, VnocrError, output_error, require
from pipeline.io import PageImage, count_pages, load_pages, read_bytes, write_all_atomic
from pipeline.metrics import (
    DEFAULT_OPTIONS,
    Chunk,
    CompareOptions,
    EditCounts,
    MarkCounts,
    aligned_pairs,
    char_confusions,
    count_edits,
    count_marks,
    syllable_confusions,
    tokens,
)
from pipeline.report_html import DEFINITIONS, DiffWriter, page_parts, pages_html, to_html
from pipeline.report_tokens import Text, Token, char_pieces, text_of
from pipeline.sources import source_pieces, text_pieces
from pipeline.vietnamese import ToneStyle

log = logging.getLogger(__name__)

#: Identifies the JSON written by :func:`to_json`; the version is bumped on incompatible changes.
SCHEMA, VERSION = "vnocr.report", 1
#: How many confusions a Comparison keeps per side.
TOP_CONFUSIONS = 30
#: Kinds of confusion counted at once; a longer tail (a long text read very badly) loses
#: its rarest kinds, so the counts of the top ones are then lower bounds.
CONFUSIONS_HELD = 100_000


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

    :func:`compare` keeps the aligned tokens and chunks (for :func:`to_html`); the
    streamed report (:func:`write_report`) keeps only the scores. ``origins[i]`` is the
    (page index, line, word) of token i when the text came from a Document; ``breaks``
    holds the token indices a line ends after (for display only).
    """

    scores: Scores
    tokens: tuple[str, ...] = ()
    chunks: tuple[Chunk, ...] = ()
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


def _top(counter: Counter[tuple[str, str]]) -> tuple[tuple[str, str, int], ...]:
    return tuple((a, b, n) for (a, b), n in counter.most_common(TOP_CONFUSIONS))


def _tally(counter: Counter[tuple[str, str]], more: Counter[tuple[str, str]]) -> None:
    """Add a block's confusions; past ``CONFUSIONS_HELD`` kinds, keep the commoner half."""
    counter.update(more)
    if len(counter) > CONFUSIONS_HELD:
        kept = counter.most_common(CONFUSIONS_HELD // 2)
        counter.clear()
        counter.update(dict(kept))


_Counts = TypeVar("_Counts", EditCounts, MarkCounts)


def _plus(a: _Counts, b: _Counts) -> _Counts:
    """Two blocks' counts added field by field (both count types are plain int fields)."""
    return type(a)(*(getattr(a, f.name) + getattr(b, f.name) for f in fields(a)))


_Origin = tuple[int, int, int]
#: Called with each aligned block: source tokens, text tokens, chunks (local indices).
OnBlock = Callable[[Sequence[Token], Sequence[Token], Sequence[Chunk]], object]
_text_of = itemgetter(0)


def measure(
    reference: Text,
    hypothesis: Text,
    options: CompareOptions = DEFAULT_OPTIONS,
    *,
    wanted: Set[_Origin] = frozenset(),
    on_block: OnBlock | None = None,
) -> tuple[Scores, dict[_Origin, list[str]]]:
    """One side's figures, the texts aligned as streams (pipeline.blockalign), and for
    each place in ``wanted`` the source syllables aligned with the words read there.

    Only counts and the commonest confusions are kept, so memory does not grow with the
    texts; ``on_block`` sees each aligned block as it goes (to write the aligned text).
    """
    syllables, marks = EditCounts(0, 0, 0, 0), MarkCounts()
    syllable_kinds: Counter[tuple[str, str]] = Counter()
    found: dict[_Origin, list[str]] = {}
    for ref, hyp, ops in stream_sequences(reference.tokens(), hypothesis.tokens(), _text_of):
        chunks = [Chunk(*op) for op in ops]
        ref_text, hyp_text = [t.text for t in ref], [t.text for t in hyp]
        syllables = _plus(syllables, count_edits(chunks))
        marks = _plus(marks, count_marks(ref_text, hyp_text, chunks))
        _tally(syllable_kinds, syllable_confusions(ref_text, hyp_text, chunks))
        if wanted:
            for i, j in aligned_pairs(chunks):
                if hyp[j].origin in wanted:
                    found.setdefault(hyp[j].origin, []).append(ref_text[i])  # type: ignore[arg-type]
        if on_block is not None:
            on_block(ref, hyp, chunks)
    chars = EditCounts(0, 0, 0, 0)
    char_kinds: Counter[tuple[str, str]] = Counter()
    ref_chars = char_pieces(reference.words(), options)
    hyp_chars = char_pieces(hypothesis.words(), options)
    for a, b, ops in stream_strings(ref_chars, hyp_chars):
        chunks = [Chunk(*op) for op in ops]
        chars = _plus(chars, count_edits(chunks))
        _tally(char_kinds, char_confusions(a, b, chunks))
    scores = Scores(chars, syllables, marks, _top(char_kinds), _top(syllable_kinds))
    return scores, found


def _kept_side(
    ref: list[Token], hyp: list[Token], options: CompareOptions, wanted: Set[_Origin]
) -> tuple[Side, dict[_Origin, list[str]]]:
    """A side with its aligned tokens kept (compare: texts held in memory anyway)."""
    chunks: list[Chunk] = []
    at = [0, 0]

    def keep(a: Sequence[Token], b: Sequence[Token], block: Sequence[Chunk]) -> None:
        i, j = at
        chunks.extend(
            Chunk(c.op, c.ref_start + i, c.ref_end + i, c.hyp_start + j, c.hyp_end + j)
            for c in block
        )
        at[0], at[1] = i + len(a), j + len(b)

    def text(tokens: list[Token]) -> Text:
        return Text(lambda: iter(tokens), lambda: iter([[t.text for t in tokens]]))

    scores, found = measure(text(ref), text(hyp), options, wanted=wanted, on_block=keep)
    origins = tuple(t.origin for t in hyp) if hyp and hyp[0].origin is not None else None
    side = Side(
        scores,
        tuple(t.text for t in hyp),
        tuple(chunks),
        origins,  # type: ignore[arg-type]
        frozenset(j for j, t in enumerate(hyp) if t.line_end),
    )
    return side, found


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
    judged against the source and the HTML can link scan boxes to the text. The aligned
    texts are kept for :func:`to_html`; :func:`write_report` streams texts of any length.

    >>> compare("vé ting cường", "về tăng cường").wer
    0.6666666666666666
    """
    require(reference, str, "compare: reference")
    require(hypothesis, (str, Document), "compare: hypothesis")
    require(raw, (str, Document, type(None)), "compare: raw")
    ref = list(text_of(reference, options).tokens())
    doc = hypothesis if isinstance(hypothesis, Document) else None
    wanted = _changed(doc)
    corrected, found = _kept_side(ref, list(text_of(hypothesis, options).tokens()), options, wanted)
    raw_side = None
    if raw is not None:
        raw_side = _kept_side(ref, list(text_of(raw, options).tokens()), options, frozenset())[0]
    if name is None:
        name = doc.name if doc else "text"
    judged = judge_corrections(doc.corrections, found, options) if doc else ()
    return Comparison(
        name,
        options,
        tuple(t.text for t in ref),
        frozenset(i for i, t in enumerate(ref) if t.line_end),
        corrected,
        raw_side,
        judged,
        doc,
    )


def _changed(doc: Document | None) -> frozenset[_Origin]:
    return frozenset((c.page, c.line, c.word) for c in doc.corrections) if doc else frozenset()


def judge_corrections(
    corrections: Iterable[Correction],
    sources: Mapping[_Origin, Sequence[str]],
    options: CompareOptions = DEFAULT_OPTIONS,
) -> tuple[Judged, ...]:
    """Judge each correction by the source syllables aligned with the corrected word
    (``sources``, from :func:`measure`).

    better: ``after`` is nearer (character edit distance) to the source than ``before``;
    worse: farther; neutral: as near, or no source syllable aligned with the word.
    """
    out = []
    for c in corrections:
        refs = sources.get((c.page, c.line, c.word))
        if not refs:
            out.append(Judged(c, "neutral", None))
            continue
        src = " ".join(refs)
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
            "syllables": c.corrected.scores.syllables.reference_length,
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


def _load_ocr(path: Path) -> Document | Callable[[], Iterator[str]]:
    """A vnocr NAME.json document (read whole), or a text file as a run of pieces."""
    head = read_bytes(path, path.name, 4096)
    if path.suffix.lower() != ".json" and head.lstrip()[:1] != b"{":
        return text_pieces(path, path.name)
    data = read_bytes(path, path.name)
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


def _replay(f: IO[str]) -> Iterator[str]:
    f.seek(0)
    while piece := f.read(1 << 20):
        yield piece


def write_report(
    output: Path,
    json_output: Path | None,
    name: str,
    reference: Text,
    corrected: Text,
    raw: Text | None = None,
    *,
    document: Document | None = None,
    images: Sequence[PageImage] = (),
    options: CompareOptions = DEFAULT_OPTIONS,
) -> Comparison:
    """Write the HTML report (and the JSON figures) of texts of any length, streamed.

    The aligned texts go to unnamed temporary files beside ``output`` as they are
    aligned; the page is then written around them to a temporary file and renamed into
    place with the JSON, both or neither (:func:`pipeline.io.write_all_atomic`). Memory is
    bounded by the alignment window and the Document, not by the texts. The Comparison
    returned holds the figures only.
    """
    changed = _changed(document)
    pages, boxed = pages_html(document, images, changed)
    anchors = boxed | changed
    sides: list[tuple[Scores, IO[str]]] = []
    found: dict[_Origin, list[str]] = {}
    with contextlib.ExitStack() as stack:
        for hyp, wanted, links, dom_id in (
            (corrected, changed, anchors, "diff-corrected"),
            (raw, frozenset(), set(), "diff-raw"),
        ):
            if hyp is None:
                continue
            try:
                output.parent.mkdir(parents=True, exist_ok=True)
                spool = stack.enter_context(
                    tempfile.TemporaryFile("w+", encoding="utf-8", dir=output.parent)
                )
                writer = DiffWriter(spool.write, links, dom_id)
                scores, aligned = measure(
                    reference, hyp, options, wanted=wanted, on_block=writer.add
                )
                writer.close()
            except OSError as e:
                raise output_error(f"{output}: cannot write output", e) from e
            found = found or aligned
            sides.append((scores, spool))
        judged = judge_corrections(document.corrections, found, options) if document else ()
        comparison = Comparison(
            name,
            options,
            (),
            frozenset(),
            Side(sides[0][0]),
            Side(sides[1][0]) if len(sides) > 1 else None,
            judged,
            document,
        )
        diffs = [_replay(spool) for _, spool in sides]

        def page(f: BinaryIO) -> None:
            parts = page_parts(comparison, pages, anchors, diffs[0], diffs[1] if raw else None)
            for part in parts:
                f.write(part.encode("utf-8"))

        items: list[tuple[Path, str | bytes | Callable[[BinaryIO], None]]] = [(output, page)]
        if json_output is not None:
            text = json.dumps(to_json(comparison), ensure_ascii=False, indent=1)
            items.append((json_output, text + "\n"))
        write_all_atomic(items)
    return comparison


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
    source = source_pieces(args.source)
    raw = _load_ocr(args.raw) if args.raw else None
    doc = ocr if isinstance(ocr, Document) else None
    if raw is None and doc is not None:
        raw = undo_corrections(doc)
    name = doc.name if doc else args.ocr.name
    page_images = _images(args.image) if args.image else []
    if not args.image and doc is not None and doc.pages:
        places = list(dict.fromkeys([args.source.parent, args.ocr.parent, Path.cwd()]))
        scan = find_scan(doc, places)
        if scan is not None:
            log.info("page image: %s", scan)
            page_images = _images(scan)
        else:
            log.warning(
                "no page image: the scan %s named in %s is not in %s; give it with --image",
                doc.name,
                args.ocr.name,
                " or ".join(str(p) for p in places),
            )
    comparison = write_report(
        args.output,
        args.json,
        name,
        text_of(source, options),
        text_of(ocr, options),
        text_of(raw, options) if raw is not None else None,
        document=doc,
        images=page_images,
        options=options,
    )
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
