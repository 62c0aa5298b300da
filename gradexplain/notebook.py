"""Jupyter: an Explanation displays itself, and `%load_ext gradexplain` adds two magics.

An Explanation as the last expression of a cell shows as HTML (the drawing, when Graphviz can
draw it, and the tables, with typeset mathematics where the notebook has MathJax), as Markdown
or LaTeX for front ends that prefer those, and as rich tables in a console. The magics read the
command line's own options (gradexplain.cli), so `%gradexplain FORMULA --w 2 --check` means what
the command means, and return the Explanation:

    %load_ext gradexplain
    %gradexplain 0.5*(w*x+b-y)**2 --w 2 --x -2 --b 8 --y 2 --check

    %%gradexplain --w 2 --check
    c = w*x ...

IPython is imported only by IPython itself, when it loads the extension: it is not a dependency.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from gradexplain.errors import GradexplainError, InputError
from gradexplain.render.report import RenderOptions, build_report, summarized

if TYPE_CHECKING:
    from rich.console import RenderableType

    from gradexplain.explain import Explanation

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


def display_of(explanation: Explanation) -> Display:
    return explanation.display or Display()


# ── what an Explanation shows ──────────────────────────────────────────────────────────────


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


@dataclass(frozen=True, slots=True)
class LabPage:
    """The lab page of an explanation, shown inline: Explanation.lab()."""

    explanation: Explanation
    options: RenderOptions

    def _repr_html_(self) -> str:
        from gradexplain.output import lab_page

        try:
            return lab_page(self.explanation, self.options, whole=False).data.decode("utf-8")
        except GradexplainError as error:  # a graph too large to fill in: the short message, in the cell
            return f'<pre class="gradexplain-error">{escape(error.describe())}</pre>'

    def __repr__(self) -> str:
        return f"<lab page for {self.explanation!r}>"


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


def rich_renderable(explanation: Explanation) -> RenderableType:
    """The terminal's tables, for rich's console (and IPython with rich's extension)."""
    from gradexplain.render import rich

    display = display_of(explanation)
    return rich.render(explanation, display.options, rows=None if display.full else NOTEBOOK_ROWS)


# ── the magics ─────────────────────────────────────────────────────────────────────────────


class MagicError(Exception):
    """A bad command line or input, shown as the command shows it (message, caret, hint) and
    no traceback: IPython prints what _render_traceback_ gives instead of one. Raised rather
    than printed, so that running a whole notebook stops at the cell, as with any error."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def _render_traceback_(self) -> list[str]:
        return self.text.splitlines()


# Options that make sense only in a shell.
SHELL_ONLY = ("--install-completion", "--show-completion")


def run_magic(line: str, cell: str | None = None) -> Explanation | None:
    """%gradexplain LINE (the formula and options) or %%gradexplain LINE with the program in
    CELL: the Explanation, displayed with the line's --notation, --digits and --full. Warnings
    go to stderr, as the command's do. None after --help or --version, which print instead."""
    from gradexplain import cli
    from gradexplain.explain import explain
    from gradexplain.notation import Notation

    debug = False
    ctx = None
    try:
        try:
            words = shlex.split(line)
        except ValueError as problem:  # No closing quotation
            raise InputError(f"cannot read the line: {str(problem).lower()}", hint="close the quote") from None
        debug = "--debug" in words
        shell_only = [word for word in words if word.partition("=")[0] in SHELL_ONLY]
        if shell_only:
            raise InputError(f"{shell_only[0]} is for a shell, not a notebook", hint="run it in a terminal")
        try:
            ctx = cli.read_command_line(words, formula=cell)
        except Exception as problem:
            if cli.is_click(problem, "Exit"):  # --help has printed the help
                return None
            raise
        if ctx.params["version"]:
            from gradexplain import __version__

            print(f"gradexplain {__version__}")
            return None
        if ctx.params["quiz"] is not None:
            raise InputError(
                "--quiz asks its questions in a terminal", hint="run it there, or print a worksheet with --blank"
            )
        request = cli.read_request(ctx)
        output = request.output
        if output.format != "auto" and (output.path is None or output.path == "-"):
            raise InputError(
                f"--format {output.format} needs -o FILE in a notebook",
                hint="the result shows itself here (as HTML); write other formats to a file, "
                "or call gradexplain.render.render_text(_, FORMAT)",
            )
        if output.path == "-":
            raise InputError("-o - writes to standard output, which is this cell", hint="leave -o out, or name a file")
        explanation = cli.with_views_asked(
            ctx, explain(request.source, request.values, **request.arguments), request.limits
        )
        cli.warn(explanation.warnings)
        cli.warn(tuple(cli.idle_options(ctx, explanation.checks is not None)))
        if output.path is not None:
            cli.write_output(explanation, output, request.limits)
        options = RenderOptions(digits=output.digits, notation=Notation(output.notation), blank=output.blank)
        return explanation.with_display(options, full=output.full)
    except GradexplainError as error:
        raise MagicError(cli.describe(error, ctx) if ctx is not None else error.describe()) from None
    except Exception:
        if debug:
            raise
        raise MagicError(cli.INTERNAL_ERROR.replace("the command you ran", "the magic's line")) from None


def gradexplain_magic(line: str, cell: str | None = None) -> Explanation | None:
    """%gradexplain FORMULA --w 2 …, or %%gradexplain --w 2 … with the program as the cell.
    Takes the gradexplain command's options (%gradexplain --help lists them) and returns the
    Explanation, which displays itself."""
    return run_magic(line, cell)


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext gradexplain`: register %gradexplain and %%gradexplain."""
    ipython.register_magic_function(gradexplain_magic, magic_kind="line_cell", magic_name="gradexplain")


__all__ = ["Display", "MagicError", "load_ipython_extension", "run_magic"]
