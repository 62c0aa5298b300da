"""The terminal side of --quiz: asks each box of gradexplain.teach.quiz in turn, reads the
answers, and prints feedback and the score.

On a terminal the questions come as rich prompts in colour. From a pipe (one answer per line)
the session is plain text and deterministic, for tests and autograders: after `show`, or when the
tries run out, a line `answer: VALUE`; the last line of stdout is `score: N/M`.

Answers are read a bounded line at a time: one longer than the `answer` limit is bad input,
refused with a message, so no input (`--quiz < /dev/zero`) grows without end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from gradexplain.errors import InputError
from gradexplain.limits import Limits
from gradexplain.notation import Notation
from gradexplain.shell import writer
from gradexplain.shell.request import Request, standard_input
from gradexplain.teach.quiz import SHOWN, Box, Score, boxes, judge, score

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

COMMANDS = "hint, show, skip or quit"
CLOSED_HINT = "run it on a terminal, or pipe the answers in, one a line"


class _QuizEndedError(Exception):
    """The student ended the quiz: quit, end of input, or Ctrl-C."""


@dataclass(frozen=True, slots=True)
class Terminal:
    """How the session talks: plain lines for a pipe, colour and prompts for a person."""

    say: Callable[[str, str], None]  # (text, style)
    ask: Callable[[str], str]  # prompt → the line typed; raises EOFError at the end of input


def require_streams() -> None:
    """Before any work: the questions go to standard output and the answers come from standard
    input, so neither may be closed."""
    writer.require_stdout("the quiz", hint="the quiz asks on standard output: run it without >&-")
    standard_input("--quiz reads its answers from", CLOSED_HINT)


def quiz(explanation: Explanation, request: Request) -> Score:
    """--quiz: the session instead of the tables (which would give the answers away)."""
    if request.output.path is not None:
        raise InputError(
            "--quiz asks on the terminal; it writes no file", hint="drop -o, or use --blank for a worksheet"
        )
    from gradexplain.render import render_text
    from gradexplain.teach.quiz import check_size

    assert request.quiz is not None
    check_size(explanation)
    notation = Notation(request.output.notation)
    graph = render_text(explanation, "tree", request.output.quiz_options(keep_values=request.quiz.part == "backward"))
    return run_quiz(explanation, request.quiz.part, request.quiz.tries, notation, graph, request.limits)


def read_answer(stream: BinaryIO, limits: Limits) -> str:
    """One line of `stream`, read no further than an answer within the limit can go (UTF-8 takes
    at most 4 bytes a character). EOFError at the end of input."""
    most = 4 * limits.answer
    line = stream.readline(most + 1)
    if not line:
        raise EOFError
    body = line.removesuffix(b"\n")
    # Bytes that are not UTF-8 stay as escapes, and the judge calls the answer unreadable.
    return _within_limit(body.decode("utf-8", "surrogateescape") if len(body) <= most else None, limits)


def _within_limit(text: str | None, limits: Limits) -> str:
    """`text`, unless it (None: what was read of it) is longer than an answer may be."""
    if text is None or len(text) > limits.answer:
        raise InputError(
            f"an answer is longer than the limit of {limits.answer:,} characters",
            hint="answer with a number or a short formula such as 2*(-2), or " + limits.hint("answer"),
        )
    return text


def plain_terminal(limits: Limits) -> Terminal:
    def say(text: str, style: str = "") -> None:
        writer.say(text)

    def ask(prompt: str) -> str:
        return read_answer(standard_input("--quiz reads its answers from", CLOSED_HINT), limits)

    return Terminal(say, ask)


def rich_terminal(limits: Limits) -> Terminal:
    console = writer.console()

    def say(text: str, style: str = "") -> None:
        console.print(text, style=style or None, markup=False)

    def ask(prompt: str) -> str:
        return _within_limit(console.input(f"[bold]{prompt}[/] "), limits)

    return Terminal(say, ask)


def run_quiz(
    explanation: Explanation, part: str, tries: int, notation: Notation, graph_text: str, limits: Limits | None = None
) -> Score:
    """The whole session: the graph with its boxes blank, each box in turn, then the score."""
    limits = limits or Limits()
    person = writer.person_at_terminal()
    terminal = rich_terminal(limits) if person else plain_terminal(limits)
    questions = boxes(explanation, part, notation)
    terminal.say(graph_text.rstrip("\n"), "")
    terminal.say("", "")
    order = {
        "forward": "each value left to right",
        "backward": "each gradient right to left",
        "both": "each value left to right, then each gradient right to left",
    }[part]
    terminal.say(
        f"{len(questions)} box{'' if len(questions) == 1 else 'es'}: {order}. Answer with a number or a formula "
        f"without names (-4, 1/2, 2*(-2)), or type {COMMANDS}.",
        "dim",
    )
    right, kinds = 0, []
    try:
        for number, box in enumerate(questions, 1):
            ok, mistakes = _ask_box(terminal, box, number, len(questions), tries)
            right += ok
            kinds += mistakes
    except (_QuizEndedError, KeyboardInterrupt):
        terminal.say("quiz ended", "dim")
    result = score(right, len(questions), kinds)
    terminal.say("", "")
    if result.mistakes:
        terminal.say("What to work on:", "bold")
        for line in result.summary():
            terminal.say(f"  {line}", "")
    terminal.say(result.line, "bold green" if right == len(questions) else "bold")
    return result


def _ask_box(terminal: Terminal, box: Box, number: int, total: int, tries: int) -> tuple[bool, list[str]]:
    """One box: answers until right, out of tries, shown or skipped. Returns whether it ended
    right, and the kinds of the wrong answers."""
    terminal.say(f"[{number}/{total}] {box.question}", "bold")
    kinds: list[str] = []
    wrong, hints = 0, 0
    while True:
        try:
            line = terminal.ask(">").strip()
        except (EOFError, KeyboardInterrupt):
            raise _QuizEndedError from None
        command = line.casefold()
        if command == "quit":
            raise _QuizEndedError
        if command == "hint":
            terminal.say(
                box.hints[hints] if hints < len(box.hints) else "no more hints: type show to see the answer", "cyan"
            )
            hints += 1
            continue
        if command in ("show", "skip"):
            if command == "show":
                terminal.say(SHOWN.format(shown=box.shown), "yellow")
            return False, kinds
        if not line:
            continue
        verdict = judge(box, line)
        if verdict.right:
            terminal.say(verdict.message, "green")
            return True, kinds
        terminal.say(verdict.message, "red")
        if verdict.kind != "unreadable":
            kinds.append(verdict.kind)
            wrong += 1
        if wrong >= tries:
            terminal.say(SHOWN.format(shown=box.shown), "yellow")
            return False, kinds
