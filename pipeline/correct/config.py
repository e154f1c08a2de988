"""Settings of the correction stage, its result, and the names of its modes and regimes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pipeline.document import Correction
from pipeline.vietnamese import ToneStyle

VERSION = "1"  # of the correction stage, in Document.steps


class Mode(StrEnum):
    """How far the gate trusts a block (see :mod:`pipeline.correct`)."""

    RESTORE = "restore"  # no marks at all: only marks are put back, letters never change
    GOOD = "good"  # marked Vietnamese: only what is no syllable is repaired
    REPAIR = "repair"  # anything else: every word is decoded


class Regime(StrEnum):
    """Which candidates a token gets: a channel table, or a rule of the gate."""

    RESTORE = "restore"  # every marked spelling of the letters, free
    MARKLESS = "markless"  # channel table of OCR without Vietnamese marks (-l eng)
    VIE = "vie"  # channel table of Tesseract ``vie``
    TONE = "tone"  # a known syllable in a good block: another tone only
    GARBLED = "vie+markless"  # a garbled token of Vietnamese OCR: both tables


def _setting(default: Any, help: str) -> Any:
    """A field of CorrectConfig with the help text ``vnocr correct --help`` shows."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True, slots=True)
class CorrectConfig:
    """Settings of the correction stage (costs are log10 units, like the LM)."""

    beam: int = _setting(8, "states kept per sentence by the beam search")
    max_candidates: int = _setting(16, "syllables per token kept for the search")
    max_edit: int = _setting(2, "letter edits between a token and its candidates")
    max_aligned: int = _setting(16, "per token, letter keys aligned one by one at most")
    channel_weight: float = _setting(1.0, "weight of the channel cost against the LM")
    keep_unknown: float = _setting(4.0, "cost of leaving a token that is no syllable as it is")
    oov_penalty: float = _setting(1.0, "extra cost of a syllable the LM has never seen")
    good_margin: float = _setting(0.25, "extra cost of re-toning a known syllable, good block")
    keep_conf: float = _setting(0.98, "never change a valid syllable the OCR read this surely")
    drop_prior: float = _setting(10.0, "pseudo-tokens of the table's rate in a page's tone loss")
    drop_swap: float = _setting(0.8, "extra cost of one tone above a circumflex read as another")
    # (confidence under, cost taken off another spelling) of a known syllable: one read
    # under 0.93 is wrong 1 time in 4 or 5, on real tune pages and tuning renders alike,
    # against 1 in 200 overall (above 0.93 the two differ: real pages 2-7 %, renders <3 %)
    conf_boost: tuple[tuple[float, float], ...] = _setting(
        ((0.93, 1.7),),
        "a known syllable read under CONF costs COST less to change (none: no such boost)",
    )
    doubt_floor: float = _setting(0.5, "... but never below this cost")
    word_bonus: float = _setting(1.0, "a tone that makes a word with a neighbour costs less")
    # marks over and under capitals are small and crowded (a lost dot below: "BỆNH VIÊN")
    caps_boost: float = _setting(
        0.6, "in a line of capitals, a known syllable costs this much less to change"
    )
    # a page's own words as a cache LM (pipeline.correct.cache): 0 turns it off
    cache_weight: float = _setting(2.0, "weight of the page's own word counts (cache LM)")
    cache_share: float = _setting(0.2, "share of the cache in the page-word mixture")
    cache_prior: float = _setting(300.0, "pseudo-words of corpus text a page's counts start from")
    gate_valid: float = _setting(0.93, "share of known syllables above which a block is good")
    gate_marked: float = _setting(0.25, "... provided this share of its words carries marks")
    gate_min_words: int = _setting(4, "smaller blocks take the gate of their whole page")
    restore_keys: float = _setting(
        0.9, "a mark-less block whose words fold to syllables this often is restored"
    )
    case_rate: float = _setting(0.01, "corpus capitals rate below which an OCR capital is lowered")
    tone_style: ToneStyle = _setting(
        ToneStyle.OLD, "where restored words place the tone: old (hòa) or new (hoà)"
    )

    def settings(self) -> dict[str, object]:
        """JSON-ready settings for the Document's processing step."""
        return {
            k: (v.value if isinstance(v, ToneStyle) else v)
            for k, v in ((f, getattr(self, f)) for f in self.__slots__)  # type: ignore[attr-defined]
        }


@dataclass(frozen=True, slots=True)
class CorrectionResult:
    """Corrected text and the list of changes (positions: page 0, line, word index)."""

    text: str
    corrections: tuple[Correction, ...]
