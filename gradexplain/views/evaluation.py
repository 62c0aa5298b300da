"""The graph away from its point: the output with one input moved, and every gradient at another
point. The views run each node's recipe (evaluate.py) as the forward pass does, with no SymPy,
in three number systems: exact where possible (Fractions), plain doubles, and mpmath.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from gradexplain.accuracy import mp_pass
from gradexplain.errors import InputError
from gradexplain.evaluate import Recipe, local_gradient, mp_number, mp_run, run, value
from gradexplain.forward import evaluate
from gradexplain.graph import Graph
from gradexplain.limits import Limits
from gradexplain.numbers import Number
from gradexplain.numeric import ZERO, Kinks, settle


@dataclass(frozen=True, slots=True)
class Tape:
    """A node's recipe with the exactness limit, shaped like a Kernel for forward.evaluate (which
    words the errors); the views need values, not SymPy's formulas, so nothing is compiled."""

    recipe: Recipe
    bits: int

    def value(self, arguments: Sequence[Number], kinks: Kinks = None) -> Number:
        return value(self.recipe, arguments, kinks, self.bits)


@dataclass(frozen=True, slots=True)
class Evaluator:
    """The graph at its point, ready to rerun: the views' one way of computing away from it."""

    graph: Graph
    values: tuple[Number, ...]  # the forward pass's values at the point
    tapes: tuple[Tape | None, ...]
    bits: int

    @staticmethod
    def of(graph: Graph, values: Sequence[Number], limits: Limits | None = None) -> Evaluator:
        bits = (limits or Limits()).exact_bits
        tapes = tuple(None if node.recipe is None else Tape(node.recipe, bits) for node in graph.nodes)
        return Evaluator(graph, tuple(values), tapes, bits)

    def output_at(self, index: int, at: Number, order: Sequence[int], floating: bool = False) -> Number:
        """The output with input `index` at `at`, the others at the point; `order` is
        downstream(consumers_of(graph), index). With `floating`, every value is a double, as in NumPy.
        Raises EvaluationError where the output has no value there."""
        values: list[Number | None] = [float(v) for v in self.values] if floating else list(self.values)
        values[index] = float(at) if floating else at
        for position in order:
            evaluate(self.graph, self.graph.nodes[position], self.tapes[position], values)  # type: ignore[arg-type]
        return values[self.graph.output]  # type: ignore[return-value]

    def entries_at(self, index: int, at: float, order: Sequence[int]) -> list[tuple[float, list[float]]]:
        """Each downstream node's value and its tape's entries with input `index` at `at`, in doubles
        (what the plot needs to tell a kink or a pole between two samples)."""
        values: list[Any] = [float(v) for v in self.values]
        values[index] = at
        found = []
        for position in order:
            node, tape = self.graph.nodes[position], self.tapes[position]
            assert tape is not None
            try:
                entries = run(tape.recipe, [values[arg] for arg in node.args], None, self.bits)
            except ArithmeticError as problem:
                raise InputError(str(problem)) from None
            values[position] = entries[-1]
            found.append((entries[-1], entries))
        return found

    def output_and_gradients(self, point: dict[int, Number], wanted: Sequence[int]) -> tuple[Number, list[Number]]:
        """The output and its gradient with respect to each of `wanted` at a point where the
        inputs in `point` have new values: a forward and a backward pass, numbers only."""
        graph = self.graph
        values: list[Number | None] = [
            self.values[i] if graph.nodes[i].is_input else None for i in range(len(graph.nodes))
        ]
        for index, at in point.items():
            values[index] = at
        for node in graph.nodes:
            tape = self.tapes[node.index]
            if tape is not None:
                evaluate(graph, node, tape, values)  # type: ignore[arg-type]
        adjoints: list[Number] = [ZERO] * len(graph.nodes)
        adjoints[graph.output] = Fraction(1)
        for node in reversed(graph.nodes):
            tape = self.tapes[node.index]
            if tape is None or adjoints[node.index] == 0:
                continue
            try:
                local = local_gradient(tape.recipe, [values[arg] for arg in node.args], self.bits)  # type: ignore[misc]
            except ArithmeticError as problem:
                raise InputError(f"cannot differentiate {node.name}: {problem}") from None
            for position, arg in enumerate(node.args):
                adjoints[arg] = settle(adjoints[arg] + local[position] * adjoints[node.index], None, self.bits)
        return values[graph.output], [adjoints[i] for i in wanted]  # type: ignore[return-value]


def mp_output_at(evaluator: Evaluator, ctx: Any, index: int, at: Any, order: Sequence[int]) -> Any:
    """The output with input `index` at `at` in mpmath's context `ctx` (the others at the point)."""
    graph = evaluator.graph
    values: list[Any] = [mp_number(ctx, v) for v in evaluator.values]
    values[index] = at
    for position in order:
        node, tape = graph.nodes[position], evaluator.tapes[position]
        assert tape is not None
        values[position] = mp_run(ctx, tape.recipe, [values[arg] for arg in node.args])[-1]
    return values[graph.output]


def mp_gradient(evaluator: Evaluator, ctx: Any, index: int) -> Any:
    """∂output/∂input `index` at the point, in mpmath's context `ctx` (the sweep's true gradient
    when the formula leaves the rationals)."""
    recipes = [None if tape is None else tape.recipe for tape in evaluator.tapes]
    return mp_pass(ctx, evaluator.graph, recipes, evaluator.values)[1][index]


def resolve_input(graph: Graph, wrt: Sequence[int], name: str, option: str) -> int:
    """The input a view names: one of the formula's inputs, and one that gets a gradient (--wrt)."""
    index = graph.index_of(name)
    inputs = ", ".join(node.name for node in graph.inputs)
    if index is None:
        raise InputError(f"{option} {name}: the formula has no input named {name}", hint=f"the inputs are {inputs}")
    if not graph.nodes[index].is_input:
        raise InputError(
            f"{option} {name}: {name} is computed, not an input", hint=f"{option} takes an input: {inputs}"
        )
    if index not in wrt:
        chosen = ", ".join(graph.nodes[i].name for i in wrt)
        raise InputError(
            f"{option} {name}: {name} is not in --wrt, so it has no gradient to show",
            hint=f"add it to --wrt (now {chosen}), or leave --wrt out",
        )
    return index


def check_work(option: str, evaluations: int, limits: Limits) -> None:
    """A view's node evaluations, capped like --check's (the `check_work` limit)."""
    if evaluations > limits.check_work:
        raise InputError(
            f"{option} would evaluate {evaluations:,} nodes, more than the limit of {limits.check_work:,}",
            hint=limits.hint("check_work"),
        )
