"""The end of a document: "Nơi nhận:" with its recipients, and the signature block.

On paper the two sit side by side (recipients left, signature right), so OCR often reads
them into the same lines: "- Ban Thường vụ Tỉnh ủy (b/c), PHÓ BÍ THƯ". Lines cut by word
boxes arrive here already tagged left/right; plain text is cut by patterns: a T/M, TM.,
K/T, KT., Q., TL., TUQ. marker, a trailing run of capitals, or a trailing personal name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.anatomy import (
    BULLET_CHARS,
    RECIPIENTS_START,
    SIGNATURE_WORDS,
    letters,
    split_bullets,
)
from pipeline.anatomy import SIGNER_TITLES as TITLES
from pipeline.document import Signature
from pipeline.structure.lines import LOWER, UPPER, SrcLine, fold, is_upper
from pipeline.titleforms import DEPUTY, repair_title, title_form

_MARKER = r"(?:T/M|TM\.|T\.M\.|K/T|KT\.|K\.T\.|Q\.|TL\.|T/L|TUQ\.|T/UQ|Q/)"
_MARKER_RE = re.compile(rf"(?:^|(?<=\s)){_MARKER}\s*(?=[{UPPER}])")
#: A signature line opening with a marker OCR read without its dot ("KT CHỦ TỊCH"):
#: matched only on the signature side, where no recipient's "KT, TH" can be.
_BARE_MARKER = re.compile(rf"^(?:KT|TM|TL|TUQ)\s+(?=[{UPPER}])")
_POSITION = re.compile(rf"\s((?:PHÓ\s+)?(?:{'|'.join(TITLES)}))$")
_NAME_WORD = rf"[{UPPER}][{LOWER}]+"
_NAME = re.compile(rf"^{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}}$")
_TRAIL_NAME = re.compile(rf"[.,;)]\s+({_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}})$")
_PLACEHOLDER = re.compile(
    r"^\(?\s*(đã ký|ký|ký tên|ký, đóng dấu|ký và đóng dấu|đã ký và đóng dấu)[^)]*\)?$", re.I
)


@dataclass(frozen=True, slots=True)
class Closing:
    """Recipients, signature, and the index of the first line after the closing (appendix)."""

    recipients: tuple[str, ...]
    signature: Signature | None
    end: int


def is_recipients_start(text: str) -> bool:
    """True for the "Nơi nhận:" line (also when OCR merged it with signature text, or lost
    its N: "ơi nhận:")."""
    return bool(RECIPIENTS_START.match(fold(text.strip())))


def is_signature_start(lines: list[SrcLine], i: int) -> bool:
    """True when line ``i`` opens a signature block (marker, or a position over a name)."""
    text = lines[i].text.strip()
    if _MARKER_RE.match(text) and is_upper(_upper_then_name(text)[0]):
        return True
    if not is_upper(text) or len(text.split()) > 6 or not _POSITION.search(" " + text):
        return False
    for j in range(i + 1, min(i + 5, len(lines))):
        nxt = lines[j].text.strip()
        if not nxt or _PLACEHOLDER.match(nxt):
            continue
        return bool(_NAME.match(nxt)) or is_upper(nxt) and bool(_POSITION.search(" " + nxt))
    return False


def parse_closing(lines: list[SrcLine], start: int) -> Closing:
    """Read recipients and signature from ``start`` on; stop after the signer's name."""
    recipients: list[str] = []
    sig_lines: list[SrcLine] = []
    name = ""
    in_recipients = False
    i = start
    while i < len(lines):
        src = lines[i]
        text = src.text.strip()
        if not text:
            i += 1
            continue
        if name and not is_recipients_start(text) and not _recipient_goes_on(in_recipients, text):
            break
        left, right = _split(src, text, in_recipients, bool(sig_lines))
        if left is not None and is_recipients_start(left):
            in_recipients = True
            left = re.sub(r"^[^:]*:\s*", "", left) if ":" in left else ""
        if left:
            if sig_lines and _NAME.match(left) and not name:
                name = left
            elif in_recipients:
                _add_recipient(recipients, left)
            else:
                right = f"{left} {right}".strip() if right else left
        if right:
            if _NAME.match(_bare(right)):
                name = _bare(right)
            elif not _PLACEHOLDER.match(right):
                upper_part, name_part = _upper_then_name(right)
                sig_lines.append(SrcLine(upper_part, src.page, src.line))
                if name_part:
                    name = name_part
        i += 1
    return Closing(tuple(recipients), _signature(sig_lines, name), i)


def _split(src: SrcLine, text: str, in_recipients: bool, have_sig: bool) -> tuple[str | None, str]:
    """(recipient part, signature part) of one line."""
    if src.column == "right":
        return None, text
    if src.column == "left":
        return text, ""
    m = None
    for m in _MARKER_RE.finditer(text):
        if m.start() > 0:
            break
    if m is not None and m.start() > 0:
        return text[: m.start()].strip(), text[m.start() :].strip()
    if m is not None and m.start() == 0:
        return None, text
    if not in_recipients:
        return (None, text) if is_upper(text) or _NAME.match(text) else (text, "")
    words = text.split()
    run = 0
    for w in reversed(words):
        if w.isalpha() and is_upper(w):
            run += 1
        else:
            break
    if run < 2:
        run = _title_run(words)
    if run >= 2 and run < len(words) and re.search(r"[,;.)]$", words[-run - 1]):
        cut = len(" ".join(words[:-run]))
        return text[:cut].strip(), text[cut:].strip()
    if have_sig:
        nm = _TRAIL_NAME.search(text)
        if nm:
            return text[: nm.start(1)].strip(), nm.group(1)
    if fold(text).lstrip(BULLET_CHARS + " ").startswith("luu"):
        return text, ""  # '"LƯU: VT, KTTH.' (a capital line, still a recipient)
    if is_upper(text) and text[:1] not in BULLET_CHARS:
        return None, text
    return text, ""


def _title_run(words: list[str]) -> int:
    """The trailing run of capital words with a title word in it, specks allowed: a
    title a seal garbled at the end of a recipient line ("…kèm); TPEI( TRƯỞNG"); 0 when
    it holds no title word ("tỉnh, TP. HCM" is a recipient)."""
    run = 0
    for w in reversed(words):
        if not is_upper(w):
            break
        run += 1
    tail = [letters(w) for w in words[len(words) - run :]]
    return run if any(len(c) >= 4 and fold(c) in SIGNATURE_WORDS for c in tail) else 0


def _upper_then_name(text: str) -> tuple[str, str]:
    words = text.split()
    for k in range(1, len(words)):
        head, tail = " ".join(words[:k]), " ".join(words[k:])
        if is_upper(head) and _NAME.match(tail):
            return head, tail
    return text, ""


def _recipient_goes_on(in_recipients: bool, text: str) -> bool:
    """After the signer's name, a line still belongs to the recipients when it is a
    bullet or the lower-case rest of a wrapped one ("ương;")."""
    return in_recipients and (text[:1] in BULLET_CHARS or text[:1].islower())


def _add_recipient(out: list[str], text: str) -> None:
    """One recipient line: a bullet opens a recipient (several bullets OCR merged on one
    line are several), a line without one goes on with the one above."""
    parts = split_bullets(text)
    if parts[0][:1] not in BULLET_CHARS and out and not is_recipients_start(parts[0]):
        out[-1] = f"{out[-1]} {parts.pop(0)}".rstrip(";,.")
    for part in parts:
        body = part[1:].strip() if part[:1] in BULLET_CHARS else part
        out.append(body.rstrip(";,."))


def _signature(lines: list[SrcLine], name: str) -> Signature | None:
    if not lines and not name:
        return None
    on_behalf: list[str] = []
    position = ""
    groups: list[str] = []  # the title lines under the markers, wrapped ones joined
    for text in _rejoined([repair_title(src.text.strip()) for src in lines]):
        if _MARKER_RE.match(text) or _BARE_MARKER.match(text):
            pos = _POSITION.search(text)
            marker_len = (_MARKER_RE.match(text) or _BARE_MARKER.match(text)).end()  # type: ignore[union-attr]
            if pos and pos.start() > marker_len and not text[: pos.start()].rstrip().endswith(","):
                on_behalf.append(text[: pos.start()].strip())
                position = pos.group(1)
            else:
                on_behalf.append(text)
        elif is_upper(text) or title_form(text):  # a title with a speck: "“Ôn PHÓ GIÁM ĐỐC"
            if (
                groups
                and not _POSITION.search(" " + groups[-1])
                and not _two_titles(groups[-1], text, on_behalf)
                and not _end_of(groups[-1], known_position(text, on_behalf))
            ):
                groups[-1] = f"{groups[-1]} {text}"
            else:
                groups.append(text)
    position = known_position(position, on_behalf) if position else _title_of(groups, on_behalf)
    page = lines[0].page if lines else None
    line = lines[0].line if lines else None
    return Signature(tuple(on_behalf), position, personal_name(name), page, line)


def _rejoined(texts: list[str]) -> list[str]:
    """Title lines with a row layout read as two lines joined again ("KT. BỘ" and
    "TRƯỞNG", each read alone beside the seal): when the two make a title form as
    printed that neither is."""
    out: list[str] = []
    for text in texts:
        if out:
            joined = f"{out[-1]} {text}"
            form = title_form(joined)
            if form and form in joined and form not in (title_form(out[-1]), title_form(text)):
                out[-1] = joined
                continue
        out.append(text)
    return out


def _two_titles(prev: str, text: str, on_behalf: list[str]) -> bool:
    """Whether two title lines each hold a title of their own (not one wrapped title)."""
    return bool(known_position(prev, on_behalf) and known_position(text, on_behalf))


def _title_of(groups: list[str], on_behalf: list[str]) -> str:
    """The signer's title: the first title line in a known form (a later one, printed
    just above the name, is the signer's rank: "CHỦ TỊCH / … / PHÓ THỦ TƯỚNG / Lê Thành
    Long"). A block whose marker line a seal hid prints its title twice, "KT. X / PHÓ X"
    (read "THỦ TƯỚNG / THỦ TƯỚNG", the PHÓ under the ring): the signer is then X's deputy,
    and "KT. X" is put in ``on_behalf`` (in place) when the first line reads X alone (or
    the end of it: "TƯỚNG")."""
    titles = [(g, t) for g in groups if (t := known_position(g, on_behalf))]
    if not titles:
        return ""
    (first, title), rest = titles[0], titles[1:]
    deputy = DEPUTY.get(title, f"PHÓ {title}")
    again = [t for _, t in rest if t == deputy or fold(t).removeprefix("pho ") == fold(title)]
    # the marker line read as the end of the title alone ("TRƯỞNG / CỤC TRƯỞNG")
    cut = [g for g in groups[: groups.index(first)] if _end_of(g, title)]
    kt = [b for b in on_behalf if re.match(r"^(?:K/T|KT\.|K\.T\.)\s*", b)]
    repeated = (again or cut) and not on_behalf or any(b.endswith(f" {title}") for b in kt)
    if not repeated or title.startswith("PHÓ "):
        return title
    if not on_behalf and (cut or _end_of(first, title)):
        on_behalf.append(f"KT. {title}")
    return deputy


def _end_of(text: str, title: str) -> bool:
    """Whether the words of ``text`` are the last words of ``title`` ("TƯỚNG" of THỦ
    TƯỚNG)."""
    read = [fold(w) for w in text.split() if w.isalpha()]
    return bool(title and read) and read == fold(title).split()[-len(read) :]


#: Vietnamese family names. A signer's name starts with one; junk a seal's ink was read as
#: ("Sư Go Trần Hồng Hà") stands before it, and a mark misread on it ("Đó" for "Đỗ") is
#: set right when only one family name folds alike. No two of these fold alike.
SURNAMES = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đào",
    "Đoàn",
    "Vương",
    "Trịnh",
    "Trương",
    "Đinh",
    "Lâm",
    "Phùng",
    "Mai",
    "Tô",
    "Tạ",
    "Lương",
    "Lưu",
    "Cao",
    "Quách",
    "Thái",
    "Châu",
    "Hứa",
    "Kiều",
    "Đàm",
    "Chu",
    "Nông",
    "Lại",
    "Triệu",
    "Khổng",
    "Tăng",
    "Thân",
    "Giang",
    "Tống",
    "Lục",
    "Doãn",
    "Nghiêm",
    "Hầu",
    "Mạc",
)
_SURNAME_KEYS = {fold(s): s for s in SURNAMES}
_LEAD = re.compile(r"^[\W\d_]+")


def _bare(text: str) -> str:
    """``text`` without the specks OCR read before it ("„Nguyễn Sỹ Hiệp")."""
    return _LEAD.sub("", text)


def personal_name(text: str) -> str:
    """The signer's name as printed: short junk words before the family name left out
    (each of at most two letters: "Sư Go Trần Hồng Hà"), the family name's marks set
    right when they were misread and only one family name folds alike."""
    words = text.split()
    k = 0
    while k < len(words) - 2 and len(words[k]) <= 2 and words[k] not in SURNAMES:
        k += 1
    if k and words[k] in SURNAMES:
        words = words[k:]
    if words and words[0] not in SURNAMES and fold(words[0]) in _SURNAME_KEYS:
        words[0] = _SURNAME_KEYS[fold(words[0])]
    return " ".join(words)


def known_position(text: str, on_behalf: list[str]) -> str:
    """The signer's title from the title line as read, in a known form or not at all.

    A seal printed over the title garbles it ("TPEI( TRƯỞNG", "^>`PHO CHỦ NHIỆM N", "Ý"):
    a known title found in it (marks compared folded) is given as printed; else, under a
    "KT. X" line, the deputy of X when a word of it is read; else nothing. A title read
    cleanly (capital words only) that starts with a known title is kept whole ("GIÁM ĐỐC
    SỞ").
    """
    words = text.split()
    cores = [re.sub(r"^\W+|\W+$", "", w) for w in words]  # "^>`PHO" is "PHO" read with specks
    clean = [w for w in cores if w.isalpha() and len(w) >= 2 and is_upper(w)]
    if not clean:
        return ""
    folded = [fold(w) for w in clean]
    best, first = "", False
    for title in TITLES:
        for cand in (f"PHÓ {title}", title):
            key = fold(cand).split()
            at = [k for k in range(len(folded)) if folded[k : k + len(key)] == key]
            if at:
                if len(cand) > len(best):
                    best, first = cand, at[0] == 0
                break
    if best:  # words after the title are its own ("SỞ"), words before it are not ("ZG")
        return " ".join(clean) if clean == words and first else best
    if len(folded) == 1:  # one word left of the title: it ends one title only ("TƯỚNG")
        ends = [t for t in TITLES if fold(t).split()[-1] == folded[0]]
        if len(ends) == 1:
            return ends[0]
    for line in on_behalf:
        m = re.match(r"^(?:K/T|KT\.|K\.T\.)\s*(.+)$", line)
        if not m:
            continue
        last = re.split(r"[,;]\s*", m.group(1).strip())[-1]
        deputy = DEPUTY.get(last, f"PHÓ {last}")
        if set(fold(deputy).split()) & set(folded) - {"pho"}:
            return deputy
    return ""
