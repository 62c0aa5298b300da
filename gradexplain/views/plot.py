"""J against one input, the others fixed: the curve, the point, the tangent and the ε secant.

The data of the picture, not the picture (render/ draws it, as characters or with matplotlib).
The curve is sampled in doubles, and drawn as it is: never a line across a pole or a jump
(1/w at 0, tan at π/2), a corner exactly where a kink is (relu, abs, max, min), and an end
exactly where the formula stops being defined (log and sqrt at 0). Each sample records the
branch every kink-making operation took and the value that is 0 at each pole (a divisor, cos
for tan); where two neighbours differ in a branch or in a divisor's sign, the switch is found
by bisection, and the curve gets a corner there (a kink) or a break (a pole, where J grows
without bound; where it stays finite, as 1/tan(w) at π/2, the curve goes on, and a single point
without a value, as (w-1)/(w-1) at 1, is a hole). A divisor that touches 0 without changing sign
(1/(w-1)**2, 1/abs(w**2-2)) shows as a dip in its size between samples: the dip's bottom is
searched for, and a divisor that falls there to DIP times its neighbours' (or to 0) is taken to
reach 0: a pole where the curve runs off the window on both sides, else a hole.

At the scale of the curve the ε secant of --check and the tangent coincide (their slopes
differ by about ε·J″/2), so the data also holds a zoom: J minus its tangent line near the
point, where the secant rises with slope estimate − gradient and the curve bends away.
"""

from __future__ import annotations

import itertools
import math
import sys
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from gradexplain.engine.interpreter import consumers_of, downstream
from gradexplain.engine.tape import Instruction
from gradexplain.errors import GradexplainError, InputError
from gradexplain.limits import Limits
from gradexplain.numbers import Number
from gradexplain.views.evaluation import Evaluator, check_work

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation
    from gradexplain.views.descent import Descent

SAMPLES = 401  # odd: the point is the middle sample
ZOOM_SAMPLES = 81
BISECTIONS = 60  # halvings to find a kink, a pole or an edge between two samples (to a double's precision)
DIPS = 8  # dips of a divisor searched for an even pole, the deepest first
DIP_PROBES = 150  # samples each search may take: enough to narrow a window to neighbouring doubles
DIP = 1e-12  # a divisor this many times smaller than beside the dip is taken to reach 0 there
GROWTH = 1e6  # J this many times larger next to a divisor's sign change than at the samples: a pole
WIDEST = 4  # descent steps widen the window up to this many times its usual width

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Plot:
    input: int
    point: Number  # the input's value at the point
    value: Number  # J there
    gradient: Number  # ∂J/∂input: the tangent's slope
    low: float  # the window: the input from low to high …
    high: float
    bottom: float  # … and J from bottom to top (the curve may leave it: it is cut at the edges)
    top: float
    curve: tuple[tuple[Point, ...], ...]  # pieces: a new one after each pole or stretch without a value
    kinks: tuple[float, ...]  # where the curve has a corner
    poles: tuple[float, ...]  # where it jumps (the pieces are not joined across)
    undefined: tuple[tuple[float, float], ...]  # stretches of the window where J has no value
    method: str  # the secant's: "forward" or "central" difference, as --check's
    eps: Number
    secant: tuple[tuple[Number, Number], tuple[Number, Number]] | None  # its two points, None: J undefined there
    zoom: tuple[Point, ...]  # (input, J − tangent line) near the point
    steps: tuple[Point, ...] = ()  # descent's (input, J) after each step, with --descend
    steps_outside: int = 0  # descent steps beyond the window (diverging), not drawn
    steps_leave_curve: bool = False  # descent moves other inputs too, so its points leave this curve

    @property
    def secant_slope(self) -> Number | None:
        if self.secant is None:
            return None
        (x0, y0), (x1, y1) = self.secant
        return (y1 - y0) / (x1 - x0)


@dataclass(frozen=True, slots=True)
class _Sample:
    x: float
    y: float | None  # None: no value here
    kinks: tuple[bool, ...] = ()  # the branch of each kink-making operation
    divisors: tuple[float, ...] = ()  # what is 0 at each pole-making operation's pole

    @property
    def sides(self) -> tuple[bool, ...]:
        """Which side of each pole the sample is on."""
        return tuple(d > 0 for d in self.divisors)


def make_plot(
    explanation: Explanation, name: int, limits: Limits | None = None, descent: Descent | None = None
) -> Plot:
    """The plot of J against input `name` (a node index) around the point."""
    limits = limits or Limits()
    graph = explanation.graph
    evaluator = Evaluator.of(graph, explanation.values, limits)
    order = downstream(consumers_of(graph), name)
    check_work("--plot", (SAMPLES + ZOOM_SAMPLES + 4 * BISECTIONS + DIPS * DIP_PROBES) * max(1, len(order)), limits)
    x0, y0 = explanation.values[name], explanation.output_value
    gradient = explanation.node_gradients[name]
    assert gradient is not None
    half = max(1.0, abs(float(x0)))
    low, high = float(x0) - half, float(x0) + half
    steps: list[Point] = []
    outside = 0
    leaves = False
    if descent is not None and name in descent.inputs:
        column = descent.inputs.index(name)
        leaves = len(descent.inputs) > 1
        xs = [float(step.values[column]) for step in descent.steps[1:]]
        margin = 0.05 * (max([high, *xs]) - min([low, *xs]))  # a step on the edge stays visible
        low = max(min([low, *(x - margin for x in xs)]), float(x0) - WIDEST * half)
        high = min(max([high, *(x + margin for x in xs)]), float(x0) + WIDEST * half)
        for step, x in zip(descent.steps[1:], xs, strict=True):
            if low <= x <= high:
                steps.append((x, float(step.output)))
            else:
                outside += 1
    sampler = _Sampler(evaluator, name, order)
    xs = [low + (high - low) * k / (SAMPLES - 1) for k in range(SAMPLES)]
    xs = sorted({*xs, float(x0)})
    curve, kinks, poles, undefined = _trace(_with_even_poles([sampler(x) for x in xs], sampler), sampler)
    values = [y for piece in curve for _, y in piece]
    if not values:
        raise InputError("--plot: the formula has no value anywhere in the window", hint="choose another point")
    bottom, top = _window(values, float(y0))
    tiny = 1e-9 * (high - low)
    snap = lambda x: 0.0 if abs(x) < tiny else x  # noqa: E731 - bisection's 4e-21 is the kink at 0
    holes = [(a + b) / 2 for a, b in undefined if b - a < tiny]
    undefined = tuple((snap(a), snap(b)) for a, b in undefined if b - a >= tiny)
    # A single point without a value with the curve running off the window on both sides: a pole (1/w at 0).
    poles = tuple(sorted({*(snap(x) for x in poles), *(snap(x) for x in holes if _runs_off(curve, x, bottom, top))}))
    undefined += tuple((snap(x), snap(x)) for x in holes if not _runs_off(curve, x, bottom, top))
    breaks = [*poles, *(a for a, b in undefined if a == b)]
    kinks = tuple(snap(x) for x in kinks if not any(abs(x - at) < tiny for at in breaks))  # a pole's own
    secant = _secant(evaluator, name, order, x0, explanation.eps, explanation.method)
    return Plot(
        input=name,
        point=x0,
        value=y0,
        gradient=gradient,
        low=low,
        high=high,
        bottom=bottom,
        top=top,
        curve=curve,
        kinks=kinks,
        poles=poles,
        undefined=undefined,
        method=explanation.method,
        eps=explanation.eps,
        secant=secant,
        zoom=_zoom(evaluator, name, order, x0, y0, gradient, explanation.eps, explanation.method),
        steps=tuple(steps),
        steps_outside=outside,
        steps_leave_curve=leaves,
    )


class _Sampler:
    """J at one value of the input, in doubles, with the branch each kink and pole took."""

    def __init__(self, evaluator: Evaluator, name: int, order: tuple[int, ...]) -> None:
        self.evaluator, self.name, self.order = evaluator, name, order

    def __call__(self, x: float) -> _Sample:
        try:
            found = self.evaluator.entries_at(self.name, x, self.order)
        except GradexplainError:
            return _Sample(x, None)
        y = float(found[-1][0]) if found else float(self.evaluator.values[self.evaluator.graph.output])
        if not math.isfinite(y):
            return _Sample(x, None)
        kinks: list[bool] = []
        divisors: list[float] = []
        for position, (_, entries) in zip(self.order, found, strict=True):
            recipe = self.evaluator.graph.nodes[position].recipe
            assert recipe is not None
            for step in recipe.steps:
                _branches(step, [entries[i] for i in step.operands], kinks, divisors)
        return _Sample(x, y, tuple(kinks), tuple(divisors))


def _branches(step: Instruction, operands: list[Any], kinks: list[Any], divisors: list[float]) -> None:
    """The branch an operation took at its kinks, and its value that is 0 at its poles."""
    primitive = step.primitive
    if primitive is None:
        return
    if primitive.kink_side is not None:
        kinks.extend(primitive.kink_side(*operands))
    if primitive.pole_divisors is not None:
        divisors.extend(float(d) for d in primitive.pole_divisors(*operands))


def _with_even_poles(samples: list[_Sample], sampler: _Sampler) -> list[_Sample]:
    """The samples with a valueless one added at each pole where no divisor changes sign, which
    the tracing then breaks the curve at (see the module's doc)."""
    dips = []
    for a, b, c in zip(samples, samples[1:], samples[2:], strict=False):
        if None in (a.y, b.y, c.y) or not a.sides == b.sides == c.sides:
            continue
        for k, (left, middle, right) in enumerate(zip(a.divisors, b.divisors, c.divisors, strict=True)):
            if abs(middle) < abs(left) and abs(middle) <= abs(right):
                dips.append((abs(middle) / max(abs(left), abs(right)), a, b, c, k))
    poles = [_pole_in_dip(a, b, c, k, sampler) for *_, a, b, c, k in sorted(dips, key=lambda dip: dip[0])[:DIPS]]
    found = [_Sample(x, None) for x in poles if x is not None]
    return sorted([*samples, *found], key=lambda sample: sample.x) if found else samples


def _pole_in_dip(a: _Sample, b: _Sample, c: _Sample, k: int, sampler: _Sampler) -> float | None:
    """Where divisor k reaches 0 between samples a and c (b between them is lower than both), or
    None where its lowest point stays away from 0. Halving the wider side each time keeps the
    lowest sample found between two higher ones."""
    floor = DIP * min(abs(a.divisors[k]), abs(c.divisors[k]))
    low, best, high = a, b, c
    for _ in range(DIP_PROBES):
        x = (low.x + best.x) / 2 if best.x - low.x > high.x - best.x else (best.x + high.x) / 2
        if x in (low.x, best.x, high.x):
            break
        sample = sampler(x)
        if sample.y is None or sample.sides != b.sides:
            return x  # no value here, or a sign change after all: the tracing finds its edge
        if abs(sample.divisors[k]) < abs(best.divisors[k]):
            low, high = (low, best) if x < best.x else (best, high)
            best = sample
        else:
            low, high = (sample, high) if x < best.x else (low, sample)
    return best.x if abs(best.divisors[k]) <= floor else None


def _bisect(a: _Sample, b: _Sample, sampler: _Sampler, same: Any) -> tuple[_Sample, _Sample]:
    """Narrow [a, b] to two neighbouring samples, the first like `a` (by `same`), the second not."""
    for _ in range(BISECTIONS):
        middle = (a.x + b.x) / 2
        if middle in (a.x, b.x):
            break
        sample = sampler(middle)
        if same(a, sample):
            a = sample
        else:
            b = sample
    return a, b


def _trace(
    samples: list[_Sample], sampler: _Sampler
) -> tuple[tuple[tuple[Point, ...], ...], tuple[float, ...], tuple[float, ...], tuple[tuple[float, float], ...]]:
    """The curve's pieces from the samples, refined at kinks, poles and the edges of the domain."""
    pieces: list[list[Point]] = []
    current: list[Point] = []
    kinks: list[float] = []
    poles: list[float] = []
    undefined: list[tuple[float, float]] = []
    gap_start: float | None = None if samples[0].y is not None else samples[0].x

    def valid(sample: _Sample) -> bool:
        return sample.y is not None

    if samples[0].y is not None:
        current.append((samples[0].x, samples[0].y))
    for a, b in itertools.pairwise(samples):
        if valid(a) and valid(b):
            if a.sides != b.sides:
                left, right = _bisect(a, b, sampler, lambda p, q: valid(q) and q.sides == p.sides)
                if left.y is not None and left.x != a.x:
                    current.append((left.x, left.y))
                if _blows_up(a, b, left, right):
                    poles.append(right.x)
                    pieces.append(current)
                    current = [] if right.y is None else [(right.x, right.y)]
                elif right.y is None:  # one point without a value, J finite around it: a hole
                    undefined.append((right.x, right.x))
                    pieces.append(current)
                    current = []
                elif right.x != b.x:
                    current.append((right.x, right.y))
            elif a.kinks != b.kinks:
                left, right = _bisect(a, b, sampler, lambda p, q: valid(q) and q.kinks == p.kinks)
                kinks.append(right.x)
                current.append((right.x, right.y))  # type: ignore[arg-type]
        elif valid(a):  # the domain ends between a and b
            left, _ = _bisect(a, b, sampler, lambda p, q: valid(q))
            current.append((left.x, left.y))  # type: ignore[arg-type]
            pieces.append(current)
            current = []
            gap_start = left.x
        elif valid(b):  # it starts again
            _, right = _bisect(a, b, sampler, lambda p, q: not valid(q))
            undefined.append((gap_start if gap_start is not None else a.x, right.x))
            gap_start = None
            current = [(right.x, right.y)]  # type: ignore[list-item]
            if right.x == b.x:
                continue
        if valid(b):
            current.append((b.x, b.y))  # type: ignore[arg-type]
    if current:
        pieces.append(current)
    if gap_start is not None:
        undefined.append((gap_start, samples[-1].x))
    return (
        tuple(tuple(piece) for piece in pieces if piece),
        tuple(kinks),
        tuple(poles),
        tuple(undefined),
    )


def _blows_up(a: _Sample, b: _Sample, left: _Sample, right: _Sample) -> bool:
    """Whether J grows without bound where a divisor changes sign between samples a and b (found
    between left and right): tan at π/2 does, 1/tan there does not."""
    near = max(abs(s.y) for s in (left, right) if s.y is not None)
    return near >= GROWTH * max(abs(a.y), abs(b.y), sys.float_info.min)  # type: ignore[arg-type]


def _runs_off(curve: tuple[tuple[Point, ...], ...], x: float, bottom: float, top: float) -> bool:
    """Whether the curve leaves the window on both sides of `x`: the pieces that end and start there."""
    left = max((piece for piece in curve if piece[-1][0] <= x), key=lambda piece: piece[-1][0], default=None)
    right = min((piece for piece in curve if piece[0][0] >= x), key=lambda piece: piece[0][0], default=None)
    if left is None or right is None:
        return False
    return all(not bottom <= y <= top for y in (left[-1][1], right[0][1]))


def _window(values: list[float], y0: float) -> tuple[float, float]:
    """J's range to show: all of the curve, unless a pole sends it far off, then its middle 90 %."""
    ordered = sorted(values)
    lowest, highest = ordered[0], ordered[-1]
    q05, q95 = ordered[len(ordered) // 20], ordered[-1 - len(ordered) // 20]
    if highest - lowest > 10 * (q95 - q05) and q95 > q05:
        lowest, highest = q05, q95
    lowest, highest = min(lowest, y0), max(highest, y0)
    if highest - lowest < 1e-12 * max(1.0, abs(y0)):
        return y0 - 1.0, y0 + 1.0
    margin = (highest - lowest) * 0.06
    return lowest - margin, highest + margin


def _secant(
    evaluator: Evaluator, name: int, order: tuple[int, ...], x0: Number, eps: Number, method: str
) -> tuple[tuple[Number, Number], tuple[Number, Number]] | None:
    """--check's secant, exactly as --check computes it: through J at x and x + ε (or x ± ε)."""
    try:
        upper = evaluator.output_at(name, x0 + eps, order)
        if method == "central":
            lower = evaluator.output_at(name, x0 - eps, order)
            return ((x0 - eps, lower), (x0 + eps, upper))
    except GradexplainError:
        return None
    return ((x0, evaluator.values[evaluator.graph.output]), (x0 + eps, upper))


def _zoom(
    evaluator: Evaluator,
    name: int,
    order: tuple[int, ...],
    x0: Number,
    y0: Number,
    gradient: Number,
    eps: Number,
    method: str,
) -> tuple[Point, ...]:
    """J minus the tangent line from x − 2ε (x − ε for the forward difference) to x + 2ε, exact
    where the numbers are: the differences are ε²-small and would drown in rounding."""
    start = -2 if method == "central" else -1
    points: list[Point] = []
    for k in range(ZOOM_SAMPLES):
        offset = Fraction(eps) * (start + Fraction((2 - start) * k, ZOOM_SAMPLES - 1))
        try:
            y = evaluator.output_at(name, x0 + offset, order)
        except GradexplainError:
            continue
        points.append((float(x0 + offset), float(y - y0 - gradient * offset)))
    return tuple(points)
