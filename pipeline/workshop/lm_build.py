"""Building the syllable language model: read a corpus, estimate, write ``models/lm.npz``.

Workshop code (see :mod:`pipeline.workshop`): ``make models`` and ``vnocr lm build`` run
it; correction only loads the result (:func:`pipeline.lm.load_lm`). Held-out texts are
kept out of the model, down to paragraphs that overlap them (:func:`read_corpus`).
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipeline.cli import command_parser
from pipeline.errors import InputFileError, ModelFormatError
from pipeline.io import write_atomic
from pipeline.lm import (
    BOS_ID,
    DEFAULT_PATH,
    EOS,
    EOS_ID,
    FLOOR,
    FORMAT,
    FORMAT_VERSION,
    KEY_BITS,
    KEY_MASK,
    QSCALE,
    SPECIALS,
    UNK_ID,
    LanguageModel,
    Tables,
    load_lm,
    sentences,
    tokenize,
)

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class Corpus:
    """Integer-coded training text: sentences as id arrays and the id -> token table.

    ``ids`` is one int32 array in which every sentence is ``<s> <s> w1 .. wn </s>``.
    """

    tokens: tuple[str, ...]
    ids: np.ndarray
    counts: np.ndarray
    report: dict = field(default_factory=dict)

    def unigram_counts(self) -> dict[str, int]:
        """Token -> count, special tokens left out (for the lexicon's frequency column)."""
        return {
            t: int(c)
            for t, c in zip(self.tokens, self.counts, strict=True)
            if t not in SPECIALS and c > 0
        }


def text_files(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(q for q in p.rglob("*.txt") if q.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            raise InputFileError(f"{p}: no such file or folder of .txt corpus files")
    return files


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputFileError(f"{path}: cannot read as UTF-8 text ({e})") from e


def _window_hashes(ids: np.ndarray, n: int) -> np.ndarray:
    """A 64-bit polynomial hash of every n consecutive ids (len(ids) - n + 1 values)."""
    if len(ids) < n:
        return np.zeros(0, dtype=np.uint64)
    x = ids.astype(np.uint64)
    h = np.zeros(len(ids) - n + 1, dtype=np.uint64)
    mult = np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * mult + x[k : len(x) - n + 1 + k] + np.uint64(1)
    return h


def read_corpus(
    paths: Iterable[str | Path],
    exclude: Iterable[str | Path] = (),
    *,
    shingle: int = 12,
    doc_overlap: float = 0.3,
) -> Corpus:
    """Read and code a corpus, leaving out every trace of the ``exclude`` texts.

    A corpus paragraph (a line of the file) that shares any run of ``shingle`` consecutive
    syllables with an excluded text is dropped; a corpus document (a blank-line separated
    block) with ``doc_overlap`` or more of its shingles in excluded text is dropped whole.
    ``Corpus.report`` says how much went.
    """
    vocab: dict[str, int] = {t: i for i, t in enumerate(SPECIALS)}

    def code(tokens: list[str]) -> list[int]:
        get = vocab.get
        out = []
        for t in tokens:
            i = get(t)
            if i is None:
                i = vocab[t] = len(vocab)
            out.append(i)
        return out

    # shingles of the excluded texts (words and numbers only, sentence ends ignored)
    held: set[int] = set()
    excluded_files = text_files(exclude)
    for f in excluded_files:
        toks = [t for t in tokenize(_read(f)) if t != EOS]
        held.update(int(h) for h in _window_hashes(np.array(code(toks), np.int64), shingle))
    held_arr = np.array(sorted(held), dtype=np.uint64)

    report = {
        "files": 0,
        "documents": 0,
        "documents_dropped": 0,
        "paragraphs": 0,
        "paragraphs_dropped": 0,
        "syllables": 0,
        "syllables_dropped": 0,
        "excluded_files": len(excluded_files),
        "shingle": shingle,
    }
    docs: list[list[str]] = []
    for f in text_files(paths):
        report["files"] += 1
        for doc in re.split(r"\n\s*\n", _read(f)):
            paras = [p for p in doc.split("\n") if p.strip()]
            if paras:
                docs.append(paras)
    report["documents"] = len(docs)
    report["paragraphs"] = sum(map(len, docs))

    drop_para = [[False] * len(d) for d in docs]
    if len(held_arr):
        # one pass over every paragraph: shingle hashes, looked up in the held-out set
        coded = [
            np.array(code([t for t in tokenize(p) if t != EOS]), np.int64) for d in docs for p in d
        ]
        lengths = np.array([len(c) for c in coded])
        para_of = np.repeat(np.arange(len(coded)), lengths)
        doc_of_para = np.repeat(np.arange(len(docs)), [len(d) for d in docs])
        flat = np.concatenate(coded) if coded else np.zeros(0, np.int64)
        h = _window_hashes(flat, shingle)
        start_para = para_of[: len(h)]
        valid = start_para == para_of[shingle - 1 :][: len(h)]
        pos = np.minimum(np.searchsorted(held_arr, h), len(held_arr) - 1)
        hit = valid & (held_arr[pos] == h)
        hits_per_para = np.bincount(start_para[hit], minlength=len(coded))
        wins_per_doc = np.bincount(doc_of_para[start_para[valid]], minlength=len(docs))
        hits_per_doc = np.bincount(doc_of_para[start_para[hit]], minlength=len(docs))
        k = 0
        for di, d in enumerate(docs):
            whole = wins_per_doc[di] > 0 and hits_per_doc[di] / wins_per_doc[di] >= doc_overlap
            if whole:
                report["documents_dropped"] += 1
            for pi in range(len(d)):
                if whole or hits_per_para[k] > 0:
                    drop_para[di][pi] = True
                    report["paragraphs_dropped"] += 1
                    report["syllables_dropped"] += int(lengths[k])
                k += 1

    seq: list[int] = []
    bos2 = [BOS_ID, BOS_ID]
    for d, drops in zip(docs, drop_para, strict=True):
        kept = [p for p, x in zip(d, drops, strict=True) if not x]
        for sent in sentences("\n".join(kept)):
            seq.extend(bos2)
            seq.extend(code(sent))
            seq.append(EOS_ID)
            report["syllables"] += len(sent)
    ids = np.array(seq, dtype=np.int32)
    counts = np.bincount(ids, minlength=len(vocab)).astype(np.int64)
    tokens = tuple(vocab)  # insertion order = id order
    log.info("corpus: %s", report)
    return Corpus(tokens=tokens, ids=ids, counts=counts, report=report)


# ---------------------------------------------------------------------------- estimation


def _discounts(adjusted: np.ndarray) -> np.ndarray:
    """Modified Kneser-Ney discounts D1, D2, D3+ from counts-of-counts (Chen & Goodman)."""
    n = [int((adjusted == k).sum()) for k in (1, 2, 3, 4)]
    if min(n) == 0:  # tiny corpora: fall back to a plain absolute discount
        d = n[0] / (n[0] + 2 * n[1]) if n[0] + n[1] else 0.5
        return np.array([0.0, d, d, d])
    y = n[0] / (n[0] + 2 * n[1])
    d = [1 - 2 * y * n[1] / n[0], 2 - 3 * y * n[2] / n[1], 3 - 4 * y * n[3] / n[2]]
    d = [min(max(x, 0.05), k + 1.0 - 0.05) for k, x in enumerate(d)]
    return np.array([0.0, *d])


def _group(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique sorted keys and, for each input key, the index of its group."""
    uniq, inv = np.unique(keys, return_inverse=True)
    return uniq, inv.ravel()


def _level(
    ctx: np.ndarray, adjusted: np.ndarray, lower: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Interpolated KN for one order: P(w|h) for each n-gram and gamma(h) per context.

    ``ctx`` is each n-gram's context key, ``adjusted`` its (continuation) count, and
    ``lower`` the lower-order interpolated probability of its last word in the shorter
    context. Returns (p, context keys, gamma per context).
    """
    disc = _discounts(adjusted)
    d = disc[np.minimum(adjusted, 3)]
    cu, inv = _group(ctx)
    total = np.bincount(inv, weights=adjusted.astype(np.float64))
    mass = np.bincount(inv, weights=d)
    gamma = mass / total
    p = (adjusted - d) / total[inv] + gamma[inv] * lower
    return p, cu, gamma


def _estimate(ids: np.ndarray, vocab_size: int, prune: int) -> tuple[Tables, dict]:
    """Count trigrams of an id stream and turn them into ARPA-style tables."""
    if vocab_size >= 1 << KEY_BITS:
        raise ModelFormatError(f"vocabulary of {vocab_size} tokens is over {1 << KEY_BITS}")
    a = ids[:-2].astype(np.int64)
    b = ids[1:-1].astype(np.int64)
    c = ids[2:].astype(np.int64)
    keep = c != BOS_ID  # windows that straddle two sentences end in <s>
    k3_all = (a[keep] << (2 * KEY_BITS)) | (b[keep] << KEY_BITS) | c[keep]
    k3, c3 = np.unique(k3_all, return_counts=True)
    del k3_all, a, b, c

    # bigrams: continuation counts, except raw counts after <s> (nothing precedes <s>)
    k2_of3 = k3 & ((1 << (2 * KEY_BITS)) - 1)
    k2, inv2 = _group(k2_of3)
    cont2 = np.bincount(inv2).astype(np.int64)
    raw2 = np.bincount(inv2, weights=c3).astype(np.int64)
    b2, w2 = k2 >> KEY_BITS, k2 & KEY_MASK
    adj2 = np.where(b2 == BOS_ID, raw2, cont2)

    # unigrams: continuation counts (how many distinct words precede w)
    adj1 = np.bincount(w2, minlength=vocab_size).astype(np.int64)
    adj1[BOS_ID] = 0
    predictable = np.ones(vocab_size, dtype=bool)
    predictable[BOS_ID] = False
    disc1 = _discounts(adj1[adj1 > 0])
    d1 = np.where(adj1 > 0, disc1[np.minimum(adj1, 3)], 0.0)
    total1 = adj1.sum()
    gamma0 = d1.sum() / total1
    p1 = (adj1 - d1) / total1 + gamma0 / predictable.sum()
    p1[~predictable] = 0.0

    p2, ctx2, gamma2 = _level(b2, adj2, p1[w2])

    # trigrams
    ctx3_of3 = k3 >> KEY_BITS  # = (a << BITS) | b
    w3 = k3 & KEY_MASK
    i2 = np.searchsorted(k2, ((ctx3_of3 & KEY_MASK) << KEY_BITS) | w3)
    p3, ctx3, gamma3 = _level(ctx3_of3, c3, p2[i2])

    # prune rare trigrams and renormalise their contexts' backoff weights
    kept = c3 > prune if prune > 0 else np.ones(len(k3), dtype=bool)
    _, inv3 = _group(ctx3_of3)
    sum_p3 = np.bincount(inv3, weights=np.where(kept, p3, 0.0), minlength=len(ctx3))
    sum_p2 = np.bincount(inv3, weights=np.where(kept, p2[i2], 0.0), minlength=len(ctx3))
    bow3 = np.where(
        np.bincount(inv3, weights=(~kept).astype(np.float64), minlength=len(ctx3)) > 0,
        np.maximum(1.0 - sum_p3, 1e-12) / np.maximum(1.0 - sum_p2, 1e-12),
        gamma3,
    )

    # bigram table also holds the trigram contexts' backoff weights (<s> <s> included)
    bi_keys = np.union1d(k2, ctx3)
    bi_logp = np.full(len(bi_keys), FLOOR)
    bi_logp[np.searchsorted(bi_keys, k2)] = np.log10(p2)
    bi_bow = np.zeros(len(bi_keys))
    bi_bow[np.searchsorted(bi_keys, ctx3)] = np.log10(bow3)

    uni_bow = np.zeros(vocab_size)
    uni_bow[ctx2] = np.log10(gamma2)
    with np.errstate(divide="ignore"):
        uni_logp = np.where(p1 > 0, np.log10(p1), FLOOR)

    tables = Tables(
        uni_logp=_quant(uni_logp),
        uni_bow=_quant(uni_bow),
        bi_keys=bi_keys,
        bi_logp=_quant(bi_logp),
        bi_bow=_quant(bi_bow),
        tri_keys=k3[kept],
        tri_logp=_quant(np.log10(p3[kept])),
    )
    stats = {
        "trigrams_seen": len(k3),
        "trigrams_kept": int(kept.sum()),
        "bigrams": len(k2),
        "tokens": int((ids != BOS_ID).sum()),
    }
    return tables, stats


def _quant(x: np.ndarray) -> np.ndarray:
    return np.clip(np.round(np.asarray(x) * QSCALE), -32767, 32767).astype(np.int16)


# ---------------------------------------------------------------------------- build/save/load


def build(
    paths: Iterable[str | Path],
    *,
    exclude: Iterable[str | Path] = (),
    prune: int = 0,
    min_count: int = 1,
    shingle: int = 12,
) -> LanguageModel:
    """Build a model from text files or folders of ``.txt`` files.

    ``exclude``: texts (e.g. held-out evaluation documents) whose passages must not leak
    into the model (see :func:`read_corpus`). ``prune``: trigrams seen this often or less
    are left out (their mass goes to the backoff). ``min_count``: rarer tokens become
    ``<unk>``.
    """
    t0 = time.perf_counter()
    corpus = read_corpus(paths, exclude, shingle=shingle)
    if (corpus.ids != BOS_ID).sum() == 0:
        raise InputFileError("the corpus has no text")
    # renumber: specials first, then by descending count (ties by token), rare -> <unk>
    order = sorted(
        (i for i in range(len(SPECIALS), len(corpus.tokens)) if corpus.counts[i] >= min_count),
        key=lambda i: (-corpus.counts[i], corpus.tokens[i]),
    )
    new_id = np.full(len(corpus.tokens), UNK_ID, dtype=np.int32)
    new_id[: len(SPECIALS)] = np.arange(len(SPECIALS))
    new_id[order] = np.arange(len(SPECIALS), len(SPECIALS) + len(order))
    tokens = list(SPECIALS) + [corpus.tokens[i] for i in order]
    tables, stats = _estimate(new_id[corpus.ids], len(tokens), prune)
    meta = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "order": 3,
        "log_base": 10,
        "smoothing": "interpolated modified Kneser-Ney",
        "prune": prune,
        "min_count": min_count,
        "vocab": len(tokens),
        **stats,
        "corpus": corpus.report,
        "build_s": round(time.perf_counter() - t0, 2),
    }
    return LanguageModel(tokens, tables, meta)


def save(lm: LanguageModel, path: str | Path) -> None:
    """Write the model as an uncompressed ``.npz`` (written to a temp file, then renamed)."""
    path = Path(path)
    t = lm.tables
    vocab = np.frombuffer("\n".join(lm.vocab).encode("utf-8"), dtype=np.uint8)
    meta = np.frombuffer(json.dumps(lm.meta, ensure_ascii=False).encode(), dtype=np.uint8)
    buf = io.BytesIO()  # written whole, then renamed into place: no half-written model
    np.savez(
        buf,
        meta=meta,
        vocab=vocab,
        uni_logp=t.uni_logp,
        uni_bow=t.uni_bow,
        bi_keys=t.bi_keys,
        bi_logp=t.bi_logp,
        bi_bow=t.bi_bow,
        tri_keys=t.tri_keys,
        tri_logp=t.tri_logp,
    )
    write_atomic(path, buf.getvalue())


# ---------------------------------------------------------------------------- CLI


def held_out_files(splits: str | Path, dev_dir: str | Path) -> list[Path]:
    """The held-out documents named in a splits file (``bench/splits.json``)."""
    try:
        names = json.loads(Path(splits).read_text(encoding="utf-8"))["held_out"]
    except (OSError, ValueError, KeyError) as e:
        raise InputFileError(f"{splits}: not a splits file with a held_out list ({e})") from e
    return [Path(dev_dir) / n for n in names]


def build_parser() -> argparse.ArgumentParser:
    """Arguments of ``vnocr lm``."""
    parser = command_parser(
        "lm",
        "Build or score the syllable trigram language model that correction uses.",
        "vnocr lm build my-texts/ -o my-lm.npz",
        "vnocr lm score letter.txt -m my-lm.npz",
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build a model from folders or files of .txt text")
    b.add_argument("inputs", nargs="+", type=Path, help="text files or folders of .txt files")
    b.add_argument(
        "-o",
        "--out",
        type=Path,
        default=None,
        help="model file to write (default: $XDG_DATA_HOME/vnocr/models/lm.npz, usually "
        "~/.local/share/vnocr/models/lm.npz, which VNOCR_DATA=~/.local/share/vnocr reads)",
    )
    b.add_argument(
        "--force",
        action="store_true",
        help="allow writing over the shipped model (models/lm.npz)",
    )
    b.add_argument(
        "--eval",
        nargs="+",
        type=Path,
        default=None,
        metavar="FILE",
        help="held-out texts to score the new and the shipped model on (default: one in "
        "20 of the input files, at least one, left out of the build)",
    )
    b.add_argument(
        "--exclude",
        nargs="*",
        type=Path,
        default=[],
        help="texts that must not leak into the model (files or folders)",
    )
    b.add_argument(
        "--held-out",
        type=Path,
        default=None,
        help="splits JSON whose held_out documents are excluded as well",
    )
    b.add_argument(
        "--dev",
        type=Path,
        default=Path("../shared/corpus/dev"),
        help="folder the --held-out names live in",
    )
    b.add_argument("--prune", type=int, default=0, help="drop trigrams seen this often or less")
    b.add_argument("--min-count", type=int, default=1, help="rarer tokens become <unk>")
    s = sub.add_parser("score", help="perplexity of text files under a model")
    s.add_argument("inputs", nargs="+", type=Path)
    s.add_argument("-m", "--model", type=Path, default=DEFAULT_PATH)
    return parser


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _cmd_build(args: argparse.Namespace) -> int:
    """Build, refusing to replace the shipped model by accident; compare on held-out text."""
    from pipeline.errors import ConfigError
    from pipeline.resources import shipped_dir, user_dir

    out = args.out if args.out is not None else user_dir() / "models" / "lm.npz"
    shipped_models = shipped_dir("models")
    shipped = shipped_models / "lm.npz" if shipped_models else None
    if shipped is not None and _same_file(out, shipped) and shipped.exists() and not args.force:
        raise ConfigError(
            f"{out} is the shipped language model; write yours elsewhere (the default, "
            f"{user_dir() / 'models' / 'lm.npz'}, or -o FILE), or add --force to replace it"
        )
    files = text_files(args.inputs)
    if args.eval is not None:
        held = text_files(args.eval)
    else:
        held = files[19::20] or files[-1:] if len(files) > 1 else []
    exclude = list(args.exclude) + held
    if args.held_out is not None:
        exclude += held_out_files(args.held_out, args.dev)
    train = [f for f in files if f not in held]
    if not train:
        raise ConfigError("no text left to build from once the held-out files are set aside")
    lm = build(train, exclude=exclude, prune=args.prune, min_count=args.min_count)
    out.parent.mkdir(parents=True, exist_ok=True)
    save(lm, out)
    c = lm.meta["corpus"]
    print(
        f"{out}: {lm.meta['vocab']} tokens, {lm.meta['bigrams']} bigrams, "
        f"{lm.meta['trigrams_kept']} trigrams; {c['syllables']} syllables read, "
        f"{c['paragraphs_dropped']} paragraphs ({c['syllables_dropped']} syllables) "
        f"left out as overlapping {c['excluded_files']} excluded texts; "
        f"{lm.meta['build_s']} s",
        flush=True,
    )
    if not held:
        print("no held-out text to compare with the shipped model: give --eval FILE")
        return 0
    text = "\n".join(_read(f) for f in held)
    new_ppl, n = lm.perplexity(text)
    line = f"held-out text ({len(held)} file{'s' if len(held) > 1 else ''}, {n} tokens, not "
    line += f"used for building): perplexity {new_ppl:.1f} with the new model"
    if shipped is not None and shipped.exists() and not _same_file(out, shipped):
        old_ppl, _ = load_lm(shipped).perplexity(text)
        line += f", {old_ppl:.1f} with the shipped model ({shipped.parent.name}/{shipped.name})"
        if new_ppl > old_ppl:
            line += "; the shipped model predicts this text better"
    print(line, flush=True)
    if args.out is None:
        print(f"use it with: VNOCR_DATA={user_dir()} vnocr run ...", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``vnocr lm build DIR... -o FILE`` and ``vnocr lm score FILE...``; returns 0."""
    args = build_parser().parse_args(argv)
    if args.cmd == "build":
        return _cmd_build(args)
    lm = load_lm(args.model)
    for f in text_files(args.inputs):
        ppl, n = lm.perplexity(_read(f))
        print(f"{f}: perplexity {ppl:.1f} over {n} tokens", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
