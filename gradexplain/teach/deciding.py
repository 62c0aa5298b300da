"""Deciding claims (`decide_claims`): the right side is computed as written, with each
intermediate's value at the point (which is substituting its definition). A numeric claim is
compared at the point; a symbolic one at the point and at RANDOM_POINTS pseudo-random points (the
same on every run), and SymPy tries to show that the difference is 0, within the symbolic limit
(teach/proving.py). A disagreement anywhere makes a claim wrong, with that point as the
counterexample; agreement everywhere without SymPy's proof is "not proven". Values agree as the
one tolerance policy says (teach/tolerance.py).

A wrong claim is diagnosed from the one catalogue of mistakes (teach/mistakes.py), tested at every
point the claim was compared at; a decimal that is the exact gradient rounded is said to be so.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

from gradexplain.backward import BackwardPass, backward
from gradexplain.engine.interpreter import Interpreter
from gradexplain.engine.kernels import Kernel
from gradexplain.errors import GradexplainError
from gradexplain.forward import forward
from gradexplain.graph import Graph, Node
from gradexplain.numbers import Number, is_exact
from gradexplain.teach.claims import NUMERIC, SYMBOLIC, Claim, Reading, claimed_value
from gradexplain.teach.mistakes import EARLY, NONE, Catalogue, Diagnosis, Sample
from gradexplain.teach.proving import _Symbols
from gradexplain.teach.tolerance import agrees, close

# Other points a symbolic claim is compared at, besides the user's: drawn from a fixed seed, so
# the output is the same on every run.
RANDOM_POINTS = 5
SEED = 10
# Each other point is a forward and a backward pass: on large graphs fewer (never under
# FEWEST_POINTS), so that POINT_WORK node evaluations are not exceeded (a run of 50,000 nodes
# stays within the 20 seconds promised in the README).
POINT_WORK = 100_000
FEWEST_POINTS = 2
ATTEMPTS = 4 * RANDOM_POINTS  # draws allowed for them (a draw outside the formula's domain is skipped)


def _sample(interpreter: Interpreter, inputs: Sequence[Number | None], claimed: Sequence[int]) -> Sample:
    """Every node's value, and the gradients the claims are about, at another point (a
    GradexplainError where the formula or a local derivative needed has no value there)."""
    values = forward(interpreter, inputs, notes=False).values
    passed = backward(interpreter, values, claimed, formulas=False)
    return Sample.of(values, passed.gradients, passed.steps)


def held_inputs(graph: Graph, wanted: Sequence[int], claimed: Sequence[int]) -> frozenset[int]:
    """The inputs that keep their values at the other points: the data, when --wrt names the
    parameters (every input not wanted and no claim's variable)."""
    moving = set(wanted) | set(claimed)
    return frozenset(node.index for node in graph.inputs if node.index not in moving)


def _other_points(graph: Graph, values: Sequence[Number], fixed: frozenset[int]) -> Iterator[list[Number | None]]:
    """Up to ATTEMPTS candidate points near the user's, from a fixed seed, drawn as they are asked
    for: first each input moved by up to ±2.5 (scaled to its size), then, for formulas with a
    narrow domain, each kept on its side of 0. The `fixed` inputs (data) keep their values."""
    rng = random.Random(SEED)
    for attempt in range(ATTEMPTS):
        point: list[Number | None] = [None] * len(graph.nodes)
        for node in graph.inputs:
            value = values[node.index]
            if node.index in fixed:
                point[node.index] = value
                continue
            scale = max(1, int(abs(value)))
            if attempt < ATTEMPTS // 2 or value == 0:
                moved = value + Fraction(rng.choice((-1, 1)) * rng.randint(1, 25), 10) * scale
            else:
                moved = value * Fraction(rng.randint(5, 15), 10)
            point[node.index] = moved if moved != 0 else value + Fraction(1, 10) * scale
        yield point


def decide_claims(
    readings: Sequence[Reading],
    interpreter: Interpreter,
    kernels: Sequence[Kernel | None],
    values: Sequence[Number],
    done: BackwardPass,
    claimed: Sequence[int],
    symbolic_limit: int,
    fixed: frozenset[int] = frozenset(),
) -> tuple[Claim, ...]:
    """Decide every claim at the point (`values`, `done`: the run's audited passes, which give
    a gradient for each of the `claimed` nodes) and, for symbolic claims, at other points, where
    the `fixed` inputs (the data, when --wrt names the parameters) keep their values: with
    one-hot labels y1 = 1, y2 = 0, softmax's ∂J/∂z1 = p1 - 1 is right, and proved so."""
    graph = interpreter.graph
    sample = Sample.of(values, done.gradients, done.steps)
    samples = [sample]
    wanted = max(FEWEST_POINTS, min(RANDOM_POINTS, POINT_WORK // len(graph.nodes)))
    if any(reading.kind == SYMBOLIC for reading in readings):
        for point in _other_points(graph, values, fixed):
            if len(samples) > wanted:
                break
            try:
                samples.append(_sample(interpreter, point, claimed))
            except GradexplainError:  # outside the formula's domain: draw another point
                continue
    symbols = _Symbols(graph, kernels, symbolic_limit, {index: values[index] for index in fixed})
    catalogue = Catalogue.of(graph, done.steps, sample)
    context = _Context(graph, tuple(samples), symbols, interpreter, catalogue, any(map(_has_kink, graph.nodes)))
    return tuple(_decide(reading, context) for reading in readings)


@dataclass(frozen=True, slots=True)
class _Context:
    """What every claim's decision and diagnosis shares, made once per run."""

    graph: Graph
    samples: tuple[Sample, ...]  # the user's point first
    symbols: _Symbols
    interpreter: Interpreter  # in exact arithmetic: what computes a claim's right side
    catalogue: Catalogue
    kinked: bool  # whether a node applies a function with a kink (relu, abs, max, min, clip)


def _decide(reading: Reading, context: _Context) -> Claim:
    graph, samples, node, how = context.graph, context.samples, reading.node, reading.written
    truth = samples[0].gradients[node]
    assert truth is not None
    claimed, undefined = claimed_value(reading, samples[0].values, context.interpreter)
    compared: list[tuple[Sample, Number]] = []  # the points where the claim has a value
    if claimed is not None:
        compared.append((samples[0], claimed))
    if reading.kind == SYMBOLIC:
        for sample in samples[1:]:
            value, _ = claimed_value(reading, sample.values, context.interpreter)
            if value is not None:
                compared.append((sample, value))
    inexact = any(not (is_exact(value) and is_exact(s.gradients[node])) for s, value in compared)  # type: ignore[arg-type]
    ok: bool | None = True
    counter: tuple[Sample, Number] | None = None
    points = 0
    for sample, value in compared:
        if not agrees(value, sample.gradients[node], how):  # type: ignore[arg-type]
            ok = False
            if sample is not samples[0]:
                counter = (sample, value)
            break
        points += 1
    if claimed is None:
        ok = False
    proven, unproven = False, None
    if ok and reading.kind == SYMBOLIC:
        proven, why = context.symbols.prove(reading)
        if not proven:
            ok, unproven = None, why
    truth_written = context.symbols.truth(node)
    diagnosis = None
    if ok is False and claimed is not None:
        diagnosis = _diagnose(reading, compared, context)
    return Claim(
        text=reading.text,
        node=node,
        kind=reading.kind,
        formula=reading.formula,
        ok=ok,
        claimed=claimed,
        truth=truth,
        truth_formula=truth_written[1] if truth_written else None,
        points=points,
        proven=proven,
        unproven=unproven,
        places=reading.places if reading.kind == NUMERIC and not is_exact(truth) else None,
        inexact=inexact,
        undefined=undefined,
        counterexample=tuple((n.index, counter[0].values[n.index]) for n in graph.inputs) if counter else None,
        counter_claimed=counter[1] if counter else None,
        counter_truth=counter[0].gradients[node] if counter else None,
        diagnosis=diagnosis,
    )


def _diagnose(reading: Reading, compared: list[tuple[Sample, Number]], context: _Context) -> Diagnosis:
    """The first mistake of the catalogue that holds at every point compared (only the user's,
    for a numeric claim, whose value is the same everywhere); a decimal that is the exact gradient
    rounded (0.333333 for 1/3) is said to be that first."""
    node, catalogue = reading.node, context.catalogue
    points = compared if reading.kind == SYMBOLIC else compared[:1]
    claimed, truth = points[0][1], points[0][0].gradients[node]
    assert truth is not None
    if reading.places is not None and is_exact(claimed) and close(claimed, truth, reading.written):
        return Diagnosis(NONE, rounded=reading.places, route=catalogue.route(node))
    found = catalogue.diagnose(node, points, reading.written)
    if found is not None:
        return found
    if len(points) > 1 and agrees(claimed, truth, reading.written):  # right here, wrong elsewhere
        return Diagnosis(EARLY, route=catalogue.route(node), detail="kink" if context.kinked else "")
    return Diagnosis(NONE, route=catalogue.route(node))


def _has_kink(node: Node) -> bool:
    """Whether a node applies a function with a kink (relu, abs, max, min, clip)."""
    steps = node.recipe.steps if node.recipe is not None else ()
    return any(getattr(step.primitive, "at_kink", None) is not None for step in steps)
