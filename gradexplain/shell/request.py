"""A command line, read: one immutable Request that nothing later re-reads, and the reading of the
formula and the claims from the argument, files or standard input.

gradexplain.shell.options makes a Request from the command's options (or a magic's line);
gradexplain.shell.run runs it. Every file is read at most one byte past the `source` limit, so
no file, pipe or device (`-f /dev/zero`) is read forever; each way of failing to read gets its
own message; standard input may be closed (`<&-`), which is said as such.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, BinaryIO

from gradexplain.errors import InputError, brief
from gradexplain.limits import Limits
from gradexplain.numbers import DEFAULT_DIGITS
from gradexplain.shell import writer
from gradexplain.shell.argv import formula_names
from gradexplain.symbolic import DEFAULT_SYMBOLIC_LIMIT

if TYPE_CHECKING:
    from gradexplain.render.table import RenderOptions
    from gradexplain.teach.claims import ClaimText

# A regular file, as the system knows it (device, inode), whatever path or link named it.
FileId = tuple[int, int]
# The defaults of --eps (explain()'s ε, as a person types it) and --eps-range.
DEFAULT_EPS = "0.001"
DEFAULT_EPS_RANGE = "1e-1..1e-12"


@dataclass(frozen=True, slots=True)
class Output:
    """What to write and where, as the options gave it."""

    format: str = "auto"
    path: str | None = None  # None or "-": standard output
    digits: int = DEFAULT_DIGITS
    standalone: bool = False
    full: bool = False
    notation: str = "leibniz"
    blank: bool = False

    @property
    def to_file(self) -> bool:
        return self.path is not None and self.path != "-"

    def render_options(self) -> RenderOptions:
        """The renderers' options for this output: with quiz_options, the one place they are
        made from a command line (the command's output and a magic's display alike)."""
        from gradexplain.notation import Notation
        from gradexplain.render.table import RenderOptions

        return RenderOptions(digits=self.digits, notation=Notation(self.notation), blank=self.blank)

    def quiz_options(self, keep_values: bool) -> RenderOptions:
        """The quiz's graph: every box blank (the values given, with `keep_values`), in this
        notation, at the default digits."""
        from gradexplain.notation import Notation
        from gradexplain.render.table import RenderOptions

        return RenderOptions(notation=Notation(self.notation), blank=True, keep_values=keep_values)


@dataclass(frozen=True, slots=True)
class ViewOptions:
    """--plot, --sweep, --eps-range, --mode, --descend and --lr, as views.with_views takes them."""

    plot: str | None = None
    sweep: str | None = None
    eps_range: str = DEFAULT_EPS_RANGE
    mode: str = "reverse"
    descend: int | None = None
    lr: str | None = None

    @property
    def asked(self) -> bool:
        """Whether any view is asked for (--eps-range alone shapes a sweep, and asks for none)."""
        named = (self.plot, self.sweep, self.descend, self.lr)
        return self.mode != "reverse" or any(option is not None for option in named)


@dataclass(frozen=True, slots=True)
class QuizOptions:
    part: str  # forward, backward or both
    tries: int


@dataclass(frozen=True, slots=True)
class Request:
    """Everything one run asks for, read once: the text to explain and where it came from, the
    inputs' values, explain()'s arguments, the views, the output, or the quiz instead."""

    source: str
    origin: str | None  # a file's name, "<stdin>" or "exercise"; None for the argument
    values: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    target: str | None = None
    wrt: tuple[str, ...] | None = None
    check: bool = False
    check_only: tuple[str, ...] | None = None
    eps: str = DEFAULT_EPS
    central: bool = False
    cost: bool = False
    symbolic_limit: int = DEFAULT_SYMBOLIC_LIMIT
    claims: tuple[str | ClaimText, ...] | None = None
    limits: Limits = field(default_factory=Limits)
    views: ViewOptions = field(default_factory=ViewOptions)
    output: Output = field(default_factory=Output)
    quiz: QuizOptions | None = None
    # The options typed on the line, by name, each with its one value as typed when it has one
    # (for warnings about options that do nothing here, and for `eps=0.1` in a missing value's hint).
    typed: Mapping[str, str | None] = field(default_factory=lambda: MappingProxyType({}))
    debug: bool = False
    notebook: bool = False  # a magic's line: the result shows itself in the cell, nothing goes to stdout


def idle(typed: Mapping[str, str | None], names: tuple[str, ...], used: bool, what: str) -> list[str]:
    """A warning for options typed where what they shape is not asked for: `--seed and --level
    only apply to --random exercises; …` (nothing when `used`, or when none was typed)."""
    given = [f"--{name.replace('_', '-')}" for name in names if name in typed]
    if used or not given:
        return []
    return [f"{' and '.join(given)} only {'apply' if given[1:] else 'applies'} to {what}"]


# ── reading the formula and the claims ────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Text:
    """What was read, where from (for messages), and which regular file it was (so that -o
    never replaces an input)."""

    text: str
    origin: str | None
    file: FileId | None = None


class ClosedStreamError(InputError):
    """A standard stream the run needs is closed (`<&-`)."""


def standard_input(what: str, hint: str) -> BinaryIO:
    """stdin, to read; closed (`<&-`), bad usage said in `what`'s words ("-f - reads")."""
    if sys.stdin is None:
        raise ClosedStreamError(f"{what} standard input, which is closed", hint=hint)
    return sys.stdin.buffer


def read_source(formula: str | None, file: str | None, limits: Limits) -> Text:
    """The formula, from the argument, a file or stdin, never reading more than the limit allows."""
    if file is not None and formula is not None:
        raise InputError("give the formula either as an argument or with -f, not both")
    if file is None and formula is not None and formula.endswith(".gx") and _looks_like_a_path(formula):
        file = formula
    if file is None:
        if formula is None:
            raise InputError(
                "no formula given",
                hint='try: gradexplain "0.5*(w*x+b-y)**2" --w 2 --x -2 --b 8 --y 2  (or -f FILE; see --help)',
            )
        return Text(formula, None)
    data, origin, identity = _read_data(file, limits, "-f", "give the formula as an argument or in a file")
    return Text(_decoded(data, origin, limits), origin, identity)


def exercise(formula: str | None, file: str | None, seed: int | None, level: int) -> tuple[Text, tuple[str, ...]]:
    """A --random exercise's program and the inputs whose gradients it asks for; without --seed a
    seed is drawn, and said, so that it can be made again."""
    if formula is not None or file is not None:
        raise InputError("--random makes its own exercise: give it no formula or -f", hint="drop one or the other")
    from gradexplain.teach.exercises import make_exercise

    if seed is None:
        import random

        seed = random.SystemRandom().randrange(10_000)
    made = make_exercise(seed, level)
    writer.warn((f"exercise: {made.family}, made again by {made.command}",), "note")
    return Text(made.text, "exercise"), tuple(made.wrt)


def example(name: str, formula: str | None, file: str | None) -> Text:
    """An example program shipped with gradexplain (--example NAME)."""
    if formula is not None or file is not None:
        raise InputError("--example runs its own program: give it no formula or -f", hint="drop one or the other")
    from gradexplain.shell.examples import example_program

    return Text(example_program(name), f"example {name}")


def read_claims(
    given: Iterable[str], path: str | None, file: str | None, limits: Limits, source: str, values: Mapping[str, str]
) -> tuple[tuple[str | ClaimText, ...] | None, Text | None]:
    """The claims of --claim, then those of the --claims file (one a line, blank lines and
    # comments skipped), each knowing its line there so that an error can point at it; and the
    file as read. A file that cannot be read may have been meant as the value of an input called
    claims."""
    claims: list[str | ClaimText] = list(given)
    if path is None:
        return tuple(claims) or None, None
    from gradexplain.teach.claims import ClaimText

    if path == "-" and file == "-":
        raise InputError("--claims - and -f - both read standard input", hint="put the claims or the formula in a file")
    try:
        data, origin, identity = _read_data(
            path, limits, "--claims", "put the claims in a file, or give them with --claim"
        )
    except ClosedStreamError:
        raise
    except InputError as error:
        error.message, error.hint = f"--claims: {error.message}", "check the path of the claims file"
        if "claims" not in values and "claims" in (formula_names(source) or ()):
            shown = brief(path, 40)
            error.hint = (
                f"if {shown} is the value of claims, write claims={shown} (--claims is gradexplain's own option)"
            )
        raise
    text = _decoded(data, origin, limits)
    found = [
        ClaimText(text, line.start(), line.end(), origin)
        for line in _LINES.finditer(text)
        if line.group().strip() and not line.group().strip().startswith("#")
    ]
    if not found:
        raise InputError(f"{origin} holds no claims", hint="write one claim a line, such as  dJ/dw = x*(w*x + b - y)")
    return (*claims, *found), Text(text, origin, identity)


_LINES = re.compile(r"[^\r\n]+")


def _read_data(path: str, limits: Limits, option: str, hint: str) -> tuple[bytes, str, FileId | None]:
    """The bytes of a file or of stdin (`-`), one more than the source limit allows at most;
    where they came from; and which regular file it was. A closed stdin is said as `option`'s,
    with `hint`."""
    most = 4 * limits.source  # UTF-8 takes at most 4 bytes a character
    if path == "-":
        stream = standard_input(f"{option} - reads", hint)
        return stream.read(most + 1), "<stdin>", _identity(stream)
    try:
        with open(path, "rb") as opened:
            return opened.read(most + 1), path, _identity(opened)
    except FileNotFoundError:
        raise InputError(f"no such file: {path}", hint="check the path, or pass the formula itself") from None
    except IsADirectoryError:
        hint = "name a file in it, such as a .gx program"
        raise InputError(f"{path} is a directory, not a file", hint=hint) from None
    except PermissionError:
        raise InputError(f"cannot read {path}: permission denied", hint="check the file's permissions") from None
    except OSError as problem:
        reason = problem.strerror or type(problem).__name__
        raise InputError(f"cannot read {path}: {reason}", hint="check the path, or pass the formula itself") from None


def _identity(stream: BinaryIO) -> FileId | None:
    """Which regular file `stream` reads; None for a pipe, a terminal or a device, which no
    output can replace."""
    try:
        status = os.fstat(stream.fileno())
    except (OSError, ValueError):  # a stream without a descriptor (a test's stand-in for stdin)
        return None
    return (status.st_dev, status.st_ino) if stat.S_ISREG(status.st_mode) else None


def _decoded(data: bytes, origin: str, limits: Limits) -> str:
    """The text of what was read: within the source limit, and UTF-8."""
    if len(data) > 4 * limits.source:
        raise InputError(f"{origin} is longer than the limit of {limits.source} characters", hint=limits.hint("source"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise InputError(f"{origin} is not UTF-8 text (byte {problem.start})", hint="save the file as UTF-8") from None


def _looks_like_a_path(formula: str) -> bool:
    """A positional argument ending in .gx is a program file when it exists, or when it could
    only be a path (one word: no formula ends in `.gx`)."""
    return os.path.lexists(formula) or (len(formula) <= 4096 and not any(char.isspace() for char in formula))


# ── where the output goes ─────────────────────────────────────────────────────────────────


def check_output_path(path: str | None) -> None:
    """-o names a file: a directory (or a name ending in /) is a mistake, said before any work."""
    if path is None or path == "-":
        return
    if path.endswith(("/", os.sep)) or os.path.isdir(path):
        raise InputError(
            f"-o {path}: that is a directory, not a file",
            hint=f"name a file in it, such as {os.path.join(path, 'graph.svg')}",
        )


def check_not_an_input(path: str | None, inputs: Iterable[tuple[Text | None, str]]) -> None:
    """-o never replaces a file this run reads (the program, the claims), whatever spelling,
    link or hard link names it: said before any work. `inputs` pairs each text read (None: not
    read) with what it is."""
    if path is None or path == "-":
        return
    try:
        status = os.stat(path)
    except OSError:  # not there yet (or not ours to look at: writing it will say so)
        return
    for read, what in inputs:
        if read is not None and read.file == (status.st_dev, status.st_ino):
            named = "the file on standard input" if read.origin == "<stdin>" else brief(read.origin or "", 60)
            same = "" if named == brief(path, 60) else f" ({named})"
            raise InputError(
                f"-o {brief(path, 60)} is {what} this run reads{same}: writing the output would replace it",
                hint="write the output to another file",
            )
