"""The computation graph: inputs and operation nodes in topological order (built by build.py).

Every operation node holds a *recipe*: its formula as written, a tape over slots _0, _1, … (one
per argument edge, so `w*w` has two edges and `v1 + b` stays `v1 + b`). The interpreter computes
values and local derivatives from it; SymPy's form of it, the node's template, is made from it
only when formulas are shown (engine/kernels.py), once per shape however many nodes share it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache

import sympy as sp

from gradexplain.engine.tape import Recipe
from gradexplain.errors import Span
from gradexplain.numbers import Number
from gradexplain.syntax import Expr


@cache
def slot(index: int) -> sp.Symbol:
    """The symbol standing for a node's argument number `index` inside its template."""
    return sp.Symbol(f"_{index}", real=True)


@dataclass(frozen=True, slots=True)
class Ref:
    """A place in a definition where argument `slot` goes; negative values there need parentheses
    when `paren_if_negative` (as in `2*(-2)` or `(-2)**2`, but not `-4 + 8`), and every value
    when `paren_always` (before a method's dot: `(2).relu()`)."""

    slot: int
    paren_if_negative: bool
    paren_always: bool = False


Piece = str | Ref


@dataclass(frozen=True, slots=True)
class Node:
    index: int
    name: str
    operation: str  # "input", a primitive's name ("*", "exp"), or "formula" for an assignment
    args: tuple[int, ...]  # one node index per slot
    pieces: tuple[Piece, ...]  # the definition, with Refs where arguments go
    span: Span | None  # where the user wrote it
    latex: tuple[Piece, ...] = ()  # the definition in LaTeX, with Refs where arguments go …
    # … or, for an assignment, its syntax tree, to write it from when asked (not in repr: it nests)
    syntax: Expr | None = field(default=None, repr=False)
    recipe: Recipe | None = None  # how its value is computed, as written (None for inputs)

    @property
    def is_input(self) -> bool:
        return self.operation == "input"


class NameIndex(Mapping[str, int]):
    """name → node index, read-only, so that a frozen Graph cannot be changed through it (unlike
    MappingProxyType, it can be pickled and copied like the rest of an Explanation)."""

    __slots__ = ("_index",)

    def __init__(self, index: Mapping[str, int]) -> None:
        self._index = dict(index)

    def __getitem__(self, name: str) -> int:
        return self._index[name]

    def get(self, name: str, default: int | None = None) -> int | None:  # type: ignore[override]
        return self._index.get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __repr__(self) -> str:
        return f"NameIndex({self._index!r})"


@dataclass(frozen=True, slots=True)
class Graph:
    source: str
    nodes: tuple[Node, ...]  # topological: every node after its arguments
    output: int
    defaults: tuple[tuple[int, Number], ...]  # inputs given a value by the program itself
    unused: tuple[str, ...]  # assignments that do not feed the output
    bare: bool  # a bare expression (split per operation) rather than a program
    by_name: Mapping[str, int]  # name → node index, read-only (a NameIndex)
    unreached: tuple[str, ...] = ()  # inputs of the program that do not affect the output (pruned)
    input_formulas: tuple[tuple[int, str], ...] = ()  # inputs the program gives a rounded double (exp(1))

    def __post_init__(self) -> None:
        if not isinstance(self.by_name, NameIndex):
            object.__setattr__(self, "by_name", NameIndex(self.by_name))

    @property
    def inputs(self) -> tuple[Node, ...]:
        return tuple(node for node in self.nodes if node.is_input)

    def index_of(self, name: str) -> int | None:
        return self.by_name.get(name)

    def definition(self, node: Node) -> str:
        """The node's definition in terms of its arguments' names: `v1 + b`."""
        return "".join(
            piece if isinstance(piece, str) else self.nodes[node.args[piece.slot]].name for piece in node.pieces
        )

    def argument_names(self, node: Node) -> tuple[str, ...]:
        return tuple(self.nodes[arg].name for arg in node.args)
