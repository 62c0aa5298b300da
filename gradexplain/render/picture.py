"""Explanation → Picture: the computation graph as boxes and labelled arrows, the model behind
every drawing (Graphviz DOT, Mermaid, the terminal tree). Only formatting happens here."""

from __future__ import annotations

from dataclasses import dataclass

from gradexplain.backward import EdgeStep
from gradexplain.explain import Explanation
from gradexplain.numbers import format_number
from gradexplain.render.report import RenderOptions, d

# A definition longer than this is cut in a box (the tables keep all of it).
DEFINITION_LIMIT = 40

INPUT, OPERATION, OUTPUT = "input", "operation", "output"


@dataclass(frozen=True, slots=True)
class Box:
    index: int  # the node's position in the graph: ids derive from it, never from memory
    kind: str  # INPUT, OPERATION or OUTPUT
    name: str
    definition: str  # "w*x", or "input"
    value: str
    gradient: str | None  # "∂J/∂c = 2"; None where no wanted input lies below


@dataclass(frozen=True, slots=True)
class Arrow:
    source: int  # argument node index
    target: int  # the node that uses it
    label: str | None  # "∂c/∂w = x = -2"; None where the backward pass does not go


@dataclass(frozen=True, slots=True)
class Picture:
    boxes: tuple[Box, ...]  # in topological order
    arrows: tuple[Arrow, ...]  # by target node, then argument position
    output: int


def _cut(text: str) -> str:
    return text if len(text) <= DEFINITION_LIMIT else text[: DEFINITION_LIMIT - 1] + "…"


def build_picture(explanation: Explanation, options: RenderOptions | None = None) -> Picture:
    digits = (options or RenderOptions()).digits
    graph = explanation.graph
    out = explanation.output.name
    boxes = []
    for node in graph.nodes:
        kind = INPUT if node.is_input else OUTPUT if node.index == graph.output else OPERATION
        gradient = explanation.node_gradients[node.index]
        boxes.append(
            Box(
                node.index,
                kind,
                node.name,
                "input" if node.is_input else _cut(graph.definition(node)),
                format_number(explanation.values[node.index], digits),
                None if gradient is None else f"{d(node.name, out)} = {format_number(gradient, digits)}",
            )
        )
    labels: dict[tuple[int, int], str] = {}
    for step in explanation.steps:
        if isinstance(step, EdgeStep):
            local = f"{d(graph.nodes[step.arg].name, graph.nodes[step.node].name)} = {step.local_formula}"
            value = format_number(step.local_value, digits)
            labels[step.node, step.slot] = _cut(local) if step.local_formula == value else f"{_cut(local)} = {value}"
    arrows = tuple(
        Arrow(arg, node.index, labels.get((node.index, position)))
        for node in graph.nodes
        for position, arg in enumerate(node.args)
    )
    return Picture(tuple(boxes), arrows, graph.output)
