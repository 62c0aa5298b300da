"""Each distinct node shape, prepared once: its SymPy template and local derivatives, for show.

A graph of 100,000 multiplications has one `_0*_1` kernel: SymPy derives its local derivatives
once and every node reuses them. Numbers never come from SymPy's forms (which SymPy may have
rewritten, see tape.py) but from the node's recipe, run as written by the interpreter.

SymPy's derivatives are only for showing formulas, and they are bounded: an assignment with
thousands of names (`J = w0*w1*…*w2999`) would need thousands of formulas thousands of terms
long. Above `DERIVATIVE_WORK` (the template's size times its number of arguments), or when SymPy
runs out of recursion on a deeply nested formula, the formulas are not written out; the numbers
are the same either way.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from gradexplain.engine.primitives import heads
from gradexplain.engine.tape import Recipe
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
            kernel = cache[node.recipe] = make_kernel(node.template, node.recipe.arity)  # type: ignore[arg-type]
        kernels.append(kernel)
    return tuple(kernels)
