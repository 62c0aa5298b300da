"""HTML: one self-contained page (no scripts, no fonts or styles fetched from anywhere) with the
graph drawing and the tables, readable on a phone and printable.

The drawing is Graphviz's SVG, made by the caller and passed in, so this stays a pure function;
without it the page keeps its tables and says how to get the picture.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

from gradexplain.notation import local_mark_in_markup
from gradexplain.render.dot import GRADIENT_COLOUR, LOCAL_COLOUR
from gradexplain.render.report import Cell, RenderOptions, Report, Table, build_report

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

STYLE = """
:root { --value: #1f4e79; --gradient: #b0185a; --local: #8a5a00; --ok: #1e7b34; --bad: #b42318; --dim: #5f6368; }
* { box-sizing: border-box; }
body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       margin: 0 auto; padding: 1rem; max-width: 72rem; color: #1b1b1b; background: #fff; }
h1 { font-size: 1.35rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 .4rem; }
p { margin: .2rem 0; }
code, td { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9rem; }
figure { margin: 1rem 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; margin: .3rem 0; }
th, td { padding: .25rem .7rem; border-bottom: 1px solid #ddd; white-space: nowrap; vertical-align: top; }
th { text-align: left; font-weight: 600; border-bottom: 2px solid #999; }
.right { text-align: right; }
.value { color: var(--value); }
.gradient { color: var(--gradient); font-weight: 600; }
.local { color: var(--local); }
.box { display: inline-block; min-width: 4.5rem; height: 1.3em; border: 1px solid #767676; border-radius: 3px;
  vertical-align: middle; }
.ok { color: var(--ok); font-weight: 600; }
.bad { color: var(--bad); font-weight: 700; }
.dim { color: var(--dim); }
.note { color: var(--dim); font-size: .9rem; }
.missing { border: 1px dashed #999; padding: .6rem .8rem; }
@media (max-width: 40rem) {
  body { padding: .6rem; font-size: 15px; }
  th, td { padding: .2rem .45rem; }
  figure svg { max-width: none; }  /* full size, scrolled sideways, rather than too small to read */
}
@page drawing { size: A4 landscape; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; color: #000; }
  h1, h2 { break-after: avoid; page-break-after: avoid; }  /* a heading stays with what it heads */
  h2, tr, figure { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }  /* a table that spans pages repeats its column names */
  .scroll, figure { overflow: visible; }
  th, td { white-space: normal; }
  figure svg { max-width: 100%; height: auto; max-height: 24cm; min-width: 0 !important; }  /* whole, never cut */
  section.drawing { page: drawing; }  /* on a landscape page of its own: the lecture's graph prints at full size */
  figure svg text { fill: #000; }  /* black labels: coloured thin text prints faint */
}
""".strip()

# What a page made without a drawing says. Whether Graphviz is installed is not for a pure
# renderer to know (render_text never runs it), so this names where the drawing comes from
# rather than claiming it is missing; gradexplain.output says why when drawing it failed.
NO_PICTURE = (
    "This page was made without the drawing of the graph: gradexplain.render.render_text never runs "
    'Graphviz. gradexplain.output.render_bytes(explanation, "html"), or the gradexplain command '
    "with -o page.html, draws it (with Graphviz's dot program; --format dot gives the graph in its language)."
)

_MORE = ' style="margin-left: 1.5rem"'  # a note under the one before it

_PREAMBLE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def inline_svg(svg: str) -> str:
    """Graphviz's SVG file as an element to embed: no XML declaration, doctype or comments."""
    return _COMMENT.sub("", _PREAMBLE.sub("", svg, count=1)).strip()


_WIDTH = re.compile(r'<svg width="([0-9.]+)pt"')
# A drawing on screen shrinks to the page's width down to this share of its size (its 10 pt
# labels stay 9 pt and more); a wider one keeps that size and scrolls sideways.
SMALLEST_SCALE = 0.9


def readable_svg(svg: str) -> str:
    """An embedded drawing that never shrinks below SMALLEST_SCALE on screen (print scales it to
    its landscape page; the CSS's print rules lift the minimum)."""
    embedded = inline_svg(svg)
    width = _WIDTH.search(embedded)
    if width is None:
        return embedded
    smallest = float(width[1]) * SMALLEST_SCALE
    return embedded.replace("<svg ", f'<svg class="drawing" style="min-width: {smallest:.0f}pt" ', 1)


def _class(*names: str) -> str:
    """A class attribute for the non-empty names, or nothing."""
    joined = " ".join(name for name in names if name)
    return f' class="{joined}"' if joined else ""


def _content(cell: Cell, style_class: Callable[[str], str] = str) -> str:
    """A cell's text, its differently styled parts (a local derivative · a gradient) in spans."""
    if cell.style == "blank":  # a worksheet's empty box, to write in on paper
        return f'<span class="{style_class("box")}" role="img" aria-label="to fill in"></span>'
    if not cell.parts:
        return _text(cell.text)
    return "".join(f"<span{_class(style_class(style))}>{_text(text)}</span>" for text, style in cell.parts if text)


def _text(text: str) -> str:
    """Text as HTML, the local derivative's mark as a subscript ℓ."""
    return local_mark_in_markup(escape(text))


def _chart(table: Table, plots: str | None, drawn: list[bool]) -> list[str]:
    """A view's picture, once, above the first table with a chart; without one, the chart in characters."""
    if not table.chart:
        return []
    if plots is None:
        style = "font-size: .8rem; line-height: 1.15; overflow-x: auto"  # inline: pages without views keep their style
        return [f'<pre class="chart" style="{style}">{escape(chr(10).join(table.chart))}</pre>']
    if drawn:
        return []
    drawn.append(True)
    label = "The views' plots: J against the input with its tangent and ε secant, and the errors of the ε sweep."
    return [f'<figure role="img" aria-label="{escape(label)}">', inline_svg(plots), "</figure>"]


def _table(table: Table, plots: str | None = None, drawn: list[bool] | None = None) -> list[str]:
    right = ["right" if align == "right" else "" for align in table.align]
    lines = [f"<h2>{escape(table.title)}</h2>", *_chart(table, plots, [] if drawn is None else drawn)]
    lines += ['<div class="scroll"><table>', "<thead><tr>"]
    lines += [f"<th{_class(side)}>{escape(column)}</th>" for column, side in zip(table.columns, right, strict=True)]
    lines.append("</tr></thead><tbody>")
    for row in table.rows:
        cells = (f"<td{_class(cell.style, side)}>{_content(cell)}</td>" for cell, side in zip(row, right, strict=True))
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody></table></div>")
    # a note that starts with spaces belongs to the one before it (a claim's likely mistake): indented
    lines += [
        f'<p class="note"{_MORE if note.startswith("  ") else ""}>{_text(note.strip())}</p>' for note in table.notes
    ]
    return lines


def page_head(title: str, style: str) -> list[str]:
    """A self-contained page's opening, up to and including <body>: for a phone as well as a desktop."""
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="gradexplain">',
        f"<title>{escape(title)}</title>",
        f"<style>\n{style}\n</style>",
        "</head>",
        "<body>",
    ]


def render_report(
    report: Report, picture: str | None, title: str, missing: str | None = None, plots: str | None = None
) -> str:
    first, *rest = report.heading
    heading = [f"<h1>{escape(first)}</h1>", *(f"<p>{escape(line)}</p>" for line in rest), "<h2>Computation graph</h2>"]
    lines = page_head(title, STYLE)
    if picture is None:
        lines += [*heading, f'<p class="missing">{escape(missing or NO_PICTURE)}</p>']
    else:
        label = "The computation graph: each box shows a node's value and its gradient; arrows carry local derivatives."
        lines += [  # in print, the page's heading and the drawing on a landscape page of their own
            '<section class="drawing">',
            *heading,
            f'<figure role="img" aria-label="{escape(label)}">',
            readable_svg(picture),
            "</figure>",
            "</section>",
        ]
    drawn: list[bool] = []
    for table in report.tables:
        lines += _table(table, plots, drawn)
    if report.summary:
        lines.append("<h2>Summary</h2>")
        lines += [f'<p class="{cell.style}">{escape(cell.text)}</p>' for cell in report.summary]
    lines += ["</body>", "</html>"]
    return "\n".join(lines) + "\n"


def render(
    explanation: Explanation,
    options: RenderOptions | None = None,
    picture: str | None = None,
    missing: str | None = None,
    *,
    plots: str | None = None,
) -> str:
    """The page; `picture` is the graph as Graphviz SVG, or None, and then `missing` says why
    (by default: this renderer does not draw, and what does). `plots` is the views' picture as
    SVG (matplotlib's); without it their charts are shown in characters."""
    title = f"gradexplain: gradients of {explanation.output.name}"
    return render_report(build_report(explanation, options), picture, title, missing, plots)


# ── a notebook's output: a fragment of someone else's page ─────────────────────────────────

# The class on the fragment's wrapper. Every rule of FRAGMENT_STYLE starts with it, so the
# styles reach nothing outside the output (the page's `td { font-family: monospace }` turned
# every Markdown table of a notebook monospace), and the fragment's own classes carry a `gx-`
# prefix so that the notebook's rules for a `.note` or `.ok` do not reach in either.
SCOPE = "gradexplain"

FRAGMENT_STYLE = """
.gradexplain { --gx-value: #1f4e79; --gx-gradient: #b0185a; --gx-local: #8a5a00; --gx-ok: #1e7b34;
               --gx-bad: #b42318; --gx-dim: #5f6368; line-height: 1.45; }
.gradexplain p { margin: .2rem 0; }
.gradexplain .gx-title { font-weight: 600; margin: 1rem 0 .3rem; }
.gradexplain figure { margin: .6rem 0; overflow-x: auto; }
.gradexplain figure svg { max-width: 100%; height: auto; }
.gradexplain .gx-scroll { overflow-x: auto; }
.gradexplain table { border-collapse: collapse; margin: .3rem 0; font-size: .9em; }
.gradexplain th, .gradexplain td { padding: .25rem .7rem; border: none; border-bottom: 1px solid #ddd;
                                   white-space: nowrap; vertical-align: middle; text-align: left; background: none; }
.gradexplain td { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.gradexplain th { font-weight: 600; border-bottom: 2px solid #999; }
.gradexplain table th.gx-left, .gradexplain table td.gx-left { text-align: left; }  /* beats JupyterLab's */
.gradexplain table th.gx-right, .gradexplain table td.gx-right { text-align: right; }  /* right-aligned cells */
.gradexplain .gx-value { color: var(--gx-value); }
.gradexplain .gx-gradient { color: var(--gx-gradient); font-weight: 600; }
.gradexplain .gx-local { color: var(--gx-local); }
.gradexplain .gx-ok { color: var(--gx-ok); font-weight: 600; }
.gradexplain .gx-bad { color: var(--gx-bad); font-weight: 700; }
.gradexplain .gx-dim { color: var(--gx-dim); }
.gradexplain .gx-box { display: inline-block; min-width: 4.5rem; height: 1.3em; border: 1px solid #767676;
                       border-radius: 3px; vertical-align: middle; }
.gradexplain .gx-note { color: var(--gx-dim); font-size: .9em; }
.gradexplain .gx-missing { border: 1px dashed #999; padding: .5rem .7rem; }
.gradexplain .gx-tex { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
                       white-space: nowrap; }
.gradexplain .gx-tex:has(mjx-container, .MathJax, .MathJax_CHTML, .katex) { position: static; width: auto;
                       height: auto; overflow: visible; clip-path: none; }
.gradexplain .gx-tex:has(mjx-container, .MathJax, .MathJax_CHTML, .katex) + .gx-plain { display: none; }
""".strip()

_ID = re.compile(r'\sid="[^"]*"')
_PLAIN_NUMBER = re.compile(r"-?\d[\d.]*(?:e[+-]?\d+)?")


def _gx(style: str) -> str:
    return f"gx-{style}" if style else ""


# The colours of FRAGMENT_STYLE, for the coloured parts of typeset mathematics: `{\color{c}{…}}`
# means the same in MathJax 2 and 3 (and "Safe" mode keeps it, where it drops \class).
MATH_COLOURS = {"gradient": GRADIENT_COLOUR, "local": LOCAL_COLOUR, "dim": "#5f6368"}  # the drawings' colours


def _tex(cell: Cell) -> str:
    """A cell's mathematics for MathJax, between \\( and \\), its parts in their colours."""
    if cell.math_parts:
        math = "".join(
            f"{{\\color{{{MATH_COLOURS[style]}}}{{{piece}}}}}" if style in MATH_COLOURS else piece
            for piece, style in cell.math_parts
            if piece
        )
    else:
        math = cell.math
    display = "\\displaystyle " if "\\frac" in math else ""  # fractions full size, as in the LaTeX
    return escape(f"\\({display}{math}\\)")


def _fragment_cell(cell: Cell, align: str) -> str:
    """A table cell; with mathematics, twice: as TeX, shown once the notebook has typeset it
    (JupyterLab and Notebook do, with MathJax), and as text, shown until then and wherever the
    output is not typeset (VS Code, a page converted without MathJax)."""
    content = _content(cell, _gx)  # the page's cell, its classes prefixed
    if cell.math and not _PLAIN_NUMBER.fullmatch(cell.text):  # a number reads as well, and aligns, as it is
        content = f'<span class="gx-tex">{_tex(cell)}</span><span class="gx-plain">{content}</span>'
    return f"<td{_class(_gx(cell.style), f'gx-{align}')}>{content}</td>"


def _fragment_table(table: Table) -> list[str]:
    sides = [f"gx-{align}" for align in table.align]
    lines = [f'<p class="gx-title">{escape(table.title)}</p>', '<div class="gx-scroll"><table>', "<thead><tr>"]
    lines += [f"<th{_class(side)}>{escape(column)}</th>" for column, side in zip(table.columns, sides, strict=True)]
    lines.append("</tr></thead><tbody>")
    for row in table.rows:
        lines.append(
            "<tr>" + "".join(_fragment_cell(cell, a) for cell, a in zip(row, table.align, strict=True)) + "</tr>"
        )
    lines.append("</tbody></table></div>")
    lines += [f'<p class="gx-note">{_text(note)}</p>' for note in table.notes]
    return lines


def fragment(report: Report, picture: str | None, missing: str, plots: str | None = None) -> str:
    """The report as a part of a page (a notebook's output): a wrapper with the scoped styles,
    the heading, the drawing (Graphviz's SVG) or `missing`, which says why there is none, the
    tables and the summary. Build the report with math=True for typeset mathematics."""
    first, *rest = report.heading
    lines = [
        f'<div class="{SCOPE}">',
        f"<style>\n{FRAGMENT_STYLE}\n</style>",
        f"<p><strong>{escape(first)}</strong></p>",
        *(f"<p>{escape(line)}</p>" for line in rest),
    ]
    if picture is None:
        lines.append(f'<p class="gx-missing">{escape(missing)}</p>')
    else:  # ids dropped: a notebook holds many drawings, and Graphviz numbers each from 1
        label = "The computation graph: each box shows a node's value and its gradient; arrows carry local derivatives."
        lines += [f'<figure role="img" aria-label="{escape(label)}">', _ID.sub("", inline_svg(picture)), "</figure>"]
    drawn: list[bool] = []
    for table in report.tables:  # the views' picture (or charts in characters) above their first table
        lines += [*_chart(table, plots, drawn), *_fragment_table(table)]
    lines += [f"<p{_class(_gx(cell.style))}>{escape(cell.text)}</p>" for cell in report.summary]
    lines.append("</div>")
    return "\n".join(lines) + "\n"
