"""The backward pass: right to left, one step per edge, and a sum wherever paths meet.

Reverse topological order guarantees that every consumer of a node has passed its gradient on
before the node itself is used, so each edge is visited once: linear in the number of edges.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from gradexplain.errors import EvaluationError, Span, brief
from gradexplain.formulas import formula_text, with_names
from gradexplain.forward import at_point
from gradexplain.graph import Graph
from gradexplain.kernels import Kernel
from gradexplain.numbers import EXACT_BITS_LIMIT, Number
from gradexplain.numeric import ONE, DomainError, settle


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


def relevant_nodes(graph: Graph, wanted: Sequence[int]) -> list[bool]:
    """Which nodes lie on a path from a wanted input (forward order, so no recursion)."""
    relevant = [False] * len(graph.nodes)
    for index in wanted:
        relevant[index] = True
    for node in graph.nodes:
        if not relevant[node.index] and any(relevant[arg] for arg in node.args):
            relevant[node.index] = True
    return relevant


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


def _settled(value: Number, graph: Graph, arg: int, span: Span | None, exact_bits: int) -> Number:
    """A gradient, as a float once exact numbers grow too large; an error if even a float cannot hold it."""
    try:
        return settle(value, None, exact_bits)
    except DomainError as problem:
        output, name = graph.nodes[graph.output].name, graph.nodes[arg].name
        raise EvaluationError(
            f"the gradient ∂{brief(output, 30)}/∂{brief(name, 30)} cannot be computed: {problem}",
            span=span,
            hint="choose values at which the gradients are smaller, or rescale the formula",
        ) from None


def backward(
    graph: Graph,
    kernels: Sequence[Kernel | None],
    values: Sequence[Number],
    wanted: Sequence[int],
    exact_bits: int = EXACT_BITS_LIMIT,
    formulas: bool = True,
) -> BackwardPass:
    """The chain rule, edge by edge; `formulas=False` leaves the local derivatives' formulas
    unwritten (numbers only: claims re-run it at other points, where nothing is shown)."""
    relevant = relevant_nodes(graph, wanted)
    paths = [0] * len(graph.nodes)
    for node in graph.nodes:
        if relevant[node.index]:
            for arg in node.args:
                if relevant[arg]:
                    paths[arg] += 1
    gradients: list[Number | None] = [None] * len(graph.nodes)
    terms: list[list[Number]] = [[] for _ in graph.nodes]
    gradients[graph.output] = ONE
    steps: list[Step] = []
    # The printed formula depends only on the derivative and the names it mentions: print once.
    written: dict[tuple[int, int, tuple[str, ...]], tuple[sp.Expr | None, str]] = {}
    for node in reversed(graph.nodes):
        kernel = kernels[node.index]
        upstream = gradients[node.index]
        if kernel is None or upstream is None or not relevant[node.index]:
            continue
        arguments = [values[arg] for arg in node.args]
        names = tuple(graph.nodes[arg].name for arg in node.args)
        try:
            local_gradient = kernel.local_gradient(arguments)
        except DomainError as problem:
            which = (
                f"∂{node.name}/∂{names[0]} = {_local_formula(kernel, 0, names, written)[1]}"
                if len(names) == 1
                else f"of {node.name} = {brief(graph.definition(node))}"
            )
            raise EvaluationError(
                f"the local derivative {which} cannot be computed at {at_point(graph, node, values)}: {problem}",
                span=node.span,
                hint=f"{node.name} is not differentiable there; choose another point",
            ) from None
        for position, arg in enumerate(node.args):
            if not relevant[arg]:
                continue
            named, formula = _local_formula(kernel, position, names, written) if formulas else (None, "")
            local = local_gradient[position]
            product = _settled(local * upstream, graph, arg, node.span, exact_bits)
            terms[arg].append(product)
            steps.append(
                EdgeStep(
                    node.index, arg, position, formula, named, local, upstream, product, len(terms[arg]), paths[arg]
                )
            )
            if len(terms[arg]) == paths[arg]:
                total = _settled(sum(terms[arg][1:], terms[arg][0]), graph, arg, node.span, exact_bits)
                gradients[arg] = total
                if paths[arg] > 1:
                    steps.append(SumStep(arg, tuple(terms[arg]), total))
    return BackwardPass(tuple(steps), tuple(gradients))
