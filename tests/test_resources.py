"""The shipped models and lexicon are found from a checkout, from $VNOCR_DATA and from a wheel."""

from __future__ import annotations

import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from pipeline.resources import ENV, data_dir

REPO = Path(__file__).resolve().parent.parent


def test_checkout_data_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    assert data_dir("models") == REPO / "models"
    assert (data_dir("lexicon") / "words.txt").is_file()


def test_environment_variable_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "models").mkdir()
    monkeypatch.setenv(ENV, str(tmp_path))
    assert data_dir("models") == tmp_path / "models"
    # a folder the variable's place lacks falls through to the checkout
    assert data_dir("lexicon") == REPO / "lexicon"


@pytest.mark.slow
def test_wheel_install_corrects_text(tmp_path: Path) -> None:
    """A wheel installed outside the checkout carries the LM, confusions and lexicon."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        check=True,
        cwd=tmp_path,
    )
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)  # its own pip: never touch this environment
    py = env_dir / "bin" / "python"
    target = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # dependencies come from the test's own environment, appended after the new venv's own
    Path(target, "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    wheel = next(wheels.glob("vnocr-*.whl"))
    subprocess.run(
        [str(py), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True,
    )
    code = (
        "import pipeline, sys; from pipeline import correct_text; "
        "assert 'site-packages' in pipeline.__file__, pipeline.__file__; "
        "print(correct_text('tang cuong cong tac cham soc tre em').text)"
    )
    out = subprocess.run(
        [str(py), "-c", code], check=True, capture_output=True, text=True, cwd=tmp_path
    ).stdout
    assert out.strip() == "tăng cường công tác chăm sóc trẻ em"
