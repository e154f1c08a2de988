"""Candidates of a token: the lexicon's syllables as arrays and their channel costs.

Each OCR token is a noisy reading of a syllable. For every distinct token we list the
lexicon syllables it could be a reading of, each with a channel cost (pipeline.channel:
letters, tone and vowel marks, learned from aligned OCR); the beam search
(:mod:`pipeline.correct.decode`) picks among them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from pipeline.channel import ChannelModel, ChannelTable, KeyScorer, letter_key, marks, obs_key
from pipeline.correct.config import CorrectConfig, Regime
from pipeline.correct.tokens import Kind, Token
from pipeline.lexicon import Lexicon
from pipeline.lm import UNK_ID, LanguageModel
from pipeline.vietnamese import nfc

PAD_COST = 1e9  # channel cost of an empty candidate slot
#: Entries a per-token cache holds before it is emptied: caches only save work (a token's
#: candidates are worked out again the same way), and a long input stays bounded.
CACHE_MAX = 1 << 16

#: Weight of a syllable's log prior (Lexicon.logprior) against its channel cost when the
#: candidates of a token are ranked: ``cost - PRIOR_WEIGHT * prior``. The bounded search
#: of :meth:`Candidates.score_near` is exact only because its bounds rank the same way.
PRIOR_WEIGHT = 0.5

_CHUNK = 16  # letter keys aligned per step of the bounded search
_BOUND_SLACK = 1e-6  # float rounding between a bound and the cost it bounds


def ranked(cost, prior):  # type: ignore[no-untyped-def]
    """The ranking value of candidates (floats or arrays): lower is likelier."""
    return cost - PRIOR_WEIGHT * prior


@dataclass(frozen=True)
class Cands:
    """The candidates of one position of the search."""

    words: tuple[str, ...]  # lower-case candidate spellings
    ids: np.ndarray  # LM ids
    cost: np.ndarray  # channel cost (log10 units), lower is likelier
    pid: np.ndarray  # ids padded to the corrector's width (for the batched search)
    pcost: np.ndarray  # costs padded with PAD_COST


def make_cands(words: tuple[str, ...], ids: np.ndarray, cost: np.ndarray, width: int) -> Cands:
    """Candidates padded to ``width`` (the search's fixed number of choices a position)."""
    pid = np.zeros(width, dtype=np.int64)
    pid[: len(ids)] = ids
    pcost = np.full(width, PAD_COST)
    pcost[: len(cost)] = cost
    return Cands(words, ids, cost, pid, pcost)


@dataclass(frozen=True)
class SyllableIndex:
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
    key_syls: np.ndarray  # fold key i's syllables: key_syls[i] .. key_syls[i + 1] - 1
    key_lks: np.ndarray  # fold key i's letter keys: lk_list[key_lks[i] : key_lks[i + 1]]
    lk_list: np.ndarray  # letter-key indices, fold key after fold key

    def syllables_of(self, keys: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """The syllables of these fold keys (lexicon order, key after key) and their letter
        keys (each once, key after key), as one gather each rather than one array a key."""
        k = np.asarray(keys, dtype=np.int64)
        lks = self.lk_list[_ranges(self.key_lks[k], self.key_lks[k + 1])]
        return _ranges(self.key_syls[k], self.key_syls[k + 1]), lks

    @classmethod
    def build(cls, lex: Lexicon, keys: list[str]) -> SyllableIndex:
        syl_text: list[str] = []
        syl_lk: list[int] = []
        syl_tone: list[int] = []
        syl_prior: list[float] = []
        lk_text: list[str] = []
        lk_index: dict[str, int] = {}
        key_syls, key_lks, lk_list = [0], [0], []
        for k in keys:
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
            key_syls.append(len(syl_text))
            lk_list += mine
            key_lks.append(len(lk_list))
        return cls(
            tuple(syl_text),
            np.array(syl_lk, dtype=np.int64),
            np.array(syl_tone, dtype=np.int64),
            np.array(syl_prior),
            tuple(lk_text),
            np.array(key_syls, dtype=np.int64),
            np.array(key_lks, dtype=np.int64),
            np.array(lk_list, dtype=np.int64),
        )


def _ranges(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``lo[0] .. hi[0] - 1``, then ``lo[1] .. hi[1] - 1``, ... as one array."""
    n = hi - lo
    return np.repeat(lo - (np.cumsum(n) - n), n) + np.arange(int(n.sum()))


ABOVE_TONES = (1, 2, 3, 4)  # huyền, sắc, hỏi, ngã: the tones written above the vowel
DROPPED, KEPT, DROPPED_ZERO, ABOVE = 1, 2, 3, 4
_CIRCUMFLEX = re.compile("[âêô]")
_DROP_REGIMES = (Regime.TONE, Regime.VIE, Regime.GARBLED)  # where a page's drop rate holds


class Candidates:
    """Candidate syllables of a token under a regime, scored and cached per token."""

    def __init__(
        self, lex: Lexicon, lm: LanguageModel, channel: ChannelModel, config: CorrectConfig
    ) -> None:
        self.lex, self.lm, self.channel, self.config = lex, lm, channel, config
        self.width = max(config.max_candidates, 1)  # candidates per position, padded
        self.keys = list(lex.by_key)
        self.index = SyllableIndex.build(lex, self.keys)
        self._cache: dict[tuple[str, str, float | None], Cands] = {}
        self._drop_classes: dict[str, int] = {}
        self._scorers: dict[str, KeyScorer] = {}
        self._rests: dict[tuple[str, int], np.ndarray] = {}
        self._scratch = np.zeros(len(self.index.lk_text), dtype=np.int64)

    def __call__(self, core: str, regime: str, drop: float | None = None) -> Cands:
        """Candidate syllables of a token under ``regime`` (a :class:`Regime`).

        ``drop``: the cost of a tone lost over a circumflex vowel on this page, where
        it is lower than the channel table's (see :func:`tone_drop_cost`).
        """
        low = nfc(core).lower()
        if drop is not None and (regime not in _DROP_REGIMES or not self.drop_class(low)):
            drop = None
        key = (low, regime, drop)
        got = self._cache.get(key)
        if got is None:
            got = self._candidates(low, regime, drop)
            if len(self._cache) >= CACHE_MAX:
                self._cache.clear()
            self._cache[key] = got
        return got

    def drop_class(self, low: str) -> int:
        """What a token says of tones lost over circumflex vowels (â ê ô) on its page.

        ``DROPPED``: read without a tone and no syllable so, but one with a tone above
        ("xuât", "quyêt": the mark over ê/â/ô was lost); ``KEPT``: read with a tone
        above a circumflex vowel where losing it would have shown ("xuất"); otherwise
        ``DROPPED_ZERO`` for a toneless circumflex syllable that could have lost one
        ("khâu", "đê"), ``ABOVE`` for one read with a tone above that could stand for
        another ("đề" for "để"): the tokens a page's drop rate applies to; else 0.
        """
        got = self._drop_classes.get(low)
        if got is None:
            got = self._drop_classes[low] = _drop_class(low, self.lex)
        return got

    def _drop_alts(self, low: str, drop: float | None, margin: float) -> list[tuple[float, str]]:
        """(cost, syllable) of the spellings of ``low`` with another tone above its vowel:
        a lost tone at ``drop``, another tone above at ``drop + drop_swap``."""
        if drop is None:
            return []
        lk, tone = letter_key(low), marks(low)[0]
        cost = drop + margin + (self.config.drop_swap if tone else 0.0)
        return [
            (cost, s)
            for s in self.lex.candidates(low)
            if letter_key(s) == lk and marks(s)[0] in ABOVE_TONES and marks(s)[0] != tone
        ]

    def finish(self, scored: list[tuple[float, str]], keep: str | None, keep_cost: float) -> Cands:
        """The ``max_candidates`` likeliest of ``scored`` (cost, syllable); ``keep`` (the
        token as written) always among them, at ``keep_cost``."""
        cfg = self.config
        best: dict[str, float] = {}
        for c, w in scored:
            if w not in best or c < best[w]:
                best[w] = c
        if keep is not None and keep not in best:
            best[keep] = keep_cost
        # keep the likeliest: channel cost, then how common the syllable is
        lex = self.lex
        items = sorted(best.items(), key=lambda kv: ranked(kv[1], lex.logprior(kv[0])))
        items = items[: cfg.max_candidates]
        if keep is not None and keep not in dict(items):
            items[-1] = (keep, keep_cost)
        words = tuple(w for w, _ in items)
        ids = np.array([self.lm.id(w) for w in words], dtype=np.int64)
        cost = np.array([c for _, c in items], dtype=np.float64)
        cost = cost + np.where(ids == UNK_ID, cfg.oov_penalty, 0.0)
        if keep is not None:
            cost[words.index(keep)] = keep_cost  # the token as written: its own cost
        return make_cands(words, ids, cost * cfg.channel_weight, self.width)

    def _candidates(self, low: str, regime: str, drop: float | None = None) -> Cands:
        lex, cfg = self.lex, self.config
        if regime == Regime.RESTORE:
            syl = lex.candidates(low) if low.isascii() and low.isalpha() else ()
            if not syl:
                return self.finish([], low, 0.0)
            # marks only: every spelling of the key is free; the LM decides
            return self.finish([(0.0, s) for s in syl], None, 0.0)
        vie_table = regime in (Regime.TONE, Regime.GARBLED)
        table: ChannelTable = self.channel[Regime.VIE if vie_table else regime]
        if regime == Regime.TONE:
            # a known syllable in a good block: only its tone may be misread (tổ -> tố)
            norm = lex.normalize(low)
            lk = letter_key(low)
            alts = [
                (table.cost(s, low) + cfg.good_margin, s)
                for s in lex.candidates(low)
                if s != norm and letter_key(s) == lk
            ]
            alts += self._drop_alts(low, drop, cfg.good_margin)
            return self.finish(alts, norm, table.cost(norm, low))
        ok = obs_key(low)
        limit = 1 if len(ok) <= 2 else cfg.max_edit
        dist = process.cdist(
            [ok], self.keys, scorer=Levenshtein.distance, score_cutoff=limit, dtype=np.int32
        )[0]
        near = np.flatnonzero(dist <= limit)
        near = near[np.argsort(dist[near], kind="stable")].tolist()  # nearest, then key order
        if regime == Regime.GARBLED:
            # a garbled token of Vietnamese OCR has often lost its marks with its letters
            # ("ỦY" -> "U}"): it may be read like mark-less OCR as well
            scored = self.score_near(near, Regime.VIE, low)
            scored += self.score_near(near, Regime.MARKLESS, low)
            scored += [(c, w) for w, c in self.channel[Regime.MARKLESS].read_as(low)]
        else:
            scored = self.score_near(near, regime, low)
        scored += [(c, w) for w, c in table.read_as(low)]  # whole-syllable confusions
        scored += self._drop_alts(low, drop, 0.0)
        if lex.is_syllable(low):
            norm = lex.normalize(low)
            own = [c for c, s in scored if s == norm]
            return self.finish(scored, norm, own[0] if own else table.cost(norm, low))
        return self.finish(scored, low, cfg.keep_unknown)

    def score_near(self, keys: list[int], regime: str, low: str) -> list[tuple[float, str]]:
        """(channel cost, syllable) of the likeliest syllables of these fold keys.

        Costs are a letter cost per distinct letter key (the expensive part, a weighted
        alignment) plus a tone cost per syllable; the ``max_candidates`` best by the
        order of :meth:`finish` are returned, in lexicon order among ties.
        :class:`~pipeline.channel.KeyScorer` gives most letter costs exactly in numpy and
        a lower bound for the rest; of those, the ones whose bound could still enter the
        list are aligned best bound first, ``max_aligned`` at most. The cap is the one
        shortcut that could drop a candidate: at 16 (32 before) it changed no output on
        the tuning and held-out renders (`-l eng` and `-l vie`) nor on the real pages of
        bench/real_correct_bench.py, and it saves most of the alignments.
        """
        if not keys:
            return []
        ix, cfg = self.index, self.config
        k = cfg.max_candidates
        table: ChannelTable = self.channel[regime]
        rk, rtone = letter_key(low), marks(low)[0]
        syl, lks = ix.syllables_of(keys)  # syllables in lexicon order: the tie order
        pos = self._scratch
        pos[lks] = np.arange(len(lks))
        inv = pos[ix.syl_lk[syl]]  # syllable -> its letter key's row
        tone = table.tone_array[ix.syl_tone[syl], rtone]
        prior = ix.syl_prior[syl]
        tone_prior = ranked(tone, prior)
        rest = self._key_rest(regime, rtone)[lks]  # best score of each key, letter cost aside
        est, exact = self._scorer(regime).estimate(lks, rk)
        lcost = np.where(exact, est, np.inf)
        todo = np.flatnonzero(~exact)
        if len(todo):
            bound = est[todo] + rest[todo]
            todo = todo[np.argsort(bound, kind="stable")][: cfg.max_aligned]
            bound.sort()
            done = 0
            while done < len(todo):
                if len(syl) >= k:
                    kth = np.partition(lcost[inv] + tone_prior, k - 1)[k - 1]
                    if bound[done] > kth + _BOUND_SLACK:
                        break  # no key left could enter the list
                take = todo[done : done + _CHUNK]
                lcost[take] = table.letter_costs([ix.lk_text[j] for j in lks[take]], rk)
                done += len(take)
        sel = np.flatnonzero(lcost[inv] < np.inf)
        cost = lcost[inv[sel]] + tone[sel]
        best = np.argsort(ranked(cost, prior[sel]), kind="stable")[:k]
        return [(float(cost[o]), ix.syl_text[syl[sel[o]]]) for o in best]

    def _scorer(self, regime: str) -> KeyScorer:
        got = self._scorers.get(regime)
        if got is None:
            got = self._scorers[regime] = KeyScorer(self.channel[regime], self.index.lk_text)
        return got

    def _key_rest(self, regime: str, read_tone: int) -> np.ndarray:
        """Per letter key: the best ranking value of its syllables, letter cost aside."""
        got = self._rests.get((regime, read_tone))
        if got is None:
            ix = self.index
            v = ranked(self.channel[regime].tone_array[ix.syl_tone, read_tone], ix.syl_prior)
            got = np.full(len(ix.lk_text), np.inf)
            np.minimum.at(got, ix.syl_lk, v)
            self._rests[(regime, read_tone)] = got
        return got


def _drop_class(low: str, lex: Lexicon) -> int:
    """See :meth:`Candidates.drop_class`."""
    if low.isascii() or not low.isalpha():
        return 0
    lk = letter_key(low)
    if not _CIRCUMFLEX.search(lk):
        return 0
    tone = marks(low)[0]
    tones = {marks(s)[0] for s in lex.candidates(low) if letter_key(s) == lk}
    if tone == 0:
        if not tones & set(ABOVE_TONES):
            return 0
        return DROPPED_ZERO if lex.is_syllable(low) else DROPPED
    if tone in ABOVE_TONES and lex.is_syllable(low):
        if 0 not in tones:
            return KEPT
        return ABOVE if len(tones & set(ABOVE_TONES)) > 1 else 0
    return 0


def tone_drop_cost(cands: Candidates, toks: Iterable[Token]) -> float | None:
    """The cost of a tone lost over â, ê or ô on this page, when it is cheap here.

    Tesseract ``vie`` loses the tone stacked over a circumflex on some real pages
    ("xuât khâu" for "xuất khẩu", "đê" for "để"), on others never; the channel table
    learned from renders says such a loss is rare (cost about 3). Tokens where a loss
    shows, because the toneless spelling is no syllable ("xuât", "quyêt"), against
    those that kept the tone where a loss would have shown ("xuất"), estimate the
    page's rate (``drop_prior`` tokens of the table's rate added); where it is higher
    than the table's, it is the cost of reading a toneless circumflex syllable ("khâu")
    as one with a tone above it ("khẩu"), rounded to 0.1. None: the table's cost holds.
    """
    dropped = kept = 0
    for t in toks:
        if t.kind != Kind.WORD:
            continue
        c = cands.drop_class(t.core.lower())
        dropped += c == DROPPED
        kept += c == KEPT
    if not dropped:
        return None
    cfg = cands.config
    table = cands.channel[Regime.VIE].tone_array
    base = float(min(table[w, 0] for w in ABOVE_TONES))
    rate = (dropped + cfg.drop_prior * 10**-base) / (dropped + kept + cfg.drop_prior)
    cost = round(-math.log10(rate), 1)
    return cost if cost < base else None
