"""The body as a tree: Phần > Chương > Mục > Điều > khoản > điểm, or I. > 1. > a) > - > +.

Lines are read in order. A line that starts with a label becomes a node when its number
continues a sequence open above it (or starts a new one), so "2." inside a hard-wrapped
sentence, or "Điều 6 của Nghị định này" at a line start, stay text. Damaged labels are
read the way the sequence needs ("11." after I. is II.) and every such repair is logged.
Lines that do not start a node are joined into paragraphs: a line continues the paragraph
above when that one neither ended a sentence nor stopped short of the text width.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from pipeline.document import Correction, Section
from pipeline.structure.lines import SrcLine, fold, is_upper
from pipeline.structure.numbering import FIXED_RANK, Candidate, Reading, read_line

#: Labelled fields ("Cơ quan chủ trì: ...") recognised inside sections, folded.
FIELD_LABELS = (
    "co quan chu tri",
    "co quan phoi hop",
    "co quan thuc hien",
    "don vi chu tri",
    "don vi phoi hop",
    "don vi thuc hien",
    "thoi gian thuc hien",
    "thoi gian hoan thanh",
    "thoi han",
    "thoi han hoan thanh",
    "kinh phi",
    "kinh phi thuc hien",
    "nguon kinh phi",
    "san pham",
    "ket qua",
    "chu tri",
    "phoi hop",
    "trach nhiem",
    "dau moi",
    "thoi gian",
    "dia diem",
    "thanh phan",
    "hinh thuc",
    "chi tieu",
    "tien do",
    "co quan tham muu",
)
_FIELD = re.compile(r"^[-+•]?\s*(?P<label>[^\s:][^:]{1,40}?)\s*:\s*(?P<value>.*)$")
_LIST_KINDS = ("letter", "dash", "plus", "nparen")
_SENTENCE_END = (".", ";", ":", "!", "?", "./.")
_TITLED = ("phan", "chuong", "muc", "dieu", "roman", "upper")


@dataclass(slots=True)
class _Node:
    kind: str
    value: int = 0
    label: str = ""
    page: int | None = None
    line: int | None = None
    title: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    def freeze(self, level: int) -> Section:
        number = "" if self.kind in ("dash", "plus", "preamble", "appendix") else str(self.value)
        if self.kind == "letter":
            number = self.label.rstrip(")")
        return Section(
            label=self.label,
            level=level,
            title=" ".join(self.title).strip(),
            text="\n".join(t for t in self.text if t),
            page=self.page,
            line=self.line,
            children=tuple(c.freeze(level + 1) for c in self.children),
            kind=self.kind,
            number=number,
            fields=dict(self.fields),
        )


@dataclass(slots=True)
class _State:
    root: _Node
    stack: list[_Node]
    last: dict[str, int]
    seen: set[str]
    repairs: list[Correction]
    para: list[str] | None = None  # the open paragraph (a node's title, text or a field)
    para_node: _Node | None = None
    para_field: str = ""
    prev_text: str = ""
    quoted: int = 0  # lines left in a quoted passage (an amended article), 0 = none


def split_addressees(lines: list[SrcLine], start: int, end: int) -> tuple[tuple[str, ...], int]:
    """The "Kính gửi:" list at the top of the body, and where the body goes on after it."""
    i = start
    while i < end and lines[i].blank:
        i += 1
    if i >= end or not fold(lines[i].text).startswith("kinh gui"):
        return (), start
    out: list[str] = []
    first = lines[i].text.split(":", 1)
    if len(first) == 2 and first[1].strip():
        out.append(first[1].strip().rstrip(";,."))
    i += 1
    while i < end and (lines[i].text.strip()[:1] in "-+•" and lines[i].text.strip()):
        out.append(lines[i].text.strip()[1:].strip().rstrip(";,."))
        i += 1
    return tuple(out), i


def parse_body(lines: list[SrcLine]) -> tuple[tuple[Section, ...], tuple[Correction, ...]]:
    """The section tree of ``lines`` (the body only) and the numbering repairs made."""
    root = _Node("root")
    state = _State(root, [], {}, set(), [])
    wrap = _wrap_width(lines)
    for src in lines:
        text = src.text.strip()
        if not text:
            _close(state)
            continue
        _line(state, src, text, wrap)
        state.prev_text = text
    _close(state)
    return tuple(c.freeze(1) for c in root.children), tuple(state.repairs)


def _wrap_width(lines: list[SrcLine]) -> float:
    """The text width in characters of hard-wrapped text; 0 when lines are paragraphs."""
    lengths = sorted(len(s.text) for s in lines if not s.blank)
    if len(lengths) < 5:
        return 0.0
    p90 = lengths[int(0.9 * (len(lengths) - 1))]
    return float(p90) if 40 <= p90 <= 130 and statistics.median(lengths) > 0.5 * p90 else 0.0


#: A quoted passage (“Điều 5. ...” in an amending decree) is text, never headings, up to
#: its closing quote or this many lines, so a lost closing quote cannot swallow the rest.
QUOTE_LIMIT = 400


def _line(state: _State, src: SrcLine, text: str, wrap: float) -> None:
    if state.quoted:
        state.quoted = 0 if "”" in text else state.quoted - 1
        _text(state, src, text)
        return
    if text.startswith("“") and "”" not in text:
        state.quoted = QUOTE_LIMIT
        _close(state)
        _text(state, src, text)
        return
    cand = read_line(text)
    field_m = _field(text)
    if field_m and (cand is None or cand.readings[0].kind in ("dash", "plus")):
        _close(state)
        owner = _field_owner(state)
        label, value = field_m
        owner.fields[label] = value
        state.para, state.para_node, state.para_field = [value], owner, label
        return
    choice = _choose(state, cand) if cand else None
    if choice is not None and cand is not None:
        reading, depth = choice
        _close(state)
        _open(state, src, cand, reading, depth)
        return
    if state.para is not None and _continues(state, text, wrap):
        state.para.append(text)
        return
    _close(state)
    _text(state, src, text)


def _text(state: _State, src: SrcLine, text: str) -> None:
    """Add a line to the open paragraph, or open one in the current node."""
    if state.para is not None and state.quoted:
        state.para.append(text)
        return
    top = state.stack[-1] if state.stack else None
    if top is None:
        top = _Node("preamble", page=src.page, line=src.line)
        state.root.children.append(top)
        state.stack.append(top)
    if not top.title and top.kind in _TITLED and not top.text:
        state.para, state.para_node = top.title, top
    else:
        state.para, state.para_node = [], top
    state.para.append(text)


def _continues(state: _State, text: str, wrap: float) -> bool:
    prev = state.prev_text
    node = state.para_node
    if not prev:
        return False
    title_open = node is not None and state.para is node.title
    if (
        title_open
        and node is not None
        and node.kind in _TITLED
        and is_upper(prev)
        and is_upper(text)
        and not prev.endswith(_SENTENCE_END)
    ):
        return True
    if not wrap:
        return False
    if prev.endswith(_SENTENCE_END):
        return False
    if len(prev) < 0.7 * wrap:
        return False
    if node is not None and state.para is node.title and node.kind in FIXED_RANK:
        return text[:1].islower() or (is_upper(prev) and is_upper(text))
    return True


def _close(state: _State) -> None:
    if state.para is not None and state.para_node is not None:
        joined = " ".join(state.para).strip()
        node = state.para_node
        if state.para_field:
            node.fields[state.para_field] = joined
        elif state.para is node.title:
            node.title[:] = [joined] if joined else []
        else:
            node.text.append(joined)
    state.para, state.para_node, state.para_field = None, None, ""


def _field(text: str) -> tuple[str, str] | None:
    m = _FIELD.match(text)
    if not m:
        return None
    label = m.group("label").strip()
    if fold(label) not in FIELD_LABELS:
        return None
    return label, m.group("value").strip()


def _field_owner(state: _State) -> _Node:
    for node in reversed(state.stack):
        if node.kind not in _LIST_KINDS:
            return node
    if state.stack:
        return state.stack[0]
    node = _Node("preamble")
    state.root.children.append(node)
    state.stack.append(node)
    return node


def _choose(state: _State, cand: Candidate) -> tuple[Reading, int] | None:
    """The best reading of a label and the stack depth its node goes to, if any fits."""
    best: tuple[float, Reading, int] | None = None
    for r in cand.readings:
        score, depth = _score(state, r)
        if (
            r.repaired
        ):  # a repair needs the sequence behind it; digits read as Roman, a continuation
            digits = cand.raw.rstrip(".):").isdigit()
            score = score - 0.5 if score >= 3 or (score >= 2 and not digits) else 0
        if score >= 1 and (best is None or score > best[0]):
            best = (score, r, depth)
    return (best[1], best[2]) if best else None


def _score(state: _State, r: Reading) -> tuple[float, int]:
    stack = state.stack
    if r.kind in FIXED_RANK:
        rank = FIXED_RANK[r.kind]
        depth = len(stack)
        while depth and (
            stack[depth - 1].kind not in FIXED_RANK or FIXED_RANK[stack[depth - 1].kind] >= rank
        ):
            depth -= 1
        last = state.last.get(r.kind)
        if last is None:
            return (3.0 if r.value == 1 else 2.0), depth
        if r.value == last + 1:
            return 3.0, depth
        if last + 1 < r.value <= last + 3:
            return 1.0, depth
        return 0.0, depth
    base = len(stack)
    while base and stack[base - 1].kind == "preamble" and r.kind not in ("dash", "plus"):
        base -= 1
    same = next((d for d in range(base - 1, -1, -1) if stack[d].kind == r.kind), None)
    if r.kind in ("dash", "plus"):
        return 2.0, (same if same is not None else base)
    if same is not None:
        prev = stack[same].value
        if r.value == prev + 1:
            return 3.0, same
        if r.kind == "letter" and prev == 4 and r.value == 6:  # d) then e): many texts skip đ)
            return 2.5, same
        if r.value == 1:
            return 1.5, same
        if r.kind in ("roman", "upper") and prev + 1 < r.value <= prev + 2:
            return 1.0, same
        return 0.0, same
    if r.value == 1:
        return 2.5, base
    if r.kind in ("roman", "upper", "dotted") and r.kind not in state.seen:
        return 1.0, base
    return 0.0, base


def _open(state: _State, src: SrcLine, cand: Candidate, r: Reading, depth: int) -> None:
    del state.stack[depth:]
    parent = state.stack[-1] if state.stack else state.root
    label = r.label if r.repaired else cand.raw
    if r.repaired:
        state.repairs.append(Correction(src.page, src.line, 0, cand.raw, r.label, 0.0, "numbering"))
    node = _Node(r.kind, r.value, label, src.page, src.line)
    parent.children.append(node)
    state.stack.append(node)
    state.seen.add(r.kind)
    if r.kind in FIXED_RANK:
        state.last[r.kind] = r.value
        for lower, rank in FIXED_RANK.items():
            if rank > FIXED_RANK[r.kind] and lower not in ("dieu",):
                state.last.pop(lower, None)
    state.para, state.para_node = node.title, node
    if cand.rest:
        node.title.append(cand.rest)
