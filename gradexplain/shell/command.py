"""The gradexplain command: argv → one Request (gradexplain.shell.options) → run
(gradexplain.shell.run) → an exit code. The console script `gradexplain.cli:run` is this `run`.

Exit codes: 0 success, 1 a gradient check failed (or a claim is wrong, or a quiz box ended
wrong), 2 bad input or usage, 3 an internal error.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import NoReturn

from gradexplain.errors import GradexplainError
from gradexplain.shell import writer
from gradexplain.shell.options import describe, is_click, read_line
from gradexplain.shell.request import Request
from gradexplain.shell.run import EXIT_BAD_INPUT, EXIT_INTERNAL, internal_error
from gradexplain.shell.run import run as run_request

# Ctrl-C, as shells report a command that SIGINT stopped (128 + 2); typer said the same.
EXIT_INTERRUPTED = 130


def run(argv: list[str] | None = None) -> NoReturn:
    """Console-script entry point (`argv` given: called in-process, as tests do)."""
    if argv is not None:
        sys.exit(_exit_code(list(argv)))
    # This process is the command (gradexplain.cli has turned the cyclic collector off): once
    # everything is written it leaves without taking its objects apart one by one, which took a
    # fifth of the time of `import sympy` (benchmarks/startup.py).
    writer.keep_standard_numbers()
    code = _exit_code(sys.argv[1:])
    writer.finish()
    os._exit(code)


def _exit_code(words: list[str]) -> int:
    """Run the command line; what went wrong is said on stderr, and the code says what happened."""
    request: Request | None = None
    try:
        read = read_line(words)
        if not isinstance(read, Request):  # --help, --version or completion: answered already
            return read
        request = read
        return run_request(request).code
    except GradexplainError as error:
        writer.error(describe(error, request))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:  # Ctrl-C: stopped as asked (whatever it started is stopped too), quietly
        return EXIT_INTERRUPTED
    except Exception as problem:  # a bug: never show a user a traceback unless asked
        if is_click(problem, "ClickException"):  # a usage error, said as click says it
            if writer.stderr_open():
                problem.show()  # type: ignore[attr-defined]
            return problem.exit_code  # type: ignore[attr-defined]
        if request.debug if request is not None else "--debug" in words:
            if writer.stderr_open():
                traceback.print_exc()
        else:
            writer.error(internal_error())
        return EXIT_INTERNAL
