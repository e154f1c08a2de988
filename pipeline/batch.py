"""Folder processing: find the scans, OCR each one, write its outputs, isolate failures.

A bad file is reported with its name and cause and the batch goes on with the others;
every output is written atomically, so what is on disk is always whole.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.document import Document
from pipeline.errors import InputFileError, MissingDependencyError, VnocrError
from pipeline.io import SCAN_SUFFIXES, write_atomic
from pipeline.ocr import OcrEngine, TesseractEngine, check_tesseract
from pipeline.process import ocr_file

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Job:
    """One input file, the name it goes by (relative, POSIX) and its output path stem."""

    source: Path
    name: str
    out_stem: Path


@dataclass(frozen=True, slots=True)
class FileResult:
    """What happened to one input file."""

    name: str
    ok: bool
    pages: int = 0
    seconds: float = 0.0
    outputs: tuple[str, ...] = ()
    error: str = ""


@dataclass(frozen=True, slots=True)
class BatchResult:
    """All file results of a run, in input order."""

    files: tuple[FileResult, ...]

    @property
    def failed(self) -> tuple[FileResult, ...]:
        """The files that produced no output."""
        return tuple(f for f in self.files if not f.ok)

    @property
    def succeeded(self) -> tuple[FileResult, ...]:
        """The files whose outputs were written."""
        return tuple(f for f in self.files if f.ok)


def find_jobs(inputs: Sequence[Path | str], out_dir: Path | str) -> list[Job]:
    """Expand files and folders (recursively) into jobs with distinct output stems.

    A folder's tree is mirrored under ``out_dir``; files given directly go to its top.
    When two inputs would share an output name (``a.png`` and ``a.pdf``), both keep their
    extension in it (``a.png.txt``, ``a.pdf.txt``).
    """
    out_dir = Path(out_dir)
    found: list[tuple[Path, str]] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and f.suffix.lower() in SCAN_SUFFIXES and not _hidden(f, path):
                    found.append((f, f.relative_to(path).as_posix()))
        else:
            found.append((path, path.name))
    unique_by_name: dict[str, Path] = {}
    for source, name in found:
        unique_by_name.setdefault(name, source)
    unique = list(unique_by_name.items())
    stems: dict[str, int] = {}
    for name, _ in unique:
        key = _strip_suffix(name).casefold()
        stems[key] = stems.get(key, 0) + 1
    jobs = []
    for name, source in unique:
        stem = _strip_suffix(name)
        rel = name if stems[stem.casefold()] > 1 else stem
        jobs.append(Job(source, name, out_dir / rel))
    return jobs


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _strip_suffix(name: str) -> str:
    head, dot, tail = name.rpartition(".")
    return head if dot and "/" not in tail else name


def write_outputs(doc: Document, out_stem: Path) -> tuple[Path, ...]:
    """Write ``STEM.txt`` (the text) and ``STEM.json`` (the Document), each atomically."""
    txt = out_stem.with_name(out_stem.name + ".txt")
    js = out_stem.with_name(out_stem.name + ".json")
    write_atomic(txt, doc.text + "\n")
    write_atomic(js, json.dumps(doc.to_dict(), ensure_ascii=False, indent=1) + "\n")
    return (txt, js)


def run_batch(
    jobs: Iterable[Job],
    engine: OcrEngine | None = None,
    *,
    on_result: Callable[[FileResult], None] | None = None,
    fail_fast: bool = False,
) -> BatchResult:
    """Process jobs one by one; a failing file is recorded and the others go on.

    Tesseract is checked once up front: a missing program or model is one error for the
    whole run (MissingDependencyError), not one per file.
    """
    engine = engine or TesseractEngine()
    if isinstance(engine, TesseractEngine):
        check_tesseract(engine.config.lang)
    results = []
    for job in jobs:
        result = _run_one(job, engine)
        if not result.ok:
            log.error("failed: %s", result.error)
        if on_result:
            on_result(result)
        results.append(result)
        if fail_fast and not result.ok:
            break
    return BatchResult(tuple(results))


def _run_one(job: Job, engine: OcrEngine) -> FileResult:
    start = time.perf_counter()
    try:
        if not job.source.exists():
            raise InputFileError(f"{job.name}: no such file")
        doc = ocr_file(job.source, engine, name=job.name)
        outputs = write_outputs(doc, job.out_stem)
    except MissingDependencyError:
        raise  # not this file's fault: the whole run stops with one message
    except VnocrError as e:
        return FileResult(job.name, False, seconds=time.perf_counter() - start, error=str(e))
    except MemoryError:
        return FileResult(job.name, False, error=f"{job.name}: out of memory")
    return FileResult(
        job.name,
        True,
        pages=len(doc.pages),
        seconds=round(time.perf_counter() - start, 3),
        outputs=tuple(str(p) for p in outputs),
    )


def summary_dict(result: BatchResult) -> dict[str, object]:
    """The content of ``summary.json``: counts and one entry per file."""
    return {
        "schema": "vnocr.summary",
        "version": 1,
        "files": len(result.files),
        "succeeded": len(result.succeeded),
        "failed": len(result.failed),
        "pages": sum(f.pages for f in result.files),
        "results": [asdict(f) for f in result.files],
    }
