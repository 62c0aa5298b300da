"""Plain text: the report as aligned columns, identical bytes on every run and every terminal."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from gradexplain.render.report import RIGHT, RenderOptions, Report, Table, build_report

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

GAP = "  "


def display_width(text: str) -> int:
    """Display width: combining marks take no column, wide (East Asian) characters two."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _pad(text: str, width: int, align: str) -> str:
    fill = " " * (width - display_width(text))
    return fill + text if align == RIGHT else text + fill


def table_lines(table: Table) -> list[str]:
    cells = [list(table.columns)] + [[cell.text for cell in row] for row in table.rows]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(table.columns))]
    lines = [table.title, *(f"  {line}" for line in table.chart)]
    header = GAP.join(_pad(c, w, a) for c, w, a in zip(table.columns, widths, table.align, strict=True))
    rule = GAP.join("-" * w for w in widths)
    lines += ["  " + header.rstrip(), "  " + rule]
    for row in cells[1:]:
        lines.append("  " + GAP.join(_pad(c, w, a) for c, w, a in zip(row, widths, table.align, strict=True)).rstrip())
    lines += [f"  {note}" for note in table.notes]
    return lines


def render_report(report: Report) -> str:
    lines = list(report.heading)
    for table in report.tables:
        lines.append("")
        lines.extend(table_lines(table))
    if report.summary:
        lines.append("")
        lines.extend(cell.text for cell in report.summary)
    return "\n".join(lines) + "\n"


def render(explanation: Explanation, options: RenderOptions | None = None) -> str:
    return render_report(build_report(explanation, options))
