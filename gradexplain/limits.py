"""Resource limits: what gradexplain refuses to attempt, so that no input can hang it or exhaust
memory. Each is checked before the work it protects, names itself in its error message, and
can be raised (`--limit nodes=2000000`, or `explain(..., limits=Limits(nodes=...))`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace

from gradexplain.errors import InputError


@dataclass(frozen=True, slots=True)
class Limits:
    source: int = 5_000_000  # characters of formula or program
    nodes: int = 1_000_000  # nodes in the graph, inputs included
    depth: int = 100  # open parentheses, calls and pending ** or unary minus at once
    exponent: int = 10_000  # largest constant exponent, as in w**10000
    exact_bits: int = 1024  # exact numbers larger than this become floating point (a note says where)
    nudges: int = 1_000  # inputs nudged by --check (each is a full forward pass)
    statement_names: int = 10_000  # distinct names in one assignment
    drawing: int = 3_000  # parts Graphviz lays out: nodes, and arrow pieces (one per column crossed)
    drawing_seconds: int = 10  # wall-clock seconds Graphviz's dot may take to draw

    def hint(self, name: str) -> str:
        return f"raise the limit with --limit {name}=N (now {getattr(self, name)})"


DESCRIPTIONS = {
    "source": "characters of formula or program",
    "nodes": "nodes in the graph, inputs included",
    "depth": "nesting: open parentheses, calls and pending ** or unary minus at once",
    "exponent": "largest constant integer exponent (w**N)",
    "exact_bits": "bits an exact number may use before it becomes floating point",
    "nudges": "inputs nudged by --check, each a full forward pass",
    "statement_names": "distinct names in one assignment",
    "drawing": "parts Graphviz lays out (svg, png, html): nodes, and one per column each arrow crosses",
    "drawing_seconds": "seconds Graphviz's dot may take to draw before it is stopped",
}

NAMES = tuple(field.name for field in fields(Limits))


# SymPy differentiates and prints recursively, several frames per nesting level of one
# assignment: enough room for formulas nested up to the depth limit, and then some.
SYMPY_RECURSION = 20_000


@contextmanager
def room_for_sympy() -> Iterator[None]:
    """Let SymPy recurse through deeply nested assignments (Python 3.11 keeps pure-Python calls
    off the C stack, so a higher limit is safe); the old limit is restored afterwards. Should
    SymPy still run out of room, the user gets an input error, not a traceback."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, SYMPY_RECURSION))
    try:
        yield
    except RecursionError:
        raise InputError(
            "the formula is nested too deeply to differentiate",
            hint="split deeply nested parts into their own assignments, or lower --limit depth",
        ) from None
    finally:
        sys.setrecursionlimit(old)


def with_overrides(assignments: list[str], base: Limits | None = None) -> Limits:
    """Limits with `NAME=N` assignments applied, as given to --limit."""
    limits = base or Limits()
    for assignment in assignments:
        name, equals, raw = assignment.partition("=")
        name = name.strip().replace("-", "_")
        if not equals or name not in NAMES:
            raise InputError(
                f"--limit {assignment}: expected NAME=N",
                hint="the limits are " + ", ".join(NAMES),
            )
        try:
            value = int(raw.strip().replace("_", ""))
        except ValueError:
            raise InputError(f"--limit {assignment}: {raw.strip()!r} is not a whole number") from None
        if value < 1:
            raise InputError(f"--limit {assignment}: a limit must be at least 1")
        limits = replace(limits, **{name: value})
    return limits
