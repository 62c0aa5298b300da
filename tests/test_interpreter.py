"""Nodes are computed from the formula as written, whatever SymPy makes of it for show."""

import threading
from fractions import Fraction

import pytest
import sympy as sp

from gradexplain import explain
from gradexplain.engine.interpreter import Interpreter
from gradexplain.engine.kernels import DERIVATIVE_WORK
from gradexplain.engine.tape import CONSTANT, SLOT, Instruction, Recipe
from gradexplain.errors import EvaluationError, InputError
from gradexplain.limits import Limits


def test_a_recipe_runs_forward_and_backward_exactly():
    # J = x*x + 3*y: tape x, x, *, 3, y, *, +
    steps = [
        Instruction(SLOT, slot=0),
        Instruction(SLOT, slot=0),
        Instruction("*", (0, 1)),
        Instruction(CONSTANT, value=Fraction(3)),
        Instruction(SLOT, slot=1),
        Instruction("*", (3, 4)),
        Instruction("+", (2, 5)),
    ]
    recipe = Recipe.of(steps, 2)
    assert recipe.varies == (True, True, True, False, True, True, True)
    interpreter = Interpreter(None)  # one node's tape needs no graph
    point = [Fraction(1, 2), Fraction(2)]
    assert interpreter.value(recipe, point) == Fraction(25, 4)
    assert interpreter.local_gradient(recipe, point, Fraction(25, 4)) == [Fraction(1), Fraction(3)]


# Assignments SymPy rewrites into something defined where the written formula is not.
@pytest.mark.parametrize(
    ("program", "point", "problem"),
    [
        ("J = exp(log(w))", "-1", "log is only defined for positive numbers"),
        ("J = w/w", "0", "division by zero"),
        ("J = sqrt(w)**2", "-4", "square root of a negative number"),
        ("J = (w-w)/(w-w) + w", "1", "division by zero"),
        ("J = w**0", "0", r"0\*\*0 is undefined"),
    ],
)
def test_program_mode_checks_every_operation_as_bare_mode_does(program, point, problem):
    bare = program.removeprefix("J = ")
    for source in (program, bare):
        with pytest.raises(EvaluationError, match=problem):
            explain(source, {"w": point})


# Assignments SymPy rewrites into functions gradexplain has no numeric rule for (cot, atan2, nan).
@pytest.mark.parametrize(
    ("program", "point"),
    [("J = tan(w + pi/2)", "1"), ("J = abs(sqrt(w))", "4"), ("J = abs(w**(1/3))", "8"), ("J = w**0", "3")],
)
def test_program_mode_evaluates_what_sympy_rewrites(program, point):
    w = sp.Symbol("w", positive=True)
    written = {"J = tan(w + pi/2)": sp.tan(w + sp.pi / 2), "J = abs(sqrt(w))": sp.sqrt(w)}
    written |= {"J = abs(w**(1/3))": w ** sp.Rational(1, 3), "J = w**0": sp.S.One}
    oracle = written[program]
    explanation = explain(program, {"w": point})
    at = {w: sp.Rational(point)}
    assert float(explanation.output_value) == pytest.approx(float(oracle.subs(at)), rel=1e-12)
    assert float(explanation.gradient("w")) == pytest.approx(float(sp.diff(oracle, w).subs(at)), rel=1e-12, abs=1e-15)


def test_one_assignment_with_thousands_of_names_is_linear_and_its_formulas_are_not_written_out():
    names = [f"w{i}" for i in range(3000)]
    values = {name: "1.001" for name in names}
    product = explain("J = " + "*".join(names), values, wrt=["w0", "w2999"])
    assert product.gradient("w0") == pytest.approx(float(Fraction(1001, 1000) ** 2999), rel=1e-12)
    assert all(step.local_formula == "(too large to write out)" for step in product.steps)
    assert product.symbolic.skipped is not None
    assert len(repr(product)) < 200
    inside = explain("J = sin(" + "+".join(names) + ")", values, wrt=["w7"])
    assert inside.gradient("w7") == pytest.approx(float(sp.cos(sp.Rational(3003))), rel=1e-12)


def test_formulas_are_written_out_below_the_bound():
    names = [f"w{i}" for i in range(60)]
    assert DERIVATIVE_WORK > 60 * 120
    explanation = explain("J = " + "*".join(names), dict.fromkeys(names, "1"), wrt=["w0"])
    assert explanation.steps[0].local_formula.count("*") == 58


def test_power_growth_that_sympy_would_write_out_is_refused():
    # At w = 1/2 the value is 1, but SymPy would write the formula as 2**100000000*w**100000000.
    with pytest.raises(InputError, match="needs numbers of more than"):
        explain("J = ((2*w)**10000)**10000", {"w": "1/2"})
    with pytest.raises(EvaluationError, match="too large for floating point"):  # at w = 1 the value is too large
        explain("J = ((2*w)**10000)**10000", {"w": 1})


def test_deep_nesting_never_changes_the_recursion_limit_and_works_in_threads():
    import sys

    before = sys.getrecursionlimit()
    source = "J = " + "sin(" * 90 + "w" + ")" * 90
    results: list[object] = []

    def run() -> None:
        results.append(explain(source, {"w": "0.5"}).gradient("w"))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 3 and len(set(results)) == 1
    assert sys.getrecursionlimit() == before


def test_a_raised_depth_limit_gives_a_message_not_a_crash():
    source = "J = " + "sin(" * 3000 + "w" + ")" * 3000
    try:
        explanation = explain(source, {"w": "0.5"}, limits=Limits(depth=10_010))
    except InputError as error:
        assert "nested too deeply" in error.message
    else:  # the numbers never recurse; only SymPy's formulas might have to give up
        assert explanation.gradient("w") != 0


def test_gradient_formulas_that_grow_quadratically_are_skipped_not_tidied_for_minutes():
    # The output written out is small (a chain), its gradient formulas are not.
    lines = ["w = 0.9", "b = 0.1", "s_0 = 0.5"] + [f"s_{i} = tanh(s_{i - 1})*w + b" for i in range(1, 38)]
    explanation = explain("\n".join(lines))
    assert "longer than 2000 terms" in explanation.symbolic.skipped
    assert explanation.gradient("w") != 0
