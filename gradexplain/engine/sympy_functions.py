"""SymPy functions that SymPy lacks, with the derivative conventions deep learning uses.

`relu'(0)` is the subgradient 0 (PyTorch's and micrograd's choice), so relu differentiates to
`step`, which is 0 at 0; SymPy's own Heaviside would say 1/2 there. Heaviside still comes from
SymPy's derivatives of max and min, where a tie gives each argument 1/2: it is shown under the
same name, as `step(x, 0.5)` (its value at 0 written out), so the output has one name for one
thing and the difference at 0 is visible. The notes below say what each means where it appears.

Each function's value to any precision comes from its `mpmath` rule, which the primitives
table (primitives.py) also uses for the 50-digit audit: one formula, written once, and chosen to
stay accurate where the textbook one is not (softplus(-800) is log1p(exp(-800)), not
log(1 + exp(-800)), which is 0 at any sensible precision).
"""

from __future__ import annotations

from typing import Any

import mpmath
import sympy as sp
from mpmath.libmp import prec_to_dps


class _RealFunction(sp.Function):
    """A function that is real for real arguments, evaluated to any precision by its `mpmath` rule."""

    latex_head = ""  # how LaTeX writes the function's name

    @staticmethod
    def mpmath(ctx: Any, *args: Any) -> Any:
        raise NotImplementedError

    def _eval_is_real(self) -> bool | None:
        return all(arg.is_real for arg in self.args) or None

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        arguments = [arg.evalf(prec_to_dps(prec) + 5) for arg in self.args]
        if not all(argument.is_Number for argument in arguments):
            return None
        with mpmath.workprec(prec + 20):
            value = type(self).mpmath(mpmath.mp, *(mpmath.mpf(str(argument)) for argument in arguments))
        return sp.Float(value, prec_to_dps(prec))

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        head = self.latex_head or f"\\operatorname{{{type(self).__name__}}}"
        power = f"^{{{exp}}}" if exp is not None else ""
        inside = ", ".join(printer._print(arg) for arg in self.args)
        return f"{head}{power}\\left({inside}\\right)"


class step(_RealFunction):  # noqa: N801 - prints as the user-facing name
    """1 for positive arguments, 0 otherwise (including 0): the derivative of relu."""

    nargs = 1

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_positive:
            return sp.S.One
        if x.is_nonpositive:
            return sp.S.Zero
        return None

    @staticmethod
    def mpmath(ctx: Any, x: Any) -> Any:
        return ctx.one if x > 0 else ctx.zero

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.S.Zero

    def _eval_is_nonnegative(self) -> bool | None:
        return self.args[0].is_real


class relu(_RealFunction):  # noqa: N801
    """max(x, 0)."""

    nargs = 1

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_nonnegative:
            return x
        if x.is_nonpositive:
            return sp.S.Zero
        return None

    @staticmethod
    def mpmath(ctx: Any, x: Any) -> Any:
        return x if x > 0 else ctx.zero

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return step(self.args[0])

    def _eval_is_nonnegative(self) -> bool | None:
        return self.args[0].is_real


class sigmoid(_RealFunction):  # noqa: N801
    """The logistic function 1/(1 + exp(-x))."""

    nargs = 1
    latex_head = "\\sigma"

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_zero:
            return sp.S.Half
        return None

    @staticmethod
    def mpmath(ctx: Any, x: Any) -> Any:
        return 1 / (1 + ctx.exp(-x))

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return self * (1 - self)

    def _eval_is_positive(self) -> bool | None:
        return self.args[0].is_real

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-x))


class softplus(_RealFunction):  # noqa: N801
    """log(1 + exp(x)), the smooth relu; its derivative is sigmoid."""

    nargs = 1

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_zero:
            return sp.log(2)
        return None

    @staticmethod
    def mpmath(ctx: Any, x: Any) -> Any:
        return ctx.log1p(ctx.exp(x)) if x <= 0 else x + ctx.log1p(ctx.exp(-x))

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0])

    def _eval_is_positive(self) -> bool | None:
        return self.args[0].is_real

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.log(1 + sp.exp(x))


class silu(_RealFunction):  # noqa: N801
    """x·σ(x), the swish; its derivative is σ(x)·(1 + x·(1 − σ(x)))."""

    nargs = 1

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_zero:
            return sp.S.Zero
        return None

    @staticmethod
    def mpmath(ctx: Any, x: Any) -> Any:
        return x / (1 + ctx.exp(-x))

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        x = self.args[0]
        return sigmoid(x) * (1 + x * (1 - sigmoid(x)))

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return x / (1 + sp.exp(-x))


class gelu(_RealFunction):  # noqa: N801
    """x·Φ(x) with Φ the standard normal distribution function: x/2·(1 + erf(x/√2))."""

    nargs = 1

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_zero:
            return sp.S.Zero
        return None

    @staticmethod
    def mpmath(ctx: Any, x: Any) -> Any:
        return x * ctx.erfc(-x / ctx.sqrt(2)) / 2  # erfc: no cancellation for large negative x

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        x = self.args[0]
        return (1 + sp.erf(x / sp.sqrt(2))) / 2 + x * sp.exp(-(x**2) / 2) / sp.sqrt(2 * sp.pi)

    def _eval_rewrite_as_erf(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return x * (1 + sp.erf(x / sp.sqrt(2))) / 2


class elu(_RealFunction):  # noqa: N801
    """x for x > 0, exp(x) − 1 otherwise (α = 1, so it is differentiable at 0, with slope 1)."""

    nargs = 1

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_nonnegative:
            return x
        return None

    @staticmethod
    def mpmath(ctx: Any, x: Any) -> Any:
        return x if x > 0 else ctx.expm1(x)

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.exp(sp.Min(self.args[0], 0))


class leaky_relu(_RealFunction):  # noqa: N801
    """x for x > 0, a·x otherwise; at 0 the slope a (PyTorch's convention)."""

    nargs = 2
    latex_head = "\\operatorname{leaky\\_relu}"

    @classmethod
    def eval(cls, x: sp.Expr, a: sp.Expr) -> sp.Expr | None:
        if x.is_positive:
            return x
        if x.is_nonpositive:
            return a * x
        return None

    @staticmethod
    def mpmath(ctx: Any, x: Any, a: Any) -> Any:
        return x if x > 0 else a * x

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        x, a = self.args
        return a + (1 - a) * step(x) if argindex == 1 else x * (1 - step(x))


class clip(_RealFunction):  # noqa: N801
    """x held between lo and hi, min(max(x, lo), hi); at a bound the gradient passes to x (PyTorch's clamp)."""

    nargs = 3

    @classmethod
    def eval(cls, x: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> sp.Expr | None:
        if (x - lo).is_nonnegative and (hi - x).is_nonnegative:
            return x
        if (lo - x).is_positive:
            return lo
        if (x - hi).is_positive:
            return hi
        return None

    @staticmethod
    def mpmath(ctx: Any, x: Any, lo: Any, hi: Any) -> Any:
        return lo if x < lo else hi if x > hi else x

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        x, lo, hi = self.args
        if argindex == 1:
            return 1 - step(lo - x) - step(x - hi)
        return step(lo - x) if argindex == 2 else step(x - hi)


# What the output says where a step first appears in a local derivative.
STEP_NOTE = "step(x) is 1 for x > 0 and 0 for x ≤ 0 (relu's derivative, with the subgradient 0 at 0)"
TIE_STEP_NOTE = "step(x, 0.5) is 1 for x > 0, 0 for x < 0 and 0.5 at 0 (max and min give each argument of a tie 1/2)"


def step_notes(expr: sp.Expr) -> tuple[str, ...]:
    """The definitions a reader needs for the steps in `expr`: relu's, max's and min's."""
    notes = ()
    if expr.has(step):
        notes += (STEP_NOTE,)
    if expr.has(sp.Heaviside):
        notes += (TIE_STEP_NOTE,)
    return notes


def heaviside_parts(expr: sp.Heaviside) -> tuple[sp.Expr, sp.Expr]:
    """A Heaviside's argument and its value at 0 (SymPy's default 1/2 when not given)."""
    return expr.args[0], expr.args[1] if len(expr.args) > 1 else sp.S.Half


# The functions SymPy proves identities of more easily written with exp (σ(z)(1 − σ(z)) and its kin).
EXP_FORMS: tuple[type[sp.Function], ...] = (sigmoid, softplus, silu)
