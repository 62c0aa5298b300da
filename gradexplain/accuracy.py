"""Auditing floating point: recompute with 50 digits and say where the doubles went wrong.

Exact numbers are exact, but once a value is floating point rounding can eat every digit:
(1 + 1/w)**w at w = 1e15 is 3.03504 in doubles, while the true value is e = 2.71828. Nothing in
the double-precision run can tell. So whenever the output or a gradient is floating point, the
whole forward and backward pass runs again through the same recipes in mpmath at 50 digits (a
context of its own: mpmath's global precision is never touched, so threads are safe), and where
the two disagree beyond the digits shown, a note says so, with the better value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import mpmath

from gradexplain.evaluate import Recipe, mp_local_gradient, mp_number, mp_run
from gradexplain.forward import Note
from gradexplain.graph import Graph
from gradexplain.kernels import Kernel
from gradexplain.numbers import Number, format_number

AUDIT_DIGITS = 50
# Above this many nodes the audit (about 20 µs a node) is skipped; the README says so.
AUDIT_NODES = 20_000
# A result is flagged when it is off by more than this, relative: its sixth digit may be wrong.
RELATIVE_ERROR = 1e-6


def _lost(double: float, precise: Any) -> bool:
    """Compared at 50 digits: a double that underflowed to 0 (sigmoid(-800)) has lost it all."""
    return abs(precise - double) > RELATIVE_ERROR * abs(precise)


def _shown(ctx: Any, precise: Any) -> str:
    """The precise value as a reader sees numbers, also beyond the range of doubles (5.2e-348)."""
    value = float(precise)
    if (value == 0 and precise != 0) or not ctx.isfinite(value):
        return ctx.nstr(precise, 6).replace("e+", "e")
    return format_number(value)


def mp_pass(
    ctx: Any, graph: Graph, recipes: Sequence[Recipe | None], values: Sequence[Number]
) -> tuple[list[Any], list[Any]]:
    """The forward and backward passes in mpmath's context `ctx`, from the inputs' values (the
    computed ones are recomputed): every node's value and ∂output/∂node."""
    precise: list[Any] = []
    for node, recipe in zip(graph.nodes, recipes, strict=True):
        if recipe is None:
            precise.append(mp_number(ctx, values[node.index]))
        else:
            precise.append(mp_run(ctx, recipe, [precise[a] for a in node.args])[-1])
    adjoints: list[Any] = [ctx.zero] * len(graph.nodes)
    adjoints[graph.output] = ctx.one
    for node, recipe in zip(reversed(graph.nodes), reversed(recipes), strict=True):
        if recipe is not None:
            local = mp_local_gradient(ctx, recipe, [precise[a] for a in node.args])
            for position, arg in enumerate(node.args):
                adjoints[arg] += local[position] * adjoints[node.index]
    return precise, adjoints


def audit(
    graph: Graph,
    kernels: Sequence[Kernel | None],
    values: Sequence[Number],
    gradients: Sequence[Number | None],
    wanted: Sequence[int],
) -> tuple[Note, ...]:
    """Notes where the output or a wanted gradient lost accuracy in floating point."""
    results = [values[graph.output], *(gradients[i] for i in wanted)]
    if len(graph.nodes) > AUDIT_NODES or not any(isinstance(r, float) for r in results):
        return ()
    ctx = mpmath.MPContext()
    ctx.dps = AUDIT_DIGITS
    try:
        precise, adjoints = mp_pass(ctx, graph, [None if k is None else k.recipe for k in kernels], values)
    except (ValueError, TypeError, ArithmeticError):
        return (Note(graph.output, "floating point lost accuracy: the formula cannot be recomputed at 50 digits"),)
    notes: list[Note] = []
    output = graph.nodes[graph.output].name
    checked = [(graph.output, values[graph.output], precise[graph.output], output)]
    checked += [(i, gradients[i], adjoints[i], f"∂{output}/∂{graph.nodes[i].name}") for i in wanted]
    for index, double, better, label in checked:
        if double is None or not isinstance(double, float):
            continue
        if isinstance(better, ctx.mpc) or not ctx.isfinite(better):
            notes.append(Note(index, f"floating point lost accuracy: {label} has no real value at 50 digits"))
        elif _lost(double, better):
            notes.append(
                Note(
                    index,
                    f"floating point lost accuracy: {label} is {format_number(double)} in double precision "
                    f"but {_shown(ctx, better)} recomputed with {AUDIT_DIGITS} digits",
                )
            )
    return tuple(notes)
