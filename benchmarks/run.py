"""Speed and scale: gradexplain against the routes people would take instead, on the same graphs.

    pip install -r benchmarks/requirements.txt      (the peers; never part of the package)
    python benchmarks/run.py                        (sizes 1,000 2,000 10,000 100,000 nodes)
    python benchmarks/run.py --sizes 300 --out -    (a quick look; - prints instead of writing)

Every measurement runs in a fresh process, so each has its own peak memory and no warm caches.
"In process" is the time after imports; "end to end" is the whole process, imports included.
Each peer gets TIMEOUT seconds per size; a peer that needs longer is recorded as such. The
table goes to benchmarks/RESULTS.md with the machine and the versions.

Peers, each computing all P gradients of J on the same network (benchmarks/dense_net.py):
- sympy-diff: J written out as one SymPy expression, diff for each input, then substitution;
- nudging: forward-difference ε-nudges, one float forward pass per input (N × P work);
- micrograd: Karpathy's scalar autograd, with tanh and sigmoid added the way micrograd adds ops;
- torch: PyTorch autograd with one 0-dimensional tensor per scalar.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.dense_net import Network, network_for  # noqa: E402
from benchmarks.startup import LECTURE, RUNS, start_up  # noqa: E402

TIMEOUT = 60.0
SIZES = (1_000, 2_000, 10_000, 100_000)
PEERS = ("sympy-diff", "nudging", "micrograd", "torch")
CHECKED = 5  # inputs ε-checked by gradexplain's end-to-end run
LARGEST_GRAPH = 1_000_000  # past the default node limit, which keeps every run under 20 s …
LARGEST_SOURCE = 50_000_000  # … and the source limit, likewise
DRAWING = "\n## Drawing with Graphviz"  # the section benchmarks/drawing.py writes, kept on rewriting


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ── workers: one measurement each, in their own process ─────────────────────────────────────


def work_gradexplain(network: Network, program: Path) -> dict:
    from gradexplain import explain
    from gradexplain.limits import Limits
    from gradexplain.render import render_text

    source = program.read_text(encoding="utf-8")
    marks: list[tuple[str, float]] = []
    names = sorted(network.values())
    start = time.perf_counter()
    explanation = explain(
        source,
        check_only=names[:: max(1, len(names) // CHECKED)][:CHECKED],
        on_stage=lambda stage: marks.append((stage, time.perf_counter())),
        limits=Limits(nodes=LARGEST_GRAPH, source=LARGEST_SOURCE),
    )
    marks.append(("json", time.perf_counter()))
    with tempfile.TemporaryFile() as file:
        file.write(render_text(explanation, "json").encode("utf-8"))
    end = time.perf_counter()
    stages = {name: (marks[i + 1][1] if i + 1 < len(marks) else end) - at for i, (name, at) in enumerate(marks)}
    # the gradients the user gets: parsed, built, computed, and audited at 50 digits where they are floats
    gradients = sum(stages[s] for s in ("parse", "build", "forward", "backward", "audit"))
    return {"stages": stages, "gradients": gradients, "total": end - start, "peak_mb": _peak_mb()}


def work_sympy(network: Network, program: Path) -> dict:
    import sympy as sp

    start = time.perf_counter()
    symbols = {name: sp.Symbol(name, real=True) for name in network.values()}
    activations = {"tanh": sp.tanh, "relu": lambda z: sp.Max(z, 0), "sigmoid": lambda z: 1 / (1 + sp.exp(-z))}
    output = network.build(symbols, activations, total=lambda values: sp.Add(*values))
    point = {symbols[n]: sp.Rational(v) for n, v in network.values().items()}
    for symbol in symbols.values():
        float(sp.diff(output, symbol).xreplace(point).evalf())
    return {"gradients": time.perf_counter() - start, "peak_mb": _peak_mb()}


def work_nudging(network: Network, program: Path) -> dict:
    start = time.perf_counter()
    values = {n: float(v) for n, v in network.values().items()}
    base = network.evaluate(values)
    eps = 1e-3
    for name in values:
        nudged = dict(values)
        nudged[name] += eps
        (network.evaluate(nudged) - base) / eps  # the work being timed
    return {"gradients": time.perf_counter() - start, "peak_mb": _peak_mb()}


def work_micrograd(network: Network, program: Path) -> dict:
    import math

    from micrograd.engine import Value

    sys.setrecursionlimit(100_000)  # micrograd sorts the graph recursively

    def unary(v: Value, f: float, df: float, label: str) -> Value:
        out = Value(f, (v,), label)

        def _backward() -> None:
            v.grad += df * out.grad

        out._backward = _backward
        return out

    def tanh(v: Value) -> Value:
        t = math.tanh(v.data)
        return unary(v, t, 1 - t * t, "tanh")

    def sigmoid(v: Value) -> Value:
        s = 1 / (1 + math.exp(-v.data))
        return unary(v, s, s * (1 - s), "sigmoid")

    start = time.perf_counter()
    leaves = {n: Value(float(v)) for n, v in network.values().items()}
    network.build(leaves, {"tanh": tanh, "relu": Value.relu, "sigmoid": sigmoid}).backward()
    [leaf.grad for leaf in leaves.values()]
    return {"gradients": time.perf_counter() - start, "peak_mb": _peak_mb()}


def work_torch(network: Network, program: Path) -> dict:
    import torch

    torch.set_num_threads(1)
    start = time.perf_counter()
    leaves = {n: torch.tensor(float(v), dtype=torch.float64, requires_grad=True) for n, v in network.values().items()}
    network.build(leaves, {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}).backward()
    [float(leaf.grad) for leaf in leaves.values()]
    return {"gradients": time.perf_counter() - start, "peak_mb": _peak_mb()}


def work_cli(network: Network, program: Path) -> dict:
    """The command a user types: all gradients, a few ε-checks, JSON to a file. Run from this
    worker so that the peak memory of its only child is the command's own."""
    names = sorted(network.values())
    checked = ",".join(names[:: max(1, len(names) // CHECKED)][:CHECKED])
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.json"
        command = [sys.executable, "-m", "gradexplain", str(program), "--check-only", checked, "-o", str(out)]
        command += ["--limit", f"nodes={LARGEST_GRAPH}", "--limit", f"source={LARGEST_SOURCE}"]
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True)
        wall = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(result.stderr.strip())
    return {"wall": wall, "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


WORKERS = {
    "gradexplain": work_gradexplain,
    "sympy-diff": work_sympy,
    "nudging": work_nudging,
    "micrograd": work_micrograd,
    "torch": work_torch,
    "cli": work_cli,
}


# ── the runner ──────────────────────────────────────────────────────────────────────────────


def measure(engine: str, nodes: int, program: Path, timeout: float) -> dict:
    """One measurement in a fresh process: its report plus the wall time of the whole process."""
    command = [sys.executable, __file__, "--worker", engine, str(nodes), str(program)]
    start = time.perf_counter()
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, text=True)
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    wall = time.perf_counter() - start
    if result.returncode != 0:
        return {"error": (result.stderr.strip().splitlines() or ["failed"])[-1]}
    return {**json.loads(result.stdout), "process": wall}


def best_of(runs: int, engine: str, nodes: int, program: Path, timeout: float) -> dict:
    """The fastest of `runs` measurements (by the time to all gradients, or the whole process)."""
    results = [measure(engine, nodes, program, timeout) for _ in range(runs)]
    timed = [r for r in results if "gradients" in r or "wall" in r]
    if not timed:
        return results[0]
    return min(timed, key=lambda r: r.get("gradients", r.get("wall", math.inf)))


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _peer_cell(result: dict) -> str:
    if "timeout" in result:
        return f"> {result['timeout']:.0f} s (did not finish)"
    if "error" in result:
        return f"failed: {result['error'][:60]}"
    return f"{_seconds(result['gradients'])} s ({_seconds(result['process'])} s)"


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"Python {platform.python_version()}"]
    for package in ("gradexplain", "sympy", "typer", "rich", "micrograd", "torch"):
        try:
            parts.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package} (not installed)")
    return ", ".join(parts)


def _machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.system()} {platform.machine()}, {model}, {os.cpu_count()} cores, {memory:.0f} GiB"


def run(sizes: list[int], timeout: float, peers: tuple[str, ...], runs: int = 1) -> str:
    rows_stages, rows_peers, rows_ratio = [], [], []
    e2e: dict[int, dict] = {}
    with tempfile.TemporaryDirectory() as folder:
        for nodes in sizes:
            network = network_for(nodes)
            program = Path(folder) / f"net{nodes}.gx"
            program.write_text(network.program(), encoding="utf-8")
            print(f"{network.nodes} nodes: gradexplain", file=sys.stderr, flush=True)
            ours = best_of(runs, "gradexplain", nodes, program, timeout=600)
            e2e[nodes] = best_of(runs, "cli", nodes, program, timeout=600)
            results = {}
            for peer in peers:
                print(f"{network.nodes} nodes: {peer}", file=sys.stderr, flush=True)
                results[peer] = best_of(runs, peer, nodes, program, timeout)
            stages = ours["stages"]
            total = ours["total"]
            shares = ", ".join(f"{name} {value:.2f} s ({100 * value / total:.0f}%)" for name, value in stages.items())
            rows_stages.append(
                f"| {network.nodes:,} | {network.parameters:,} | {_seconds(total)} | "
                f"{_seconds(e2e[nodes].get('wall'))} | {e2e[nodes].get('peak_mb', 0):.0f} | {shares} |"
            )
            cells = " | ".join(_peer_cell(results[p]) for p in peers)
            rows_peers.append(
                f"| {network.nodes:,} | {network.parameters:,} | {_seconds(ours['gradients'])} s "
                f"({_seconds(e2e[nodes].get('wall'))} s) | {cells} |"
            )
            ratios = []
            for peer in peers:
                result = results[peer]
                if "gradients" in result:
                    ratios.append(f"{result['gradients'] / ours['gradients']:.2f}×")
                elif "timeout" in result:
                    ratios.append(f"> {result['timeout'] / ours['gradients']:.0f}×")
                else:
                    ratios.append("—")
            rows_ratio.append(f"| {network.nodes:,} | " + " | ".join(ratios) + " |")
    ratio_note = ""
    if len(sizes) >= 2 and 10_000 in sizes and 100_000 in sizes:
        ratio_note = (
            f"\nt(100k) / t(10k), end to end: {e2e[100_000]['wall'] / e2e[10_000]['wall']:.1f} "
            "(linear would be about 10).\n"
        )
    header = " | ".join(peers)
    print("start-up", file=sys.stderr, flush=True)
    sympy_seconds, lecture_seconds = start_up()
    return "\n".join(
        [
            "# Benchmark results",
            "",
            f"Made by `python benchmarks/run.py` on {time.strftime('%Y-%m-%d')}.",
            f"Machine: {_machine()}.",
            f"Versions: {_versions()}.",
            "",
            "## Start-up",
            "",
            f"Median of {RUNS} alternating runs, output piped to a file (`benchmarks/startup.py`):",
            "",
            "| command | seconds |",
            "| --- | ---: |",
            f'| `python -c "import sympy"` | {sympy_seconds:.3f} |',
            f"| `gradexplain {' '.join(LECTURE)}` | {lecture_seconds:.3f} |",
            f"| ratio | {lecture_seconds / sympy_seconds:.2f}× |",
            "",
            "Graphs: a dense network unrolled into scalar statements (`benchmarks/dense_net.py`);",
            "P is the number of inputs, all of which get gradients.",
            "",
            "## gradexplain, stage by stage (in process, one fresh process per size)",
            "",
            "End to end is `gradexplain net.gx --check-only 5 inputs -o out.json`: parse, build, forward,",
            "backward, ε-checks of 5 inputs, JSON to a file, imports included. Peak is that process's.",
            "",
            "| nodes | P | in process (s) | end to end (s) | peak MB | stages |",
            "| ---: | ---: | ---: | ---: | ---: | --- |",
            *rows_stages,
            ratio_note,
            "## All gradients: gradexplain and the alternatives",
            "",
            "Seconds to all P gradients after imports (for gradexplain: parse, build, forward and backward",
            "passes, and the 50-digit audit that checks and corrects every double; for the peers: graph",
            "construction and differentiation), and in brackets the whole process.",
            f"A peer gets {timeout:.0f} s per size."
            + (f" Every figure here and above is the fastest of {runs} runs (`--best-of {runs}`)." if runs > 1 else ""),
            "",
            f"| nodes | P | gradexplain | {header} |",
            "| ---: | ---: | ---: | " + " | ".join("---:" for _ in peers) + " |",
            *rows_peers,
            "",
            "Peer time ÷ gradexplain time (above 1: gradexplain is faster):",
            "",
            f"| nodes | {header} |",
            "| ---: | " + " | ".join("---:" for _ in peers) + " |",
            *rows_ratio,
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="approximate node counts")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds a peer gets per size")
    parser.add_argument("--peers", nargs="*", default=list(PEERS), choices=PEERS)
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"), help="where the table goes; - for stdout")
    parser.add_argument("--best-of", type=int, default=1, metavar="N", help="keep the fastest of N runs of each")
    parser.add_argument("--worker", nargs=3, metavar=("ENGINE", "NODES", "PROGRAM"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker:
        engine, nodes, program = arguments.worker
        print(json.dumps(WORKERS[engine](network_for(int(nodes)), Path(program))))
        return
    table = run(arguments.sizes, arguments.timeout, tuple(arguments.peers), arguments.best_of)
    if arguments.out == "-":
        print(table)
    else:
        path = Path(arguments.out)
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        kept = old[old.index(DRAWING) :] if DRAWING in old else ""  # benchmarks/drawing.py's section
        path.write_text(table.rstrip("\n") + "\n" + kept if kept else table, encoding="utf-8")
        print(table)


if __name__ == "__main__":
    main()
