"""SymPy functions that SymPy lacks, with the derivative conventions deep learning uses.

`relu'(0)` is the subgradient 0 (PyTorch's and micrograd's choice), so relu differentiates to
`step`, which is 0 at 0; SymPy's own Heaviside would say 1/2 there. Heaviside still comes from
SymPy's derivatives of max and min, where a tie gives each argument 1/2: it is shown under the
same name, as `step(x, 0.5)` (its value at 0 written out), so the output has one name for one
thing and the difference at 0 is visible. The notes below say what each means where it appears.
"""

from __future__ import annotations

import mpmath
import sympy as sp
from mpmath.libmp import prec_to_dps


class _RealFunction(sp.Function):
    """A one-argument function that is real for real arguments."""

    nargs = 1
    latex_head = ""  # how LaTeX writes the function's name

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _latex(self, printer: object, exp: str | None = None) -> str:
        head = self.latex_head or f"\\operatorname{{{type(self).__name__}}}"
        power = f"^{{{exp}}}" if exp is not None else ""
        return f"{head}{power}\\left({printer._print(self.args[0])}\\right)"  # type: ignore[attr-defined]


class step(_RealFunction):  # noqa: N801 - prints as the user-facing name
    """1 for positive arguments, 0 otherwise (including 0): the derivative of relu."""

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_positive:
            return sp.S.One
        if x.is_nonpositive:
            return sp.S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.S.Zero

    def _eval_is_nonnegative(self) -> bool | None:
        return self.args[0].is_real


class relu(_RealFunction):  # noqa: N801
    """max(x, 0)."""

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_nonnegative:
            return x
        if x.is_nonpositive:
            return sp.S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return step(self.args[0])

    def _eval_is_nonnegative(self) -> bool | None:
        return self.args[0].is_real


class sigmoid(_RealFunction):  # noqa: N801
    """The logistic function 1/(1 + exp(-x))."""

    latex_head = "\\sigma"

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_zero:
            return sp.S.Half
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return self * (1 - self)

    def _eval_is_positive(self) -> bool | None:
        return self.args[0].is_real

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-x))

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return self._eval_rewrite_as_exp(self.args[0]).evalf(prec_to_dps(prec))


class softplus(_RealFunction):  # noqa: N801
    """log(1 + exp(x)), the smooth relu; its derivative is sigmoid."""

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_zero:
            return sp.log(2)
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0])

    def _eval_is_positive(self) -> bool | None:
        return self.args[0].is_real

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.log(1 + sp.exp(x))

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        """log1p(exp(x)) in mpmath: SymPy's log(1 + exp(x)) loses exp(x) against the 1 and says
        that softplus(-800) is 0, where it is 3.7e-348 (too small for a float: an error, not 0)."""
        x = self.args[0].evalf(prec_to_dps(prec) + 5)
        if not x.is_Number:
            return None
        with mpmath.workprec(prec + 20):
            value = mpmath.log1p(mpmath.exp(mpmath.mpf(x)))
        return sp.Float(value, prec_to_dps(prec))


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
