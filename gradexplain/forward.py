"""The forward pass: every node's value at the point, left to right."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gradexplain.errors import EvaluationError
from gradexplain.graph import Graph, Node
from gradexplain.kernels import Kernel
from gradexplain.numbers import Number, format_number
from gradexplain.numeric import DomainError


@dataclass(frozen=True, slots=True)
class Note:
    """Something the reader must know about one node: a kink, or exactness given up."""

    node: int
    text: str


@dataclass(frozen=True, slots=True)
class ForwardPass:
    values: tuple[Number, ...]  # one per node, inputs included
    notes: tuple[Note, ...]


def at_point(graph: Graph, node: Node, values: Sequence[Number | None]) -> str:
    """`w = 0, x = 2`: the values that reached a node, for error messages."""
    seen: dict[str, str] = {}
    for arg in node.args:
        value = values[arg]
        if value is not None:
            seen.setdefault(graph.nodes[arg].name, format_number(value))
    return ", ".join(f"{name} = {shown}" for name, shown in seen.items())


def forward(
    graph: Graph, kernels: Sequence[Kernel | None], inputs: Sequence[Number | None], *, notes: bool = True
) -> ForwardPass:
    """Evaluate every node; `inputs` has a value at each input node's index.

    Raises EvaluationError naming the node and the values that reached it when a value has no
    real result there (1/w at w = 0, log(w) at w = -1).
    """
    values: list[Number | None] = list(inputs)
    found: list[Note] = []
    collected: list[str] | None = [] if notes else None
    for node, kernel in zip(graph.nodes, kernels, strict=True):
        if kernel is None:
            continue
        evaluate(graph, node, kernel, values, collected)
        if collected:
            found.extend(Note(node.index, text) for text in dict.fromkeys(collected))
            collected.clear()
    return ForwardPass(tuple(values), tuple(found))  # type: ignore[arg-type]


def evaluate(
    graph: Graph, node: Node, kernel: Kernel, values: list[Number | None], collected: list[str] | None = None
) -> None:
    """values[node] from its arguments' values; an EvaluationError where it has no real value."""
    try:
        values[node.index] = kernel.value([values[arg] for arg in node.args], collected)  # type: ignore[arg-type]
    except DomainError as problem:
        raise EvaluationError(
            f"cannot compute {node.name} = {graph.definition(node)} at {at_point(graph, node, values)}: {problem}",
            span=node.span,
            hint="choose values at which the formula is defined",
        ) from None
