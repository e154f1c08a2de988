"""The index of long words (pipeline.longwords): shipped with the lexicon, equal to what
the builder makes from the shipped word files, and built again where those changed."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from pipeline import longwords
from pipeline.lexicon import load_lexicon
from pipeline.longwords import FILE, LongWords, index_lines, long_words

REPO = Path(__file__).resolve().parent.parent


def test_long_words_index_by_a_neighbour() -> None:
    index = LongWords(index_lines({"cổng thông tin điện tử", "tín đồ", "a b c"}))
    word = ("cổng", "thông", "tin", "điện", "tử")
    assert (word, 0) in index.get("cong", "thông", 1)
    assert (word, 4) in index.get("tu", "điện", -1)
    assert (word, 1) in index.get("thong", "tin", 1)
    assert index.get("tin", "đồ", 1) == ()  # two syllables: no long word
    assert index.get("cong", "thông", -1) == ()


def test_shipped_index_is_what_the_builder_makes_from_the_shipped_lexicon(tmp_path: Path) -> None:
    """Rebuild lexicon/longwords.txt (``python bench/build_lexicon.py --long-words``) when
    words.txt or terms.txt change; this fails until then."""
    sys.path.insert(0, str(REPO / "bench"))
    import build_lexicon

    folder = tmp_path / "lexicon"
    shutil.copytree(REPO / "lexicon", folder)
    (folder / FILE).unlink()
    build_lexicon.write_long_words(folder)
    assert (folder / FILE).read_bytes() == (REPO / "lexicon" / FILE).read_bytes()


def test_the_shipped_file_is_read_and_gives_the_built_answers(monkeypatch) -> None:
    lex = load_lexicon(REPO / "lexicon")
    longwords._index.cache_clear()
    with monkeypatch.context() as m:
        m.setattr(longwords, "index_lines", None)  # not built: read
        shipped = long_words(lex)
    built = LongWords(index_lines(lex.words))
    keys = [("cong", "thông", 1), ("tu", "điện", -1), ("uy", "ban", 1), ("dan", "nhân", 1)]
    assert any(built.get(*k) for k in keys)
    for k in keys:
        assert sorted(shipped.get(*k)) == sorted(built.get(*k))


def test_a_folder_whose_words_changed_builds_its_index(tmp_path: Path) -> None:
    folder = tmp_path / "lexicon"
    shutil.copytree(REPO / "lexicon", folder)
    with (folder / "terms.txt").open("a", encoding="utf-8") as f:
        f.write("cổng giao dịch điện tử quốc gia\n")
    lex = load_lexicon(folder)
    got = long_words(lex).get("cong", "giao", 1)
    assert (("cổng", "giao", "dịch", "điện", "tử", "quốc", "gia"), 0) in got
