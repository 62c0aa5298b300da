"""The explanation's graph as a program file (.gx): the inputs with their values, then one
assignment per node, as written. Running gradexplain on it gives the same graph, values and
gradients (a bare formula comes back split into its nodes v1, v2, …). Comment lines at the top
of the source (an exercise's description) are kept."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from gradexplain.graph import Graph
from gradexplain.numbers import Number, digits_of, terminating_decimal
from gradexplain.render.report import RenderOptions
from gradexplain.tokens import tokenize

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation


def exact_text(value: Number) -> str:
    """A value as the parser reads it back exactly: 2, -0.5, 1/3, or a float's shortest repr (a
    float input is written as its formula instead, Explanation.input_formulas). A decimal of more than
    20 places is written as a fraction, which reads as well and is shorter."""
    if isinstance(value, float):
        return repr(value)
    value = Fraction(value)
    return terminating_decimal(value, longest=20) or f"{digits_of(value.numerator)}/{digits_of(value.denominator)}"


# A constant's name that the program uses as a variable (e = 3) cannot stand for the constant in
# a value written back: these formulas can, and SymPy reads them as exactly the constant.
CONSTANT_FORMULAS = {"e": "exp(1)", "pi": "acos(-1)"}


def value_formula(text: str, graph: Graph) -> str:
    """A value's formula (2*e) as a program line can say it where the program assigns e itself."""
    shadowed = [
        t for t in tokenize(text) if t.kind == "NAME" and t.text in CONSTANT_FORMULAS and t.text in graph.by_name
    ]
    for token in reversed(shadowed):
        start, end = token.span
        text = text[:start] + CONSTANT_FORMULAS[token.text] + text[end:]
    return text


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
    formulas = dict(explanation.input_formulas)  # exp(1): its shortest decimal would read back exact
    lines = _leading_comments(graph.source)
    for node in graph.nodes:
        if node.is_input:
            formula = formulas.get(node.index)
            value = value_formula(formula, graph) if formula else exact_text(explanation.values[node.index])
            lines.append(f"{node.name} = {value}")
        else:
            lines.append(f"{node.name} = {graph.definition(node)}")
    if graph.output != graph.nodes[-1].index:
        lines.append(
            f"# The output is {graph.nodes[graph.output].name}: run this with --target {graph.nodes[graph.output].name}"
        )
    return "\n".join(lines) + "\n"
