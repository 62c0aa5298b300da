"""Start-up: how long the lecture example takes, piped to a file, next to `import sympy` alone.

    python benchmarks/startup.py              (15 alternating runs of each)
    python benchmarks/startup.py --runs 30

SymPy's import is the floor (gradexplain cannot start without it), so the figure that matters is
the ratio of the two medians. The runs alternate so that a noisy neighbour on a shared machine
slows both commands alike. The console script next to this Python is used when installed (it is
what a user runs); otherwise `python -m gradexplain`.
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

LECTURE = ["0.5*(w*x+b-y)**2", "--w", "2", "--x", "-2", "--b", "8", "--y", "2"]
RUNS = 15


def lecture_command() -> list[str]:
    """The lecture example as a user types it: the `gradexplain` script beside this interpreter."""
    script = Path(sys.executable).with_name("gradexplain")
    if script.exists():
        return [str(script), *LECTURE]
    return [sys.executable, "-m", "gradexplain", *LECTURE]


def start_up(runs: int = RUNS) -> tuple[float, float]:
    """Median wall times, in seconds, of `python -c "import sympy"` and of the lecture example
    with its output piped to a file, `runs` of each, alternating."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    commands = {"sympy": [sys.executable, "-c", "import sympy"], "lecture": lecture_command()}
    # As a user runs them: with bytecode caches (an environment that forbids writing them would
    # time the compiler instead, on every run, for an editable install).
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    times: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryFile() as sink:
        for command in commands.values():  # once each first: .pyc files written, disk cache warm
            subprocess.run(command, stdout=sink, check=True, env=environment)
        for _ in range(runs):
            for name, command in commands.items():
                start = time.perf_counter()
                subprocess.run(command, stdout=sink, check=True, env=environment)
                times[name].append(time.perf_counter() - start)
    return statistics.median(times["sympy"]), statistics.median(times["lecture"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs of each command (default {RUNS})")
    runs = parser.parse_args().runs
    sympy_seconds, lecture_seconds = start_up(runs)
    print(f"median of {runs} alternating runs, output piped to a file")
    print(f'python -c "import sympy"    {sympy_seconds:.3f} s')
    print(f"gradexplain {' '.join(LECTURE)}    {lecture_seconds:.3f} s")
    print(f"ratio    {lecture_seconds / sympy_seconds:.2f}×")


if __name__ == "__main__":
    main()
