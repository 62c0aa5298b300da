import math
from fractions import Fraction

import pytest
import sympy as sp

from gradexplain.engine.arithmetic import DomainError, power
from gradexplain.engine.formula_values import compile_expression
from gradexplain.engine.sympy_functions import relu, sigmoid, softplus, step

a, b = sp.Symbol("_0", real=True), sp.Symbol("_1", real=True)


def evaluate(expr, *values, kinks=None):
    return compile_expression(expr, (a, b))(
        [Fraction(v) if isinstance(v, int) else v for v in values] + [0] * (2 - len(values)), kinks
    )


def test_rational_arithmetic_stays_exact():
    assert evaluate(a**2, Fraction(2001, 1000)) == Fraction(4004001, 1000000)
    assert evaluate(a / b, 1, 3) == Fraction(1, 3)


def test_exact_roots_stay_exact_and_others_become_floats():
    assert evaluate(sp.sqrt(a), Fraction(9, 4)) == Fraction(3, 2)
    assert evaluate(a ** sp.Rational(1, 3), 8) == 2
    assert evaluate(sp.sqrt(a), 2) == pytest.approx(math.sqrt(2))


@pytest.mark.parametrize(
    ("expr", "values", "message"),
    [
        (1 / a, (0,), "division by zero"),
        (sp.log(a), (-1,), "log is only defined for positive numbers"),
        (sp.sqrt(a), (-4,), "square root of a negative number"),
        (a**b, (0, 0), r"0\*\*0 is undefined"),
        (sp.exp(a), (1000,), "too large"),
    ],
)
def test_domain_errors(expr, values, message):
    with pytest.raises(DomainError, match=message):
        evaluate(expr, *values)


def test_functions_with_exact_special_values():
    assert evaluate(sp.exp(a), 0) == 1 and isinstance(evaluate(sp.exp(a), 0), Fraction)
    assert evaluate(sigmoid(a), 0) == Fraction(1, 2)
    assert evaluate(sp.cos(a), 0) == 1
    assert evaluate(softplus(a), 0) == pytest.approx(math.log(2))
    assert evaluate(sigmoid(a), -800) == pytest.approx(0.0)  # no overflow


def test_kinks_are_reported_with_the_subgradient_used():
    kinks: list[str] = []
    assert evaluate(relu(a), 0, kinks=kinks) == 0
    assert evaluate(step(a), 0) == 0  # relu'(0) = 0, PyTorch's convention
    assert evaluate(sp.Abs(a), 0, kinks=kinks) == 0
    assert evaluate(sp.Max(a, b), 3, 3, kinks=kinks) == 3
    assert "relu is not differentiable at 0" in kinks[0]
    assert "abs is not differentiable at 0" in kinks[1]
    assert "tie" in kinks[2]
    assert evaluate(sp.Heaviside(a - b), 3, 3) == Fraction(1, 2)  # max'(tie) = 1/2 each


def test_huge_exact_powers_fall_back_to_float_or_fail_cleanly():
    notes: list[str] = []
    assert isinstance(power(Fraction(10001, 10000), Fraction(100000), notes), float)
    assert notes and "floating point" in notes[0]
    with pytest.raises(DomainError, match="too large"):
        power(Fraction(2), Fraction(10**9))


def test_softplus_far_below_0_is_its_value_not_a_cancelled_0():
    """SymPy's log(1 + exp(-800)) cancels to 0; softplus(-800) is 3.67e-348, so a constant of it
    is refused as too small for floating point, as exp(-800) is, rather than taken as 0."""
    assert softplus(sp.Integer(-800)).evalf(20) == pytest.approx(3.6678745841776872e-348, rel=1e-15)
    assert softplus(sp.Integer(-40)).evalf(20) == pytest.approx(math.exp(-40), rel=1e-12)
    from gradexplain.build import read_value
    from gradexplain.errors import GradexplainError

    with pytest.raises(GradexplainError, match=r"softplus\(-800\) is too small for floating point"):
        read_value("softplus(-800)")
    assert softplus(sp.Symbol("x")).evalf() == softplus(sp.Symbol("x"))
