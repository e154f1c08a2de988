"""``PR_SET_PDEATHSIG``: a process asks Linux to signal it when its parent dies.

Kept apart so that a worker process can set it first thing, before OpenCV and the rest load.
"""

from __future__ import annotations

import ctypes

PR_SET_PDEATHSIG = 1


def set_death_signal(signum: int) -> bool:
    """Send ``signum`` to this process when its parent dies (False where unsupported)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False
