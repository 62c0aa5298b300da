"""The primitive operations, one row each, as data that can be listed and printed.

Each row says how the user writes the operation, how many arguments it takes, how to build its
SymPy expression (from which SymPy derives the local derivatives, once per distinct node shape),
how it prints in plain text and LaTeX, its domain, and its non-differentiable points with the
convention used there. Nothing registers itself at import time: this table is the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from gradexplain.functions import relu, sigmoid, softplus


@dataclass(frozen=True, slots=True)
class Primitive:
    name: str  # how the user writes it: "+", "exp", "max"
    arity: int
    build: Callable[..., sp.Expr]
    plain: str  # display template, arguments as {0}, {1}
    latex: str
    domain: str
    kink: str | None = None  # where it is not differentiable, and the convention used there


PRIMITIVES: tuple[Primitive, ...] = (
    # ── arithmetic ──────────────────────────────────────────────────────────────────────
    Primitive("+", 2, lambda a, b: a + b, "{0} + {1}", "{0} + {1}", "all reals"),
    Primitive("-", 2, lambda a, b: a - b, "{0} - {1}", "{0} - {1}", "all reals"),
    Primitive("*", 2, lambda a, b: a * b, "{0}*{1}", r"{0} \cdot {1}", "all reals"),
    Primitive("/", 2, lambda a, b: a / b, "{0}/{1}", r"\frac{{{0}}}{{{1}}}", "divisor ≠ 0"),
    Primitive(
        "**",
        2,
        lambda a, b: a**b,
        "{0}**{1}",
        "{{{0}}}^{{{1}}}",
        "base > 0, or an integer exponent (negative only with a base ≠ 0)",
    ),
    Primitive("neg", 1, lambda a: -a, "-{0}", "-{0}", "all reals"),
    # ── exponentials and logarithms ─────────────────────────────────────────────────────
    Primitive("exp", 1, sp.exp, "exp({0})", r"e^{{{0}}}", "all reals"),
    Primitive("log", 1, sp.log, "log({0})", r"\log\left({0}\right)", "x > 0"),
    Primitive(
        "sqrt",
        1,
        sp.sqrt,
        "sqrt({0})",
        r"\sqrt{{{0}}}",
        "x ≥ 0",
        "at 0 the derivative is infinite: an error",
    ),
    Primitive("softplus", 1, softplus, "softplus({0})", r"\operatorname{{softplus}}\left({0}\right)", "all reals"),
    # ── trigonometric ───────────────────────────────────────────────────────────────────
    Primitive("sin", 1, sp.sin, "sin({0})", r"\sin\left({0}\right)", "all reals"),
    Primitive("cos", 1, sp.cos, "cos({0})", r"\cos\left({0}\right)", "all reals"),
    Primitive("tan", 1, sp.tan, "tan({0})", r"\tan\left({0}\right)", "cos x ≠ 0"),
    # ── activations ─────────────────────────────────────────────────────────────────────
    Primitive("tanh", 1, sp.tanh, "tanh({0})", r"\tanh\left({0}\right)", "all reals"),
    Primitive("sigmoid", 1, sigmoid, "sigmoid({0})", r"\sigma\left({0}\right)", "all reals"),
    Primitive(
        "relu",
        1,
        relu,
        "relu({0})",
        r"\operatorname{{relu}}\left({0}\right)",
        "all reals",
        "at 0: subgradient 0 (PyTorch's and micrograd's convention)",
    ),
    # ── piecewise ───────────────────────────────────────────────────────────────────────
    Primitive("abs", 1, sp.Abs, "abs({0})", r"\left\lvert {0} \right\rvert", "all reals", "at 0: subgradient 0"),
    Primitive(
        "max",
        2,
        sp.Max,
        "max({0}, {1})",
        r"\max\left({0}, {1}\right)",
        "all reals",
        "at a tie: each argument gets 1/2",
    ),
    Primitive(
        "min",
        2,
        sp.Min,
        "min({0}, {1})",
        r"\min\left({0}, {1}\right)",
        "all reals",
        "at a tie: each argument gets 1/2",
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


def function_named(name: str) -> str | None:
    """The primitive a function name written by the user stands for (`ln` → `log`), or None."""
    name = ALIASES.get(name, name)
    return name if name in FUNCTION_NAMES else None
