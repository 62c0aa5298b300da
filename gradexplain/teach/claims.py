"""Claims: a learner's own gradient, `dJ/dw = x*(w*x + b - y)`, decided and, when wrong, diagnosed.

Reading (`read_claims`): a claim is parsed by the project's own parser (`syntax.parse_equation`;
nothing is ever run as Python). Its left side names a gradient of the output, `dJ/dw`, `∂J/∂w`,
the course labs' `dJ_dw` or the lectures' `dw`; its right side is a number or a formula over the
program's names, inputs and intermediates alike. Every problem is an input error with a span.

Deciding (`decide_claims`): the right side is computed as written, with each intermediate's value
at the point (which is substituting its definition). A numeric claim is compared at the point; a
symbolic one at the point and at RANDOM_POINTS pseudo-random points (the same on every run), and
SymPy tries to show that the difference is 0, within the symbolic limit. A disagreement anywhere
makes a claim wrong, with that point as the counterexample; agreement everywhere without SymPy's
proof is "not proven".

Diagnosing: for a wrong claim, the mistakes people make are tried in a fixed order, each as a
relation between the claim and numbers the backward pass holds (local derivatives, upstream
gradients, products along paths, other nodes' gradients). A diagnosis is offered only when its
relation holds at every point compared, exactly where the numbers are exact.
"""

from __future__ import annotations

import bisect
import difflib
import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import sympy as sp

from gradexplain.backward import BackwardPass, EdgeStep, backward
from gradexplain.engine.arithmetic import DomainError
from gradexplain.engine.interpreter import Interpreter
from gradexplain.engine.kernels import Kernel
from gradexplain.engine.primitives import BY_NAME, CONSTANTS
from gradexplain.engine.sympy_functions import EXP_FORMS
from gradexplain.engine.systems import Exact
from gradexplain.errors import GradexplainError, InputError, ParseError, Span, brief, listing
from gradexplain.formulas import formula_text, with_names
from gradexplain.forward import forward
from gradexplain.graph import Graph, slot
from gradexplain.limits import Limits
from gradexplain.numbers import Number, is_exact, literal_size, read_literal
from gradexplain.symbolic import WORK_FACTOR, adjoint_expressions, expanded_sizes, longer_than, readable, written_out
from gradexplain.syntax import Binary, Call, Expr, Name, Num, Unary, parse_equation, post_order
from gradexplain.tokens import Token

NUMERIC, SYMBOLIC = "numeric", "symbolic"
SIGN, FACTOR, MISSING_FACTOR, MISSING_PATH = "sign", "factor", "missing_factor", "missing_path"
UPSTREAM_ONLY, WRONG_VARIABLE, NONE = "upstream_only", "wrong_variable", "none"

# Other points a symbolic claim is compared at, besides the user's: drawn from a fixed seed, so
# the output is the same on every run.
RANDOM_POINTS = 5
SEED = 10
# Each other point is a forward and a backward pass: on large graphs fewer (never under
# FEWEST_POINTS), so that POINT_WORK node evaluations are not exceeded (a run of 50,000 nodes
# stays within the 20 seconds promised in the README).
POINT_WORK = 100_000
FEWEST_POINTS = 2
ATTEMPTS = 4 * RANDOM_POINTS  # draws allowed for them (a draw outside the formula's domain is skipped)
# Where a value is floating point, claim and gradient agree within this, relative to max(1, |gradient|).
FLOAT_AGREEMENT = 1e-9
# Paths from a node to the output listed and tried as subsets ("missing path"), and listed as the
# chain-rule route; more than this (a wide network) and the route is given one step at a time.
MOST_PATHS = 32
ALL_SUBSETS_UP_TO = 4  # paths up to this many: every subset is tried; more: all but one, and one alone
# A floating-point factor this close to a fraction with at most this denominator is that fraction.
SIMPLE_DENOMINATOR = 12
ROUTE_PATHS = 4
# SymPy's simplify (slow) only for differences this small; expand only while it makes at most
# this many terms. In one run, at most EXPAND_TERMS_A_RUN terms expanded and SIMPLIFY_A_RUN
# claims simplified (about 3 s each, measured: a simplify takes up to 0.1 s, 300 terms 25 ms);
# the claims after that are compared at the points only, and say so.
SIMPLIFY_OPERATIONS = 40
EXPANDED_TERMS = 2_000
EXPAND_TERMS_A_RUN = 30_000
SIMPLIFY_A_RUN = 30
# Edges above a node tried as the missing factor, nearest first (a wide network has many).
MOST_EDGES = 2_000
# Paths are listed and tried only while they have at most this many edges in all: a path through
# a sum of 16,000 terms is 16,000 edges long, no help to read and slow to multiply out per claim.
MOST_PATH_EDGES = 400

_CONSTANT, _NODE = "constant", "node"
_PARTIAL = "∂"


# ── the data ────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class ClaimText:
    """A claim and where it was written: `source[start:end]`, in a file called `origin` (so an
    error points at its line there). A plain string is a claim on its own."""

    source: str
    start: int = 0
    end: int | None = None
    origin: str | None = None

    @property
    def text(self) -> str:
        return self.source[self.start : len(self.source) if self.end is None else self.end]


@dataclass(frozen=True, slots=True)
class Edge:
    """An edge of the graph: `node` uses `arg` as its argument number `slot`, with this local
    derivative ∂ₗnode/∂arg (a formula over node's arguments' names, and its value at the point)."""

    node: int
    arg: int
    slot: int
    formula: str
    value: Number


Path = tuple[Edge, ...]  # from a node up to the output


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """The likely mistake behind a wrong claim, as data (render/claims.py words it)."""

    kind: str  # SIGN, FACTOR, MISSING_FACTOR, MISSING_PATH, UPSTREAM_ONLY, WRONG_VARIABLE or NONE
    edge: Edge | None = None  # the local derivative left out (SIGN: a -1; UPSTREAM_ONLY: not multiplied in)
    cancels: Edge | None = None  # FACTOR: the local derivative whose constant the one left out cancels
    node: int | None = None  # WRONG_VARIABLE: whose gradient the claim is; UPSTREAM_ONLY: the consumer;
    # FACTOR: the node whose own formula holds the constant
    value: Number | None = None  # FACTOR: claim = value × gradient; WRONG_VARIABLE, UPSTREAM_ONLY: that gradient
    constant: Number | None = None  # FACTOR: the constant in `node`'s own formula (its 1/2 in d**2/2)
    detail: str = ""  # FACTOR: what in `node`'s formula makes the other constant ("the square")
    counted: tuple[Path, ...] = ()  # MISSING_PATH: the paths the claim adds up …
    missed: tuple[Path, ...] = ()  # … and the ones it leaves out
    route: tuple[Path, ...] = ()  # NONE, MISSING_PATH: every path from the node to the output (empty: too many)
    rounded: int | None = None  # NONE: the claim is the exact gradient rounded to this many decimal places


@dataclass(frozen=True, slots=True)
class Claim:
    """One claim, decided. `ok` is None when it agrees at every point compared but SymPy did not
    show it (see `unproven`)."""

    text: str  # as written
    node: int  # the claim is about ∂output/∂node
    kind: str  # NUMERIC (a number) or SYMBOLIC (a formula with names)
    formula: Expr  # the right side as parsed (renderers write it in LaTeX)
    ok: bool | None
    claimed: Number | None  # the right side at the point; None where it has no value (see `undefined`)
    truth: Number  # the gradient at the point
    truth_formula: str | None  # the gradient in the inputs (None when too large to write out)
    points: int  # points where both were computed and compared, the user's included
    proven: bool  # SymPy showed that the difference is 0
    unproven: str | None  # why SymPy did not decide a symbolic claim that agrees everywhere
    places: int | None  # a decimal compared to the places it was written with (inexact gradient)
    inexact: bool  # some comparison was between floating-point values (within FLOAT_AGREEMENT)
    undefined: str | None  # why the right side has no value at the point
    counterexample: tuple[tuple[int, Number], ...] | None  # (input, value) where a claim right here is wrong
    counter_claimed: Number | None
    counter_truth: Number | None
    diagnosis: Diagnosis | None  # for a wrong claim


@dataclass(frozen=True, slots=True)
class Reading:
    """A claim parsed and its names resolved, ready to be computed at any point."""

    text: str
    node: int
    formula: Expr
    tape: tuple[tuple[str, object], ...]  # postfix: (_CONSTANT, value), (_NODE, index), (operation, arity)
    uses: tuple[int, ...]  # the nodes the right side names, once per use
    operations: int  # operations in the right side, its names not written out
    places: int | None  # decimal places of a right side that is one decimal (2.50: 2), else None

    @property
    def kind(self) -> str:
        return SYMBOLIC if self.uses else NUMERIC


# ── reading ─────────────────────────────────────────────────────────────────────────────────


FORMS = "dJ/dw, ∂J/∂w, dJ_dw or dw"


def read_claims(claims: Sequence[str | ClaimText], graph: Graph, limits: Limits) -> tuple[Reading, ...]:
    """Parse every claim; the first bad one raises a GradexplainError that points into it."""
    if len(claims) > limits.claims:
        raise InputError(
            f"{len(claims):,} claims, more than the limit of {limits.claims:,}", hint=limits.hint("claims")
        )
    return tuple(read_claim(claim, graph, limits) for claim in claims)


def read_claim(claim: str | ClaimText, graph: Graph, limits: Limits) -> Reading:
    where = claim if isinstance(claim, ClaimText) else ClaimText(claim)
    text = where.text
    try:
        if len(text) > limits.source:
            raise InputError(
                f"the claim is {len(text):,} characters long, more than the limit of {limits.source:,}",
                hint=limits.hint("source"),
            )
        return _read(text, graph, limits)
    except GradexplainError as error:
        if error.source is None and error.span is not None:
            error.span = Span(error.span.start + where.start, error.span.end + where.start)
        elif error.source is None:
            error.span = Span(where.start, where.start + len(text))
        raise error.located(where.source, where.origin) from None


def _read(text: str, graph: Graph, limits: Limits) -> Reading:
    equals = text.find("=")
    left_text = text[:equals] if equals >= 0 else text
    # ∂J/∂w reads as dJ/dw: the same length, so every span still points at the right character.
    try:
        left, _, right = parse_equation(left_text.replace(_PARTIAL, "d") + text[len(left_text) :], limits.depth)
    except ParseError as error:
        if "claim" not in error.message:
            error.message = f"in a claim: {error.message}"
        if error.message.endswith("'==' is a comparison"):
            error.hint = "a claim has one '=': dJ/dw = formula"
        raise
    node = _gradient_named(left, graph)
    tape, uses, operations = _compile(right, graph, limits, text)
    written = text[left[0].span.start : right.span.end]  # as typed, without a trailing comment
    return Reading(written, node, right, tape, uses, operations, _places(right))


def _output_name(graph: Graph) -> str:
    return graph.nodes[graph.output].name


def _gradient_named(tokens: list[Token], graph: Graph) -> int:
    """The node a claim's left side is about: dJ/dw, d J/d w, dJ_dw, dw (J: the output)."""
    out = _output_name(graph)
    span = Span(tokens[0].span.start, tokens[-1].span.end)
    kinds = [token.kind for token in tokens]
    texts = [token.text for token in tokens]
    if kinds == ["NAME", "OP", "NAME"] and texts[1] == "/" and all(t[0] == "d" and len(t) > 1 for t in texts[::2]):
        return _of_output(texts[0][1:], tokens[0].span, graph) or _node_named(texts[2][1:], tokens[2].span, graph)
    if kinds == ["NAME"] * 2 + ["OP"] + ["NAME"] * 2 and texts[0] == texts[3] == "d" and texts[2] == "/":
        return _of_output(texts[1], tokens[1].span, graph) or _node_named(texts[4], tokens[4].span, graph)
    if kinds == ["NAME"] and texts[0][0] == "d" and len(texts[0]) > 1:
        name = texts[0]
        lab = f"d{out}_d"
        if name.startswith(lab) and name[len(lab) :] in graph.by_name:
            return graph.by_name[name[len(lab) :]]
        if name in graph.by_name and name[1:] in graph.by_name:  # dd when the program has d and dd
            raise InputError(
                f"{brief(name)} is a name in the program, so it cannot also stand for ∂{out}/∂{brief(name[1:])}",
                span=span,
                hint=f"write that gradient as d{out}/d{name[1:]} or d{out}_d{name[1:]}",
            )
        return _node_named(name[1:], Span(span.start + 1, span.end), graph)
    hint = f"write the gradient as {FORMS.replace('J', out)}"
    if kinds == ["NAME"]:
        hint += f" (a claim is not an assignment: d{texts[0]} = … for ∂{out}/∂{texts[0]})"
    raise ParseError("the left side of a claim names a gradient", span=span, hint=hint)


def _of_output(name: str, span: Span, graph: Graph) -> None:
    """Nothing when `name` is the output; otherwise an error (a claim is about the output)."""
    out = _output_name(graph)
    if name == out:
        return
    if name in graph.by_name or name in graph.unused:
        raise InputError(
            f"this claim is about the gradient of {brief(name)}, but the output here is {brief(out)}",
            span=span,
            hint=f"claims are about the output: write d{brief(out)}/d… (--target picks another output)",
        )
    raise InputError(
        f"{brief(name)} is not the output: the output here is {brief(out)}",
        span=span,
        hint=f"write the gradient as {FORMS.replace('J', brief(out))}",
    )


def _node_named(name: str, span: Span, graph: Graph) -> int:
    index = graph.index_of(name)
    if index is not None:
        return index
    if name in graph.unused or name in graph.unreached:
        raise InputError(
            f"{brief(name)} does not affect {brief(_output_name(graph))}, so it has no gradient here",
            span=span,
            hint="claim gradients of the names the output depends on: " + listing(list(graph.by_name)),
        )
    raise InputError(
        f"the claim is about {brief(repr(name))}, which is not a name in the formula",
        span=span,
        hint=_names_hint(name, graph, gradient=True),
    )


def _names_hint(name: str, graph: Graph, gradient: bool = False) -> str:
    names = list(graph.by_name)
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    known = "the names are " + listing(names, 10)
    if close:
        return f"did you mean {close[0]}? ({known})"
    forms = f"; a gradient is written {FORMS.replace('J', brief(_output_name(graph)))}" if gradient else ""
    return known + forms


def _compile(
    root: Expr, graph: Graph, limits: Limits, text: str
) -> tuple[tuple[tuple[str, object], ...], tuple[int, ...], int]:
    """The right side as a postfix tape, parts without names folded into constants (so a
    constant that cannot be computed, 1/0, is an error here, as in a formula)."""
    tape: list[tuple[str, object]] = []
    constant: list[bool] = []  # for each operand on the stack: is it a constant?
    uses: list[int] = []
    operations = 0
    for expr, below in post_order(root):
        if isinstance(expr, Num):
            size = literal_size(expr.text)
            if size > limits.number_digits:
                raise InputError(
                    f"the number {brief(expr.text)} spans {size:,} digits, more than the limit of "
                    f"{limits.number_digits:,}",
                    span=expr.span,
                    hint=limits.hint("number_digits"),
                )
            tape.append((_CONSTANT, read_literal(expr.text)))
            constant.append(True)
            continue
        if isinstance(expr, Name):
            index = graph.index_of(expr.name)
            if index is not None:
                tape.append((_NODE, index))
                uses.append(index)
                constant.append(False)
            elif expr.name in CONSTANTS:
                tape.append((_CONSTANT, float(CONSTANTS[expr.name].evalf(30))))
                constant.append(True)
            else:
                raise _unknown_name(expr, graph)
            continue
        if isinstance(expr, Unary) and expr.op == "+":
            continue
        operation = "neg" if isinstance(expr, Unary) else expr.op if isinstance(expr, Binary) else expr.function  # type: ignore[union-attr]
        primitive = BY_NAME[operation]
        for default in primitive.defaults[len(below) - primitive.fewest :]:  # leaky_relu(z): its 0.01
            tape.append((_CONSTANT, default))
            constant.append(True)
        arity = primitive.arity
        folded = constant[-arity:]
        del constant[-arity:]
        if operation == "**" and folded[1] and abs(tape[-1][1]) > limits.exponent:  # type: ignore[arg-type]
            raise InputError(
                f"the exponent in {brief(text[expr.span.start : expr.span.end])} is larger than the limit of "
                f"{limits.exponent}",
                span=expr.span,
                hint=limits.hint("exponent"),
            )
        if all(folded):
            operands = [value for _, value in tape[-arity:]]
            del tape[-arity:]
            try:
                value = Exact(limits.exact_bits).value(primitive, operands)  # type: ignore[arg-type]
            except DomainError as problem:
                raise InputError(
                    f"cannot compute {brief(text[expr.span.start : expr.span.end])} in the claim: {problem}",
                    span=expr.span,
                    hint="change the constant so that it has a real value",
                ) from None
            tape.append((_CONSTANT, value))
            constant.append(True)
        else:
            tape.append((operation, arity))
            constant.append(False)
            operations += 1
    return tuple(tape), tuple(uses), operations


def _unknown_name(name: Name, graph: Graph) -> InputError:
    if name.name in graph.unused or name.name in graph.unreached:
        return InputError(
            f"{brief(name.name)} does not affect {brief(_output_name(graph))}, so a claim cannot use it",
            span=name.span,
            hint="a claim may use the names the output depends on: " + listing(list(graph.by_name), 10),
        )
    return InputError(
        f"unknown name {brief(repr(name.name))} in the claim", span=name.span, hint=_names_hint(name.name, graph)
    )


def _places(expr: Expr) -> int | None:
    """Decimal places of a right side written as one decimal with a point or an exponent (0.105,
    -2.50, 1.5e-7): a rounded value, compared to the places written when the gradient is inexact."""
    if isinstance(expr, Unary):
        expr = expr.operand
    if not isinstance(expr, Num) or not any(mark in expr.text for mark in ".eE"):
        return None
    return -int(Decimal(expr.text).as_tuple().exponent)


# ── the points ──────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class _Sample:
    """One point: every node's value and gradient, and every edge's local derivative."""

    values: tuple[Number, ...]
    gradients: tuple[Number, ...]
    local: dict[tuple[int, int], Number]  # (node, slot) → ∂ₗnode/∂argument


def _sample(
    interpreter: Interpreter, kernels: Sequence[Kernel | None], inputs: Sequence[Number | None], formulas: bool
) -> tuple[_Sample, BackwardPass]:
    """Every node's value and gradient at a point (a GradexplainError where the formula or a
    local derivative has no value there)."""
    every = [node.index for node in interpreter.graph.inputs]
    values = forward(interpreter, inputs, notes=False).values
    passed = backward(interpreter, kernels, values, every, formulas=formulas)
    local = {(s.node, s.slot): s.local_value for s in passed.steps if isinstance(s, EdgeStep)}
    return _Sample(values, passed.gradients, local), passed  # type: ignore[arg-type]


def _other_points(graph: Graph, values: Sequence[Number]) -> Iterator[list[Number | None]]:
    """Up to ATTEMPTS candidate points near the user's, from a fixed seed, drawn as they are asked
    for: first each input moved by up to ±2.5 (scaled to its size), then, for formulas with a
    narrow domain, each kept on its side of 0."""
    rng = random.Random(SEED)
    for attempt in range(ATTEMPTS):
        point: list[Number | None] = [None] * len(graph.nodes)
        for node in graph.inputs:
            value = values[node.index]
            scale = max(1, int(abs(value)))
            if attempt < ATTEMPTS // 2 or value == 0:
                moved = value + Fraction(rng.choice((-1, 1)) * rng.randint(1, 25), 10) * scale
            else:
                moved = value * Fraction(rng.randint(5, 15), 10)
            point[node.index] = moved if moved != 0 else value + Fraction(1, 10) * scale
        yield point


def _agree(claimed: Number, truth: Number, places: int | None) -> bool:
    """Whether two values agree: exactly when both are exact; else within a rounded decimal's
    half unit in its last place, or within FLOAT_AGREEMENT."""
    if is_exact(claimed) and is_exact(truth):
        return claimed == truth
    gap = abs(claimed - truth)
    room = FLOAT_AGREEMENT * max(1, abs(truth))
    if places is not None:
        room += Fraction(1, 2) * Fraction(10) ** -places
    return gap <= room


def _value(tape: Sequence[tuple[str, object]], values: Sequence[Number], bits: int) -> tuple[Number | None, str | None]:
    """A claim's right side at a point (the nodes' values there), or None and why it has none."""
    stack: list[Number] = []
    try:
        for operation, payload in tape:
            if operation == _CONSTANT:
                stack.append(payload)  # type: ignore[arg-type]
            elif operation == _NODE:
                stack.append(values[payload])  # type: ignore[index]
            else:
                arity: int = payload  # type: ignore[assignment]
                operands = stack[-arity:]
                del stack[-arity:]
                stack.append(Exact(bits).value(BY_NAME[operation], operands))
    except DomainError as problem:
        return None, str(problem)
    return stack[-1], None


# ── SymPy's side ────────────────────────────────────────────────────────────────────────────


class _Symbols:
    """The formulas SymPy compares, written out once and only when a claim needs them (a cache
    local to one decide_claims call)."""

    def __init__(self, graph: Graph, kernels: Sequence[Kernel | None], limit: int) -> None:
        self.graph, self.kernels, self.limit = graph, kernels, limit
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


# ── deciding ────────────────────────────────────────────────────────────────────────────────


def decide_claims(
    readings: Sequence[Reading],
    interpreter: Interpreter,
    kernels: Sequence[Kernel | None],
    values: Sequence[Number],
    done: BackwardPass | None,
    symbolic_limit: int,
) -> tuple[Claim, ...]:
    """Decide every claim at the point (`values`, the forward pass's) and, for symbolic claims,
    at other points. `done` is the backward pass already run there, if it covered every input."""
    graph, bits = interpreter.graph, interpreter.system.bits
    if done is None:  # the backward pass ran for some inputs only (--wrt): run it for all
        sample, passed = _sample(interpreter, kernels, values, formulas=True)
    else:
        local = {(s.node, s.slot): s.local_value for s in done.steps if isinstance(s, EdgeStep)}
        sample, passed = _Sample(tuple(values), done.gradients, local), done  # type: ignore[arg-type]
    steps = [s for s in passed.steps if isinstance(s, EdgeStep)]
    edges = {(s.node, s.slot): Edge(s.node, s.arg, s.slot, s.local_formula, s.local_value) for s in steps}
    local_expressions = {(s.node, s.slot): s.local_expr for s in steps}
    samples = [sample]
    wanted = max(FEWEST_POINTS, min(RANDOM_POINTS, POINT_WORK // len(graph.nodes)))
    if any(reading.kind == SYMBOLIC for reading in readings):
        for point in _other_points(graph, values):
            if len(samples) > wanted:
                break
            try:
                samples.append(_sample(interpreter, kernels, point, formulas=False)[0])
            except GradexplainError:  # outside the formula's domain: draw another point
                continue
    consumers = _consumers(graph)
    context = _Context(
        graph,
        tuple(samples),
        edges,
        local_expressions,
        _Symbols(graph, kernels, symbolic_limit),
        bits,
        consumers,
        _path_counts(graph, consumers, MOST_PATHS),
        _GradientIndex.of(sample.gradients),
        _Constants(graph, kernels, local_expressions),
    )
    return tuple(_decide(reading, context) for reading in readings)


@dataclass(frozen=True, slots=True)
class _Context:
    """What every claim's decision and diagnosis shares, made once per run (so that a thousand
    claims about a graph of 50,000 nodes do not walk it a thousand times)."""

    graph: Graph
    samples: tuple[_Sample, ...]  # the user's point first
    edges: dict[tuple[int, int], Edge]  # (node, slot) → the edge, at the user's point
    local_expressions: dict[tuple[int, int], sp.Expr | None]
    symbols: _Symbols
    bits: int
    consumers: list[list[tuple[int, int]]]  # for each node, the (node, slot) pairs that use it
    path_counts: list[int]  # paths from each node to the output, counted up to MOST_PATHS + 1
    index: _GradientIndex  # the nodes by their gradient at the user's point
    constants: _Constants  # the constants in local derivatives and formulas, found as asked for


@dataclass(frozen=True, slots=True)
class _GradientIndex:
    """Nodes sorted by their gradient at the user's point, to find those a claim's value may be
    the gradient of (wrong variable) without comparing it with every node."""

    values: tuple[float, ...]
    nodes: tuple[int, ...]

    @staticmethod
    def of(gradients: Sequence[Number | None]) -> _GradientIndex:
        pairs = sorted((_as_float(g), i) for i, g in enumerate(gradients) if g is not None)
        return _GradientIndex(tuple(v for v, _ in pairs), tuple(i for _, i in pairs))

    def near(self, value: Number, places: int | None) -> list[int]:
        """The nodes whose gradient is within the widest tolerance of `value` (to check exactly)."""
        center = _as_float(value)
        room = 2 * FLOAT_AGREEMENT * max(1.0, abs(center)) + (_half_unit(places) if places is not None else 0.0)
        low = bisect.bisect_left(self.values, center - room)
        high = bisect.bisect_right(self.values, center + room)
        return list(self.nodes[low:high])


def _half_unit(places: int) -> float:
    """Half a unit in the last place of a decimal with `places` places (1e309 has -309): inf past a double."""
    try:
        return 0.5 * 10.0**-places
    except OverflowError:
        return math.inf


def _as_float(value: Number) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _decide(reading: Reading, context: _Context) -> Claim:
    graph, samples, node = context.graph, context.samples, reading.node
    places = reading.places
    truth = samples[0].gradients[node]
    claimed, undefined = _value(reading.tape, samples[0].values, context.bits)
    compared: list[tuple[_Sample, Number]] = []  # the points where the claim has a value
    if claimed is not None:
        compared.append((samples[0], claimed))
    if reading.kind == SYMBOLIC:
        for sample in samples[1:]:
            value, _ = _value(reading.tape, sample.values, context.bits)
            if value is not None:
                compared.append((sample, value))
    inexact = any(not (is_exact(value) and is_exact(s.gradients[node])) for s, value in compared)
    ok: bool | None = True
    counter: tuple[_Sample, Number] | None = None
    points = 0
    for sample, value in compared:
        if not _agree(value, sample.gradients[node], places):
            ok = False
            if sample is not samples[0]:
                counter = (sample, value)
            break
        points += 1
    if claimed is None:
        ok = False
    proven, unproven = False, None
    if ok and reading.kind == SYMBOLIC:
        proven, why = context.symbols.prove(reading)
        if not proven:
            ok, unproven = None, why
    truth_written = context.symbols.truth(node)
    diagnosis = None
    if ok is False and claimed is not None:
        diagnosis = _diagnose(reading, compared, context)
    return Claim(
        text=reading.text,
        node=node,
        kind=reading.kind,
        formula=reading.formula,
        ok=ok,
        claimed=claimed,
        truth=truth,
        truth_formula=truth_written[1] if truth_written else None,
        points=points,
        proven=proven,
        unproven=unproven,
        places=places if reading.kind == NUMERIC and not is_exact(truth) else None,
        inexact=inexact,
        undefined=undefined,
        counterexample=tuple((n.index, counter[0].values[n.index]) for n in graph.inputs) if counter else None,
        counter_claimed=counter[1] if counter else None,
        counter_truth=counter[0].gradients[node] if counter else None,
        diagnosis=diagnosis,
    )


# ── diagnosing ──────────────────────────────────────────────────────────────────────────────


def _consumers(graph: Graph) -> list[list[tuple[int, int]]]:
    """For each node, the (node, slot) pairs that use it, in graph order."""
    consumers: list[list[tuple[int, int]]] = [[] for _ in graph.nodes]
    for node in graph.nodes:
        for position, arg in enumerate(node.args):
            consumers[arg].append((node.index, position))
    return consumers


def _edges_above(start: int, consumers: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """Every edge on a path from `start` to the output, nearest first, as (node, slot)."""
    seen, queue, edges = {start}, [start], []
    for node in queue:
        for consumer in consumers[node]:
            edges.append(consumer)
            if len(edges) >= MOST_EDGES:
                return edges
            if consumer[0] not in seen:
                seen.add(consumer[0])
                queue.append(consumer[0])
    return edges


def _path_counts(graph: Graph, consumers: list[list[tuple[int, int]]], most: int) -> list[int]:
    """How many paths lead from each node to the output, counted up to `most` + 1."""
    count = [0] * len(graph.nodes)
    count[graph.output] = 1
    for node in reversed(graph.nodes):
        if node.index != graph.output:
            count[node.index] = min(most + 1, sum(count[c] for c, _ in consumers[node.index]))
    return count


def _paths(context: _Context, start: int, most: int) -> list[tuple[tuple[int, int], ...]] | None:
    """Every path from `start` to the output as its edges; None when there are more than `most`
    or they have more than MOST_PATH_EDGES edges in all. Depth first, one path held at a time."""
    if context.path_counts[start] > most:
        return None
    consumers, output = context.consumers, context.graph.output
    paths: list[tuple[tuple[int, int], ...]] = []
    current: list[tuple[int, int]] = []
    stack: list[Iterator[tuple[int, int]]] = [iter(consumers[start])]
    edges = 0
    while stack:
        consumer = next(stack[-1], None)
        if consumer is None:
            stack.pop()
            if current:
                current.pop()
            continue
        current.append(consumer)
        if len(current) > MOST_PATH_EDGES:
            return None
        if consumer[0] == output:
            paths.append(tuple(current))
            edges += len(current)
            if edges > MOST_PATH_EDGES:
                return None
            current.pop()
            continue
        stack.append(iter(consumers[consumer[0]]))
    return paths


def _product(path: tuple[tuple[int, int], ...], sample: _Sample) -> Number:
    result: Number = Fraction(1)
    for edge in path:
        result = result * sample.local[edge]
    return result


def _constant(expr: sp.Expr | None) -> bool:
    return expr is not None and bool(expr.is_number)


def _coefficient(expr: sp.Expr | None) -> Fraction | None:
    """The positive rational constant a formula is a multiple of (2 in 2*v3, 1/2 in 0.5), if not 1."""
    if expr is None:
        return None
    coefficient = expr.as_content_primitive()[0]  # 2 in 2*w - 2*y too
    if not coefficient.is_Rational or abs(coefficient) == 1 or coefficient == 0:
        return None
    return Fraction(int(coefficient.p), int(coefficient.q))


def _diagnose(reading: Reading, compared: list[tuple[_Sample, Number]], context: _Context) -> Diagnosis:
    """The first mistake, in the order below, whose relation to the claim holds at every point
    compared (only the user's, for a numeric claim, whose value is the same everywhere)."""
    graph, node, places = context.graph, reading.node, reading.places
    points = compared if reading.kind == SYMBOLIC else compared[:1]
    consumers = context.consumers

    def edge(key: tuple[int, int]) -> Edge:
        return context.edges[key]

    def holds(predict: Callable[[_Sample], Number | None]) -> bool:
        for sample, claimed in points:
            predicted = predict(sample)
            if predicted is None or not _agree(claimed, predicted, places):
                return False
        return True

    def always(key: tuple[int, int], value: int) -> bool:
        return all(sample.local[key] == value for sample, _ in points)

    truth = [sample.gradients[node] for sample, _ in points]
    rounded = _rounded(points[0][1], truth[0], reading)
    if rounded is not None:
        return Diagnosis(NONE, rounded=rounded, route=_route(node, context))
    above = _edges_above(node, consumers)
    # the sign: the claim is -1 × the gradient (often a -1 left out, as in d = a - y)
    if any(t != 0 for t in truth) and holds(lambda s: -s.gradients[node]):
        minus = next((edge(key) for key in above if always(key, -1)), None)
        return Diagnosis(SIGN, edge=minus)
    # the upstream gradient only: ∂J/∂c for a node c that uses this one, the local derivative not multiplied in
    for key in consumers[node]:
        if not always(key, 1) and holds(lambda s, c=key[0]: s.gradients[c]):
            return Diagnosis(UPSTREAM_ONLY, edge=edge(key), node=key[0], value=points[0][0].gradients[key[0]])
    # a missing factor: gradient = claim × a local derivative on the way to the output
    main, claimed = points[0]
    for key in above:
        if not _times(claimed, main.local[key], truth[0], places):  # the user's point first: quick
            continue
        if always(key, 1) or always(key, -1) or _constant(context.local_expressions.get(key)):
            continue  # a constant factor left out (the 0.5 of J = 0.5*v4) is said as one, below
        if all(_times(value, s.local[key], s.gradients[node], places) for s, value in points):
            return Diagnosis(MISSING_FACTOR, edge=edge(key))
    # a missing path: the claim adds up some of the paths from this node to the output
    paths = _paths(context, node, MOST_PATHS)
    if paths and len(paths) > 1:
        found = _missing_path(paths, points, places)
        if found is not None:
            counted, missed = found
            return Diagnosis(
                MISSING_PATH,
                counted=tuple(_path(p, context) for p in counted),
                missed=tuple(_path(p, context) for p in missed),
                route=tuple(_path(p, context) for p in paths),
            )
    # a constant factor: claim = k × gradient
    factor = _factor(reading, points, node, above, context, holds)
    if factor is not None:
        return factor
    # the wrong variable: the gradient with respect to another node (not for a bare 0: many
    # gradients are 0, as below a dead unit, and one being so says nothing about the mistake)
    if reading.kind == NUMERIC and points[0][1] == 0:
        return Diagnosis(NONE, route=_route(node, context))
    nearby = context.index.near(points[0][1], places)
    inputs_first = sorted(nearby, key=lambda n: (not graph.nodes[n].is_input, n))
    for other in (n for n in inputs_first if n not in (node, graph.output)):
        same = all(_agree(s.gradients[other], s.gradients[node], None) for s, _ in points)
        if not same and holds(lambda s, m=other: s.gradients[m]):
            return Diagnosis(WRONG_VARIABLE, node=other, value=points[0][0].gradients[other])
    return Diagnosis(NONE, route=_route(node, context))


def _times(claimed: Number, local: Number, truth: Number, places: int | None) -> bool:
    """Whether gradient = claim × local (a local derivative of 0 passes no gradient: then the
    gradient must be 0, whatever the claim)."""
    if local == 0:
        return _agree(truth, Fraction(0), None)
    return _agree(claimed, truth / local, places)


def _rounded(claimed: Number, truth: Number, reading: Reading) -> int | None:
    """The places a decimal claim was rounded to, when it is the exact gradient so rounded (0.333333 for 1/3)."""
    if reading.places is None or not (is_exact(claimed) and is_exact(truth)):
        return None
    if abs(claimed - truth) <= Fraction(1, 2) * Fraction(10) ** -reading.places:
        return reading.places
    return None


def _missing_path(
    paths: list[tuple[tuple[int, int], ...]], points: list[tuple[_Sample, Number]], places: int | None
) -> tuple[list[tuple[tuple[int, int], ...]], list[tuple[tuple[int, int], ...]]] | None:
    """Paths whose products add up to the claim at every point (and the others, which must not
    add up to 0 there, else the claim would be right)."""
    count = len(paths)
    if count <= ALL_SUBSETS_UP_TO:
        subsets = [[i for i in range(count) if mask >> i & 1] for mask in range(1, 2**count - 1)]
        subsets.sort(key=lambda subset: (-len(subset), subset))  # one path missed first: the usual slip
    else:
        subsets = [[i for i in range(count) if i != left_out] for left_out in range(count)]
        subsets += [[alone] for alone in range(count)]
    products = [[_product(path, sample) for path in paths] for sample, _ in points]
    for subset in subsets:
        counted = set(subset)
        if all(all(products[p][i] == 0 for i in range(count) if i not in counted) for p in range(len(points))):
            continue
        if all(
            _agree(claimed, sum((products[p][i] for i in subset), Fraction(0)), places)
            for p, (_, claimed) in enumerate(points)
        ):
            return [paths[i] for i in subset], [paths[i] for i in range(count) if i not in counted]
    return None


def _path(path: tuple[tuple[int, int], ...], context: _Context) -> Path:
    return tuple(context.edges[key] for key in path)


def _route(node: int, context: _Context) -> tuple[Path, ...]:
    paths = _paths(context, node, ROUTE_PATHS)
    return tuple(_path(path, context) for path in paths) if paths else ()


def _factor(
    reading: Reading,
    points: list[tuple[_Sample, Number]],
    node: int,
    above: list[tuple[int, int]],
    context: _Context,
    holds: Callable[[Callable[[_Sample], Number | None]], bool],
) -> Diagnosis | None:
    """claim = k × gradient for a constant k (not 0 or ±1), explained where the graph holds the
    constant: a local derivative's (the 0.5 of ∂ₗJ/∂v4 = 0.5) or a node's own (the 1/2 of d**2/2).
    A numeric claim is always some multiple of the gradient: for one, only an explained k counts."""
    base = next(((s, c) for s, c in points if s.gradients[node] != 0), None)
    if base is None:
        return None
    k = base[1] / base[0].gradients[node]
    if not isinstance(k, Fraction):  # floating point: 2.0000000003 is 2, if 2 is what holds
        simple = Fraction(k).limit_denominator(SIMPLE_DENOMINATOR)
        k = simple if abs(simple - Fraction(k)) <= FLOAT_AGREEMENT * abs(simple) else k
    if k == 0 or abs(k) == 1 or not holds(lambda s: k * s.gradients[node]):
        return None
    explained = _explain_factor(Fraction(k) if isinstance(k, Fraction) else None, above, context)
    if explained is None:
        return Diagnosis(FACTOR, value=k) if reading.kind == SYMBOLIC else None
    return explained


def _explain_factor(k: Fraction | None, above: list[tuple[int, int]], context: _Context) -> Diagnosis | None:
    if k is None:
        return None
    size = abs(k)
    coefficients = [(key, context.constants.local(key)) for key in above]
    left_out = [key for key, c in coefficients if c is not None and c * size == 1]
    if left_out:
        key = left_out[0]
        partner = next((other for other, c in coefficients if c == size and other != key), None)
        return Diagnosis(
            FACTOR,
            value=k,
            edge=context.edges[key],
            cancels=context.edges[partner] if partner is not None else None,
        )
    # the constant sits in a node's own formula, its derivative cancelling it (J = d**2/2: ∂ₗJ/∂d = d)
    for key in above:
        own = context.constants.own(key)
        if own is None:
            continue
        q, inner, detail = own
        if (q * size == 1 and inner == size) or (q == size and inner * size == 1):
            return Diagnosis(FACTOR, value=k, node=key[0], constant=q, detail=detail)
    return None


class _Constants:
    """The constants an edge's local derivative, or its node's own formula, is a multiple of,
    found once per edge however many claims ask (a cache local to one decide_claims call)."""

    def __init__(
        self, graph: Graph, kernels: Sequence[Kernel | None], expressions: dict[tuple[int, int], sp.Expr | None]
    ) -> None:
        self.graph, self.kernels, self.expressions = graph, kernels, expressions
        self._local: dict[tuple[int, int], Fraction | None] = {}
        self._own: dict[tuple[int, int], tuple[Fraction, Fraction, str] | None] = {}

    def local(self, key: tuple[int, int]) -> Fraction | None:
        """The constant of ∂ₗnode/∂argument: 2 for 2*v3, 1/2 for 0.5."""
        if key not in self._local:
            self._local[key] = _coefficient(self.expressions.get(key))
        return self._local[key]

    def own(self, key: tuple[int, int]) -> tuple[Fraction, Fraction, str] | None:
        """For a node whose formula is a constant q times the rest (d**2/2): q, the constant of the
        rest's derivative by this argument (2), and what makes it ("the square")."""
        if key not in self._own:
            self._own[key] = self._find_own(key)
        return self._own[key]

    def _find_own(self, key: tuple[int, int]) -> tuple[Fraction, Fraction, str] | None:
        node_index, position = key
        kernel = self.kernels[node_index]
        if kernel is None:
            return None
        constant, rest = kernel.template.as_coeff_Mul()
        if not constant.is_Rational or abs(constant) in (0, 1):
            return None
        inner = _coefficient(sp.diff(rest, slot(position)))
        if inner is None:
            return None
        if rest.is_Pow and rest.exp == 2:
            detail = "the square"
        elif rest.is_Pow and rest.exp.is_Integer:
            detail = f"the power {rest.exp}"
        else:
            names = self.graph.argument_names(self.graph.nodes[node_index])
            detail = formula_text(with_names(rest, {s: i for i, s in enumerate(kernel.slots)}, names))
        return Fraction(int(constant.p), int(constant.q)), inner, detail
