"""Symbolic gradients, and their agreement with SymPy's `diff` of the whole expression.

The gradient formula is built the way backprop builds numbers (local derivatives chained along
the graph, summed over paths), then compared with an independent route: writing the output out
as one expression and asking SymPy to differentiate it. Agreement means the chain rule was
applied correctly. Both grow with the expression written out as a tree, so this runs only up to
a size limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from gradexplain.backward import relevant_nodes
from gradexplain.formulas import formula_text
from gradexplain.graph import Graph
from gradexplain.kernels import Kernel
from gradexplain.numbers import Number

DEFAULT_SYMBOLIC_LIMIT = 200


@dataclass(frozen=True, slots=True)
class SymbolicGradient:
    input: int
    expression: sp.Expr  # in SymPy's canonical form, common factors pulled out when shorter
    formula: str
    agrees: bool | None  # with diff of the whole expression; None when SymPy cannot decide


@dataclass(frozen=True, slots=True)
class Symbolic:
    gradients: tuple[SymbolicGradient, ...]
    skipped: str | None  # why there are no symbolic gradients, when there are none


def _sympy_number(value: Number) -> sp.Expr:
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    return sp.Float(value, 30)


def expanded_size(graph: Graph) -> int:
    """How many operations the output has when written out as one expression (shared
    subexpressions counted each time they are used), computed without writing it out."""
    size = [0] * len(graph.nodes)
    for node in graph.nodes:
        if not node.is_input:
            size[node.index] = 1 + sum(size[arg] for arg in node.args)
    return size[graph.output]


def _arguments(kernel: Kernel, args: tuple[int, ...], expressions: list[sp.Expr]) -> dict[sp.Symbol, sp.Expr]:
    return dict(zip(kernel.slots, (expressions[a] for a in args), strict=True))


def _readable(expr: sp.Expr) -> sp.Expr:
    """SymPy's canonical form, or its common factors pulled out when that is shorter. (Full
    `simplify` is slow and likes forms students do not recognise, such as cosh for sigmoid.)"""
    factored = sp.factor_terms(expr)
    return factored if sp.count_ops(factored) < sp.count_ops(expr) else expr


# Identity testing: a nonzero expression is almost never zero at several unrelated points.
_SHIFTS = (sp.Integer(0), sp.Rational(1, 7), sp.Rational(-3, 11))


def _agrees(gradient: sp.Expr, oracle: sp.Expr, point: dict[sp.Symbol, sp.Expr]) -> bool | None:
    difference = sp.expand(gradient - oracle)
    if difference == 0:
        return True
    tested = 0
    for shift in _SHIFTS:
        at = {symbol: value + shift * (1 + abs(value)) for symbol, value in point.items()}
        value = difference.evalf(40, subs=at)
        size = oracle.evalf(40, subs=at)
        if not all(v.is_real and v.is_finite for v in (value, size)):
            continue  # outside the domain there (a log of a negative, say): try another point
        if abs(value) > sp.Float("1e-25") * max(1, abs(size)):
            return False
        tested += 1
    return True if tested else None


def symbolic_gradients(
    graph: Graph,
    kernels: Sequence[Kernel | None],
    values: Sequence[Number],
    wanted: Sequence[int],
    limit: int = DEFAULT_SYMBOLIC_LIMIT,
) -> Symbolic:
    size = expanded_size(graph)
    if size > limit:
        return Symbolic(
            (),
            f"the formula written out has {size} operations, more than the symbolic limit of {limit} "
            "(raise it with --symbolic-limit)",
        )
    expressions: list[sp.Expr] = []
    for node, kernel in zip(graph.nodes, kernels, strict=True):
        if kernel is None:
            expressions.append(sp.Symbol(node.name, real=True))
        else:
            expressions.append(node.template.xreplace(_arguments(kernel, node.args, expressions)))
    relevant = relevant_nodes(graph, wanted)
    adjoints: list[sp.Expr] = [sp.S.Zero] * len(graph.nodes)
    adjoints[graph.output] = sp.S.One
    for node in reversed(graph.nodes):
        kernel = kernels[node.index]
        if kernel is None or not relevant[node.index]:
            continue
        arguments = _arguments(kernel, node.args, expressions)
        for position, arg in enumerate(node.args):
            if relevant[arg]:
                local = kernel.derivatives[position].xreplace(arguments)
                adjoints[arg] = adjoints[arg] + local * adjoints[node.index]
    whole = expressions[graph.output]
    point = {expressions[node.index]: _sympy_number(values[node.index]) for node in graph.inputs}
    gradients = []
    for index in wanted:
        readable = _readable(adjoints[index])
        oracle = sp.diff(whole, expressions[index])
        gradients.append(SymbolicGradient(index, readable, formula_text(readable), _agrees(readable, oracle, point)))
    return Symbolic(tuple(gradients), None)
