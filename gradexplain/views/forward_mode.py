"""Forward mode beside reverse: the tangent trace of each chosen input, left to right.

Seed one input with tangent 1 (ẇ = ∂w/∂w = 1) and the others with 0, then carry the tangent
v̇ = ∂v/∂w along with each value: v̇ = Σ ∂ₗv/∂a · ȧ over v's arguments a. One sweep gives
∂J/∂w for that one input; the backward pass gave ∂J/∂v for every input at once. The autodiff
literature shows the two side by side (Baydin et al., JMLR 2018, Table 2: ln(x₁) + x₁x₂ − sin(x₂)
at (2, 5)); so does this view, with the cost: P sweeps of forward mode against one of reverse.

The local derivatives are the backward pass's own (the same ∂ₗv/∂a at the same point): the two
modes differ only in the order the chain rule's products are summed, which is the lesson.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from gradexplain.accuracy import AUDIT_NODES, better_double, precise_pass
from gradexplain.backward import EdgeStep
from gradexplain.engine.arithmetic import ZERO, settle
from gradexplain.engine.interpreter import Edge, relevant_nodes
from gradexplain.engine.systems import AUDIT_DIGITS
from gradexplain.limits import Limits
from gradexplain.numbers import Number
from gradexplain.views.evaluation import check_work

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation


@dataclass(frozen=True, slots=True)
class TangentTerm:
    """One product of the forward chain rule: ∂ₗnode/∂arg (at slot `slot`) times the argument's tangent."""

    slot: int
    arg: int
    local: Number
    tangent: Number


@dataclass(frozen=True, slots=True)
class TangentRow:
    """A node of one sweep: its tangent, the sum of its terms (an input's is its seed, 1 or 0)."""

    node: int
    terms: tuple[TangentTerm, ...]  # empty for inputs, and for nodes no chosen input lies below
    tangent: Number


@dataclass(frozen=True, slots=True)
class TangentSweep:
    """One forward sweep, seeded at input `seed`; its output row holds ∂J/∂seed."""

    seed: int
    rows: tuple[TangentRow, ...]  # every node, in forward order
    output_tangent: Number


@dataclass(frozen=True, slots=True)
class ForwardMode:
    sweeps: tuple[TangentSweep, ...]  # one per chosen input (--wrt), in input order
    computed: int  # N: computed nodes each sweep passes through
    products: int  # local-derivative products per sweep (the edges below a chosen input)
    reverse_steps: int  # local-derivative products of the one backward pass
    seconds: float | None  # the sweeps, measured, only with --cost (times vary)

    @property
    def evaluations(self) -> int:
        """Products of all the sweeps together: P × the products of one."""
        return len(self.sweeps) * self.products


def tangent_sweeps(explanation: Explanation, limits: Limits | None = None, timed: bool = False) -> ForwardMode:
    """A tangent sweep for each input in --wrt, with the backward pass's local derivatives."""
    limits = limits or Limits()
    graph = explanation.graph
    local: dict[tuple[int, int], Number] = {}
    for step in explanation.steps:
        if isinstance(step, EdgeStep):
            local[(step.node, step.slot)] = step.local_value
    relevant = relevant_nodes(graph, explanation.wrt)
    computed = len(graph.nodes) - len(graph.inputs)
    check_work("--mode forward", len(explanation.wrt) * len(graph.nodes), limits)
    audited = any(isinstance(v, float) for v in local.values()) and len(graph.nodes) <= AUDIT_NODES
    precise = _precise_locals(explanation) if audited else None
    started = time.perf_counter()
    sweeps = tuple(_sweep(explanation, seed, local, relevant, limits.exact_bits, precise) for seed in explanation.wrt)
    seconds = time.perf_counter() - started if timed else None
    reverse = sum(isinstance(step, EdgeStep) for step in explanation.steps)
    return ForwardMode(sweeps, computed, len(local), reverse, seconds)


def _precise_locals(explanation: Explanation) -> dict[tuple[int, int], Any]:
    """Every local derivative at 50 digits, as the audit computes them."""
    passed = precise_pass(explanation.graph, explanation.values, AUDIT_DIGITS, explanation.wrt)
    return {(step.node, step.slot): step.local_value for step in passed.steps if isinstance(step, Edge)}


def _sweep(
    explanation: Explanation,
    seed: int,
    local: dict[tuple[int, int], Number],
    relevant: list[bool],
    bits: int,
    precise: dict[tuple[int, int], Any] | None,
) -> TangentSweep:
    """One sweep; with `precise` (the local derivatives at 50 digits), it is carried at 50 digits
    too, and a double tangent the 50 digits find wrong is replaced, as the audit does the
    gradients: the two modes then show the same right digits."""
    graph = explanation.graph
    tangents: list[Number] = [ZERO] * len(graph.nodes)
    truths: list[Any] = [0] * len(graph.nodes)
    rows: list[TangentRow] = []
    for node in graph.nodes:
        if node.is_input:
            tangents[node.index] = truths[node.index] = Fraction(1) if node.index == seed else ZERO
            rows.append(TangentRow(node.index, (), tangents[node.index]))
            continue
        slots = [(slot, arg) for slot, arg in enumerate(node.args) if relevant[arg] and relevant[node.index]]
        terms = tuple(TangentTerm(slot, arg, local[(node.index, slot)], tangents[arg]) for slot, arg in slots)
        total: Number = ZERO
        for term in terms:
            total = settle(total + term.local * term.tangent, None, bits)
        if precise is not None:
            truth = sum((precise[(node.index, slot)] * truths[arg] for slot, arg in slots), start=0)
            truths[node.index] = truth
            if isinstance(total, float):
                total = better_double(total, truth)
        tangents[node.index] = total
        rows.append(TangentRow(node.index, terms, total))
    return TangentSweep(seed, tuple(rows), tangents[graph.output])
