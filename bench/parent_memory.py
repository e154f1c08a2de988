"""Does the batch parent stay flat as the folder grows? Peak RSS of the parent process.

Runs ``pipeline.run_batch`` in this process with a 2-worker pool (the workers are separate
processes, so this process's peak RSS is the parent's alone) on folders of
synthesized pages of two sizes, each in a fresh interpreter, and prints the peaks.

    python bench/parent_memory.py [--sizes 24 200]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import resource, sys
from pathlib import Path
sys.path.insert(0, {bench!r})
from batch_bench import make_pages
from pipeline.batch import BatchConfig, run_batch
src = Path({work!r}) / "in"
make_pages(src, {n})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = run_batch([src], Path({work!r}) / "out", BatchConfig(workers=2))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{n:5d} pages: done {{len(result.succeeded)}}, parent peak RSS {{after / 1024:.0f}} MB "
      f"(before the run {{before / 1024:.0f}} MB)")
"""


def main() -> int:
    """Print one line per folder size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[24, 200])
    args = parser.parse_args()
    bench = str(Path(__file__).resolve().parent)
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix="vnocr-mem-") as work:
            code = CHILD.format(bench=bench, work=work, n=n)
            subprocess.run([sys.executable, "-c", code], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
