from __future__ import annotations

from pipeline.document import Box, Line, Page, Word
from pipeline.layout import order_columns


def _line(*spans: tuple[str, int], top: int) -> Line:
    """Words placed at x positions; each word 20 px per character."""
    words = []
    for text, x in spans:
        for tok in text.split():
            words.append(Word(tok, Box(x, top, x + 20 * len(tok), top + 40)))
            x += 20 * len(tok) + 15
    box = words[0].box
    for w in words[1:]:
        box = box.union(w.box)
    return Line(tuple(words), box, block=1, par=1)


def _texts(page: Page) -> list[str]:
    return [ln.text for ln in page.lines]


def test_header_columns_are_read_left_then_right() -> None:
    lines = (
        _line(("UBND XÃ", 200), ("CỘNG HÒA", 1400), top=100),
        _line(("Số: 07/TB-UBND", 200), ("Độc lập", 1400), top=160),
        _line(("Tân Phú, ngày 05", 1400), top=220),
        _line(("THÔNG BÁO", 1000), top=320),  # centred: crosses the boundary, ends the run
        _line(("Ủy ban nhân dân xã thông báo lịch tiếp công dân định kỳ", 300), top=400),
    )
    page = order_columns(Page(0, lines, width=2480, height=3508))
    assert _texts(page) == [
        "UBND XÃ",
        "Số: 07/TB-UBND",
        "CỘNG HÒA",
        "Độc lập",
        "Tân Phú, ngày 05",
        "THÔNG BÁO",
        "Ủy ban nhân dân xã thông báo lịch tiếp công dân định kỳ",
    ]


def test_recipients_before_signature_and_body_untouched() -> None:
    lines = (
        _line(("thực hiện nghiêm túc các nội dung của thông báo này", 300), top=100),
        _line(("hiện.", 300), top=160),
        _line(("Nơi nhận:", 300), ("CHỦ TỊCH", 1600), top=240),
        _line(("- Lưu: VT.", 300), top=300),
        _line(("Phạm Văn Bình", 1550), top=500),
    )
    page = order_columns(Page(0, lines, width=2480, height=3508))
    assert _texts(page) == [
        "thực hiện nghiêm túc các nội dung của thông báo này",
        "hiện.",
        "Nơi nhận:",
        "- Lưu: VT.",
        "CHỦ TỊCH",
        "Phạm Văn Bình",
    ]
    assert "\n\nCHỦ TỊCH" in page.text  # the columns are separate paragraphs


def test_lines_without_boxes_or_gaps_are_kept() -> None:
    plain = Page(0, (Line((Word("Kế"), Word("hoạch"))),), width=2480)
    assert order_columns(plain) == plain
    one_col = Page(0, (_line(("một dòng bình thường của thân văn bản", 300), top=10),), 2480)
    assert order_columns(one_col) == one_col
