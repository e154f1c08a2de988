"""The lexicon: Vietnamese syllables, words, names, abbreviations and domain terms.

The corrector needs to know, fast, whether a token is a real syllable, which real
syllables fold to the same mark-less key ("tang" -> tăng, tầng, tặng …), whether a run
of syllables is a known word ("huyện ủy"), and whether a token is an abbreviation or a
document code to keep as it is ("UBND", "28-CT/TW"). The data lives in text files under
``lexicon/`` (built by ``bench/build_lexicon.py`` from installed word lists and corpus
counts, plus hand-written lists); every file starts with a format line, and everything in
it is NFC, lower case where case does not matter, with old-style tone placement ("hòa").

:func:`is_valid_syllable` is the structural check (onset + rhyme + tone) used to keep
junk out when the lexicon is built; it accepts any well-formed syllable, in use or not.

Typical use::

    lex = load_lexicon()
    lex.is_syllable("Hoà")            # True: case and tone style do not matter
    lex.syllables_by_key("tang")      # ('tăng', 'tầng', 'tặng', …), most frequent first
    lex.is_word(("huyện", "ủy"))      # True
    lex.is_abbreviation("UBND")       # True
    lex.is_code("28-CT/TW")           # True
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from pipeline.errors import ModelFormatError
from pipeline.resources import data_dir
from pipeline.vietnamese import ToneStyle, fold_key, nfc, place_tone, split_tone

FORMAT = "vnocr-lexicon"
FORMAT_VERSION = 1
DEFAULT_DIR = data_dir("lexicon")

#: The files of a lexicon folder and what each holds (one entry a line after the header).
FILES = {
    "syllables": "syllables.txt",  # syllable <TAB> corpus count <TAB> source letters
    "words": "words.txt",  # multi-syllable words and place names, lower case, space-separated
    "names": "names.txt",  # place names as written (provinces, districts, communes)
    "abbreviations": "abbreviations.txt",  # ABBR <TAB> expansion (hand-written)
    "terms": "terms.txt",  # domain terms, Party and administrative (hand-written)
    "codes": "codes.txt",  # SEGMENT <TAB> count: letter segments of corpus document codes
    "case": "case.txt",  # syllable <TAB> capitalised <TAB> seen: mid-sentence capitals
}

# ---------------------------------------------------------------------------- syllable shape


def _words(text: str) -> list[str]:
    return text.split()


_ONSETS = frozenset(_words("b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x"))
# Rhymes (medial + nucleus + coda), toneless and lower case, as spelled after an onset
# (or with no onset). ``y`` stands for ``i`` where the spelling allows both (ly/li).
_RHYMES = frozenset(
    _words(
        """
    a ai ao au ay ac ach am an ang anh ap at
    ăc ăm ăn ăng ăp ăt
    âc âm ân âng âp ât âu ây
    e eo ec em en eng ep et
    ê êch êm ên ênh êp êt êu
    i ia iu ich im in inh ip it
    iêc iêm iên iêng iêp iêt iêu
    y ych ym yn ynh yp yt
    yêm yên yêng yêt yêu
    o oi oc om on ong op ot oong ooc
    oa oai oao oay oac oach oam oan oang oanh oap oat
    oăc oăm oăn oăng oăt
    oe oeo oem oen oeng oet
    ô ôi ôc ôm ôn ông ôp ôt
    ơ ơi ơc ơm ơn ơp ơt
    u ua ui uc um un ung up ut
    uôi uôc uôm uôn uông uôp uôt
    uân uâng uât uây
    uê uêch uênh uêt
    uy uya uyu uych uyn uynh uyt uyp
    uyên uyêt
    uơ
    ak ăk ek ok ôk uk
    ư ưa ưi ưu ưc ưm ưn ưng ưt
    ươi ươu ươc ươm ươn ương ươp ươt
    """
    )
)
_FRONT = frozenset("ieêy")  # k / gh / ngh before these, c / g / ng elsewhere
_STOPS = ("c", "ch", "p", "t", "k")  # k: highland place names (Đắk Lắk)
_TONE_OK_AFTER_STOP = (2, 5)  # a closed stop syllable takes sắc or nặng only
_CODE_PART = re.compile(r"^(?:\d+[A-Za-zĐđ]?|[A-ZĐ][A-ZĐa-zđ]*\d*)$")
_CODE_SEP = re.compile(r"[-/.]")


def _split_onset(base: str) -> tuple[str, str]:
    for n in (3, 2, 1):
        if len(base) > n - 1 and base[:n] in _ONSETS:
            return base[:n], base[n:]
    return "", base


def is_valid_syllable(syllable: str) -> bool:
    """Is this a well-formed Vietnamese syllable (onset, rhyme, tone that fit together)?

    Case and tone placement style do not matter; one tone mark at most.

    >>> is_valid_syllable("Nghiêng"), is_valid_syllable("ngiêng"), is_valid_syllable("tấc")
    (True, False, True)
    >>> is_valid_syllable("tầc"), is_valid_syllable("internet"), is_valid_syllable("quốc")
    (False, False, True)
    """
    s = nfc(syllable).lower()
    if not s or not s.isalpha() or len(s) > 8:
        return False
    base, tone = split_tone(s)
    if sum(ch in "\u0300\u0301\u0309\u0303\u0323" for ch in _nfd(s)) > 1:
        return False
    onset, rhyme = _split_onset(base)
    if onset == "qu":
        # qu holds the medial u: qua, quân, quyết, quốc are q + (u)a, (u)ân, (u)yêt, (u)ôc
        if rhyme not in _RHYMES or rhyme[0] in "uưo" or (rhyme[0] == "ô" and rhyme != "ôc"):
            return False
        full = rhyme
    elif onset == "gi":
        # gi + rhyme, where the i may also be the rhyme's own i: gì, giếng (gi + iêng)
        if rhyme == "":
            full = "i"
        elif rhyme in _RHYMES and rhyme[0] not in "iy":
            full = rhyme
        elif "i" + rhyme in _RHYMES:
            full = "i" + rhyme
        else:
            return False
    else:
        full = rhyme
        if full not in _RHYMES:
            return False
        first = full[0]
        if onset in ("k", "gh", "ngh") and first not in _FRONT:
            return False
        if onset in ("c", "g", "ng") and first in _FRONT - {"y"}:
            return False
        if onset == "c" and first == "y":
            return False
        if onset and full.startswith("yê"):
            return False  # after a consonant it is spelled iê (tiên, not tyên)
        if not onset and full.startswith("iê"):
            return False  # without one it is spelled yê (yên, not iên)
        if onset and full[0] == "y" and len(full) > 1 and full[1] not in "ê":
            return False  # tynh, kych: y only stands alone after an onset (ly, kỳ, mỹ)
    return not (full.endswith(_STOPS) and tone not in _TONE_OK_AFTER_STOP)


def _nfd(s: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFD", s)


_fold_key = functools.lru_cache(maxsize=1 << 16)(fold_key)  # tokens repeat a lot


@functools.lru_cache(maxsize=1 << 16)
def normalize_syllable(token: str) -> str:
    """The lexicon's spelling of a token: NFC, lower case, old tone style ("Hoà" -> "hòa")."""
    return place_tone(nfc(token).lower(), ToneStyle.OLD)


# ---------------------------------------------------------------------------- the lexicon


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Loaded lexicon data; build it with :func:`load_lexicon`.

    ``syllables`` maps each syllable (normalised) to its corpus count; ``by_key`` maps a
    :func:`~pipeline.vietnamese.fold_key` to its syllables, most frequent first; ``words``
    holds multi-syllable words, terms and names as lower-case space-joined strings;
    ``abbreviations`` maps each abbreviation (as written) to its expansion.
    """

    syllables: Mapping[str, int]
    sources: Mapping[str, str]
    by_key: Mapping[str, tuple[str, ...]]
    words: frozenset[str]
    names: frozenset[str]
    terms: frozenset[str]
    abbreviations: Mapping[str, str]
    total: int
    max_word_len: int
    code_segments: Mapping[str, int]  # letter segments of document codes -> corpus count
    abbreviations_upper: Mapping[str, str]  # all-capital form -> abbreviation ("V/V": "V/v")
    case: Mapping[str, tuple[int, int]]  # syllable -> (capitalised, seen) after a small word
    #: the folder the files were read from, where indexes made from them are kept
    #: (:mod:`pipeline.longwords`); None for a lexicon made otherwise
    folder: Path | None = None

    def capital_rate(self, syllable: str) -> float | None:
        """How often the corpus capitalises this syllable after a small-letter word in a
        sentence ("chính" of "Chính phủ": often; "vị" of "đơn vị": almost never), or None
        when it was seen there too rarely to say."""
        got = self.case.get(normalize_syllable(syllable))
        return None if got is None else got[0] / got[1]

    def normalize(self, token: str) -> str:
        """The lexicon's spelling of a syllable (see :func:`normalize_syllable`)."""
        return token if token in self.syllables else normalize_syllable(token)

    def is_syllable(self, token: str) -> bool:
        """Is this a known Vietnamese syllable? Case and tone style do not matter."""
        return token in self.syllables or normalize_syllable(token) in self.syllables

    def syllables_by_key(self, key: str) -> tuple[str, ...]:
        """Known syllables whose fold_key is ``key`` ("tang"), most frequent first."""
        return self.by_key.get(key, ())

    def candidates(self, token: str) -> tuple[str, ...]:
        """Known syllables that read as ``token`` once marks are removed ("Tang" -> tăng …)."""
        return self.by_key.get(_fold_key(token), ())

    def count(self, token: str) -> int:
        """Corpus count of a syllable (0 for a syllable known only from word lists)."""
        return self.syllables.get(self.normalize(token), 0)

    def logprior(self, token: str) -> float:
        """log10 of the add-one smoothed unigram probability of a syllable.

        Unknown tokens get the same score as a known syllable never seen in the corpus.
        """
        n = len(self.syllables) + 1
        return math.log10((self.count(token) + 1) / (self.total + n))

    def is_word(self, syllables: Iterable[str]) -> bool:
        """Is this run of syllables a known word, term or name ("huyện ủy", "Hà Nội")?

        One syllable alone is a word when it is a known syllable.
        """
        key = " ".join(normalize_syllable(s) for s in syllables)
        return key in self.words or (" " not in key and key in self.syllables)

    def is_abbreviation(self, token: str) -> bool:
        """Is this token a known abbreviation as written ("UBND", "T/M", "TM.")?

        Case counts ("ubnd", "tu" are no abbreviations: "tu" is a syllable), except that
        the all-capital form of one written with small letters is that abbreviation too:
        "V/V", "TTR" and "THS" in a header set in capitals are "V/v", "TTr" and "ThS".
        """
        tok = token.rstrip(".") or token
        if token in self.abbreviations or tok in self.abbreviations:
            return True
        return tok.isupper() and tok in self.abbreviations_upper

    def is_code(self, token: str) -> bool:
        """Is this a document number/symbol or compound abbreviation ("28-CT/TW", "NĐ-CP")?

        Parts between ``- / .`` must each be a number (optionally with one letter: 7a) or a
        known abbreviation, or an upper-case part of a code that has a number in it
        ("164-KH/HU"); one part alone must be a known abbreviation.
        """
        tok = nfc(token).rstrip(".")
        if self.is_abbreviation(tok):
            return True
        parts = [p for p in _CODE_SEP.split(tok) if p]
        if len(parts) < 2 or not all(_CODE_PART.match(p) for p in parts):
            return False
        has_number = any(p[0].isdigit() for p in parts)
        return all(
            p[0].isdigit() or p in self.abbreviations or (has_number and p.isupper()) for p in parts
        )


def _read_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ModelFormatError(
            f"{path}: missing lexicon file (rebuild: python bench/build_lexicon.py)"
        ) from e
    except (OSError, UnicodeDecodeError) as e:
        raise ModelFormatError(f"{path}: unreadable lexicon file ({e})") from e
    lines = text.split("\n")
    header = lines[0].split()
    if len(header) < 3 or header[:2] != ["#", FORMAT] or header[2] != f"v{FORMAT_VERSION}":
        raise ModelFormatError(
            f"{path}: not a {FORMAT} v{FORMAT_VERSION} file (first line {lines[0][:60]!r})"
        )
    return [ln for ln in lines[1:] if ln and not ln.startswith("#")]


def header(kind: str) -> str:
    """The first line of a lexicon file of this kind."""
    return f"# {FORMAT} v{FORMAT_VERSION} {kind}"


def load_lexicon(path: str | Path = DEFAULT_DIR) -> Lexicon:
    """Load a lexicon folder (default: the repository's ``lexicon/``).

    Raises ModelFormatError when a file is missing, of another format version, or has a
    malformed line.
    """
    root = Path(path)
    syll: dict[str, int] = {}
    sources: dict[str, str] = {}
    fname = root / FILES["syllables"]
    for n, line in enumerate(_read_lines(fname), 2):
        parts = line.split("\t")
        if len(parts) != 3 or not parts[1].isdigit():
            raise ModelFormatError(f"{fname}:{n}: expected 'syllable<TAB>count<TAB>sources'")
        syll[parts[0]] = int(parts[1])
        sources[parts[0]] = parts[2]
    groups: dict[str, list[str]] = {}
    for s in syll:
        groups.setdefault(fold_key(s), []).append(s)
    by_key = {k: tuple(sorted(v, key=lambda s: (-syll[s], s))) for k, v in groups.items()}
    words = set(_read_lines(root / FILES["words"]))
    names = frozenset(_read_lines(root / FILES["names"]))
    terms = frozenset(normalize_phrase(t) for t in _read_lines(root / FILES["terms"]))
    abbr: dict[str, str] = {}
    fname = root / FILES["abbreviations"]
    for n, line in enumerate(_read_lines(fname), 2):
        parts = line.split("\t")
        if len(parts) != 2:
            raise ModelFormatError(f"{fname}:{n}: expected 'ABBREVIATION<TAB>expansion'")
        abbr[nfc(parts[0])] = nfc(parts[1])
    words.update(t for t in terms if " " in t)
    codes: dict[str, int] = {}
    fname = root / FILES["codes"]
    for n, line in enumerate(_read_lines(fname), 2):
        parts = line.split("\t")
        if len(parts) != 2 or not parts[1].isdigit():
            raise ModelFormatError(f"{fname}:{n}: expected 'SEGMENT<TAB>count'")
        codes[nfc(parts[0])] = int(parts[1])
    case: dict[str, tuple[int, int]] = {}
    fname = root / FILES["case"]
    for n, line in enumerate(_read_lines(fname), 2):
        parts = line.split("\t")
        if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
            raise ModelFormatError(f"{fname}:{n}: expected 'syllable<TAB>capitalised<TAB>seen'")
        case[parts[0]] = (int(parts[1]), int(parts[2]))
    return Lexicon(
        syllables=MappingProxyType(syll),
        sources=MappingProxyType(sources),
        by_key=MappingProxyType(by_key),
        words=frozenset(words),
        names=names,
        terms=terms,
        abbreviations=MappingProxyType(abbr),
        total=sum(syll.values()),
        max_word_len=max((w.count(" ") + 1 for w in words), default=1),
        code_segments=MappingProxyType(codes),
        case=MappingProxyType(case),
        abbreviations_upper=MappingProxyType(
            {a.upper(): a for a in sorted(abbr) if a.upper() != a}
        ),
        folder=root,
    )


_LETTERS = re.compile(r"[^\W\d_]+")


def normalize_phrase(text: str) -> str:
    """How words are stored and looked up: its letter runs, normalised, joined by a space.

    >>> normalize_phrase("Độc lập - Tự do - Hạnh phúc")
    'độc lập tự do hạnh phúc'
    """
    return " ".join(normalize_syllable(s) for s in _LETTERS.findall(nfc(text)))
