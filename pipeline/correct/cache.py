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
few counts from weighing much. Only the sentences where a candidate other than the one chosen
gains more than the chosen one are searched again, with the bonus taken off the
candidates' costs: the second search touches a few sentences of a page, not all.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.correct.candidates import Cands, make_cands
from pipeline.lm import QSCALE, SPECIALS, LanguageModel

#: A position is searched again when another candidate gains this much more (log10)
#: than the one chosen (tuning text: 0.6 keeps the accuracy of searching every
#: sentence again at a third of the extra time)
_MIN_GAIN = 0.6
#: Positions held to the first choice each side of a part searched again (a trigram's reach).
_CONTEXT = 2


def page_bonus(
    lm: LanguageModel,
    sents: list[list[Cands]],
    picks: list[list[int]],
    weight: float,
    share: float,
    prior: float,
) -> list[np.ndarray]:
    """Per sentence, the bonus of each candidate of each position (rows of ``pcost``'s
    shape), from the words ``picks`` chose on the whole page."""
    rows = [c for s in sents for c in s]
    if not rows or weight <= 0 or share <= 0:
        return [np.zeros((len(s), len(s[0].pid) if s else 0)) for s in sents]
    pid = np.stack([c.pid for c in rows])
    pick = np.concatenate([np.asarray(p, dtype=np.int64) for p in picks])
    chosen = pid[np.arange(len(rows)), pick]
    counts = np.bincount(chosen, minlength=len(lm.vocab)).astype(np.float64)
    own = (pid == chosen[:, None]).astype(np.float64)  # leave one out: not the word itself
    p_corpus = 10.0 ** (lm.tables.uni_logp[pid] / QSCALE)
    # a short page is little evidence: its counts are smoothed toward the corpus's
    p_page = (counts[pid] - own + prior * p_corpus) / (len(rows) - 1 + prior)
    bonus = weight * np.log10((1.0 - share) + share * p_page / p_corpus)
    bonus[pid < len(SPECIALS)] = 0.0  # <unk>, numbers: no word to count
    bonus = np.maximum(bonus, 0.0)  # a word the page does not use is not made less likely
    out, start = [], 0
    for s in sents:
        out.append(bonus[start : start + len(s)])
        start += len(s)
    return out


def free_spans(sent: list[Cands], pick: list[int], bonus: np.ndarray) -> list[tuple[int, int]]:
    """(first, end) positions of a sentence to search again: each position with a
    candidate the page favours clearly more than the one chosen, and its neighbours
    (a wrong word often makes its neighbour wrong: "độ mật" read "do mất"); spans that
    nearly touch are merged."""
    spans: list[tuple[int, int]] = []
    for i, (c, j, b) in enumerate(zip(sent, pick, bonus, strict=True)):
        n = len(c.ids)
        if n > 1 and float(b[:n].max()) - float(b[j]) > _MIN_GAIN:
            a, e = max(i - 1, 0), min(i + 2, len(sent))
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
