"""What checking claims costs: each run with claims against the same run without them.

    python benchmarks/claims.py              (9 alternating runs of each command)
    python benchmarks/claims.py --runs 20

Two workloads, as issue 10 sets them: 100 claims on the lecture example (gradexplain/examples/claims.txt, a
student's answers with their mistakes, repeated to 100 lines), and 10 claims on a 200-node
program (a dense network of benchmarks/dense_net.py: right ones, a forgotten activation
derivative, a forgotten path, a factor of 2). The target is at most 2 × the time without claims.
Each command runs as its own process, as a user runs it, output piped to a file; the runs
alternate so that a noisy neighbour slows both alike, and the medians are compared. The time of
explain() in process is printed too: it leaves out the imports every run pays.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.dense_net import network_for  # noqa: E402

RUNS = 9
LECTURE_CLAIMS = 100
NETWORK_NODES = 200


def lecture_claims(count: int = LECTURE_CLAIMS) -> list[str]:
    """gradexplain/examples/claims.txt's claims, repeated to `count` lines."""
    text = (ROOT / "gradexplain" / "examples" / "claims.txt").read_text(encoding="utf-8")
    claims = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [claims[i % len(claims)] for i in range(count)]


def network_claims() -> list[str]:
    """Ten claims about the 200-node network: hidden unit 0 is tanh, 1 relu, 2 sigmoid."""
    return [
        "dJ/dy = y - t",
        "dJ/dq_1 = y - t",
        "dJ/dv_1 = (y - t)*h_1",
        "dJ/dh_0 = (y - t)*v_0",
        "dJ/dz_0 = (y - t)*v_0*(1 - h_0**2)",
        "dJ/dz_2 = (y - t)*v_2*h_2*(1 - h_2)",
        "dJ/dw_0_1 = (y - t)*v_0*(1 - h_0**2)*x_1",
        "dJ/dw_2_1 = (y - t)*v_2*x_1",  # the sigmoid's derivative forgotten
        "dJ/dx_0 = (y - t)*v_0*(1 - h_0**2)*w_0_0",  # one path of several
        "dJ/dc = 2*(y - t)",  # the 1/2 of J = (y - t)**2/2 forgotten
    ]


def command() -> list[str]:
    """gradexplain as a user runs it: the console script beside this Python, if installed."""
    script = Path(sys.executable).with_name("gradexplain")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gradexplain"]


def timed(runs: int, without: list[str], with_claims: list[str]) -> tuple[float, float]:
    """Median wall times of the two commands, `runs` of each, alternating, output to a file."""
    times: dict[str, list[float]] = {"without": [], "with": []}
    with tempfile.TemporaryFile() as sink:
        for arguments in (without, with_claims):  # once each first: caches warm
            subprocess.run(arguments, stdout=sink, stderr=subprocess.DEVNULL, check=False)
        for _ in range(runs):
            for name, arguments in (("without", without), ("with", with_claims)):
                started = time.perf_counter()
                result = subprocess.run(arguments, stdout=sink, stderr=subprocess.PIPE, check=False)
                times[name].append(time.perf_counter() - started)
                if result.returncode not in (0, 1):
                    raise SystemExit(f"{' '.join(arguments[:3])} …: {result.stderr.decode()[-500:]}")
    return statistics.median(times["without"]), statistics.median(times["with"])


def in_process(source: str, claims: list[str], runs: int) -> tuple[float, float]:
    """Median seconds of explain() without and with the claims (imports already paid)."""
    from gradexplain import explain

    explain(source, claims=claims[:1])  # warm: SymPy's lazy imports
    times: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(runs):
        for given in (False, True):
            started = time.perf_counter()
            explain(source, claims=claims if given else None)
            times[given].append(time.perf_counter() - started)
    return statistics.median(times[False]), statistics.median(times[True])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs of each command (default {RUNS})")
    runs = parser.parse_args(argv).runs
    if runs < 1:
        parser.error("--runs must be at least 1")
    network = network_for(NETWORK_NODES)
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        workloads = {
            f"lecture example, {LECTURE_CLAIMS} claims": (
                (ROOT / "gradexplain" / "examples" / "linear_regression.gx").read_text(encoding="utf-8"),
                lecture_claims(),
            ),
            f"{network.nodes}-node network, 10 claims": (network.program(), network_claims()),
        }
        for label, (source, claims) in workloads.items():
            program, answers = folder / "program.gx", folder / "claims.txt"
            program.write_text(source, encoding="utf-8")
            answers.write_text("\n".join(claims) + "\n", encoding="utf-8")
            base = [*command(), "-f", str(program)]
            without, with_claims = timed(runs, base, [*base, "--claims", str(answers)])
            alone, checked = in_process(source, claims, runs)
            rows.append((label, without, with_claims, alone, checked))
    print(f"Median of {runs} alternating runs of each command, output piped to a file.\n")
    print("| workload | without claims (s) | with claims (s) | ratio | explain() without (s) | with (s) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, without, with_claims, alone, checked in rows:
        print(
            f"| {label} | {without:.3f} | {with_claims:.3f} | {with_claims / without:.2f}× "
            f"| {alone:.3f} | {checked:.3f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
