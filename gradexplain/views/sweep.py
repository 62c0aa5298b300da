"""How the choice of ε matters: forward and central differences for ε = 10⁻¹ … 10⁻¹², twice.

In exact arithmetic the error only shrinks with ε: the forward difference's like ε (about
ε·|J″|/2), the central difference's like ε² (about ε²·|J‴|/6). In floating point, J(x+ε) and
J(x) agree in more and more leading digits as ε shrinks, their difference keeps only the rest,
and the round-off, about u·|J|/ε with u = 2⁻⁵³, grows: the error falls, then rises again — the
V on a log–log plot — and its bottom is the best ε. The lecture's rows (w² at 3: 6.001 at
ε = 0.001, 6.002 at 0.002) come out exactly, so the sweep holds the check's ε and twice it.

"Exact" is exact fractions while the formula stays rational, and otherwise mpmath with enough
digits (EXTRA_DIGITS + 3 per power of ten of the smallest ε) that its own round-off lies far
below every error shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from gradexplain.engine.interpreter import consumers_of, downstream
from gradexplain.engine.systems import Precise
from gradexplain.errors import GradexplainError, InputError
from gradexplain.limits import Limits
from gradexplain.numbers import Number, format_number, is_exact
from gradexplain.views.evaluation import Evaluator, check_work, mp_gradient, mp_output_at

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

DEFAULT_RANGE = (Fraction(1, 10), Fraction(1, 10**12))
MOST_DECADES = 30  # rows of powers of ten at most; also keeps ε ≥ 1e-30, far inside floating point
EXTRA_DIGITS = 20


@dataclass(frozen=True, slots=True)
class Estimate:
    """One difference quotient: its value and its error against the true gradient (None: J has
    no value at a nudged point, and `problem` says why)."""

    value: Number | None
    error: Number | None
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class SweepRow:
    eps: Fraction
    forward_exact: Estimate
    central_exact: Estimate
    forward_float: Estimate
    central_float: Estimate
    why: str  # "" for a power of ten; "--check's ε" or "twice --check's ε" for the rows added


@dataclass(frozen=True, slots=True)
class Sweep:
    input: int
    point: Number
    gradient: Number  # the true gradient: exact, or (when `exact` is False) to `digits` digits
    exact: bool  # the exact arm in fractions (True) or in mpmath (False)
    digits: int  # mpmath's precision when not `exact`
    rows: tuple[SweepRow, ...]  # ε from the largest to the smallest
    best_forward: Fraction | None  # the ε with the smallest floating-point error, each method
    best_central: Fraction | None


def parse_range(text: str) -> tuple[Fraction, Fraction]:
    """`1e-1..1e-12` (either order) as (largest, smallest) ε; refuses what no sweep can use."""
    from gradexplain.arguments import to_number

    low_text, dots, high_text = text.partition("..")
    example = "write it as FROM..TO, e.g. --eps-range 1e-1..1e-12"
    if not dots or not low_text.strip() or not high_text.strip():
        raise InputError(f"--eps-range {text}: expected two values of ε joined by ..", hint=example)
    ends = sorted((to_number(low_text.strip(), "--eps-range"), to_number(high_text.strip(), "--eps-range")))
    smallest, largest = (Fraction(end) for end in ends)
    if smallest <= 0:
        raise InputError(f"--eps-range {text}: ε must be positive", hint=example)
    if largest > 1:
        raise InputError(f"--eps-range {text}: ε above 1 is no small nudge", hint="start at 1 or below: " + example)
    if _decades(largest, smallest) > MOST_DECADES:
        raise InputError(
            f"--eps-range {text}: spans more than {MOST_DECADES} powers of ten",
            hint=f"at most {MOST_DECADES} rows, down to 1e-{MOST_DECADES} from 1",
        )
    return largest, smallest


def _decades(largest: Fraction, smallest: Fraction) -> int:
    return math.floor(math.log10(largest / smallest) + 1e-9) + 1


def epsilons(largest: Fraction, smallest: Fraction, check_eps: Number) -> tuple[tuple[Fraction, str], ...]:
    """largest, largest/10, … down to smallest, with the check's ε and twice it where they fall inside."""
    chosen: dict[Fraction, str] = {}
    for k in range(_decades(largest, smallest)):
        chosen[largest / 10**k] = ""
    check = Fraction(check_eps)
    for eps, why in ((check, "--check's ε"), (2 * check, "twice --check's ε")):
        if smallest <= eps <= largest:
            chosen[eps] = chosen.get(eps) or why
    return tuple(sorted(chosen.items(), reverse=True))


def make_sweep(
    explanation: Explanation,
    name: int,
    eps_range: tuple[Fraction, Fraction] = DEFAULT_RANGE,
    limits: Limits | None = None,
) -> Sweep:
    """Forward and central differences of ∂J/∂input `name` (a node index) at every ε of the range."""
    limits = limits or Limits()
    graph = explanation.graph
    evaluator = Evaluator.of(graph, explanation.values, limits)
    order = downstream(consumers_of(graph), name)
    chosen = epsilons(*eps_range, explanation.eps)
    check_work("--sweep", 4 * len(chosen) * max(1, len(order)), limits)
    point = explanation.values[name]
    gradient = explanation.node_gradients[name]
    assert gradient is not None
    exact_rows = _exact_arm(evaluator, name, order, point, chosen)
    digits = EXTRA_DIGITS + 3 * _decades(Fraction(1), chosen[-1][0])
    truth: Number = gradient
    exact = exact_rows is not None and is_exact(gradient)
    if not exact:
        exact_rows, truth = _mp_arm(evaluator, name, order, point, chosen, digits)
    floats = [_float_arm(evaluator, name, order, point, eps) for eps, _ in chosen]
    rows = tuple(
        SweepRow(
            eps,
            _scored(forward, truth),
            _scored(central, truth),
            _scored(float_forward, truth),
            _scored(float_central, truth),
            why,
        )
        for (eps, why), (forward, central), (float_forward, float_central) in zip(
            chosen, exact_rows, floats, strict=True
        )
    )
    return Sweep(
        name,
        point,
        truth,
        exact=exact,
        digits=digits,
        rows=rows,
        best_forward=_best(rows, "forward_float"),
        best_central=_best(rows, "central_float"),
    )


Pair = tuple[Number | str, Number | str]  # forward and central estimates, or why there is none


def _exact_arm(
    evaluator: Evaluator, name: int, order: tuple[int, ...], point: Number, chosen: tuple[tuple[Fraction, str], ...]
) -> list[Pair] | None:
    """Exact differences, or None once any value leaves the rationals (then mpmath does them all)."""
    base = evaluator.values[evaluator.graph.output]
    if not is_exact(base) or not is_exact(point):
        return None
    rows: list[Pair] = []
    for eps, _ in chosen:
        upper, lower = _at(evaluator, name, order, point + eps), _at(evaluator, name, order, point - eps)
        if any(isinstance(v, float) for v in (upper, lower)):
            return None
        rows.append(_quotients(base, upper, lower, eps))
    return rows


def _quotients(base: Any, upper: Any, lower: Any, eps: Any) -> Pair:
    """The forward and central differences, or (a string) why J has no value where one needs it."""
    forward = upper if isinstance(upper, str) else (upper - base) / eps
    central = next((v for v in (upper, lower) if isinstance(v, str)), None)
    return forward, central if central is not None else (upper - lower) / (2 * eps)


def _at(evaluator: Evaluator, name: int, order: tuple[int, ...], at: Number, floating: bool = False) -> Number | str:
    """J with the input at `at`, or why it has no value there."""
    try:
        return evaluator.output_at(name, at, order, floating)
    except GradexplainError as error:
        return error.message


def _mp_arm(
    evaluator: Evaluator,
    name: int,
    order: tuple[int, ...],
    point: Number,
    chosen: tuple[tuple[Fraction, str], ...],
    digits: int,
) -> tuple[list[Pair], Fraction]:
    """The differences and the true gradient in mpmath at `digits` digits (exact as fractions of
    binary numbers, so the errors are differences of exact values)."""
    system = Precise(digits)
    ctx = system.ctx
    x = system.input(point)
    try:
        base = mp_output_at(evaluator, system, name, x, order)
        truth = _fraction(mp_gradient(evaluator, digits, name))
    except (ValueError, TypeError, ArithmeticError) as problem:
        raise InputError(f"--sweep: the formula cannot be recomputed with {digits} digits: {problem}") from None
    rows: list[Pair] = []
    for eps, _ in chosen:
        h = system.input(eps)
        ends: list[Any] = []
        for at in (x + h, x - h):
            try:
                value = mp_output_at(evaluator, system, name, at, order)
                ends.append(value if ctx.isfinite(value) and not isinstance(value, ctx.mpc) else "no real value there")
            except (ValueError, TypeError, ArithmeticError) as problem:
                ends.append(f"no value at {format_number(float(at))}: {problem}")
        pair = _quotients(base, *ends, h)
        rows.append(tuple(v if isinstance(v, str) else _fraction(v) for v in pair))  # type: ignore[arg-type]
    return rows, truth


def _fraction(value: Any) -> Fraction:
    """An mpmath number as the exact fraction it is (a binary number)."""
    sign, mantissa, exponent, _ = value._mpf_
    magnitude = Fraction(mantissa) * Fraction(2) ** exponent if mantissa else Fraction(0)
    return -magnitude if sign else magnitude


def _float_arm(
    evaluator: Evaluator, name: int, order: tuple[int, ...], point: Number, eps: Fraction
) -> tuple[Number | str, Number | str]:
    """The differences as a program computes them in doubles: x + h, J(x + h) − J(x), / h."""
    x, h = float(point), float(eps)
    base = _at(evaluator, name, order, x, True)
    upper, lower = _at(evaluator, name, order, x + h, True), _at(evaluator, name, order, x - h, True)
    if isinstance(base, str):
        return base, base
    return _quotients(base, upper, lower, h)


def _scored(estimate: Number | str, truth: Number) -> Estimate:
    if isinstance(estimate, str):
        return Estimate(None, None, estimate)
    if isinstance(estimate, float) and not math.isfinite(estimate):
        return Estimate(None, None, "the difference is not finite in floating point")
    error = abs(Fraction(estimate) - Fraction(truth))  # exactly, then a double's error as a double
    return Estimate(estimate, float(error) if isinstance(estimate, float) else error)


def _best(rows: tuple[SweepRow, ...], arm: str) -> Fraction | None:
    """The ε with the smallest error (the larger ε of a tie), or None if no row has an estimate."""
    scored = [(getattr(row, arm).error, -row.eps, row.eps) for row in rows if getattr(row, arm).error is not None]
    return min(scored)[2] if scored else None
