from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest

from pipeline.errors import InputFileError
from pipeline.sources import (
    TCVN3,
    VNI,
    decode_legacy,
    decode_text,
    from_tcvn3,
    from_vni,
    legacy_encoding,
    match_sources,
    read_source,
)

TEXT = "Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc\n"

# How these lines look when a TCVN3 (.VnTime) or VNI (VNI-Times) file is read as
# Latin-1: the well-known mojibake of Vietnamese offices, typed here by hand.
TCVN3_MOJIBAKE = "Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc"
TCVN3_EXPECTED = "Cộng hoà xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc"
VNI_MOJIBAKE = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam\nÑoäc laäp - Töï do - Haïnh phuùc"
VNI_UPPER = "COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM"


def test_tcvn3_known_mojibake() -> None:
    assert legacy_encoding(TCVN3_MOJIBAKE) == "TCVN3"
    assert from_tcvn3(TCVN3_MOJIBAKE) == TCVN3_EXPECTED
    # more hand-checked words: thông tư (ư is the soft hyphen 0xAD), năm, người, tổ chức
    words = "Th«ng t\u00ad n¨m ng\u00adêi tæ chøc §¶ng"
    assert from_tcvn3(words) == "Thông tư năm người tổ chức Đảng"


def test_vni_known_mojibake() -> None:
    assert legacy_encoding(VNI_MOJIBAKE) == "VNI"
    assert from_vni(VNI_MOJIBAKE) == TEXT.strip()
    assert from_vni(VNI_UPPER) == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert from_vni("ngöôøi naêm quoác UÛY BAN NHAÂN DAÂN") == "người năm quốc ỦY BAN NHÂN DÂN"


def test_tables_cover_every_letter() -> None:
    vowels = "aăâeêioôơuưy"
    tones = "\u0300\u0301\u0309\u0303\u0323"
    toned = {unicodedata.normalize("NFC", v + m) for v in vowels for m in tones}
    assert toned | set("ăâêôơưđ") <= set(TCVN3.values())
    assert len(set(TCVN3.values())) == len(TCVN3)  # one code per letter
    upper = {t.upper() for t in toned} | set("ĂÂÊÔƠƯĐ")
    # VNI writes í ì Í Ì as the Latin-1 letters themselves: no entry needed
    assert toned | upper | set("ăâêôơưđ") <= set(VNI.values()) | set("íìÍÌ")


def test_vni_round_trip_over_all_letters() -> None:
    # encoding with the table's inverse and decoding must give the text back: this checks
    # that decoding prefers the longest spelling ("oâ" + tone before "o")
    text = " ".join(sorted(set(VNI.values())))
    inverse = {v: k for k, v in VNI.items()}
    encoded = "".join(inverse.get(ch, ch) for ch in text)
    assert from_vni(encoded) == text


def test_unicode_and_latin1_text_is_left_alone() -> None:
    assert decode_legacy(TEXT) == TEXT
    assert decode_legacy("café, naïve, © 2024, où") == "café, naïve, © 2024, où"
    assert legacy_encoding("Cộng hoà ©") is None


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),  # with BOM
        lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
        lambda t: t.encode("utf-16-le"),  # no BOM
        lambda t: t.encode("utf-32"),
        lambda t: unicodedata.normalize("NFD", t).encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16be-bom", "utf16le-nobom", "utf32", "nfd"],
)
def test_unicode_encodings(encode, tmp_path: Path) -> None:
    f = tmp_path / "source.txt"
    f.write_bytes(encode(TEXT))
    assert read_source(f) == TEXT


#: Over 4 KB of ASCII in UTF-16: the BOM-less guess sees only this head.
_ASCII = "Quyet dinh so 12/2024/QD-UBND ve viec ban hanh quy che lam viec.\n" * 40


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text",
    [_ASCII, _ASCII + TEXT, unicodedata.normalize("NFD", TEXT), TEXT],
    ids=["ascii-only", "ascii-head-then-vietnamese", "nfd", "nfc"],
)
def test_utf16_without_bom(text: str, codec: str, tmp_path: Path) -> None:
    """ASCII-only and NFD text in UTF-16 is all bytes below 0x80, which is valid UTF-8:
    it was read as UTF-8 with a NUL beside every letter."""
    f = tmp_path / "source.txt"
    f.write_bytes(text.encode(codec))
    want = unicodedata.normalize("NFC", text)
    assert read_source(f) == want
    assert decode_text(text.encode(codec)) == want


def test_legacy_bytes(tmp_path: Path) -> None:
    f = tmp_path / "old.txt"
    f.write_bytes(TCVN3_MOJIBAKE.encode("latin-1"))
    assert read_source(f) == TCVN3_EXPECTED
    f.write_bytes(VNI_MOJIBAKE.encode("latin-1"))
    assert read_source(f) == TEXT.strip()


def test_undecodable_bytes_name_the_file(tmp_path: Path) -> None:
    f = tmp_path / "mystery.txt"
    f.write_bytes(b"plain words \x90\x9d\x81 then \xff\xfe\xfd more words")
    with pytest.raises(InputFileError, match="mystery.txt"):
        read_source(f)
    with pytest.raises(InputFileError, match="blob"):
        decode_text(b"\x81\x82\x83 \x8d", "blob")


def test_other_formats_are_refused_clearly(tmp_path: Path) -> None:
    doc = tmp_path / "old.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(InputFileError, match=r"old\.doc.*\.docx"):
        read_source(doc)
    with pytest.raises(InputFileError, match="no such file"):
        read_source(tmp_path / "absent.txt")


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("ĐẢNG BỘ TỈNH QUẢNG NGÃI")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Số 164-KH/HU"
    table.cell(0, 1).text = "Sơn Hà, ngày 20 tháng 8 năm 2024"
    d.add_paragraph("KẾ HOẠCH")
    d.add_paragraph(TCVN3_MOJIBAKE.split("\n")[1])  # a paragraph typed in .VnTime
    f = tmp_path / "ke-hoach.docx"
    d.save(str(f))
    lines = read_source(f).split("\n")
    assert lines[:4] == [
        "ĐẢNG BỘ TỈNH QUẢNG NGÃI",
        "Số 164-KH/HU",
        "Sơn Hà, ngày 20 tháng 8 năm 2024",
        "KẾ HOẠCH",
    ]
    # one legacy paragraph among Unicode ones is not converted: Unicode wins
    assert lines[4] == TCVN3_MOJIBAKE.split("\n")[1]


def test_docx_all_tcvn3_is_converted(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    for line in TCVN3_MOJIBAKE.split("\n"):
        d.add_paragraph(line)
    f = tmp_path / "vntime.docx"
    d.save(str(f))
    assert read_source(f) == TCVN3_EXPECTED


def test_broken_docx(tmp_path: Path) -> None:
    pytest.importorskip("docx")
    f = tmp_path / "broken.docx"
    f.write_bytes(b"PK\x03\x04" + b"\0" * 50)
    with pytest.raises(InputFileError, match="broken.docx"):
        read_source(f)


def test_match_sources(tmp_path: Path) -> None:
    (tmp_path / "scan_001.TXT").write_text("a", encoding="utf-8")
    (tmp_path / "scan_002.docx").write_bytes(b"")
    (tmp_path / "scan_002.txt").write_text("b", encoding="utf-8")
    (tmp_path / "notes.md").write_text("c", encoding="utf-8")
    found = match_sources(["scan_001.pdf", "scan_002.tif", "scan_003.png"], tmp_path)
    assert {k: v.name for k, v in found.items()} == {
        "scan_001.pdf": "scan_001.TXT",
        "scan_002.tif": "scan_002.txt",
    }


def test_match_sources_takes_ground_truth_names_and_sub_folders(tmp_path: Path) -> None:
    """NAME.gt.txt (what vnocr synth and samples/ write) and a tree mirroring the scans."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.clean.gt.txt").write_text("a", encoding="utf-8")
    (tmp_path / "sub" / "b.GT.TXT").write_text("b", encoding="utf-8")
    (tmp_path / "b.txt").write_text("flat b: the sub-folder's own wins", encoding="utf-8")
    (tmp_path / "c.txt").write_text("c, flat, for a scan in a sub-folder", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "d.txt").write_text("hidden", encoding="utf-8")
    names = ["a.clean.tif", "sub/b.png", "sub/deeper/c.pdf", "d.png", ".hidden/d.png"]
    found = match_sources(names, tmp_path)
    assert {k: v.relative_to(tmp_path).as_posix() for k, v in found.items()} == {
        "a.clean.tif": "a.clean.gt.txt",
        "sub/b.png": "sub/b.GT.TXT",
        "sub/deeper/c.pdf": "c.txt",
    }
    with pytest.raises(InputFileError, match="must be a folder"):
        match_sources(names, tmp_path / "a.clean.gt.txt")
