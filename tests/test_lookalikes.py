"""Names a reader cannot tell apart, on screen or in LaTeX, get a warning."""

from gradexplain.lookalikes import lookalike_warnings, skeleton


def test_cyrillic_and_greek_look_alikes_of_latin_letters():
    assert skeleton("а") == "a" and skeleton("ο") == "o" and skeleton("Ρ") == "P"
    assert lookalike_warnings(["a", "а"]) == (
        "different names that look alike: a and а (U+0430); rename one to tell them apart",
    )
    assert lookalike_warnings(["xo", "хο"]) == (
        "different names that look alike: xo and хο (U+0445, U+03BF); rename one to tell them apart",
    )


def test_compatibility_forms_look_like_their_plain_letters():
    (warning,) = lookalike_warnings(["w", "𝐰", "y"])
    assert warning.startswith("different names that look alike: w and 𝐰 (U+1D430)")


def test_names_written_alike_in_latex():
    assert lookalike_warnings(["w11", "w_11", "w_1_1"]) == (
        "different names that are both written w_{11} in LaTeX: w11 and w_11; rename one to tell them apart",
    )
    assert lookalike_warnings(["w11", "w_11", "w11_", "w__11"]) == (
        "different names that are all written w_{11} in LaTeX: w11, w_11, w11_ and 1 more; "
        "rename one to tell them apart",
    )
    assert lookalike_warnings(["alpha", "α"]) == (
        "different names that are both written \\alpha in LaTeX: alpha and α (U+03B1); rename one to tell them apart",
    )


def test_distinct_names_get_no_warning():
    assert lookalike_warnings(["w", "x", "b", "w1", "w_2", "θ", "α", "a", "x_in", "xi_n", "yhat", "y"]) == ()
    assert lookalike_warnings([f"w{i}" for i in range(10_000)] + [f"v_{i}" for i in range(10_000)]) == ()


def test_many_groups_are_counted_not_listed():
    warnings = lookalike_warnings([f"w{i}" for i in range(100)] + [f"w_{i}" for i in range(100)])
    assert len(warnings) == 6 and warnings[-1] == "95 more groups of look-alike names"
    assert all(len(warning) < 200 for warning in warnings)
