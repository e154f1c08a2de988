"""The header of an administrative document: who issued it, its number, date, type, subject.

Nghị định 30/2020/NĐ-CP (state) and Hướng dẫn 36-HD/VPTW (Party) fix the layout: issuing
body (under its parent body) on the left with the number; the motto and the place and date
on the right; then the document type and its subject, centred. OCR reads the two columns
into one line; the parser splits them by boxes upstream (see lines.py) or by patterns here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pipeline.document import Header
from pipeline.structure.handwritten import BLANK
from pipeline.structure.lines import SrcLine, fold, is_upper
from pipeline.structure.numbering import read_line

#: Document types as printed in the title line, longest first so "THÔNG TƯ LIÊN TỊCH" wins.
DOC_TYPES = tuple(
    sorted(
        (
            "KẾ HOẠCH",
            "CHỈ THỊ",
            "QUYẾT ĐỊNH",
            "NGHỊ ĐỊNH",
            "THÔNG TƯ",
            "THÔNG TƯ LIÊN TỊCH",
            "NGHỊ QUYẾT",
            "NGHỊ QUYẾT LIÊN TỊCH",
            "CÔNG VĂN",
            "THÔNG BÁO",
            "BÁO CÁO",
            "HƯỚNG DẪN",
            "TỜ TRÌNH",
            "CHƯƠNG TRÌNH",
            "QUY ĐỊNH",
            "QUY CHẾ",
            "LUẬT",
            "PHÁP LỆNH",
            "LỆNH",
            "KẾT LUẬN",
            "ĐỀ ÁN",
            "CÔNG ĐIỆN",
            "GIẤY MỜI",
            "BIÊN BẢN",
            "ĐIỀU LỆ",
            "PHƯƠNG ÁN",
            "THÔNG CÁO",
            "QUYẾT ĐỊNH LIÊN TỊCH",
            "CHỈ THỊ LIÊN TỊCH",
            "KẾ HOẠCH LIÊN TỊCH",
        ),
        key=len,
        reverse=True,
    )
)

#: Type codes in a ký hiệu ("QĐ" in 15/2024/QĐ-UBND) and the type they stand for.
TYPE_CODES = {
    "KH": "KẾ HOẠCH",
    "QĐ": "QUYẾT ĐỊNH",
    "CT": "CHỈ THỊ",
    "NĐ": "NGHỊ ĐỊNH",
    "TT": "THÔNG TƯ",
    "NQ": "NGHỊ QUYẾT",
    "TB": "THÔNG BÁO",
    "BC": "BÁO CÁO",
    "HD": "HƯỚNG DẪN",
    "TTr": "TỜ TRÌNH",
    "CTr": "CHƯƠNG TRÌNH",
    "QC": "QUY CHẾ",
    "QyĐ": "QUY ĐỊNH",
    "QyC": "QUY CHẾ",
    "KL": "KẾT LUẬN",
    "ĐA": "ĐỀ ÁN",
    "CĐ": "CÔNG ĐIỆN",
    "GM": "GIẤY MỜI",
    "BB": "BIÊN BẢN",
    "TTLT": "THÔNG TƯ LIÊN TỊCH",
    "NQLT": "NGHỊ QUYẾT LIÊN TỊCH",
    "L": "LUẬT",
    "PL": "PHÁP LỆNH",
    "CV": "CÔNG VĂN",
    "PA": "PHƯƠNG ÁN",
}

_LEVELS = ("TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN", "THỊ XÃ", "XÃ", "PHƯỜNG", "THỊ TRẤN", "TP")
_GENERIC_BODIES = ("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "UBND", "HĐND")
_AUTHORITY_STARTS = (
    "bo truong",
    "thu tuong",
    "uy ban",
    "chinh phu",
    "hoi dong",
    "chu tich",
    "giam doc",
    "ban thuong vu",
    "ban chap hanh",
    "quoc hoi",
    "tong",
    "thong doc",
    "chanh an",
    "vien truong",
    "ban chi dao",
    "ban bi thu",
    "bo chinh tri",
)
_BODY_STARTS = (
    "can cu",
    "thuc hien",
    "theo de nghi",
    "xet ",
    "kinh gui",
    "nham ",
    "de ",
    "trong ",
    "nam 2",
    "tren co so",
    "thi hanh",
    "ngay ",
)
#: A blank's marks (:data:`.handwritten.BLANK`), escaped for a character class.
_BLANK_MARKS = re.escape(BLANK)
#: Used with ``match`` only: ``pre`` takes the start of the line, so ``search`` would find
#: the same matches but retry ``.*?`` from every position of a line without one (a
#: 20 kB line: 100 s; ``match``: 0.02 s for 72 kB).
_DATE = re.compile(  # day and month may be left blank, or written by hand (read as junk)
    rf"(?P<pre>.*?)[,.]?\s*ngay\s*(?P<d>[0-9ol]{{1,2}}|[{_BLANK_MARKS} ]*?|\S{{1,4}}?)\s*"
    rf"thang\s*(?P<m>[0-9ol]{{1,2}}|[{_BLANK_MARKS} ]*?|\S{{1,4}}?)\s*"
    r"nam\s*(?P<y>[0-9ol]{4})"
)
#: A date alone on a line of the V/v subject: a cited text's date wrapped on to it (not a
#: speck, which ends the subject).
_SUBJECT_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}[.,;)]?$")
#: The place before ", ngày" on the date line: a short name, no digits (a body sentence
#: ending in "... ngày 01 tháng 02 năm 2015" is not a date line).
_PLACE = re.compile(r"^[^\d]{0,40}$")


def _place_like(seg: str, pre_len: int) -> bool:
    """Whether the text before ", ngày" is a place name: nothing, or up to six words, no
    digits, starting with a capital (not the end of a body sentence)."""
    pre = _LEAD_JUNK.sub("", seg[:pre_len]).strip(" ,.")
    return not pre or (bool(_PLACE.match(pre)) and pre[:1].isupper() and len(pre.split()) <= 6)


#: The "Số:" label and a symbol, which starts with a figure (or one OCR reads for it), its
#: "/" or the blank left for the number.
_NUMBER = re.compile(rf"^(?:[a-z]+\s+){{0,3}}?so\b\s*[:.]?\s*(?P<sym>[0-9ol/{_BLANK_MARKS}].*)$")
#: The "Số:" label with a number OCR could not read (handwriting read as "(555", "#3 _")
#: before the printed "/BTC-PTHT": the printed part is the symbol's.
_NUMBER_UNREAD = re.compile(
    r"^so\s*[:.]\s*(?P<junk>[^/\s]{0,8}(?:\s+[^/\s]{1,4})?)\s*(?P<sym>/\S+)"
)
#: The start of a "Số:" line, whatever follows.
_NUMBER_LABEL = re.compile(r"^so\s*[:.]")
#: Leading specks before a header line ("__. Số:261/...", "„ CÔNG ...").
_LEAD_JUNK = re.compile(r"^[\W_]+(?=\w)")
_SYMBOL = re.compile(r"[0-9A-Za-zĐđ/.\-]+(?:\s?[-/]\s?[0-9A-Za-zĐđ/.\-]+)*")
#: The blank printed where a number is to be written in ("Luật số: … /2025/QH15", "Số: __/").
_BLANK = re.compile(rf"^[{_BLANK_MARKS}]+\s*(?=/)")
_SEPARATOR = re.compile(r"^[\s*\-_–—=.~]+$")


@dataclass(frozen=True, slots=True)
class HeaderResult:
    """The header and the index of the first line after it (where the body starts)."""

    header: Header
    body_start: int
    #: where the number and date were read: field ("number", "date") -> (page, line)
    found_at: tuple[tuple[str, int, int], ...] = ()


def parse_header(lines: list[SrcLine]) -> HeaderResult:
    """Read the header from the top of ``lines``; missing parts stay empty."""
    title_at = _find_title(lines)
    zone_end = title_at if title_at is not None else _zone_end(lines)
    fields: dict[str, object] = {}
    issuers: list[str] = []
    subject_parts: list[str] = []
    in_vv = False
    found_at: list[tuple[str, int, int]] = []
    for src in lines[:zone_end]:
        for seg in split_columns(src.text):
            kind = _classify(seg, fields, issuers, subject_parts, in_vv)
            in_vv = kind == "vv" or (in_vv and kind == "other" and not is_upper(seg))
            if kind in ("number", "date"):
                found_at.append((kind, src.page, src.line))
    doc_type, subject, authority, body_start = "", "", "", zone_end
    if title_at is not None:
        doc_type, subject, authority, body_start = _title(lines, title_at, issuers)
    elif subject_parts:
        subject = " ".join(subject_parts)
    parent, issuer = _issuers(issuers)
    symbol = str(fields.get("symbol", ""))
    number, year, type_code, issuer_code = parse_symbol(symbol)
    date = str(fields.get("date", ""))
    if year is None and str(fields.get("date_year", "")).isdigit():
        year = int(str(fields["date_year"]))
    if not doc_type:
        doc_type = TYPE_CODES.get(type_code, "")
    if not doc_type and (subject_parts or (symbol and not type_code)):
        doc_type = "CÔNG VĂN"
    header = Header(
        issuer=issuer,
        parent_issuer=parent,
        motto=str(fields.get("motto", "")),
        symbol=symbol,
        number=number,
        year=year,
        type_code=type_code,
        issuer_code=issuer_code,
        place=str(fields.get("place", "")),
        date=date,
        doc_type=doc_type,
        subject=subject,
        authority=authority,
        unreadable=tuple(fields.get("unreadable", ())),  # type: ignore[arg-type]
        month=None if date else fields.get("date_month"),  # type: ignore[arg-type]
    )
    return HeaderResult(header, body_start, tuple(found_at))


def split_columns(text: str) -> list[str]:
    """Cut a line where a right-column item (motto, place and date) starts after left text."""
    folded = fold(text)
    cuts: list[int] = []
    for key in ("cong hoa xa hoi chu nghia", "dang cong san viet nam", "doc lap"):
        at = folded.find(key)
        if at > 0:
            cuts.append(at)
    vv = re.search(r"\sv/v\b", folded)
    if vv:
        cuts.append(vv.start() + 1)
    m = re.search(r",\s*ngay\s*\S*\s*thang", folded)
    if m:
        place_at = _place_start(text, m.start())
        if place_at > 0:
            cuts.append(place_at)
    if not cuts:
        return [text]
    at = min(cuts)
    left, right = text[:at].strip(), text[at:].strip()
    return [p for p in (left, *split_columns(right)) if p] if left else [right]


def _place_start(text: str, comma: int) -> int:
    """Where the place name before ", ngày" starts: the run of Capitalised words."""
    words = list(re.finditer(r"\S+", text[:comma]))
    start = comma
    for k in range(len(words) - 1, -1, -1):
        tok = words[k].group()
        prev = words[k - 1].group() if k else ""
        if tok[:1].isupper() and not is_upper(tok) and tok.replace(".", "").isalpha():
            start = words[k].start()
        elif fold(f"{prev} {tok}") in ("thanh pho", "thi xa", "thi tran") and prev[:1].isupper():
            start = words[k - 1].start()  # "Thành phố Hồ Chí Minh, ngày ..."
        else:
            break
    return start if start < comma else -1


def _classify(
    seg: str, fields: dict[str, object], issuers: list[str], subject: list[str], in_vv: bool
) -> str:
    seg = _LEAD_JUNK.sub("", seg)
    folded = fold(seg).strip()
    if not folded or _SEPARATOR.match(seg):
        return "sep"
    if "dang cong san viet nam" in folded:
        fields.setdefault("motto", "party")
        return "motto"
    if "cong hoa xa hoi chu nghia" in folded:
        fields.setdefault("motto", "national")
        return "motto"
    if folded.startswith("doc lap") or "hanh phuc" in folded:
        return "motto"
    if folded.startswith("so") and _NUMBER_LABEL.match(folded):
        fields["number_seen"] = True  # issuer lines are above the number, never under it
    m = _NUMBER.match(folded)
    if m and "symbol" not in fields and _number_prefix_ok(seg[: m.start("sym")]):
        raw = _BLANK.sub("", seg[m.start("sym") :])  # "… /2025/QH15": a number left blank
        sym = _SYMBOL.match(raw)
        if sym:
            fields["symbol"] = re.sub(r"\s+", "", sym.group())
            return "number"
    m = _NUMBER_UNREAD.match(folded)
    if m and "symbol" not in fields:
        sym = _SYMBOL.match(seg[m.start("sym") :])
        if sym:
            fields["symbol"] = re.sub(r"\s+", "", sym.group())
            fields.setdefault("unreadable", []).append("number")  # type: ignore[union-attr]
            return "number"
    m = _DATE.match(folded)
    if m and "date" not in fields and _place_like(seg, len(m.group("pre"))):
        place = seg[: len(m.group("pre"))].strip(" ,.")
        if place:
            fields["place"] = place
        day, month, year = m.group("d", "m", "y")
        fields["date"] = _iso(day, month, year)
        fields["date_year"] = year
        if not fields["date"]:
            fields["date_month"] = _part(month, 12)
            if _unread(day, 31) or _unread(month, 12):
                fields.setdefault("unreadable", []).append("date")  # type: ignore[union-attr]
        return "date"
    if folded.startswith("v/v") or folded.startswith("ve viec"):
        subject.append(re.sub(r"^[Vv]/[Vv]\s*:?\s*", "", seg).strip())
        return "vv"
    if in_vv and not is_upper(seg):
        if _SUBJECT_DATE.match(seg):
            subject.append(seg)  # "… Nghị quyết số 42/NQ-CP ngày / 09/4/2020" wrapped
            return "other"
        if re.search(r"gui\s*:?$", folded) or sum(c.isalpha() for c in seg) < 3:
            return "sep"  # "Kính gửi" misread, a speck: the V/v block has ended
        subject.append(seg)
        return "other"
    if sum(c.isalpha() for c in seg) < 3 or fields.get("number_seen"):
        return "other"  # a speck; or under the number, where no issuer line is
    if (
        is_upper(seg)
        and "symbol" not in fields
        and "date" not in fields
        or (is_upper(seg) and not issuers)
    ):
        issuers.append(seg)
        return "issuer"
    if is_upper(seg) and issuers and _continues(issuers[-1], seg):
        issuers.append(seg)
        return "issuer"
    return "other"


def _number_prefix_ok(prefix: str) -> bool:
    """Whether the words before "số" fit a number line: none, or a capitalised label
    with its colon ("Luật số:", "Nghị quyết số:"), not a citation in a sentence
    ("Quyết định số 239/QĐ-TTg ngày ...", "... định số 1544/QĐ-TTg")."""
    words = prefix.replace(":", " ").split()[:-1]  # the last word is "Số" itself
    if not words:
        return True
    return len(words) <= 2 and words[0][:1].isupper() and prefix.rstrip().endswith(":")


#: Words a body's name goes on with on its next line ("ỦY BAN QUỐC GIA / VỀ NGƯỜI CAO
#: TUỔI VIỆT NAM"), folded: no issuing body's name starts with one.
_NAME_GOES_ON = ("ve ", "cua ", "voi ", "doi voi ", "thuoc ", "truc thuoc ")


def _continues(prev: str, seg: str) -> bool:
    return (
        prev.rstrip().endswith("-")
        or seg.startswith(("VÀ ", "- ", "& "))
        or fold(seg).startswith(_NAME_GOES_ON)
        or (prev.strip() in _GENERIC_BODIES and seg.startswith(_LEVELS))
    )


def _issuers(lines: list[str]) -> tuple[str, str]:
    """(parent body, issuing body) from the left-column lines above the number."""
    bodies: list[str] = []
    for line in lines:
        if bodies and _continues(bodies[-1], line):
            bodies[-1] = f"{bodies[-1]} {line}".replace("  ", " ")
        else:
            bodies.append(line)
    bodies = [b.strip(" *-_") for b in bodies if b.strip(" *-_")]
    if not bodies:
        return "", ""
    if len(bodies) == 1:
        return "", bodies[0]
    return " / ".join(bodies[:-1]), bodies[-1]


def parse_symbol(symbol: str) -> tuple[str, int | None, str, str]:
    """(number, year, type code, issuer code) of a ký hiệu such as 12/2024/TT-BTC or 164-KH/HU."""
    if not symbol:
        return "", None, "", ""
    m = re.fullmatch(r"(\d+)-([A-Za-zĐđ]+)/([\w\-]+)", symbol)
    if m:  # Party style: number-TYPE/ISSUER
        return m.group(1), None, m.group(2), m.group(3)
    parts = [p for p in symbol.split("/") if p]
    # a number left blank ("/2025/TT-BTC", to be filled in by hand): the year is no number
    blank = symbol.startswith("/")
    number = parts[0] if parts and not blank and re.fullmatch(r"\d+[a-z]?", parts[0]) else ""
    rest = parts[1:] if number else parts
    year = None
    if rest and re.fullmatch(r"(19|20)\d\d", rest[0]):
        year = int(rest[0])
        rest = rest[1:]
    code = "/".join(rest).strip(".-")
    type_code, issuer_code = "", code
    if "-" in code:
        head, tail = code.split("-", 1)
        if head in TYPE_CODES:
            type_code, issuer_code = head, tail
    elif code in TYPE_CODES:
        type_code, issuer_code = code, ""
    return number, year, type_code, issuer_code


def _part(text: str, most: int) -> int | None:
    """A day or month of a date line as a number (1..``most``), None when blank or junk."""
    text = text.translate(_OCR_DIGITS)
    return int(text) if text.isdigit() and 1 <= int(text) <= most else None


def _unread(text: str, most: int) -> bool:
    """Whether a day or month was filled in but cannot be read as one (a blank can)."""
    return bool(text.strip(BLANK + " ")) and _part(text, most) is None


#: What OCR reads for a digit in a date: "o" for 0, "l" for 1 (folded text).
_OCR_DIGITS = str.maketrans({"o": "0", "l": "1"})


def _iso(d: str, m: str, y: str) -> str:
    try:
        return dt.date(
            int(y.translate(_OCR_DIGITS)),
            int(m.translate(_OCR_DIGITS)),
            int(d.translate(_OCR_DIGITS)),
        ).isoformat()
    except ValueError:
        return ""


def _type_prefix(text: str) -> str | None:
    for t in DOC_TYPES:
        if text.startswith(t) and (len(text) == len(t) or text[len(t)] == " "):
            return t
    return None


def _find_title(lines: list[SrcLine]) -> int | None:
    for i, src in enumerate(lines[:60]):
        text = src.text.strip()
        t = _type_prefix(text)
        if t is None or text.endswith(":"):
            continue
        rest = text[len(t) :].strip()
        if not rest or fold(rest).startswith(("ve ", "v/v", "quy dinh", "ban hanh")):
            return i
    return None


def _zone_end(lines: list[SrcLine]) -> int:
    """Without a title (công văn): the header ends at "Kính gửi" or after the date."""
    last = 0
    for i, src in enumerate(lines[:30]):
        folded = fold(src.text)
        if folded.startswith("kinh gui"):
            return i
        if _DATE.match(folded) or _NUMBER.match(folded) or "cong hoa xa hoi" in folded:
            last = i + 1
        if folded.startswith("v/v"):
            last = i + 1
            for j in range(i + 1, min(i + 6, len(lines))):
                f = fold(lines[j].text)
                if lines[j].blank or _DATE.match(f) or "doc lap" in f or "cong hoa" in f:
                    break
                if len(lines[j].text) > 60 or read_line(lines[j].text):
                    break
                last = j + 1
    return last


def _title(lines: list[SrcLine], at: int, issuers: list[str]) -> tuple[str, str, str, int]:
    """(doc type, subject, authority, first body line) from the title line on."""
    text = lines[at].text.strip()
    doc_type = _type_prefix(text) or ""
    parts: list[str] = []
    first = text[len(doc_type) :].strip()
    if first:
        parts.append(first)
    i = at + 1
    while i < len(lines) and lines[i].blank and not parts:
        i += 1
    authority = ""
    issuer_keys = {fold(x) for x in issuers}
    widest = max((len(p) for p in parts), default=0)
    while i < len(lines) and len(parts) < 20:
        src = lines[i]
        seg = src.text.strip()
        if src.blank:
            nxt = lines[i + 1].text.strip() if i + 1 < len(lines) else ""
            if parts and nxt[:1].islower() and not read_line(nxt):
                i += 1  # OCR cut the subject in two paragraphs; it goes on in lower case
                continue
            break
        folded = fold(seg)
        if read_line(seg) or folded.startswith(_BODY_STARTS) and parts and seg[:1].isupper():
            break
        if parts and seg.endswith(":"):
            break  # "THỦ TƯỚNG CHÍNH PHỦ điện:", "Kính gửi:": the addressees follow
        upper = is_upper(seg)
        if (
            parts
            and upper
            and (
                not all(is_upper(p) for p in parts)
                or folded.startswith(_AUTHORITY_STARTS)
                or folded in issuer_keys
            )
        ):
            authority = seg
            i += 1
            break
        if parts and widest and len(seg) > max(100, 1.6 * widest):
            break
        if parts and parts[-1].endswith((".", ";", ":")):
            break
        parts.append(seg)
        widest = max(widest, len(seg))
        i += 1
    if not authority:
        j = i
        while j < len(lines) and lines[j].blank:
            j += 1
        if j < len(lines):
            seg = lines[j].text.strip()
            folded = fold(seg)
            if (
                is_upper(seg)
                and len(seg.split()) <= 12
                and not read_line(seg)
                and (folded.startswith(_AUTHORITY_STARTS) or folded in issuer_keys)
            ):
                authority, i = seg, j + 1
    subject = re.sub(r"^[Vv]/[Vv]\s*:?\s*", "", " ".join(parts)).strip()
    return doc_type, subject, authority, i
