"""The README's library call from a plain script, run as a user runs it: ``python script.py``.

The batch's workers (pipeline.pool) do not import the script again, so a call at the top
level of a script, without ``if __name__ == "__main__":``, runs like a guarded one (with a
multiprocessing pool it would start the batch again in every worker).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.synth import synthesize, write_pages

CALL = 'pipeline.run_batch(["scans/"], "out/", pipeline.BatchConfig(workers={w}))'


def _script(folder: Path, body: str) -> subprocess.CompletedProcess[str]:
    script = folder / "script.py"
    script.write_text(textwrap.dedent(body), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=folder, timeout=300
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    text = "@title\nTHÔNG BÁO\n@body\nỦy ban nhân dân xã thông báo lịch tiếp công dân.\n"
    write_pages(synthesize(text, "clean", seed=5), tmp_path / "scans", "tb", fmt="png")
    return tmp_path


@pytest.mark.tesseract
def test_unguarded_script_runs_with_workers(folder: Path) -> None:
    proc = _script(
        folder,
        f"""\
        import pipeline

        result = {CALL.format(w=2)}
        print([f.status for f in result.files])
        """,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout.strip() == "['done']"
    assert (folder / "out" / "tb-p1.txt").read_text(encoding="utf-8").strip()


@pytest.mark.tesseract
def test_guarded_script_runs_with_workers(folder: Path) -> None:
    proc = _script(
        folder,
        f"""\
        import pipeline

        if __name__ == "__main__":
            result = {CALL.format(w=2)}
            print([f.status for f in result.files])
        """,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['done']"
    assert (folder / "out" / "tb-p1.txt").read_text(encoding="utf-8").strip()


@pytest.mark.tesseract
def test_one_worker_needs_no_guard(folder: Path) -> None:
    proc = _script(
        folder,
        f"""\
        import pipeline

        print([f.status for f in {CALL.format(w=1)}.files])
        """,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['done']"
