"""Every resource limit is enforced before the work it protects, names itself, and can be raised."""

import math

import pytest

from gradexplain import explain
from gradexplain.errors import GradexplainError, InputError
from gradexplain.limits import NAMES, Limits, with_overrides


@pytest.mark.parametrize(
    ("source", "values", "limits", "options", "message"),
    [
        ("w*x" + "+w" * 100, {"w": 1, "x": 1}, Limits(source=50), {}, "more than the limit of 50"),
        ("w*x + w", {"w": 1, "x": 1}, Limits(nodes=3), {}, "more than 3 nodes"),
        ("(" * 101 + "w" + ")" * 101, {"w": 1}, Limits(), {}, "nests deeper than 100 levels"),
        ("-" * 300 + "w", {"w": 1}, Limits(), {}, "nests deeper than 100 levels"),
        ("w" + "**w" * 250, {"w": 1}, Limits(), {}, "nests deeper than 100 levels"),
        ("9**9**9**9 * w", {"w": 1}, Limits(), {}, "exponent 9**9 is larger than the limit of 10000"),
        ("w**10**9", {"w": 2}, Limits(), {}, "exponent 10**9 is larger"),
        ("w*x", {"w": 1, "x": 2}, Limits(nudges=1), {"check": True}, "--check would nudge 2 inputs"),
        (
            "J = " + "+".join(f"x{i}" for i in range(30)),
            {f"x{i}": 1 for i in range(30)},
            Limits(statement_names=20),
            {},
            "30 names in one assignment",
        ),
    ],
)
def test_limits_stop_with_a_message_that_names_them(source, values, limits, options, message):
    with pytest.raises(GradexplainError) as raised:
        explain(source, values, limits=limits, **options)
    assert message in raised.value.message
    assert "--limit" in (raised.value.hint or "")


def test_exact_bits_limit_switches_to_float_and_says_so():
    explanation = explain("w**50 * x", {"w": "1/3", "x": 1}, limits=Limits(exact_bits=64))
    assert isinstance(explanation.output_value, float)
    assert "64 bits" in explanation.notes[0].text
    exact = explain("w**50 * x", {"w": "1/3", "x": 1})
    assert exact.output_value == (1 / 3) ** 50 or exact.output_value.denominator == 3**50


def test_limits_can_be_raised():
    explain("w" + "**w" * 250, {"w": 1}, limits=Limits(depth=1000))
    assert explain("w**20000", {"w": 1}, limits=Limits(exponent=20000)).gradient("w") == 20000


def test_huge_values_are_refused():
    with pytest.raises(InputError, match="too large"):
        explain("w", {"w": "1e999"})


def test_with_overrides_parses_cli_words():
    limits = with_overrides(["nodes=5", "exact-bits=2_048"])
    assert (limits.nodes, limits.exact_bits) == (5, 2048)
    for bad in ("nodes", "bogus=3", "nodes=x", "nodes=0"):
        with pytest.raises(InputError):
            with_overrides([bad])
    assert set(NAMES) == {
        "source",
        "nodes",
        "depth",
        "exponent",
        "exact_bits",
        "number_digits",
        "nudges",
        "check_work",
        "statement_names",
        "drawing",
        "drawing_seconds",
        "descent_steps",
        "claims",
        "answer",
    }


def test_100000_statement_program_runs_and_matches_forward_mode():
    lines = ["x = 1/2", "a0 = x*x"]
    for i in range(1, 100_000):
        lines.append(f"a{i} = a{i - 1}*x + {i % 7}" if i % 3 else f"a{i} = sin(a{i - 1}) + x")
    explanation = explain("\n".join(lines), wrt=["x"], limits=Limits(nodes=200_000, source=5_000_000))
    # Independent oracle: forward-mode differentiation with dual numbers, in floats.
    x = 0.5
    value, slope = x * x, 2 * x
    for i in range(1, 100_000):
        if i % 3:
            value, slope = value * x + i % 7, slope * x + value
        else:
            value, slope = math.sin(value) + x, math.cos(value) * slope + 1
    assert float(explanation.output_value) == pytest.approx(value, rel=1e-9)
    assert float(explanation.gradient("x")) == pytest.approx(slope, rel=1e-9)


@pytest.mark.parametrize(("opening", "closing"), [("1/(1+", ")"), ("log(1+", ")"), ("tanh(w*", ")"), ("sin(", ")")])
def test_assignment_nested_to_the_depth_limit_is_differentiated(opening, closing):
    # The deepest such assignment the parser admits: SymPy, which recurses once per level, must
    # still differentiate it rather than raise RecursionError.
    from gradexplain.errors import ParseError
    from gradexplain.syntax import parse

    levels = 100
    while True:
        rhs = opening * levels + "w" + closing * levels
        try:
            parse("J = " + rhs)
            break
        except ParseError:
            levels -= 1
    assert levels >= 30
    assert explain("J = " + rhs, {"w": "0.5"}).gradient("w") != 0


def test_raising_the_depth_limit_does_not_crash_in_sympy():
    # 150 nested calls in one assignment overflowed SymPy's recursion before room_for_sympy().
    explanation = explain("J = " + "sin(" * 150 + "w" + ")" * 150, {"w": "0.5"}, limits=Limits(depth=300))
    assert explanation.gradient("w") != 0


def test_the_default_limits_refuse_a_bare_sum_past_50000_nodes_before_the_slow_stages():
    # 1,000,000 terms took 134 s and 3.2 GB; the default now stops the build at 50,000 nodes.
    with pytest.raises(InputError, match="more than 50000 nodes"):
        explain("+".join(["w"] * 60_000), {"w": 1})
    with pytest.raises(InputError, match="more than the limit of 500000"):
        explain("w" + "+1" * 250_000, {"w": 1})
