"""Claims (teach/claims.py, render/claims.py): reading a learner's gradient, deciding it, and
diagnosing a wrong one. Every diagnosis is tested on a case built to produce it, as a formula and
as a number, and its relation is checked again here against the backward pass's own numbers."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
import sympy as sp

from gradexplain import GradexplainError, explain
from gradexplain.limits import Limits
from gradexplain.render import RenderOptions, render_text
from gradexplain.teach.claims import NUMERIC, SYMBOLIC, ClaimText
from gradexplain.teach.mistakes import (
    EARLY,
    EXTRA_FACTOR,
    FACTOR,
    MISSING_FACTOR,
    MISSING_PATH,
    NONE,
    SIGN,
    UPSTREAM_ONLY,
    WRONG_NODE,
    WRONG_VARIABLE,
    Edge,
)
from tests.conftest import EXAMPLES, oracle_expression, run_cli

LECTURE = (EXAMPLES / "linear_regression.gx").read_text(encoding="utf-8")  # c = w*x … J = d**2/2
FAN_OUT = (EXAMPLES / "fan_out.gx").read_text(encoding="utf-8")  # p = w*x, s = w + x, J = p*s
RELU = (EXAMPLES / "two_layer_relu.gx").read_text(encoding="utf-8")  # h2 = relu(z2) is off
BARE = ("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2})
PRODUCT = ("w*x*y", {"w": 2, "x": 3, "y": 5})  # ∂J/∂w = 15, ∂J/∂x = 10, ∂J/∂y = 6


def decided(text, source=LECTURE, values=None, **options):
    """The explanation and its one claim, decided."""
    explanation = explain(source, values, claims=[text], **options)
    return explanation, explanation.claims[0]


def name(explanation, index):
    return explanation.graph.nodes[index].name


# ── reading ─────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "text", ["dJ/dw = x*d", "∂J/∂w = x*d", "∂J / ∂w = x*d", "d J/d w = x*d", "dJ_dw = x*d", "dw = x*d"]
)
def test_every_way_of_writing_the_gradient_names_the_same_one(text):
    explanation, claim = decided(text)
    assert name(explanation, claim.node) == "w"
    assert claim.ok is True and claim.proven


def test_dvar_names_any_node_the_lectures_d_too():
    explanation, claim = decided("dd = d")
    assert name(explanation, claim.node) == "d" and claim.ok


def test_the_output_is_the_one_target_names():
    _, claim = decided("dd/dw = x", target="d")
    assert claim.ok and claim.truth == -2
    with pytest.raises(GradexplainError, match="J is not the output: the output here is d"):
        decided("dJ/dw = x", target="d")
    with pytest.raises(GradexplainError, match="about the gradient of d, but the output here is J"):
        decided("dd/dw = x")


def test_a_claim_may_use_intermediates_constants_and_functions():
    assert decided("dJ/dw = x*(c + b - y)")[1].ok
    _, claim = decided("dJ/dw = cos(w)*exp(0) + 0*pi", "sin(w)", {"w": "1/3"})
    assert claim.ok is True and claim.kind == SYMBOLIC


@pytest.mark.parametrize(
    ("text", "message", "under"),
    [
        ("dJ/dq = x", "the claim is about 'q', which is not a name in the formula", "dq"),
        ("dJ/dw = q", "unknown name 'q' in the claim", "q"),
        ("dL/dw = x", "L is not the output: the output here is J", "dL"),
        ("J = x", "the left side of a claim names a gradient", "J"),
        ("dJ/dw", "a claim needs an '='", "dJ/dw"),
        ("dJ/dw = x +", "the end of the formula where a value should follow '+'", "+"),
        ("dJ/dw = 1/0", "cannot compute 1/0 in the claim", "1/0"),
        ("dJ/dw = x; db = 2", "';' inside a claim", ";"),
        ("dJ/dw = 2x", "a number is directly followed by a name", "2x"),
        ("dJ/dw = x**100000", "the exponent 100000 is larger than the limit of 10000", "100000"),  # as in a formula
        ("dJ/dw = __import__('os')", "names like '__import__' are not allowed", "__import__"),
    ],
)
def test_a_bad_claim_is_an_input_error_with_a_caret(text, message, under):
    with pytest.raises(GradexplainError) as raised:
        decided(text)
    error = raised.value
    assert message in error.message
    line, carets = error.describe().splitlines()[1:3]
    start = carets.index("^")
    assert line[start : start + len(under)] == under and carets.strip() == "^" * len(under)


def test_a_name_the_output_does_not_depend_on_is_refused():
    with pytest.raises(GradexplainError, match="does not affect J"):
        explain("u = 3*w; J = w**2", claims=["du = 3"], values={"w": 1})


def test_a_claim_from_a_file_points_at_its_line():
    text = "# answers\ndJ/dw = x*d\n\ndJ/dq = 3\n"
    start = text.index("dJ/dq")
    with pytest.raises(GradexplainError) as raised:
        explain(LECTURE, claims=[ClaimText(text, start, start + 9, "answers.txt")])
    assert "answers.txt:4: dJ/dq = 3" in raised.value.describe()


def test_claims_must_be_a_list_of_strings():
    with pytest.raises(TypeError, match="claims must be a list"):
        explain(LECTURE, claims="dJ/dw = x*d")
    with pytest.raises(TypeError, match="claims must hold strings"):
        explain(LECTURE, claims=[3])


def test_the_number_of_claims_is_limited():
    with pytest.raises(GradexplainError, match="3 claims, more than the limit of 2") as raised:
        explain(LECTURE, claims=["dd = d"] * 3, limits=Limits(claims=2))
    assert "--limit claims=N" in raised.value.hint


# ── deciding ────────────────────────────────────────────────────────────────────────────────


def test_a_number_is_compared_exactly_when_both_are_exact():
    assert decided("dw = -4")[1].ok is True
    _, claim = decided("dJ/dw = 1/3", "w/3", {"w": 1})
    assert claim.ok is True and claim.kind == NUMERIC
    _, rounded = decided("dJ/dw = 0.333333", "w/3", {"w": 1})
    assert rounded.ok is False
    assert rounded.diagnosis.kind == NONE and rounded.diagnosis.rounded == 6


def test_a_rounded_decimal_holds_against_an_inexact_gradient_to_the_places_written():
    # ∂ sigmoid(z)/∂z at 1 is 0.196611933…; 0.2 is off by 1.7%: the places written narrow the
    # tolerance of 0.1%, they never widen it
    cases = (("0.196612", True, 6), ("0.1966", True, 4), ("0.19", False, 2), ("0.2", False, 1), ("0.19662", False, 5))
    for text, ok, places in cases:
        _, claim = decided(f"dJ/dz = {text}", "sigmoid(z)", {"z": 1})
        assert (claim.ok, claim.places if ok else places) == (ok, places), text
    _, whole = decided("dJ/dz = 0", "sigmoid(z)", {"z": 1})
    assert whole.ok is False


@pytest.mark.parametrize("text", ["0e5", "7.", "7", "1e1", "7.4", "0.74e1"])
def test_a_written_precision_never_widens_the_tolerance(text):
    """exp(2) is 7.389…: an exponent or a bare point once made the tolerance ±50,000 or ±0.5."""
    _, claim = decided(f"dJ/dw = {text}", "exp(w)", {"w": 2})
    assert claim.ok is False, text
    assert decided("dJ/dw = 7.389", "exp(w)", {"w": 2})[1].ok is True


@pytest.mark.parametrize(("text", "ok"), [("4.6e-10", False), ("-4.6e-10", True), ("0", False), ("-4.5e-10", False)])
def test_small_values_are_compared_relatively(text, ok):
    """The gradient is -4.6e-10: an absolute tolerance of 10⁻⁹ once called its opposite right."""
    _, claim = decided(f"dJ/dw = {text}", "exp(-w)", {"w": 21.5})
    assert claim.ok is ok, text


def test_a_formula_in_floating_point_agrees_with_an_exact_gradient_to_floating_points_precision():
    """x*(sin(w)**2 + cos(w)**2) is x, computed in floating point; x*exp(1/10000) is not. (A constant
    part is folded by SymPy, as in a formula: x*log(exp(1)) is x exactly.)"""
    _, claim = decided("dJ/dw = x*(sin(w)**2 + cos(w)**2)", "w*x", {"w": 2, "x": 3})
    assert claim.ok is True and claim.inexact
    _, folded = decided("dJ/dw = x*log(exp(1))", "w*x", {"w": 2, "x": 3})
    assert folded.ok is True and not folded.inexact
    _, off = decided("dJ/dw = x*exp(1/10000)", "w*x", {"w": 2, "x": 3})
    assert off.ok is False


def test_a_formula_is_proven_by_sympy_even_when_it_must_be_expanded_or_simplified():
    assert decided("dJ/dw = x*w*x + x*b - x*y")[1].proven
    _, claim = decided("dJ/dz = exp(-z)/(1 + exp(-z))**2", "sigmoid(z)", {"z": "1/2"})
    assert claim.ok is True and claim.proven


def test_a_formula_right_here_but_wrong_elsewhere_is_wrong_with_the_point_where_they_differ():
    explanation, claim = decided("dJ/dw = -2*d")  # x = -2 here
    assert claim.ok is False and claim.claimed == claim.truth == -4
    point = {name(explanation, index): value for index, value in claim.counterexample}
    assert point["x"] != -2
    # both values there, from an independent route: SymPy's diff of the whole expression
    whole = oracle_expression("(w*x + b - y)**2/2", list(point))
    symbols = {sp.Symbol(n, real=True): sp.Rational(v.numerator, v.denominator) for n, v in point.items()}
    assert claim.counter_truth == Fraction(str(sp.diff(whole, sp.Symbol("w", real=True)).subs(symbols)))
    assert claim.counter_claimed == -2 * (point["w"] * point["x"] + point["b"] - point["y"])
    assert claim.counter_claimed != claim.counter_truth


def test_agreeing_everywhere_without_sympys_proof_is_not_proven_and_not_a_failure():
    explanation, claim = decided("dJ/dw = relu(w)/w", "relu(w)", {"w": 3})
    assert claim.ok is None and claim.points >= 4 and claim.unproven == "SymPy could not simplify the difference to 0"
    assert explanation.ok
    text = render_text(explanation, "text")
    assert "agrees at every point tried" in text and "not proved for all values" in text
    assert "WRONG" not in text and "NOT PROVEN" not in text  # a right claim never looks like an error


def test_above_the_symbolic_limit_the_points_decide_alone_and_say_so():
    _, claim = decided("dJ/dw = x*d", symbolic_limit=2)
    assert claim.ok is None and "symbolic limit" in claim.unproven and claim.truth_formula is None
    assert decided("dJ/dw = d", symbolic_limit=2)[1].ok is False


def test_sympys_work_in_one_run_is_bounded_and_the_claims_after_say_so(monkeypatch):
    from gradexplain.teach import proving

    monkeypatch.setattr(proving, "SIMPLIFY_A_RUN", 1)
    explanation = explain(
        "sigmoid(z)", {"z": "1/2"}, claims=["dJ/dz = exp(-z)/(1 + exp(-z))**2", "dJ/dz = 1/(2 + exp(z) + exp(-z))"]
    )
    first, second = explanation.claims
    assert first.ok is True and second.ok is None
    assert second.unproven.startswith("SymPy's work for one run is spent")


def test_a_claim_without_a_value_at_the_point_is_wrong():
    _, claim = decided("dJ/dw = 1/(x + 2)")
    assert claim.ok is False and claim.claimed is None and claim.undefined == "division by zero"


def test_claims_about_inputs_outside_wrt_are_decided_too():
    _, claim = decided("dJ/dx = w*d", wrt=["w"])
    assert claim.ok is True and claim.truth == 4


def test_a_large_graph_gets_fewer_other_points(monkeypatch):
    from gradexplain.teach import deciding

    assert decided("dw = x*d")[1].points == 1 + deciding.RANDOM_POINTS
    monkeypatch.setattr(deciding, "POINT_WORK", 3 * len(explain(LECTURE).graph.nodes))
    assert decided("dw = x*d")[1].points == 1 + 3
    monkeypatch.setattr(deciding, "POINT_WORK", 1)
    assert decided("dw = x*d")[1].points == 1 + deciding.FEWEST_POINTS


def test_the_other_points_are_the_same_on_every_run():
    first = decided("dJ/dw = -2*d")[1]
    assert decided("dJ/dw = -2*d")[1].counterexample == first.counterexample


# ── the diagnoses: each built to occur, as a formula and as a number ───────────────────────


def holds(explanation, claim):
    """The diagnosis's relation, checked again at the user's point with the Explanation's own
    backward pass (not the diagnosis's code): a diagnosis must never be offered when false."""
    found, truth, claimed = claim.diagnosis, claim.truth, claim.claimed
    gradient = explanation.node_gradients
    if found.kind == SIGN:
        return claimed == -truth and (found.edge is None or found.edge.value == -1)
    if found.kind == UPSTREAM_ONLY:
        return claimed == gradient[found.node] and found.edge.node == found.node and found.edge.arg == claim.node
    if found.kind == MISSING_FACTOR and found.edge.value == 0:  # a ReLU that is off: the paths through it without it
        through = [path for path in _step_paths(explanation, claim.node) if found.edge in path]
        return claimed == truth + sum((_product([e for e in path if e != found.edge]) for path in through), Fraction(0))
    if found.kind == MISSING_FACTOR:
        return truth == claimed * found.edge.value
    if found.kind == MISSING_PATH:
        paths = [path for path in found.route]
        total = sum((_product(path) for path in found.counted), Fraction(0))
        every = sum((_product(path) for path in paths), Fraction(0))
        return claimed == total and every == truth and set(found.counted) | set(found.missed) == set(paths)
    if found.kind == FACTOR:
        return claimed == found.value * truth
    if found.kind == WRONG_VARIABLE:
        return claimed == gradient[found.node] and found.node != claim.node
    if found.kind == EXTRA_FACTOR:
        return claimed == truth * found.edge.value and found.edge.value not in (0, 1, -1)
    if found.kind == WRONG_NODE:  # its value is checked against math's sigmoid in test_diagnoses.py
        return claimed != truth and found.edge.node == found.node
    if found.kind == EARLY:  # right here, wrong at the counterexample
        return claimed == truth and claim.counterexample is not None
    return found.kind == NONE


def _product(path):
    result = Fraction(1)
    for edge in path:
        result *= edge.value
    return result


def _step_paths(explanation, start):
    """Every path from `start` to the output, as the backward pass's edges (node, arg, slot, value)."""
    edges = [s for s in explanation.steps if hasattr(s, "local_value")]
    paths, stack = [], [(start, ())]
    while stack:
        node, path = stack.pop()
        if node == explanation.graph.output:
            paths.append(path)
        for step in (s for s in edges if s.arg == node):
            stack.append(
                (step.node, (*path, Edge(step.node, step.arg, step.slot, step.local_formula, step.local_value)))
            )
    return paths


CASES = [
    # (kind, source, values, claim, what the words must say)
    (SIGN, LECTURE, None, "dy = d", "you left out ∂ₗd/∂y = -1 (from d = a - y)"),
    (SIGN, LECTURE, None, "dy = 2", "you left out ∂ₗd/∂y = -1"),
    (
        UPSTREAM_ONLY,
        LECTURE,
        None,
        "dw = d",
        "the claim is ∂J/∂c (= 2 here); multiply it by the local derivative ∂ₗc/∂w = x = -2",
    ),
    (UPSTREAM_ONLY, LECTURE, None, "dw = 2", "multiply it by the local derivative ∂ₗc/∂w = x = -2"),
    (MISSING_FACTOR, LECTURE, None, "dw = x", "you left out ∂ₗJ/∂d = d = 2"),
    (MISSING_FACTOR, LECTURE, None, "dw = -2", "you left out ∂ₗJ/∂d = d = 2"),
    (
        MISSING_FACTOR,
        RELU,
        None,
        "dJ/dw21 = (out - y)*v2*x1",
        "∂ₗh2/∂z2 = step(z2) = 0 (from h2 = relu(z2)), which passes no gradient here",
    ),
    (MISSING_FACTOR, RELU, None, "dJ/dw21 = -1.7", "∂ₗh2/∂z2 = step(z2) = 0"),
    (
        MISSING_PATH,
        FAN_OUT,
        None,
        "dJ/dw = x*s",
        "w reaches J along 2 paths (w → p → J, w → s → J); the claim adds up w → p → J and leaves out w → s → J",
    ),
    (MISSING_PATH, FAN_OUT, None, "dJ/dw = 6", "the claim adds up w → s → J and leaves out w → p → J"),
    (
        FACTOR,
        LECTURE,
        None,
        "dd = 2*d",
        "a factor of 2 too many — the 1/2 in J = d**2/2 cancels the 2 from the square",
    ),
    (
        FACTOR,
        LECTURE,
        None,
        "dd = 4",
        "a factor of 2 too many — the 1/2 in J = d**2/2 cancels the 2 from the square",
    ),
    (
        FACTOR,
        LECTURE,
        None,
        "db = d/2",
        "a factor of 2 missing — you left out the 2 from the square, which cancels the 1/2 in J = d**2/2",
    ),
    (
        FACTOR,
        *BARE,
        "dJ/db = 2*(w*x + b - y)",
        "you left out the 0.5 in ∂ₗJ/∂v4 = 0.5 (from J = 0.5*v4), which cancels the 2 in ∂ₗv4/∂v3 = 2*v3",
    ),
    (FACTOR, *BARE, "dJ/db = 4", "a factor of 2 too many — you left out the 0.5 in ∂ₗJ/∂v4 = 0.5"),
    (FACTOR, *PRODUCT, "dJ/dw = 3*x*y", "a factor of 3 too many"),
    (
        WRONG_VARIABLE,
        LECTURE,
        None,
        "dJ/dx = x*d",
        "the claim is ∂J/∂w (= -4 here), the gradient with respect to w, not x",
    ),
    (
        WRONG_VARIABLE,
        *PRODUCT,
        "dJ/dw = w*y",
        "the claim is ∂J/∂x (= 10 here), the gradient with respect to x, not w",
    ),
    (WRONG_VARIABLE, *PRODUCT, "dJ/dw = 10", "the gradient with respect to x, not w"),
    (  # x = -2 written as a number: right here, wrong elsewhere
        EARLY,
        LECTURE,
        None,
        "dJ/dw = -2*d",
        "the chain rule gives ∂J/∂w = ∂ₗc/∂w · ∂ₗa/∂c · ∂ₗd/∂a · ∂ₗJ/∂d = x · 1 · 1 · d = (-2) · 1 · 1 · 2 = -4",
    ),
    (NONE, LECTURE, None, "dJ/dw = w + 5", "the chain rule gives ∂J/∂w = ∂ₗc/∂w"),
    (NONE, LECTURE, None, "dw = 7", "no common mistake matches; the chain rule gives ∂J/∂w"),
    (
        NONE,
        FAN_OUT,
        None,
        "dJ/dw = s + x",
        "∂J/∂w = ∂ₗp/∂w · ∂ₗJ/∂p + ∂ₗs/∂w · ∂ₗJ/∂s = x · s + 1 · p = 2 · 5 + 1 · 6 = 16",
    ),
]


@pytest.mark.parametrize(("kind", "source", "values", "text", "words"), CASES, ids=[case[3] for case in CASES])
def test_each_diagnosis_on_a_case_built_for_it(kind, source, values, text, words):
    explanation, claim = decided(text, source, values)
    assert claim.ok is False
    assert claim.diagnosis.kind == kind, claim.diagnosis
    assert holds(explanation, claim)
    assert words in render_text(explanation, "text")
    assert claim.kind == (SYMBOLIC if any(char.isalpha() for char in text.split("=")[1]) else NUMERIC)


def test_a_number_is_never_called_a_constant_factor_the_graph_does_not_explain():
    # 9 is 3 × ∂J/∂w = 3 here, but so is every number some multiple of the gradient
    _, claim = decided("dJ/dw = 9", "w*x", {"w": 2, "x": 3})
    assert claim.diagnosis.kind == NONE


SOURCES = {"lecture": LECTURE, "fan_out": FAN_OUT, "relu": RELU, "bare": BARE, "product": PRODUCT}


@pytest.mark.parametrize("source", SOURCES.values(), ids=list(SOURCES))
def test_an_offered_diagnosis_always_holds(source):
    """Many wrong claims, formulas and numbers: whatever is diagnosed must hold."""
    source, values = source if isinstance(source, tuple) else (source, None)
    probe = explain(source, values)
    names = [node.name for node in probe.graph.nodes]
    rights = {
        name: probe.node_gradients[index] for index, name in enumerate(names) if probe.node_gradients[index] is not None
    }
    claims = []
    for target in names[:8]:
        for other in names[:6]:
            claims += [f"d{target} = {other}", f"d{target} = 2*{other}", f"d{target} = -{other}"]
        claims += [f"d{target} = {value}" for value in {1, -1, 2, *(rights.values())} if value is not None]
    explanation = explain(source, values, claims=claims)
    diagnosed = [claim for claim in explanation.claims if claim.diagnosis is not None]
    assert len(diagnosed) > 20
    for claim in diagnosed:
        assert holds(explanation, claim), (claim.text, claim.diagnosis)


# ── in every format ─────────────────────────────────────────────────────────────────────────


def test_every_format_shows_the_claims():
    explanation = explain(LECTURE, claims=["dw = x*d", "dw = d"])
    assert "Claims" in render_text(explanation, "text")
    markdown = render_text(explanation, "markdown")
    assert "### Claims" in markdown and "  - likely mistake: the upstream gradient only" in markdown
    assert r"$\frac{\partial J}{\partial w} = x \cdot d$" in markdown
    html = render_text(explanation, "html")
    assert "<h2>Claims</h2>" in html and 'style="margin-left: 1.5rem">likely mistake' in html
    latex = render_text(explanation, "latex")
    assert r"\textbf{Claims}" in latex and r"$\partial _{\ell}$c" in latex and "ₗ" not in latex.split("Claims")[1]


def test_the_words_follow_the_notation():
    explanation = explain(LECTURE, claims=["dw = d"])
    text = render_text(explanation, "text", RenderOptions(notation="dvar"))
    assert "the claim is dJ_dc (= 2 here); multiply it by the local derivative ∂ₗc/∂w = x = -2" in text
    assert "1 of 1 claims WRONG (dJ_dw)" in text


def test_the_rich_table_fits_a_narrow_terminal():
    from rich.console import Console

    from gradexplain.render import rich

    explanation = explain(LECTURE, claims=["dw = d", "dJ/dw = -2*d"])
    console = Console(width=50, record=True, color_system=None)
    console.print(rich.render(explanation))
    text = console.export_text()
    assert "Claims" in text and max(len(line) for line in text.splitlines()) <= 50
    assert "    likely mistake: the upstream gradient only" in text  # indented, its wrapped lines too


def test_json_has_exactly_the_documented_fields():
    unproven = "dw = x*d*(relu(w) + relu(-w))/abs(w)"  # x*d wherever it has a value, but SymPy cannot tell
    explanation = explain(LECTURE, claims=["dw = x*d", "dJ/dw = -2*d", unproven, "dw = 1/(x + 2)"])
    document = json.loads(render_text(explanation, "json"))
    assert list(document)[list(document).index("checks") + 1] == "claims"
    keys = ["claim", "of", "wrt", "kind", "ok", "claimed_value", "true_value", "true_formula", "counterexample"]
    assert all(list(entry) == [*keys, "diagnosis"] for entry in document["claims"])
    right, elsewhere, unproven, undefined = document["claims"]
    assert right == {
        "claim": "dw = x*d",
        "of": "J",
        "wrt": "w",
        "kind": "symbolic",
        "ok": True,
        "claimed_value": -4,
        "true_value": -4,
        "true_formula": "x*(b + w*x - y)",
        "counterexample": None,
        "diagnosis": None,
    }
    assert elsewhere["ok"] is False and set(elsewhere["counterexample"]) == {"w", "x", "b", "y"}
    assert elsewhere["diagnosis"]["kind"] == "early"
    assert elsewhere["diagnosis"]["text"].startswith("numbers put in too early")
    assert unproven["ok"] is None and unproven["diagnosis"] is None
    assert undefined["claimed_value"] is None and undefined["ok"] is False
    assert document["ok"] is False
    assert json.loads(render_text(explain(LECTURE), "json"))["claims"] is None


# ── the command line ────────────────────────────────────────────────────────────────────────


def test_claims_set_the_exit_code():
    assert run_cli(str(EXAMPLES / "linear_regression.gx"), "--claim", "dw = x*d").returncode == 0
    result = run_cli(str(EXAMPLES / "linear_regression.gx"), "--claim", "dw = x*d", "--claim", "dw = d")
    assert result.returncode == 1 and "1 of 2 claims WRONG (∂J/∂w)" in result.stdout.decode()
    bad = run_cli(str(EXAMPLES / "linear_regression.gx"), "--claim", "dJ/dq = 1")
    assert bad.returncode == 2 and bad.stderr.decode().startswith("error: the claim is about 'q'")


def test_a_claims_file_has_one_claim_a_line_and_comments(tmp_path):
    answers = tmp_path / "answers.txt"
    answers.write_text("# homework 3\n\ndw = x*d   # chain rule\r\n  db = d\n", encoding="utf-8")
    result = run_cli("-f", "gradexplain/examples/linear_regression.gx", "--claims", str(answers), "--format", "json")
    claims = json.loads(result.stdout)["claims"]
    assert [c["claim"] for c in claims] == ["dw = x*d", "db = d"] and result.returncode == 0
    answers.write_text("dw = x*d\n\ndJ/dz = 2\n", encoding="utf-8")
    error = run_cli("gradexplain/examples/linear_regression.gx", "--claims", str(answers)).stderr.decode()
    assert "answers.txt:3: dJ/dz = 2" in error


def test_claims_from_standard_input_and_the_errors_of_a_claims_file(tmp_path):
    result = run_cli("gradexplain/examples/square.gx", "--claims", "-", stdin=b"dw = 2*w\n")
    assert result.returncode == 0 and "the claim holds" in result.stdout.decode()
    both = run_cli("-f", "-", "--claims", "-", stdin=b"w")
    assert both.returncode == 2 and "both read standard input" in both.stderr.decode()
    (tmp_path / "empty.txt").write_text("# nothing yet\n", encoding="utf-8")
    empty = run_cli("gradexplain/examples/square.gx", "--claims", str(tmp_path / "empty.txt"))
    assert empty.returncode == 2 and "holds no claims" in empty.stderr.decode()
    missing = run_cli("gradexplain/examples/square.gx", "--claims", str(tmp_path / "missing.txt"))
    assert missing.returncode == 2 and missing.stderr.decode().startswith("error: --claims: no such file")


def test_a_format_without_claims_says_so():
    result = run_cli("gradexplain/examples/square.gx", "--claim", "dw = 5", "--format", "tree")
    assert result.returncode == 1
    assert "the tree format does not show the claims" in result.stderr.decode()


def test_an_input_called_claim_or_claims_is_told_how_to_get_its_value():
    claim = run_cli("claim*2", "--claim", "3")
    assert claim.returncode == 2 and "pass it as claim=3 (--claim is gradexplain's own option)" in claim.stderr.decode()
    claims = run_cli("claims*2", "--claims", "3")
    assert claims.returncode == 2 and "write claims=3 (--claims is gradexplain's own option)" in claims.stderr.decode()


def test_the_explanation_says_how_many_claims_are_wrong():
    assert repr(explain(LECTURE, claims=["dw = d", "dw = x*d"])).endswith("4 gradients, 2 claims, 1 wrong>")
    assert repr(explain(LECTURE, claims=["dw = x*d"])).endswith("4 gradients, 1 claim ok>")


def test_a_number_past_floating_point_in_a_claim_is_just_wrong():
    result = run_cli("0.5*(w*x+b-y)**2", "--w", "2", "--x", "-2", "--b", "8", "--y", "2", "--claim", "dw = 1e309")
    assert result.returncode == 1 and b"1 of 1 claims WRONG" in result.stdout and b"internal error" not in result.stderr


def test_a_dvar_left_side_that_is_also_a_name_of_the_program_is_refused_as_ambiguous():
    result = run_cli("w = 2; dw = 3; J = w*dw", "--claim", "dw = 2")
    assert result.returncode == 2 and b"dw is a name in the program" in result.stderr and b"dJ/dw" in result.stderr
    clear = run_cli("w = 2; dw = 3; J = w*dw", "--claim", "dJ/dw = 3")
    assert clear.returncode == 0


def test_a_claim_of_zero_is_not_called_the_wrong_variable_because_another_gradient_is_zero():
    sample = (EXAMPLES / "two_layer_relu.gx").read_text(encoding="utf-8")
    (claim,) = explain(sample, claims=["dw11 = 0"]).claims
    assert claim.ok is False and claim.diagnosis.kind == "none"
