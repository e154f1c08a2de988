"""Header and signature fields of a parsed Document scored against a page read by eye.

The annotation is ../shared/real/scanned2/NAME.fields.json: ``null`` means the page does
not show the field. A field the page shows is *right* when vnocr's value matches it (after
NFC, case folding and closing up spaces for the symbol; the subject within 3 % CER, since
it is a long run of body-sized text); a field the page does not show but vnocr filled is
*spurious* (a header taken from a body sentence on a continuation page, a doc type on a
công văn).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pipeline.document import Document
from pipeline.metrics import cer

#: the subject is a long body-sized text: OCR slips of up to this CER still count as right
SUBJECT_CER = 0.03

_VV = re.compile(r"^v/v\s*:?\s*")

#: the fields scored, in the order the benchmark prints them
FIELDS = (
    "issuer",
    "symbol",
    "place",
    "date",
    "doc_type",
    "subject",
    "on_behalf",
    "position",
    "name",
)


@dataclass(frozen=True, slots=True)
class FieldScore:
    """One page: which annotated fields were read right, which were wrong, which spurious."""

    right: tuple[str, ...]
    wrong: tuple[str, ...]
    spurious: tuple[str, ...]

    @property
    def annotated(self) -> int:
        """Fields the page shows."""
        return len(self.right) + len(self.wrong)


def norm(text: str) -> str:
    """NFC, case-folded, whitespace collapsed; the dash of the motto and of TT-BTC alike."""
    text = unicodedata.normalize("NFC", text).replace("–", "-")
    return re.sub(r"\s+", " ", text).strip().casefold()


def expected(fields: dict) -> dict[str, str | None]:
    """The annotated value of each scored field as one string (None: not on the page)."""
    sig = fields.get("signature") or None
    issuer = fields.get("issuer")
    out: dict[str, str | None] = {
        "issuer": " ".join(issuer) if issuer else None,
        "symbol": fields.get("symbol"),
        "place": fields.get("place"),
        "date": fields.get("date"),
        "doc_type": fields.get("doc_type"),
        "subject": fields.get("subject"),
        "on_behalf": " / ".join(sig["on_behalf"]) if sig else None,
        "position": sig["position"] if sig else None,
        "name": sig["name"] if sig else None,
    }
    if sig is not None and not sig["on_behalf"]:
        out["on_behalf"] = ""  # shown: the page signs with no TM./KT. line
    if issuer and fields.get("doc_type") is None:
        out["doc_type"] = ""  # a công văn prints no heading: vnocr must not invent one
    return out


def found(doc: Document) -> dict[str, str]:
    """vnocr's value of each scored field ("" when it found none)."""
    h, s = doc.header, doc.signature
    return {
        "issuer": h.issuer if h else "",
        "symbol": h.symbol if h else "",
        "place": h.place if h else "",
        "date": h.date if h else "",
        "doc_type": h.doc_type if h else "",
        "subject": h.subject if h else "",
        "on_behalf": " / ".join(s.on_behalf) if s else "",
        "position": s.position if s else "",
        "name": s.name if s else "",
    }


def matches(field: str, want: str, got: str) -> bool:
    """Whether vnocr's value ``got`` is the annotated ``want``.

    The annotation keeps a công văn's "V/v" in its subject and gives it no doc type;
    vnocr drops the "V/v" and names the type CÔNG VĂN (both are its documented output)."""
    if field == "doc_type" and not want:
        return norm(got) in ("", "công văn")
    if field == "subject":
        want, got = (_VV.sub("", norm(t)) for t in (want, got))
    if field == "symbol":
        return norm(want).replace(" ", "") == norm(got).replace(" ", "")
    if field == "subject" and want:
        return cer(norm(got), norm(want)) <= SUBJECT_CER
    return norm(want) == norm(got)


def score(doc: Document, fields: dict) -> FieldScore:
    """Score ``doc`` (one page) against its annotation."""
    want, got = expected(fields), found(doc)
    right, wrong, spurious = [], [], []
    for f in FIELDS:
        if want[f] is None:
            if got[f]:
                spurious.append(f)
        elif matches(f, want[f], got[f]):
            right.append(f)
        else:
            wrong.append(f)
    return FieldScore(tuple(right), tuple(wrong), tuple(spurious))


def handwritten(doc: Document, fields: dict) -> tuple[int, int]:
    """(right, shown): of the number and date the page shows, how many vnocr marked as
    written by hand exactly when the annotation says they were (``Header.handwritten``
    against ``symbol_number_handwritten`` and ``date_handwritten``)."""
    marked = set(doc.header.handwritten) if doc.header else set()
    right = shown = 0
    for field, key, flag in (
        ("number", "symbol", "symbol_number_handwritten"),
        ("date", "date", "date_handwritten"),
    ):
        if fields.get(key) is None:
            continue
        shown += 1
        right += bool(fields.get(flag)) == (field in marked)
    return right, shown


def hand_values(doc: Document, fields: dict) -> tuple[int, int, int]:
    """(right, wrong, unread): the values the annotation says were written by hand (the
    number; the day, the month) against vnocr's. A wrong one is worse than an unread one:
    a reader trusts a filing number that is there."""
    h = doc.header
    got: dict[str, str] = {"number": h.number if h else "", "day": "", "month": ""}
    if h and h.date:
        _, month, day = h.date.split("-")
        got["day"], got["month"] = str(int(day)), str(int(month))
    elif h and h.month:
        got["month"] = str(h.month)
    want: dict[str, str] = {}
    if fields.get("symbol_number_handwritten") and fields.get("symbol"):
        want["number"] = fields["symbol"].split("/")[0]
    if fields.get("date"):
        _, month, day = fields["date"].split("-")
        for part in fields.get("date_handwritten") or ():
            want[part] = str(int(day if part == "day" else month))
    right = sum(got[k] == v for k, v in want.items())
    unread = sum(not got[k] for k in want)
    return right, len(want) - right - unread, unread


#: lines of page furniture that must not reach NAME.txt: the receipt stamp's header and
#: fields, the VGP e-signature overlay (fuzzy for the header, patterns for the fields)
_FURNITURE_HEADER = "cổng thông tin điện tử chính phủ"
_FURNITURE_LINE = re.compile(
    r"^(giờ|gio|ngày|ngay)\s*[:.]?\s*[\d.…/ ]*$|^(đến|den)$"
    r"|^(người ký|email|cơ quan|thời gian ký)\s*:"
)


def furniture_lines(text: str) -> list[str]:
    """The lines of ``text`` that are receipt-stamp or e-signature overlay text."""
    from rapidfuzz import fuzz

    out = []
    for line in text.splitlines():
        n = norm(line)
        if n and (
            _FURNITURE_LINE.search(n)
            or (len(n) <= 36 and fuzz.ratio(_FURNITURE_HEADER, n) >= 70)  # not a recipient
        ):
            out.append(line)
    return out


def load(path: Path) -> dict:
    """A NAME.fields.json file."""
    return json.loads(path.read_text(encoding="utf-8"))
