"""Property-based: random formulas over the whole function table, random points, independent oracle."""

import re
from decimal import Decimal
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gradexplain import explain
from gradexplain.engine.primitives import BY_NAME, FUNCTION_NAMES
from gradexplain.errors import EvaluationError
from gradexplain.render import render_text
from tests.conftest import assert_matches_oracle, oracle_expression, oracle_gradient

BINARY = ("+", "-", "*", "/")
UNARY_FUNCTIONS = tuple(name for name in FUNCTION_NAMES if BY_NAME[name].fewest == 1)
BINARY_FUNCTIONS = tuple(name for name in FUNCTION_NAMES if BY_NAME[name].arity == 2)
TERNARY_FUNCTIONS = tuple(name for name in FUNCTION_NAMES if BY_NAME[name].arity == 3)

leaves = st.sampled_from(["w", "x", "w", "x", "2", "0.5", "3", "pi"])


def extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(BINARY), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(children, st.sampled_from(["2", "3", "-1"])).map(lambda t: f"({t[0]})**{t[1]}"),
        st.tuples(st.sampled_from(UNARY_FUNCTIONS), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(BINARY_FUNCTIONS), children, children).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        st.tuples(st.sampled_from(TERNARY_FUNCTIONS), children, children, children).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]}, {t[3]})"
        ),
        children.map(lambda c: f"-{c}"),
    )


def names_in(text: str) -> list[str]:
    return [name for name in ("w", "x") if re.search(rf"\b{name}\b", text)]


formulas = st.recursive(leaves, extend, max_leaves=8).filter(names_in)
points = st.fractions(min_value=-3, max_value=3, max_denominator=4)


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
@settings(suppress_health_check=[HealthCheck.filter_too_much])
@given(formula=formulas, w=points, x=points)
def test_random_formulas_match_sympy_diff(formula, w, x):
    names = names_in(formula)
    point = {"w": w, "x": x}
    try:
        explanation = explain(formula, {name: point[name] for name in names})
    except EvaluationError:
        event("outside the domain")
        return  # log of a negative, 1/0, overflow at this point
    if explanation.notes:
        event("at a kink")
        return  # the subgradient convention differs from SymPy's Heaviside(0) = 1/2
    event("compared with the oracle")
    for name in names:
        oracle = oracle_gradient(formula, {n: Fraction(point[n]) for n in names}, name)
        if not oracle.is_finite or not oracle.is_real:
            continue
        assert_matches_oracle(explanation.gradient(name), oracle, f"{formula} d/d{name} at {point}")
    assert explanation.symbolic_agrees
    for output_format in ("text", "json"):
        assert render_text(explanation, output_format)
    _central_check_passes_where_its_error_bound_applies(formula, names, point)


def _central_check_passes_where_its_error_bound_applies(formula, names, point):
    """The central difference is off by about ε²·|J‴|/6 and passes within 10·ε²·max(1, |J′|),
    so wherever |J‴| ≤ 30·max(1, |J′|) (by the oracle) the check must pass."""
    exact_point = {n: Fraction(point[n]) for n in names}
    checked = explain(formula, exact_point, check=True, central=True, symbolic_limit=0)
    expr = oracle_expression(formula, names)
    at = {sp.Symbol(n, real=True): sp.Rational(v.numerator, v.denominator) for n, v in exact_point.items()}
    for check in checked.checks:
        name = checked.graph.nodes[check.input].name
        third = sp.diff(expr, sp.Symbol(name, real=True), 3).subs(at).evalf(30)
        if not (third.is_real and third.is_finite) or check.problem:
            continue  # no bound to apply, or a nudge left the domain (log near 0, say)
        if abs(third) > 30 * max(1, abs(float(check.gradient))):
            event("central check: curvature beyond the check's error bound")
            continue
        event("central check compared")
        assert check.ok, f"{formula} d/d{name} at {exact_point}: {check.estimate} vs {check.gradient}"


@given(text=st.text(alphabet=st.sampled_from("wx+-*/^()., 0123456789=;\nexpmaxlog_#"), max_size=30))
def test_arbitrary_text_either_explains_or_raises_our_error(text):
    from gradexplain import GradexplainError

    try:
        explain(text, {"w": 1, "x": 2})
    except GradexplainError as error:
        assert error.message
        assert error.describe()


VALID = [
    "0.5*(w*x+b-y)**2",
    "w = 2; x = -2\nc = w*x\nJ = relu(c + b)**2/2",
    "max(w, x) + sigmoid(w)/2 - log(1 + exp(-x))",
    "sqrt(w*w + 1) * tanh(b) ^ 2",
    "w = 0.5  # weight\nJ = softplus(w*x) - abs(min(w, y))",
]
ALPHABET = "wxby+-*/^()., =;#\n\t0123456789eE_²−×[]'\"@!\\"


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(VALID))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "duplicate"]))
        char = draw(st.one_of(st.sampled_from(ALPHABET), st.characters()))
        if action == "insert":
            text = text[:position] + char + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + 1 :]
        elif action == "replace":
            text = text[:position] + char + text[position + 1 :]
        else:
            text = text[:position] + text[position : position + 5] + text[position:]
    return text


def explains_or_raises_our_error(text: str) -> None:
    from gradexplain import GradexplainError

    try:
        explanation = explain(text, {"w": 1, "x": 2, "b": 3, "y": 4}, check=True)
    except GradexplainError as error:
        assert error.message and error.describe()
        return
    for output_format in ("text", "json"):
        assert render_text(explanation, output_format)


@given(text=mutated())
def test_mutated_programs_explain_or_raise_our_error(text):
    explains_or_raises_our_error(text)


@given(text=st.text(max_size=60))
def test_any_unicode_text_explains_or_raises_our_error(text):
    explains_or_raises_our_error(text)


# ── shown arithmetic adds up ──────────────────────────────────────────────────────────────

NUMBER = r"-?[\d.]+(?:e-?\d+)?"
SLOPE = re.compile(rf"\(({NUMBER}) - \(?({NUMBER})\)?\)/({NUMBER}) = ({NUMBER})")
SUM = re.compile(rf"sum of \d+ paths: ({NUMBER}(?: [+-] {NUMBER})*)\s+({NUMBER})$")


def _unit(text: str) -> Fraction:
    return Fraction(10) ** Decimal(text).as_tuple().exponent


def _close(redone: Fraction, shown: str) -> bool:
    return abs(redone - Fraction(Decimal(shown))) <= _unit(shown)


decimals = st.decimals(min_value=-5, max_value=5, places=7, allow_nan=False, allow_infinity=False)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=st.sampled_from(
        ["c = w*x; a = c + b; J = a**2", "sin(w)*w + x", "exp(w*x)/(1 + b*b)", "w*w*x + sigmoid(b)"]
    ),
    w=decimals,
    x=decimals,
    b=decimals,
    central=st.booleans(),
)
def test_every_shown_computation_adds_up_from_the_printed_digits(source, w, x, b, central):
    """A reader who redoes a printed computation with the printed digits gets the printed result,
    within its last digit: slopes, local · upstream = product, and sums over paths."""
    values = {"w": str(w), "x": str(x), "b": str(b)}
    try:
        text = render_text(explain(source, values, check=True, central=central), "text")
    except EvaluationError:
        return
    checked = 0
    for line in text.splitlines():
        if (slope := SLOPE.search(line)) is not None:
            upper, lower, step, estimate = slope.groups()
            redone = (Fraction(Decimal(upper)) - Fraction(Decimal(lower))) / Fraction(Decimal(step))
            assert _close(redone, estimate), line
            checked += 1
        elif (total := SUM.search(line)) is not None:
            terms = total[1].replace("+ ", "+").replace("- ", "-").split()
            assert _close(sum(Fraction(Decimal(term)) for term in terms), total[2]), line
            checked += 1
        elif line.startswith("  ∂") and "·" in line and "sum of" not in line:
            local, upstream, product = line.split()[-3:]
            assert _close(Fraction(Decimal(local)) * Fraction(Decimal(upstream)), product), line
            checked += 1
    assert checked >= 3
