import dataclasses
import pickle
from decimal import Decimal
from fractions import Fraction

import pytest

from gradexplain import Explanation, GradexplainError, explain
from gradexplain.build import build
from gradexplain.engine.arithmetic import DomainError
from gradexplain.engine.interpreter import Interpreter
from gradexplain.errors import EvaluationError, InputError, MissingValuesError
from gradexplain.limits import Limits
from gradexplain.syntax import parse


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


def test_flat_sum_of_100000_terms_runs_with_the_node_limit_raised():
    explanation = explain("+".join(["x"] * 100_000), {"x": 3}, limits=Limits(nodes=200_000))
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
        "claims",
        "notes",
        "ok",
        "plot",
        "sweep",
        "forward_mode",
        "descent",
    ]
    assert document["output"] == {"name": "J", "value": 4.5}
    assert [document[key] for key in ("plot", "sweep", "forward_mode", "descent")] == [None] * 4  # unless asked
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
    assert stages == ["parse", "build", "forward", "backward", "audit", "compile", "symbolic", "check"]


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


# ── what a library caller may pass ────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "value", ["0.1", 0.1, Fraction(1, 10), Decimal("0.1"), Decimal("1E-1"), Decimal("0.10")], ids=repr
)
def test_every_standard_number_type_means_what_it_says(value):
    assert explain("w*10", {"w": value}).output_value == 1


def test_numpy_scalars_are_numbers():
    np = pytest.importorskip("numpy")
    for value in (np.float64(0.1), np.float32(0.1), np.float16(0.1)):
        assert explain("w*10", {"w": value}).output_value == 1, type(value)
    assert explain("w*10", {"w": np.int64(3)}).output_value == 30
    assert explain("w*10", {"w": np.float64(2.5)}, eps=np.float64(0.01), check=True).eps == Fraction(1, 100)
    with pytest.raises(TypeError, match=r"values\['w'\] must be a number or a string, got bool"):
        explain("w*10", {"w": np.bool_(True)})
    with pytest.raises(GradexplainError, match="not a finite number"):
        explain("w*10", {"w": np.float32("nan")})


@pytest.mark.parametrize(
    ("value", "kind"), [([1], "list"), (b"1", "bytes"), (None, "NoneType"), (True, "bool"), (1j, "complex")]
)
def test_a_value_of_the_wrong_type_is_a_type_error_naming_it(value, kind):
    with pytest.raises(TypeError, match=rf"values\['w'\] must be a (real )?number or a string, got {kind}"):
        explain("w*10", {"w": value})


@pytest.mark.parametrize("value", [Decimal("snan"), Decimal("nan"), Decimal("-inf"), float("inf"), "nan"])
def test_values_that_are_not_finite_are_bad_input(value):
    with pytest.raises(GradexplainError, match=r"not a (finite )?number"):
        explain("w*10", {"w": value})


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"source": None}, "source must be a string, got NoneType"),
        ({"source": b"w"}, "source must be a string, got bytes"),
        ({"values": [("w", 1)]}, "values must be a mapping of names to numbers, got list"),
        ({"values": {1: 2}}, "values: names must be strings, got int"),
        ({"target": 1}, "target must be None or a string, got int"),
        ({"wrt": "w"}, "wrt must be a list of names, got str"),
        ({"check_only": [1]}, r"check_only must hold names \(strings\), got int"),
        ({"check": "yes"}, "check must be True or False, got str"),
        ({"eps": [0.1]}, "eps must be a number or a string, got list"),
        ({"symbolic_limit": 1.5}, "symbolic_limit must be a whole number, got float"),
        ({"limits": {}}, r"limits must be None or gradexplain.limits.Limits\(...\), got dict"),
        ({"on_stage": "print"}, "on_stage must be a function of the stage's name, got str"),
        ({"origin": 3}, "origin must be None or a string, got int"),
    ],
)
def test_every_parameter_of_the_wrong_type_is_a_type_error_naming_it(arguments, message):
    with pytest.raises(TypeError, match=message):
        explain(**({"source": "w*10", "values": {"w": 1}} | arguments))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"symbolic_limit": -1}, "symbolic_limit must be at least 0"),
        ({"eps": Decimal("snan"), "check": True}, "not a finite number"),
    ],
)
def test_parameters_of_the_right_type_but_a_bad_value_are_bad_input(arguments, message):
    with pytest.raises(GradexplainError, match=message):
        explain(**({"source": "w*10", "values": {"w": 1}} | arguments))


def test_limits_are_checked_when_made():
    with pytest.raises(TypeError, match=r"limits\.nodes must be a whole number, got str"):
        Limits(nodes="many")  # type: ignore[arg-type]
    with pytest.raises(GradexplainError, match=r"limits\.depth must be at least 1"):
        Limits(depth=0)
    with pytest.raises(GradexplainError, match=r"limits\.exact_bits is at most 13,000"):
        Limits(exact_bits=20_000)


def test_the_graph_s_name_index_cannot_be_changed():
    explanation = explain("w*x", {"w": 1, "x": 2})
    assert explanation.graph.by_name == {"w": 0, "x": 1, "J": 2}
    with pytest.raises(TypeError):
        explanation.graph.by_name["w"] = 5  # type: ignore[index]
    with pytest.raises(AttributeError):
        explanation.graph.by_name.pop("w")  # type: ignore[attr-defined]
    assert pickle.loads(pickle.dumps(explanation)).graph.by_name == explanation.graph.by_name


# ── messages stay short, however large the input ────────────────────────────────────────────


def short(error: GradexplainError) -> bool:
    lines = [error.message, error.hint or "", *error.describe().splitlines()]
    return max(len(line) for line in lines) <= 200


def test_missing_values_name_the_first_few_and_carry_every_name():
    names = [f"w{i}" for i in range(3000)]
    with pytest.raises(MissingValuesError) as raised:
        explain(" + ".join(names))
    assert raised.value.message == "missing values for w0, w1, w2, w3, w4, w5, … (2,994 more)"
    assert raised.value.names == tuple(names)
    assert short(raised.value)


def test_an_undefined_point_in_a_large_assignment_is_summarised():
    names = [f"w{i}" for i in range(3000)]
    graph = build(parse("J = 1/(" + "+".join(names) + ")"))
    node = graph.nodes[graph.output]
    values = [Fraction(i + 1) for i in range(3000)] + [None]

    class Undefined:
        def constant(self, value, exact):
            return value

        def value(self, primitive, arguments, notes):
            raise DomainError("division by zero")

    with pytest.raises(EvaluationError) as raised:
        Interpreter(graph, Undefined()).evaluate(node, values)
    message = raised.value.message
    assert message.startswith("cannot compute J = 1/(w0+w1+w2+")
    assert message.endswith("+w2999) at w0 = 1, w1 = 2, w2 = 3, … (2,997 more): division by zero")
    assert short(raised.value.located(graph.source))


def test_an_undefined_local_derivative_in_a_large_assignment_is_summarised():
    names = [f"w{i}" for i in range(200)]
    values = {name: i + 1 for i, name in enumerate(names)} | {"w0": -sum(range(2, 201))}
    with pytest.raises(EvaluationError, match=r"at w0 = -20099, w1 = 2, w2 = 3, … \(197 more\)") as raised:
        explain("J = sqrt(" + "+".join(names) + ")", values)
    assert short(raised.value)


def test_a_large_constant_that_cannot_be_computed_is_summarised():
    with pytest.raises(EvaluationError, match=r"cannot compute log\(-\(1\+1\+.*…") as raised:
        explain("w + log(-(" + "+".join(["1"] * 3000) + "))", {"w": 1})
    assert short(raised.value)


def test_many_ignored_values_are_one_short_warning():
    values = {"w": 1} | {f"u{i}": i for i in range(300)}
    (warning,) = explain("w*2", values).warnings
    assert warning == "u0, u1, u2, u3, u4, u5, … (294 more) are not used by the formula; their values are ignored"


def test_lists_of_inputs_in_hints_are_summarised():
    names = [f"w{i}" for i in range(3000)]
    with pytest.raises(InputError) as raised:
        explain(" + ".join(names), dict.fromkeys(names, 1), wrt=["q"])
    assert raised.value.hint == "the inputs are w0, w1, w2, w3, w4, w5, … (2,994 more)"


def test_look_alike_names_get_a_warning():
    explanation = explain("a*а + w11*w_11", {"a": 1, "а": 2, "w11": 3, "w_11": 4})
    assert explanation.warnings == (
        "different names that look alike: a and а (U+0430); rename one to tell them apart",
        "different names that are both written w_{11} in LaTeX: w11 and w_11; rename one to tell them apart",
    )


# ── forgiving hints ─────────────────────────────────────────────────────────────────────────


def test_ln_is_log_and_keeps_its_name_in_the_definitions():
    bare = explain("ln(x)", {"x": 1})
    assert bare.graph.definition(bare.output) == "ln(x)"
    assert bare.gradients == {"x": 1}
    program = explain("J = ln(x) + log(x)", {"x": 1})
    assert program.graph.definition(program.output) == "ln(x) + log(x)" and program.gradients == {"x": 2}


def test_e_assigned_by_the_program_is_a_variable_with_a_warning():
    colah = explain("a = 2; b = 1; c = a + b; d = b + 1; e = c*d")
    assert colah.output.name == "e" and colah.output_value == 6
    assert colah.gradients == {"a": 2, "b": 5}
    assert colah.warnings == ("e is assigned in the program, so here it is a variable, not the constant e = 2.71828…",)
    with pytest.raises(InputError, match="e is used before it is assigned"):
        explain("c = e*a; e = 2; J = c", {"a": 1})


def test_e_given_a_value_is_a_variable_and_otherwise_the_constant():
    shadowed = explain("e*a", {"e": 3, "a": 2})
    assert shadowed.output_value == 6 and shadowed.gradients == {"e": 2, "a": 3}
    assert shadowed.warnings == ("e is given a value, so here it is a variable, not the constant e = 2.71828…",)
    constant = explain("e*a", {"a": 2})
    assert constant.gradients == {"a": pytest.approx(2.718281828459045)} and constant.warnings == ()
    unused = explain("w*a", {"e": 3, "a": 2, "w": 1})
    assert unused.warnings == ("e is not used by the formula; its value is ignored",)


def test_inputs_that_do_not_reach_the_target_are_said_not_to_affect_it():
    e = explain("c = a*b; d = a + 1; J = c*q", {"a": 1, "b": 2, "q": 3, "z": 4}, target="d")
    assert e.warnings == (
        "b, q do not affect d; their values are ignored",
        "z is not used by the formula; its value is ignored",
        "not used by d: c",
    )


def test_a_value_for_a_name_in_another_case_says_names_are_case_sensitive():
    with pytest.raises(MissingValuesError) as raised:
        explain("W*x", {"w": 2, "x": 3})
    assert raised.value.case_note == "names are case-sensitive: the formula uses W, not w"
    assert raised.value.hint.startswith("names are case-sensitive: the formula uses W, not w; pass it as --W VALUE")
    e = explain("W = 2; J = W*x", {"w": 2, "x": 3})
    assert e.warnings == (
        "w is not used by the formula; its value is ignored (names are case-sensitive: the formula uses W, not w)",
    )


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        ("2,5", "write the decimal point as a dot: 2.5"),
        ("-0,25", "write the decimal point as a dot: -0.25"),
        ("1,000", "write 1.000 with a decimal point, or 1000 without a thousands separator"),
        ("1,000,000", "numbers have no thousands separators: write 1000000"),
    ],
)
def test_a_decimal_comma_is_explained(raw, hint):
    with pytest.raises(InputError) as raised:
        explain("w*2", {"w": raw})
    assert raised.value.message == f"value for w: {raw} is not a number" and raised.value.hint == hint


@pytest.mark.parametrize(
    ("source", "values", "message"),
    [
        ("log(sigmoid(z))", {"z": -800}, "log's argument underflowed to 0 in floating point: it is positive"),
        ("J = log(sigmoid(z))", {"z": -800}, "log's argument underflowed to 0 in floating point"),
        ("log(exp(z)*exp(z))", {"z": -400}, "log's argument underflowed to 0 in floating point"),
        ("log(softplus(z))", {"z": -800}, "log's argument underflowed to 0 in floating point"),
        ("log(-exp(z))", {"z": -800}, "its argument is negative (it underflowed to -0 in floating point)"),
        ("1/exp(z)", {"z": -800}, "division by zero: the divisor underflowed to 0 in floating point"),
        ("exp(z)**-1", {"z": -800}, "division by zero: the divisor underflowed to 0 in floating point"),
    ],
)
def test_a_value_that_underflowed_is_not_blamed_on_an_exact_zero(source, values, message):
    with pytest.raises(EvaluationError) as raised:
        explain(source, values)
    assert message in raised.value.message
    assert "floating point's range" in raised.value.hint


@pytest.mark.parametrize(
    ("source", "values", "message"),
    [
        ("log(relu(z))", {"z": -1}, "log is only defined for positive numbers, not 0"),  # truly 0
        ("log(relu(z - exp(1)))", {"z": 1}, "log is only defined for positive numbers, not 0"),  # a float, truly 0
        ("1/(exp(z) - exp(z))", {"z": 1}, "division by zero"),
    ],
)
def test_a_zero_that_did_not_underflow_is_called_zero(source, values, message):
    with pytest.raises(EvaluationError) as raised:
        explain(source, values)
    assert message in raised.value.message and "underflow" not in raised.value.message


def test_step_has_one_name_and_its_meaning_is_noted_where_it_first_appears():
    from gradexplain.engine.sympy_functions import STEP_NOTE, TIE_STEP_NOTE

    e = explain("relu(z) + max(z, 1) + min(z, w)", {"z": 2, "w": 2})
    formulas = [step.local_formula for step in e.steps if hasattr(step, "local_formula")]
    assert "step(z)" in formulas and "step(z - 1, 0.5)" in formulas and "step(w - z, 0.5)" in formulas
    assert not any("Heaviside" in formula for formula in formulas)
    assert all("Heaviside" not in g.formula for g in e.symbolic.gradients) and e.symbolic_agrees
    names = {e.graph.nodes[note.node].name: note.text for note in e.notes if note.text in (STEP_NOTE, TIE_STEP_NOTE)}
    assert names == {"v4": TIE_STEP_NOTE, "v1": STEP_NOTE}  # the backward pass meets min's first, then relu's
    assert [note.text for note in explain("w*x", {"w": 1, "x": 2}).notes] == []


def test_step_in_latex_has_the_same_name_and_its_value_at_zero():
    from gradexplain.latex import latex_expr
    from gradexplain.render import render_text

    e = explain("max(z, 1)", {"z": 2})
    step = next(step for step in e.steps if hasattr(step, "local_expr"))
    assert latex_expr(step.local_expr) == r"\operatorname{step}\left(z - 1, \frac{1}{2}\right)"
    assert "step(z - 1, 0.5)" in render_text(e, "text") and "step(x, 0.5) is 1 for x > 0" in render_text(e, "text")
