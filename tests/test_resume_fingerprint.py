"""Resuming redoes a document when any setting or any model file changes (real batch)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.batch import BatchConfig, InlineExecutor, run_batch
from pipeline.correct import CorrectConfig
from pipeline.layout import LayoutConfig
from pipeline.layout.reread import RereadConfig
from pipeline.models import default_models, model_hashes
from pipeline.process import PipelineConfig
from pipeline.workshop.synth import synthesize, write_pages

REPO = Path(__file__).resolve().parent.parent
NOTICE = """@title
THÔNG BÁO
@body
Ủy ban nhân dân xã thông báo lịch họp giao ban tháng 5 năm 2024.
"""


def test_fingerprint_covers_every_setting_and_each_model_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _data_copy(tmp_path / "data")
    monkeypatch.setenv("VNOCR_DATA", str(data))
    base = PipelineConfig()
    seen = {base.fingerprint()}
    for changed in (
        PipelineConfig(correction=CorrectConfig(beam=4)),
        PipelineConfig(correction=CorrectConfig(conf_boost=())),
        PipelineConfig(layout=LayoutConfig(column_gap=0.06)),
        PipelineConfig(reread=RereadConfig(max_crops=3)),
    ):
        seen.add(changed.fingerprint())
    assert len(seen) == 5
    for name in ("models/lm.npz", "models/confusions.json", "lexicon/words.txt"):
        with (data / name).open("ab") as f:
            f.write(b"\n")  # other bytes: another model as far as resuming can tell
        seen.add(base.fingerprint())
    assert len(seen) == 8
    monkeypatch.setenv("VNOCR_DATA", str(_data_copy(tmp_path / "elsewhere")))
    assert base.fingerprint() not in seen
    assert model_hashes()["VNOCR_DATA"].endswith("elsewhere")


@pytest.mark.tesseract
def test_resume_redoes_documents_after_a_setting_or_a_model_file_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _data_copy(tmp_path / "data")
    monkeypatch.setenv("VNOCR_DATA", str(data))
    src = tmp_path / "in"
    write_pages(synthesize(NOTICE, "clean", seed=3), src, "tb")
    for gt in src.glob("*.gt.txt"):
        gt.unlink()
    out = tmp_path / "out"

    def run(config: PipelineConfig) -> list[str]:
        result = run_batch([src], out, BatchConfig(pipeline=config), executor=InlineExecutor())
        return [f.status for f in result.files]

    beam4 = PipelineConfig(correction=CorrectConfig(beam=4))
    assert run(PipelineConfig()) == ["done"]
    assert run(PipelineConfig()) == ["skipped"]
    assert run(beam4) == ["done"]  # a correction setting
    assert run(beam4) == ["skipped"]
    assert run(PipelineConfig(reread=RereadConfig(max_crops=3))) == ["done"]  # layout's
    assert run(PipelineConfig()) == ["done"]
    # the channel model rewritten (same table, other bytes): redone, and read from the new
    # file by the worker (a bundle is loaded again when its files change)
    before = default_models()
    channel = data / "models" / "confusions.json"
    channel.write_text(json.dumps(json.loads(channel.read_text(encoding="utf-8")), indent=2))
    assert run(PipelineConfig()) == ["done"]
    assert default_models() is not before
    assert run(PipelineConfig()) == ["skipped"]


@pytest.mark.tesseract
def test_fingerprint_names_tesseract_models_by_content(tmp_path: Path) -> None:
    """Each run is a new process, as each `vnocr run` is: tesserocr reads TESSDATA_PREFIX
    once, at load."""
    import tesserocr

    system = Path(tesserocr.get_languages()[0])
    tessdata = tmp_path / "tessdata"
    tessdata.mkdir()
    for code in ("vie", "eng"):
        shutil.copy2(system / f"{code}.traineddata", tessdata)
    first = _fingerprint(tessdata)
    assert _fingerprint(tessdata) == first  # an unchanged setup: stable across runs
    vie = tessdata / "vie.traineddata"
    os.utime(vie, ns=(vie.stat().st_atime_ns, vie.stat().st_mtime_ns + 10**9))
    assert _fingerprint(tessdata) == first  # touched, the same bytes: the same model
    assert _fingerprint(system) == first  # the same models elsewhere
    with vie.open("ab") as f:
        f.write(b"\0")  # other bytes: another model as far as resuming can tell
    other_vie = _fingerprint(tessdata)
    shutil.copy2(system / "vie.traineddata", vie)
    assert _fingerprint(tessdata) == first
    with (tessdata / "eng.traineddata").open("ab") as f:
        f.write(b"\0")  # the handwritten digits' model
    assert len({first, other_vie, _fingerprint(tessdata)}) == 3
    # without the second reading of handwritten digits, eng does not count
    assert _fingerprint(tessdata, "layout=LayoutConfig(hand_digits=False)") == _fingerprint(
        system, "layout=LayoutConfig(hand_digits=False)"
    )


def _fingerprint(tessdata: Path, settings: str = "") -> str:
    """PipelineConfig(settings).fingerprint() in a new process reading ``tessdata``."""
    code = (
        "from pipeline.layout import LayoutConfig\n"
        "from pipeline.process import PipelineConfig\n"
        f"print(PipelineConfig({settings}).fingerprint())"
    )
    env = {**os.environ, "TESSDATA_PREFIX": f"{tessdata}/"}
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def _data_copy(root: Path) -> Path:
    """A VNOCR_DATA folder: a copy of the shipped models/ and lexicon/."""
    for name in ("models", "lexicon"):
        shutil.copytree(REPO / name, root / name)
    return root
