from fractions import Fraction

import pytest

from gradexplain.numbers import exact_text, format_number, json_exact, json_number, read_literal, terminating_decimal


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(-4), "-4"),
        (Fraction(998001, 500000), "1.996002"),
        (Fraction(-1999, 500), "-3.998"),
        (Fraction(4001, 2000), "2.0005"),
        (Fraction(4004001, 2000000), "2.0020005"),
        (Fraction(1, 3), "0.333333"),
        (Fraction(-2, 3), "-0.666667"),
        (Fraction(10**30), "1e30"),
        (Fraction(1, 2**60), "8.67362e-19"),
        (0.1 + 0.2, "0.3"),
        (2.0, "2"),
        (-0.0, "0"),
        (1.5e-7, "1.5e-7"),
        (123456789.123, "1.23457e8"),
    ],
)
def test_format_number_follows_one_rule(value, shown):
    assert format_number(value) == shown


def test_digits_option_changes_rounding_only():
    assert format_number(Fraction(1, 3), digits=3) == "0.333"
    assert format_number(Fraction(1, 8), digits=1) == "0.125"  # terminating: always in full


def test_rounding_is_exact_not_double_rounded():
    # Just above the tie 0.1234565: the exact value rounds up, whatever a float would do.
    assert format_number(Fraction(1234565, 10**7) + Fraction(1, 3 * 10**12), digits=6) == "0.123457"
    assert format_number(Fraction(1234565, 10**7) - Fraction(1, 3 * 10**12), digits=6) == "0.123456"
    assert format_number(Fraction(1, 3) * 2, digits=2) == "0.67"


@pytest.mark.parametrize(
    ("text", "value"), [("0.5", Fraction(1, 2)), ("1e-3", Fraction(1, 1000)), (".5", Fraction(1, 2)), ("2.", 2)]
)
def test_read_literal_is_exact(text, value):
    assert read_literal(text) == value


def test_read_literal_rejects_non_literals():
    with pytest.raises(ValueError):
        read_literal("1/3")


def test_terminating_decimal():
    assert terminating_decimal(Fraction(1, 3)) is None
    assert terminating_decimal(Fraction(-1, 8)) == "-0.125"
    assert terminating_decimal(Fraction(7)) == "7"


def test_exact_and_json_forms():
    assert exact_text(Fraction(1, 3)) == "1/3"
    assert exact_text(0.5) is None
    assert json_number(Fraction(-4)) == -4 and isinstance(json_number(Fraction(-4)), int)
    assert json_number(Fraction(1, 2)) == 0.5
    assert json_exact(Fraction(1, 2)) is None  # 0.5 says it all
    assert json_exact(Fraction(1, 3)) == "1/3"
    assert json_exact(Fraction(1, 10)) is None  # repr(0.1) == "0.1"
