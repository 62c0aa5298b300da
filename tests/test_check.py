from fractions import Fraction

import pytest

from gradexplain import explain
from gradexplain.check import tolerance

LECTURE = ("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2})


def by_input(explanation):
    return {explanation.graph.nodes[c.input].name: c for c in explanation.checks}


def test_whiteboard_numbers_are_exact():
    checks = by_input(explain(*LECTURE, check=True))
    w, b = checks["w"], checks["b"]
    assert (w.nudged_value, w.nudged_output, w.estimate, w.gradient) == (
        Fraction(2001, 1000),
        Fraction(1996002, 1000000),
        Fraction(-3998, 1000),
        -4,
    )
    assert (b.nudged_output, b.estimate) == (Fraction(20020005, 10**7), Fraction(20005, 10**4))
    assert all(check.ok for check in checks.values())


def test_central_difference_is_exact_for_quadratics():
    check = by_input(explain("w**2", {"w": 3}, check=True, central=True))["w"]
    assert (check.nudged_output, check.lower_output, check.estimate) == (
        Fraction(9006001, 10**6),
        Fraction(8994001, 10**6),
        6,
    )


def test_tolerance_accepts_curvature_but_rejects_a_wrong_slope():
    allowed = tolerance("forward", Fraction(1, 1000), -4, 2, exact=True, nodes=5)
    assert abs(Fraction(-3998, 1000) - -4) <= allowed
    assert abs(1 - 0) > tolerance("forward", Fraction(1, 1000), 0, 0, exact=True, nodes=1)


def test_a_kink_is_reported_as_a_mismatch():
    explanation = explain("relu(w)", {"w": 0}, check=True)
    check = by_input(explanation)["w"]
    assert (check.estimate, check.gradient, check.ok) == (1, 0, False)
    assert not explanation.ok


def test_eps_option_and_float_functions():
    explanation = explain("exp(w)*sin(w)", {"w": 1}, check=True, eps="1e-5", central=True)
    assert explanation.ok
    assert by_input(explanation)["w"].eps == Fraction(1, 10**5)


def test_nudge_outside_the_domain_fails_the_check_with_a_reason():
    explanation = explain("log(w)", {"w": Fraction(1, 2000)}, check=True, central=True)
    check = by_input(explanation)["w"]
    assert not check.ok and "log" in check.problem


@pytest.mark.parametrize("eps", ["0", "-0.1"])
def test_eps_must_be_positive(eps):
    from gradexplain.errors import InputError

    with pytest.raises(InputError, match="--eps must be positive"):
        explain(*LECTURE, check=True, eps=eps)


def test_nudging_recomputes_only_what_depends_on_the_input_and_agrees_with_a_full_pass():
    from gradexplain.build import build
    from gradexplain.engine.interpreter import Interpreter
    from gradexplain.forward import forward
    from gradexplain.syntax import parse

    source = "a = 0.5; b = -2; c = 3; p = a*b; q = exp(c)/b; r = p + q*a; J = r**2 + sin(c)"
    explanation = explain(source, check=True, central=True)
    graph = build(parse(source))
    interpreter = Interpreter(graph)
    base = [explanation.values[node.index] if node.is_input else None for node in graph.nodes]
    for check in explanation.checks:
        for nudged_value, seen in (
            (check.value + check.eps, check.nudged_output),
            (check.value - check.eps, check.lower_output),
        ):
            inputs = list(base)
            inputs[check.input] = nudged_value
            assert forward(interpreter, inputs).values[graph.output] == seen


@pytest.mark.parametrize("eps", ["1e-300", "1e-400", "0.1"])
def test_a_check_that_could_not_reject_a_wrong_gradient_is_inconclusive(eps):
    explanation = explain("w**2", {"w": 3}, check=True, eps=eps)
    (check,) = explanation.checks
    assert check.verdict == "inconclusive" and not check.ok and not explanation.ok
    assert "try --eps" in check.problem
    # The suggested ε does make the check conclusive, and it passes.
    suggested = check.problem.rsplit("try --eps ", 1)[1]
    assert explain("w**2", {"w": 3}, check=True, eps=suggested).checks[0].verdict == "ok"


def test_a_nudge_too_small_to_show_is_written_so_that_it_shows():
    from gradexplain.render import render_text

    text = render_text(explain("w**2", {"w": 3}, check=True, eps="1e-300"), "text")
    assert "3 → 3 + 1e-300" in text
    assert "1 of 1 gradient checks INCONCLUSIVE (w)" in text


def test_check_work_is_bounded_before_it_starts():
    from gradexplain.errors import InputError
    from gradexplain.limits import Limits

    source = "+".join(f"w{i}*w{i + 1}" for i in range(200))
    values = {f"w{i}": 1 for i in range(201)}
    with pytest.raises(InputError, match="80,199 evaluations") as refused:
        explain(source, values, check=True, limits=Limits(check_work=10_000))
    assert "--limit check_work=N" in refused.value.hint
    assert explain(source, values, check_only=["w3"], limits=Limits(check_work=10_000)).ok
