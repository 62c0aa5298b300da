"""The one place that writes: the output to standard output or the -o file, rich's tables on a
terminal, the quiz's lines, warnings and errors on standard error, and the progress bar.

Any standard stream may be closed (`>&-`, `2>&-`); Python then leaves `sys.stdout` or
`sys.stderr` None. Output with nowhere to go is bad usage (an InputError, exit code 2, said on
stderr); a message with nowhere to go is dropped, so the exit code still says what happened.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from gradexplain.errors import InputError, visible

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

# On a terminal, a table longer than this shows its first and last rows (--full shows all).
TERMINAL_ROWS = 60
# Stages as explain() reports them, then the shell's own; a progress bar walks through them.
STAGES = ("parse", "build", "forward", "backward", "audit", "compile", "symbolic", "claims", "check", "output")
# Sources this large take long enough to deserve a progress bar (on a terminal only).
PROGRESS_FROM_CHARACTERS = 100_000


# ── standard error: best effort ───────────────────────────────────────────────────────────


def _to_stderr(text: str) -> None:
    """Write to stderr if it can be written (closed, a closed pipe or a full disk: dropped)."""
    stream = sys.stderr
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):  # ValueError: a stream closed in this process
        stream.write(text)
        stream.flush()


def warn(warnings: tuple[str, ...] | list[str], kind: str = "warning") -> None:
    """Warnings (or notes) on stderr, one line each, control characters escaped (they may quote
    a name or a file name the user typed)."""
    for warning in warnings:
        _to_stderr(f"{kind}: {visible(warning)}\n")


def error(text: str) -> None:
    """An error block (GradexplainError.describe) or the internal-error line, on stderr."""
    _to_stderr(text + "\n")


def finish() -> None:
    """Flush what is still buffered on stdout and stderr before the command leaves (it does not
    wait for Python's own flush at exit); a stream that cannot take it has had its say."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.flush()


def stderr_open() -> bool:
    return sys.stderr is not None


# ── standard output and files ─────────────────────────────────────────────────────────────


def require_stdout(what: str = "the output", hint: str = "write to a file with -o FILE, or run without >&-") -> None:
    """Refuse, before any work, to make `what` for a standard output that is closed."""
    if sys.stdout is None:
        raise InputError(f"standard output is closed, so {what} has nowhere to go", hint=hint)


def stdout_is_terminal() -> bool:
    return sys.stdout is not None and sys.stdout.isatty()


def person_at_terminal() -> bool:
    """Whether a person types the input and reads the output: both are a terminal."""
    return sys.stdin is not None and sys.stdin.isatty() and stdout_is_terminal()


def _to_stdout(write: Callable[[], object]) -> None:
    """Write to stdout. A reader that stops early (`gradexplain ... | head`) has all it wanted;
    any other failure (a full disk) is said. Either way stdout then points at /dev/null, so that
    Python's last flush at exit finds nothing left to fail on."""
    require_stdout("the output")
    try:
        write()
        sys.stdout.flush()
    except OSError as problem:
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if not isinstance(problem, BrokenPipeError):
            reason = problem.strerror or type(problem).__name__
            hint = "check where standard output goes (a full disk, a device), or write to a file with -o FILE"
            raise InputError(f"cannot write to standard output: {reason}", hint=hint) from None


def write(data: bytes, path: str | None) -> None:
    """The rendered output, to the -o file or (path None or "-") to stdout."""
    if path is None or path == "-":
        _to_stdout(lambda: sys.stdout.buffer.write(data))
        return
    try:
        Path(path).write_bytes(data)
    except OSError as problem:
        raise InputError(f"cannot write {path}: {problem.strerror}", hint="check the path") from None


def say(line: str) -> None:
    """One line on stdout, at once: the quiz's plain session (a pipe), and --version."""
    _to_stdout(lambda: sys.stdout.write(line + "\n"))


def console() -> Console:
    """rich's console on stdout, for the tables and the quiz's prompts (honours NO_COLOR)."""
    from rich.console import Console

    return Console(highlight=False)


def print_rich(renderable: RenderableType) -> None:
    """rich's tables, on the terminal."""
    _to_stdout(lambda: console().print(renderable))


# ── the progress bar, and the streams' numbers ────────────────────────────────────────────


@contextmanager
def progress(source: str, wanted: bool = True) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr through the stages, for long runs and only on a terminal: a
    pipe or a file never gets one. It disappears once the output is written."""
    if not wanted or len(source) < PROGRESS_FROM_CHARACTERS or sys.stderr is None or not sys.stderr.isatty():
        yield _no_progress
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description:<9}"),
        BarColumn(),
        TextColumn("stage {task.completed:.0f} of {task.total:.0f}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("starting", total=len(STAGES))

    def on_stage(stage: str) -> None:
        bar.update(task, description=stage, completed=STAGES.index(stage) + 1)

    with bar:
        yield on_stage


def _no_progress(stage: str) -> None:
    """No progress bar: piped, redirected, or too quick to need one."""


def keep_standard_numbers() -> None:
    """Open /dev/null on each closed standard stream (`<&-`, `>&-`, `2>&-`), so that no file
    opened later takes its number and becomes, say, standard error for whatever writes there.
    Python has set sys.stdin, sys.stdout or sys.stderr to None already; that stays how the
    shell tells a closed stream."""
    for number in (0, 1, 2):
        try:
            os.fstat(number)
        except OSError:
            opened = os.open(os.devnull, os.O_RDONLY if number == 0 else os.O_WRONLY)
            if opened != number:
                os.dup2(opened, number)
                os.close(opened)
