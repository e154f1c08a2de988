"""A file named by its content, hashed once per (path, size, mtime) in a process.

The resume fingerprint names every model file by content (the correction's models and
Tesseract's traineddata): a file rewritten with other bytes makes outputs out of date,
one copied or touched with the same bytes does not. The hash is kept against the file's
stat, so a process reads each version of a file once (vie and eng together: ~4 ms).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

#: What a file that cannot be read is named (the loader says why when it reads it).
MISSING = "missing"


def content_hash(path: Path) -> str:
    """The first 16 hex digits of the file's SHA-256, or :data:`MISSING`."""
    try:
        st = path.stat()
    except OSError:
        return MISSING
    return _hash(str(path), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _hash(path: str, size: int, mtime_ns: int) -> str:
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()[:16]
    except OSError:
        return MISSING
