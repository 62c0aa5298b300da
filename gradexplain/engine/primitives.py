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
from gradexplain.engine.rows import (
    Primitive,
    at,
    double,
    exact_log,
    log_of,
    never,
    positive,
    select_max,
    select_min,
    show,
    tie,
    unit_interval,
    zero_kink,
)
from gradexplain.engine.sympy_functions import clip, elu, gelu, leaky_relu, relu, sigmoid, silu, softplus
from gradexplain.numbers import Number


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
        raise DomainError(f"tan is undefined at {show(x)}")
    return math.tan(value)


# SymPy writes (c*w)**n as c**n * w**n: a formula that would need numbers larger than this is not written.
MAX_FORMULA_BITS = 100_000


def _symbolic_power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    """base**exponent in SymPy, refused (DomainError) before it builds a number too large to use.
    0**b is 0: it has a value only for b > 0, where it is 0 (SymPy's 0**b would differentiate to
    0**b*log(0), nan)."""
    if base.is_zero and exponent.free_symbols:
        return sp.S.Zero
    if exponent.is_Rational and base.free_symbols:
        bits = max((max(abs(r.p), r.q).bit_length() for r in base.atoms(sp.Rational)), default=0)
        if bits * abs(exponent) > MAX_FORMULA_BITS:
            raise DomainError(f"needs numbers of more than {MAX_FORMULA_BITS:,} bits")
    return base**exponent


def _root(f: Any, x: Fraction) -> Number | None:
    return exact_power(x, HALF, None, f.bits)


def _relu(f: Any, x: Any) -> Any:
    return x if x > 0 else (ZERO if type(x) is Fraction else 0.0)


def _clip_undefined(x: Any, lo: Any, hi: Any) -> str | None:
    return None if lo <= hi else f"clip needs lo ≤ hi, not lo = {show(lo)} and hi = {show(hi)}"


def _clip_kink(x: Any, lo: Any, hi: Any) -> str | None:
    if x != lo and x != hi:
        return None
    return f"clip is not differentiable at its bound {show(x)}; the gradient passes to x (slope 1, as PyTorch's clamp)"


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
        chain=("+", lambda term: term),
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
        chain=("+", lambda term: -term),
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
        chain=("*", lambda term: term),
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
        pole_divisors=lambda a, b: (b,),
        chain=("*", lambda term: sp.Pow(term, -1)),
        plain="{0}/{1}",
        latex=r"\frac{{{0}}}{{{1}}}",
    ),
    Primitive(
        "**",
        2,
        "arithmetic",
        _symbolic_power,
        exact=lambda f, a, b: exact_power(a, b, f.notes, f.bits),
        double=double_power,
        precise=lambda ctx, a, b: ctx.power(a, b),
        partials=(
            lambda f, a, b, r: f.one if b == 1 else b * f("**", a, b - f.one),
            lambda f, a, b, r: f.zero if a == 0 else r * f("log", a),  # 0**b is 0 for every b > 0
        ),
        domain="base > 0, or an integer exponent (negative only with a base ≠ 0)",
        undefined=power_undefined,
        pole_divisors=lambda a, b: (a if b < 0 else 1.0,),  # one entry always: b crossing 0 is no pole
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
        exact=at((0, 1)),
        double=double(math.exp, "exp", underflows=True),
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
        exact=at((1, 0)),
        double=log_of(None),
        precise=lambda ctx, x: ctx.log(x),
        partials=(lambda f, x, r: f.div(f.one, x),),
        domain="x > 0",
        undefined=positive("log"),
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
        exact=exact_log(2),
        double=log_of(2),
        precise=lambda ctx, x: ctx.log(x, 2),
        partials=(lambda f, x, r: f.div(f.one, x * f("log", f.number(2))),),
        domain="x > 0",
        undefined=positive("log2"),
        latex=r"\log_2\left({0}\right)",
        js="function (x) { return n.logarithm(x, 2n); }",
    ),
    Primitive(
        "log10",
        1,
        "exponentials and logarithms",
        lambda x: sp.log(x) / sp.log(10),
        exact=exact_log(10),
        double=log_of(10),
        precise=lambda ctx, x: ctx.log10(x),
        partials=(lambda f, x, r: f.div(f.one, x * f("log", f.number(10))),),
        domain="x > 0",
        undefined=positive("log10"),
        latex=r"\log_{{10}}\left({0}\right)",
        js="function (x) { return n.logarithm(x, 10n); }",
    ),
    Primitive(
        "log1p",
        1,
        "exponentials and logarithms",
        lambda x: sp.log(1 + x),
        exact=at((0, 0)),
        double=double(math.log1p, "log1p"),
        precise=lambda ctx, x: ctx.log1p(x),
        partials=(lambda f, x, r: f.div(f.one, 1 + x),),
        domain="x > -1",
        undefined=positive("log1p", -1),
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
        exact=at((0, 0)),
        double=double(math.expm1, "expm1", underflows=True),
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
        undefined=lambda x: f"square root of a negative number ({show(x)})" if x < 0 else None,
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
        exact=at((0, 0)),
        double=double(math.sin, "sin"),
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
        exact=at((0, 1)),
        double=double(math.cos, "cos"),
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
        exact=at((0, 0)),
        double=_tan,
        precise=lambda ctx, x: ctx.tan(x),
        partials=(lambda f, x, r: 1 + r * r,),
        domain="cos x ≠ 0",
        pole_divisors=lambda x: (math.cos(to_float(x)),),  # tan = sin/cos: its sign flips with cos's
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
        exact=at((0, 0)),
        double=double(math.asin, "asin"),
        precise=lambda ctx, x: ctx.asin(x),
        partials=(lambda f, x, r: f.div(f.one, f("sqrt", 1 - x * x)),),
        domain="-1 ≤ x ≤ 1",
        undefined=unit_interval("asin"),
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
        exact=at((1, 0)),
        double=double(math.acos, "acos"),
        precise=lambda ctx, x: ctx.acos(x),
        partials=(lambda f, x, r: -f.div(f.one, f("sqrt", 1 - x * x)),),
        domain="-1 ≤ x ≤ 1",
        undefined=unit_interval("acos"),
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
        exact=at((0, 0)),
        double=double(math.atan, "atan"),
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
        exact=at((0, 0)),
        double=double(math.sinh, "sinh"),
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
        exact=at((0, 1)),
        double=double(math.cosh, "cosh"),
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
        exact=at((0, 0)),
        double=double(math.tanh, "tanh"),
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
        double=double(_sigmoid, "sigmoid", underflows=True),
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
        exact=never,
        double=double(_softplus, "softplus", underflows=True),
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
        at_kink=zero_kink("relu", "the subgradient 0 is used"),
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
        at_kink=zero_kink("leaky_relu", "the slope a of the negative side is used"),
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
        exact=at((0, 0)),
        double=double(lambda x: x * math.erfc(-x / math.sqrt(2)) / 2, "gelu", underflows=True),
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
        exact=at((0, 0)),
        double=double(lambda x: x * _sigmoid(x), "silu", underflows=True),
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
        at_kink=zero_kink("abs", "the subgradient 0 is used"),
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
        exact=select_max,
        double=max,
        precise=lambda ctx, a, b: max(a, b),
        partials=(
            lambda f, a, b, r: f.half if a == b else (f.one if a > b else f.zero),
            lambda f, a, b, r: f.half if a == b else (f.zero if a > b else f.one),
        ),
        kink="at a tie: each argument gets 1/2",
        at_kink=tie("max"),
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
        exact=select_min,
        double=min,
        precise=lambda ctx, a, b: min(a, b),
        partials=(
            lambda f, a, b, r: f.half if a == b else (f.one if a < b else f.zero),
            lambda f, a, b, r: f.half if a == b else (f.zero if a < b else f.one),
        ),
        kink="at a tie: each argument gets 1/2",
        at_kink=tie("min"),
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
        exact=at((0, 0)),
        double=double(math.erf, "erf"),
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
