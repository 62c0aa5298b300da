"""Pictures from DOT text, by Graphviz's `dot` program (through the `graphviz` package).

The one place that runs another program. Without Graphviz, or for a graph too large to lay out
in reasonable time, the caller gets an InputError that says what to do instead.
"""

from __future__ import annotations

from gradexplain.errors import InputError
from gradexplain.limits import Limits

INSTALL_HINT = (
    "install Graphviz (Debian/Ubuntu: sudo apt-get install graphviz; Fedora: sudo dnf install graphviz; "
    "macOS: brew install graphviz) and try again; --format dot works without it"
)


class GraphvizMissingError(InputError):
    """Graphviz's `dot` program is not installed (or not on PATH)."""


def draw(dot_source: str, image_format: str, nodes: int, limits: Limits | None = None) -> bytes:
    """The picture (`svg` or `png`) that Graphviz draws from `dot_source`, a graph of `nodes` nodes."""
    limits = limits or Limits()
    if nodes > limits.drawing:
        raise InputError(
            f"the graph has {nodes} nodes, too many to draw (the limit is {limits.drawing})",
            hint="use --format dot, json or text for large graphs, or " + limits.hint("drawing"),
        )
    import graphviz

    if image_format == "png":  # sharp on today's screens and in print; SVG scales anyway
        dot_source = dot_source.replace("{\n", "{\n  dpi=150;\n", 1)
    try:
        return graphviz.pipe("dot", image_format, dot_source.encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound:
        raise GraphvizMissingError(
            f"drawing {image_format.upper()} needs Graphviz's dot program, which is not installed",
            hint=INSTALL_HINT,
        ) from None
