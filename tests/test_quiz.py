"""--quiz: the boxes in the lab's order, answers judged exactly, wrong ones diagnosed, and the
session driven as a student (a pipe and a real terminal) would drive it."""

import os
import pty
import select
import subprocess
import sys
import time
from fractions import Fraction

import pytest

from gradexplain import explain
from gradexplain.notation import Notation
from gradexplain.teach.quiz import GRADIENT, VALUE, boxes, judge, score
from gradexplain.teach.tolerance import read_answer
from tests.conftest import EXAMPLES, ROOT, run_cli

LECTURE_FILE = EXAMPLES / "linear_regression.gx"
LECTURE = explain(LECTURE_FILE.read_text(encoding="utf-8"))
FAN_OUT = explain((EXAMPLES / "fan_out.gx").read_text(encoding="utf-8"))


def box(explanation, kind, name):
    return next(b for b in boxes(explanation) if b.kind == kind and b.name == name)


def test_values_left_to_right_then_gradients_right_to_left():
    asked = [(b.kind, b.name) for b in boxes(LECTURE)]
    assert asked[:4] == [(VALUE, "c"), (VALUE, "a"), (VALUE, "d"), (VALUE, "J")]
    gradients = [name for kind, name in asked if kind == GRADIENT]
    assert gradients[0] == "d" and set(gradients) == {"d", "a", "c", "w", "x", "b", "y"}  # ∂J/∂J = 1 is given
    assert gradients.index("a") < gradients.index("c") < gradients.index("w")
    assert [b.kind for b in boxes(LECTURE, "forward")] == [VALUE] * 4
    assert [b.kind for b in boxes(LECTURE, "backward")] == [GRADIENT] * 7
    with pytest.raises(ValueError):
        boxes(LECTURE, "sideways")


@pytest.mark.parametrize("answer", ["-4", "-4.0", "2*(-2)", "-8/2", " -4 "])
def test_equivalent_forms_of_the_right_answer_are_right(answer):
    assert judge(box(LECTURE, VALUE, "c"), answer).right


def test_an_answer_that_is_no_number_is_said_to_be_unreadable():
    verdict = judge(box(LECTURE, VALUE, "c"), "w*x")
    assert not verdict.right and verdict.kind == "unreadable" and "not a number" in verdict.message


def test_an_answer_nested_too_deeply_is_told_so_and_one_just_within_is_read():
    assert judge(box(LECTURE, VALUE, "c"), "(" * 99 + "-4" + ")" * 99).right
    verdict = judge(box(LECTURE, VALUE, "c"), "(" * 150 + "-4" + ")" * 150)
    assert not verdict.right and verdict.kind == "unreadable"
    assert verdict.message.endswith("nests more than 100 levels deep: write the number, or a shorter formula")


def test_inexact_values_are_right_within_the_stated_tolerance_and_exact_ones_exactly():
    rounded = explain("J = exp(w)", {"w": 1})
    assert judge(box(rounded, VALUE, "J"), "2.718").right and not judge(box(rounded, VALUE, "J"), "2.7").right
    third = explain("J = w/3", {"w": 1})
    assert judge(box(third, VALUE, "J"), "1/3").right
    close = judge(box(third, VALUE, "J"), "0.333")
    assert not close.right and close.kind == "close"
    huge = judge(box(rounded, VALUE, "J"), "1e400")  # exact, and too large for a float: no overflow
    assert not huge.right and huge.kind == "none"


def test_small_values_are_judged_relatively():
    """σ′(10) is 0.0000454: an absolute tolerance of 0.001 once took -0.0009 for it."""
    small = box(explain("sigmoid(w)", {"w": 10}), GRADIENT, "w")
    assert [judge(small, text).right for text in ("0.0000454", "4.54e-5", "-0.0009", "0", "0.00005")] == [
        True,
        True,
        False,
        False,
        False,
    ]


def test_an_exact_box_wants_an_exact_answer():
    """J = w*x = -4: a floating-point answer counts only within floating point's own rounding (as
    2**0.5*2**0.5 for 2, computed in floating point); further off it is at most close."""
    c = box(explain("w*x", {"w": 2, "x": -2}), VALUE, "J")
    assert judge(c, "-4*exp(1/10000)").kind == "none"  # a formula of whole numbers: held to 10⁻⁹
    assert judge(c, "-4*exp(1e-6)").kind == "close"  # a rounded number in it: within 0.1%, so close
    assert judge(c, "-4*exp(0)").right  # exp(0) is exactly 1
    assert judge(c, "-2*2**0.5*2**0.5").right and isinstance(read_answer("2**0.5*2**0.5")[0], float)


def test_an_answer_is_exact_as_far_as_gradexplain_holds_exact_numbers():
    c = box(LECTURE, VALUE, "c")
    assert judge(c, "10**1000/10**1000*(-4)").right
    assert judge(c, "2**1024/2**1022*(-1)").right
    assert judge(c, "10**10000/10**10000").kind == "unreadable"  # past 13,000 bits and a float's range


def test_the_digits_written_narrow_the_tolerance_and_never_widen_it():
    e = box(explain("J = exp(w)", {"w": 1}), VALUE, "J")  # 2.718281828…
    assert [judge(e, text).right for text in ("2.718", "2.72", "2.7183", "2.7182", "3", "0e1", "3.")] == [
        True,
        True,
        True,
        False,  # 2.7182 is held to its four places: 2.71828 rounds to 2.7183
        False,
        False,
        False,
    ]
    assert judge(e, "0.731*3.718").right  # rounded numbers in a formula: within 0.1%
    assert not judge(e, "2*1359/1000").right  # a formula of whole numbers means exactly what it says


# Each diagnosis on a case built to produce it: (explanation, box, wrong answer, kind, words in the message).
DIAGNOSES = [
    (LECTURE, (GRADIENT, "w"), "2", "upstream_only", "that is the upstream gradient ∂J/∂c = 2; multiply by"),
    (LECTURE, (GRADIENT, "w"), "-8", "factor", "2 times the gradient"),
    (LECTURE, (GRADIENT, "c"), "1", "missing_factor", "you left out ∂ₗJ/∂d = d = 2"),
    (FAN_OUT, (GRADIENT, "w"), "6", "missing_path", "that counts only the path through s; w also reaches J through p"),
    (FAN_OUT, (GRADIENT, "w"), "10", "missing_path", "only the path through p"),
    (LECTURE, (GRADIENT, "a"), "-2", "sign", "the sign is wrong"),
    (LECTURE, (GRADIENT, "b"), "4", "factor", "2 times the gradient"),
    (LECTURE, (GRADIENT, "w"), "4", "sign", "the sign is wrong"),  # also ∂J/∂x: the likelier mistake is said
    (LECTURE, (GRADIENT, "x"), "2", "upstream_only", "∂ₗc/∂x = w = 2"),
    (LECTURE, (GRADIENT, "b"), "-4", "wrong_variable", "that is ∂J/∂w, the gradient of w"),
    (LECTURE, (VALUE, "a"), "-4", "sign", "the sign is wrong"),
    (LECTURE, (VALUE, "a"), "8", "wrong_variable", "that is the value of b (an input)"),
    (LECTURE, (VALUE, "c"), "4", "sign", "the sign is wrong"),
    (LECTURE, (VALUE, "c"), "17", "none", "put in the values of its arguments"),
]


@pytest.mark.parametrize(("explanation", "which", "answer", "kind", "words"), DIAGNOSES)
def test_each_wrong_answer_gets_the_diagnosis_that_holds(explanation, which, answer, kind, words):
    verdict = judge(box(explanation, *which), answer)
    assert not verdict.right and verdict.kind == kind, verdict
    if words:
        assert words in verdict.message


def test_a_diagnosis_is_offered_only_when_it_holds_exactly():
    """Every mistake a box lists gives, redone from the backward pass, exactly its value, and none
    equals the right answer (so a right answer is never called a mistake)."""
    for explanation in (LECTURE, FAN_OUT, explain((EXAMPLES / "two_layer_relu.gx").read_text())):
        for b in boxes(explanation):
            for mistake in b.mistakes:
                assert Fraction(mistake.value) != Fraction(b.answer)
    w = box(LECTURE, GRADIENT, "w")
    missing = [m for m in w.mistakes if m.kind == "missing_factor"]
    # ∂J/∂w = -4 = x · ∂J/∂c: leaving out ∂ₗJ/∂d = d = 2 gives -2 (the upstream-only value of w's edge
    # is 2, leaving out ∂ₗc/∂w = x = -2 gives 2 too).
    assert {(m.value, m.message) for m in missing} >= {(Fraction(-2), "you left out ∂ₗJ/∂d = d = 2")}


def test_the_score_groups_mistakes_by_kind():
    result = score(3, 5, ["sign", "missing_path", "sign"])
    assert result.line == "score: 3/5"
    assert result.summary()[0] == "you lose a minus sign (2 times)"
    assert "sum over every path" in result.summary()[1]


def test_the_notation_reaches_the_questions():
    assert box(LECTURE, GRADIENT, "w").question == "∂J/∂w = ?"
    dvar = next(b for b in boxes(LECTURE, notation=Notation("dvar")) if b.name == "w" and b.kind == GRADIENT)
    assert dvar.question == "dJ_dw = ?" and "∂ₗc/∂w" in dvar.hints[0]


# ── sessions through the command line ─────────────────────────────────────────────────────


def quiz(*answers, part=(), tries=()):
    return run_cli(str(LECTURE_FILE), "--quiz", *part, *tries, stdin="\n".join(answers).encode() + b"\n")


RIGHT = ["-4", "4", "2", "2", "2", "2", "2", "-2", "2", "4", "-4"]  # c a d J, then d a c y b x w


def test_a_perfect_session_scores_every_box_and_exits_0():
    result = quiz(*RIGHT)
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 0 and lines[-1] == "score: 11/11"
    assert b"Traceback" not in result.stderr


def test_wrong_answers_get_feedback_and_another_try_then_the_answer():
    result = quiz("4", "-4", "3", "5", *RIGHT[2:])  # c: wrong then right; a: out of tries
    text = result.stdout.decode()
    assert "the sign is wrong" in text and "answer: 4" in text
    assert result.returncode == 1 and text.splitlines()[-1] == "score: 10/11"
    assert "What to work on:" in text and "you lose a minus sign (1 time)" in text


def test_hint_show_and_skip():
    result = quiz("hint", "hint", "-4", "show", "skip", *RIGHT[3:])
    text = result.stdout.decode()
    assert "c = w*x: put in the values of its arguments (w = 2, x = -2)" in text and "c = 2*(-2)" in text
    assert "answer: 4\n" in text  # after show
    assert text.splitlines()[-1] == "score: 9/11" and result.returncode == 1


def test_end_of_input_and_quit_end_with_the_partial_score():
    ended = quiz("-4", "4")
    assert ended.stdout.decode().splitlines()[-1] == "score: 2/11" and ended.returncode == 1
    quitted = quiz("-4", "quit", "4")
    assert quitted.stdout.decode().splitlines()[-1] == "score: 1/11" and quitted.returncode == 1
    assert b"Traceback" not in ended.stderr + quitted.stderr


def test_a_part_and_the_number_of_tries():
    forward = quiz("-4", "4", "2", "2", part=("forward",))
    assert forward.returncode == 0 and forward.stdout.decode().splitlines()[-1] == "score: 4/4"
    one_try = quiz("4", part=("forward",), tries=("--tries", "1"))
    assert "answer: -4" in one_try.stdout.decode()


def test_usage_errors_exit_2():
    assert run_cli(str(LECTURE_FILE), "--quiz", "-o", "x.txt", stdin=b"").returncode == 2
    assert run_cli(str(LECTURE_FILE), "--quiz", "--tries", "0", stdin=b"").returncode == 2


class _Terminal:
    """gradexplain run in a pty, as a student's terminal runs it, and what it has shown so far."""

    def __init__(self, *args: str) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: gradexplain on a terminal
            os.environ.pop("NO_COLOR", None)
            os.environ.update({"TERM": "xterm-256color", "COLUMNS": "120"})
            os.execv(sys.executable, [sys.executable, "-m", "gradexplain", *args])
        self.seen = b""

    def read_until(self, marker: bytes, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while marker not in self.seen and time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    self.seen += os.read(self.fd, 4096)
                except OSError:
                    break
        assert marker in self.seen, self.seen[-500:]

    def type(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def exit_code(self) -> int:
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)


def test_a_session_in_a_real_terminal():
    """Through a pty, as a student types: prompts, colour, feedback, and Ctrl-C ends it cleanly."""
    terminal = _Terminal(str(LECTURE_FILE), "--quiz")
    terminal.read_until(b"c = w*x = ?")
    terminal.type(b"4\r")
    terminal.read_until(b"the sign is wrong")
    terminal.type(b"-4\r")
    terminal.read_until(b"a = c + b = ?")
    terminal.type(b"\x03")  # Ctrl-C
    terminal.read_until(b"score: 1/11")
    assert terminal.exit_code() == 1
    assert b"\x1b[" in terminal.seen  # colour on a terminal
    assert b"Traceback" not in terminal.seen


def test_the_module_runs_as_gradexplain():
    """`python -m gradexplain` is what the pty test drives."""
    result = subprocess.run([sys.executable, "-m", "gradexplain", "--version"], capture_output=True, timeout=60)
    assert result.returncode == 0


def test_a_graph_too_large_to_fill_in_by_hand_is_refused_at_once():
    formula = " + ".join(f"w*{i}" for i in range(1, 120))
    result = run_cli(formula, "--w", "1", "--quiz", stdin=b"")
    assert result.returncode == 2 and b"the quiz would have" in result.stderr and b"more than 200" in result.stderr
    assert b"--random" in result.stderr  # the hint: practise on part of it, or on an exercise


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (("--claim", "dw=1"), b"--claim cannot go with it"),
        (("--check",), b"--check cannot go with it"),
        (("--plot", "w"), b"--plot cannot go with it"),
        (("--blank",), b"--blank cannot go with it"),
        (("--format", "json"), b"--format cannot go with it"),
    ],
)
def test_options_that_would_do_nothing_in_a_quiz_are_refused(options, words):
    result = run_cli(str(LECTURE_FILE), "--quiz", *options, stdin=b"")
    assert result.returncode == 2 and words in result.stderr


def test_the_formula_cannot_come_from_stdin_which_holds_the_answers():
    result = run_cli("-f", "-", "--quiz", stdin=b"w = 3\nJ = w**2\n")
    assert result.returncode == 2 and b"--quiz reads its answers from standard input" in result.stderr


def test_a_reader_that_stops_early_ends_the_quiz_quietly():
    process = subprocess.Popen(
        [sys.executable, "-m", "gradexplain", str(LECTURE_FILE), "--quiz"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.readline()
    process.stdout.close()  # as `| head -1` does
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 1 and b"internal error" not in stderr and b"Traceback" not in stderr


def test_a_long_unreadable_answer_is_quoted_short():
    verdict = judge(box(LECTURE, VALUE, "c"), "x" * 100_000)
    assert verdict.kind == "unreadable" and len(verdict.message) < 120 and "…" in verdict.message


def _bounded_quiz(stdin, *options: str) -> subprocess.CompletedProcess:
    """A quiz on `w*x` (stdin: a file object or bytes) in a process that may not grow past 1 GB,
    so that reading answers without end fails here rather than filling the machine's memory."""
    import resource

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    command = [sys.executable, "-m", "gradexplain", "w*x", "--w", "2", "--x", "3", "--quiz", "forward", *options]
    feed = {"input": stdin} if isinstance(stdin, bytes) else {"stdin": stdin}
    return subprocess.run(command, capture_output=True, cwd=ROOT, timeout=60, preexec_fn=limited, **feed)


def test_answers_are_read_in_bounded_lines_and_an_over_long_one_is_refused():
    with open("/dev/zero", "rb") as zeros:  # a line that never ends: refused after 4,001 bytes
        endless = _bounded_quiz(zeros)
    lines = endless.stderr.decode().splitlines()
    assert endless.returncode == 2 and lines[0] == "error: an answer is longer than the limit of 1,000 characters"
    assert lines[1].endswith("raise the limit with --limit answer=N (now 1000)")
    started = time.monotonic()
    long_lines = _bounded_quiz(b"".join(b"1" * 300_000 + b"\n" for _ in range(8)))
    assert long_lines.returncode == 2 and time.monotonic() - started < 20
    padded = b"6" + b" " * 1_500 + b"\n"  # right, once the limit allows an answer that long
    assert _bounded_quiz(padded).returncode == 2
    raised = _bounded_quiz(padded, "--limit", "answer=2000")
    assert raised.returncode == 0 and raised.stdout.decode().splitlines()[-1] == "score: 1/1"


def test_an_answer_that_is_not_utf8_is_unreadable_and_the_quiz_goes_on():
    result = _bounded_quiz(b"\xff\xfe6\n6\n")
    text = result.stdout.decode()
    assert result.returncode == 0 and "'\\udcff\\udcfe6' is not a number" in text and text.endswith("score: 1/1\n")


def test_a_random_exercise_at_a_terminal_is_the_quiz():
    """`gradexplain --random` where a person sits at a terminal asks the boxes; the key needs --key."""
    terminal = _Terminal("--random", "--seed", "3", "--level", "1")
    terminal.read_until(b"c = w*x = ?")
    terminal.type(b"\x03")  # Ctrl-C ends it with the partial score
    assert terminal.exit_code() == 1 and b"Traceback" not in terminal.seen
