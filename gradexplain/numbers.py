"""Reading and showing numbers: the one place that decides how a value looks.

Values are exact `Fraction`s while the arithmetic stays rational and `float`s once it cannot
(exp, sin, irrational roots) or once exact numbers grow too large to pay for themselves.
Display rule, everywhere: integers as integers, terminating decimals in full, everything else
rounded to a stated number of significant digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

Number = Fraction | float

DEFAULT_DIGITS = 6
# A terminating decimal is shown in full while it has at most this many significant digits.
FULL_DECIMAL_DIGITS = 15
# A double holds about 16 decimal digits: one is never shown with more significant digits than
# this, whatever --digits asks (the rest would be the binary fraction's noise, not the value's).
DOUBLE_DIGITS = 15
# Exact values whose numerator or denominator need more bits than this become floats.
EXACT_BITS_LIMIT = 1024

_LITERAL = re.compile(r"^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def literal_size(text: str) -> int:
    """How many decimal digits a literal spans as written: its digits plus the size of its
    exponent, so 1e-400 spans 401 and 1e-99999999 a hundred million. Read without building
    the number (which for 1e-99999999 would never finish)."""
    match = _LITERAL.match(text)
    if not match:
        raise ValueError(f"not a decimal literal: {text!r}")
    digits = len(match[1].replace(".", ""))
    exponent = match[2][1:] if match[2] else "0"
    if len(exponent.lstrip("+-").lstrip("0")) > 9:  # beyond any limit, and int() of it is costly
        return 10**10
    return digits + abs(int(exponent))


def read_literal(text: str) -> Fraction:
    """A decimal literal as written ("0.5", "1e-3", ".5") as an exact fraction. Check its
    `literal_size` first: the number itself is built here. (Through Decimal, which, unlike int,
    has no limit on the digits it reads.)"""
    match = _LITERAL.match(text)
    if not match:
        raise ValueError(f"not a decimal literal: {text!r}")
    if match[2] is None and len(text) < 19:  # a short literal without an exponent: its digits over a power of ten
        whole, _, places = match[1].partition(".")
        return Fraction(int(whole + places or "0"), 10 ** len(places))
    return Fraction(Decimal(text))


def digits_of(integer: int) -> str:
    """str(integer) without Python's 4,300-digit limit on int → str conversions."""
    if integer.bit_length() < 10_000:
        return str(integer)
    return str(Decimal(integer))


def is_exact(value: Number) -> bool:
    return isinstance(value, Fraction)


def too_large_for_exact(value: Fraction, bits: int = EXACT_BITS_LIMIT) -> bool:
    return max(value.numerator.bit_length(), value.denominator.bit_length()) > bits


def _decimal_places(value: Fraction) -> int | None:
    """How many decimal places `value` needs if its expansion terminates, else None (1/3).
    The denominator must be 2**a * 5**b; it takes max(a, b) places. Found with a few big-number
    operations, not one division per factor (which is quadratic in the number of places)."""
    denominator = value.denominator
    twos = (denominator & -denominator).bit_length() - 1
    rest = denominator >> twos
    if rest == 1:
        return twos
    fives = round(rest.bit_length() / 2.321928094887362)  # the logarithm of 5 to base 2
    for candidate in (fives - 1, fives, fives + 1):
        if candidate > 0 and 5**candidate == rest:
            return max(twos, candidate)
    return None


def terminating_decimal(value: Fraction, longest: int | None = None) -> str | None:
    """The exact decimal expansion of `value` if it terminates, else None (1/3, 1/7); also
    None when it would take more than `longest` decimal places."""
    places = _decimal_places(value)
    if places is None or (longest is not None and places > longest):
        return None
    scaled = abs(value.numerator) * 10**places // value.denominator
    digits = digits_of(scaled).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    if places == 0:
        return sign + digits
    whole, fraction = digits[:-places], digits[-places:].rstrip("0")
    return sign + whole + ("." + fraction if fraction else "")


def _significant_digits(decimal_text: str) -> int:
    return len(decimal_text.lstrip("-").replace(".", "").lstrip("0").rstrip("0")) or 1


def _rounded(value: Number, digits: int) -> str:
    """`value` to `digits` significant digits, exactly rounded (no float double rounding)."""
    context = Context(prec=digits + 30, rounding=ROUND_HALF_EVEN)
    if isinstance(value, Fraction):
        decimal = context.divide(Decimal(value.numerator), Decimal(value.denominator))
    else:
        decimal = Decimal(value)
    text = format(decimal, f".{digits}g")
    mantissa, _, exponent = text.partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    text = mantissa + ("e" + exponent if exponent else "")
    text = re.sub(r"e([+-])0*(\d)", lambda m: "e" + ("-" if m[1] == "-" else "") + m[2], text)
    if text.startswith("-") and float(decimal) == 0:
        text = text[1:]
    return text


def format_number(value: Number, digits: int = DEFAULT_DIGITS) -> str:
    """How every value is shown: 2, -3.998, 1.996002, 0.333333, 1.23457e20."""
    if isinstance(value, Fraction):
        longest = FULL_DECIMAL_DIGITS + 8
        full = terminating_decimal(value, longest)
        if (
            full is not None
            and _significant_digits(full) <= max(digits, FULL_DECIMAL_DIGITS)
            and len(full) <= FULL_DECIMAL_DIGITS + 8
        ):
            return full
        return _rounded(value, digits)
    if value == 0:
        return "0"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return _rounded(value, min(digits, DOUBLE_DIGITS))


def double_text(value: float) -> str:
    """A double's shortest exact name (2.718281828459045, 3.1415926535897933e22): the digits
    that read back as this double and no other."""
    return repr(value).replace("e+", "e")


def shown_value(text: str) -> Fraction:
    """The exact value of a number as shown ("1.87825", "-3.5e-7"): what a reader redoes sums with."""
    return Fraction(Decimal(text))


def as_shown(value: float) -> Fraction:
    """A finite double as a reader sees it at full precision, DOUBLE_DIGITS significant digits,
    exactly: what a slope read off the table is redone with."""
    return shown_value(_rounded(value, DOUBLE_DIGITS))


def _last_digit(text: str) -> Fraction:
    """The value of one unit in the last digit shown: 0.001 for "1.996", 1e-8 for "3.5e-7"."""
    return Fraction(10) ** Decimal(text).as_tuple().exponent  # type: ignore[operator]


def digits_that_add_up(
    operands: Sequence[Number], result: Number, combine: Callable[[list[Fraction]], Fraction], digits: int
) -> int:
    """How many significant digits to show `operands` with, `digits` at least, so that a reader
    who redoes `combine` with the shown operands gets the shown `result` (at `digits`) within one
    unit of its last digit: (1.87825 - 1.87791421097401)/0.001 mixed a rounded and an exact
    number, and came out wrong."""
    target = format_number(result, digits)
    if target in ("inf", "-inf", "nan"):
        return digits
    wanted, unit = shown_value(target), _last_digit(target)
    # Exact decimals that are shown in full elsewhere (9.006001, the lecture's J after) stay in full.
    start = max([digits] + [_significant_digits(format_number(o)) for o in operands if _shown_in_full(o)])
    # Doubles show at most DOUBLE_DIGITS digits: where their sum cancels more, it cannot be redone.
    most = start + 25 if all(isinstance(o, Fraction) for o in operands) else max(start, DOUBLE_DIGITS)
    for more in range(start, most):
        redone = combine([shown_value(format_rounded(operand, more)) for operand in operands])
        if abs(redone - wanted) <= unit:
            return more
    return most


def _shown_in_full(value: Number) -> bool:
    return isinstance(value, Fraction) and terminating_decimal(value, FULL_DECIMAL_DIGITS + 8) == format_number(value)


def format_rounded(value: Number, digits: int) -> str:
    """`value` to `digits` significant digits, exact decimals included (format_number shows those
    in full): operands of one shown computation get the same digits."""
    if isinstance(value, Fraction):
        full = terminating_decimal(value, FULL_DECIMAL_DIGITS + 8)
        if full is not None and _significant_digits(full) <= digits and len(full) <= FULL_DECIMAL_DIGITS + 8:
            return full
        return _rounded(value, digits)
    return format_number(value, digits)


def exact_text(value: Number) -> str | None:
    """The exact form of a value as a string ("1/3", "2.0005"), or None for floats."""
    if not isinstance(value, Fraction):
        return None
    return terminating_decimal(value) or f"{digits_of(value.numerator)}/{digits_of(value.denominator)}"


def json_number(value: Number) -> int | float:
    """A JSON number: integers stay integers, everything else the nearest float."""
    if isinstance(value, Fraction) and value.denominator == 1:
        return value.numerator
    return float(value)


def json_exact(value: Number) -> str | None:
    """The exact string to put beside a JSON number, only where the number loses something."""
    return json_pair(value)[1]


def json_pair(value: Number) -> tuple[int | float, str | None]:
    """json_number and json_exact at once (a large document has hundreds of thousands)."""
    if isinstance(value, float):
        return value, None
    if value.denominator == 1:
        return value.numerator, None
    return _exact_pair(value)


@lru_cache(maxsize=1 << 16)
def _exact_pair(value: Fraction) -> tuple[float, str | None]:
    """A fraction's JSON number and exact text: the same values recur all over a document (each
    input's value is the local derivative of every product it enters), so each is written once."""
    number = value.numerator / value.denominator
    text = exact_text(value)
    return number, None if repr(number) == text else text


def put_number(target: dict[str, Any], key: str, value: Number | None) -> None:
    """Put `value` under `key` of a JSON document, and its exact form under `key_exact` if the
    JSON number loses it (1/3, a value beyond a double's digits)."""
    if value is None:
        target[key] = None
        return
    target[key], exact = json_pair(value)
    if exact is not None:
        target[key + "_exact"] = exact
