"""How long Graphviz takes to draw gradexplain's graphs, by shape and size: the measurement
behind the `drawing` limit (parts of the layout) and `drawing_seconds` (the time dot may take).

    python benchmarks/drawing.py                          (every shape at its default sizes)
    python benchmarks/drawing.py --sizes 500 1000 --shapes chain random
    python benchmarks/drawing.py --polished               (also dot without the plain layout)

For each graph: its nodes, arrows and parts (nodes plus arrow pieces, gradexplain's estimate of
dot's layout, see gradexplain/drawing.py), the time of `gradexplain SOURCE -o x.svg` end to end
(a fresh process, imports included, the limits raised out of the way), and of `dot -Tsvg` and
`dot -Tpng` alone on the DOT text gradexplain gives Graphviz, with dot's peak memory (symbolic
gradients off throughout: they are not what is measured). A run that
needs longer than --timeout is stopped and shown as `> T`. Shapes:

- dense:   a dense network unrolled into scalar statements (benchmarks/dense_net.py)
- chain:   s_i = tanh(s_(i-1))*w + b, a chain whose every link also uses w and b
- fan-in:  J = x_0 + x_1 + … + x_N, one node with N arguments
- fan-out: w + w + … + w, one input feeding every node of a chain of sums
- random:  a program of many names, each assignment combining two or three earlier names at
           random (a seeded random DAG)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.dense_net import network_for  # noqa: E402


def dense(nodes: int) -> tuple[str, list[str]]:
    return network_for(nodes).program(), []


def chain(nodes: int) -> tuple[str, list[str]]:
    links = max(1, nodes - 3)  # each assignment is one node
    lines = ["w = 0.9", "b = 0.1", "s_0 = 0.5"]
    lines += [f"s_{i} = tanh(s_{i - 1})*w + b" for i in range(1, links + 1)]
    return "\n".join(lines) + "\n", []


def fan_in(nodes: int) -> tuple[str, list[str]]:
    count = max(1, nodes - 1)
    lines = [f"x_{i} = {i % 7 - 3}" for i in range(count)]
    lines.append("J = " + " + ".join(f"x_{i}" for i in range(count)))
    return "\n".join(lines) + "\n", []


def fan_out(nodes: int) -> tuple[str, list[str]]:
    return "+".join(["w"] * max(2, nodes)), ["--w", "2"]


def random_dag(nodes: int, seed: int = 0) -> tuple[str, list[str]]:
    """Every name is used at least once, so the whole program feeds J."""
    rng = random.Random(seed)
    inputs = max(3, nodes // 4)
    names = [f"input_{i}" for i in range(inputs)]
    lines = [f"{name} = {rng.randint(1, 9) / 10}" for name in names]
    unused = list(names)
    operations = ("{0}*{1}", "{0} + {1}", "{0} - {1}*{2}", "tanh({0} + {1})", "{0}*{1} + {2}")
    for i in range(max(1, nodes - inputs - 1)):
        first = unused.pop(0) if unused else rng.choice(names)
        others = rng.sample([name for name in names[-200:] if name != first], 2)
        name = f"value_{i}"
        lines.append(f"{name} = {operations[i % len(operations)].format(first, *others)}")
        names.append(name)
        unused.append(name)
    lines.append("J = " + " + ".join(unused))
    return "\n".join(lines) + "\n", []


SHAPES: dict[str, Callable[[int], str]] = {
    "dense": dense,
    "chain": chain,
    "fan-in": fan_in,
    "fan-out": fan_out,
    "random": random_dag,
}


# Sizes in nodes; chains and fan-outs reach many parts with few nodes.
SIZES = {
    "dense": (500, 1_000, 1_230, 2_000),
    "fan-in": (1_000, 1_500, 4_000),
    "random": (250, 500, 1_000),
    "chain": (30, 40, 45, 60),
    "fan-out": (30, 54, 100),
}
TIMEOUT = 30
# Symbolic gradients are off: they are not what is measured here, and the chain meets a slow case of them.
RAISED = ("--limit", "drawing=1000000000", "--limit", "statement_names=1000000", "--symbolic-limit", "0")


@dataclass(frozen=True)
class Run:
    seconds: float | None  # None: stopped at the timeout
    peak_mb: float


def timed(command: list[str], timeout: float, stdin: Path | None = None) -> Run:
    """Wall-clock time and peak memory of `command` in a fresh process (killed at `timeout`).
    This process never imports gradexplain, so a child's peak (which counts the memory it
    shares with its parent at the fork) is its own."""
    with open(stdin or os.devnull, "rb") as given, tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdin=given, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True
        )
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            elapsed = time.perf_counter() - started
            if pid:
                break
            if elapsed > timeout:
                os.killpg(process.pid, signal.SIGKILL)
                os.wait4(process.pid, 0)
                process.returncode = -signal.SIGKILL
                return Run(None, 0.0)
            time.sleep(0.01)
        process.returncode = os.waitstatus_to_exitcode(status)  # already waited for
        if process.returncode != 0:
            errors.seek(0)
            message = errors.read(400).decode(errors="replace")
            if "took too long" in message:  # gradexplain stopped dot at its own time limit
                return Run(None, usage.ru_maxrss / 1024)
            raise RuntimeError(f"{' '.join(command[:4])} failed: {message}")
    return Run(elapsed, usage.ru_maxrss / 1024)


def prepare(shape: str, nodes: int, folder: Path) -> None:
    """Write the graph's source and the DOT texts gradexplain gives Graphviz; print its size.
    Runs in a process of its own (see `timed`)."""
    from gradexplain import explain
    from gradexplain.drawing import drawing_source, layout_of
    from gradexplain.limits import Limits
    from gradexplain.render import dot
    from gradexplain.render.picture import build_picture

    text, options = SHAPES[shape](nodes)
    (folder / "graph.gx").write_text(text, encoding="utf-8")
    values = {name.lstrip("-"): value for name, value in zip(options[::2], options[1::2], strict=True)}
    raised = Limits(drawing=10**9, statement_names=10**6)
    explanation = explain(text, values, symbolic_limit=0, limits=raised)
    for image in ("svg", "png"):
        (folder / f"{image}.dot").write_text(drawing_source(explanation, image, limits=raised), encoding="utf-8")
    (folder / "polished.dot").write_text(dot.render(explanation), encoding="utf-8")
    picture = build_picture(explanation)
    layout = layout_of(picture)
    defaults = {"drawing": Limits().drawing, "drawing_seconds": Limits().drawing_seconds}
    size = {"nodes": layout.nodes, "arrows": len(picture.arrows), "parts": layout.parts}
    print(json.dumps({**size, "options": options, "defaults": defaults}))


def measure(
    shape: str, nodes: int, timeout: int, polished: bool, folder: Path
) -> tuple[dict[str, object], dict[str, int]]:
    """One graph: its size and the time of each way of drawing it; and gradexplain's default limits."""
    script = [sys.executable, str(Path(__file__).resolve())]
    prepared = subprocess.run([*script, "--prepare", shape, str(nodes), str(folder)], capture_output=True, check=True)
    size = json.loads(prepared.stdout)
    options, defaults = size.pop("options"), size.pop("defaults")
    command = [sys.executable, "-m", "gradexplain", "-f", str(folder / "graph.gx"), *options, *RAISED]
    row: dict[str, object] = {"shape": shape, **size}
    row["gradexplain -o x.svg"] = timed(
        [*command, "--limit", f"drawing_seconds={timeout}", "-o", str(folder / "x.svg")], timeout + 60
    )
    for image in ("svg", "png"):
        row[f"dot -T{image}"] = timed(
            ["dot", f"-T{image}", "-o", str(folder / f"x.{image}")], timeout, folder / f"{image}.dot"
        )
    if polished:
        row["dot -Tsvg, polished"] = timed(
            ["dot", "-Tsvg", "-o", str(folder / "p.svg")], timeout, folder / "polished.dot"
        )
    return row, defaults


def cell(value: object, timeout: int) -> str:
    if isinstance(value, Run):
        if value.seconds is None:
            return f"> {timeout}"
        return f"{value.seconds:.2f} ({value.peak_mb:.0f} MB)"
    return f"{value:,}" if isinstance(value, int) else str(value)


HEADING = "## Drawing with Graphviz"


def summary(rows: list[dict[str, object]], limit: int, seconds: int, timeout: int) -> str:
    """The slowest drawing among the graphs the default `drawing` limit allows."""
    allowed = [row for row in rows if int(row["parts"]) <= limit]  # type: ignore[call-overload]
    if not allowed:
        return f"No graph measured is within the default limit of {limit:,} parts."

    def slowest(keys: tuple[str, ...]) -> str:
        runs = [(row[key], row["shape"], row["parts"]) for row in allowed for key in keys if key in row]
        worst = max(runs, key=lambda run: timeout + 1 if run[0].seconds is None else run[0].seconds)  # type: ignore[union-attr]
        return f"{cell(worst[0], timeout).split(' (')[0]} s ({worst[1]}, {worst[2]:,} parts)"

    return (
        f"Within the default limits (`drawing` = {limit:,} parts, `drawing_seconds` = {seconds}), the slowest "
        f"drawing by dot alone took {slowest(('dot -Tsvg', 'dot -Tpng'))}, and the slowest run of gradexplain "
        f"end to end {slowest(('gradexplain -o x.svg',))}."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shapes", nargs="+", choices=tuple(SHAPES), default=tuple(SHAPES))
    parser.add_argument("--sizes", nargs="+", type=int, help="nodes, for every shape (default: per shape)")
    parser.add_argument("--timeout", type=int, default=TIMEOUT, help="seconds per run (default %(default)s)")
    parser.add_argument("--polished", action="store_true", help="also dot without the plain layout of large graphs")
    parser.add_argument("--out", help=f"a Markdown file whose '{HEADING}' section is replaced (or added)")
    parser.add_argument("--prepare", nargs=3, metavar=("SHAPE", "NODES", "FOLDER"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.prepare:
        shape, nodes, folder = arguments.prepare
        prepare(shape, int(nodes), Path(folder))
        return
    if shutil.which("dot") is None:
        sys.exit("benchmarks/drawing.py needs Graphviz's dot on PATH")
    version = subprocess.run(["dot", "-V"], capture_output=True, text=True).stderr.strip()
    command = " ".join(["python benchmarks/drawing.py", *sys.argv[1:]]).replace(f" --out {arguments.out}", "")
    lines = [
        HEADING,
        "",
        f"Made by `{command}` on {time.strftime('%Y-%m-%d')}. Machine: {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start "
        f"(shared with other work); {version}.",
        "",
        f"Seconds, and in brackets the peak memory of that process (gradexplain's includes dot's); "
        f"`> {arguments.timeout}`: stopped after {arguments.timeout} s. Parts: nodes plus arrow pieces, what the "
        "`drawing` limit counts. dot alone draws the DOT text gradexplain gives it (the plain layout above "
        "1,000 parts, and the size cap for PNG); polished is the text of `--format dot`, without them.",
        "",
    ]
    print("\n".join(lines), flush=True)
    rows: list[dict[str, object]] = []
    defaults: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        for shape in arguments.shapes:
            for nodes in arguments.sizes or SIZES[shape]:
                row, defaults = measure(shape, nodes, arguments.timeout, arguments.polished, Path(folder))
                if not rows:
                    table = ["| " + " | ".join(row) + " |", "| --- " + "| ---: " * (len(row) - 1) + "|"]
                    print("\n".join(table), flush=True)
                    lines += table
                rows.append(row)
                lines.append("| " + " | ".join(cell(value, arguments.timeout) for value in row.values()) + " |")
                print(lines[-1], flush=True)
    lines += ["", summary(rows, defaults["drawing"], defaults["drawing_seconds"], arguments.timeout)]
    print("\n" + lines[-1])
    if arguments.out:
        replace_section(Path(arguments.out), "\n".join(lines) + "\n")


def replace_section(path: Path, section: str) -> None:
    """`path` with its HEADING section (up to the next `## `) replaced by `section`, or added."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if HEADING in text:
        before, _, rest = text.partition(HEADING)
        after = rest[rest.index("\n## ") + 1 :] if "\n## " in rest else ""
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + section
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
