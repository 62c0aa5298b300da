"""Rich tables for a terminal: the same Report as plain text, with colour and borders."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from gradexplain.explain import Explanation
from gradexplain.render.report import RenderOptions, Report, Table, build_report, summarized

STYLES = {
    "": "",
    "value": "cyan",
    "gradient": "bold magenta",
    "dim": "dim",
    "ok": "bold green",
    "bad": "bold red",
}


def _table(table: Table) -> RenderableType:
    rich_table = RichTable(title=table.title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD)
    for column, align in zip(table.columns, table.align, strict=True):
        rich_table.add_column(column, justify=align, no_wrap=False)  # type: ignore[arg-type]
    for row in table.rows:
        rich_table.add_row(*(Text(cell.text, style=STYLES[cell.style]) for cell in row))
    parts: list[RenderableType] = [rich_table]
    parts += [Text("  " + note, style="italic") for note in table.notes]
    return Group(*parts)


def render_report(report: Report) -> RenderableType:
    parts: list[RenderableType] = [Text(line, style="bold" if i == 0 else "") for i, line in enumerate(report.heading)]
    for table in report.tables:
        parts.append(Text(""))
        parts.append(_table(table))
    if report.summary:
        parts.append(Text(""))
        parts += [Text(cell.text, style=STYLES[cell.style]) for cell in report.summary]
    return Group(*parts)


def render(explanation: Explanation, options: RenderOptions | None = None, rows: int | None = None) -> RenderableType:
    """Rich tables; with `rows`, tables longer than that show only their first and last rows."""
    report = build_report(explanation, options)
    return render_report(report if rows is None else summarized(report, rows))
