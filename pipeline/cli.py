"""The ``vnocr`` command: a thin shell over the library (argument parsing, logging, exit codes).

Subcommands: ``run`` (scans to text) is defined here; the others belong to the module that
does the work and keep their own arguments there (``synth``, ``report`` ...): the table
``DELEGATED`` maps each to the module whose ``main(argv)`` runs it. Only this module
configures logging.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import ExitCode, Terminated, VnocrError
from pipeline.resources import ENV
from pipeline.version import __version__

if TYPE_CHECKING:  # the stages are imported by the command that runs them
    from pipeline.batch import BatchResult
    from pipeline.preprocess import PreprocessConfig
    from pipeline.progress import Progress

log = logging.getLogger("pipeline")

#: Subcommands whose arguments and work live in their own module: name -> (module, help).
#: Each module has ``build_parser()`` (its own arguments, description and example) and
#: ``main(argv)``.
DELEGATED: dict[str, tuple[str, str]] = {
    "correct": ("pipeline.correct", "restore diacritics and repair OCR errors in a text"),
    "parse": (
        "pipeline.structure",
        "parse a text or Document into its structure (JSON or Markdown)",
    ),
    "report": ("pipeline.report", "compare OCR output with its source text (HTML + JSON)"),
    "synth": ("pipeline.workshop.synth", "render a document text into scan-like page images"),
    "lm": ("pipeline.workshop.lm_build", "build or score the syllable language model"),
}

#: Flags every subcommand takes, before or after its name (``vnocr -q run ...`` and
#: ``vnocr run ... -q`` are the same).
QUIET = ("-q", "--quiet")
VERBOSE = ("-v", "--verbose")

EXAMPLES = """\
examples:
  vnocr run samples/ -o out/                 OCR a folder of scans into out/
  vnocr run scans/ -o out/ --source texts/   ... and compare each with its source text
  vnocr correct ocr.txt -o fixed.txt         repair text OCR'd elsewhere
  vnocr parse out/decision.json --format md  the structure of a document
  vnocr report out/a.json a.txt -o a.html    how good is the text?
  vnocr completion bash                      a shell completion script

'vnocr COMMAND --help' describes each command."""

RUN_DESCRIPTION = """\
OCR scans (PNG, JPEG, TIFF, PDF; folders searched recursively) into OUT: NAME.txt,
NAME.md and NAME.json per input, mirroring the input tree, and OUT/summary.json.
A second run with the same settings skips what is up to date (resume after Ctrl-C)."""

RUN_EXAMPLES = """\
examples:
  vnocr run samples/ -o out/
  vnocr run scan.pdf -o out/ -j 2 --no-correct
  vnocr run scans/ -o out/ --source texts/   a report per document and out/index.html"""


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of descriptions and examples (argparse would refill them)."""


def command_parser(name: str, description: str, *examples: str) -> argparse.ArgumentParser:
    """The parser of ``vnocr NAME``, as every command's help is laid out: its description
    on top, its examples under the options, line breaks kept."""
    label = "example:" if len(examples) == 1 else "examples:"
    return argparse.ArgumentParser(
        prog=f"vnocr {name}",
        description=description,
        epilog="\n".join([label, *(f"  {e}" for e in examples)]),
        formatter_class=_HelpFormatter,
    )


def _common_flags(suppress: bool) -> argparse.ArgumentParser:
    """``-q``/``-v``: at the top with defaults, after a subcommand without (no overriding)."""
    common = argparse.ArgumentParser(add_help=False)
    quiet = argparse.SUPPRESS if suppress else False
    verbose = argparse.SUPPRESS if suppress else 0
    common.add_argument(*VERBOSE, action="count", default=verbose, help="more log output")
    common.add_argument(*QUIET, action="store_true", default=quiet, help="errors only")
    return common


def build_parser(full: bool = False, run_args: bool = True) -> argparse.ArgumentParser:
    """The argument parser of ``vnocr``.

    ``full`` also gives each delegated subcommand its module's arguments (for shell
    completion and top-level help; normal runs hand the arguments to the module instead,
    so a command imports only what it needs). ``run_args=False`` leaves ``run``'s
    arguments out (they name the preprocessing stages and the correction settings, whose
    modules load OpenCV and numpy): enough for ``vnocr --help``.
    """
    parser = argparse.ArgumentParser(
        prog="vnocr",
        description="OCR for scanned Vietnamese administrative documents: scans in, "
        "corrected and structured text out.",
        epilog=EXAMPLES,
        formatter_class=_HelpFormatter,
        parents=[_common_flags(suppress=False)],
    )
    parser.add_argument("--version", action="version", version=f"vnocr {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    sub.required = True
    after = _common_flags(suppress=True)

    run = sub.add_parser(
        "run",
        help="OCR scans (files or folders) into text, Markdown and JSON",
        description=RUN_DESCRIPTION,
        epilog=RUN_EXAMPLES,
        formatter_class=_HelpFormatter,
        parents=[after],
    )
    if run_args or full:
        _run_arguments(run)
    run.set_defaults(func=_cmd_run)

    for name, (module, text) in DELEGATED.items():
        if full:
            own = importlib.import_module(module).build_parser()
            sub.add_parser(name, help=text, parents=[own], add_help=False)
        else:
            sub.add_parser(name, help=text, add_help=False)
    completion = sub.add_parser(
        "completion",
        help="print a shell completion script (bash, zsh or tcsh)",
        description="Print a completion script for vnocr's commands and options.",
        epilog="examples:\n  vnocr completion bash > ~/.local/share/bash-completion/completions/"
        "vnocr\n  vnocr completion zsh > ~/.zfunc/_vnocr",
        formatter_class=_HelpFormatter,
        parents=[after],
    )
    completion.add_argument("shell", choices=("bash", "zsh", "tcsh"), help="the shell")
    completion.set_defaults(func=_cmd_completion)
    return parser


def _run_arguments(run: argparse.ArgumentParser) -> None:
    from pipeline.correct.command import add_settings
    from pipeline.preprocess import STAGES

    run.add_argument("inputs", nargs="+", type=Path, help="PNG/JPEG/TIFF/PDF files or folders")
    run.add_argument("-o", "--out", type=Path, required=True, help="output folder")
    run.add_argument(
        "-j", "--jobs", type=int, default=0, help="worker processes (default: one per core)"
    )
    run.add_argument("--lang", default="vie", help="Tesseract language model (default: vie)")
    run.add_argument(
        "--psm", type=int, default=3, help="Tesseract page segmentation mode (default: 3)"
    )
    run.add_argument(
        "--timeout", type=float, default=300.0, help="seconds per page at most (default: 300)"
    )
    run.add_argument("--force", action="store_true", help="redo documents that are up to date")
    run.add_argument("--fail-fast", action="store_true", help="stop at the first failed file")
    run.add_argument(
        "--no-correct", action="store_true", help="keep the raw OCR text (no diacritic repair)"
    )
    run.add_argument("--no-structure", action="store_true", help="do not parse the structure")
    run.add_argument(
        "--force-ocr",
        action="store_true",
        help="OCR every PDF page, even one whose own text layer holds its text",
    )
    run.add_argument(
        "--no-retry",
        action="store_true",
        help="read each page once, even when it reads badly (no rereading at other text sizes)",
    )
    run.add_argument(
        "--min-quality",
        type=float,
        default=None,
        metavar="Q",
        help="fail a document with a page whose quality estimate (0-1, in NAME.json and "
        "summary.json) is under Q; its outputs are still written (default: only warn, "
        "under 0.75)",
    )
    run.add_argument(
        "--no-preprocess", action="store_true", help="give Tesseract the page as it is"
    )
    run.add_argument(
        "--preprocess",
        action="append",
        default=[],
        metavar="STAGE=MODE",
        help=f"set a preprocessing stage to auto, on or off (default: all auto; stages: "
        f"{', '.join(STAGES)})",
    )
    run.add_argument(
        "--debug-images", action="store_true", help="write each stage's image under OUT/debug/"
    )
    run.add_argument(
        "--formats",
        default="txt,md,json",
        metavar="LIST",
        help="outputs to write, a comma list of txt,md,json,pdf,alto,hocr "
        "(default: txt,md,json; txt brings NAME.raw.txt along)",
    )
    run.add_argument("--log-json", type=Path, help="append one JSON line per document here")
    run.add_argument(
        "--source",
        type=Path,
        metavar="DIR",
        help="folder of source texts (NAME.txt, NAME.gt.txt or NAME.docx, in the same "
        "sub-folders as the scans or flat): a report per document and OUT/index.html",
    )
    run.add_argument(
        "--dask", metavar="ADDRESS", help="run on a Dask cluster (tcp://host:8786, or 'local')"
    )
    add_settings(run)  # the correction settings, as in `vnocr correct`


def _split_common(argv: list[str]) -> tuple[int, bool, list[str]]:
    """Take ``-q``/``-v`` out of a delegated command's arguments (before any ``--``)."""
    verbose, quiet, rest = 0, False, []
    for i, arg in enumerate(argv):
        if arg == "--":
            rest += argv[i:]
            break
        if arg in QUIET:
            quiet = True
        elif arg in VERBOSE:
            verbose += 1
        elif arg.startswith("-v") and set(arg[1:]) == {"v"}:
            verbose += len(arg) - 1
        else:
            rest.append(arg)
    return verbose, quiet, rest


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at each record.

    While the progress bar is live, ``rich`` puts a proxy there that prints above the bar;
    a handler holding the original stream would write through the bar instead.
    """

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure_logging(verbose: int, quiet: bool) -> None:
    """Plain ``level: message`` lines on stderr; the library itself never adds handlers."""
    level = logging.ERROR if quiet else logging.DEBUG if verbose > 0 else logging.INFO
    handler = _StderrHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root = logging.getLogger("pipeline")
    root.handlers[:] = [handler]
    root.setLevel(level)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``vnocr`` and ``python -m pipeline``; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):  # file names that are not UTF-8 stay printable
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    data = os.environ.get(ENV)
    if data and not Path(data).is_dir():
        configure_logging(0, False)
        log.error("%s=%s: no such folder (it should hold models/ and lexicon/)", ENV, data)
        return ExitCode.missing_dependency
    if not argv:
        build_parser(run_args=False).print_help(sys.stderr)
        return ExitCode.bad_args
    verbose, quiet, rest = _split_common(argv)
    if rest[:1] and rest[0] in DELEGATED:
        configure_logging(verbose, quiet)
        module = importlib.import_module(DELEGATED[rest[0]][0])
        return _guard(lambda: module.main(rest[1:]))
    parser = build_parser(run_args="run" in rest)
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return ExitCode.ok if e.code == 0 else ExitCode.bad_args
    configure_logging(args.verbose, args.quiet)
    return _guard(lambda: args.func(args))


def _cmd_completion(args: argparse.Namespace) -> int:
    import shtab

    sys.stdout.write(shtab.complete(build_parser(full=True), shell=args.shell))
    return ExitCode.ok


class UsageError(VnocrError):
    """A command-line value the parser could not check by itself."""

    exit_code = ExitCode.bad_args


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def _guard(func: object) -> int:
    """Run a command: our errors are one line with their exit code; anything else is one
    line and 15 (the traceback with -v); Ctrl-C is 130 and SIGTERM 143."""
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return int(func())  # type: ignore[operator]
    except VnocrError as e:
        log.error("%s", e)
        return e.exit_code
    except Terminated:
        log.error("terminated")
        return ExitCode.terminated
    except KeyboardInterrupt:
        log.error("interrupted")
        return ExitCode.ctrl_c
    except BrokenPipeError:  # `vnocr parse ... | head`: the reader has what it wanted
        with contextlib.suppress(OSError):  # no second error when Python flushes stdout
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    except SystemExit as e:  # a delegated command's argparse: --help, or bad arguments
        if e.code in (0, None):
            return ExitCode.ok
        return e.code if isinstance(e.code, int) and e.code != 2 else ExitCode.bad_args
    except Exception as e:  # noqa: BLE001 - the last line of defence: no bare traceback
        log.error("unexpected error: %s: %s", type(e).__name__, e)
        if log.isEnabledFor(logging.DEBUG):
            log.exception("traceback")
        else:
            log.error("(vnocr -v ... shows the traceback; please report it)")
        return ExitCode.other_error
    finally:
        signal.signal(signal.SIGTERM, previous)


def _cmd_run(args: argparse.Namespace) -> int:
    from pipeline.batch import BatchConfig, make_executor, run_batch
    from pipeline.correct.command import settings_from
    from pipeline.ocr import OcrConfig
    from pipeline.process import PipelineConfig
    from pipeline.retry import RetryConfig
    from pipeline.writers import UnknownFormatError, parse_formats

    try:
        formats = parse_formats(args.formats)
    except UnknownFormatError as e:
        raise UsageError(f"--formats {args.formats}: {e}") from None

    ocr = OcrConfig(lang=args.lang, psm=args.psm, timeout_s=args.timeout)
    prep = _preprocess_config(args)
    config = BatchConfig(
        pipeline=PipelineConfig(
            preprocess=prep,
            ocr=ocr,
            retry=RetryConfig(enabled=not args.no_retry),
            correct=not args.no_correct,
            correction=settings_from(args),
            structure=not args.no_structure,
            text_layer=not args.force_ocr,
        ),
        workers=args.jobs,
        force=args.force,
        fail_fast=args.fail_fast,
        log_json=args.log_json,
        source_dir=args.source,
        debug_images=args.debug_images,
        formats=formats,
        min_quality=args.min_quality,
    )
    executor = make_executor(args.jobs, args.dask) if args.dask else None
    started = time.monotonic()
    try:
        result = run_batch(
            args.inputs, args.out, config, executor=executor, progress=_progress(args)
        )
    finally:
        if executor is not None:
            executor.shutdown()
    return _finish(result, args.out, time.monotonic() - started, quiet=args.quiet)


def _preprocess_config(args: argparse.Namespace) -> PreprocessConfig:
    """``--no-preprocess`` and ``--preprocess STAGE=MODE`` as a PreprocessConfig."""
    from pipeline.preprocess import STAGES, PreprocessConfig

    if args.no_preprocess:
        return PreprocessConfig(enabled=False)
    modes = {}
    for item in args.preprocess:
        stage, sep, mode = item.partition("=")
        if not sep or stage not in STAGES or mode not in ("auto", "on", "off"):
            raise UsageError(
                f"--preprocess {item}: expected STAGE=auto|on|off with STAGE one of "
                f"{', '.join(STAGES)}"
            )
        modes[stage] = mode
    return PreprocessConfig().with_modes(**modes)


def _progress(args: argparse.Namespace) -> Progress:
    from pipeline.progress import BarProgress, LogProgress, NullProgress

    if args.quiet:
        return NullProgress()
    return BarProgress() if sys.stderr.isatty() else LogProgress()


def _finish(result: BatchResult, out: Path, seconds: float, *, quiet: bool = False) -> int:
    """The closing line on stdout (none with -q: errors only, and they are on stderr), and
    the run's exit code."""
    done = sum(f.status == "done" for f in result.files)
    skipped = sum(f.status == "skipped" for f in result.files)
    bad = len(result.failed)
    total = len(result.files)
    pages = sum(f.pages for f in result.files if f.status == "done")
    if not quiet:
        print(
            f"vnocr: {done + skipped} of {total} files done ({skipped} up to date), {bad} "
            f"failed; {pages} page{'' if pages == 1 else 's'} read in {seconds:.0f} s; "
            f"outputs in {out}/",
            flush=True,
        )
    if result.interrupted:
        left = sum(f.status == "not_done" for f in result.files)
        log.error(
            "interrupted: %d file%s not done; run the same command again to resume "
            "(finished files are kept)",
            left,
            "" if left == 1 else "s",
        )
        return ExitCode.terminated if result.terminated else ExitCode.ctrl_c
    if bad == 0:
        return ExitCode.ok
    if any(f.code == ExitCode.output_error for f in result.failed):
        return ExitCode.output_error
    return ExitCode.some_files_failed if done + skipped else ExitCode.all_files_failed
