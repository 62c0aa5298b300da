"""Exercises made to order (--random): a program from a family that teaches one thing about
backprop, with values small enough that every box can be worked on paper.

Each family draws its numbers so that the arithmetic stays on small integers and short decimals:
the sigmoid neurons sit at z = 0 (σ = ½, σ' = ¼), the dead ReLU unit's pre-activation is
negative and the live one's positive (never on the kink). The same seed and level always give
the same exercise; the result is an ordinary program, so every other option works on it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

LEVELS = (1, 2, 3)


@dataclass(frozen=True, slots=True)
class Exercise:
    family: str  # "the linear unit"
    lesson: str  # what working it teaches
    program: str  # assignments, the inputs' values first; the last line is the output
    wrt: tuple[str, ...]  # the inputs whose gradients the exercise is about (the parameters)
    seed: int
    level: int

    @property
    def command(self) -> str:
        """The command that makes this exercise again."""
        return f"gradexplain --random --seed {self.seed} --level {self.level}"

    @property
    def text(self) -> str:
        """The program as a file: what it is, how to make it again, then the assignments."""
        header = [
            f"# Exercise: {self.family} (level {self.level}, seed {self.seed}).",
            f"# Teaches: {self.lesson}",
            f"# Made by: {self.command}",
            f"# Asks: every value, then the gradients of {', '.join(self.wrt)} and of the nodes on their way "
            f"(--random asks just these; run this file with --wrt {','.join(self.wrt)})",
        ]
        return "\n".join(header) + "\n" + self.program


# What a family draws: its name, what it teaches, the inputs' values, the assignments, the parameters.
Drawn = tuple[str, str, dict[str, int], list[str], tuple[str, ...]]
Family = Callable[[random.Random], Drawn]


def _nonzero(rng: random.Random, low: int, high: int) -> int:
    return rng.choice([n for n in range(low, high + 1) if n != 0])


def _program(inputs: dict[str, int], body: list[str]) -> str:
    return "\n".join([*(f"{name} = {value}" for name, value in inputs.items()), *body]) + "\n"


def _linear_unit(rng: random.Random) -> Drawn:
    w, x = _nonzero(rng, -3, 3), _nonzero(rng, -3, 3)
    b = rng.randint(-5, 5)
    y = rng.choice([n for n in range(-5, 6) if n != w * x + b])  # a prediction that misses: d ≠ 0
    body = ["c = w*x", "a = c + b", "d = a - y", "J = d**2/2"]
    lesson = "the chain rule one node at a time, as in the lecture (c = wx, a = c + b, d = a - y, J = ½d²)"
    return "the linear unit", lesson, {"w": w, "x": x, "b": b, "y": y}, body, ("w", "b")


def _square(rng: random.Random) -> Drawn:
    p, q = _nonzero(rng, -4, 4), _nonzero(rng, 2, 4)
    w = rng.choice([n for n in range(-3, 4) if p + q * n != 0])
    body = [f"a = {p} + {q}*w", "J = a**2"]
    lesson = f"a two-node graph, the lab's (2+3w)² with other numbers: J = ({p} + {q}w)²"
    return "a square of a linear function", lesson, {"w": w}, body, ("w",)


def _fan_out(rng: random.Random) -> Drawn:
    w, x = _nonzero(rng, -3, 3), _nonzero(rng, -3, 3)
    while w + x == 0:
        x = _nonzero(rng, -3, 3)
    body = ["p = w*x", "s = w + x", "J = p*s"]
    lesson = "fan-out: w reaches J along two paths, and its gradient is the sum of both"
    return "a fan-out", lesson, {"w": w, "x": x}, body, ("w", "x")


def _sigmoid_squared(rng: random.Random) -> Drawn:
    w, x = _nonzero(rng, -3, 3), rng.choice([-4, -2, -1, 1, 2, 4])
    y = rng.choice([0, 1])
    body = ["z = w*x + b", "a = sigmoid(z)", "J = (a - y)**2/2"]
    lesson = "a sigmoid neuron with a squared error: σ(0) = ½ and σ'(0) = σ(1 - σ) = ¼"
    return "a sigmoid neuron, squared error", lesson, {"w": w, "x": x, "b": -w * x, "y": y}, body, ("w", "b")


def _sigmoid_cross_entropy(rng: random.Random) -> Drawn:
    w, x = _nonzero(rng, -3, 3), rng.choice([-2, -1, 1, 2])
    y = rng.choice([0, 1])
    body = ["z = w*x + b", "a = sigmoid(z)", "J = -(y*log(a) + (1 - y)*log(1 - a))"]
    lesson = "a sigmoid neuron with cross-entropy: ∂J/∂z = a - y (J itself is log 2 = 0.693…)"
    inputs: dict[str, int] = {"w": w, "x": x, "b": -w * x, "y": y}
    return "a sigmoid neuron, cross-entropy", lesson, inputs, body, ("w", "b")


def _two_layer_relu(rng: random.Random) -> Drawn:
    while True:
        x1, x2 = _nonzero(rng, -2, 2), _nonzero(rng, -2, 2)
        weights = {name: _nonzero(rng, -2, 2) for name in ("w11", "w12", "w21", "w22", "v1", "v2")}
        b1, b2, c = rng.randint(-2, 2), rng.randint(-2, 2), rng.randint(-2, 2)
        z1 = weights["w11"] * x1 + weights["w12"] * x2 + b1
        z2 = weights["w21"] * x1 + weights["w22"] * x2 + b2
        out = weights["v2"] * z2 + c
        y = rng.randint(-3, 3)
        if z1 < 0 < z2 and out != y and abs(out - y) <= 10:  # unit 1 dead, unit 2 alive, a miss
            break
    inputs: dict[str, int] = {"x1": x1, "x2": x2, **weights, "b1": b1, "b2": b2, "c": c, "y": y}
    body = [
        "z1 = w11*x1 + w12*x2 + b1",
        "h1 = relu(z1)",
        "z2 = w21*x1 + w22*x2 + b2",
        "h2 = relu(z2)",
        "out = v1*h1 + v2*h2 + c",
        "J = (out - y)**2/2",
    ]
    lesson = "a two-layer ReLU network with a dead unit: h1's pre-activation is negative, so no gradient passes it"
    wrt = ("w11", "w12", "b1", "w21", "w22", "b2", "v1", "v2", "c")
    return "a two-layer ReLU network", lesson, inputs, body, wrt


# Each level adds families that take more steps or more care.
FAMILIES: dict[int, tuple[Family, ...]] = {
    1: (_linear_unit, _square),
    2: (_linear_unit, _fan_out, _sigmoid_squared),
    3: (_fan_out, _sigmoid_squared, _sigmoid_cross_entropy, _two_layer_relu),
}


def make_exercise(seed: int, level: int = 1) -> Exercise:
    """The exercise for this seed and level (1, 2 or 3): always the same for the same pair."""
    if level not in LEVELS:
        raise ValueError(f"level {level}: choose 1, 2 or 3")
    rng = random.Random(f"gradexplain exercise {seed} {level}")  # a string seed is stable across Pythons
    family = rng.choice(FAMILIES[level])
    name, lesson, inputs, body, wrt = family(rng)
    return Exercise(name, lesson, _program(inputs, body), wrt, seed, level)
