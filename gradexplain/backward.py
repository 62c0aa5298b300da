"""The backward pass: right to left, one step per edge, and a sum wherever paths meet.

Reverse topological order guarantees that every consumer of a node has passed its gradient on
before the node itself is used, so each edge is visited once: linear in the number of edges.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

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
    local_value: Number
    upstream: Number
    product: Number
    path: int  # this is contribution `path` of `paths` to ∂output/∂arg
    paths: int
    derivative: sp.Expr | None = field(default=None, repr=False)  # over the node's slots (None: not written out)
    names: tuple[str, ...] = field(default=(), repr=False)  # the node's arguments' names, slot by slot

    @property
    def local_expr(self) -> sp.Expr | None:
        """The local derivative over the arguments' names (None: too large to write out), made
        when a format asks for it: most runs show only its text."""
        if self.derivative is None:
            return None
        return with_names(self.derivative, {s: int(s.name[1:]) for s in self.derivative.free_symbols}, self.names)


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
    kernel: Kernel, position: int, names: tuple[str, ...], formulas: dict[tuple[int, int, tuple[str, ...]], str]
) -> str:
    """The local derivative ∂node/∂argument as text over the arguments' names. The text depends
    only on the derivative and the names it mentions: it is printed once."""
    if kernel.derivatives is None:
        return NOT_WRITTEN_OUT
    derivative = kernel.derivatives[position]
    if derivative.is_Symbol:  # ∂(w*x)/∂w = x: the formula is a name, no printing needed
        return names[kernel.slots.index(derivative)]
    key = (id(kernel), position, tuple(names[i] for i in kernel.derivative_slots[position]))
    if key not in formulas:
        slots = {kernel.slots[i]: i for i in kernel.derivative_slots[position]}
        try:
            formulas[key] = formula_text(with_names(derivative, slots, names))
        except RecursionError:
            formulas[key] = NOT_WRITTEN_OUT
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
    written: dict[tuple[int, int, tuple[str, ...]], str] = {}
    try:
        gradients, edges = interpreter.backward(values, wanted, record=True)
    except LocalDerivativeError as error:
        node = error.node
        if len(node.args) == 1 and kernels[node.index] is not None:
            names = graph.argument_names(node)
            formula = _local_formula(kernels[node.index], 0, names, written)  # type: ignore[arg-type]
            error.message = (
                f"the local derivative ∂{node.name}/∂{names[0]} = {formula} cannot be computed at {error.point}: "
                f"{error.problem}"
            )
        raise
    steps: list[Step] = []
    names: tuple[str, ...] = ()
    named = -1  # the node whose argument names `names` holds
    for edge in edges:
        if isinstance(edge, Sum):
            steps.append(SumStep(edge.node, edge.terms, edge.total))
            continue
        kernel = kernels[edge.node]
        if edge.node != named:
            names, named = graph.argument_names(graph.nodes[edge.node]), edge.node
        derivative = None if kernel is None or kernel.derivatives is None else kernel.derivatives[edge.slot]
        formula = _local_formula(kernel, edge.slot, names, written) if formulas else ""  # type: ignore[arg-type]
        steps.append(
            EdgeStep(
                edge.node,
                edge.arg,
                edge.slot,
                formula,
                edge.local,
                edge.upstream,
                edge.product,
                edge.path,
                edge.paths,
                derivative,
                names,
            )
        )
    return BackwardPass(tuple(steps), tuple(gradients))
