"""OCR'd lines written as text, for tests of what comes after OCR: "text@conf | text@conf"
gives a Line of those words side by side (20 px a character, 15 px apart, 40 px tall),
the shape in which the tests copy down what Tesseract read on a real scan."""

from __future__ import annotations

from pipeline.document import Box, Line, Word


def ocr_line(spec: str, top: int = 200) -> Line:
    """A line of OCR'd words from "text@conf | text@conf", its top at ``top``."""
    words, x = [], 100
    for item in spec.split(" | "):
        text, conf = item.rsplit("@", 1)
        words.append(Word(text, Box(x, top, x + 20 * len(text), top + 40), float(conf)))
        x += 20 * len(text) + 15
    return Line(tuple(words), Box(100, top, x, top + 40))
