"""The floating-point audit: results recomputed at 50 digits, with a note where doubles lost them."""

import threading

import mpmath

from gradexplain import explain


def notes_of(explanation):
    return [note.text for note in explanation.notes if "lost accuracy" in note.text]


def test_a_result_floating_point_got_wrong_is_flagged_with_the_better_value():
    # (1 + 1/w)**w at w = 1e15 is e; in doubles it is 3.03504.
    explanation = explain("(1+1/w)**w", {"w": "1e15"})
    output, gradient = notes_of(explanation)
    assert "J is 3.03504 in double precision but 2.71828" in output
    assert "∂J/∂w" in gradient


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
    assert all(len(notes_of(r)) == 2 for r in results)


def test_a_result_that_underflowed_to_zero_is_flagged():
    (output, gradient) = notes_of(explain("sigmoid(z)", {"z": -800}))
    assert "J is 0 in double precision but 3.66787e-348" in output
    assert "∂J/∂z is 0" in gradient
