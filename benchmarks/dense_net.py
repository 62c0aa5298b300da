"""A dense network unrolled into scalar statements: the benchmark's graphs.

    x_i (inputs), w_j_i, b_j (hidden layer), v_j, c (output layer), t (target)
    p_j_i = w_j_i * x_i
    z_j   = p_j_1 + … + p_j_I + b_j
    h_j   = tanh | relu | sigmoid (z_j)      (the three in turn, unit by unit)
    q_j   = v_j * h_j
    y     = q_1 + … + q_H + c
    J     = (y - t)**2/2

One description, written out for every engine: a gradexplain program, and plain Python that
builds the same graph in micrograd or PyTorch, or evaluates it with floats.

    python benchmarks/dense_net.py 100000 > net.gx      (about that many nodes)
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ACTIVATIONS = ("tanh", "relu", "sigmoid")


@dataclass(frozen=True)
class Network:
    inputs: int
    hidden: int
    seed: int = 0

    @property
    def nodes(self) -> int:
        """Nodes in gradexplain's graph: every value assigned plus every statement computed."""
        given = self.inputs + 1 + self.hidden * self.inputs + 2 * self.hidden + 1
        computed = self.hidden * self.inputs + 3 * self.hidden + 2
        return given + computed

    @property
    def parameters(self) -> int:
        """Inputs of the graph that get gradients (all of them: data, weights, target)."""
        return self.inputs + 1 + self.hidden * self.inputs + 2 * self.hidden + 1

    def values(self) -> dict[str, str]:
        """Every input's value as a short decimal, so exact arithmetic starts out cheap."""
        rng = random.Random(self.seed)

        def decimal(low: float, high: float) -> str:
            return f"{rng.uniform(low, high):.2f}"

        values = {f"x_{i}": decimal(-1, 1) for i in range(self.inputs)}
        for j in range(self.hidden):
            values.update({f"w_{j}_{i}": decimal(-0.5, 0.5) for i in range(self.inputs)})
            values[f"b_{j}"] = decimal(-0.1, 0.1)
            values[f"v_{j}"] = decimal(-1, 1)
        values["c"] = decimal(-0.1, 0.1)
        values["t"] = decimal(-1, 1)
        return values

    def statements(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(name, operation, argument names) for every computed node, in order."""
        out: list[tuple[str, str, tuple[str, ...]]] = []
        for j in range(self.hidden):
            for i in range(self.inputs):
                out.append((f"p_{j}_{i}", "*", (f"w_{j}_{i}", f"x_{i}")))
            out.append((f"z_{j}", "sum", (*(f"p_{j}_{i}" for i in range(self.inputs)), f"b_{j}")))
            out.append((f"h_{j}", ACTIVATIONS[j % 3], (f"z_{j}",)))
            out.append((f"q_{j}", "*", (f"v_{j}", f"h_{j}")))
        out.append(("y", "sum", (*(f"q_{j}" for j in range(self.hidden)), "c")))
        out.append(("J", "loss", ("y", "t")))
        return out

    def program(self) -> str:
        lines = [f"# dense network: {self.inputs} inputs, {self.hidden} hidden units, {self.nodes} nodes"]
        lines += [f"{name} = {value}" for name, value in self.values().items()]
        for name, operation, args in self.statements():
            if operation == "*":
                lines.append(f"{name} = {args[0]}*{args[1]}")
            elif operation == "sum":
                lines.append(f"{name} = {' + '.join(args)}")
            elif operation == "loss":
                lines.append(f"{name} = ({args[0]} - {args[1]})**2/2")
            else:
                lines.append(f"{name} = {operation}({args[0]})")
        return "\n".join(lines) + "\n"

    def build(self, leaves: dict[str, Any], activations: dict[str, Callable], total: Callable | None = None) -> Any:
        """J computed from `leaves` (one per input) in any number type with + - * / and ** (floats,
        micrograd Values, tensors, SymPy), given its tanh, relu and sigmoid; sums are chained
        a + b + … unless `total` adds a list at once."""
        env = dict(leaves)
        for name, operation, args in self.statements():
            values = [env[a] for a in args]
            if operation == "*":
                env[name] = values[0] * values[1]
            elif operation == "sum":
                env[name] = total(values) if total else _chained(values)
            elif operation == "loss":
                env[name] = (values[0] - values[1]) ** 2 / 2
            else:
                env[name] = activations[operation](values[0])
        return env["J"]

    def evaluate(self, values: dict[str, float]) -> float:
        """J with plain floats: the forward pass the nudging peer repeats."""
        return self.build(values, FLOAT_ACTIVATIONS)


def _chained(values: list) -> Any:
    total = values[0]
    for value in values[1:]:
        total = total + value
    return total


FLOAT_ACTIVATIONS: dict[str, Callable[[float], float]] = {
    "tanh": math.tanh,
    "relu": lambda z: max(z, 0.0),
    "sigmoid": lambda z: 1 / (1 + math.exp(-z)),
}


def network_for(nodes: int) -> Network:
    """A network of about `nodes` nodes, about 1.25 inputs per hidden unit."""
    hidden = max(1, round(math.sqrt(nodes / 2.5)))
    inputs = max(1, round((nodes - 5 * hidden) / (2 * hidden)))
    return Network(inputs, hidden)


if __name__ == "__main__":
    sys.stdout.write(network_for(int(sys.argv[1]) if len(sys.argv) > 1 else 1000).program())
