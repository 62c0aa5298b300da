"""The quiz as data: which boxes to fill in and in what order, how an answer is judged, and what
to say about a wrong one. Nothing here asks or prints: the CLI (or a page, or a test) asks.

The lab's order: each computed node's value left to right, then each gradient right to left.
A wrong answer is compared with the mistakes people make, each worked out from the backward
pass at this point and offered only when the answer equals it exactly: the upstream gradient
without its local derivative, a local derivative left out further up, some of the paths only,
the wrong sign, a constant factor, another node's value or gradient.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import TYPE_CHECKING

from gradexplain.backward import EdgeStep
from gradexplain.build import read_value
from gradexplain.errors import GradexplainError, InputError
from gradexplain.notation import LEIBNIZ_NOTATION, Notation
from gradexplain.numbers import Number, format_number
from gradexplain.render.report import Shown, with_values

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

PARTS = ("forward", "backward", "both")
VALUE, GRADIENT = "value", "gradient"
# An answer to a box whose value is not exact (exp, sigmoid away from 0, …) is right within this
# relative tolerance: three significant digits, as a student rounds on paper.
TOLERANCE = Fraction(1, 1000)
# Fan-out subsets tried for the missing-path diagnosis: a node used more times than this is rare.
MOST_PATHS = 8
# Boxes are filled in by hand: past this many, a quiz or a lab page is refused. (Each box lists the
# values of the other nodes among its mistakes, so the work grows with the square of the boxes: a
# lab page of a dense network is 2 MB at 200 boxes, 70 MB and 40 s at 1,500.)
MOST_BOXES = 200
# An unreadable answer is quoted back up to this many characters (the lab page's script says the same).
ECHO = 40
# What each kind of mistake says about the student. The kinds are the claims' (teach/claims.py),
# and "close" for an exact value given rounded., for the summary at the end.
KINDS = {
    "upstream_only": "you stop at the upstream gradient: multiply it by the local derivative",
    "missing_factor": "you leave out a local derivative on the way to the output",
    "missing_path": "you forget to sum over every path when a node feeds several others",
    "sign": "you lose a minus sign",
    "factor": "you are off by a constant factor (the ½ of a square, or a 2 counted twice)",
    "wrong_variable": "you give the number of another node",
    "close": "you round where the exact value is wanted",
    "none": "no common mistake matches: redo the step with the hint",
}

# What a verdict says, word for word; the lab page (render/lab.py) says the same.
RIGHT = "right: {shown}"
SHOWN = "answer: {shown}"  # after show, or when the tries run out: the pipe protocol says this line
UNREADABLE = "{text} is not a number: write one such as -4, 0.5, 1/2 or 2*(-2)"  # text: the answer's repr
CLOSE = "close, but the exact value is wanted: write it as a fraction or a formula"
OTHER = "not that: {hint}"
NO_HINT = "redo the step"


@dataclass(frozen=True, slots=True)
class Mistake:
    value: Number  # the wrong answer this mistake gives, at this point
    kind: str  # a key of KINDS
    message: str


@dataclass(frozen=True, slots=True)
class Box:
    kind: str  # VALUE or GRADIENT
    node: int
    name: str  # the node's name
    question: str  # "c = w*x = ?" or "∂J/∂c = ?"
    answer: Number
    shown: str  # the answer as the tables show it
    hints: tuple[str, ...]  # the rule to apply, then the numbers to put in it
    mistakes: tuple[Mistake, ...]


@dataclass(frozen=True, slots=True)
class Verdict:
    right: bool
    kind: str  # "" when right; a key of KINDS; "unreadable" for text that is not a number
    message: str


def boxes(explanation: Explanation, part: str = "both", notation: Notation = LEIBNIZ_NOTATION) -> tuple[Box, ...]:
    """The boxes to fill in: values left to right, then gradients right to left (∂J/∂J = 1 is given)."""
    if part not in PARTS:
        raise ValueError(f"part {part!r}: choose one of {', '.join(PARTS)}")
    found: list[Box] = []
    if part in ("forward", "both"):
        found += [_value_box(explanation, node.index) for node in explanation.graph.nodes if not node.is_input]
    if part in ("backward", "both"):
        graph, by_arg = explanation.graph, _edges_by_argument(explanation)
        for node in reversed(graph.nodes):
            if node.index != graph.output and explanation.node_gradients[node.index] is not None:
                found.append(_gradient_box(explanation, node.index, notation, by_arg))
    return tuple(found)


def box_count(explanation: Explanation) -> int:
    """How many boxes `boxes` gives, counted without building them (building them takes long)."""
    graph, gradients = explanation.graph, explanation.node_gradients
    count = sum(not node.is_input for node in graph.nodes) + sum(g is not None for g in gradients)
    return count - (gradients[graph.output] is not None)  # ∂J/∂J = 1 is given


def check_size(explanation: Explanation, what: str = "the quiz") -> None:
    """An InputError when the graph has more boxes than anyone fills in by hand."""
    count = box_count(explanation)
    if count > MOST_BOXES:
        raise InputError(
            f"{what} would have {count:,} boxes to fill in, more than {MOST_BOXES} (they are worked by hand)",
            hint="practise on part of the graph (--target NAME, --wrt NAMES) or on an exercise (--random)",
        )


def judge(box: Box, text: str) -> Verdict:
    """Whether `text` (a number or a formula without names: -4, 1/2, 2*(-2)) fills `box`."""
    try:
        answer = read_value(text.strip())
    except GradexplainError:
        stripped = text.strip()
        echoed = stripped if len(stripped) <= ECHO else stripped[: ECHO - 1] + "…"
        return Verdict(False, "unreadable", UNREADABLE.format(text=repr(echoed)))
    if _same(answer, box.answer):
        return Verdict(True, "", RIGHT.format(shown=box.shown))
    for mistake in box.mistakes:  # the most telling first: a value shared by many nodes says least
        if _same(answer, mistake.value):
            return Verdict(False, mistake.kind, mistake.message)
    if _close(answer, box.answer):
        return Verdict(False, "close", CLOSE)
    return Verdict(False, "none", OTHER.format(hint=box.hints[0] if box.hints else NO_HINT))


def _same(answer: Number, truth: Number) -> bool:
    """Equal: exactly where both are exact, else within TOLERANCE."""
    if isinstance(answer, Fraction | int) and isinstance(truth, Fraction | int):
        return Fraction(answer) == Fraction(truth)
    if any(isinstance(value, float) and not math.isfinite(value) for value in (answer, truth)):
        return False  # (a Fraction is finite, however large: float() of 1e400 would overflow)
    return abs(Fraction(answer) - Fraction(truth)) <= TOLERANCE * max(1, abs(Fraction(truth)))


def _close(answer: Number, truth: Number) -> bool:
    """A rounded form of an exact value that is not a short decimal (0.333 for 1/3)."""
    if not isinstance(truth, Fraction | int) or (Fraction(truth) * 1000).denominator == 1:
        return False
    return abs(Fraction(answer) - Fraction(truth)) <= TOLERANCE * max(1, abs(Fraction(truth)))


def _show(value: Number) -> str:
    return format_number(value, 6)


def _local_text(formula: str, value: Number) -> str:
    """A local derivative's formula and value, said once when they are the same: `x = -2`, `-1`."""
    shown = _show(value)
    return shown if formula == shown else f"{formula} = {shown}"


# ── forward boxes ──────────────────────────────────────────────────────────────────────────


def _value_box(explanation: Explanation, index: int) -> Box:
    graph = explanation.graph
    node = graph.nodes[index]
    value = explanation.values[index]
    definition = graph.definition(node)
    arguments = ", ".join(f"{graph.nodes[a].name} = {_show(explanation.values[a])}" for a in dict.fromkeys(node.args))
    hints = (
        f"{node.name} = {definition}: put in the values of its arguments ({arguments})",
        f"{node.name} = {with_values(explanation, node, Shown(6, False))}",
    )
    mistakes: list[Mistake] = []
    if value != 0:
        mistakes.append(
            Mistake(
                -value, "sign", f"the sign is wrong: work out {with_values(explanation, node, Shown(6, False))} again"
            )
        )
    for other in graph.nodes:
        other_value = explanation.values[other.index]
        if other.index != index:
            what = f"the value of {other.name}" + (" (an input)" if other.is_input else "")
            mistakes.append(
                Mistake(other_value, "wrong_variable", f"that is {what}; this box is {node.name} = {definition}")
            )
    question = f"{node.name} = {definition} = ?"
    return Box(VALUE, index, node.name, question, value, _show(value), hints, _kept(mistakes, value))


# ── backward boxes ─────────────────────────────────────────────────────────────────────────


def _gradient_box(explanation: Explanation, index: int, notation: Notation, by_arg: dict[int, list[EdgeStep]]) -> Box:
    graph = explanation.graph
    out = graph.nodes[graph.output].name
    name = graph.nodes[index].name
    gradient = explanation.node_gradients[index]
    assert gradient is not None
    edges = by_arg.get(index, [])
    terms = [
        f"{notation.local(graph.nodes[e.node].name, name)} · {notation.gradient(out, graph.nodes[e.node].name)}"
        for e in edges
    ]
    rule = f"{notation.gradient(out, name)} = " + " + ".join(terms) + " (local derivative × upstream gradient"
    rule += ", summed over the nodes that use " + name + ")" if len(edges) > 1 else ")"
    locals_ = "; ".join(
        f"{notation.local(graph.nodes[e.node].name, name)} = {_local_text(e.local_formula, e.local_value)}, "
        f"upstream {notation.gradient(out, graph.nodes[e.node].name)} = {_show(e.upstream)}"
        for e in edges
    )
    mistakes = _kept(_gradient_mistakes(explanation, index, by_arg, notation), gradient)
    question = f"{notation.gradient(out, name)} = ?"
    return Box(GRADIENT, index, name, question, gradient, _show(gradient), (rule, locals_), mistakes)


def _gradient_mistakes(
    explanation: Explanation, index: int, by_arg: dict[int, list[EdgeStep]], notation: Notation
) -> Iterator[Mistake]:
    """The wrong answers people give for this gradient, most telling first."""
    graph = explanation.graph
    out = graph.nodes[graph.output].name
    name = graph.nodes[index].name
    gradient = explanation.node_gradients[index]
    assert gradient is not None
    edges = by_arg.get(index, [])
    for edge in edges:
        consumer = graph.nodes[edge.node].name
        if not _same(edge.local_value, 1):
            yield Mistake(
                edge.upstream,
                "upstream_only",
                f"that is the upstream gradient {notation.gradient(out, consumer)} = {_show(edge.upstream)}; multiply "
                f"by the local derivative {notation.local(consumer, name)} = "
                f"{_local_text(edge.local_formula, edge.local_value)}",
            )
    if 1 < len(edges) <= MOST_PATHS:
        for size in range(1, len(edges)):
            for chosen in combinations(edges, size):
                missed = [e for e in edges if e not in chosen]
                through = ", ".join(graph.nodes[e.node].name for e in chosen)
                others = " + ".join(
                    f"{notation.local(graph.nodes[e.node].name, name)} · "
                    f"{notation.gradient(out, graph.nodes[e.node].name)} = {_show(e.product)}"
                    for e in missed
                )
                yield Mistake(
                    sum((e.product for e in chosen), Fraction(0)),
                    "missing_path",
                    f"that counts only the path through {through}; {name} also reaches {out} through "
                    f"{', '.join(graph.nodes[e.node].name for e in missed)}: add {others}",
                )
    for edge in _edges_above(by_arg, index):
        if edge.arg == index:  # leaving out its own edge's local derivative is "upstream only", above
            continue
        if edge.local_value != 0 and not _same(edge.local_value, 1) and not _same(edge.local_value, -1):
            consumer, argument = graph.nodes[edge.node].name, graph.nodes[edge.arg].name
            yield Mistake(
                gradient / edge.local_value,  # exact where both are, a float otherwise
                "missing_factor",
                f"you left out {notation.local(consumer, argument)} = "
                f"{_local_text(edge.local_formula, edge.local_value)}",
            )
    if gradient != 0:
        yield Mistake(-gradient, "sign", "the sign is wrong: check the sign of each local derivative on the way")
        for factor in (2, Fraction(1, 2), 4, Fraction(1, 4)):
            yield Mistake(
                gradient * factor,
                "factor",
                f"that is {factor} times the gradient: check the constant factors "
                "(the ½ of a square, a 2 counted twice)",
            )
    for other in graph.nodes:
        other_gradient = explanation.node_gradients[other.index]
        if other.index != index and other_gradient is not None:
            yield Mistake(
                other_gradient,
                "wrong_variable",
                f"that is {notation.gradient(out, other.name)}, the gradient of {other.name}; "
                f"this box is {notation.gradient(out, name)}",
            )


def _kept(mistakes: Iterable[Mistake], answer: Number) -> tuple[Mistake, ...]:
    """The mistakes a judge can say, in order: none equal to the answer (a right answer is never a
    mistake), none after one of the same value and type (exact or float, which decides how an
    answer is compared): judge stops at the first that matches."""
    seen: set[tuple[bool, Number]] = set()
    kept = []
    for mistake in mistakes:
        key = (isinstance(mistake.value, float), mistake.value)
        if key not in seen and not _same(mistake.value, answer):
            seen.add(key)
            kept.append(mistake)
    return tuple(kept)


def _edges_by_argument(explanation: Explanation) -> dict[int, list[EdgeStep]]:
    """The backward pass's edges by the node they lead from, made once for every box."""
    by_arg: dict[int, list[EdgeStep]] = {}
    for step in explanation.steps:
        if isinstance(step, EdgeStep):
            by_arg.setdefault(step.arg, []).append(step)
    return by_arg


def _edges_above(by_arg: dict[int, list[EdgeStep]], index: int) -> list[EdgeStep]:
    """Every edge on a path from the node up to the output (each once)."""
    found: dict[tuple[int, int], EdgeStep] = {}
    stack, seen = [index], {index}
    while stack:
        for edge in by_arg.get(stack.pop(), []):
            found.setdefault((edge.node, edge.slot), edge)
            if edge.node not in seen:
                seen.add(edge.node)
                stack.append(edge.node)
    return list(found.values())


@dataclass(frozen=True, slots=True)
class Score:
    right: int
    asked: int
    mistakes: tuple[tuple[str, int], ...]  # (kind, how many times), most frequent first

    @property
    def line(self) -> str:
        return f"score: {self.right}/{self.asked}"

    def summary(self) -> list[str]:
        """The mistakes grouped by kind, as sentences about the student's habits."""
        return [f"{KINDS.get(kind, kind)} ({count} time{'' if count == 1 else 's'})" for kind, count in self.mistakes]


def score(right: int, asked: int, kinds: list[str]) -> Score:
    counted: dict[str, int] = {}
    for kind in kinds:
        counted[kind] = counted.get(kind, 0) + 1
    ordered = sorted(
        counted.items(), key=lambda item: (-item[1], list(KINDS).index(item[0]) if item[0] in KINDS else 99)
    )
    return Score(right, asked, tuple(ordered))
