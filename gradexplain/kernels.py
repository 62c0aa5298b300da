"""Each distinct node template, compiled for evaluation and differentiated by SymPy, once.

A graph of 100,000 multiplications has one `_0*_1` kernel: SymPy derives its local derivatives
once and every node reuses the compiled closures.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from gradexplain.graph import Graph, slot
from gradexplain.numbers import EXACT_BITS_LIMIT
from gradexplain.numeric import Evaluator, compile_expression


@dataclass(frozen=True, slots=True)
class Kernel:
    template: sp.Expr
    slots: tuple[sp.Symbol, ...]
    value: Evaluator
    derivatives: tuple[sp.Expr, ...]  # ∂template/∂slot_i
    derivative_values: tuple[Evaluator, ...]
    derivative_slots: tuple[tuple[int, ...], ...]  # which slots each derivative mentions


def local_derivatives(template: sp.Expr, slots: tuple[sp.Symbol, ...]) -> tuple[sp.Expr, ...]:
    """∂template/∂slot for every slot. A sum is differentiated term by term, each slot seeing
    only the terms that mention it: SymPy's diff would walk all n terms for each of n slots,
    which made one assignment summing 4,000 names take nine minutes."""
    if not template.is_Add:
        return tuple(sp.diff(template, s) for s in slots)
    terms_with: dict[sp.Symbol, list[sp.Expr]] = {s: [] for s in slots}
    for term in template.args:
        for symbol in term.free_symbols:
            if symbol in terms_with:
                terms_with[symbol].append(term)
    return tuple(sp.Add(*(sp.diff(term, s) for term in terms_with[s])) for s in slots)


def make_kernel(template: sp.Expr, arity: int, exact_bits: int = EXACT_BITS_LIMIT) -> Kernel:
    slots = tuple(slot(i) for i in range(arity))
    position = {s: i for i, s in enumerate(slots)}
    derivatives = local_derivatives(template, slots)
    return Kernel(
        template=template,
        slots=slots,
        value=compile_expression(template, slots, position, exact_bits),
        derivatives=derivatives,
        derivative_values=tuple(compile_expression(d, slots, position, exact_bits) for d in derivatives),
        derivative_slots=tuple(
            tuple(sorted(position[s] for s in d.free_symbols if s in position)) for d in derivatives
        ),
    )


def compile_kernels(graph: Graph, exact_bits: int = EXACT_BITS_LIMIT) -> tuple[Kernel | None, ...]:
    """One kernel per operation node (None for inputs), shared between identical templates."""
    cache: dict[tuple[sp.Expr, int], Kernel] = {}
    kernels: list[Kernel | None] = []
    for node in graph.nodes:
        if node.template is None:
            kernels.append(None)
            continue
        key = (node.template, len(node.args))
        if key not in cache:
            cache[key] = make_kernel(node.template, len(node.args), exact_bits)
        kernels.append(cache[key])
    return tuple(kernels)
