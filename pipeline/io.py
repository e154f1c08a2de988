"""Reading scans (PNG, JPEG, TIFF, PDF) into page images, and writing outputs atomically.

Files are recognised by their first bytes, not their extension, so a text file named
``.png`` gets a clear message instead of a decoder traceback. Pages are yielded one at a
time: a 300-page PDF never sits in memory whole. Every error names the file and the page.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import tempfile
import threading
import warnings
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageSequence

from pipeline.errors import InputFileError, output_error

#: Extensions found when a folder is searched for scans.
SCAN_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf", ".bmp", ".webp"})
#: Resolution PDF pages are rendered at, and assumed for images that carry no DPI.
PDF_DPI = 300
#: Smaller images hold no readable line of text.
MIN_SIDE = 32
#: Larger images are refused before decoding: 150 Mpx is an A0 sheet at 300 dpi.
MAX_PIXELS = 150_000_000

_UMASK = os.umask(0o022)
os.umask(_UMASK)

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
)


@dataclass(frozen=True, slots=True)
class PageImage:
    """One page's pixels (uint8, gray HxW or RGB HxWx3, read-only) and where it came from."""

    source: str
    index: int
    dpi: int | None
    pixels: np.ndarray

    def __post_init__(self) -> None:
        self.pixels.setflags(write=False)

    @property
    def label(self) -> str:
        """``file page N`` (1-based), for messages."""
        return f"{self.source} page {self.index + 1}"


def read_bytes(path: Path, label: str, limit: int = -1) -> bytes:
    """The file's bytes (at most ``limit``), or InputFileError naming ``label`` and why not."""
    try:
        with path.open("rb") as f:
            return f.read(limit)
    except IsADirectoryError as e:
        raise InputFileError(f"{label}: is a folder, not a file") from e
    except FileNotFoundError as e:
        raise InputFileError(f"{label}: no such file") from e
    except PermissionError as e:
        raise InputFileError(f"{label}: permission denied") from e
    except OSError as e:
        raise InputFileError(f"{label}: cannot read ({e.strerror or e})") from e


def sniff(path: Path, name: str | None = None) -> str:
    """Return the file's format (PNG, JPEG, TIFF, BMP, WEBP, PDF) from its first bytes.

    ``name`` is how the file is called in error messages (default: the path).
    """
    label = name or str(path)
    head = read_bytes(path, label, 1024)
    if not head:
        raise InputFileError(f"{label}: empty file (0 bytes)")
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if b"%PDF-" in head:
        return "PDF"
    preview = head[:32].decode("utf-8", errors="replace").split("\n")[0].strip()
    preview = "".join(ch if ch.isprintable() else "?" for ch in preview)
    raise InputFileError(f"{label}: not a PNG, JPEG, TIFF or PDF file (it starts with '{preview}')")


def load_pages(
    path: Path | str, name: str | None = None, pages: Collection[int] | None = None
) -> Iterator[PageImage]:
    """Yield the pages of a scan file, one at a time.

    ``name`` is how the file is called in messages and outputs (default: the file name),
    so that absolute paths of the machine never end up in a Document. ``pages`` (0-based
    indices) limits which pages are decoded, so a worker can take one page of a long PDF.
    """
    path = Path(path)
    source = name or path.name
    kind = sniff(path, source)
    if kind == "PDF":
        decoded = _pdf_pages(path, source, pages)
    else:
        decoded = _image_pages(path, source, kind, pages)
    while True:
        with _decoding(source, kind):
            page = next(decoded, None)
        if page is None:
            return
        yield page


@contextlib.contextmanager
def _decoding(source: str, kind: str) -> Iterator[None]:
    """Any exception a decoder raises on a malformed file becomes an InputFileError.

    Pillow and pdfium raise ValueError, TypeError, struct.error, IndexError ... on
    crafted headers (a short IHDR, a fuzzed TIFF directory); the cause is kept in the
    message. Our own errors and MemoryError pass through.
    """
    try:
        yield
    except (InputFileError, MemoryError, KeyboardInterrupt):
        raise
    except Exception as e:  # noqa: BLE001 - a decoder's bug is the file's failure
        raise InputFileError(
            f"{source}: cannot decode {kind} file ({type(e).__name__}: {e})"
        ) from e


def load_page(path: Path | str, index: int, name: str | None = None) -> PageImage:
    """One page (0-based) of a scan file; InputFileError when the file has no such page."""
    for page in load_pages(path, name, (index,)):
        return page
    raise InputFileError(f"{name or Path(path).name}: has no page {index + 1}")


def count_pages(path: Path | str, name: str | None = None) -> int:
    """Number of pages in a scan file, without decoding the pixels.

    ``name`` is how the file is called in error messages (default: the file name)."""
    path = Path(path)
    name = name or path.name
    kind = sniff(path, name)
    with _decoding(name, kind):
        if kind == "PDF":
            pdf = _open_pdf(path, name)
            try:
                return len(pdf)
            finally:
                pdf.close()
        with _open_image(path, name, kind) as im:
            return int(getattr(im, "n_frames", 1))


def _open_image(path: Path, source: str, kind: str) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # one limit for the batch, ocr_file and planning
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise InputFileError(f"{source}: image too large to decode safely ({e})") from e
    except OSError as e:
        cause = str(e).replace(f"'{path}'", "").replace(str(path), source).strip()
        raise InputFileError(f"{source}: cannot decode {kind} image ({cause})") from e
    return im


def _image_pages(
    path: Path, source: str, kind: str, pages: Collection[int] | None
) -> Iterator[PageImage]:
    with _open_image(path, source, kind) as im:
        for index, frame in enumerate(ImageSequence.Iterator(im)):
            if pages is not None and index not in pages:
                continue
            label = f"{source} page {index + 1}"
            w, h = frame.size
            if w * h > MAX_PIXELS:
                raise InputFileError(
                    f"{label}: image too large ({w}×{h} px = {w * h / 1e6:.0f} Mpx; "
                    f"limit {MAX_PIXELS / 1e6:.0f} Mpx)"
                )
            if min(w, h) < MIN_SIDE:
                raise InputFileError(
                    f"{label}: image too small ({w}×{h} px; a page needs at least "
                    f"{MIN_SIDE} px each side)"
                )
            try:
                pixels = _to_array(frame)
            except (OSError, ValueError, SyntaxError) as e:
                raise InputFileError(f"{label}: truncated or corrupt {kind} image ({e})") from e
            yield PageImage(source, index, _dpi(frame), pixels)


def _dpi(im: Image.Image) -> int | None:
    """The resolution stored in the file, when it is plausible for a scan."""
    dpi = im.info.get("dpi")
    if not dpi:
        return None
    try:
        value = round(float(dpi[0]))
    except (TypeError, ValueError, IndexError):
        return None
    return value if 50 <= value <= 2400 else None


def _to_array(im: Image.Image) -> np.ndarray:
    """Decode to uint8 gray or RGB; alpha is flattened onto white paper."""
    im.load()
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(paper, rgba).convert("RGB")
    elif im.mode in ("1", "L"):
        im = im.convert("L")
    elif im.mode.startswith("I"):
        arr = np.asarray(im, dtype=np.float64)
        top = arr.max() or 1.0
        return np.ascontiguousarray((arr * (255.0 / top)).astype(np.uint8))
    else:
        im = im.convert("RGB")
    arr = np.asarray(im, dtype=np.uint8)
    if arr.ndim == 3 and _is_gray(arr):
        arr = arr[:, :, 0]
    return np.ascontiguousarray(arr)


def _is_gray(rgb: np.ndarray) -> bool:
    """True when an RGB page has no colour (a gray scan saved as RGB)."""
    sample = rgb[::7, ::7].astype(np.int16)
    return bool(
        np.abs(sample[:, :, 0] - sample[:, :, 1]).max() <= 2
        and np.abs(sample[:, :, 1] - sample[:, :, 2]).max() <= 2
    )


def _open_pdf(path: Path, source: str):  # noqa: ANN202 - pypdfium2 types stay inside io.py
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        raise InputFileError(f"{source}: {_pdf_failure(path)}") from e
    if len(pdf) == 0:
        pdf.close()
        raise InputFileError(f"{source}: PDF has no pages")
    return pdf


def _pdf_failure(path: Path) -> str:
    """Why pdfium refused a file, read from the file itself.

    pdfium's error code is process-global and is not reset by every failure (a PDF with an
    empty page tree fails with "Success", or with the previous file's error), so the cause
    is taken from the bytes instead.
    """
    data = path.read_bytes()
    if b"/Encrypt" in data:
        return "PDF is encrypted (password required); decrypt it first, e.g. qpdf --decrypt"
    if re.search(rb"/Count\s+0\b", data) and not re.search(rb"/Type\s*/Page\b", data):
        return "PDF has no pages"
    return "cannot open PDF: damaged or not a PDF"


def _pdf_pages(path: Path, source: str, pages: Collection[int] | None) -> Iterator[PageImage]:
    pdf = _open_pdf(path, source)
    try:
        for index in range(len(pdf)):
            if pages is not None and index not in pages:
                continue
            label = f"{source} page {index + 1}"
            try:
                page = pdf[index]
                w_pt, h_pt = page.get_size()
                scale = PDF_DPI / 72.0
                if w_pt * h_pt * scale * scale > MAX_PIXELS:
                    scale = (MAX_PIXELS / (w_pt * h_pt)) ** 0.5
                bitmap = page.render(scale=scale, grayscale=False)
                im = bitmap.to_pil()
                page.close()
            except Exception as e:  # pdfium raises plain errors for broken page trees
                raise InputFileError(f"{label}: cannot render PDF page ({e})") from e
            yield PageImage(source, index, round(72 * scale), _to_array(im))
    finally:
        pdf.close()


def write_atomic(path: Path | str, data: str | bytes) -> None:
    """Write a file so readers see the old file or the whole new one, never a part.

    The data goes to a temporary file in the same folder, is flushed to disk, then renamed
    over the target; a run killed at any moment leaves no half-written output.
    """
    write_all_atomic([(Path(path), data)])


#: What an output file holds: text (UTF-8), bytes, or a function that writes it into the
#: file it is given (a report too long to hold in memory).
Content = str | bytes | Callable[[BinaryIO], None]


def write_all_atomic(items: Sequence[tuple[Path, Content]]) -> None:
    """Write several files as one set: every one goes to a temporary file first, and they
    are renamed into place only when all of them were written (disk full, a name the
    filesystem refuses: then no file of the set is replaced and the temporaries go)."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in items:
            temps.append((_write_temp(Path(path), data), Path(path)))
        with _renaming():
            for tmp, path in temps:
                try:
                    os.replace(tmp, path)
                except OSError as e:
                    raise output_error(f"{path}: cannot write output", e) from e
    finally:
        for tmp, _ in temps:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


#: Held while a set of outputs is renamed into place: a worker being stopped waits for it.
RENAMING = threading.Lock()
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def _renaming() -> Iterator[None]:
    """No Ctrl-C or SIGTERM between two renames of one set (signals wait, then act)."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        with RENAMING:
            yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _write_temp(path: Path, data: Content) -> str:
    """The data in a flushed temporary file beside ``path``; its name."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:200]}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise output_error(f"{path}: cannot create output", e) from e
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary files
        with os.fdopen(fd, "wb") as f:
            if callable(data):
                data(f)
            else:
                f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException as e:  # a writer's own error too: no temporary is left behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise output_error(f"{path}: cannot write output", e) from e
        raise
    return tmp
