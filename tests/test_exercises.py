"""--random exercises: reproducible, varied, and every box workable by hand; saved as programs."""

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradexplain import explain
from gradexplain.backward import EdgeStep
from gradexplain.render import program, render_text
from gradexplain.teach.exercises import FAMILIES, LEVELS, make_exercise
from tests.conftest import SAMPLES, run_cli

SEEDS = range(150)


def hand_computable(value) -> bool:
    """A number a student writes down: a small integer or a decimal of at most three places."""
    if isinstance(value, float):
        return value.is_integer() and abs(value) <= 1000
    value = Fraction(value)
    return abs(value) <= 1000 and (value * 1000).denominator == 1


def test_the_same_seed_and_level_make_the_same_exercise():
    for level in LEVELS:
        assert make_exercise(42, level) == make_exercise(42, level)
    assert make_exercise(1, 1).text != make_exercise(2, 1).text or make_exercise(3, 1).text != make_exercise(1, 1).text


@pytest.mark.parametrize("level", LEVELS)
def test_each_level_draws_from_all_its_families(level):
    drawn = {make_exercise(seed, level).family for seed in SEEDS}
    assert len(drawn) == len(FAMILIES[level])


@pytest.mark.parametrize("level", LEVELS)
def test_every_box_of_every_exercise_can_be_worked_by_hand(level):
    for seed in SEEDS:
        exercise = make_exercise(seed, level)
        explanation = explain(exercise.text)  # no domain error, no missing value
        assert not [note for note in explanation.notes if "kink" in note.text], exercise.text
        values = dict(zip((node.name for node in explanation.graph.nodes), explanation.values, strict=True))
        numbers = {
            "value": [value for name, value in values.items() if name != "J"],
            "gradient": [g for g in explanation.node_gradients if g is not None],
            "step": [
                n for s in explanation.steps if isinstance(s, EdgeStep) for n in (s.local_value, s.upstream, s.product)
            ],
        }
        for kind, values in numbers.items():
            assert all(hand_computable(v) for v in values), (kind, values, exercise.text)
        output = explanation.values[explanation.graph.output]
        if exercise.family == "a sigmoid neuron, cross-entropy":  # J = log 2, said in its lesson
            assert math.isclose(output, math.log(2))
        else:
            assert hand_computable(output), exercise.text
        assert set(exercise.wrt) <= {node.name for node in explanation.graph.inputs}


def test_the_dead_unit_is_dead_and_the_sigmoid_sits_at_zero():
    for seed in SEEDS:
        exercise = make_exercise(seed, 3)
        explanation = explain(exercise.text)
        values = dict(zip((n.name for n in explanation.graph.nodes), explanation.values, strict=True))
        if exercise.family == "a two-layer ReLU network":
            assert values["z1"] < 0 < values["z2"] and values["h1"] == 0
        elif exercise.family.startswith("a sigmoid neuron"):
            assert values["z"] == 0 and values["a"] == Fraction(1, 2)


def test_an_unknown_level_is_refused():
    with pytest.raises(ValueError, match="choose 1, 2 or 3"):
        make_exercise(1, 4)


@pytest.mark.parametrize("path", SAMPLES, ids=[path.stem for path in SAMPLES])
def test_a_program_file_gives_back_the_same_graph(path):
    explanation = explain(path.read_text(encoding="utf-8"))
    again = explain(render_text(explanation, "program"))
    assert [n.name for n in again.graph.nodes] == [n.name for n in explanation.graph.nodes]
    assert again.values == explanation.values and again.node_gradients == explanation.node_gradients


def test_a_bare_formula_comes_back_split_into_its_nodes():
    explanation = explain("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2})
    text = render_text(explanation, "program")
    assert text.splitlines()[:3] == ["w = 2", "x = -2", "v1 = w*x"] and text.endswith("J = 0.5*v4\n")
    assert explain(text).node_gradients == explanation.node_gradients


@given(st.fractions(max_denominator=10**6).filter(lambda f: abs(f) < 10**9))
def test_exact_values_are_written_so_that_they_read_back_exactly(value):
    text = program.exact_text(value)
    assert explain(f"w = {text}; J = w").values[0] == value


def test_floats_are_written_so_that_they_read_back_exactly():
    for value in (0.1, 1 / 3, 2.5e-300, -1.7976931348623157e308):
        assert explain(f"w = {program.exact_text(value)}; J = w").values[0] == Fraction(repr(value))


def test_the_command_line_makes_saves_and_reruns_an_exercise(tmp_path):
    target = tmp_path / "ex.gx"
    made = run_cli("--random", "--seed", "5", "--level", "2", "-o", str(target))
    assert made.returncode == 0, made.stderr.decode()
    assert b"note: exercise: " in made.stderr and b"gradexplain --random --seed 5 --level 2" in made.stderr
    saved = target.read_text(encoding="utf-8")
    assert saved.startswith("# Exercise: ") and "# Made by: gradexplain --random --seed 5 --level 2" in saved
    assert explain(saved).values == explain(make_exercise(5, 2).text).values
    wanted = ",".join(make_exercise(5, 2).wrt)
    rerun = run_cli(str(target), "--check", "--wrt", wanted)
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert rerun.stdout == run_cli("--random", "--seed", "5", "--level", "2", "--check", "--key").stdout


def test_an_exercise_is_practice_and_its_key_is_asked_for():
    """Piped, --random prints the worksheet (every box blank) of the gradients it says it wants;
    --key prints the answers; JSON, which would hold them, needs --key."""
    sheet = run_cli("--random", "--seed", "3", "--level", "3")
    assert sheet.returncode == 0 and b"________" in sheet.stdout and b"--key prints the answers" in sheet.stderr
    key = run_cli("--random", "--seed", "3", "--level", "3", "--key").stdout.decode()
    assert "________" not in key
    gradients = key.split("\nGradients\n")[1]
    assert all(f"∂J/∂{name} " in gradients for name in make_exercise(3, 3).wrt)
    assert "∂J/∂x1 " not in gradients  # data: the exercise does not ask for it
    refused = run_cli("--random", "--seed", "3", "--format", "json")
    assert refused.returncode == 2 and b"add --key" in refused.stderr
    assert run_cli("--random", "--seed", "3", "--format", "json", "--key").returncode == 0


def test_the_command_line_refuses_a_formula_with_random_and_says_when_seed_does_nothing():
    both = run_cli("w*x", "--random")  # the exercise is the program: a further word must be a value
    assert both.returncode == 2 and b"the program comes from -f, --example or --random" in both.stderr
    idle = run_cli("w*x", "--w", "1", "--x", "2", "--seed", "3")
    assert idle.returncode == 0 and b"--seed only applies to --random exercises" in idle.stderr
    bad = run_cli("--random", "--level", "4")
    assert bad.returncode == 2 and b"Traceback" not in bad.stderr
    unseeded = run_cli("--random")
    assert unseeded.returncode == 0 and b"--seed " in unseeded.stderr
