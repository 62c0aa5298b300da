"""Auditing floating point: recompute with 50 digits, and never show a double the audit knows is wrong.

Exact numbers are exact, but once a value is floating point rounding can eat every digit:
(1 + 1/w)**w at w = 1e15 is 3.03504 in doubles, while the true value is e = 2.71828. Nothing in
the double-precision run can tell. So whenever a value or a gradient is floating point, the
whole forward and backward pass runs again through the same recipes in mpmath at 50 digits (a
context of its own: mpmath's global precision is never touched, so threads are safe).

Where a double is off by more than a few units in its last place, the run's numbers are taken
from the recomputation instead: at 100 digits, each rounded to the nearest double (exact values
stay exact), so every digit shown is right; a note says so where the doubles were visibly wrong.
Where no double can hold a result asked for (3.7e-348), where 50 and 100 digits disagree (a
pole, where rounding decides the value: tan at π/2), or where a value is not real, the run is
refused with the reason. A value along the way too small for a double (a gradient through
3,000 steps of a recurrence) shows as 0, with a note.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from mpmath.ctx_mp_python import _mpf  # the type every mpmath context's real numbers derive from

from gradexplain.backward import BackwardPass, EdgeStep, Step, SumStep
from gradexplain.engine.interpreter import Edge, Interpreter
from gradexplain.engine.systems import AUDIT_DIGITS, Precise
from gradexplain.errors import EvaluationError, brief
from gradexplain.forward import Note
from gradexplain.graph import Graph
from gradexplain.numbers import Number, format_number

# Above this many nodes the audit (about 20 µs a node) is skipped; the README says so.
AUDIT_NODES = 20_000
# A double further than this from the true value (relatively) is replaced by the true value
# rounded to a double: a few units in its last place, so that the 15 digits shown are right.
CORRECTED_BEYOND = 2.0**-50
# … and a note says so where it is off by more than this: a digit of the 6 shown may be wrong.
RELATIVE_ERROR = 1e-6
# The digits the second recomputation uses, and how far the two may differ (relatively) before
# the value is said to depend on the precision it is computed with, as at a pole: well within
# a double's last place, so that the double shown is the same either way.
CONFIRM_DIGITS = 100
STABLE = 2.0**-60
# A value that shrinks this much from 50 digits to 100 is 0 (rounding's residue, which halves
# its digits' worth each time the digits double), not a tiny number.
VANISHES = 1e-30


@dataclass(frozen=True, slots=True)
class Audit:
    """The audit's verdict: notes, and the run's numbers (the 50-digit ones where doubles were wrong)."""

    notes: tuple[Note, ...]
    values: tuple[Number, ...]
    backward: BackwardPass
    # The output with inputs moved, computed as precisely as the values (for --check), or None
    # when the doubles stand.
    rerun: Callable[[Sequence[Any], dict[int, Number], Sequence[int]], Number] | None = None


def precise_pass(
    graph: Graph, values: Sequence[Number], digits: int = AUDIT_DIGITS
) -> tuple[Precise, list[Any], list[Any]]:
    """The forward and backward passes at `digits` digits, from the inputs' values (the computed
    ones are recomputed): the system, every node's value and ∂output/∂node."""
    system = Precise(digits)
    interpreter = Interpreter(graph, system)
    precise, _ = interpreter.forward(
        [system.input(values[node.index]) if node.is_input else None for node in graph.nodes], notes=False
    )
    adjoints, _ = interpreter.backward(precise)
    return system, precise, adjoints


def _shown(ctx: Any, precise: Any) -> str:
    """The precise value as a reader sees numbers, also beyond the range of doubles (5.2e-348)."""
    value = float(precise)
    if (value == 0 and precise != 0) or not ctx.isfinite(value):
        return _nstr(ctx, precise)
    return format_number(value)


def _nstr(ctx: Any, value: Any) -> str:
    """A precise number to 6 digits as every value is shown, also beyond doubles' range (5.2e-348)."""
    return ctx.nstr(value, 6).replace("e+", "e")


def _error(double: float, precise: Any) -> float:
    """How far a double is from its precise value, relatively (a double 0 for a nonzero value: all of it)."""
    if precise == 0:
        return 0.0 if double == 0 else math.inf
    return float(abs(precise - double) / abs(precise))


def audit(graph: Graph, values: Sequence[Number], backward: BackwardPass, wanted: Sequence[int]) -> Audit:
    """The doubles checked against 50 digits; where they are wrong, the run's numbers corrected
    (or, where no double can hold the truth, an EvaluationError that says why)."""
    unchanged = Audit((), tuple(values), backward)
    gradients = backward.gradients
    checked = [
        (index, number, kind)
        for kind, numbers in (("value", values), ("gradient", gradients))
        for index, number in enumerate(numbers)
        if isinstance(number, float)
    ]
    if len(graph.nodes) > AUDIT_NODES or not checked:
        return unchanged
    try:
        system, precise, adjoints = precise_pass(graph, values)
    except (ValueError, TypeError, ArithmeticError):
        return replace(
            unchanged,
            notes=(Note(graph.output, "floating point lost accuracy: the formula cannot be recomputed at 50 digits"),),
        )
    ctx = system.ctx
    output = graph.nodes[graph.output].name

    def label(index: int, kind: str) -> str:
        return (
            output
            if kind == "value" and index == graph.output
            else (
                f"{brief(graph.nodes[index].name, 30)}"
                if kind == "value"
                else f"∂{output}/∂{brief(graph.nodes[index].name, 30)}"
            )
        )

    worst = 0.0
    for index, double, kind in checked:
        better = precise[index] if kind == "value" else adjoints[index]
        if not system.real(better):
            raise EvaluationError(
                f"{label(index, kind)} has no real value: recomputed with {AUDIT_DIGITS} digits it is "
                f"{_nstr(ctx, better)} (the doubles' rounding hid it)",
                span=graph.nodes[index].span,
                hint="choose values at which the formula is defined with some room to spare",
            )
        worst = max(worst, _error(double, better))
    if worst <= CORRECTED_BEYOND:
        return unchanged
    return _corrected(graph, values, backward, wanted, checked, (precise, adjoints), label)


def _corrected(
    graph: Graph,
    values: Sequence[Number],
    backward: BackwardPass,
    wanted: Sequence[int],
    checked: list[tuple[int, float, str]],
    at_fifty: tuple[list[Any], list[Any]],
    label: Callable[[int, str], str],
) -> Audit:
    """The run's numbers where the doubles are wrong, from a recomputation at 100 digits that
    agrees with the one at 50; the doubles within CORRECTED_BEYOND of it stay."""
    system = Precise(CONFIRM_DIGITS)
    ctx = system.ctx
    interpreter = Interpreter(graph, system)
    precise, _ = interpreter.forward(
        [system.input(values[node.index]) if node.is_input else None for node in graph.nodes], notes=False
    )
    adjoints, edges = interpreter.backward(precise, wanted, record=Edge)
    fifty_system = Precise(AUDIT_DIGITS)
    notes: list[Note] = []
    lost: list[tuple[int, str, Any]] = []  # tiny values along the way, which no double holds
    settled: dict[tuple[str, int], Any] = {}
    for index, double, kind in checked:
        hundred = precise[index] if kind == "value" else adjoints[index]
        if _within(double, hundred):
            continue
        fifty = at_fifty[0][index] if kind == "value" else at_fifty[1][index]
        better = _settled(fifty, hundred, system)
        if better is None:
            raise _unstable(label(index, kind), double, fifty, hundred, system, graph.nodes[index].span)
        settled[kind, index] = better
        shown = index == graph.output if kind == "value" else index in wanted
        if not shown and better != 0 and abs(better) < sys.float_info.min:
            lost.append((index, kind, better))  # the results asked for do not need it: it shows as 0
        else:
            _as_double(better, ctx, label(index, kind), graph.nodes[index].span)
        if _error(double, better) > RELATIVE_ERROR and shown:
            vanished = " and 100 (it vanishes as the digits grow)" if better == 0 and hundred != 0 else ""
            notes.append(
                Note(
                    index,
                    f"floating point lost accuracy: {label(index, kind)} is {format_number(double)} in double "
                    f"precision but {_shown(ctx, better)} recomputed with {AUDIT_DIGITS} digits{vanished}; the "
                    "tables show the recomputed values",
                )
            )
    if lost:
        notes.append(_below_doubles(lost, ctx, label))
    new_values = tuple(
        float(settled["value", i]) if ("value", i) in settled else value for i, value in enumerate(values)
    )
    gradients = tuple(
        float(settled["gradient", i]) if ("gradient", i) in settled else gradient
        for i, gradient in enumerate(backward.gradients)
    )
    coarse: list[Any] = []  # the steps at 50 digits, made only if a step's double is wrong

    def fifty_digit_edges() -> list[Any]:
        if not coarse:
            coarse.extend(Interpreter(graph, fifty_system).backward(at_fifty[0], wanted, record=Edge)[1])
        return coarse

    steps = tuple(
        _step(step, position, edges, fifty_digit_edges, system) for position, step in enumerate(backward.steps)
    )

    def rerun(base: Sequence[Any], changed: dict[int, Number], order: Sequence[int]) -> Number:
        """The output with inputs moved, at 100 digits (settled against 50), as the nearest double
        (an EvaluationError where it has no value a double can hold)."""
        try:
            hundred = interpreter.output_at(precise, {i: system.input(v) for i, v in changed.items()}, order)
            moved = {i: fifty_system.input(v) for i, v in changed.items()}
            fifty = Interpreter(graph, fifty_system).output_at(at_fifty[0], moved, order)
        except ArithmeticError as problem:
            raise EvaluationError(f"{output} cannot be computed there: {problem}") from None
        better = _settled(fifty, hundred, system)
        if better is None:
            raise EvaluationError(f"{output} has no stable value there: rounding decides it")
        return _as_double(better, ctx, output, None)

    output = graph.nodes[graph.output].name
    return Audit(tuple(notes), new_values, BackwardPass(steps, gradients, backward.formulas), rerun)


def _within(double: float, precise: Any) -> bool:
    """Whether a double is within CORRECTED_BEYOND of a precise real value (so it stays)."""
    if not isinstance(precise, _mpf):
        return False
    nearest = float(precise)
    if nearest == 0 or not math.isfinite(nearest) or abs(nearest) < sys.float_info.min:
        return double == nearest == precise
    return abs(double - nearest) <= CORRECTED_BEYOND * abs(nearest)


def _unstable(what: str, double: float, fifty: Any, hundred: Any, system: Precise, span: Any) -> EvaluationError:
    """The error for a value 50 and 100 digits disagree on: a pole where it grows with the digits."""
    ctx = system.ctx
    grows = system.real(hundred) and system.real(fifty) and abs(hundred) > abs(fifty)
    return EvaluationError(
        f"{what} has no stable value here: {format_number(double)} in doubles, "
        f"{_nstr(ctx, fifty)} with {AUDIT_DIGITS} digits, {_nstr(ctx, hundred)} with {CONFIRM_DIGITS}: "
        + (
            "the point is at (or next to) a pole, where rounding decides the value"
            if grows
            else "rounding decides the value here, even with 100 digits"
        ),
        span=span,
        hint="choose a point away from it",
    )


def _settled(fifty: Any, hundred: Any, system: Precise) -> Any | None:
    """The value 50 and 100 digits agree on; 0 where it vanishes as the digits grow (sin(pi*w) at
    w = 1 is about 1e-51 with 50 digits and 1e-102 with 100: pi is rounded, sin(pi) is 0); None
    where the two disagree otherwise (a pole, where rounding decides the value)."""
    if isinstance(hundred, _mpf) and isinstance(fifty, _mpf):  # the usual case, quickly: the same double
        double = float(hundred)
        if double == float(fifty) and double != 0 and math.isfinite(double):
            return hundred
    if not system.real(hundred) or not system.real(fifty):
        return None
    if abs(fifty - hundred) <= STABLE * abs(hundred):
        return hundred
    if abs(hundred) <= VANISHES * abs(fifty):
        return system.ctx.mpf(0)
    return None


def _below_doubles(lost: list[tuple[int, str, Any]], ctx: Any, label: Callable[[int, str], str]) -> Note:
    """One note for every value along the way too small for a double (a gradient through 3,000
    steps of a recurrence can be 1e-899), which the tables show as 0."""
    index, kind, value = lost[0]
    first = f"{label(index, kind)} is {_nstr(ctx, value)}"
    if len(lost) == 1:
        return Note(index, f"{first}, below the smallest double (2.2e-308): the tables show 0")
    return Note(
        index,
        f"{len(lost)} values along the way are below the smallest double (2.2e-308), and the tables show 0 "
        f"for them: {first}, for one (recomputed with {CONFIRM_DIGITS} digits); the results asked for are not",
    )


def _as_double(value: Any, ctx: Any, label: str, span: Any) -> float:
    """A precise value as the nearest double; an EvaluationError when no double can hold it."""
    double = float(value)
    if value != 0 and (double == 0 or abs(double) < sys.float_info.min or not math.isfinite(double)):
        size = "small" if abs(value) < 1 else "large"
        raise EvaluationError(
            f"{label} is {_nstr(ctx, value)}, too {size} for floating point "
            f"(recomputed with {CONFIRM_DIGITS} digits; in doubles it is lost)",
            span=span,
            hint="choose values at which it stays between 2.2e-308 and 1.8e308 in size",
        )
    return double


def _step(step: Step, position: int, edges: list[Any], coarse: Callable[[], list[Any]], system: Precise) -> Step:
    """A step with each double the 100-digit recomputation finds wrong replaced (0 where the
    value vanishes with the digits, which the step at 50 digits tells)."""
    edge = edges[position]

    def better(number: Number, hundred: Any, part: Callable[[Any], Any]) -> Number:
        if isinstance(number, Fraction) or _within(number, hundred):
            return number
        settled = _settled(part(coarse()[position]), hundred, system)
        return float(hundred if settled is None else settled)

    if isinstance(step, SumStep):
        terms = tuple(
            better(term, hundred, lambda rough, k=k: rough.terms[k])
            for k, (term, hundred) in enumerate(zip(step.terms, edge.terms, strict=True))
        )
        return SumStep(step.node, terms, better(step.total, edge.total, lambda rough: rough.total))
    assert isinstance(step, EdgeStep)
    local = better(step.local_value, edge.local_value, lambda rough: rough.local_value)
    upstream = better(step.upstream, edge.upstream, lambda rough: rough.upstream)
    product = better(step.product, edge.product, lambda rough: rough.product)
    if (local, upstream, product) == (step.local_value, step.upstream, step.product):
        return step
    return replace(step, local_value=local, upstream=upstream, product=product)
