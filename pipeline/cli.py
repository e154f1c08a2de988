"""The ``vnocr`` command: a thin shell over the library (argument parsing, logging, exit codes).

Subcommands: ``run`` (scans to text) is defined here; the others belong to the module that
does the work and keep their own arguments there (``synth``, ``report`` ...): the table
``DELEGATED`` maps each to the module whose ``main(argv)`` runs it. Only this module
configures logging.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline import __version__
from pipeline.batch import BatchResult, FileResult, find_jobs, run_batch, summary_dict
from pipeline.errors import ExitCode, VnocrError
from pipeline.io import write_atomic
from pipeline.ocr import OcrConfig, TesseractEngine

log = logging.getLogger("pipeline")

#: Subcommands whose arguments and work live in their own module: name -> (module, help).
DELEGATED: dict[str, tuple[str, str]] = {
    "synth": ("pipeline.synth", "render a document text into scan-like page images"),
    "report": ("pipeline.report", "compare OCR output with its source text (HTML + JSON)"),
    "lm": ("pipeline.lm", "build or score the syllable language model"),
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="vnocr",
        description="OCR for scanned Vietnamese administrative documents.",
    )
    parser.add_argument("--version", action="version", version=f"vnocr {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    parser.add_argument("-q", "--quiet", action="store_true", help="errors only")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="OCR scans (files or folders) into text and JSON")
    run.add_argument("inputs", nargs="+", type=Path, help="PNG/JPEG/TIFF/PDF files or folders")
    run.add_argument("-o", "--out", type=Path, required=True, help="output folder")
    run.add_argument("--lang", default="vie", help="Tesseract language model (default: vie)")
    run.add_argument("--psm", type=int, default=3, help="Tesseract page segmentation mode")
    run.add_argument("--timeout", type=float, default=300.0, help="seconds per page at most")
    run.add_argument("--fail-fast", action="store_true", help="stop at the first failed file")
    run.set_defaults(func=_cmd_run)

    for name, (_, text) in DELEGATED.items():
        sub.add_parser(name, help=text, add_help=False)
    return parser


def configure_logging(verbose: int, quiet: bool) -> None:
    """Plain ``level: message`` lines on stderr; the library itself never adds handlers."""
    level = logging.ERROR if quiet else logging.DEBUG if verbose > 0 else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root = logging.getLogger("pipeline")
    root.handlers[:] = [handler]
    root.setLevel(level)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``vnocr`` and ``python -m pipeline``; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] and argv[0] in DELEGATED:
        configure_logging(0, False)
        module = importlib.import_module(DELEGATED[argv[0]][0])
        return _guard(lambda: module.main(argv[1:]))
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return ExitCode.ok if e.code == 0 else ExitCode.bad_args
    configure_logging(args.verbose, args.quiet)
    return _guard(lambda: args.func(args))


def _guard(func: object) -> int:
    try:
        return int(func())  # type: ignore[operator]
    except VnocrError as e:
        log.error("%s", e)
        return e.exit_code
    except KeyboardInterrupt:
        log.error("interrupted")
        return ExitCode.ctrl_c


def _cmd_run(args: argparse.Namespace) -> int:
    jobs = find_jobs(args.inputs, args.out)
    if not jobs:
        log.error("no PNG, JPEG, TIFF or PDF files found in %s", ", ".join(map(str, args.inputs)))
        return ExitCode.input_file
    engine = TesseractEngine(OcrConfig(lang=args.lang, psm=args.psm, timeout_s=args.timeout))

    def report(result: FileResult) -> None:
        if result.ok:
            log.info("done: %s (%d pages, %.1f s)", result.name, result.pages, result.seconds)

    result = run_batch(jobs, engine, on_result=report, fail_fast=args.fail_fast)
    summary = args.out / "summary.json"
    write_atomic(summary, json.dumps(summary_dict(result), ensure_ascii=False, indent=1) + "\n")
    return _finish(result, args.out)


def _finish(result: BatchResult, out: Path) -> int:
    ok, bad = len(result.succeeded), len(result.failed)
    print(f"vnocr: {ok} of {ok + bad} files done, {bad} failed; outputs in {out}/", flush=True)
    if bad == 0:
        return ExitCode.ok
    return ExitCode.some_files_failed if ok else ExitCode.all_files_failed
