"""Auditing floating point: recompute with 50 digits, and never show a double the audit knows is wrong.

Exact numbers are exact, but once a value is floating point rounding can eat every digit:
(1 + 1/w)**w at w = 1e15 is 3.03504 in doubles, while the true value is e = 2.71828. Nothing in
the double-precision run can tell. So whenever a value or a gradient is floating point, the
whole forward and backward pass runs again through the same recipes in mpmath at 50 digits (a
context of its own: mpmath's global precision is never touched, so threads are safe), and every
double of the run — values, gradients, and each step's local derivative and product — is
compared with its 50-digit value.

A double within CORRECTED_BEYOND of it (a few units in its last place) stands. One off by more,
but by no more than CONFIRMED_BEYOND, is replaced by the 50-digit value rounded to a double: the
computation amplified rounding by at most 2¹³ for the doubles to stay that close, so it cost
the 50 digits no more than four of them. One off by more than that (cancellation, a pole) sends
the whole run to 100 digits: where 50 and 100 digits agree, that value is shown, rounded to a
double; where it vanishes as the digits grow it is 0 (sin(pi) with pi rounded); where the two
disagree otherwise (a pole, where rounding decides the value: tan at π/2) the run is refused with
the reason, as it is where no double can hold a result asked for (3.7e-348) or a value is not
real. A value along the way too small for a double (a gradient through 3,000 steps of a
recurrence) shows as 0. Notes say where the doubles were visibly wrong.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from mpmath.ctx_mp_python import _mpf  # the type every mpmath context's real numbers derive from

from gradexplain.backward import BackwardPass, EdgeStep, SumStep
from gradexplain.engine.interpreter import Edge, Interpreter
from gradexplain.engine.systems import AUDIT_DIGITS, Precise
from gradexplain.errors import EvaluationError, Span, brief
from gradexplain.forward import Note
from gradexplain.graph import Graph
from gradexplain.numbers import Number, format_number

# Above this many nodes the audit (about 20 µs a node) is skipped; the README says so.
AUDIT_NODES = 20_000
# A double further than this from the true value (relatively) is replaced by the true value
# rounded to a double: a few units in its last place, so that the 15 digits shown are right.
CORRECTED_BEYOND = 2.0**-50
# … from the 50-digit value while it is off by no more than this; beyond, from 100 digits.
CONFIRMED_BEYOND = 2.0**-40
# A note says so where a double is off by more than this: a digit of the 6 shown may be wrong.
RELATIVE_ERROR = 1e-6
# The digits the second recomputation uses, and how far the two may differ (relatively) before
# the value is said to depend on the precision it is computed with, as at a pole: well within
# a double's last place, so that the double shown is the same either way.
CONFIRM_DIGITS = 100
STABLE = 2.0**-60
# A value that shrinks this much from 50 digits to 100 is 0 (rounding's residue, which halves
# its digits' worth each time the digits double), not a tiny number.
VANISHES = 1e-30
SMALLEST = sys.float_info.min  # the smallest normal double: below it a double keeps fewer digits


@dataclass(frozen=True, slots=True)
class Audit:
    """The audit's verdict: notes, and the run's numbers (the recomputed ones where doubles were wrong)."""

    notes: tuple[Note, ...]
    values: tuple[Number, ...]
    backward: BackwardPass
    # The output with some inputs moved, computed at 100 digits (for --check), or None when the
    # doubles stand or were off by a few units only.
    rerun: Callable[[dict[int, Number], Sequence[int]], Number] | None = None


@dataclass(frozen=True, slots=True)
class PrecisePass:
    """A forward and a backward pass at some digits: every node's value and ∂output/∂node, and
    the backward pass's steps (Edge and Sum, in the order of the run's) when they were asked for."""

    system: Precise
    interpreter: Interpreter
    values: list[Any]
    adjoints: list[Any]
    steps: list[Any]
    chosen: tuple[int, ...] = ()  # exact values the run computed from doubles (max, min, clip chose them)

    def output_at(self, changed: dict[int, Number], order: Sequence[int]) -> Any:
        """The output with the inputs in `changed` moved (`order`: the nodes downstream of them)."""
        moved = {index: self.system.input(value) for index, value in changed.items()}
        return self.interpreter.output_at(self.values, moved, order)


def precise_pass(
    graph: Graph, values: Sequence[Number], digits: int = AUDIT_DIGITS, wanted: Sequence[int] | None = None
) -> PrecisePass:
    """The passes at `digits` digits from the inputs' values (the computed ones are recomputed,
    but for those computed exactly from exact arguments: a Fraction that max, min or clip chose
    by comparing it with a double may be the wrong one); with `wanted`, the backward pass is
    the run's for those inputs, its steps recorded."""
    system = Precise(digits)
    interpreter = Interpreter(graph, system)
    given: list[Any] = [None] * len(values)
    chosen: list[int] = []
    for node, value in zip(graph.nodes, values, strict=True):
        if node.is_input:
            given[node.index] = system.input(value)
        elif type(value) is Fraction:
            if all(type(values[arg]) is Fraction for arg in node.args):
                given[node.index] = system.input(value)
            else:
                chosen.append(node.index)
    precise, _ = interpreter.forward(given, notes=False, keep_given=True)
    if wanted is None:
        adjoints, _ = interpreter.backward(precise)
        return PrecisePass(system, interpreter, precise, adjoints, [], tuple(chosen))
    adjoints, steps = interpreter.backward(precise, wanted, record=Edge)
    return PrecisePass(system, interpreter, precise, adjoints, steps, tuple(chosen))


# ── comparing a double with a precise value ────────────────────────────────────────────────


def _as_float(precise: Any) -> float | None:
    """A precise real as the nearest double, quickly (from its mantissa and exponent); None for
    one that is not a finite real."""
    if not isinstance(precise, _mpf):
        return None
    sign, mantissa, exponent, _ = precise._mpf_
    if not mantissa:
        value = float(precise)  # 0, or an infinity or nan
        return value if math.isfinite(value) else None
    try:
        value = math.ldexp(float(mantissa), exponent)
    except OverflowError:
        return None
    return -value if sign else value


def _error(double: float, precise: Any) -> float:
    """How far a double is from its precise value, relatively (all of it for a double 0 standing
    for a nonzero value, or a value beyond a double's range)."""
    nearest = _as_float(precise)
    if nearest is not None and abs(nearest) >= SMALLEST:
        return abs(double - nearest) / abs(nearest)
    if precise == 0:
        return 0.0 if double == 0 else math.inf
    if nearest is None:
        return math.inf
    return float(abs(precise - double) / abs(precise))


def better_double(double: float, precise: Any) -> float:
    """The double, or where it is off by more than CORRECTED_BEYOND from a precise value a double
    holds to full precision, that value's nearest double (for views that redo a computation)."""
    nearest = _as_float(precise)
    if nearest is None or (nearest != 0 and abs(nearest) < SMALLEST):
        return double
    return nearest if _error(double, precise) > CORRECTED_BEYOND else double


def _shown(ctx: Any, precise: Any) -> str:
    """The precise value as a reader sees numbers, also beyond the range of doubles (5.2e-348)."""
    nearest = _as_float(precise)
    if nearest is None or (nearest == 0 and precise != 0):
        return _nstr(ctx, precise)
    return format_number(nearest)


def _nstr(ctx: Any, value: Any) -> str:
    """A precise number to 6 digits as every value is shown, also beyond doubles' range (5.2e-348)."""
    return ctx.nstr(value, 6).replace("e+", "e")


# ── the audit ────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a double stands in the run: a node's value or gradient, or part of a step."""

    kind: str  # "value", "gradient" or "step"
    index: int  # the node (a step's: the node it is about)
    step: int = -1  # the step's position in the run
    part: str = ""  # an edge's local_value or product, or a sum's term
    term: int = 0  # which of the sum's terms


class _Auditor:
    """The doubles of one run against the precise passes: which are off, and their better values."""

    def __init__(self, graph: Graph, values: Sequence[Number], backward: BackwardPass, wanted: Sequence[int]) -> None:
        self.graph, self.values, self.backward, self.wanted = graph, values, backward, set(wanted)
        self.output = graph.nodes[graph.output].name

    def label(self, place: _Place) -> str:
        name = brief(self.graph.nodes[place.index].name, 30)
        if place.kind == "value":
            return self.output if place.index == self.graph.output else name
        if place.kind == "gradient":
            return f"∂{self.output}/∂{name}"
        return f"a step of ∂{self.output}/∂{name}"

    def shown(self, place: _Place) -> bool:
        """Whether the run was asked for this number: the output, or a wanted input's gradient."""
        if place.kind == "value":
            return place.index == self.graph.output
        return place.kind == "gradient" and place.index in self.wanted

    def has_doubles(self) -> bool:
        """Whether the run holds a double at all (a value's or a gradient's: a step's double
        comes from one of them)."""
        numbers = (*self.values, *self.backward.gradients)
        return any(isinstance(number, float) for number in numbers)

    def wrong(self, passed: PrecisePass) -> list[tuple[_Place, float, float]]:
        """Every double of the run off by more than CORRECTED_BEYOND from its value in `passed`:
        where it stands, the double, its error. A step's upstream is a node's gradient and a
        sum's terms are products, so only local derivatives, products and totals are compared;
        a value or gradient with no real value is an EvaluationError."""
        off: list[tuple[_Place, float, float]] = []
        real = passed.system.real

        def compare(double: float, better: Any, kind: str, index: int, step: int = -1, part: str = "", term: int = 0):
            nearest = _as_float(better)
            if (
                nearest is not None
                and abs(nearest) >= SMALLEST
                and abs(double - nearest) <= CORRECTED_BEYOND * abs(nearest)
            ):
                return  # the common case: the double is within a few units of its last place
            place = _Place(kind, index, step, part, term)
            if kind != "step" and not real(better):
                raise EvaluationError(
                    f"{self.label(place)} has no real value: recomputed with {AUDIT_DIGITS} digits it is "
                    f"{_nstr(passed.system.ctx, better)} (the doubles' rounding hid it)",
                    span=self.span(place),
                    hint="choose values at which the formula is defined with some room to spare",
                )
            error = _error(double, better)
            if error > CORRECTED_BEYOND:
                off.append((place, double, error))

        values, gradients, nodes = self.values, self.backward.gradients, self.graph.nodes
        for index, value in enumerate(values):
            if isinstance(value, float):
                compare(value, passed.values[index], "value", index)
        for index in passed.chosen:
            self._check_choice(index, values[index], passed)
        for index, gradient in enumerate(gradients):
            if isinstance(gradient, float):
                compare(gradient, passed.adjoints[index], "gradient", index)
        for position, (step, better) in enumerate(zip(self.backward.steps, passed.steps, strict=True)):
            if isinstance(step, EdgeStep):
                local, product = step.local_value, step.product
                # a local derivative that is an argument's value (w in ∂(w*x)/∂x), or a product
                # that is the argument's whole gradient, is compared as that value or gradient
                if isinstance(local, float) and not any(local is values[a] for a in nodes[step.node].args):
                    compare(local, better.local_value, "step", step.node, position, "local_value")
                if isinstance(product, float) and product is not gradients[step.arg]:
                    compare(product, better.product, "step", step.node, position, "product")
            else:
                for k, term in enumerate(step.terms):
                    if isinstance(term, float):
                        compare(term, better.terms[k], "step", step.node, position, "terms", k)
        return off

    def _check_choice(self, index: int, value: Number, passed: PrecisePass) -> None:
        """An exact value that max, min, clip, relu or abs chose by comparing doubles: where the
        precise pass chose otherwise, rounding decided the comparison, and the run's branch (its
        value, its local derivatives) is not the true one: an EvaluationError that says so."""
        better = passed.values[index]
        exact = passed.system.input(value)
        if abs(better - exact) <= CORRECTED_BEYOND * abs(better):
            return
        place = _Place("value", index)
        raise EvaluationError(
            f"{self.label(place)} is decided by rounding: in double precision it is {format_number(value)}, "
            f"recomputed with {AUDIT_DIGITS} digits it is {_shown(passed.system.ctx, better)} (a comparison "
            "of doubles chose the other branch)",
            span=self.span(place),
            hint="the doubles before it lost accuracy: choose another point, or rewrite the formula before it",
        )

    def precise(self, passed: PrecisePass, place: _Place) -> Any:
        if place.kind == "value":
            return passed.values[place.index]
        if place.kind == "gradient":
            return passed.adjoints[place.index]
        step = passed.steps[place.step]
        return step.terms[place.term] if place.part == "terms" else getattr(step, place.part)

    def span(self, place: _Place) -> Span | None:
        return self.graph.nodes[place.index].span


def audit(graph: Graph, values: Sequence[Number], backward: BackwardPass, wanted: Sequence[int]) -> Audit:
    """The doubles checked against 50 digits; where they are wrong, the run's numbers corrected
    (or, where no double can hold the truth, an EvaluationError that says why)."""
    unchanged = Audit((), tuple(values), backward)
    auditor = _Auditor(graph, values, backward, wanted)
    if len(graph.nodes) > AUDIT_NODES or not auditor.has_doubles():
        return unchanged
    try:
        fifty = precise_pass(graph, values, AUDIT_DIGITS, wanted)
    except (ValueError, TypeError, ArithmeticError):
        note = Note(graph.output, "floating point lost accuracy: the formula cannot be recomputed at 50 digits")
        return replace(unchanged, notes=(note,))
    off = auditor.wrong(fifty)
    if not off:
        return unchanged
    if all(error <= CONFIRMED_BEYOND for _, _, error in off):  # a few units off: 50 digits are right
        found = {place: _as_float(auditor.precise(fifty, place)) for place, _, _ in off}
        return _replaced(auditor, found, (), None)  # type: ignore[arg-type]
    return _confirmed(auditor, fifty, off)


def _confirmed(auditor: _Auditor, fifty: PrecisePass, off: list[tuple[_Place, float, float]]) -> Audit:
    """The run's wrong doubles from a recomputation at 100 digits that agrees with the one at 50."""
    graph = auditor.graph
    hundred = precise_pass(graph, auditor.values, CONFIRM_DIGITS, sorted(auditor.wanted))
    ctx = hundred.system.ctx
    found: dict[_Place, float] = {}
    notes: list[Note] = []
    visible: list[_Place] = []  # wrong in the digits shown, along the way
    lost: list[tuple[_Place, Any]] = []  # along the way, too small for a double: shown as 0
    for place, double, _ in off:
        coarse, fine = auditor.precise(fifty, place), auditor.precise(hundred, place)
        better = _settled(coarse, fine, hundred.system)
        if better is None:
            raise _unstable(auditor.label(place), double, coarse, fine, hundred.system, auditor.span(place))
        shown = auditor.shown(place)
        if not shown and better != 0 and abs(better) < SMALLEST:
            lost.append((place, better))
            found[place] = 0.0
            continue
        found[place] = _as_double(better, ctx, auditor.label(place), auditor.span(place))
        if _error(double, better) <= RELATIVE_ERROR:
            continue
        if shown:
            vanished = " and 100 (it vanishes as the digits grow)" if better == 0 and fine != 0 else ""
            notes.append(
                Note(
                    place.index,
                    f"floating point lost accuracy: {auditor.label(place)} is {format_number(double)} in double "
                    f"precision but {_shown(ctx, better)} recomputed with {AUDIT_DIGITS} digits{vanished}; the "
                    "tables show the recomputed values",
                )
            )
        else:
            visible.append(place)
    if visible:
        notes.append(_recomputed_along_the_way(auditor, visible))
    if lost:
        notes.append(_below_doubles(auditor, lost, ctx))
    return _replaced(auditor, found, tuple(notes), _rerun(auditor, fifty, hundred))


def _replaced(
    auditor: _Auditor,
    found: dict[_Place, float],
    notes: tuple[Note, ...],
    rerun: Callable[[dict[int, Number], Sequence[int]], Number] | None,
) -> Audit:
    """The run with the doubles at `found`'s places replaced by its values; a step's upstream
    and a sum's total follow their node's corrected gradient."""
    values = list(auditor.values)
    gradients = list(auditor.backward.gradients)
    steps = list(auditor.backward.steps)
    terms: dict[int, dict[int, float]] = {}
    for place, better in found.items():
        if place.kind == "value":
            values[place.index] = better
        elif place.kind == "gradient":
            gradients[place.index] = better
        elif place.part == "terms":
            terms.setdefault(place.step, {})[place.term] = better
        else:
            steps[place.step] = steps[place.step]._replace(**{place.part: better})
    corrected = {place.index for place in found if place.kind == "gradient"}
    for position, step in enumerate(steps):
        if isinstance(step, EdgeStep) and step.node in corrected:
            steps[position] = step._replace(upstream=gradients[step.node])
        elif isinstance(step, SumStep) and (step.node in corrected or position in terms):
            better_terms = terms.get(position, {})
            new_terms = tuple(better_terms.get(k, term) for k, term in enumerate(step.terms))
            steps[position] = SumStep(step.node, new_terms, gradients[step.node])  # type: ignore[arg-type]
    backward = BackwardPass(tuple(steps), tuple(gradients), auditor.backward.formulas)
    return Audit(notes, tuple(values), backward, rerun)


def _rerun(
    auditor: _Auditor, fifty: PrecisePass, hundred: PrecisePass
) -> Callable[[dict[int, Number], Sequence[int]], Number]:
    output = auditor.output

    def rerun(changed: dict[int, Number], order: Sequence[int]) -> Number:
        """The output with inputs moved, at 100 digits (settled against 50), as the nearest double
        (an EvaluationError where it has no value a double can hold)."""
        try:
            fine, coarse = hundred.output_at(changed, order), fifty.output_at(changed, order)
        except ArithmeticError as problem:
            raise EvaluationError(f"{output} cannot be computed there: {problem}") from None
        better = _settled(coarse, fine, hundred.system)
        if better is None:
            raise EvaluationError(f"{output} has no stable value there: rounding decides it")
        return _as_double(better, hundred.system.ctx, output, None)

    return rerun


def _settled(fifty: Any, hundred: Any, system: Precise) -> Any | None:
    """The value 50 and 100 digits agree on; 0 where it vanishes as the digits grow (sin(pi*w) at
    w = 1 is about 1e-51 with 50 digits and 1e-102 with 100: pi is rounded, sin(pi) is 0); None
    where the two disagree otherwise (a pole, where rounding decides the value)."""
    if not system.real(hundred) or not system.real(fifty):
        return None
    if abs(fifty - hundred) <= STABLE * abs(hundred):
        return hundred
    if abs(hundred) <= VANISHES * abs(fifty):
        return system.ctx.mpf(0)
    return None


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


def _recomputed_along_the_way(auditor: _Auditor, places: list[_Place]) -> Note:
    """One note for the values along the way whose doubles were visibly wrong."""
    first = auditor.label(places[0])
    more = f" and {len(places) - 1} more" if len(places) > 1 else ""
    return Note(
        places[0].index,
        f"floating point lost accuracy along the way: {first}{more} recomputed with {AUDIT_DIGITS} digits "
        "differ from the doubles in the digits shown; the tables show the recomputed values",
    )


def _below_doubles(auditor: _Auditor, lost: list[tuple[_Place, Any]], ctx: Any) -> Note:
    """One note for every value along the way too small for a double (a gradient through 3,000
    steps of a recurrence can be 1e-899), which the tables show as 0."""
    place, value = lost[0]
    first = f"{auditor.label(place)} is {_nstr(ctx, value)}"
    if len(lost) == 1:
        return Note(place.index, f"{first}, below the smallest normal double (2.2e-308): the tables show 0")
    return Note(
        place.index,
        f"{len(lost):,} numbers along the way (gradients and their steps) are below the smallest normal double "
        "(2.2e-308), and the tables "
        f"show 0 for them: {first}, for one (recomputed with {CONFIRM_DIGITS} digits); the results asked for "
        "are not",
    )


def _as_double(value: Any, ctx: Any, label: str, span: Any) -> float:
    """A precise value as the nearest double; an EvaluationError when no double holds it to its
    full precision (below the smallest normal double, a double keeps fewer digits)."""
    nearest = _as_float(value)
    if value != 0 and (nearest is None or abs(nearest) < SMALLEST):
        size = "small" if abs(value) < 1 else "large"
        raise EvaluationError(
            f"{label} is {_nstr(ctx, value)}, too {size} for floating point "
            f"(recomputed with {CONFIRM_DIGITS} digits; doubles hold 2.2e-308 to 1.8e308 in size to full precision)",
            span=span,
            hint="choose values at which it stays between 2.2e-308 and 1.8e308 in size",
        )
    return 0.0 if nearest is None else nearest
