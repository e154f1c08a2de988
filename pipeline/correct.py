"""Correction: restore Vietnamese marks and repair garbled OCR words (noisy channel).

Each OCR token is a noisy reading of a syllable. For every distinct token we list the
lexicon syllables it could be a reading of, each with a channel cost (pipeline.channel:
letters, tone and vowel marks, learned from aligned OCR), and a beam search over the
sentence picks the sequence that maximises LM score minus channel cost.

Guard rails run before decoding and are plain code here: numbers, dates, document codes,
abbreviations, URLs, Roman numerals and list markers pass through; punctuation, spacing,
line breaks and letter case are kept exactly; a per-block gate decides how far to trust
the text:

* ``restore``: the block has no marks at all but reads as Vietnamese once marked ("tang
  cuong cong tac"): only marks are put back, letters never change;
* ``good``: the block is already Vietnamese with marks, nearly every token a known
  syllable: only tokens that are no syllable are repaired;
* ``repair``: anything else (mark-less OCR, garbled Tesseract output): every word is
  decoded, with the channel table of the OCR kind the block looks like.

Typical use::

    lex, lm = load_lexicon(), load_lm()
    correct_text("thuc hién Chi thi so 28-CT/TW ciia B Chinh tri", lex, lm).text
"""

from __future__ import annotations

import argparse
import functools
import logging
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from pipeline.channel import (
    ChannelModel,
    ChannelTable,
    letter_key,
    load_channel,
    marks,
    obs_key,
)
from pipeline.document import Correction, Document, Step
from pipeline.errors import InputFileError, VnocrError
from pipeline.lexicon import Lexicon, load_lexicon
from pipeline.lm import BOS_ID, EOS_ID, NUM_ID, UNK_ID, LanguageModel, load_lm
from pipeline.vietnamese import ToneStyle, fold_key, nfc, place_tone

log = logging.getLogger(__name__)

VERSION = "1"

# ---------------------------------------------------------------------------- config/results


@dataclass(frozen=True, slots=True)
class CorrectConfig:
    """Settings of the correction stage (costs are log10 units, like the LM)."""

    beam: int = 8
    max_candidates: int = 16  # syllables per token kept for the search
    max_edit: int = 2  # letter edits between a token and its candidates
    channel_weight: float = 1.0  # weight of the channel cost against the LM
    keep_unknown: float = 4.0  # cost of leaving a token that is no syllable as it is
    oov_penalty: float = 1.0  # extra cost of a syllable the LM has never seen
    good_margin: float = 0.25  # extra cost of re-toning a known syllable in a good block
    keep_conf: float = 0.98  # never change a valid syllable the OCR read this surely
    gate_valid: float = 0.93  # share of known syllables above which a block is "good"
    gate_marked: float = 0.25  # ... provided this share of its words carries marks
    gate_min_words: int = 4  # smaller blocks take the gate of their whole page
    restore_keys: float = 0.9  # a mark-less block whose words fold to syllables this often
    tone_style: ToneStyle = ToneStyle.OLD  # how restored words place their tone

    def settings(self) -> dict[str, object]:
        """JSON-ready settings for the Document's processing step."""
        return {
            k: (v.value if isinstance(v, ToneStyle) else v)
            for k, v in ((f, getattr(self, f)) for f in self.__slots__)  # type: ignore[attr-defined]
        }


@dataclass(frozen=True, slots=True)
class CorrectionResult:
    """Corrected text and the list of changes (positions: page 0, line, word index)."""

    text: str
    corrections: tuple[Correction, ...]


# ---------------------------------------------------------------------------- token types

_LEAD = "\"'“”‘’([{«<*•·"
_TRAIL = "\"'“”‘’.,;:!?)]»>…"
_SENT_END = re.compile(r"[.!?;:]")
_URL = re.compile(
    r"^(?:[a-z]+://|www\.)|^[\w.+-]+@[\w-]+\.[\w.]+$|\.(?:vn|com|org|net|gov)\b", re.I
)
_NUMBERISH = re.compile(r"^[\d.,/:\-–%+]+[a-zđ]?$", re.I)
_ROMAN = re.compile(r"^M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
_ROMANISH = re.compile(r"^[IVX1l]*[IVX][IVX1l]*$")  # I11 -> III (digits one read for I)
_MARKER_LINE = re.compile(r"^\s*(?:[-–—•+*]|\(?\d+(?:\.\d+)*[.)]|\(?[a-zđ]\)|[IVXLC]+\.)\s")
_VIET_ONLY = frozenset("ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĩũ")
_GARBLE = frozenset("0134568@&$|{}()[]/\\!")


@dataclass(slots=True)
class _Tok:
    """One whitespace token of a line, split into punctuation around a core."""

    line: int
    index: int  # word index in its line
    start: int  # char offset of the core in the line
    lead: str
    core: str
    trail: str
    kind: str = "word"  # word | fixed | garbled
    conf: float | None = None
    new: str | None = None
    reason: str = ""
    score: float = 0.0


def _split(tok: str) -> tuple[str, str, str]:
    i, j = 0, len(tok)
    while i < j and tok[i] in _LEAD:
        i += 1
    while j > i and tok[j - 1] in _TRAIL:
        j -= 1
    return tok[:i], tok[i:j], tok[j:]


def _letters(s: str) -> str:
    return "".join(ch for ch in s if ch.isalpha())


def _classify(t: _Tok, corr: Corrector, at_line_start: bool) -> None:
    """Set ``t.kind``; cached per (core, could it be a list marker) in the corrector."""
    marker = at_line_start and t.trail.startswith(")")
    key = (t.core, marker)
    kind = corr._kinds.get(key)
    if kind is None:
        kind = corr._kinds[key] = _kind(t.core, corr.lex, marker)
    t.kind = kind


def _kind(core: str, lex: Lexicon, marker: bool) -> str:
    """word | fixed | garbled for a token core (``marker``: first in line, before ")")."""
    if not core or not any(ch.isalpha() for ch in core):
        return "fixed"
    if _URL.search(core) or "@" in core and "." in core:
        return "fixed"
    if _NUMBERISH.match(core) or core[0].isdigit():
        return "fixed"
    if lex.is_abbreviation(core) or lex.is_code(core):
        return "fixed"
    letters = _letters(core)
    if letters.isupper() and _ROMAN.match(core) and core.isalpha():
        return "fixed"  # Roman numerals (XXIV) and single capitals stay as written
    if marker and len(letters) == 1:
        return "fixed"  # list marker a) ... đ)
    if "-" in core or "/" in core:
        parts = [p for p in re.split(r"[-/]", core) if p]
        if any(p.isupper() and len(p) > 1 for p in parts) or any(ch.isdigit() for ch in core):
            return "fixed"  # a code we do not know (QĐ-UBND like): keep
    if core.isalpha():
        return "word"
    # letters mixed with digits or symbols: a garbled syllable (S6, t6, clr(rng, U}) when short
    if len(core) <= 8 and len(letters) >= 1 and all(ch.isalpha() or ch in _GARBLE for ch in core):
        return "garbled"
    return "fixed"


def _tokens_of_line(text: str, line_no: int) -> list[_Tok]:
    out = []
    for k, m in enumerate(re.finditer(r"\S+", text)):
        lead, core, trail = _split(m.group(0))
        out.append(_Tok(line_no, k, m.start() + len(lead), lead, core, trail))
    return out


# ---------------------------------------------------------------------------- case


@functools.lru_cache(maxsize=1 << 16)
def _match_case(orig: str, new: str) -> str:
    """Give ``new`` (lower case) the case pattern of the OCR token ``orig``."""
    letters = [ch for ch in orig if ch.isalpha()]
    if not letters:
        return new
    sure = [ch for ch in letters if ch not in "Il"]  # I/l: the misread pair of case
    upper = [ch.isupper() for ch in (sure or letters)]
    if len(letters) >= 2 and len(sure) >= 2 and sum(upper) >= 0.75 * len(upper) and upper[0]:
        return new.upper()  # DPANG, PiCH: a capital word with a misread letter
    if orig[0].isalpha() and orig[0].isupper() and orig[0] not in "Il":
        return new[:1].upper() + new[1:]
    if orig[0] == "I" and not (sure and all(upper)) and not new.startswith("i"):
        return new  # "I6p" -> "lớp": the capital I was a small l
    if orig[0].isupper() and all(upper):
        return new.upper() if len(letters) >= 2 else new[:1].upper() + new[1:]
    if orig[0].isupper():
        return new[:1].upper() + new[1:]
    return new


# ---------------------------------------------------------------------------- candidates


_PAD_SCORE = -1e9  # score of an empty beam slot (finite: no inf - inf)
_PAD_COST = 1e9  # channel cost of an empty candidate slot


@dataclass(frozen=True)
class _Cands:
    words: tuple[str, ...]  # lower-case candidate spellings
    ids: np.ndarray  # LM ids
    cost: np.ndarray  # channel cost (log10 units), lower is likelier
    pid: np.ndarray  # ids padded to the corrector's width (for the batched search)
    pcost: np.ndarray  # costs padded with _PAD_COST


def _cands(words: tuple[str, ...], ids: np.ndarray, cost: np.ndarray, width: int) -> _Cands:
    pid = np.zeros(width, dtype=np.int64)
    pid[: len(ids)] = ids
    pcost = np.full(width, _PAD_COST)
    pcost[: len(cost)] = cost
    return _Cands(words, ids, cost, pid, pcost)


@dataclass(frozen=True)
class _SyllableIndex:
    """The lexicon's syllables as arrays, grouped by fold key and by letter key.

    Channel costs split into a letter part (same for every tone of a letter key) and a
    tone part, so a token's candidates are scored per letter key, then per syllable in
    numpy.
    """

    syl_text: tuple[str, ...]
    syl_lk: np.ndarray  # syllable -> letter-key index
    syl_tone: np.ndarray  # syllable -> tone 0..5
    syl_prior: np.ndarray  # syllable -> Lexicon.logprior
    lk_text: tuple[str, ...]
    key_syls: tuple[np.ndarray, ...]  # fold key index -> its syllables (lexicon order)
    key_lks: tuple[tuple[int, ...], ...]  # fold key index -> its distinct letter keys

    @classmethod
    def build(cls, lex: Lexicon, keys: list[str]) -> _SyllableIndex:
        syl_text: list[str] = []
        syl_lk: list[int] = []
        syl_tone: list[int] = []
        syl_prior: list[float] = []
        lk_text: list[str] = []
        lk_index: dict[str, int] = {}
        key_syls, key_lks = [], []
        for k in keys:
            first = len(syl_text)
            mine: dict[int, None] = {}
            for s in lex.by_key[k]:
                lk = letter_key(s)
                j = lk_index.get(lk)
                if j is None:
                    j = lk_index[lk] = len(lk_text)
                    lk_text.append(lk)
                mine[j] = None
                syl_text.append(s)
                syl_lk.append(j)
                syl_tone.append(marks(s)[0])
                syl_prior.append(lex.logprior(s))
            key_syls.append(np.arange(first, len(syl_text)))
            key_lks.append(tuple(mine))
        return cls(
            tuple(syl_text),
            np.array(syl_lk, dtype=np.int64),
            np.array(syl_tone, dtype=np.int64),
            np.array(syl_prior),
            tuple(lk_text),
            tuple(key_syls),
            tuple(key_lks),
        )


class Corrector:
    """Loaded models plus per-token caches; one per process, reused across documents."""

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        lm: LanguageModel | None = None,
        channel: ChannelModel | None = None,
        config: CorrectConfig | None = None,
    ) -> None:
        self.lex = lexicon if lexicon is not None else load_lexicon()
        self.lm = lm if lm is not None else load_lm()
        self.channel = channel if channel is not None else load_channel()
        self.config = config or CorrectConfig()
        self._keys = list(self.lex.by_key)
        self._ix = _SyllableIndex.build(self.lex, self._keys)
        self._cache: dict[tuple[str, str], _Cands] = {}
        self._fixed: dict[str, _Cands] = {}
        self._kinds: dict[tuple[str, bool], str] = {}
        self.width = max(self.config.max_candidates, 1)  # candidates per position, padded
        self._abbr_fold = {}
        for a in self.lex.abbreviations:
            if a.isupper() and fold_key(a).upper() != a:
                self._abbr_fold.setdefault(strip_d(a), a)

    # -- candidates of one token
    def candidates(self, core: str, regime: str) -> _Cands:
        """Candidate syllables of a token under ``regime`` (restore | markless | vie)."""
        low = nfc(core).lower()
        key = (low, regime)
        got = self._cache.get(key)
        if got is None:
            got = self._candidates(low, regime)
            self._cache[key] = got
        return got

    def _lm_id(self, word: str) -> int:
        return self.lm.id(word)

    def _finish(
        self, scored: list[tuple[float, str]], keep: str | None, keep_cost: float
    ) -> _Cands:
        cfg = self.config
        best: dict[str, float] = {}
        for c, w in scored:
            if w not in best or c < best[w]:
                best[w] = c
        if keep is not None and keep not in best:
            best[keep] = keep_cost
        # keep the likeliest: channel cost, then how common the syllable is
        lex = self.lex
        items = sorted(best.items(), key=lambda kv: kv[1] - 0.5 * lex.logprior(kv[0]))
        items = items[: cfg.max_candidates]
        if keep is not None and keep not in dict(items):
            items[-1] = (keep, keep_cost)
        words = tuple(w for w, _ in items)
        ids = np.array([self._lm_id(w) for w in words], dtype=np.int64)
        cost = np.array([c for _, c in items], dtype=np.float64)
        cost = cost + np.where(ids == UNK_ID, cfg.oov_penalty, 0.0)
        if keep is not None:
            cost[words.index(keep)] = keep_cost  # the token as written: its own cost
        return _cands(words, ids, cost * cfg.channel_weight, self.width)

    def _candidates(self, low: str, regime: str) -> _Cands:
        lex, cfg = self.lex, self.config
        if regime == "restore":
            syl = lex.candidates(low) if low.isascii() and low.isalpha() else ()
            if not syl:
                return self._finish([], low, 0.0)
            # marks only: every spelling of the key is free; the LM decides
            return self._finish([(0.0, s) for s in syl], None, 0.0)
        if regime == "tone":
            # a known syllable in a good block: only its tone may be misread (tổ -> tố)
            table = self.channel["vie"]
            norm = lex.normalize(low)
            lk = letter_key(low)
            alts = [
                (table.cost(s, low) + cfg.good_margin, s)
                for s in lex.candidates(low)
                if s != norm and letter_key(s) == lk
            ]
            return self._finish(alts, norm, table.cost(norm, low))
        table: ChannelTable = self.channel[regime]
        ok = obs_key(low)
        limit = 1 if len(ok) <= 2 else cfg.max_edit
        near = process.extract(
            ok, self._keys, scorer=Levenshtein.distance, score_cutoff=limit, limit=None
        )
        scored = self._score_near([i for _k, _d, i in near], table, low)
        if lex.is_syllable(low):
            norm = lex.normalize(low)
            own = [c for c, s in scored if s == norm]
            return self._finish(scored, norm, own[0] if own else table.cost(norm, low))
        return self._finish(scored, low, cfg.keep_unknown)

    def _score_near(
        self, keys: list[int], table: ChannelTable, low: str
    ) -> list[tuple[float, str]]:
        """(channel cost, syllable) of the likeliest syllables of these fold keys.

        Costs are a letter cost per distinct letter key (the expensive part, a weighted
        alignment) plus a tone cost per syllable, gathered with numpy; only the
        ``max_candidates`` best by the order of :meth:`_finish` are returned, in
        lexicon order among ties, so the result equals scoring every syllable.
        """
        if not keys:
            return []
        ix = self._ix
        rk, rtone = letter_key(low), marks(low)[0]
        lks = [j for i in keys for j in ix.key_lks[i]]
        lcost = np.array([table.letter_cost(ix.lk_text[j], rk) for j in lks])
        pos = np.zeros(len(ix.lk_text), dtype=np.int64)
        pos[lks] = np.arange(len(lks))
        syl = np.concatenate([ix.key_syls[i] for i in keys])
        cost = lcost[pos[ix.syl_lk[syl]]] + table.tone_array[ix.syl_tone[syl], rtone]
        order = np.argsort(cost - 0.5 * ix.syl_prior[syl], kind="stable")
        order = order[: self.config.max_candidates]
        return [(float(cost[o]), ix.syl_text[syl[o]]) for o in order]


def strip_d(s: str) -> str:
    """Đ/đ read as D/d (what a mark-less OCR model prints)."""
    return s.replace("Đ", "D").replace("đ", "d")


# ---------------------------------------------------------------------------- gate


def _gate(toks: list[_Tok], lex: Lexicon, cfg: CorrectConfig) -> tuple[str, str]:
    """(mode, regime) of one block: ``restore``/``good``/``repair`` and the channel table."""
    words = [t for t in toks if t.kind in ("word", "garbled")]
    if not words:
        return "good", "vie"
    n = len(words)
    non_ascii = sum(not t.core.isascii() for t in words)
    viet = sum(any(ch in _VIET_ONLY for ch in t.core.lower()) for t in words)
    if non_ascii == 0:
        keyed = sum(t.kind == "word" and bool(lex.candidates(t.core)) for t in words)
        if keyed >= cfg.restore_keys * n:
            return "restore", "markless"
        return "repair", "markless"
    valid = sum(t.kind == "word" and lex.is_syllable(t.core) for t in words)
    if valid >= cfg.gate_valid * n and viet >= cfg.gate_marked * n:
        return "good", "vie"
    return "repair", ("vie" if viet >= 0.15 * n else "markless")


# ---------------------------------------------------------------------------- decoding


def _decode_all(corr: Corrector, sents: list[list[_Cands]]) -> list[list[int]]:
    """Beam search over many sentences in lockstep; the chosen candidate index per position.

    All sentences advance one position per step, so a step is one batch of numpy calls
    for the whole text rather than one per token (numpy's per-call overhead dominated).
    Sentences are sorted longest first: the ones still running at a step are a prefix.
    Each sentence keeps ``beam`` states; states that agree on the last two words are
    recombined (the trigram LM cannot tell them apart), keeping the best.
    """
    if not sents:
        return []
    lm, beam, width = corr.lm, corr.config.beam, corr.width
    order = sorted(range(len(sents)), key=lambda i: -len(sents[i]))
    lens = np.array([len(sents[i]) for i in order])
    n_sent, max_len = len(order), int(lens[0])
    # every position's padded candidates, and the table (sentence, step) -> row
    rows = [c for i in order for c in sents[i]]
    ids_all = np.stack([c.pid for c in rows])
    cost_all = np.stack([c.pcost for c in rows])
    starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
    active = (lens[None, :] > np.arange(max_len)[:, None]).sum(axis=1)  # sentences per step
    score = np.full((n_sent, beam), _PAD_SCORE)
    score[:, 0] = 0.0
    w1 = np.full((n_sent, beam), BOS_ID, dtype=np.int64)
    w2 = np.full((n_sent, beam), BOS_ID, dtype=np.int64)
    back: list[tuple[np.ndarray, np.ndarray]] = []
    for p in range(max_len):
        n = int(active[p])
        r = starts[:n] + p
        ids, cost = ids_all[r], cost_all[r]  # (n, width)
        a, b = w1[:n], w2[:n]
        lp = lm.logprob_ids(a[:, :, None], b[:, :, None], ids[:, None, :])
        sc = (score[:n, :, None] + lp - cost[:, None, :]).reshape(n, beam * width)
        srt = np.argsort(-sc, axis=1, kind="stable")
        flat = srt + (np.arange(n) * (beam * width))[:, None]  # flat index into sc
        parent, choice = np.divmod(srt, width)
        row = np.arange(n)[:, None] * beam
        prev = b.ravel()[row + parent]
        # recombine: the first (best) of each (previous word, candidate) state survives
        key = prev * 64 + choice
        o2 = np.argsort(key, axis=1, kind="stable")
        o2 += np.arange(n)[:, None] * (beam * width)
        k2 = key.ravel()[o2]
        dup = np.empty(n * beam * width, dtype=bool)
        dup[o2[:, 1:]] = k2[:, 1:] == k2[:, :-1]
        dup[o2[:, 0]] = False
        dup = dup.reshape(n, beam * width)
        ranked = np.argsort(dup, axis=1, kind="stable")[:, :beam]  # survivors, best first
        ranked += np.arange(n)[:, None] * (beam * width)
        parent, choice = parent.ravel()[ranked], choice.ravel()[ranked]
        new_score = sc.ravel()[flat.ravel()[ranked]]
        new_score[dup.ravel()[ranked]] = _PAD_SCORE
        back.append((parent, choice))
        score[:n] = new_score
        w1[:n] = b.ravel()[row + parent]
        w2[:n] = ids.ravel()[np.arange(n)[:, None] * width + choice]
    score = score + lm.logprob_ids(w1, w2, np.full_like(w2, EOS_ID))
    j = np.argmax(score, axis=1)
    picks = np.zeros((n_sent, max_len), dtype=np.int64)
    for p in range(max_len - 1, -1, -1):
        n = int(active[p])
        parent, choice = back[p]
        sel = np.arange(n)
        picks[:n, p] = choice[sel, j[:n]]
        j[:n] = parent[sel, j[:n]]
    out: list[list[int]] = [[] for _ in sents]
    for k, i in enumerate(order):
        out[i] = picks[k, : lens[k]].tolist()
    return out


def _fixed_cands(corr: Corrector, core: str) -> _Cands:
    low = core.lower()
    got = corr._fixed.get(low)
    if got is None:
        lid = NUM_ID if core[:1].isdigit() else corr.lm.id(low)
        got = _cands((low,), np.array([lid], dtype=np.int64), np.zeros(1), corr.width)
        corr._fixed[low] = got
    return got


def _rule_fix(t: _Tok, corr: Corrector, at_line_start: bool) -> None:
    """Guard-rail rewrites before decoding: Roman numerals with 1 for I, Đ in abbreviations."""
    core = t.core
    if at_line_start and t.trail.startswith(".") and _ROMANISH.match(core) and core != core.lower():
        fixed = core.replace("1", "I").replace("l", "I")
        if fixed != core and _ROMAN.match(fixed):
            t.new, t.kind, t.reason = fixed, "fixed", "roman numeral"
            return
    if core.isupper() and core.isascii() and core in corr._abbr_fold:
        t.new, t.kind, t.reason = corr._abbr_fold[core], "fixed", "abbreviation"
        return
    if t.kind == "fixed" and ("-" in core or "/" in core) and "D" in core:
        # a document code read without Đ: 185/2026/ND-CP -> 185/2026/NĐ-CP
        parts = re.split(r"([-/])", core)
        fixed = "".join(
            corr._abbr_fold.get(p, p) if p.isupper() and p not in corr.lex.abbreviations else p
            for p in parts
        )
        if fixed != core:
            t.new, t.reason = fixed, "abbreviation in code"


def _correct_lines(corr: Corrector, lines: list[list[_Tok]], blocks: list[int]) -> list[list[_Tok]]:
    """Classify, gate, decode; fills ``new``/``reason`` on tokens that change."""
    lex, cfg = corr.lex, corr.config
    for toks in lines:
        for k, t in enumerate(toks):
            _classify(t, corr, k == 0)
            if t.kind != "word" or not t.core.isalpha():
                _rule_fix(t, corr, k == 0)
            elif k == 0:
                _rule_fix(t, corr, True)
    # group lines into blocks
    by_block: dict[int, list[int]] = {}
    for i, b in enumerate(blocks):
        by_block.setdefault(b, []).append(i)
    heading = {}
    for toks in lines:
        ups = [ch.isupper() for t in toks if t.kind != "fixed" for ch in t.core if ch.isalpha()]
        if toks:
            heading[toks[0].line] = len(ups) >= 6 and sum(ups) >= 0.9 * len(ups)
    pending: list[tuple[str, str, list[tuple[_Tok, _Cands]]]] = []
    page_gate = _gate([t for toks in lines for t in toks], lex, cfg)
    for idx in by_block.values():
        toks = [t for i in idx for t in lines[i]]
        small = sum(t.kind != "fixed" for t in toks) < cfg.gate_min_words
        # a block of a word or two ("công;" wrapped onto its own line) is no evidence of
        # its own: it is read like the page around it
        mode, regime = page_gate if small else _gate(toks, lex, cfg)
        seq: list[tuple[_Tok, _Cands]] = []
        sentences: list[list[tuple[_Tok, _Cands]]] = []
        for i in idx:
            if lines[i] and _starts_marker(lines[i]) and seq:
                sentences.append(seq)
                seq = []
            for t in lines[i]:
                seq.append((t, _token_cands(corr, t, mode, regime)))
                if _SENT_END.search(t.trail) and not _NUMBERISH.match(t.core + t.trail):
                    sentences.append(seq)
                    seq = []
        if seq:
            sentences.append(seq)
        pending.extend((mode, regime, s) for s in sentences)
    # nothing to search where every position has one candidate
    choose = [i for i, (_, _, s) in enumerate(pending) if any(len(c.words) > 1 for _, c in s)]
    picks = [[0] * len(s) for _, _, s in pending]
    found = _decode_all(corr, [[c for _, c in pending[i][2]] for i in choose])
    for i, pick in zip(choose, found, strict=True):
        picks[i] = pick
    style = cfg.tone_style
    for (mode, regime, sent), pick in zip(pending, picks, strict=True):
        for (t, c), j in zip(sent, pick, strict=True):
            if t.kind == "fixed" or t.new is not None:
                continue
            word = c.words[j]
            low = t.core.lower()
            if word == low or _tone_form(word, style) == _tone_form(low, style):
                continue
            new = _match_case(t.core, _tone_form(word, style))
            if heading.get(t.line) and new[:1].isupper():
                new = new.upper()
            if new != t.core:
                t.new = new
                t.score = round(float(c.cost[j]), 3)
                t.reason = f"{mode}/{regime}"
    return lines


@functools.lru_cache(maxsize=1 << 16)
def _tone_form(word: str, style: ToneStyle) -> str:
    return place_tone(word, style)


def _starts_marker(toks: list[_Tok]) -> bool:
    if not toks:
        return False
    first = toks[0].lead + toks[0].core + toks[0].trail
    return bool(_MARKER_LINE.match(first + " "))


def _is_letter_ref(core: str, lex: Lexicon) -> bool:
    """A lone Latin letter that is no syllable ("điểm c", "khoản b, d"): a reference.

    Text read with Vietnamese marks got these right; only mark-less OCR turns syllables
    into single letters ("B" for "Bộ"), so this holds in good and vie blocks only.
    """
    return len(core) == 1 and core.lower() in _LATIN_LETTERS and not lex.is_syllable(core)


_LATIN_LETTERS = frozenset("abcdđefghijklmnopqrstuvwxyz")


def _token_cands(corr: Corrector, t: _Tok, mode: str, regime: str) -> _Cands:
    cfg = corr.config
    if t.kind == "fixed":
        return _fixed_cands(corr, t.new or t.core)
    if (mode == "good" or regime == "vie") and _is_letter_ref(t.core, corr.lex):
        return _fixed_cands(corr, t.core)
    if mode == "good":
        if t.kind == "word" and corr.lex.is_syllable(t.core):
            if t.conf is not None and t.conf >= cfg.keep_conf:
                return _fixed_cands(corr, t.core)
            return corr.candidates(t.core, "tone")
        return corr.candidates(t.core, regime)
    if (
        regime == "vie"
        and t.conf is not None
        and t.conf >= cfg.keep_conf
        and t.kind == "word"
        and corr.lex.is_syllable(t.core)
        and not t.core.isascii()
    ):
        return _fixed_cands(corr, t.core)
    if mode == "restore":
        if t.kind == "word":
            return corr.candidates(t.core, "restore")
        return corr.candidates(t.core, "markless")
    return corr.candidates(t.core, regime)


# ---------------------------------------------------------------------------- public API


@functools.lru_cache(maxsize=4)
def _corrector(lex_id: int, lm_id: int, cfg: CorrectConfig) -> Corrector:
    return Corrector(_OBJS.get(lex_id), _OBJS.get(lm_id), None, cfg)


_OBJS: dict[int, object] = {}


def get_corrector(
    lexicon: Lexicon | None = None,
    lm: LanguageModel | None = None,
    config: CorrectConfig | None = None,
) -> Corrector:
    """A cached Corrector for these models (its per-token cache survives between calls)."""
    cfg = config or CorrectConfig()
    if lexicon is not None:
        _OBJS[id(lexicon)] = lexicon
    if lm is not None:
        _OBJS[id(lm)] = lm
    return _corrector(
        id(lexicon) if lexicon is not None else 0, id(lm) if lm is not None else 0, cfg
    )


def correct_text(
    text: str,
    lexicon: Lexicon | None = None,
    lm: LanguageModel | None = None,
    config: CorrectConfig | None = None,
    *,
    corrector: Corrector | None = None,
) -> CorrectionResult:
    """Correct plain text; spacing, punctuation, line breaks and case are kept.

    Blocks are runs of non-blank lines. Positions in the corrections are (page 0, line
    index in ``text``, word index in that line); ``reason`` says which gate mode fixed it.

    >>> correct_text("tang cuong cong tac").text  # doctest: +SKIP
    'tăng cường công tác'
    """
    corr = corrector or get_corrector(lexicon, lm, config)
    raw_lines = nfc(text).split("\n")
    lines = [_tokens_of_line(s, i) for i, s in enumerate(raw_lines)]
    blocks, b = [], 0
    for s in raw_lines:
        if not s.strip():
            b += 1
        blocks.append(b)
    _correct_lines(corr, lines, blocks)
    out_lines, corrections = [], []
    for s, toks in zip(raw_lines, lines, strict=True):
        pieces, pos = [], 0
        for t in toks:
            if t.new is None:
                continue
            pieces.append(s[pos : t.start])
            pieces.append(t.new)
            pos = t.start + len(t.core)
            corrections.append(Correction(0, t.line, t.index, t.core, t.new, t.score, t.reason))
        pieces.append(s[pos:])
        out_lines.append("".join(pieces))
    return CorrectionResult("\n".join(out_lines), tuple(corrections))


def correct_document(
    doc: Document,
    lexicon: Lexicon | None = None,
    lm: LanguageModel | None = None,
    config: CorrectConfig | None = None,
    *,
    corrector: Corrector | None = None,
) -> Document:
    """Correct every word of a Document in place of its text (boxes and confidences kept).

    Blocks are Tesseract's (block, paragraph) groups; a word the OCR read with confidence
    ``keep_conf`` or more that is a known marked syllable is trusted. Every change is in
    ``corrections`` (page, line, word, before, after), so the raw OCR can be rebuilt.
    """
    corr = corrector or get_corrector(lexicon, lm, config)
    cfg = corr.config
    pages, corrections = [], list(doc.corrections)
    for page in doc.pages:
        lines: list[list[_Tok]] = []
        blocks: list[int] = []
        keys: dict[tuple[int, int], int] = {}
        for li, line in enumerate(page.lines):
            toks = []
            for wi, w in enumerate(line.words):
                lead, core, trail = _split(w.text)
                toks.append(_Tok(li, wi, len(lead), lead, core, trail, conf=w.conf))
            lines.append(toks)
            blocks.append(keys.setdefault((line.block, line.par), len(keys)))
        _correct_lines(corr, lines, blocks)
        new_lines = []
        for li, (line, toks) in enumerate(zip(page.lines, lines, strict=True)):
            words = list(line.words)
            for t in toks:
                if t.new is None:
                    continue
                w = words[t.index]
                words[t.index] = replace(w, text=t.lead + t.new + t.trail)
                corrections.append(
                    Correction(
                        page.index, li, t.index, w.text, words[t.index].text, t.score, t.reason
                    )
                )
            new_lines.append(replace(line, words=tuple(words)))
        pages.append(replace(page, lines=tuple(new_lines)))
    step = Step("correct", VERSION, cfg.settings())
    return replace(
        doc, pages=tuple(pages), corrections=tuple(corrections), steps=doc.steps + (step,)
    )


# ---------------------------------------------------------------------------- CLI


def build_parser() -> argparse.ArgumentParser:
    """Arguments of ``vnocr correct``."""
    p = argparse.ArgumentParser(
        prog="vnocr correct", description="restore marks and repair OCR errors in UTF-8 text"
    )
    p.add_argument("input", nargs="?", default="-", help="text file, or - for stdin")
    p.add_argument("-o", "--output", default=None, help="output file (default: stdout)")
    p.add_argument("--changes", action="store_true", help="list the changes on stderr")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """``vnocr correct [FILE|-] [-o FILE]``; returns an exit code."""
    from pipeline.errors import ExitCode
    from pipeline.io import read_bytes, write_atomic

    args = build_parser().parse_args(argv)
    try:
        if args.input == "-":
            data = sys.stdin.buffer.read()
            name = "<stdin>"
        else:
            path = Path(args.input)
            name = path.name
            data = read_bytes(path, name)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InputFileError(
                f"{name}: not UTF-8 text (byte {e.start}); convert it first, e.g. iconv -t UTF-8"
            ) from e
        result = correct_text(text)
        if args.output:
            write_atomic(Path(args.output), result.text)  # raises OutputError itself
        else:
            sys.stdout.write(result.text)
            sys.stdout.flush()
        if args.changes:
            for c in result.corrections:
                sys.stderr.write(f"{c.line + 1}:{c.word + 1}\t{c.before}\t{c.after}\t{c.reason}\n")
    except VnocrError as e:
        log.error("%s: %s", type(e).__name__, e)
        sys.stderr.write(f"vnocr correct: {e}\n")
        return int(e.exit_code)
    return int(ExitCode.ok)


if __name__ == "__main__":
    raise SystemExit(main())
