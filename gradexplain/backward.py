"""The backward pass: right to left, one step per edge, and a sum wherever paths meet.

Reverse topological order guarantees that every consumer of a node has passed its gradient on
before the node itself is used, so each edge is visited once: linear in the number of edges.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from gradexplain.engine.interpreter import Interpreter, LocalDerivativeError, Sum
from gradexplain.engine.kernels import Kernel
from gradexplain.formulas import formula_text, with_names
from gradexplain.numbers import Number


@dataclass(frozen=True, slots=True)
class EdgeStep:
    """∂output/∂arg, via node: local derivative ∂node/∂arg times the upstream ∂output/∂node."""

    node: int
    arg: int
    slot: int
    local_formula: str
    local_expr: sp.Expr | None  # the local derivative over the arguments' names (None: too large to write out)
    local_value: Number
    upstream: Number
    product: Number
    path: int  # this is contribution `path` of `paths` to ∂output/∂arg
    paths: int


@dataclass(frozen=True, slots=True)
class SumStep:
    """Where a node feeds several others: its gradient is the sum of the contributions."""

    node: int
    terms: tuple[Number, ...]
    total: Number


Step = EdgeStep | SumStep


@dataclass(frozen=True, slots=True)
class BackwardPass:
    steps: tuple[Step, ...]
    gradients: tuple[Number | None, ...]  # ∂output/∂node; None where no wanted input lies below


NOT_WRITTEN_OUT = "(too large to write out)"


def _local_formula(
    kernel: Kernel, position: int, names: tuple[str, ...], formulas: dict[tuple[int, int, tuple[str, ...]], Any]
) -> tuple[sp.Expr | None, str]:
    """The local derivative ∂node/∂argument as a formula over the arguments' names, and as text.
    The text depends only on the derivative and the names it mentions: it is printed once."""
    if kernel.derivatives is None:
        return None, NOT_WRITTEN_OUT
    derivative = kernel.derivatives[position]
    if derivative.is_Symbol:  # ∂(w*x)/∂w = x: the formula is a name, no printing needed
        name = names[kernel.slots.index(derivative)]
        return sp.Symbol(name, real=True), name
    key = (id(kernel), position, tuple(names[i] for i in kernel.derivative_slots[position]))
    if key not in formulas:
        slots = {kernel.slots[i]: i for i in kernel.derivative_slots[position]}
        named = with_names(derivative, slots, names)
        try:
            formulas[key] = (named, formula_text(named))
        except RecursionError:
            formulas[key] = (None, NOT_WRITTEN_OUT)
    return formulas[key]


def backward(
    interpreter: Interpreter,
    kernels: Sequence[Kernel | None],
    values: Sequence[Number],
    wanted: Sequence[int],
    formulas: bool = True,
) -> BackwardPass:
    """The chain rule, edge by edge, with each local derivative's formula; `formulas=False` leaves
    them unwritten (numbers only: claims re-run it at other points, where nothing is shown)."""
    graph = interpreter.graph
    # The printed formula depends only on the derivative and the names it mentions: print once.
    written: dict[tuple[int, int, tuple[str, ...]], tuple[sp.Expr | None, str]] = {}
    try:
        gradients, edges = interpreter.backward(values, wanted, record=True)
    except LocalDerivativeError as error:
        node = error.node
        if len(node.args) == 1 and kernels[node.index] is not None:
            names = graph.argument_names(node)
            formula = _local_formula(kernels[node.index], 0, names, written)[1]  # type: ignore[arg-type]
            error.message = (
                f"the local derivative ∂{node.name}/∂{names[0]} = {formula} cannot be computed at {error.point}: "
                f"{error.problem}"
            )
        raise
    steps: list[Step] = []
    for edge in edges:
        if isinstance(edge, Sum):
            steps.append(SumStep(edge.node, edge.terms, edge.total))
            continue
        named, formula = None, ""
        if formulas:
            node = graph.nodes[edge.node]
            named, formula = _local_formula(kernels[edge.node], edge.slot, graph.argument_names(node), written)  # type: ignore[arg-type]
        steps.append(
            EdgeStep(
                edge.node,
                edge.arg,
                edge.slot,
                formula,
                named,
                edge.local,
                edge.upstream,
                edge.product,
                edge.path,
                edge.paths,
            )
        )
    return BackwardPass(tuple(steps), tuple(gradients))
