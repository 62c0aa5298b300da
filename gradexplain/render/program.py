"""The explanation's graph as a program file (.gx): the inputs with their values, then one
assignment per node, as written. Running gradexplain on it gives the same graph, values and
gradients (a bare formula comes back split into its nodes v1, v2, …). Comment lines at the top
of the source (an exercise's description) are kept."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from gradexplain.numbers import Number, digits_of, terminating_decimal
from gradexplain.render.report import RenderOptions

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation


def exact_text(value: Number) -> str:
    """A value as the parser reads it back exactly: 2, -0.5, 1/3, or a float's shortest repr (a
    float input is written as its formula instead, Explanation.written). A decimal of more than
    20 places is written as a fraction, which reads as well and is shorter."""
    if isinstance(value, float):
        return repr(value)
    value = Fraction(value)
    return terminating_decimal(value, longest=20) or f"{digits_of(value.numerator)}/{digits_of(value.denominator)}"


def _leading_comments(source: str) -> list[str]:
    lines = []
    for line in source.splitlines():
        if line.strip().startswith("#"):
            lines.append(line.rstrip())
        elif line.strip():
            break
    return lines


def render(explanation: Explanation, options: RenderOptions | None = None) -> str:
    graph = explanation.graph
    written = dict(explanation.written)  # exp(1): its shortest decimal would read back exact
    lines = _leading_comments(graph.source)
    for node in graph.nodes:
        if node.is_input:
            lines.append(f"{node.name} = {written.get(node.index) or exact_text(explanation.values[node.index])}")
        else:
            lines.append(f"{node.name} = {graph.definition(node)}")
    if graph.output != graph.nodes[-1].index:
        lines.append(
            f"# The output is {graph.nodes[graph.output].name}: run this with --target {graph.nodes[graph.output].name}"
        )
    return "\n".join(lines) + "\n"
