"""The beam search of correction against a plain one written for reading, not speed."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.correct import Corrector
from pipeline.correct.candidates import Cands, make_cands
from pipeline.correct.decode import (
    BOUND_TRIGRAMS,
    decode_all,
    reachable_top,
    search,
    segments,
    settle,
)
from pipeline.lm import BOS_ID, EOS_ID, LanguageModel

WIDTH = 16


def plain_beam(lm: LanguageModel, sent: list[Cands], beam: int) -> list[int]:
    """One sentence, one state at a time: extensions best first (ties: earlier state,
    then earlier candidate), the first of each (previous word, candidate) kept, ``beam``
    of them; at the end the best once the sentence end is scored. LM scores are float32,
    as the batched lookup gives them."""
    states: list[tuple[float, int, int, list[int]]] = [(0.0, BOS_ID, BOS_ID, [])]
    for c in sent:
        ext = []
        for j, (s, a, b, path) in enumerate(states):
            for q, cid in enumerate(c.ids.tolist()):
                sc = s + float(np.float32(lm.logprob_id(a, b, cid))) - float(c.cost[q])
                ext.append((-sc, j, q, sc, b, cid, path + [q]))
        ext.sort(key=lambda e: (e[0], e[1], e[2]))
        seen, kept = set(), []
        for _, _, q, sc, b, cid, path in ext:
            if (b, q) not in seen:
                seen.add((b, q))
                kept.append((sc, b, cid, path))
        states = kept[:beam]
    final = [s + float(np.float32(lm.logprob_id(a, b, EOS_ID))) for s, a, b, _ in states]
    return states[int(np.argmax(final))][3]


def random_sentences(lm: LanguageModel, rng: np.random.Generator) -> list[list[Cands]]:
    """A few sentences of random candidates: common syllables (where the LM knows many
    trigrams), any ids, equal costs (ties) and spread ones, one to ``WIDTH`` a position."""
    out = []
    for _ in range(int(rng.integers(1, 6))):
        sent = []
        for _ in range(int(rng.integers(1, 12))):
            k = int(rng.integers(1, WIDTH + 1))
            top = 300 if rng.random() < 0.7 else len(lm.vocab)
            ids = rng.integers(4, top, k).astype(np.int64)
            cost = np.round(rng.random(k) * 4, 1) if rng.random() < 0.6 else np.zeros(k)
            sent.append(make_cands(tuple(map(str, ids)), ids, cost, WIDTH))
        out.append(sent)
    return out


def _arrays(sents: list[list[Cands]]) -> tuple[np.ndarray, ...]:
    rows = [c for s in sents for c in s]
    return (
        np.stack([c.pid for c in rows]),
        np.stack([c.pcost for c in rows]),
        np.array([len(c.ids) for c in rows]),
        np.array([len(s) for s in sents]),
    )


def test_lockstep_search_is_the_plain_beam_search(corr: Corrector) -> None:
    rng = np.random.default_rng(7)
    for _ in range(60):
        sents = random_sentences(corr.lm, rng)
        beam = int(rng.integers(1, 9))
        ids, cost, n_cands, lens = _arrays(sents)
        ends = np.cumsum(lens)
        parts = list(zip((ends - lens).tolist(), ends.tolist(), strict=True))
        got = search(corr.lm, ids, cost, n_cands, parts, beam, WIDTH)
        assert got == [plain_beam(corr.lm, s, beam) for s in sents]


def test_settling_and_cutting_keep_the_search_result(corr: Corrector) -> None:
    """decode_all settles positions and searches the parts between them; on random
    candidates and on real sentences it picks what the search of whole sentences picks."""
    rng = np.random.default_rng(11)
    for _ in range(60):
        sents = random_sentences(corr.lm, rng)
        beam = int(rng.integers(1, 9))
        assert decode_all(corr.lm, sents, beam, WIDTH) == [
            plain_beam(corr.lm, s, beam) for s in sents
        ]
    text = "Ủy ban nhân dân tỉnh quyết định phê duyệt kế hoạch tổ chức thực hiện"
    sent = [corr.candidates(w, "tone") for w in text.lower().split()]
    assert decode_all(corr.lm, [sent], 8, corr.width) == [plain_beam(corr.lm, sent, 8)]


def test_a_cheap_rival_is_never_settled(corr: Corrector) -> None:
    """A position settles only where its other candidates cost more than the LM could
    give back: with two candidates of equal cost nothing settles, nor where the rival
    costs 0.1 more but reads about 1 better ("số số động" against "số số số")."""
    so, dong = corr.lm.id("số"), corr.lm.id("động")
    ids = np.array([[so, dong] + [0] * (WIDTH - 2)] * 3, dtype=np.int64)
    ids[2, :2] = [dong, so]
    cost = np.full((3, WIDTH), 1e9)
    cost[:, :2] = [[0.0, 0.0], [0.0, 50.0], [0.0, 0.1]]
    pick = settle(corr.lm, ids, cost, np.array([2, 2, 2]), np.array([3]))
    assert pick.tolist() == [-1, 0, -1]


def test_a_rival_no_context_can_favour_is_settled(corr: Corrector) -> None:
    """The bound is the best trigram the candidates around a term can make, not the
    best score of the model: "động" after "số số" or "động số" and before the end
    reads about 1 worse than "số" in every context it can have, so at a cost of 0.1
    more it is settled (the model's best score, 0, would have left it open)."""
    so, dong = corr.lm.id("số"), corr.lm.id("động")
    ids = np.array([[so, dong] + [0] * (WIDTH - 2)] * 3, dtype=np.int64)
    cost = np.full((3, WIDTH), 1e9)
    cost[:, :2] = [[0.0, 0.0], [0.0, 50.0], [0.0, 0.1]]
    pick = settle(corr.lm, ids, cost, np.array([2, 2, 2]), np.array([3]))
    assert pick.tolist() == [-1, 0, 0]


def test_reachable_top_is_the_best_trigram_of_the_candidates(corr: Corrector) -> None:
    """reachable_top against a plain loop over every trigram the candidates make, on
    random sentences (and the model's best score where there are too many)."""
    lm = corr.lm
    rng = np.random.default_rng(5)
    for _ in range(20):
        sents = random_sentences(lm, rng)
        ids, _, n_cands, lens = _arrays(sents)
        rows = np.arange(len(ids))
        k = rows - np.repeat(np.cumsum(lens) - lens, lens)
        got = reachable_top(lm, ids, n_cands, rows, k, None)
        last = np.cumsum(lens) - 1
        got_end = reachable_top(lm, ids, n_cands, last, lens - 1, EOS_ID)
        for r in rows.tolist():
            c = [ids[r, : n_cands[r]].tolist()]
            for back in (1, 2):
                c.insert(
                    0, ids[r - back, : n_cands[r - back]].tolist() if k[r] >= back else [BOS_ID]
                )
            want = _best(lm, *c)
            assert got[r] == pytest.approx(want, abs=1e-6)
        for i, r in enumerate(last.tolist()):
            a = ids[r - 1, : n_cands[r - 1]].tolist() if k[r] >= 1 else [BOS_ID]
            want = _best(lm, a, ids[r, : n_cands[r]].tolist(), [EOS_ID])
            assert got_end[i] == pytest.approx(want, abs=1e-6)


def _best(lm: LanguageModel, xs: list[int], ys: list[int], zs: list[int]) -> float:
    """The best float32 score of the trigrams of ``xs``, ``ys``, ``zs``, or the model's
    best score past BOUND_TRIGRAMS of them."""
    if len(xs) * len(ys) * len(zs) > BOUND_TRIGRAMS:
        return lm.max_logprob
    return max(float(np.float32(lm.logprob_id(x, y, z))) for x in xs for y in ys for z in zs)


def test_segments_cut_where_two_single_positions_follow() -> None:
    n_cands = np.array([3, 1, 1, 2, 4, 1, 1, 1, 2, 1])
    lens = np.array([8, 2])
    # rows 1-2 single: the parts 0..3 and 1..7 overlap on them, 1..7 and 5..8 on 5-6
    assert segments(n_cands, lens) == [(0, 3), (1, 7), (5, 8), (8, 10)]


def test_sentences_searched_in_groups_give_every_sentence_once(
    corr: Corrector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """decode_all cuts long text into groups of about GROUP_ROWS positions; with groups of
    a few positions (a group boundary after almost every sentence) each sentence still
    gets its own picks, in order (a sentence dropped, repeated or split would not)."""
    import pipeline.correct.decode as decode

    rng = np.random.default_rng(13)
    sents = [s for _ in range(8) for s in random_sentences(corr.lm, rng)]
    want = [plain_beam(corr.lm, s, 4) for s in sents]
    for rows in (1, 5, 17):
        monkeypatch.setattr(decode, "GROUP_ROWS", rows)
        assert decode_all(corr.lm, sents, 4, WIDTH) == want
