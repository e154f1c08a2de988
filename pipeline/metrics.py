"""Error rates between a recognised text and its reference, defined once for the project.

Every figure is an edit distance over a normalised text, divided by the reference length:

* **Normalisation** (shared by both texts, :class:`CompareOptions`): Unicode NFC, one
  tone-placement style (hòa = hoà), whitespace runs and line/page breaks collapsed to one
  space; optionally case folded, punctuation (Unicode category P*) removed, spaces ignored.
  A line break or a tone-placement style is not an OCR error.
* **CER**: Levenshtein distance over Unicode characters (NFC code points, spaces included)
  / reference characters. This is jiwer's ``cer`` on the same normalised strings.
* **WER**: Levenshtein distance over whitespace tokens / reference tokens. A Vietnamese
  whitespace token is one syllable (with any punctuation attached), so this is a syllable
  error rate; it is jiwer's ``wer`` on the same normalised strings.
* **Syllable accuracy**: ``1 - WER`` (can go below 0 when the OCR inserts syllables); the
  figure the Vietnamese OCR literature reports.
* **Diacritic error rates** (:class:`MarkCounts`): over the aligned syllable pairs (matched
  or substituted 1:1) whose *base letters* agree (same :func:`fold_key`: marks, đ and case
  removed) and whose reference contains a letter. Such a pair has a *tone error* when its
  tones (0-5) differ and a *vowel-mark error* when its toneless forms differ after case
  folding, i.e. one of ă â ê ô ơ ư đ is missing, extra or different. Pairs whose base letters
  differ are letter errors, counted by CER/WER and not here.

Alignment is ``rapidfuzz.distance.Levenshtein.opcodes`` over characters, and over syllable
ids for syllables (each distinct syllable string gets an integer), reference → hypothesis.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from pipeline.blockalign import align_sequences, align_strings
from pipeline.vietnamese import (
    ToneStyle,
    fold_key,
    nfc,
    place_tone,
    split_tone,
    strip_tones,
)

_WORD = re.compile(r"[\w\u0300-\u036f]+")
_VOWEL_RUNS = re.compile(r"[aeiouy]+")

#: Symbols used when a confusion involves nothing or a space.
EMPTY, SPACE = "∅", "␣"


@dataclass(frozen=True, slots=True)
class CompareOptions:
    """What counts as a difference when a text is compared with its source.

    The defaults measure OCR as a reader sees it: case, punctuation and marks count; tone
    placement style (hòa/hoà), line breaks and the ellipsis character (… is printed like
    the three dots OCR reads) do not.
    """

    ignore_case: bool = False
    ignore_punctuation: bool = False
    #: Rewrite both texts to this tone style first; None makes hòa ≠ hoà an error.
    tone_style: ToneStyle | None = ToneStyle.OLD
    #: CER over the text with its spaces removed (split/joined words cost nothing).
    ignore_spaces: bool = False
    #: "…" (one character) compares equal to "..." (three): they look the same on paper.
    fold_ellipsis: bool = True

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (the tone style as its name or None)."""
        return {
            "ignore_case": self.ignore_case,
            "ignore_punctuation": self.ignore_punctuation,
            "tone_style": self.tone_style.value if self.tone_style else None,
            "ignore_spaces": self.ignore_spaces,
            "fold_ellipsis": self.fold_ellipsis,
        }


DEFAULT_OPTIONS = CompareOptions()


def _options(options: CompareOptions | None, fold_tone_style: bool = True) -> CompareOptions:
    if options is not None:
        return options
    return DEFAULT_OPTIONS if fold_tone_style else CompareOptions(tone_style=None)


def _fold_style(word: str, style: ToneStyle) -> str:
    """The word in ``style``, if it can be one syllable (one vowel run); else as found.

    OCR garble such as "Hudéng" is no syllable: moving its tone would change the text.
    """
    if len(_VOWEL_RUNS.findall(fold_key(word))) != 1:
        return word
    return place_tone(word, style)


@lru_cache(maxsize=1 << 16)  # a document repeats its syllables: fold each spelling once
def normalize_token(token: str, options: CompareOptions = DEFAULT_OPTIONS) -> str:
    """One whitespace token as it is compared (may become "" when punctuation is removed)."""
    token = nfc(token)
    if options.fold_ellipsis:
        token = token.replace("\u2026", "...")
    if options.tone_style is not None:
        style = options.tone_style
        token = _WORD.sub(lambda m: _fold_style(m.group(0), style), token)
    if options.ignore_case:
        token = token.lower()
    if options.ignore_punctuation:
        token = "".join(ch for ch in token if not unicodedata.category(ch).startswith("P"))
    return token


def tokens(text: str, options: CompareOptions | None = None) -> list[str]:
    """The normalised whitespace tokens (syllables) of a text, empty ones dropped."""
    opts = _options(options)
    out = (normalize_token(t, opts) for t in nfc(text).split())
    return [t for t in out if t]


def normalize(
    text: str, *, fold_tone_style: bool = True, options: CompareOptions | None = None
) -> str:
    """NFC, one tone style, and single spaces (line and page breaks count as a space).

    ``options`` (when given) also decides case and punctuation; ``fold_tone_style=False``
    is the older spelling of ``CompareOptions(tone_style=None)``.
    """
    return " ".join(tokens(text, _options(options, fold_tone_style)))


def char_string(toks: Sequence[str], options: CompareOptions = DEFAULT_OPTIONS) -> str:
    """The string CER is computed on: tokens joined by one space (or none)."""
    return ("" if options.ignore_spaces else " ").join(toks)


def cer(hypothesis: str, reference: str, *, options: CompareOptions | None = None) -> float:
    """Character error rate after :func:`normalize` (0.0 = identical; can exceed 1.0)."""
    opts = _options(options)
    hyp = char_string(tokens(hypothesis, opts), opts)
    ref = char_string(tokens(reference, opts), opts)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(hyp, ref) / len(ref)


def syllables(text: str, *, options: CompareOptions | None = None) -> list[str]:
    """The normalised text split at spaces: Vietnamese syllables with their punctuation."""
    return tokens(text, options)


def wer(hypothesis: str, reference: str, *, options: CompareOptions | None = None) -> float:
    """Word (= syllable) error rate: token edit distance / reference tokens."""
    hyp, ref = syllables(hypothesis, options=options), syllables(reference, options=options)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(hyp, ref) / len(ref)


def syllable_accuracy(
    hypothesis: str, reference: str, *, options: CompareOptions | None = None
) -> float:
    """1 - syllable-level edit distance / reference syllables (may go below 0)."""
    hyp, ref = syllables(hypothesis, options=options), syllables(reference, options=options)
    if not ref:
        return 1.0 if not hyp else 0.0
    return 1.0 - Levenshtein.distance(hyp, ref) / len(ref)


# --------------------------------------------------------------------------- alignment


@dataclass(frozen=True, slots=True)
class Chunk:
    """One run of an alignment: ``ref[ref_start:ref_end]`` became ``hyp[hyp_start:hyp_end]``.

    ``op`` is "equal", "replace" (same length on both sides), "delete" (in the reference,
    missing from the hypothesis) or "insert" (only in the hypothesis).
    """

    op: str
    ref_start: int
    ref_end: int
    hyp_start: int
    hyp_end: int


@dataclass(frozen=True, slots=True)
class EditCounts:
    """Hits, substitutions, deletions and insertions of one optimal alignment."""

    hits: int
    substitutions: int
    deletions: int
    insertions: int

    @property
    def reference_length(self) -> int:
        """Units in the reference (hits + substitutions + deletions)."""
        return self.hits + self.substitutions + self.deletions

    @property
    def errors(self) -> int:
        """The edit distance: substitutions + deletions + insertions."""
        return self.substitutions + self.deletions + self.insertions

    @property
    def rate(self) -> float:
        """errors / reference length (0 for two empty texts, 1 for text against nothing)."""
        n = self.reference_length
        if n == 0:
            return 0.0 if self.insertions == 0 else 1.0
        return self.errors / n


def align(reference: Sequence[str] | str, hypothesis: Sequence[str] | str) -> tuple[Chunk, ...]:
    """Levenshtein alignment, reference → hypothesis, as chunks: optimal for inputs of
    normal size, block by block for long ones (pipeline.blockalign: about linear cost).

    Sequences of strings are aligned on integer ids (one per distinct string), strings on
    their characters.
    """
    if isinstance(reference, str) and isinstance(hypothesis, str):
        ops = align_strings(reference, hypothesis)
    else:
        ids: dict[str, int] = {}
        a = [ids.setdefault(t, len(ids)) for t in reference]
        b = [ids.setdefault(t, len(ids)) for t in hypothesis]
        ops = align_sequences(a, b)
    return tuple(Chunk(*op) for op in ops)


def count_edits(chunks: Iterable[Chunk]) -> EditCounts:
    """Hits/substitutions/deletions/insertions of an alignment from :func:`align`."""
    n = {"equal": 0, "replace": 0, "delete": 0, "insert": 0}
    for c in chunks:
        n[c.op] += max(c.ref_end - c.ref_start, c.hyp_end - c.hyp_start)
    return EditCounts(n["equal"], n["replace"], n["delete"], n["insert"])


def aligned_pairs(chunks: Iterable[Chunk]) -> Iterable[tuple[int, int]]:
    """(reference index, hypothesis index) of every matched or 1:1 substituted unit."""
    for c in chunks:
        if c.op in ("equal", "replace"):
            yield from zip(
                range(c.ref_start, c.ref_end), range(c.hyp_start, c.hyp_end), strict=True
            )


# --------------------------------------------------------------------------- diacritics


@dataclass(frozen=True, slots=True)
class MarkCounts:
    """Diacritic errors over aligned syllable pairs whose base letters agree.

    ``pairs`` is the denominator of every rate; a pair may have both a tone and a vowel-mark
    error, and then counts once in ``any_errors``.
    """

    pairs: int = 0
    tone_errors: int = 0
    vowel_errors: int = 0
    any_errors: int = 0

    @property
    def tone_rate(self) -> float:
        """Pairs with a wrong tone / pairs."""
        return self.tone_errors / self.pairs if self.pairs else 0.0

    @property
    def vowel_rate(self) -> float:
        """Pairs with a wrong vowel mark (ă â ê ô ơ ư đ) / pairs."""
        return self.vowel_errors / self.pairs if self.pairs else 0.0

    @property
    def rate(self) -> float:
        """Pairs with any wrong mark / pairs: the diacritic error rate."""
        return self.any_errors / self.pairs if self.pairs else 0.0


@lru_cache(maxsize=1 << 16)  # a long text repeats its syllable pairs: most are asked again
def mark_errors(ref: str, hyp: str) -> tuple[bool, bool] | None:
    """(tone wrong, vowel mark wrong) for a syllable pair, or None if not comparable.

    Comparable means same base letters (:func:`fold_key`) and a letter in the reference.
    """
    if fold_key(ref) != fold_key(hyp) or not any(ch.isalpha() for ch in ref):
        return None
    tone_wrong = split_tone(ref)[1] != split_tone(hyp)[1]
    vowel_wrong = strip_tones(ref).casefold() != strip_tones(hyp).casefold()
    return tone_wrong, vowel_wrong


def count_marks(ref: Sequence[str], hyp: Sequence[str], chunks: Iterable[Chunk]) -> MarkCounts:
    """:class:`MarkCounts` over a syllable alignment of ``ref`` and ``hyp``."""
    pairs = tones = vowels = either = 0
    for i, j in aligned_pairs(chunks):
        errs = mark_errors(ref[i], hyp[j])
        if errs is None:
            continue
        pairs += 1
        tones += errs[0]
        vowels += errs[1]
        either += errs[0] or errs[1]
    return MarkCounts(pairs, tones, vowels, either)


# --------------------------------------------------------------------------- confusions


def _show(s: str) -> str:
    return s.replace(" ", SPACE) if s else EMPTY


def char_confusions(ref: str, hyp: str, chunks: Iterable[Chunk]) -> Counter[tuple[str, str]]:
    """Count what each reference character (or short run) was read as.

    Neighbouring edits form one region. A region of equal length on both sides counts
    character by character ("ă"→"a"); a short unequal one counts whole ("ủ"→"ii",
    "đ"→""); a long one counts its edits one character at a time. Spaces show as ␣,
    nothing as ∅.
    """
    out: Counter[tuple[str, str]] = Counter()
    region: list[Chunk] = []

    def flush() -> None:
        if not region:
            return
        r = ref[region[0].ref_start : region[-1].ref_end]
        h = hyp[region[0].hyp_start : region[-1].hyp_end]
        if len(r) == len(h):
            out.update((_show(a), _show(b)) for a, b in zip(r, h, strict=True))
        elif len(r) <= 3 and len(h) <= 3:
            out[(_show(r), _show(h))] += 1
        else:
            for c in region:
                rr, hh = ref[c.ref_start : c.ref_end], hyp[c.hyp_start : c.hyp_end]
                if c.op == "replace":
                    out.update((_show(a), _show(b)) for a, b in zip(rr, hh, strict=True))
                elif c.op == "delete":
                    out.update((_show(a), EMPTY) for a in rr)
                else:
                    out.update((EMPTY, _show(b)) for b in hh)
        region.clear()

    for c in chunks:
        if c.op == "equal":
            flush()
        else:
            region.append(c)
    flush()
    return out


def syllable_confusions(
    ref: Sequence[str], hyp: Sequence[str], chunks: Iterable[Chunk]
) -> Counter[tuple[str, str]]:
    """Count reference syllable → hypothesis syllable substitutions ("của"→"ciia")."""
    return Counter((ref[i], hyp[j]) for i, j in aligned_pairs(chunks) if ref[i] != hyp[j])
