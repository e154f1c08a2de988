"""Loading real files, and the clear errors for the bad ones users bring."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.errors import InputFileError, OutputError
from pipeline.io import count_pages, load_pages, sniff, write_atomic


def _page(tmp_path: Path, name: str, size=(400, 300), mode="L", **save) -> Path:
    im = Image.new(mode, size, 255 if mode in ("L", "1") else (255, 255, 255))
    path = tmp_path / name
    im.save(path, **save)
    return path


@pytest.mark.parametrize("name", ["a.png", "a.jpg", "a.tif", "a.bmp"])
def test_single_images_load_as_gray_with_dpi(tmp_path: Path, name: str) -> None:
    path = _page(tmp_path, name, dpi=(200, 200))
    pages = list(load_pages(path))
    assert len(pages) == 1
    page = pages[0]
    assert page.pixels.shape == (300, 400) and page.pixels.dtype == np.uint8
    assert page.dpi == 200 and page.source == name and page.index == 0
    assert not page.pixels.flags.writeable


def test_colour_kept_and_alpha_flattened_on_white(tmp_path: Path) -> None:
    rgba = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    rgba.paste((200, 0, 0, 255), (8, 8, 40, 40))
    path = tmp_path / "seal.png"
    rgba.save(path)
    (page,) = load_pages(path)
    assert page.pixels.shape == (64, 64, 3)
    assert tuple(page.pixels[0, 0]) == (255, 255, 255)
    assert tuple(page.pixels[20, 20]) == (200, 0, 0)


def test_multipage_tiff_yields_every_page(tmp_path: Path) -> None:
    frames = [Image.new("L", (100, 80), v) for v in (10, 120, 250)]
    path = tmp_path / "multi.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    pages = list(load_pages(path))
    assert [p.index for p in pages] == [0, 1, 2]
    assert [int(p.pixels[0, 0]) for p in pages] == [10, 120, 250]
    assert count_pages(path) == 3


def test_pdf_pages_render_at_300_dpi(tmp_path: Path) -> None:
    a4 = [Image.new("RGB", (827, 1169), "white") for _ in range(2)]  # A4 at 100 dpi
    path = tmp_path / "doc.pdf"
    a4[0].save(path, save_all=True, append_images=a4[1:], resolution=100)
    pages = list(load_pages(path))
    assert len(pages) == 2 and count_pages(path) == 2
    assert pages[0].dpi == 300
    h, w = pages[0].pixels.shape[:2]
    assert abs(w - 2481) <= 3 and abs(h - 3507) <= 3


def test_extension_does_not_matter_content_does(tmp_path: Path) -> None:
    path = _page(tmp_path, "really-a-jpeg.png", format="JPEG")
    assert sniff(path) == "JPEG"
    assert len(list(load_pages(path))) == 1


@pytest.mark.parametrize(
    ("name", "content", "cause"),
    [
        ("empty.png", b"", "empty file"),
        ("notes.png", "Kế hoạch số 164\n".encode(), "not a PNG, JPEG, TIFF or PDF"),
        ("fake.pdf", b"%PDF-1.4\n garbage", "cannot open PDF"),
    ],
)
def test_bad_files_name_file_and_cause(tmp_path: Path, name: str, content: bytes, cause: str):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=cause) as err:
        list(load_pages(path))
    assert name in str(err.value)


def test_truncated_image(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    full = _page(tmp_path, "full.png")
    Image.fromarray(rng.integers(0, 255, (300, 400), dtype=np.uint8)).save(full)
    data = full.read_bytes()
    cut = tmp_path / "cut.png"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError, match=r"cut\.png.*(truncated|corrupt|decode)"):
        list(load_pages(cut))


def test_tiny_image_refused(tmp_path: Path) -> None:
    path = _page(tmp_path, "dot.png", size=(1, 1))
    with pytest.raises(InputFileError, match=r"dot\.png page 1: image too small \(1×1"):
        list(load_pages(path))


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a size, with no pixel data: tests refusal before decoding."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    idat = b"IDAT" + zlib.compress(b"\x00" * 16)
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        + struct.pack(">I", len(idat) - 4)
        + idat
        + struct.pack(">I", zlib.crc32(idat))
        + b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )


def test_huge_image_refused_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    path.write_bytes(_png_header_only(40000, 40000))
    with pytest.raises(InputFileError, match=r"huge\.png.*too large"):
        list(load_pages(path))


def test_encrypted_pdf_refused(tmp_path: Path) -> None:
    pdfium = pytest.importorskip("pypdfium2.raw")
    del pdfium
    path = tmp_path / "secret.pdf"
    path.write_bytes(_encrypted_pdf())
    with pytest.raises(InputFileError, match=r"secret\.pdf: (PDF is encrypted|cannot open)"):
        list(load_pages(path))


def test_zero_page_pdf_refused(tmp_path: Path) -> None:
    path = tmp_path / "none.pdf"
    path.write_bytes(
        _pdf(objects=["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"])
    )
    with pytest.raises(InputFileError, match=r"none\.pdf: PDF has no pages"):
        list(load_pages(path))


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        list(load_pages(tmp_path / "gone.png"))
    with pytest.raises(InputFileError, match="is a folder"):
        list(load_pages(tmp_path))


def test_write_atomic_replaces_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out" / "a.txt"
    write_atomic(target, "cũ")
    write_atomic(target, "mới\n")
    assert target.read_text(encoding="utf-8") == "mới\n"
    assert os.listdir(target.parent) == ["a.txt"]
    assert target.stat().st_mode & 0o644 == 0o644  # readable like any file, not 0600


def test_write_atomic_to_read_only_folder_raises_output_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        blocker = tmp_path / "file"
        blocker.write_text("x")
        target = blocker / "a.txt"  # parent is a file: cannot create
    else:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        target = ro / "a.txt"
    with pytest.raises(OutputError, match="a.txt"):
        write_atomic(target, "x")


def _pdf(objects: list[str], trailer_extra: str = "") -> bytes:
    """A minimal PDF with a correct xref table, built from object bodies."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {trailer_extra}>>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def _encrypted_pdf() -> bytes:
    """A one-page PDF with a standard security handler whose user password is not empty."""
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        "<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 "
        "/O <" + "11" * 32 + "> /U <" + "22" * 32 + "> >>",
    ]
    return _pdf(objects, "/Encrypt 4 0 R /ID [<" + "33" * 16 + "> <" + "33" * 16 + ">] ")
