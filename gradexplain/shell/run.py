"""One run of a Request, for the command and the magics alike: explain → views → warnings → the
quiz, or render → write. What comes back says which exit code the command gives; a magic
returns its Explanation.

Exit codes: 0 success, 1 a gradient check failed, a claim is wrong or a quiz box ended wrong,
2 bad input or usage (a GradexplainError, raised to the caller), 3 an internal error (a bug).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from gradexplain.errors import InputError
from gradexplain.shell import writer
from gradexplain.shell.request import Request, idle

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
ISSUES_URL = "the project's issue tracker"
# Formats that draw the graph or its tree, with no place for the gradient checks.
WITHOUT_CHECKS = ("tree", "dot", "mermaid", "svg", "png", "pdf", "program", "lab")


@dataclass(frozen=True, slots=True)
class Outcome:
    explanation: Explanation  # for a magic, with the line's display options
    code: int  # the command's exit code: EXIT_OK or EXIT_CHECK_FAILED


def internal_error(what: str = "the command you ran") -> str:
    """The one line a bug gets instead of a traceback."""
    return (
        f"internal error: gradexplain failed unexpectedly. Please report it with {what} at {ISSUES_URL}; "
        "rerun with --debug to see the traceback."
    )


def run(request: Request) -> Outcome:
    """Explain the request's formula, add the views it asks for, say the warnings, then run the
    quiz or write the output (a magic without -o writes nothing: the result shows itself)."""
    from gradexplain.pipeline import explain

    if request.quiz is not None:
        from gradexplain.shell.quiz import require_streams

        require_streams()
    elif not request.notebook and not request.output.to_file:
        writer.require_stdout()
    with writer.progress(request.source, wanted=not request.notebook) as on_stage:
        explanation = explain(
            request.source,
            request.values,
            target=request.target,
            wrt=request.wrt,
            check=request.check,
            eps=request.eps,
            central=request.central,
            symbolic_limit=request.symbolic_limit,
            limits=request.limits,
            origin=request.origin,
            check_only=request.check_only,
            on_stage=on_stage,
            cost=request.cost,
            claims=request.claims,
        )
        explanation = _with_views(request, explanation)
        on_stage("output")
        writer.warn(explanation.warnings)
        checking = explanation.checks is not None
        writer.warn(idle(request.typed, ("eps", "central"), checking, _NO_CHECK))
        if request.quiz is not None:
            from gradexplain.shell.quiz import quiz

            result = quiz(explanation, request)  # every box ended right, or not
            return Outcome(explanation, EXIT_OK if result.right == result.asked else EXIT_CHECK_FAILED)
        if request.output.to_file or not request.notebook:
            _write(explanation, request)
    if request.notebook:
        explanation = explanation.with_display(request.output.render_options(), full=request.output.full)
    return Outcome(explanation, EXIT_OK if explanation.ok else EXIT_CHECK_FAILED)


_NO_CHECK = "the ε-check, and --check was not given: add it to nudge each input by ε"


def _with_views(request: Request, explanation: Explanation) -> Explanation:
    """The explanation with the views the request asks for (--plot, --sweep, --mode forward,
    --descend); the views load only when asked for."""
    views = request.views
    sweeping = views.sweep is not None
    writer.warn(idle(request.typed, ("eps_range",), sweeping, "--sweep, which was not given: add --sweep NAME"))
    if not views.asked:
        return explanation
    from gradexplain.views import with_views

    return with_views(
        explanation,
        plot=views.plot,
        sweep=views.sweep,
        eps_range=views.eps_range,
        mode=views.mode,
        descend=views.descend,
        lr=views.lr,
        limits=request.limits,
    )


def _write(explanation: Explanation, request: Request) -> None:
    """Render in the chosen format and hand it to the writer: the format -o's extension or the
    terminal picks, refused where it cannot go, with a word on what it leaves out."""
    from gradexplain.notation import LEIBNIZ
    from gradexplain.output import check_standalone, format_for_path, render_bytes

    output = request.output
    options = output.render_options()
    output_format = output.format
    if output_format == "auto" and output.to_file:
        output_format = format_for_path(output.path)  # type: ignore[arg-type]
    elif output_format == "auto":
        output_format = "rich" if writer.stdout_is_terminal() else "text"
    if output_format == "rich" and output.to_file:
        raise InputError("--format rich is for a terminal", hint="write text, markdown or html to a file")
    if output_format in ("png", "pdf") and not output.to_file and writer.stdout_is_terminal():
        kind = "a PNG image" if output_format == "png" else "a PDF"
        raise InputError(f"{kind} is not for a terminal", hint=f"write it to a file: -o graph.{output_format}")
    check_standalone(output_format, output.standalone)
    if output.blank and output_format in ("json", "program"):
        raise InputError(
            f"--blank makes worksheets; --format {output_format} always holds the answers",
            hint="use text, markdown, latex, html or a drawing for a worksheet",
        )
    writer.warn(_left_out(explanation, output_format, output.blank))
    if output_format == "json" and output.notation != LEIBNIZ:
        writer.warn(("--notation does not change JSON, whose field names stay the same in every notation",))
    if output_format == "rich":
        from gradexplain.render import rich

        writer.print_rich(rich.render(explanation, options, rows=None if output.full else writer.TERMINAL_ROWS))
        return
    rendered = render_bytes(explanation, output_format, options, standalone=output.standalone, limits=request.limits)
    writer.warn(rendered.warnings)
    writer.warn(rendered.notes, "note")
    writer.write(rendered.data, output.path)
    if output.to_file and output_format == "latex" and not output.standalone and _suffix(output.path) == ".tex":
        engine = "lualatex" if rendered.notes else "pdflatex"
        fragment = f"{output.path} is a LaTeX fragment, to \\input into a document"
        writer.warn((f"{fragment}; --standalone writes a whole document that {engine} compiles",), "note")


def _suffix(path: str | None) -> str:
    return PurePath(path or "").suffix.lower()


def _left_out(explanation: Explanation, output_format: str, blank: bool) -> list[str]:
    """What the chosen output leaves out that the run asked for: the checks, the claims."""
    said = []
    if blank and output_format == "lab":
        said.append("the lab page is a worksheet already: --blank changes nothing in it")
    checking, claiming = explanation.checks is not None, explanation.claims is not None
    if blank and checking:
        said.append("a worksheet (--blank) leaves out the gradient checks, which would give the answers away")
    elif checking and output_format in WITHOUT_CHECKS:
        said.append(
            f"the {output_format} format does not show the gradient checks (the exit code still says whether "
            "they pass); text, rich, markdown, html, latex and json show them"
        )
    if claiming and output_format in WITHOUT_CHECKS:
        said.append(
            f"the {output_format} format does not show the claims (the exit code still says whether any is "
            "wrong); text, rich, markdown, html, latex and json show them"
        )
    return said
