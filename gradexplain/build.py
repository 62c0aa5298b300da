"""Program → Graph: one node per operation of a bare expression, one per assignment of a program.

Subexpressions without names are folded into exact constants (`1/3`, `2*pi`), which is also how
values such as `--w 1/3` are read. Syntax trees are walked with explicit stacks, never recursion.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

import sympy as sp

from gradexplain.engine.arithmetic import DomainError
from gradexplain.engine.primitives import ALIASES, BY_NAME, CONSTANTS, FUNCTION_NAMES, SHADOWABLE
from gradexplain.engine.systems import Exact
from gradexplain.engine.tape import CONSTANT, IDENTITY, SLOT, Instruction, Recipe, single
from gradexplain.errors import EvaluationError, InputError, Span, brief, listing
from gradexplain.graph import Graph, Node, Piece, Ref
from gradexplain.latex import definition_pieces
from gradexplain.limits import Limits
from gradexplain.numbers import Number, format_number, literal_size, read_literal
from gradexplain.syntax import Binary, Call, Expr, Name, Num, Program, Unary, parse_expression
from gradexplain.syntax import children as _children
from gradexplain.syntax import post_order as _post_order

# ── constants ──────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Constant:
    """A subexpression without names, folded: its exact SymPy form, its value and its text."""

    expr: sp.Expr | None  # None: the rational `value` itself (made into SymPy's form only when needed)
    value: Number
    source: str  # the text it was written in, and where: its text is read only when shown
    span: Span  # (a chain 1+1+…+1 folds a million times; copying the text each time is quadratic)
    atomic: bool  # a literal, pi, e, or one of those negated: needs no parentheses of its own
    size: int = 1  # operations in `expr` (bounded by CONSTANT_SIZE)

    @property
    def text(self) -> str:
        return _text(self.source, self.span)

    @property
    def exact(self) -> sp.Expr:
        """Its exact SymPy form."""
        if self.expr is None:
            return sp.Rational(self.value.numerator, self.value.denominator)  # type: ignore[union-attr]
        return self.expr

    @property
    def rational(self) -> bool:
        return self.expr is None or bool(self.expr.is_Rational)


_WHITESPACE = re.compile(r"\s+")
_COMMENT = re.compile(r"#[^\n\r]*")
_CHANGED = re.compile(r"#|[^\S ]|  ")  # what _shown_source would change: a comment, or white space but one space
# SymPy writes (c*w)**n as c**n * w**n; numbers larger than this are refused before it does.
MAX_FORMULA_BITS = 100_000


def _shown_source(text: str) -> str:
    """Source text as a definition shows it: comments (which may sit inside parentheses) dropped,
    runs of white space made one space (most text has neither, and is its own)."""
    if _CHANGED.search(text) is None:
        return text
    return _WHITESPACE.sub(" ", _COMMENT.sub("", text))


def _text(source: str, span: Span) -> str:
    return _shown_source(source[span.start : span.end]).strip()


# A constant that is not a plain number keeps its exact form (sin(1) + sqrt(2)) up to this many
# operations; past it, a 40-digit value stands for it, so a long constant sum folds in linear time.
CONSTANT_SIZE = 64


def _accurately(expr: sp.Expr, source: str, span: Span) -> float:
    """The float nearest an exact constant, computed by SymPy to enough precision: floats would
    make sin(1e22*pi + 0.5) -0.688675 instead of 0.479426."""
    try:
        precise = expr.evalf(20, strict=True)
        value = float(precise)
    except (sp.core.evalf.PrecisionExhausted, ValueError, TypeError, RecursionError):
        raise EvaluationError(
            f"cannot compute {brief(_text(source, span))} accurately", span=span, hint="simplify the constant"
        ) from None
    if not math.isfinite(value) or (value == 0) != (precise == 0) or (value != 0 and abs(value) < sys.float_info.min):
        size = "large" if abs(precise) > 1 else "small"
        raise EvaluationError(
            f"{brief(_text(source, span))} is too {size} for floating point ({_shown(precise)})",
            span=span,
            hint=RANGE_HINT,
        )
    return value


RANGE_HINT = "change the constant so that it has a value between 2.2e-308 and 1.8e308 in size"


def _shown(number: sp.Expr) -> str:
    """A SymPy number beyond floating point's range as every value is shown (3.66787e-348)."""
    return format_number(Fraction(Decimal(str(sp.Float(number, 20)))))


def _fold(
    operation: str, operands: list[Constant], source: str, span: Span, exact_bits: int, where: str = ""
) -> Constant:
    """Apply a primitive to constants: checked numerically first, so 1/0 or log(-1) is an error
    rather than SymPy's complex infinity, and huge powers never reach SymPy's exact integers.
    Values that are not rational are SymPy's, to full accuracy, not the floats' of the check.
    `where` says where the constant stands in the message (" in the claim")."""
    primitive = BY_NAME[operation]
    try:
        value = Exact(exact_bits).value(primitive, [c.value for c in operands])
    except DomainError as problem:
        text, why = brief(_text(source, span)), str(problem)
        out_of_range = why.endswith("for floating point") or "for floating point (" in why
        raise EvaluationError(
            why if why.startswith(text) else f"cannot compute {text}{where}: {why}",
            span=span,
            hint=RANGE_HINT if out_of_range else "change the constant so that it has a real value",
        ) from None
    atomic = operation == "neg" and operands[0].atomic and not operands[0].text.startswith("-")
    if isinstance(value, Fraction) and all(c.rational for c in operands):  # the common case, quickly
        return Constant(None, value, source, span, atomic)
    if isinstance(value, float) and operation == "**" and all(c.rational for c in operands):
        expr: sp.Expr = sp.Float(value, 17)
    else:
        expr = primitive.symbolic(*(c.exact for c in operands))
    if expr.is_finite is False or expr.is_extended_real is False:
        raise EvaluationError(f"cannot compute {brief(_text(source, span))}", span=span, hint="change the constant")
    size = 1 + sum(c.size for c in operands)
    if expr.is_Rational:  # SymPy knows some exact values floats miss: sin(pi) is 0
        value, size = Fraction(int(expr.p), int(expr.q)), 1
    elif isinstance(value, float):
        value = _accurately(expr, source, span)
        if size > CONSTANT_SIZE:
            expr, size = sp.Float(expr.evalf(40), 40), 1
    return Constant(expr, value, source, span, atomic, size)


def compile_formula(
    root: Expr,
    source: str,
    slot_of: dict[str, int],
    limits: Limits,
    variables: frozenset[str] = frozenset(),
    where: str = "",
) -> Recipe | Number:
    """A formula over named values (slot_of: name → slot) as the recipe an assignment with this
    right side gets, or its value when it names none: how the claims compile theirs (`where`
    says where a constant that cannot be computed stands: " in the claim")."""
    builder = _Builder(source, names={}, bare=False, limits=limits, variables=variables)
    builder.where = where
    if not slot_of:
        constant = builder.walk(root)
        assert isinstance(constant, Constant)
        return constant.value
    return builder.record(root, slot_of)


def read_value(text: str, limits: Limits | None = None) -> Number:
    """A value typed by the user ("2", "-0.5", "1/3", "2*pi") as an exact number where possible."""
    expr = parse_expression(text)
    if names_in(expr):
        raise InputError(f"{brief(repr(text))} is not a number", hint="give a number such as 2, -0.5, 1/3 or 2*pi")
    constant = _Builder(text, names={}, bare=False, limits=limits).walk(expr)
    assert isinstance(constant, Constant)
    return constant.value


# ── building ───────────────────────────────────────────────────────────────────────────────


def names_in(expr: Expr, variables: frozenset[str] = frozenset()) -> list[Name]:
    """Every name in `expr` that is not a constant (or is one shadowed by a variable, in
    `variables`), left to right (iteratively)."""
    found: list[Name] = []
    stack: list[Expr] = [expr]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is Name:
            if item.name not in CONSTANTS or item.name in variables:  # type: ignore[union-attr]
                found.append(item)  # type: ignore[arg-type]
        elif kind is Binary:
            stack.append(item.right)  # type: ignore[union-attr]
            stack.append(item.left)  # type: ignore[union-attr]
        elif kind is not Num:
            stack.extend(reversed(_children(item)))
    return found


def _operation(expr: Expr) -> str:
    if isinstance(expr, Unary):
        return "neg"
    if isinstance(expr, Binary):
        return expr.op
    assert isinstance(expr, Call)
    return expr.function


@dataclass(frozen=True, slots=True)
class _NodeRef:
    index: int


class _Builder:
    """Walks syntax trees bottom-up with an explicit stack, creating nodes as it goes."""

    def __init__(
        self,
        source: str,
        names: dict[str, int],
        bare: bool,
        limits: Limits | None = None,
        variables: frozenset[str] = frozenset(),
    ) -> None:
        self.source = source
        self.variables = variables  # constants' names used as variables here (e, shadowed)
        self.limits = limits or Limits()
        self.names = names  # name → node index, for everything defined so far
        self.bare = bare
        self.nodes: list[Node] = []
        self.reserved: set[str] = set()
        self.counter = 0
        self.recipes: dict[tuple[Any, ...], Recipe] = {}  # one per operation written alike
        self.where = ""  # where the formula stands, for messages about its constants (" in the claim")

    def walk(self, root: Expr) -> Constant | _NodeRef:
        """A bare expression's nodes, or a constant's value, from its syntax tree."""
        results: dict[int, Constant | _NodeRef] = {}
        for expr, children in _post_order(root):
            results[id(expr)] = self.combine(expr, [results.pop(id(child)) for child in children])
        return results[id(root)]

    def combine(self, expr: Expr, parts: list[Constant | _NodeRef]) -> Constant | _NodeRef:
        if isinstance(expr, Num):
            value = self.literal(expr)
            return Constant(None, value, self.source, expr.span, True)
        if isinstance(expr, Name):
            if expr.name in CONSTANTS and expr.name not in self.variables:
                constant = CONSTANTS[expr.name]
                return Constant(constant, float(constant.evalf(30)), self.source, expr.span, True)
            return _NodeRef(self.input_for(expr))
        if isinstance(expr, Unary) and expr.op == "+":
            return parts[0]
        operation = _operation(expr)
        parts = parts + self.defaults(expr)
        self.check_constant_operands(expr, operation, parts)
        if all(isinstance(part, Constant) for part in parts):
            return _fold(operation, parts, self.source, expr.span, self.limits.exact_bits, self.where)  # type: ignore[arg-type]
        return self.operation_node(expr, operation, parts)

    def check_constant_operands(self, expr: Expr, operation: str, parts: list[Constant | _NodeRef | None]) -> None:
        """A constant exponent within the limit, a constant divisor other than 0 (None: not a constant)."""
        right = parts[1] if len(parts) > 1 else None
        if not isinstance(right, Constant):
            return
        if operation == "**" and abs(right.value) > self.limits.exponent:
            raise InputError(
                f"the exponent {brief(right.text)} is larger than the limit of {self.limits.exponent}",
                span=expr.right.span,  # type: ignore[union-attr]
                hint=self.limits.hint("exponent"),
            )
        if operation == "/" and right.value == 0 and not all(isinstance(part, Constant) for part in parts):
            raise EvaluationError("division by zero", span=expr.right.span, hint="divide by a non-zero number")

    def defaults(self, expr: Expr) -> list[Constant]:
        """The values of the arguments a call leaves out (a default fills what the user left out)."""
        if not isinstance(expr, Call):
            return []
        primitive = BY_NAME[expr.function]
        missing = primitive.defaults[len(expr.args) - primitive.fewest :]
        return [Constant(None, value, self.source, expr.span, True) for value in missing]

    def literal(self, number: Num) -> Fraction:
        """A number as written, refused before it is built when it spans too many digits."""
        size = literal_size(number.text)
        if size > self.limits.number_digits:
            raise InputError(
                f"the number {brief(number.text)} spans {size:,} digits, more than the limit of "
                f"{self.limits.number_digits:,}",
                span=number.span,
                hint=self.limits.hint("number_digits"),
            )
        return read_literal(number.text)

    def input_for(self, name: Name) -> int:
        """The node a name stands for: a new input the first time a name never assigned is used."""
        index = self.names.get(name.name)
        if index is None:
            index = self.add(Node(len(self.nodes), name.name, "input", (), (), name.span))
            self.names[name.name] = index
        return index

    def add(self, node: Node) -> int:
        if len(self.nodes) >= self.limits.nodes:
            raise InputError(
                f"the formula needs more than {self.limits.nodes} nodes",
                span=node.span,
                hint=self.limits.hint("nodes"),
            )
        self.nodes.append(node)
        return node.index

    def fresh_name(self) -> str:
        while True:
            self.counter += 1
            name = f"v{self.counter}"
            if name not in self.reserved:
                return name

    def operation_node(self, expr: Expr, operation: str, parts: list[Constant | _NodeRef]) -> _NodeRef:
        primitive = BY_NAME[operation]
        args: list[int] = []
        recipe: list[tuple[str, Any, sp.Expr | None]] = []
        shown: list[str | Ref] = []
        # Where a negative value needs parentheses: not as the left operand of + - * /,
        # nor as a function's argument; always in powers and after a unary minus.
        left_free = operation in ("+", "-", "*", "/")
        for position, part in enumerate(parts):
            needs_paren = operation not in FUNCTION_NAMES and not (left_free and position == 0)
            if isinstance(part, Constant):
                recipe.append((CONSTANT, part.value, part.exact))
                wrap = not _parenthesised(part.text) and (
                    not part.atomic or (needs_paren and part.text.startswith("-"))
                )
                shown.append(f"({part.text})" if wrap else part.text)
            else:
                assert isinstance(part, _NodeRef)
                recipe.append((SLOT, len(args), None))
                shown.append(Ref(len(args), needs_paren))
                args.append(part.index)
        written = _children(expr)
        pieces = _fill(_as_written(primitive.template(len(written)), operation, self.source, expr.span), shown)
        arguments = [child for child, part in zip(written, parts, strict=False) if isinstance(part, _NodeRef)]
        slot_of_child = {id(child): position for position, child in enumerate(arguments)}
        latex = definition_pieces(expr, lambda subtree: slot_of_child.get(id(subtree)))
        node = Node(
            len(self.nodes),
            self.fresh_name(),
            operation,
            tuple(args),
            pieces,
            expr.span,
            latex,
            recipe=self.recipe(operation, recipe),
        )
        return _NodeRef(self.add(node))

    def recipe(self, operation: str, operands: list[tuple[str, Any, sp.Expr | None]]) -> Recipe:
        """The recipe of one operation, shared by every node written alike (`v1 + w`, `v2 + w`, …)."""
        key = (operation, tuple(operands))
        known = self.recipes.get(key)
        if known is None:
            known = self.recipes[key] = single(operation, operands)
        return known

    def record(self, root: Expr, slot_of: dict[str, int]) -> Recipe:
        """An assignment's right side as a tape of its operations, as written (engine/tape.py);
        each largest part without names is folded into one constant."""
        steps: list[Instruction] = []
        results: dict[int, int | None] = {}  # syntax node → its tape position, None while constant
        for expr, children in _post_order(root):
            if isinstance(expr, Name) and (expr.name not in CONSTANTS or expr.name in self.variables):
                steps.append(Instruction(SLOT, slot=slot_of[expr.name]))
                results[id(expr)] = len(steps) - 1
                continue
            positions = [results.pop(id(child)) for child in children]
            if all(position is None for position in positions):
                results[id(expr)] = None  # constant so far: folded whole by whatever uses it
                continue
            operands = []
            constants: list[Constant | None] = []
            for child, position in zip(children, positions, strict=True):
                constant = None
                if position is None:
                    constant = self.walk(child)
                    assert isinstance(constant, Constant)
                    steps.append(Instruction(CONSTANT, value=constant.value, exact=constant.exact))
                    position = len(steps) - 1
                operands.append(position)
                constants.append(constant)
            self.check_constant_operands(expr, _operation(expr), constants)  # type: ignore[arg-type]
            if isinstance(expr, Unary) and expr.op == "+":
                results[id(expr)] = operands[0]
                continue
            for default in self.defaults(expr):
                steps.append(Instruction(CONSTANT, value=default.value, exact=default.exact))
                operands.append(len(steps) - 1)
            steps.append(Instruction(_operation(expr), tuple(operands)))
            results[id(expr)] = len(steps) - 1
        return Recipe.of(steps, len(slot_of))


def _literal(expr: Expr, builder: _Builder) -> Fraction | None:
    """The value of a plain number such as 0.52 or -0.52, read directly (most inputs are
    written so); None for anything to fold, such as 1/3 or 2*pi."""
    if isinstance(expr, Unary) and expr.op == "-" and isinstance(expr.operand, Num):
        return -builder.literal(expr.operand)
    return builder.literal(expr) if isinstance(expr, Num) else None


def _as_written(template: str, operation: str, source: str, span: Span) -> str:
    """A function's display template with the name the user wrote: `ln(x)` stays `ln(x)`."""
    if operation not in ALIASES.values():
        return template
    written = re.match(r"\w+", source[span.start : span.start + 32])
    if written is None or ALIASES.get(written[0]) != operation:
        return template
    return template.replace(f"{operation}(", f"{written[0]}(", 1)


def _parenthesised(text: str) -> bool:
    """True when `text` is one parenthesised group, like "(1/3)" but not "(a)*(b)"."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for position, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and position < len(text) - 1:
            return False
    return True


def _fill(template: str, shown: list[str | Ref]) -> tuple[Piece, ...]:
    """Split a display template such as "{0} + {1}" into literal text and argument places."""
    pieces: list[Piece] = []
    for literal, field in re.findall(r"([^{]*)(?:\{(\d)\})?", template):
        if literal:
            pieces.append(literal)
        if field:
            pieces.append(shown[int(field)])
    return tuple(pieces)


def _program_pieces(
    source: str,
    span: Span,
    names: list[Name],
    slot_of: dict[str, int],
    written: dict[tuple[tuple[str, ...], tuple[int, ...]], tuple[tuple[Piece, ...], tuple[str | int, ...]]],
) -> tuple[tuple[Piece, ...], tuple[str | int, ...]]:
    """A statement's right-hand side as written, with Refs where its names are (`names` in the
    order they are written, as `names_in` finds them), and its shape (the pieces with slots for
    Refs). The pieces depend only on the text between the names and on their slots, so statements
    written alike (p_0 = w_0*x_0, p_1 = w_1*x_1, …) share them: `written` keeps them by those."""
    betweens: list[str] = []
    position = span.start
    for name in names:
        betweens.append(source[position : name.span.start])
        position = name.span.end
    betweens.append(source[position : span.end])
    key = (tuple(betweens), tuple(slot_of[name.name] for name in names))
    found = written.get(key)
    if found is None:
        pieces = _pieces_between(*key)
        found = written[key] = pieces, tuple(piece if isinstance(piece, str) else piece.slot for piece in pieces)
    return found


def _pieces_between(betweens: tuple[str, ...], slots: tuple[int, ...]) -> tuple[Piece, ...]:
    """The pieces of a right-hand side from the text between its names: a Ref's value needs
    parentheses when negative unless it leads (at the start, or after "(" or ",") and is not
    raised to a power, and always before a method's dot."""
    pieces: list[Piece] = []
    for position, argument in enumerate(slots):
        before = _shown_source(betweens[position])
        if before:
            pieces.append(before)
        text = betweens[position].rstrip()
        leading = text[-1:] in ("(", ",") if text else position == 0
        after = betweens[position + 1].lstrip()
        if after.startswith("."):  # a method: x.relu(), with its value (2).relu(), as Python writes a number
            pieces.append(Ref(argument, True, paren_always=True))
            continue
        power = after.startswith(("**", "^"))
        pieces.append(Ref(argument, not leading or power))
    rest = _shown_source(betweens[-1])
    if rest:
        pieces.append(rest)
    if pieces and isinstance(pieces[0], str):
        pieces[0] = pieces[0].lstrip()
    return tuple(piece for piece in pieces if piece != "")


def shadowed_constants(program: Program, given: Iterable[str] = ()) -> frozenset[str]:
    """The constants' names (e) that are variables here: assigned by the program, or given a value."""
    assigned = {statement.target for statement in program.statements}
    return frozenset(name for name in SHADOWABLE if name in assigned or name in given)


def build(
    program: Program, target: str | None = None, limits: Limits | None = None, given: Iterable[str] = ()
) -> Graph:
    """Turn a parsed program into a graph whose output is `target` (default: the last statement).
    `given` names the inputs given values from outside: a constant's name among them (e) is a
    variable here, as is one the program assigns."""
    source = program.text
    variables = shadowed_constants(program, given)
    builder = _Builder(source, names={}, bare=program.is_bare_expression, limits=limits, variables=variables)
    defaults: dict[int, Number] = {}
    formulas: dict[int, str] = {}  # inputs the program gives a rounded double: their formulas
    if program.is_bare_expression:
        statement = program.statements[0]
        builder.reserved = {name.name for name in names_in(statement.expr, variables)}
        result = builder.walk(statement.expr)
        if isinstance(result, Constant):
            raise InputError(
                "the formula has no inputs, so there is nothing to differentiate",
                span=statement.expr.span,
                hint="use names for the quantities, as in w*x + b",
            )
        output_name = next(n for n in BARE_OUTPUT_NAMES if n not in builder.reserved)
        assert isinstance(result, _NodeRef)
        node = builder.nodes[result.index]
        if node.is_input:  # a bare name: J = w
            only = (Ref(0, False),)
            identity = Node(
                len(builder.nodes),
                output_name,
                "formula",
                (node.index,),
                only,
                node.span,
                only,
                recipe=single(IDENTITY, [(SLOT, 0, None)]),
            )
            builder.add(identity)
        else:
            builder.nodes[result.index] = replace(node, name=output_name)
    else:
        _build_program(program, builder, defaults, formulas)
    nodes = builder.nodes
    output = _choose_output(program, nodes, builder.names, target)
    return _prune(source, nodes, output, defaults, formulas, bare=program.is_bare_expression)


def _build_program(
    program: Program, builder: _Builder, defaults: dict[int, Number], rounded_texts: dict[int, str]
) -> None:
    source = program.text
    assigned_later = {s.target for s in program.statements if s.target is not None}
    shapes: dict[tuple[str | int, ...], Recipe] = {}
    written: dict[tuple[tuple[str, ...], tuple[int, ...]], tuple[tuple[Piece, ...], tuple[str | int, ...]]] = {}
    for statement in program.statements:
        target = statement.target or next(
            n for n in ("J", "f", "out", "output") if n not in assigned_later and n not in builder.names
        )
        if target in builder.names:
            raise InputError(
                f"{target} is assigned twice",
                span=statement.target_span,
                hint="each name is assigned once; pick a new name for the new value",
            )
        names = names_in(statement.expr, builder.variables)
        for name in names:
            if name.name in assigned_later and name.name not in builder.names:
                hint = f"move the line that assigns {name.name} above this one"
                if name.name in CONSTANTS:
                    hint += f" (assigning {name.name} makes it a variable throughout the program; write exp(1) for e)"
                raise InputError(f"{name.name} is used before it is assigned", span=name.span, hint=hint)
        span = statement.expr.span
        if not names:  # no names on the right: an input with this value
            index = builder.add(Node(len(builder.nodes), target, "input", (), (), statement.target_span))
            builder.names[target] = index
            value = _literal(statement.expr, builder)
            defaults[index] = builder.walk(statement.expr).value if value is None else value  # type: ignore[union-attr]
            if isinstance(defaults[index], float):  # exp(1): only the formula gives this double back
                rounded_texts[index] = source[span.start : span.end]
            continue
        first: dict[str, Name] = {}  # each name at its first use: slots are numbered in this order
        for name in names:
            first.setdefault(name.name, name)
        if len(first) > builder.limits.statement_names:
            raise InputError(
                f"{target} uses {len(first)} names in one assignment, more than the limit of "
                f"{builder.limits.statement_names}",
                span=span,
                hint="split it into several assignments, or " + builder.limits.hint("statement_names"),
            )
        slot_of = {name: slot for slot, name in enumerate(first)}
        pieces, shape = _program_pieces(source, span, names, slot_of, written)
        # Statements written alike (w_0*x_0, w_1*x_1, …) have the same recipe: record it once.
        recipe = shapes.get(shape)
        if recipe is None:
            recipe = shapes[shape] = builder.record(statement.expr, slot_of)
        args = tuple(builder.input_for(name) for name in first.values())  # a name never assigned: an input
        node = Node(len(builder.nodes), target, "formula", args, pieces, span, syntax=statement.expr, recipe=recipe)
        index = builder.add(node)
        builder.names[target] = index


# What a bare formula's output is called: the first of these that is not one of its inputs.
BARE_OUTPUT_NAMES = ("J", "f", "out", "output")


def whole_formula(graph: Graph, output: str) -> bool:
    """Whether `output` is a bare formula's whole value, not a part of it picked with --target."""
    return graph.bare and output in BARE_OUTPUT_NAMES


def _choose_output(program: Program, nodes: list[Node], names: dict[str, int], target: str | None) -> int:
    if target is None:
        last = nodes[-1]
        if last.is_input:
            raise InputError(
                f"the last line assigns a number to {last.name}, so there is nothing to differentiate",
                span=program.statements[-1].expr.span,
                hint="end the program with the formula to differentiate, or pick one with --target",
            )
        return last.index
    generated = {node.name: node.index for node in nodes if not node.is_input}  # a bare formula's v1, v2, …
    if target not in names and target not in generated:
        computed = [node.name for node in nodes if not node.is_input]
        raise InputError(
            f"--target {target}: no such name",
            hint=f"the computed names are {listing(computed)}" if computed else None,
        )
    index = names[target] if target in names else generated[target]
    if nodes[index].is_input:
        raise InputError(
            f"--target {target}: {target} is an input, not computed from others", hint="pick a computed name"
        )
    return index


def _prune(
    source: str, nodes: list[Node], output: int, defaults: dict[int, Number], formulas: dict[int, str], bare: bool
) -> Graph:
    """Keep only what the output depends on; renumber in the same (topological) order."""
    needed = [False] * len(nodes)
    needed[output] = True
    for node in reversed(nodes):
        if needed[node.index]:
            for arg in node.args:
                needed[arg] = True
    new_index: dict[int, int] = {}
    kept: list[Node] = []
    if all(needed):  # the common case: the output needs every node, which keep their places
        kept, new_index = nodes, dict(enumerate(range(len(nodes))))
    for node in nodes if kept is not nodes else ():
        if needed[node.index]:
            new_index[node.index] = len(kept)
            args = tuple(new_index[a] for a in node.args)
            unchanged = node.index == len(kept) and args == node.args  # nothing pruned before it
            kept.append(node if unchanged else replace(node, index=len(kept), args=args))
    unused = tuple(node.name for node in nodes[: output + 1] if not needed[node.index] and not node.is_input)
    unreached = tuple(node.name for node in nodes if not needed[node.index] and node.is_input)
    if not any(node.is_input for node in kept):
        raise InputError(
            f"{nodes[output].name} does not depend on any input, so there is nothing to differentiate",
            span=nodes[output].span,
            hint="use names for the quantities, as in w*x + b",
        )
    kept_defaults = tuple((new_index[i], v) for i, v in defaults.items() if needed[i])
    kept_formulas = tuple((new_index[i], text) for i, text in formulas.items() if needed[i])
    by_name = {node.name: node.index for node in kept}
    return Graph(source, tuple(kept), new_index[output], kept_defaults, unused, bare, by_name, unreached, kept_formulas)
