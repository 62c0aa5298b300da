"""The graph away from its point: the output with one input moved, and every gradient at another
point. The views use the engine's interpreter, as the forward and backward passes do, in three
number systems: exact where possible, plain doubles (as a program computes), and mpmath.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gradexplain.accuracy import precise_pass
from gradexplain.engine.interpreter import Interpreter
from gradexplain.engine.systems import Double, Exact, Precise
from gradexplain.errors import InputError
from gradexplain.graph import Graph
from gradexplain.limits import Limits
from gradexplain.numbers import Number


@dataclass(frozen=True, slots=True)
class Evaluator:
    """The graph at its point, ready to rerun: the views' one way of computing away from it."""

    graph: Graph
    values: tuple[Number, ...]  # the forward pass's values at the point
    exact: Interpreter
    doubles: Interpreter

    @staticmethod
    def of(graph: Graph, values: Sequence[Number], limits: Limits | None = None) -> Evaluator:
        bits = (limits or Limits()).exact_bits
        return Evaluator(graph, tuple(values), Interpreter(graph, Exact(bits)), Interpreter(graph, Double(bits)))

    def output_at(self, index: int, at: Number, order: Sequence[int], floating: bool = False) -> Number:
        """The output with input `index` at `at`, the others at the point; `order` is
        downstream(consumers_of(graph), index). With `floating`, every value is a double, as in NumPy.
        Raises EvaluationError where the output has no value there."""
        if floating:
            values = [None if v is None else float(v) for v in self.values]
            return self.doubles.output_at(values, {index: float(at)}, order)
        return self.exact.output_at(self.values, {index: at}, order)

    def entries_at(self, index: int, at: float, order: Sequence[int]) -> list[tuple[float, list[float]]]:
        """Each downstream node's value and its tape's entries with input `index` at `at`, in doubles
        (what the plot needs to tell a kink or a pole between two samples)."""
        values: list[Any] = [float(v) for v in self.values]
        values[index] = at
        found = []
        for position in order:
            node = self.graph.nodes[position]
            try:
                entries = self.doubles.entries(node.recipe, [values[arg] for arg in node.args])  # type: ignore[arg-type]
            except ArithmeticError as problem:
                raise InputError(str(problem)) from None
            values[position] = entries[-1]
            found.append((entries[-1], entries))
        return found

    def output_and_gradients(self, point: dict[int, Number], wanted: Sequence[int]) -> tuple[Number, list[Number]]:
        """The output and its gradient with respect to each of `wanted` at a point where the
        inputs in `point` have new values: a forward and a backward pass, numbers only."""
        graph = self.graph
        inputs: list[Number | None] = [
            self.values[i] if graph.nodes[i].is_input else None for i in range(len(graph.nodes))
        ]
        for index, at in point.items():
            inputs[index] = at
        values, _ = self.exact.forward(inputs, notes=False)
        gradients, _ = self.exact.backward(values, wanted, skip_zero=True)
        zero = self.exact.system.zero
        return values[graph.output], [zero if gradients[i] is None else gradients[i] for i in wanted]


def mp_output_at(evaluator: Evaluator, system: Precise, index: int, at: Any, order: Sequence[int]) -> Any:
    """The output with input `index` at `at` in the precise system (the others at the point)."""
    values = [system.input(v) for v in evaluator.values]
    return Interpreter(evaluator.graph, system).output_at(values, {index: at}, order)


def mp_gradient(evaluator: Evaluator, digits: int, index: int) -> Any:
    """∂output/∂input `index` at the point at `digits` digits (the sweep's true gradient when the
    formula leaves the rationals)."""
    return precise_pass(evaluator.graph, evaluator.values, digits).adjoints[index]


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
