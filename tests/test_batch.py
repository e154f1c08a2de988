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
