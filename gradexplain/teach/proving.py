"""SymPy's side of deciding a claim: the gradient written out in the inputs, and SymPy's proof
that a claim's formula minus it is 0, both bounded (the symbolic limit, and a budget of SymPy's
work for a whole run of claims) so that a file of 1,000 claims stays within the time promised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

import sympy as sp

from gradexplain.engine.kernels import Kernel
from gradexplain.engine.primitives import BY_NAME, CONSTANTS
from gradexplain.engine.sympy_functions import EXP_FORMS
from gradexplain.formulas import formula_text
from gradexplain.graph import Graph
from gradexplain.numbers import Number, read_literal
from gradexplain.symbolic import WORK_FACTOR, adjoint_expressions, expanded_sizes, longer_than, readable, written_out
from gradexplain.syntax import Binary, Call, Expr, Name, Num, Unary, post_order

if TYPE_CHECKING:
    from gradexplain.teach.claims import Reading

# SymPy's simplify (slow) only for differences this small; expand only while it makes at most
# this many terms. In one run, at most EXPAND_TERMS_A_RUN terms expanded and SIMPLIFY_A_RUN
# claims simplified (about 3 s each, measured: a simplify takes up to 0.1 s, 300 terms 25 ms);
# the claims after that are compared at the points only, and say so.
SIMPLIFY_OPERATIONS = 40
EXPANDED_TERMS = 2_000
EXPAND_TERMS_A_RUN = 30_000
SIMPLIFY_A_RUN = 30


class _Symbols:
    """The formulas SymPy compares, written out once and only when a claim needs them (a cache
    local to one decide_claims call)."""

    def __init__(
        self, graph: Graph, kernels: Sequence[Kernel | None], limit: int, fixed: Mapping[int, Number] | None = None
    ) -> None:
        self.graph, self.kernels, self.limit = graph, kernels, limit
        # the data's values, put in before a proof: the claim need only hold for them
        self.fixed = {
            sp.Symbol(graph.nodes[index].name, real=True): _exact(value) for index, value in (fixed or {}).items()
        }
        self.sizes = expanded_sizes(graph, kernels, cap=limit + 1)
        self.skipped: str | None = None
        if self.sizes[graph.output] > limit:
            self.skipped = (
                f"the formula, written out, is more than the symbolic limit of {limit} operations, so SymPy did "
                "not compare (raise it with --symbolic-limit)"
            )
        elif any(kernel is not None and kernel.derivatives is None for kernel in kernels):
            self.skipped = "some local derivatives are too large to write out, so SymPy did not compare"
        self.expand_left = EXPAND_TERMS_A_RUN  # SymPy's work left for this run (each claim spends some)
        self.simplify_left = SIMPLIFY_A_RUN
        self._expressions: list[sp.Expr] | None = None
        self._adjoints: list[sp.Expr] | None = None
        self._truths: dict[int, tuple[sp.Expr, str] | None] = {}

    def _written(self) -> tuple[list[sp.Expr], list[sp.Expr]]:
        if self._expressions is None or self._adjoints is None:
            self._expressions = written_out(self.graph, self.kernels)
            relevant = [True] * len(self.graph.nodes)
            self._adjoints = adjoint_expressions(self.graph, self.kernels, self._expressions, relevant)
        return self._expressions, self._adjoints

    def truth(self, node: int) -> tuple[sp.Expr, str] | None:
        """∂output/∂node as a formula in the inputs, and as text; None above the symbolic limit
        (written out, it has more than `limit` parts: too long to read, and slow to tidy)."""
        if self.skipped is not None:
            return None
        if node not in self._truths:
            try:
                adjoint = self._written()[1][node]
                if longer_than(adjoint, self.limit):
                    self._truths[node] = None
                else:
                    shown = readable(adjoint)
                    self._truths[node] = (shown, formula_text(shown))
            except RecursionError:
                self._truths[node] = None
        return self._truths[node]

    def prove(self, reading: Reading) -> tuple[bool, str]:
        """Whether SymPy shows that the claim's formula minus the gradient's is 0; if not, why.
        Bounded like the symbolic gradients: each side, written out, at most WORK_FACTOR × the limit."""
        if self.skipped is not None:
            return False, self.skipped
        most = WORK_FACTOR * self.limit
        size = reading.operations + sum(self.sizes[node] for node in reading.uses)
        try:
            adjoint = self._written()[1][reading.node]
            if size > most or longer_than(adjoint, most):
                return False, (
                    f"the claim or the gradient, written out in the inputs, is longer than {most} terms "
                    f"({WORK_FACTOR} × the symbolic limit), so SymPy did not compare (raise it with --symbolic-limit)"
                )
            difference = self._claimed(reading.formula) - adjoint
            if self.fixed:
                difference = difference.xreplace(self.fixed)
            if difference == 0:
                return True, ""
            proven, spent = self._is_zero(difference)
            if proven:
                return True, ""
            if spent:
                return False, (
                    f"SymPy's work for one run is spent (expanding {EXPAND_TERMS_A_RUN:,} terms and simplifying "
                    f"{SIMPLIFY_A_RUN} claims), so it did not try this claim"
                )
        except RecursionError:
            pass
        return False, "SymPy could not simplify the difference to 0"

    def _is_zero(self, difference: sp.Expr) -> tuple[bool, bool]:
        """SymPy's proof that a difference is 0: expanded, or (when small) simplified, sigmoid and
        softplus written with exp, within what is left of the run's budget for each; and whether
        the budget, rather than SymPy, stopped a step that would have been tried."""
        spent = False
        terms = _expanded_terms(difference)
        if terms <= EXPANDED_TERMS:
            if terms > self.expand_left:
                spent = True
            else:
                self.expand_left -= terms
                if sp.expand(difference) == 0:
                    return True, False
        if sp.count_ops(difference) > SIMPLIFY_OPERATIONS:
            return False, spent
        if self.simplify_left <= 0:
            return False, True
        self.simplify_left -= 1
        if difference.has(*EXP_FORMS):
            difference = difference.rewrite(sp.exp)
        try:
            return bool(sp.simplify(difference) == 0), False
        except Exception:  # SymPy's simplify can fail on its own; then it has shown nothing
            return False, False

    def _claimed(self, root: Expr) -> sp.Expr:
        """The claim's right side in the inputs: intermediates replaced by their definitions."""
        expressions = self._written()[0]
        results: dict[int, sp.Expr] = {}
        for expr, below in post_order(root):
            parts = [results.pop(id(child)) for child in below]
            if isinstance(expr, Num):
                value = read_literal(expr.text)
                result: sp.Expr = sp.Rational(value.numerator, value.denominator)
            elif isinstance(expr, Name):
                index = self.graph.index_of(expr.name)
                result = expressions[index] if index is not None else CONSTANTS[expr.name]
            elif isinstance(expr, Unary):
                result = -parts[0] if expr.op == "-" else parts[0]
            elif isinstance(expr, Binary):
                result = BY_NAME[expr.op].symbolic(*parts)
            else:
                assert isinstance(expr, Call)
                primitive = BY_NAME[expr.function]
                defaults = primitive.defaults[len(parts) - primitive.fewest :]
                result = primitive.symbolic(*parts, *(sp.Rational(d.numerator, d.denominator) for d in defaults))
            results[id(expr)] = result
        return results[id(root)]


def _exact(value: Number) -> sp.Expr:
    """A value as SymPy's number: a rational exactly, a double as the rational it is exactly
    (its binary value: sqrt(2) given as a double is not the irrational sqrt(2))."""
    rational = Fraction(value)
    return sp.Rational(rational.numerator, rational.denominator)


def _expanded_terms(expr: sp.Expr) -> int:
    """About how many terms `expand` makes of `expr`, estimated bottom-up (a sum adds its parts'
    terms, a product multiplies them, a power of a sum raises them), counted up to EXPANDED_TERMS + 1:
    (a + b)**50 or a product of a few long sums is too many."""
    terms: dict[sp.Basic, int] = {}
    stack: list[tuple[sp.Basic, bool]] = [(expr, False)]
    while stack:
        term, ready = stack.pop()
        if term in terms:
            continue
        if not ready and term.args and (term.is_Add or term.is_Mul or term.is_Pow):
            stack.append((term, True))
            stack.extend((arg, False) for arg in term.args)
            continue
        if term.is_Add:
            count = sum(terms[arg] for arg in term.args)
        elif term.is_Mul:
            count = 1
            for arg in term.args:
                count = min(count * terms[arg], EXPANDED_TERMS + 1)
        elif term.is_Pow and term.exp.is_Integer and term.exp > 0:
            count = terms[term.base] ** min(int(term.exp), 64) if terms[term.base] > 1 else 1
        else:
            count = 1  # a function: its argument is expanded on its own
        terms[term] = min(count, EXPANDED_TERMS + 1)
        if terms[term] > EXPANDED_TERMS:
            return EXPANDED_TERMS + 1
    return terms[expr]
