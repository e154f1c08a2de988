"""The HTML page of a comparison: figures, confusions, the two texts with their
differences marked, the corrections made, and the page images with the words drawn.

One self-contained file (styles, script and images inline). :mod:`pipeline.report`
compares; this module only renders what it found.
"""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence, Set
from typing import TYPE_CHECKING, Any

from pipeline.document import Box, Document
from pipeline.metrics import Chunk
from pipeline.report_tokens import Token

if TYPE_CHECKING:
    from pipeline.io import PageImage
    from pipeline.report import Comparison, Side

#: What each figure means (shown in the page and written in the JSON).
DEFINITIONS = {
    "normalisation": "Both texts: Unicode NFC, one tone-placement style (hòa = hoà), "
    "whitespace and line breaks collapsed to one space; case and punctuation as the "
    "options say.",
    "cer": "Levenshtein distance over Unicode characters (NFC code points, spaces included) "
    "/ source characters.",
    "wer": "Levenshtein distance over whitespace tokens (Vietnamese syllables) / source syllables.",
    "syllable_accuracy": "1 - WER.",
    "diacritic_error_rate": "Over aligned syllable pairs whose base letters match (marks, đ "
    "and case removed): pairs with any wrong mark / pairs.",
    "tone_error_rate": "Same pairs: tone (huyền, sắc, hỏi, ngã, nặng or none) differs / pairs.",
    "vowel_mark_error_rate": "Same pairs: a vowel mark or đ (ă â ê ô ơ ư đ) differs / pairs.",
    "confusions": "source → OCR, from the character alignment (∅ = nothing, ␣ = space).",
}


_CSS = """
:root{--ins:#d9f2d9;--del:#f8d7d7;--sub:#fff1c2;--fg:#1d1d1f;--mut:#666}
body{font:15px/1.5 system-ui,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--fg);
margin:0 auto;max-width:1100px;padding:1em 1.5em}
h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;margin-top:1.6em;
border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
td,th{padding:.2em .6em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td.n,th.n{text-align:right}.mut{color:var(--mut);font-size:.9em}
.gain{color:#1a7f37}.loss{color:#c62828}
.cols{display:flex;flex-wrap:wrap;gap:2em}.cols>div{flex:1 1 300px}
.diff{font-family:"Noto Serif","Times New Roman",serif;font-size:16px;line-height:1.9;
background:#fafafa;padding:.6em 1em;border:1px solid #e4e4e4;border-radius:4px}
.ln{min-height:1em}.errors-only .ln.ok{display:none}
del,ins{text-decoration:none;border-radius:3px;padding:0 2px}
del{background:var(--del);text-decoration:line-through;text-decoration-color:#b00}
ins{background:var(--ins)}.sub del{background:var(--sub)}.sub ins{background:var(--sub);
font-weight:600}
:target{outline:3px solid #1565c0;background:#bbdefb!important}
tr.better td.v{color:#1a7f37}tr.worse td.v{color:#c62828;font-weight:600}
tr.neutral td.v{color:var(--mut)}
.page{margin:1em 0}.scan{position:relative;display:block;width:100%;
border:1px solid #ccc}.scan img{display:block;width:100%;height:auto}
.scan svg{position:absolute;left:0;top:0;width:100%;height:100%}
.scan polygon{fill:transparent;stroke-width:1.6;vector-effect:non-scaling-stroke;
cursor:pointer}
.scan polygon.chg{stroke:#1565c0}
.scan polygon.low{stroke:#e65100;stroke-dasharray:5 3}
.scan a:hover polygon{fill:rgba(255,235,59,.35)}
.key span{padding:0 .4em;margin-right:.6em;border-radius:3px}
.lazy{content-visibility:auto;contain-intrinsic-size:auto 1200px}
.page{content-visibility:auto;contain-intrinsic-size:auto 1400px}
"""

_JS = """
(function(){
  var box=document.getElementById('errors-only');
  if(box){box.addEventListener('change',function(){
    document.body.classList.toggle('errors-only',box.checked);});}
  var edits=document.querySelectorAll('#diff-corrected .ln > del, #diff-corrected .ln > ins,'
    +' #diff-corrected .sub').length;
  var out=document.getElementById('edit-count');
  if(out){out.textContent=String(edits);}
  addEventListener('load',function(){
    var h=document.body.scrollHeight;  /* forces style and layout: the page is rendered */
    document.documentElement.setAttribute('data-rendered',
      String(Math.round(performance.now()))+' '+String(h));
  });
})();
"""

_e = html.escape


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.2f}%"


_FIGURES = (
    ("CER", "cer", True),
    ("WER", "wer", True),
    ("Syllable accuracy", "syllable_accuracy", False),
    ("Diacritic error rate", "diacritic_error_rate", True),
    ("… tone marks", "tone_error_rate", True),
    ("… vowel marks (ă â ê ô ơ ư đ)", "vowel_mark_error_rate", True),
)


def _figures_html(c: Comparison) -> str:
    rows = []
    for label, attr, lower_is_better in _FIGURES:
        new = getattr(c.corrected.scores, attr)
        old = getattr(c.raw.scores, attr) if c.raw else None
        change = ""
        if old is not None:
            delta = new - old
            good = (delta < 0) if lower_is_better else (delta > 0)
            cls = "gain" if good else "loss" if delta else ""
            change = f'<td class="n {cls}">{100 * delta:+.2f}</td>'
        raw_cell = f'<td class="n">{_pct(old)}</td>' if c.raw else ""
        rows.append(
            f'<tr><th title="{_e(DEFINITIONS[attr])}">{label}</th>{raw_cell}'
            f'<td class="n">{_pct(new)}</td>{change}</tr>'
        )
    s, head = c.corrected.scores, "<tr><th>metric</th>"
    if c.raw:
        head += '<th class="n">raw OCR</th><th class="n">corrected</th>'
        head += '<th class="n">change (pts)</th>'
    else:
        head += '<th class="n">OCR</th>'
    counts = (
        f"Source: {s.chars.reference_length} characters, {s.syllables.reference_length} "
        "syllables; "
        f"{s.marks.pairs} syllable pairs with matching base letters for the diacritic rates."
    )
    defs = "".join(f"<li><b>{_e(k)}</b>: {_e(v)}</li>" for k, v in DEFINITIONS.items())
    return (
        f"<table class=figs><thead>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f'<p class="mut">{_e(counts)}</p><details><summary class="mut">Definitions</summary>'
        f"<ul class=mut>{defs}</ul></details>"
    )


def _confusions_html(c: Comparison) -> str:
    def table(items: Sequence[tuple[str, str, int]], title: str) -> str:
        if not items:
            return f"<div><h3>{_e(title)}</h3><p class=mut>none</p></div>"
        rows = "".join(
            f"<tr><td>{_e(a)} → {_e(b)}</td><td class=n>×{n}</td></tr>" for a, b, n in items[:15]
        )
        return f"<div><h3>{_e(title)}</h3><table>{rows}</table></div>"

    sides = [("corrected", c.corrected)] + ([("raw OCR", c.raw)] if c.raw else [])
    parts = []
    for label, side in sides:
        parts.append(table(side.scores.char_confusions, f"Characters, {label}"))
        parts.append(table(side.scores.syllable_confusions, f"Syllables, {label}"))
    return f'<div class="cols">{"".join(parts)}</div>'


def _anchor(origin: tuple[int, int, int]) -> str:
    return "w-{:d}-{:d}-{:d}".format(*(int(x) for x in origin))  # numbers only, never text


#: Rows of the aligned text per block laid out only when scrolled near (content-visibility).
LAZY_ROWS = 40
#: A source line longer than this many syllables is shown as several rows (a text with no
#: line breaks would otherwise be one row, held whole until it ends).
ROW_TOKENS = 5_000


class DiffWriter:
    """The aligned text of one side, one source line per row, written as the alignment
    streams in block by block (so a text of any length is never held as HTML); ids only
    where something links to them. ``write`` gets the HTML in order; call :meth:`close`
    at the end."""

    def __init__(
        self, write: Callable[[str], object], anchors: Set[tuple[int, int, int]], dom_id: str
    ) -> None:
        self._write, self._anchors = write, anchors
        self._parts: list[str] = []  # of the row being built
        self._rows: list[str] = []  # finished, not yet written
        self._edits = self._tokens = 0
        write(f'<div class="diff" id="{dom_id}" lang="vi">')

    def _hyp(self, token: Token) -> str:
        text = _e(token.text)
        if token.origin is not None and token.origin in self._anchors:
            return f'<span id="{_anchor(token.origin)}">{text}</span>'
        return text

    def _end_row(self) -> None:
        cls = "ln" if self._edits else "ln ok"
        self._rows.append(f'<div class="{cls}">{" ".join(self._parts)}</div>')
        self._parts.clear()
        self._edits = self._tokens = 0
        if len(self._rows) == LAZY_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            self._write('<div class="lazy">' + "".join(self._rows) + "</div>")
            self._rows.clear()

    def add(self, ref: Sequence[Token], hyp: Sequence[Token], chunks: Sequence[Chunk]) -> None:
        """One block: ``chunks`` align ``ref`` with ``hyp`` (indices local to the block)."""
        for ch in chunks:
            if ch.op == "insert":
                inserted = " ".join(self._hyp(hyp[j]) for j in range(ch.hyp_start, ch.hyp_end))
                self._parts.append(f"<ins>{inserted}</ins>")
                self._edits += 1
                self._tokens += ch.hyp_end - ch.hyp_start
                continue
            run: list[str] = []
            for k, i in enumerate(range(ch.ref_start, ch.ref_end)):
                if ch.op == "equal":
                    run.append(self._hyp(hyp[ch.hyp_start + k]))
                elif ch.op == "replace":
                    j = ch.hyp_start + k
                    run.append(
                        f'<span class="sub"><del>{_e(ref[i].text)}</del>'
                        f"<ins>{self._hyp(hyp[j])}</ins></span>"
                    )
                    self._edits += 1
                else:
                    run.append(f"<del>{_e(ref[i].text)}</del>")
                    self._edits += 1
                self._tokens += 1
                if ref[i].line_end or self._tokens >= ROW_TOKENS:
                    self._parts.append(" ".join(run))
                    run = []
                    self._end_row()
            if run:
                self._parts.append(" ".join(run))

    def close(self) -> None:
        """The last row and the end of the text."""
        if self._parts:
            self._end_row()
        self._flush()
        self._write("</div>")


def _diff_html(c: Comparison, side: Side, anchors: Set[tuple[int, int, int]], dom_id: str) -> str:
    """The aligned text of a side compare() kept whole."""
    out: list[str] = []
    ref = [Token(t, i in c.reference_breaks) for i, t in enumerate(c.reference)]
    origins = side.origins
    hyp = [Token(t, False, origins[j] if origins else None) for j, t in enumerate(side.tokens)]
    writer = DiffWriter(out.append, anchors, dom_id)
    writer.add(ref, hyp, side.chunks)
    writer.close()
    return "".join(out)


def _corrections_html(c: Comparison, linked: Set[tuple[int, int, int]]) -> str:
    if not c.corrections:
        return "<p class=mut>The document lists no corrections.</p>"
    v = Counter(j.verdict for j in c.corrections)
    rows = []
    for j in c.corrections:
        k = j.correction
        origin = (k.page, k.line, k.word)
        where = f"p{int(k.page) + 1:d} l{int(k.line) + 1:d} w{int(k.word) + 1:d}"
        if origin in linked:
            where = f'<a href="#{_anchor(origin)}">{where}</a>'
        rows.append(
            f'<tr class="{j.verdict}"><td>{where}</td><td>{_e(k.before)}</td>'
            f"<td>{_e(k.after)}</td><td>{_e(j.source or '–')}</td>"
            f'<td class="n">{k.score:.3g}</td><td>{_e(k.reason)}</td>'
            f'<td class="v">{j.verdict}</td></tr>'
        )
    return (
        f"<p>{len(c.corrections)} corrections: {v['better']} better, {v['worse']} worse, "
        f"{v['neutral']} neutral against the source.</p>"
        '<div class="lazy"><table><thead><tr><th>where</th><th>before</th><th>after</th>'
        "<th>source</th>"
        '<th class="n">score</th><th>reason</th><th>verdict</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


_GREY8_LUT = [v * 8 // 256 for v in range(256)]
_GREY8_PALETTE = [c for i in range(8) for c in (i * 255 // 7,) * 3]


def _data_uri(pixels: Any, max_side: int, quality: int) -> tuple[str, int, int]:
    """The page downscaled, as a JPEG or, for a grey scan when smaller, an 8-grey PNG."""
    from PIL import Image

    img = Image.fromarray(pixels)
    if img.mode not in ("L", "RGB"):
        img = img.convert("RGB")
    img.thumbnail((max_side, max_side))
    best = io.BytesIO()
    img.save(best, "JPEG", quality=quality, optimize=True)
    kind = "jpeg"
    if img.mode == "L":  # text on paper: 8 grey levels keep it legible at a third the size
        grey = Image.frombytes("P", img.size, img.point(_GREY8_LUT).tobytes())
        grey.putpalette(_GREY8_PALETTE)
        png = io.BytesIO()
        grey.save(png, "PNG", bits=4, compress_level=6)
        if png.tell() < best.tell():
            best, kind = png, "png"
    uri = f"data:image/{kind};base64," + base64.b64encode(best.getvalue()).decode("ascii")
    return uri, *img.size


def _outset(box: Box) -> Box:
    """The box grown by a sixth of its height (at least 3 px): the outline goes around the
    word, not over its letters, so a short word ("ở", "1.") stays readable inside it."""
    pad = max(3, (box.bottom - box.top) // 6)
    return Box(box.left - pad, box.top - pad, box.right + pad, box.bottom + pad)


#: Words read with a confidence below this are boxed on the scan; the scan's longest side
#: and JPEG quality in the page (to_html's defaults, and the streamed report's).
LOW_CONF, MAX_IMAGE_SIDE, JPEG_QUALITY = 0.6, 1500, 50


def pages_html(
    doc: Document | None,
    images: Sequence[PageImage],
    changed: Set[tuple[int, int, int]],
    low_conf: float = LOW_CONF,
    max_side: int = MAX_IMAGE_SIDE,
    quality: int = JPEG_QUALITY,
) -> tuple[str, set[tuple[int, int, int]]]:
    """The scans with the boxes of changed and doubtful words, and the words boxed
    (their ids must be in the aligned text, so this is made before it)."""
    if doc is None or not images:
        return "", set()
    by_index = {im.index: im for im in images}
    figures, linked = [], set()
    for page in doc.pages:
        im = by_index.get(page.index)
        if im is None:
            continue
        uri, w, h = _data_uri(im.pixels, max_side, quality)
        # boxes go back onto the scan through the page's preprocessing geometry; a
        # page without one was read as it is (or only rescaled)
        on_scan = page.to_source is not None
        vw = im.pixels.shape[1] if on_scan else (page.width or im.pixels.shape[1])
        vh = im.pixels.shape[0] if on_scan else (page.height or im.pixels.shape[0])
        rects = []
        for li, line in enumerate(page.lines):
            for wi, word in enumerate(line.words):
                origin = (page.index, li, wi)
                is_chg = origin in changed
                is_low = word.conf is not None and word.conf < low_conf
                if word.box is None or not (is_chg or is_low):
                    continue
                cls = "chg" if is_chg else "low"
                conf = "" if word.conf is None else f" (confidence {word.conf:.2f})"
                ring = _outset(word.box)
                points = " ".join(f"{x:.0f},{y:.0f}" for x, y in page.source_points(ring))
                rect = (
                    f'<polygon class="{cls}" points="{points}">'
                    f"<title>{_e(word.text + conf)}</title></polygon>"
                )
                rects.append(f'<a href="#{_anchor(origin)}">{rect}</a>')
                linked.add(origin)
        figures.append(
            f'<figure class="page" id="page-{int(page.index):d}"><figcaption>Page {page.index + 1} '
            f'<span class="mut">({len(rects)} words marked)</span></figcaption>'
            f'<div class="scan"><img src="{uri}" width="{w}" height="{h}" '
            f'alt="scan of page {page.index + 1}">'
            f'<svg viewBox="0 0 {int(vw):d} {int(vh):d}" preserveAspectRatio="none" '
            f'xmlns="http://www.w3.org/2000/svg">{"".join(rects)}</svg></div></figure>'
        )
    key = (
        '<p class="key mut"><span style="border:2px solid #1565c0">changed by correction</span>'
        f'<span style="border:2px dashed #e65100">confidence below {low_conf:.2f}</span>'
        "Click a box to jump to the word in the text.</p>"
    )
    return key + "".join(figures), linked


def to_html(
    comparison: Comparison,
    *,
    images: Sequence[PageImage] = (),
    low_conf: float = LOW_CONF,
    max_image_side: int = MAX_IMAGE_SIDE,
    jpeg_quality: int = JPEG_QUALITY,
    title: str | None = None,
) -> str:
    """One self-contained HTML page: figures, confusions, corrections, aligned text, scans.

    ``images`` are the page images OCR saw (matched to pages by index); the boxes of
    corrected words and of words read with confidence below ``low_conf`` are drawn over
    them and link to the word in the aligned text. The comparison must be one
    :func:`pipeline.report.compare` made (it keeps the aligned texts).
    """
    c = comparison
    changed = changed_words(c)
    pages, boxed = pages_html(c.document, images, changed, low_conf, max_image_side, jpeg_quality)
    anchors = boxed | changed
    diff = _diff_html(c, c.corrected, anchors, "diff-corrected")
    raw_diff = _diff_html(c, c.raw, set(), "diff-raw") if c.raw else None
    return "".join(page_parts(c, pages, anchors, (diff,), (raw_diff,) if raw_diff else None, title))


def changed_words(c: Comparison) -> set[tuple[int, int, int]]:
    """The (page, line, word) of every logged correction."""
    return {(j.correction.page, j.correction.line, j.correction.word) for j in c.corrections}


def page_parts(
    c: Comparison,
    pages: str,
    anchors: Set[tuple[int, int, int]],
    diff: Iterable[str],
    raw_diff: Iterable[str] | None,
    title: str | None = None,
) -> Iterator[str]:
    """The page in order, its aligned texts given as runs of HTML (:class:`DiffWriter`'s
    output, from memory or read back from a file)."""
    heading = _e(title or f"{c.name}: comparison with the source")
    opts = ", ".join(f"{k}={v}" for k, v in c.options.to_dict().items())
    nav = [("figures", "Figures"), ("confusions", "Confusions"), ("diff", "Aligned text")]
    nav += [("corrections", "Corrections")] + ([("pages", "Scan")] if pages else [])
    nav_html = " · ".join(f'<a href="#{k}">{v}</a>' for k, v in nav)
    yield (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{heading}</title><style>{_CSS}</style></head><body>"
        f'<header><h1>{heading}</h1><p class="mut">vnocr report · options: {_e(opts)}</p>'
        f"<nav>{nav_html}</nav></header>"
        f'<section id="figures"><h2>Figures</h2>{_figures_html(c)}</section>'
        f'<section id="confusions"><h2>Most frequent confusions (source → text)</h2>'
        f"{_confusions_html(c)}</section>"
        '<section id="diff"><h2>Aligned text</h2><p class="key mut">'
        '<span style="background:var(--del)">only in the source</span>'
        '<span style="background:var(--ins)">only in the text</span>'
        '<span style="background:var(--sub)">substituted (source, then text)</span>'
        '<span id="edit-count"></span> differences · <label><input type="checkbox" '
        'id="errors-only"> only lines with errors</label></p>'
    )
    yield from diff
    if raw_diff is not None:
        yield "<details><summary>Raw OCR against the source</summary>"
        yield from raw_diff
        yield "</details>"
    yield (
        "</section>"
        f'<section id="corrections"><h2>Corrections</h2>{_corrections_html(c, anchors)}</section>'
    )
    if pages:
        yield f'<section id="pages"><h2>Scan</h2>{pages}</section>'
    yield f"<script>{_JS}</script></body></html>\n"
