"""vnocr: scanned Vietnamese administrative documents to correct, structured text.

Typical use::

    import pipeline
    doc = pipeline.ocr_file("scan.pdf")      # Document: pages -> lines -> words
    print(doc.text)
    for word in doc.words:
        print(word.text, word.box, word.conf)
"""

from __future__ import annotations

__version__ = "0.1.0"

from pipeline.batch import BatchConfig, BatchResult, FileResult, Job, find_jobs, run_batch
from pipeline.document import (
    Box,
    Correction,
    Document,
    Line,
    Page,
    Section,
    Step,
    Word,
)
from pipeline.errors import (
    ExitCode,
    InputFileError,
    MissingDependencyError,
    ModelFormatError,
    OcrEngineError,
    OcrTimeoutError,
    OutputError,
    VnocrError,
)
from pipeline.io import PageImage, load_pages, write_atomic
from pipeline.ocr import OcrConfig, OcrEngine, TesseractEngine, check_tesseract
from pipeline.process import PipelineConfig, ocr_file

__all__ = [
    "BatchConfig",
    "BatchResult",
    "Box",
    "Correction",
    "Document",
    "ExitCode",
    "FileResult",
    "InputFileError",
    "Job",
    "Line",
    "MissingDependencyError",
    "ModelFormatError",
    "OcrConfig",
    "OcrEngine",
    "OcrEngineError",
    "OcrTimeoutError",
    "OutputError",
    "Page",
    "PageImage",
    "PipelineConfig",
    "Section",
    "Step",
    "TesseractEngine",
    "VnocrError",
    "Word",
    "__version__",
    "check_tesseract",
    "find_jobs",
    "load_pages",
    "ocr_file",
    "run_batch",
    "write_atomic",
]
