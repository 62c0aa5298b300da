"""How a front end shows an Explanation: pure functions from the record to what a notebook or a
rich console displays. The record's one seam, `Explanation._repr_mimebundle_` (IPython's display
protocol) and `__rich_console__`, calls `mimebundle` and `rich_renderable` here, as rich objects
hand themselves to rich.

In a notebook an Explanation shows as HTML (the drawing, when Graphviz can draw it, and the
tables, with typeset mathematics where the notebook has MathJax), with Markdown and LaTeX copies
for front ends that prefer those; in a console as rich tables. This is rendering, not the shell:
nothing here reads or prints (the magics are gradexplain.shell.magic).
"""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass, field, replace
from html import escape
from typing import TYPE_CHECKING

from gradexplain.errors import GradexplainError
from gradexplain.render.report import build_report
from gradexplain.render.table import RenderOptions, summarized

if TYPE_CHECKING:
    from rich.console import RenderableType

    from gradexplain.explanation import Explanation

# Tables longer than this show their first and last rows, as on a terminal.
NOTEBOOK_ROWS = 60
HOW_TO_SEE_ALL = "--full or .with_display(full=True) shows all"
# Graphs larger than this get no Markdown or LaTeX copy of the output (a notebook keeps every
# format it is given, and those two would only repeat the HTML, at length).
COPIES_UP_TO_NODES = 1_000


@dataclass(frozen=True, slots=True)
class Display:
    """How a notebook shows an explanation: the renderers' options, and whether long tables are
    shown whole (`--full`)."""

    options: RenderOptions = field(default_factory=RenderOptions)
    full: bool = False

    @classmethod
    def of(cls, options: RenderOptions | None = None, *, notation: str | None = None, full: bool = False) -> Display:
        """Explanation.with_display's arguments: these options, or the default ones in `notation`."""
        options = options or RenderOptions()
        if notation is not None:
            options = replace(options, notation=notation)
        return cls(options, full)


def display_of(explanation: Explanation) -> Display:
    return explanation.display or Display()


def drawing(explanation: Explanation, options: RenderOptions) -> tuple[str | None, str]:
    """Graphviz's SVG of the graph, or None and a note that says why there is none: Graphviz's
    `dot` is not on this kernel's PATH (which may differ from a terminal's), or the graph is too
    large to draw."""
    from gradexplain.drawing import GraphvizMissingError, draw

    try:
        return draw(explanation, "svg", options).decode("utf-8"), ""
    except GraphvizMissingError as problem:
        return None, (
            f"No drawing of the graph: Graphviz's dot program is not on this kernel's PATH ({problem.message}). "
            f"To get it, {problem.hint}. If Graphviz is installed, start Jupyter where `dot -V` works, or add "
            "its folder to os.environ['PATH'] in the notebook."
        )
    except GradexplainError as problem:
        return None, f"No drawing of the graph: {problem.message} ({problem.hint})."


def html(explanation: Explanation) -> str:
    """The output cell's HTML: the drawing and the tables, styled within their own wrapper."""
    from gradexplain.render.html import fragment

    display = display_of(explanation)
    picture, missing = drawing(explanation, display.options)
    report = build_report(explanation, display.options, math=True)
    if not display.full:
        report = summarized(report, NOTEBOOK_ROWS, HOW_TO_SEE_ALL)
    plots = None
    if explanation.views is not None and explanation.views.pictured:  # --plot, --sweep: matplotlib's SVG
        from gradexplain.output import views_picture

        plots, _ = views_picture(explanation, display.options)
    return fragment(report, picture, missing, plots)


def _copies(explanation: Explanation) -> bool:
    return display_of(explanation).full or len(explanation.graph.nodes) <= COPIES_UP_TO_NODES


def markdown(explanation: Explanation) -> str | None:
    """GitHub-flavoured Markdown (the tables, mathematics in $…$, the graph in Mermaid)."""
    from gradexplain.render import render_text

    return render_text(explanation, "markdown", display_of(explanation).options) if _copies(explanation) else None


def latex(explanation: Explanation) -> str | None:
    """The traces and the checks as display mathematics (MathJax, or LaTeX in a PDF)."""
    from gradexplain.render.latex import math_block

    return math_block(explanation, display_of(explanation).options) if _copies(explanation) else None


# What the MIME bundle holds, each made only when the front end wants it (IPython adds text/plain,
# the repr, itself).
MIME_TYPES: dict[str, Callable[[Explanation], str | None]] = {
    "text/html": html,
    "text/markdown": markdown,
    "text/latex": latex,
}


def mimebundle(
    explanation: Explanation, include: Container[str] | None = None, exclude: Container[str] | None = None
) -> dict[str, str]:
    """Explanation._repr_mimebundle_: every MIME type of MIME_TYPES that `include` (all when
    None) asks for and `exclude` does not; a copy that is not made (a large graph) is left out."""
    bundle = {}
    for mime, make in MIME_TYPES.items():
        if (include is None or mime in include) and (exclude is None or mime not in exclude):
            made = make(explanation)
            if made is not None:
                bundle[mime] = made
    return bundle


def rich_renderable(explanation: Explanation) -> RenderableType:
    """The terminal's tables, for rich's console (and IPython with rich's extension)."""
    from gradexplain.render import rich

    display = display_of(explanation)
    return rich.render(explanation, display.options, rows=None if display.full else NOTEBOOK_ROWS)


@dataclass(frozen=True, slots=True)
class LabPage:
    """The lab page of an explanation, shown inline: Explanation.lab()."""

    explanation: Explanation
    options: RenderOptions

    @classmethod
    def of(cls, explanation: Explanation, notation: str | None = None) -> LabPage:
        """The page in the explanation's display options, or in `notation`."""
        options = display_of(explanation).options
        return cls(explanation, options if notation is None else replace(options, notation=notation))

    def _repr_html_(self) -> str:
        from gradexplain.output import lab_page

        try:
            return lab_page(self.explanation, self.options, whole=False).data.decode("utf-8")
        except GradexplainError as error:  # a graph too large to fill in: the short message, in the cell
            return f'<pre class="gradexplain-error">{escape(error.describe())}</pre>'

    def __repr__(self) -> str:
        return f"<lab page for {self.explanation!r}>"
