"""The primitives: one row each, and everything about an operation in its row.

A row says how the user writes the operation and how many arguments it takes; its value in each
number system the engine computes in (exact rationals, doubles, mpmath's 50 digits, SymPy's
symbolic form); its local derivative with respect to each argument, beside the value as in
micrograd's engine.py, written once for every number system (`f` is the system: its `one`,
`half`, and `f(name, *args)` for another primitive's value in it); its domain; its kinks and the
convention used there; which side of a kink or pole a point is on (for the plot); and how it
prints. Nothing registers itself at import time and nothing else names a primitive: every
consumer reads this table (`gradexplain --functions` prints it).

Rules, one per number system:
- `exact(f, *args)`: when every argument is an exact rational, the exact value, or None when it
  is not rational there (then the double is used); exp(0) is 1, log(1) is 0, sqrt(9/4) is 3/2.
  A row that `selects` (relu, abs, max, min, clip, negation: the result is one of its arguments,
  or 0) applies it to any arguments, which keep their kind.
- `double(*args)`: the value as a double, from exact or double arguments, accurate where the
  textbook formula is not (softplus, sigmoid and gelu of large negative numbers).
- `precise(ctx, *args)`: the value in an mpmath context (the audit's 50 digits, the ε sweep).
- `undefined(*args)`: why the arguments are outside the domain, or None.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from gradexplain.engine.arithmetic import (
    HALF,
    ZERO,
    DomainError,
    Underflow,
    double_power,
    exact_power,
    power_undefined,
    to_float,
    underflowed,
    zero_divisor,
)
from gradexplain.engine.sympy_functions import clip, elu, gelu, leaky_relu, relu, sigmoid, silu, softplus
from gradexplain.numbers import Number, format_number

Rule = Callable[..., Any]


@dataclass(frozen=True, slots=True, eq=False)
class Primitive:
    name: str  # how the user writes it: "+", "exp", "max"
    arity: int
    group: str  # the banner it stands under in --functions
    symbolic: Callable[..., sp.Expr]  # its SymPy form, from which SymPy derives formulas for show
    # (a SymPy function where it has one; log2, log1p and their kin as the formulas they are)
    exact: Rule  # (f, *args) → the exact value, or None when it is not rational there
    double: Rule  # (*args) → a double
    precise: Rule  # (ctx, *args) → an mpmath number
    partials: tuple[Rule, ...]  # (f, *args, result) → ∂result/∂argument, one per argument
    domain: str = "all reals"
    undefined: Rule | None = None  # (*args) → why there is no real value there, or None
    kink: str | None = None  # where it is not differentiable, and the convention used there
    at_kink: Rule | None = None  # (*args) → a sentence when the arguments sit on a kink
    kink_side: Rule | None = None  # (*args) → which side of each kink (the plot refines where it changes)
    pole_side: Rule | None = None  # (*args) → which side of each pole (the plot never joins across one)
    selects: bool = False  # the result is one of the arguments (or 0): exact for arguments of any kind
    defaults: tuple[Fraction, ...] = ()  # values of trailing arguments that may be left out
    plain: str = ""  # display template, arguments as {0}, {1}; default name({0}, …)
    latex: str = ""  # default \operatorname{name}\left({0}, …\right)
    parameters: tuple[str, ...] = ()  # its arguments' names where they say something (clip's lo, hi)
    # The lab page's judge computes answers in JavaScript (render/lab.js): this function, over its
    # number system `n` (exact rationals {n, d} and doubles {f}), as the rules above compute it.
    js: str = ""

    @property
    def arguments(self) -> tuple[str, ...]:
        """What --functions and messages call its arguments: x, y, z unless the row names them."""
        return self.parameters or ("x", "y", "z")[: self.arity]

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Pickled and copied by name: a row is a constant of the table (its rules are functions)."""
        return (primitive_named, (self.name,))

    @property
    def fewest(self) -> int:
        """The fewest arguments it may be written with (leaky_relu(x) is leaky_relu(x, 0.01))."""
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


def _show(x: Any) -> str:
    return format_number(x if isinstance(x, Fraction | float) else float(x))


def _at(*pairs: tuple[int, int]) -> Rule:
    """An exact rule that knows the function's rational values at rational points (exp(0) = 1)."""
    known = {Fraction(point): Fraction(value) for point, value in pairs}
    return lambda f, x: known.get(x)


def _never(f: Any, *args: Any) -> None:
    """An exact rule for a function that is irrational at every rational point it is defined at."""
    return None


def _double(function: Callable[..., float], name: str, underflows: bool = False) -> Rule:
    """A double rule from a math function: its arguments as doubles (an error beyond their range),
    its result checked for overflow and, where a nonzero result can underflow, marked."""

    def evaluate(*args: Number) -> float:
        try:
            result = function(*(to_float(a) for a in args))
        except OverflowError:
            raise DomainError(f"{name}({', '.join(_show(a) for a in args)}) is too large for floating point") from None
        return underflowed(result, *args) if underflows else result

    return evaluate


def _positive(name: str, lowest: int = 0) -> Rule:
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
        return f"{name} is only defined for {bound}, not {_show(x)}"

    return undefined


def _unit_interval(name: str) -> Rule:
    return lambda x: None if -1 <= x <= 1 else f"{name} is only defined from -1 to 1, not {_show(x)}"


def _log_of(base: int | None) -> Rule:
    """log, log2 or log10 as a double, also of exact numbers beyond a double's range (10**400)."""
    scale = 1.0 if base is None else math.log(base)

    def evaluate(x: Number) -> float:
        if isinstance(x, Fraction):
            return (math.log(x.numerator) - math.log(x.denominator)) / scale
        return math.log(x) / scale if base not in (2, 10) else (math.log2(x) if base == 2 else math.log10(x))

    return evaluate


def _exact_log(base: int) -> Rule:
    """log2 and log10 of an exact power of their base: exactly its exponent (log2(1/8) = -3)."""

    def evaluate(f: Any, x: Fraction) -> Fraction | None:
        for top, bottom, sign in ((x.numerator, x.denominator, 1), (x.denominator, x.numerator, -1)):
            if bottom == 1:
                exponent = round(math.log(top, base)) if top > 0 else 0
                if base**exponent == top:
                    return Fraction(sign * exponent)
        return None

    return evaluate


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    exp_value = math.exp(x)
    return exp_value / (1.0 + exp_value)


def _softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _tan(x: Number) -> float:
    value = to_float(x)
    if math.cos(value) == 0:
        raise DomainError(f"tan is undefined at {_show(x)}")
    return math.tan(value)


def _root(f: Any, x: Fraction) -> Number | None:
    return exact_power(x, HALF, None, f.bits)


def _tie(name: str) -> Rule:
    def at_kink(a: Any, b: Any) -> str | None:
        if a != b:
            return None
        return (
            f"{name} has a tie at {_show(a)} and is not differentiable there; "
            "each tied argument gets 1/2 of the gradient"
        )

    return at_kink


def _zero_kink(name: str, convention: str) -> Rule:
    return lambda x, *rest: f"{name} is not differentiable at 0; {convention}" if x == 0 else None


def _select_max(f: Any, a: Any, b: Any) -> Any:
    return max(a, b)


def _select_min(f: Any, a: Any, b: Any) -> Any:
    return min(a, b)


def _relu(f: Any, x: Any) -> Any:
    return x if x > 0 else (ZERO if type(x) is Fraction else 0.0)


def _clip_undefined(x: Any, lo: Any, hi: Any) -> str | None:
    return None if lo <= hi else f"clip needs lo ≤ hi, not lo = {_show(lo)} and hi = {_show(hi)}"


def _clip_kink(x: Any, lo: Any, hi: Any) -> str | None:
    if x != lo and x != hi:
        return None
    return f"clip is not differentiable at its bound {_show(x)}; the gradient passes to x (slope 1, as PyTorch's clamp)"


PRIMITIVES: tuple[Primitive, ...] = (
    # ── arithmetic ──────────────────────────────────────────────────────────────────────────
    Primitive(
        "+",
        2,
        "arithmetic",
        lambda a, b: a + b,
        exact=lambda f, a, b: a + b,
        double=lambda a, b: to_float(a) + to_float(b),
        precise=lambda ctx, a, b: a + b,
        partials=(lambda f, a, b, r: f.one, lambda f, a, b, r: f.one),
        plain="{0} + {1}",
        latex="{0} + {1}",
    ),
    Primitive(
        "-",
        2,
        "arithmetic",
        lambda a, b: a - b,
        exact=lambda f, a, b: a - b,
        double=lambda a, b: to_float(a) - to_float(b),
        precise=lambda ctx, a, b: a - b,
        partials=(lambda f, a, b, r: f.one, lambda f, a, b, r: -f.one),
        plain="{0} - {1}",
        latex="{0} - {1}",
    ),
    Primitive(
        "*",
        2,
        "arithmetic",
        lambda a, b: a * b,
        exact=lambda f, a, b: a * b,
        double=lambda a, b: underflowed(to_float(a) * to_float(b), a, b),
        precise=lambda ctx, a, b: a * b,
        partials=(lambda f, a, b, r: b, lambda f, a, b, r: a),
        plain="{0}*{1}",
        latex=r"{0} \cdot {1}",
    ),
    Primitive(
        "/",
        2,
        "arithmetic",
        lambda a, b: a / b,
        exact=lambda f, a, b: a / b,
        double=lambda a, b: underflowed(to_float(a) / to_float(b), a),
        precise=lambda ctx, a, b: a / b,
        partials=(lambda f, a, b, r: f.div(f.one, b), lambda f, a, b, r: -f.div(r, b)),
        domain="divisor ≠ 0",
        undefined=lambda a, b: str(zero_divisor(b)) if b == 0 else None,
        pole_side=lambda a, b: (b > 0,),
        plain="{0}/{1}",
        latex=r"\frac{{{0}}}{{{1}}}",
    ),
    Primitive(
        "**",
        2,
        "arithmetic",
        lambda a, b: a**b,
        exact=lambda f, a, b: exact_power(a, b, f.notes, f.bits),
        double=double_power,
        precise=lambda ctx, a, b: ctx.power(a, b),
        partials=(
            lambda f, a, b, r: f.one if b == 1 else b * f("**", a, b - f.one),
            lambda f, a, b, r: r * f("log", a),
        ),
        domain="base > 0, or an integer exponent (negative only with a base ≠ 0)",
        undefined=power_undefined,
        pole_side=lambda a, b: (a > 0,) if b < 0 else (),
        plain="{0}**{1}",
        latex="{{{0}}}^{{{1}}}",
    ),
    Primitive(
        "neg",
        1,
        "arithmetic",
        lambda a: -a,
        exact=lambda f, a: -a,
        double=lambda a: -a,
        precise=lambda ctx, a: -a,
        partials=(lambda f, a, r: -f.one,),
        selects=True,
        plain="-{0}",
        latex="-{0}",
    ),
    # ── exponentials and logarithms ─────────────────────────────────────────────────────────
    Primitive(
        "exp",
        1,
        "exponentials and logarithms",
        sp.exp,
        exact=_at((0, 1)),
        double=_double(math.exp, "exp", underflows=True),
        precise=lambda ctx, x: ctx.exp(x),
        partials=(lambda f, x, r: r,),
        latex=r"e^{{{0}}}",
        js="function (x) { return n.exactZero(x) ? n.Q(1n) : n.nonzero(Math.exp(n.toFloat(x)), x); }",
    ),
    Primitive(
        "log",
        1,
        "exponentials and logarithms",
        sp.log,
        exact=_at((1, 0)),
        double=_log_of(None),
        precise=lambda ctx, x: ctx.log(x),
        partials=(lambda f, x, r: f.div(f.one, x),),
        domain="x > 0",
        undefined=_positive("log"),
        latex=r"\log\left({0}\right)",
        js=(
            "function (x) { if (n.sign(x) <= 0) n.fail(); if (n.exact(x) && x.n === x.d) return n.Q(0n); "
            "return n.real(n.exact(x) ? n.logBig(x.n) - n.logBig(x.d) : Math.log(x.f)); }"
        ),
    ),
    Primitive(
        "log2",
        1,
        "exponentials and logarithms",
        lambda x: sp.log(x) / sp.log(2),
        exact=_exact_log(2),
        double=_log_of(2),
        precise=lambda ctx, x: ctx.log(x, 2),
        partials=(lambda f, x, r: f.div(f.one, x * f("log", f.number(2))),),
        domain="x > 0",
        undefined=_positive("log2"),
        latex=r"\log_2\left({0}\right)",
        js="function (x) { return n.logarithm(x, 2n); }",
    ),
    Primitive(
        "log10",
        1,
        "exponentials and logarithms",
        lambda x: sp.log(x) / sp.log(10),
        exact=_exact_log(10),
        double=_log_of(10),
        precise=lambda ctx, x: ctx.log10(x),
        partials=(lambda f, x, r: f.div(f.one, x * f("log", f.number(10))),),
        domain="x > 0",
        undefined=_positive("log10"),
        latex=r"\log_{{10}}\left({0}\right)",
        js="function (x) { return n.logarithm(x, 10n); }",
    ),
    Primitive(
        "log1p",
        1,
        "exponentials and logarithms",
        lambda x: sp.log(1 + x),
        exact=_at((0, 0)),
        double=_double(math.log1p, "log1p"),
        precise=lambda ctx, x: ctx.log1p(x),
        partials=(lambda f, x, r: f.div(f.one, 1 + x),),
        domain="x > -1",
        undefined=_positive("log1p", -1),
        js=(
            "function (x) { if (n.cmp(n.asRat(x), n.Q(-1n)) <= 0) n.fail(); "
            "return n.exactZero(x) ? x : n.real(Math.log1p(n.toFloat(x))); }"
        ),
    ),
    Primitive(
        "expm1",
        1,
        "exponentials and logarithms",
        lambda x: sp.exp(x) - 1,
        exact=_at((0, 0)),
        double=_double(math.expm1, "expm1", underflows=True),
        precise=lambda ctx, x: ctx.expm1(x),
        partials=(lambda f, x, r: r + 1,),
        js="function (x) { return n.exactZero(x) ? x : n.nonzero(Math.expm1(n.toFloat(x)), x); }",
    ),
    Primitive(
        "sqrt",
        1,
        "exponentials and logarithms",
        sp.sqrt,
        exact=_root,
        double=lambda x: x if isinstance(x, Underflow) else to_float(x) ** 0.5,
        precise=lambda ctx, x: ctx.sqrt(x),
        partials=(lambda f, x, r: f.div(f.one, 2 * r),),
        domain="x ≥ 0",
        undefined=lambda x: f"square root of a negative number ({_show(x)})" if x < 0 else None,
        kink="at 0 the derivative is infinite: an error",
        latex=r"\sqrt{{{0}}}",
        js="function (x) { return n.power(x, n.Q(1n, 2n)); }",
    ),
    # ── trigonometric ───────────────────────────────────────────────────────────────────────
    Primitive(
        "sin",
        1,
        "trigonometric",
        sp.sin,
        exact=_at((0, 0)),
        double=_double(math.sin, "sin"),
        precise=lambda ctx, x: ctx.sin(x),
        partials=(lambda f, x, r: f("cos", x),),
        latex=r"\sin\left({0}\right)",
        js="function (x) { return n.exactZero(x) ? x : n.real(Math.sin(n.toFloat(x))); }",
    ),
    Primitive(
        "cos",
        1,
        "trigonometric",
        sp.cos,
        exact=_at((0, 1)),
        double=_double(math.cos, "cos"),
        precise=lambda ctx, x: ctx.cos(x),
        partials=(lambda f, x, r: -f("sin", x),),
        latex=r"\cos\left({0}\right)",
        js="function (x) { return n.exactZero(x) ? n.Q(1n) : n.real(Math.cos(n.toFloat(x))); }",
    ),
    Primitive(
        "tan",
        1,
        "trigonometric",
        sp.tan,
        exact=_at((0, 0)),
        double=_tan,
        precise=lambda ctx, x: ctx.tan(x),
        partials=(lambda f, x, r: 1 + r * r,),
        domain="cos x ≠ 0",
        pole_side=lambda x: (math.floor(float(x) / math.pi + 0.5),),
        latex=r"\tan\left({0}\right)",
        js=(
            "function (x) { if (n.exactZero(x)) return x; var v = n.toFloat(x); "
            "if (Math.cos(v) === 0) n.fail(); return n.real(Math.tan(v)); }"
        ),
    ),
    Primitive(
        "asin",
        1,
        "trigonometric",
        sp.asin,
        exact=_at((0, 0)),
        double=_double(math.asin, "asin"),
        precise=lambda ctx, x: ctx.asin(x),
        partials=(lambda f, x, r: f.div(f.one, f("sqrt", 1 - x * x)),),
        domain="-1 ≤ x ≤ 1",
        undefined=_unit_interval("asin"),
        kink="at ±1 the derivative is infinite: an error",
        latex=r"\arcsin\left({0}\right)",
        js=(
            "function (x) { if (n.cmp(n.absQ(n.asRat(x)), n.Q(1n)) > 0) n.fail(); "
            "return n.exactZero(x) ? x : n.real(Math.asin(n.toFloat(x))); }"
        ),
    ),
    Primitive(
        "acos",
        1,
        "trigonometric",
        sp.acos,
        exact=_at((1, 0)),
        double=_double(math.acos, "acos"),
        precise=lambda ctx, x: ctx.acos(x),
        partials=(lambda f, x, r: -f.div(f.one, f("sqrt", 1 - x * x)),),
        domain="-1 ≤ x ≤ 1",
        undefined=_unit_interval("acos"),
        kink="at ±1 the derivative is infinite: an error",
        latex=r"\arccos\left({0}\right)",
        js=(
            "function (x) { if (n.cmp(n.absQ(n.asRat(x)), n.Q(1n)) > 0) n.fail(); "
            "return n.exact(x) && x.n === 1n && x.d === 1n ? n.Q(0n) : n.real(Math.acos(n.toFloat(x))); }"
        ),
    ),
    Primitive(
        "atan",
        1,
        "trigonometric",
        sp.atan,
        exact=_at((0, 0)),
        double=_double(math.atan, "atan"),
        precise=lambda ctx, x: ctx.atan(x),
        partials=(lambda f, x, r: f.div(f.one, 1 + x * x),),
        latex=r"\arctan\left({0}\right)",
        js="function (x) { return n.exactZero(x) ? x : n.real(Math.atan(n.toFloat(x))); }",
    ),
    # ── hyperbolic ──────────────────────────────────────────────────────────────────────────
    Primitive(
        "sinh",
        1,
        "hyperbolic",
        sp.sinh,
        exact=_at((0, 0)),
        double=_double(math.sinh, "sinh"),
        precise=lambda ctx, x: ctx.sinh(x),
        partials=(lambda f, x, r: f("cosh", x),),
        latex=r"\sinh\left({0}\right)",
        js="function (x) { return n.exactZero(x) ? x : n.real(Math.sinh(n.toFloat(x))); }",
    ),
    Primitive(
        "cosh",
        1,
        "hyperbolic",
        sp.cosh,
        exact=_at((0, 1)),
        double=_double(math.cosh, "cosh"),
        precise=lambda ctx, x: ctx.cosh(x),
        partials=(lambda f, x, r: f("sinh", x),),
        latex=r"\cosh\left({0}\right)",
        js="function (x) { return n.exactZero(x) ? n.Q(1n) : n.real(Math.cosh(n.toFloat(x))); }",
    ),
    Primitive(
        "tanh",
        1,
        "hyperbolic",
        sp.tanh,
        exact=_at((0, 0)),
        double=_double(math.tanh, "tanh"),
        precise=lambda ctx, x: ctx.tanh(x),
        partials=(lambda f, x, r: 1 - r * r,),
        latex=r"\tanh\left({0}\right)",
        js="function (x) { return n.exactZero(x) ? x : n.real(Math.tanh(n.toFloat(x))); }",
    ),
    # ── activations ─────────────────────────────────────────────────────────────────────────
    Primitive(
        "sigmoid",
        1,
        "activations",
        sigmoid,
        exact=lambda f, x: HALF if x == 0 else None,
        double=_double(_sigmoid, "sigmoid", underflows=True),
        precise=sigmoid.mpmath,
        partials=(lambda f, x, r: r * (1 - r),),
        latex=r"\sigma\left({0}\right)",
        js="function (x) { return n.exactZero(x) ? n.Q(1n, 2n) : n.nonzero(n.logistic(n.toFloat(x)), x); }",
    ),
    Primitive(
        "softplus",
        1,
        "activations",
        softplus,
        exact=_never,
        double=_double(_softplus, "softplus", underflows=True),
        precise=softplus.mpmath,
        partials=(lambda f, x, r: f("sigmoid", x),),
        js=(
            "function (x) { var v = n.toFloat(x); "
            "return n.nonzero(Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))), x); }"
        ),
    ),
    Primitive(
        "relu",
        1,
        "activations",
        relu,
        exact=_relu,
        double=lambda x: _relu(None, x),
        precise=relu.mpmath,
        partials=(lambda f, x, r: f.one if x > 0 else f.zero,),
        kink="at 0: subgradient 0 (PyTorch's and micrograd's convention)",
        at_kink=_zero_kink("relu", "the subgradient 0 is used"),
        kink_side=lambda x: (x > 0,),
        selects=True,
        js="function (x) { return n.sign(x) > 0 ? x : n.exact(x) ? n.Q(0n) : n.F(0); }",
    ),
    Primitive(
        "leaky_relu",
        2,
        "activations",
        leaky_relu,
        exact=lambda f, x, a: x if x > 0 else a * x,
        double=lambda x, a: to_float(x) if x > 0 else to_float(a) * to_float(x),
        precise=leaky_relu.mpmath,
        partials=(lambda f, x, a, r: f.one if x > 0 else a, lambda f, x, a, r: f.zero if x > 0 else x),
        kink="at 0: the slope a of the negative side (PyTorch's convention)",
        at_kink=_zero_kink("leaky_relu", "the slope a of the negative side is used"),
        kink_side=lambda x, a: (x > 0,),
        defaults=(Fraction(1, 100),),
        latex=r"\operatorname{{LeakyReLU}}\left({0}, {1}\right)",
        parameters=("x", "a"),
        js=(
            "function (x, a) { if (n.sign(x) > 0) return n.exact(x) && n.exact(a) ? x : n.F(n.toFloat(x)); "
            'return n.arithmetic("*", a, x); }'
        ),
    ),
    Primitive(
        "elu",
        1,
        "activations",
        elu,
        exact=lambda f, x: x if x >= 0 else None,
        double=lambda x: to_float(x) if x > 0 else math.expm1(to_float(x)),
        precise=elu.mpmath,
        partials=(lambda f, x, r: f.one if x > 0 else r + 1,),
        kink="at 0 its slope is 1 from both sides, but its curvature jumps (a central difference is only first order)",
        at_kink=lambda x: (
            (
                "elu's curvature jumps at 0 (its second derivative is 1 on the left, 0 on the right), so a central "
                "difference there is only as accurate as a forward one"
            )
            if x == 0
            else None
        ),
        latex=r"\operatorname{{ELU}}\left({0}\right)",
        js=(
            "function (x) { if (n.sign(x) > 0 || n.exactZero(x)) return n.exact(x) ? x : n.F(n.toFloat(x)); "
            "return n.real(Math.expm1(n.toFloat(x))); }"
        ),
    ),
    Primitive(
        "gelu",
        1,
        "activations",
        gelu,
        exact=_at((0, 0)),
        double=_double(lambda x: x * math.erfc(-x / math.sqrt(2)) / 2, "gelu", underflows=True),
        precise=gelu.mpmath,
        partials=(
            lambda f, x, r: (
                f.half
                if f.exact_zero(x)
                else (1 + f("erf", x / f("sqrt", f.number(2)))) / 2 + x * f("exp", -x * x / 2) / f("sqrt", 2 * f.pi)
            ),
        ),
        latex=r"\operatorname{{GELU}}\left({0}\right)",
        js=(
            "function (x) { if (n.exactZero(x)) return x; var v = n.toFloat(x); "
            "return n.nonzero(v * n.erfc(-v / Math.SQRT2) / 2, x); }"
        ),
    ),
    Primitive(
        "silu",
        1,
        "activations",
        silu,
        exact=_at((0, 0)),
        double=_double(lambda x: x * _sigmoid(x), "silu", underflows=True),
        precise=silu.mpmath,
        partials=(lambda f, x, r: (lambda s: s * (1 + x * (1 - s)))(f("sigmoid", x)),),
        latex=r"\operatorname{{SiLU}}\left({0}\right)",
        js=(
            "function (x) { if (n.exactZero(x)) return x; var v = n.toFloat(x); "
            "return n.nonzero(v * n.logistic(v), x); }"
        ),
    ),
    # ── piecewise ───────────────────────────────────────────────────────────────────────────
    Primitive(
        "abs",
        1,
        "piecewise",
        sp.Abs,
        exact=lambda f, x: abs(x),
        double=abs,
        precise=lambda ctx, x: abs(x),
        partials=(lambda f, x, r: f.one if x > 0 else (-f.one if x < 0 else f.zero),),
        kink="at 0: subgradient 0",
        at_kink=_zero_kink("abs", "the subgradient 0 is used"),
        kink_side=lambda x: (x > 0,),
        selects=True,
        latex=r"\left\lvert {0} \right\rvert",
        js="function (x) { return n.sign(x) < 0 ? n.negate(x) : x; }",
    ),
    Primitive(
        "max",
        2,
        "piecewise",
        sp.Max,
        exact=_select_max,
        double=max,
        precise=lambda ctx, a, b: max(a, b),
        partials=(
            lambda f, a, b, r: f.half if a == b else (f.one if a > b else f.zero),
            lambda f, a, b, r: f.half if a == b else (f.zero if a > b else f.one),
        ),
        kink="at a tie: each argument gets 1/2",
        at_kink=_tie("max"),
        kink_side=lambda a, b: (a > b,),
        selects=True,
        latex=r"\max\left({0}, {1}\right)",
        js="function (a, b) { return n.cmp(n.asRat(b), n.asRat(a)) > 0 ? b : a; }",
    ),
    Primitive(
        "min",
        2,
        "piecewise",
        sp.Min,
        exact=_select_min,
        double=min,
        precise=lambda ctx, a, b: min(a, b),
        partials=(
            lambda f, a, b, r: f.half if a == b else (f.one if a < b else f.zero),
            lambda f, a, b, r: f.half if a == b else (f.zero if a < b else f.one),
        ),
        kink="at a tie: each argument gets 1/2",
        at_kink=_tie("min"),
        kink_side=lambda a, b: (a > b,),
        selects=True,
        latex=r"\min\left({0}, {1}\right)",
        js="function (a, b) { return n.cmp(n.asRat(b), n.asRat(a)) < 0 ? b : a; }",
    ),
    Primitive(
        "clip",
        3,
        "piecewise",
        clip,
        exact=lambda f, x, lo, hi: clip.mpmath(f, x, lo, hi),
        double=lambda x, lo, hi: clip.mpmath(None, x, lo, hi),
        precise=clip.mpmath,
        partials=(
            lambda f, x, lo, hi, r: f.one if lo <= x <= hi else f.zero,
            lambda f, x, lo, hi, r: f.one if x < lo else f.zero,
            lambda f, x, lo, hi, r: f.one if x > hi else f.zero,
        ),
        domain="lo ≤ hi",
        undefined=_clip_undefined,
        kink="at lo and hi: the gradient passes to x (slope 1, as PyTorch's clamp)",
        at_kink=_clip_kink,
        kink_side=lambda x, lo, hi: (x < lo, x > hi),
        selects=True,
        parameters=("x", "lo", "hi"),
        js=(
            "function (x, lo, hi) { if (n.cmp(n.asRat(lo), n.asRat(hi)) > 0) n.fail(); "
            "return n.cmp(n.asRat(x), n.asRat(lo)) < 0 ? lo : n.cmp(n.asRat(x), n.asRat(hi)) > 0 ? hi : x; "
            "}"
        ),
    ),
    # ── special ─────────────────────────────────────────────────────────────────────────────
    Primitive(
        "erf",
        1,
        "special",
        sp.erf,
        exact=_at((0, 0)),
        double=_double(math.erf, "erf"),
        precise=lambda ctx, x: ctx.erf(x),
        partials=(lambda f, x, r: 2 * f("exp", -x * x) / f("sqrt", f.pi),),
        latex=r"\operatorname{{erf}}\left({0}\right)",
        js="function (x) { return n.exactZero(x) ? x : n.real(n.erf(n.toFloat(x))); }",
    ),
)

BY_NAME: dict[str, Primitive] = {primitive.name: primitive for primitive in PRIMITIVES}
OPERATORS = ("+", "-", "*", "/", "**", "neg")
FUNCTION_NAMES: tuple[str, ...] = tuple(p.name for p in PRIMITIVES if p.name not in OPERATORS)
CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "e": sp.E}
# Constants a formula may take as its own names: published examples call a node e (colah's
# e = (a+b)*(b+1), micrograd's), so assigning e, or giving it a value, makes it a variable that
# shadows the constant (with a warning). pi stays reserved: nobody means anything else by it.
SHADOWABLE: tuple[str, ...] = ("e",)
# Other spellings of functions, as textbooks and the autodiff literature write them.
ALIASES: dict[str, str] = {"ln": "log"}


def primitive_named(name: str) -> Primitive:
    return BY_NAME[name]


def function_named(name: str) -> str | None:
    """The primitive a function name written by the user stands for (`ln` → `log`), or None."""
    name = ALIASES.get(name, name)
    return name if name in FUNCTION_NAMES else None


def heads() -> dict[type, Primitive]:
    """The SymPy class of each function's symbolic form (sp.exp → exp), for reading SymPy's
    formulas; read from the rows without building an expression (which would import more of SymPy)."""
    return {p.symbolic: p for p in PRIMITIVES if p.is_function and isinstance(p.symbolic, type)}
