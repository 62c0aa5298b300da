"""One tape interpreter for the whole engine: a graph's forward pass, its backward pass, and
re-runs from a moved input, in any number system (systems.py).

explain() runs it exactly; --check and the views re-run it from a nudged input; the claims run
it at their other points; the audit runs it at 50 digits; the sweep in doubles and in mpmath.
Each node's value and local derivatives come from its recipe (tape.py), so every one of them
computes the formula as the user wrote it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from gradexplain.engine.arithmetic import DomainError
from gradexplain.engine.systems import Exact, System
from gradexplain.engine.tape import CONSTANT, SLOT, Recipe
from gradexplain.errors import EvaluationError, brief
from gradexplain.graph import Graph, Node
from gradexplain.numbers import format_number

# Values named in a message: the first few; a 3,000-name assignment is summarised.
AT_POINT_SHOWN = 3


class Edge(NamedTuple):
    """One step of the backward pass: ∂output/∂arg via `node` is local × upstream = product, the
    `path`-th of the `paths` ways from arg to the output. (A tuple: the audit's precise pass
    makes one per edge, and a tuple is made four times as fast as a frozen dataclass.)"""

    node: int
    arg: int
    slot: int
    local_value: Any
    upstream: Any
    product: Any
    path: int
    paths: int


@dataclass(frozen=True, slots=True)
class Sum:
    """Where a node feeds several others: its gradient is the sum of the contributions."""

    node: int
    terms: tuple[Any, ...]
    total: Any


def _shown(value: Any) -> str:
    return format_number(value) if isinstance(value, int | float) or hasattr(value, "denominator") else str(value)


def at_point(graph: Graph, node: Node, values: Sequence[Any]) -> str:
    """`w = 0, x = 2`: the values that reached a node, for error messages; of many, the first
    few and a count (`w0 = 1, w1 = 2, w2 = 3, … (2,997 more)`)."""
    reached = [arg for arg in dict.fromkeys(node.args) if values[arg] is not None]
    shown = ", ".join(f"{brief(graph.nodes[arg].name, 30)} = {_shown(values[arg])}" for arg in reached[:AT_POINT_SHOWN])
    if len(reached) > AT_POINT_SHOWN:
        shown += f", … ({len(reached) - AT_POINT_SHOWN:,} more)"
    return shown


def definition_in_brief(graph: Graph, node: Node) -> str:
    """`J = 1/(w0 + w1 + …)`: a node and its definition, cut short for a message."""
    return f"{brief(node.name, 30)} = {brief(graph.definition(node))}"


def relevant_nodes(graph: Graph, wanted: Sequence[int]) -> list[bool]:
    """Which nodes lie on a path from a wanted input (forward order, so no recursion)."""
    relevant = [False] * len(graph.nodes)
    for index in wanted:
        relevant[index] = True
    for node in graph.nodes:
        if not relevant[node.index] and any(relevant[arg] for arg in node.args):
            relevant[node.index] = True
    return relevant


def consumers_of(graph: Graph) -> list[list[int]]:
    """For each node, the nodes that use it (each once)."""
    consumers: list[list[int]] = [[] for _ in graph.nodes]
    for node in graph.nodes:
        for arg in dict.fromkeys(node.args):
            consumers[arg].append(node.index)
    return consumers


def downstream(consumers: list[list[int]], start: int) -> list[int]:
    """The nodes whose value depends on node `start`, in forward order (only these change when it
    moves): a walk over what it reaches, so nudging every input of a long sum stays linear."""
    seen = {start}
    stack = [start]
    while stack:
        for consumer in consumers[stack.pop()]:
            if consumer not in seen:
                seen.add(consumer)
                stack.append(consumer)
    seen.discard(start)
    return sorted(seen)


class Interpreter:
    """A graph's tapes, run in one number system."""

    def __init__(self, graph: Graph, system: System | None = None) -> None:
        self.graph = graph
        self.system: Any = system if system is not None else Exact()
        self._constants: dict[int, list[Any]] = {}  # id(recipe) → its constants in this system
        self._linear: dict[int, list[Any]] = {}  # id(recipe) → its constant local derivatives in this system

    # ── one node ─────────────────────────────────────────────────────────────────────────────

    def _constants_of(self, recipe: Recipe) -> list[Any]:
        found = self._constants.get(id(recipe))
        if found is None:
            found = [
                self.system.constant(step.value, step.exact) if step.operation == CONSTANT else None
                for step in recipe.steps
            ]
            self._constants[id(recipe)] = found
        return found

    def _coefficients(self, recipe: Recipe) -> list[Any]:
        found = self._linear.get(id(recipe))
        if found is None:
            found = self._linear[id(recipe)] = [self.system.number(c) for c in recipe.linear]  # type: ignore[union-attr]
        return found

    def entries(self, recipe: Recipe, arguments: Sequence[Any], kinks: list[str] | None = None) -> list[Any]:
        """Every tape entry's value, in order; the last is the node's value."""
        system = self.system
        constants = self._constants_of(recipe)
        values: list[Any] = []
        for position, step in enumerate(recipe.steps):
            operation = step.operation
            if operation == SLOT:
                values.append(arguments[step.slot])
            elif operation == CONSTANT:
                values.append(constants[position])
            else:
                values.append(system.value(step.primitive, [values[i] for i in step.operands], kinks))
        return values

    def value(self, recipe: Recipe, arguments: Sequence[Any], kinks: list[str] | None = None) -> Any:
        if recipe.direct is not None:
            return self.system.value(recipe.direct, arguments, kinks)
        return self.entries(recipe, arguments, kinks)[-1]

    def local_gradient(
        self, recipe: Recipe, arguments: Sequence[Any], result: Any, wanted: Sequence[bool] | None = None
    ) -> list[Any]:
        """∂node/∂argument for each argument (zero where not `wanted`): the partials of the one
        primitive, or backprop through the node's own tape. Only what a wanted argument needs is
        computed, so ∂(w**x)/∂w never takes the log that only ∂/∂x needs."""
        system = self.system
        if recipe.linear is not None:  # a sum and the like: its local derivatives are constants
            return self._coefficients(recipe)
        if recipe.direct is not None:
            partial = system.partial
            return [
                partial(recipe.direct, i, arguments, result) if wanted is None or wanted[i] else system.zero
                for i in range(recipe.arity)
            ]
        steps = recipe.steps
        entries = self.entries(recipe, arguments)
        needed = list(recipe.varies)
        if wanted is not None:
            for position, step in enumerate(steps):
                if step.operation == SLOT:
                    needed[position] = wanted[step.slot]
                elif step.operation != CONSTANT:
                    needed[position] = any(needed[i] for i in step.operands)
        adjoints: list[Any] = [system.zero] * len(steps)
        adjoints[-1] = system.one
        gradient: list[Any] = [system.zero] * recipe.arity
        for position in range(len(steps) - 1, -1, -1):
            step, adjoint = steps[position], adjoints[position]
            if step.operation == SLOT:
                gradient[step.slot] = system.add(gradient[step.slot], adjoint)
            elif step.operation != CONSTANT and needed[position]:
                operands = [entries[i] for i in step.operands]
                for k, operand in enumerate(step.operands):
                    if needed[operand]:
                        partial = system.partial(step.primitive, k, operands, entries[position])
                        adjoints[operand] = system.add(adjoints[operand], partial * adjoint)
        return gradient

    # ── the graph ────────────────────────────────────────────────────────────────────────────

    def evaluate(self, node: Node, values: list[Any], kinks: list[str] | None = None) -> None:
        """values[node] from its arguments' values; an EvaluationError where it has no real value."""
        try:
            values[node.index] = self.value(node.recipe, [values[arg] for arg in node.args], kinks)  # type: ignore[arg-type]
        except DomainError as problem:
            hint = "choose values at which the formula is defined"
            if "underflowed" in str(problem):
                hint = (
                    "choose values at which it stays in floating point's range, or rewrite it to avoid the tiny value"
                )
            raise EvaluationError(
                f"cannot compute {definition_in_brief(self.graph, node)} at {at_point(self.graph, node, values)}: "
                f"{problem}",
                span=node.span,
                hint=hint,
            ) from None

    def forward(
        self, inputs: Sequence[Any], notes: bool = True, keep_given: bool = False
    ) -> tuple[list[Any], list[tuple[int, str]]]:
        """Every node's value from the inputs' (at their indices), and what was noted on the way
        (kinks, exactness given up) as (node, sentence), each once per node. With `keep_given`, a
        computed node whose value is given (not None) keeps it: the audit knows the exact ones."""
        values = list(inputs)
        found: list[tuple[int, str]] = []
        collected: list[str] | None = [] if notes else None
        evaluate = self.evaluate
        for node in self.graph.nodes:
            if node.recipe is None or (keep_given and values[node.index] is not None):
                continue
            evaluate(node, values, collected)
            if collected:
                found.extend((node.index, text) for text in dict.fromkeys(collected))
                collected.clear()
        return values, found

    def output_at(self, values: Sequence[Any], changed: dict[int, Any], order: Sequence[int]) -> Any:
        """The output with the inputs in `changed` moved, the others at `values`: only the nodes in
        `order` (those downstream of the moved inputs, in forward order) are computed again."""
        moved = list(values)
        for index, value in changed.items():
            moved[index] = value
        nodes = self.graph.nodes
        for position in order:
            self.evaluate(nodes[position], moved)
        return moved[self.graph.output]

    def backward(
        self,
        values: Sequence[Any],
        wanted: Sequence[int] | None = None,
        record: Callable[..., Any] | None = None,
        skip_zero: bool = False,
    ) -> tuple[list[Any], list[Any]]:
        """∂output/∂node for every node on a path from a `wanted` input (all when None), None for
        the others. With `record` (a type made like Edge), every edge's step in the order backprop
        takes them, and a Sum where a node feeds several others. `skip_zero` passes over nodes
        whose gradient is 0 (their local derivatives are never needed, even where they do not exist)."""
        graph, system = self.graph, self.system
        nodes = graph.nodes
        relevant = relevant_nodes(graph, wanted) if wanted is not None else [True] * len(nodes)
        paths = [0] * len(nodes)
        for node in nodes:
            if relevant[node.index]:
                for arg in node.args:
                    if relevant[arg]:
                        paths[arg] += 1
        gradients: list[Any] = [None] * len(nodes)
        gradients[graph.output] = system.one
        terms: list[list[Any]] = [[] for _ in nodes]
        steps: list[Any] = []
        times, add = system.times, system.add
        for node in reversed(nodes):
            index, recipe = node.index, node.recipe
            upstream = gradients[index]
            if recipe is None or upstream is None or not relevant[index]:
                continue
            args = node.args
            if skip_zero and upstream == 0:
                local: list[Any] = [system.zero] * len(args)
                upstream = system.zero
            else:
                local = self._local(node, values, [relevant[arg] for arg in args])
            arg = index
            try:
                for position, arg in enumerate(args):
                    if not relevant[arg]:
                        continue
                    product = times(local[position], upstream)
                    collected = terms[arg]
                    collected.append(product)
                    if record is not None:
                        steps.append(
                            record(index, arg, position, local[position], upstream, product, len(collected), paths[arg])
                        )
                    if len(collected) == paths[arg]:
                        total = collected[0]
                        for term in collected[1:]:
                            total = add(total, term)
                        gradients[arg] = total
                        if record is not None and paths[arg] > 1:
                            steps.append(Sum(arg, tuple(collected), total))
            except DomainError as problem:
                raise self._no_gradient(arg, node, problem) from None
        return gradients, steps

    def _local(self, node: Node, values: Sequence[Any], wanted: list[bool]) -> list[Any]:
        arguments = [values[arg] for arg in node.args]
        try:
            return self.local_gradient(node.recipe, arguments, values[node.index], wanted)  # type: ignore[arg-type]
        except DomainError as problem:
            raise LocalDerivativeError(self.graph, node, str(problem), at_point(self.graph, node, values)) from None

    def _no_gradient(self, arg: int, node: Node, problem: DomainError) -> EvaluationError:
        """A gradient's product or sum that no number can hold, named."""
        graph = self.graph
        output, name = graph.nodes[graph.output].name, graph.nodes[arg].name
        return EvaluationError(
            f"the gradient ∂{brief(output, 30)}/∂{brief(name, 30)} cannot be computed: {problem}",
            span=node.span,
            hint="choose values at which the gradients are smaller, or rescale the formula",
        )


class LocalDerivativeError(EvaluationError):
    """A local derivative with no value at the point. The backward pass, which knows the formula,
    says which one when the node has one argument (∂ₗJ/∂w = 1/w)."""

    def __init__(self, graph: Graph, node: Node, problem: str, point: str) -> None:
        super().__init__(
            f"the local derivative of {node.name} = {brief(graph.definition(node))} cannot be computed at {point}: "
            f"{problem}",
            span=node.span,
            hint=f"{node.name} is not differentiable there; choose another point",
        )
        self.node, self.problem, self.point = node, problem, point
