"""Each distinct node shape, prepared once: its SymPy template and local derivatives, for show.

The template is the node's recipe run in SymPy: each primitive's symbolic form applied to slot
symbols and to the constants' exact forms, a run of + and - (or * and /) written as one sum (or
product). A graph of 100,000 multiplications has one `_0*_1` kernel: SymPy derives its local
derivatives once and every node reuses them. Numbers never come from SymPy's forms (which SymPy
may have rewritten, see tape.py) but from the recipe, run as written by the interpreter; so
kernels are made only when formulas are shown, after the gradients are known.

SymPy's derivatives are only for showing formulas, and they are bounded: an assignment with
thousands of names (`J = w0*w1*…*w2999`) would need thousands of formulas thousands of terms
long. Above `DERIVATIVE_WORK` (the template's size times its number of arguments), or when SymPy
runs out of recursion on a deeply nested formula, the formulas are not written out; the numbers
are the same either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sympy as sp

from gradexplain.engine.arithmetic import DomainError
from gradexplain.engine.primitives import heads
from gradexplain.engine.tape import CONSTANT, SLOT, Recipe
from gradexplain.errors import InputError, brief
from gradexplain.graph import Graph, slot

# Template size × arguments above which local derivative formulas are not written out (a sum
# of 200 names has 200 formulas of one term each; a product of 200, 200 of 199 factors).
DERIVATIVE_WORK = 40_000


@dataclass(frozen=True, slots=True)
class Kernel:
    template: sp.Expr
    slots: tuple[sp.Symbol, ...]
    derivatives: tuple[sp.Expr, ...] | None  # ∂template/∂slot_i, or None when not written out
    derivative_slots: tuple[tuple[int, ...], ...]  # which slots each derivative mentions


# The functions of the primitives table: each differentiates as `fdiff` says (Abs and max/min by
# rules of their own that come to the same, as the tests check).
_PRIMITIVE_FUNCTIONS = frozenset(heads())


def _derivative(expr: sp.Expr, symbol: sp.Symbol) -> sp.Expr:
    """∂expr/∂symbol, written directly for the shapes one primitive makes of its arguments and
    constants (`_0`, `-_1`, `2*_0`, `_0**2`, `exp(_0)`, `max(_0, _1)`), each exactly what
    `sp.diff` returns (tests/test_kernels.py compares every primitive); anything else goes to
    `sp.diff`. Its machinery was most of the compile stage of a short run, cold as it is there."""
    if expr == symbol:
        return sp.S.One
    if expr.is_Pow and expr.base == symbol and expr.exp.is_Rational:
        return expr.exp * symbol ** (expr.exp - 1)
    args = expr.args
    if type(expr) in _PRIMITIVE_FUNCTIONS and args.count(symbol) == 1:
        others = [arg for arg in args if arg != symbol]
        if all(arg.is_Symbol or arg.is_number for arg in others):
            return expr.fdiff(args.index(symbol) + 1)
    if expr.is_Mul and all(arg == symbol or arg.is_number for arg in args) and args.count(symbol) == 1:
        return sp.Mul(*(arg for arg in args if arg != symbol))
    return sp.diff(expr, symbol)


def _diff(expr: sp.Expr, symbol: sp.Symbol, holders: dict[sp.Symbol, list[int]]) -> sp.Expr:
    """∂expr/∂symbol touching only the top-level terms or factors that mention the symbol
    (`holders`): SymPy's own diff walks all n of them for each of n symbols, which made one
    assignment of 60 products take eight seconds and one of 4,000 sums nine minutes."""
    if not (expr.is_Add or expr.is_Mul):
        return _derivative(expr, symbol)
    args = expr.args
    if expr.is_Add:
        return sp.Add(*(_derivative(args[i], symbol) for i in holders[symbol]))
    terms = []
    for i in holders[symbol]:
        others = args[:i] + args[i + 1 :]
        terms.append(sp.Mul(_derivative(args[i], symbol), *others))
    return sp.Add(*terms)


def local_derivatives(template: sp.Expr, slots: tuple[sp.Symbol, ...]) -> tuple[sp.Expr, ...] | None:
    """∂template/∂slot for every slot, or None when too large to write out or nested too deeply."""
    size = sum(1 for _ in sp.preorder_traversal(template))
    if size * len(slots) > DERIVATIVE_WORK:
        return None
    holders: dict[sp.Symbol, list[int]] = {s: [] for s in slots}
    if template.is_Add or template.is_Mul:
        for position, arg in enumerate(template.args):
            for symbol in arg.free_symbols:
                if symbol in holders:
                    holders[symbol].append(position)
    try:
        return tuple(_diff(template, s, holders) for s in slots)
    except RecursionError:
        return None


def make_kernel(template: sp.Expr, arity: int) -> Kernel:
    slots = tuple(slot(i) for i in range(arity))
    position = {s: i for i, s in enumerate(slots)}
    derivatives = local_derivatives(template, slots)
    return Kernel(
        template=template,
        slots=slots,
        derivatives=derivatives,
        derivative_slots=()
        if derivatives is None
        else tuple(tuple(sorted(position[s] for s in d.free_symbols if s in position)) for d in derivatives),
    )


@dataclass(slots=True)
class _Run:
    """A run of + and - (or * and /) being collected into one SymPy sum (or product)."""

    kind: str
    terms: list[sp.Expr]


def _expression(value: sp.Expr | _Run) -> sp.Expr:
    if isinstance(value, _Run):
        return sp.Add(*value.terms) if value.kind == "+" else sp.Mul(*value.terms)
    return value


@lru_cache(maxsize=4096)
def template_of(recipe: Recipe) -> sp.Expr:
    """The node's formula in SymPy, over slot(0), slot(1), …: its recipe run symbolically.
    Raises DomainError where writing it out would need numbers too large to use ((c*w)**n)."""
    values: list[Any] = []
    for step in recipe.steps:
        if step.operation == SLOT:
            values.append(slot(step.slot))
        elif step.operation == CONSTANT:
            exact = step.exact
            values.append(exact if exact is not None else sp.Rational(step.value.numerator, step.value.denominator))  # type: ignore[union-attr]
        else:
            primitive = step.primitive
            operands = [values[i] for i in step.operands]
            if primitive.chain is not None:  # type: ignore[union-attr]
                kind, enters = primitive.chain  # type: ignore[union-attr]
                left, right = operands
                run = left if isinstance(left, _Run) and left.kind == kind else _Run(kind, [_expression(left)])
                run.terms.append(enters(_expression(right)))
                values.append(run)
            else:
                values.append(primitive.symbolic(*(_expression(operand) for operand in operands)))  # type: ignore[union-attr]
    return _expression(values[-1])


def compile_kernels(graph: Graph) -> tuple[Kernel | None, ...]:
    """One kernel per operation node (None for inputs), shared between nodes of the same shape."""
    cache: dict[Recipe, Kernel] = {}
    kernels: list[Kernel | None] = []
    for node in graph.nodes:
        if node.recipe is None:
            kernels.append(None)
            continue
        kernel = cache.get(node.recipe)  # equal recipes have equal templates
        if kernel is None:
            try:
                template = template_of(node.recipe)
            except DomainError as problem:
                raise InputError(
                    f"writing out {brief(graph.definition(node))} {problem}",
                    span=node.span,
                    hint="give the base its own assignment (c = ...; then c**n)",
                ) from None
            kernel = cache[node.recipe] = make_kernel(template, node.recipe.arity)
        kernels.append(kernel)
    return tuple(kernels)
