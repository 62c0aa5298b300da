"""Pictures of the graph (svg, png), drawn by Graphviz's `dot` program: the one place that runs
another program.

Graphviz's layout time grows much faster than the graph. dot lays the graph out in columns, and
an arrow that crosses k columns becomes about 2k pieces to place and route, so an input used all
along a chain of n nodes costs about n² pieces: `w+w+…+w` with 100 terms takes dot over 30 s,
a dense network of 2,000 nodes 4 s (benchmarks/drawing.py). So the `drawing` limit counts the
layout's parts, nodes plus arrow pieces, estimated before dot starts; large layouts are drawn
with less polish; and dot runs under a wall-clock limit (`drawing_seconds`), killed with anything
it started when it needs longer or when gradexplain is interrupted, so no `dot` is left running.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gradexplain.errors import InputError
from gradexplain.limits import Limits
from gradexplain.render.picture import Picture, build_picture, shown
from gradexplain.render.report import RenderOptions

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

INSTALL_HINT = (
    "install Graphviz (Debian/Ubuntu: sudo apt-get install graphviz; Fedora: sudo dnf install graphviz; "
    "macOS: brew install graphviz) and try again; --format dot works without it"
)
INSTEAD = "use --format dot, json or text, or --target NAME to draw part of a program"

# Above this many parts, dot is asked for a plainer layout in time that grows about linearly:
# fewer network-simplex iterations when placing nodes, fewer crossing-reduction passes, and
# arrows routed as straight segments (curved routing around thousands of arrow pieces is slow).
PLAIN_LAYOUT_PARTS = 1_000
PLAIN_LAYOUT = ("nslimit=0.1", "mclimit=0.3", "splines=polyline")
# A PNG is a bitmap: sharp (150 dpi), but scaled down to fit 40 × 40 inches (6,000 pixels a side,
# about 150 MB and a few seconds to paint) instead of the 32,767 pixels a side, gigabytes and
# a minute that dot would otherwise spend on a large graph.
PNG = ("dpi=150", 'size="40,40"')
ERROR_LENGTH = 200


class GraphvizMissingError(InputError):
    """Graphviz's `dot` program is not installed (or not on PATH)."""


@dataclass(frozen=True, slots=True)
class Layout:
    """The size of the layout dot builds: what its time grows with."""

    nodes: int
    pieces: int  # arrow pieces: one per column an arrow crosses, its label's column included

    @property
    def parts(self) -> int:
        return self.nodes + self.pieces


def layout_of(picture: Picture) -> Layout:
    """An upper bound on the layout dot builds for `picture`, in one pass over the arrows.

    Columns as dot assigns them: an operation one column after its latest operation argument, an
    input just before its first use. dot can only do better (it minimises the arrows' total
    length), so the estimate errs on the safe side. Edge labels sit in columns of their own, so
    an arrow across k columns is 2k - 1 pieces."""
    column = [0] * len(picture.boxes)
    first_use: list[int | None] = [None] * len(picture.boxes)
    is_input = [True] * len(picture.boxes)
    for arrow in picture.arrows:
        is_input[arrow.target] = False
    for arrow in picture.arrows:  # by target, and targets in topological order
        if not is_input[arrow.source]:
            column[arrow.target] = max(column[arrow.target], column[arrow.source] + 1)
        else:
            column[arrow.target] = max(column[arrow.target], 1)
    for arrow in picture.arrows:
        if is_input[arrow.source]:
            use = first_use[arrow.source]
            first_use[arrow.source] = column[arrow.target] if use is None else min(use, column[arrow.target])
    for index, use in enumerate(first_use):
        if is_input[index]:
            column[index] = 0 if use is None else use - 1
    pieces = sum(2 * (column[arrow.target] - column[arrow.source]) - 1 for arrow in picture.arrows)
    return Layout(len(picture.boxes), pieces)


def _too_large(nodes: int, layout: Layout | None, limits: Limits) -> InputError:
    if layout is None:
        message = f"the graph has {nodes:,} nodes, too many to draw (the limit is {limits.drawing:,} parts)"
    else:
        message = (
            f"the drawing would have {layout.parts:,} parts ({layout.nodes:,} nodes and {layout.pieces:,} pieces "
            f"of arrows), too many to draw (the limit is {limits.drawing:,})"
        )
    return InputError(message, hint=INSTEAD + "; or " + limits.hint("drawing"))


def draw(
    explanation: Explanation, image_format: str, options: RenderOptions | None = None, limits: Limits | None = None
) -> bytes:
    """The picture (`svg` or `png`) of the explanation's graph, drawn by Graphviz within the limits."""
    return run_dot(drawing_source(explanation, image_format, options, limits), image_format, limits)


def drawing_source(
    explanation: Explanation, image_format: str, options: RenderOptions | None = None, limits: Limits | None = None
) -> str:
    """The DOT text that `draw` gives Graphviz; an InputError when the layout is over the limit."""
    from gradexplain.render import dot

    limits = limits or Limits()
    nodes = len(explanation.graph.nodes)
    if nodes > limits.drawing:  # every node is a part: refuse before building anything
        raise _too_large(nodes, None, limits)
    picture = build_picture(explanation, options)
    layout = layout_of(picture)
    if layout.parts > limits.drawing:
        raise _too_large(nodes, layout, limits)
    attributes = (PLAIN_LAYOUT if layout.parts > PLAIN_LAYOUT_PARTS else ()) + (PNG if image_format == "png" else ())
    return dot.render_picture(picture, attributes)


def run_dot(dot_source: str, image_format: str, limits: Limits | None = None) -> bytes:
    """Graphviz's drawing of `dot_source`, within `limits.drawing_seconds` of wall-clock time."""
    limits = limits or Limits()
    program = shutil.which("dot")  # where the graphviz package's `dot` on PATH would be found
    if program is None:
        raise GraphvizMissingError(
            f"drawing {image_format.upper()} needs Graphviz's dot program, which is not installed",
            hint=INSTALL_HINT,
        )
    try:
        process = subprocess.Popen(
            [program, f"-T{image_format}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # a process group of its own, to kill with all it starts
        )
    except OSError as problem:
        raise GraphvizMissingError(
            f"Graphviz's dot program ({program}) could not be started: {problem.strerror}", hint=INSTALL_HINT
        ) from None
    seconds = limits.drawing_seconds
    try:
        picture, errors = process.communicate(dot_source.encode("utf-8"), timeout=seconds)
    except subprocess.TimeoutExpired:
        raise InputError(
            f"drawing the graph took too long: Graphviz's dot was stopped after {seconds} s",
            hint=INSTEAD + "; or " + limits.hint("drawing_seconds"),
        ) from None
    finally:  # on a timeout, Ctrl-C or any other exception: nothing is left running
        _stop(process)
    if process.returncode != 0:
        raise InputError(
            f"Graphviz could not draw the graph: {_first_error(errors, process.returncode)}",
            hint="--format dot, json and text work without Graphviz; if the problem persists, please report it",
        )
    return picture


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill dot and its process group unless it has finished and been waited for, then wait."""
    if process.returncode is not None:  # reaped: its id may belong to someone else by now
        return
    with contextlib.suppress(ProcessLookupError):
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
    process.wait()


def _first_error(errors: bytes, code: int) -> str:
    """Graphviz's first error line (or its first line), short and without control characters."""
    lines = [line.strip() for line in errors.decode("utf-8", "replace").splitlines() if line.strip()]
    if not lines:
        return f"dot stopped by signal {-code}" if code < 0 else f"dot exited with status {code}"
    line = next((line for line in lines if line.startswith("Error")), lines[0])
    line = shown(line.removeprefix("Error:").strip().removeprefix("<stdin>:").strip())
    return line if len(line) <= ERROR_LENGTH else line[: ERROR_LENGTH - 1] + "…"
