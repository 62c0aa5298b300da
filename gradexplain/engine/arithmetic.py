"""Arithmetic that stays honest: exact while it is cheap, a double after, and an error rather
than a silent infinity or 0.

The rules every number system shares, whatever the primitive: when an exact number has grown too
large to pay for itself (`settle`), how a value becomes a double without overflowing or
underflowing unseen (`to_float`), when a double 0 stands for a nonzero value too small to hold
(`Underflow`), and powers, whose exactness depends on both operands (`power`). The primitives
themselves are in primitives.py; the number systems that apply them in systems.py.
"""

from __future__ import annotations

import math
import sys
from fractions import Fraction

from gradexplain.numbers import EXACT_BITS_LIMIT, Number, format_number, too_large_for_exact

Kinks = list[str] | None  # where sentences about kinks and lost exactness are collected

ZERO = Fraction(0)
ONE = Fraction(1)
HALF = Fraction(1, 2)
SMALLEST_NORMAL = sys.float_info.min
# Exact numbers past the bit limit stay exact up to this many times it when a double cannot hold
# them (2**-1100 is below a double's range, but still a number whose products come back into it).
EXACT_BITS_HEADROOM = 16


class DomainError(ArithmeticError):
    """The expression has no real value at this point (division by zero, log of a negative...)."""


class Underflow(float):
    """A float 0 standing for a nonzero value too small for floating point: exp(-800), sigmoid
    of it, a product of tiny numbers. It computes as 0.0; only a domain error at it differs,
    saying that the value underflowed rather than that it is 0 (log(sigmoid(z)) at z = -800)."""

    __slots__ = ()

    def __neg__(self) -> Underflow:
        return Underflow(-float(self))


def underflowed(result: Number, *operands: Number) -> Number:
    """`result`, marked as an Underflow when it is a float 0 computed from nonzero operands."""
    if isinstance(result, float) and result == 0 and all(operand != 0 for operand in operands):
        return Underflow(result)
    return result


def zero_divisor(divisor: Number) -> DomainError:
    """Division by a zero divisor, saying when it is only zero in floating point."""
    if isinstance(divisor, Underflow):
        return DomainError(
            "division by zero: the divisor underflowed to 0 in floating point (it is not 0, but too small for a float)"
        )
    return DomainError("division by zero")


def to_float(value: Number) -> float:
    """`value` as a float; a value too large or too small for floating point is an error rather
    than an infinity or a silent 0 (2**-1075 is not 0, and 1/w at it is no division by zero)."""
    if isinstance(value, float):
        return value
    try:
        result = float(value)
    except OverflowError:
        raise DomainError(f"{format_number(value)} is too large for floating point") from None
    if value != 0 and abs(result) < SMALLEST_NORMAL:
        raise DomainError(f"{format_number(value)} is too small for floating point (below 2.2e-308)")
    return result


def finite(result: float, what: str) -> float:
    """A double result, or an error naming `what` when it overflowed (or is not a number)."""
    if math.isinf(result) or math.isnan(result):
        raise DomainError(f"{what} is too large for floating point")
    return result


def inexact_note(bits: int) -> str:
    return f"exact numbers grew past {bits} bits here, so this value and those computed from it are floating point"


def settle(value: Number, notes: Kinks = None, bits: int = EXACT_BITS_LIMIT) -> Number:
    """`value`, as a float once an exact value needs more than `bits` bits (noted in `notes`).

    An exact value too small for a double (below 2.2e-308) stays exact, up to EXACT_BITS_HEADROOM
    times the limit: the gradient through a long chain of halvings is such a number, and the
    products it goes into come back into a double's range. One too large is an error."""
    if isinstance(value, float):
        if value - value != 0:  # an infinity or nan (the quickest test: settle runs for every number)
            raise DomainError("the result is too large for floating point")
        return value
    if value.numerator.bit_length() <= bits and value.denominator.bit_length() <= bits:  # type: ignore[union-attr]
        return value
    try:
        result = to_float(value)
    except DomainError:  # beyond a double's range
        if abs(value) >= 1 or too_large_for_exact(value, EXACT_BITS_HEADROOM * bits):  # type: ignore[arg-type]
            raise
        return value  # too small for a double, but exact: products may bring it back
    if notes is not None:
        notes.append(inexact_note(bits))
    return result


def _integer_root(n: int, k: int) -> int | None:
    """The exact k-th root of a non-negative integer, if it has one."""
    if n < 2:
        return n
    guess = round(n ** (1.0 / k)) if n.bit_length() < 1000 else None
    if guess is None:
        return None
    for candidate in (guess - 1, guess, guess + 1):
        if candidate >= 0 and candidate**k == n:
            return candidate
    return None


def power_undefined(base: Number, exponent: Number) -> str | None:
    """Why base**exponent has no real value, or None."""
    if base == 0:
        if exponent == 0:
            return "0**0 is undefined"
        if exponent < 0:
            return str(zero_divisor(base))
        return None
    integral = exponent.denominator == 1 if type(exponent) is Fraction else float(exponent).is_integer()
    if not integral and base < 0:
        if exponent == HALF:
            return f"square root of a negative number ({format_number(base)})"
        return (
            f"a negative number ({format_number(base)}) to a fractional power "
            f"({format_number(exponent)}) has no real value"
        )
    return None


def exact_power(base: Fraction, exponent: Fraction, notes: Kinks = None, bits: int = EXACT_BITS_LIMIT) -> Number | None:
    """base**exponent exactly, for rational operands, when it is rational and small enough to pay
    for itself; None otherwise (a double then). Call `power_undefined` first."""
    if base == 0:
        return ZERO
    if exponent.denominator == 1:
        size = max(base.numerator.bit_length(), base.denominator.bit_length())
        if size * abs(exponent.numerator) <= bits:
            return base**exponent.numerator
        if notes is not None:
            notes.append(inexact_note(bits))
        return None
    if exponent.denominator <= 64 and base > 0:
        root_num = _integer_root(base.numerator, exponent.denominator)
        root_den = _integer_root(base.denominator, exponent.denominator)
        if root_num is not None and root_den is not None:
            root = Fraction(root_num, root_den)
            return exact_power(root, Fraction(exponent.numerator), notes, bits)
    return None


def double_power(base: Number, exponent: Number) -> float:
    """base**exponent in doubles; a result too small or too large for a double is an error."""
    if base == 0:
        return Underflow(0.0) if isinstance(base, Underflow) else 0.0
    try:
        result = to_float(base) ** to_float(exponent)
    except OverflowError:
        raise DomainError(f"{format_number(base)}**{format_number(exponent)} is too large for floating point") from None
    if abs(result) < SMALLEST_NORMAL:  # base ≠ 0: the power underflowed
        raise DomainError(
            f"{format_number(base)}**{format_number(exponent)} is too small for floating point (below 2.2e-308)"
        )
    return result


def power(base: Number, exponent: Number, notes: Kinks = None, bits: int = EXACT_BITS_LIMIT) -> Number:
    """base**exponent, exact where both are and the result is rational and small enough."""
    problem = power_undefined(base, exponent)
    if problem is not None:
        raise DomainError(problem)
    if type(base) is Fraction and type(exponent) is Fraction:
        exact = exact_power(base, exponent, notes, bits)
        if exact is not None:
            return exact
    return settle(double_power(base, exponent), notes, bits)
