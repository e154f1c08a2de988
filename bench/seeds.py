"""The seed splits of the synthetic benches (seal_bench, pen_bench): one convention, so a
held-out seed of one bench is held out in every other.

Tune on the tuning seeds (0-39 by default); the held-out seeds (1000-...) are measured
once, at the end of a piece of work.
"""

from __future__ import annotations

import argparse

#: First seed of each split.
SPLITS = {"tune": 0, "heldout": 1000}


def seeds(split: str, n: int) -> range:
    """The first ``n`` seeds of ``split``."""
    return range(SPLITS[split], SPLITS[split] + n)


def seed_args(description: str, show: str, argv: list[str] | None) -> argparse.Namespace:
    """``--split``, ``-n`` and ``--show`` (help text ``show``) of a seeded bench."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--split", choices=tuple(SPLITS), default="tune")
    parser.add_argument("-n", type=int, default=40, help="pages (seeds) of the split")
    parser.add_argument("--show", action="store_true", help=show)
    return parser.parse_args(argv)
