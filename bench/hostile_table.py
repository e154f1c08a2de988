"""The case table of issue #14: every hostile or careless case of items 1-11, run for real.

Each case is the real ``vnocr`` command in a subprocess (real files, real processes, real
signals; the disk-full case mounts a small tmpfs, so it needs root and is left out
without it), on small pages like those of tests/test_hostile.py, whose helpers it uses.
It prints one Markdown row per case: item, case, exit code, the first line the user
reads (stderr's first line that is not progress, else stdout's), and what the outputs
are. tests/test_hostile.py asserts the same behaviour; this prints it for the closing
note.

    .venv/bin/python bench/hostile_table.py [--items 1 2 10] [--big]

``--big`` adds ``vnocr correct`` of 10 MB (minutes) to item 8.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import test_hostile as th  # noqa: E402
from test_fuzz import _seeds, exercise, mutate  # noqa: E402

from pipeline.workshop.synth import synthesize  # noqa: E402

Row = tuple[str, str, str, str, str]


def small_pages() -> list[bytes]:
    """Three one-line PNG pages (the pages fixture of tests/test_hostile.py)."""
    import numpy as np
    from PIL import Image

    out = []
    for i, line in enumerate(th.LINES):
        pixels = np.asarray(synthesize(f"@body\n{line}\n", "clean", seed=i + 1)[0].pixels)
        gray = pixels if pixels.ndim == 2 else pixels.min(axis=2)
        rows = np.flatnonzero(gray.min(axis=1) < 128)
        top, bottom = max(int(rows.min()) - 60, 0), int(rows.max()) + 60
        buf = io.BytesIO()
        Image.fromarray(pixels[top:bottom, 150:-150]).save(buf, format="PNG", dpi=(300, 300))
        out.append(buf.getvalue())
    return out


def full_pages(folder: Path, n: int) -> list[Path]:
    """``n`` whole A4 pages (a few seconds of OCR each)."""
    from pipeline.synth import write_pages

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        body = f"@title\nTHÔNG BÁO SỐ {i + 1}\n@body\n" + "\n".join(th.LINES) + "\n"
        write_pages(synthesize(body, "clean", seed=i), folder, f"tb{i}", fmt="png")
    for gt in folder.glob("*.gt.txt"):
        gt.unlink()
    return sorted(folder.glob("*.png"))


def said(proc: subprocess.CompletedProcess | tuple[int, bytes, bytes]) -> tuple[str, str]:
    """(exit code, the first line the user reads)."""
    rc, out, err = (
        (proc.returncode, proc.stdout, proc.stderr)
        if isinstance(proc, subprocess.CompletedProcess)
        else proc
    )
    lines = [x for x in th.text(err or b"").splitlines() if x and not x.startswith("INFO")]
    if "Traceback" in th.text(err or b""):
        lines.insert(0, "TRACEBACK")
    lines = lines or th.text(out or b"").splitlines() or ["(nothing)"]
    return str(rc), lines[0].replace("|", "\\|")[:160]


def outputs_of(out: Path) -> str:
    """Each input's status and number of outputs, from summary.json."""
    if not (out / "summary.json").exists():
        files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
        return f"no summary.json; files: {files}" if out.exists() else "no OUTDIR made"
    parts = []
    for name, r in th.results(out).items():
        n = len(r["outputs"])
        missing = [p for p in r["outputs"] if not Path(p).is_file()]
        why = f" ({r['error'][:90]})" if r.get("error") else ""
        parts.append(f"{name}: {r['status']} {n} out" + (" (MISSING)" if missing else "") + why)
    temps = [p.name for p in out.rglob("*") if p.name.endswith(".tmp")]
    return "; ".join(parts) + ("; TEMP FILES LEFT" if temps else "")


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        yield Path(tmp)


# ----------------------------------------------------------------------------- items


def item1(pages: list[bytes]) -> Iterator[Row]:
    with scratch() as tmp:
        src, out = tmp / "in", tmp / "out"
        src.mkdir()
        files = {"b.png": 0, "b.jpg": 1, "b.png.png": 2, "x.raw.png": 0, "summary.png": 1}
        for name, i in files.items():
            (src / name).write_bytes(pages[i])
        first = th.vnocr("run", src, "-o", out, "-j", "2")
        every = [p for r in th.results(out).values() for p in r["outputs"]]
        note = f"{len(files)} inputs, {len(set(every))} distinct outputs of {len(every)}; "
        yield (
            "1",
            "b.png b.jpg b.png.png x.raw.png summary.png",
            *said(first),
            note + outputs_of(out),
        )
        before = th.hashes(out)
        (src / "x.png").write_bytes(pages[2])
        second = th.vnocr("run", src, "-o", out, "-j", "2")
        after = th.hashes(out)
        same = all(after.get(k) == v for k, v in before.items())
        yield (
            "1",
            "then x.png added, run again",
            *said(second),
            f"first run's {len(before)} files unchanged: {same}; " + outputs_of(out),
        )


def item2(pages: list[bytes]) -> Iterator[Row]:
    with scratch() as tmp:
        for folder, i in (("dA", 0), ("dB", 1)):
            (tmp / folder).mkdir()
            (tmp / folder / "a.png").write_bytes(pages[i])
        out = tmp / "out"
        proc = th.vnocr("run", tmp / "dA", tmp / "dB", "-o", out, "-j", "2")
        yield ("2", "vnocr run dA dB (both hold a.png)", *said(proc), outputs_of(out))
    with scratch() as tmp:
        src, out = tmp / "in", tmp / "out"
        (src / "locked").mkdir(parents=True)
        (src / "good.png").write_bytes(pages[0])
        (src / "locked" / "c.png").write_bytes(pages[1])
        os.mkfifo(src / "pipe.png")
        (src / "locked").chmod(0)
        try:
            proc = th.vnocr(
                "run",
                src,
                tmp / "gone.png",
                "-o",
                out,
                "-j",
                "1",
                preexec_fn=th._without_root_override,
            )
        finally:
            (src / "locked").chmod(0o755)
        yield ("2", "unreadable subfolder + FIFO + missing file", *said(proc), outputs_of(out))
        alone = th.vnocr("run", src / "pipe.png", "-o", tmp / "o2", timeout=60)
        yield ("2/10", "a FIFO given as the input", *said(alone), outputs_of(tmp / "o2"))


def item3(pages: list[bytes]) -> Iterator[Row]:
    with scratch() as tmp:
        crafted, source = th.crafted_report_inputs(tmp)
        proc = th.vnocr("report", crafted, source, "-o", tmp / "r.html")
        yield (
            "3",
            "vnocr report of a NAME.json whose width is markup",
            *said(proc),
            f"r.html written: {(tmp / 'r.html').exists()}",
        )


def item4(pages: list[bytes]) -> Iterator[Row]:
    with scratch() as tmp:
        src, out, log = tmp / "in", tmp / "out", tmp / "log.jsonl"
        src.mkdir()
        (src / os.fsdecode(b"caf\xe9.png")).write_bytes(pages[0])
        (src / "plain.png").write_bytes(pages[1])
        proc = th.vnocr("run", src, "-o", out, "-j", "2", "--log-json", log)
        names = sorted(
            os.fsencode(p.name).decode("ascii", "backslashreplace")
            for p in out.iterdir()
            if p.name.startswith("caf")
        )
        logged = len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0
        yield (
            "4",
            "caf\\xe9.png (+ plain.png) with --log-json",
            *said(proc),
            outputs_of(out) + f"; on disk {names}; {logged} log lines",
        )
        rerun = th.vnocr("run", src, "-o", out, "-j", "2")
        yield ("4", "the same run again", *said(rerun), outputs_of(out))


def item5(pages: list[bytes]) -> Iterator[Row]:
    import random

    with scratch() as tmp:
        src, out = tmp / "in", tmp / "out"
        src.mkdir()
        (src / "good.png").write_bytes(pages[0])
        short = b"\x89PNG\r\n\x1a\n" + (13).to_bytes(4, "big") + b"IHDR" + bytes(13)
        (src / "short.png").write_bytes(short)  # 29 bytes: an IHDR of zeros, no CRC
        seeds, rng = _seeds(), random.Random(14)
        n = 0
        while n < 200:  # the first fuzzed TIFF the loader refuses
            (src / "fuzzed.tif").write_bytes(mutate(seeds["3pages.tif"], rng))
            if exercise(src / "fuzzed.tif", "fuzzed.tif") == "refused":
                break
            n += 1
        proc = th.vnocr("run", src, "-o", out, "-j", "1")
        yield (
            "5",
            f"29-byte PNG, fuzzed TIFF (mutant {n}), good.png",
            *said(proc),
            outputs_of(out),
        )


def _worker_reading(run: subprocess.Popen, files: list[Path]) -> int | None:
    for worker in th._workers(run.pid):
        if any(th._reading(worker, f) for f in files):
            return worker
    return None


def _kill_readers(cmd: list[str], watch: list[Path], most: int, err: Path) -> tuple[int, int]:
    """Run ``cmd``; kill -9 a worker whenever it has a watched file open, at most ``most``
    times. (exit code, kills)."""
    kills, deadline = 0, time.monotonic() + 600
    with err.open("wb") as f:
        run = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=f)
    while run.poll() is None:
        if time.monotonic() > deadline:
            run.kill()
            break
        if kills < most:
            worker = _worker_reading(run, watch)
            if worker is not None:
                with contextlib.suppress(OSError):
                    os.kill(worker, signal.SIGKILL)
                    kills += 1
        time.sleep(0.001)
    return run.wait(), kills


def item6(pages: list[bytes], big: list[Path]) -> Iterator[Row]:
    for most, label in (
        (1, "a worker killed -9 once mid-page"),
        (99, "a page that kills its worker every time"),
    ):
        with scratch() as tmp:
            src, out = tmp / "in", tmp / "out"
            src.mkdir()
            for i in range(3):
                (src / f"ok{i}.png").write_bytes(pages[i])
            shutil.copy(big[0], src / "poison.png")
            cmd = [sys.executable, "-m", "pipeline", "run", str(src), "-o", str(out), "-j", "2"]
            rc, kills = _kill_readers(cmd, [(src / "poison.png").resolve()], most, tmp / "err")
            err = (tmp / "err").read_bytes()
            yield ("6", f"{label} ({kills} kills)", *said((rc, b"", err)), outputs_of(out))


def item7(big: list[Path]) -> Iterator[Row]:
    with scratch() as tmp:
        tmpdir, pages = tmp / "tmp", tmp / "pages"
        tmpdir.mkdir()
        pages.mkdir()
        for k, page in enumerate(big * 3):
            shutil.copy(page, pages / f"p{k}.png")
        env = {**os.environ, "TMPDIR": str(tmpdir)}
        cmd = [sys.executable, "-m", "pipeline", "-q", "run", str(pages), "-o", str(tmp / "o")]
        run = subprocess.Popen([*cmd, "-j", "2"], env=env, stderr=subprocess.PIPE)
        th._wait_for(lambda: len(th._workers(run.pid)) >= 2)
        time.sleep(1)
        family = th._of_run(run.pid)
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        gone = th._wait_for(lambda: not th._of_run(run.pid), 15)
        left = th._of_run(run.pid)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        yield (
            "7",
            "kill -9 of `vnocr run -j 2` mid-page",
            str(run.returncode),
            "(killed)",
            f"{len(family)} processes of the run before; all gone within 15 s: {gone}; "
            f"TMPDIR leftovers: {th._leftovers(tmpdir)}",
        )
    with scratch() as tmp:
        tmpdir, out = tmp / "tmp", tmp / "out"
        tmpdir.mkdir()
        src = big[0].parent
        env = {**os.environ, "TMPDIR": str(tmpdir)}
        cmd = [sys.executable, "-m", "pipeline", "run", str(src), "-o", str(out), "-j", "2"]
        run = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        state = out / ".vnocr" / "state.jsonl"
        th._wait_for(lambda: state.exists() and state.read_text().strip() != "", 300)
        family = th.descendants(run.pid)
        run.send_signal(signal.SIGTERM)
        o, e = run.communicate(timeout=120)
        gone = th._wait_for(lambda: not th._alive(family), 15)
        yield (
            "7",
            "SIGTERM of `vnocr run -j 2` after the first page",
            *said((run.returncode, o, e)),
            f"processes gone: {gone}; TMPDIR leftovers: {th._leftovers(tmpdir)}; "
            + outputs_of(out),
        )


def _timed(cmd: list[str], **kw: object) -> tuple[subprocess.CompletedProcess, str]:
    """Run under /usr/bin/time -v: the process and "CPU s, peak MB"."""
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, check=False, **kw)
    stats = {}
    for line in th.text(proc.stderr).splitlines():
        key, _, value = line.strip().rpartition(": ")
        stats[key] = value
    cpu = float(stats.get("User time (seconds)", 0)) + float(stats.get("System time (seconds)", 0))
    peak = int(stats.get("Maximum resident set size (kbytes)", 0)) / 1024
    lines = [x for x in th.text(proc.stderr).splitlines() if not x.startswith(("\t", "Command"))]
    proc.stderr = "\n".join(lines).encode()
    return proc, f"CPU {cpu:.2f} s, peak {peak:.0f} MB"


def item8(big_runs: bool) -> Iterator[Row]:
    py = [sys.executable, "-m", "pipeline"]
    with scratch() as tmp:
        line = tmp / "long.txt"
        line.write_text("ỦY BAN NHÂN DÂN\n" + ("ngày " * 14400)[:72000] + "\n", encoding="utf-8")
        proc, cost = _timed([*py, "parse", str(line)], timeout=600)
        yield ("8", "vnocr parse of one 72 kB line", *said(proc), cost)
        marks = tmp / "marks.txt"
        marks.write_text("ỦY BAN\n" + "a" + "\u0301" * 72000 + "\n", encoding="utf-8")
        proc, cost = _timed([*py, "parse", str(marks)], timeout=600)
        yield ("8", "vnocr parse of 72,000 combining marks", *said(proc), cost)
        sys.path.insert(0, str(ROOT / "bench"))
        from report_cost_bench import texts

        for size in (1_000_000, 10_000_000):
            ref, hyp = texts(size)
            (tmp / "ref.txt").write_text(ref, encoding="utf-8")
            (tmp / "hyp.txt").write_text(hyp, encoding="utf-8")
            args = [str(tmp / "hyp.txt"), str(tmp / "ref.txt"), "-o", str(tmp / "r.html")]
            proc, cost = _timed([*py, "report", *args, "--json", str(tmp / "r.json")])
            yield ("8", f"vnocr report of {size // 1_000_000} MB texts", *said(proc), cost)
        for size in (1_000_000, 10_000_000) if big_runs else (1_000_000,):
            ref, _ = texts(size)
            (tmp / "in.txt").write_text(ref, encoding="utf-8")
            cmd = [*py, "correct", str(tmp / "in.txt"), "-o", str(tmp / "fixed.txt")]
            proc, cost = _timed(cmd)
            yield ("8", f"vnocr correct of {size // 1_000_000} MB", *said(proc), cost)


def item9(pages: list[bytes]) -> Iterator[Row]:
    if os.geteuid() != 0:
        yield ("9", "disk full", "-", "(not run: mounting a tmpfs needs root)", "")
    else:
        with scratch() as tmp:
            src, full = tmp / "in", tmp / "full"
            src.mkdir()
            full.mkdir()
            for i, name in enumerate(("a.png", "b.png", "c.png")):
                (src / name).write_bytes(pages[i])
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "size=32k", "tmpfs", str(full)], check=True
            )
            try:
                proc = th.vnocr("run", src, "-o", full, "-j", "1")
                sets = []
                for name in ("a", "b", "c"):
                    present = [s for s in th.FORMAT_SUFFIXES if (full / f"{name}{s}").exists()]
                    sets.append(f"{name}: {len(present)} of 4")
                temps = [p.name for p in full.rglob("*.tmp")]
                row = (
                    "9/10",
                    "disk full (tmpfs of 32 kB), 3 pages",
                    *said(proc),
                    ", ".join(sets) + f"; temp files {temps}; " + outputs_of(full),
                )
            finally:
                subprocess.run(["umount", str(full)], check=True)
            yield row
    with scratch() as tmp:
        src, out = tmp / "in", tmp / "out"
        src.mkdir()
        (src / ("s" * 250 + ".png")).write_bytes(pages[0])  # NAME.raw.txt: 258 bytes
        (src / "ok.png").write_bytes(pages[1])
        proc = th.vnocr("run", src, "-o", out, "-j", "1")
        stems = sorted(p.name[-12:] for p in out.iterdir() if p.name.startswith("sss"))
        yield (
            "9",
            "a name whose NAME.raw.txt is too long for the filesystem",
            *said(proc),
            f"files of it on disk: {stems}; " + outputs_of(out),
        )


def item10(pages: list[bytes]) -> Iterator[Row]:
    with scratch() as tmp:
        scan = tmp / "scan.png"
        scan.write_bytes(pages[0])
        for args in (
            ["-j", "-1"],
            ["--timeout", "-5"],
            ["--psm", "99"],
            ["--log-json", str(tmp)],
            ["--source", str(scan)],
            ["--dask", "tcp://127.0.0.1:9"],
        ):
            out = tmp / "o"
            proc = th.vnocr("run", scan, "-o", out, *args, timeout=120)
            shown = " ".join(a.replace(str(tmp), "DIR") for a in args)
            yield (
                "10",
                f"vnocr run scan.png {shown}",
                *said(proc),
                f"texts written: {len(list(out.glob('*.txt')))}",
            )
        env = {**os.environ, "VNOCR_DATA": str(tmp / "nonexistent")}
        proc = th.vnocr("run", scan, "-o", tmp / "o1", env=env)
        yield ("10", "VNOCR_DATA=/nonexistent", *said(proc), outputs_of(tmp / "o1"))
        blocker = tmp / "not-a-folder"
        blocker.write_text("x")
        proc = th.vnocr("run", scan, "-o", blocker)
        yield ("10", "OUTDIR is a file", *said(proc), "checked before any OCR")
        for damage in ("lm", "confusions"):
            data = tmp / f"data-{damage}" / "models"
            data.mkdir(parents=True)
            shutil.copy(ROOT / "models" / "lm.npz", data / "lm.npz")
            shutil.copy(ROOT / "models" / "confusions.json", data / "confusions.json")
            if damage == "lm":
                (data / "lm.npz").write_bytes(b"PK\x03\x04 not a model")
            else:
                (data / "confusions.json").write_text(
                    '{"format": "vnocr-confusions", "version": 1, '
                    '"tables": {"markless": {"sub": [[1]]}}}'
                )
            env = {**os.environ, "VNOCR_DATA": str(data.parent)}
            out = tmp / f"o-{damage}"
            proc = th.vnocr("run", scan, "-o", out, "-j", "2", env=env)
            yield ("10", f"corrupt models/{damage} during run", *said(proc), outputs_of(out))
        source = tmp / "doc.txt"
        source.write_text("@body\nThông báo.\n", encoding="utf-8")
        bug = (
            "import sys, pipeline.workshop.synth as s; from pipeline.cli import main; "
            "s.synthesize = lambda *a, **k: 1 / 0; raise SystemExit(main(sys.argv[1:]))"
        )
        for flags in ([], ["-v"]):
            cmd = [sys.executable, "-c", bug, *flags, "synth", str(source), "-o", str(tmp / "s")]
            proc = subprocess.run(cmd, capture_output=True, timeout=120, check=False)
            n = len(th.text(proc.stderr).strip().splitlines())
            yield (
                "10",
                f"an unexpected exception (injected) {' '.join(flags)}".strip(),
                *said(proc),
                f"{n} stderr lines; traceback: {'Traceback' in th.text(proc.stderr)}",
            )
        yield _library_row()
        yield from _pixel_limit(tmp)


def _library_row() -> Row:
    import pipeline

    try:
        pipeline.ocr_file(123)  # type: ignore[arg-type]
    except Exception as e:  # noqa: BLE001 - the row says what it was
        return (
            "10",
            "pipeline.ocr_file(123)",
            "-",
            f"{type(e).__name__}: {e}",
            f"TypeError: {isinstance(e, TypeError)}",
        )
    return ("10", "pipeline.ocr_file(123)", "-", "no error", "")


def _pixel_limit(tmp: Path) -> Iterator[Row]:
    import numpy as np
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None
    big = tmp / "big.png"
    Image.fromarray(np.full((12500, 12500), 255, np.uint8)).save(big)  # 156 Mpx
    proc = th.vnocr("run", big, "-o", tmp / "ob")
    yield ("10", "a 156 Mpx PNG: vnocr run", *said(proc), outputs_of(tmp / "ob"))
    code = (
        "import pipeline\ntry:\n    pipeline.ocr_file('big.png')\nexcept Exception as e:\n"
        "    print(type(e).__module__ + '.' + type(e).__name__ + ': ' + str(e))"
    )
    lib = subprocess.run([sys.executable, "-c", code], cwd=tmp, capture_output=True, check=False)
    yield ("10", "the same PNG: pipeline.ocr_file", "-", th.text(lib.stdout).strip()[:160], "")


def item11(pages: list[bytes]) -> Iterator[Row]:
    with scratch() as tmp:
        src, out = tmp / "in", tmp / "out"
        src.mkdir()
        for i in range(3):
            (src / f"p{i}.png").write_bytes(pages[i])
        cmd = [sys.executable, "-m", "pipeline", "run", str(src), "-o", str(out), "-j", "1"]
        first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        lock = out / ".vnocr" / "lock"
        th._wait_for(lambda: lock.exists() and lock.read_text().strip() != "", 60)
        second = th.vnocr("run", src, "-o", out, "-j", "1")
        o, e = first.communicate(timeout=600)
        yield (
            "11",
            "a second run into the same OUTDIR",
            *said(second),
            f"first run: rc {first.returncode}; " + outputs_of(out),
        )
    with scratch() as tmp:
        src, out = tmp / "in", tmp / "out"
        src.mkdir()
        (src / "a.png").write_bytes(pages[0])
        th.vnocr("run", src, "-o", out, "-j", "1")
        state = out / ".vnocr" / "state.jsonl"
        with state.open("a", encoding="utf-8") as f:
            f.write('{"name": "b.png", "ke')
        (src / "b.png").write_bytes(pages[1])
        proc = th.vnocr("run", src, "-o", out, "-j", "1")
        last = json.loads(state.read_text(encoding="utf-8").splitlines()[-1])["name"]
        yield (
            "11",
            "a torn last line in state.jsonl, then a run",
            *said(proc),
            f"last state record: {last}; " + outputs_of(out),
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, nargs="*", default=list(range(1, 12)))
    ap.add_argument("--big", action="store_true", help="vnocr correct of 10 MB too")
    args = ap.parse_args()
    pages = small_pages()
    with scratch() as tmp:
        big = full_pages(tmp / "full", 3) if {6, 7} & set(args.items) else []
        cases: dict[int, Callable[[], Iterator[Row]]] = {
            1: lambda: item1(pages),
            2: lambda: item2(pages),
            3: lambda: item3(pages),
            4: lambda: item4(pages),
            5: lambda: item5(pages),
            6: lambda: item6(pages, big),
            7: lambda: item7(big),
            8: lambda: item8(args.big),
            9: lambda: item9(pages),
            10: lambda: item10(pages),
            11: lambda: item11(pages),
        }
        print("| item | case | exit | first line | outputs |\n|---|---|---|---|---|", flush=True)
        for item in args.items:
            for row in cases[item]():  # the scratch folders' names say nothing: TMP
                line = "| " + " | ".join(row) + " |"
                line = re.sub(re.escape(tempfile.gettempdir()) + r"/[\w.-]+", "TMP", line)
                print(re.sub(r"s{20,}", "sss…", line), flush=True)  # item 9's long name


if __name__ == "__main__":
    main()
