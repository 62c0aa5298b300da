"""The forward pass: every node's value at the point, left to right."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gradexplain.errors import EvaluationError, brief
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


# Values named in a message: the first few; a 3,000-name assignment is summarised.
AT_POINT_SHOWN = 3


def at_point(graph: Graph, node: Node, values: Sequence[Number | None]) -> str:
    """`w = 0, x = 2`: the values that reached a node, for error messages; of many, the first
    few and a count (`w0 = 1, w1 = 2, w2 = 3, … (2,997 more)`)."""
    reached = [arg for arg in dict.fromkeys(node.args) if values[arg] is not None]
    shown = ", ".join(
        f"{brief(graph.nodes[arg].name, 30)} = {format_number(values[arg])}"  # type: ignore[arg-type]
        for arg in reached[:AT_POINT_SHOWN]
    )
    if len(reached) > AT_POINT_SHOWN:
        shown += f", … ({len(reached) - AT_POINT_SHOWN:,} more)"
    return shown


def definition_in_brief(graph: Graph, node: Node) -> str:
    """`J = 1/(w0 + w1 + …)`: a node and its definition, cut short for a message."""
    return f"{brief(node.name, 30)} = {brief(graph.definition(node))}"


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
        hint = "choose values at which the formula is defined"
        if "underflowed" in str(problem):
            hint = "choose values at which it stays in floating point's range, or rewrite it to avoid the tiny value"
        raise EvaluationError(
            f"cannot compute {definition_in_brief(graph, node)} at {at_point(graph, node, values)}: {problem}",
            span=node.span,
            hint=hint,
        ) from None


def consumers_of(graph: Graph) -> list[list[int]]:
    """For each node, the nodes that use it (each once)."""
    consumers: list[list[int]] = [[] for _ in graph.nodes]
    for node in graph.nodes:
        for arg in dict.fromkeys(node.args):
            consumers[arg].append(node.index)
    return consumers


def downstream(consumers: list[list[int]], start: int) -> list[int]:
    """The nodes whose value depends on node `start`, in forward order (only these change when it
    moves): a walk over what it reaches, so nudging every input of a long sum stays linear."""
    seen = {start}
    stack = [start]
    while stack:
        for consumer in consumers[stack.pop()]:
            if consumer not in seen:
                seen.add(consumer)
                stack.append(consumer)
    seen.discard(start)
    return sorted(seen)
