"""ε-nudge checks: move one input by ε, rerun the forward pass, compare the slope with ∂J/∂input.

This is the whiteboard check, independent of the backward pass: w goes from 2 to 2.001, J from
2 to 1.996002, so the slope is (1.996002 - 2)/0.001 = -3.998 against ∂J/∂w = -4.

Only the nodes that depend on the nudged input are computed again (the others cannot change),
so checking a few inputs of a 100,000-node network costs a few small passes, not full ones.

Tolerance. The forward difference (J(x+ε) - J(x))/ε is off by about ε·|J''|/2, the central
difference (J(x+ε) - J(x-ε))/(2ε) by about ε²·|J'''|/6. A check passes when

    |estimate - gradient| ≤ 10·ε·max(1, |gradient|)     (forward)
    |estimate - gradient| ≤ 10·ε²·max(1, |gradient|)    (central)

plus, when the values are floating point, room for rounding: 64·u·n·max(1, |J|)/ε with
u = 2⁻⁵³ and n nodes. So -3.998 passes against -4 at ε = 0.001 while 1 against 0 (relu at its
kink) fails. When values are floating point the slope is taken from them as shown, rounded to
15 significant digits, so a reader redoing it from the table gets the same estimate (the rounding
is well inside the room above). Strong curvature can also fail a correct gradient; a smaller ε or the central
difference tells the two apart.

A check whose tolerance is at least half the gradient's scale, max(1, |gradient|), could not
reject a wrong gradient (0, or twice the right one, would pass), so its verdict is
"inconclusive", with an ε that would work, and it does not count as a pass. That happens with
a large ε, or with a tiny one once the values are floating point: at ε = 1e-300 the nudge
vanishes in rounding and the rounding room swallows everything.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from gradexplain.engine.interpreter import Interpreter, consumers_of, downstream
from gradexplain.errors import GradexplainError
from gradexplain.numbers import Number, as_shown, format_number, is_exact

TOLERANCE_FACTOR = 10
FLOAT_UNIT = Fraction(1, 2**53)
OK, MISMATCH, INCONCLUSIVE = "ok", "mismatch", "inconclusive"


@dataclass(frozen=True, slots=True)
class Check:
    input: int
    method: str  # "forward" or "central"
    eps: Number
    value: Number  # the input's value at the point
    output: Number  # J at the point
    nudged_value: Number  # value + ε
    nudged_output: Number | None  # J(value + ε)
    lower_output: Number | None  # J(value - ε), central difference only
    estimate: Number | None
    gradient: Number
    tolerance: Number
    verdict: str  # OK, MISMATCH or INCONCLUSIVE
    problem: str | None  # why no estimate could be made, or why the verdict is inconclusive

    @property
    def ok(self) -> bool:
        return self.verdict == OK

    @property
    def difference(self) -> Number | None:
        return None if self.estimate is None else abs(self.estimate - self.gradient)


def _rounding_room(output: Number, nodes: int) -> Fraction:
    """ε times the room for rounding when values are floating point (exact, so no ε underflows)."""
    return 64 * FLOAT_UNIT * nodes * max(1, abs(Fraction(output)))


def tolerance(method: str, eps: Number, gradient: Number, output: Number, exact: bool, nodes: int) -> Number:
    order = eps if method == "forward" else eps * eps
    allowed: Number = TOLERANCE_FACTOR * order * max(1, abs(gradient))
    if not exact:
        allowed = allowed + _rounding_room(output, nodes) / Fraction(eps)
    return allowed


def conclusive(allowed: Number, gradient: Number) -> bool:
    """Whether a check with this tolerance could reject a wrong gradient (see the module's doc)."""
    return 2 * allowed < max(1, abs(gradient))


def better_eps(method: str, gradient: Number, output: Number, exact: bool, nodes: int) -> Fraction | None:
    """A power of ten for ε that makes the check conclusive, or None if none does: the one that
    balances the truncation error (ε or ε²) against rounding (1/ε) when values are floats."""
    scale = max(1, abs(Fraction(gradient)))
    order = 1 if method == "forward" else 2
    if exact:
        best = 0.001 if order == 1 else 0.01
    else:
        best = float(_rounding_room(output, nodes) / (TOLERANCE_FACTOR * scale)) ** (1 / (order + 1))
    eps = Fraction(10) ** round(math.log10(best)) if best > 0 else Fraction(1, 1000)
    return eps if conclusive(tolerance(method, eps, gradient, output, exact, nodes), gradient) else None


def rise(high: Number, low: Number) -> Number:
    """high - low, exactly when both are exact, else from their shown digits as a float."""
    if isinstance(high, Fraction) and isinstance(low, Fraction):
        return high - low
    if not (math.isfinite(high) and math.isfinite(low)):
        return float(high) - float(low)
    return float(_shown(high) - _shown(low))


def _shown(value: Number) -> Fraction:
    return value if isinstance(value, Fraction) else as_shown(value)


def slope(rise: Number, run: Number) -> Number:
    """rise/run, floating point if rise is, without letting a tiny run underflow to a zero division."""
    if isinstance(rise, float):
        exact = Fraction(rise) / Fraction(run)
        try:
            return float(exact)
        except OverflowError:
            return exact
    return rise / run


def _why_inconclusive(method: str, allowed: Number, gradient: Number, output: Number, exact: bool, nodes: int) -> str:
    reason = (
        f"the tolerance {format_number(allowed)} is at least half of max(1, |gradient|), "
        "so this check could not tell a wrong gradient from a right one"
    )
    eps = better_eps(method, gradient, output, exact, nodes)
    if eps is None:
        return reason + "; in floating point no ε makes it conclusive here"
    exponent = round(math.log10(eps))
    return reason + f"; try --eps {format_number(eps) if exponent > -4 else f'1e{exponent}'}"


def run_checks(
    interpreter: Interpreter,
    values: Sequence[Number],
    gradients: Sequence[Number | None],
    wanted: Sequence[int],
    eps: Number,
    central: bool,
    rerun: Callable[[dict[int, Number], Sequence[int]], Number] | None = None,
) -> tuple[Check, ...]:
    """Nudge each wanted input by ε (both ways when `central`) and compare the slope with the
    gradient; `values` are the forward pass's, at the unnudged point, and `rerun` the audit's
    way of computing the output elsewhere, where it has corrected the doubles."""
    graph = interpreter.graph

    def output_at(changed: dict[int, Number], order: Sequence[int]) -> Number:
        return rerun(changed, order) if rerun is not None else interpreter.output_at(values, changed, order)

    method = "central" if central else "forward"
    output = values[graph.output]
    consumers = consumers_of(graph)
    checks: list[Check] = []
    for index in wanted:
        value = values[index]
        gradient = gradients[index]
        assert value is not None and gradient is not None
        upper: Number | None = None
        lower: Number | None = None
        estimate: Number | None = None
        problem: str | None = None
        order = downstream(consumers, index)
        try:
            upper = output_at({index: value + eps}, order)
            if central:
                lower = output_at({index: value - eps}, order)
                estimate = slope(rise(upper, lower), 2 * eps)
            else:
                estimate = slope(rise(upper, output), eps)
        except GradexplainError as error:
            problem = error.message
        exact = all(is_exact(v) for v in (upper, lower, output) if v is not None)
        allowed = tolerance(method, eps, gradient, output, exact, len(graph.nodes))
        verdict = OK if estimate is not None and abs(estimate - gradient) <= allowed else MISMATCH
        if problem is None and not conclusive(allowed, gradient):
            verdict, problem = (
                INCONCLUSIVE,
                _why_inconclusive(method, allowed, gradient, output, exact, len(graph.nodes)),
            )
        checks.append(
            Check(
                index,
                method,
                eps,
                value,
                output,
                value + eps,
                upper,
                lower,
                estimate,
                gradient,
                allowed,
                verdict,
                problem,
            )
        )
    return tuple(checks)
