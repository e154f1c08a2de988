"""Structure parsing: header, section tree, recipients and signature of a document.

``parse(text_or_document)`` returns a new, frozen :class:`~pipeline.document.Document`
whose ``header``, ``sections``, ``recipients`` and ``signature`` are filled, with every
numbering repair appended to ``corrections`` (reason ``"numbering"``) and a ``Step``
saying the structure stage ran; labels printed twice in one list (a typo in the source,
kept as two headings, never renumbered) are listed in the step's ``duplicates`` as
``[page, line, label]``; running headers, page numbers and the draft label
(structure/furniture.py) are taken out wherever they are and listed in its ``set_aside``
as ``[page, line, text]``. It never raises on text, however broken.

JSON schema ``vnocr.structure`` version 1 (:func:`to_dict`, :func:`to_json`)::

    {
      "schema": "vnocr.structure", "version": 1, "name": str,
      "header": null | {"issuer", "parent_issuer", "motto" ("national"|"party"|""),
                        "symbol", "number", "year" (int|null), "type_code", "issuer_code",
                        "place", "date" (YYYY-MM-DD or ""), "doc_type", "subject",
                        "authority", "addressees": [str], "unreadable": [str],
                        "handwritten": [str], "month" (int|null: a date's printed
                        month when its day is blank or unreadable)},
      "sections": [Section],   # Section = {"label", "kind", "number", "level", "title",
                               #   "text", "page", "line", "fields": {str: str},
                               #   "children": [Section]}
      "recipients": [str],
      "signature": null | {"on_behalf": [str], "position", "name", "page", "line"},
      "repairs": [{"page", "line", "before", "after"}]
    }

``kind`` is one of phan, chuong, muc, dieu, roman, upper, number, dotted, letter, nparen,
dash, plus, preamble (text before the first heading), appendix (after the signature) and
quote (a quoted passage of an amending text, label "“": its children are the quoted
articles and clauses, parsed as a tree of their own).
Empty strings mean "not found". The full Document JSON (``Document.to_dict``) holds the
same values plus pages and words.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from pipeline.anatomy import LIST_MARKER
from pipeline.cli import command_parser
from pipeline.document import Document, Header, Section, Step
from pipeline.errors import require
from pipeline.structure.body import OPENERS, parse_body_logged, split_addressees
from pipeline.structure.closing import is_recipients_start, is_signature_start, parse_closing
from pipeline.structure.furniture import split_furniture
from pipeline.structure.handwritten import filled_by_hand
from pipeline.structure.header import HeaderResult, parse_header
from pipeline.structure.lines import SrcLine, fold, from_document, from_text, strip_spec_markers
from pipeline.structure.repairs import apply_to_document

__all__ = [
    "STRUCTURE_SCHEMA",
    "STRUCTURE_VERSION",
    "main",
    "parse",
    "structure",
    "to_dict",
    "to_json",
]

log = logging.getLogger(__name__)

STRUCTURE_SCHEMA = "vnocr.structure"
STRUCTURE_VERSION = 1
_STAGE_VERSION = "1"


def parse(source: str | Document, name: str = "text") -> Document:
    """Parse plain text or a Document (with or without word boxes) into its structure.

    >>> doc = parse("KẾ HOẠCH\\nvề việc X\\n\\nI. MỤC ĐÍCH\\n1. Mục đích")
    >>> [s.label for s in doc.sections], doc.header.doc_type
    (['I.'], 'KẾ HOẠCH')
    """
    if isinstance(source, Document):
        return structure(source)
    require(source, str, "parse: source")
    doc = Document.from_text(source, name=name)
    return _structure(doc, from_text(source))


def structure(doc: Document) -> Document:
    """The structure stage: a new Document with header, sections, recipients, signature;
    the numbering repairs are written into the words too (NAME.txt says "II." where OCR
    printed "11." and the sequence reads II.)."""
    out = _structure(doc, from_document(doc))
    new = [c for c in out.corrections[len(doc.corrections) :] if c.reason == "numbering"]
    return apply_to_document(out, new) if new else out


def _structure(doc: Document, lines: list[SrcLine]) -> Document:
    try:
        return _run(doc, lines)
    except Exception as e:  # a guard: a parser bug must not stop a batch; logged loudly
        log.exception("%s: structure parsing failed (%s); left unstructured", doc.name, e)
        step = Step("structure", _STAGE_VERSION, {"error": f"{type(e).__name__}: {e}"})
        return replace(doc, steps=doc.steps + (step,))


@dataclass(frozen=True, slots=True)
class Zones:
    """Where the parts of a document's lines are: the lines without page furniture, the
    furniture set aside, the header read, the addressees, and the start of the body, of
    the closing (recipients, signature) and of the annexes."""

    lines: list[SrcLine]
    aside: list[SrcLine]
    header: Header
    found_at: tuple[tuple[str, int, int], ...]  # where the number and date were read
    addressees: tuple[str, ...]
    header_end: int  # where "Kính gửi" (when there is one) or the body starts
    body: int
    closing: int
    annexes: int


def zones(all_lines: list[SrcLine]) -> Zones:
    """Split ``all_lines`` into furniture, header, body, closing and annexes."""
    lines, aside = split_furniture(all_lines)
    head = HeaderResult(Header(), 0) if _continuation_page(lines) else parse_header(lines)
    addressees, start = split_addressees(lines, head.body_start, len(lines))
    end = _closing_start(lines, start)
    closing_end = parse_closing(lines, end).end
    return Zones(
        lines,
        aside,
        head.header,
        head.found_at,
        addressees,
        head.body_start,
        start,
        end,
        closing_end,
    )


def _continuation_page(lines: list[SrcLine]) -> bool:
    """True when the text starts in the middle of a document (a later page on its own):
    its first line is a list item or a quoted passage, or runs on in lower case with no
    header line (motto, "Số:") near the top. Such a text has no header to read."""
    first = next((s.text.strip() for s in lines if not s.blank), "")
    if not first:
        return False
    if LIST_MARKER.match(first + " ") or first.startswith(OPENERS):
        return True
    if not first[:1].islower():
        return False
    top = " ".join(fold(s.text) for s in lines[:15])
    return "cong hoa" not in top and "so:" not in top


def _run(doc: Document, all_lines: list[SrcLine]) -> Document:
    z = zones(all_lines)
    lines, start, end = z.lines, z.body, z.closing
    sections, repairs, twice = parse_body_logged(lines[start:end])
    closing = parse_closing(lines, end)
    appendices, more, twice_more = _appendices(lines[closing.end :])
    header = replace(z.header, addressees=z.addressees, handwritten=filled_by_hand(doc, z.found_at))
    settings = {
        "lines": len(all_lines),
        "repairs": len(repairs) + len(more),
        "duplicates": [list(d) for d in twice + twice_more],
        "set_aside": [[s.page, s.line, s.text] for s in z.aside],
    }
    step = Step("structure", _STAGE_VERSION, settings)
    return replace(
        doc,
        header=header,
        sections=sections + appendices,
        recipients=closing.recipients,
        signature=closing.signature,
        corrections=doc.corrections + repairs + more,
        steps=doc.steps + (step,),
    )


def _closing_start(lines: list[SrcLine], start: int) -> int:
    for i in range(start, len(lines)):
        if lines[i].blank:
            continue
        if is_recipients_start(lines[i].text) or is_signature_start(lines, i):
            return i
    return len(lines)


def _appendices(
    lines: list[SrcLine],
) -> tuple[tuple[Section, ...], tuple[Any, ...], tuple[tuple[int, int, str], ...]]:
    """Annexes printed after the signature, each parsed as its own tree."""
    if not any(not s.blank for s in lines):
        return (), (), ()
    starts = [0] + [
        i
        for i, s in enumerate(lines)
        if i and fold(s.text).startswith(("phu luc", "mau so")) and not s.text[:1].islower()
    ]
    out: list[Section] = []
    repairs: list[Any] = []
    twice: list[tuple[int, int, str]] = []
    for a, b in zip(starts, starts[1:] + [len(lines)], strict=True):
        chunk = lines[a:b]
        title: list[str] = []
        first: SrcLine | None = None
        k = 0
        while k < len(chunk) and len(title) < 8:
            s = chunk[k]
            if s.blank:
                k += 1
                if title:
                    break
                continue
            if title and (len(s.text) > 90 or s.text[:1] in "-+" or _is_label(s.text)):
                break
            first = first or s
            title.append(s.text.strip())
            k += 1
        children, fixes, dup = parse_body_logged(chunk[k:])
        if not title and not children:
            continue
        node = Section(
            label="",
            level=1,
            title=" ".join(title),
            kind="appendix",
            page=first.page if first else None,
            line=first.line if first else None,
            children=children,
        )
        out.append(node)
        repairs.extend(fixes)
        twice.extend(dup)
    return tuple(out), tuple(repairs), tuple(twice)


def _is_label(text: str) -> bool:
    from pipeline.structure.numbering import read_line

    cand = read_line(text)
    return cand is not None and cand.readings[0].kind not in ("dash", "plus")


def to_dict(doc: Document) -> dict[str, Any]:
    """The structure of ``doc`` as a JSON-ready dict (schema ``vnocr.structure`` v1)."""
    return {
        "schema": STRUCTURE_SCHEMA,
        "version": STRUCTURE_VERSION,
        "name": doc.name,
        "header": asdict(doc.header) if doc.header else None,
        "sections": [asdict(s) for s in doc.sections],
        "recipients": list(doc.recipients),
        "signature": asdict(doc.signature) if doc.signature else None,
        "repairs": [
            {"page": c.page, "line": c.line, "before": c.before, "after": c.after}
            for c in doc.corrections
            if c.reason == "numbering"
        ],
    }


def to_json(doc: Document) -> str:
    """:func:`to_dict` as indented UTF-8 JSON text."""
    return json.dumps(to_dict(doc), ensure_ascii=False, indent=2) + "\n"


def build_parser() -> argparse.ArgumentParser:
    """Arguments of ``vnocr parse``."""
    ap = command_parser(
        "parse",
        "Parse a document text into its structure.",
        "vnocr parse out/decision.json --format md",
        "vnocr parse samples/cong-van-so.txt --spec",
    )
    ap.add_argument(
        "file", nargs="?", default="-", help="a UTF-8 text file, a Document .json, or - for stdin"
    )
    ap.add_argument(
        "--format", choices=("json", "md"), default="json", help="output format (default json)"
    )
    ap.add_argument(
        "--spec",
        action="store_true",
        help="the input is doc-spec text with @left/@right/... markers",
    )
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """``vnocr parse [FILE|-] [--format json|md] [--spec]``: print the structure of a text."""
    from pipeline.errors import ExitCode, InputFileError
    from pipeline.markdown import to_markdown

    ap = build_parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return int(ExitCode.ok if e.code == 0 else ExitCode.bad_args)
    try:
        if args.file == "-":
            raw, name = sys.stdin.read(), "stdin"
        else:
            path = Path(args.file)
            raw, name = path.read_text(encoding="utf-8"), path.name
    except (OSError, UnicodeDecodeError) as e:
        raise InputFileError(f"{args.file}: cannot read text ({e})") from e
    source: str | Document = raw
    if raw.lstrip().startswith("{"):
        try:
            source = Document.from_dict(json.loads(raw))
        except (ValueError, KeyError, TypeError) as e:
            raise InputFileError(f"{args.file}: not a vnocr document JSON ({e})") from e
    elif args.spec or raw.lstrip().startswith("@left"):
        source = strip_spec_markers(raw)
    doc = parse(source, name=name)
    sys.stdout.write(to_markdown(doc) if args.format == "md" else to_json(doc))
    return int(ExitCode.ok)
