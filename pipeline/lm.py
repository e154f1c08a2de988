"""Syllable trigram language model: interpolated modified Kneser-Ney, built from plain text.

The corrector asks "how likely is syllable w3 after w1 w2?" many thousands of times per
page, so the model is a set of sorted integer-keyed numpy arrays, looked up with
``np.searchsorted`` one query or a whole batch at a time. The file holds statistics only:
a vocabulary, n-gram keys (syllable ids packed into one int64) and quantised log10
probabilities and backoff weights; no sentence of the corpus can be read back from it.

Scores are **log10** probabilities, as in ARPA files: ``ln p = logprob * LN10``.

Tokenisation (:func:`tokenize`, :func:`sentences`) is shared by building and scoring:
NFC, old-style tone placement ("hoà" -> "hòa"), lower case; a run of digits is ``<num>``;
``. ! ? ; :`` end a sentence; other punctuation is dropped. A line break is not a sentence
break (scans are hard-wrapped), except before a structural marker (``1.``, ``a)``, ``-``,
``Điều 5``), after an all-capital heading, or at a blank line.

Building a model (reading a corpus, Kneser-Ney estimation, writing the file) is workshop
work and lives in :mod:`pipeline.workshop.lm_build` (``vnocr lm build``); this module is
what correction loads.

Typical use::

    lm = load_lm()                        # models/lm.npz
    lm.logprob("chăm", "sóc", "trẻ")      # log10 P(trẻ | chăm sóc)
    ids = lm.ids(["chăm", "sóc", "trẻ"])  # np.int32 ids, 0 = <unk>
    lm.logprob_ids(a_ids, b_ids, c_ids)   # vectorised over numpy arrays
"""

from __future__ import annotations

import functools
import json
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.anatomy import LIST_MARKER
from pipeline.errors import ModelFormatError
from pipeline.resources import data_dir
from pipeline.vietnamese import ToneStyle, nfc, place_tone

FORMAT = "vnocr-lm"
FORMAT_VERSION = 1
LN10 = math.log(10.0)
DEFAULT_PATH = data_dir("models") / "lm.npz"

UNK, BOS, EOS, NUM = "<unk>", "<s>", "</s>", "<num>"
SPECIALS = (UNK, BOS, EOS, NUM)
UNK_ID, BOS_ID, EOS_ID, NUM_ID = 0, 1, 2, 3

KEY_BITS = 21  # ids below 2**21 (2 M syllables): three fit exactly in one int64 key
KEY_MASK = (1 << KEY_BITS) - 1
QSCALE = 1000.0  # log10 values are stored as int16 thousandths
_MISSING = -32768  # int16 marker: no such n-gram
FLOOR = -30.0  # log10 of "never": what a quantised probability bottoms out at

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|[.!?;:]")
_SENT_END = frozenset(".!?;:")
_MARKER = re.compile(
    r"^\s*(?:[-–—•+*]\s|\(?\d+(?:\.\d+)*[.)]\s|\(?[a-zđ]\)\s|[IVXLCDM]+\.\s|"
    r"(?:Điều|Chương|Mục|Phần)\s+\d|(?:Điều|Chương|Mục|Phần)\s+[IVXLCDM]+\b)",
)


# ---------------------------------------------------------------------------- tokenisation


@functools.lru_cache(maxsize=1 << 18)
def norm_syllable(word: str) -> str:
    """One token as the model stores it: NFC, lower case, old tone style ("Hoà" -> "hòa")."""
    return place_tone(nfc(word).lower(), ToneStyle.OLD)


def tokenize(text: str) -> list[str]:
    """Tokens of one stretch of text: syllables, ``<num>``, and ``</s>`` at sentence ends.

    >>> tokenize("Điều 5. Hoà giải 2,5 lần")
    ['điều', '<num>', '</s>', 'hòa', 'giải', '<num>', 'lần']
    """
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        ch = tok[0]
        if ch.isdigit():
            out.append(NUM)
        elif ch in _SENT_END:
            if out and out[-1] != EOS:
                out.append(EOS)
        else:
            out.append(norm_syllable(tok))
    return out


def _is_heading(line: str) -> bool:
    return len(line) >= 4 and line.isupper()


def sentences(text: str) -> Iterator[list[str]]:
    """Split a text into sentences of tokens (no ``<s>``/``</s>`` in them).

    Hard-wrapped lines are joined; a new sentence starts at a blank line, before a line
    that opens with a structural marker, after an all-capital heading, and after ``.!?;:``.
    List markers at the start of a line are dropped (they are numbering, not words).
    """
    current: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or _MARKER.match(line) or _is_heading(line):
            if current:
                yield current
                current = []
            if not line:
                continue
        line = LIST_MARKER.sub("", line)
        for tok in tokenize(line):
            if tok == EOS:
                if current:
                    yield current
                    current = []
            else:
                current.append(tok)
        if _is_heading(line) and current:
            yield current
            current = []
    if current:
        yield current


@dataclass(frozen=True)
class Tables:
    """The model's arrays: log10 probabilities and backoffs, quantised (``QSCALE``)."""

    uni_logp: np.ndarray
    uni_bow: np.ndarray
    bi_keys: np.ndarray
    bi_logp: np.ndarray
    bi_bow: np.ndarray
    tri_keys: np.ndarray
    tri_logp: np.ndarray


# ---------------------------------------------------------------------------- the model


class LanguageModel:
    """A loaded trigram model; immutable, safe to share between threads.

    All scores are log10 probabilities. Tokens are normalised by :func:`norm_syllable`
    (case and tone style do not matter); an unknown token gets the id of ``<unk>`` and the
    small probability the model keeps for any unseen word.
    """

    __slots__ = ("_tokens", "_index", "_t", "_top", "meta")

    def __init__(self, tokens: Sequence[str], tables: Tables, meta: dict) -> None:
        self._tokens = tuple(tokens)
        self._index = {t: i for i, t in enumerate(self._tokens)}
        self._t = tables
        self._top: float | None = None
        self.meta = meta

    @property
    def tables(self) -> Tables:
        """The model's arrays (what :func:`pipeline.workshop.lm_build.save` writes)."""
        return self._t

    # -- vocabulary
    @property
    def vocab(self) -> tuple[str, ...]:
        """Tokens in id order: ``<unk> <s> </s> <num>`` then syllables, most frequent first."""
        return self._tokens

    def __len__(self) -> int:
        return len(self._tokens)

    def __contains__(self, token: str) -> bool:
        return self.id(token) != UNK_ID

    def id(self, token: str) -> int:
        """Id of a token (0 = ``<unk>``); digits map to ``<num>``."""
        i = self._index.get(token)
        if i is not None:
            return i
        if token[:1].isdigit():
            return NUM_ID
        return self._index.get(norm_syllable(token), UNK_ID)

    def ids(self, tokens: Iterable[str]) -> np.ndarray:
        """Ids of many tokens as an int32 array."""
        return np.fromiter((self.id(t) for t in tokens), dtype=np.int32)

    # -- scoring
    def logprob(self, w1: str, w2: str, w3: str) -> float:
        """log10 P(w3 | w1 w2); use ``<s>`` for positions before the sentence start."""
        return self.logprob_id(self.id(w1), self.id(w2), self.id(w3))

    def logprob_id(self, a: int, b: int, c: int) -> float:
        """log10 P(c | a b) for one trigram of ids (the scalar twin of logprob_ids)."""
        t = self._t
        ctx = (a << KEY_BITS) | b
        v = _find(t.tri_keys, (ctx << KEY_BITS) | c)
        if v >= 0:
            return int(t.tri_logp[v]) / QSCALE
        i = _find(t.bi_keys, (b << KEY_BITS) | c)
        score = int(t.bi_logp[i]) if i >= 0 else int(t.uni_bow[b]) + int(t.uni_logp[c])
        j = _find(t.bi_keys, ctx)
        if j >= 0:
            score += int(t.bi_bow[j])
        return score / QSCALE

    @property
    def max_logprob(self) -> float:
        """An upper bound of every score :meth:`logprob_ids` gives (log10): what a search
        may assume the model could give back at most for any word."""
        if self._top is not None:
            return self._top
        t = self._t
        bow = max(int(t.bi_bow.max(initial=0)), 0)
        top = max(
            int(t.tri_logp.max(initial=-32768)),
            int(t.bi_logp.max(initial=-32768)) + bow,
            int(t.uni_bow.max(initial=0)) + int(t.uni_logp.max(initial=0)) + bow,
        )
        self._top = float(np.float32(top / QSCALE))
        return self._top

    def context_backoff(self, w1: np.ndarray, w2: np.ndarray) -> np.ndarray:
        """The backoff weight of each context ``w1 w2`` (int32 thousandths of log10; 0 where
        the model has none): the part of :meth:`logprob_ids` that depends on the context
        alone, for a search that scores many words after each of its contexts."""
        a, b = (np.asarray(x, dtype=np.int64) for x in (w1, w2))
        bow3 = _lookup(self._t.bi_keys, self._t.bi_bow, (a << KEY_BITS) | b)
        return np.where(bow3 == _MISSING, 0, bow3)

    def logprob_ids(
        self,
        w1: np.ndarray | int,
        w2: np.ndarray | int,
        w3: np.ndarray | int,
        *,
        backoff: np.ndarray | None = None,
    ) -> np.ndarray:
        """Vectorised log10 P(w3 | w1 w2) over broadcastable id arrays (float32 result).

        The context lookups run on the broadcast of ``w1, w2`` only, so a beam of
        contexts against many candidates (shapes (n, 1) and (1, k)) looks each context
        up once; ``backoff``: :meth:`context_backoff` of ``w1, w2``, when it is known.
        """
        a, b, c = (np.asarray(x, dtype=np.int64) for x in (w1, w2, w3))
        t = self._t
        ctx = (a << KEY_BITS) | b  # shape of broadcast(a, b)
        out = _lookup(t.bi_keys, t.bi_logp, (b << KEY_BITS) | c)
        # backoff to the unigram: bow(b) + P1(c)
        uni = t.uni_bow[b].astype(np.int32) + t.uni_logp[c]
        score = np.where(out == _MISSING, uni, out)
        # trigram context weight, then the trigram itself where it exists
        score = score + (self.context_backoff(a, b) if backoff is None else backoff)
        tri = _lookup(t.tri_keys, t.tri_logp, (ctx << KEY_BITS) | c)
        score = np.where(tri == _MISSING, score, tri)
        shape = np.broadcast_shapes(a.shape, b.shape, c.shape)
        return np.broadcast_to(score / QSCALE, shape).astype(np.float32)

    def score_tokens(self, tokens: Sequence[str], *, bos: bool = True, eos: bool = True) -> float:
        """Total log10 probability of a token sequence (one sentence by default).

        Without ``bos`` the first two tokens are context only and are not scored.
        """
        ids = [BOS_ID, BOS_ID] if bos else []
        ids += [self.id(t) for t in tokens]
        if eos:
            ids.append(EOS_ID)
        if len(ids) < 3:
            return 0.0
        arr = np.array(ids, dtype=np.int64)
        return float(self.logprob_ids(arr[:-2], arr[1:-1], arr[2:]).sum())

    def perplexity(self, text: str) -> tuple[float, int]:
        """Per-token perplexity of a text (``</s>`` counted as a token) and the token count."""
        total, n = 0.0, 0
        for sent in sentences(text):
            total += self.score_tokens(sent)
            n += len(sent) + 1
        return (10 ** (-total / n) if n else float("nan")), n


def _find(keys: np.ndarray, key: int) -> int:
    """Index of ``key`` in the sorted array ``keys``, or -1."""
    i = int(keys.searchsorted(key))
    return i if i < len(keys) and keys[i] == key else -1


def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """values[i] (as int32) where keys[i] == query, else _MISSING; ``keys`` sorted ascending."""
    if len(keys) == 0:
        return np.full(query.shape, _MISSING, dtype=np.int32)
    if query.size >= 512:
        # sorted queries let the binary search reuse its last bounds: ~2x faster on the
        # beam search's batches, despite the sort
        flat = query.ravel()
        order = np.argsort(flat)
        pos = np.empty_like(order)
        pos[order] = np.searchsorted(keys, flat[order])
        pos = np.minimum(pos, len(keys) - 1).reshape(query.shape)
    else:
        pos = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    return np.where(keys[pos] == query, values[pos].astype(np.int32), _MISSING)


def load_lm(path: str | Path = DEFAULT_PATH) -> LanguageModel:
    """Load a model written by :func:`save`; ModelFormatError if it is not one."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(bytes(z["meta"]).decode("utf-8"))
            if meta.get("format") != FORMAT or meta.get("version") != FORMAT_VERSION:
                raise ModelFormatError(
                    f"{path}: not a {FORMAT} v{FORMAT_VERSION} file "
                    f"(found {meta.get('format')} v{meta.get('version')}); rebuild it with "
                    "`vnocr lm build`"
                )
            tokens = bytes(z["vocab"]).decode("utf-8").split("\n")
            tables = Tables(**{k: z[k] for k in Tables.__dataclass_fields__})
    except FileNotFoundError as e:
        raise ModelFormatError(f"{path}: no language model here (run `make models`)") from e
    except ModelFormatError:
        raise
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError) as e:
        raise ModelFormatError(f"{path}: not a readable language model ({e})") from e
    n = len(tokens)
    if (
        tokens[: len(SPECIALS)] != list(SPECIALS)
        or len(tables.uni_logp) != n
        or len(tables.uni_bow) != n
        or len(tables.bi_keys) != len(tables.bi_logp)
        or len(tables.tri_keys) != len(tables.tri_logp)
    ):
        raise ModelFormatError(f"{path}: inconsistent tables; rebuild it with `vnocr lm build`")
    return LanguageModel(tokens, tables, meta)


if __name__ == "__main__":  # the old entry point: python -m pipeline.lm build|score
    from pipeline.workshop.lm_build import main

    raise SystemExit(main())
