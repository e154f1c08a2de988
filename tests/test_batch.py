from __future__ import annotations

from pathlib import Path

from pipeline.batch import find_jobs


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_folder_tree_is_mirrored_and_non_scans_skipped(tmp_path: Path) -> None:
    src = tmp_path / "in"
    _touch(src / "2024" / "kh 164 (bản scan).pdf")
    _touch(src / "top.PNG")
    _touch(src / "notes.txt")
    _touch(src / ".hidden" / "x.png")
    jobs = find_jobs([src], tmp_path / "out")
    assert [j.name for j in jobs] == ["2024/kh 164 (bản scan).pdf", "top.PNG"]
    assert jobs[0].out_stem == tmp_path / "out" / "2024" / "kh 164 (bản scan)"
    assert jobs[1].out_stem == tmp_path / "out" / "top"


def test_colliding_names_keep_their_extension(tmp_path: Path) -> None:
    src = tmp_path / "in"
    _touch(src / "a.png")
    _touch(src / "a.pdf")
    _touch(src / "b.tif")
    stems = {j.name: j.out_stem.name for j in find_jobs([src], tmp_path / "o")}
    assert stems == {"a.pdf": "a.pdf", "a.png": "a.png", "b.tif": "b"}


def test_files_given_directly_and_duplicates(tmp_path: Path) -> None:
    f = _touch(tmp_path / "x" / "scan.jpg")
    jobs = find_jobs([f, f], tmp_path / "o")
    assert len(jobs) == 1 and jobs[0].out_stem == tmp_path / "o" / "scan"


# ------------------------------------------------------------------ real runs (Tesseract)

import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import pytest  # noqa: E402

from pipeline.batch import BatchConfig, InlineExecutor, run_batch  # noqa: E402
from pipeline.workshop.synth import synthesize, write_pages  # noqa: E402

NOTICE = """@left
ỦY BAN NHÂN DÂN
XÃ {n}
@title
THÔNG BÁO
@body
Ủy ban nhân dân xã {n} thông báo lịch họp giao ban tháng {n} năm 2024.
"""


def _scans(folder: Path, count: int) -> Path:
    for i in range(1, count + 1):
        write_pages(synthesize(NOTICE.format(n=i), "clean", seed=i), folder, f"tb{i:02d}")
    for gt in folder.glob("*.gt.txt"):
        gt.unlink()
    return folder


def _outputs(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file()
        and p.suffix in (".txt", ".json")
        and p.name != "summary.json"
        and ".vnocr" not in p.parts
    }


@pytest.fixture(scope="module")
def four_scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _scans(tmp_path_factory.mktemp("four"), 4)


@pytest.mark.tesseract
def test_process_pool_gives_the_same_outputs_as_inline(four_scans: Path, tmp_path: Path):
    inline = run_batch([four_scans], tmp_path / "a", executor=InlineExecutor())
    pooled = run_batch([four_scans], tmp_path / "b", BatchConfig(workers=2))
    assert [f.status for f in inline.files] == ["done"] * 4
    assert sorted(f.name for f in pooled.files) == sorted(f.name for f in inline.files)
    assert _outputs(tmp_path / "a") == _outputs(tmp_path / "b")


@pytest.mark.tesseract
def test_resume_skips_finished_and_redoes_changed_inputs(four_scans: Path, tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    for p in four_scans.iterdir():
        (src / p.name).write_bytes(p.read_bytes())
    out = tmp_path / "out"
    first = run_batch([src], out, executor=InlineExecutor())
    assert {f.status for f in first.files} == {"done"}
    again = run_batch([src], out, executor=InlineExecutor())
    assert {f.status for f in again.files} == {"skipped"}
    # a changed input, a deleted output and --force are redone
    (src / "tb01-p1.png").write_bytes((four_scans / "tb02-p1.png").read_bytes())
    (out / "tb03-p1.json").unlink()
    third = {f.name: f.status for f in run_batch([src], out, executor=InlineExecutor()).files}
    assert third == {
        "tb01-p1.png": "done",
        "tb02-p1.png": "skipped",
        "tb03-p1.png": "done",
        "tb04-p1.png": "skipped",
    }
    forced = run_batch([src], out, BatchConfig(force=True), executor=InlineExecutor())
    assert {f.status for f in forced.files} == {"done"}


@pytest.mark.tesseract
def test_fail_fast_stops_at_first_bad_file(four_scans: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a-empty.png").write_bytes(b"")
    (src / "b.png").write_bytes((four_scans / "tb01-p1.png").read_bytes())
    result = run_batch(
        [src], tmp_path / "o", BatchConfig(fail_fast=True), executor=InlineExecutor()
    )
    assert [(f.name, f.status) for f in result.files] == [("a-empty.png", "failed")]
    assert not (tmp_path / "o" / "b.txt").exists()


@pytest.mark.tesseract
@pytest.mark.slow
def test_kill_9_mid_batch_then_rerun_gives_identical_outputs(tmp_path: Path) -> None:
    src = _scans(tmp_path / "in", 10)  # more pages than the pool's window: completions spread
    reference = tmp_path / "ref"
    run_batch([src], reference, executor=InlineExecutor())
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "-q", "run", str(src), "-o", str(out), "-j", "2"]
    proc = subprocess.Popen(cmd, start_new_session=True)
    state = out / ".vnocr" / "state.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (state.exists() and state.read_text().strip()):
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = state.read_text().count("\n")
    assert 1 <= partial < 10, "the kill came too late to test anything"
    loud = [a for a in cmd if a != "-q"]  # the closing line says what was up to date
    rerun = subprocess.run(loud, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert "up to date" in rerun.stdout
    assert _outputs(out) == _outputs(reference)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["skipped"] >= 1 and summary["failed"] == 0


@pytest.mark.tesseract
@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_outputs(four_scans: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    from pipeline.cluster import dask_executor

    inline = tmp_path / "inline"
    run_batch([four_scans], inline, executor=InlineExecutor())
    executor = dask_executor("local", workers=2)
    try:
        result = run_batch([four_scans], tmp_path / "dask", executor=executor)
    finally:
        executor.shutdown()
    assert {f.status for f in result.files} == {"done"}
    assert _outputs(tmp_path / "dask") == _outputs(inline)
