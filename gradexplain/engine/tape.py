"""A node's formula as a tape: its operations in the order the user wrote them.

SymPy rewrites what it is given: `exp(log(w))` becomes `w`, `w/w` becomes 1, `tan(w + pi/2)`
becomes `-cot(w)`. That is fine for showing formulas, wrong for computing: `exp(log(w))` at
w = -1 must be an error, as it is when the same formula is split per operation. So every node
carries a `Recipe`, its operations as written, and the interpreter computes values and local
derivatives from it, in any number system. The tape is a flat list: nothing recurses, however
deep or long the formula, and running it is linear in its size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from gradexplain.engine.arithmetic import ONE, ZERO
from gradexplain.engine.primitives import BY_NAME, Primitive
from gradexplain.numbers import Number

SLOT = "slot"
CONSTANT = "constant"
IDENTITY = "identity"


@dataclass(frozen=True, slots=True)
class Instruction:
    """One tape entry: an argument (`slot`), a folded constant, or a primitive applied to earlier entries."""

    operation: str  # SLOT, CONSTANT, or a primitive's name ("+", "exp", "max")
    operands: tuple[int, ...] = ()  # positions of earlier entries (for a primitive)
    slot: int = 0  # for SLOT: which argument
    value: Number = ZERO  # for CONSTANT: its value …
    exact: sp.Expr | None = None  # … and its exact form, for other number systems
    primitive: Primitive | None = None  # the primitive's row, found from `operation`

    def __post_init__(self) -> None:
        if self.primitive is None and self.operation not in (SLOT, CONSTANT):
            object.__setattr__(self, "primitive", BY_NAME[self.operation])


@dataclass(frozen=True, slots=True)
class Recipe:
    """A node's formula as a tape: the last entry is the node's value."""

    steps: tuple[Instruction, ...]
    arity: int
    varies: tuple[bool, ...]  # whether each entry depends on an argument (constants need no derivative)
    direct: Primitive | None  # the one primitive the tape applies to its arguments in order, if that is all
    linear: tuple[Fraction, ...] | None  # its local derivatives when they are constants (a sum: all 1)

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
        last = steps[-1]
        arguments = steps[:-1]
        in_order = len(steps) == arity + 1 and all(
            step.operation == SLOT and step.slot == i for i, step in enumerate(arguments)
        )
        plain = last.primitive is not None and last.operands == tuple(range(arity))
        direct = last.primitive if in_order and plain else None
        return Recipe(tuple(steps), arity, tuple(varies), direct, _linear(steps, varies, arity))


def _linear(steps: Sequence[Instruction], varies: Sequence[bool], arity: int) -> tuple[Fraction, ...] | None:
    """The coefficient of each argument when the tape is a sum of them times rational constants
    (plus a constant): then its local derivatives are those coefficients, wherever it is. Each
    entry of a tape is used once, so coefficients are added into the left operand's in place."""
    found: list[dict[int, Fraction] | None] = []
    for step in steps:
        operation, operands = step.operation, step.operands
        if operation == SLOT:
            found.append({step.slot: ONE})
        elif operation == CONSTANT:
            found.append(
                {} if isinstance(step.value, Fraction) and (step.exact is None or step.exact.is_Rational) else None
            )
        elif operation in ("+", "-") and found[operands[0]] is not None and found[operands[1]] is not None:
            left, right = found[operands[0]], found[operands[1]]
            sign = ONE if operation == "+" else -ONE
            for slot, coefficient in right.items():  # type: ignore[union-attr]
                left[slot] = left.get(slot, ZERO) + sign * coefficient  # type: ignore[index, union-attr]
            found.append(left)
        elif operation == "neg" and found[operands[0]] is not None:
            found.append({slot: -c for slot, c in found[operands[0]].items()})  # type: ignore[union-attr]
        elif operation in ("*", "/") and all(found[i] is not None for i in operands):
            factor = _constant_factor(steps, varies, operands, operation)
            found.append(None if factor is None else {s: c * factor[1] for s, c in found[factor[0]].items()})  # type: ignore[union-attr]
        else:
            return None
    last = found[-1]
    if last is None:
        return None
    return tuple(ONE if last.get(i, ZERO) == 1 else last.get(i, ZERO) for i in range(arity))


def _constant_factor(
    steps: Sequence[Instruction], varies: Sequence[bool], operands: tuple[int, ...], operation: str
) -> tuple[int, Fraction] | None:
    """For a product or quotient with one rational constant side: the varying side, and the factor."""
    left, right = operands
    if operation == "*" and not varies[left] and steps[left].operation == CONSTANT:
        return right, steps[left].value  # type: ignore[return-value]
    if not varies[right] and steps[right].operation == CONSTANT and steps[right].value != 0:
        factor = steps[right].value
        return left, (1 / factor if operation == "/" else factor)  # type: ignore[return-value, operator]
    return None


Operand = tuple[str, Any, sp.Expr | None]  # (SLOT, slot, None) or (CONSTANT, value, exact form)


def single(operation: str, operands: Sequence[Operand]) -> Recipe:
    """The recipe of one primitive applied to arguments and constants: `(SLOT, 0, None)` or
    `(CONSTANT, value, exact)` for each operand, in order; IDENTITY passes its one argument on."""
    steps = [
        Instruction(SLOT, slot=payload) if kind == SLOT else Instruction(CONSTANT, value=payload, exact=exact)
        for kind, payload, exact in operands
    ]
    arity = sum(1 for kind, _, _ in operands if kind == SLOT)
    if operation != IDENTITY:
        steps.append(Instruction(operation, tuple(range(len(operands)))))
    return Recipe.of(steps, arity)
