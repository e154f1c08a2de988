"""A signature block's title line read through a seal, set right to the form it was printed in.

A black seal over the title garbles it without hiding it: "KT:-BÕỘ2YRƯỞNG", "TM. ỦY BAN
ÂN ÂN", "“TM BARNHƯỜNG VỤ", "T.C ữ TỊCH". A title line takes few forms (Decree
30/2020 on administrative documents): "TM." and a collective body, "KT.", "TL.", "TUQ."
or "Q." and a position, or the position alone (with PHÓ before it for a deputy). The
line's letters, folded, are matched against each form, junk the seal added before the
title left out, and a line a few letters away from exactly one form is given as that
form. A line no form is near is left as read: no title is made up where none is printed.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from pipeline.anatomy import SIGNER_TITLES, letters
from pipeline.vietnamese import fold_key

#: Collective bodies a "TM." line signs for (the body itself, as a whole, is the signer).
COLLECTIVE_BODIES = (
    "CHÍNH PHỦ",
    "ỦY BAN NHÂN DÂN",
    "HỘI ĐỒNG NHÂN DÂN",
    "THƯỜNG TRỰC HỘI ĐỒNG NHÂN DÂN",
    "ỦY BAN THƯỜNG VỤ QUỐC HỘI",
    "BAN THƯỜNG VỤ",
    "BAN CHẤP HÀNH",
    "BAN CÁN SỰ ĐẢNG",
    "ĐẢNG ĐOÀN",
    "ĐẢNG ỦY",
    "HỘI ĐỒNG QUẢN TRỊ",
    "HỘI ĐỒNG THÀNH VIÊN",
    "BAN CHỈ ĐẠO",
    "HỘI ĐỒNG",
)
#: Markers of who signs for whom, as printed before a position ("KT. BỘ TRƯỞNG").
POSITION_MARKERS = ("KT.", "TL.", "TUQ.", "Q.")
#: The marker before a collective body.
COLLECTIVE_MARKER = "TM."
#: A marker printed with a slash (Party documents: "T/M BAN THƯỜNG VỤ", "K/T BÍ THƯ").
_SLASHED = re.compile(r"^[^A-Za-z]*([TK])\s*/\s*([MTL]|UQ)\b")
_MARKERS = frozenset((*POSITION_MARKERS, COLLECTIVE_MARKER))
#: What a letter read before the title costs against an edit: junk a seal adds there is
#: common, but a garbled marker ("KE=-CỤC TRƯỞNG") is nearer than junk before a position.
JUNK = 0.6
#: Letters outside the title, against the form's: a line mostly of other words is no title.
MAX_JUNK = 0.5
#: Share of a form's letters that may be misread, added or lost (seal ink, lost marks).
MAX_ERRORS = 0.25


#: Who signs for (KT.) an authority: its deputy. BỘ TRƯỞNG's is THỨ TRƯỞNG; the others
#: are the title with PHÓ before it.
DEPUTY = {"BỘ TRƯỞNG": "THỨ TRƯỞNG"}


def _forms() -> tuple[str, ...]:
    positions = [p for t in SIGNER_TITLES for p in (t, f"PHÓ {t}")]
    heads = [t for t in SIGNER_TITLES if t not in DEPUTY.values()]  # a deputy signs for one
    return (
        *(f"{COLLECTIVE_MARKER} {b}" for b in COLLECTIVE_BODIES),
        *(f"{m} {p}" for m in POSITION_MARKERS for p in heads),
        *positions,
    )


def _key(text: str) -> str:
    """The folded letters of ``text``, nothing else (spaces, dots, specks left out)."""
    return fold_key(letters(text))


#: Every form a title line takes, with its folded letters.
_FORMS = tuple((form, _key(form)) for form in _forms())


def _cost(read: str, form: str) -> tuple[int, int, int]:
    """(edits, junk, start): the stretch of ``read`` nearest to ``form``, with the fewest edits
    turning it into ``form`` and the letters of ``read`` outside it (a seal's junk round
    the title: costed at JUNK each, not as edits)."""
    n = len(read)
    prev = list(range(len(form) + 1))  # form[:i] against nothing read
    starts = [0] * (len(form) + 1)
    best = (prev[-1] + JUNK * n, prev[-1], n, 0)
    for j, c in enumerate(read, 1):
        cur, cur_starts = [0], [j]  # a stretch may start after any letter
        for i, f in enumerate(form, 1):
            cost, start = min(
                (prev[i - 1] + (f != c), starts[i - 1]),
                (prev[i] + 1, starts[i]),  # a letter read that the form has not
                (cur[i - 1] + 1, cur_starts[i - 1]),  # a letter of the form not read
            )
            cur.append(cost)
            cur_starts.append(start)
        prev, starts = cur, cur_starts
        junk = starts[-1] + n - j
        if prev[-1] + JUNK * junk < best[0]:
            best = (prev[-1] + JUNK * junk, prev[-1], junk, starts[-1])
    return best[1], best[2], best[3]


@lru_cache(maxsize=1024)
def title_form(text: str) -> str:
    """The known title form ``text`` reads as, or "" when no single form is near it."""
    read = _key(text)
    if not read or not _mostly_upper(text):
        return ""
    have = Counter(read)
    scored = []
    for form, key in _FORMS:
        marker = form.split()[0] in _MARKERS
        if marker and key[0] not in read:
            continue  # a marker is never added where none of it was read
        limit = MAX_ERRORS * len(key)
        if sum((Counter(key) - have).values()) > limit:
            continue  # letters of the form missing from the line: more edits than allowed
        edits, junk, start = _cost(read, key)
        if edits > limit or junk > MAX_JUNK * len(key) or marker and read[start] != key[0]:
            continue  # (a marker's first letter is read, not added)
        scored.append((edits + JUNK * junk, -len(key), form))
    if not scored:
        return ""
    scored.sort()
    cost, length, form = scored[0]
    if any((c, n) == (cost, length) and f != form for c, n, f in scored[1:]):
        return ""  # two forms as near: not guessed
    return form


def repair_title(text: str) -> str:
    """``text`` as the known title form it was printed in. A line that holds the form as
    printed keeps what follows it ("GIÁM ĐỐC SỞ") and loses only the specks before it
    ("=KT. BỘ TRƯỞNG"); letters before it stay, for the closing to weigh ("F NG CHỦ
    NHIỆM"). A line no single form is near is left as read."""
    form = title_form(text)
    if not form:
        return text
    line = " ".join(text.split())
    at = line.find(form)
    if at >= 0:
        return text if letters(line[:at]) else line[at:]
    return _slashed(text, form)


def _mostly_upper(text: str) -> bool:
    """Whether most of ``text``'s letters are capitals (a title line, not body text)."""
    core = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in core) >= 0.7 * len(core)


def _slashed(text: str, form: str) -> str:
    """``form`` with its marker printed as read with a slash ("T/M"), when it was."""
    m = _SLASHED.match(text)
    marker = form.split()[0]
    if m and marker.endswith(".") and fold_key(m.group(1) + m.group(2)) == fold_key(marker[:-1]):
        return f"{m.group(1)}/{m.group(2)} {form.split(' ', 1)[1]}"
    return form
