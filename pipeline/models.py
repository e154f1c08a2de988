"""The correction's models as one bundle, loaded once per process and passed to the stages.

A :class:`Models` holds the lexicon, the syllable language model and the OCR channel
model. The batch's workers load the shipped bundle once (:func:`default_models`) and pass
it to ``recognize_page`` (the retry check needs the lexicon) and ``assemble`` (the
correction needs all three); a library user may build a bundle of their own. The
Corrector of a bundle and a CorrectConfig is built once and kept on the bundle, so its
per-token caches serve every later document.

:func:`model_hashes` names the model files by content: they are part of the resume
fingerprint, so a new language model (or ``VNOCR_DATA`` pointing elsewhere) redoes the
documents it would change.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.channel import ChannelModel, load_channel
from pipeline.filehash import content_hash
from pipeline.lexicon import FILES, Lexicon, load_lexicon
from pipeline.lm import LanguageModel, load_lm
from pipeline.resources import ENV, data_dir

if TYPE_CHECKING:
    from pipeline.correct import CorrectConfig, Corrector


@dataclass(frozen=True, eq=False)
class Models:
    """The lexicon, the language model and the channel model the correction reads."""

    lexicon: Lexicon
    lm: LanguageModel
    channel: ChannelModel
    _correctors: dict[CorrectConfig, Corrector] = field(
        default_factory=dict, init=False, repr=False
    )

    @classmethod
    def load(cls, files: ModelFiles | None = None) -> Models:
        """Load the bundle from ``files`` (default: where :func:`model_files` finds them)."""
        f = files or model_files()
        return cls(load_lexicon(f.lexicon), load_lm(f.lm), load_channel(f.channel))

    def corrector(self, config: CorrectConfig | None = None) -> Corrector:
        """The Corrector of these models under ``config`` (built once, then reused)."""
        from pipeline.correct import CorrectConfig, Corrector

        cfg = config or CorrectConfig()
        got = self._correctors.get(cfg)
        if got is None:
            got = self._correctors[cfg] = Corrector(self.lexicon, self.lm, self.channel, cfg)
        return got


@dataclass(frozen=True, slots=True)
class ModelFiles:
    """Where the models are read from: the lexicon folder and the two model files."""

    lexicon: Path
    lm: Path
    channel: Path

    def paths(self) -> dict[str, Path]:
        """Every file the bundle is loaded from, by a stable name."""
        out = {f"lexicon/{name}": self.lexicon / name for name in sorted(FILES.values())}
        return {**out, "lm": self.lm, "channel": self.channel}

    def stamp(self) -> tuple[tuple[str, int, int], ...]:
        """(path, size, mtime) of every file: what tells a changed file without reading it."""
        out = []
        for p in self.paths().values():
            try:
                st = p.stat()
                out.append((str(p), st.st_size, st.st_mtime_ns))
            except OSError:
                out.append((str(p), -1, -1))  # missing: the loader names it
        return tuple(out)


def model_files() -> ModelFiles:
    """The model files vnocr reads now: ``$VNOCR_DATA``'s, the checkout's or the installed."""
    models = data_dir("models")
    return ModelFiles(data_dir("lexicon"), models / "lm.npz", models / "confusions.json")


def default_models() -> Models:
    """The shipped bundle (or ``$VNOCR_DATA``'s), loaded once per process; loaded again
    only when its files change (another ``VNOCR_DATA``, a rebuilt model)."""
    files = model_files()
    return _load(files, files.stamp())


@functools.lru_cache(maxsize=1)
def _load(files: ModelFiles, stamp: tuple[tuple[str, int, int], ...]) -> Models:
    return Models.load(files)


def model_hashes(files: ModelFiles | None = None) -> dict[str, str]:
    """A content hash of every model file, and ``VNOCR_DATA`` as set (for the fingerprint)."""
    f = files or model_files()
    hashes = {name: content_hash(path) for name, path in f.paths().items()}
    return {**hashes, ENV: os.environ.get(ENV, "")}
