"""What a library caller passes to explain(), checked before any work: a wrong type is a
TypeError naming the parameter (a programming mistake), a bad value a GradexplainError (bad input).
`to_number` reads a user's value (explain()'s values and ε, the views' options) as an exact number.

Numbers come in many types (int, float, Fraction, Decimal, str, NumPy scalars, SymPy numbers).
NumPy is not a dependency, so foreign types are read through the `numbers` ABCs and int()/float(),
never through repr(), whose spelling (`np.float64(0.1)`) is theirs to change.
"""

from __future__ import annotations

import math
import numbers
import re
import sys
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from gradexplain.build import read_value
from gradexplain.errors import GradexplainError, InputError, brief
from gradexplain.limits import Limits
from gradexplain.numbers import Number

# What explain() and the views take as a value.
ValueLike = str | int | float | Fraction | Decimal


def _kind(value: object) -> str:
    return type(value).__name__


def plain_number(raw: object, parameter: str, label: str) -> Fraction | str:
    """`raw` as an exact Fraction, or as text to read as a formula (str and Decimal, whose digits
    are read by the same rules as typed values). `parameter` names it in a TypeError, `label` in
    an InputError. 0.1 means 1/10: a binary float is read as the shortest decimal that gives it."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool) or not isinstance(raw, numbers.Number | Decimal):  # NumPy's bool_ is no Number
        raise TypeError(f"{parameter} must be a number or a string, got {_kind(raw)}")
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise InputError(f"{label}: {raw} is not a finite number", hint="give a finite number")
        return str(raw)
    if isinstance(raw, numbers.Rational):  # int, Fraction, NumPy and SymPy integers and rationals
        return Fraction(int(raw.numerator), int(raw.denominator))
    if not isinstance(raw, numbers.Real):  # complex
        raise TypeError(f"{parameter} must be a real number or a string, got {_kind(raw)}")
    value = float(raw)
    if not math.isfinite(value):
        raise InputError(f"{label}: {value} is not a finite number", hint="give a finite number")
    return Fraction(_shortest_decimal(raw, value))


def _shortest_decimal(raw: numbers.Real, value: float) -> str:
    """The shortest decimal that reads back as `raw` in its own type: "0.1" for 0.1 and for
    NumPy's float32(0.1) alike; the float's own digits when no shorter one does."""
    if type(raw) is float or isinstance(raw, float):  # float and its subclasses (NumPy's float64)
        return float.__repr__(value)
    kind = type(raw)
    for digits in range(1, 18):
        text = f"{value:.{digits}g}"
        try:
            if kind(float(text)) == raw:  # type: ignore[call-arg]
                return text
        except (TypeError, ValueError, OverflowError):
            break
    return float.__repr__(value)


def check_arguments(
    source: object,
    values: object,
    options: Mapping[str, object],
) -> None:
    """Raise TypeError (or InputError, for a value of the right type that is out of range) for
    any parameter of explain() that is not what it documents. Numbers are checked where read."""
    if not isinstance(source, str):
        hint = " (decode bytes first: data.decode())" if isinstance(source, bytes | bytearray) else ""
        raise TypeError(f"source must be a string, got {_kind(source)}{hint}")
    if values is not None:
        if not isinstance(values, Mapping):
            raise TypeError(f"values must be a mapping of names to numbers, got {_kind(values)}")
        for name in values:
            if not isinstance(name, str):
                raise TypeError(f"values: names must be strings, got {_kind(name)}")
    for parameter in ("target", "origin"):
        _optional(options[parameter], parameter, str, "a string")
    for parameter in ("wrt", "check_only"):
        _names(options[parameter], parameter)
    for parameter in ("check", "central", "cost"):
        if not isinstance(options[parameter], bool):
            raise TypeError(f"{parameter} must be True or False, got {_kind(options[parameter])}")
    limit = options["symbolic_limit"]
    if isinstance(limit, bool) or not isinstance(limit, numbers.Integral):
        raise TypeError(f"symbolic_limit must be a whole number, got {_kind(limit)}")
    if limit < 0:
        raise InputError(f"symbolic_limit must be at least 0, got {limit}")
    _optional(options["limits"], "limits", Limits, "gradexplain.limits.Limits(...)")  # which checks its fields
    _claims(options.get("claims"))
    on_stage = options["on_stage"]
    if on_stage is not None and not callable(on_stage):
        raise TypeError(f"on_stage must be a function of the stage's name, got {_kind(on_stage)}")


def _optional(value: object, parameter: str, kind: type, described: str) -> None:
    if value is not None and not isinstance(value, kind):
        raise TypeError(f"{parameter} must be None or {described}, got {_kind(value)}")


def _names(value: object, parameter: str) -> None:
    """A list or tuple of names (a lone string would be read letter by letter)."""
    if value is None:
        return
    if not isinstance(value, list | tuple):
        raise TypeError(f"{parameter} must be a list of names, got {_kind(value)}")
    for name in value:
        if not isinstance(name, str):
            raise TypeError(f"{parameter} must hold names (strings), got {_kind(name)}")


def _claims(value: object) -> None:
    """A list or tuple of claims: strings, or ClaimText (a lone string would be read letter by letter)."""
    if value is None:
        return
    from gradexplain.teach.claims import ClaimText

    if not isinstance(value, list | tuple):
        raise TypeError(f"claims must be a list of strings such as 'dJ/dw = x', got {_kind(value)}")
    for claim in value:
        if not isinstance(claim, str | ClaimText):
            raise TypeError(f"claims must hold strings (or ClaimText), got {_kind(claim)}")


def to_number(raw: ValueLike, label: str, parameter: str | None = None, limits: Limits | None = None) -> Number:
    """A user's value as an exact number: "0.1" and 0.1 both mean 1/10. Any real number type
    is taken (NumPy's too); another type is a TypeError naming `parameter` (default: `label`)."""
    plain = plain_number(raw, parameter or label, label)
    if isinstance(plain, Fraction):
        if abs(plain) > sys.float_info.max:  # not shown: it may have more digits than str() takes
            raise InputError(f"{label}: the number is too large", hint="give a number below 1.8e308 in size")
        return plain
    text = plain.strip()
    if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise InputError(
            f"{label}: {text} is not a number gradexplain can differentiate at", hint="give a finite number"
        )
    comma = _DECIMAL_COMMA.fullmatch(text)
    if comma:
        raise InputError(f"{label}: {brief(text)} is not a number", hint=_comma_hint(text))
    try:
        value = read_value(text, limits)
    except GradexplainError as error:
        error.message = f"{label}: {error.message}"
        raise error.located(text) from None
    if abs(value) > sys.float_info.max:
        raise InputError(f"{label}: {text} is too large", hint="give a number below 1.8e308 in size")
    return value


# A number written with a decimal comma (2,5) or thousands separators (1,000,000).
_DECIMAL_COMMA = re.compile(r"[+-]?\d+(?:,\d+)+")


def _comma_hint(text: str) -> str:
    """What `2,5` or `1,000` was meant to be, said both ways when it could be either."""
    whole, *parts = text.split(",")
    point, joined = f"{whole}.{parts[0]}", whole + "".join(parts)
    if len(parts) > 1:
        return f"numbers have no thousands separators: write {brief(joined)}"
    if len(parts[0]) == 3:
        return f"write {brief(point)} with a decimal point, or {brief(joined)} without a thousands separator"
    return f"write the decimal point as a dot: {brief(point)}"
