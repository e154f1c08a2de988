"""The `vnocr` command end to end: real Tesseract on synthesized pages, bad files isolated."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import Document
from pipeline.cli import main
from pipeline.errors import ExitCode
from pipeline.metrics import cer
from pipeline.workshop.synth import synthesize, write_pages

TEXT = """@left
ỦY BAN NHÂN DÂN
XÃ TÂN PHÚ
Số: 07/TB-UBND
@right
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Tân Phú, ngày 05 tháng 3 năm 2024
@title
THÔNG BÁO
về lịch tiếp công dân tháng 3 năm 2024
@body
Ủy ban nhân dân xã thông báo lịch tiếp công dân định kỳ vào thứ Năm hằng tuần tại trụ sở.
Đề nghị các thôn, tổ dân phố thông tin rộng rãi đến nhân dân để biết và thực hiện.
@recipients
Nơi nhận:
- Thường trực Đảng ủy xã;
- Lưu: VT.
@signature
CHỦ TỊCH

Phạm Văn Bình
"""


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with one good scan in a sub-folder and the bad files users bring."""
    root = tmp_path_factory.mktemp("scans")
    pages = synthesize(TEXT, "clean", seed=1)
    write_pages(pages, root / "sub", "thong-bao", fmt="png")
    (root / "empty.png").write_bytes(b"")
    (root / "notes.png").write_text("không phải ảnh\n", encoding="utf-8")
    (root / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really\n")
    (root / "readme.txt").write_text("ignored: not a scan", encoding="utf-8")
    return root


@pytest.mark.tesseract
def test_run_folder_writes_text_and_json_and_isolates_bad_files(
    scans: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(["run", str(scans), "-o", str(out)])
    assert code == ExitCode.some_files_failed
    text = (out / "sub" / "thong-bao-p1.txt").read_text(encoding="utf-8")
    truth = (scans / "sub" / "thong-bao-p1.gt.txt").read_text(encoding="utf-8")
    assert cer(text, truth) < 0.05  # whole page, header columns included
    doc = Document.from_dict(json.loads((out / "sub" / "thong-bao-p1.json").read_text("utf-8")))
    assert doc.name == "sub/thong-bao-p1.png"
    assert doc.text == text.rstrip("\n")
    assert all(w.box is not None and 0 <= (w.conf or 0) <= 1 for w in doc.words)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["done"], summary["failed"]) == (1, 3)
    errors = {r["name"]: r["error"] for r in summary["results"] if r["status"] == "failed"}
    assert "empty file" in errors["empty.png"]
    assert "not a PNG, JPEG, TIFF or PDF" in errors["notes.png"]
    assert "broken.pdf" in errors["broken.pdf"]
    err = capsys.readouterr().err
    assert "failed: empty.png: empty file" in err
    assert not list(out.rglob("*.tmp"))


@pytest.mark.tesseract
def test_all_files_failing_and_no_files_found(tmp_path: Path) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"")
    assert main(["run", str(bad), "-o", str(tmp_path / "o")]) == ExitCode.all_files_failed
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert main(["run", str(empty), "-o", str(tmp_path / "o2")]) == ExitCode.input_file


def test_bad_arguments_exit_code() -> None:
    assert main(["run"]) == ExitCode.bad_args
    assert main(["no-such-command"]) == ExitCode.bad_args


def test_missing_model_is_one_clear_error(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    write_pages(synthesize("Kế hoạch", "clean"), tmp_path, "p", fmt="png")
    code = main(["run", str(tmp_path / "p-p1.png"), "-o", str(tmp_path / "o"), "--lang", "xyz"])
    assert code == ExitCode.missing_dependency
    assert "tesseract-ocr" in caplog.text  # names the Debian package to install
    assert not (tmp_path / "o" / "p-p1.txt").exists()


@pytest.mark.tesseract
def test_python_dash_m_runs_the_same_command(scans: Path, tmp_path: Path) -> None:
    src = scans / "sub" / "thong-bao-p1.png"
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(src), "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "1 of 1 files done" in proc.stdout
    assert (tmp_path / "thong-bao-p1.txt").exists()


@pytest.mark.tesseract
def test_quiet_prints_nothing_on_success(scans: Path, tmp_path: Path) -> None:
    """-q is errors only: not even the closing line on stdout."""
    src = scans / "sub" / "thong-bao-p1.png"
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "-q", "run", str(src), "-o", str(tmp_path), "-j", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (proc.stdout, proc.stderr) == ("", "")
    assert (tmp_path / "thong-bao-p1.txt").exists()


@pytest.mark.tesseract
def test_run_with_sources_writes_a_report_per_matched_document(scans: Path, tmp_path: Path):
    sources = tmp_path / "sources"
    sources.mkdir()
    truth = (scans / "sub" / "thong-bao-p1.gt.txt").read_text(encoding="utf-8")
    (sources / "thong-bao-p1.txt").write_text(truth, encoding="utf-16")  # any encoding
    out = tmp_path / "out"
    code = main(["run", str(scans / "sub"), "-o", str(out), "--source", str(sources), "-j", "1"])
    assert code == ExitCode.ok
    report = json.loads((out / "thong-bao-p1.report.json").read_text(encoding="utf-8"))
    html = (out / "thong-bao-p1.report.html").read_text(encoding="utf-8")
    assert report["schema"] == "vnocr.report" and "<html" in html.lower()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["report"]["documents"] == 1
    assert summary["report"]["corrected"]["cer"] < 0.05
