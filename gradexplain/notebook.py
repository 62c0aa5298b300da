"""Jupyter: `%load_ext gradexplain` adds two magics (an Explanation displays itself through
gradexplain.display). The magics read the command line's own options (gradexplain.cli), so
`%gradexplain FORMULA --w 2 --check` means what the command means, and return the Explanation:

    %load_ext gradexplain
    %gradexplain 0.5*(w*x+b-y)**2 --w 2 --x -2 --b 8 --y 2 --check

    %%gradexplain --w 2 --check
    c = w*x ...

IPython is imported only by IPython itself, when it loads the extension: it is not a dependency.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Any

from gradexplain.errors import GradexplainError, InputError
from gradexplain.render.report import RenderOptions

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

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


__all__ = ["MagicError", "load_ipython_extension", "run_magic"]
