"""Symbolic gradients, and their agreement with SymPy's `diff` of the whole expression.

The gradient formula is built the way backprop builds numbers (local derivatives chained along
the graph, summed over paths), then compared with an independent route: writing the output out
as one expression and asking SymPy to differentiate it. Agreement means the chain rule was
applied correctly. Both grow with the expression written out as a tree, so this runs only up to
a size limit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from gradexplain.engine.arithmetic import DomainError
from gradexplain.engine.formula_values import compile_expression
from gradexplain.engine.interpreter import relevant_nodes
from gradexplain.engine.kernels import Kernel
from gradexplain.formulas import formula_text
from gradexplain.graph import Graph
from gradexplain.numbers import Number, is_exact

DEFAULT_SYMBOLIC_LIMIT = 200
# All the symbolic gradients together may cost this many times the limit (operations × gradients):
# a 170-operation network with 110 inputs took 7.5 s before this bound.
WORK_FACTOR = 10


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


def expanded_sizes(graph: Graph, kernels: Sequence[Kernel | None], cap: int | None = None) -> list[int]:
    """How many operations each node has when written out as one expression in the inputs
    (shared subexpressions counted each time they are used), computed without writing it out:
    `sin(a) + cos(a)` counts a twice, so a chain of those doubles at every step. Sizes stop
    growing at `cap` (any size above it is as good as another), so the numbers stay small."""
    size = [0] * len(graph.nodes)
    # per distinct template: its own operations, and how often each slot occurs in it
    shapes: dict[sp.Expr, tuple[int, tuple[int, ...]]] = {}
    for node, kernel in zip(graph.nodes, kernels, strict=True):
        if kernel is None:
            continue
        if kernel.template not in shapes:
            slots = set(kernel.slots)
            counts = Counter(term for term in sp.preorder_traversal(kernel.template) if term in slots)
            shapes[kernel.template] = (max(1, sp.count_ops(kernel.template)), tuple(counts[s] for s in kernel.slots))
        operations, uses = shapes[kernel.template]
        total = operations + sum(n * size[a] for n, a in zip(uses, node.args, strict=True))
        size[node.index] = total if cap is None else min(total, cap)
    return size


def expanded_size(graph: Graph, kernels: Sequence[Kernel | None], cap: int | None = None) -> int:
    """The output's size written out as one expression (see `expanded_sizes`)."""
    return expanded_sizes(graph, kernels, cap)[graph.output]


def _arguments(kernel: Kernel, args: tuple[int, ...], expressions: list[sp.Expr]) -> dict[sp.Symbol, sp.Expr]:
    return dict(zip(kernel.slots, (expressions[a] for a in args), strict=True))


def longer_than(expr: sp.Expr, most: int) -> bool:
    """Whether `expr` written out has more than `most` parts, counted only that far: a chain of
    37 tanh links has gradient formulas of tens of thousands, which took minutes to tidy and print."""
    return any(count >= most for count, _ in enumerate(sp.preorder_traversal(expr)))


# Identity testing: a nonzero expression is almost never zero at several unrelated points.
_SHIFTS = (Fraction(0), Fraction(1, 7), Fraction(-3, 11))
# Where values are floating point, a real chain-rule error shows as an O(1) relative difference.
_FLOAT_AGREEMENT = 1e-7


def _agrees(gradient: sp.Expr, oracle: sp.Expr, point: dict[sp.Symbol, Number]) -> bool | None:
    """Whether two formulas are the same function: exactly zero difference, or equal at the point
    and two shifted points (evaluated with gradexplain's fast exact arithmetic, not SymPy's evalf,
    which re-evaluates shared subexpressions and can take minutes)."""
    difference = gradient - oracle  # never expand: (a*a + w) nested 12 times has degree 4096
    if difference == 0:
        return True
    symbols = tuple(point)
    try:
        evaluate_difference = compile_expression(difference, symbols)
        evaluate_oracle = compile_expression(oracle, symbols)
    except (NotImplementedError, DomainError):  # a formula SymPy writes as nan (0**w*log(0))
        return None
    tested = 0
    for shift in _SHIFTS:
        at = [value + shift * (1 + abs(value)) for value in point.values()]
        try:
            gap, size = evaluate_difference(at, None), evaluate_oracle(at, None)
        except (DomainError, ZeroDivisionError, OverflowError):
            continue  # outside the domain there (a log of a negative, say): try another point
        if is_exact(gap) and is_exact(size):
            if gap != 0:
                return False
        elif abs(gap) > _FLOAT_AGREEMENT * max(1, abs(size)):
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
    size = expanded_size(graph, kernels, cap=limit + 1)
    if size > limit:
        return Symbolic(
            (),
            f"the formula, written out, is more than the symbolic limit of {limit} operations "
            "(raise it with --symbolic-limit)",
        )
    if size * len(wanted) > WORK_FACTOR * limit:  # each gradient costs a diff and a comparison
        return Symbolic(
            (),
            f"{len(wanted)} symbolic gradients of a formula of {size} operations are more work than "
            f"{WORK_FACTOR} × the symbolic limit of {limit} allows (pick inputs with --wrt, or raise --symbolic-limit)",
        )
    if any(kernel is not None and kernel.derivatives is None for kernel in kernels):
        return Symbolic((), "some local derivatives are too large to write out, so the gradients are not either")
    try:
        return _symbolic_gradients(graph, kernels, values, wanted, limit)
    except RecursionError:
        return Symbolic((), "the formula is nested too deeply to write its gradients out")


def written_out(graph: Graph, kernels: Sequence[Kernel | None]) -> list[sp.Expr]:
    """Every node as one expression in the inputs (real symbols named like them). Check
    `expanded_size` first: shared subexpressions are written out each time they are used."""
    expressions: list[sp.Expr] = []
    for node, kernel in zip(graph.nodes, kernels, strict=True):
        if kernel is None:
            expressions.append(sp.Symbol(node.name, real=True))
        else:
            expressions.append(kernel.template.xreplace(_arguments(kernel, node.args, expressions)))
    return expressions


def adjoint_expressions(
    graph: Graph, kernels: Sequence[Kernel | None], expressions: Sequence[sp.Expr], relevant: Sequence[bool]
) -> list[sp.Expr]:
    """∂output/∂node for every relevant node, as formulas in the inputs: the local derivatives
    chained along the graph and summed over paths, as backprop does with numbers."""
    adjoints: list[sp.Expr] = [sp.S.Zero] * len(graph.nodes)
    adjoints[graph.output] = sp.S.One
    for node in reversed(graph.nodes):
        kernel = kernels[node.index]
        if kernel is None or not relevant[node.index]:
            continue
        arguments = _arguments(kernel, node.args, expressions)
        for position, arg in enumerate(node.args):
            if relevant[arg]:
                local = kernel.derivatives[position].xreplace(arguments)  # type: ignore[index]
                adjoints[arg] = adjoints[arg] + local * adjoints[node.index]
    return adjoints


def readable(expr: sp.Expr) -> sp.Expr:
    """SymPy's canonical form, or its common factors pulled out when that is shorter. (Full
    `simplify` is slow and likes forms students do not recognise, such as cosh for sigmoid.)"""
    factored = sp.factor_terms(expr)
    return factored if sp.count_ops(factored) < sp.count_ops(expr) else expr


def _symbolic_gradients(
    graph: Graph, kernels: Sequence[Kernel | None], values: Sequence[Number], wanted: Sequence[int], limit: int
) -> Symbolic:
    expressions = written_out(graph, kernels)
    adjoints = adjoint_expressions(graph, kernels, expressions, relevant_nodes(graph, wanted))
    longest = WORK_FACTOR * limit
    if any(longer_than(adjoints[index], longest) for index in wanted):
        return Symbolic(
            (),
            f"the gradient formulas, written out, are longer than {longest} terms "
            "(raise it with --symbolic-limit, or pick inputs with --wrt)",
        )
    whole = expressions[graph.output]
    point = {expressions[node.index]: values[node.index] for node in graph.inputs}
    gradients = []
    for index in wanted:
        shown = readable(adjoints[index])
        oracle = sp.diff(whole, expressions[index])
        gradients.append(SymbolicGradient(index, shown, formula_text(shown), _agrees(shown, oracle, point)))
    return Symbolic(tuple(gradients), None)
