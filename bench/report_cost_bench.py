"""Cost of ``vnocr report`` on long texts: seconds and peak memory against text size.

The texts are built here: the correct texts of samples/ (``*.gt.txt``) joined and repeated
up to each size (so the long ones repeat themselves, the hard case for anchoring), and a
"hypothesis" damaged with a seeded generator the way OCR damages text (a syllable's marks
stripped, a letter misread, a word lost or split), about 1 in 25 syllables. Each run is
``vnocr report HYP REF -o R.html --json R.json`` in a fresh process under
``/usr/bin/time -v`` (its "Maximum resident set size" is the peak printed; without
/usr/bin/time the interpreter's own ru_maxrss). With ``--before PATH`` (a checkout of the
code to compare with), that code runs the same command, alternating with this checkout,
in the same run; sizes above ``--before-max`` are not run with it. The CER and WER of
both are printed: on this damage they should agree (the old code aligned the whole text
at once, the streamed one window by window).

Measured side by side in one run of this script (--before: main at 4d3fcea, which held
the whole texts; after: the streamed report), on the loaded 2-core machine (load 13-15),
so the wall times are inflated by the load and the CPU seconds (user + system) are the
figure to compare:

    size     before: CPU, peak, wall        after: CPU, peak, wall
    1 MB      1.94 s,  171 MB,  11.7 s       2.24 s, 103 MB,  15.9 s
    10 MB    17.31 s, 1301 MB, 133.9 s      23.91 s, 114 MB,  83.3 s
    30 MB    (not run)                      70.74 s, 121 MB, 612.7 s

CER and WER identical at both sizes (0.013362/0.039237 and 0.013341/0.039781); at 30 MB
0.013332/0.039652. The streamed report does a fifth to two fifths more work (each text is
read twice, once per alignment, and an eighth of every window is aligned again) for a
flat memory.

    .venv/bin/python bench/report_cost_bench.py [--sizes 100000 1000000 10000000]
        [--before ../main-copy] [--before-max 1000000] [--char-noise 0.02]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.vietnamese import strip_marks  # noqa: E402

CHILD = (
    "import resource, sys; from pipeline.report import main; code = main(sys.argv[1:]); "
    "print('peak_mb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024); "
    "sys.exit(code)"
)


def texts(size: int, seed: int = 0, char_noise: float = 0.0) -> tuple[str, str]:
    """A reference of ``size`` characters and its damaged reading (with ``char_noise``,
    also that share of all characters replaced at random: many more, scattered edits)."""
    base = "\n".join(p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("samples/*.gt.txt")))
    ref = (base * (size // len(base) + 1))[:size]
    rng = random.Random(seed)
    out = []
    for word in ref.split(" "):
        r = rng.random()
        if r < 0.015:
            out.append(strip_marks(word))
        elif r < 0.025 and len(word) > 1:
            k = rng.randrange(len(word))
            out.append(word[:k] + rng.choice("iloc") + word[k + 1 :])
        elif r < 0.032:
            continue
        elif r < 0.04 and len(word) > 2:
            out.append(word[:2] + " " + word[2:])
        else:
            out.append(word)
    hyp = " ".join(out)
    if char_noise:
        hyp = "".join(rng.choice("ax ") if rng.random() < char_noise else c for c in hyp)
    return ref, hyp


TIME = shutil.which("time", path="/usr/bin")


def run(code_root: Path, hyp: Path, ref: Path, out: Path) -> tuple[float, float, float, dict]:
    """(wall seconds, CPU seconds (user + system; wall again without /usr/bin/time), peak
    MB, figures) of one report."""
    env = {**os.environ, "PYTHONPATH": str(code_root)}
    cmd = [sys.executable, "-c", CHILD, str(hyp), str(ref), "-o", str(out / "r.html")]
    cmd += ["--json", str(out / "r.json")]
    if TIME:
        cmd = [TIME, "-v", *cmd]
    t0 = time.perf_counter()
    # cwd: the work folder, so that "-c" (which puts the current folder first on sys.path)
    # cannot import this checkout's pipeline in place of code_root's
    proc = subprocess.run(cmd, env=env, cwd=out, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{code_root}: exit {proc.returncode}: {proc.stderr[-2000:]}")
    peak, cpu = float(proc.stdout.split("peak_mb")[-1]), seconds
    times = {}
    for line in proc.stderr.splitlines():  # /usr/bin/time -v: the whole process's figures
        key, _, value = line.strip().rpartition(": ")
        times[key] = value
    if "Maximum resident set size (kbytes)" in times:
        peak = int(times["Maximum resident set size (kbytes)"]) / 1024
        cpu = float(times["User time (seconds)"]) + float(times["System time (seconds)"])
    figures = json.loads((out / "r.json").read_text(encoding="utf-8"))["corrected"]
    return seconds, cpu, peak, {k: figures[k] for k in ("cer", "wer")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    ap.add_argument("--before", type=Path, help="a checkout of the code to compare with")
    ap.add_argument("--before-max", type=int, default=1_000_000)
    ap.add_argument("--char-noise", type=float, default=0.0, help="e.g. 0.02 (default 0)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for size in args.sizes:
            ref_text, hyp_text = texts(size, char_noise=args.char_noise)
            ref, hyp = work / "ref.txt", work / "hyp.txt"
            ref.write_text(ref_text, encoding="utf-8")
            hyp.write_text(hyp_text, encoding="utf-8")
            sides = [("after", ROOT)]
            if args.before and size <= args.before_max:
                sides.insert(0, ("before", args.before))
            for name, root in sides:
                seconds, cpu, peak, figures = run(root, hyp, ref, work)
                print(
                    f"{size:>10,} chars  {name:6}  {seconds:8.2f} s (CPU {cpu:7.2f} s)  "
                    f"peak {peak:7.0f} MB  "
                    f"CER {figures['cer']:.6f}  WER {figures['wer']:.6f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
