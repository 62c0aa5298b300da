"""Differential testing against an independent autodiff engine: HIPS autograd, in floats.

Random formulas are generated as trees and rendered twice: as gradexplain text, and as an
autograd function. Their gradients must agree to 1e-9 (relative) away from kinks, where the
engines' conventions differ on purpose (autograd gives relu'(0) = 1/2).
"""

from __future__ import annotations

import math

import autograd.numpy as anp
import pytest
from autograd import grad
from autograd.scipy.special import erf
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gradexplain import explain
from gradexplain.errors import EvaluationError

NAMES = ("w", "x", "b")
UNARY = {
    "exp": anp.exp,
    "log": anp.log,
    "sqrt": anp.sqrt,
    "sin": anp.sin,
    "cos": anp.cos,
    "tan": anp.tan,
    "tanh": anp.tanh,
    "sigmoid": lambda v: 1.0 / (1.0 + anp.exp(-v)),
    "relu": lambda v: anp.maximum(v, 0.0),
    "abs": anp.abs,
    "softplus": lambda v: anp.logaddexp(0.0, v),
    "atan": anp.arctan,
    "asin": anp.arcsin,
    "acos": anp.arccos,
    "sinh": anp.sinh,
    "cosh": anp.cosh,
    "log2": anp.log2,
    "log10": anp.log10,
    "log1p": anp.log1p,
    "expm1": anp.expm1,
    "erf": erf,
    "gelu": lambda v: v * (1.0 + erf(v / math.sqrt(2.0))) / 2.0,
    "silu": lambda v: v / (1.0 + anp.exp(-v)),
    "elu": lambda v: anp.where(v > 0, v, anp.expm1(anp.minimum(v, 0.0))),
    "leaky_relu": lambda v: anp.where(v > 0, v, 0.01 * v),
}
BINARY_FUNCTIONS = {"max": anp.maximum, "min": anp.minimum, "leaky_relu": lambda v, a: anp.where(v > 0, v, a * v)}
TERNARY_FUNCTIONS = {"clip": lambda v, lo, hi: anp.minimum(anp.maximum(v, lo), hi)}
CONSTANTS = {"2": 2.0, "0.5": 0.5, "3": 3.0, "pi": math.pi}

leaf = st.one_of(
    st.sampled_from(NAMES).map(lambda n: ("name", n)), st.sampled_from(sorted(CONSTANTS)).map(lambda c: ("const", c))
)


def _extend(inner):
    return st.one_of(
        st.tuples(st.just("op"), st.sampled_from("+-*/"), inner, inner),
        st.tuples(st.just("pow"), inner, st.sampled_from([2, 3, -1])),
        st.tuples(st.just("fn"), st.sampled_from(sorted(UNARY)), inner),
        st.tuples(st.just("fn2"), st.sampled_from(sorted(BINARY_FUNCTIONS)), inner, inner),
        st.tuples(st.just("fn3"), st.sampled_from(sorted(TERNARY_FUNCTIONS)), inner, inner, inner),
        st.tuples(st.just("neg"), inner),
    )


trees = st.recursive(leaf, _extend, max_leaves=10)


def text(tree) -> str:
    kind = tree[0]
    if kind in ("name", "const"):
        return tree[1]
    if kind == "op":
        return f"({text(tree[2])} {tree[1]} {text(tree[3])})"
    if kind == "pow":
        return f"({text(tree[1])})**{tree[2]}"
    if kind == "fn":
        return f"{tree[1]}({text(tree[2])})"
    if kind == "fn2":
        return f"{tree[1]}({text(tree[2])}, {text(tree[3])})"
    if kind == "fn3":
        return f"{tree[1]}({text(tree[2])}, {text(tree[3])}, {text(tree[4])})"
    return f"-({text(tree[1])})"


def evaluate(tree, env):
    kind = tree[0]
    if kind == "name":
        return env[tree[1]]
    if kind == "const":
        return CONSTANTS[tree[1]]
    if kind == "op":
        a, b = evaluate(tree[2], env), evaluate(tree[3], env)
        if tree[1] == "+":
            return a + b
        if tree[1] == "-":
            return a - b
        return a * b if tree[1] == "*" else a / b
    if kind == "pow":
        return evaluate(tree[1], env) ** tree[2]
    if kind == "fn":
        return UNARY[tree[1]](evaluate(tree[2], env))
    if kind == "fn2":
        return BINARY_FUNCTIONS[tree[1]](evaluate(tree[2], env), evaluate(tree[3], env))
    if kind == "fn3":
        return TERNARY_FUNCTIONS[tree[1]](*(evaluate(part, env) for part in tree[2:]))
    return -evaluate(tree[1], env)


def names_in(tree) -> list[str]:
    found: set[str] = set()
    stack = [tree]
    while stack:
        item = stack.pop()
        if item[0] == "name":
            found.add(item[1])
        else:
            stack.extend(part for part in item[1:] if isinstance(part, tuple))
    return [name for name in NAMES if name in found]


points = st.fractions(min_value=-2, max_value=2, max_denominator=8)


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::hypothesis.errors.HypothesisWarning")
@settings(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(tree=trees.filter(names_in), w=points, x=points, b=points)
def test_gradients_match_autograd(tree, w, x, b):
    names = names_in(tree)
    point = {"w": w, "x": x, "b": b}
    formula = text(tree)
    try:
        explanation = explain(formula, {name: point[name] for name in names}, symbolic_limit=0)
    except EvaluationError:
        event("outside the domain")
        return
    if explanation.notes:
        event("at a kink (conventions differ)")
        return
    env = {name: float(point[name]) for name in names}
    for name in names:

        def as_function(value, name=name):
            return evaluate(tree, {**env, name: value})

        theirs = float(grad(as_function)(env[name]))
        if not math.isfinite(theirs):
            event("autograd overflowed")
            return
        ours = float(explanation.gradient(name))
        assert math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-9), (
            f"d/d{name} {formula} at {env}: {ours} vs {theirs}"
        )
    event("compared with autograd")
