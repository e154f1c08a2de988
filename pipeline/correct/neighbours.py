"""Rules decided by a token's neighbours, run around the search.

Date words between numbers ("ngày 12 thắng 3" -> "tháng"), list numbers and letters read
wrong ("1," -> "1." opening a line, "ø)" between "e)" and "h)"), a comma ending the line
before a list item, a number read as letters where only a number can stand ("khoản I
Điều 5", "tháng I1" -> 1, 11; "Chương I" stays), capitals read in pieces ("GI ÁO DỤC"),
and capitals the OCR put inside a sentence ("lĩnh Vực" -> "lĩnh vực", "Luật TỔ chức" ->
"Luật Tổ chức").
"""

from __future__ import annotations

import re

from pipeline.anatomy import RECIPIENTS_START
from pipeline.channel import obs_key
from pipeline.correct.config import CorrectConfig
from pipeline.correct.tokens import (
    JOIN,
    LIST_LETTER,
    SENT_END,
    Kind,
    Token,
    match_case,
    starts_marker,
)
from pipeline.lexicon import Lexicon
from pipeline.vietnamese import fold_key, strip_marks

_LIST_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2})*$")  # "1", "2.3": a list item number
_DAY = re.compile(r"^(?:0?[1-9]|[12]\d|3[01])$")
_MONTH = re.compile(r"^(?:0?[1-9]|1[0-2])$")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_MARKER_LETTERS = "abcdđeghiklmnopqrstuvxy"  # Vietnamese list letters, in order
_DIGIT_LOOKALIKE = ("035689", "147")  # digits OCR takes for one another
#: Words always followed by an Arabic number, and the numbers they take.
_NUMBER_SLOTS = {"khoản": (1, 999), "điều": (1, 9999), "tháng": (1, 12), "ngày": (1, 31)}
_DIGITISH = re.compile(r"^[0-9Il|ÌÍÏỈĨ§Tó]{1,4}$")
#: What a 1 or an 8 is read as in such a slot ("khoản Ï", "Điều §6", "ngày 0T").
_SLOT_DIGITS = str.maketrans({**dict.fromkeys("Il|ÌÍÏỈĨT", "1"), "§": "8", "ó": "6"})
_ROMAN_LOOK = frozenset("IVXl|ÌÍÏỈĨ")  # "Điều II", "Điều Il": Roman, not a number
_GLUED_LETTER = re.compile(r"^(\d{1,2})(?![Il])[^\W\d_]$")  # I, l: read as 1 instead
#: Most pieces a letter-spaced syllable is read in ("N G H I Ê N G").
_MAX_PIECES = 7
_ROMAN_AFTER = frozenset(("CHƯƠNG", "MỤC", "PHẦN", "ĐIỀU"))
_CASE_SHAPED = frozenset("cosuvwxz")  # letters whose capital is their small form, larger
_AND = frozenset(("và", "hoặc", "va", "hoac"))  # between list letters: "d và đ"
TITLE_WORDS = frozenset(("Điều", "Chương", "Mục", "Phần", "Phụ"))


def marker_fix(lines: list[list[Token]]) -> None:
    """A list letter the OCR misread ("ø)" for "g)", "8)" for "a)") from its neighbours.

    The first token of a line that reads like a list marker ("X)" with one character
    that is no list letter) between the items "f)" and "h)" is "g)"; before "b)" with
    no item before it, "a)"; a "d)" after "d)" is "đ)". Then the list numbers (:func:`_number_fix`).
    """
    marks: list[tuple[int, str]] = []  # (line, marker character) of the lines that have one
    for i, toks in enumerate(lines):
        if toks and toks[0].trail.startswith(")") and len(toks[0].core) == 1 and not toks[0].lead:
            marks.append((i, toks[0].core))
    for k, (i, ch) in enumerate(marks):
        prev = marks[k - 1][1] if k else None
        nxt = marks[k + 1][1] if k + 1 < len(marks) else None
        if ch == "d" and prev == "d" and nxt in (None, "e"):
            # "đ)" read without its stroke (mark-less OCR, stripped text): a second "d)"
            t = lines[i][0]
            t.new, t.kind, t.reason = "đ", Kind.FIXED, LIST_LETTER
            continue
        if ch in _MARKER_LETTERS:
            continue
        if nxt is None or nxt not in _MARKER_LETTERS[1:]:
            continue
        want = _MARKER_LETTERS[_MARKER_LETTERS.index(nxt) - 1]
        if prev is None and want != "a":
            continue
        if prev is not None and (
            prev not in _MARKER_LETTERS
            or _MARKER_LETTERS.index(prev) + 1 != _MARKER_LETTERS.index(want)
        ):
            continue
        t = lines[i][0]
        t.new, t.kind, t.reason = want, Kind.FIXED, LIST_LETTER
    _number_fix(lines)


def _number_fix(lines: list[list[Token]]) -> None:
    """A list number the OCR misread ("9." between "4." and "6." is "5.").

    Only the first token of a line ("N." with one to two digits) is looked at, and
    only a look-alike digit is replaced (a list that restarts at "1." stays).
    """
    nums: list[tuple[int, int]] = []  # (line, number) of the lines that open with "N."
    for i, toks in enumerate(lines):
        t = toks[0] if toks else None
        if t and not t.lead and t.trail.startswith(".") and t.core.isdigit() and len(t.core) <= 2:
            nums.append((i, int(t.core)))
    for k in range(1, len(nums) - 1):
        (_, p), (i, n), (_, q) = nums[k - 1], nums[k], nums[k + 1]
        if q != p + 2 or n == p + 1:
            continue
        a, b = str(n), str(p + 1)
        if len(a) != len(b):
            continue
        diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
        if len(diff) == 1 and any(diff[0][0] in g and diff[0][1] in g for g in _DIGIT_LOOKALIKE):
            t = lines[i][0]
            t.new, t.kind, t.reason = b, Kind.FIXED, "list number"


def list_end_fix(lines: list[list[Token]]) -> None:
    """A line before a list item ("2.", "d)", "-") that ends in a comma ends in its stop,
    where the document's own list says so.

    Legal text ends such a line with "." or ";" (comma in 26 of 49,000 in the corpus):
    the comma is the OCR's, and the stop is the one the same list's earlier items end
    with. Only then: a list whose items end with commas (a recipient list set that way),
    or one with no item ended yet, keeps its commas; "Nơi nhận" starts a list afresh.
    """
    stops: dict[str, str] = {}  # list kind -> the stop its items end with
    commas: set[str] = set()  # list kinds whose items end with a comma here
    current = ""
    for i in range(len(lines) - 1):
        toks, nxt = lines[i], lines[i + 1]
        if toks and RECIPIENTS_START.match(fold_key(" ".join(t.core for t in toks[:2]))):
            stops.clear()
            commas.clear()
            current = ""
        if toks and starts_marker(toks):
            current = _list_kind(toks[0])
        if not toks or not nxt or not starts_marker(nxt):
            continue
        last = toks[-1]
        trail = last.trail if last.new_trail is None else last.new_trail
        if trail.endswith((".", ";")) and current:
            stops[current] = trail[-1]
        elif trail == "," and last.core and last.core[-1].isalnum() and current:
            stop = stops.get(current)
            if stop is None or current in commas or _list_kind(nxt[0]) != current:
                commas.add(current)
                continue
            last.new_trail = stop
            if last.new is None:
                last.new, last.reason = last.core, "list end"


def _list_kind(first: Token) -> str:
    """The kind of list a line's marker opens: "-", "+", "1." or "a)"."""
    text = first.lead + first.core + first.trail
    if text[:1] in "-–—•+*":
        return "+" if text[:1] == "+" else "-"
    if first.core[:1].isdigit():
        return "1."
    return "a)" if first.trail.startswith(")") else "I."


def context_fix(toks: list[Token]) -> None:
    """Rewrites decided by the neighbours: date words and list numbers.

    * ``ngày 12 thắng 3 năm 2020``: between a day and a month number, after "ngày" or
      before "năm", the word that folds to "thang" is "tháng"; before "N tháng" a "ngay"
      is "ngày"; after "tháng N" and before a year a "nam" is "năm" (the OCR often
      mistakes their tones);
    * ``1, Yêu cầu`` at the start of a line: a list number read with a comma for its
      full stop (legal text never opens a line with "1, " and a capital).
    """
    if not toks:
        return
    first = toks[0]
    if (
        first.new is None
        and first.kind == Kind.FIXED
        and first.trail == ","
        and first.lead in ("", "“", '"', "(")
        and _LIST_NUMBER.match(first.core)
        and len(toks) > 1
        and not toks[1].lead
        and toks[1].core[:1].isupper()
        and toks[1].core.isalpha()
    ):
        first.new, first.new_trail, first.reason = first.core, ".", "list number"
    _d_after_d(toks)
    date_fix(toks)


def _d_after_d(toks: list[Token]) -> None:
    """The letter after "d" in a run of list letters is "đ" read without its stroke
    ("các điểm a, b, c, d và d"): a list never names "d" twice."""
    for k in range(1, len(toks)):
        t = toks[k]
        if t.core != "d" or t.new is not None or t.lead:
            continue
        j = k - 1
        if toks[j].core in _AND and not toks[j].trail and j:
            j -= 1
        elif toks[j].trail != ",":
            continue
        if toks[j].core == "d" and not toks[j].lead and toks[j].trail in ("", ","):
            t.new, t.kind, t.reason = "đ", Kind.FIXED, LIST_LETTER


def date_fix(toks: list[Token]) -> None:
    """The date words of :func:`context_fix` in a run of tokens (a line, or the end of
    one line and the start of the next: "ngày 11 thắng" / "3 năm 2009")."""
    digits = [k for k, t in enumerate(toks) if t.core[:1].isdigit() and not t.lead]
    if not digits:
        return  # every date rule needs a number next to the word
    n = len(toks)
    near = {k + d for k in digits for d in (-1, 1)}

    def core(i: int) -> str:
        return toks[i].core if 0 <= i < n and not toks[i].lead else ""

    def folds(i: int, key: str) -> bool:
        return 0 <= i < n and obs_key(toks[i].core) == key

    def bare(i: int) -> bool:  # no punctuation between this token and the next
        return 0 <= i < n and not toks[i].trail

    for k in sorted(near):
        if not 0 <= k < n:
            continue
        t = toks[k]
        if t.new is not None or t.kind != Kind.WORD:
            continue
        key = obs_key(t.core)
        word = None
        if (
            key == "thang"
            and _DAY.match(core(k - 1))
            and bare(k - 1)
            and bare(k)
            and _MONTH.match(core(k + 1))
            and (folds(k - 2, "ngay") or folds(k + 2, "nam"))
        ):
            word = "tháng"
        elif key == "ngay" and bare(k) and _DAY.match(core(k + 1)) and folds(k + 2, "thang"):
            word = "ngày"
        elif (
            key == "nam"
            and bare(k)
            and _MONTH.match(core(k - 1))
            and folds(k - 2, "thang")
            and _YEAR.match(core(k + 1))
        ):
            word = "năm"
        if word is not None:
            new = match_case(t.core, word)
            t.kind = Kind.FIXED
            if new != t.core:
                t.new, t.reason = new, "date"


def fits_slot(prev: Token, number: str) -> bool:
    """False when ``number`` follows a word it cannot be the number of ("ngày 41")."""
    word = prev.core.lower() if prev.new is None else prev.new.lower()
    span = _NUMBER_SLOTS.get(word)
    return (
        span is None
        or prev.trail != ""
        or not number.isdigit()
        or span[0] <= int(number) <= span[1]
    )


def number_slot_fix(toks: list[Token]) -> None:
    """A number read as letters where only a number can stand: "khoản I Điều 192",
    "tháng I1 năm 2016", "Điều l." -> 1, 11 (I, l and | for the digit 1).

    After "khoản", "Điều", "tháng" and "ngày" legal text writes Arabic numbers, never
    Roman ones ("Chương I", "Mục I", "Phần I" are not touched). The repaired number must
    fit the word (a month 1-12, a day 1-31); a token of Roman capitals only ("II") is
    repaired after "tháng" and "ngày" only, where a Roman number cannot stand; so is a
    day or month with a letter stuck to it ("ngày 06G tháng 5").
    """
    for k in range(1, len(toks)):
        t, prev = toks[k], toks[k - 1]
        if t.lead or prev.trail or t.new is not None:
            continue
        word = prev.core.lower() if prev.new is None else prev.new.lower()
        span = _NUMBER_SLOTS.get(word)
        if span is None or t.core.isdigit():
            continue
        glued = _GLUED_LETTER.match(t.core)
        if glued and word in ("ngày", "tháng") and span[0] <= int(glued[1]) <= span[1]:
            # a day or month never takes a letter ("Điều 198a" does): a speck read as one
            t.new, t.kind, t.reason = glued[1], Kind.FIXED, "number"
            continue
        if not _DIGITISH.match(t.core):
            continue
        if word in ("khoản", "điều") and len(t.core) > 1 and set(t.core) <= _ROMAN_LOOK:
            continue  # "Điều II" of a treaty: a Roman number
        if "T" in t.core and not any(c.isdigit() for c in t.core):
            continue  # a T is a 1 only beside a digit ("0T")
        number = t.core.translate(_SLOT_DIGITS)
        if not span[0] <= int(number) <= span[1]:
            continue
        t.new, t.kind, t.reason = number, Kind.FIXED, "number"


# ---------------------------------------------------------------------------- join


def _piece(toks: list[Token], i: int) -> bool:
    """Can ``toks[i]`` be a piece of a letter-spaced capital syllable?"""
    t = toks[i]
    ok = t.core.isalpha() and t.core.isupper() and len(t.core) <= 4 and t.new is None
    return ok and not t.lead and (i == 0 or not toks[i - 1].trail)


def _best_join(toks: list[Token], i: int, end: int, lex: Lexicon) -> tuple[int, str] | None:
    """The longest run ``toks[i:j]`` (``j <= end``) worth joining, and its syllable."""
    n = len(toks)

    def syllable(text: str) -> bool:
        return lex.is_syllable(text.lower())

    def word(a: str, b: str) -> bool:
        return lex.is_word((a.lower(), b.lower()))

    for j in range(end, i + 1, -1):  # toks[i:j] joined, longest first
        cores = [t.core for t in toks[i:j]]
        joined = "".join(cores)
        if not syllable(joined):
            continue
        if not all(syllable(c) for c in cores):
            return j, joined
        prev = toks[i - 1].core if i > 0 else ""
        nxt = toks[j].core if j < n else ""
        makes_word = (prev.isalpha() and word(prev, joined)) or (
            nxt.isalpha() and word(joined, nxt)
        )
        pieces_do = (
            any(word(a, b) for a, b in zip(cores, cores[1:], strict=False))
            or (prev and word(prev, cores[0]))
            or (nxt and word(cores[-1], nxt))
        )
        if makes_word and not pieces_do:
            return j, joined
    return None


def join_spaced(toks: list[Token], lex: Lexicon) -> None:
    """Syllables of capitals read in pieces: "V À", "T ẠO", "K Ế H O Ạ C H", "GI ÁO DỤC".

    Letter-spaced titles, or a scan that spreads a heading, make Tesseract cut a word
    at its letters. Adjacent capital pieces (no punctuation between them) are joined when
    together they spell a known syllable and a piece is no syllable by itself ("V",
    "T"), or when the joined syllable makes a word with its neighbour and the pieces do
    not ("GI ÁO DỤC": giáo dục). Longest first, left to right. The first piece takes the
    syllable, the others become empty (``joined``). A Roman number after Chương, Mục,
    Phần or Điều is left alone.
    """
    n = len(toks)
    spans: list[tuple[int, int, str]] = []
    i = 0
    while i < n - 1:
        after_title = i > 0 and toks[i - 1].core.upper() in _ROMAN_AFTER
        if not _piece(toks, i) or after_title:
            i += 1
            continue
        end = i + 1
        while end < n and end - i < _MAX_PIECES and _piece(toks, end) and not toks[end - 1].trail:
            end += 1
        found = _best_join(toks, i, end, lex)
        if found is None:
            i += 1
            continue
        j, joined = found
        spans.append((i, j, joined))
        i = j
    for i, j, joined in _spelled_rows_only(toks, spans):
        first, last = toks[i], toks[j - 1]
        first.new, first.kind, first.reason = joined, Kind.FIXED, JOIN
        first.new_trail, last.new_trail = last.trail, ""
        for t in toks[i + 1 : j]:
            t.new, t.kind, t.joined, t.reason = "", Kind.FIXED, True, JOIN


def _spelled_rows_only(
    toks: list[Token], spans: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """``spans`` without those in a row of single letters that is no word spelt out.

    A row of single letters is a word spelt out only if every letter finds its syllable
    ("K Ế H O Ạ C H"); a list of labels ("E D C B A") is not.
    """
    n = len(toks)
    covered = {k for i, j, _ in spans for k in range(i, j)}
    single = [len(t.core) == 1 and _piece(toks, k) for k, t in enumerate(toks)]
    k = 0
    while k < n:
        if not single[k]:
            k += 1
            continue
        run = range(k, next((m for m in range(k, n) if not single[m]), n))
        if len(run) > 1 and not all(m in covered for m in run):
            spans = [sp for sp in spans if not (run.start <= sp[0] < run.stop)]
        k = run.stop
    return spans


# ---------------------------------------------------------------------------- case


def _text(t: Token) -> str:
    return t.core if t.new is None else t.new


def _set_case(t: Token, new: str) -> None:
    if t.new is None:
        t.reason = "case"
    t.new = new


def fix_case(toks: list[Token], runs_on: set[int], lex: Lexicon, cfg: CorrectConfig) -> None:
    """Small letters for a word the OCR capitalised inside a sentence.

    ``toks`` run through a block, line after line. After a small-letter word with no
    punctuation after it, a word is put in small letters when

    * it mixes cases inside ("SaO", "tiẾp");
    * it is a syllable in capitals ("đơn VỊ thuộc"), the last word of the block or
      followed by a small-letter word;
    * it is capitalised with a letter whose capital only differs in size (c o s u v w x
      z: "lĩnh Vực", "đơn Vị"), is followed by a small-letter word, and the corpus
      capitalises it there less than ``case_rate`` of the time ("Chính phủ" stays).

    The first word of a line may open a sentence, so only its inner case is fixed,
    unless its line runs on from a full line of body text (the ids in ``runs_on``);
    even then a capitalised first word stays ("Xét đề nghị" after a lost ";"), unless
    it ends a word begun on the line before ("lĩnh" / "Vực", "đơn" / "Vị") and is a
    size-only capital the corpus rarely capitalises there.

    A syllable in capitals between a capitalised word and a small-letter one is a
    capitalised word read with a tall mark ("Luật TỔ chức" -> "Luật Tổ chức"), or
    a small one when the word before opens the sentence ("Một SỐ trường" -> "Một số");
    after a comma or semicolon it is a small one ("khẩu; SỐ tiền" -> "số").
    """
    for k in range(1, len(toks)):
        t = toks[k]
        word = _text(t)
        if word.islower() or t.kind == Kind.FIXED or t.lead or len(word) < 2 or not word.isalpha():
            continue
        prev = toks[k - 1]
        before = _text(prev)
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        after = "" if nxt is None or nxt.kind == Kind.FIXED else _text(nxt)
        new = _tall_capital(toks, k, word, before, after, lex)
        if new is not None:
            _set_case(t, new)
            continue
        if prev.trail or prev.kind == Kind.FIXED or not (before.isalpha() and before.islower()):
            continue
        new = _after_small_word(t, word, before, after, nxt is None, id(t) in runs_on, lex, cfg)
        if new is not None:
            _set_case(t, new)


def _tall_capital(
    toks: list[Token], k: int, word: str, before: str, after: str, lex: Lexicon
) -> str | None:
    """The case of a syllable in capitals after a word and before a small-letter one
    (see :func:`fix_case`); None when it is not one or stays as it is."""
    t, prev = toks[k], toks[k - 1]
    small_after = after.isalpha() and after.islower() and not t.trail
    if not (
        t.index
        and small_after
        and word.isupper()
        and prev.kind != Kind.FIXED
        and before.isalpha()
        and lex.is_syllable(word)
    ):
        return None
    if prev.trail in (",", ";"):
        new = word.lower()
    elif not prev.trail and before[0].isupper() and (len(before) == 1 or before[1:].islower()):
        opens = k < 2 or bool(SENT_END.search(toks[k - 2].trail))
        new = word.lower() if opens else word[0] + word[1:].lower()
    else:
        new = word
    return new if new != word else None


def _after_small_word(
    t: Token,
    word: str,
    before: str,
    after: str,
    last: bool,
    runs_on: bool,
    lex: Lexicon,
    cfg: CorrectConfig,
) -> str | None:
    """The case of a word after a small-letter word (see :func:`fix_case`); None when it
    stays as it is."""
    rest = word[1:]
    mixed = any(ch.isupper() for ch in rest) and (
        any(ch.islower() for ch in rest) or word[0].islower()
    )
    small_after = after.isalpha() and after.islower()
    if t.index == 0 and not runs_on:
        new = word[0] + rest.lower() if mixed else word
    elif mixed:
        new = word.lower()
    elif word.isupper():
        ok = (small_after or last) and lex.is_syllable(word)
        new = word.lower() if ok else word
    elif strip_marks(word[0]).lower() in _CASE_SHAPED and (
        (small_after and t.index) or (t.index == 0 and lex.is_word((before, word)))
    ):
        rate = lex.capital_rate(word)
        new = word.lower() if rate is not None and rate < cfg.case_rate else word
    else:
        return None
    return new if new != word else None
