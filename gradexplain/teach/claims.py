"""Claims: a learner's own gradient, `dJ/dw = x*(w*x + b - y)`, read here, decided in
teach/deciding.py and, when wrong, diagnosed from the one catalogue of mistakes (teach/mistakes.py).

Reading (`read_claims`): a claim is parsed by the project's own parser (`syntax.parse_equation`;
nothing is ever run as Python). Its left side names a gradient of the output, `dJ/dw`, `∂J/∂w`,
the course labs' `dJ_dw` or the lectures' `dw`; its right side is a number or a formula over the
program's names, inputs and intermediates alike. Every problem is an input error with a span.
The right side is compiled by the builder that compiles programs (`build.compile_formula`) into
the recipe an assignment with that right side gets, which the interpreter computes at any point
(`claimed_value`); how it is written (a rounded decimal, or a formula) decides its tolerance
(teach/tolerance.py).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from gradexplain.build import compile_formula, names_in
from gradexplain.engine.arithmetic import DomainError
from gradexplain.engine.interpreter import Interpreter
from gradexplain.engine.primitives import CONSTANTS
from gradexplain.engine.tape import Recipe
from gradexplain.errors import GradexplainError, InputError, ParseError, Span, brief, listing
from gradexplain.graph import Graph
from gradexplain.limits import Limits
from gradexplain.numbers import Number
from gradexplain.syntax import Expr, Name, parse_equation
from gradexplain.teach.mistakes import Diagnosis
from gradexplain.teach.tolerance import Written, written
from gradexplain.tokens import Token

NUMERIC, SYMBOLIC = "numeric", "symbolic"

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
    inexact: bool  # some comparison was between floating-point values (within a tolerance)
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
    recipe: Recipe | Number  # the right side over its nodes (a Recipe), or its value when it names none
    args: tuple[int, ...]  # the node in each of the recipe's slots
    uses: tuple[int, ...]  # the nodes the right side names, once per use
    operations: int  # operations in the right side, its names not written out
    written: Written  # how precisely the right side is written: its tolerance

    @property
    def kind(self) -> str:
        return SYMBOLIC if self.uses else NUMERIC

    @property
    def places(self) -> int | None:
        """Decimal places of a right side that is one decimal (2.50: 2, 1.5e-7: 8), else None."""
        return self.written.places if self.written.decimal else None


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
    recipe, args, uses = _compile(right, graph, limits, text)
    operations = sum(step.primitive is not None for step in recipe.steps) if isinstance(recipe, Recipe) else 0
    as_typed = text[left[0].span.start : right.span.end]  # without a trailing comment
    return Reading(as_typed, node, right, recipe, args, uses, operations, written(right))


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
) -> tuple[Recipe | Number, tuple[int, ...], tuple[int, ...]]:
    """The right side as the builder compiles an assignment's (parts without names folded into
    constants, so a constant that cannot be computed, 1/0, is an error here, as in a formula):
    the recipe or value, the node in each slot, and the nodes named, once per use."""
    variables = frozenset(name for name in CONSTANTS if graph.index_of(name) is not None)  # e assigned
    slot_of: dict[str, int] = {}
    args: list[int] = []
    uses: list[int] = []
    for name in names_in(root, variables):
        index = graph.index_of(name.name)
        if index is None:
            raise _unknown_name(name, graph)
        uses.append(index)
        if name.name not in slot_of:
            slot_of[name.name] = len(args)
            args.append(index)
    recipe = compile_formula(root, text, slot_of, limits, variables, where=" in the claim")
    return recipe, tuple(args), tuple(uses)


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


def claimed_value(
    reading: Reading, values: Sequence[Number], interpreter: Interpreter
) -> tuple[Number | None, str | None]:
    """A claim's right side at a point (the nodes' values there), or None and why it has none."""
    if not isinstance(reading.recipe, Recipe):
        return reading.recipe, None
    try:
        return interpreter.value(reading.recipe, [values[arg] for arg in reading.args]), None
    except DomainError as problem:
        return None, str(problem)
