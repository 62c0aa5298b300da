"""The forward pass: every node's value at the point, left to right (the interpreter runs it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gradexplain.engine.interpreter import Interpreter
from gradexplain.numbers import Number


@dataclass(frozen=True, slots=True)
class Note:
    """Something the reader must know about one node: a kink, or exactness given up."""

    node: int
    text: str


@dataclass(frozen=True, slots=True)
class ForwardPass:
    values: tuple[Number, ...]  # one per node, inputs included
    notes: tuple[Note, ...]


def forward(interpreter: Interpreter, inputs: Sequence[Number | None], *, notes: bool = True) -> ForwardPass:
    """Evaluate every node; `inputs` has a value at each input node's index.

    Raises EvaluationError naming the node and the values that reached it when a value has no
    real result there (1/w at w = 0, log(w) at w = -1).
    """
    values, found = interpreter.forward(inputs, notes)
    return ForwardPass(tuple(values), tuple(Note(node, text) for node, text in found))
