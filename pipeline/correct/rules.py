"""Guard rails of one token, and the gate of a block.

Numbers, dates, document codes, abbreviations, URLs, Roman numerals and list markers pass
through (their kind is ``fixed``); a few are rewritten first (Roman numerals with 1 for
I, Đ in abbreviations and codes, code segments one look-alike from a known one). The gate
decides how far a block's text is trusted (:class:`~pipeline.correct.config.Mode`) and
which channel table reads it (:class:`~pipeline.correct.config.Regime`).
"""

from __future__ import annotations

import re

from pipeline.correct.config import CorrectConfig, Mode, Regime
from pipeline.correct.context import Corrector
from pipeline.correct.digits import number_lookalike
from pipeline.correct.tokens import (
    ROMAN,
    ROMAN_NUMERAL,
    SLASH_MARKER,
    VIET_RE,
    Kind,
    Token,
    is_consonant_caps,
    kind_of,
)
from pipeline.lexicon import Lexicon

_ROMANISH = re.compile(r"^[IVX1l]*[IVX][IVX1l]*$")  # I11 -> III (digits one read for I)
#: A law code whose year runs into its type: the slash between them lost ("25/2026NQ-CP")
_LOST_SLASH = re.compile(r"^(\d{1,4}/(?:19|20)\d\d)(?=[A-ZĐ][A-ZĐa-z\d]*(?:-[A-ZĐ]|$))")
_UNIT_FOLD_MAX = 50  # "5 lit", "năm 2020 tai": a common syllable without its marks


def classify(t: Token, corr: Corrector, at_line_start: bool) -> None:
    """Set ``t.kind``; cached per (core, could it be a list marker) in the corrector."""
    marker = at_line_start and (t.trail.startswith(")") or bool(SLASH_MARKER.match(t.core)))
    key = (t.core, marker)
    kinds = corr.memo.kinds
    kind = kinds.get(key)
    if kind is None:
        kind = kind_of(t.core, corr.lex, marker)
        if kind != Kind.FIXED and corr.codes.compound(t.core):
            kind = Kind.FIXED  # official abbreviations run together: "TTgCP", "VPHU"
        kinds[key] = kind
    t.kind = kind


def rule_fix(t: Token, corr: Corrector, at_line_start: bool) -> None:
    """Guard-rail rewrites before decoding: digits read as letters inside numbers, Roman
    numerals with 1 for I, Đ in abbreviations, code segments."""
    core = t.core
    codes = corr.codes
    roman = at_line_start and t.trail.startswith(".") and bool(_ROMANISH.match(core))
    number = None if roman else number_lookalike(core)
    if number is not None:  # "1Ô" -> "10", "COVID-I9" -> "COVID-19"
        core = number
        t.new, t.kind, t.reason = number, Kind.FIXED, "digit"
    if t.kind == Kind.FIXED and ("Ð" in core or "ð" in core):
        # Icelandic eth (U+00D0) is drawn like Đ: Vietnamese has only Đ ("01a/ÐNHT")
        core = core.replace("Ð", "Đ").replace("ð", "đ")
        t.new, t.reason = core, "letter Đ"
    if at_line_start and t.trail.startswith(".") and _ROMANISH.match(core) and core != core.lower():
        fixed = core.replace("1", "I").replace("l", "I")
        if fixed != core and ROMAN.match(fixed):
            t.new, t.kind, t.reason = fixed, Kind.FIXED, ROMAN_NUMERAL
            return
    if core.isupper() and core.isascii() and core in codes.abbr_fold:
        t.new, t.kind, t.reason = codes.abbr_fold[core], Kind.FIXED, "abbreviation"
        return
    if (
        t.kind == Kind.WORD
        and len(core) >= 3
        and core.isupper()
        and not codes.known(core)
        and not corr.lex.is_syllable(core)
    ):
        # an abbreviation with a look-alike misread: TICP -> TTCP
        fixed = codes.fix(core)
        if fixed != core:
            t.new, t.kind, t.reason = fixed, Kind.FIXED, "abbreviation"
            return
    if t.kind == Kind.FIXED and ("-" in core or "/" in core) and "D" in core:
        # a document code read without Đ: 185/2026/ND-CP -> 185/2026/NĐ-CP
        parts = re.split(r"([-/])", core)
        fixed = "".join(
            codes.abbr_fold.get(p, p) if p.isupper() and p not in corr.lex.abbreviations else p
            for p in parts
            if p is not None
        )
        if fixed != core:
            t.new, t.reason = fixed, "abbreviation in code"
    lost = _LOST_SLASH.match(t.new or core) if t.kind == Kind.FIXED else None
    if lost:  # "25/2026NQ-CP": the slash after the year was lost
        t.new = lost[1] + "/" + (t.new or core)[lost.end(1) :]
        t.reason = (t.reason + ", " if t.reason else "") + "code slash"
    if t.kind == Kind.FIXED and ("-" in core or "/" in core):
        cur = t.new or core
        fixed = codes.repair_code(cur)
        if fixed != cur:
            t.new, t.reason = fixed, ("digit, " if t.reason == "digit" else "") + "code segment"


def after_number_or_code(t: Token, prev: Token, lex: Lexicon, line_start: bool) -> None:
    """Keep what follows a number or a broken code as written.

    * "4869/UBND- SYT": capitals after a code cut at its hyphen (also at the end of the
      line before) are the code's next segment (kept, like the code);
    * "0,25 Sv", "(25 rem)", "10 kW": a short Latin token right after a number that is no
      syllable is a unit (in the corpus such tokens are units and codes: mm, cc, kW, kg);
      it is kept where the text is read with marks (see
      :func:`pipeline.correct.choices.token_cands`), since mark-less OCR does turn
      syllables after numbers into such tokens; so does losing all marks now and then, so
      a token that is a common syllable without its marks ("lit" for "lít", "luat") is no
      unit.
    """
    if prev.trail or prev.kind != Kind.FIXED or t.lead:
        return
    core = t.core
    if prev.core.endswith("-") and "/" in prev.core and len(core) >= 2 and core.isupper():
        if core.isalpha():
            t.kind = Kind.FIXED
        return
    if (
        not line_start
        and prev.core[:1].isdigit()
        and len(core) <= 4
        and core.isascii()
        and core.isalpha()
        and not lex.is_syllable(core)
        and all(lex.count(s) < _UNIT_FOLD_MAX for s in lex.candidates(core))
    ):
        t.unit = True


def gate(toks: list[Token], lex: Lexicon, cfg: CorrectConfig) -> tuple[Mode, Regime]:
    """(mode, regime) of one block: ``restore``/``good``/``repair`` and the channel table."""
    words = [t for t in toks if t.kind in (Kind.WORD, Kind.GARBLED)]
    if any(not t.core.isascii() for t in words):
        # in marked text, vowel-less capitals are abbreviations (HS, GV): no evidence either way
        words = [t for t in words if not is_consonant_caps(t.core)]
    if not words:
        return Mode.GOOD, Regime.VIE
    n = len(words)
    non_ascii = sum(not t.core.isascii() for t in words)
    viet = sum(bool(VIET_RE.search(t.core.lower())) for t in words)
    if non_ascii == 0:
        keyed = sum(t.kind == Kind.WORD and bool(lex.candidates(t.core)) for t in words)
        if keyed >= cfg.restore_keys * n:
            return Mode.RESTORE, Regime.MARKLESS
        return Mode.REPAIR, Regime.MARKLESS
    valid = sum(t.kind == Kind.WORD and lex.is_syllable(t.core) for t in words)
    if valid >= cfg.gate_valid * n and viet >= cfg.gate_marked * n:
        return Mode.GOOD, Regime.VIE
    return Mode.REPAIR, (Regime.VIE if viet >= 0.15 * n else Regime.MARKLESS)
