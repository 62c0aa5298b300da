"""Showing SymPy expressions (local derivatives, symbolic gradients) as short plain text."""

from __future__ import annotations

from fractions import Fraction

import sympy as sp
from sympy.printing.str import StrPrinter

from gradexplain.engine.sympy_functions import heaviside_parts
from gradexplain.numbers import terminating_decimal


class _Printer(StrPrinter):
    """SymPy's str printer, but e for Euler's number, 0.5 rather than 1/2 when it terminates, and
    the language's names (min, max, step) for SymPy's (Min, Max, Heaviside)."""

    def _print_Exp1(  # noqa: N802 - SymPy's printer dispatches on this name
        self, expr: sp.Expr
    ) -> str:
        return "e"

    def _print_Heaviside(  # noqa: N802
        self, expr: sp.Heaviside
    ) -> str:
        """max's and min's derivative under relu's name, its value at 0 written out: step(x, 0.5)."""
        argument, at_zero = heaviside_parts(expr)
        if at_zero == 0:
            return f"step({self._print(argument)})"
        return f"step({self._print(argument)}, {self._print(at_zero)})"

    def _print_Min(  # noqa: N802 - min and max as the formula language writes them
        self, expr: sp.Min
    ) -> str:
        return f"min({', '.join(self._print(a) for a in expr.args)})"

    def _print_Max(  # noqa: N802
        self, expr: sp.Max
    ) -> str:
        return f"max({', '.join(self._print(a) for a in expr.args)})"

    def _print_Rational(  # noqa: N802
        self, expr: sp.Rational
    ) -> str:
        decimal = terminating_decimal(Fraction(int(expr.p), int(expr.q)))
        if decimal is not None and len(decimal) <= 8:
            return decimal
        return super()._print_Rational(expr)


_PRINTER = _Printer({"order": None})


def formula_text(expr: sp.Expr) -> str:
    return _PRINTER.doprint(expr)


def with_names(expr: sp.Expr, slots: dict[sp.Symbol, int], names: tuple[str, ...]) -> sp.Expr:
    """A template expression with its slot symbols (slot → position) replaced by argument names."""
    return expr.xreplace({s: sp.Symbol(names[slots[s]], real=True) for s in expr.free_symbols if s in slots})
