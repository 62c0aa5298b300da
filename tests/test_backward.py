from fractions import Fraction

from gradexplain import explain
from gradexplain.backward import EdgeStep, SumStep


def steps(text, values, **options):
    explanation = explain(text, values, **options)
    names = [node.name for node in explanation.graph.nodes]
    return explanation, names


def test_lecture_example_backward_values():
    explanation, names = steps("w = 2; x = -2; b = 8; y = 2; c = w*x; a = c + b; d = a - y; J = d**2/2", {})
    gradient = dict(zip(names, explanation.node_gradients, strict=True))
    assert gradient == {"w": -4, "x": 4, "b": 2, "y": -2, "c": 2, "a": 2, "d": 2, "J": 1}


def test_steps_run_right_to_left_with_local_times_upstream():
    explanation, names = steps("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2})
    edges = [s for s in explanation.steps if isinstance(s, EdgeStep)]
    assert [(names[s.node], names[s.arg]) for s in edges][:2] == [("J", "v4"), ("v4", "v3")]
    w_step = next(s for s in edges if names[s.arg] == "w")
    assert (w_step.local_formula, w_step.local_value, w_step.upstream, w_step.product) == ("x", -2, 2, -4)
    assert all(s.product == s.local_value * s.upstream for s in edges)


def test_fan_out_is_shown_as_separate_paths_and_their_sum():
    explanation, names = steps("w = 3; x = 2; p = w*x; s = w + x; J = p*s", {})
    w_rows = [s for s in explanation.steps if isinstance(s, EdgeStep) and names[s.arg] == "w"]
    assert [(names[s.node], s.product, s.path, s.paths) for s in w_rows] == [("s", 6, 1, 2), ("p", 10, 2, 2)]
    sums = [s for s in explanation.steps if isinstance(s, SumStep)]
    assert [(names[s.node], s.terms, s.total) for s in sums] == [("w", (6, 10), 16), ("x", (6, 15), 21)]
    # The sum comes right after the last contribution, before w's gradient is used.
    index = explanation.steps.index(sums[0])
    assert explanation.steps[index - 1] is w_rows[-1]


def test_repeated_argument_gives_one_edge_per_use():
    explanation, _ = steps("w*w", {"w": 3})
    edges = [s for s in explanation.steps if isinstance(s, EdgeStep)]
    assert [(s.slot, s.local_formula, s.product) for s in edges] == [(0, "w", 3), (1, "w", 3)]
    assert explanation.gradient("w") == 6


def test_wrt_skips_edges_that_lead_only_to_other_inputs():
    explanation, names = steps("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2}, wrt=["w", "b"])
    reached = {names[s.arg] for s in explanation.steps if isinstance(s, EdgeStep)}
    assert "x" not in reached and "y" not in reached
    assert explanation.gradients == {"w": -4, "b": 2}


def test_kink_uses_subgradient_zero_and_says_so():
    explanation = explain("relu(w)", {"w": 0})
    assert explanation.gradient("w") == 0
    assert any("relu is not differentiable at 0" in note.text for note in explanation.notes)
    assert explain("abs(w)", {"w": 0}).gradient("w") == 0
    tie = explain("max(w, x)", {"w": 2, "x": 2})
    assert tie.gradients == {"w": Fraction(1, 2), "x": Fraction(1, 2)}


def test_a_bare_name_has_gradient_one():
    assert explain("w", {"w": 5}).gradient("w") == 1
