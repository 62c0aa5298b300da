"""Rich tables fit the terminal without cutting a number: text wraps between words, less
important columns are left out (and the table says so), and at the narrowest each row is
shown as a list."""

import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from gradexplain import explain
from gradexplain.render import rich as rich_renderer
from gradexplain.render.report import Cell, Table, build_report

SAMPLES = Path(__file__).parent.parent / "gradexplain" / "examples"
WIDTHS = (40, 60, 80, 160)
# A number standing alone: not part of a name such as w11, nor a piece of a longer number.
NUMBER = r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w.])"

CASES = {
    "linear_regression": lambda: explain((SAMPLES / "linear_regression.gx").read_text(), check=True),
    "fan_out": lambda: explain((SAMPLES / "fan_out.gx").read_text(), check=True),
    "square": lambda: explain((SAMPLES / "square.gx").read_text(), check=True),
    "two_layer_relu": lambda: explain(
        (SAMPLES / "two_layer_relu.gx").read_text(),
        wrt=["w11", "w12", "b1", "w21", "w22", "b2", "v1", "v2", "c"],
        check=True,
    ),
    "central": lambda: explain("sigmoid(w*x + b)", {"w": 0.3, "x": 1.7, "b": -0.2}, check=True, central=True),
    "cost": lambda: explain("exp(w)/w", {"w": "1/3"}, check=True, cost=True),
}


def shown_at(explanation, width: int) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(rich_renderer.render(explanation))
    return console.export_text()


def numbers_that_must_show(explanation) -> set[str]:
    """Every number in every column a narrow terminal may not leave out."""
    found = set()
    for table in build_report(explanation).tables:
        for row in table.rows:
            for column, cell in enumerate(row):
                if column not in table.optional and "ms" not in cell.text:  # times differ run to run
                    found.update(re.findall(NUMBER, cell.text))
    return found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("case", CASES)
def test_every_number_shows_whole_and_no_line_is_too_wide(case, width):
    explanation = CASES[case]()
    text = shown_at(explanation, width)
    assert max(cell_len(line) for line in text.splitlines()) <= width
    assert "…" not in text  # rich's mark of a cut cell
    numbers = numbers_that_must_show(explanation)
    assert numbers
    for number in numbers:
        assert re.search(rf"(?<![\w.]){re.escape(number)}(?![\w.])", text), (number, text)


def test_wide_terminals_show_every_column_and_no_note():
    text = shown_at(CASES["linear_regression"](), 160)
    assert "chain rule" in text and "J after" in text and "narrow terminal" not in text


def test_at_60_columns_the_chain_rule_column_is_left_out_and_the_table_says_so():
    text = shown_at(CASES["linear_regression"](), 60)
    assert "∂c/∂w · ∂J/∂c" not in text
    assert "the chain rule column is left out; widen it or use --format text" in " ".join(text.split())
    assert re.search(r"∂J/∂w\s+x\s+-2\s+2\s+-4", text)  # the rest of the row stays on one line


def test_a_sum_row_keeps_its_sum_when_the_chain_rule_column_is_left_out():
    text = shown_at(CASES["fan_out"](), 60)
    assert "the chain rule column is left out" in " ".join(text.split())
    assert text.count("sum of 2 paths:") == 2 and "6 + 10" in text and "6 + 15" in text


def test_the_narrowest_terminals_get_one_row_after_another():
    text = shown_at(CASES["linear_regression"](), 40)
    assert "each row is shown as a list" in " ".join(text.split())
    assert re.search(r"slope estimate \(1\.996002 - 2\)/0\.001 =", text)


def test_no_column_is_narrower_than_its_longest_word():
    table = Table(
        "t", ("name", "formula", "value"), ("left", "left", "right"), ((Cell("a"), Cell("b + c"), Cell("12345678")),)
    )
    plan = rich_renderer.layout(table, 30)
    assert plan is not None and plan.widths[2] == 8 and plan.left_out == ()
    assert rich_renderer.layout(table, 20) is None  # 4 + 5 + 8 + 10 of borders and padding
    optional = Table(table.title, table.columns, table.align, table.rows, optional=(1,))
    plan = rich_renderer.layout(optional, 20)
    assert plan is not None and plan.shown == (0, 2) and plan.left_out == (1,)
