"""--blank: worksheets with every computed value and gradient left for the student."""

import re

import pytest

from gradexplain import explain
from gradexplain.render import RenderOptions, render_text
from gradexplain.render.report import BLANK, BLANK_MATH, build_report
from tests.conftest import EXAMPLES, plain_local_marks, run_cli

LECTURE = explain((EXAMPLES / "linear_regression.gx").read_text(encoding="utf-8"), check=True)
DEAD_UNIT = explain((EXAMPLES / "two_layer_relu.gx").read_text(encoding="utf-8"))
WORKSHEET = RenderOptions(blank=True)
# Computed values and gradients of the lecture's unit that are not also an input's value.
ANSWERS = ("-4", "-3.998", "1.996002")


def test_every_computed_value_and_gradient_is_left_empty():
    report = build_report(LECTURE, WORKSHEET)
    forward, backward, gradients = report.tables
    assert [row[3].text for row in forward.rows] == [BLANK] * 4
    assert forward.rows[1][2].text == f"{BLANK} + 8"  # a = c + b: c is computed, b is given
    assert all(cell.text == BLANK for row in backward.rows for cell in row[3:])
    assert all(row[1].text == BLANK and row[2].text == BLANK for row in gradients.rows)  # values and formulas
    assert backward.rows[-1][2].text == "w"  # the local derivative's formula stays: it is the method


def test_a_worksheet_leaves_out_the_checks_whose_backprop_column_holds_the_answers():
    text = render_text(LECTURE, "text", WORKSHEET)
    assert "Gradient check" not in text and "gradient checks pass" not in text
    assert "A worksheet: fill in the values left to right" in text
    assert not any(answer in text for answer in ANSWERS)


@pytest.mark.parametrize("format", ["text", "markdown", "latex", "html", "dot", "mermaid", "tree"])
def test_no_format_gives_an_answer_away(format):
    text = render_text(LECTURE, format, WORKSHEET)
    assert not any(re.search(rf"(?<![\d.]){re.escape(answer)}(?![\d.])", text) for answer in ANSWERS), format
    assert re.search(r"∂ₗc/∂w|\\partial_\{\\ell\} c\}\{\\partial w\}", plain_local_marks(text))  # the method stays
    key = render_text(LECTURE, format)
    assert "-4" in key  # the same command without --blank is the answer key


def test_drawings_give_local_derivative_formulas_without_values_and_keep_the_given_ones():
    tree = render_text(LECTURE, "tree", WORKSHEET)
    assert "∂J/∂J = 1" in tree and f"∂J/∂w = {BLANK}" in tree and f"c = w*x = {BLANK}" in tree
    assert re.search(r"∂ₗc/∂w = x$", tree, flags=re.MULTILINE)
    dot = render_text(DEAD_UNIT, "dot", WORKSHEET)
    assert "passes no gradient" not in dot and "dotted" not in dot  # the dead unit is for the student to find
    assert "passes no gradient" in render_text(DEAD_UNIT, "dot")


def test_html_and_latex_worksheets_have_boxes_to_write_in():
    html = render_text(LECTURE, "html", WORKSHEET)
    blanks = sum(
        cell.style == "blank" for table in build_report(LECTURE, WORKSHEET).tables for row in table.rows for cell in row
    )
    assert html.count('<span class="box" role="img" aria-label="to fill in"></span>') == blanks
    latex = render_text(LECTURE, "latex", WORKSHEET)
    assert latex.count(BLANK_MATH) >= 4 + 8  # every computed value in the trace, every gradient
    assert (
        r"\frac{\partial J}{\partial w} = \frac{\partial J}{\partial c} \cdot \frac{\partial_{\ell} c}{\partial w} = "
        in latex
    )


def test_the_command_line_makes_worksheets_and_refuses_formats_that_hold_the_answers():
    sample = str(EXAMPLES / "linear_regression.gx")
    sheet = run_cli(sample, "--blank")
    assert sheet.returncode == 0 and BLANK.encode() in sheet.stdout
    for fmt in ("json", "program"):
        refused = run_cli(sample, "--blank", "--format", fmt)
        assert refused.returncode == 2 and b"--blank makes worksheets" in refused.stderr
    checked = run_cli(sample, "--blank", "--check")
    assert checked.returncode == 0 and b"leaves out the gradient checks" in checked.stderr


def test_worksheet_golden_files(format_snapshot):
    """The lecture's worksheet as a teacher prints it: text, LaTeX and HTML."""
    for fmt, extension in (("text", "txt"), ("latex", "tex"), ("html", "html")):
        assert render_text(LECTURE, fmt, WORKSHEET) == format_snapshot(extension)


@pytest.mark.parametrize("options", [("--plot", "w"), ("--sweep", "w"), ("--mode", "forward"), ("--claim", "dw=5")])
def test_a_worksheet_refuses_what_would_give_the_answers_away(options):
    result = run_cli(str(EXAMPLES / "linear_regression.gx"), "--blank", *options)
    assert result.returncode == 2 and b"would give the answers away" in result.stderr
