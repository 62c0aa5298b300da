"""The fuzz kinds about numbers (issues 18 and 19): every function of the language at points all
over its domain, its edges and its kinks, and the causes of wrong numbers and verdicts found at
floating point's edges. Their truths come from mpmath at 160 digits, independently of gradexplain:
values and gradients must be right to a double's precision (a note does not excuse them), a
number must never show more digits than a double holds, a refusal must say why.
"""

from __future__ import annotations

import mpmath

from benchmarks.fuzz_cases import (
    FUNCTIONS,
    PRECISION,
    Case,
    Draw,
    Expect,
    F,
    File,
    UndefinedError,
    UnknownError,
    call,
    num,
    var,
)

SMALLEST, LARGEST = mpmath.mpf(2) ** -1022, mpmath.mpf(2) ** 1024 * (1 - mpmath.mpf(2) ** -53)

# Where each function is worth trying: its edges, kinks and far tails, then ordinary points.
SPECIAL = {
    "asin": ("1", "-1", "0.999999", "-0.5", "1.000001"),
    "acos": ("1", "-1", "0.999999", "0.5", "-1.000001"),
    "log1p": ("-1", "-0.999999", "1e-12", "-1e-12"),
    "expm1": ("1e-12", "-1e-12", "700", "-745"),
    "log2": ("0", "1", "1024", "1e-300"),
    "log10": ("0", "1", "1000", "1e-300"),
    "sinh": ("710", "-710", "1e-9", "0"),
    "cosh": ("710", "-710", "0"),
    "erf": ("6", "-6", "1e-9", "0"),
    "gelu": ("0", "-40", "40", "1e-8"),
    "silu": ("0", "-800", "800", "1e-8"),
    "elu": ("0", "-800", "1e-300", "-1e-300"),
    "relu": ("0",),
    "abs": ("0",),
    "softplus": ("-800", "40", "0"),
    "sigmoid": ("-800", "40", "0"),
    "tan": ("pi/2", "0"),
    "log": ("0", "1", "1e-300"),
    "sqrt": ("0", "1e-300", "2"),
}
ORDINARY = ("0.5", "-0.5", "2", "-3", "0.25", "1/3", "-2.75", "10", "sqrt(2)", "exp(1)", "1e-5")


def _point(d: Draw, name: str) -> F:
    """A value for the input: special for the function half of the time."""
    texts = SPECIAL.get(name, ()) if d.chance(0.5) else ()
    return _constant(d.pick(texts or ORDINARY))


def _constant(text: str) -> F:
    """A constant formula as the harness means it (pi/2, sqrt(2), 1/3, 1e-300)."""
    if text == "pi/2":
        return F(text, 2, lambda env: mpmath.pi / 2)
    if text.startswith(("sqrt(", "exp(")):
        inner = _constant(text[text.index("(") + 1 : -1])
        return call(text[: text.index("(")], inner)
    if "/" in text:
        top, bottom = text.split("/")
        return F(text, 2, lambda env: num(top).meaning(env) / num(bottom).meaning(env))
    return num(text)


def _argument(d: Draw, w: F) -> F:
    """What the function is applied to: w itself, or w scaled and shifted (the chain rule's 2 or -3)."""
    shape = d.rng.randrange(4)
    if shape == 0:
        return w
    if shape == 1:
        return w * d.pick((2, 3, 10))
    if shape == 2:
        return w - d.pick((1, 2))
    return -w


def _derivative(formula: F, name: str, env: dict[str, F]) -> mpmath.mpf | None:
    """∂formula/∂name at the point by mpmath (one-sided both ways; None where they differ: a kink)."""

    def one_sided(direction: int) -> mpmath.mpf:
        point = {k: f.meaning({}) for k, f in env.items()}
        return mpmath.diff(lambda t: formula.meaning({**point, name: t}), point[name], direction=direction)

    try:
        right, left = _settled(lambda: one_sided(1)), _settled(lambda: one_sided(-1))
    except (UndefinedError, ZeroDivisionError, ValueError):
        return None
    if not mpmath.isfinite(right) or abs(right - left) > mpmath.mpf(10) ** -60 * max(1, abs(right)):
        return None
    return right


def _settled(compute) -> mpmath.mpf:
    """`compute()` at 160 digits, or 0 where it vanishes with more digits: the harness's own
    rounding residue (sin(pi) is about 1e-161 at 160 digits and 1e-201 at 200) is no value."""
    with mpmath.workdps(PRECISION):
        value = compute()
    with mpmath.workdps(PRECISION + 40):
        finer = compute()
    return mpmath.mpf(0) if abs(finer) < mpmath.mpf(10) ** -30 * abs(value) else value


def _representable(value: mpmath.mpf) -> bool:
    return value == 0 or SMALLEST <= abs(value) <= LARGEST


def strict_case(d: Draw, kind: str, formula: F, env: dict[str, F], extra: tuple[str, ...] = ()) -> Case:
    """A run of `formula` at `env` as JSON whose value and gradients are known: both right to a
    double's precision, or exit 2 where the formula, its derivative or a double fails there."""
    argv = (formula.text, *(word for name, f in env.items() for word in (f"--{name}", f.text)), "--format", "json")
    try:
        with mpmath.workdps(PRECISION):
            value = _settled(lambda: formula.meaning({name: f.meaning({}) for name, f in env.items()}))
    except (UndefinedError, ZeroDivisionError, ValueError):
        return Case(kind, (*argv, *extra), expect=Expect(exits=(2,), why="the formula is undefined at this point"))
    except UnknownError:
        return Case(kind, (*argv, *extra))
    gradients = {name: _derivative(formula, name, env) for name in env}
    if not _representable(value) or not all(g is None or _representable(g) for g in gradients.values()):
        return Case(kind, (*argv, *extra), expect=Expect(exits=(2,), why="no double holds the value or a gradient"))
    if any(g is None for g in gradients.values()):  # a kink or an infinite slope: any clear outcome
        return Case(kind, (*argv, *extra))
    known = tuple((name, mpmath.nstr(g, 40)) for name, g in gradients.items())
    value_text = mpmath.nstr(value, 40)
    return Case(kind, (*argv, *extra), expect=Expect(value=value_text, gradients=known, strict=True))


def primitives(d: Draw) -> Case:
    """Every function of the language, alone or composed with another, at points over its domain,
    at its edges and kinks: the value and the gradient against mpmath."""
    name = d.pick(sorted(FUNCTIONS))
    w = var("w")
    if name in ("max", "min"):
        x = var("x")
        formula = call(name, _argument(d, w), x)
        env = {"w": _point(d, name), "x": _point(d, name)}
    elif name == "leaky_relu":
        formula = call(name, _argument(d, w), *(() if d.chance(0.5) else (num(d.pick(("0.2", "0.01", "3"))),)))
        env = {"w": _point(d, name)}
    elif name == "clip":
        low, high = d.pick((("-1", "1"), ("0", "0.5"), ("1", "-1"), ("2", "2")))
        formula = call(name, _argument(d, w), _constant(low) if low[0] != "-" else -num(low[1:]), num(high))
        env = {"w": _point(d, name)}
    else:
        formula = call(name, _argument(d, w))
        env = {"w": _point(d, name)}
    if d.chance(0.3):  # composed: the outer one's chain rule on top
        formula = call(d.pick(("exp", "sin", "sigmoid", "tanh", "atan", "softplus")), formula)
    if d.chance(0.3):
        formula = formula * var("w")
    extra = d.pick(((), ("--check",), ("--check", "--central")))
    return strict_case(d, "primitives", formula, env, extra)


FLOAT_EDGES = (
    "float_zero",
    "claim_exponent",
    "tiny_claim",
    "underflow",
    "pole",
    "digits",
    "written",
    "recurrence",
    "zero_power",
    "quiz",
    "log_not_needed",
    "vanishing",
)


def _run(argv: tuple[str, ...], exits: tuple[int, ...] = (0, 1, 2), why: str = "", **expect) -> Case:
    return Case("float_edges", argv, expect=Expect(exits=exits, why=why, **expect))


def _verdict(source: str, point: str, claim: str, right: bool, truth: str) -> Case:
    """A claim whose verdict is known: exit 0 when it is right, 1 when it is wrong."""
    why = f"∂J/∂w = {truth}: the claim {claim} is {'right' if right else 'wrong'}"
    return _run((source, "--w", point, "--claim", f"dJ/dw = {claim}"), (0,) if right else (1,), why)


def float_edges(d: Draw) -> Case:
    """The causes of issue 19, drawn afresh: floats that must stay floats, claims with exponents
    and tiny gradients, underflow, poles, too many digits, formulas as values, long recurrences,
    nan in messages, quiz answers nested deep or inexact in an exact box."""
    form = d.pick(FLOAT_EDGES)
    if form == "float_zero":  # log(exp(x)) is a float 0 in doubles: the audit gives x back
        x = num(d.pick(("1e-17", "3e-18", "-2e-17", "5e-20")))
        case = strict_case(d, "float_edges", var("w") * call("log", call("exp", var("x"))), {"w": num("2"), "x": x})
        claims = ("--claim", "dJ/dw = x", "--claim", "dJ/dw = 0")
        return Case(case.kind, (*case.argv, *claims), expect=_exits(case.expect, (1,), "dJ/dw = 0 is wrong"))
    if form == "claim_exponent":  # the exponent is no precision: 0e5 is 0
        claim, right = d.pick((("0e5", False), ("7.", False), ("7e0", False), ("7.38906", True), ("7.389e0", True)))
        return _verdict("exp(w)", "2", claim, right, "7.38906")
    if form == "tiny_claim":  # relative, with a floor far below the answer
        claim, right = d.pick((("4.6e-10", False), ("-4.6e-10", True), ("0", False), ("-4.59906e-10", True)))
        return _verdict("exp(-w)", "21.5", claim, right, "-4.59906e-10")
    if form == "underflow":  # never a silent 0
        argv = d.pick(
            (
                ("w*softplus(-800)", "--w", "3"),
                ("w", "--w", "softplus(-800)"),
                ("w*exp(-746)", "--w", "2"),
                ("sigmoid(w)", "--w", "-800"),
            )
        )
        return _run(argv, (2,), "underflow is refused", in_output=("too small for floating point",))
    if form == "pole":
        if d.chance(0.5):
            argv = d.pick((("tan(w+pi/2)", "--w", "0"), ("1/sin(pi*w)", "--w", "1"), ("1/cos(pi*w/2)", "--w", "1")))
            return _run(argv, (2,), "a pole is refused", in_output=("a pole",))
        source, point = d.pick((("1/(w-1)**2", "1.2"), ("1/(w-pi)**2", "3"), ("tan(w)", "1"), ("1/abs(w)", "0.5")))
        return _run((source, "--w", point, "--plot", "w"), (0,), "the plot breaks at the pole", in_output=("(a pole)",))
    if form == "digits":  # never more digits than a double holds
        source = d.pick(("sigmoid(w)", "exp(w)*3", "tanh(exp(w))", "sin(exp(w))"))  # no long exact number
        digits = str(d.pick((16, 17, 30, 50)))
        return _run((source, "--w", d.pick(("1", "0.7", "2.5")), "--digits", digits, "--check"), most_digits=15)
    if form == "written":  # a formula as a value: noted, and written back as the formula
        value = d.pick(("1e22*pi + 0.5", "exp(1)", "sqrt(2)/3", "2*pi"))
        fmt = d.pick(("text", "program"))
        said = f"w = {value}" if fmt == "program" else "nearest double"
        return _run(("w*x", "--w", value, "--x", "2", "--format", fmt), (0,), in_output=(said,))
    if form == "recurrence":  # a gradient through n steps, tiny ones along the way
        return _recurrence(d)
    if form == "zero_power":  # 0**w is 0 for every w > 0: its gradient is 0, and no nan is said
        if d.chance(0.5):
            return strict_case(
                d, "float_edges", num("0") ** var("w") * var("x"), {"w": num(d.pick(("1", "2"))), "x": num("3")}
            )
        return strict_case(d, "float_edges", var("w") ** var("x"), {"w": num("0"), "x": num(d.pick(("1", "2", "0.5")))})
    if form == "quiz":
        answer, said = d.pick(
            (
                ("(" * 150 + "-4" + ")" * 150, "levels deep"),
                ("-4*exp(1/10000)", "not that"),
                ("10**1000/10**1000*(-4)", "right: -4"),
                ("(" * 99 + "-4" + ")" * 99, "right: -4"),
            )
        )
        argv = ("w*x", "--w", "2", "--x", "-2", "--quiz", "forward")
        return Case("float_edges", argv, stdin=(answer + "\n").encode(), expect=Expect(in_output=(said,)))
    if form == "log_not_needed":  # ∂J/∂w of w**x needs no log of the negative w
        case = strict_case(d, "float_edges", var("w") ** var("x"), {"w": num(d.pick(("-2", "-0.5"))), "x": num("3")})
        return Case(case.kind, (*case.argv, "--wrt", "w"), expect=_only(case.expect, "w"))
    k = d.pick(("1", "2", "3"))  # vanishing: sin(pi*w) at a whole w is 0, not a pole
    return strict_case(d, "float_edges", call("sin", F("pi", 5, lambda env: +mpmath.pi) * var("w")), {"w": num(k)})


def _exits(expect: Expect, exits: tuple[int, ...], why: str) -> Expect:
    return Expect(exits, expect.value, expect.not_in_stderr, (), why, expect.gradients, expect.strict)


def _only(expect: Expect, name: str) -> Expect:
    gradients = tuple((n, g) for n, g in expect.gradients if n == name)
    return Expect(expect.exits, expect.value, (), (), expect.why, gradients, expect.strict)


def _recurrence(d: Draw) -> Case:
    """p_i = p_(i-1)*w + i mod 7, n steps, at an exact or a floating-point w: ∂p/∂w by forward
    mode in mpmath, while the gradients through early steps fall below every double."""
    steps = d.pick((50, 500, 1500) if d.light else (50, 500, 3000))
    w_text = d.pick(("0.5", "exp(-0.69)", "0.9", "1/3"))
    lines = [f"w = {w_text}", "p0 = w", *(f"p{i} = p{i - 1}*w + {i % 7}" for i in range(1, steps))]
    with mpmath.workdps(60):
        w = _constant(w_text).meaning({})
        if w_text == "exp(-0.69)":
            w = mpmath.mpf(float(w))  # the program's w is the double nearest it (a note says so)
        p, slope = w, mpmath.mpf(1)
        for i in range(1, steps):
            p, slope = p * w + i % 7, slope * w + p
        expect = Expect(exits=(0,), value=mpmath.nstr(p, 40), gradients=(("w", mpmath.nstr(slope, 40)),), strict=True)
    data = ("\n".join(lines) + "\n").encode()
    return Case("float_edges", ("-f", "rec.gx", "--format", "json"), files=(File("rec.gx", data),), expect=expect)


KINDS = {"primitives": primitives, "float_edges": float_edges}
