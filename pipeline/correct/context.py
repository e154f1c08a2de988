"""The Corrector: loaded models, settings and the per-token caches the rules share."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from pipeline.channel import ChannelModel
from pipeline.correct.candidates import Candidates, Cands
from pipeline.correct.codes import CodeBook
from pipeline.correct.config import CorrectConfig
from pipeline.lexicon import Lexicon
from pipeline.lm import LanguageModel
from pipeline.longwords import LongWords, long_words, pair_folds


@dataclass(frozen=True, slots=True)
class Memo:
    """What the rules worked out per distinct token, kept between documents."""

    kinds: dict[tuple[str, bool], str] = field(default_factory=dict)  # (core, marker) -> Kind
    fixed: dict[str, Cands] = field(default_factory=dict)  # a kept token's one candidate
    doubt: dict[tuple[int, float], tuple[Cands, Cands]] = field(default_factory=dict)
    # (token, prev, next, id of its candidates) -> (those candidates, with neighbours' words)
    words: dict[tuple[str, str, str, int], tuple[Cands, Cands]] = field(default_factory=dict)
    spellings: dict[str, tuple[str, ...]] = field(default_factory=dict)  # other letter keys
    # (token, neighbour, side) -> its other spellings that make a word with the neighbour
    pairs: dict[tuple[str, str, int], frozenset[str]] = field(default_factory=dict)


class Corrector:
    """Loaded models plus per-token caches; one per bundle and settings, reused across
    documents (:meth:`pipeline.models.Models.corrector`). Models not given are the
    process's shipped ones (:func:`pipeline.models.default_models`).

    The rules and the search receive it: the models (``lex``, ``lm``, ``channel``), the
    settings (``config``), the candidate scorer (``cands``), the code book (``codes``)
    and what was worked out per token so far (``memo``).
    """

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        lm: LanguageModel | None = None,
        channel: ChannelModel | None = None,
        config: CorrectConfig | None = None,
    ) -> None:
        if lexicon is None or lm is None or channel is None:
            from pipeline.models import default_models

            shipped = default_models()
            lexicon = shipped.lexicon if lexicon is None else lexicon
            lm = shipped.lm if lm is None else lm
            channel = shipped.channel if channel is None else channel
        self.lex, self.lm, self.channel = lexicon, lm, channel
        self.config = config or CorrectConfig()
        self.cands = Candidates(self.lex, self.lm, self.channel, self.config)
        self.width = self.cands.width  # candidates per position, padded
        self.codes = CodeBook(self.lex)
        self.memo = Memo()

    @functools.cached_property
    def long_words(self) -> LongWords:
        """The lexicon's index of long words (:func:`~pipeline.longwords.long_words`)."""
        return long_words(self.lex)

    @functools.cached_property
    def pair_folds(self) -> frozenset[str]:
        """The fold keys of the lexicon's two-syllable words
        (:func:`~pipeline.longwords.pair_folds`)."""
        return pair_folds(self.lex)

    def warm(self) -> None:
        """Read now what the first page would otherwise read: the lexicon's indexes of
        its words."""
        self.long_words  # noqa: B018
        self.pair_folds  # noqa: B018

    def candidates(self, core: str, regime: str, drop: float | None = None) -> Cands:
        """Candidate syllables of a token under ``regime`` (see :class:`Candidates`)."""
        return self.cands(core, regime, drop)

    def repair_code(self, code: str) -> str:
        """A document code with its unknown letter segments repaired ("82/TIr-UBND")."""
        return self.codes.repair_code(code)
