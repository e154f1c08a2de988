"""The text-preservation invariant: structure parsing reorganises text, it never loses it.

Every word of the body (the lines after the header block) must appear, in order, both in
the Markdown rendering and in the structure itself (sections with their labels, titles,
text and fields, recipients, signature, annexes). The header block is read into fields
(a date "ngày 5 tháng 3 năm 2024" becomes 2024-03-05), so there each word must appear
somewhere in the header fields unless it is one of the form's fixed words (Số, ngày,
the motto). Two parts are checked for presence, not order: the closing block (recipients
and signature are printed side by side) and labelled fields ("Cơ quan chủ trì: ..." is
kept with the node it belongs to, after that node's list items in the Markdown). Two
kinds of words may change or go: a label the parser repaired ("11." read as "II.",
logged as a numbering correction) is compared as repaired, and the page furniture it set
aside (running headers, page numbers, the draft label: the structure step's
``set_aside``) is not the document's text.

:func:`check` returns what went missing, so a test can print it and a bench count it.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

from pipeline.document import Document, Section
from pipeline.structure.body import field_of
from pipeline.structure.lines import SrcLine, from_document, from_text
from pipeline.structure.numbering import read_line

_WORD = re.compile(r"\d+|[^\W\d_]+")  # "26tháng" is two words
#: The label of the number line ("Số:", "Luật số:", "Nghị quyết số:"): the form's.
_NUMBER_LABEL = re.compile(r"^[^\d:]{0,25}?\bsố\s*[:;.]", re.IGNORECASE)

#: Words of the header form itself, which the header fields do not repeat.
_FORM_WORDS = frozenset(
    ("số", "ký", "hiệu", "ngày", "tháng", "năm", "về", "việc", "v", "vv")
    + ("cộng", "hòa", "hoà", "xã", "hội", "chủ", "nghĩa", "việt", "nam", "đảng", "sản")
    + ("độc", "lập", "tự", "do", "hạnh", "phúc")
)


@dataclass(frozen=True, slots=True)
class Missing:
    """Words of the text that a rendering lost: where (``md`` or ``structure``), which
    source line they came from, and the words in text order."""

    where: str
    page: int
    line: int
    words: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.where}: page {self.page} line {self.line}: {' '.join(self.words)}"


def words(text: str) -> list[str]:
    """Comparison tokens: runs of letters and digits, case-folded; numbers as integers
    (a date's "03" is the text's "3")."""
    out = []
    for w in _WORD.findall(text.casefold().replace("_", " ")):
        out.append(str(int(w)) if w.isdigit() and len(w) < 10 else w)
    return out


def structure_text(doc: Document) -> str:
    """Every piece of text the structure holds, in document order, one piece a line."""
    out: list[str] = []

    def walk(sections: tuple[Section, ...]) -> None:
        for s in sections:
            out.extend(p for p in (s.label, s.title) if p)
            out.extend(s.text.split("\n"))
            for key, value in s.fields.items():
                out.extend((key, value))
            walk(s.children)

    if doc.header is not None and doc.header.addressees:
        out.append("Kính gửi")
        out.extend(doc.header.addressees)
    body = [s for s in doc.sections if s.kind != "appendix"]
    walk(tuple(body))
    if doc.recipients:
        out.append("Nơi nhận")
        out.extend(doc.recipients)
    sig = doc.signature
    if sig is not None:
        out.extend((*sig.on_behalf, sig.position, sig.name))
    walk(tuple(s for s in doc.sections if s.kind == "appendix"))
    return "\n".join(p for p in out if p)


def header_text(doc: Document) -> str:
    """The header fields as text (what the header block's words must be found in)."""
    h = doc.header
    if h is None:
        return ""
    parts = [h.parent_issuer, h.issuer, h.symbol, h.place, h.date, h.doc_type, h.subject]
    # the year (and month) hold the date line's "tháng 5 năm 2025" when its day (and
    # month) are left blank
    year = str(h.year) if h.year is not None and not h.date else ""
    month = str(h.month) if h.month is not None and not h.date else ""
    return "\n".join((*parts, month, year, h.authority, *h.addressees))


def check(source: str | Document, doc: Document, markdown: str) -> list[Missing]:
    """What of ``source`` (the text or the Document that was parsed into ``doc``) is
    missing from ``markdown`` and from ``doc``'s structure; empty when nothing is."""
    from pipeline.structure import zones

    lines = from_document(source) if isinstance(source, Document) else from_text(source)
    z = zones(lines)
    aside = {(p, ln) for p, ln, *_ in _step(doc).get("set_aside", [])}
    fixes = {
        (c.page, c.line): (c.before, c.after) for c in doc.corrections if c.reason == "numbering"
    }
    rest = z.lines[z.header_end : z.closing] + z.lines[z.annexes :]
    in_field = _field_lines(rest)
    fields = [s for i, s in enumerate(rest) if i in in_field]
    body = _words([s for i, s in enumerate(rest) if i not in in_field], aside, fixes)
    # two closing columns side by side, and a node's labelled fields: any order
    closing = _words(z.lines[z.closing : z.annexes] + fields, aside, fixes)
    missing = []
    for where, target in (("md", markdown), ("structure", structure_text(doc))):
        got = words(target)
        missing += _unmatched(where, body, got)
        missing += _absent(where, closing, got)
    missing += _header_missing(z.lines[: z.header_end], doc, aside)
    return missing


def _field_lines(lines: list[SrcLine]) -> set[int]:
    """Indices of labelled field lines and of the wrapped lines that go on with them."""
    out: set[int] = set()
    inside = False
    for i, src in enumerate(lines):
        text = src.text.strip()
        if field_of(text):
            inside = True
        elif not text or read_line(text) is not None:
            inside = False
        if inside:
            out.add(i)
    return out


def _words(
    lines: list[SrcLine], aside: set[tuple[int, int]], fixes: dict[tuple[int, int], tuple[str, str]]
) -> list[tuple[str, SrcLine]]:
    """The comparison words of ``lines`` with their line, labels as the parser repaired them."""
    out: list[tuple[str, SrcLine]] = []
    for src in lines:
        if src.blank or (src.page, src.line) in aside:
            continue
        text = src.text
        fix = fixes.get((src.page, src.line))
        if fix is not None and fix[0] in text:
            text = text.replace(fix[0], fix[1], 1)
        out.extend((w, src) for w in words(text))
    return out


def _absent(where: str, src: list[tuple[str, SrcLine]], target: list[str]) -> list[Missing]:
    have = Counter(target)
    out: list[Missing] = []
    for w, line in src:
        if have[w] > 0:
            have[w] -= 1
        else:
            out.append(Missing(where, line.page, line.line, (w,)))
    return out


def _step(doc: Document) -> dict:
    steps = [s for s in doc.steps if s.stage == "structure"]
    return dict(steps[-1].settings) if steps else {}


def _unmatched(where: str, body: list[tuple[str, SrcLine]], target: list[str]) -> list[Missing]:
    src_words = [w for w, _ in body]
    matcher = difflib.SequenceMatcher(None, src_words, target, autojunk=False)
    out: list[Missing] = []
    at = 0
    for a, _, size in matcher.get_matching_blocks():
        if a > at:
            first = body[at][1]
            out.append(Missing(where, first.page, first.line, tuple(src_words[at:a])))
        at = a + size
    return out


def _header_missing(lines: list[SrcLine], doc: Document, aside: set) -> list[Missing]:
    have = Counter(words(header_text(doc)))
    out: list[Missing] = []
    for src in lines:
        if src.blank or (src.page, src.line) in aside:
            continue
        lost = []
        for w in words(_NUMBER_LABEL.sub("", src.text.strip())):
            if have[w] > 0:
                have[w] -= 1
            elif w not in _FORM_WORDS:
                lost.append(w)
        if lost:
            out.append(Missing("header", src.page, src.line, tuple(lost)))
    return out
