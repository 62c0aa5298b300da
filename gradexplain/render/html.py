"""HTML: one self-contained page (no scripts, no fonts or styles fetched from anywhere) with the
graph drawing and the tables, readable on a phone and printable.

The drawing is Graphviz's SVG, made by the caller and passed in, so this stays a pure function;
without it the page keeps its tables and says how to get the picture.
"""

from __future__ import annotations

import re
from html import escape

from gradexplain.explain import Explanation
from gradexplain.render.report import Cell, RenderOptions, Report, Table, build_report

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
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; color: #000; }
  h1, h2 { break-after: avoid; page-break-after: avoid; }  /* a heading stays with what it heads */
  h2, tr, figure { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }  /* a table that spans pages repeats its column names */
  .scroll, figure { overflow: visible; }
  th, td { white-space: normal; }
  figure svg { max-width: 100%; height: auto; max-height: 24cm; }  /* the whole drawing, never cut */
  figure svg text { fill: #000; }  /* black labels: coloured thin text prints faint */
}
""".strip()

MISSING_PICTURE = (
    "The drawing of the graph needs Graphviz, which is not installed. Install it "
    "(Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz) and run "
    "the same command again; --format dot gives the graph in Graphviz's language meanwhile."
)

_MORE = ' style="margin-left: 1.5rem"'  # a note under the one before it

_PREAMBLE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def inline_svg(svg: str) -> str:
    """Graphviz's SVG file as an element to embed: no XML declaration, doctype or comments."""
    return _COMMENT.sub("", _PREAMBLE.sub("", svg, count=1)).strip()


def _class(*names: str) -> str:
    """A class attribute for the non-empty names, or nothing."""
    joined = " ".join(name for name in names if name)
    return f' class="{joined}"' if joined else ""


def _content(cell: Cell) -> str:
    """A cell's text, its differently styled parts (a local derivative · a gradient) in spans."""
    if not cell.parts:
        return escape(cell.text)
    return "".join(f"<span{_class(style)}>{escape(text)}</span>" for text, style in cell.parts if text)


def _table(table: Table) -> list[str]:
    right = ["right" if align == "right" else "" for align in table.align]
    lines = [f"<h2>{escape(table.title)}</h2>", '<div class="scroll"><table>', "<thead><tr>"]
    lines += [f"<th{_class(side)}>{escape(column)}</th>" for column, side in zip(table.columns, right, strict=True)]
    lines.append("</tr></thead><tbody>")
    for row in table.rows:
        cells = (f"<td{_class(cell.style, side)}>{_content(cell)}</td>" for cell, side in zip(row, right, strict=True))
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody></table></div>")
    # a note that starts with spaces belongs to the one before it (a claim's likely mistake): indented
    lines += [
        f'<p class="note"{_MORE if note.startswith("  ") else ""}>{escape(note.strip())}</p>' for note in table.notes
    ]
    return lines


def render_report(report: Report, picture: str | None, title: str, missing: str | None = None) -> str:
    first, *rest = report.heading
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="gradexplain">',
        f"<title>{escape(title)}</title>",
        f"<style>\n{STYLE}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(first)}</h1>",
        *(f"<p>{escape(line)}</p>" for line in rest),
        "<h2>Computation graph</h2>",
    ]
    if picture is None:
        lines.append(f'<p class="missing">{escape(missing or MISSING_PICTURE)}</p>')
    else:
        label = "The computation graph: each box shows a node's value and its gradient; arrows carry local derivatives."
        lines += [f'<figure role="img" aria-label="{escape(label)}">', inline_svg(picture), "</figure>"]
    for table in report.tables:
        lines += _table(table)
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
) -> str:
    """The page; `picture` is the graph as Graphviz SVG, or None, and then `missing` says why
    (by default: Graphviz is not installed, and how to install it)."""
    title = f"gradexplain: gradients of {explanation.output.name}"
    return render_report(build_report(explanation, options), picture, title, missing)
