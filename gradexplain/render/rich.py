"""Rich tables for a terminal: the same Report as plain text, with colour and borders.

Tables fit the terminal's width without ever cutting a number: text columns wrap between words,
no column gets narrower than its longest word, and when even that does not fit, the table leaves
out its less important columns (and says so), then shows each row as a list of fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.padding import Padding
from rich.table import Table as RichTable
from rich.text import Text

from gradexplain.render.report import build_report
from gradexplain.render.table import RIGHT, Cell, RenderOptions, Report, Table, summarized

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

STYLES = {
    "": "",
    "value": "cyan",
    "gradient": "bold magenta",
    "local": "dark_orange3",  # local derivatives: never the gradients' colour
    "blank": "dim",  # a worksheet's empty box
    "dim": "dim",
    "ok": "bold green",
    "bad": "bold red",
}
BOX = box.SIMPLE_HEAD
# Each column takes one space of padding on either side and one of border (SIMPLE_HEAD's are
# blank), plus one border at the end.
PER_COLUMN, PER_TABLE = 3, 1
NOTE_INDENT = 2


def _longest_word(text: str) -> int:
    """The width of the widest word: a column narrower than this would break inside it (a
    number, say), where a wider one wraps between words."""
    return max((cell_len(word) for line in text.splitlines() for word in line.split()), default=0)


def _widest_line(text: str) -> int:
    return max((cell_len(line) for line in text.splitlines()), default=0)


@dataclass(frozen=True, slots=True)
class Layout:
    """Which columns a table shows at a width, and how wide each is (content only)."""

    table: Table  # with the text of left-out columns moved where it still shows (see _without)
    shown: tuple[int, ...]
    widths: tuple[int, ...]
    left_out: tuple[int, ...]


def _texts(table: Table, column: int) -> Iterator[str]:
    yield table.columns[column]
    for row in table.rows:
        yield row[column].text


def _without(table: Table, left_out: list[int]) -> Table:
    """The table with rows whose left-out cell is their only explanation (the fan-out sum row,
    `sum of 2 paths: 6 + 10`, lives in the chain rule column) moving it to the next column
    that is empty in that row."""
    rows = []
    for row in table.rows:
        cells = list(row)
        for gone in left_out:
            if not cells[gone].text:
                continue
            home = next((c for c in range(gone + 1, len(cells)) if c not in left_out and not cells[c].text), None)
            if home is not None and table.align[home] != RIGHT:
                cells[home], cells[gone] = cells[gone], cells[home]
        rows.append(tuple(cells))
    return replace(table, rows=tuple(rows))


def _share(spare: int, least: dict[int, int], most: dict[int, int]) -> dict[int, int]:
    """`least` widths grown by `spare`: first the columns that need at most half of it to not
    wrap at all (the nearest first), then the rest a character at a time to the one most short
    (so a long formula gets the room, not a short one that would merely fit on one line)."""
    widths = dict(least)
    for column in sorted(widths, key=lambda c: (most[c] - widths[c], c)):
        need = most[column] - widths[column]
        if 0 < need <= spare // 2:
            widths[column] += need
            spare -= need
    while spare > 0:
        short = max(widths, key=lambda c: (most[c] - widths[c], -c))
        if most[short] <= widths[short]:
            break
        widths[short] += 1
        spare -= 1
    return widths


def layout(table: Table, width: int) -> Layout | None:
    """Column widths for `width` characters: every column at least as wide as its longest word,
    the room left shared among the columns that wrap. Optional columns are left out, least
    important first, until the rest fits; None when nothing does (the table is then shown row
    by row)."""
    left_out: list[int] = []
    for dropping in (None, *table.optional):
        if dropping is not None:
            left_out.append(dropping)
        view = _without(table, left_out)
        shown = [c for c in range(len(table.columns)) if c not in left_out]
        least = {c: max(_longest_word(text) for text in _texts(view, c)) for c in shown}
        most = {c: max(_widest_line(text) for text in _texts(view, c)) for c in shown}
        room = width - PER_TABLE - PER_COLUMN * len(shown)
        if sum(least.values()) > room:
            continue
        widths = _share(room - sum(least.values()), least, most)
        return Layout(view, tuple(shown), tuple(widths[c] for c in shown), tuple(left_out))
    return None


def _cell(cell: Cell) -> Text:
    """A cell in its style; a cell in parts (a local derivative · a gradient) each part in its own."""
    if not cell.parts:
        return Text(cell.text, style=STYLES[cell.style])
    return Text.assemble(*((text, STYLES[style]) for text, style in cell.parts if text))


def _left_out_note(table: Table, left_out: tuple[int, ...]) -> str:
    names = [f"the {table.columns[c]} column" for c in left_out]
    which = " and ".join(names)
    verb = "are" if left_out[1:] else "is"
    return f"narrow terminal: {which} {verb} left out; widen it or use --format text"


def _notes(notes: list[str]) -> list[RenderableType]:
    """Notes indented, their wrapped lines too (a note that starts with spaces, such as a
    claim's likely mistake under the claim, keeps that indent on every line)."""
    return [
        Padding(Text(note.lstrip(" "), style="italic"), (0, 0, 0, NOTE_INDENT + len(note) - len(note.lstrip(" "))))
        for note in notes
    ]


def _grid(plan: Layout) -> RenderableType:
    table = plan.table
    rich_table = RichTable(title=table.title, title_justify="left", title_style="bold", box=BOX)
    for column, width in zip(plan.shown, plan.widths, strict=True):
        justify = "right" if table.align[column] == RIGHT else "left"
        rich_table.add_column(table.columns[column], justify=justify, width=width, overflow="fold")  # type: ignore[arg-type]
    for row in table.rows:
        rich_table.add_row(*(_cell(row[c]) for c in plan.shown))
    notes = list(table.notes)
    if plan.left_out:
        notes.append(_left_out_note(table, plan.left_out))
    return Group(rich_table, *_notes(notes))


def _stacked(table: Table) -> RenderableType:
    """Too narrow for the table: each row as its first cell, then `column  value` lines."""
    parts: list[RenderableType] = [Text(table.title, style="bold")]
    label_width = max(cell_len(column) for column in table.columns[1:])
    for row in table.rows:
        parts.append(Text(""))
        parts.append(_cell(row[0]))
        fields = RichTable.grid(padding=(0, 1))
        fields.add_column(width=label_width + NOTE_INDENT, justify="right", style="dim")
        fields.add_column(overflow="fold")  # a formula longer than the line breaks; nothing is lost
        for column, cell in zip(table.columns[1:], row[1:], strict=True):
            if cell.text:
                fields.add_row(column, _cell(cell))
        parts.append(fields)
    notes = [*table.notes, "narrow terminal: each row is shown as a list; widen it for a table"]
    parts.append(Text(""))
    return Group(*parts, *_notes(notes))


@dataclass(frozen=True, slots=True)
class FittedTable:
    """A table laid out when rich knows the width it is printed at."""

    table: Table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[RenderableType]:
        plan = layout(self.table, options.max_width)
        yield _stacked(self.table) if plan is None else _grid(plan)


def render_report(report: Report) -> RenderableType:
    parts: list[RenderableType] = [Text(line, style="bold" if i == 0 else "") for i, line in enumerate(report.heading)]
    for table in report.tables:
        parts.append(Text(""))
        if table.chart:  # a view's plot in characters, under its title, never wrapped
            parts.append(Text(table.title, style="bold"))
            parts += [Text(line, no_wrap=True, overflow="crop") for line in table.chart]
            table = replace(table, title="")
        parts.append(FittedTable(table))
    if report.summary:
        parts.append(Text(""))
        parts += [Text(cell.text, style=STYLES[cell.style]) for cell in report.summary]
    return Group(*parts)


def render(explanation: Explanation, options: RenderOptions | None = None, rows: int | None = None) -> RenderableType:
    """Rich tables; with `rows`, tables longer than that show only their first and last rows."""
    report = build_report(explanation, options)
    return render_report(report if rows is None else summarized(report, rows))
