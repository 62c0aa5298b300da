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


def test_literal_size_is_read_without_building_the_number():
    from gradexplain.numbers import literal_size

    assert literal_size("1e-400") == 401
    assert literal_size("12.5e3") == 6
    assert literal_size("1e-99999999") == 100_000_000
    assert literal_size("1e" + "9" * 5000) > 10**9  # no int() of a 5,000-digit exponent


def test_numbers_past_python_s_4300_digit_limit_are_read_and_shown():
    from gradexplain.numbers import digits_of, exact_text, read_literal

    assert read_literal("1" * 5000).numerator == int("1" * 2000) * 10**3000 + int("1" * 3000)
    assert digits_of(10**5000) == "1" + "0" * 5000
    assert exact_text(Fraction(1, 3 * 10**5000)).startswith("1/3000")


def test_extreme_magnitudes_are_shown_in_scientific_notation_quickly():
    from gradexplain.numbers import read_literal

    assert format_number(read_literal("1e-100000")) == "1e-100000"
    assert format_number(Fraction(10**300)) == "1e300"
    assert format_number(Fraction(3, 7 * 10**40)) == "4.28571e-41"
