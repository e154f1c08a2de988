"""The data model passed between stages: frozen values, one new value per stage.

Every stage (OCR, correction, structure) takes a Document and returns a new one, so a
caller can keep the raw OCR next to the corrected text and nothing is changed behind its
back. This module is stdlib only and does no I/O; JSON goes through ``to_dict`` /
``from_dict`` so the files written by ``vnocr run`` can be read back into the same objects.
"""

from __future__ import annotations

import copy
import functools
import math
import types
import typing
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass, replace
from enum import StrEnum
from typing import Any

#: Version of the JSON written by :meth:`Document.to_dict`; bumped on incompatible changes.
#: 2: ``header`` became a :class:`Header` object; sections gained ``kind``/``number``/``fields``;
#: ``recipients`` and ``signature`` were added. Version 1 files still load.
SCHEMA_VERSION = 2


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the one form vnocr stores (composed ả, not a + ̉)."""
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True, slots=True)
class Box:
    """A pixel rectangle on a page image: left/top inclusive, right/bottom exclusive."""

    left: int
    top: int
    right: int
    bottom: int

    def __post_init__(self) -> None:
        if self.left > self.right or self.top > self.bottom:
            raise ValueError(f"box has negative size: {self}")

    @property
    def width(self) -> int:
        """Width in pixels."""
        return self.right - self.left

    @property
    def height(self) -> int:
        """Height in pixels."""
        return self.bottom - self.top

    def union(self, other: Box) -> Box:
        """The smallest box holding both boxes (a line's box from its words)."""
        return Box(
            min(self.left, other.left),
            min(self.top, other.top),
            max(self.right, other.right),
            max(self.bottom, other.bottom),
        )


def enclosing(boxes: Iterable[Box | None]) -> Box | None:
    """The smallest box around all given boxes (None when there is none)."""
    out: Box | None = None
    for box in boxes:
        if box is not None:
            out = box if out is None else out.union(box)
    return out


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word: its text (NFC), where it is, and how sure the engine was."""

    text: str
    box: Box | None = None
    conf: float | None = None  # 0.0-1.0; Tesseract's 0-100 is scaled in ocr.py only


@dataclass(frozen=True, slots=True)
class Line:
    """A text line in reading order; ``block``/``par`` keep Tesseract's grouping."""

    words: tuple[Word, ...]
    box: Box | None = None
    block: int = 0
    par: int = 0

    @property
    def text(self) -> str:
        """The words joined by single spaces (a word emptied by a join, none)."""
        return " ".join(w.text for w in self.words if w.text)


@dataclass(frozen=True, slots=True)
class Region:
    """A part of a page found by layout analysis: header column, title, body, signature...

    ``kind`` is one of pipeline.layout's REGION_KINDS. Text regions point into
    ``Page.lines`` with ``span`` (first line, one past the last); marks that are not
    part of the printed text (seal, receipt stamp, e-signature overlay, handwriting,
    margin note) are kept aside: their words are in ``lines`` and never in ``Page.lines``.
    """

    kind: str
    box: Box | None = None
    text: str = ""
    page: int | None = None
    span: tuple[int, int] | None = None
    lines: tuple[Line, ...] = ()


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a document; ``width``/``height`` are those of the image OCR saw.

    ``index`` is the page's number in the source file, ``source_width``/``source_height``
    the size of the scan as loaded (a PDF page as rendered), which writers that place text
    on the scan (PDF, ALTO, hOCR) need.

    Boxes are in the pixels of that image (the preprocessed page: upright, straight,
    maybe rescaled); ``to_source`` maps them back onto the scan as loaded (see
    :meth:`source_points`), None when preprocessing moved nothing.
    """

    index: int  # 0-based page number within the source file
    lines: tuple[Line, ...] = ()
    width: int = 0
    height: int = 0
    dpi: int | None = None
    regions: tuple[Region, ...] = ()  # layout analysis, in reading order; marks last
    to_source: tuple[float, ...] | None = None  # 3x3 row-major: page pixels -> scan pixels
    # size of the scan as loaded (before preprocessing), what to_source maps onto; 0: unknown
    source_width: int = 0
    source_height: int = 0

    def source_points(self, box: Box) -> tuple[tuple[float, float], ...]:
        """The corners of ``box`` (top-left, top-right, bottom-right, bottom-left) on the
        scan: a turned or deskewed page's word is a turned rectangle there."""
        corners = (
            (box.left, box.top),
            (box.right, box.top),
            (box.right, box.bottom),
            (box.left, box.bottom),
        )
        m = self.to_source
        if m is None:
            return tuple((float(x), float(y)) for x, y in corners)
        out = []
        for x, y in corners:
            w = m[6] * x + m[7] * y + m[8]
            out.append(((m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w))
        return tuple(out)

    @property
    def text(self) -> str:
        """The page's lines, with a blank line between Tesseract paragraphs."""
        out: list[str] = []
        prev: tuple[int, int] | None = None
        for line in self.lines:
            key = (line.block, line.par)
            if prev is not None and key != prev:
                out.append("")
            out.append(line.text)
            prev = key
        return "\n".join(out)


@dataclass(frozen=True, slots=True)
class Correction:
    """One change made by the correction stage: the review log a person can check."""

    page: int
    line: int
    word: int
    before: str
    after: str
    score: float = 0.0
    reason: str = ""


class SectionKind(StrEnum):
    """The numbering scheme of a :class:`Section` (the one list of them)."""

    PHAN = "phan"  # Phần I
    CHUONG = "chuong"  # Chương I
    MUC = "muc"  # Mục 1
    DIEU = "dieu"  # Điều 1 (an article)
    ROMAN = "roman"  # I.
    UPPER = "upper"  # A.
    NUMBER = "number"  # 1.
    DOTTED = "dotted"  # 1.1.
    LETTER = "letter"  # a)
    NPAREN = "nparen"  # 1)
    DASH = "dash"  # - item
    PLUS = "plus"  # + item
    PREAMBLE = "preamble"  # text before the first heading
    APPENDIX = "appendix"  # after the signature (Phụ lục)
    QUOTE = "quote"  # a quoted passage of an amending text: the quoted articles, clauses


#: Kinds whose order the legal format fixes (lower rank = higher in the tree).
LEGAL_RANK = {SectionKind.PHAN: 0, SectionKind.CHUONG: 1, SectionKind.MUC: 2, SectionKind.DIEU: 3}
#: Kinds that carry a title of their own (Điều 1. Phạm vi điều chỉnh; II. NHIỆM VỤ).
TITLED_KINDS = (*LEGAL_RANK, SectionKind.ROMAN, SectionKind.UPPER)
#: Kinds with a number or letter: section headings and numbered items (not bullets).
NUMBERED_KINDS = (
    *TITLED_KINDS,
    SectionKind.NUMBER,
    SectionKind.DOTTED,
    SectionKind.LETTER,
    SectionKind.NPAREN,
)
BULLET_KINDS = (SectionKind.DASH, SectionKind.PLUS)


@dataclass(frozen=True, slots=True)
class Section:
    """A numbered part of the body (I., 1., a), Điều 3 ...) and its children.

    ``kind`` names the numbering scheme (a :class:`SectionKind`: ``phan``, ``chuong``,
    ``muc``, ``dieu``, ``roman``, ``upper``, ``number``, ``dotted``, ``letter``, ``nparen``,
    ``dash``, ``plus``, ``preamble``, ``appendix``, ``quote``), ``number`` is the
    value in it ("2" for "II." and for "Điều 2", "đ" for "đ)"), and ``fields`` holds labelled
    lines such as "Cơ quan chủ trì: ..." found directly inside the section.
    """

    label: str
    level: int
    title: str = ""
    text: str = ""
    page: int | None = None
    line: int | None = None
    children: tuple[Section, ...] = ()
    kind: str = ""
    number: str = ""
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Header:
    """What a Vietnamese administrative document says about itself above its body.

    Empty strings mean "not found". ``symbol`` is the ký hiệu as printed ("164-KH/HU",
    "12/2024/TT-BTC"); ``number``, ``year``, ``type_code`` and ``issuer_code`` are its parts
    (``year`` is the symbol's year, else the year of ``date``). ``date`` is ISO (YYYY-MM-DD).
    ``motto`` is ``national`` (CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM), ``party`` (ĐẢNG CỘNG SẢN
    VIỆT NAM) or "". ``authority`` is the line some decisions centre under the subject
    ("ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH"); ``addressees`` the "Kính gửi:" list; ``unreadable``
    the fields printed as a label with a value vnocr could not read (left empty, never
    guessed): the symbol then holds only its printed part ("/BTC-PTHT"); ``handwritten``
    the fields filled in by hand, whether read or not.
    """

    issuer: str = ""
    parent_issuer: str = ""
    motto: str = ""
    symbol: str = ""
    number: str = ""
    year: int | None = None
    type_code: str = ""
    issuer_code: str = ""
    place: str = ""
    date: str = ""
    doc_type: str = ""
    subject: str = ""
    authority: str = ""
    addressees: tuple[str, ...] = ()
    #: header fields whose printed label is on the page but whose value could not be read
    #: (a number or a day written by hand into the blank): "number", "date"
    unreadable: tuple[str, ...] = ()
    #: header fields whose value was written by hand into the printed form's blank
    #: ("number", "date"), read or not: a reader checks these against the scan. Found only
    #: on OCR'd pages (word boxes and confidences); a plain text gives none. Added in
    #: schema version 2 without a bump: files without it load with none.
    handwritten: tuple[str, ...] = ()
    #: the month of a date line whose month is printed but whose day was left blank or
    #: could not be read ("ngày    tháng 5 năm 2019"): ``date`` holds whole dates only, and
    #: ``year`` the year. None when ``date`` is set or no month was read. Added in schema
    #: version 2 without a bump: files without it load with none.
    month: int | None = None


@dataclass(frozen=True, slots=True)
class Signature:
    """The signature block: "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / name".

    ``on_behalf`` holds the authority lines that start with T/M, TM., K/T, KT., Q., TL.,
    TUQ.; ``position`` is the signer's own title; ``name`` the signer.
    """

    on_behalf: tuple[str, ...] = ()
    position: str = ""
    name: str = ""
    page: int | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """Which stage ran with which settings, so an output says how it was made."""

    stage: str
    version: str
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Document:
    """A whole input file: its pages, the corrections made and the structure found."""

    name: str  # file name relative to the input root, never an absolute path
    pages: tuple[Page, ...] = ()
    corrections: tuple[Correction, ...] = ()
    sections: tuple[Section, ...] = ()
    header: Header | None = None
    steps: tuple[Step, ...] = ()
    recipients: tuple[str, ...] = ()  # the "Nơi nhận:" list, one entry per recipient
    signature: Signature | None = None

    @property
    def text(self) -> str:
        """The document text, pages separated by a form feed line."""
        return "\n\f\n".join(p.text for p in self.pages)

    @property
    def words(self) -> tuple[Word, ...]:
        """All words of all pages in reading order."""
        return tuple(w for p in self.pages for ln in p.lines for w in ln.words)

    def without_corrections(self) -> Document:
        """The Document as the OCR read it: every logged change undone, newest first.

        A change is undone only where the word still reads ``after``, so a log entry that
        did not alter a word (a numbering repair of the structure stage) changes nothing.
        """
        words = {p.index: [list(ln.words) for ln in p.lines] for p in self.pages}
        for c in reversed(self.corrections):
            lines = words.get(c.page, [])
            row = lines[c.line] if c.line < len(lines) else []
            if c.word < len(row) and row[c.word].text == c.after:
                row[c.word] = replace(row[c.word], text=c.before)
        pages = tuple(
            replace(
                p,
                lines=tuple(
                    replace(ln, words=tuple(words[p.index][i])) for i, ln in enumerate(p.lines)
                ),
            )
            for p in self.pages
        )
        return replace(self, pages=pages, corrections=())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with the schema version; inverse of :meth:`from_dict`."""
        return {"schema": "vnocr.document", "version": SCHEMA_VERSION, **_plain(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """Rebuild a Document (nested values included) from :meth:`to_dict` output."""
        if not isinstance(data, dict):
            raise DocumentFormatError(f"a document is a JSON object, not {type(data).__name__}")
        version = data.get("version", SCHEMA_VERSION)
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise DocumentFormatError(
                f"document schema version {version!r} is newer than {SCHEMA_VERSION}"
            )
        try:
            doc = cls(
                name=data["name"],
                pages=tuple(_page(p) for p in data.get("pages", ())),
                corrections=tuple(Correction(**c) for c in data.get("corrections", ())),
                sections=tuple(_section(s) for s in data.get("sections", ())),
                header=_header(data.get("header")),
                steps=tuple(Step(**s) for s in data.get("steps", ())),
                recipients=tuple(data.get("recipients", ())),
                signature=_signature(data.get("signature")),
            )
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
            raise DocumentFormatError(f"{type(e).__name__}: {e}") from e
        check_types(doc)
        return doc

    @classmethod
    def from_text(cls, text: str, name: str = "text") -> Document:
        """A one-page Document from plain text (no boxes), for text OCR'd elsewhere."""
        lines = tuple(
            Line(tuple(Word(nfc(t)) for t in raw.split()), par=par)
            for par, raw in _numbered_pars(text)
        )
        return cls(name=name, pages=(Page(0, lines),))


class DocumentFormatError(ValueError):
    """A Document's JSON has a missing field or a value of the wrong type (a page width
    that is a string, a word that is a number): refused on reading, so nothing downstream
    (the HTML report) ever sees it."""


def check_types(value: Any, hint: Any = None, where: str = "document") -> None:
    """Check a dataclass tree against its type hints (int, float, str, tuples, unions,
    nested dataclasses); DocumentFormatError naming the first field that does not match."""
    if hint is None:
        hint = type(value)
    if hint is Any:
        return
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        errors = []
        for option in typing.get_args(hint):
            try:
                check_types(value, option, where)
                return
            except DocumentFormatError as e:
                errors.append(e)
        raise errors[0]
    if hint is type(None):
        if value is not None:
            raise DocumentFormatError(f"{where}: expected nothing, got {type(value).__name__}")
        return
    if origin is tuple:
        if not isinstance(value, tuple):
            raise DocumentFormatError(f"{where}: expected a list, got {type(value).__name__}")
        args = typing.get_args(hint)
        items = args[:1] * len(value) if len(args) == 2 and args[1] is Ellipsis else args
        if len(items) != len(value):
            raise DocumentFormatError(f"{where}: expected {len(items)} values, got {len(value)}")
        for i, (item, item_hint) in enumerate(zip(value, items, strict=True)):
            check_types(item, item_hint, f"{where}[{i}]")
        return
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise DocumentFormatError(f"{where}: expected an object")
        value_hint = typing.get_args(hint)[1] if typing.get_args(hint) else Any
        for k, v in value.items():
            check_types(v, value_hint, f"{where}.{k}")
        return
    if isinstance(hint, type) and is_dataclass(hint):
        if not isinstance(value, hint):
            raise DocumentFormatError(f"{where}: expected {hint.__name__}")
        for name, field_hint in _hints(hint).items():
            check_types(getattr(value, name), field_hint, f"{where}.{name}")
        return
    if hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not math.isfinite(value):
            raise DocumentFormatError(f"{where}: expected a number, got {value!r:.40}")
        return
    if hint is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise DocumentFormatError(f"{where}: expected an integer, got {value!r:.40}")
        return
    if isinstance(hint, type) and not isinstance(value, hint):
        raise DocumentFormatError(f"{where}: expected {hint.__name__}, got {type(value).__name__}")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _numbered_pars(text: str) -> list[tuple[int, str]]:
    """Non-empty lines with a paragraph counter that steps at each blank line."""
    out: list[tuple[int, str]] = []
    par = 0
    for raw in text.splitlines():
        if raw.strip():
            out.append((par, raw))
        elif out and out[-1][0] == par:
            par += 1
    return out


def _box(data: dict[str, int] | None) -> Box | None:
    return Box(**data) if data else None


def _lines(data: Iterable[dict[str, Any]]) -> tuple[Line, ...]:
    return tuple(
        Line(
            words=tuple(Word(w["text"], _box(w.get("box")), w.get("conf")) for w in ln["words"]),
            box=_box(ln.get("box")),
            block=ln.get("block", 0),
            par=ln.get("par", 0),
        )
        for ln in data
    )


def _region(data: dict[str, Any]) -> Region:
    span = data.get("span")
    return Region(
        kind=data["kind"],
        box=_box(data.get("box")),
        text=data.get("text", ""),
        page=data.get("page"),
        span=(int(span[0]), int(span[1])) if span else None,
        lines=_lines(data.get("lines", ())),
    )


def _page(data: dict[str, Any]) -> Page:
    return Page(
        data["index"],
        _lines(data.get("lines", ())),
        data.get("width", 0),
        data.get("height", 0),
        data.get("dpi"),
        regions=tuple(_region(r) for r in data.get("regions", ())),
        to_source=tuple(data["to_source"]) if data.get("to_source") else None,
        source_width=data.get("source_width", 0),
        source_height=data.get("source_height", 0),
    )


def _section(data: dict[str, Any]) -> Section:
    return Section(
        label=data["label"],
        level=data["level"],
        title=data.get("title", ""),
        text=data.get("text", ""),
        page=data.get("page"),
        line=data.get("line"),
        children=tuple(_section(c) for c in data.get("children", ())),
        kind=data.get("kind", ""),
        number=data.get("number", ""),
        fields=dict(data.get("fields", {})),
    )


def _header(data: dict[str, Any] | None) -> Header | None:
    """A Header from JSON; unknown keys (a version 1 free-form dict) are dropped."""
    if not data:
        return None
    known = {k: v for k, v in data.items() if k in Header.__dataclass_fields__}
    for key in ("addressees", "unreadable", "handwritten"):
        if key in known:
            known[key] = tuple(known[key])
    for key in ("year", "month"):
        if key in known and known[key] is not None:
            known[key] = int(known[key])
    if "number" in known:
        known["number"] = str(known["number"])
    return Header(**known)


def _signature(data: dict[str, Any] | None) -> Signature | None:
    if not data:
        return None
    return Signature(
        on_behalf=tuple(data.get("on_behalf", ())),
        position=data.get("position", ""),
        name=data.get("name", ""),
        page=data.get("page"),
        line=data.get("line"),
    )


#: Values that :func:`_plain` gives back as they are (``asdict`` would deep-copy them, which
#: for these is the value itself).
_ATOMS = (str, int, float, bool, type(None))


@functools.cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """The field names of a dataclass type, in order; None for any other type."""
    return tuple(f.name for f in fields(cls)) if is_dataclass(cls) else None


def _plain(value: Any) -> Any:
    """What ``dataclasses.asdict`` makes of ``value`` (dataclasses as dicts, tuples and
    lists and dicts rebuilt, anything else deep-copied), four times faster: a document's
    JSON is written after its last page, on one worker, so its cost is the run's tail."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    names = _field_names(kind)
    if names is not None:
        return {n: _plain(getattr(value, n)) for n in names}
    if kind is tuple or kind is list:
        return kind(_plain(v) for v in value)
    if kind is dict:
        return {_plain(k): _plain(v) for k, v in value.items()}
    return copy.deepcopy(value)
