import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradexplain.errors import ParseError
from gradexplain.syntax import Binary, Call, Name, Num, Unary, parse, parse_expression


def shape(expr) -> str:
    """A fully parenthesised rendering, to pin precedence and associativity down."""
    if isinstance(expr, Num):
        return expr.text
    if isinstance(expr, Name):
        return expr.name
    if isinstance(expr, Unary):
        return f"({expr.op}{shape(expr.operand)})"
    if isinstance(expr, Binary):
        return f"({shape(expr.left)} {expr.op} {shape(expr.right)})"
    assert isinstance(expr, Call)
    return f"{expr.function}({', '.join(shape(a) for a in expr.args)})"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("w*x+b-y", "(((w * x) + b) - y)"),
        ("0.5*(w*x+b-y)**2", "(0.5 * ((((w * x) + b) - y) ** 2))"),
        ("-w**2", "(-(w ** 2))"),
        ("w**-2", "(w ** (-2))"),
        ("2**3**2", "(2 ** (3 ** 2))"),
        ("w^2", "(w ** 2)"),
        ("-w*x", "((-w) * x)"),
        ("a/b/c", "((a / b) / c)"),
        ("a-b-c", "((a - b) - c)"),
        ("max(w, x*2) + exp(-w)", "(max(w, (x * 2)) + exp((-w)))"),
        ("--w", "(-(-w))"),
        ("+w", "(+w)"),
        ("sigmoid(w*x+b)", "sigmoid(((w * x) + b))"),
    ],
)
def test_precedence_and_associativity_follow_python(text, expected):
    assert shape(parse_expression(text)) == expected


def test_spans_point_into_the_text():
    expr = parse_expression("0.5*(w*x + b)")
    assert isinstance(expr, Binary)
    inner = expr.right
    assert "0.5*(w*x + b)"[inner.span.start : inner.span.end] == "(w*x + b)"


def test_program_statements_split_on_newlines_and_semicolons():
    program = parse("w = 2; x = -2\n# a comment\nc = w*x  # trailing comment\n\nJ = c**2")
    assert [s.target for s in program.statements] == ["w", "x", "c", "J"]
    assert not program.is_bare_expression


def test_newlines_inside_parentheses_continue_the_statement():
    program = parse("J = (w\n  + x)")
    assert len(program.statements) == 1


def test_flat_sum_of_100000_terms_parses_without_recursion():
    text = "+".join(f"x{i}" for i in range(100_000))
    expr = parse_expression(text)
    depth = 0
    while isinstance(expr, Binary):
        expr, depth = expr.left, depth + 1
    assert depth == 99_999


@pytest.mark.parametrize(
    ("text", "message", "caret"),
    [
        ("w*", "where a value should follow '*'", "*"),
        ("(w", "'(' is never closed", "("),
        ("w)", "unmatched ')'", ")"),
        ("2w", "a number is directly followed by a name", "2w"),
        ("w²", "superscript", "²"),
        ("x ^^ 2", "'^^' is not an operator", "^^"),
        ("sigmoyd(w)", "unknown function 'sigmoyd'", "sigmoyd"),
        ("max(w)", "max takes 2 arguments, got 1", "max(w)"),
        ("w x", "missing operator", "w x"),
        ("a.b", "attribute .b is not part of the language", ".b"),
        ("a.relux()", "unknown method .relux()", ".relux"),
        ("a.relu(b)", ".relu() takes no arguments", "b"),
        ("a. 5", "unexpected character '.'", "."),
        ("__import__('os')", "names like '__import__' are not allowed", "__import__"),
        ("w == 2", "'==' is a comparison", "=="),
        ("w; 2*w", "only the last line may be a bare expression", "w"),
        ("1.2.3", "two decimal points", "1.2."),
        ("exp", "exp is a function and needs an argument", "exp"),
        ("exp = 2; J = exp", "exp is a function and cannot be assigned", "exp"),
        ("[w]", "unexpected character '['", "["),
        ("w // 2", "floor division", "//"),
    ],
)
def test_errors_name_the_problem_and_point_at_it(text, message, caret):
    with pytest.raises(ParseError) as raised:
        parse(text)
    error = raised.value
    assert message in error.message
    assert text[error.span.start : error.span.end] == caret
    assert error.hint


def test_empty_input_is_an_error_with_a_hint():
    with pytest.raises(ParseError, match="empty"):
        parse("  # only a comment\n")


def test_unknown_function_suggests_nearest_name():
    with pytest.raises(ParseError) as raised:
        parse("sigmoyd(w)")
    assert raised.value.hint == "did you mean sigmoid?"


def test_ln_is_log_as_textbooks_write_it():
    call = parse_expression("ln(x)")
    assert isinstance(call, Call) and call.function == "log"
    for text, message in (("ln = 2; J = ln*w", "cannot be assigned"), ("ln*w", "ln is a function and needs")):
        with pytest.raises(ParseError, match=message):
            parse(text)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("mexx(x)", "the nearest known functions are max, exp, expm1 (all: exp, log, log2,"),
        ("lnn(x)", "did you mean ln?"),
        ("foo(x)", "the functions are exp, log, log2, log10, log1p, expm1, sqrt, sin, cos, tan, asin, acos, atan,"),
        ("w(x + 1)", "for a product write w*(...)"),  # one letter: a quantity
        ("x_1(a + b)", "for a product write x_1*(...)"),
        ("e(a + b)", "for a product write e*(...)"),
        ("mass = 2; J = mass(v + 1)", "for a product write mass*(...)"),  # used as a quantity elsewhere
    ],
)
def test_an_unknown_function_gets_the_nearest_names_unless_it_is_a_quantity(text, hint):
    with pytest.raises(ParseError) as raised:
        parse(text)
    assert raised.value.message.startswith("unknown function")
    assert raised.value.hint.startswith(hint)
    if "product" not in hint:
        assert "product" not in raised.value.hint


def test_e_may_be_assigned_and_pi_may_not():
    assert parse("e = (a + b)*(b + 1)").statements[0].target == "e"
    with pytest.raises(ParseError, match="pi is a constant and cannot be assigned"):
        parse("pi = 3; J = pi*w")


# ── the fast path for simple lines gives the general parser's trees ─────────────────────────

_SIMPLE = st.sampled_from(["w", "x_1", "tanh", "exp", "ln", "pi", "e", "__x__", "clip", "leaky_relu", "a2"])
_RIGHT = st.one_of(
    st.tuples(st.sampled_from(["", "-", "- "]), st.sampled_from(["2", "0.5", "1e-3", ".5", "3.", "12e+2"])).map(
        lambda t: t[0] + t[1]
    ),
    st.tuples(_SIMPLE, st.sampled_from(["*", "+", "-", "/", "**", "^", " * ", "**  "]), _SIMPLE).map("".join),
    st.lists(st.tuples(st.sampled_from(["+", "-", " + ", "- "]), _SIMPLE), min_size=2, max_size=5).map(
        lambda terms: "a" + "".join(op + name for op, name in terms)
    ),
    st.tuples(_SIMPLE, st.sampled_from(["(", "( "]), _SIMPLE, st.sampled_from([")", " )"])).map("".join),
    _SIMPLE,
)


@given(target=_SIMPLE, right=_RIGHT, space=st.sampled_from(["", " ", "\t"]))
def test_a_simple_line_reads_as_the_general_parser_reads_it(target, right, space):
    from gradexplain.syntax import DEFAULT_MAX_DEPTH, _simple_line, _statements
    from gradexplain.tokens import tokenize

    line = f"{space}{target} ={space}{right}{space}"
    try:
        general = _statements(tokenize(line), DEFAULT_MAX_DEPTH)
    except ParseError:
        general = None
    fast = _simple_line(line, 0, len(line))
    if fast is not None:  # what the fast path reads, it reads exactly as the general parser
        assert general == [fast], line
    assert (general is None) <= (fast is None)  # and it never reads what the general parser refuses


def test_lines_after_an_open_parenthesis_continue_its_statement():
    program = parse("a = (2 +\nw)\nb = w*x\nc = tanh(\nb)\nJ = c")
    assert [statement.target for statement in program.statements] == ["a", "b", "c", "J"]
    assert parse("w = 2\r\nJ = w*w\rK = J").statements[-1].target == "K"
