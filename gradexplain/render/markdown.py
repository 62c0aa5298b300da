"""GitHub-flavoured Markdown: the report's tables with the mathematics in `$…$` (rendered by
GitHub and Jupyter), and the computation graph as a Mermaid diagram."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from gradexplain.render import mermaid
from gradexplain.render.report import RenderOptions, Report, Table, build_report

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

_ALIGN = {"left": ":---", "right": "---:"}
# Characters Markdown would read as markup in plain text. Not parentheses: Jupyter would take
# an escaped \( for the start of mathematics.
_MARKUP = re.compile(r"([\\`*_\[\]<>|~$])")


def escape(text: str) -> str:
    """Plain text that Markdown shows as it is, also inside a table cell."""
    return _MARKUP.sub(r"\\\1", text)


def _cell(text: str, math: str) -> str:
    if math:
        return f"${math}$"
    return escape(text) if text else " "


def _table(table: Table) -> list[str]:
    lines = [f"### {escape(table.title)}", ""]
    if table.chart:
        lines += ["```text", *table.chart, "```", ""]
    lines.append("| " + " | ".join(escape(column) for column in table.columns) + " |")
    lines.append("| " + " | ".join(_ALIGN[align] for align in table.align) + " |")
    lines += ["| " + " | ".join(_cell(cell.text, cell.math) for cell in row) + " |" for row in table.rows]
    if table.notes:
        lines.append("")
        # a note that starts with spaces belongs to the one before it (a claim's likely mistake): nested
        lines += [
            f"  - {escape(note.strip())}" if note.startswith("  ") else f"- {escape(note)}" for note in table.notes
        ]
    return lines


def render_report(report: Report, diagram: str) -> str:
    title, *rest = report.heading
    lines = [f"## {escape(title)}", ""]
    lines += [escape(line) + ("  " if i < len(rest) - 1 else "") for i, line in enumerate(rest)]
    lines += ["", "### Computation graph", "", "```mermaid", diagram.rstrip("\n"), "```"]
    for table in report.tables:
        lines.append("")
        lines += _table(table)
    if report.summary:
        lines.append("")
        for cell in report.summary:
            lines += [f"**{escape(cell.text)}**" if cell.style in ("ok", "bad") else escape(cell.text), ""]
        lines.pop()
    return "\n".join(lines) + "\n"


def render(explanation: Explanation, options: RenderOptions | None = None) -> str:
    return render_report(build_report(explanation, options, math=True), mermaid.render(explanation, options))
