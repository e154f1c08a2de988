"""A page's own words as a cache language model: words the page uses often rank higher.

Administrative documents repeat their terms ("độ mật" all through a circular on state
secrets), far more often than the corpus as a whole does, and a trigram model trained on
that corpus cannot know what one document is about. After a first search, the words it
chose are counted; a word the page uses more than the corpus would predict gets a
bonus, the log10 of a cache mixture against the corpus unigram::

    bonus(w) = weight * log10((1 - share) + share * P_page(w) / P_corpus(w))
    P_page(w) = (count(w) + prior * P_corpus(w)) / (N + prior)

``count(w)`` counts the page's other positions only (leave one out), so a word read
once cannot raise itself, and ``prior`` pseudo-words of corpus text keep a short page's
few counts from weighing much. Only a position where a candidate other than the one
chosen gains :data:`_MIN_GAIN` more and, put in its place among the words chosen, comes
within :data:`_LOCAL_MARGIN` of it is searched again: with its neighbours
(:func:`free_spans`), in a window held to the first choice two positions each side
(:func:`window`), the bonus taken off the candidates' costs. The second search touches a
few short stretches of a page, not whole sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from pipeline.correct.candidates import PAD_COST, Cands, make_cands
from pipeline.lm import BOS_ID, EOS_ID, QSCALE, SPECIALS, LanguageModel

#: A position is searched again when another candidate gains this much more (log10)
#: than the one chosen and, put in its place with its neighbours as chosen, comes within
#: _LOCAL_MARGIN of it (tuning text: as accurate as searching every sentence again, for
#: a small share of the time)
_MIN_GAIN = 0.6
_LOCAL_MARGIN = 2.0
#: Positions held to the first choice each side of a part searched again (a trigram's reach).
_CONTEXT = 2


@dataclass(frozen=True)
class PageBonus:
    """Per sentence of a page: each candidate's bonus (rows shaped like ``pcost``) and
    which positions are worth searching again (:func:`page_bonus`)."""

    bonus: list[np.ndarray]
    again: list[np.ndarray]


def page_bonus(
    lm: LanguageModel,
    sents: list[list[Cands]],
    picks: list[list[int]],
    weight: float,
    share: float,
    prior: float,
) -> PageBonus:
    """The bonus of every candidate from the words ``picks`` chose on the whole page, and
    the positions where a candidate other than the one chosen gains more than
    :data:`_MIN_GAIN` and, put in the chosen words' place, would come within
    :data:`_LOCAL_MARGIN` of them (its trigrams and channel cost against theirs)."""
    rows = [c for s in sents for c in s]
    lens = [len(s) for s in sents]
    if not rows:
        return PageBonus([], [])
    chosen = np.array(
        [c.pid[j] for s, p in zip(sents, picks, strict=True) for c, j in zip(s, p, strict=True)]
    )
    counts = np.bincount(chosen, minlength=len(lm.vocab)).astype(np.float64)
    # only positions with a choice get a bonus: the others' one word is only counted
    multi = np.flatnonzero([len(c.ids) > 1 for c in rows])
    bonus = np.zeros((len(rows), len(rows[0].pid)))
    again = np.zeros(len(rows), dtype=bool)
    if not len(multi):
        return PageBonus(_split(bonus, lens), _split(again, lens))
    pid = np.stack([rows[i].pid for i in multi])
    cost = np.stack([rows[i].pcost for i in multi])
    at = np.arange(len(multi))
    pick = np.concatenate([np.asarray(p, dtype=np.int64) for p in picks])[multi]
    own = (pid == chosen[multi][:, None]).astype(np.float64)  # leave one out: not the word itself
    p_corpus = 10.0 ** (lm.tables.uni_logp[pid] / QSCALE)
    # a short page is little evidence: its counts are smoothed toward the corpus's
    p_page = (counts[pid] - own + prior * p_corpus) / (len(rows) - 1 + prior)
    b = weight * np.log10((1.0 - share) + share * p_page / p_corpus)
    b[(pid < len(SPECIALS)) | (cost >= PAD_COST)] = 0.0  # <unk>, numbers, padding: no word
    b = np.maximum(b, 0.0)  # a word the page does not use is not made less likely
    gain = b - b[at, pick][:, None]
    hit = np.flatnonzero((gain > _MIN_GAIN).any(axis=1))
    if len(hit):
        local = _local_scores(lm, pid[hit], chosen, np.array(lens), multi[hit])
        delta = local - local[np.arange(len(hit)), pick[hit]][:, None]
        delta += gain[hit] - (cost[hit] - cost[hit, pick[hit]][:, None])
        again[multi[hit]] = ((gain[hit] > _MIN_GAIN) & (delta > -_LOCAL_MARGIN)).any(axis=1)
    bonus[multi] = b
    return PageBonus(_split(bonus, lens), _split(again, lens))


def _local_scores(
    lm: LanguageModel, cands: np.ndarray, chosen: np.ndarray, lens: np.ndarray, r: np.ndarray
) -> np.ndarray:
    """For rows ``r`` (their candidate ids ``cands``): the log10 LM score of each candidate
    put in the place of the word chosen there, over the trigrams it is part of (its own
    and the two after it, or the sentence end)."""
    first = np.repeat(np.cumsum(lens) - lens, lens)[r]
    last = np.repeat(np.cumsum(lens) - 1, lens)[r]
    k = r - first
    w1 = np.where(k >= 2, chosen[np.maximum(r - 2, 0)], BOS_ID)[:, None]
    w2 = np.where(k >= 1, chosen[np.maximum(r - 1, 0)], BOS_ID)[:, None]
    n1 = np.where(r < last, chosen[np.minimum(r + 1, len(chosen) - 1)], EOS_ID)[:, None]
    n2 = np.where(r + 1 < last, chosen[np.minimum(r + 2, len(chosen) - 1)], EOS_ID)[:, None]
    score = lm.logprob_ids(w1, w2, cands) + lm.logprob_ids(w2, cands, n1)
    return score + np.where(r < last, 1.0, 0.0)[:, None] * lm.logprob_ids(cands, n1, n2)


def _split(a: np.ndarray, lens: list[int]) -> list[np.ndarray]:
    out, start = [], 0
    for n in lens:
        out.append(a[start : start + n])
        start += n
    return out


def free_spans(again: np.ndarray, n: int) -> list[tuple[int, int]]:
    """(first, end) positions of a sentence of ``n`` to search again: each position
    ``again`` marks and its neighbours (a wrong word often makes its neighbour wrong: "độ
    mật" read "do mất"); spans that nearly touch are merged."""
    spans: list[tuple[int, int]] = []
    for i in np.flatnonzero(again).tolist():
        a, e = max(i - 1, 0), min(i + 2, n)
        if spans and a <= spans[-1][1] + _CONTEXT:
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((a, e))
    return spans


def window(
    sent: list[Cands], pick: list[int], bonus: np.ndarray, span: tuple[int, int], width: int
) -> tuple[int, list[Cands]]:
    """The part of a sentence searched again for ``span``: its positions with their
    bonus taken off their costs, and up to two positions each side held to the first
    search's choice, so the trigram scores that cross the span's edges are the
    sentence's own; returns the window's first position and its candidates."""
    a, e = span
    lo, hi = max(a - _CONTEXT, 0), min(e + _CONTEXT, len(sent))
    out = []
    for i in range(lo, hi):
        c = sent[i]
        if a <= i < e:
            n = len(c.ids)
            out.append(replace(c, cost=c.cost - bonus[i][:n], pcost=c.pcost - bonus[i]))
        else:
            j = pick[i]
            out.append(make_cands(c.words[j : j + 1], c.ids[j : j + 1], c.cost[j : j + 1], width))
    return lo, out
