"""``vnocr correct``: correct a UTF-8 text file or stdin."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from pipeline.cli import command_parser
from pipeline.correct.config import CorrectConfig, CorrectionResult
from pipeline.errors import InputFileError, VnocrError
from pipeline.vietnamese import ToneStyle

log = logging.getLogger("pipeline.correct")


def add_settings(parser: argparse.ArgumentParser) -> None:
    """One option per CorrectConfig setting (``--beam 8``, ``--tone-style new`` ...), in a
    group of their own; :func:`settings_from` reads them back."""
    group = parser.add_argument_group(
        "correction settings", "costs in log10 units, like the language model"
    )
    for f in dataclasses.fields(CorrectConfig):
        flag = "--" + f.name.replace("_", "-")
        default = f.default
        if isinstance(default, ToneStyle):
            kind: dict[str, object] = {"choices": [t.value for t in ToneStyle], "type": str}
            shown = default.value
        elif f.name == "conf_boost":
            kind = {"type": _pairs, "metavar": "CONF:COST[,...]"}
            shown = ",".join(f"{a}:{b}" for a, b in default)  # type: ignore[attr-defined]
        else:
            kind = {"type": type(default), "metavar": type(default).__name__.upper()}
            shown = default
        help_text = f"{f.metadata.get('help', '')} (default: {shown})"
        group.add_argument(flag, dest=f"correct_{f.name}", default=None, help=help_text, **kind)


def settings_from(args: argparse.Namespace) -> CorrectConfig:
    """The CorrectConfig of the options :func:`add_settings` added (unset ones: defaults)."""
    given = {}
    for f in dataclasses.fields(CorrectConfig):
        value = getattr(args, f"correct_{f.name}", None)
        if value is not None:
            given[f.name] = ToneStyle(value) if isinstance(f.default, ToneStyle) else value
    return CorrectConfig(**given)


def _pairs(text: str) -> tuple[tuple[float, float], ...]:
    """``0.93:1.7,0.8:2.5`` as ((0.93, 1.7), (0.8, 2.5)); ``none`` for no boost."""
    if text.strip().lower() in ("", "none"):
        return ()
    try:
        out = []
        for item in text.split(","):
            conf, _, cost = item.partition(":")
            out.append((float(conf), float(cost)))
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"{text!r}: expected CONF:COST[,CONF:COST...]") from e
    return tuple(out)


def build_parser() -> argparse.ArgumentParser:
    """Arguments of ``vnocr correct``."""
    p = command_parser(
        "correct",
        "Restore marks and repair OCR errors in UTF-8 text from any OCR engine.",
        "vnocr correct ocr.txt -o fixed.txt --changes",
        "echo 've ting cuong cong tac' | vnocr correct -",
    )
    p.add_argument("input", nargs="?", default="-", help="text file, or - for stdin")
    p.add_argument("-o", "--output", default=None, help="output file (default: stdout)")
    p.add_argument("--changes", action="store_true", help="list the changes on stderr")
    p.add_argument(
        "--no-structure",
        action="store_true",
        help="do not read the section numbering (by default a label the sequence reads "
        "through OCR damage, '11.' after 'I.', is written as read, as 'vnocr run' does)",
    )
    add_settings(p)
    return p


def _numbering(result: CorrectionResult) -> CorrectionResult:
    """The corrected text with the structure's numbering repairs written in (logged)."""
    from pipeline.structure import parse
    from pipeline.structure.repairs import apply_to_text

    doc = parse(result.text)
    text, done = apply_to_text(result.text, doc.corrections)
    return replace(result, text=text, corrections=result.corrections + tuple(done))


#: Text longer than this (characters) is corrected a part at a time: a part ends at the first
#: blank line after this many characters (at any line end after four times as many), is
#: read like a page of its own and written out before the next one is corrected, so memory
#: stays flat whatever the input's size (a whole 10 MB text held 2.9 GB). Shorter text is
#: one part, corrected as a whole as before.
PART_CHARS = 250_000


def parts(lines: list[str], size: int) -> Iterator[tuple[int, list[str]]]:
    """(number of its first line, its lines) of each part of ``lines`` (see PART_CHARS)."""
    start, n = 0, 0
    for i, line in enumerate(lines[:-1]):
        n += len(line) + 1
        if (n >= size and not line.strip()) or n >= 4 * size:
            yield start, lines[start : i + 1]
            start, n = i + 1, 0
    yield start, lines[start:]


def _shifted(result: CorrectionResult, first_line: int) -> CorrectionResult:
    """A part's result with its corrections' line numbers counted from the whole text's top."""
    if not first_line:
        return result
    moved = tuple(replace(c, line=c.line + first_line) for c in result.corrections)
    return replace(result, corrections=moved)


def main(argv: Sequence[str] | None = None) -> int:
    """``vnocr correct [FILE|-] [-o FILE]``; returns an exit code."""
    from pipeline.correct import correct_text
    from pipeline.errors import ExitCode
    from pipeline.io import read_bytes, write_atomic

    args = build_parser().parse_args(argv)
    try:
        if args.input == "-":
            data = sys.stdin.buffer.read()
            name = "<stdin>"
        else:
            path = Path(args.input)
            name = path.name
            data = read_bytes(path, name)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InputFileError(
                f"{name}: not UTF-8 text (byte {e.start}); convert it first, e.g. iconv -t UTF-8"
            ) from e
        config = settings_from(args)
        out: list[str] = []  # the corrected parts, for -o (written whole, atomically)
        lines = text.split("\n")
        del data, text  # the lines are all that is kept of the input
        for k, (first, chunk) in enumerate(parts(lines, PART_CHARS)):
            result = correct_text("\n".join(chunk), config=config)
            if not args.no_structure:
                result = _numbering(result)
            result = _shifted(result, first)
            piece = ("\n" if k else "") + result.text
            if args.output:
                out.append(piece)
            else:
                sys.stdout.write(piece)
                sys.stdout.flush()
            if args.changes:
                for c in result.corrections:
                    sys.stderr.write(
                        f"{c.line + 1}:{c.word + 1}\t{c.before}\t{c.after}\t{c.reason}\n"
                    )
        if args.output:
            write_atomic(Path(args.output), "".join(out))  # raises OutputError itself
    except VnocrError as e:
        log.error("%s: %s", type(e).__name__, e)
        sys.stderr.write(f"vnocr correct: {e}\n")
        return int(e.exit_code)
    return int(ExitCode.ok)
