"""Beam search over sentences: the candidate sequence with the best LM score minus
channel cost.

Before the search, a position whose cheapest candidate no other can overturn in the
sentence as read is settled (:func:`settle`), and a sentence is cut where two settled
positions follow each other (:func:`segments`): the search there keeps one state, so
the parts are searched on their own. On correct text this leaves a few short parts to
search instead of every sentence.
"""

from __future__ import annotations

import numpy as np

from pipeline.correct.candidates import Cands
from pipeline.lm import BOS_ID, EOS_ID, LanguageModel

_SLACK = 1e-6  # float rounding between a bound and the sum it bounds


def merge_keys(prev: np.ndarray, choice: np.ndarray, width: int) -> np.ndarray:
    """One integer per (previous word id, candidate index) state, distinct for distinct
    states: ``choice`` is below ``width``, so ``prev * width + choice`` never collides."""
    return prev * width + choice


#: Positions searched together at most: sentences are searched in groups of about this
#: many positions, so the search's arrays stay small for any length of text (a part of
#: 1 M characters held 150 MB of them) while a group is still one batch of numpy calls.
GROUP_ROWS = 20_000


def decode_all(
    lm: LanguageModel, sents: list[list[Cands]], beam: int, width: int
) -> list[list[int]]:
    """The chosen candidate index per position of every sentence (see the module)."""
    out: list[list[int]] = []
    group: list[list[Cands]] = []
    rows = 0
    for s in sents:
        group.append(s)
        rows += len(s)
        if rows >= GROUP_ROWS:
            out += _decode_group(lm, group, beam, width)
            group, rows = [], 0
    return out + _decode_group(lm, group, beam, width)


def _decode_group(
    lm: LanguageModel, sents: list[list[Cands]], beam: int, width: int
) -> list[list[int]]:
    """:func:`decode_all` of one group: its positions settled, its sentences cut and
    searched as one batch of array operations."""
    if not sents:
        return []
    rows = [c for s in sents for c in s]
    ids = np.stack([c.pid for c in rows])
    cost = np.stack([c.pcost for c in rows])
    n_cands = np.array([len(c.ids) for c in rows])
    lens = np.array([len(s) for s in sents])
    pick = settle(lm, ids, cost, n_cands, lens)
    # a settled position has one candidate left: its pick, moved to the front
    one = pick >= 0
    at = np.flatnonzero(one)
    ids[at, 0], cost[at, 0] = ids[at, pick[at]], cost[at, pick[at]]
    n_cands[one] = 1
    choice = np.zeros(len(rows), dtype=np.int64)
    parts = [(a, b) for a, b in segments(n_cands, lens) if (n_cands[a:b] > 1).any()]
    found = search(lm, ids, cost, n_cands, parts, beam, width)
    for (a, b), got in zip(parts, found, strict=True):
        choice[a:b] = got
    choice[one] = pick[one]
    out, start = [], 0
    for n in lens.tolist():
        out.append(choice[start : start + n].tolist())
        start += n
    return out


def settle(
    lm: LanguageModel, ids: np.ndarray, cost: np.ndarray, n_cands: np.ndarray, lens: np.ndarray
) -> np.ndarray:
    """Per position (rows of ``ids``/``cost``, sentence after sentence, ``lens`` long): the
    index of its candidate when it is settled, else -1.

    A position is settled on its cheapest candidate when every other costs more than
    the LM could give back for it in the sentence as read: read with each position's
    cheapest candidate, an other candidate at ``d`` changes the LM scores of ``d``,
    ``d + 1`` and ``d + 2`` (or the sentence end) only, and each by at most its distance
    to the best score it could get. That best is first the best score the model gives
    anything; then, for the positions still open, the best score of the trigrams the
    candidates around a term can make (:func:`reachable_top`), the settled positions
    holding their one candidate, as the search will hold them.
    """
    n = len(ids)
    rows = np.arange(n)
    best = np.argmin(cost, axis=1)
    low = cost[rows, best]
    gap = np.partition(cost, 1, axis=1)[:, 1] - low if cost.shape[1] > 1 else np.full(n, np.inf)
    gap = np.where(n_cands > 1, gap, np.inf)
    rid = ids[rows, best]
    first = np.repeat(np.cumsum(lens) - lens, lens)
    k = rows - first  # position in its sentence
    w2 = np.where(k >= 1, rid[np.maximum(rows - 1, 0)], BOS_ID)
    w1 = np.where(k >= 2, rid[np.maximum(rows - 2, 0)], BOS_ID)
    last = np.cumsum(lens) - 1
    e1 = np.where(lens >= 2, rid[np.maximum(last - 1, 0)], BOS_ID)
    # the sentence's terms as read with its end after them, one slot per sentence more
    read = np.empty(n + len(lens))
    slot = rows + np.repeat(np.arange(len(lens)), lens)
    end = last + np.arange(len(lens)) + 1
    read[slot] = lm.logprob_ids(w1, w2, rid)
    read[end] = lm.logprob_ids(e1, rid[last], np.full(len(lens), EOS_ID))
    room = np.repeat(end, lens) - slot  # terms after this one up to the end

    def settled(terms: np.ndarray) -> np.ndarray:
        pad = np.concatenate((terms, [0.0, 0.0]))
        back = (
            pad[slot]
            + np.where(room >= 1, pad[slot + 1], 0.0)
            + np.where(room >= 2, pad[slot + 2], 0.0)
        )
        return gap > back + _SLACK

    terms = lm.max_logprob - read
    done = settled(terms)
    # every term is at least 0 (the reading is one of the trigrams that can be made),
    # so a position whose rival costs no more than its own never settles
    open_ = np.flatnonzero(~done & (gap > _SLACK))
    if not len(open_):
        return np.where(done, best, -1)
    # the settled positions hold one candidate; the terms an open position touches get
    # the bound of the trigrams that can still be made there
    few = np.where(done, 1, n_cands)
    held = ids.copy()
    held[done, 0] = rid[done]
    touched = np.zeros(n + len(lens) + 2, dtype=bool)
    for step in range(3):
        touched[slot[open_] + step] |= room[open_] >= step
    near = np.flatnonzero(touched[slot])
    terms[slot[near]] = reachable_top(lm, held, few, near, k[near], None) - read[slot[near]]
    ends = np.flatnonzero(touched[end])
    terms[end[ends]] = (
        reachable_top(lm, held, few, last[ends], lens[ends] - 1, EOS_ID) - read[end[ends]]
    )
    return np.where(done | settled(terms), best, -1)


#: Trigrams a position's bound may look up at most (its candidates times its two
#: neighbours'): past that it takes the model's best score, a looser bound
BOUND_TRIGRAMS = 64


def reachable_top(
    lm: LanguageModel,
    ids: np.ndarray,
    n_cands: np.ndarray,
    rows: np.ndarray,
    k: np.ndarray,
    word: int | None,
) -> np.ndarray:
    """Per row of ``rows`` (``k``: its position in its sentence): the best LM score of
    any word it may hold after any two words its two predecessors may hold, or with
    ``word``, of ``word`` after the row and its predecessor (the sentence end).

    A bound of the term whatever the search picks around it, like ``max_logprob``, but
    of the trigrams the candidates can make: only these can be scored there.
    """
    top = np.full(len(rows), lm.max_logprob)
    prev2 = np.where(k >= 2, n_cands[np.maximum(rows - 2, 0)], 1)
    prev1 = np.where(k >= 1, n_cands[np.maximum(rows - 1, 0)], 1)
    if word is None:
        na, nb, nc = prev2, prev1, n_cands[rows]
    else:
        na, nb, nc = prev1, n_cands[rows], np.ones(len(rows), dtype=np.int64)
    size = na * nb * nc
    sel = np.flatnonzero(size <= BOUND_TRIGRAMS)
    if not len(sel):
        return top
    reps = size[sel]
    at = np.repeat(np.arange(len(sel)), reps)
    i = np.arange(len(at)) - np.repeat(np.cumsum(reps) - reps, reps)
    nb_, nc_ = nb[sel][at], nc[sel][at]
    a, b, c = i // (nb_ * nc_), (i // nc_) % nb_, i % nc_
    r, kk = rows[sel][at], k[sel][at]
    if word is None:
        x = np.where(kk >= 2, ids[np.maximum(r - 2, 0), a], BOS_ID)
        y = np.where(kk >= 1, ids[np.maximum(r - 1, 0), b], BOS_ID)
        z = ids[r, c]
    else:
        x = np.where(kk >= 1, ids[np.maximum(r - 1, 0), a], BOS_ID)
        y = ids[r, b]
        z = np.full(len(r), word)
    lp = lm.logprob_ids(x, y, z)
    top[sel] = np.maximum.reduceat(lp, np.cumsum(reps) - reps)
    return top


def segments(n_cands: np.ndarray, lens: np.ndarray) -> list[tuple[int, int]]:
    """(first row, end row) of the parts the search may run on alone.

    Where two positions with one candidate each follow each other, every state of the
    search ends in the same two words, so one state goes on: a sentence is cut there,
    both positions in the part before and the part after (they add the same scores to
    every state of either part).
    """
    one = n_cands == 1
    out = []
    start = 0
    for n in lens.tolist():
        a, end = start, start + n
        both = np.flatnonzero(one[start : end - 1] & one[start + 1 : end]) + start
        for i in both.tolist():
            if i + 2 < end:
                out.append((a, i + 2))
                a = i
        out.append((a, end))
        start = end
    return out


def search(
    lm: LanguageModel,
    ids_all: np.ndarray,
    cost_all: np.ndarray,
    n_cands: np.ndarray,
    parts: list[tuple[int, int]],
    beam: int,
    width: int,
) -> list[list[int]]:
    """Beam search over many sentences in lockstep; the chosen candidate index per position.

    ``parts``: the (first row, end row) of each sentence in the candidate arrays
    (``ids_all``, ``cost_all``: padded to ``width``; ``n_cands``: how many are real).
    All sentences advance one position per step, so a step is one batch of numpy calls
    for the whole text rather than one per token (numpy's per-call overhead dominated).
    Sentences are sorted longest first: the ones still running at a step are a prefix.
    Each sentence keeps ``beam`` states; states that agree on the last two words are
    recombined (the trigram LM cannot tell them apart), keeping the best; among equal
    scores the earlier state, then the earlier candidate, comes first.

    The states and their extensions are held flat, sentence after sentence, with no
    padding: a sentence has only as many states as it has distinct ones, and a position
    only its own candidates.
    """
    if not parts:
        return []
    order = sorted(range(len(parts)), key=lambda i: -(parts[i][1] - parts[i][0]))
    lens = np.array([parts[i][1] - parts[i][0] for i in order])
    starts = np.array([parts[i][0] for i in order])
    n_sent, max_len = len(order), int(lens[0])
    active = (lens[None, :] > np.arange(max_len)[:, None]).sum(axis=1)  # sentences per step
    # the states, flat: sentence, score, last two words; each sentence starts with one
    sent = np.arange(n_sent)
    score = np.zeros(n_sent)
    w1 = np.full(n_sent, BOS_ID, dtype=np.int64)
    w2 = np.full(n_sent, BOS_ID, dtype=np.int64)
    first = np.arange(n_sent + 1)  # sentence s's states: first[s] .. first[s + 1]
    back: list[tuple[np.ndarray, np.ndarray]] = []  # per step: each state's parent, choice
    best = np.zeros(n_sent, dtype=np.int64)  # each sentence's best last state
    span = len(lm.vocab) + 1  # a word id and one more: (sentence, word) as one integer
    for p in range(max_len):
        n = int(active[p])
        if p and n < int(active[p - 1]):  # sentences that ended at the step before
            _finish(lm, best, first, sent, score, w1, w2, n, int(active[p - 1]))
        m = int(first[n])  # the states of running sentences are a prefix
        r = starts[:n] + p  # their positions' rows
        reps = n_cands[r][sent[:m]]  # extensions per state
        state = np.repeat(np.arange(m), reps)
        choice = np.arange(len(state)) - np.repeat(np.cumsum(reps) - reps, reps)
        es = sent[state]
        row = r[es]
        cand = ids_all[row, choice]
        bow = lm.context_backoff(w1[:m], w2[:m])[state]  # each context looked up once
        lp = lm.logprob_ids(w1[state], w2[state], cand, backoff=bow)
        sc = score[state] + lp - cost_all[row, choice]
        # best first within each sentence; ties keep (state, candidate) order
        o = np.lexsort((-sc, es))
        # recombine: of the extensions sharing (sentence, previous word, candidate), the
        # first in that order survives
        key = merge_keys(es * span + w2[state], choice, width)[o]
        by_key = np.argsort(key, kind="stable")
        dup = np.zeros(len(o), dtype=bool)
        dup[by_key[1:]] = key[by_key[1:]] == key[by_key[:-1]]
        keep = o[~dup]
        ks = es[keep]
        count = np.bincount(ks, minlength=n)
        seg = np.cumsum(count) - count
        keep = keep[np.arange(len(keep)) - seg[ks] < beam]  # the ``beam`` best a sentence
        parent = state[keep]
        back.append((parent, choice[keep]))
        sent, score = es[keep], sc[keep]
        w1, w2 = w2[parent], cand[keep]
        first = np.concatenate(([0], np.cumsum(np.minimum(count, beam))))
    _finish(lm, best, first, sent, score, w1, w2, 0, int(active[-1]))
    picks = np.zeros((n_sent, max_len), dtype=np.int64)
    cur = best.copy()
    for p in range(max_len - 1, -1, -1):
        n = int(active[p])
        ends = lens[:n] == p + 1
        cur[:n][ends] = best[:n][ends]  # a sentence's walk back starts at its last step
        parent, choice = back[p]
        picks[:n, p] = choice[cur[:n]]
        cur[:n] = parent[cur[:n]]
    out: list[list[int]] = [[] for _ in parts]
    for k, i in enumerate(order):
        out[i] = picks[k, : lens[k]].tolist()
    return out


def _finish(
    lm: LanguageModel,
    best: np.ndarray,
    first: np.ndarray,
    sent: np.ndarray,
    score: np.ndarray,
    w1: np.ndarray,
    w2: np.ndarray,
    lo: int,
    hi: int,
) -> None:
    """``best[s]`` for the sentences ``lo .. hi`` that ended: the index of their state
    with the best score once the sentence end is scored (the first of equals)."""
    a, b = int(first[lo]), int(first[hi])
    final = score[a:b] + lm.logprob_ids(w1[a:b], w2[a:b], np.full(b - a, EOS_ID))
    o = np.lexsort((-final, sent[a:b]))
    s = sent[a:b][o]
    head = np.ones(len(o), dtype=bool)
    head[1:] = s[1:] != s[:-1]
    best[s[head]] = a + o[head]
