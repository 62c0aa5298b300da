"""IPython: `%load_ext gradexplain` adds %gradexplain and %%gradexplain. Their line is the
command's own command line (gradexplain.shell.options), so `%gradexplain FORMULA --w 2 --check`
means what the command means; they run it as the command does (gradexplain.shell.run) and return
the Explanation, which shows itself (gradexplain.display):

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
from gradexplain.shell.options import describe, is_click, read_line
from gradexplain.shell.request import Request
from gradexplain.shell.run import internal_error, run

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation


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
    debug = False
    request: Request | None = None
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
            read = read_line(words, cell=cell, notebook=True)
        except Exception as problem:
            if not is_click(problem, "UsageError"):
                raise
            raise InputError(problem.format_message(), hint="--help lists the options") from None  # type: ignore[attr-defined]
        if not isinstance(read, Request):  # --help or --version has printed
            return None
        request = read
        return run(request).explanation
    except GradexplainError as error:
        raise MagicError(describe(error, request)) from None
    except Exception:
        if debug:
            raise
        raise MagicError(internal_error("the magic's line")) from None


def gradexplain_magic(line: str, cell: str | None = None) -> Explanation | None:
    """%gradexplain FORMULA --w 2 …, or %%gradexplain --w 2 … with the program as the cell.
    Takes the gradexplain command's options (%gradexplain --help lists them) and returns the
    Explanation, which displays itself."""
    return run_magic(line, cell)


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext gradexplain`: register %gradexplain and %%gradexplain."""
    ipython.register_magic_function(gradexplain_magic, magic_kind="line_cell", magic_name="gradexplain")


__all__ = ["MagicError", "load_ipython_extension", "run_magic"]
