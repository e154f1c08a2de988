"""Rebuild lexicon/syllables.txt, words.txt and names.txt from installed word lists and corpora.

Usage (from the repository root)::

    python bench/build_lexicon.py            # writes into lexicon/
    python bench/build_lexicon.py --out DIR
    python bench/build_lexicon.py --long-words   # only lexicon/longwords.txt, from the folder

Sources (each is used when present, and the file says which were):
  v  underthesea's Viet74K word list (in the installed underthesea package)
  h  Debian's hunspell-vi dictionary (apt: hunspell-vi)
  t  the word list inside Tesseract's vie.traineddata (combine_tessdata -u, dawg2wordlist)
  a  underthesea's address data: provinces, districts, communes (names.txt as well)
  o  the hand-written lexicon/terms.txt and the expansions in lexicon/abbreviations.txt
  c  syllables read 3 or more times in ../shared/corpus/{lm,party}, whose counts also
     fill the frequency column (held-out dev documents of bench/splits.json excluded);
     the letter segments of document codes there ("TTr", "UBND") fill codes.txt, and
     how often each syllable is capitalised inside a sentence fills case.txt
Only syllables that pass pipeline.lexicon.is_valid_syllable and come from two sources (or
from our own lists) are kept; words.txt holds Viet74K's multi-syllable words and the
multi-syllable place names, lower case; everything is NFC,
lower case (names keep their case) and in old tone style ("hòa", "thủy").
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline import lm, longwords  # noqa: E402
from pipeline.lexicon import (  # noqa: E402
    FILES,
    header,
    is_valid_syllable,
    load_lexicon,
    normalize_phrase,
)
from pipeline.vietnamese import ToneStyle, nfc, place_tones  # noqa: E402
from pipeline.workshop import lm_build  # noqa: E402

log = logging.getLogger("build_lexicon")
SOURCE_ORDER = "vhtaoc"
HUNSPELL = Path("/usr/share/hunspell/vi_VN.dic")  # Debian's hunspell-vi
CORPORA = [REPO.parent / "shared" / "corpus" / "lm", REPO.parent / "shared" / "corpus" / "party"]
MIN_CORPUS_COUNT = 3
MIN_CASE_COUNT = 20  # mid-sentence readings of a syllable for its capitals rate
_PLACE_PREFIX = re.compile(r"^(?:Thành phố|Tỉnh|Quận|Huyện|Thị xã|Phường|Xã|Thị trấn|Đặc khu)\s+")
_LETTERS_ONLY = re.compile(r"^[^\W\d_]+(?: [^\W\d_]+)*$")


def _underthesea() -> Path:
    """The installed underthesea package's folder: the lexicon's main word list and place
    names come from it, so without it the build stops (it is the optional extra
    ``lexicon``, not a run-time dependency: ``pip install -e '.[lexicon]'``)."""
    try:
        import underthesea
    except ImportError:
        raise SystemExit(
            "build_lexicon: underthesea is not installed; pip install -e '.[lexicon]' "
            "(make lexicon does it)"
        ) from None
    return Path(underthesea.__file__).parent


def viet74k() -> list[str]:
    """Entries of underthesea's Viet74K list."""
    path = _underthesea() / "corpus" / "data" / "Viet74K.txt"
    if not path.exists():
        log.warning("%s: missing, Viet74K skipped", path.name)
        return []
    return [nfc(x.strip()) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def hunspell() -> list[str]:
    """Words of hunspell-vi's vi_VN.dic (its first line is the count)."""
    if not HUNSPELL.exists():
        log.warning("hunspell-vi is not installed (apt-get install hunspell-vi): skipped")
        return []
    lines = HUNSPELL.read_text(encoding="utf-8").splitlines()[1:]
    return [nfc(x.split("/")[0].strip()) for x in lines if x.strip()]


def tesseract_words() -> list[str]:
    """The word list of Tesseract's vie model, unpacked with Tesseract's own tools."""
    tools = [shutil.which(t) for t in ("tesseract", "combine_tessdata", "dawg2wordlist")]
    if not all(tools):
        log.warning("tesseract/combine_tessdata/dawg2wordlist missing: Tesseract words skipped")
        return []
    out = subprocess.run(
        [tools[0], "--list-langs"], capture_output=True, text=True, check=False
    ).stdout
    m = re.search(r'"([^"]+)"', out)
    if not m or not (Path(m.group(1)) / "vie.traineddata").exists():
        log.warning("no vie.traineddata found: Tesseract words skipped")
        return []
    with tempfile.TemporaryDirectory() as tmp:
        prefix = str(Path(tmp) / "vie.")
        subprocess.run(
            [tools[1], "-u", str(Path(m.group(1)) / "vie.traineddata"), prefix],
            capture_output=True,
            check=True,
        )
        words = Path(tmp) / "words.txt"
        subprocess.run(
            [tools[2], prefix + "lstm-unicharset", prefix + "lstm-word-dawg", str(words)],
            capture_output=True,
            check=True,
        )
        return [nfc(x.strip()) for x in words.read_text(encoding="utf-8").splitlines()]


def place_names() -> list[str]:
    """Names of provinces, districts and communes (old and 2025 units), type word removed."""
    path = _underthesea() / "address" / "data" / "mapping.json"
    if not path.exists():
        log.warning("%s: missing, place names skipped", path)
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for table in ("province_names", "old_province_names"):
        for info in data.get(table, {}).values():
            names.add(info["short"])
    for rec in data.get("ward_mapping", []):
        for field in ("old_district", "old_ward", "new_ward", "old_province", "new_province"):
            if rec.get(field):
                names.add(_PLACE_PREFIX.sub("", rec[field]))
    out = set()
    for n in names:
        n = place_tones(nfc(n).strip(), ToneStyle.OLD)
        if n and not any(ch.isdigit() for ch in n):
            out.add(n)
    return sorted(out)


def _hand_written(root: Path) -> tuple[list[str], list[str]]:
    """Syllable sources in the hand-written files: terms and abbreviation expansions."""
    terms = root / FILES["terms"]
    abbr = root / FILES["abbreviations"]
    t = [x for x in terms.read_text(encoding="utf-8").splitlines() if x and x[0] != "#"]
    a = [
        x.split("\t")[1]
        for x in abbr.read_text(encoding="utf-8").splitlines()
        if x and x[0] != "#" and "\t" in x
    ]
    return t, a


def _syllables_of(entries: Iterable[str]) -> set[str]:
    out = set()
    for e in entries:
        for s in normalize_phrase(e).split():
            if is_valid_syllable(s):
                out.add(s)
    return out


_CODE_TOKEN = re.compile(r"^[0-9A-Za-zĐđ]+(?:[-/.][0-9A-Za-zĐđ]+)+$")
_CODE_SEGMENT = re.compile(r"^[A-ZĐ][A-Za-zĐđ]*[0-9]*$")
_PUNCT = "\"'“”‘’.,;:!?()[]«»…"
SHINGLE = 12  # syllables in a run shared with held-out text that drops a paragraph


def _kept_paragraphs(corpora: list[Path], held_out: list[Path]) -> Iterable[str]:
    """Corpus paragraphs (lines) sharing no run of ``SHINGLE`` syllables with held-out text."""
    held: set[int] = set()
    for f in held_out:
        toks = [t for t in lm.tokenize(f.read_text(encoding="utf-8")) if t != lm.EOS]
        held.update(hash(tuple(toks[i : i + SHINGLE])) for i in range(len(toks) - SHINGLE + 1))
    for f in lm_build.text_files(corpora):
        for para in f.read_text(encoding="utf-8").split("\n"):
            if not para.strip():
                continue
            toks = [t for t in lm.tokenize(para) if t != lm.EOS]
            if not any(
                hash(tuple(toks[i : i + SHINGLE])) in held for i in range(len(toks) - SHINGLE + 1)
            ):
                yield para


def corpus_case_and_codes(
    corpora: list[Path], held_out: list[Path]
) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """Code segments and mid-sentence capitals, counted in the corpora.

    * letter segments of document codes with a number in them ("TTr" of 82/TTr-UBND),
      read ``MIN_CORPUS_COUNT`` times or more;
    * per syllable, how often it follows a small-letter word inside a sentence, and how
      often it is capitalised there ("Chính" of "của Chính phủ" is; "vị" of "đơn vị" is
      not), for syllables seen there ``MIN_CASE_COUNT`` times or more.

    Paragraphs that share a run of ``SHINGLE`` syllables with a held-out document are
    left out, as for the language model.
    """
    codes: dict[str, int] = {}
    seen: dict[str, int] = {}
    caps: dict[str, int] = {}
    for para in _kept_paragraphs(corpora, held_out):
        prev_small = False
        for raw in para.split():
            tok = nfc(raw.strip(_PUNCT))
            if tok and _CODE_TOKEN.match(tok) and any(ch.isdigit() for ch in tok):
                for seg in re.split(r"[-/.]", tok):
                    if _CODE_SEGMENT.match(seg) and len(seg) >= 2:
                        codes[seg] = codes.get(seg, 0) + 1
            word = nfc(raw.lstrip(_PUNCT))
            core = word.rstrip(_PUNCT)
            if core.isalpha() and len(core) >= 2 and prev_small and word == raw:
                key = place_tones(core.lower(), ToneStyle.OLD)
                seen[key] = seen.get(key, 0) + 1
                if core[0].isupper() and core[1:].islower():
                    caps[key] = caps.get(key, 0) + 1
            # the next word is mid-sentence when this one is a small-letter word with no
            # punctuation after it
            prev_small = core.isalpha() and core.islower() and word == core
    case = {
        k: (caps.get(k, 0), n)
        for k, n in seen.items()
        if n >= MIN_CASE_COUNT and is_valid_syllable(k)
    }
    return {k: v for k, v in codes.items() if v >= MIN_CORPUS_COUNT}, case


def build(out: Path, corpora: list[Path], held_out: list[Path], skip: str = "") -> dict[str, int]:
    """Write the three built files into ``out``; returns figures for the log.

    ``skip``: source letters to leave out (e.g. "h" to build without hunspell-vi).
    """
    sources: dict[str, set[str]] = {}
    v = viet74k() if "v" not in skip else []
    sources["v"] = _syllables_of(x for x in v if "-" not in x)
    sources["h"] = _syllables_of(hunspell()) if "h" not in skip else set()
    sources["t"] = _syllables_of(tesseract_words()) if "t" not in skip else set()
    names = place_names() if "a" not in skip else []
    sources["a"] = _syllables_of(names)
    terms, expansions = _hand_written(out)
    sources["o"] = _syllables_of(terms + expansions)
    counts: dict[str, int] = {}
    if "c" not in skip and all(p.exists() for p in corpora):
        corpus = lm_build.read_corpus(corpora, exclude=held_out)
        counts = {k: c for k, c in corpus.unigram_counts().items() if is_valid_syllable(k)}
        log.info("corpus: %s", corpus.report)
    else:
        log.warning("corpora not found (%s): frequency column left at 0", corpora)
    sources["c"] = {k for k, c in counts.items() if c >= MIN_CORPUS_COUNT}

    # a syllable needs two sources, or our own lists: single-source entries are mostly
    # mark-less spellings ("tren", "cham") or dialect and loan oddities
    support: dict[str, int] = {}
    for x in sources.values():
        for s in x:
            support[s] = support.get(s, 0) + 1
    every = {s for s, n in support.items() if n >= 2} | sources["o"]
    lines = [header("syllables"), "# syllable<TAB>corpus count<TAB>sources (" + SOURCE_ORDER + ")"]
    for s in sorted(every):
        tags = "".join(k for k in SOURCE_ORDER if s in sources[k])
        lines.append(f"{s}\t{counts.get(s, 0)}\t{tags}")
    (out / FILES["syllables"]).write_text("\n".join(lines) + "\n", encoding="utf-8")

    words = set()
    for e in v:
        if " " in e and _LETTERS_ONLY.match(e):
            w = normalize_phrase(e)
            if all(is_valid_syllable(s) for s in w.split()):
                words.add(w)
    words.update(w for w in map(normalize_phrase, names) if " " in w)
    (out / FILES["words"]).write_text(
        "\n".join([header("words"), *sorted(words)]) + "\n", encoding="utf-8"
    )
    (out / FILES["names"]).write_text("\n".join([header("names"), *names]) + "\n", encoding="utf-8")
    codes: dict[str, int] = {}
    case: dict[str, tuple[int, int]] = {}
    if "c" not in skip and counts:
        codes, case = corpus_case_and_codes(corpora, held_out)
    (out / FILES["case"]).write_text(
        "\n".join(
            [
                header("case"),
                "# syllable<TAB>capitalised<TAB>read after a small-letter word in a sentence",
                *(f"{k}\t{c}\t{n}" for k, (c, n) in sorted(case.items())),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    (out / FILES["codes"]).write_text(
        "\n".join(
            [
                header("codes"),
                "# code segment<TAB>count in corpus document codes",
                *(f"{k}\t{v}" for k, v in sorted(codes.items())),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    write_long_words(out)
    figures = {f"syllables_{k}": len(x) for k, x in sources.items()}
    figures.update(
        single_source_dropped=len(support) - len(every),
        syllables=len(every),
        words=len(words),
        names=len(names),
        code_segments=len(codes),
        case_syllables=len(case),
    )
    return figures


def write_long_words(out: Path) -> None:
    """Write the index of long words (pipeline.longwords) made from the folder's files."""
    lex = load_lexicon(out)
    text = longwords.index_text(lex, longwords.words_digest(out))
    (out / longwords.FILE).write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Build the lexicon files; returns 0."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=REPO / "lexicon")
    ap.add_argument("--skip", default="", help="source letters to leave out, e.g. h")
    ap.add_argument("--long-words", action="store_true", help="only write the index of long words")
    args = ap.parse_args(argv)
    if args.long_words:
        write_long_words(args.out)
        return 0
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    dev = REPO.parent / "shared" / "corpus" / "dev"
    held = lm_build.held_out_files(REPO / "bench" / "splits.json", dev)
    figures = build(args.out, CORPORA, [p for p in held if p.exists()], args.skip)
    print(" ".join(f"{k}={v}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
