"""Every gradient against SymPy's diff of the whole expression, parsed independently by SymPy."""

from fractions import Fraction

import pytest

from gradexplain import explain
from tests.conftest import assert_matches_oracle, oracle_gradient

F = Fraction
CASES = [
    ("0.5*(w*x+b-y)**2", {"w": F(2), "x": F(-2), "b": F(8), "y": F(2)}),
    ("w*w", {"w": F(3)}),
    ("w*x*w - x/w", {"w": F(3, 2), "x": F(-5)}),
    ("exp(w)*x", {"w": F(1, 2), "x": F(3)}),
    ("log(w*w + 1)", {"w": F(-2)}),
    ("sqrt(w) + w**0.5", {"w": F(9, 4)}),
    ("sqrt(w*x)", {"w": F(2), "x": F(3)}),
    ("sin(w)*cos(x)", {"w": F(1), "x": F(2)}),
    ("tan(w/2)", {"w": F(1, 3)}),
    ("tanh(w*x + b)", {"w": F(1, 2), "x": F(-1), "b": F(1, 4)}),
    ("sigmoid(w*x + b)", {"w": F(3), "x": F(1), "b": F(-1)}),
    ("relu(w*x - b)", {"w": F(2), "x": F(3), "b": F(1)}),
    ("relu(w*x - b)", {"w": F(2), "x": F(3), "b": F(10)}),
    ("abs(w - x)", {"w": F(1), "x": F(4)}),
    ("max(w, x) + min(w, x*2)", {"w": F(1), "x": F(3)}),
    ("softplus(w*x)", {"w": F(1, 2), "x": F(-3)}),
    ("w^3 - 2*w^2 + e^w", {"w": F(3, 10)}),
    ("pi*w**2", {"w": F(2)}),
    ("w**x", {"w": F(2), "x": F(3)}),
    ("-w**2 + (-w)**2 - --w", {"w": F(5)}),
    ("1/(1 + exp(-(w*x + b)))", {"w": F(1, 3), "x": F(2), "b": F(-1, 2)}),
    ("(w*x + b - y)**2/2 + 0.01*w**2", {"w": F(-1), "x": F(1, 10), "b": F(0), "y": F(1)}),
    ("log(sigmoid(w)) + log(1 - sigmoid(x))", {"w": F(2), "x": F(-1)}),
    ("sin(w)**2 + cos(w)**2", {"w": F(7, 10)}),
    ("w/x/y", {"w": F(1), "x": F(2), "y": F(3)}),
    ("exp(log(w))", {"w": F(4)}),
    ("(w + x)*(w - x)*(w*x)", {"w": F(3), "x": F(-7)}),
    ("tanh(tanh(tanh(w)))", {"w": F(1, 5)}),
    ("atan(w*x) + asin(w/2) + acos(x/3)", {"w": F(1, 2), "x": F(1)}),
    ("sinh(w)*cosh(x - w)", {"w": F(3, 4), "x": F(-1, 3)}),
    ("log2(w) + log10(x) + log1p(w*x)", {"w": F(8), "x": F(100)}),
    ("expm1(w*x) - erf(w - x)", {"w": F(1, 2), "x": F(-3, 2)}),
    ("gelu(w*x) + silu(w - x)", {"w": F(3, 2), "x": F(-1, 2)}),
    ("elu(w) + elu(-x)*w", {"w": F(1, 2), "x": F(2)}),
    ("leaky_relu(w*x) + leaky_relu(w, 1/5)*x", {"w": F(-1, 2), "x": F(3)}),
    ("clip(w*x, -1, 1) + clip(w, x, 2)*x", {"w": F(1, 2), "x": F(1, 4)}),
]


@pytest.mark.parametrize(("text", "point"), CASES, ids=[c[0] for c in CASES])
def test_gradients_match_sympy_diff_of_whole_expression(text, point):
    explanation = explain(text, point)
    for name in point:
        assert_matches_oracle(explanation.gradient(name), oracle_gradient(text, point, name), f"{text} d/d{name}")
    assert explanation.symbolic_agrees


def test_every_function_in_the_table_is_covered():
    from gradexplain.engine.primitives import FUNCTION_NAMES

    used = " ".join(text for text, _ in CASES)
    assert all(f"{name}(" in used for name in FUNCTION_NAMES)


def test_programs_match_the_oracle_of_the_substituted_expression():
    program = "c = w*x\na = c + b\nd = a - y\nJ = d**2/2 + sin(c)*a"
    point = {"w": F(2), "x": F(-2), "b": F(8), "y": F(2)}
    whole = "(((w*x + b) - y)**2/2 + sin(w*x)*(w*x + b))"
    explanation = explain(program, point)
    for name in point:
        assert_matches_oracle(explanation.gradient(name), oracle_gradient(whole, point, name))
