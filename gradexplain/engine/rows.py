"""What a row of the primitives table is (`Primitive`), and the pieces rows are made of: rules
several rows share, each made by a function that says what it makes. The table itself, and the
rules of one row only, are in primitives.py.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from gradexplain.engine.arithmetic import DomainError, Underflow, to_float, underflowed
from gradexplain.numbers import Number, format_number

Rule = Callable[..., Any]


@dataclass(frozen=True, slots=True, eq=False)
class Primitive:
    name: str  # how the user writes it: "+", "exp", "max"
    arity: int
    group: str  # the banner it stands under in --functions
    symbolic: Callable[..., sp.Expr]  # its SymPy form, from which SymPy derives formulas for show
    # (a SymPy function where it has one; logarithms to other bases and their kin as the formulas they are)
    exact: Rule  # (f, *args) → the exact value, or None when it is not rational there
    double: Rule  # (*args) → a double
    precise: Rule  # (ctx, *args) → an mpmath number
    partials: tuple[Rule, ...]  # (f, *args, result) → ∂result/∂argument, one per argument
    domain: str = "all reals"
    undefined: Rule | None = None  # (*args) → why there is no real value there, or None
    kink: str | None = None  # where it is not differentiable, and the convention used there
    at_kink: Rule | None = None  # (*args) → a sentence when the arguments sit on a kink
    kink_side: Rule | None = None  # (*args) → which side of each kink (the plot refines where it changes)
    pole_divisors: Rule | None = None  # (*args) → what is 0 at each pole: the plot never joins across one
    selects: bool = False  # the result is one of the arguments (or 0): exact for arguments of any kind
    defaults: tuple[Fraction, ...] = ()  # values of trailing arguments that may be left out
    plain: str = ""  # display template, arguments as {0}, {1}; default name({0}, …)
    latex: str = ""  # default \operatorname{name}\left({0}, …\right)
    parameters: tuple[str, ...] = ()  # its arguments' names where they say something (lo, hi)
    # How a run of it (a + b - c …, a*b/c …) is written as one SymPy sum or product: that kind,
    # and how its right operand enters it (one Add at the end, not one per term: quadratic).
    chain: tuple[str, Rule] | None = None
    # The lab page's judge computes answers in JavaScript (render/lab.js): this function, over its
    # number system `n` (exact rationals {n, d} and doubles {f}), as the rules above compute it.
    js: str = ""

    @property
    def arguments(self) -> tuple[str, ...]:
        """What --functions and messages call its arguments: x, y, z unless the row names them."""
        return self.parameters or ("x", "y", "z")[: self.arity]

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Pickled and copied by name: a row is a constant of the table (its rules are functions),
        and a row exists only in the table, so the table's module is loaded."""
        return (sys.modules["gradexplain.engine.primitives"].primitive_named, (self.name,))

    @property
    def fewest(self) -> int:
        """The fewest arguments it may be written with: the ones with `defaults` may be left out."""
        return self.arity - len(self.defaults)

    @property
    def is_function(self) -> bool:
        return self.name[0].isalpha() and self.name != "neg"

    def template(self, written: int | None = None) -> str:
        """How it prints, with `written` arguments as the user wrote them (default: all)."""
        count = self.arity if written is None else written
        if self.plain and count == self.arity:
            return self.plain
        return f"{self.name}({', '.join(f'{{{i}}}' for i in range(count))})"

    def latex_template(self, written: int | None = None) -> str:
        count = self.arity if written is None else written
        if self.latex and count == self.arity:
            return self.latex
        head = self.latex or f"\\operatorname{{{{{self.name}}}}}"
        head = head.split("\\left(")[0] if self.latex else head
        return head + "\\left(" + ", ".join(f"{{{i}}}" for i in range(count)) + "\\right)"


def show(x: Any) -> str:
    return format_number(x if isinstance(x, Fraction | float) else float(x))


def at(*pairs: tuple[int, int]) -> Rule:
    """An exact rule that knows the function's rational values at rational points (exp(0) = 1)."""
    known = {Fraction(point): Fraction(value) for point, value in pairs}
    return lambda f, x: known.get(x)


def never(f: Any, *args: Any) -> None:
    """An exact rule for a function that is irrational at every rational point it is defined at."""
    return None


def double(function: Callable[..., float], name: str, underflows: bool = False) -> Rule:
    """A double rule from a math function: its arguments as doubles (an error beyond their range),
    its result checked for overflow and, where a nonzero result can underflow, marked."""

    def evaluate(*args: Number) -> float:
        try:
            result = function(*(to_float(a) for a in args))
        except OverflowError:
            raise DomainError(f"{name}({', '.join(show(a) for a in args)}) is too large for floating point") from None
        return underflowed(result, *args) if underflows else result

    return evaluate


def positive(name: str, lowest: int = 0) -> Rule:
    """`undefined` for functions of x > lowest, saying when x is only 0 because it underflowed."""

    def undefined(x: Any) -> str | None:
        if x > lowest:
            return None
        if isinstance(x, Underflow) and lowest == 0:
            if math.copysign(1.0, x) < 0:
                return (
                    f"{name} is only defined for positive numbers, and its argument is negative "
                    "(it underflowed to -0 in floating point)"
                )
            return f"{name}'s argument underflowed to 0 in floating point: it is positive, but too small for a float"
        bound = "positive numbers" if lowest == 0 else f"numbers above {lowest}"
        return f"{name} is only defined for {bound}, not {show(x)}"

    return undefined


def unit_interval(name: str) -> Rule:
    return lambda x: None if -1 <= x <= 1 else f"{name} is only defined from -1 to 1, not {show(x)}"


def log_of(base: int | None) -> Rule:
    """A logarithm (natural, or to `base`) as a double, also of exact numbers beyond a double's range (10**400)."""
    scale = 1.0 if base is None else math.log(base)

    def evaluate(x: Number) -> float:
        if isinstance(x, Fraction):
            return (math.log(x.numerator) - math.log(x.denominator)) / scale
        return math.log(x) / scale if base not in (2, 10) else (math.log2(x) if base == 2 else math.log10(x))

    return evaluate


def exact_log(base: int) -> Rule:
    """A logarithm to `base` of an exact power of the base: exactly its exponent (-3 for 1/8 in base 2)."""

    def evaluate(f: Any, x: Fraction) -> Fraction | None:
        for top, bottom, sign in ((x.numerator, x.denominator, 1), (x.denominator, x.numerator, -1)):
            if bottom == 1:
                exponent = round(math.log(top, base)) if top > 0 else 0
                if base**exponent == top:
                    return Fraction(sign * exponent)
        return None

    return evaluate


def tie(name: str) -> Rule:
    def at_kink(a: Any, b: Any) -> str | None:
        if a != b:
            return None
        return (
            f"{name} has a tie at {show(a)} and is not differentiable there; "
            "each tied argument gets 1/2 of the gradient"
        )

    return at_kink


def zero_kink(name: str, convention: str) -> Rule:
    return lambda x, *rest: f"{name} is not differentiable at 0; {convention}" if x == 0 else None


def select_max(f: Any, a: Any, b: Any) -> Any:
    return max(a, b)


def select_min(f: Any, a: Any, b: Any) -> Any:
    return min(a, b)
