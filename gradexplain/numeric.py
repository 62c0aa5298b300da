"""Fast, exact-where-possible evaluation of small SymPy expressions at a point.

SymPy's own substitution is exact but slow; floats are fast but turn 2.001² into 4.004000999….
So each distinct expression is compiled once into plain Python closures over `Fraction`s that
switch to `float` only where a value stops being rational (exp, sin, irrational roots) or grows
past a size limit (1024 bits by default). Domain problems raise `DomainError`; kinks are reported, not hidden.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from fractions import Fraction

import sympy as sp

from gradexplain.functions import relu, sigmoid, softplus, step
from gradexplain.numbers import EXACT_BITS_LIMIT, Number, format_number, too_large_for_exact

Kinks = list[str] | None  # where sentences about kinks and lost exactness are collected
Evaluator = Callable[[Sequence[Number], Kinks], Number]

ZERO = Fraction(0)
ONE = Fraction(1)
HALF = Fraction(1, 2)


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


# ── arithmetic with exactness kept where it is cheap ───────────────────────────────────────


def _float(value: Number) -> float:
    """`value` as a float; a value too large or too small for floating point is an error rather
    than an infinity or a silent 0 (2**-1075 is not 0, and 1/w at it is no division by zero)."""
    try:
        result = float(value)
    except OverflowError:
        raise DomainError(f"{format_number(value)} is too large for floating point") from None
    if value != 0 and abs(result) < sys.float_info.min:
        raise DomainError(f"{format_number(value)} is too small for floating point (below 2.2e-308)")
    return result


def inexact_note(bits: int) -> str:
    return f"exact numbers grew past {bits} bits here, so this value and those computed from it are floating point"


def settle(value: Number, notes: Kinks = None, bits: int = EXACT_BITS_LIMIT) -> Number:
    """`value`, as a float once an exact value needs more than `bits` bits (noted in `notes`)."""
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            raise DomainError("the result is too large for floating point")
        return value
    if too_large_for_exact(value, bits):
        if notes is not None:
            notes.append(inexact_note(bits))
        return _float(value)
    return value


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


def power(base: Number, exponent: Number, notes: Kinks = None, bits: int = EXACT_BITS_LIMIT) -> Number:
    if base == 0:
        if exponent == 0:
            raise DomainError("0**0 is undefined")
        if exponent < 0:
            raise zero_divisor(base)
        return ZERO if isinstance(base, Fraction) else (Underflow(0.0) if isinstance(base, Underflow) else 0.0)
    is_integer_exponent = isinstance(exponent, Fraction) and exponent.denominator == 1
    if not is_integer_exponent and base < 0:
        if exponent == HALF:
            raise DomainError(f"square root of a negative number ({format_number(base)})")
        raise DomainError(
            f"a negative number ({format_number(base)}) to a fractional power "
            f"({format_number(exponent)}) has no real value"
        )
    if isinstance(base, Fraction) and isinstance(exponent, Fraction):
        if is_integer_exponent:
            size = max(base.numerator.bit_length(), base.denominator.bit_length())
            if size * abs(exponent.numerator) <= bits:
                return base**exponent.numerator
            if notes is not None:
                notes.append(inexact_note(bits))
        elif exponent.denominator <= 64:
            root_num = _integer_root(base.numerator, exponent.denominator)
            root_den = _integer_root(base.denominator, exponent.denominator)
            if root_num is not None and root_den is not None:
                return power(Fraction(root_num, root_den), Fraction(exponent.numerator), notes, bits)
    try:
        result = _float(base) ** _float(exponent)
        if abs(result) < sys.float_info.min:  # base ≠ 0: the power underflowed
            shown = f"{format_number(base)}**{format_number(exponent)}"
            raise DomainError(f"{shown} is too small for floating point (below 2.2e-308)")
        return settle(result, notes, bits)
    except OverflowError:
        raise DomainError(f"{format_number(base)}**{format_number(exponent)} is too large for floating point") from None


def _exp(x: Number) -> Number:
    if x == 0:
        return ONE
    try:
        return underflowed(math.exp(_float(x)))
    except OverflowError:
        raise DomainError(f"exp({format_number(x)}) is too large for floating point") from None


def _log(x: Number) -> Number:
    if isinstance(x, Underflow):
        if math.copysign(1.0, x) < 0:
            raise DomainError(
                "log is only defined for positive numbers, and its argument is negative "
                "(it underflowed to -0 in floating point)"
            )
        raise DomainError(
            "log's argument underflowed to 0 in floating point: it is positive, but too small for a float"
        )
    if x <= 0:
        raise DomainError(f"log is only defined for positive numbers, not {format_number(x)}")
    if x == 1:
        return ZERO
    if isinstance(x, Fraction):
        return math.log(x.numerator) - math.log(x.denominator)
    return math.log(x)


def _trig(function: Callable[[float], float], at_zero: Fraction) -> Callable[[Number], Number]:
    def evaluate(x: Number) -> Number:
        return at_zero if x == 0 else function(_float(x))

    return evaluate


def _tan(x: Number) -> Number:
    if x == 0:
        return ZERO
    value = _float(x)
    if math.cos(value) == 0:
        raise DomainError(f"tan is undefined at {format_number(x)}")
    return math.tan(value)


def _sigmoid(x: Number) -> Number:
    if x == 0:
        return HALF
    value = _float(x)
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp_value = math.exp(value)
    return underflowed(exp_value / (1.0 + exp_value))


def _softplus(x: Number) -> Number:
    value = _float(x)
    return underflowed(max(value, 0.0) + math.log1p(math.exp(-abs(value))))


def _sign(x: Number) -> Number:
    return ONE if x > 0 else (-ONE if x < 0 else ZERO)


def _exact_unit(value: int) -> Fraction:
    return ONE if value else ZERO


# ── compiling a SymPy expression into closures ─────────────────────────────────────────────

_UNARY: dict[type, Callable[[Number], Number]] = {
    sp.exp: _exp,
    sp.log: _log,
    sp.sin: _trig(math.sin, ZERO),
    sp.cos: _trig(math.cos, ONE),
    sp.tan: _tan,
    sp.tanh: _trig(math.tanh, ZERO),
    sigmoid: _sigmoid,
    softplus: _softplus,
    sp.sign: _sign,
    step: lambda x: _exact_unit(x > 0),
}

# The same functions by the name the user writes (evaluate.py runs formulas as written).
FUNCTIONS: dict[str, Callable[[Number], Number]] = {
    "exp": _exp,
    "log": _log,
    "sin": _UNARY[sp.sin],
    "cos": _UNARY[sp.cos],
    "tan": _tan,
    "tanh": _UNARY[sp.tanh],
    "sigmoid": _sigmoid,
    "softplus": _softplus,
}


def _constant(expr: sp.Expr) -> Number:
    if expr.is_Rational:
        return Fraction(int(expr.p), int(expr.q))
    value = float(expr.evalf(20))
    if not math.isfinite(value):
        raise DomainError(f"{expr} has no finite value")
    return value


def compile_expression(
    expr: sp.Expr,
    slots: Sequence[sp.Symbol],
    position: dict[sp.Symbol, int] | None = None,
    exact_bits: int = EXACT_BITS_LIMIT,
) -> Evaluator:
    """Compile `expr` (a function of `slots`) into `evaluate(values, kinks) -> Number`.

    `kinks`, when a list, receives a sentence for each non-differentiable point met. `position`
    (slot → index) may be passed in when many expressions share the same slots.
    """
    if position is None:
        position = {symbol: index for index, symbol in enumerate(slots)}
    compiled: dict[sp.Basic, Evaluator] = {}
    # Post-order walk with an explicit stack: expressions may be deep, recursion is not allowed.
    stack: list[tuple[sp.Basic, bool]] = [(expr, False)]
    while stack:
        node, children_done = stack.pop()
        if node in compiled:
            continue
        if not children_done and node.args and not node.is_Number:
            stack.append((node, True))
            stack.extend((arg, False) for arg in node.args if arg not in compiled)
            continue
        compiled[node] = _compile_node(node, position, compiled, exact_bits)
    return compiled[expr]


def _compile_node(
    node: sp.Basic, position: dict[sp.Symbol, int], compiled: dict[sp.Basic, Evaluator], bits: int
) -> Evaluator:
    if node.is_Symbol:
        if node not in position:
            raise ValueError(f"free symbol {node} is not an argument")
        index = position[node]
        return lambda values, kinks: values[index]
    if node.is_Number or node.is_NumberSymbol:
        value = _constant(node)
        return lambda values, kinks: value
    parts = [compiled[arg] for arg in node.args]
    head = node.func
    if head is sp.Add:
        return lambda values, kinks: settle(sum((part(values, kinks) for part in parts), ZERO), kinks, bits)
    if head is sp.Mul:

        def multiply(values: Sequence[Number], kinks: Kinks) -> Number:
            product: Number = ONE
            for part in parts:
                product = product * part(values, kinks)
            return settle(product, kinks, bits)

        return multiply
    if head is sp.Pow:
        base, exponent = parts
        return lambda values, kinks: power(base(values, kinks), exponent(values, kinks), kinks, bits)
    if head in _UNARY:
        function = _UNARY[head]
        (argument,) = parts
        return lambda values, kinks: settle(function(argument(values, kinks)), None, bits)
    if head in (relu, sp.Abs):
        return _kinked_unary(head, parts[0])
    if head in (sp.Max, sp.Min):
        return _extremum(head, parts)
    if head is sp.Heaviside:
        return _heaviside(parts)
    raise NotImplementedError(f"no numeric rule for {head.__name__}")


def _kinked_unary(head: type, argument: Evaluator) -> Evaluator:
    name = "relu" if head is relu else "abs"

    def evaluate(values: Sequence[Number], kinks: Kinks) -> Number:
        x = argument(values, kinks)
        if x == 0 and kinks is not None:
            kinks.append(f"{name} is not differentiable at 0; the subgradient 0 is used")
        if head is relu:
            return x if x > 0 else (ZERO if isinstance(x, Fraction) else 0.0)
        return abs(x)

    return evaluate


def _extremum(head: type, parts: list[Evaluator]) -> Evaluator:
    name, choose = ("max", max) if head is sp.Max else ("min", min)

    def evaluate(values: Sequence[Number], kinks: Kinks) -> Number:
        arguments = [part(values, kinks) for part in parts]
        best = choose(arguments)
        if kinks is not None and sum(1 for a in arguments if a == best) > 1:
            kinks.append(
                f"{name} has a tie at {format_number(best)} and is not differentiable there; "
                "each tied argument gets 1/2 of the gradient"
            )
        return best

    return evaluate


def _heaviside(parts: list[Evaluator]) -> Evaluator:
    at_zero_part = parts[1] if len(parts) > 1 else None

    def evaluate(values: Sequence[Number], kinks: Kinks) -> Number:
        x = parts[0](values, kinks)
        if x == 0:
            return at_zero_part(values, kinks) if at_zero_part else HALF
        return _exact_unit(x > 0)

    return evaluate
