"""The texts a report compares, as streams of normalised syllables.

A report may compare texts of any length (a whole register typed out), so a text is never
turned into one list here: a text file comes as a run of decoded pieces
(:func:`pipeline.sources.text_pieces`), a Document as its words, and each becomes an
iterator of :class:`Token`. A :class:`Text` starts its iterators again on each call,
because the syllable and the character alignments each read the texts once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache, partial
from typing import NamedTuple

from pipeline.document import Document
from pipeline.metrics import CompareOptions, normalize_token

#: What ends a line for ``str.splitlines``: a token before one of these ends a row of the
#: aligned text.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


class Token(NamedTuple):
    """One syllable as it is compared (a tuple: millions of them go by in a long text).

    ``line_end``: a line of the text ends after it (for display only); ``origin``: the
    (page index, line, word) it was read from, when the text is a Document.
    """

    text: str
    line_end: bool = False
    origin: tuple[int, int, int] | None = None


@lru_cache(maxsize=8)
def _normalizer(options: CompareOptions) -> Callable[[str], str]:
    """normalize_token with these options, cached by the word alone: hashing the options
    for each of millions of words was a fifth of a long report's time."""
    return lru_cache(maxsize=1 << 16)(partial(normalize_token, options=options))


#: Token((text, line_end, origin)) without NamedTuple's Python-level __new__ (a tenth of
#: a long report's time went there).
_new_token = partial(tuple.__new__, Token)


def text_tokens(pieces: Iterable[str], options: CompareOptions) -> Iterator[Token]:
    """The tokens of a text given in pieces that end after whitespace (one piece will do)."""
    normalize = _normalizer(options)
    pending: str | None = None
    ends = False
    for piece in pieces:
        for line in piece.splitlines(keepends=True):
            for token in [t for t in map(normalize, line.split()) if t]:
                if pending is not None:
                    yield _new_token((pending, ends, None))
                pending, ends = token, False
            if line[-1:] in LINE_BREAKS and pending is not None:
                ends = True
    if pending is not None:
        yield Token(pending, True)


def text_words(pieces: Iterable[str], options: CompareOptions) -> Iterator[list[str]]:
    """The same tokens' texts only, a list per piece: what the character alignment reads."""
    normalize = _normalizer(options)
    for piece in pieces:
        words = [t for t in map(normalize, piece.split()) if t]
        if words:
            yield words


def document_tokens(doc: Document, options: CompareOptions) -> Iterator[Token]:
    """The tokens of a Document, each with the place of the word it comes from."""
    normalize = _normalizer(options)
    pending: Token | None = None
    for page in doc.pages:
        for li, line in enumerate(page.lines):
            for wi, word in enumerate(line.words):
                for part in word.text.split():
                    token = normalize(part)
                    if token:
                        if pending is not None:
                            yield pending
                        pending = Token(token, False, (page.index, li, wi))
            if pending is not None:
                pending = pending._replace(line_end=True)
    if pending is not None:
        yield pending


class Text(NamedTuple):
    """A text to compare, read again for each alignment: ``tokens`` for the syllables (with
    their lines and places), ``words`` for the characters (lists of token texts)."""

    tokens: Callable[[], Iterator[Token]]
    words: Callable[[], Iterator[list[str]]]


def text_of(value: str | Document | Callable[[], Iterable[str]], options: CompareOptions) -> Text:
    """A text (str), a text file's pieces (a function giving them) or a Document, to compare."""
    if isinstance(value, Document):

        def doc_words() -> Iterator[list[str]]:
            return ([t.text] for t in document_tokens(value, options))

        return Text(lambda: document_tokens(value, options), doc_words)
    pieces = (lambda: (value,)) if isinstance(value, str) else value
    return Text(lambda: text_tokens(pieces(), options), lambda: text_words(pieces(), options))


def char_pieces(words: Iterable[list[str]], options: CompareOptions) -> Iterator[str]:
    """The string CER is computed on (:func:`pipeline.metrics.char_string`), in pieces."""
    sep = "" if options.ignore_spaces else " "
    before = ""  # the separator before every piece but the first
    for batch in words:
        for k in range(0, len(batch), 4096):  # pieces well under the alignment window
            yield before + sep.join(batch[k : k + 4096])
            before = sep
