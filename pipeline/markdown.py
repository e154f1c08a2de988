"""Markdown for people: a parsed Document as a title, a header table, headings and lists.

Structural parts (Phần, Chương, Mục, Điều, I., A., and numbered items that hold others)
become headings; items (a), -, +, short numbered items) become nested list entries whose
printed label is kept in bold, so "đ)" and "II." read as on paper.
"""

from __future__ import annotations

import re

from pipeline.document import TITLED_KINDS, Document, Header, Section, SectionKind

_HEADING_KINDS = (*TITLED_KINDS, SectionKind.APPENDIX)
_MOTTO = {"national": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "party": "ĐẢNG CỘNG SẢN VIỆT NAM"}


def inline(text: str) -> str:
    """Escape Markdown syntax characters inside a line."""
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)


def escape(text: str) -> str:
    """Escape running text that starts a line (no accidental list or heading)."""
    return re.sub(r"^([#>+\-]|\d+[.)])", r"\\\1", inline(text))


def _flagged(value: str, h: Header, field: str, word: str) -> str:
    """A header value with what the reader must check on the scan: the ``field`` written
    by hand ("số viết tay") or not read ("không đọc được")."""
    notes = []
    if field in h.handwritten:
        notes.append(f"{word} viết tay")
    if field in h.unreadable:
        notes.append(f"{word} không đọc được" if not notes else "không đọc được")
    if not notes:
        return value
    return f"{value} ({', '.join(notes)})" if value else f"({', '.join(notes)})"


def to_markdown(doc: Document) -> str:
    """The document as Markdown: title, header fields, body, recipients, signature."""
    out: list[str] = []
    h = doc.header
    title = " — ".join(p for p in ((h.doc_type if h else ""), (h.subject if h else "")) if p)
    out.append(f"# {escape(title or doc.name)}")
    out.append("")
    if h:
        rows = [
            ("Cơ quan ban hành", " / ".join(p for p in (h.parent_issuer, h.issuer) if p)),
            ("Quốc hiệu", _MOTTO.get(h.motto, "")),
            ("Số, ký hiệu", _flagged(h.symbol, h, "number", "số")),
            (
                "Địa danh, ngày",
                _flagged(", ".join(p for p in (h.place, h.date) if p), h, "date", "ngày"),
            ),
            ("Loại văn bản", h.doc_type),
            ("Thẩm quyền", h.authority),
            ("Kính gửi", "; ".join(h.addressees)),
        ]
        rows = [(k, v) for k, v in rows if v]
        if rows:
            out += ["| Trường | Giá trị |", "|---|---|"]
            out += [f"| {k} | {escape(v)} |" for k, v in rows]
            out.append("")
    annexes = [sec for sec in doc.sections if sec.kind == "appendix"]
    for sec in doc.sections:
        if sec.kind != "appendix":
            _section(sec, out, depth=2, indent=None, parent_kind="")
    if doc.recipients:
        out += ["", "**Nơi nhận:**", ""]
        out += [f"- {escape(r)}" for r in doc.recipients]
    sig = doc.signature
    if sig:
        out.append("")
        lines = [f"**{escape(x)}**" for x in (*sig.on_behalf, sig.position) if x]
        if sig.name:
            lines.append(escape(sig.name))
        out.append("  \n".join(lines))
    for sec in annexes:  # printed after the signature, as on paper
        out.append("")
        _section(sec, out, depth=2, indent=None, parent_kind="")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).rstrip() + "\n"


def _is_heading(sec: Section, parent_kind: str, indent: int | None) -> bool:
    if indent is not None:
        return False
    if sec.kind in _HEADING_KINDS:
        return True
    return (
        sec.kind in ("number", "dotted")
        and parent_kind in ("", "roman", "upper", "appendix", "phan", "chuong", "muc")
        and len(sec.title) <= 100
        and not sec.title.endswith((".", ";", ":"))
    )


def _head(sec: Section) -> str:
    label = sec.label
    if (
        sec.kind in ("phan", "chuong", "muc", "dieu")
        and sec.title
        and not label.endswith((".", ":"))
    ):
        label += "."
    return " ".join(p for p in (label, sec.title) if p)


def _section(
    sec: Section, out: list[str], depth: int, indent: int | None, parent_kind: str
) -> None:
    if sec.kind == "preamble":
        for para in filter(None, (sec.title, *sec.text.split("\n"))):
            out += [escape(para), ""]
        _fields(sec, out, indent)
        for child in sec.children:
            _section(child, out, depth, indent, "")
        return
    if sec.kind == "quote":  # a quoted passage (the amended text) as a block quote
        inner: list[str] = []
        for child in sec.children:
            _section(child, inner, depth + 1, None, "")
        body = re.sub(r"\n{3,}", "\n\n", "\n".join(inner)).strip("\n").split("\n")
        pad = "  " * indent if indent else ""
        out += [f"{pad}> {x}".rstrip() for x in body] + [""]
        return
    if _is_heading(sec, parent_kind, indent):
        out += [f"{'#' * min(depth, 6)} {inline(_head(sec))}", ""]
        for para in filter(None, sec.text.split("\n")):
            out += [escape(para), ""]
        _fields(sec, out, None)
        for child in sec.children:
            _section(child, out, depth + 1, None, sec.kind)
        if sec.children and indent is None:
            out.append("")
        return
    pad = "  " * (indent or 0)
    label = f"**{inline(sec.label)}** " if sec.kind not in ("dash", "plus") else ""
    out.append(f"{pad}- {label}{inline(sec.title) if label else escape(sec.title)}".rstrip())
    for para in filter(None, sec.text.split("\n")):
        out.append(f"{pad}  {escape(para)}")
    _fields(sec, out, (indent or 0) + 1)
    for child in sec.children:
        _section(child, out, depth, (indent or 0) + 1, sec.kind)
    if indent is None:
        out.append("")


def _fields(sec: Section, out: list[str], indent: int | None) -> None:
    pad = "  " * (indent or 0)
    for key, values in sec.fields.items():
        for value in values.split("\n"):  # a label printed twice holds both values
            out.append(f"{pad}- *{inline(key)}:* {inline(value)}")
    if sec.fields and indent is None:
        out.append("")
