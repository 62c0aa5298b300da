"""Diagnoses that name the real mistake (issue 20): structural mistakes before coincidences, a
factor too many, numbers put in too early, and identities that hold for the data given."""

from __future__ import annotations

from gradexplain import explain
from gradexplain.render import render_text
from gradexplain.teach.mistakes import EARLY, EXTRA_FACTOR, FACTOR, SIGN, WRONG_NODE, WRONG_VARIABLE
from gradexplain.teach.quiz import boxes
from tests.conftest import EXAMPLES

LECTURE = (EXAMPLES / "linear_regression.gx").read_text(encoding="utf-8")  # c = w*x … J = d**2/2
LOGISTIC = "z = w*x + b; a = sigmoid(z); J = -(y*log(a) + (1-y)*log(1-a))"
SOFTMAX = "e1 = exp(z1); e2 = exp(z2); s = e1 + e2; p1 = e1/s; p2 = e2/s; J = -(y1*log(p1) + y2*log(p2))"


def _value_box(explanation, name):
    return next(box for box in boxes(explanation) if box.kind == "value" and box.name == name)


def test_a_half_left_out_of_the_boxs_own_formula_is_said_before_a_coincidence():
    """J = d**2/2 answered 4 (the ½ forgotten) is that, not 'the value of a' (a = 4 too)."""
    explanation = explain(LECTURE)
    assert explanation.values[explanation.graph.index_of("a")] == 4
    box = _value_box(explanation, "J")
    first = next(mistake for mistake in box.mistakes if mistake.value == 4)
    assert first.kind == FACTOR and "you left out the 1/2 of J = d**2/2" in first.message
    kinds = [mistake.kind for mistake in box.mistakes]
    assert kinds.index(FACTOR) < kinds.index(SIGN) < kinds.index(WRONG_VARIABLE)


def test_the_classic_extra_sigmoid_derivative_is_a_factor_too_many():
    explanation = explain(LOGISTIC, {"w": 0.5, "x": 2, "b": -1, "y": 1}, claims=["dJ/dw = a*(1-a)*(a-y)*x"])
    claim = explanation.claims[0]
    assert claim.ok is False and claim.diagnosis.kind == EXTRA_FACTOR
    assert explanation.graph.nodes[claim.diagnosis.edge.node].name == "a"  # ∂ₗa/∂z, taken twice
    assert "a factor too many" in render_text(explanation, "text")
    assert explain(LOGISTIC, {"w": 0.5, "x": 2, "b": -1, "y": 1}, claims=["dJ/dw = (a-y)*x"]).claims[0].ok


def test_a_local_derivative_off_the_way_multiplied_in_is_a_factor_too_many():
    """∂J/∂b multiplied by ∂ₗc/∂w = x: c = w*x is not on the way from b to J."""
    explanation = explain(LECTURE, claims=["dJ/db = d*x"])
    found = explanation.claims[0].diagnosis
    assert found.kind == EXTRA_FACTOR and found.detail == ""
    assert "which is not on the way from b to J" in render_text(explanation, "text")


def test_numbers_put_in_too_early_are_right_at_the_point_only():
    explanation = explain(LECTURE, claims=["dJ/dw = x*2"])  # d = 2 here: written as a number
    claim = explanation.claims[0]
    assert claim.ok is False and claim.claimed == claim.truth == -4
    assert claim.diagnosis.kind == EARLY
    assert "numbers put in too early" in render_text(explanation, "text")


def test_softmax_with_one_hot_labels_is_right_and_proved_when_the_labels_are_data():
    values = {"z1": 1, "z2": 2, "y1": 1, "y2": 0}
    claims = ["dJ/dz1 = p1 - 1", "dJ/dz2 = p2", "dJ/dz1 = p1 - y1"]
    explanation = explain(SOFTMAX, values, wrt=["z1", "z2"], claims=claims)
    assert all(claim.ok is True and claim.proven for claim in explanation.claims)
    text = render_text(explanation, "text")
    assert "y1, y2 (not in --wrt) keep their values" in text and "all 3 claims hold" in text
    # with every input moving, p1 - 1 is not the gradient (y1 + y2 need not be 1): wrong, said why
    moved = explain(SOFTMAX, values, claims=["dJ/dz1 = p1 - 1"]).claims[0]
    assert moved.ok is False and moved.diagnosis.kind == EARLY


def test_held_data_go_into_sympys_proof_with_their_values():
    """With y held (not in --wrt), dJ/dw = w - w + 1/10 is y's value, proved; with y moving, it is not."""
    held = explain("J = w*y", {"w": 2, "y": "1/10"}, wrt=["w"], claims=["dJ/dw = w - w + 1/10"]).claims[0]
    assert held.ok is True and held.proven
    moving = explain("J = w*y", {"w": 2, "y": "1/10"}, claims=["dJ/dw = w - w + 1/10"]).claims[0]
    assert moving.ok is False


def test_an_activations_derivative_taken_at_its_output_is_said_so():
    """σ′(a) where σ′(z) is wanted, a = σ(z): the answer checked against math's own sigmoid."""
    import math

    program = "z = w*x + b; a = sigmoid(z); J = (a - y)**2/2"
    values = {"w": 0.5, "x": 1, "b": 0, "y": 1}
    explanation = explain(program, values, claims=["dJ/dz = (a-y)*sigmoid(a)*(1-sigmoid(a))"])
    claim = explanation.claims[0]
    a = 1 / (1 + math.exp(-0.5))
    assert math.isclose(claim.claimed, (a - 1) * (1 / (1 + math.exp(-a))) * (1 - 1 / (1 + math.exp(-a))), rel_tol=1e-12)
    assert claim.ok is False and claim.diagnosis.kind == WRONG_NODE
    assert "at a's value instead of at z's" in render_text(explanation, "text")
    box = next(b for b in boxes(explain(program, values)) if b.kind == "gradient" and b.name == "z")
    said = next(m for m in box.mistakes if m.kind == WRONG_NODE)
    assert math.isclose(said.value, claim.claimed, rel_tol=1e-9) and "is taken at z, not at a" in said.message


def test_right_here_and_wrong_elsewhere_names_a_kink_where_there_is_one():
    kinked = explain("clip(w, 0, 5)**2", {"w": 2}, claims=["dJ/dw = 2*w"])
    assert kinked.claims[0].diagnosis.kind == EARLY
    assert "holds on one side of a kink only" in render_text(kinked, "text")


def test_a_gradient_at_the_edge_of_a_doubles_range_is_diagnosed_without_a_crash():
    """Review: a Fraction gradient of about 2**1024 made a prediction overflow (exit code 3)."""
    big = 2**968 * (2**56 - 1) // 3
    source = "g = w**1.5; J = K*(g - 8)"
    explanation = explain(source, {"K": big, "w": 4}, wrt=["w"], claims=["dJ/dw = 5", "dJ/dw = w"])
    assert [claim.ok for claim in explanation.claims] == [False, False]
    assert boxes(explain(source, {"K": big, "w": 4}, wrt=["w"]))
