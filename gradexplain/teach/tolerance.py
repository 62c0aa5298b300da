"""How close an answer must come to count: one policy for the claims, the quiz and the lab page.

Two exact values are equal or not. Otherwise an answer agrees with a value within a tolerance
relative to that value, |answer − value| ≤ tolerance × max(|value|, FLOOR), and the tolerance is
what the answer's writing says it can be held to:

- a number written on its own (`7.389`, `0.2`, `4.6e-10`, `8`) may be rounded: within RELATIVE
  (0.1%), narrowed to half a unit in the last place written when that is less (`0.1966` is held
  to ±0.00005, `0e5` to 0.1% and not to ±50,000), but never below AGREEMENT;
- a formula with a number written with a point or an exponent in it (`0.731*0.269`) holds
  rounded numbers: within RELATIVE;
- any other formula (`x*d`, `exp(-z)/(1 + exp(-z))**2`, `-4*exp(1/10000)`) says exactly what it
  means, and only floating point rounds it: within AGREEMENT (10⁻⁹).

A written precision only ever narrows the tolerance. FLOOR is the one floor: the smallest normal
double (2.2e-308). Below it a double has lost its relative precision; no answer a person writes is
that small, so it cannot swallow one (−0.0009 is not 0.0000454, nor 4.6e-10 −4.6e-10).

A box of the quiz or the lab page whose value is exact wants an exact answer: one computed in
floating point (`2**0.5*2**0.5`, or `sin(pi/6)` on the page, which has no SymPy to find it exact)
counts only within floating point's own rounding, AGREEMENT, and is otherwise at most close
(`fills`; `-4*exp(1/10000)` is not -4). A claim, a formula that floating point may have had to
round, only has to agree (`agrees`). The lab page's script applies these rules to the same
numbers, which it receives from `page_policy`.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from gradexplain.build import read_value
from gradexplain.limits import MAXIMUMS, Limits
from gradexplain.numbers import Number, is_exact
from gradexplain.syntax import DEFAULT_MAX_DEPTH, Expr, Num, Unary, parse_expression, post_order

RELATIVE = Fraction(1, 1000)  # a rounded number: three significant digits, as a student rounds on paper
AGREEMENT = Fraction(1, 10**9)  # floating point's own rounding, of a formula computed two ways
FLOOR = Fraction(sys.float_info.min)  # the smallest normal double: tolerances are relative above it

# An answer is read as a value is (build.read_value), but exact up to the largest exact numbers
# gradexplain holds, so that 10**1000/10**1000*(-4) is exactly -4 rather than too large for a float.
ANSWER_LIMITS = Limits(exact_bits=MAXIMUMS["exact_bits"])
ANSWER_DEPTH = DEFAULT_MAX_DEPTH  # how deeply an answer may nest (syntax.parse_expression's limit)


@dataclass(frozen=True, slots=True)
class Written:
    """What an answer's writing says about its precision."""

    places: int | None = None  # a number on its own: its last decimal place (-4: 0, 2.50: 2, 1e-7: 7, 0e5: -5)
    decimal: bool = False  # some number in it is written with a point or an exponent

    @property
    def rounded(self) -> bool:
        """Whether the answer may hold rounded numbers (held to RELATIVE, not to AGREEMENT)."""
        return self.places is not None or self.decimal


EXACTLY = Written()  # a formula of whole numbers: it means exactly what it says


def written(expr: Expr) -> Written:
    """The precision an answer (or a claim's right side) is written with."""
    lone = expr
    while isinstance(lone, Unary):
        lone = lone.operand
    if isinstance(lone, Num):
        return Written(-int(Decimal(lone.text).as_tuple().exponent), _decimal(lone.text))
    return Written(None, any(isinstance(part, Num) and _decimal(part.text) for part, _ in post_order(expr)))


def _decimal(text: str) -> bool:
    return any(mark in text for mark in ".eE")


def half_unit(places: int) -> Fraction:
    """Half a unit in the last place of a number written to `places` decimal places."""
    return Fraction(1, 2) * Fraction(10) ** -places


def tolerance(value: Number, how: Written) -> Fraction:
    """How far an answer written `how` may be from `value` (a finite value) and still agree."""
    scale = max(abs(Fraction(value)), FLOOR)
    agreement = AGREEMENT * scale
    if not how.rounded:
        return agreement
    relative = RELATIVE * scale
    if how.places is None:
        return relative
    return min(relative, max(half_unit(how.places), agreement))


def _finite(value: Number) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


def agrees(answer: Number, value: Number, how: Written = EXACTLY) -> bool:
    """Whether `answer`, written `how`, agrees with `value`: exactly when both are exact, else
    within the tolerance (a claim against its gradient, an answer against a mistake's value)."""
    if is_exact(answer) and is_exact(value):
        return answer == value
    if not (_finite(answer) and _finite(value)):
        return False
    return abs(Fraction(answer) - Fraction(value)) <= tolerance(value, how)


def fills(answer: Number, value: Number, how: Written) -> bool:
    """Whether an answer fills a box of the quiz or the lab page: an exact value wants an exact
    answer, or a floating-point one no further off than floating point's rounding (else it is at
    most `close`); any other value, an answer that agrees within the tolerance."""
    if is_exact(value) and not is_exact(answer):
        return agrees(answer, value, EXACTLY)
    return agrees(answer, value, how)


def close(answer: Number, value: Number, how: Written) -> bool:
    """A rounded form of an exact value: not it, but within the tolerance (0.333 for 1/3)."""
    if not is_exact(value) or not _finite(answer) or (is_exact(answer) and answer == value):
        return False
    return abs(Fraction(answer) - Fraction(value)) <= tolerance(value, how)


def widest(value: Number) -> float:
    """A bound, as a float, on how far any answer that agrees with `value` can be from it (to
    find the values near an answer without comparing it with each)."""
    try:
        return 2 * float(RELATIVE) * abs(float(value)) + sys.float_info.min
    except OverflowError:
        return math.inf


def in_words() -> str:
    """The policy for floating-point values, in a sentence (under the claims' table)."""
    power = str(len(str(AGREEMENT.denominator)) - 1).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return (
        f"floating-point values agree within 10⁻{power} of the gradient, relatively; a number written alone "
        f"(0.105) within {float(RELATIVE * 100):g}% or half a unit in its last place, whichever is less"
    )


def read_answer(text: str) -> tuple[Number, Written]:
    """An answer typed into a box (a number or a formula without names) and how it is written;
    a GradexplainError when it is not one."""
    value = read_value(text, ANSWER_LIMITS)
    return value, written(parse_expression(text))


def page_policy() -> dict[str, object]:
    """The policy as the lab page's script takes it: its numbers (exact rationals, or a float's
    repr) and the limits an answer is read with."""
    return {
        "relative": f"{RELATIVE.numerator}/{RELATIVE.denominator}",
        "agreement": f"{AGREEMENT.numerator}/{AGREEMENT.denominator}",
        "floor": repr(float(FLOOR)),
        "depth": ANSWER_DEPTH,
        "exactBits": ANSWER_LIMITS.exact_bits,
        "digits": ANSWER_LIMITS.number_digits,
        "exponent": ANSWER_LIMITS.exponent,
    }
