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

from gradexplain.engine.interpreter import Interpreter
from gradexplain.engine.systems import AUDIT_DIGITS, Precise
from gradexplain.forward import Note
from gradexplain.graph import Graph
from gradexplain.numbers import Number, format_number

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


def precise_pass(
    graph: Graph, values: Sequence[Number], digits: int = AUDIT_DIGITS
) -> tuple[Precise, list[Any], list[Any]]:
    """The forward and backward passes at `digits` digits, from the inputs' values (the computed
    ones are recomputed): the system, every node's value and ∂output/∂node."""
    system = Precise(digits)
    interpreter = Interpreter(graph, system)
    precise, _ = interpreter.forward(
        [system.input(values[node.index]) if node.is_input else None for node in graph.nodes], notes=False
    )
    adjoints, _ = interpreter.backward(precise)
    return system, precise, adjoints


def audit(
    graph: Graph,
    values: Sequence[Number],
    gradients: Sequence[Number | None],
    wanted: Sequence[int],
) -> tuple[Note, ...]:
    """Notes where the output or a wanted gradient lost accuracy in floating point."""
    results = [values[graph.output], *(gradients[i] for i in wanted)]
    if len(graph.nodes) > AUDIT_NODES or not any(isinstance(r, float) for r in results):
        return ()
    try:
        system, precise, adjoints = precise_pass(graph, values)
    except (ValueError, TypeError, ArithmeticError):
        return (Note(graph.output, "floating point lost accuracy: the formula cannot be recomputed at 50 digits"),)
    ctx = system.ctx
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
