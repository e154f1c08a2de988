"""Errors raised by the library and the exit codes the CLI maps them to.

The library raises; it never prints or exits. Each message names the file (and page) and
the cause, so a batch log line is enough to act on.
"""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar


class ExitCode(IntEnum):
    """Exit status of the ``vnocr`` command (documented in the README)."""

    ok = 0
    bad_args = 1
    input_file = 2
    missing_dependency = 3
    some_files_failed = 4
    output_error = 5
    all_files_failed = 6
    other_error = 15
    ctrl_c = 130


class VnocrError(Exception):
    """Base of every error vnocr raises on purpose."""

    exit_code: ClassVar[ExitCode] = ExitCode.other_error


class InputFileError(VnocrError):
    """An input cannot be read as a scan: empty, truncated, wrong type, too big or too small."""

    exit_code = ExitCode.input_file


class MissingDependencyError(VnocrError):
    """A program or model vnocr needs is not installed (the message names the package)."""

    exit_code = ExitCode.missing_dependency


class OcrEngineError(VnocrError):
    """Tesseract failed on a page."""

    exit_code = ExitCode.other_error


class OcrTimeoutError(OcrEngineError):
    """Tesseract took longer than the configured limit on a page."""


class OutputError(VnocrError):
    """An output file could not be written (read-only folder, disk full)."""

    exit_code = ExitCode.output_error


class ModelFormatError(VnocrError):
    """A file under models/ or lexicon/ is missing, corrupt or of another format version."""

    exit_code = ExitCode.missing_dependency
