"""What people really type wrong: each case gives one short message on stderr that points at the
problem (a caret under the source where there is a position) and says what to do; no traceback."""

import pytest

from gradexplain import cli

CARET = True
# (arguments, exit code, a piece of the message, whether a caret points into the source)
CASES = [
    # ── syntax ──────────────────────────────────────────────────────────────────────────
    (["", "--w", "1"], 2, "the formula is empty", CARET),
    (["w*", "--w", "1"], 2, "where a value should follow '*'", CARET),
    (["(w + 1", "--w", "1"], 2, "'(' is never closed", CARET),
    (["w + 1)", "--w", "1"], 2, "unmatched ')'", CARET),
    (["2w", "--w", "1"], 2, "write 2*w", CARET),
    (["w²", "--w", "1"], 2, "write **2", CARET),
    (["x ^^ 2", "--x", "1"], 2, "'^^' is not an operator", CARET),
    (["w x", "--w", "1", "--x", "1"], 2, "missing operator between 'w' and 'x'", CARET),
    (["()", "--w", "1"], 2, "empty parentheses", CARET),
    (["w = ", "--w", "1"], 2, "where a value was expected", CARET),
    (["= 2"], 2, "'=' needs a name before it", CARET),
    (["w == 2", "--w", "1"], 2, "'==' is a comparison", CARET),
    (["w,x", "--w", "1", "--x", "1"], 2, "',' outside a function call", CARET),
    (["1e", "--w", "1"], 2, "a number is directly followed by a name", CARET),
    (["w..2", "--w", "1"], 2, "unexpected character '.'", CARET),
    (["w // 2", "--w", "1"], 2, "floor division", CARET),
    (["w % 2", "--w", "1"], 2, "no modulo operator", CARET),
    (["w × 2", "--w", "1"], 2, "write * for multiplication", CARET),
    (["w − 2", "--w", "1"], 2, "Unicode minus", CARET),
    (["w; x", "--w", "1", "--x", "1"], 2, "only the last line may be a bare expression", CARET),
    # ── functions ───────────────────────────────────────────────────────────────────────
    (["sigmoyd(w)", "--w", "1"], 2, "did you mean sigmoid?", CARET),
    (["max(w)", "--w", "1"], 2, "max takes 2 arguments, got 1", CARET),
    (["exp(w, w)", "--w", "1"], 2, "exp takes 1 argument, got 2", CARET),
    (["exp()", "--w", "1"], 2, "exp takes 1 argument, got 0", CARET),
    (["max(w,)", "--w", "1"], 2, "missing argument after ','", CARET),
    (["exp", "--w", "1"], 2, "exp is a function and needs an argument", CARET),
    (["w(x + 1)", "--w", "1", "--x", "1"], 2, "for a product write w*(...)", CARET),
    (["mexx(x)", "--x", "1"], 2, "the nearest known functions are max, exp, expm1", CARET),
    (["mean(x)", "--x", "1"], 2, "write the average out, as in (a + b + c)/3", CARET),
    (["ln = 2; J = ln*w", "--w", "1"], 2, "ln is a function and cannot be assigned", CARET),
    (["exp = 2; J = exp"], 2, "exp is a function and cannot be assigned", CARET),
    (["pi = 3; J = pi*w", "--w", "1"], 2, "pi is a constant and cannot be assigned", CARET),
    # ── programs and names ──────────────────────────────────────────────────────────────
    (["w = 1\nw = 2\nJ = w"], 2, "w is assigned twice", CARET),
    (["J = c*2\nc = w", "--w", "1"], 2, "c is used before it is assigned", CARET),
    (["w = 2\nx = 3"], 2, "nothing to differentiate", CARET),
    (["2*3"], 2, "no inputs", CARET),
    (["c = w*2; J = c", "--w", "1", "--target", "q"], 2, "--target q: no such name", False),
    (["c = w*2; J = c", "--w", "1", "--target", "w"], 2, "w is an input", False),
    (["w*x", "--w", "1", "--x", "1", "--wrt", "q"], 2, "no input named q", False),
    (["c = e*a; e = 2; J = c", "--a", "1"], 2, "assigning e makes it a variable throughout the program", CARET),
    # ── values ──────────────────────────────────────────────────────────────────────────
    (["w*x + b - y", "--w", "1", "--x", "2"], 2, "missing values for b, y", False),
    (["w*2", "--w", "abc"], 2, "'abc' is not a number", False),
    (["w*2", "--w", "nan"], 2, "nan is not a number", False),
    (["w*2", "--w", "inf"], 2, "inf is not a number", False),
    (["w*2", "--w", "-inf"], 2, "-inf is not a number", False),
    (["w*2", "--w", "1e999"], 2, "1e999 is too large", False),
    (["w*2", "--w", "1/0"], 2, "cannot compute 1/0", CARET),
    (["w*2", "--w"], 2, "--w needs a value", False),
    (["W*x", "--w", "1", "--x", "1"], 2, "names are case-sensitive: the formula uses W, not w", False),
    (["w*2", "--w", "2,5"], 2, "write the decimal point as a dot: 2.5", False),
    (["c = w*2; J = c", "--w", "1", "--c", "3"], 2, "c is computed by the formula", False),
    (["w*2", "--w", "1", "--eps", "0", "--check"], 2, "--eps must be positive", False),
    (["w*2", "--w", "1", "--eps", "-0.1", "--check"], 2, "--eps must be positive", False),
    (["w*2", "--w", "1", "--limit", "nodes"], 2, "expected NAME=N", False),
    # ── claims (--claim) ────────────────────────────────────────────────────────────────
    (["w*x", "--w", "1", "--x", "2", "--claim", "dJ/dq = x"], 2, "the claim is about 'q'", CARET),
    (["w*x", "--w", "1", "--x", "2", "--claim", "dJ/dw = z"], 2, "unknown name 'z' in the claim", CARET),
    (["w*x", "--w", "1", "--x", "2", "--claim", "w = x"], 2, "the left side of a claim names a gradient", CARET),
    (["w*x", "--w", "1", "--x", "2", "--claim", "dL/dw = x"], 2, "L is not the output", CARET),
    (["w*x", "--w", "1", "--x", "2", "--claims", "no/such/answers.txt"], 2, "--claims: no such file", False),
    (["w*x", "--w", "1", "--x", "2", "--claim", "dJ/dw = 3"], 1, "", False),
    # ── files ───────────────────────────────────────────────────────────────────────────
    (["-f", "no/such/file.gx"], 2, "no such file", False),
    # ── undefined at the point ──────────────────────────────────────────────────────────
    (["1/w", "--w", "0"], 2, "cannot compute J = 1/w at w = 0: division by zero", CARET),
    (["log(w)", "--w", "-1"], 2, "log is only defined for positive numbers, not -1", CARET),
    (["sqrt(w)", "--w", "-4"], 2, "square root of a negative number (-4)", CARET),
    (["w**-1", "--w", "0"], 2, "division by zero", CARET),
    (["w**x", "--w", "0", "--x", "0"], 2, "0**0 is undefined", CARET),
    (["0**0 + w", "--w", "1"], 2, "0**0 is undefined", CARET),
    (["exp(w)", "--w", "1000"], 2, "too large for floating point", CARET),
    (["sqrt(w)", "--w", "0"], 2, "cannot be computed at w = 0", CARET),
    (["log(sigmoid(z))", "--z", "-800"], 2, "log's argument underflowed to 0 in floating point", CARET),
    (["1/exp(z)", "--z", "-800"], 2, "the divisor underflowed to 0 in floating point", CARET),
    # ── limits ──────────────────────────────────────────────────────────────────────────
    (["w**10**9", "--w", "2"], 2, "larger than the limit of 10000", CARET),
    (["(" * 250 + "w" + ")" * 250, "--w", "1"], 2, "nests deeper than 100 levels", CARET),
    # ── kinks are not errors ────────────────────────────────────────────────────────────
    (["relu(w)", "--w", "0"], 0, "", False),
    (["abs(w)", "--w", "0"], 0, "", False),
    (["relu(w)", "--w", "0", "--check"], 1, "", False),
    # ── usage ───────────────────────────────────────────────────────────────────────────
    (["w", "--w", "1", "--format", "bogus"], 2, "--format bogus: unknown format", False),
    (["w", "--w", "1", "--format", "jsn"], 2, "--format jsn: unknown format; did you mean json?", False),
    (["w", "--w", "1", "--notation=dvr"], 2, "--notation dvr: unknown notation; did you mean dvar?", False),
    (["w", "--w", "1", "--digits", "0"], 2, "Invalid value for '--digits'", False),
    (["w", "--w", "1", "stray"], 2, "unexpected argument 'stray'", False),
    (["w", "--w", "1", "--chek"], 2, "unknown option --chek; did you mean --check?", False),
    (["w", "--w", "1", "--ouput", "x.svg"], 2, "unknown option --ouput; did you mean --output?", False),
    (["w", "--w", "1", "--check", "--epsilon", "0.01"], 2, "unknown option --epsilon; did you mean --eps?", False),
    (["w", "--w", "1", "--check-onl", "w"], 2, "unknown option --check-onl; did you mean --check-only?", False),
    (["w", "--w", "1", "-o", "samples/"], 2, "samples/: that is a directory, not a file", False),
]


def run(args, capsys):
    with pytest.raises(SystemExit) as raised:
        cli.run(args)
    captured = capsys.readouterr()
    return raised.value.code, captured.out, captured.err


@pytest.mark.parametrize(("args", "code", "message", "caret"), CASES, ids=[" ".join(c[0])[:40] for c in CASES])
def test_catalogue(args, code, message, caret, capsys):
    exit_code, out, err = run(args, capsys)
    assert exit_code == code, err
    assert "Traceback" not in err
    if code == 2:
        assert message in err
        assert out == ""
        assert len(err.splitlines()) <= 5, err
        if caret:
            pointer = [line for line in err.splitlines() if line.strip() and set(line.strip()) == {"^"}]
            assert pointer, err
        if not err.startswith(("Usage:", "error: --limit")) and "Invalid value" not in err:
            assert "hint: " in err or "error: " in err


def test_catalogue_is_large_enough():
    assert len(CASES) >= 40


def test_kink_exit_0_says_which_subgradient(capsys):
    code, out, _ = run(["relu(w)", "--w", "0"], capsys)
    assert code == 0 and "the subgradient 0 is used" in out


def test_unused_value_warns(capsys):
    code, _, err = run(["w*2", "--w", "1", "--q", "2"], capsys)
    assert code == 0 and err == "warning: q is not used by the formula; its value is ignored\n"


def test_file_that_is_not_utf8(tmp_path, capsys):
    path = tmp_path / "latin1.gx"
    path.write_bytes(b"J = w*\xe9")
    code, _, err = run(["-f", str(path), "--w", "1"], capsys)
    assert code == 2 and "not UTF-8" in err


def test_missing_values_show_how_to_pass_each(capsys):
    _, _, err = run(["w*x + b - y", "--w", "1", "--x", "2"], capsys)
    assert "hint: pass them as --b VALUE --y VALUE" in err
