"""The quiz as data: which boxes to fill in and in what order, how an answer is judged, and what
to say about a wrong one. Nothing here asks or prints: the CLI (or a page, or a test) asks.

The lab's order: each computed node's value left to right, then each gradient right to left.
A wrong answer is compared with the one catalogue of mistakes (teach/mistakes.py), each worked
out from the backward pass at this point, in its order: the wrong sign, the upstream gradient
without its local derivative, a local derivative left out further up, some of the paths only, a
constant factor, another node's value or gradient. Answers are judged by the one tolerance policy
(teach/tolerance.py): an exact box wants an exact answer, another one agrees within 0.1% (or what
the answer's digits say, when that is less).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from gradexplain.backward import EdgeStep
from gradexplain.errors import GradexplainError, InputError
from gradexplain.notation import LEIBNIZ_NOTATION, Notation
from gradexplain.numbers import Number, format_number
from gradexplain.render.report import Shown, with_values
from gradexplain.teach.mistakes import (
    EARLY,
    EXTRA_FACTOR,
    FACTOR,
    MISSING_FACTOR,
    MISSING_PATH,
    ORDER,
    SIGN,
    UPSTREAM_ONLY,
    WRONG_NODE,
    WRONG_VARIABLE,
    Catalogue,
    Diagnosis,
    Path,
    Sample,
)
from gradexplain.teach.tolerance import ANSWER_DEPTH, agrees, close, fills, read_answer

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

PARTS = ("forward", "backward", "both")
VALUE, GRADIENT = "value", "gradient"
# Boxes are filled in by hand: past this many, a quiz or a lab page is refused. (Each box lists the
# values of the other nodes among its mistakes, so the work grows with the square of the boxes: a
# lab page of a dense network is 2 MB at 200 boxes, 70 MB and 40 s at 1,500.)
MOST_BOXES = 200
# An unreadable answer is quoted back up to this many characters (the lab page's script says the same).
ECHO = 40
# What each kind of mistake says about the student, for the summary at the end: the catalogue's
# kinds in its order, then "close" for an exact value given rounded.
HABITS = {
    SIGN: "you lose a minus sign",
    UPSTREAM_ONLY: "you stop at the upstream gradient: multiply it by the local derivative",
    MISSING_FACTOR: "you leave out a local derivative on the way to the output",
    MISSING_PATH: "you forget to sum over every path when a node feeds several others",
    FACTOR: "you are off by a constant factor (the ½ of a square, or a 2 counted twice)",
    EXTRA_FACTOR: "you multiply in a local derivative once too often",
    WRONG_NODE: "you take an activation's derivative at its output instead of at its argument",
    WRONG_VARIABLE: "you give the number of another node",
    EARLY: "you put in numbers too early: the formula holds at this point only",
}
assert tuple(HABITS) == ORDER
KINDS = {
    **HABITS,
    "close": "you round where the exact value is wanted",
    "none": "no common mistake matches: redo the step with the hint",
}

# What a verdict says, word for word; the lab page (render/lab.py) says the same.
RIGHT = "right: {shown}"
SHOWN = "answer: {shown}"  # after show, or when the tries run out: the pipe protocol says this line
UNREADABLE = "{text} is not a number: write one such as -4, 0.5, 1/2 or 2*(-2)"  # text: the answer's repr
TOO_DEEP = "{text} nests more than {depth} levels deep: write the number, or a shorter formula"
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
    graph = explanation.graph
    point = Sample.of(explanation.values, explanation.node_gradients, explanation.steps)
    catalogue = Catalogue.of(graph, explanation.steps, point)
    found: list[Box] = []
    if part in ("forward", "both"):
        found += [_value_box(explanation, catalogue, point, node.index) for node in graph.nodes if not node.is_input]
    if part in ("backward", "both"):
        by_arg = _edges_by_argument(explanation)
        for node in reversed(graph.nodes):
            if node.index != graph.output and explanation.node_gradients[node.index] is not None:
                found.append(_gradient_box(explanation, catalogue, point, node.index, notation, by_arg))
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
    """Whether `text` (a number or a formula without names: -4, 1/2, 2*(-2)) fills `box`: right,
    close (an exact value rounded), a mistake of the catalogue, or none of these."""
    stripped = text.strip()
    try:
        answer, how = read_answer(stripped)
    except GradexplainError as error:
        echoed = repr(stripped if len(stripped) <= ECHO else stripped[: ECHO - 1] + "…")
        if error.message.startswith("the formula nests deeper than"):
            return Verdict(False, "unreadable", TOO_DEEP.format(text=echoed, depth=ANSWER_DEPTH))
        return Verdict(False, "unreadable", UNREADABLE.format(text=echoed))
    if fills(answer, box.answer, how):
        return Verdict(True, "", RIGHT.format(shown=box.shown))
    if close(answer, box.answer, how):
        return Verdict(False, "close", CLOSE)
    for mistake in box.mistakes:  # in the catalogue's order
        if fills(answer, mistake.value, how):
            return Verdict(False, mistake.kind, mistake.message)
    return Verdict(False, "none", OTHER.format(hint=box.hints[0] if box.hints else NO_HINT))


def _show(value: Number) -> str:
    return format_number(value, 6)


def _local_text(formula: str, value: Number) -> str:
    """A local derivative's formula and value, said once when they are the same: `x = -2`, `-1`."""
    shown = _show(value)
    return shown if formula == shown else f"{formula} = {shown}"


# ── forward boxes ──────────────────────────────────────────────────────────────────────────


def _value_box(explanation: Explanation, catalogue: Catalogue, point: Sample, index: int) -> Box:
    graph = explanation.graph
    node = graph.nodes[index]
    value = explanation.values[index]
    definition = graph.definition(node)
    arguments = ", ".join(f"{graph.nodes[a].name} = {_show(explanation.values[a])}" for a in dict.fromkeys(node.args))
    worked = with_values(explanation, node, Shown(6, False))
    hints = (f"{node.name} = {definition}: put in the values of its arguments ({arguments})", f"{node.name} = {worked}")
    mistakes: list[Mistake] = []
    for candidate in catalogue.values(index, point):
        said = candidate.diagnosis
        if said.kind == SIGN:
            message = f"the sign is wrong: work out {worked} again"
        elif said.kind == FACTOR:
            message = f"you left out the {said.constant} of {node.name} = {definition}: work out {worked} again"  # type: ignore[arg-type]
        else:
            other = graph.nodes[said.node]  # type: ignore[index]
            what = f"the value of {other.name}" + (" (an input)" if other.is_input else "")
            message = f"that is {what}; this box is {node.name} = {definition}"
        mistakes.append(Mistake(candidate.predict(point), said.kind, message))  # type: ignore[arg-type]
    question = f"{node.name} = {definition} = ?"
    return Box(VALUE, index, node.name, question, value, _show(value), hints, _kept(mistakes, value))


# ── backward boxes ─────────────────────────────────────────────────────────────────────────


def _gradient_box(
    explanation: Explanation,
    catalogue: Catalogue,
    point: Sample,
    index: int,
    notation: Notation,
    by_arg: dict[int, list[EdgeStep]],
) -> Box:
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
    words = _Words(explanation, notation, index)
    mistakes = []
    for candidate in catalogue.gradient(index, [point]):
        predicted = None if candidate.fitted else candidate.predict(point)  # a fitted k tells nothing at one point
        if predicted is not None:
            mistakes.append(Mistake(predicted, candidate.diagnosis.kind, words.said(candidate.diagnosis, predicted)))
    question = f"{notation.gradient(out, name)} = ?"
    return Box(GRADIENT, index, name, question, gradient, _show(gradient), (rule, locals_), _kept(mistakes, gradient))


class _Words:
    """What the quiz says about each mistake of a gradient box, in the chosen notation."""

    def __init__(self, explanation: Explanation, notation: Notation, index: int) -> None:
        self.graph, self.notation = explanation.graph, notation
        self.out = self.graph.nodes[self.graph.output].name
        self.name = self.graph.nodes[index].name

    def _named(self, node: int) -> str:
        return self.graph.nodes[node].name

    def said(self, found: Diagnosis, value: Number) -> str:
        notation, out, name = self.notation, self.out, self.name
        if found.kind == SIGN and found.edge is not None:  # a -1 on the way, left out
            consumer = self.graph.nodes[found.edge.node]
            local = notation.local(consumer.name, self._named(found.edge.arg))
            defined = f"{consumer.name} = {self.graph.definition(consumer)}"
            return f"the sign is wrong: you left out {local} = -1 (from {defined})"
        if found.kind == SIGN:
            return "the sign is wrong: check the sign of each local derivative on the way"
        if found.kind == UPSTREAM_ONLY:
            assert found.edge is not None and found.node is not None and found.value is not None
            consumer = self._named(found.node)
            return (
                f"that is the upstream gradient {notation.gradient(out, consumer)} = {_show(found.value)}; multiply "
                f"by the local derivative {notation.local(consumer, name)} = "
                f"{_local_text(found.edge.formula, found.edge.value)}"
            )
        if found.kind == MISSING_FACTOR:
            assert found.edge is not None
            local = notation.local(self._named(found.edge.node), self._named(found.edge.arg))
            return f"you left out {local} = {_local_text(found.edge.formula, found.edge.value)}"
        if found.kind == EXTRA_FACTOR:
            assert found.edge is not None
            local = notation.local(self._named(found.edge.node), self._named(found.edge.arg))
            return f"a factor too many: {local} = {_local_text(found.edge.formula, found.edge.value)} is in it twice"
        if found.kind == WRONG_NODE:
            assert found.edge is not None and found.node is not None
            consumer, argument = self._named(found.node), self._named(found.edge.arg)
            local = notation.local(consumer, argument)
            return f"{local} = {found.edge.formula} is taken at {argument}, not at {consumer}"
        if found.kind == MISSING_PATH:
            counted = ", ".join(self._through(path) for path in found.counted)
            missed = ", ".join(self._through(path) for path in found.missed)
            plural = "s" if len(found.counted) > 1 else ""
            return (
                f"that counts only the path{plural} through {counted}; {name} also reaches {out} through {missed}: "
                f"add {' + '.join(self._product(path) for path in found.missed)}"
            )
        if found.kind == FACTOR:
            return (
                f"that is {found.value} times the gradient: check the constant factors "
                "(the ½ of a square, a 2 counted twice)"
            )
        assert found.kind == WRONG_VARIABLE and found.node is not None
        other = self._named(found.node)
        return (
            f"that is {notation.gradient(out, other)}, the gradient of {other}; "
            f"this box is {notation.gradient(out, name)}"
        )

    def _through(self, path: Path) -> str:
        """The nodes a path goes through on its way to the output (`s`, `a → d`)."""
        inner = [self._named(edge.node) for edge in path[:-1]]
        return " → ".join(inner) if inner else self.out

    def _product(self, path: Path) -> str:
        """A path's product of local derivatives, and its value: `∂ₗp/∂w · ∂ₗJ/∂p = 10`."""
        factors = " · ".join(self.notation.local(self._named(e.node), self._named(e.arg)) for e in path)
        value: Number = Fraction(1)
        for edge in path:
            value = value * edge.value
        return f"{factors} = {_show(value)}"


def _kept(mistakes: Iterable[Mistake], answer: Number) -> tuple[Mistake, ...]:
    """The mistakes a judge can say, in order: none that agrees with the answer (a right answer is
    never a mistake), none after one of the same value and type (exact or float, which decides how
    an answer is compared): judge stops at the first that matches."""
    seen: set[tuple[bool, Number]] = set()
    kept = []
    for mistake in mistakes:
        key = (isinstance(mistake.value, float), mistake.value)
        if key not in seen and not agrees(mistake.value, answer):
            seen.add(key)
            kept.append(mistake)
    return tuple(kept)


def _edges_by_argument(explanation: Explanation) -> dict[int, list[EdgeStep]]:
    """The backward pass's edges by the node they lead from, made once for every box (its hints)."""
    by_arg: dict[int, list[EdgeStep]] = {}
    for step in explanation.steps:
        if isinstance(step, EdgeStep):
            by_arg.setdefault(step.arg, []).append(step)
    return by_arg


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
