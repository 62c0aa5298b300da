import dataclasses
from fractions import Fraction

import pytest

from gradexplain import Explanation, GradexplainError, explain
from gradexplain.errors import EvaluationError, InputError


def test_library_api_returns_an_immutable_explanation():
    explanation = explain("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2})
    assert isinstance(explanation, Explanation)
    assert explanation.output.name == "J" and explanation.output_value == 2
    assert explanation.gradients == {"w": -4, "x": 4, "b": 2, "y": -2}
    with pytest.raises(dataclasses.FrozenInstanceError):
        explanation.eps = 1  # type: ignore[misc]


def test_values_are_exact_whatever_type_they_come_in():
    for value in ("0.1", 0.1, Fraction(1, 10)):
        assert explain("w*10", {"w": value}).output_value == 1


def test_command_line_values_override_program_values():
    explanation = explain("w = 2; J = w**2", {"w": "3"})
    assert explanation.output_value == 9


def test_value_for_a_computed_name_is_an_error():
    with pytest.raises(InputError, match="c is computed"):
        explain("c = w*x; J = c + 1", {"w": 1, "x": 2, "c": 3})


def test_value_for_an_unused_name_is_a_warning():
    explanation = explain("w*2", {"w": 1, "q": 5})
    assert explanation.warnings == ("q is not used by the formula; its value is ignored",)


def test_missing_values_are_all_named_with_how_to_pass_them():
    with pytest.raises(InputError) as raised:
        explain("w*x + b - y", {"w": 1, "x": 2})
    assert raised.value.message == "missing values for b, y"
    assert "--b VALUE --y VALUE" in raised.value.hint


@pytest.mark.parametrize(
    ("raw", "message"), [("abc", "not a number"), ("nan", "not a number"), ("inf", "not a number")]
)
def test_bad_values(raw, message):
    with pytest.raises(GradexplainError, match=message):
        explain("w*2", {"w": raw})


def test_undefined_point_names_the_node_and_the_values_that_reached_it():
    with pytest.raises(EvaluationError) as raised:
        explain("1/w + 3", {"w": 0})
    assert raised.value.message == "cannot compute v1 = 1/w at w = 0: division by zero"
    assert raised.value.source == "1/w + 3"


def test_undefined_local_derivative_is_an_error():
    with pytest.raises(EvaluationError, match=r"cannot be computed at w = 0"):
        explain("sqrt(w)", {"w": 0})


def test_wrt_must_name_inputs():
    with pytest.raises(InputError, match="computed, not an input"):
        explain("c = w*2; J = c + 1", {"w": 1}, wrt=["c"])
    with pytest.raises(InputError, match="no input named q"):
        explain("w*2", {"w": 1}, wrt=["q"])


def test_symbolic_gradients_are_skipped_above_the_limit_with_a_reason():
    explanation = explain("+".join(["w*w"] * 30), {"w": 1}, symbolic_limit=10)
    assert explanation.symbolic.gradients == ()
    assert "more than the symbolic limit of 10" in explanation.symbolic.skipped
    assert explanation.to_dict()["symbolic_gradients"] is None


def test_flat_sum_of_100000_terms_runs():
    explanation = explain("+".join(["x"] * 100_000), {"x": 3})
    assert explanation.output_value == 300_000
    assert explanation.gradient("x") == 100_000


def test_to_dict_has_the_documented_keys_in_order():
    document = explain("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 1}, check=True).to_dict()
    assert list(document) == [
        "schema_version",
        "source",
        "output",
        "inputs",
        "inputs_exact",
        "nodes",
        "backward",
        "sums",
        "gradients",
        "gradients_exact",
        "symbolic_gradients",
        "symbolic_agrees",
        "symbolic_note",
        "checks",
        "notes",
        "ok",
    ]
    assert document["output"] == {"name": "J", "value": 4.5}
    assert document["nodes"][0] == {
        "name": "v1",
        "operation": "*",
        "definition": "w*x",
        "arguments": ["w", "x"],
        "value": -4,
        "gradient": 3,
    }
    assert document["backward"][-2]["local_derivative"] == "x"
    assert document["symbolic_gradients"]["w"] == "x*(b + w*x - y)"
    check = document["checks"][0]
    assert {"input", "eps", "nudged_output", "estimate", "gradient", "ok"} <= set(check)


def test_exact_strings_appear_only_where_the_json_number_loses_them():
    document = explain("w/3", {"w": 1}).to_dict()
    assert document["output"] == {"name": "J", "value": 1 / 3, "value_exact": "1/3"}
    assert document["gradients_exact"] == {"w": "1/3"}


def nested(step: str, depth: int = 12) -> str:
    lines, previous = ["w = 1/3"], "w"
    for i in range(1, depth + 1):
        lines.append(f"a{i} = {step.format(p=previous)}")
        previous = f"a{i}"
    return "\n".join(lines)


def test_deep_graph_falls_back_to_float_and_says_where():
    explanation = explain(nested("{p}*{p} + w"))
    assert [explanation.graph.nodes[n.node].name for n in explanation.notes] == ["a10"]
    assert "floating point" in explanation.notes[0].text
    assert isinstance(explanation.output_value, float)
    assert explanation.symbolic_agrees  # degree 4096 when written out: checked without expanding


def test_expression_that_doubles_when_written_out_skips_symbolic_gradients():
    explanation = explain(nested("sin({p}) + cos({p})"))
    assert explanation.symbolic.gradients == ()
    assert "more than the symbolic limit" in explanation.symbolic.skipped


def test_package_docstring_example_runs():
    import doctest

    import gradexplain

    assert doctest.testmod(gradexplain).failed == 0


def test_check_only_nudges_the_named_inputs_and_keeps_every_gradient():
    explanation = explain("w = 3; x = 2; p = w*x; s = w + x; J = p*s", check_only=["x"])
    assert [explanation.graph.nodes[c.input].name for c in explanation.checks] == ["x"]
    assert explanation.gradients == {"w": 16, "x": 21}


def test_check_only_rejects_names_that_are_not_inputs():
    with pytest.raises(GradexplainError, match="--check-only p: p is computed, not an input"):
        explain("w = 3; x = 2; p = w*x; J = p*p", check_only=["p"])


def test_stages_are_reported_in_order():
    stages: list[str] = []
    explain("w*x", {"w": 2, "x": 3}, check=True, on_stage=stages.append)
    assert stages == ["parse", "build", "compile", "forward", "backward", "symbolic", "check"]


def test_cost_counts_backprop_steps_against_nudging_every_input():
    explanation = explain("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2}, cost=True)
    cost = explanation.cost
    assert (cost.computed, cost.inputs, cost.steps) == (5, 4, 8)  # 8 edges in the lecture's graph
    assert cost.nudge_evaluations == 20
    assert cost.backward_seconds > 0 and cost.nudge_seconds == 4 * cost.forward_seconds
    assert explain("w*x", {"w": 1, "x": 2}).cost is None
    assert "cost" not in explain("w*x", {"w": 1, "x": 2}).to_dict()
    assert explanation.to_dict()["cost"]["backprop_steps"] == 8


def test_symbolic_gradients_of_many_inputs_are_bounded_by_their_total_work():
    names = [f"w{i}" for i in range(40)]
    formula = " + ".join(f"{name}*x" for name in names)  # 79 operations written out, 41 inputs
    values = dict.fromkeys([*names, "x"], 1)
    skipped = explain(formula, values).symbolic
    assert skipped.gradients == ()
    assert "41 symbolic gradients of a formula of 79 operations" in skipped.skipped
    assert "--wrt" in skipped.skipped
    chosen = explain(formula, values, wrt=["w0", "x"]).symbolic.gradients
    assert chosen[0].formula == "x" and chosen[1].formula.count("+") == 39
    assert all(gradient.agrees for gradient in chosen)


def test_check_only_refuses_inputs_that_get_no_gradient():
    with pytest.raises(GradexplainError, match="--check-only x: no gradient to check, they are not in --wrt"):
        explain("w*x", {"w": 2, "x": 3}, wrt=["w"], check_only=["x"])
