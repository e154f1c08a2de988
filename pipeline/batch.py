"""Folder processing: parallel, resumable, and isolated from bad files.

Work is cut into page tasks (``process.recognize``) and, once a document's pages are
back, one document task (``process.assemble`` and writing the outputs). Both run on any
``concurrent.futures.Executor``: in this process (``-j 1``), on a process pool, or on a
Dask cluster through ``Client.get_executor()`` — the same functions in every case.

Resuming: after a document's outputs are written (atomically), a line with its input
hash and the settings fingerprint is appended to ``OUT/.vnocr/state.jsonl``. A later run
skips a document whose line matches and whose outputs exist; a run killed at any moment
leaves whole files only, and the next run redoes just what was not recorded.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.document import Correction, Page
from pipeline.errors import (
    ConfigError,
    DiskFullError,
    ExitCode,
    InputFileError,
    MissingDependencyError,
    OutputError,
    Terminated,
    VnocrError,
    output_error,
)
from pipeline.io import count_pages, write_all_atomic, write_atomic
from pipeline.models import default_models
from pipeline.ocr import check_engine, worker_engine
from pipeline.plan import (
    SUMMARY_FILE,
    Job,
    Plan,
    Problem,
    display_name,
    plan_batch,
)
from pipeline.pool import WorkerDiedError, WorkerPool
from pipeline.preprocess import single_thread
from pipeline.process import PipelineConfig, assemble, correct_one, recognize
from pipeline.progress import NullProgress, Progress
from pipeline.quality import document_quality
from pipeline.state import STATE_DIR, OutdirLock, State
from pipeline.writers import DEFAULT_FORMATS, output_paths, render_outputs

log = logging.getLogger(__name__)

__all__ = ["STATE_DIR", "BatchConfig", "BatchResult", "FileResult", "Job", "find_jobs", "run_batch"]


@dataclass(frozen=True, slots=True)
class FileResult:
    """What happened to one input file: status is done, skipped, failed, or not_done (the
    run was interrupted before it got to the file: running it again does it)."""

    name: str
    status: str
    pages: int = 0
    seconds: float = 0.0
    corrections: int = 0
    outputs: tuple[str, ...] = ()
    error: str = ""
    code: int = 0  # a failure's kind as the CLI's exit code: 2 input, 5 output, 15 other
    quality: float | None = None  # the lowest page quality estimate (pipeline/quality.py)

    @property
    def ok(self) -> bool:
        """True when the file's outputs are on disk (done now or before)."""
        return self.status in ("done", "skipped")


@dataclass(frozen=True, slots=True)
class BatchResult:
    """All file results of a run, in the order they finished."""

    files: tuple[FileResult, ...]
    interrupted: bool = False
    terminated: bool = False  # the interruption was SIGTERM (errors.Terminated)

    @property
    def failed(self) -> tuple[FileResult, ...]:
        """The files that produced no output."""
        return tuple(f for f in self.files if f.status == "failed")

    @property
    def succeeded(self) -> tuple[FileResult, ...]:
        """The files whose outputs are on disk."""
        return tuple(f for f in self.files if f.ok)


@dataclass(frozen=True, slots=True)
class BatchConfig:
    """How a batch runs (not what it produces: that is PipelineConfig)."""

    pipeline: PipelineConfig = field(default_factory=PipelineConfig)
    workers: int = 0  # 0: one per CPU core
    force: bool = False  # redo documents that are up to date
    fail_fast: bool = False
    log_json: Path | None = None  # one JSON line per finished document
    source_dir: Path | None = None  # source texts matched by name: a report per document
    debug_images: bool = False  # write each preprocessing stage's image under OUT/debug/
    # output formats (pipeline.writers names): not part of the resume key, but a document
    # missing the file of a requested format is redone
    formats: tuple[str, ...] = DEFAULT_FORMATS
    #: a document with a page whose quality estimate is under this fails (its outputs are
    #: still written, to look at); None: low pages are only logged and recorded
    min_quality: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.workers, int) or isinstance(self.workers, bool) or self.workers < 0:
            raise ConfigError(f"workers {self.workers!r}: expected 0 (one per core) or more")
        if self.log_json is not None and Path(self.log_json).is_dir():
            raise ConfigError(f"--log-json {self.log_json}: is a folder; give a file name")
        if self.min_quality is not None and not 0.0 <= self.min_quality <= 1.0:
            raise ConfigError(f"--min-quality {self.min_quality}: expected 0 to 1")
        if self.source_dir is not None and not Path(self.source_dir).is_dir():
            raise ConfigError(f"--source {self.source_dir}: not a folder of source texts")


# --------------------------------------------------------------------------- discovery


class NoInputsError(InputFileError):
    """The inputs of a batch hold no scan file at all."""


def find_jobs(inputs: Sequence[Path | str], out_dir: Path | str) -> list[Job]:
    """Expand files and folders (recursively) into jobs with distinct output paths.

    A folder's tree is mirrored under ``out_dir``; files given directly go to its top.
    When two inputs would share an output name (``a.png`` and ``a.pdf``), both keep their
    extension in it (``a.png.txt``, ``a.pdf.txt``). See :func:`pipeline.plan.plan_batch`,
    which also reports the inputs that cannot be processed.
    """
    return list(plan_batch(inputs, out_dir).jobs)


def with_references(jobs: Sequence[Job], source_dir: Path) -> list[Job]:
    """Attach to each job the source text of the same name in ``source_dir`` (if any)."""
    from pipeline.sources import match_sources

    matches = match_sources([j.name for j in jobs], source_dir)
    return [replace(j, reference=matches.get(j.name)) for j in jobs]


# --------------------------------------------------------------------------- outputs
# The formats and their files live in pipeline.writers; the batch only chooses stems.


def file_key(path: Path, fingerprint: str) -> str:
    """Identity of an input's content under given settings (what resuming compares)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as e:
        raise InputFileError(f"{path.name}: cannot read ({e.strerror or e})") from e
    return f"{digest.hexdigest()[:32]}-{fingerprint}"


def _is_done(state: State, job: Job, key: str, formats: tuple[str, ...]) -> bool:
    """Recorded under this key, and every file of the requested formats is there."""
    return state.done.get(job.name) == key and all(
        p.exists() for p in output_paths(job.out_stem, formats)
    )


# --------------------------------------------------------------------------- tasks
# Top-level functions: they are pickled to worker processes and Dask workers.


def _page_task(
    job: Job, index: int, config: PipelineConfig, debug_root: Path | None
) -> tuple[Page, dict[str, Any], tuple[Page, tuple[Correction, ...]]]:
    """A page read, and corrected: its share of the document's correction is done here,
    on whichever worker is free, not after the last page on one (see process.correct_one)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    debug_dir = debug_root / job.name if debug_root else None
    engine = worker_engine(config.ocr)  # one per process: the model loads once
    models = default_models()
    page, report = recognize(job.source, index, job.name, config, engine, debug_dir, models=models)
    return page, report, correct_one(page, report, config, models)


class LowQualityError(InputFileError):
    """A page read so badly (quality estimate under ``--min-quality``) that the document
    counts as failed; its outputs are written all the same."""


def _document_task(
    job: Job,
    results: list[tuple[Page, dict[str, Any], tuple[Page, tuple[Correction, ...]]]],
    config: PipelineConfig,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    min_quality: float | None = None,
) -> tuple[int, tuple[str, ...], float | None]:
    pages, reports = [p for p, _, _ in results], [r for _, r, _ in results]
    corrected = [c for _, _, c in results]
    # the worker's bundle: loaded by its first task, then kept for every later one
    models = default_models()
    doc = assemble(job.name, pages, config, reports, models=models, corrected=corrected)
    files = render_outputs(doc, job.out_stem, formats, source=job.source)
    write_all_atomic(files)  # the whole set, or none of it (reports: pipeline.batch_reports)
    quality = document_quality(doc.steps)
    if min_quality is not None and quality is not None and quality < min_quality:
        raise LowQualityError(
            f"{job.name}: quality {quality:.2f} under --min-quality {min_quality:.2f} "
            "(few known words, low confidence: the text is likely unusable)"
        )
    return len(doc.corrections), tuple(display_name(str(p)) for p, _ in files), quality


def _timed(fn: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    """A task's result and the seconds it took where it ran (summary ``seconds``: work,
    not the time a document waited in the queue)."""
    t0 = time.perf_counter()
    return fn(*args), time.perf_counter() - t0


def _check_models(config: PipelineConfig) -> None:
    """Load the correction models where the work runs (they stay cached there)."""
    if config.correct or config.ocr.vietnamese:
        models = default_models()  # the worker's bundle, kept for its tasks
        if config.correct:
            models.corrector(config.correction)


def _warm(config: PipelineConfig) -> None:
    """A pool worker's start-up, run as it starts (pipeline.pool): the models, the
    corrector's word index and the OCR model loaded before the first page arrives, so
    that no worker pays them inside its first task while the others read."""
    try:
        _check_models(config)
        if config.correct:
            default_models().corrector(config.correction).warm()
        load = getattr(worker_engine(config.ocr), "load", None)
        if load is not None:
            load()
    except Exception:  # noqa: BLE001, S110 - the tasks that need them fail and say why
        pass


class InlineExecutor(Executor):
    """Runs each task at submit time in this process (``-j 1``: no pickling, no pool)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as e:  # noqa: BLE001 - delivered through the future
            if isinstance(e, KeyboardInterrupt):
                raise
            future.set_exception(e)
        return future


def make_executor(
    workers: int, dask: str | None = None, config: PipelineConfig | None = None
) -> Executor:
    """The executor for ``-j N`` or ``--dask ADDRESS|local``; a pool's workers are started
    at once and warmed up for ``config`` (:func:`_warm`) when it is given."""
    if dask:
        from pipeline.cluster import dask_executor

        return dask_executor(dask, workers)
    n = workers or os.cpu_count() or 1
    if n == 1:
        # one job is one core's work, as in a pool worker: OpenCV's own threads cost more
        # CPU than they save (preprocessing the 16 sample pages: 0.75 x the CPU on one)
        single_thread()
        return InlineExecutor()
    return WorkerPool(n, warm=(_warm, (config,)) if config is not None else None)


# --------------------------------------------------------------------------- the run


@dataclass(eq=False)
class _Task:
    """One submitted call, kept so that it can be submitted again after a worker crash."""

    kind: str  # "page" or "document"
    doc: _Doc
    index: int
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    crashes: int = 0  # times the worker running it died


class WorkerCrashError(VnocrError):
    """A page (or document) killed the worker process reading it, twice."""


@dataclass
class _Doc:
    job: Job
    key: str
    pages: list[tuple[Page, dict[str, Any], tuple[Page, tuple[Correction, ...]]] | None]
    work: float = 0.0  # seconds its finished tasks took where they ran
    failed: bool = False


def run_batch(
    inputs: Sequence[Path | str] | Sequence[Job] | Plan,
    out_dir: Path | str,
    config: BatchConfig | None = None,
    *,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Process scans (files, folders, ready-made Jobs or a Plan) into ``out_dir``.

    Work runs on ``executor`` (default: from ``config.workers``). Outputs mirror the input
    tree (see :func:`pipeline.plan.plan_batch`); ``out_dir/summary.json`` gets
    :func:`summary_dict`. A failing file is logged and recorded, and the others go on
    (unless ``fail_fast``); inputs that cannot be read at all (an unreadable folder, a
    FIFO) are failed files too. OUTDIR is locked for the run (a second run into it fails
    with OutputError naming the holder) and the OCR engine is checked once up front: a missing
    program or model is one error for the whole run (MissingDependencyError). Ctrl-C
    cancels pending work and returns what finished, with ``interrupted`` set; running it
    again resumes.
    """
    config = config or BatchConfig()
    progress = progress or NullProgress()
    out_dir = Path(out_dir)
    plan = _as_plan(inputs, out_dir, config, State(out_dir))
    if not plan.jobs and not plan.problems:
        found = ", ".join(display_name(str(p)) for p in inputs)  # type: ignore[union-attr]
        raise NoInputsError(f"no PNG, JPEG, TIFF or PDF files found in {found}")
    with OutdirLock(out_dir):
        state = State(out_dir)  # again, under the lock
        if config.log_json is not None:  # a log that cannot be written is said up front
            try:
                with Path(config.log_json).open("a", encoding="utf-8"):
                    pass
            except OSError as e:
                raise output_error(f"--log-json {config.log_json}: cannot write", e) from e
        for note in plan.notes:
            log.warning("%s", note)
        jobs = list(plan.jobs)
        if config.source_dir is not None:
            jobs = with_references(jobs, config.source_dir)
        check_engine(config.pipeline.ocr)
        own_executor = executor is None
        warm = config.pipeline if jobs else None  # no input: no worker to start
        executor = executor or make_executor(config.workers, config=warm)
        runner = _Runner(jobs, out_dir, config, executor, progress, state, plan.problems)
        try:
            if jobs:  # a corrupt model is one error before any OCR, not one per document
                executor.submit(_check_models, config.pipeline).result()
            result = runner.run()
            summary = summary_dict(result)
            if config.source_dir is not None and not result.interrupted:
                from pipeline.batch_reports import batch_reports

                summary["report"] = batch_reports(jobs, out_dir, result, executor)
            text = json.dumps(summary, ensure_ascii=False, indent=1) + "\n"
            write_atomic(out_dir / SUMMARY_FILE, text.encode("utf-8", "backslashreplace"))
            return result
        finally:
            progress.close()
            runner.close(own_executor)


def _as_plan(
    inputs: Sequence[Path | str] | Sequence[Job] | Plan,
    out_dir: Path,
    config: BatchConfig,
    state: State,
) -> Plan:
    if isinstance(inputs, Plan):
        return inputs
    jobs = [j for j in inputs if isinstance(j, Job)]
    if jobs:
        return Plan(tuple(jobs))
    return plan_batch(
        inputs,  # type: ignore[arg-type]
        out_dir,
        reports=config.source_dir is not None,
        recorded=state.stems,
    )


class _Runner:
    """The parent's loop: feeds page tasks, gathers pages, finishes documents."""

    def __init__(
        self,
        jobs: Sequence[Job],
        out_dir: Path,
        config: BatchConfig,
        executor: Executor,
        progress: Progress,
        state: State,
        problems: Sequence[Problem] = (),
    ) -> None:
        self.jobs = jobs
        self.out_dir = out_dir
        self.state = state
        self.problems = problems
        self.config = config
        self.executor = executor
        self.progress = progress
        self.fingerprint = config.pipeline.fingerprint()
        self.results: list[FileResult] = []
        self.pending: dict[Future[Any], _Task] = {}
        self.interrupted = False
        self.terminated = False
        self.stop = False
        self.stopped_by: str | None = None  # why the batch stopped early (disk full)
        self.debug_root = out_dir / "debug" if config.debug_images else None

    def run(self) -> BatchResult:
        todo = self._plan()
        # tasks in flight: one per worker and two waiting, so a document's assembly task,
        # given when its last page comes back, waits behind two pages at most (with 4 per
        # worker the documents of a folder all finished at the end of the run)
        window = max(self.config.workers or os.cpu_count() or 1, 1) + 2
        if isinstance(self.executor, InlineExecutor):  # it runs each task as it is given:
            window = 1  # hand them over one by one, so that progress is told after each
        feed = iter(todo)
        try:
            while not self.stop:
                self._fill(feed, window)
                if not self.pending:
                    break
                done, _ = wait(list(self.pending), timeout=1.0, return_when=FIRST_COMPLETED)
                for future in done:
                    self._collect(future)
        except KeyboardInterrupt as e:
            self.interrupted = True
            self.terminated = isinstance(e, Terminated)
            for future in self.pending:
                future.cancel()
        if self.interrupted:  # every input is in the summary, the unfinished ones too
            finished = {r.name for r in self.results}
            # a signal may land between a document's state record and its result: what is
            # recorded under this run's key has its whole set on disk and is done
            keys = {job.name: key for job, key, _ in todo}
            self.results += [
                FileResult(j.name, "done")
                if keys.get(j.name) and self.state.done.get(j.name) == keys[j.name]
                else FileResult(
                    j.name, "not_done", error=f"{j.name}: interrupted before it was done"
                )
                for j in self.jobs
                if j.name not in finished
            ]
        if self.stopped_by is not None:  # disk full: the rest is named, not left out
            for future in self.pending:
                future.cancel()
            finished = {r.name for r in self.results}
            for job in self.jobs:
                if job.name not in finished:
                    self._finish(
                        FileResult(
                            job.name,
                            "failed",
                            error=f"{job.name}: not processed ({self.stopped_by})",
                            code=ExitCode.output_error,
                        )
                    )
        return BatchResult(tuple(self.results), self.interrupted, self.terminated)

    def _plan(self) -> list[tuple[Job, str, int]]:
        """Skip what is up to date, count pages of the rest; bad files fail here already."""
        todo = []
        early = [
            FileResult(p.name, "failed", error=p.error, code=ExitCode.input_file)
            for p in self.problems
        ]
        for job in self.jobs:
            try:
                key = file_key(job.source, self.fingerprint) if job.source.exists() else ""
                if not key:
                    raise InputFileError(f"{job.name}: no such file")
                if not self.config.force and _is_done(self.state, job, key, self.config.formats):
                    early.append(FileResult(job.name, "skipped"))
                    continue
                todo.append((job, key, count_pages(job.source, job.name)))
            except VnocrError as e:
                early.append(FileResult(job.name, "failed", error=_named(e, job), code=_code(e)))
                if self.config.fail_fast:
                    break
        self.progress.start(len(self.jobs) + len(self.problems), sum(n for _, _, n in todo))
        for result in early:
            self._finish(result)
        return todo

    def _fill(self, feed: Iterator[tuple[Job, str, int]], window: int) -> None:
        while len(self.pending) < window and not self.stop:
            item = next(feed, None)
            if item is None:
                return
            job, key, n = item
            doc = _Doc(job, key, [None] * n)
            for index in range(n):
                args = (job, index, self.config.pipeline, self.debug_root)
                self._submit(_Task("page", doc, index, _page_task, args))

    def _submit(self, task: _Task) -> None:
        try:
            future = self.executor.submit(_timed, task.fn, *task.args)
        except (BrokenProcessPool, RuntimeError) as e:  # a broken pool we cannot replace
            if not task.doc.failed:
                task.doc.failed = True
                self._fail(task.doc, e)
            return
        self.pending[future] = task

    def _crashed(self, task: _Task, error: BaseException) -> None:
        """The worker running ``task`` died (only that task is lost: pipeline.pool). Run it
        again once, as most crashes are one-off (the OOM killer); a task whose worker dies
        twice fails its document, and the rest of the batch goes on."""
        if task.doc.failed:
            return
        task.crashes += 1
        where = f"page {task.index + 1}" if task.kind == "page" else "assembling"
        name = task.doc.job.name
        if task.crashes == 1:
            log.warning("%s: %s: %s; running it again", name, where, error)
            self._submit(task)
            return
        task.doc.failed = True
        self._fail(
            task.doc,
            WorkerCrashError(
                f"{name}: {where}: the worker process died twice on it "
                "(a crash in Tesseract or OpenCV, or out of memory)"
            ),
        )

    def _collect(self, future: Future[Any]) -> None:
        task = self.pending.pop(future)
        kind, doc, index = task.kind, task.doc, task.index
        error = future.exception()
        if isinstance(error, MissingDependencyError):
            raise error
        if isinstance(error, WorkerDiedError):
            self._crashed(task, error)
            return
        if error is not None:
            if not doc.failed:
                doc.failed = True
                self._fail(doc, error)
            return
        value, spent = future.result()
        doc.work += spent
        if kind == "page":
            if doc.failed:
                return
            doc.pages[index] = value
            self.progress.pages_done(1)
            if all(p is not None for p in doc.pages):
                pages = [p for p in doc.pages if p is not None]
                args = (
                    doc.job,
                    pages,
                    self.config.pipeline,
                    self.config.formats,
                    self.config.min_quality,
                )
                self._submit(_Task("document", doc, -1, _document_task, args))
            return
        corrections, outputs, quality = value
        try:
            self.state.record(doc.job.name, doc.key, self._stem(doc.job))
        except OutputError as e:
            doc.failed = True
            self._fail(doc, e)
            return
        self._finish(
            FileResult(
                doc.job.name,
                "done",
                pages=len(doc.pages),
                seconds=round(doc.work, 3),
                corrections=corrections,
                outputs=outputs,
                quality=quality,
            )
        )

    def close(self, own_executor: bool) -> None:
        """Shut the executor down; after an interruption stop the workers at once, and
        remove the temporary outputs of documents they were writing."""
        executor = self.executor
        if own_executor and self.interrupted and isinstance(executor, WorkerPool):
            executor.stop()
        elif own_executor:
            executor.shutdown(wait=not self.interrupted, cancel_futures=True)
        if self.interrupted:
            for task in self.pending.values():
                if task.kind == "document":
                    _remove_temps(task.doc.job.out_stem)

    def _stem(self, job: Job) -> str:
        try:
            return job.out_stem.relative_to(self.out_dir).as_posix()
        except ValueError:
            return ""

    def _fail(self, doc: _Doc, error: BaseException) -> None:
        message = _named(error, doc.job)
        for future, other in list(self.pending.items()):
            if other.doc is doc:
                future.cancel()
        self.progress.pages_dropped(sum(p is None for p in doc.pages))
        self._finish(
            FileResult(
                doc.job.name,
                "failed",
                pages=len(doc.pages),
                seconds=round(doc.work, 3),
                error=message,
                code=_code(error),
            )
        )
        if isinstance(error, DiskFullError) and not self.stop:
            log.error("stopping: no further output can be written (%s)", error)
            self.stop = True
            self.stopped_by = "the batch stopped: an earlier output could not be written"

    def _finish(self, result: FileResult) -> None:
        if result.status == "failed":
            log.error("failed: %s", result.error)
            if self.config.fail_fast:
                self.stop = True
        self.results.append(result)
        detail = (
            f"({result.pages} pages, {result.seconds:.1f} s)" if result.status == "done" else ""
        )
        self.progress.document_done(result.name, result.status, detail)
        if self.config.log_json:
            line = json.dumps({"time": time.time(), **asdict(result)}, ensure_ascii=False)
            with (
                contextlib.suppress(OSError),
                self.config.log_json.open("a", encoding="utf-8", errors="backslashreplace") as f,
            ):
                f.write(line + "\n")


def _remove_temps(stem: Path) -> None:
    """The temporary files a stopped worker left beside a document's outputs."""
    with contextlib.suppress(OSError):
        for path in stem.parent.glob(f".{glob.escape(stem.name[:200])}*.tmp"):
            path.unlink(missing_ok=True)


def _named(error: BaseException, job: Job) -> str:
    """The error message, starting with the file's name (added when the error lacks it)."""
    text = str(error) if isinstance(error, VnocrError) else f"{type(error).__name__}: {error}"
    if isinstance(error, MemoryError):
        text = "out of memory"
    return text if text.startswith(job.name) else f"{job.name}: {text}"


def _code(error: BaseException) -> int:
    """The exit code a failure stands for (OutputError 5, InputFileError 2, others 15)."""
    return int(error.exit_code) if isinstance(error, VnocrError) else int(ExitCode.other_error)


def summary_dict(result: BatchResult) -> dict[str, object]:
    """The content of ``summary.json``: counts and one entry per file."""
    return {
        "schema": "vnocr.summary",
        "version": 1,
        "files": len(result.files),
        "done": sum(f.status == "done" for f in result.files),
        "skipped": sum(f.status == "skipped" for f in result.files),
        "failed": len(result.failed),
        "not_done": sum(f.status == "not_done" for f in result.files),
        "interrupted": result.interrupted,
        "pages": sum(f.pages for f in result.files if f.status == "done"),
        "results": [asdict(f) for f in result.files],
    }
