"""A newcomer's first hour (issue 20): the examples installed with the package, lessons that teach
with counts, and long formulas that do not drown the tables."""

from __future__ import annotations

import pytest

from gradexplain import explain
from gradexplain.render import render_text
from gradexplain.render.report import SYMBOLIC_SHOWN
from gradexplain.render.table import TIMED_FROM, duration
from gradexplain.shell.examples import example_names, example_program
from tests.conftest import EXAMPLES, run_cli


def test_every_example_is_installed_listed_and_runs():
    assert example_names() == sorted(path.stem for path in EXAMPLES.glob("*.gx"))
    listing = run_cli("--example")
    assert listing.returncode == 0
    for name in example_names():
        assert f"  {name}\n" in listing.stdout.decode()
        assert example_program(name) == (EXAMPLES / f"{name}.gx").read_text(encoding="utf-8")
    shown = " ".join(run_cli("--help", env={"COLUMNS": "200"}).stdout.decode().split())
    assert f"shipped with gradexplain ({', '.join(example_names())})" in shown.replace("│ ", "")
    ran = run_cli("--example", "square", "--check")
    assert ran.returncode == 0 and "the gradient check passes" in ran.stdout.decode()


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["--example", "fan_outt"], "--example fan_outt: no such example; did you mean fan_out?"),
        (["--example", "square", "w*x"], "unexpected argument 'w*x'"),
        (["--example", "square", "--random"], "--random and --example each choose the program"),
    ],
)
def test_a_wrong_example_is_an_input_error(words, message):
    result = run_cli(*words)
    assert result.returncode == 2 and message in result.stderr.decode() and b"Traceback" not in result.stderr


def test_durations_are_written_as_a_person_writes_them():
    assert [duration(s) for s in (0.000314, 0.012, 0.1234, 0.99951, 1.5, 9.96, 37.2)] == [
        "0.31 ms",
        "12 ms",
        "120 ms",
        "1.0 s",
        "1.5 s",
        "10 s",
        "37 s",
    ]


def test_the_cost_lesson_shows_times_only_where_they_mean_what_the_counts_say():
    small = render_text(explain("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2}, cost=True), "text")
    lesson = small.split("Cost of the gradients")[1]
    assert "node evaluations (N × P = 5 × 4)" in lesson and " ms" not in lesson and "—" in lesson
    assert f"No times: below {TIMED_FROM:,} node evaluations" in small
    terms = " + ".join(f"w{i}*x{i}" for i in range(40))
    large = explain(f"({terms})**2", {**{f"w{i}": 1 for i in range(40)}, **{f"x{i}": 2 for i in range(40)}}, cost=True)
    assert large.cost.nudge_evaluations >= TIMED_FROM
    assert "Times are measured on this run" in render_text(large, "text")


def test_a_long_symbolic_gradient_is_cut_with_a_note_and_json_has_it_whole():
    formula = "sigmoid(w1*tanh(w2*tanh(w3*tanh(w4*x+b4)+b3)+b2)+b1)"
    values = {name: 1 for name in ("w1", "w2", "w3", "w4", "x")} | {name: 0 for name in ("b1", "b2", "b3", "b4")}
    explanation = explain(formula, values)
    longest = max(explanation.symbolic.gradients, key=lambda g: len(g.formula)).formula
    assert len(longest) > SYMBOLIC_SHOWN
    text = render_text(explanation, "text")
    assert longest not in text and longest[: SYMBOLIC_SHOWN - 1] + "…" in text
    assert "--format json has them whole" in text
    assert longest in render_text(explanation, "json")


def test_an_exercise_refuses_what_would_show_its_answers_unless_the_key_is_asked_for():
    for option in (["--plot", "w"], ["--sweep", "w"], ["--mode", "forward"], ["--claim", "dJ/dw = 1"], ["--check"]):
        refused = run_cli("--random", "--seed", "3", *option)
        assert refused.returncode == 2 and "--random is practice" in refused.stderr.decode(), option
    assert run_cli("--random", "--seed", "3", "--key", "--plot", "w").returncode == 0


def test_values_after_an_example_or_an_exercise_are_values():
    assert "Inputs: w = 4" in run_cli("--example", "square", "w=4").stdout.decode()
    idle = run_cli("--example", "square", "--seed", "3")
    assert idle.returncode == 0 and "--seed only applies to --random exercises" in idle.stderr.decode()
