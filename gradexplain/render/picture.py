"""Explanation → Picture: the computation graph as boxes and labelled arrows, the model behind
every drawing (Graphviz DOT, Mermaid, the terminal tree). Only formatting happens here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gradexplain.backward import EdgeStep
from gradexplain.numbers import format_number
from gradexplain.render.report import BLANK, RenderOptions

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

# A definition longer than this is cut in a box (the tables keep all of it).
DEFINITION_LIMIT = 40
# A name longer than this is shortened in the middle: its start and its end stay, as names that
# differ tend to differ at one end or the other (layer_1_unit_17_weight, …_bias).
NAME_LIMIT = 40
NAME_TAIL = 9

# Characters no drawing may hold: control characters (a comment inside parentheses reaches a
# definition as written), and what XML, and so Graphviz's labels, forbids.
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

INPUT, OPERATION, OUTPUT = "input", "operation", "output"
# What a drawing adds to the label of an arrow that carries no gradient (local · upstream = 0).
NO_GRADIENT = "passes no gradient: product 0"


@dataclass(frozen=True, slots=True)
class Box:
    index: int  # the node's position in the graph: ids derive from it, never from memory
    kind: str  # INPUT, OPERATION or OUTPUT
    name: str
    definition: str  # "w*x", or "input"
    value: str
    gradient: str | None  # "∂J/∂c = 2" (in the chosen notation); None where no wanted input lies below


@dataclass(frozen=True, slots=True)
class Arrow:
    source: int  # argument node index
    target: int  # the node that uses it
    label: str | None  # "∂ₗc/∂w = x = -2"; None where the backward pass does not go
    # The backward pass goes here but carries 0 (local derivative · upstream gradient = 0): a dead
    # ReLU unit's arrows. Drawings mark these, as they are what a dead unit looks like.
    zero: bool = False


@dataclass(frozen=True, slots=True)
class Picture:
    boxes: tuple[Box, ...]  # in topological order
    arrows: tuple[Arrow, ...]  # by target node, then argument position
    output: int
    # What the two kinds of label look like, for a drawing's key: ("∂J/∂v", "∂ₗc/∂v").
    key: tuple[str, str] = ("", "")


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
# A power by a whole number, written ** or ^: the exponent becomes superscript digits (v3**2 → v3²).
_SMALL_POWER = re.compile(r"\s*(?:\*\*|\^)\s*(\d{1,3})(?![\w.]|\s*(?:\*\*|\^))")


def math_text(text: str) -> str:
    """A definition as mathematics writes it rather than Python (for the drawings' labels; the tables
    and the tree keep the text as typed): `w*x` → `w·x`, `v3**2` → `v3²`,
    any other power `x**y` → `x^y`. Only operators change; names and numbers stay as typed."""
    text = _SMALL_POWER.sub(lambda match: match.group(1).translate(_SUPERSCRIPT), text)
    return text.replace("**", "^").replace("*", "·")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if match.group().isspace():
        return " "
    if code < 0x20:
        return chr(0x2400 + code)  # its Unicode control picture: ␛ for ESC, ␇ for BEL
    return "␡" if code == 0x7F else "\ufffd"


def shown(text: str) -> str:
    """`text` safe inside any drawing and on a terminal: whitespace controls become spaces, other
    control characters their visible pictures (␛), and what XML forbids the replacement character."""
    return _UNSHOWABLE.sub(_visible, text)


def _cut(text: str) -> str:
    text = shown(text)
    return text if len(text) <= DEFINITION_LIMIT else text[: DEFINITION_LIMIT - 1] + "…"


def short_name(name: str) -> str:
    """A name as a box shows it: whole up to NAME_LIMIT characters, else its start, …, its end."""
    name = shown(name)
    return name if len(name) <= NAME_LIMIT else name[: NAME_LIMIT - NAME_TAIL - 1] + "…" + name[-NAME_TAIL:]


def build_picture(explanation: Explanation, options: RenderOptions | None = None) -> Picture:
    options = options or RenderOptions()
    digits, notation = options.digits, options.notation
    graph = explanation.graph
    names = [short_name(node.name) for node in graph.nodes]
    out = names[graph.output]
    boxes = []
    for node in graph.nodes:
        kind = INPUT if node.is_input else OUTPUT if node.index == graph.output else OPERATION
        gradient = explanation.node_gradients[node.index]
        gradient_text = None if gradient is None else format_number(gradient, digits)
        if options.blank and gradient is not None and node.index != graph.output:  # ∂J/∂J = 1 is given
            gradient_text = BLANK
        value = format_number(explanation.values[node.index], digits)
        if options.blank and not options.keep_values and not node.is_input:
            value = BLANK
        boxes.append(
            Box(
                node.index,
                kind,
                names[node.index],
                "input" if node.is_input else _cut(graph.definition(node)),
                value,
                None if gradient_text is None else f"{notation.gradient(out, names[node.index])} = {gradient_text}",
            )
        )
    labels: dict[tuple[int, int], str] = {}
    zero: set[tuple[int, int]] = set()
    for step in explanation.steps:
        if isinstance(step, EdgeStep):
            local = f"{notation.local(names[step.node], names[step.arg])} = {step.local_formula}"
            value = format_number(step.local_value, digits)
            if options.blank or step.local_formula == value:  # a worksheet gives the formula, not its value
                labels[step.node, step.slot] = _cut(local)
            else:
                labels[step.node, step.slot] = f"{_cut(local)} = {value}"
            if step.product == 0 and not options.blank:  # a dead unit is for the student to find
                zero.add((step.node, step.slot))
    arrows = tuple(
        Arrow(arg, node.index, labels.get((node.index, position)), (node.index, position) in zero)
        for node in graph.nodes
        for position, arg in enumerate(node.args)
    )
    key = (notation.gradient(out, "v"), notation.local("c", "v"))
    return Picture(tuple(boxes), arrows, graph.output, key)
