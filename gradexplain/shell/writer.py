"""The one place that writes: the output to standard output or the -o file, rich's tables on a
terminal, the quiz's lines, warnings and errors on standard error, and the progress bar."""

from __future__ import annotations

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
STAGES = ("parse", "build", "compile", "forward", "backward", "symbolic", "claims", "check", "output")
# Sources this large take long enough to deserve a progress bar (on a terminal only).
PROGRESS_FROM_CHARACTERS = 100_000


# ── standard error ────────────────────────────────────────────────────────────────────────


def warn(warnings: tuple[str, ...] | list[str], kind: str = "warning") -> None:
    """Warnings (or notes) on stderr, one line each, control characters escaped (they may quote
    a name or a file name the user typed)."""
    for warning in warnings:
        sys.stderr.write(f"{kind}: {visible(warning)}\n")


def error(text: str) -> None:
    """An error block (GradexplainError.describe) or the internal-error line, on stderr."""
    sys.stderr.write(text + "\n")


# ── standard output and files ─────────────────────────────────────────────────────────────


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _to_stdout(write: Callable[[], object]) -> None:
    """Write to stdout; a reader that stops early (`gradexplain ... | head`) has all it wanted."""
    try:
        write()
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


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


# ── the progress bar ────────────────────────────────────────────


@contextmanager
def progress(source: str, wanted: bool = True) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr through the stages, for long runs and only on a terminal: a
    pipe or a file never gets one. It disappears once the output is written."""
    if not wanted or len(source) < PROGRESS_FROM_CHARACTERS or not sys.stderr.isatty():
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
