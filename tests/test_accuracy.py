"""The floating-point audit: results recomputed at 50 digits; where doubles lost them, the tables
show the recomputed values (or the run says why none can be shown), with a note."""

import math
import re
import threading

import mpmath
import pytest

from gradexplain import explain
from gradexplain.errors import EvaluationError


def notes_of(explanation):
    return [note.text for note in explanation.notes if "lost accuracy" in note.text]


def test_a_result_floating_point_got_wrong_is_flagged_with_the_better_value():
    # (1 + 1/w)**w at w = 1e15 is e; in doubles it is 3.03504.
    explanation = explain("(1+1/w)**w", {"w": "1e15"})
    output, gradient, along_the_way = notes_of(explanation)
    assert re.match(r"floating point lost accuracy along the way: ∂J/∂v1 and \d+ more", along_the_way)
    assert "J is 3.03504 in double precision but 2.71828" in output
    assert "∂J/∂w" in gradient
    # the tables show the recomputed values: e, and the gradient e/(2w²) + …, not -3.03504e-15
    assert explanation.output_value == pytest.approx(math.e, rel=1e-15)
    assert explanation.gradient("w") == pytest.approx(1.3591409142295225e-30, rel=1e-12)


def test_cancellation_is_flagged_and_a_good_float_result_is_not():
    assert notes_of(explain("exp(w) - 1 - w", {"w": "1e-9"}))
    assert not notes_of(explain("sin(w)*x + exp(w)", {"w": 1, "x": 2}))
    assert not notes_of(explain("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2}))  # exact: not audited


def test_the_audit_leaves_mpmath_s_global_precision_alone():
    before = mpmath.mp.prec
    results = []
    threads = [threading.Thread(target=lambda: results.append(explain("(1+1/w)**w", {"w": "1e15"}))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert mpmath.mp.prec == before
    assert all(len(notes_of(r)) == 3 for r in results)


def test_a_result_that_underflowed_to_zero_is_refused_with_the_reason():
    with pytest.raises(EvaluationError, match=r"J is 3\.66787e-348, too small for floating point"):
        explain("sigmoid(z)", {"z": -800})


def test_a_value_that_depends_on_the_precision_it_is_computed_with_is_refused_at_a_pole():
    # tan(w + pi/2) at w = 0: 1.63e16 in doubles, -1.98e51 at 50 digits, something else at 100
    with pytest.raises(EvaluationError, match=r"no stable value here: .* the point is at .* a pole"):
        explain("tan(w+pi/2)", {"w": 0})


def test_a_double_never_passes_for_exact_and_the_true_gradient_decides_the_claims():
    # log(exp(x)) at x = 1e-17: in doubles exp(x) is 1.0 and log of it 0.0, which is not exact 0
    explanation = explain("w*log(exp(x))", {"w": 2, "x": "1e-17"}, check=True, claims=["dJ/dw = x", "dJ/dw = 0"])
    gradient = explanation.gradient("w")
    assert isinstance(gradient, float) and gradient == pytest.approx(1e-17, rel=1e-15)
    right, wrong = explanation.claims
    assert right.ok is True and wrong.ok is False
    assert explanation.checks_passed


def test_a_value_given_as_a_formula_is_noted_as_rounded_and_written_back_as_the_formula(tmp_path):
    """1e22*pi + 0.5 has no exact form: the run says it uses the nearest double, and the program
    format writes the formula back, so a rerun reads the same double (not an exact decimal)."""
    from gradexplain.render import render_text

    explanation = explain("w*x", {"w": "1e22*pi + 0.5", "x": 2})
    (note,) = [n.text for n in explanation.notes if "nearest double" in n.text]
    assert note == (
        "w = 1e22*pi + 0.5 has no exact form here, so it is the nearest double, 3.1415926535897934e22, "
        "and what depends on it is floating point"
    )
    program = render_text(explanation, "program")
    assert program.splitlines()[0] == "w = 1e22*pi + 0.5"
    again = explain(program)
    assert again.values == explanation.values and again.gradients == explanation.gradients
    assert not [n for n in explain("w*x", {"w": "0.25", "x": 2}).notes if "nearest double" in n.text]
    # a program's own w = exp(1) is written back as written, unless a value is given for w
    assert render_text(explain("w = exp(1)\nJ = w*w"), "program").startswith("w = exp(1)\n")
    assert render_text(explain("w = exp(1)\nJ = w*w", {"w": 3}), "program").startswith("w = 3\n")


def test_a_constant_beyond_floating_point_says_so_in_the_usual_notation():
    with pytest.raises(EvaluationError, match=r"^softplus\(-800\) is too small for floating point \(3.66787e-348\)$"):
        explain("w*softplus(-800)", {"w": 3})
    with pytest.raises(EvaluationError, match=r"^exp\(800\) is too large for floating point$") as error:
        explain("w*exp(800)", {"w": 3})
    assert "between 2.2e-308 and 1.8e308" in error.value.hint


def test_zero_to_a_positive_power_has_the_gradient_zero_as_pytorch_gives():
    """0**w is 0 for every w > 0, so ∂J/∂w = 0 (SymPy's 0**w*log(0) is nan; a log(0) is no number)."""
    explanation = explain("0**w*x", {"w": 1, "x": 2}, check=True)
    assert explanation.gradients == {"w": 0, "x": 0} and explanation.checks_passed
    assert [step.local_formula for step in explanation.steps][-1] == "0"
    assert explain("w**x", {"w": 0, "x": 1}).gradients == {"w": 1, "x": 0}
    with pytest.raises(EvaluationError, match=r"0\*\*0 is undefined"):
        explain("0**w", {"w": 0})


def test_doubles_take_a_negative_base_to_a_whole_power():
    """In doubles every constant is a float: (-0.5)**2.0 is 0.25, not 'a fractional power'."""
    from gradexplain.engine.arithmetic import power_undefined

    assert power_undefined(-0.5, 2.0) is None
    assert "fractional power" in power_undefined(-0.5, 2.5)
    from gradexplain.engine.interpreter import Interpreter
    from gradexplain.engine.systems import Double

    graph = explain("1/(w-1)**2", {"w": "0.5"}).graph
    values, _ = Interpreter(graph, Double()).forward([0.5, None, None, None], notes=False)
    assert values[-1] == 4.0


def test_a_gradient_along_the_way_below_every_double_does_not_refuse_the_run():
    """p_i = p_(i-1)*w + i mod 7 for 3,000 steps: ∂p2999/∂p0 is about 1e-899, which no double
    holds, yet ∂p2999/∂w is about 9. The run gives that, shows the tiny ones as 0 and says so."""
    lines = ["w = exp(-0.69)", "p0 = w"] + [f"p{i} = p{i - 1}*w + {i % 7}" for i in range(1, 3000)]
    explanation = explain("\n".join(lines))
    ctx = mpmath.mp.clone()
    ctx.dps = 50
    w = ctx.mpf(explanation.values[0])  # the double nearest exp(-0.69), as the note says
    p, slope = w, ctx.mpf(1)
    for i in range(1, 3000):  # forward mode, independently of the backward pass
        p, slope = p * w + i % 7, slope * w + p
    assert explanation.gradient("w") == pytest.approx(float(slope), rel=2.0**-50)  # the audit's threshold
    (note,) = [n.text for n in explanation.notes if "below the smallest normal double" in n.text]
    assert re.match(r"[\d,]+ numbers along the way \(gradients and their steps\) are below the smallest normal", note)
    assert "∂p2999/∂p0 is 2.04214e-899" in note


def test_a_value_that_vanishes_as_the_digits_grow_is_zero_not_a_pole():
    """sin(pi*w) at w = 1: 1.2e-16 in doubles, about 1e-51 with 50 digits, 1e-102 with 100 (pi is
    rounded each time). It is 0, a float 0; its reciprocal, which grows, is refused as a pole."""
    explanation = explain("sin(pi*w)", {"w": 1})
    assert explanation.output_value == 0 and isinstance(explanation.output_value, float)
    assert explanation.gradient("w") == -math.pi
    (note,) = notes_of(explanation)
    assert "J is 1.22465e-16 in double precision but 0 recomputed with 50 digits and 100" in note
    checked = explain("cos(pi*w/2)*x", {"w": 1, "x": 2}, check=True)
    assert checked.checks_passed and [c.nudged_output for c in checked.checks][1] == 0
    with pytest.raises(EvaluationError, match=r"-9\.89417e50 with 50 digits, 3\.48567e101 with 100: the point is at"):
        explain("1/sin(pi*w)", {"w": 1})


def test_a_value_naming_a_constant_the_program_shadows_is_written_back_as_the_constant():
    """--w "2*e" where the program says e = 3: the line w = 2*e would make w 6; w = 2*exp(1) does not."""
    from gradexplain.render import render_text

    explanation = explain("e = 3; J = e*w", {"w": "2*e"})
    program = render_text(explanation, "program")
    assert program.splitlines()[1] == "w = 2*exp(1)"
    assert explain(program).values == explanation.values


def test_a_choice_that_rounding_decided_is_refused_not_shown():
    """min((1+1/w)**w, 3) at w = 1e15: the doubles say 3.035, so min chooses 3; the truth is
    e = 2.718, so min is e. The run is refused rather than shown on the wrong branch (found by
    review: the tables said J = 20.0855 where the truth is exp(e) = 15.1543)."""
    for formula in ("exp(min((1+1/w)**w, 3))", "exp(max(2.9 - (1+1/w)**w, 0))"):
        with pytest.raises(EvaluationError, match=r"is decided by rounding: in double precision it is"):
            explain(formula, {"w": 1e15})
    kept = explain("max(w, 0.5) + min(w, 3)", {"w": 0.7})  # doubles that choose right stand
    assert kept.output_value == pytest.approx(1.4)
