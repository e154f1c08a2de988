"""Speed benchmark: vnocr's cost against Tesseract's own, measured side by side in one run.

Tesseract is most of vnocr's work, so bare ``tesseract -l vie --psm 3`` on the same pages
is the floor. Every figure here is a ratio of two things measured in this one run (the
absolute seconds swing with what else the machine runs):

1. CPU seconds of ``vnocr run -j 1`` (the whole command: start-up, preprocessing, OCR,
   layout, correction, structure, writing) over the CPU seconds of bare Tesseract on the
   same pages as loaded, for the shipped clean and fax sample renders and for the real
   scans of ../shared/real/scanned (skipped when absent). Target: <= 1.15 x on the
   renders, <= 1.3 x on the real scans.
2. ``-j 2`` against ``-j 1`` on one 40-page PDF: wall seconds, the two run in turn
   (``--rounds`` pairs, the median of the pair ratios; the machine must have two idle
   cores for this to mean anything). Target: >= 1.9 x. Beside it, what needs no idle
   machine: the CPU seconds of the document's last task (assembly, structure, writing:
   it runs after the last page, on one worker, while the others wait) against those of
   its page tasks, measured in this process, and the -j 2 speed-up that tail alone
   allows, (pages + tail) / (pages / 2 + tail).
3. ``vnocr --help`` wall seconds (best of 5). Target: <= 0.3 s.

Both sides run with OMP_THREAD_LIMIT=1, as in batch workers. The package's bytecode is
compiled first, as an installed package has it: with PYTHONDONTWRITEBYTECODE set and no
``__pycache__``, every vnocr process (and every pool worker) compiles its ~70 modules
from source again, about 0.4 CPU-s each time, which is no cost of vnocr's. The last lines
print each figure the issue asks for beside its target.

    python bench/speed_bench.py [--skip renders real pdf help] [--pdf-pages 40] [--rounds 2]
                                [--real DIR]
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REAL = REPO.parent / "shared" / "real" / "scanned"
VNOCR = [sys.executable, "-m", "pipeline", "-q"]
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


def child_cpu(cmd: Sequence[str]) -> float:
    """CPU seconds (user + system) of ``cmd`` and everything it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode:  # a file vnocr refuses still costs what it cost; say so
        print(f"  ({cmd[0]} ... exit {done.returncode}: {done.stderr.decode()[-200:]!r})")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def wall(cmd: Sequence[str]) -> float:
    """Wall seconds of ``cmd``."""
    start = time.perf_counter()
    subprocess.run(cmd, env=ENV, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def page_files(files: Sequence[Path], folder: Path) -> list[tuple[Path, int]]:
    """Each page of ``files`` as loaded by vnocr, written as a PNM (and its DPI)."""
    from pipeline.io import PDF_DPI, load_pages

    out = []
    for f in files:
        for page in load_pages(f, f.name):
            pixels = page.pixels
            path = folder / f"{f.stem}.p{page.index}.{'pgm' if pixels.ndim == 2 else 'ppm'}"
            h, w = pixels.shape[:2]
            head = f"{'P5' if pixels.ndim == 2 else 'P6'}\n{w} {h}\n255\n".encode()
            path.write_bytes(head + pixels.tobytes())
            out.append((path, page.dpi or PDF_DPI))
    return out


def bare_cpu(pages: Sequence[tuple[Path, int]]) -> float:
    """CPU seconds of bare ``tesseract -l vie --psm 3`` over ``pages``, one call each."""
    return sum(
        child_cpu(["tesseract", str(p), "-", "-l", "vie", "--psm", "3", "--dpi", str(dpi)])
        for p, dpi in pages
    )


def vnocr_cpu(files: Sequence[Path], out: Path, workers: int = 1) -> float:
    """CPU seconds of one ``vnocr run -j N`` over ``files`` (outputs redone)."""
    cmd = [*VNOCR, "run", *map(str, files), "-o", str(out), "-j", str(workers), "--force"]
    return child_cpu(cmd)


def ratio_row(label: str, files: Sequence[Path], tmp: Path) -> float:
    """Print vnocr -j 1 CPU per page against bare Tesseract's on ``files``; the ratio."""
    folder = tmp / label
    folder.mkdir()
    pages = page_files(files, folder)
    bare = bare_cpu(pages)
    ours = vnocr_cpu(files, tmp / f"out-{label}")
    n = len(pages)
    print(
        f"{label:8} {n:5d} {bare / n:9.2f} {ours / n:9.2f} {ours / bare:7.2f}x",
        flush=True,
    )
    return ours / bare


def make_pdf(path: Path, count: int) -> None:
    """A ``count``-page PDF of the shipped clean and fax renders, cycled."""
    from PIL import Image

    renders = sorted((REPO / "samples").glob("*.tif"))
    images = [Image.open(renders[i % len(renders)]).convert("L") for i in range(count)]
    images[0].save(path, save_all=True, append_images=images[1:], resolution=300)


def pdf_rows(pdf: Path, pages: int, rounds: int, tmp: Path) -> float:
    """Print the -j 2 / -j 1 row and the document task's tail on ``pdf``; the speed-up."""
    cmd = [*VNOCR, "run", str(pdf), "--force"]
    ones, twos = [], []
    for _ in range(rounds):  # in turn, so that a change in the machine's load hits both
        ones.append(wall([*cmd, "-o", str(tmp / "j1"), "-j", "1"]))
        twos.append(wall([*cmd, "-o", str(tmp / "j2"), "-j", "2"]))
    ratios = sorted(a / b for a, b in zip(ones, twos, strict=True))
    print(
        f"{pages}-page PDF: -j 1 {statistics.median(ones):.1f} s, -j 2 "
        f"{statistics.median(twos):.1f} s, speed-up {statistics.median(ratios):.2f}x "
        f"(median of {rounds} pairs, {ratios[0]:.2f}-{ratios[-1]:.2f})",
        flush=True,
    )
    same = _outputs(tmp / "j1") == _outputs(tmp / "j2")
    print(f"  outputs of -j 1 and -j 2 {'identical' if same else 'DIFFER'}")
    page_cpu, tail_cpu = task_cpu(pdf, tmp / "tasks")
    bound = (page_cpu + tail_cpu) / (page_cpu / 2 + tail_cpu)
    print(
        f"  CPU s: page tasks {page_cpu:.1f}, document task after them {tail_cpu:.2f} "
        f"({100 * tail_cpu / page_cpu:.1f} %): -j 2 at most {bound:.2f}x for that tail",
        flush=True,
    )
    return statistics.median(ratios)


def _outputs(folder: Path) -> dict[str, bytes]:
    """Every output file under ``folder`` but the run's summary and state."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "summary.json" and ".vnocr" not in p.parts
    }


def task_cpu(pdf: Path, out: Path) -> tuple[float, float]:
    """CPU seconds of the batch's page tasks on ``pdf`` and of its document task, run in
    this process one after the other (a worker's first-task start-up excluded: models
    and engine are loaded before)."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    from pipeline import batch
    from pipeline.io import count_pages
    from pipeline.models import default_models
    from pipeline.ocr import worker_engine
    from pipeline.process import PipelineConfig

    config = PipelineConfig()
    default_models().corrector(config.correction)
    worker_engine(config.ocr)
    job = batch.find_jobs([pdf], out)[0]
    start = time.process_time()
    results = [batch._page_task(job, i, config, None) for i in range(count_pages(pdf, pdf.name))]
    pages = time.process_time() - start
    start = time.process_time()
    batch._document_task(job, results, config)
    return pages, time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    """Print the three figures; ``--skip`` leaves some out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip", nargs="*", default=[], choices=["renders", "real", "pdf", "help"])
    parser.add_argument("--pdf-pages", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2, help="-j 1 / -j 2 pairs on the PDF")
    parser.add_argument("--real", type=Path, default=REAL, help="folder of real scans")
    args = parser.parse_args(argv)
    compileall.compile_dir(REPO / "pipeline", quiet=1)  # see the module docstring
    got: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="vnocr-speed-") as name:
        tmp = Path(name)
        print("CPU s/page, vnocr run -j 1 against bare tesseract -l vie --psm 3 (same pages)")
        print(f"{'pages':8} {'n':>5} {'bare':>9} {'vnocr':>9} {'ratio':>8}")
        if "renders" not in args.skip:
            for profile in ("clean", "fax"):
                files = sorted((REPO / "samples").glob(f"*.{profile}.tif"))
                got[profile] = ratio_row(profile, files, tmp)
        if "real" not in args.skip:
            real = sorted(p for p in args.real.glob("*") if p.suffix in {".pdf", ".png", ".jpg"})
            if real:
                got["real"] = ratio_row("real", real, tmp)
            else:
                print("real     (no ../shared/real/scanned: skipped)")
        if "pdf" not in args.skip:
            pdf = tmp / "long.pdf"
            make_pdf(pdf, args.pdf_pages)
            got["-j 2"] = pdf_rows(pdf, args.pdf_pages, args.rounds, tmp)
        if "help" not in args.skip:
            best = min(wall([*VNOCR, "--help"]) for _ in range(5))
            print(f"vnocr --help: {best:.2f} s (best of 5)")
            got["help"] = best
    print_targets(got)
    return 0


#: The issue's done-when figures: (label, what it is, target, True when higher is better).
TARGETS = (
    ("clean", "vnocr -j 1 CPU/page / bare tesseract, clean renders", 1.15, False),
    ("fax", "vnocr -j 1 CPU/page / bare tesseract, fax renders", 1.15, False),
    ("real", "vnocr -j 1 CPU/page / bare tesseract, real scans", 1.3, False),
    ("-j 2", "-j 2 speed-up over -j 1 on the PDF row (wall; issue: 40 pages)", 1.9, True),
    ("help", "vnocr --help, wall seconds", 0.3, False),
)


def print_targets(got: dict[str, float]) -> None:
    """Each figure measured in this run beside the issue's target."""
    load = os.getloadavg()[0]
    print(f"\nfigures against targets (load average {load:.1f} on {os.cpu_count()} cores):")
    for key, what, target, higher in TARGETS:
        if key not in got:
            continue
        ok = got[key] >= target if higher else got[key] <= target
        sign, verdict = (">=" if higher else "<="), ("met" if ok else "NOT met")
        print(f"  {what:62} {got[key]:6.2f}  target {sign} {target:<5} {verdict}")


if __name__ == "__main__":
    sys.exit(main())
