"""Correction: restore Vietnamese marks and repair garbled OCR words (noisy channel).

Each OCR token is a noisy reading of a syllable. For every distinct token we list the
lexicon syllables it could be a reading of, each with a channel cost (pipeline.channel:
letters, tone and vowel marks, learned from aligned OCR), and a beam search over the
sentence picks the sequence that maximises LM score minus channel cost.

Guard rails run before decoding and are plain code (:mod:`.rules`): numbers, dates,
document codes, abbreviations, URLs, Roman numerals and list markers pass through;
punctuation, spacing, line breaks and letter case are kept exactly; a per-block gate
decides how far to trust the text (:class:`Mode`):

* ``restore``: the block has no marks at all but reads as Vietnamese once marked ("tang
  cuong cong tac"): only marks are put back, letters never change;
* ``good``: the block is already Vietnamese with marks, nearly every token a known
  syllable: tokens that are no syllable are repaired, a known syllable may only change
  its tone, or its vowel marks when that makes a word with a neighbour ("giãy tờ");
* ``repair``: anything else (mark-less OCR, garbled Tesseract output): every word is
  decoded, with the channel table of the OCR kind the block looks like.

Rules decided by neighbours run around the search and are plain code too
(:mod:`.neighbours`): date words between numbers ("ngày 12 thắng 3" -> "tháng"), list
numbers and letters read wrong ("1," -> "1." opening a line, "ø)" between "e)" and
"h)"), a comma ending the line before a list item, document code segments one look-alike
edit from a known one ("82/TIr-UBND" -> "82/TTr-UBND", :mod:`.codes`), capitals the OCR
put inside a sentence ("lĩnh Vực" -> "lĩnh vực", "Luật TỔ chức" -> "Luật Tổ chức"), a
number read as letters where only a number can stand ("khoản I Điều 5", "tháng I1" -> 1,
11; "Chương I" stays), and what follows a number or a broken code ("0,25 Sv", "(25
rem)", "4869/UBND- SYT": kept). A line typed without marks inside marked text is
restored like a mark-less block.

Real pages read by Tesseract ``vie`` are damaged more than the renders the channel table
was learned from, and unevenly: some lose the tone over â ê ô ("xuât khâu"), some never
do. So the channel adapts to the page: the rate at which its tokens show such a loss sets
the cost of one ("khâu" -> "khẩu", "đề" -> "để"); a known syllable read with low
confidence may change more cheaply; a tone that makes a known word with a neighbour
("tín đồ") costs less; and two neighbours misread together ("tô chúc" -> "tổ chức")
find each other's spellings (:mod:`.choices`).

The page's own words count too: after the search, a word the page chose more often than
the corpus would predict ("độ mật" all through a circular on state secrets) is favoured
where it could turn a choice, and those places are searched again (:mod:`.cache`).

The package: :mod:`.config` (settings, modes, regimes), :mod:`.tokens`, :mod:`.rules`,
:mod:`.codes`, :mod:`.neighbours`, :mod:`.candidates` (syllable index and channel
scoring), :mod:`.choices`, :mod:`.decode` (beam search), :mod:`.cache` (the page's words
as a cache LM), :mod:`.lines` (one page's lines through all of them), :mod:`.context`
(the Corrector the rules receive) and :mod:`.command` (``vnocr correct``).

Typical use::

    lex, lm = load_lexicon(), load_lm()
    correct_text("thuc hién Chi thi so 28-CT/TW ciia B Chinh tri", lex, lm).text
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.correct.candidates import Cands
from pipeline.correct.codes import strip_d
from pipeline.correct.command import build_parser, main
from pipeline.correct.config import VERSION, CorrectConfig, CorrectionResult, Mode, Regime
from pipeline.correct.context import Corrector
from pipeline.correct.lines import correct_lines
from pipeline.correct.pieces import STRAY
from pipeline.correct.repeats import document_repeats
from pipeline.correct.tokens import Token, split, tokens_of_line
from pipeline.document import Correction, Document, Page, Step, enclosing
from pipeline.errors import require
from pipeline.lexicon import Lexicon
from pipeline.lm import LanguageModel
from pipeline.models import Models, default_models
from pipeline.vietnamese import nfc

__all__ = [
    "VERSION",
    "Cands",
    "CorrectConfig",
    "CorrectionResult",
    "Corrector",
    "Mode",
    "Regime",
    "build_parser",
    "correct_document",
    "correct_page",
    "correct_text",
    "correction_step",
    "document_repeats",
    "get_corrector",
    "main",
    "strip_d",
]


def get_corrector(
    lexicon: Lexicon | None = None,
    lm: LanguageModel | None = None,
    config: CorrectConfig | None = None,
    *,
    models: Models | None = None,
) -> Corrector:
    """The Corrector for these models and settings.

    With neither ``lexicon`` nor ``lm``, the one of ``models`` (default: the process's
    :func:`~pipeline.models.default_models`), built once and kept on the bundle, so its
    per-token caches serve every later call; with either, a new one over a new bundle
    (keep it and pass it as ``corrector=`` to reuse its caches).
    """
    base = models or default_models()
    if lexicon is None and lm is None:
        return base.corrector(config)
    return Corrector(
        base.lexicon if lexicon is None else lexicon,
        base.lm if lm is None else lm,
        base.channel,
        config,
    )


def correct_text(
    text: str,
    lexicon: Lexicon | None = None,
    lm: LanguageModel | None = None,
    config: CorrectConfig | None = None,
    *,
    corrector: Corrector | None = None,
    models: Models | None = None,
) -> CorrectionResult:
    """Correct plain text; spacing, punctuation, line breaks and case are kept.

    Blocks are runs of non-blank lines. Positions in the corrections are (page 0, line
    index in ``text``, word index in that line); ``reason`` says which gate mode fixed it.
    The models: ``corrector``'s, else ``lexicon``/``lm`` with the rest of ``models``
    (default: the process's shipped bundle), see :func:`get_corrector`.

    >>> correct_text("tang cuong cong tac").text  # doctest: +SKIP
    'tăng cường công tác'
    """
    require(text, str, "correct_text: text")
    corr = corrector or get_corrector(lexicon, lm, config, models=models)
    raw_lines = nfc(text).split("\n")
    lines = [tokens_of_line(s, i) for i, s in enumerate(raw_lines)]
    blocks, b = [], 0
    for s in raw_lines:
        if not s.strip():
            b += 1
        blocks.append(b)
    correct_lines(corr, lines, blocks)
    out_lines, corrections = [], []
    for s, toks in zip(raw_lines, lines, strict=True):
        pieces, pos = [], 0
        for t in toks:
            if t.new is None:
                continue
            # a joined piece (or a stray letter dropped) loses the space before it
            pieces.append(s[pos : t.start] if not t.joined else s[pos : t.start].rstrip())
            before, after = t.core, t.new
            if t.new_trail is not None:
                before, after = before + t.trail, after + t.new_trail
            pieces.append(after)
            pos = t.start + len(before)
            corrections.append(Correction(0, t.line, t.index, before, after, t.score, t.reason))
        pieces.append(s[pos:])
        out_lines.append("".join(pieces))
    return CorrectionResult("\n".join(out_lines), tuple(corrections))


def correct_document(
    doc: Document,
    lexicon: Lexicon | None = None,
    lm: LanguageModel | None = None,
    config: CorrectConfig | None = None,
    *,
    corrector: Corrector | None = None,
    models: Models | None = None,
) -> Document:
    """Correct every word of a Document in place of its text (boxes and confidences kept).

    Blocks are Tesseract's (block, paragraph) groups; a word the OCR read with confidence
    ``keep_conf`` or more that is a known marked syllable is trusted. Every change is in
    ``corrections`` (page, line, word, before, after), so the raw OCR can be rebuilt.
    """
    corr = corrector or get_corrector(lexicon, lm, config, models=models)
    pages, corrections = [], list(doc.corrections)
    for page in doc.pages:
        fixed, fixes = correct_page(page, corr)
        pages.append(fixed)
        corrections.extend(fixes)
    new_pages, new_fixes = document_repeats(pages, corrections)
    steps = doc.steps + (correction_step(corr),)
    return replace(doc, pages=new_pages, corrections=new_fixes, steps=steps)


def correction_step(corrector: Corrector) -> Step:
    """The record of a correction made with ``corrector``."""
    return Step("correct", VERSION, corrector.config.settings())


def correct_page(page: Page, corrector: Corrector) -> tuple[Page, tuple[Correction, ...]]:
    """One page of :func:`correct_document` and its changes: pages are corrected each on
    their own, so the pages of one document can be corrected in parallel."""
    corrections: list[Correction] = []
    lines: list[list[Token]] = []
    blocks: list[int] = []
    keys: dict[tuple[int, int], int] = {}
    for li, line in enumerate(page.lines):
        toks = []
        for wi, w in enumerate(line.words):
            lead, core, trail = split(w.text)
            toks.append(Token(li, wi, len(lead), lead, core, trail, conf=w.conf))
        lines.append(toks)
        blocks.append(keys.setdefault((line.block, line.par), len(keys)))
    correct_lines(corrector, lines, blocks)
    new_lines = []
    for li, (line, toks) in enumerate(zip(page.lines, lines, strict=True)):
        words = list(line.words)
        owner = 0  # the word a joined piece belongs to
        for t in toks:
            if t.new is None:
                continue
            w = words[t.index]
            trail = t.trail if t.new_trail is None else t.new_trail
            words[t.index] = replace(w, text=t.lead + t.new + trail)
            if not t.joined:
                owner = t.index
            elif t.reason != STRAY:  # the syllable's box holds its pieces
                box = enclosing((words[owner].box, w.box))
                words[owner] = replace(words[owner], box=box)
            corrections.append(
                Correction(page.index, li, t.index, w.text, words[t.index].text, t.score, t.reason)
            )
        new_lines.append(replace(line, words=tuple(words)))
    return replace(page, lines=tuple(new_lines)), tuple(corrections)
