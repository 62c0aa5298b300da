"""How long each bad input takes to be refused, in-process after imports (the catalogue of
tests/test_catalogue.py plus inputs that hit each resource limit). Prints a table and the worst.

    python benchmarks/error_latency.py
"""

from __future__ import annotations

import contextlib
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gradexplain import cli  # noqa: E402
from tests.test_catalogue import CASES  # noqa: E402

LIMIT_CASES = [
    ["9**9**9**9 * w", "--w", "1"],
    ["w**10**9", "--w", "2"],
    ["(" * 5000 + "w" + ")" * 5000, "--w", "1"],
    ["-" * 100_000 + "w", "--w", "1"],
    ["w*x" + "+w" * 1000, "--w", "1", "--x", "1", "--limit", "nodes=100"],
    ["w" + "+w" * 100_000, "--w", "1", "--limit", "source=1000"],
    ["+".join(f"x{i}" for i in range(2000)), *[f"x{i}=1" for i in range(2000)], "--check", "--limit", "nudges=10"],
    ["w*2", "--w", "1", *["--claim", "dw = 2"] * 2000, "--limit", "claims=1000"],
]


def _discard() -> io.TextIOWrapper:
    """A text stream with a binary buffer, as the CLI writes bytes to stdout's."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8")


def seconds(args: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    with contextlib.redirect_stdout(_discard()), contextlib.redirect_stderr(_discard()):
        try:
            cli.run(args)
            code = 0
        except SystemExit as stop:
            code = int(stop.code or 0)
    return time.perf_counter() - started, code


def main() -> None:
    rows = []
    for args in [case[0] for case in CASES] + LIMIT_CASES:
        runs = [seconds(args) for _ in range(3)]
        label = " ".join(args)
        label = label if len(label) <= 48 else label[:45] + "..."
        rows.append((statistics.median(t for t, _ in runs), runs[0][1], label))
    rows.sort(reverse=True)
    print(f"{'median s':>9}  exit  input")
    for elapsed, code, label in rows:
        print(f"{elapsed:9.4f}  {code:>4}  {label}")
    print(f"\n{len(rows)} inputs; slowest {rows[0][0]:.3f} s, median {statistics.median(r[0] for r in rows):.4f} s")


if __name__ == "__main__":
    main()
