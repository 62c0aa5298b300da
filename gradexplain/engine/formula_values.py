"""SymPy formulas at a point, fast and exact where possible: for comparing two formulas (the
symbolic gradients against `sympy.diff`) at a few points without SymPy's slow substitution.

Each distinct expression is compiled once into closures that apply the primitives' rows in the
Exact system, so a formula SymPy wrote (`x*(1 - tanh(w*x)**2)`) computes as the engine would;
the few heads that appear only in SymPy's derivatives (`step`, Heaviside, sign) are read here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction

import sympy as sp

from gradexplain.engine.arithmetic import HALF, ONE, ZERO, DomainError, Kinks, settle
from gradexplain.engine.primitives import BY_NAME, Primitive, heads
from gradexplain.engine.sympy_functions import step
from gradexplain.engine.systems import Exact
from gradexplain.numbers import EXACT_BITS_LIMIT, Number

Evaluator = Callable[[Sequence[Number], Kinks], Number]

_HEADS = heads()


def _sign(x: Number) -> Number:
    return ONE if x > 0 else (-ONE if x < 0 else ZERO)


def _unit(positive: bool) -> Fraction:
    return ONE if positive else ZERO


# SymPy's derivatives of the piecewise primitives, which no user writes.
_DERIVATIVE_HEADS: dict[type, Callable[[Number], Number]] = {sp.sign: _sign, step: lambda x: _unit(x > 0)}


def _constant(expr: sp.Expr) -> Number:
    if expr.is_Rational:
        return Fraction(int(expr.p), int(expr.q))
    value = float(expr.evalf(20))
    if not math.isfinite(value):
        raise DomainError(f"{expr} has no finite value")
    return value


def compile_expression(
    expr: sp.Expr,
    slots: Sequence[sp.Symbol],
    position: dict[sp.Symbol, int] | None = None,
    exact_bits: int = EXACT_BITS_LIMIT,
) -> Evaluator:
    """Compile `expr` (a function of `slots`) into `evaluate(values, kinks) -> Number`.

    `kinks`, when a list, receives a sentence for each non-differentiable point met. `position`
    (slot → index) may be passed in when many expressions share the same slots.
    """
    if position is None:
        position = {symbol: index for index, symbol in enumerate(slots)}
    system = Exact(exact_bits)
    compiled: dict[sp.Basic, Evaluator] = {}
    # Post-order walk with an explicit stack: expressions may be deep, recursion is not allowed.
    stack: list[tuple[sp.Basic, bool]] = [(expr, False)]
    while stack:
        node, children_done = stack.pop()
        if node in compiled:
            continue
        if not children_done and node.args and not node.is_Number:
            stack.append((node, True))
            stack.extend((arg, False) for arg in node.args if arg not in compiled)
            continue
        compiled[node] = _compile_node(node, position, compiled, system)
    return compiled[expr]


def _compile_node(
    node: sp.Basic, position: dict[sp.Symbol, int], compiled: dict[sp.Basic, Evaluator], system: Exact
) -> Evaluator:
    if node.is_Symbol:
        if node not in position:
            raise ValueError(f"free symbol {node} is not an argument")
        index = position[node]
        return lambda values, kinks: values[index]
    if node.is_Number or node.is_NumberSymbol:
        value = _constant(node)
        return lambda values, kinks: value
    parts = [compiled[arg] for arg in node.args]
    head, bits = node.func, system.bits
    if head is sp.Add:
        return lambda values, kinks: settle(sum((part(values, kinks) for part in parts), ZERO), kinks, bits)
    if head is sp.Mul:

        def multiply(values: Sequence[Number], kinks: Kinks) -> Number:
            product: Number = ONE
            for part in parts:
                product = product * part(values, kinks)
            return settle(product, kinks, bits)

        return multiply
    if head is sp.Pow:
        return _applied(BY_NAME["**"], parts, system)
    if head in _HEADS:
        return _applied(_HEADS[head], parts, system)
    if head in _DERIVATIVE_HEADS:
        function, (argument,) = _DERIVATIVE_HEADS[head], parts
        return lambda values, kinks: function(argument(values, kinks))
    if head is sp.Heaviside:
        return _heaviside(parts)
    raise NotImplementedError(f"no numeric rule for {head.__name__}")


def _applied(primitive: Primitive, parts: list[Evaluator], system: Exact) -> Evaluator:
    """The primitive's row on the parts' values; SymPy's Max and Min of more than two (it
    flattens max(max(a, b), c)) fold left, as the user's nesting computed them."""
    if len(parts) <= primitive.arity:
        return lambda values, kinks: system.value(primitive, [part(values, kinks) for part in parts], kinks)

    def fold(values: Sequence[Number], kinks: Kinks) -> Number:
        result = parts[0](values, kinks)
        for part in parts[1:]:
            result = system.value(primitive, [result, part(values, kinks)], kinks)
        return result

    return fold


def _heaviside(parts: list[Evaluator]) -> Evaluator:
    at_zero_part = parts[1] if len(parts) > 1 else None

    def evaluate(values: Sequence[Number], kinks: Kinks) -> Number:
        x = parts[0](values, kinks)
        if x == 0:
            return at_zero_part(values, kinks) if at_zero_part else HALF
        return _unit(x > 0)

    return evaluate
