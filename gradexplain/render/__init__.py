"""Renderers: pure functions from an Explanation to text (or a rich renderable). None print,
none run other programs (gradexplain.output adds Graphviz's pictures)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from gradexplain.render.report import RenderOptions

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

__all__ = ["RENDERERS", "RenderOptions", "render_text"]

# format → module with render(explanation, options); imported only when used
RENDERERS = {
    "text": "text",
    "json": "json",
    "markdown": "markdown",
    "latex": "latex",
    "html": "html",
    "lab": "lab",
    "dot": "dot",
    "mermaid": "mermaid",
    "tree": "tree",
    "program": "program",
}


def render_text(
    explanation: Explanation, format: str, options: RenderOptions | None = None, *, standalone: bool = False
) -> str:
    """The explanation in a text format (no terminal needed). An HTML page made here has no
    drawing (that needs Graphviz: see gradexplain.output); a LaTeX one is a whole document
    with `standalone`."""
    if format not in RENDERERS:
        raise ValueError(f"unknown format {format!r}")
    module = import_module(f"gradexplain.render.{RENDERERS[format]}")
    if format == "latex":
        return module.render(explanation, options, standalone=standalone)
    return module.render(explanation, options)
