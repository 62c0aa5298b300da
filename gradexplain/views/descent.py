"""What the gradients are for: N steps of gradient descent, θ ← θ − α·∂J/∂θ, on the inputs of --wrt.

Each step is a forward and a backward pass at the new point (numbers only, through each node's
recipe). The numbers stay exact while they are small (the lecture's unit at α = 0.1 halves its
error each step: 2, 0.5, 0.125, …) and become floating point once a fraction grows past
EXACT_BITS, from that step on, and the view says where. A step that leaves floating point's
range is an error naming the step. Whether J fell or grew is said in words: a too-large α makes
the steps overshoot and J grow, and the output says so rather than printing huge numbers silently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gradexplain.errors import GradexplainError, InputError
from gradexplain.limits import Limits
from gradexplain.numbers import Number, format_number, too_large_for_exact
from gradexplain.views.evaluation import Evaluator, check_work

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

# Exact fractions stay exact while numerator and denominator fit this many bits (about 38
# digits: far more than a table shows, few enough that each step stays cheap).
EXACT_BITS = 128
CONVERGING, DIVERGING, STALLED, MIXED = "converging", "diverging", "stalled", "mixed"


@dataclass(frozen=True, slots=True)
class DescentStep:
    step: int  # 0 is the starting point
    values: tuple[Number, ...]  # the chosen inputs' values, in the order of `Descent.inputs`
    output: Number
    gradients: tuple[Number, ...]


@dataclass(frozen=True, slots=True)
class Descent:
    inputs: tuple[int, ...]  # the inputs that move (--wrt)
    rate: Number  # α
    steps: tuple[DescentStep, ...]  # the start and every step after it
    floating_from: int | None  # the first step computed in floating point, or None: exact throughout
    verdict: str  # CONVERGING, DIVERGING, STALLED or MIXED
    summary: str  # the verdict in words


def descend_from(explanation: Explanation, count: int, rate: Number, limits: Limits | None = None) -> Descent:
    """`count` steps of gradient descent with learning rate `rate` from the explanation's point."""
    limits = limits or Limits()
    if count < 1:
        raise InputError(f"--descend {count}: the number of steps must be at least 1", hint="try --descend 10")
    if count > limits.descent_steps:
        raise InputError(
            f"--descend {count:,}: more steps than the limit of {limits.descent_steps:,}",
            hint=limits.hint("descent_steps"),
        )
    if rate <= 0:
        raise InputError(
            f"--lr must be positive, got {format_number(rate)}",
            hint="a small positive learning rate such as 0.1 (descent steps against the gradient)",
        )
    graph = explanation.graph
    check_work("--descend", (count + 1) * 2 * len(graph.nodes), limits)
    evaluator = Evaluator.of(graph, explanation.values, limits)
    inputs = explanation.wrt
    point = [explanation.values[i] for i in inputs]
    output, gradients = explanation.output_value, [explanation.node_gradients[i] for i in inputs]
    steps = [DescentStep(0, tuple(point), output, tuple(gradients))]  # type: ignore[arg-type]
    floating_from: int | None = None
    for number in range(1, count + 1):
        point = [value - rate * gradient for value, gradient in zip(point, gradients, strict=True)]  # type: ignore[operator]
        if floating_from is None and any(isinstance(v, float) or too_large_for_exact(v, EXACT_BITS) for v in point):
            floating_from = number
        if floating_from is not None:
            point = [float(value) for value in point]
        _finite(number, "the inputs", point)
        try:
            output, gradients = evaluator.output_and_gradients(dict(zip(inputs, point, strict=True)), inputs)
        except GradexplainError as error:
            raise InputError(
                f"gradient descent, step {number}: {error.message}",
                hint="a smaller --lr, or fewer steps (--descend), keeps the steps where J is defined",
            ) from None
        _finite(number, graph.nodes[graph.output].name, [output, *gradients])
        steps.append(DescentStep(number, tuple(point), output, tuple(gradients)))
    verdict, summary = _verdict(explanation, steps, rate)
    return Descent(inputs, rate, tuple(steps), floating_from, verdict, summary)


def _finite(step: int, what: str, numbers: list[Number]) -> None:
    if any(isinstance(n, float) and not math.isfinite(n) for n in numbers):
        raise InputError(
            f"gradient descent, step {step}: {what} left floating point's range (the steps diverge)",
            hint="a smaller --lr, or fewer steps (--descend)",
        )


def _verdict(explanation: Explanation, steps: list[DescentStep], rate: Number) -> tuple[str, str]:
    """Whether J fell or grew, in words a student reads first."""
    out = explanation.output.name
    outputs = [step.output for step in steps]
    first, last = outputs[0], outputs[-1]
    rises = [k for k in range(1, len(outputs)) if outputs[k] > outputs[k - 1]]
    falls = [k for k in range(1, len(outputs)) if outputs[k] < outputs[k - 1]]
    alpha = format_number(rate)
    span = f"{out} went from {format_number(first)} to {format_number(last)} in {len(steps) - 1} steps"
    if not rises and not falls:
        return STALLED, f"{span}: the gradient is 0 here, so the steps do not move"
    if not rises:
        return CONVERGING, f"{span}, falling at every step: α = {alpha} descends"
    tail = rises[-1] == len(outputs) - 1 and len(rises) >= max(1, (len(outputs) - 1) // 2)
    if last > first and tail:
        return DIVERGING, (
            f"{span}, growing at {len(rises)} of {len(outputs) - 1} steps: α = {alpha} is too large, "
            "each step overshoots the minimum (try a smaller --lr)"
        )
    return MIXED, f"{span}; it rose at step{'s' if rises[1:] else ''} {_steps(rises)} and fell at the others"


def _steps(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:5])
    return shown + (f", … ({len(numbers) - 5} more)" if len(numbers) > 5 else "")
