"""Resource limits: what gradexplain refuses to attempt, so that no input can hang it or exhaust
memory. Each is checked before the work it protects, names itself in its error message, and
can be raised (`--limit nodes=2000000`, or `explain(..., limits=Limits(nodes=...))`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace

from gradexplain.errors import InputError


@dataclass(frozen=True, slots=True)
class Limits:
    source: int = 500_000  # characters of formula or program (measured: any such source ends well under 20 s)
    nodes: int = 50_000  # nodes in the graph, inputs included (measured: a run stays under 20 s)
    depth: int = 100  # open parentheses, calls and pending ** or unary minus at once
    exponent: int = 10_000  # largest constant exponent, as in w**10000
    exact_bits: int = 1024  # exact numbers larger than this become floating point (a note says where)
    number_digits: int = 1_000  # digits a number may span as written, its exponent included (1e-400: 401)
    nudges: int = 1_000  # inputs nudged by --check (each is a full forward pass)
    check_work: int = 2_000_000  # node evaluations --check may need: nudged inputs × computed nodes
    statement_names: int = 10_000  # distinct names in one assignment
    drawing: int = 3_000  # parts Graphviz lays out: nodes, and arrow pieces (one per column crossed)
    drawing_seconds: int = 10  # wall-clock seconds Graphviz's dot may take to draw
    descent_steps: int = 1_000  # steps of --descend, each a forward and a backward pass
    claims: int = 1_000  # claims checked in one run (each compared at several points, some by SymPy)
    answer: int = 1_000  # characters of one --quiz answer, read no further (the judge reads a formula)

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"limits.{field.name} must be a whole number, got {type(value).__name__}")
            if value < 1:
                raise InputError(f"limits.{field.name} must be at least 1, got {value}")
            most = MAXIMUMS.get(field.name)
            if most is not None and value > most:
                raise InputError(
                    f"limits.{field.name} is at most {most:,}, got {value:,}",
                    hint=MAXIMUM_REASONS[field.name],
                )

    def hint(self, name: str) -> str:
        return f"raise the limit with --limit {name}=N (now {getattr(self, name)})"


# Limits that cannot be raised without end: past these, Python's own limits (4,300 digits in an
# int ↔ str conversion, its recursion limit) would turn a clear message into a crash.
MAXIMUMS = {"exact_bits": 13_000, "number_digits": 4_000}
MAXIMUM_REASONS = {
    "exact_bits": "exact numbers beyond 13,000 bits (about 3,900 digits) could not be written out",
    "number_digits": "numbers beyond 4,000 digits could not be written out",
}


DESCRIPTIONS = {
    "source": "characters of formula or program",
    "nodes": "nodes in the graph, inputs included",
    "depth": "nesting: open parentheses, calls and pending ** or unary minus at once",
    "exponent": "largest constant integer exponent (w**N)",
    "exact_bits": "bits an exact number may use before it becomes floating point",
    "number_digits": "digits a number may span as written, its exponent included (1e-400 spans 401)",
    "nudges": "inputs nudged by --check, each a full forward pass",
    "check_work": "node evaluations --check may need (nudged inputs × computed nodes)",
    "statement_names": "distinct names in one assignment",
    "drawing": "parts Graphviz lays out (svg, png, html): nodes, and one per column each arrow crosses",
    "drawing_seconds": "seconds Graphviz's dot may take to draw before it is stopped",
    "descent_steps": "steps of gradient descent (--descend), each a forward and a backward pass",
    "claims": "claims checked in one run (--claim, --claims), each compared at several points",
    "answer": "characters of one --quiz answer",
}

NAMES = tuple(field.name for field in fields(Limits))


@contextmanager
def too_deep_as_input_error() -> Iterator[None]:
    """Nothing in gradexplain recurses over a formula, but SymPy's printing and differentiation
    do. They run within Python's recursion limit, which is never raised (it is process-wide, so
    raising it would change every thread's); should SymPy run out of room, the user gets an
    input error, not a traceback."""
    try:
        yield
    except RecursionError:
        raise InputError(
            "the formula is nested too deeply to differentiate",
            hint="split deeply nested parts into their own assignments, or lower --limit depth",
        ) from None


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
        limits = replace(limits, **{name: value})
    return limits
