"""The number systems the engine computes in. Each applies the primitives' rules (primitives.py)
its own way, and the interpreter runs any of them over the same tapes:

- `Exact`: exact rationals while every operand is one and the result is rational and small, a
  double after (2.001² is exactly 4.004001; exp(1) is a double). A double never becomes exact
  again: log of the double 1.0 is the double 0.0, not an exact 0.
- `Double`: every value a double, as a program computes it (the ε sweep's second column).
- `Precise`: mpmath at a chosen number of digits, in a context of its own (mpmath's global
  precision is never touched, so threads are safe): the audit of doubles, the sweep's truth.

A system is also what a primitive's derivative rule computes with: `f.one`, `f.half`, `f.pi`,
`f.number(q)`, `f.div(a, b)` and `f(name, *args)`, another primitive's value in that system.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import sympy as sp
from mpmath.libmp import from_rational

from gradexplain.engine.arithmetic import (
    HALF,
    ONE,
    ZERO,
    DomainError,
    Kinks,
    settle,
    to_float,
    zero_divisor,
)
from gradexplain.engine.primitives import BY_NAME, Primitive
from gradexplain.numbers import EXACT_BITS_LIMIT, Number

AUDIT_DIGITS = 50


class Exact:
    """Exact where possible: Fractions while the arithmetic stays rational, doubles once it cannot
    (or once an exact number needs more than `bits` bits, which a note says)."""

    name = "exact"
    one, zero, half = ONE, ZERO, HALF
    pi = math.pi

    def __init__(self, bits: int = EXACT_BITS_LIMIT) -> None:
        self.bits = bits
        self.notes: Kinks = None  # where the exact rule of a power says it gave up exactness

    def value(self, primitive: Primitive, args: Sequence[Number], kinks: Kinks = None) -> Number:
        """The primitive at `args`, its domain checked (DomainError) and a kink noted in `kinks`."""
        if primitive.undefined is not None:
            problem = primitive.undefined(*args)
            if problem is not None:
                raise DomainError(problem)
        if kinks is not None and primitive.at_kink is not None:
            note = primitive.at_kink(*args)
            if note is not None:
                kinks.append(note)
        if primitive.selects:
            return primitive.exact(self, *args)
        if all(type(a) is Fraction for a in args):
            self.notes = kinks
            result = primitive.exact(self, *args)
            if result is not None:
                return settle(result, kinks, self.bits)
        return settle(primitive.double(*args), kinks, self.bits)

    def partial(self, primitive: Primitive, position: int, args: Sequence[Number], result: Number) -> Number:
        """∂result/∂args[position], exact where possible."""
        try:
            found = primitive.partials[position](self, *args, result)
        except ZeroDivisionError:
            raise DomainError("division by zero") from None
        return settle(found, None, self.bits)

    def __call__(self, name: str, *args: Number) -> Number:
        return self.value(BY_NAME[name], args)

    def number(self, value: Fraction | int) -> Number:
        if value == 1:
            return ONE  # which `times` knows: a sum's local derivatives pass the upstream on as it is
        return value if type(value) is Fraction else Fraction(value)

    def div(self, a: Number, b: Number) -> Number:
        if b == 0:
            raise zero_divisor(b)
        return settle(a / b, None, self.bits)

    def exact_zero(self, x: Number) -> bool:
        return type(x) is Fraction and x == 0

    def constant(self, value: Number, exact: sp.Expr | None = None) -> Number:
        return value

    def input(self, value: Number) -> Number:
        return value

    def add(self, a: Number, b: Number) -> Number:
        result = a + b
        if type(result) is float:
            if result - result != 0:  # inf or nan
                raise DomainError("the result is too large for floating point")
            return result
        return settle(result, None, self.bits)

    def times(self, a: Number, b: Number) -> Number:
        """a·b (a local derivative times an upstream gradient): 1·b is b, and a double times an
        exact number is a double (without Fraction's slow mixed arithmetic)."""
        if a is ONE:
            return b
        try:
            if type(b) is float and type(a) is Fraction:
                result = to_float(a) * b
            elif type(a) is float and type(b) is Fraction:
                result = a * to_float(b)
            else:
                result = a * b
        except DomainError:  # an exact factor beyond a double's range: the product may be within it
            result = Fraction(a) * Fraction(b)
        if type(result) is float:
            if result - result != 0:
                raise DomainError("the result is too large for floating point")
            return result
        return settle(result, None, self.bits)


class Double(Exact):
    """Every value a double, as NumPy or a program computes it: nothing is exact."""

    name = "double"
    one, zero, half = 1.0, 0.0, 0.5  # type: ignore[assignment]

    def value(self, primitive: Primitive, args: Sequence[Number], kinks: Kinks = None) -> float:
        if primitive.undefined is not None:
            problem = primitive.undefined(*args)
            if problem is not None:
                raise DomainError(problem)
        if kinks is not None and primitive.at_kink is not None:
            note = primitive.at_kink(*args)
            if note is not None:
                kinks.append(note)
        if primitive.selects:
            return primitive.exact(self, *args)
        return settle(primitive.double(*args))  # type: ignore[return-value]

    def number(self, value: Fraction | int) -> float:  # type: ignore[override]
        return float(value)

    def exact_zero(self, x: Number) -> bool:
        return False

    def constant(self, value: Number, exact: sp.Expr | None = None) -> float:
        return to_float(value)

    def input(self, value: Number) -> float:
        return to_float(value)


class Precise:
    """mpmath at `digits` digits, in a context of its own. Nothing is checked here: a value with
    no real result comes out complex or raises, and the caller says what that means."""

    name = "precise"

    def __init__(self, digits: int = AUDIT_DIGITS) -> None:
        import mpmath

        self.ctx = mpmath.MPContext()
        self.ctx.dps = digits
        self.one, self.zero, self.half = self.ctx.one, self.ctx.zero, self.ctx.mpf(0.5)
        self.pi = self.ctx.pi
        self._rationals: dict[tuple[int, int], Any] = {}

    def value(self, primitive: Primitive, args: Sequence[Any], kinks: Kinks = None) -> Any:
        return primitive.precise(self.ctx, *args)

    def partial(self, primitive: Primitive, position: int, args: Sequence[Any], result: Any) -> Any:
        return primitive.partials[position](self, *args, result)

    def __call__(self, name: str, *args: Any) -> Any:
        return BY_NAME[name].precise(self.ctx, *args)

    def number(self, value: Fraction | int) -> Any:
        return self.one if value == 1 else self.input(Fraction(value))

    def div(self, a: Any, b: Any) -> Any:
        return a / b

    def exact_zero(self, x: Any) -> bool:
        return False

    def constant(self, value: Number, exact: sp.Expr | None = None) -> Any:
        """A constant exactly where it is rational, else from its exact form to these digits (pi, exp(1))."""
        if exact is not None and not exact.is_Rational:
            return self.ctx.mpf(str(sp.N(exact, int(self.ctx.dps) + 5)))
        return self.input(value)

    def input(self, value: Any) -> Any:
        if type(value) is Fraction:  # rounded once, and remembered: the same decimals recur in a network
            key = (value.numerator, value.denominator)
            found = self._rationals.get(key)
            if found is None:
                found = self._rationals[key] = self.ctx.make_mpf(from_rational(*key, *self.ctx._prec_rounding))
            return found
        return self.ctx.mpf(value)

    def add(self, a: Any, b: Any) -> Any:
        return a + b

    def times(self, a: Any, b: Any) -> Any:
        return b if a is self.one else a * b

    def real(self, value: Any) -> bool:
        """Whether a result is a finite real number (not complex, not infinite)."""
        return not isinstance(value, self.ctx.mpc) and bool(self.ctx.isfinite(value))


System = Exact | Double | Precise
