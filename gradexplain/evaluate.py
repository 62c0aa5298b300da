"""A node's value and its local derivatives, computed from the formula *as the user wrote it*.

SymPy rewrites what it is given: `exp(log(w))` becomes `w`, `w/w` becomes 1, `tan(w + pi/2)`
becomes `-cot(w)`. That is fine for showing formulas, wrong for computing: `exp(log(w))` at
w = -1 must be an error, as it is when the same formula is split per operation. So every node
carries a `Recipe`, its operations in the written order (a tape), and values and local
derivatives come from running that tape: forward for the value, then backward through the tape
for ∂node/∂argument, every operation's domain checked on the way. The tape is a flat list,
so nothing here recurses, however deep or long the formula, and the work is linear in its size.

The same tape runs in two number systems: exact-where-possible (`Fraction`, `float` once a value
stops being rational; see numeric.py) for everything shown, and multiprecision (mpmath, in a
context of its own) to audit floating-point results (see accuracy.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from gradexplain.numbers import EXACT_BITS_LIMIT, Number, format_number
from gradexplain.numeric import (
    FUNCTIONS,
    HALF,
    ONE,
    ZERO,
    Kinks,
    power,
    settle,
    underflowed,
    zero_divisor,
)

SLOT = "slot"
CONSTANT = "constant"


@dataclass(frozen=True, slots=True)
class Instruction:
    """One tape entry: an argument (`slot`), a folded constant, or a primitive applied to earlier entries."""

    operation: str  # SLOT, CONSTANT, or a primitive's name ("+", "exp", "max")
    operands: tuple[int, ...] = ()  # positions of earlier entries (for a primitive)
    slot: int = 0  # for SLOT: which argument
    value: Number = ZERO  # for CONSTANT: its value …
    exact: sp.Expr | None = None  # … and its exact form, for the multiprecision audit


@dataclass(frozen=True, slots=True)
class Recipe:
    """A node's formula as a tape: the last entry is the node's value."""

    steps: tuple[Instruction, ...]
    arity: int
    varies: tuple[bool, ...]  # whether each entry depends on an argument (constants need no derivative)

    @staticmethod
    def of(steps: Sequence[Instruction], arity: int) -> Recipe:
        varies: list[bool] = []
        for step in steps:
            if step.operation == SLOT:
                varies.append(True)
            elif step.operation == CONSTANT:
                varies.append(False)
            else:
                varies.append(any(varies[i] for i in step.operands))
        return Recipe(tuple(steps), arity, tuple(varies))


def single(operation: str, operands: Sequence[tuple[str, Any, sp.Expr | None]]) -> Recipe:
    """The recipe of one primitive applied to arguments and constants: `("slot", 0, None)` or
    `("constant", value, exact)` for each operand, in order."""
    steps = [
        Instruction(SLOT, slot=payload) if kind == SLOT else Instruction(CONSTANT, value=payload, exact=exact)
        for kind, payload, exact in operands
    ]
    arity = sum(1 for kind, _, _ in operands if kind == SLOT)
    if operation != "identity":
        steps.append(Instruction(operation, tuple(range(len(operands)))))
    return Recipe.of(steps, arity)


# ── the exact-where-possible number system ─────────────────────────────────────────────────


def _kink(kinks: Kinks, text: str) -> None:
    if kinks is not None:
        kinks.append(text)


def apply(operation: str, operands: list[Number], kinks: Kinks, bits: int) -> Number:
    """One primitive on exact-or-float numbers, with its domain checked (DomainError)."""
    if operation == "+":
        return settle(operands[0] + operands[1], kinks, bits)
    if operation == "-":
        return settle(operands[0] - operands[1], kinks, bits)
    if operation == "*":
        return underflowed(settle(operands[0] * operands[1], kinks, bits), *operands)
    if operation == "/":
        if operands[1] == 0:
            raise zero_divisor(operands[1])
        return underflowed(settle(operands[0] / operands[1], kinks, bits), operands[0])
    if operation == "**":
        return power(operands[0], operands[1], kinks, bits)
    if operation == "neg":
        return -operands[0]
    if operation == "sqrt":
        return power(operands[0], HALF, kinks, bits)
    x = operands[0]
    if operation == "relu":
        if x == 0:
            _kink(kinks, "relu is not differentiable at 0; the subgradient 0 is used")
        return x if x > 0 else (ZERO if isinstance(x, Fraction) else 0.0)
    if operation == "abs":
        if x == 0:
            _kink(kinks, "abs is not differentiable at 0; the subgradient 0 is used")
        return abs(x)
    if operation in ("max", "min"):
        best = max(operands) if operation == "max" else min(operands)
        if operands[0] == operands[1]:
            _kink(
                kinks,
                f"{operation} has a tie at {format_number(best)} and is not differentiable there; "
                "each tied argument gets 1/2 of the gradient",
            )
        return best
    return settle(FUNCTIONS[operation](x), None, bits)


def _partials(operation: str, operands: list[Number], result: Number, wanted: list[bool], bits: int) -> list[Number]:
    """∂result/∂operand for each operand that is `wanted` (ZERO for the others), exact where possible."""

    def div(a: Number, b: Number) -> Number:
        if b == 0:
            raise zero_divisor(b)
        return settle(a / b, None, bits)

    x = operands[0]
    if operation == "+":
        return [ONE, ONE]
    if operation == "-":
        return [ONE, -ONE]
    if operation == "*":
        return [operands[1], x]
    if operation == "/":
        y = operands[1]
        return [div(ONE, y), -div(result, y) if wanted[1] else ZERO]
    if operation == "**":
        y = operands[1]
        by_base = ZERO
        if wanted[0]:
            by_base = ONE if y == 1 else settle(y * power(x, y - 1, None, bits), None, bits)
        by_exponent = settle(result * apply("log", [x], None, bits), None, bits) if wanted[1] else ZERO
        return [by_base, by_exponent]
    if operation == "neg":
        return [-ONE]
    if operation == "exp":
        return [result]
    if operation == "log":
        return [div(ONE, x)]
    if operation == "sqrt":
        return [div(ONE, 2 * result)]
    if operation == "softplus":
        return [FUNCTIONS["sigmoid"](x)]
    if operation == "sin":
        return [FUNCTIONS["cos"](x)]
    if operation == "cos":
        return [-FUNCTIONS["sin"](x)]
    if operation == "tan":
        return [settle(1 + result * result, None, bits)]
    if operation == "tanh":
        return [settle(1 - result * result, None, bits)]
    if operation == "sigmoid":
        return [settle(result * (1 - result), None, bits)]
    if operation == "relu":
        return [ONE if x > 0 else ZERO]
    if operation == "abs":
        return [ONE if x > 0 else (-ONE if x < 0 else ZERO)]
    if operation in ("max", "min"):
        y = operands[1]
        if x == y:
            return [HALF, HALF]
        first = (x > y) == (operation == "max")
        return [ONE, ZERO] if first else [ZERO, ONE]
    raise AssertionError(f"no derivative rule for {operation}")


def run(recipe: Recipe, arguments: Sequence[Number], kinks: Kinks = None, bits: int = EXACT_BITS_LIMIT) -> list[Number]:
    """Every tape entry's value, in order; the last is the node's value."""
    values: list[Number] = []
    for step in recipe.steps:
        if step.operation == SLOT:
            values.append(arguments[step.slot])
        elif step.operation == CONSTANT:
            values.append(step.value)
        else:
            values.append(apply(step.operation, [values[i] for i in step.operands], kinks, bits))
    return values


def value(recipe: Recipe, arguments: Sequence[Number], kinks: Kinks = None, bits: int = EXACT_BITS_LIMIT) -> Number:
    return run(recipe, arguments, kinks, bits)[-1]


def local_gradient(recipe: Recipe, arguments: Sequence[Number], bits: int = EXACT_BITS_LIMIT) -> list[Number]:
    """∂node/∂argument for every argument: backprop through the node's own tape."""
    values = run(recipe, arguments, None, bits)
    steps, varies = recipe.steps, recipe.varies
    adjoints: list[Number] = [ZERO] * len(steps)
    adjoints[-1] = ONE
    gradient: list[Number] = [ZERO] * recipe.arity
    for position in range(len(steps) - 1, -1, -1):
        step, adjoint = steps[position], adjoints[position]
        if step.operation == SLOT:
            gradient[step.slot] = settle(gradient[step.slot] + adjoint, None, bits)
        elif step.operation != CONSTANT:
            wanted = [varies[i] for i in step.operands]
            partials = _partials(step.operation, [values[i] for i in step.operands], values[position], wanted, bits)
            for operand, needed, partial in zip(step.operands, wanted, partials, strict=True):
                if needed:
                    adjoints[operand] = settle(adjoints[operand] + partial * adjoint, None, bits)
    return gradient


# ── the multiprecision number system, for auditing floating-point results ──────────────────


# Each primitive in mpmath, as f(ctx, operands), and its partials as f(ctx, operands, result,
# wanted): tables made once, not per operation.
_MP_APPLY: dict[str, Callable[[Any, list[Any]], Any]] = {
    "+": lambda ctx, a: a[0] + a[1],
    "-": lambda ctx, a: a[0] - a[1],
    "*": lambda ctx, a: a[0] * a[1],
    "/": lambda ctx, a: a[0] / a[1],
    "**": lambda ctx, a: ctx.power(a[0], a[1]),
    "neg": lambda ctx, a: -a[0],
    "sqrt": lambda ctx, a: ctx.sqrt(a[0]),
    "exp": lambda ctx, a: ctx.exp(a[0]),
    "log": lambda ctx, a: ctx.log(a[0]),
    "softplus": lambda ctx, a: ctx.log1p(ctx.exp(a[0])),
    "sin": lambda ctx, a: ctx.sin(a[0]),
    "cos": lambda ctx, a: ctx.cos(a[0]),
    "tan": lambda ctx, a: ctx.tan(a[0]),
    "tanh": lambda ctx, a: ctx.tanh(a[0]),
    "sigmoid": lambda ctx, a: 1 / (1 + ctx.exp(-a[0])),
    "relu": lambda ctx, a: a[0] if a[0] > 0 else ctx.zero,
    "abs": lambda ctx, a: abs(a[0]),
    "max": lambda ctx, a: max(a),
    "min": lambda ctx, a: min(a),
}

_MP_PARTIALS: dict[str, Callable[[Any, list[Any], Any, list[bool]], list[Any]]] = {
    "+": lambda ctx, a, r, wanted: [1, 1],
    "-": lambda ctx, a, r, wanted: [1, -1],
    "*": lambda ctx, a, r, wanted: [a[1], a[0]],
    "/": lambda ctx, a, r, wanted: [1 / a[1], -r / a[1]],
    "**": lambda ctx, a, r, wanted: [
        a[1] * ctx.power(a[0], a[1] - 1) if wanted[0] else 0,
        r * ctx.log(a[0]) if wanted[1] else 0,
    ],
    "neg": lambda ctx, a, r, wanted: [-1],
    "sqrt": lambda ctx, a, r, wanted: [1 / (2 * r)],
    "exp": lambda ctx, a, r, wanted: [r],
    "log": lambda ctx, a, r, wanted: [1 / a[0]],
    "softplus": lambda ctx, a, r, wanted: [1 / (1 + ctx.exp(-a[0]))],
    "sin": lambda ctx, a, r, wanted: [ctx.cos(a[0])],
    "cos": lambda ctx, a, r, wanted: [-ctx.sin(a[0])],
    "tan": lambda ctx, a, r, wanted: [1 + r * r],
    "tanh": lambda ctx, a, r, wanted: [1 - r * r],
    "sigmoid": lambda ctx, a, r, wanted: [r * (1 - r)],
    "relu": lambda ctx, a, r, wanted: [1 if a[0] > 0 else 0],
    "abs": lambda ctx, a, r, wanted: [1 if a[0] > 0 else (-1 if a[0] < 0 else 0)],
    "max": lambda ctx, a, r, wanted: [ctx.mpf(0.5)] * 2 if a[0] == a[1] else ([1, 0] if a[0] > a[1] else [0, 1]),
    "min": lambda ctx, a, r, wanted: [ctx.mpf(0.5)] * 2 if a[0] == a[1] else ([1, 0] if a[0] < a[1] else [0, 1]),
}


def mp_number(ctx: Any, number: Number, exact: sp.Expr | None = None) -> Any:
    """A number in the multiprecision context: exactly for fractions, from the exact form when known."""
    if exact is not None and not exact.is_Rational:
        return ctx.mpf(str(sp.N(exact, int(ctx.dps) + 5)))
    if isinstance(number, Fraction):
        return ctx.mpf(number.numerator) / number.denominator
    return ctx.mpf(number)


def mp_run(ctx: Any, recipe: Recipe, arguments: Sequence[Any]) -> list[Any]:
    values: list[Any] = []
    for step in recipe.steps:
        if step.operation == SLOT:
            values.append(arguments[step.slot])
        elif step.operation == CONSTANT:
            values.append(mp_number(ctx, step.value, step.exact))
        else:
            values.append(_MP_APPLY[step.operation](ctx, [values[i] for i in step.operands]))
    return values


def mp_local_gradient(ctx: Any, recipe: Recipe, arguments: Sequence[Any]) -> list[Any]:
    values = mp_run(ctx, recipe, arguments)
    adjoints: list[Any] = [ctx.zero] * len(recipe.steps)
    adjoints[-1] = ctx.one
    gradient: list[Any] = [ctx.zero] * recipe.arity
    for position in range(len(recipe.steps) - 1, -1, -1):
        step, adjoint = recipe.steps[position], adjoints[position]
        if step.operation == SLOT:
            gradient[step.slot] += adjoint
        elif step.operation != CONSTANT:
            wanted = [recipe.varies[i] for i in step.operands]
            operands = [values[i] for i in step.operands]
            partials = _MP_PARTIALS[step.operation](ctx, operands, values[position], wanted)
            for operand, needed, partial in zip(step.operands, wanted, partials, strict=True):
                if needed:
                    adjoints[operand] += partial * adjoint
    return gradient
