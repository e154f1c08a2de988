"""A number written out in words before its digits: "sáu (06) tháng", "mười lăm (15) ngày".

Legal texts spell a period or a count in words and repeat it in digits in parentheses.
The two say the same number, so the words are not the language model's to change: "sau
06 tháng" is far more common in the corpus than "sáu (06) tháng", and the search would
read the spelled "sáu" as "sau" (the corpus drops the parentheses). The last word of the
spelled number must name the last digit; a word one tone away from the one that does is
that word misread ("sau (06)" -> "sáu").
"""

from __future__ import annotations

import re

from pipeline.correct.tokens import Kind, Token, match_case
from pipeline.vietnamese import fold_key

#: The words that may end a spelled number whose last digit is the key.
_LAST_WORD = {
    "0": ("mười", "mươi", "trăm", "nghìn", "ngàn", "triệu", "tỷ", "tỉ"),
    "1": ("một", "mốt"),
    "2": ("hai",),
    "3": ("ba",),
    "4": ("bốn", "tư"),
    "5": ("năm", "lăm"),
    "6": ("sáu",),
    "7": ("bảy", "bẩy"),
    "8": ("tám",),
    "9": ("chín",),
}
_NUMBER_WORDS = frozenset(w for words in _LAST_WORD.values() for w in words) | {"linh", "lẻ"}
_IN_PARENS = re.compile(r"^\d{1,4}$")
SPELLED = "spelled number"  # the reason of a spelled number word set right


def spelled_numbers(toks: list[Token]) -> None:
    """Keep a number spelled in words before "(digits)" as written, and set right its
    last word when a tone misread it (see the module doc)."""
    for k in range(1, len(toks)):
        nb, t = toks[k], toks[k - 1]
        if not (nb.lead == "(" and nb.trail[:1] == ")" and _IN_PARENS.match(nb.core)):
            continue
        if t.trail or t.new is not None or t.kind != Kind.WORD:
            continue
        allowed = _LAST_WORD[nb.core[-1]]
        low = t.core.lower()
        if low not in allowed:
            same = [w for w in allowed if fold_key(w) == fold_key(low)]
            if len(same) != 1:
                continue
            t.new, t.reason = match_case(t.core, same[0]), SPELLED
        t.kind = Kind.FIXED
        j = k - 2  # the words before it that spell the number ("ba mươi sáu")
        while j >= 0 and toks[j].kind == Kind.WORD and not toks[j].trail:
            if toks[j].core.lower() not in _NUMBER_WORDS:
                break
            toks[j].kind = Kind.FIXED
            j -= 1
