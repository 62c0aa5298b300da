"""The console script `gradexplain` (pyproject: `gradexplain = "gradexplain.cli:run"`) and
`python -m gradexplain`. The command itself is gradexplain.shell; this module starts it, and
imports nothing else, so that the command can set itself up before SymPy is imported."""

from __future__ import annotations

import gc
from typing import NoReturn


def run(argv: list[str] | None = None) -> NoReturn:
    """The command (`argv` given: called in-process, as tests do, and nothing else changes).

    As the process itself, the command turns the cyclic collector off before it imports SymPy:
    a run is short, and what it makes lives until it exits, so the collector's passes over
    SymPy's import and over a large graph free nothing (they took a tenth of the start-up and a
    quarter of a 100,000-node run; benchmarks/startup.py, benchmarks/run.py)."""
    if argv is None:
        gc.disable()
    from gradexplain.shell.command import run as command

    command(argv)
