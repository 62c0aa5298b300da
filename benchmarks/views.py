"""What each view adds to the lecture example: --plot, --sweep, --mode forward and --descend, each
as a user runs it (output piped to a file), against the plain run.

    python benchmarks/views.py              (9 alternating runs of each command)
    python benchmarks/views.py --runs 20

The budget is 0.3 s per view over the plain run, drawn in characters as a terminal or a pipe
gets it. A picture (-o plot.svg) also pays matplotlib's import, only then: its figure is
printed beside the others. The runs alternate so that a noisy neighbour on a shared machine
slows every command alike; the medians are compared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.startup import lecture_command

LECTURE_WRT = ["--wrt", "w,b"]
VIEWS = {
    "plain": [],
    "--plot w": ["--plot", "w"],
    "--sweep w": ["--sweep", "w"],
    "--mode forward": ["--mode", "forward"],
    "--descend 50 --lr 0.1": ["--descend", "50", "--lr", "0.1"],
    "--plot w -o plot.svg": ["--plot", "w", "-o", "{svg}"],
}
RUNS = 9


def measure(runs: int = RUNS) -> dict[str, float]:
    """Median wall time of each command, in seconds, `runs` of each, alternating."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    times: dict[str, list[float]] = {name: [] for name in VIEWS}
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryFile() as sink:
        svg = str(Path(folder) / "plot.svg")
        commands = {
            name: [*lecture_command(), *LECTURE_WRT, *(arg.format(svg=svg) for arg in args)]
            for name, args in VIEWS.items()
        }
        for command in commands.values():  # once each first: .pyc files written, disk cache warm
            subprocess.run(command, stdout=sink, stderr=subprocess.DEVNULL, check=True, env=environment)
        for _ in range(runs):
            for name, command in commands.items():
                start = time.perf_counter()
                subprocess.run(command, stdout=sink, stderr=subprocess.DEVNULL, check=True, env=environment)
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs of each command (default {RUNS})")
    runs = parser.parse_args().runs
    medians = measure(runs)
    plain = medians["plain"]
    print(f"median of {runs} alternating runs of the lecture example ({' '.join(LECTURE_WRT)}), piped to a file")
    print(f"{'plain run':<28}{plain:.3f} s")
    for name, seconds in medians.items():
        if name != "plain":
            print(f"{name:<28}{seconds:.3f} s   +{seconds - plain:.3f} s")


if __name__ == "__main__":
    main()
