"""Code as people write it (issue 21, its first part): methods (a.relu()) and modules' functions
(math.exp(a), np.tanh(a), torch.relu(a)) are read as the primitives, with a note, and checked
against SymPy's diff of the same formula written with functions."""

from __future__ import annotations

from fractions import Fraction

import pytest

from gradexplain import GradexplainError, explain
from gradexplain.engine.primitives import BY_NAME, FUNCTION_NAMES
from gradexplain.render import render_text
from gradexplain.syntax import MODULES
from tests.conftest import assert_matches_oracle, oracle_gradient, run_cli

ONE_ARGUMENT = [name for name in FUNCTION_NAMES if BY_NAME[name].fewest == 1]
# A point inside every one-argument function's domain (asin, acos need |x| < 1; log, sqrt x > 0).
POINT = {"w": Fraction(1, 3), "x": Fraction(1, 2)}


@pytest.mark.parametrize("function", ONE_ARGUMENT)
def test_every_one_argument_function_is_a_method(function):
    method = explain(f"(w*x).{function}()*w", POINT)
    for name in POINT:
        assert_matches_oracle(method.gradients[name], oracle_gradient(f"{function}(w*x)*w", POINT, name), function)
    note = f"(w*x).{function}() is read as {function}(w*x)"
    assert any(note in n.text for n in method.notes), [n.text for n in method.notes]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_functions_are_the_primitives(module):
    written = explain(f"{module}.tanh(w)*{module}.exp(x)", POINT)
    for name in POINT:
        assert_matches_oracle(written.gradients[name], oracle_gradient("tanh(w)*exp(x)", POINT, name), module)
    said = [n.text for n in written.notes]
    assert f"{module}.tanh(…) is read as tanh(…)" in said and f"{module}.exp(…) is read as exp(…)" in said


def test_micrograd_style_lines_read_as_written():
    """A program in micrograd's style: chained methods, a method on a parenthesised sum."""
    program = "x1 = 2; w1 = -3; x2 = 0; w2 = 1; b = 6.8813735870195432\nn = x1*w1 + x2*w2 + b\no = n.tanh()"
    explanation = explain(program)
    assert float(explanation.output_value) == pytest.approx(0.7071067811865476, rel=1e-12)
    assert float(explanation.gradients["x1"]) == pytest.approx(-1.5, rel=1e-9)  # micrograd's lecture: -1.5
    assert float(explanation.gradients["w1"]) == pytest.approx(1.0, rel=1e-9)
    chained = explain("J = (w*x + b).tanh().exp()", {"w": 1, "x": 2, "b": -1})
    text = render_text(chained, "text")
    assert "J     (w*x + b).tanh().exp()  (1*2 + (-1)).tanh().exp()" in text
    assert "(w*x + b).tanh() is read as tanh(w*x + b)" in text
    assert "(w*x + b).tanh().exp() is read as exp((w*x + b).tanh())" in text


def test_a_value_before_a_dot_is_in_parentheses_and_the_program_format_reads_back():
    explanation = explain("x = -2; y = 3; J = x.relu() + y.exp()")
    text = render_text(explanation, "text")
    assert "(-2).relu() + (3).exp()" in text
    again = explain(render_text(explanation, "program"))
    assert again.gradients == explanation.gradients


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("a.grad", "attribute .grad is not part of the language"),
        ("a.relux()", "unknown method .relux(); did you mean"),
        ("a.max()", "unknown method .max()"),
        ("a.relu(2)", ".relu() takes no arguments"),
        ("math.nope(a)", "unknown function 'nope'"),
    ],
)
def test_a_wrong_method_is_an_input_error_with_a_caret(formula, message):
    with pytest.raises(GradexplainError) as raised:
        explain(formula, {"a": 1})
    assert message in (raised.value.message + "; " + (raised.value.hint or "")).replace("\n", " ")
    result = run_cli(formula, "--a", "1")
    assert result.returncode == 2 and b"Traceback" not in result.stderr and b"^" in result.stderr


@pytest.mark.parametrize(
    ("source", "message", "hint"),
    [
        ("sum(a, b)", "unknown function 'sum'", "add the terms with +"),
        ("mean(a)", "unknown function 'mean'", "write the average out"),
        ("while a: J = a", "'while' statements are not part of the language", "unroll the loop"),
        ("import torch\nJ = a", "'import' statements are not part of the language", "leave the imports out"),
        ("J = a\nJ += a", "augmented assignment '+=' is not part of the language", "write it with a new name"),
        ("if a: J = a", "'if' statements are not part of the language", "relu(x), abs(x), max(a, b)"),
        ("a.relu() if a else 1", "'if' is Python's, not part of the language", "relu(x), abs(x), max(a, b)"),
        ("a.relu(", "'(' is never closed", "add the matching ')'"),
    ],
)
def test_python_that_the_language_lacks_gets_a_specific_hint(source, message, hint):
    result = run_cli(source, "--a", "1")
    err = result.stderr.decode()
    assert result.returncode == 2 and message in err and hint in err and "Traceback" not in err
