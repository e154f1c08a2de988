"""Alignment of long texts block by block, so that the report's cost grows about linearly.

An exact Levenshtein alignment of two texts costs time and memory in the product of their
lengths (a 1 MB text took 112 s). Long inputs are cut first: units (syllables, or the
words of a string) that occur once in each text and in the same order (a patience diff,
with the longest increasing subsequence) are anchors, and each anchor is widened into the
run of equal units around it. What lies between two runs is aligned again the same way,
until it is small enough to align exactly. OCR errors are local, so the optimal alignment
goes through those runs: on OCR-like damage the syllable figures are those of the exact
alignment, and the character ones are within a character per block edge (a run is cut
at a space; 0.1 % in tests/test_metrics.py). Below ``EXACT_LIMIT`` nothing is cut, so
normal inputs get the exact alignment, unchanged.

Stretches too long to align exactly that have no anchor (a text that repeats itself) are
aligned window by window, each window following the drift of the last one. The limits
that remain, there only: a piece missing from one text that is longer than ``SLACK``
units is not recognised as one deletion, and a text that repeats itself every ``SLACK``
units or less can be aligned a period off; either way the figures are worse than the
optimal ones until the texts meet again.

Texts of any length are aligned as streams (:func:`stream_sequences`, :func:`stream_strings`):
a window of each is held and aligned as above, the alignment is kept up to an equal unit
seven eighths of the way through, and the rest is aligned again with what follows. A
text shorter than the window is aligned in one piece, so normal inputs are unchanged;
memory is that of one window whatever the length. The cost: a stretch with nothing
equal across a cut (texts that do not match at all) is aligned in two pieces.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from itertools import islice
from typing import TypeVar

from rapidfuzz.distance import Levenshtein

#: Alignments whose length product is at most this are made exactly, in one piece
#: (about 2,000 × 2,000 units: a few milliseconds).
EXACT_LIMIT = 4_000_000

#: Units of ``a`` per window where a stretch without anchors is aligned window by window,
#: and the units of ``b`` a window may hold over its share (how far the texts may drift
#: within one window).
PIECE, SLACK = 2_000, 250

#: One chunk: (op, ref_start, ref_end, hyp_start, hyp_end), as ``Levenshtein.opcodes``.
Op = tuple[str, int, int, int, int]

#: Units (syllables) and characters of each text held at once when texts are streamed:
#: texts shorter than this are aligned in one piece, exactly as align_sequences and
#: align_strings align them (a document of a hundred pages is about 50,000 syllables).
WINDOW_UNITS, WINDOW_CHARS = 60_000, 300_000
#: Eighths of a window's alignment kept; the rest is aligned again with what follows.
KEEP = 7

_WORD = re.compile(r"\S+\s*|\s+")
T = TypeVar("T")


def exact(a: Sequence[Hashable], b: Sequence[Hashable], a0: int = 0, b0: int = 0) -> list[Op]:
    """The optimal alignment of ``a`` and ``b``, shifted by ``a0`` and ``b0``."""
    return [
        (o.tag, o.src_start + a0, o.src_end + a0, o.dest_start + b0, o.dest_end + b0)
        for o in Levenshtein.opcodes(a, b)
    ]


def align_strings(a: str, b: str) -> list[Op]:
    """Character alignment of two strings; long ones anchored on their words."""
    if len(a) * len(b) <= EXACT_LIMIT:
        return exact(a, b)
    wa, wb = _words(a), _words(b)
    starts_a, starts_b = [s for s, _ in wa], [s for s, _ in wb]

    def leaf(i0: int, i1: int, j0: int, j1: int) -> list[Op]:
        x0, x1 = _span(starts_a, len(a), i0, i1)
        y0, y1 = _span(starts_b, len(b), j0, j1)
        return _pieces(a[x0:x1], b[y0:y1], x0, y0)

    def equal(i0: int, i1: int, j0: int, j1: int) -> Op:
        x0, x1 = _span(starts_a, len(a), i0, i1)
        y0, y1 = _span(starts_b, len(b), j0, j1)
        return ("equal", x0, x1, y0, y1)

    units_a, units_b = [a[s:e] for s, e in wa], [b[s:e] for s, e in wb]
    return _merge(_blocks(units_a, units_b, 0, len(wa), 0, len(wb), leaf, equal))


def align_sequences(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Op]:
    """Alignment of two sequences of units (syllable ids); long ones anchored on units."""
    if len(a) * len(b) <= EXACT_LIMIT:
        return exact(a, b)

    def leaf(i0: int, i1: int, j0: int, j1: int) -> list[Op]:
        return _pieces(a[i0:i1], b[j0:j1], i0, j0)

    def equal(i0: int, i1: int, j0: int, j1: int) -> Op:
        return ("equal", i0, i1, j0, j1)

    return _merge(_blocks(a, b, 0, len(a), 0, len(b), leaf, equal))


def _words(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(text)]


def _span(starts: list[int], length: int, i0: int, i1: int) -> tuple[int, int]:
    """Character span of units ``i0:i1``."""
    return (starts[i0] if i0 < len(starts) else length), (
        starts[i1] if i1 < len(starts) else length
    )


def _blocks(
    a: Sequence[Hashable],
    b: Sequence[Hashable],
    i0: int,
    i1: int,
    j0: int,
    j1: int,
    leaf: Callable[[int, int, int, int], list[Op]],
    equal: Callable[[int, int, int, int], Op],
) -> Iterator[Op]:
    """Units ``a[i0:i1]`` against ``b[j0:j1]``, in order: equal runs around anchors, and
    the stretches between them again (a stack, not recursion: texts can be long)."""
    stack: list[Op | tuple[int, int, int, int]] = [(i0, i1, j0, j1)]
    while stack:
        item = stack.pop()
        if len(item) == 5:  # a chunk, ready
            yield item  # type: ignore[misc]
            continue
        i0, i1, j0, j1 = item  # type: ignore[misc]
        small = (i1 - i0) * (j1 - j0) <= EXACT_LIMIT
        runs = [] if small else _runs(a, b, i0, i1, j0, j1)
        if not runs:
            if i1 > i0 or j1 > j0:
                yield from leaf(i0, i1, j0, j1)
            continue
        parts: list[Op | tuple[int, int, int, int]] = []
        x, y = i0, j0
        for ri, rj, n in runs:
            parts += [(x, ri, y, rj), equal(ri, ri + n, rj, rj + n)]
            x, y = ri + n, rj + n
        parts.append((x, i1, y, j1))
        stack.extend(reversed(parts))


def _runs(
    a: Sequence[Hashable], b: Sequence[Hashable], i0: int, i1: int, j0: int, j1: int
) -> list[tuple[int, int, int]]:
    """Runs (i, j, length) of equal units around the anchors of a patience diff."""
    count_a, count_b = Counter(a[i0:i1]), Counter(b[j0:j1])
    where_b = {}
    for j in range(j0, j1):
        if count_b[b[j]] == 1 and count_a[b[j]] == 1:
            where_b[b[j]] = j
    pairs = [(i, where_b[a[i]]) for i in range(i0, i1) if a[i] in where_b]
    runs: list[tuple[int, int, int]] = []
    x, y = i0, j0  # the runs so far end here
    for i, j in _increasing(pairs):
        if i < x or j < y:  # inside the previous run already
            continue
        s, t = i, j
        while s > x and t > y and a[s - 1] == b[t - 1]:
            s, t = s - 1, t - 1
        e, f = i + 1, j + 1
        while e < i1 and f < j1 and a[e] == b[f]:
            e, f = e + 1, f + 1
        runs.append((s, t, e - s))
        x, y = e, f
    return runs


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of ``pairs`` (sorted by i) whose j increase too."""
    tails: list[int] = []  # tails[k]: j of the smallest tail of an increasing run of k + 1
    tail_at: list[int] = []  # index in pairs of that tail
    back = [-1] * len(pairs)
    for n, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(n)
        else:
            tails[k], tail_at[k] = j, n
        back[n] = tail_at[k - 1] if k else -1
    out, n = [], tail_at[-1] if tail_at else -1
    while n >= 0:
        out.append(pairs[n])
        n = back[n]
    return out[::-1]


def _pieces(a: Sequence[Hashable], b: Sequence[Hashable], a0: int, b0: int) -> list[Op]:
    """Exact when small enough; else window by window (module docstring): a window of
    ``PIECE`` units of ``a`` is aligned with its share of ``b`` and ``SLACK`` more, and the
    alignment is kept up to an equal unit past the window's middle, where the next
    window starts. The windows follow the texts' drift, so local errors are aligned as
    the exact alignment would; a stretch with nothing equal is kept whole."""
    out: list[Op] = []
    x = y = 0
    while (len(a) - x) * (len(b) - y) > EXACT_LIMIT * 4:
        ratio = (len(b) - y) / (len(a) - x)  # the texts' remaining length ratio
        xe = min(len(a), x + PIECE)
        ye = min(len(b), y + round((xe - x) * ratio) + SLACK)
        ops = exact(a[x:xe], b[y:ye])
        half = (xe - x) // 2
        cut = next(
            (
                (max(o[1], half), o[3] + max(o[1], half) - o[1])
                for o in ops
                if o[0] == "equal" and o[2] > half
            ),
            None,
        )
        if cut is None:  # nothing equal after the middle: keep the window as aligned
            cut = (xe - x, ye - y)
        for tag, r0, r1, h0, h1 in ops:
            if r0 >= cut[0] and h0 >= cut[1]:
                break
            r1, h1 = min(r1, cut[0]), min(h1, cut[1])
            out.append((tag, r0 + a0 + x, r1 + a0 + x, h0 + b0 + y, h1 + b0 + y))
        x, y = x + cut[0], y + cut[1]
    out.extend(exact(a[x:], b[y:], a0 + x, b0 + y))
    return out


def _merge(ops: Iterator[Op]) -> list[Op]:
    """Adjacent chunks of the same kind joined, empty ones dropped."""
    out: list[Op] = []
    for op in ops:
        if op[1] == op[2] and op[3] == op[4]:
            continue
        if out and out[-1][0] == op[0]:
            tag, r0, _, h0, _ = out[-1]
            out[-1] = (tag, r0, op[2], h0, op[4])
        else:
            out.append(op)
    return out


# --------------------------------------------------------------------------- streams


def stream_sequences(
    a: Iterable[T], b: Iterable[T], key: Callable[[T], Hashable], window: int | None = None
) -> Iterator[tuple[list[T], list[T], list[Op]]]:
    """Two streams of units aligned block by block: (units of ``a``, units of ``b``, their
    alignment in indices local to the block), in order; ``key`` says which units are equal.
    Together the blocks hold every unit once. ``window``: units held (WINDOW_UNITS)."""
    window = window or WINDOW_UNITS

    def take(buf: list[T], it: Iterator[T]) -> tuple[list[T], bool]:
        buf = [*buf, *islice(it, window - len(buf))]
        return buf, len(buf) >= window

    def aligned(x: list[T], y: list[T]) -> list[Op]:
        ids: dict[Hashable, int] = {}
        return align_sequences(
            [ids.setdefault(key(u), len(ids)) for u in x],
            [ids.setdefault(key(u), len(ids)) for u in y],
        )

    return _stream(iter(a), iter(b), [], take, aligned)


def stream_strings(
    a: Iterable[str], b: Iterable[str], window: int | None = None
) -> Iterator[tuple[str, str, list[Op]]]:
    """Two texts given as runs of pieces, aligned character by character block by block:
    (part of ``a``, part of ``b``, their alignment in local character offsets).
    ``window``: characters held (WINDOW_CHARS)."""
    size = window or WINDOW_CHARS

    def take(buf: str, it: Iterator[str]) -> tuple[str, bool]:
        parts, n = [buf], len(buf)
        for piece in it:
            parts.append(piece)
            n += len(piece)
            if n >= size:
                return "".join(parts), True
        return "".join(parts), False

    return _stream(iter(a), iter(b), "", take, align_strings)


def _stream(
    a: Iterator[T],
    b: Iterator[T],
    empty: Sequence[T],
    take: Callable[[Sequence[T], Iterator[T]], tuple[Sequence[T], bool]],
    aligned: Callable[[Sequence[T], Sequence[T]], list[Op]],
) -> Iterator[tuple[Sequence[T], Sequence[T], list[Op]]]:
    """The loop of the two streams (module docstring): fill, align, keep up to the cut."""
    x, y = empty, empty
    more_a = more_b = True
    while True:
        if more_a:
            x, more_a = take(x, a)
        if more_b:
            y, more_b = take(y, b)
        ops = aligned(x, y)
        if not (more_a or more_b):
            yield x, y, ops
            return
        never = len(x) + len(y) + 1  # an ended stream does not decide the cut
        qa = KEEP * len(x) // 8 if more_a else never
        ca, cb = _cut(ops, qa, KEEP * len(y) // 8 if more_b else never)
        kept = [
            (tag, r0, min(r1, ca), h0, min(h1, cb))
            for tag, r0, r1, h0, h1 in ops
            if r0 < ca or h0 < cb
        ]
        yield x[:ca], y[:cb], kept
        x, y = x[ca:], y[cb:]


def _cut(ops: list[Op], qa: int, qb: int) -> tuple[int, int]:
    """Where to cut an alignment that goes on past ``qa`` (in ``a``) or ``qb`` (in ``b``):
    at that point if it falls in an equal run, else at the start of the next equal run
    (the texts agree there, so nothing on either side depends on the other); with no
    equal run left, after the edits."""
    for n, (tag, r0, r1, h0, h1) in enumerate(ops):
        if r1 < qa and h1 < qb:
            continue
        if tag == "equal":
            k = max(0, min(qa - r0, qb - h0))
            return r0 + k, h0 + k
        nxt = next((o for o in ops[n + 1 :] if o[0] == "equal"), None)
        return (nxt[1], nxt[3]) if nxt else (r1, h1)
    return (ops[-1][2], ops[-1][4]) if ops else (0, 0)
