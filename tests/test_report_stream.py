"""The streamed report: texts longer than the alignment window are read, aligned and
written block by block, with the exact figures on OCR-like damage and the same page as
the in-memory compare() + to_html(). The windows are made small here so that a text of a
few thousand syllables crosses several of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein
from textdamage import damaged

from pipeline import blockalign, sources
from pipeline.blockalign import stream_sequences, stream_strings
from pipeline.errors import ExitCode, InputFileError
from pipeline.report import compare, main, to_html, to_json
from pipeline.sources import TCVN3, decode_text, text_pieces


@pytest.fixture
def small_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blockalign, "WINDOW_UNITS", 2_000)
    monkeypatch.setattr(blockalign, "WINDOW_CHARS", 10_000)


def _lines(words: list[str]) -> str:
    return "\n".join(" ".join(words[k : k + 12]) for k in range(0, len(words), 12))


@pytest.mark.parametrize("shape", ["distinct", "repeating", "missing-block"])
def test_streamed_figures_are_the_exact_distances(small_windows: None, shape: str) -> None:
    ref, hyp = damaged(shape)
    c = compare(_lines(hyp), _lines(ref))
    ids: dict[str, int] = {}
    a, b = [ids.setdefault(t, len(ids)) for t in ref], [ids.setdefault(t, len(ids)) for t in hyp]
    assert c.corrected.scores.syllables.errors == Levenshtein.distance(a, b)
    exact = Levenshtein.distance(" ".join(ref), " ".join(hyp))
    assert exact <= c.corrected.scores.chars.errors <= exact * 1.001
    assert c.corrected.scores.chars.reference_length == len(" ".join(ref))


def test_stream_blocks_hold_every_unit_once_in_order() -> None:
    ref, hyp = damaged("distinct", 3000)
    blocks = list(stream_sequences(iter(ref), iter(hyp), key=str, window=400))
    assert len(blocks) > 5
    assert [u for x, _, _ in blocks for u in x] == ref
    assert [u for _, y, _ in blocks for u in y] == hyp
    for x, y, ops in blocks:  # each block's alignment tiles that block
        r = h = 0
        for tag, r0, r1, h0, h1 in ops:
            assert (r0, h0) == (r, h) and tag in ("equal", "replace", "delete", "insert")
            if tag == "equal":
                assert x[r0:r1] == y[h0:h1]
            r, h = r1, h1
        assert (r, h) == (len(x), len(y))
    text_a, text_b = " ".join(ref), " ".join(hyp)
    pieces = list(stream_strings(iter(text_a.split(" ")), iter(text_b.split(" ")), window=900))
    assert "".join(x for x, _, _ in pieces) == text_a.replace(" ", "")


def test_texts_that_do_not_match_stream_too() -> None:
    """No equal unit at all: every block is cut after its edits, and the counts add up."""
    a, b = [f"a{k}" for k in range(5000)], [f"b{k}" for k in range(3000)]
    blocks = list(stream_sequences(iter(a), iter(b), key=str, window=500))
    assert sum(len(x) for x, _, _ in blocks) == 5000 and sum(len(y) for _, y, _ in blocks) == 3000


def _tcvn3_bytes(text: str) -> bytes:
    back = {v: k for k, v in TCVN3.items()}
    return bytes(back.get(ch, ord(ch)) for ch in text)


@pytest.mark.parametrize("kind", ["utf-8", "utf-8-crlf", "utf-16", "tcvn3"])
def test_text_pieces_decode_as_decode_text(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kind: str
) -> None:
    monkeypatch.setattr(sources, "PIECE_BYTES", 64)
    line = "cộng hoà xã hội chủ nghĩa việt nam độc lập tự do hạnh phúc"
    text = "\n".join(f"{line} {k}" for k in range(200))
    data = {
        "utf-8": text.encode("utf-8"),
        "utf-8-crlf": text.replace("\n", "\r\n").encode("utf-8"),
        "utf-16": text.encode("utf-16"),
        "tcvn3": _tcvn3_bytes(text),
    }[kind]
    path = tmp_path / "t.txt"
    path.write_bytes(data)
    pieces = list(text_pieces(path, path.name)())
    assert len(pieces) > 10
    assert "".join(pieces) == decode_text(data, "t.txt")
    assert all(p[-1].isspace() for p in pieces[:-1])  # no word cut in two


def test_text_pieces_see_a_bad_byte_far_into_the_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The encoding is chosen over the whole file, as decode_text chooses it."""
    monkeypatch.setattr(sources, "PIECE_BYTES", 64)
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "chăm sóc ".encode() * 100 + b"\xff tail")
    with pytest.raises(InputFileError, match="byte-order mark but is not utf-8"):
        text_pieces(path, path.name)
    with pytest.raises(InputFileError, match="byte-order mark but is not utf-8"):
        decode_text(path.read_bytes(), path.name)


def test_cli_writes_the_page_compare_and_to_html_make(small_windows: None, tmp_path: Path) -> None:
    ref, hyp = damaged("distinct")
    src, ocr = tmp_path / "src.txt", tmp_path / "ocr.txt"
    src.write_text(_lines(ref), encoding="utf-8")
    ocr.write_text(_lines(hyp), encoding="utf-8")
    out, js = tmp_path / "r.html", tmp_path / "r.json"
    assert main([str(ocr), str(src), "-o", str(out), "--json", str(js)]) == ExitCode.ok
    c = compare(_lines(hyp), _lines(ref), name="ocr.txt")
    assert out.read_text(encoding="utf-8") == to_html(c)
    assert json.loads(js.read_text(encoding="utf-8")) == to_json(c)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ocr.txt", "r.html", "r.json", "src.txt"]


def test_cli_keeps_the_old_report_when_it_fails(tmp_path: Path) -> None:
    """The page and the JSON are renamed into place together, after everything was read."""
    src, ocr = tmp_path / "src.txt", tmp_path / "ocr.txt"
    src.write_text("về tăng cường", encoding="utf-8")
    ocr.write_text("vé ting cường", encoding="utf-8")
    out, js = tmp_path / "r.html", tmp_path / "r.json"
    out.write_text("old page", encoding="utf-8")
    bad = tmp_path / "raw.txt"
    bad.write_bytes(b"\x81\x8d\x8f\x90 \x9d")
    args = [str(ocr), str(src), "-o", str(out), "--json", str(js), "--raw", str(bad)]
    assert main(args) == ExitCode.input_file
    assert out.read_text(encoding="utf-8") == "old page" and not js.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ocr.txt", "r.html", "raw.txt", "src.txt"]


@pytest.mark.slow
def test_a_long_report_stays_in_bounded_memory(tmp_path: Path) -> None:
    """`vnocr report` of 6 MB texts (700,000 syllables: a dozen windows) in a fresh process:
    its peak RSS stays far under what holding the texts took (89 MB here; the code before
    the streaming took 467 MB on these texts). A bound on memory, not on time."""
    import subprocess
    import sys

    ref, hyp = damaged("distinct", 700_000)
    src, ocr = tmp_path / "src.txt", tmp_path / "ocr.txt"
    src.write_text(_lines(ref), encoding="utf-8")
    ocr.write_text(_lines(hyp), encoding="utf-8")
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and exec, so a child of a
    # large pytest process reports the parent's peak (856 MB in a full `make test`).
    child = (
        "import sys; from pipeline.report import main; code = main(sys.argv[1:]); "
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')]; "
        "print(int(hwm[0].split()[1]) // 1024); sys.exit(code)"
    )
    args = [str(ocr), str(src), "-o", str(tmp_path / "r.html"), "--json", str(tmp_path / "r.json")]
    proc = subprocess.run(
        [sys.executable, "-c", child, *args], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    peak_mb = int(proc.stdout.split()[-1])
    print(f"peak {peak_mb} MB")
    assert peak_mb < 250
    figures = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["corrected"]
    assert figures["syllables"]["hits"] + figures["syllables"]["substitutions"] > 650_000
