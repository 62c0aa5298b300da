"""The mistakes people make about gradients: one catalogue for the claims, the quiz and the lab page.

A mistake is a kind and a prediction: the value the mistake gives, worked out from the backward
pass's numbers at a point (local derivatives, upstream gradients, products along paths, other
nodes' gradients). The quiz and the lab page list each box's predictions at the user's point; a
claim is tested against them at every point it is compared at. Either way a mistake is offered
only when the answer agrees with its prediction everywhere, under the one tolerance policy
(teach/tolerance.py), and the kinds are tried in one order, ORDER:

- SIGN: −1 × the gradient (often a −1 left out, as in d = a − y);
- UPSTREAM_ONLY: ∂J/∂c for a node c that uses the variable, its local derivative not multiplied in;
- MISSING_FACTOR: the gradient without a local derivative further up (not a constant one): the
  gradient divided by it, or where it is 0 (a ReLU that is off) the paths through it without it;
- MISSING_PATH: the sum over some of the paths from the variable to the output;
- FACTOR: k × the gradient, for a constant k the graph explains (the 1/2 of d**2/2 cancelling the
  2 of the square), and, where several points are compared, any constant k that holds at all;
- EXTRA_FACTOR: the gradient times a local derivative it does not hold, or holds once only: one
  multiplied in twice (σ′ again after cross-entropy's ∂J/∂a has cancelled it), or one off the
  way from the variable to the output;
- WRONG_NODE: an activation's local derivative (a node a = σ(z), tanh, relu, …) taken at the
  wrong node: at its own output instead of its argument (σ′(a) for σ′(z)); like EXTRA_FACTOR,
  offered for a number only in the quiz, not for a claim compared at one point;
- WRONG_VARIABLE: the gradient of another node (not one that is 0 here: many are);
- EARLY: a formula right at the user's point and wrong at others, which none of the above
  explains: numbers were put in for names too early (deciding.py finds it; no prediction).

The quiz's value boxes have three, in this order: a constant of the node's own formula left out
(FACTOR: 4 for J = d**2/2 at d = 2), the wrong sign, and another node's value.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from gradexplain.backward import EdgeStep, Step
from gradexplain.engine.arithmetic import DomainError
from gradexplain.engine.kernels import template_of
from gradexplain.formulas import formula_text, with_names
from gradexplain.graph import Graph, Node, slot
from gradexplain.numbers import Number
from gradexplain.teach.tolerance import AGREEMENT, Written, agrees, widest

SIGN, FACTOR, MISSING_FACTOR, MISSING_PATH = "sign", "factor", "missing_factor", "missing_path"
EXTRA_FACTOR, WRONG_NODE, EARLY = "extra_factor", "wrong_node", "early"
UPSTREAM_ONLY, WRONG_VARIABLE, NONE = "upstream_only", "wrong_variable", "none"
ORDER = (SIGN, UPSTREAM_ONLY, MISSING_FACTOR, MISSING_PATH, FACTOR, EXTRA_FACTOR, WRONG_NODE, WRONG_VARIABLE, EARLY)

# Paths from a node to the output listed and tried as subsets (MISSING_PATH) and listed as the
# chain-rule route; more than this (a wide network) and the route is given one step at a time.
MOST_PATHS = 32
ALL_SUBSETS_UP_TO = 4  # paths up to this many: every subset is tried; more: all but one, and one alone
ROUTE_PATHS = 4  # paths written out as the chain-rule route of an answer no mistake explains
# Paths are listed and tried only while they have at most this many edges in all: a path through
# a sum of 16,000 terms is 16,000 edges long, no help to read and slow to multiply out.
MOST_PATH_EDGES = 400
# Edges above a node tried as the missing factor, nearest first (a wide network has many).
MOST_EDGES = 2_000
# A floating-point factor this close to a fraction with at most this denominator is that fraction.
SIMPLE_DENOMINATOR = 12

Key = tuple[int, int]  # an edge, as (node, slot): `node` uses its argument number `slot`


@dataclass(frozen=True, slots=True)
class Edge:
    """An edge of the graph: `node` uses `arg` as its argument number `slot`, with this local
    derivative ∂ₗnode/∂arg (a formula over node's arguments' names, and its value at the point)."""

    node: int
    arg: int
    slot: int
    formula: str
    value: Number


Path = tuple[Edge, ...]  # from a node up to the output


@dataclass(frozen=True, slots=True)
class Sample:
    """One point: every node's value and gradient, and every edge's local derivative."""

    values: tuple[Number, ...]
    gradients: tuple[Number | None, ...]  # None where no gradient was asked for
    local: Mapping[Key, Number]  # (node, slot) → ∂ₗnode/∂argument

    @staticmethod
    def of(values: Sequence[Number], gradients: Sequence[Number | None], steps: Sequence[Step]) -> Sample:
        """The point a forward and a backward pass ran at."""
        local = {(s.node, s.slot): s.local_value for s in steps if isinstance(s, EdgeStep)}
        return Sample(tuple(values), tuple(gradients), local)


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """A mistake, as data (render/claims.py and the quiz word it)."""

    kind: str  # a kind of ORDER, or NONE
    edge: Edge | None = None  # the local derivative left out (SIGN: a -1; UPSTREAM_ONLY: not multiplied in)
    cancels: Edge | None = None  # FACTOR: the local derivative whose constant the one left out cancels
    node: int | None = None  # WRONG_VARIABLE: whose gradient (or value) the answer is; UPSTREAM_ONLY: the
    # consumer; FACTOR: the node whose own formula holds the constant
    value: Number | None = None  # FACTOR: answer = value × gradient; WRONG_VARIABLE, UPSTREAM_ONLY: that number
    constant: Fraction | None = None  # FACTOR: the constant in `node`'s own formula (its 1/2 in d**2/2)
    detail: str = ""  # FACTOR: what in `node`'s formula makes the other constant ("the square")
    counted: tuple[Path, ...] = ()  # MISSING_PATH: the paths the answer adds up …
    missed: tuple[Path, ...] = ()  # … and the ones it leaves out
    route: tuple[Path, ...] = ()  # NONE, MISSING_PATH: every path from the node to the output (empty: too many)
    rounded: int | None = None  # NONE: the answer is the exact gradient rounded to this many decimal places


@dataclass(frozen=True, slots=True)
class Candidate:
    """A mistake and the value it gives at a point (None where it gives none). A `fitted` one
    (FACTOR, any constant k) fits k to the answer, so it tells only where several points agree."""

    diagnosis: Diagnosis
    predict: Callable[[Sample], Number | None]
    fitted: bool = False


class Catalogue:
    """The candidate mistakes about one graph's gradients, with what finding them needs made once
    (who uses each node, how many paths lead up, constants, nodes by gradient), however many
    answers ask: a thousand claims about 50,000 nodes must not walk the graph a thousand times."""

    def __init__(
        self, graph: Graph, edges: Mapping[Key, Edge], expressions: Mapping[Key, sp.Expr | None], first: Sample
    ) -> None:
        self.graph, self.edges, self.expressions = graph, edges, expressions
        self.consumers = _consumers(graph)
        self.path_counts = _path_counts(graph, self.consumers, MOST_PATHS)
        self.index = _GradientIndex.of(first.gradients)
        self.constants = _Constants(graph, expressions)
        self._paths: dict[tuple[int, int], list[tuple[Key, ...]] | None] = {}

    @staticmethod
    def of(graph: Graph, steps: Sequence[Step], first: Sample) -> Catalogue:
        """The catalogue made from a backward pass's steps and the point it ran at."""
        edges = [s for s in steps if isinstance(s, EdgeStep)]
        found = {(s.node, s.slot): Edge(s.node, s.arg, s.slot, s.local_formula, s.local_value) for s in edges}
        return Catalogue(graph, found, {(s.node, s.slot): s.derivative for s in edges}, first)

    # ── the candidates, in ORDER ──

    def gradient(self, node: int, samples: Sequence[Sample], near: Number | None = None) -> Iterator[Candidate]:
        """The mistakes about ∂output/∂node at these points (the user's first), in ORDER. With
        `near` (an answer to diagnose), only the other nodes whose gradient is near it are offered
        as the wrong variable, and local derivatives off the way are tried as a factor too many;
        without it (a box's list of mistakes, which the lab page carries), only those on the way."""
        above = _edges_above(node, self.consumers)

        def always(key: Key, value: int) -> bool:
            return all(sample.local[key] == value for sample in samples)

        if any(sample.gradients[node] != 0 for sample in samples):
            minus = next((self.edges[key] for key in above if always(key, -1)), None)
            yield Candidate(Diagnosis(SIGN, edge=minus), lambda s: -s.gradients[node])  # type: ignore[operator]
        own = self.consumers[node]
        for key in own:
            if not always(key, 1):
                consumer = key[0]
                said = Diagnosis(UPSTREAM_ONLY, self.edges[key], node=consumer, value=samples[0].gradients[consumer])
                yield Candidate(said, lambda s, c=consumer: s.gradients[c])
        for key in above:  # its own edges' local derivatives left out are UPSTREAM_ONLY, above
            if key in own or always(key, 1) or always(key, -1) or _constant(self.expressions.get(key)):
                continue  # a constant factor left out (the 0.5 of J = 0.5*v4) is said as one, below
            yield Candidate(Diagnosis(MISSING_FACTOR, self.edges[key]), lambda s, k=key: self._without(node, k, s))
        yield from self._missing_paths(node)
        yield from self._factors(node, above)
        yield Candidate(Diagnosis(FACTOR), lambda s: s.gradients[node], fitted=True)
        if near is None or len(samples) > 1:  # for a number at one point, a product is a coincidence
            yield from self._extra_factors(node, above, samples, off_the_way=near is not None)
            yield from self._wrong_nodes(node, above)
        yield from self._wrong_variables(node, samples, near)

    def values(self, node: int, sample: Sample) -> Iterator[Candidate]:
        """The mistakes about a node's value (the quiz's forward boxes), by how a learner gets
        there: a constant of the node's own formula left out (the ½ of d**2/2), the sign, and
        only then a coincidence with another node's value."""
        factor = self.constants.factor(node)
        if factor is not None and sample.values[node] != 0:
            said = Diagnosis(FACTOR, node=node, constant=factor, value=1 / factor)
            yield Candidate(said, lambda s: s.values[node] / factor)  # type: ignore[operator]
        if sample.values[node] != 0:
            yield Candidate(Diagnosis(SIGN), lambda s: -s.values[node])
        for other in _inputs_first(self.graph, (n.index for n in self.graph.nodes if n.index != node)):
            yield Candidate(Diagnosis(WRONG_VARIABLE, node=other), lambda s, o=other: s.values[o])

    def _without(self, node: int, key: Key, sample: Sample) -> Number | None:
        """∂output/∂node with the local derivative of `key` left out: divided by it, or, where it
        is 0, the sum over the paths with it taken out of those through it (None: too many)."""
        gradient, local = sample.gradients[node], sample.local[key]
        assert gradient is not None
        if local != 0:
            return gradient / local
        paths = self.paths(node, MOST_PATHS)
        if paths is None:
            return None
        through = [path for path in paths if key in path]
        return gradient + sum((_product([k for k in path if k != key], sample) for path in through), Fraction(0))

    def _extra_factors(
        self, node: int, above: list[Key], samples: Sequence[Sample], off_the_way: bool
    ) -> Iterator[Candidate]:
        """The gradient times a local derivative that is not a constant: one on the way (counted
        twice), then (`off_the_way`) the others, nearest first and at most MOST_EDGES. Not one
        that is 0 or ±1 at every point: an answer of 0 or ±the gradient says nothing of it."""
        on_the_way = set(above)
        others = [key for key in self.edges if key not in on_the_way] if off_the_way else []
        for key in [*above, *others][:MOST_EDGES]:
            if _constant(self.expressions.get(key)):
                continue  # a constant too many is FACTOR's
            if all(sample.local[key] in (0, 1, -1) for sample in samples):
                continue
            said = Diagnosis(EXTRA_FACTOR, self.edges[key], detail="on the way" if key in on_the_way else "")
            yield Candidate(said, lambda s, k=key: s.gradients[node] * s.local[k])  # type: ignore[operator]

    def _wrong_nodes(self, node: int, above: list[Key]) -> Iterator[Candidate]:
        """For each one-argument node on the way whose local derivative varies (an activation):
        the gradient with that local derivative taken at the node's own value instead of at its
        argument's (σ′(a) for σ′(z)), worked out from the derivative's formula."""
        for key in above:
            expression, consumer = self.expressions.get(key), key[0]
            if expression is None or _constant(expression) or not _activation(self.graph, consumer):
                continue
            said = Diagnosis(WRONG_NODE, self.edges[key], node=consumer)
            yield Candidate(said, lambda s, k=key, e=expression, c=consumer: self._at_output(node, k, e, c, s))

    def _at_output(self, node: int, key: Key, expression: sp.Expr, consumer: int, sample: Sample) -> Number | None:
        """∂output/∂node with ∂ₗconsumer/∂argument evaluated at the consumer's value (None where
        that local derivative is 0 here, or has no real value there)."""
        local, gradient = sample.local[key], sample.gradients[node]
        if local == 0 or gradient is None:
            return None
        value = sample.values[consumer]
        at = sp.Rational(value.numerator, value.denominator) if isinstance(value, Fraction) else sp.Float(value, 30)
        wrong = expression.xreplace({slot(key[1]): at})
        if wrong.is_Rational and isinstance(gradient, Fraction) and isinstance(local, Fraction):
            return gradient / local * Fraction(int(wrong.p), int(wrong.q))
        found = complex(wrong.evalf(30))
        if found.imag != 0 or not math.isfinite(found.real):
            return None
        try:
            return float(gradient) / float(local) * found.real
        except (OverflowError, ZeroDivisionError):  # a gradient beyond a double's range: no prediction
            return None

    def _missing_paths(self, node: int) -> Iterator[Candidate]:
        paths = self.paths(node, MOST_PATHS)
        if not paths or len(paths) < 2:
            return
        route = tuple(self.path(p) for p in paths)
        for counted in _subsets(len(paths)):
            chosen = [paths[i] for i in counted]
            said = Diagnosis(
                MISSING_PATH,
                counted=tuple(self.path(p) for p in chosen),
                missed=tuple(self.path(paths[i]) for i in range(len(paths)) if i not in counted),
                route=route,
            )
            yield Candidate(said, lambda s, c=chosen: sum((_product(p, s) for p in c), Fraction(0)))

    def _factors(self, node: int, above: list[Key]) -> Iterator[Candidate]:
        """k × the gradient for each k > 1 or < 1 the graph explains: a constant c of a local
        derivative on the way (left out: k = 1/c), or one in a node's own formula that cancels
        its derivative's (the 1/2 and the 2 of d**2/2: k = 2 or 1/2)."""
        found: dict[Fraction, None] = {}
        for key in above:
            constant = self.constants.local(key)
            if constant is not None:
                found.setdefault(1 / constant)
        for key in above:
            own = self.constants.own(key)
            if own is not None and own[0] * own[1] == 1:
                found.setdefault(1 / own[0])
                found.setdefault(own[0])
        for k in found:
            explained = self.explain_factor(k, above)
            if explained is not None:
                yield Candidate(explained, lambda s, k=k: k * s.gradients[node])  # type: ignore[operator]

    def _wrong_variables(self, node: int, samples: Sequence[Sample], near: Number | None) -> Iterator[Candidate]:
        graph, first = self.graph, samples[0]
        others = self.index.near(near) if near is not None else (n.index for n in graph.nodes)
        for other in _inputs_first(graph, others):
            if other in (node, graph.output) or first.gradients[other] is None or first.gradients[other] == 0:
                continue  # many gradients are 0 (below a dead unit): one being so says nothing
            if all(agrees(s.gradients[other], s.gradients[node]) for s in samples):  # type: ignore[arg-type]
                continue  # the same gradient as this node's: not a mistake
            said = Diagnosis(WRONG_VARIABLE, node=other, value=first.gradients[other])
            yield Candidate(said, lambda s, o=other: s.gradients[o])

    # ── deciding which holds ──

    def diagnose(self, node: int, compared: Sequence[tuple[Sample, Number]], how: Written) -> Diagnosis | None:
        """The first mistake, in ORDER, whose prediction the answer agrees with at every point
        compared (`compared`: each point and the answer's value there, the user's first)."""
        samples = [sample for sample, _ in compared]
        for candidate in self.gradient(node, samples, near=compared[0][1]):
            if candidate.fitted:
                fitted = self._fit(node, compared, how)
                if fitted is not None:
                    return fitted
                continue
            if _holds(candidate.predict, compared, how):
                return candidate.diagnosis
        return None

    def _fit(self, node: int, compared: Sequence[tuple[Sample, Number]], how: Written) -> Diagnosis | None:
        """answer = k × gradient for one constant k (not 0 or ±1) at every point, told only where
        there are several (at one, every number is some multiple of the gradient)."""
        base = next(((s, a) for s, a in compared if s.gradients[node] != 0), None)
        if len(compared) < 2 or base is None:
            return None
        k: Number = base[1] / base[0].gradients[node]  # type: ignore[operator]
        if not isinstance(k, Fraction):  # floating point: 2.0000000003 is 2, if 2 is what holds
            simple = Fraction(k).limit_denominator(SIMPLE_DENOMINATOR)
            k = simple if abs(simple - Fraction(k)) <= AGREEMENT * abs(simple) else k
        if k == 0 or abs(k) == 1 or not _holds(lambda s: k * s.gradients[node], compared, how):  # type: ignore[operator]
            return None
        above = _edges_above(node, self.consumers)
        explained = self.explain_factor(k, above) if isinstance(k, Fraction) else None
        return explained or Diagnosis(FACTOR, value=k)

    def explain_factor(self, k: Fraction, above: list[Key]) -> Diagnosis | None:
        """Where the graph holds the constant of answer = k × gradient: a local derivative's
        (the 0.5 of ∂ₗJ/∂v4 = 0.5, left out) or a node's own (the 1/2 of d**2/2); else None."""
        size = abs(k)
        coefficients = [(key, self.constants.local(key)) for key in above]
        left_out = [key for key, c in coefficients if c is not None and c * size == 1]
        if left_out:
            key = left_out[0]
            partner = next((other for other, c in coefficients if c == size and other != key), None)
            cancels = self.edges[partner] if partner is not None else None
            return Diagnosis(FACTOR, value=k, edge=self.edges[key], cancels=cancels)
        for key in above:  # the constant sits in a node's own formula, its derivative cancelling it
            own = self.constants.own(key)
            if own is None:
                continue
            q, inner, detail = own
            if (q * size == 1 and inner == size) or (q == size and inner * size == 1):
                return Diagnosis(FACTOR, value=k, node=key[0], constant=q, detail=detail)
        return None

    # ── paths ──

    def paths(self, start: int, most: int) -> list[tuple[Key, ...]] | None:
        """Every path from `start` to the output as its edges; None when there are more than
        `most` or they have more than MOST_PATH_EDGES edges in all (found once per node)."""
        if (start, most) not in self._paths:
            self._paths[start, most] = _paths(self, start, most)
        return self._paths[start, most]

    def path(self, keys: tuple[Key, ...]) -> Path:
        return tuple(self.edges[key] for key in keys)

    def route(self, node: int) -> tuple[Path, ...]:
        """The chain-rule route from `node` to the output, path by path (empty: too many)."""
        paths = self.paths(node, ROUTE_PATHS)
        return tuple(self.path(path) for path in paths) if paths else ()


def _holds(predict: Callable[[Sample], Number | None], compared: Sequence[tuple[Sample, Number]], how: Written) -> bool:
    """Whether the answer agrees with the prediction at every point (the user's first: quick)."""
    for sample, answer in compared:
        predicted = predict(sample)
        if predicted is None or not agrees(answer, predicted, how):
            return False
    return True


def _subsets(count: int) -> list[list[int]]:
    """The subsets of `count` paths tried as the ones an answer adds up: every proper one for a
    few paths (one path missed first: the usual slip); for more, all but one, then one alone."""
    if count <= ALL_SUBSETS_UP_TO:
        subsets = [[i for i in range(count) if mask >> i & 1] for mask in range(1, 2**count - 1)]
        subsets.sort(key=lambda subset: (-len(subset), subset))
        return subsets
    return [[i for i in range(count) if i != left_out] for left_out in range(count)] + [[i] for i in range(count)]


def _inputs_first(graph: Graph, nodes: Iterator[int] | Sequence[int]) -> list[int]:
    return sorted(nodes, key=lambda n: (not graph.nodes[n].is_input, n))


def _product(path: Sequence[Key], sample: Sample) -> Number:
    result: Number = Fraction(1)
    for key in path:
        result = result * sample.local[key]
    return result


def _consumers(graph: Graph) -> list[list[Key]]:
    """For each node, the (node, slot) pairs that use it, in graph order."""
    consumers: list[list[Key]] = [[] for _ in graph.nodes]
    for node in graph.nodes:
        for position, arg in enumerate(node.args):
            consumers[arg].append((node.index, position))
    return consumers


def _edges_above(start: int, consumers: list[list[Key]]) -> list[Key]:
    """Every edge on a path from `start` to the output, nearest first (at most MOST_EDGES)."""
    seen, queue, edges = {start}, [start], []
    for node in queue:
        for consumer in consumers[node]:
            edges.append(consumer)
            if len(edges) >= MOST_EDGES:
                return edges
            if consumer[0] not in seen:
                seen.add(consumer[0])
                queue.append(consumer[0])
    return edges


def _path_counts(graph: Graph, consumers: list[list[Key]], most: int) -> list[int]:
    """How many paths lead from each node to the output, counted up to `most` + 1."""
    count = [0] * len(graph.nodes)
    count[graph.output] = 1
    for node in reversed(graph.nodes):
        if node.index != graph.output:
            count[node.index] = min(most + 1, sum(count[c] for c, _ in consumers[node.index]))
    return count


def _paths(catalogue: Catalogue, start: int, most: int) -> list[tuple[Key, ...]] | None:
    """Every path from `start` to the output, depth first, one path held at a time."""
    if catalogue.path_counts[start] > most:
        return None
    consumers, output = catalogue.consumers, catalogue.graph.output
    paths: list[tuple[Key, ...]] = []
    current: list[Key] = []
    stack: list[Iterator[Key]] = [iter(consumers[start])]
    edges = 0
    while stack:
        consumer = next(stack[-1], None)
        if consumer is None:
            stack.pop()
            if current:
                current.pop()
            continue
        current.append(consumer)
        if len(current) > MOST_PATH_EDGES:
            return None
        if consumer[0] == output:
            paths.append(tuple(current))
            edges += len(current)
            if edges > MOST_PATH_EDGES:
                return None
            current.pop()
            continue
        stack.append(iter(consumers[consumer[0]]))
    return paths


def _activation(graph: Graph, index: int) -> bool:
    """Whether a node is one activation applied to one argument (a = sigmoid(z), h = tanh(z))."""
    node = graph.nodes[index]
    primitive = node.recipe.direct if node.recipe is not None else None
    return (
        primitive is not None and len(node.args) == 1 and (primitive.group == "activations" or primitive.name == "tanh")
    )


def _split_constant(node: Node) -> tuple[Fraction, sp.Expr] | None:
    """A node's formula as a constant q (not 0 or ±1) times the rest: (1/2, d**2) for d**2/2."""
    if node.recipe is None:
        return None
    try:
        constant, rest = template_of(node.recipe).as_coeff_Mul()
    except DomainError:  # too large to write out: no constant to explain
        return None
    if not constant.is_Rational or abs(constant) in (0, 1):
        return None
    return Fraction(int(constant.p), int(constant.q)), rest


def _constant(expr: sp.Expr | None) -> bool:
    return expr is not None and bool(expr.is_number)


def _coefficient(expr: sp.Expr | None) -> Fraction | None:
    """The positive rational constant a formula is a multiple of (2 in 2*v3, 1/2 in 0.5), if not 1."""
    if expr is None:
        return None
    coefficient = expr.as_content_primitive()[0]  # 2 in 2*w - 2*y too
    if not coefficient.is_Rational or abs(coefficient) == 1 or coefficient == 0:
        return None
    return Fraction(int(coefficient.p), int(coefficient.q))


class _Constants:
    """The constants an edge's local derivative, or its node's own formula, is a multiple of,
    found once per edge however many answers ask."""

    def __init__(self, graph: Graph, expressions: Mapping[Key, sp.Expr | None]) -> None:
        self.graph, self.expressions = graph, expressions
        self._local: dict[Key, Fraction | None] = {}
        self._own: dict[Key, tuple[Fraction, Fraction, str] | None] = {}

    def local(self, key: Key) -> Fraction | None:
        """The constant of ∂ₗnode/∂argument: 2 for 2*v3, 1/2 for 0.5."""
        if key not in self._local:
            self._local[key] = _coefficient(self.expressions.get(key))
        return self._local[key]

    def factor(self, node: int) -> Fraction | None:
        """The constant q of a node whose formula is q times the rest (½ in d**2/2, 0.5*v4), if not ±1."""
        split = _split_constant(self.graph.nodes[node])
        return None if split is None else split[0]

    def own(self, key: Key) -> tuple[Fraction, Fraction, str] | None:
        """For a node whose formula is a constant q times the rest (d**2/2): q, the constant of the
        rest's derivative by this argument (2), and what makes it ("the square")."""
        if key not in self._own:
            self._own[key] = self._find_own(key)
        return self._own[key]

    def _find_own(self, key: Key) -> tuple[Fraction, Fraction, str] | None:
        node = self.graph.nodes[key[0]]
        split = _split_constant(node)
        if split is None:
            return None
        constant, rest = split
        inner = _coefficient(sp.diff(rest, slot(key[1])))
        if inner is None:
            return None
        if rest.is_Pow and rest.exp == 2:
            detail = "the square"
        elif rest.is_Pow and rest.exp.is_Integer:
            detail = f"the power {rest.exp}"
        else:
            slots = {slot(i): i for i in range(len(node.args))}
            detail = formula_text(with_names(rest, slots, self.graph.argument_names(node)))
        return constant, inner, detail


@dataclass(frozen=True, slots=True)
class _GradientIndex:
    """Nodes sorted by their gradient at the user's point, to find those an answer may be the
    gradient of (the wrong variable) without comparing it with every node."""

    values: tuple[float, ...]
    nodes: tuple[int, ...]

    @staticmethod
    def of(gradients: Sequence[Number | None]) -> _GradientIndex:
        pairs = sorted((_as_float(g), i) for i, g in enumerate(gradients) if g is not None)
        return _GradientIndex(tuple(v for v, _ in pairs), tuple(i for _, i in pairs))

    def near(self, value: Number) -> list[int]:
        """The nodes whose gradient an answer of `value` may agree with (to check exactly)."""
        center, room = _as_float(value), widest(value)
        if not math.isfinite(center) or not math.isfinite(room):  # only as large a gradient can agree
            return [node for node, at in zip(self.nodes, self.values, strict=True) if at == center]
        low = bisect.bisect_left(self.values, center - room)
        high = bisect.bisect_right(self.values, center + room)
        return list(self.nodes[low:high])


def _as_float(value: Number) -> float:
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")
