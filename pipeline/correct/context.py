"""The Corrector: loaded models, settings and the per-token caches the rules share."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.channel import ChannelModel
from pipeline.correct.candidates import Candidates, Cands
from pipeline.correct.codes import CodeBook
from pipeline.correct.config import CorrectConfig
from pipeline.lexicon import Lexicon
from pipeline.lm import LanguageModel


@dataclass(frozen=True, slots=True)
class Memo:
    """What the rules worked out per distinct token, kept between documents."""

    kinds: dict[tuple[str, bool], str] = field(default_factory=dict)  # (core, marker) -> Kind
    fixed: dict[str, Cands] = field(default_factory=dict)  # a kept token's one candidate
    doubt: dict[tuple[int, float], tuple[Cands, Cands]] = field(default_factory=dict)
    # (token, prev, next, id of its candidates) -> (those candidates, with neighbours' words)
    words: dict[tuple[str, str, str, int], tuple[Cands, Cands]] = field(default_factory=dict)
    spellings: dict[str, tuple[str, ...]] = field(default_factory=dict)  # other letter keys


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

    def warm(self) -> None:
        """Build now what the first page would otherwise build: the lexicon's index of
        long words (:func:`~pipeline.longwords.long_words`)."""
        from pipeline.longwords import long_words

        long_words(self.lex)

    def candidates(self, core: str, regime: str, drop: float | None = None) -> Cands:
        """Candidate syllables of a token under ``regime`` (see :class:`Candidates`)."""
        return self.cands(core, regime, drop)

    def repair_code(self, code: str) -> str:
        """A document code with its unknown letter segments repaired ("82/TIr-UBND")."""
        return self.codes.repair_code(code)
