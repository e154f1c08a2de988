"""One page's lines through the guard rails, the gate, the search and the case rules."""

from __future__ import annotations

import re
import sys

from pipeline.channel import obs_key
from pipeline.correct.cache import free_spans, page_bonus, window
from pipeline.correct.candidates import Cands, tone_drop_cost
from pipeline.correct.choices import (
    TONES_ONLY,
    caps_doubt,
    caps_marks,
    doubt,
    fixed_cands,
    term_cands,
    token_cands,
    word_cands,
)
from pipeline.correct.config import Mode, Regime
from pipeline.correct.context import Corrector
from pipeline.correct.decode import decode_all
from pipeline.correct.digits import keep_digits
from pipeline.correct.neighbours import (
    TITLE_WORDS,
    context_fix,
    date_fix,
    fits_slot,
    fix_case,
    join_spaced,
    list_end_fix,
    marker_fix,
    number_slot_fix,
)
from pipeline.correct.pieces import (
    code_pieces,
    fraction_slash,
    line_start_words,
    stray_letter,
    term_number,
)
from pipeline.correct.repeats import repeated_codes
from pipeline.correct.rules import after_number_or_code, classify, gate, rule_fix
from pipeline.correct.spelled import spelled_numbers
from pipeline.correct.tokens import (
    JOIN,
    NUMBERISH,
    ROMAN,
    SENT_END,
    Kind,
    Token,
    markless_line,
    match_case,
    starts_marker,
    tone_form,
)
from pipeline.lexicon import Lexicon

Sentence = list[tuple[Token, Cands]]
#: Words with a slash between them, kept as read: "định/công", "bền/vật"
_ALTERNATIVES = re.compile(r"^[^\W\d_]+(?:/[^\W\d_]+)+$")


def correct_lines(corr: Corrector, lines: list[list[Token]], blocks: list[int]) -> None:
    """Classify, gate, decode; fills ``new``/``reason`` on tokens that change.

    ``blocks``: the block number of each line (the gate judges a block at a time).
    """
    _guard_rails(corr, lines)
    by_block: dict[int, list[int]] = {}
    for i, b in enumerate(blocks):
        by_block.setdefault(b, []).append(i)
    heading = {}
    for toks in lines:
        ups = [ch.isupper() for t in toks if t.kind != Kind.FIXED for ch in t.core if ch.isalpha()]
        if toks:
            heading[toks[0].line] = len(ups) >= 6 and sum(ups) >= 0.9 * len(ups)
    pending = _sentences(corr, lines, list(by_block.values()))
    _decide(corr, pending, heading, lines)
    for idx in by_block.values():  # a block's lines run on: "hoặc" / "SaO lục"
        body = [i for i in idx if lines[i] and not heading[lines[i][0].line]]
        # a line after a full line of body text (not a numbered title) goes on with its
        # sentence; after a short or numbered line it may open a new one
        runs_on = {
            id(lines[i][0])
            for j, i in zip(body, body[1:], strict=False)
            if len(lines[j]) >= 6
            and not starts_marker(lines[j])
            and lines[j][0].core not in TITLE_WORDS
        }
        fix_case([t for i in body for t in lines[i]], runs_on, corr.lex, corr.config)
    keep_digits([t for toks in lines for t in toks], corr.lex)


def _guard_rails(corr: Corrector, lines: list[list[Token]]) -> None:
    """Kinds and the rules that run before the search, line by line, then across lines."""
    lex = corr.lex
    last: Token | None = None  # the token before, across line ends
    for toks in lines:
        line_start_words(toks)
        join_spaced(toks, lex)
        for k, t in enumerate(toks):
            if t.reason == JOIN:
                last = t
                continue
            classify(t, corr, k == 0)
            if last is not None and t.kind != Kind.FIXED:
                after_number_or_code(t, last, lex, k == 0)
            if t.kind != Kind.WORD or not t.core.isalpha() or k == 0 or t.core.isupper():
                rule_fix(t, corr, k == 0)
                fraction_slash(t)
                if t.reason == "digit" and k and not fits_slot(toks[k - 1], t.new or ""):
                    t.new, t.reason = None, ""  # "ngày 4l": no day 41, left for the reader
                    classify(t, corr, k == 0)
            last = t
        context_fix(toks)
        number_slot_fix(toks)
        code_pieces(toks)
        stray_letter(toks, lex)
        term_number(toks)
        spelled_numbers(toks)
    _repeated_capitals([t for toks in lines for t in toks], lex)
    for a, b in zip(lines, lines[1:], strict=False):  # a date broken over two lines
        if a and b:
            date_fix(a[-3:] + b[:3])
    list_end_fix(lines)
    marker_fix(lines)
    repeated_codes([t for toks in lines for t in toks])


def _repeated_capitals(toks: list[Token], lex: Lexicon) -> None:
    """Capitals that are no syllable with or without marks ("MRA"), read the same way
    twice or more on the page, are the document's abbreviation ("(MRA)" defined, then
    used): OCR seldom garbles a word the same way twice. They are kept."""
    seen: dict[str, list[Token]] = {}
    for t in toks:
        c = t.core
        if t.kind == Kind.WORD and t.new is None and len(c) >= 2 and c.isupper():
            seen.setdefault(c, []).append(t)
    for core, same in seen.items():
        if len(same) >= 2 and not lex.candidates(core.lower()):
            for t in same:
                t.kind = Kind.FIXED


def _sentences(
    corr: Corrector, lines: list[list[Token]], blocks: list[list[int]]
) -> list[Sentence]:
    """Every token with its candidates, cut into sentences (at full stops and list
    markers), block by block, each block read in the mode its gate gives."""
    cfg = corr.config
    every = [t for toks in lines for t in toks]
    page_gate = gate(every, corr.lex, cfg)
    drop = tone_drop_cost(corr.cands, every)
    pending: list[Sentence] = []
    for idx in blocks:
        toks = [t for i in idx for t in lines[i]]
        small = sum(t.kind != Kind.FIXED for t in toks) < cfg.gate_min_words
        # a block of a word or two ("công;" wrapped onto its own line) is no evidence of
        # its own: it is read like the page around it
        block_gate = page_gate if small else gate(toks, corr.lex, cfg)
        seq: Sentence = []
        after_heading = False
        for i in idx:
            if seq and lines[i] and (after_heading or _opens_sentence(lines[i])):
                pending.append(seq)
                seq = []
            after_heading = _lm_heading(lines[i])
            # a line typed without any mark in a marked block ("DANG BO TINH QUANG NGAI"
            # over body text) is stripped text: its marks are restored, letters kept
            mode, regime = (
                (Mode.RESTORE, Regime.MARKLESS)
                if block_gate[1] == Regime.VIE and markless_line(lines[i], corr.lex)
                else block_gate
            )
            capitals = _capital_line(lines[i])
            for k, t in enumerate(lines[i]):
                if capitals and mode == Mode.RESTORE and _folded_abbreviation(corr, t):
                    t.kind = Kind.WORD  # "THONG TU": in a capital line, the "TƯ" of "THÔNG TƯ"
                if t.kind == Kind.FIXED and "/" in t.core and _ALTERNATIVES.match(t.core):
                    # "định/công": the LM reads both words ("tài sản cố định", "công cụ")
                    seq.extend((t, fixed_cands(corr, w)) for w in t.core.split("/"))
                elif any(ch.isalnum() for ch in t.core):
                    # a token of punctuation only ("-" in "Độc lập - Tự do") is no word
                    # to the LM: its corpus drops such tokens, so it breaks no context
                    c = _position(corr, t, (mode, regime), drop, lines[i], k, capitals)
                    seq.append((t, c))
                if SENT_END.search(t.trail) and not NUMBERISH.match(t.core + t.trail):
                    pending.append(seq)
                    seq = []
        if seq:
            pending.append(seq)
    return pending


_TITLE_KEYS = frozenset(obs_key(w) for w in TITLE_WORDS)


def _opens_sentence(toks: list[Token]) -> bool:
    """Does a sentence start at this line, as the LM's corpus was cut
    (:func:`pipeline.lm.sentences`): a list marker, "Điều 5" ("Dieu 5" without marks,
    "Phần 1:"), a line of capitals?"""
    if not toks:
        return False
    if starts_marker(toks) or _lm_heading(toks):
        return True
    return (
        len(toks) > 1
        and not toks[0].lead
        and not toks[0].trail
        and obs_key(toks[0].core) in _TITLE_KEYS
        and bool(toks[1].core)
        and (toks[1].core[:1].isdigit() or bool(ROMAN.match(toks[1].core)))
    )


def _lm_heading(toks: list[Token]) -> bool:
    """A line the LM's corpus takes as a heading (a sentence of its own)."""
    line = " ".join(t.lead + t.core + t.trail for t in toks)
    return len(line) >= 4 and line.isupper()


def _capital_line(toks: list[Token]) -> bool:
    """Two or more words, every letter a capital ("THONG TU", "BO TU PHAP")."""
    words = [t.core for t in toks if any(ch.isalpha() for ch in t.core)]
    return len(words) >= 2 and all(w.isupper() for w in words)


def _folded_abbreviation(corr: Corrector, t: Token) -> bool:
    """An abbreviation as read that is also a syllable without its marks ("TU": Tỉnh
    ủy, or "tư"). In a mark-less line of capitals its capitals say nothing: the LM
    decides which it is."""
    return (
        t.kind == Kind.FIXED
        and t.new is None
        and t.core.isalpha()
        and corr.lex.is_abbreviation(t.core)
        and bool(corr.lex.candidates(t.core.lower()))
    )


def _position(
    corr: Corrector,
    t: Token,
    read: tuple[Mode, Regime],
    drop: float | None,
    line: list[Token],
    k: int,
    capitals: bool,
) -> Cands:
    """The candidates of the ``k``-th token of ``line`` read in ``read`` (mode, regime);
    ``capitals``: the line is a line of capitals (:func:`_capital_line`)."""
    mode, regime = read
    t.gate = sys.intern(f"{mode}/{regime}")  # one string, not one a token
    c = token_cands(corr, t, mode, regime, drop)
    if mode == Mode.GOOD and len(c.words) <= 1 + len(TONES_ONLY) and t.kind == Kind.WORD:
        c = word_cands(corr, t, c, line, k)
        c = term_cands(corr, t, c, line, k)
    if capitals and regime == Regime.VIE and mode != Mode.RESTORE and t.kind == Kind.WORD:
        c = caps_marks(corr, t, c)
    if t.conf is not None and regime == Regime.VIE and len(c.words) > 1:
        c = doubt(corr, t, c)
    if capitals and mode == Mode.GOOD and t.kind == Kind.WORD and len(c.words) > 1:
        c = caps_doubt(corr, t, c)
    return c


#: Signs mark-less OCR prints after a word for the horn or hook of its vowel ("cu?",
#: "tu’"), and the letters of a syllable that have a horn or a hook above
_SIGN_MARKS = frozenset("?’'")
_HOOKED = frozenset("ưứừửữựơớờởỡợảẩẳẻểỉỏổởủửỷ")


def _marks_read_tall(t: Token, new: str, lines: list[list[Token]]) -> bool:
    """A short word read in capitals only because its marked vowels stand as tall as
    capitals ("BO" for "Bộ", "CO" for "Có"), between words that are not in capitals."""
    if len(new) < 2 or len(t.core) != len(new) or not t.core.isupper() or len(new) > 4:
        return False
    if not all(ch != low for ch, low in zip(t.core[1:].lower(), new[1:].lower(), strict=True)):
        return False  # every capital after the first reads as a marked letter
    line = lines[t.line] if t.line < len(lines) else []
    around = [
        x.core for x in line if abs(x.index - t.index) == 1 and any(ch.isalpha() for ch in x.core)
    ]
    return bool(around) and not any(w.isupper() for w in around)


def _again_with_page_words(
    corr: Corrector, pending: list[Sentence], picks: list[list[int]], choose: list[int]
) -> None:
    """Search again, with the page's own words favoured (:mod:`.cache`), the stretches of
    the sentences where that could change a choice; ``picks`` is updated in place."""
    cfg = corr.config
    if cfg.cache_weight <= 0 or not choose:
        return
    sents = [[c for _, c in s] for s in pending]
    got = page_bonus(corr.lm, sents, picks, cfg.cache_weight, cfg.cache_share, cfg.cache_prior)
    parts = [
        (i, *window(sents[i], picks[i], got.bonus[i], span, corr.width))
        for i in choose
        for span in free_spans(got.again[i], len(sents[i]))
    ]
    found = decode_all(corr.lm, [w for _, _, w in parts], cfg.beam, corr.width)
    for (i, lo, w), got in zip(parts, found, strict=True):
        for k, (c, j) in enumerate(zip(w, got, strict=True)):
            if len(c.ids) > 1:
                picks[i][lo + k] = j


def _decide(
    corr: Corrector,
    pending: list[Sentence],
    heading: dict[int, bool],
    lines: list[list[Token]],
) -> None:
    """Search the sentences and write the chosen spellings into their tokens."""
    # nothing to search where every position has one candidate
    choose = [i for i, s in enumerate(pending) if any(len(c.words) > 1 for _, c in s)]
    picks = [[0] * len(s) for s in pending]
    found = decode_all(
        corr.lm, [[c for _, c in pending[i]] for i in choose], corr.config.beam, corr.width
    )
    for i, pick in zip(choose, found, strict=True):
        picks[i] = pick
    _again_with_page_words(corr, pending, picks, choose)
    style = corr.config.tone_style
    for sent, pick in zip(pending, picks, strict=True):
        for (t, c), j in zip(sent, pick, strict=True):
            if t.kind == Kind.FIXED or t.new is not None:
                continue
            word = c.words[j]
            low = t.core.lower()
            if word == low or tone_form(word, style) == tone_form(low, style):
                continue
            new = match_case(t.core, tone_form(word, style))
            if heading.get(t.line) and new[:1].isupper():
                new = new.upper()
            elif t.gate.endswith(Regime.MARKLESS) and _marks_read_tall(t, new, lines):
                new = new[0] + new[1:].lower()  # "1. BO Tu phap": Bộ
            if new != t.core:
                t.new = new
                t.score = round(float(c.cost[j]), 3)
                t.reason = t.gate
            if (
                t.gate.endswith(Regime.MARKLESS)
                and t.trail[:1] in _SIGN_MARKS
                and any(ch in _HOOKED for ch in word)
            ):
                t.new = t.new or t.core
                t.new_trail = t.trail[1:]  # "ct?" -> "cứ": the "?" was its horn
