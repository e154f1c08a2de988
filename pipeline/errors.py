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
    terminated = 143  # SIGTERM: 128 + 15


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


class ConfigError(VnocrError, ValueError):
    """A setting or argument out of its range (``workers=-1``, ``psm=99``, ``timeout_s=-5``)."""

    exit_code = ExitCode.bad_args


class ArgumentTypeError(VnocrError, TypeError):
    """A library call given an argument of the wrong type (``ocr_file(123)``): a VnocrError
    naming the argument, and still a TypeError for code that catches that."""

    exit_code = ExitCode.bad_args


def require(value: object, types: type | tuple[type, ...], what: str) -> None:
    """Raise ArgumentTypeError unless ``value`` is one of ``types``."""
    if not isinstance(value, types):
        kinds = types if isinstance(types, tuple) else (types,)
        names = " or ".join("None" if t is type(None) else t.__name__ for t in kinds)
        raise ArgumentTypeError(f"{what}: expected {names}, got {type(value).__name__}")


class OutputError(VnocrError):
    """An output file could not be written (read-only folder, disk full)."""

    exit_code = ExitCode.output_error


class DiskFullError(OutputError):
    """The output filesystem is full, over quota or read-only: the whole batch stops."""


#: errno values after which no further output can be written (DiskFullError).
DISK_FULL_ERRNOS = frozenset({28, 122, 30, 27})  # ENOSPC, EDQUOT, EROFS, EFBIG


def output_error(message: str, error: OSError) -> OutputError:
    """The OutputError for an OSError: DiskFullError when nothing more can be written."""
    cls = DiskFullError if error.errno in DISK_FULL_ERRNOS else OutputError
    return cls(f"{message} ({error.strerror or error})")


class ModelFormatError(VnocrError):
    """A file under models/ or lexicon/ is missing, corrupt or of another format version."""

    exit_code = ExitCode.missing_dependency


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised by the CLI's handler: a batch stops the way it does on Ctrl-C
    (finished work recorded, workers stopped) and the command exits 143."""
