"""Renderers: pure functions from an Explanation to text (or a rich renderable). None print."""

from gradexplain.render.report import RenderOptions

__all__ = ["RenderOptions", "render_text"]


def render_text(explanation, format: str, options: RenderOptions | None = None) -> str:
    """The explanation in a plain-text format (no terminal needed)."""
    if format == "json":
        from gradexplain.render import json

        return json.render(explanation, options)
    if format == "text":
        from gradexplain.render import text

        return text.render(explanation, options)
    raise ValueError(f"unknown format {format!r}")
