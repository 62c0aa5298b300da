import math
from fractions import Fraction

import pytest

from gradexplain import GradexplainError, explain
from gradexplain.build import build, read_value
from gradexplain.errors import EvaluationError, InputError
from gradexplain.render import render_text
from gradexplain.syntax import parse


def names_and_definitions(text: str, target: str | None = None) -> list[tuple[str, str]]:
    graph = build(parse(text), target)
    return [(node.name, graph.definition(node)) for node in graph.nodes if not node.is_input]


def test_bare_expression_is_split_per_operation_in_evaluation_order():
    assert names_and_definitions("0.5*(w*x+b-y)**2") == [
        ("v1", "w*x"),
        ("v2", "v1 + b"),
        ("v3", "v2 - y"),
        ("v4", "v3**2"),
        ("J", "0.5*v4"),
    ]


def test_intermediate_names_never_clash_with_user_names():
    assert names_and_definitions("v1*v2 + J") == [("v3", "v1*v2"), ("f", "v3 + J")]


def test_a_bare_name_is_a_formula():
    assert names_and_definitions("w") == [("J", "w")]


def test_constant_subexpressions_are_folded_exactly():
    graph = build(parse("(1/3)*w + 2*pi"))
    assert [graph.definition(n) for n in graph.nodes if not n.is_input] == ["(1/3)*w", "v1 + (2*pi)"]


def test_each_use_of_a_name_is_its_own_edge():
    graph = build(parse("w*w"))
    output = graph.nodes[graph.output]
    assert output.args == (0, 0)


def test_program_assignments_are_one_node_each_and_constants_are_inputs():
    graph = build(parse("w = 2; x = -2; k = 2*3; c = w*x; J = c**2/2 + k"))
    assert [(n.name, n.operation) for n in graph.nodes] == [
        ("w", "input"),
        ("x", "input"),
        ("k", "input"),
        ("c", "formula"),
        ("J", "formula"),
    ]
    assert dict((graph.nodes[i].name, v) for i, v in graph.defaults) == {"w": 2, "x": -2, "k": 6}
    assert graph.definition(graph.nodes[-1]) == "c**2/2 + k"


def test_target_picks_another_output_and_prunes_the_rest():
    graph = build(parse("w = 2; c = w*3; J = c + 1"), target="c")
    assert graph.nodes[graph.output].name == "c"
    assert graph.unused == ("J",) or graph.unused == ()
    assert [n.name for n in graph.nodes] == ["w", "c"]


def test_statements_not_feeding_the_output_are_reported():
    graph = build(parse("w = 2; k = w*5; J = w**2"))
    assert graph.unused == ("k",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("w = 1; w = 2; J = w", "w is assigned twice"),
        ("J = c*2; c = w", "c is used before it is assigned"),
        ("w = 2; x = 3", "nothing to differentiate"),
        ("2*3", "no inputs"),
        ("J = 2*3 + 0*1", "nothing to differentiate"),
    ],
)
def test_program_errors(text, message):
    with pytest.raises(InputError, match=message):
        build(parse(text))


def test_unknown_target_lists_the_computed_names():
    with pytest.raises(InputError) as raised:
        build(parse("c = w*2; J = c + 1"), target="q")
    assert "c, J" in raised.value.hint


def test_division_by_constant_zero_points_at_the_divisor():
    with pytest.raises(EvaluationError, match="division by zero"):
        build(parse("w/(1-1)"))


def test_constant_that_has_no_value_is_an_error():
    with pytest.raises(EvaluationError, match="log"):
        build(parse("w + log(-1)"))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2", Fraction(2)),
        ("-0.5", Fraction(-1, 2)),
        ("1/3", Fraction(1, 3)),
        ("sin(pi)", Fraction(0)),
        ("1e-3", Fraction(1, 1000)),
    ],
)
def test_read_value(text, value):
    assert read_value(text) == value


def test_read_value_rejects_names():
    with pytest.raises(InputError, match="not a number"):
        read_value("abc")


def test_constants_are_folded_to_full_accuracy():
    # In floats, 1e22*pi + 0.5 has lost its fractional part: sin of it was -0.688675.
    assert explain("w + sin(1e22*pi + 0.5)", {"w": 0}).output_value == pytest.approx(0.479425538604203, rel=1e-15)
    assert explain("w", {"w": "sin(1e22*pi + 0.5)"}).output_value == pytest.approx(0.479425538604203, rel=1e-15)


def test_a_long_constant_folds_in_linear_time():
    terms = "+".join(f"sin({k})" for k in range(1, 3000))
    total = sum(math.sin(k) for k in range(1, 3000))
    assert float(explain(f"w + {terms}", {"w": 0}).output_value) == pytest.approx(total, rel=1e-12)


@pytest.mark.parametrize("source", ["w + 1e-99999999", "w*1e5000", "w + " + "9" * 5000])
def test_numbers_spanning_too_many_digits_are_refused_before_they_are_built(source):
    for formula, value in ((source, "1"), ("w", source.split(" ")[-1].removeprefix("w*"))):
        with pytest.raises(InputError, match="more than the limit of 1,000") as refused:
            explain(formula, {"w": value})
        assert "--limit number_digits=N" in refused.value.hint


@pytest.mark.parametrize(("value", "message"), [("2**-1075", "too small"), ("3**-1000", "too small")])
def test_values_too_small_for_floating_point_never_become_zero(value, message):
    with pytest.raises(GradexplainError, match=message):
        explain("1/w", {"w": value})
    assert explain("w", {"w": "1e-400"}).output_value == Fraction(1, 10**400)


def test_target_picks_a_part_of_a_bare_formula_by_its_node_name():
    explanation = explain("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2}, target="v3")
    assert explanation.output.name == "v3" and explanation.output_value == 2
    assert explanation.gradients == {"w": -2, "x": 2, "b": 1, "y": -1}
    text = render_text(explanation, "text")
    assert text.startswith("Formula: 0.5*(w*x+b-y)**2; output v3, a part of it (v2 - y)\n")
