"""Reading the source texts a scan is compared with: .txt in any encoding offices used, .docx.

Old office files are often not Unicode. Before Unicode, Vietnamese was typed in 8-bit
font encodings, chiefly TCVN3 (TCVN 5712:1993 "VN3", the ABC fonts .VnTime...) and VNI
(the VNI-Times... fonts). Their bytes, read as Windows-1252/Latin-1, give the familiar
mojibake "Céng hoµ x· héi" (TCVN3) or "Coäng hoøa xaõ hoäi" (VNI). The same mojibake
appears inside .docx files typed with those fonts. :func:`decode_legacy` detects both and
converts them to Unicode NFC; the tables below are built from the published encoding
definitions (one code per precomposed letter in TCVN3; base letter + mark code in VNI).

Limits: TCVN3 has no codes for capital toned vowels (capitals came from a separate "H"
font with the lower-case codes), so such text comes back in lower case; compare it with
``CompareOptions(ignore_case=True)``.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath

from pipeline.errors import InputFileError, MissingDependencyError
from pipeline.io import read_bytes
from pipeline.vietnamese import TONE_MARKS, nfc

# --------------------------------------------------------------------------- TCVN3 (ABC)
# Lower-case vowels in tone order ngang, huyền, hỏi, ngã, sắc, nặng (the TCVN3 code order);
# ngang of a/e/i/o/u/y is ASCII itself.
_TCVN3_VOWELS = {
    "a": (None, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (None, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (None, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (None, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (None, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (None, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TCVN3_OTHER = {
    0xAE: "đ",
    0xA1: "Ă",
    0xA2: "Â",
    0xA3: "Ê",
    0xA4: "Ô",
    0xA5: "Ơ",
    0xA6: "Ư",
    0xA7: "Đ",
}
# TCVN3 order of tones -> combining mark: huyền, hỏi, ngã, sắc, nặng
_TCVN3_TONE_ORDER = (TONE_MARKS[0], TONE_MARKS[2], TONE_MARKS[3], TONE_MARKS[1], TONE_MARKS[4])


def _tcvn3_table() -> dict[int, str]:
    table = dict(_TCVN3_OTHER)
    for vowel, codes in _TCVN3_VOWELS.items():
        if codes[0] is not None:
            table[codes[0]] = vowel
        for mark, code in zip(_TCVN3_TONE_ORDER, codes[1:], strict=True):
            table[code] = nfc(vowel + mark)
    return table


#: Latin-1 code point -> Unicode text, for TCVN3.
TCVN3 = _tcvn3_table()
_TCVN3_TRANS = str.maketrans(TCVN3)

# --------------------------------------------------------------------------- VNI
# VNI writes a base letter followed by a mark code. Lower-case codes (upper case = the
# Latin-1 capital of the same letter): tones sắc ù, huyền ø, hỏi û, ngã õ, nặng ï;
# circumflex â (with tone: sắc á, huyền à, hỏi å, ngã ã, nặng ä); breve ê (sắc é, huyền è,
# hỏi ú, ngã ü, nặng ë); ơ = ô, ư = ö, đ = ñ; i with a tone is one code (í ì æ ó ò), and
# so is ỵ (î).
_HUYEN, _SAC, _HOI, _NGA, _NANG = TONE_MARKS
_VNI_TONE = {"": "", _SAC: "ù", _HUYEN: "ø", _HOI: "û", _NGA: "õ", _NANG: "ï"}
_VNI_CIRC = {"": "â", _SAC: "á", _HUYEN: "à", _HOI: "å", _NGA: "ã", _NANG: "ä"}
_VNI_BREVE = {"": "ê", _SAC: "é", _HUYEN: "è", _HOI: "ú", _NGA: "ü", _NANG: "ë"}
_VNI_I = {_SAC: "í", _HUYEN: "ì", _HOI: "æ", _NGA: "ó", _NANG: "ò"}


def _vni_spelling(vowel: str, tone: str) -> str:
    """VNI lower-case spelling of a lower-case vowel (NFC) with a tone mark (or "")."""
    if vowel in "âêô":
        return {"â": "a", "ê": "e", "ô": "o"}[vowel] + _VNI_CIRC[tone]
    if vowel == "ă":
        return "a" + _VNI_BREVE[tone]
    if vowel == "i" and tone:
        return _VNI_I[tone]
    if vowel == "y" and tone == _NANG:
        return "î"
    base = {"ơ": "ô", "ư": "ö"}.get(vowel, vowel)
    return base + _VNI_TONE[tone]


def _vni_table() -> dict[str, str]:
    table = {"ñ": "đ", "Ñ": "Đ"}
    for vowel in "aăâeêioôơuưy":
        for tone in _VNI_TONE:
            spelling = _vni_spelling(vowel, tone)
            uni = nfc(vowel + tone)
            if spelling != uni:
                table[spelling] = uni
                table[spelling.upper()] = uni.upper()
    return table


#: VNI spelling (Latin-1 characters) -> Unicode letter.
VNI = _vni_table()
_VNI_RE = re.compile("|".join(sorted(map(re.escape, VNI), key=len, reverse=True)))

# --------------------------------------------------------------------------- detection
# Codes TCVN3 uses for its marked letters below 0xC0 (rare in any other text).
_TCVN3_SIGNS = re.compile("[\u00a1-\u00ae\u00b5-\u00b9\u00bb-\u00be]")
# A vowel followed by a VNI mark code: "Vieät", "hoøa", "naêm".
_VNI_SIGNS = re.compile(
    "[aeoAEO][âáàåãäÂÁÀÅÃÄ]|[aA][êéèúüëÊÉÈÚÜË]|[aeouyôöAEOUYÔÖ][ùøûõïÙØÛÕÏ]|ñ[aeiouy]|Ñ[aeiouyAEIOUY]"
)
# Letters only Unicode Vietnamese has (outside Latin-1): a text with these is Unicode.
_UNICODE_VI = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")


class _LegacySigns:
    """Signs of TCVN3 and VNI counted over a text read piece by piece (a long source is
    never held whole); :func:`legacy_encoding` is the verdict over one piece."""

    def __init__(self) -> None:
        self.unicode = False
        self.tcvn3 = self.vni = self.letters = 0

    def add(self, text: str) -> None:
        if self.unicode:
            return
        if _UNICODE_VI.search(text):
            self.unicode = True
            return
        self.tcvn3 += len(_TCVN3_SIGNS.findall(text))
        self.vni += len(_VNI_SIGNS.findall(text))
        self.letters += sum(ch.isalpha() for ch in text)

    def verdict(self) -> str | None:
        if self.unicode:
            return None
        letters = self.letters or 1
        best, score = ("TCVN3", self.tcvn3) if self.tcvn3 >= self.vni else ("VNI", self.vni)
        # A stray "©" or French "où" is not a legacy text: ask for a few per thousand letters.
        if score >= 3 and score * 1000 >= 3 * letters:
            return best
        return None


def legacy_encoding(text: str) -> str | None:
    """ "TCVN3", "VNI" or None: which legacy encoding a Latin-1-looking text is written in."""
    signs = _LegacySigns()
    signs.add(text)
    return signs.verdict()


def from_tcvn3(text: str) -> str:
    """Convert TCVN3 text (bytes read as Latin-1) to Unicode NFC."""
    return nfc(text.translate(_TCVN3_TRANS))


def from_vni(text: str) -> str:
    """Convert VNI text (bytes read as Latin-1) to Unicode NFC."""
    return nfc(_VNI_RE.sub(lambda m: VNI[m.group(0)], text))


def decode_legacy(text: str) -> str:
    """Text with TCVN3 or VNI mojibake converted to Unicode; any other text unchanged (NFC)."""
    kind = legacy_encoding(text)
    if kind == "TCVN3":
        return from_tcvn3(text)
    if kind == "VNI":
        return from_vni(text)
    return nfc(text)


# --------------------------------------------------------------------------- files

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _bomless_utf16(data: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" when most even or odd bytes are NUL (ASCII-heavy UTF-16)."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


#: Bytes read at a time when a text file is streamed (:func:`text_pieces`).
PIECE_BYTES = 1 << 20


def _convert(kind: str | None) -> Callable[[str], str]:
    """Decoded text -> Unicode NFC, for a text found to be TCVN3, VNI or neither."""
    return {"TCVN3": from_tcvn3, "VNI": from_vni}.get(kind or "", nfc)


def _scan(chunks: Iterable[bytes], codec: str, legacy: bool = True) -> str | None:
    """Decode every chunk with ``codec`` (UnicodeDecodeError if it does not fit) and
    return the legacy encoding the decoded text is in (None without ``legacy``)."""
    decoder = codecs.getincrementaldecoder(codec)()
    signs = _LegacySigns()
    for chunk in chunks:
        text = decoder.decode(chunk)
        if legacy:
            signs.add(text)
    decoder.decode(b"", final=True)
    return signs.verdict() if legacy else None


def _encoding(chunks: Callable[[], Iterable[bytes]], name: str) -> tuple[str, str | None]:
    """(codec, legacy encoding or None) of a text given as a re-readable run of chunks:
    UTF-8/16/32 by BOM, UTF-16 without BOM (told by the NULs of its first 4 KB), UTF-8,
    TCVN3 or VNI, tried in that order."""
    head = b"".join(_first(chunks(), 4096))
    for bom, codec in _BOMS:
        if head.startswith(bom):
            try:
                return codec, _scan(chunks(), codec)
            except UnicodeDecodeError as e:
                raise InputFileError(
                    f"{name}: has a {codec} byte-order mark but is not {codec}"
                ) from e
    # UTF-16 before UTF-8: ASCII-only or NFD text in UTF-16 is all bytes below 0x80, valid
    # UTF-8 that would read with a NUL beside every letter (no UTF-8 text holds NULs)
    utf16 = _bomless_utf16(head)
    if utf16:
        try:
            return utf16, _scan(chunks(), utf16, legacy=False)
        except UnicodeDecodeError:
            pass
    try:
        return "utf-8", _scan(chunks(), "utf-8")
    except UnicodeDecodeError:
        pass
    if not any(b"\x00" in chunk for chunk in chunks()):
        kind = _scan(chunks(), "latin-1")
        if kind:
            return "latin-1", kind
    raise InputFileError(
        f"{name}: not UTF-8, UTF-16 or a Vietnamese legacy encoding (TCVN3, VNI); "
        "save it as UTF-8 text"
    )


def _first(chunks: Iterable[bytes], n: int) -> Iterator[bytes]:
    """The chunks up to ``n`` bytes in all (the last one cut)."""
    for chunk in chunks:
        if n <= 0:
            return
        yield chunk[:n]
        n -= len(chunk)


def decode_text(data: bytes, name: str = "text") -> str:
    """Decode a text file's bytes to Unicode NFC (UTF-8/16/32 by BOM, UTF-16, UTF-8, TCVN3, VNI).

    Raises InputFileError naming ``name`` when the bytes are none of these.
    """
    codec, kind = _encoding(lambda: (data,), name)
    return _convert(kind)(data.decode(codec))


def _file_chunks(path: Path, name: str) -> Iterator[bytes]:
    try:
        with path.open("rb") as f:
            while chunk := f.read(PIECE_BYTES):
                yield chunk
    except OSError as e:  # the file went away or turned unreadable between two reads
        raise InputFileError(f"{name}: cannot read ({e.strerror or e})") from e


def text_pieces(path: Path, name: str) -> Callable[[], Iterator[str]]:
    """The text of a text file, decoded as :func:`decode_text` decodes it whole, as a
    re-readable run of pieces: each call reads the file again, a megabyte at a time, so a
    text of any length is never held whole. Pieces end after a whitespace character, so
    no word and no legacy-encoded letter is cut in two (a "word" with no space in a
    megabyte is held whole). The encoding is chosen once, by reading the file through.
    """
    read_bytes(path, name, 0)  # a folder, a missing or unreadable file: said here, once
    codec, kind = _encoding(lambda: _file_chunks(path, name), name)
    convert = _convert(kind)

    def pieces() -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(codec)()
        rest = ""
        for chunk in _file_chunks(path, name):
            text = rest + decoder.decode(chunk)
            cut = _last_space(text)
            rest = text[cut:]
            if cut:
                yield convert(text[:cut])
        rest += decoder.decode(b"", final=True)
        if rest:
            yield convert(rest)

    return pieces


def _last_space(text: str) -> int:
    """The index just after the last whitespace character of ``text`` (0: none)."""
    i = len(text)
    while i and not text[i - 1].isspace():
        i -= 1
    return i


def _docx_text(path: Path) -> str:
    try:
        import docx  # python-docx; imported here so text sources never need it
        from docx.table import Table
    except ImportError as e:
        raise MissingDependencyError(
            f"{path.name}: reading .docx needs python-docx (pip install python-docx)"
        ) from e
    try:
        document = docx.Document(str(path))
    except Exception as e:  # python-docx raises its own, zipfile's and lxml's errors
        raise InputFileError(f"{path.name}: not a readable .docx file ({type(e).__name__})") from e

    def blocks(container: object) -> Iterable[str]:
        for item in container.iter_inner_content():  # type: ignore[attr-defined]
            if isinstance(item, Table):
                for row in item.rows:
                    seen: set[int] = set()
                    for cell in row.cells:  # merged cells repeat: read each once
                        if id(cell._tc) not in seen:
                            seen.add(id(cell._tc))
                            yield from blocks(cell)
            else:
                yield item.text

    return "\n".join(blocks(document))


def _container(p: Path, head: bytes) -> str | None:
    """The text of a .docx source; None for a text file; InputFileError for a .doc, a PDF
    or another zip archive (told from the first bytes)."""
    if head.startswith(b"PK\x03\x04"):
        if p.suffix.lower() not in (".docx", ".docm", ".dotx", ""):
            raise InputFileError(f"{p.name}: a zip archive, not a text or .docx file")
        return decode_legacy(_docx_text(p))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputFileError(f"{p.name}: an old Word .doc file; save it as .docx or .txt")
    if head.startswith(b"%PDF-"):
        raise InputFileError(f"{p.name}: a PDF; a source must be text or .docx")
    return None


def _empty(p: Path) -> InputFileError:
    size = p.stat().st_size if p.exists() else 0
    return InputFileError(
        f"{p.name}: the source text is empty ({size} bytes, no text to compare with)"
    )


def read_source(path: str | Path) -> str:
    """The text of a source document (.docx or text), as Unicode NFC.

    Legacy TCVN3/VNI text is converted, in text files and in .docx alike. A source with no
    text at all is an InputFileError: every comparison with it would be meaningless.
    """
    p = Path(path)
    data = read_bytes(p, str(p))
    text = _container(p, data[:8])
    if text is None:
        text = decode_text(data, p.name)
    if not text.strip():
        raise _empty(p)
    return text


def source_pieces(path: str | Path) -> Callable[[], Iterator[str]]:
    """:func:`read_source` for sources of any length: the text as a re-readable run of
    pieces (:func:`text_pieces`); a .docx is read whole (its XML is, by python-docx)."""
    p = Path(path)
    text = _container(p, read_bytes(p, str(p), 8))
    if text is not None:
        if not text.strip():
            raise _empty(p)
        return lambda: iter((text,))
    pieces = text_pieces(p, p.name)
    if not any(piece.strip() for piece in pieces()):
        raise _empty(p)
    return pieces


#: How a source text may be named beside a scan's stem, in order of preference: the
#: ground-truth convention of ``vnocr synth`` and the samples (NAME.gt.txt) first.
SOURCE_NAMES = (".gt.txt", ".txt", ".docx")


def source_candidates(name: str) -> tuple[str, ...]:
    """Relative paths a scan called ``name`` (``sub/a.png``) may have its source text at.

    The same sub-folder first (``sub/a.gt.txt``, ``sub/a.txt``, ``sub/a.docx``), then the
    top of the folder (``a.gt.txt`` ...), so a flat folder of texts matches a tree of scans.
    """
    path = PurePosixPath(name)
    stem = path.name.rsplit(".", 1)[0] if "." in path.name else path.name
    places = [path.parent] if str(path.parent) != "." else []
    places.append(PurePosixPath("."))
    return tuple(
        str(place / (stem + suffix)) if str(place) != "." else stem + suffix
        for place in places
        for suffix in SOURCE_NAMES
    )


def match_sources(names: Iterable[str], source_dir: str | Path) -> dict[str, Path]:
    """Map each scan name (relative, POSIX) to its source text in ``source_dir``.

    ``sub/scan_012.pdf`` matches, in this order, ``sub/scan_012.gt.txt``, ``sub/scan_012.txt``,
    ``sub/scan_012.docx``, then the same names at the top of ``source_dir``; file names are
    compared case-insensitively. Names with no source are left out (the caller says which).
    """
    folder = Path(source_dir)
    if not folder.is_dir():
        raise InputFileError(f"{folder}: --source must be a folder of source texts")
    present: dict[str, Path] = {}
    for f in sorted(folder.rglob("*")):
        rel = f.relative_to(folder).as_posix()
        if f.is_file() and not any(part.startswith(".") for part in rel.split("/")):
            present.setdefault(rel.casefold(), f)
    out: dict[str, Path] = {}
    for name in names:
        for candidate in source_candidates(name):
            hit = present.get(candidate.casefold())
            if hit is not None:
                out[name] = hit
                break
    return out
