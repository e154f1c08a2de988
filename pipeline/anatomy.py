"""The words and marks that name the parts of an administrative document, in one place.

Layout (finding the regions of a page), correction (leaving list markers and labels
alone) and structure (reading the parts) must agree on what "Nơi nhận", "Kính gửi", a
"V/v" subject line and a list bullet look like, OCR's usual misreadings included; each
pattern here is matched on text folded by :func:`pipeline.vietnamese.fold_key` (lower
case, marks removed, đ→d) unless its name says otherwise.
"""

from __future__ import annotations

import re

from pipeline.vietnamese import fold_key

#: "Nơi nhận:" (also "Nơi gửi", and OCR's "ơi nhận" that lost the N), folded.
RECIPIENTS_START = re.compile(r"^(?:n\s*)?[oơ]i\s*(?:nhan|gui)\b")
#: "Kính gửi:", folded (OCR reads "Kinh gửi", "Kính gứi").
ADDRESSEES_START = re.compile(r"^kinh\s*gui")
#: The subject line under the number of a công văn: "V/v ...", "Về việc ...", folded.
SUBJECT_START = re.compile(r"^(?:v/v|ve\s+viec)\b")
#: The draft label ("DỰ THẢO", "DỰ THẢO 2", "| DU THAO |"), folded: not a title or subject.
DRAFT_LABEL = re.compile(r"^[\W_]*du\s*thao(?:\s*(?:lan\s*)?\d{1,2})?[\W_]*$")
#: A line that is only a page number ("2", "- 3 -", "Trang 4"), folded.
PAGE_NUMBER = re.compile(r"^[-–—\s]*(?:trang\s*)?(\d{1,3})[-–—\s]*$")
#: The gazette's running header ("CÔNG BÁO/Số 685 + 686/Ngày 17-7-2014 43"), folded: its
#: start ("44 CÔNG BÁO/..." on an even page).
GAZETTE = re.compile(r"^(?:\d{1,4}\s+)?cong\s*bao\b")
#: A field line of the e-signature overlay a signed government PDF carries at the top of
#: its first page ("Ký bởi: Cổng Thông tin điện tử Chính phủ", "Email: …", "Cơ quan: …",
#: "Thời gian ký: 28.07.2014 14:40:36 +07:00"), folded; ESIGN_ANCHOR the fields only the
#: overlay prints ("Cơ quan:" or "Email:" alone may be the document's own).
ESIGN_FIELD = re.compile(r"^(?:ky\s*boi|nguoi\s*ky|email|co\s*quan|thoi\s*gian\s*ky)\s*:")
ESIGN_ANCHOR = re.compile(r"^(?:ky\s*boi|nguoi\s*ky|thoi\s*gian\s*ky)\s*:")
#: Characters a bullet of a list is printed or OCR-read as ("~" and '"' are misread dashes).
BULLET_CHARS = '-–—•+~*"“'
#: A list marker at a line start: a bullet, "1." "1.2." "(1)" "a)" or a Roman "IV.".
LIST_MARKER = re.compile(r"^\s*(?:[-–—•+*]|\(?\d+(?:\.\d+)*[.)]|\(?[a-zđ]\)|[IVXLCDM]+\.)\s+")
#: Bullets OCR merged into one line: "- Bộ A; - Bộ B;", "(để báo cáo) ~ Sở C".
_MERGED_BULLET = re.compile(r"(?<=[;.)])\s+(?=[-–~•+]\s)")


def split_bullets(text: str) -> list[str]:
    """A line cut where a second bullet starts after a ";" (two list items on one line)."""
    return [p.strip() for p in _MERGED_BULLET.split(text.strip()) if p.strip()]


#: The signer's titles a signature block prints (each may take "PHÓ " before it).
SIGNER_TITLES = (
    "CHỦ TỊCH",
    "BỘ TRƯỞNG",
    "THỨ TRƯỞNG",
    "GIÁM ĐỐC",
    "TỔNG GIÁM ĐỐC",
    "BÍ THƯ",
    "THỦ TƯỚNG",
    "TRƯỞNG BAN",
    "CHÁNH VĂN PHÒNG",
    "CỤC TRƯỞNG",
    "VỤ TRƯỞNG",
    "TỔNG CỤC TRƯỞNG",
    "TRƯỞNG PHÒNG",
    "CHÁNH ÁN",
    "VIỆN TRƯỞNG",
    "THỐNG ĐỐC",
    "CHÁNH THANH TRA",
    "TRƯỞNG ĐOÀN",
    "HIỆU TRƯỞNG",
    "CHỦ NHIỆM",
    "TỔNG THƯ KÝ",
)
#: PHÓ (a deputy) and the T/M, TM., KT., Q., TL., TUQ. markers, in letters.
SIGNATURE_MARKERS = ("PHÓ", "TM", "KT", "Q", "TL", "TUQ")
#: The folded words of the signer's titles and of the markers: what a signature block's
#: title lines are made of.
SIGNATURE_WORDS = frozenset(
    w for t in (*SIGNER_TITLES, *SIGNATURE_MARKERS) for w in fold_key(t).split()
)
#: The same words as printed, capitals and marks ("PHỢ" folds as "PHÓ" but is not one).
TITLE_WORDS = frozenset(w for t in (*SIGNER_TITLES, *SIGNATURE_MARKERS) for w in t.split())


def letters(text: str) -> str:
    """A word's letters alone: the specks and punctuation OCR read round and in it (a
    seal's ink, "„", "(") left out before a word is matched against a known one."""
    return "".join(c for c in text if c.isalpha())


def is_signature_word(text: str) -> bool:
    """A signature block's word, specks and punctuation round it left out: a title or
    marker word in capitals (THỦ, TƯỚNG, KT, PHÓ) or a name-like word (Hồng, Hà)."""
    core = letters(text)
    if len(core) < 2:
        return False
    if core.isupper():
        return fold_key(core) in SIGNATURE_WORDS
    return core[0].isupper() and core[1:].islower()
