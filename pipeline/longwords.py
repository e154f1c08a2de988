"""The lexicon's long words indexed by one syllable's fold key and its neighbour.

The corrector asks, for a token and the syllable read next to it, which words of three
syllables or more the two may share ("Công thông tin điện tử" -> "Cổng",
:func:`pipeline.correct.choices.term_cands`). Building that index from the word list
costs 0.15–0.2 CPU-s, paid by every process that corrects, so ``bench/build_lexicon.py``
writes it into the lexicon folder (:data:`FILE`) and a process reads it in a few
milliseconds: sorted lines, looked up by bisection, each parsed when first asked for.
A folder without the file, or whose word files changed since it was written (its header
holds their digest), gets the index built from the words instead: the same answers.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

from pipeline.lexicon import FILES, Lexicon, header
from pipeline.vietnamese import fold_key

#: Words of this many syllables or more are indexed.
LONG_WORD = 3
#: The index's file in a lexicon folder (made by bench/build_lexicon.py).
FILE = "longwords.txt"
KIND = "longwords"
#: A neighbour after the syllable (+1) or before it (-1), as written in the file.
_SIDE = {1: ">", -1: "<"}
_MEMO_MAX = 1 << 16  # keys looked up whose answers are kept (a long input stays bounded)

Entry = tuple[tuple[str, ...], int]  # a word's syllables, and which one the key is


def words_digest(folder: Path) -> str:
    """The digest of the word files the index is made from (the words and the terms)."""
    h = hashlib.sha1()
    for name in (FILES["words"], FILES["terms"]):
        h.update((folder / name).read_bytes())
    return h.hexdigest()


def index_lines(words: Iterable[str]) -> list[str]:
    """The index of the long words among ``words``: the words, sorted, one a line; then
    one sorted line a key, "FOLD NEIGHBOUR SIDE<TAB>word:place<TAB>…" (SIDE ">" for the
    syllable after, "<" for the one before, used for a word's last syllable; a word by
    its number in the list)."""
    long = sorted(w for w in words if w.count(" ") >= LONG_WORD - 1)
    out: dict[str, list[str]] = {}
    folded: dict[str, str] = {}  # a few thousand syllables make up every long word
    for n, w in enumerate(long):
        syl = w.split(" ")
        last = len(syl) - 1
        for j, s in enumerate(syl):
            f = folded.get(s)
            if f is None:
                f = folded[s] = fold_key(s)
            key = f"{f} {syl[j + 1]} >" if j < last else f"{f} {syl[j - 1]} <"
            out.setdefault(key, []).append(f"{n}:{j}")
    return long + sorted(f"{k}\t" + "\t".join(v) for k, v in out.items())


def index_text(lex: Lexicon, digest: str) -> str:
    """The file :data:`FILE` for ``lex`` whose word files have ``digest``."""
    return "\n".join([f"{header(KIND)} {digest}", *index_lines(lex.words)]) + "\n"


class LongWords:
    """The index: :meth:`get` gives the long words a syllable and its neighbour share."""

    def __init__(self, lines: list[str]) -> None:
        n = next((i for i, ln in enumerate(lines) if "\t" in ln), len(lines))
        self._words, self._keys = lines[:n], lines[n:]  # each sorted
        self._got: dict[tuple[str, str, int], tuple[Entry, ...]] = {}

    def get(self, fold: str, neighbour: str, side: int) -> tuple[Entry, ...]:
        """(syllables, place) of every long word whose syllable at ``place`` has fold key
        ``fold`` and ``neighbour`` after it (``side`` +1) or before it (-1; only for a
        word's last syllable)."""
        key = (fold, neighbour, side)
        got = self._got.get(key)
        if got is None:
            prefix = f"{fold} {neighbour} {_SIDE[side]}\t"
            keys = self._keys
            i = bisect.bisect_left(keys, prefix)
            got = ()
            if i < len(keys) and keys[i].startswith(prefix):
                got = tuple(self._entry(e) for e in keys[i][len(prefix) :].split("\t"))
            if len(self._got) >= _MEMO_MAX:
                self._got.clear()
            self._got[key] = got
        return got

    def _entry(self, ref: str) -> Entry:
        n, _, j = ref.partition(":")
        return tuple(self._words[int(n)].split(" ")), int(j)


def long_words(lex: Lexicon) -> LongWords:
    """The index of ``lex``'s long words: read from its folder's :data:`FILE` when that
    was made from the folder's word files as they are, else built (once a lexicon)."""
    return _index(lex.words, lex.folder)


@functools.lru_cache(maxsize=4)
def _index(words: frozenset[str], folder: Path | None) -> LongWords:
    if folder is not None and (folder / FILE).is_file():
        lines = (folder / FILE).read_text(encoding="utf-8").split("\n")
        if lines[0] == f"{header(KIND)} {words_digest(folder)}":
            return LongWords([ln for ln in lines[1:] if ln])
    return LongWords(index_lines(words))
