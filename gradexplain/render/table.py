"""The Report's model: tables of cells, as plain strings (and LaTeX), and the options and number
formatting every renderer shares. report.py fills it from an Explanation; render/views.py adds
the views' tables; the text, rich, Markdown, LaTeX and HTML renderers lay it out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from gradexplain.latex import latex_number
from gradexplain.notation import LEIBNIZ_NOTATION, Notation
from gradexplain.numbers import DEFAULT_DIGITS, Number, digits_that_add_up, format_number, format_rounded

LEFT, RIGHT = "left", "right"

# A worksheet's empty box (--blank), as text and as LaTeX with room to write in.
BLANK = "________"
BLANK_MATH = r"\boxed{\rule{0pt}{2.5ex}\hspace{1.6cm}}"


@dataclass(frozen=True, slots=True)
class RenderOptions:
    digits: int = DEFAULT_DIGITS
    notation: Notation = LEIBNIZ_NOTATION  # how gradients are written: ∂J/∂w, dJ_dw or w̄
    blank: bool = False  # a worksheet: every computed value and gradient left for the student
    keep_values: bool = False  # with blank: only the gradients are left (the values are given)

    def __post_init__(self) -> None:
        if isinstance(self.notation, str):  # RenderOptions(notation="dvar"), as a library user writes it
            object.__setattr__(self, "notation", Notation(self.notation))


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    style: str = ""  # a hint for renderers with colour: "value", "gradient", "local", "ok", "bad", "dim"
    math: str = ""  # the same in LaTeX (math mode), when the report is built with math=True
    # The text in pieces of different styles, for renderers with colour (a local derivative
    # times a gradient: `∂ₗc/∂w` in one colour, `∂J/∂c` in another); empty: all of it in `style`.
    parts: tuple[tuple[str, str], ...] = ()
    math_parts: tuple[tuple[str, str], ...] = ()  # `math` in the same pieces, when it has them


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    columns: tuple[str, ...]
    align: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...] = ()
    # Columns a narrow terminal may leave out, the least important first (the rich renderer
    # drops them rather than cut a number; files always get every column).
    optional: tuple[int, ...] = ()
    # A chart in characters shown between the title and the columns (a view's plot); formats
    # with pictures (HTML) draw it instead, LaTeX leaves it out.
    chart: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    heading: tuple[str, ...]
    tables: tuple[Table, ...]
    summary: tuple[Cell, ...]


def summarized(report: Report, rows: int, how: str = "--full shows all") -> Report:
    """The report with each table longer than `rows` cut to its first and last rows, and a row
    saying how many are left out and `how` to see them all."""
    tables = []
    for table in report.tables:
        if len(table.rows) <= rows:
            tables.append(table)
            continue
        head, tail = table.rows[: rows * 2 // 3], table.rows[-(rows // 3) :]
        hidden = len(table.rows) - len(head) - len(tail)
        gap = (Cell(f"… {hidden:,} more rows ({how})", "dim"),)
        gap += tuple(Cell("") for _ in table.columns[1:])
        tables.append(replace(table, rows=(*head, gap, *tail)))
    return Report(report.heading, tuple(tables), report.summary)


class Shown:
    """Number formatting bound to the chosen digits, and LaTeX notation when it is wanted.
    `operands_of` gives the formatting for the operands of one shown computation."""

    def __init__(
        self, digits: int, math: bool, rounded: bool = False, notation: Notation = LEIBNIZ_NOTATION, blank: bool = False
    ) -> None:
        self.digits = digits
        self.math = math
        self.rounded = rounded  # every value to `digits`, exact decimals included
        self.notation = notation
        self.blank = blank  # computed values and gradients left empty, for a worksheet

    def __call__(self, value: Number | None) -> str:
        if value is None:
            return ""
        return format_rounded(value, self.digits) if self.rounded else format_number(value, self.digits)

    def operands_of(
        self, operands: Sequence[Number], result: Number, combine: Callable[[list[Fraction]], Fraction]
    ) -> Shown:
        """Formatting for `operands` with digits enough that redoing `combine` with them as shown
        gives `result` as shown, within its last digit (the same digits for all of them)."""
        digits = digits_that_add_up(operands, result, combine, self.digits)
        return Shown(digits, self.math, rounded=True, notation=self.notation, blank=self.blank)

    def operand(self, value: Number, paren_if_negative: bool = True, paren_always: bool = False) -> str:
        """A value where a formula uses it: in parentheses when negative (`2*(-2)`), or always
        (before a method's dot: `(2).relu()`)."""
        text = self(value)
        return f"({text})" if paren_always or (paren_if_negative and text.startswith("-")) else text

    def gradient(self, of: str, by: str, words: str = "") -> Cell:
        """The gradient of `of` with respect to `by` in the chosen notation, `words` after it."""
        math = self.notation.gradient_latex(of, by) + math_words(words) if self.math else ""
        return Cell(self.notation.gradient(of, by) + words, "", math)

    def number(self, value: Number | None, style: str = "value") -> Cell:
        if self.blank and value is not None:
            return Cell(BLANK, "blank", BLANK_MATH if self.math else "")
        text = self(value)
        return Cell(text, style, latex_number(text) if self.math and text else "")


def math_words(words: str) -> str:
    """Words inside LaTeX mathematics (nothing for no words)."""
    return f"\\text{{{words}}}" if words else ""


# Below this many node evaluations for nudging, a run's fixed costs (a pass's set-up, the
# interpreter's dispatch) outweigh the work, and --cost's times would teach the opposite of its counts.
TIMED_FROM = 1_000


def duration(seconds: float) -> str:
    """A measured time, to two significant digits, as a person writes it: 0.31 ms, 12 ms, 120 ms,
    1.5 s, 37 s (never 1.2e2 ms)."""
    milliseconds = float(f"{seconds * 1000:.2g}")
    if milliseconds < 1000:
        return f"{_plain(milliseconds)} ms"
    return f"{_plain(float(f'{seconds:.2g}'))} s" if seconds < 9.5 else f"{seconds:.0f} s"


def _plain(value: float) -> str:
    """A number rounded to two significant digits, without an exponent."""
    if value <= 0:
        return "0"
    return f"{value:.{max(0, 1 - math.floor(math.log10(value)))}f}"
