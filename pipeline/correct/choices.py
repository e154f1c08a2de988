"""What each position of the search may become: a token's candidates by its gate.

A kept token has one candidate (itself); a known syllable in a good block may change its
tone, or a vowel mark where that makes a word with a neighbour; a known syllable the OCR
read with low confidence may change more cheaply; everything else gets the candidates of
its regime's channel table (:mod:`pipeline.correct.candidates`).
"""

from __future__ import annotations

import numpy as np

from pipeline.channel import letter_key, marks
from pipeline.correct.candidates import CACHE_MAX, Cands, make_cands, ranked
from pipeline.correct.config import Mode, Regime
from pipeline.correct.context import Corrector
from pipeline.correct.tokens import Kind, Token, fold_word, is_consonant_caps, is_letter_ref
from pipeline.lexicon import Lexicon, normalize_syllable
from pipeline.lm import NUM_ID

TONES_ONLY = range(5)  # a syllable's other tones: the most "tone" candidates it has


def fixed_cands(corr: Corrector, core: str) -> Cands:
    """The one candidate of a token kept as written (numbers: the LM's number id)."""
    low = core.lower()
    fixed = corr.memo.fixed
    got = fixed.get(low)
    if got is None:
        lid = NUM_ID if core[:1].isdigit() else corr.lm.id(low)
        got = make_cands((low,), np.array([lid], dtype=np.int64), np.zeros(1), corr.width)
        fixed[low] = got
    return got


def token_cands(
    corr: Corrector, t: Token, mode: Mode, regime: Regime, drop: float | None = None
) -> Cands:
    """The candidates of token ``t`` read in a block of ``mode``/``regime``."""
    cfg = corr.config
    if t.kind == Kind.FIXED:
        return fixed_cands(corr, t.new or t.core)
    if (mode == Mode.GOOD or regime == Regime.VIE) and (
        t.unit or is_letter_ref(t.core, corr.lex) or is_consonant_caps(t.core)
    ):
        return fixed_cands(corr, t.core)
    if mode == Mode.GOOD:
        if t.kind == Kind.WORD and corr.lex.is_syllable(t.core):
            if t.conf is not None and t.conf >= cfg.keep_conf:
                return fixed_cands(corr, t.core)
            return corr.cands(t.core, Regime.TONE, drop)
        if regime == Regime.VIE and t.kind == Kind.GARBLED:
            return corr.cands(t.core, Regime.GARBLED, drop)
        return corr.cands(t.core, regime, drop)
    if (
        regime == Regime.VIE
        and t.conf is not None
        and t.conf >= cfg.keep_conf
        and t.kind == Kind.WORD
        and corr.lex.is_syllable(t.core)
        and not t.core.isascii()
    ):
        return fixed_cands(corr, t.core)
    if mode == Mode.RESTORE:
        if t.kind == Kind.WORD:
            return corr.cands(t.core, Regime.RESTORE)
        return corr.cands(t.core, Regime.MARKLESS)
    if regime == Regime.VIE and t.kind == Kind.GARBLED:
        return corr.cands(t.core, Regime.GARBLED, drop)
    return corr.cands(t.core, regime, drop)


def word_cands(corr: Corrector, t: Token, cands: Cands, line: list[Token], k: int) -> Cands:
    """Add the other spellings of a syllable that make a word with a neighbour.

    In a good block a known syllable may only change its tone; but a vowel mark or the
    stroke of đ is misread too ("nguyên tác" for "nguyên tắc", "giãy tờ" for "giấy
    tờ"). A spelling that makes a known word with a neighbour becomes a candidate at
    its channel cost; the language model decides ("nguyên tác" is a word too, but far
    less likely than "nguyên tắc" before "có đi có lại").

    Two neighbours may both be misread, each into a known syllable ("tô chúc" for "tổ
    chức"): where the two as read make no word, a spelling that makes a word with any
    spelling of the neighbour counts too (the neighbour's own candidates hold the
    other half: its other tones, or its spellings found the same way).
    """
    low = t.core.lower()
    memo = corr.memo
    others = memo.spellings.get(low)
    if others is None:
        lk = letter_key(low)
        others = memo.spellings[low] = tuple(
            s for s in corr.lex.candidates(low) if letter_key(s) != lk
        )
    if (not others and len(cands.words) < 2) or (t.conf or 0.0) >= corr.config.keep_conf:
        return cands
    prev = line[k - 1].core if k and not line[k - 1].trail and not t.lead else ""
    nxt = line[k + 1].core if k + 1 < len(line) and not t.trail and not line[k + 1].lead else ""
    # a neighbour of alternatives ("có định/công cụ"): the word next to this one
    prev, nxt = prev.rpartition("/")[2], nxt.partition("/")[0]
    if not (prev.isalpha() or nxt.isalpha()):
        return cands
    key = (low, prev.lower(), nxt.lower())
    # the value is built from ``cands``, which differ by gate and page (drop rate): the
    # key holds which ``cands`` it came from, or a page would get what another page's
    # candidates gave (scores then depended on the documents corrected before)
    mkey = (*key, id(cands))
    got = memo.words.get(mkey)
    if got is None or got[0] is not cands:
        if len(memo.words) >= CACHE_MAX:
            memo.words.clear()
        got = memo.words[mkey] = (cands, _with_word_spellings(corr, key, others, cands))
    return got[1]


def _with_word_spellings(
    corr: Corrector, key: tuple[str, str, str], others: tuple[str, ...], cands: Cands
) -> Cands:
    low, prev, nxt = key
    lex, cfg = corr.lex, corr.config
    words = lex.words  # "a b" is in it exactly when syllables a and b make a word
    me = lex.normalize(low)
    p = normalize_syllable(prev) if prev.isalpha() else ""
    n = normalize_syllable(nxt) if nxt.isalpha() else ""
    found: list[str] = []
    if others:
        left = _spellings_with(corr, low, me, p, others, -1)
        right = _spellings_with(corr, low, me, n, others, 1)
        if left or right:
            found = [s for s in others if s in left or s in right]
    toned: set[str] = set()
    # another tone that makes a word with a neighbour as read, where the token as read
    # makes none ("tín đô" -> "tín đồ", "BỆNH VIÊN" -> "BỆNH VIỆN"): a word is likelier
    if (
        cfg.word_bonus
        and len(cands.words) > 1
        and f"{p} {me}" not in words
        and f"{me} {n}" not in words
    ):
        toned = {w for w in cands.words if w != me and (f"{p} {w}" in words or f"{w} {n}" in words)}
    if not found and not toned:
        return cands
    scored = [(float(c), w) for w, c in zip(cands.words, cands.cost, strict=True)]
    if toned:
        scored = [(c - cfg.word_bonus if w in toned else c, w) for c, w in scored]
    table = corr.channel[Regime.VIE]
    extra = [(table.cost(s, low) + cfg.good_margin, s) for s in found]
    own = dict((w, c) for c, w in scored).get(me, table.cost(me, low))
    return corr.cands.finish(scored + extra, me, own)


def term_cands(corr: Corrector, t: Token, cands: Cands, line: list[Token], k: int) -> Cands:
    """Another tone that completes a long word with the neighbours as read costs
    ``word_bonus`` less for every other syllable of that word ("Công thông tin điện tử"
    -> "Cổng"): each neighbour read as printed is evidence of the word they spell, and
    the LM's trigrams see two of them at most. Only where the token as read completes no
    long word there itself."""
    cfg = corr.config
    if not cfg.word_bonus or len(cands.words) < 2:
        return cands
    lex = corr.lex
    me = lex.normalize(t.core.lower())
    n = len(line)
    right = _read(lex, line, k + 1) if k + 1 < n else ""
    left = _read(lex, line, k - 1) if k else ""
    fold = fold_word(me)
    index = corr.long_words
    found = index.get(fold, right, 1) + index.get(fold, left, -1)
    if not found:
        return cands
    words = cands.words
    reads = {k - 1: left, k + 1: right}  # the line as read, looked at once a position
    bonus: dict[str, float] = {}
    for syl, j in found:
        w = syl[j]
        # only a spelling among the candidates (or the token's own) can change anything
        if w != me and w not in words:
            continue
        start = k - j
        if start < 0 or start + len(syl) > n or not _spelled_by(lex, line, start, syl, j, reads):
            continue
        if w == me:
            return cands  # the token as read completes a long word: evidence it is right
        gain = cfg.word_bonus * (len(syl) - 1)
        bonus[w] = max(bonus.get(w, 0.0), gain)
    if not bonus.keys() & set(cands.words):
        return cands
    floor = cfg.doubt_floor  # the LM still has the last word
    scored = [
        (max(float(c) - bonus[w], floor) if w in bonus else float(c), w)
        for w, c in zip(cands.words, cands.cost, strict=True)
    ]
    own = dict(zip(cands.words, cands.cost, strict=True))[me] if me in cands.words else 0.0
    return corr.cands.finish(scored, me, float(own))


def _read(lex: Lexicon, line: list[Token], i: int) -> str:
    """The lexicon spelling of the ``i``-th token of ``line`` as read."""
    return lex.normalize(line[i].core.lower())


def _spelled_by(
    lex: Lexicon,
    line: list[Token],
    start: int,
    syl: tuple[str, ...],
    j: int,
    reads: dict[int, str],
) -> bool:
    """Do the tokens of ``line`` from ``start`` read as the syllables ``syl`` (the
    ``j``-th aside), with no punctuation inside the run? ``reads``: the lexicon spellings
    of tokens of the line already read (by position), added to."""
    last = len(syl) - 1
    for i, s in enumerate(syl):
        x = line[start + i]
        if (i < last and x.trail) or (i and x.lead):
            return False
        if i != j:
            got = reads.get(start + i)
            if got is None:
                got = reads[start + i] = lex.normalize(x.core.lower())
            if got != s:
                return False
    return True


def _spellings_with(
    corr: Corrector, low: str, me: str, nb: str, others: tuple[str, ...], side: int
) -> frozenset[str]:
    """The spellings ``others`` of token ``low`` (lexicon spelling ``me``) that make a
    word with a spelling of the neighbour ``nb`` before it (``side`` -1) or after it (+1),
    kept per (token, neighbour, side): a pair recurs far more often than a token's two
    neighbours together."""
    key = (low, nb, side)
    memo = corr.memo.pairs
    got = memo.get(key)
    if got is None:
        lex, words = corr.lex, corr.lex.words
        # every spelling here folds as the token, every form as the neighbour: without a
        # word of those two fold keys there is nothing to look up (most pairs)
        pair = (
            f"{fold_word(nb)} {fold_word(me)}" if side < 0 else f"{fold_word(me)} {fold_word(nb)}"
        )
        if not nb or pair not in corr.pair_folds:
            got = frozenset()
        # every pair looked up at once; a hit's other half is the spelling it found
        elif side < 0:
            forms = _neighbour_forms(lex, nb, f"{nb} {me}")
            hits = words.intersection([f"{b} {s}" for b in forms for s in others])
            got = frozenset(h.rpartition(" ")[2] for h in hits)
        else:
            forms = _neighbour_forms(lex, nb, f"{me} {nb}")
            hits = words.intersection([f"{s} {a}" for a in forms for s in others])
            got = frozenset(h.partition(" ")[0] for h in hits)
        if len(memo) >= CACHE_MAX:
            memo.clear()
        memo[key] = got
    return got


def _neighbour_forms(lex: Lexicon, nb: str, pair: str) -> tuple[str, ...]:
    """The neighbour ``nb`` (lexicon spelling, or "") as read, and all its spellings when
    ``pair``, the two as read, is no word: what it may stand for in a word with this
    token.

    Two syllables hold no space, so a two-syllable word is looked up as its spelling in
    the word list; no index of the list by syllable is built (it cost 0.1 s a process).
    """
    if not nb:
        return ()
    if pair in lex.words or not lex.is_syllable(nb):
        return (nb,)
    return (nb, *lex.candidates(nb))


def doubt(corr: Corrector, t: Token, cands: Cands) -> Cands:
    """Cheaper alternatives for a known syllable that the OCR read with low confidence."""
    boost = 0.0
    for limit, b in corr.config.conf_boost:
        if t.conf < limit:  # type: ignore[operator]
            boost = b
            break
    return _cheaper(corr, t, cands, boost)


def caps_doubt(corr: Corrector, t: Token, cands: Cands) -> Cands:
    """Cheaper alternatives for a known syllable in a line of capitals: their marks are
    small and crowded, and a dot below or a hook is lost more often ("BỆNH VIÊN")."""
    return _cheaper(corr, t, cands, corr.config.caps_boost)


def caps_marks(corr: Corrector, t: Token, cands: Cands) -> Cands:
    """Every other marking of a capital word's letters above them (tone, circumflex,
    breve) as a candidate, ``caps_boost`` cheaper than its channel cost: in a line of
    capitals the letters stand tall and are read right, the marks over them are small and
    crowded, so a wrong one is the likely slip ("VẺ NGƯỜI CAO TUỔI" for "VỀ"). The channel
    table alone ranks letter changes ("lẻ", "đẻ") before a second mark and leaves such
    spellings out of the list. The horn of Ư/Ơ and the bar of Đ are part of the letter's
    shape, as large as it: they stay as read."""
    low = t.core.lower()
    alts = [
        s for s in corr.lex.candidates(low) if s not in cands.words and _shaped(s) == _shaped(low)
    ]
    if not alts:
        return cands
    key = (id(cands), "caps")
    memo = corr.memo.doubt
    got = memo.get(key)
    if got is None or got[0] is not cands:
        cfg = corr.config
        table = corr.channel[Regime.VIE]
        extra = [max(table.cost(s, low) - cfg.caps_boost, cfg.doubt_floor) for s in alts]
        words = cands.words + tuple(alts)
        ids = np.concatenate([cands.ids, [corr.lm.id(s) for s in alts]]).astype(np.int64)
        cost = np.concatenate([cands.cost, extra])
        # the search takes ``width`` a position: the likeliest, and the token as read
        rank = ranked(cost, np.array([corr.lex.logprior(w) for w in words]))
        rank[[w in (low, corr.lex.normalize(low)) for w in words]] = -np.inf
        keep = np.sort(np.argsort(rank, kind="stable")[: corr.width])
        words = tuple(words[i] for i in keep)
        if len(memo) >= CACHE_MAX:
            memo.clear()
        got = memo[key] = (cands, make_cands(words, ids[keep], cost[keep], corr.width))
    return got[1]


def _shaped(word: str) -> frozenset[tuple[int, str]]:
    """The horns and bars of ``word``'s letters (ư ơ đ), by letter index
    (:func:`~pipeline.channel.marks`)."""
    return frozenset(m for m in marks(word)[1] if m[1] in ("horn", "stroke"))


def _cheaper(corr: Corrector, t: Token, cands: Cands, boost: float) -> Cands:
    """``cands`` with every spelling but the token's own ``boost`` cheaper (never below
    ``doubt_floor``); a token that is no known syllable keeps its costs."""
    if not boost or not corr.lex.is_syllable(t.core):
        return cands
    key = (id(cands), boost)
    memo = corr.memo.doubt
    got = memo.get(key)
    if got is None or got[0] is not cands:
        keep = corr.lex.normalize(t.core.lower())
        cost = np.where(
            np.array([w == keep for w in cands.words]),
            cands.cost,
            np.maximum(cands.cost - boost, corr.config.doubt_floor),
        )
        if len(memo) >= CACHE_MAX:
            memo.clear()
        got = memo[key] = (cands, make_cands(cands.words, cands.ids, cost, corr.width))
    return got[1]
