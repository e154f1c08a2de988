from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.errors import ModelFormatError
from pipeline.lexicon import (
    DEFAULT_DIR,
    FILES,
    is_valid_syllable,
    load_lexicon,
    normalize_phrase,
)
from pipeline.vietnamese import ToneStyle, fold_key, nfc, place_tones


@pytest.fixture(scope="module")
def lex():
    return load_lexicon()


VALID = (
    "a ai của chăm sóc nghiêng nghĩa quốc quý quí quyết khuya khuỷu giếng gì già yêu yên "
    "ý uyên oanh hoạch xoong thuở ngoằn ngoèo kỳ kì lý mỹ hòa hoà thủy thuỷ khỏe khoẻ ủy uỷ "
    "Đảng huyện tỉnh người được nước kết Đắk Lắk ưu hươu rượu tuổi gửi ạ ơi oải uống ướt "
    "QUYẾT kẻ ghi ghế nghề"
)
JUNK = (
    "internet cơquan nguời ciia tầc chầp hoc ngiêng kan gho ghu ngè tyên iên truong nguoi "
    "ting S6 t6 3 cưỡì ka cy UBND Xiaomi take"
)


@pytest.mark.parametrize("syl", VALID.split())
def test_valid_syllables(syl: str) -> None:
    assert is_valid_syllable(syl)


@pytest.mark.parametrize("junk", [*JUNK.split(), "", "chăm sóc"])
def test_invalid_syllables(junk: str) -> None:
    assert not is_valid_syllable(junk)


def test_syllables_known_in_any_case_and_tone_style(lex) -> None:
    for s in ["của", "Của", "CỦA", "hòa", "hoà", "thuỷ", "khoẻ", "Đảng", "huyện", "ủy"]:
        assert lex.is_syllable(s), s
    for junk in ["ciia", "ting", "tren", "cham", "internet", "clr", "S6", "UBND", "xyz", ""]:
        assert not lex.is_syllable(junk), junk


def test_lookup_by_fold_key(lex) -> None:
    tang = lex.syllables_by_key("tang")
    assert tang[0] == "tăng" and {"tầng", "tặng", "tang"} <= set(tang)
    assert "của" in lex.syllables_by_key("cua")
    assert lex.candidates("Chinh") == lex.syllables_by_key("chinh")
    assert lex.syllables_by_key("qqq") == ()
    for key, group in lex.by_key.items():
        assert all(fold_key(s) == key for s in group)
        counts = [lex.count(s) for s in group]
        assert counts == sorted(counts, reverse=True)


def test_frequencies_and_priors(lex) -> None:
    assert lex.count("của") > lex.count("cửa") > 0
    assert lex.logprior("của") > lex.logprior("cúa") > lex.logprior("zzz") - 1e-9


def test_party_and_administrative_words(lex) -> None:
    for w in [
        "huyện ủy",
        "tỉnh ủy",
        "chi bộ",
        "đảng viên",
        "cấp ủy",
        "Ban Thường vụ",
        "Ban Chấp hành",
        "Bí thư",
        "Mặt trận Tổ quốc",
        "đoàn thể",
        "Bộ Chính trị",
        "quán triệt",
        "tổ chức cơ sở đảng",
        "Ủy ban nhân dân",
        "Hội đồng nhân dân",
        "chăm sóc",
        "giáo dục",
        "bảo vệ",
        "trẻ em",
        "tăng cường",
        "công tác",
    ]:
        assert lex.is_word(w.split()), w
    assert lex.is_word(["Huyện", "uỷ"])  # case and tone style do not matter
    assert not lex.is_word(["chăm", "sọc"]) and not lex.is_word(["ting", "cuong"])


def test_place_names(lex) -> None:
    for name in [
        "Hà Nội",
        "Hồ Chí Minh",
        "Đắk Lắk",
        "Quảng Ngãi",
        "Gia Lai",
        "Cần Thơ",
        "Ninh Kiều",
        "Huế",
    ]:
        assert name in lex.names and lex.is_word(name.split()), name


def test_abbreviations_and_codes(lex) -> None:
    for a in [
        "UBND",
        "HĐND",
        "MTTQ",
        "CT-XH",
        "T/M",
        "K/T",
        "TM.",
        "KT.",
        "BCH",
        "BTV",
        "NĐ-CP",
        "QĐ",
        "TT",
        "CV",
        "TW",
    ]:
        assert lex.is_abbreviation(a), a
    for code in [
        "28-CT/TW",
        "164-KH/HU",
        "NĐ-CP",
        "01/2020/TT-BNV",
        "57-NQ/TW",
        "KH/HU",
        "15/2023/QĐ-UBND",
        "BLĐTBXH",
    ]:
        assert lex.is_code(code), code
    for word in ["ubnd", "Hà-Nội", "S6", "ciia", "của", "2023", "a-b"]:
        assert not lex.is_code(word), word
    assert lex.abbreviations["UBND"] == "Ủy ban nhân dân"


def test_files_are_sorted_nfc_and_old_tone_style() -> None:
    """Headers, order, NFC and tone style of every file (words.txt: see the slow test)."""
    for kind, name in FILES.items():
        lines = (DEFAULT_DIR / name).read_text(encoding="utf-8").split("\n")
        assert lines[0] == f"# vnocr-lexicon v1 {kind}"
        body = [ln for ln in lines if ln and not ln.startswith("#")]
        assert body, name
        for ln in body if kind != "words" else body[::50]:
            assert ln == nfc(ln) == place_tones(ln, ToneStyle.OLD), (name, ln)
        if kind in ("syllables", "words", "names"):
            assert body == sorted(set(body)), name
    syl = [
        ln.split("\t")
        for ln in (DEFAULT_DIR / FILES["syllables"]).read_text(encoding="utf-8").splitlines()[2:]
    ]
    assert all(is_valid_syllable(s) and s == s.lower() for s, _, _ in syl)


@pytest.mark.slow
def test_every_word_is_normalised() -> None:
    words = (DEFAULT_DIR / FILES["words"]).read_text(encoding="utf-8").splitlines()[1:]
    assert all(w == normalize_phrase(w) for w in words)


def test_lexicon_folder_is_small() -> None:
    assert sum(p.stat().st_size for p in DEFAULT_DIR.iterdir()) < 5_000_000


def _copy(tmp_path: Path) -> Path:
    dest = tmp_path / "lex"
    shutil.copytree(DEFAULT_DIR, dest)
    return dest


def test_bad_version_raises(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    f = d / FILES["words"]
    f.write_text(f.read_text(encoding="utf-8").replace("v1", "v7", 1), encoding="utf-8")
    with pytest.raises(ModelFormatError, match="v1"):
        load_lexicon(d)


def test_missing_file_and_bad_line_raise(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    (d / FILES["names"]).unlink()
    with pytest.raises(ModelFormatError, match="names"):
        load_lexicon(d)
    d = _copy(tmp_path / "2")
    with open(d / FILES["syllables"], "a", encoding="utf-8") as fh:
        fh.write("broken line without tabs\n")
    with pytest.raises(ModelFormatError, match="syllables"):
        load_lexicon(d)


def test_abbreviations_keep_case_but_take_an_all_capital_form(lex) -> None:
    for abbr in ["UBND", "TTr", "V/v", "ThS", "TM.", "T/M"]:
        assert lex.is_abbreviation(abbr), abbr
    # a header set in capitals writes the small letters as capitals too
    for caps in ["TTR", "V/V", "THS", "TTG"]:
        assert lex.is_abbreviation(caps), caps
    # small letters are words, not abbreviations ("tu" is a syllable)
    for word in ["ubnd", "Ubnd", "tu", "ttr", "v/v", "Ths", ""]:
        assert not lex.is_abbreviation(word), word


def test_code_segments_and_capitals_from_the_corpus(lex) -> None:
    # letter segments of document codes seen in the corpus, with their counts
    assert lex.code_segments["TTg"] > 100 and lex.code_segments["QH15"] > 100
    assert all(s[0].isupper() and len(s) >= 2 for s in lex.code_segments)
    # "Chính phủ" is written with a capital inside sentences, "đơn vị" is not
    assert lex.capital_rate("chính") > 0.1
    assert lex.capital_rate("Vị") < 0.01 and lex.capital_rate("vực") < 0.01
    assert lex.capital_rate("xyz") is None


def test_administrative_units_are_known(lex) -> None:
    for unit in ["thôn", "bản", "ấp", "buôn", "phum", "sóc", "xã", "phường", "thị trấn"]:
        assert lex.is_word(unit.split()), unit


def test_bad_codes_and_case_lines_raise(tmp_path: Path) -> None:
    for kind, bad in (("codes", "TTg\tmany\n"), ("case", "vị\t1\n")):
        d = _copy(tmp_path / kind)
        with open(d / FILES[kind], "a", encoding="utf-8") as fh:
            fh.write(bad)
        with pytest.raises(ModelFormatError, match=kind):
            load_lexicon(d)
