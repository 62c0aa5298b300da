"""Hostile inputs for the fuzz campaign (benchmarks/fuzz.py), one generator per kind of root cause
in issue 14. Each generator draws from a seeded `random.Random`, so a campaign is reproducible
from its seed, and varies sizes, functions, names and positions rather than replaying examples.

A case is what a user would run: the argument list after `gradexplain`, optional stdin bytes and
files to create first, plus what a right answer looks like where we know it (`Expect`). Formulas
whose true value we need are built as `F` objects, which carry their text (as gradexplain reads
it) and their meaning (evaluated by mpmath at high precision, with every domain rule strict).
Nothing here runs anything; benchmarks/fuzz_runner.py does.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import mpmath

# ── cases ────────────────────────────────────────────────────────────────────────────────────

# An argument longer than this goes through a file or stdin (Linux refuses single arguments
# over 128 KiB), as a user would have to.
ARGUMENT_BYTES = 100_000


@dataclass(frozen=True, slots=True)
class File:
    """Something to create in the case's directory before running it."""

    name: str
    data: bytes = b""
    kind: str = "file"  # file, dir, fifo (nobody writes), fed_fifo (a writer sends data), unreadable, symlink
    target: str = ""  # for a symlink


@dataclass(frozen=True, slots=True)
class Expect:
    """What a right answer looks like, where the generator knows it.

    exits: the exit codes that are right (a formula undefined at the point must exit 2).
    value: the true output J (an mpmath number, decimal string), checked on JSON output.
    gradients, strict, in_output, most_digits: see the fields (the number kinds of fuzz_numbers).
    not_in_stderr: texts a correct message cannot contain (a false "no such file").
    warn_lookalikes: inputs whose names look identical must get a warning.
    """

    exits: tuple[int, ...] = (0, 1, 2)
    value: str | None = None
    not_in_stderr: tuple[str, ...] = ()
    warn_lookalikes: tuple[tuple[str, str], ...] = ()
    why: str = ""  # said when `exits` is not met
    gradients: tuple[tuple[str, str], ...] = ()  # (input, its true gradient), checked on JSON output
    strict: bool = False  # value and gradients right to a double's precision, whatever the notes say
    in_output: tuple[str, ...] = ()  # texts stdout or stderr must contain (a note, a message)
    most_digits: int | None = None  # no number in stdout may show more significant digits


@dataclass(frozen=True, slots=True)
class Case:
    kind: str
    argv: tuple[str, ...]
    stdin: bytes | None = None
    files: tuple[File, ...] = ()
    needs: tuple[str, ...] = ()  # programs the case cannot run without ("dot")
    expect: Expect = field(default_factory=Expect)

    @property
    def binary_stdout(self) -> bool:
        """A PNG on stdout is bytes, not text: it is not scanned for control characters."""
        return ("--format", "png") in itertools.pairwise(self.argv) or "--format=png" in self.argv


# ── formulas with a known meaning ────────────────────────────────────────────────────────────

PRECISION = 160  # decimal digits for the truth: enough for sin(1e30*pi + c)


class UndefinedError(Exception):
    """The formula has no value at this point (division by zero, log of a negative, 0**0)."""


class UnknownError(Exception):
    """The value exists but is too far out for the harness to compute it (sin of 1e1000)."""


Env = dict[str, mpmath.mpf]
ATOM, POWER, UNARY, PRODUCT, SUM = 5, 4, 3, 2, 1


@dataclass(frozen=True, slots=True)
class F:
    """A formula: its text, the precedence of its top operator, and its exact-enough meaning."""

    text: str
    level: int
    meaning: Callable[[Env], mpmath.mpf]

    def __add__(self, other: F | int) -> F:
        return _binary(self, "+", other, SUM, lambda a, b: a + b)

    def __radd__(self, other: int) -> F:
        return _binary(lift(other), "+", self, SUM, lambda a, b: a + b)

    def __sub__(self, other: F | int) -> F:
        return _binary(self, "-", other, SUM, lambda a, b: a - b)

    def __rsub__(self, other: int) -> F:
        return _binary(lift(other), "-", self, SUM, lambda a, b: a - b)

    def __mul__(self, other: F | int) -> F:
        return _binary(self, "*", other, PRODUCT, lambda a, b: a * b)

    def __rmul__(self, other: int) -> F:
        return _binary(lift(other), "*", self, PRODUCT, lambda a, b: a * b)

    def __truediv__(self, other: F | int) -> F:
        return _binary(self, "/", other, PRODUCT, _divide)

    def __rtruediv__(self, other: int) -> F:
        return _binary(lift(other), "/", self, PRODUCT, _divide)

    def __pow__(self, other: F | int) -> F:
        return _binary(self, "**", other, POWER, _power)

    def __rpow__(self, other: int) -> F:
        return _binary(lift(other), "**", self, POWER, _power)

    def __neg__(self) -> F:
        inner = self.text if self.level > UNARY else f"({self.text})"
        return F(f"-{inner}", UNARY, lambda env: -self.meaning(env))

    def value(self, env: dict[str, F] | None = None) -> mpmath.mpf:
        """The meaning at a point given as constant formulas; raises UndefinedError."""
        with mpmath.workdps(PRECISION):
            return self.meaning({name: f.meaning({}) for name, f in (env or {}).items()})


def lift(x: F | int) -> F:
    return x if isinstance(x, F) else num(str(x))


def _binary(a: F, op: str, b: F | int, level: int, meaning: Callable) -> F:
    b = lift(b)
    # Python's precedence: ** binds right and its left side must be an atom (-w**2 is -(w**2)).
    left = a.text if a.level > level or (a.level == level and op != "**") else f"({a.text})"
    right_ok = b.level >= level if op == "**" else b.level > level
    right = b.text if right_ok and b.level != UNARY else f"({b.text})"
    sep = "" if op in ("*", "/", "**") else " "
    return F(f"{left}{sep}{op}{sep}{right}", level, lambda env: meaning(a.meaning(env), b.meaning(env)))


def _divide(a: mpmath.mpf, b: mpmath.mpf) -> mpmath.mpf:
    if b == 0:
        raise UndefinedError("division by zero")
    return a / b


def _power(a: mpmath.mpf, b: mpmath.mpf) -> mpmath.mpf:
    if a == 0 and b <= 0:
        raise UndefinedError("0**0 or a negative power of 0")
    if a < 0 and not mpmath.isint(b):
        raise UndefinedError("a fractional power of a negative number")
    if a != 0 and abs(b * mpmath.log(abs(a))) > 1e12:
        raise UnknownError("a power beyond 10**(10**11)")
    return mpmath.power(a, b)


def var(name: str) -> F:
    return F(name, ATOM, lambda env: env[name])


def num(text: str) -> F:
    """A literal as gradexplain reads it (decimals and exponents exactly); a leading minus is an operator."""

    def meaning(env: Env) -> mpmath.mpf:
        mantissa, _, exponent = text.lower().lstrip("-").partition("e")
        whole, _, fraction = mantissa.partition(".")
        digits, scale = (whole + fraction).lstrip("0") or "0", int(exponent or 0) - len(fraction)
        kept = digits[: PRECISION + 20]  # a million-digit literal, read to the precision we need
        value = mpmath.mpf(int(kept)) * mpmath.power(10, scale + len(digits) - len(kept))
        return -value if text.startswith("-") else value

    return F(text, UNARY if text.startswith("-") else ATOM, meaning)


PI = F("pi", ATOM, lambda env: +mpmath.pi)
E = F("e", ATOM, lambda env: +mpmath.e)


def _positive(x: mpmath.mpf) -> mpmath.mpf:
    if x <= 0:
        raise UndefinedError("not positive")
    return x


def _not_negative(x: mpmath.mpf) -> mpmath.mpf:
    if x < 0:
        raise UndefinedError("negative")
    return x


def _moderate(x: mpmath.mpf, most: float) -> mpmath.mpf:
    if abs(x) > most:
        raise UnknownError(f"an argument beyond {most:g}")
    return x


FUNCTIONS: dict[str, Callable[..., mpmath.mpf]] = {
    "exp": lambda x: mpmath.exp(_moderate(x, 1e12)),
    "log": lambda x: mpmath.log(_positive(x)),
    "sqrt": lambda x: mpmath.sqrt(_not_negative(x)),
    "sin": lambda x: mpmath.sin(_moderate(x, 1e60)),  # PRECISION digits leave 100 after the point
    "cos": lambda x: mpmath.cos(_moderate(x, 1e60)),
    "tan": lambda x: mpmath.tan(_moderate(x, 1e60)),
    "tanh": mpmath.tanh,
    "sigmoid": lambda x: 1 / (1 + mpmath.exp(-_moderate(x, 1e12))),
    "relu": lambda x: max(x, 0),
    "abs": abs,
    "max": max,
    "min": min,
    "softplus": lambda x: mpmath.log(1 + mpmath.exp(_moderate(x, 1e12))),
    "atan": mpmath.atan,
    "asin": lambda x: mpmath.asin(_within(x, -1, 1)),
    "acos": lambda x: mpmath.acos(_within(x, -1, 1)),
    "sinh": lambda x: mpmath.sinh(_moderate(x, 1e12)),
    "cosh": lambda x: mpmath.cosh(_moderate(x, 1e12)),
    "log2": lambda x: mpmath.log(_positive(x), 2),
    "log10": lambda x: mpmath.log10(_positive(x)),
    "log1p": lambda x: mpmath.log1p(_positive(x + 1) - 1),
    "expm1": lambda x: mpmath.expm1(_moderate(x, 1e12)),
    "erf": mpmath.erf,
    "gelu": lambda x: x * (1 + mpmath.erf(x / mpmath.sqrt(2))) / 2,
    "silu": lambda x: x / (1 + mpmath.exp(-_moderate(x, 1e12))),
    "elu": lambda x: x if x > 0 else mpmath.expm1(_moderate(x, 1e12)),
    "leaky_relu": lambda x, a=None: x if x > 0 else (mpmath.mpf("0.01") if a is None else a) * x,
    "clip": lambda x, low, high: min(max(x, low), high) if low <= high else _undefined("clip's lo above its hi"),
}


def _within(x: mpmath.mpf, low: int, high: int) -> mpmath.mpf:
    if not low <= x <= high:
        raise UndefinedError(f"outside [{low}, {high}]")
    return x


def _undefined(why: str) -> mpmath.mpf:
    raise UndefinedError(why)


def call(name: str, *args: F | int) -> F:
    parts = [lift(a) for a in args]
    function = FUNCTIONS[name]
    text = f"{name}({', '.join(p.text for p in parts)})"
    return F(text, ATOM, lambda env: function(*(p.meaning(env) for p in parts)))


def fn(name: str) -> Callable[..., F]:
    return lambda *args: call(name, *args)


exp, log, sqrt, sin, cos, tan, tanh, sigmoid, relu, absolute, softplus = (
    fn(n) for n in ("exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "abs", "softplus")
)


def truth(formula: F, env: dict[str, F]) -> str | None:
    """The formula's true value as a decimal string, or None where it is undefined;
    raises UnknownError when it is too far out to compute."""
    try:
        value = formula.value(env)
    except (UndefinedError, ZeroDivisionError):
        return None
    if not mpmath.isfinite(value) or mpmath.im(value) != 0:
        return None
    if value != 0 and abs(mpmath.log10(abs(value))) > 10**6:  # beyond any display: keep its sign and side
        side = "1e1000000" if abs(value) > 1 else "1e-1000000"
        return ("-" if value < 0 else "") + side
    return mpmath.nstr(value, 40, min_fixed=1, max_fixed=0)


# ── drawing random things ────────────────────────────────────────────────────────────────────

NAMES = ("w", "x", "b", "y", "theta", "θ", "ŷ", "w_1", "loss", "alpha", "h2", "W", "z_out", "λ")
VALUE_FORMS = ("space", "equals", "option_equals")
ESCAPES = (
    "\x1b[2J",  # erase the screen
    "\x1b]0;owned\x07",  # set the window title (OSC ... BEL)
    "\x1b]8;;http://x\x1b\\",  # a hyperlink (OSC ... ST)
    "\x07",  # BEL
    "\x1b[31m",  # red
    "\x1bc",  # reset the terminal
    "\x1b[?1049h",  # alternate screen
    "\x9b31m",  # CSI as a C1 control
    "\x90q\x9c",  # DCS ... ST, C1
    "\x85",  # NEL
    "\x7f",  # DEL
    "\x08\x08",  # backspace over what was shown
    "\r",  # carriage return: overwrite the line
    "\u202e",  # right-to-left override
    "\x1b[6n",  # ask the terminal for the cursor position (it answers on stdin)
)


@dataclass
class Draw:
    """A seeded source of random choices, and whether the campaign is light (CI) or full size."""

    rng: random.Random
    light: bool

    def pick(self, options):
        return options[self.rng.randrange(len(options))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def size(self, low: int, high: int) -> int:
        """An integer spread evenly on a log scale, so small and huge both come up."""
        return round(math.exp(self.rng.uniform(math.log(low), math.log(high))))

    def near(self, limit: int) -> int:
        """A size at a limit: just under it, at it, just over it, or well under."""
        return self.pick(
            (limit - self.rng.randint(1, 20), limit, limit + self.rng.randint(1, 3), self.size(2, max(3, limit)))
        )

    def name(self) -> str:
        return self.pick(NAMES)

    def names(self, count: int) -> list[str]:
        """Distinct names, with a random stem: w0, w1, … or θ0, … or long ones."""
        stem = self.pick(("w", "x", "θ", "weight_", "a_b_", "z" * self.rng.randint(20, 60)))
        return [f"{stem}{i}" for i in range(count)]

    def small_value(self) -> F:
        return self.pick((num("2"), num("-1.5"), num("0.5"), num("3"), num("0.25"), num(str(self.rng.randint(-9, 9)))))

    def escape(self) -> str:
        return "".join(self.pick(ESCAPES) for _ in range(self.rng.randint(1, 3)))

    def value_args(self, values: dict[str, str]) -> list[str]:
        """Input values on the command line, each in one of the three spellings."""
        args: list[str] = []
        for name, value in values.items():
            form = self.pick(VALUE_FORMS)
            if form == "space":
                args += [f"--{name}", value]
            elif form == "equals":
                args.append(f"{name}={value}")
            else:
                args.append(f"--{name}={value}")
        return args

    def deliver(self, source: str, extra: list[str] | None = None) -> dict:
        """The source as an argument, a file (-f or a .gx path) or stdin, chosen at random."""
        extra = list(extra or [])
        data = source.encode()
        ways = ["file", "gx", "stdin"] + ["argument"] * 3 * (len(data) < ARGUMENT_BYTES)
        way = self.pick(ways)
        if way == "argument":
            return {"argv": (source, *extra)}
        if way == "stdin":
            return {"argv": ("-f", "-", *extra), "stdin": data}
        if way == "gx":
            return {"argv": ("program.gx", *extra), "files": (File("program.gx", data),)}
        return {"argv": ("-f", "formula.txt", *extra), "files": (File("formula.txt", data),)}


def checked(formula: F, env: dict[str, F], *, defined_is_not_zero: bool = False) -> Expect:
    """What is right for a formula with a known meaning: its value, or exit 2 where it is undefined.
    With `defined_is_not_zero` (nonzero tiny inputs), a defined value cannot be 'division by zero'."""
    try:
        value = truth(formula, env)
    except UnknownError:
        return Expect()
    if value is None:
        return Expect(exits=(2,), why="the formula is undefined at this point (the bare form is an error)")
    return Expect(value=value, not_in_stderr=("division by zero",) if defined_is_not_zero else ())


def run_formula(d: Draw, kind: str, source: str, formula: F, env: dict[str, F], expect: Expect | None = None) -> Case:
    """A case that runs `source` (whose output is `formula`) at `env`, as JSON so the value is checked.
    Only the names the source uses get values (an unused value is a warning, which is noise here)."""
    used = {name: f.text for name, f in env.items() if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", source)}
    extra = [*d.value_args(used), "--format", "json"]
    if d.chance(0.3):
        extra.append("--check")
    return Case(kind, expect=expect or checked(formula, env), **d.deliver(source, extra))


# ── the generators, one per kind ─────────────────────────────────────────────────────────────


def huge_literal(d: Draw) -> Case:
    """Numbers too big or too small to read or show, written in the formula."""
    k = d.pick((d.size(300, 10**9), d.pick((308, 309, 323, 324, 325, 4300, 4301, 5000, 10000, 10001, 100000))))
    digits = d.size(100, 50_000 if d.light else 1_000_000)
    literal = d.pick(
        (
            f"1e-{k}",
            f"1e{k}",
            f"1E+{k}",
            f"{d.rng.randint(1, 9)}.{d.rng.randint(0, 99)}e-{k}",
            "9" * digits,
            "0." + "0" * digits + "1",
            "1" + "0" * digits + ".5",
            f"0.{'3' * digits}e{d.rng.randint(-400, 400)}",
        )
    )
    w = var(d.name())
    c = num(literal)
    formula = d.pick((w + c, w * c, c * w - 1, sin(w * c), w / c, c / (w + 2), w**2 - c, exp(c) * w))
    source = f"J = {formula.text}" if d.chance(0.3) else formula.text
    return run_formula(d, "huge_literal", source, formula, {w.text: d.small_value()})


def huge_value(d: Draw) -> Case:
    """The same numbers given as input values, and constant formulas that need precision."""
    k = d.size(300, 10**9)
    small = d.size(20, 2000)
    value = d.pick(
        (
            num(f"1e-{k}"),
            num(f"-1e-{k}"),
            num(f"1e{k}"),
            num(f"1e-{d.pick((100_000, 99_999_999, 1075, 324))}"),
            lift(2) ** num(f"-{d.pick((1075, 1074, 1100, small * 10))}"),
            lift(3) ** num(f"-{small}"),
            1 / lift(3) ** num(str(small)),
            lift(10) ** num(str(small)),
            lift(2) ** num(str(small)),
            num("7" * d.size(300, 50_000)),
            sin(num(f"1e{d.rng.randint(15, 30)}") * PI + num(f"0.{d.rng.randint(1, 9)}")),
            cos(lift(10) ** num(str(d.rng.randint(15, 30))) * PI + 1),
            exp(-num(str(d.size(700, 10**7)))),
            exp(num(str(d.size(700, 10**7)))),
        )
    )
    w = var(d.name())
    formula = d.pick((w, 1 / w, w * 2, w**2, exp(w), sin(w), log(w), sqrt(w), w + 1, (w + 1) - 1, w / w))
    expect = checked(formula, {w.text: value}, defined_is_not_zero=True)
    if d.chance(0.25):  # the value as an assignment in a program instead of on the command line
        return run_formula(d, "huge_value", f"{w.text} = {value.text}\nJ = {formula.text}", formula, {}, expect)
    return run_formula(d, "huge_value", formula.text, formula, {w.text: value}, expect)


def power(d: Draw) -> Case:
    """`**` with huge and tiny exponents, constant and not."""
    w = var(d.name())
    big = d.pick((d.size(100, 10**12), 9999, 10000, 10001, 10**9))
    exponent = d.pick(
        (
            num(str(big)),
            -num(str(big)),
            1 / num(str(big)),
            lift(10) ** num(str(d.rng.randint(3, 12))),
            num("0.5") ** num(str(d.size(10, 5000))),
            num(f"1e-{d.size(5, 400)}"),
            lift(9) ** lift(9) ** num(str(d.rng.randint(1, 9))),
        )
    )
    formula = d.pick(
        (
            w**exponent,
            (w**2) ** exponent,
            lift(2) ** exponent * w,
            exp(w) ** exponent,
            w**w,
            (1 + w) ** exponent,
            E**exponent + w,
        )
    )
    point = d.pick((num("1.0001"), num("3"), num("0.999"), num("-1"), num("2"), num(str(d.size(10, 10**6)))))
    return run_formula(d, "power", formula.text, formula, {w.text: point})


def _traps(w: F, x: F, negative: F) -> list[tuple[F, F]]:
    """Formulas undefined at a point, which SymPy simplifies to something defined there."""
    zero = num("0")
    return [
        (exp(log(w)), negative),
        (exp(log(w)), zero),
        (w / w, zero),
        (w * 3 / w, zero),
        (w**2 / w, zero),
        (1 / (1 / w), zero),
        (sqrt(w) ** 2, negative),
        (sqrt(w) * sqrt(w), negative),
        (sqrt(w) / sqrt(w), zero),
        (w**0, zero),
        ((w - w) ** 0, num("5")),
        (log(w) - log(w), negative),
        (0 * log(w) + x, negative),
        ((w - 2) / (w - 2), num("2")),
        (log(w**2) / 2 + log(w) * 0, zero),
        (sqrt(w) ** 2 + x, num("-0.5")),
    ]


def domain_program(d: Draw) -> Case:
    """Program-mode formulas undefined at the point, which SymPy's simplification hides."""
    w, x = var(d.name()), var("x_" + str(d.rng.randint(0, 9)))
    negative = num(d.pick(("-4", "-1", "-0.5", "-1e-9", f"-{d.rng.randint(2, 99)}")))
    trap, point = d.pick(_traps(w, x, negative))
    env = {w.text: point, x.text: d.small_value()}
    form = d.pick(("J", "chain", "target", "bare"))
    if form == "J":
        source = f"J = {trap.text}"
    elif form == "chain":
        source = f"u = {trap.text}\nJ = u*2 + 1"
        trap = trap * 2 + 1
    elif form == "target":
        source = f"u = {trap.text}; J = u + 1"
    else:
        source = trap.text
    case = run_formula(d, "domain_program", source, trap, env)
    if form == "target":
        case = Case(case.kind, (*case.argv, "--target", "u"), case.stdin, case.files, expect=case.expect)
    return case


def _rewrites(w: F, x: F, d: Draw) -> list[F]:
    k = d.rng.randint(1, 7)
    p, q = d.rng.randint(1, 5), d.pick((2, 3, 5, 7))
    return [
        tan(w + PI / 2),
        tan(w + k * PI / 2),
        sin(w + k * PI / 2),
        cos(w + k * PI),
        absolute(sqrt(w)),
        absolute(w ** (lift(p) / q)),
        absolute(exp(w)),
        absolute(w**2),
        (w - w) / (w - w) + w,
        sqrt(w**2),
        absolute(sigmoid(w)),
        relu(exp(w)),
        call("max", w, w),
        call("min", sqrt(w), sqrt(w)),
        log(exp(w)),
        exp(log(w)),
        absolute(absolute(w)),
        absolute(-w),
        absolute(w) ** 2,
        tanh(w) * 0 + w,
        softplus(w) - softplus(-w),
        sigmoid(w) + sigmoid(-w),
        (w**3) ** (lift(1) / 3),
        exp(w) * exp(-w),
        sin(w) ** 2 + cos(w) ** 2,
        absolute(sqrt(w) * x),
        relu(-absolute(w)),
        log(absolute(w)) + tan(x + PI),
    ]


def sympy_rewrite(d: Draw) -> Case:
    """Ordinary formulas that SymPy rewrites into forms with no numeric rule (cot, atan2, nan)."""
    w, x = var(d.name()), var("x")
    formula = d.pick(_rewrites(w, x, d))
    if d.chance(0.3):
        formula = formula * d.pick(_rewrites(w, x, d)) + x
    point = d.pick((num("2"), num("0.5"), num("3"), num("-0.75"), lift(1) / 3, num("0"), num("-2"), num("1.25")))
    env = {w.text: point, x.text: d.small_value()}
    source = formula.text if d.chance(0.2) else f"J = {formula.text}"
    return run_formula(d, "sympy_rewrite", source, formula, env)


def many_names(d: Draw) -> Case:
    """One assignment with many names: local derivatives of a big assignment."""
    count = d.size(20, 300 if d.light else 3000)
    names = d.names(count)
    joined = d.pick(("*", "+"))
    total = joined.join(names)
    body = d.pick(
        (
            total,
            f"sin({'+'.join(names)})",
            f"exp({'+'.join(f'{n}*{n}' for n in names)})",
            f"({'+'.join(names)})**2",
            f"sigmoid({'+'.join(names)} + 1)",
            f"log(1 + {'+'.join(f'{n}**2' for n in names)})",
            "+".join(f"sin({n})" for n in names),
            f"tanh({'*'.join(names)})",
        )
    )
    values = {n: d.pick(("0.5", "1", "1.5", "-1", "0.25", "1.01", "2")) for n in names}
    if d.chance(0.5):
        source = "\n".join(f"{n} = {v}" for n, v in values.items()) + f"\nJ = {body}"
        extra: list[str] = []
    else:
        source = f"J = {body}"
        extra = [f"{n}={v}" for n, v in values.items()]
    if d.chance(0.3):
        extra.append("--check")
    extra += ["--format", d.pick(("text", "json", "tree", "markdown"))]
    return Case("many_names", **d.deliver(source, extra))


def long_flat(d: Draw) -> Case:
    """Flat sums and products with a node count at the `nodes` limit (lowered in light runs)."""
    limit = d.size(2000, 20_000) if d.light else 1_000_000
    extra = ["--limit", f"nodes={limit}"] if d.light else []
    terms = max(2, d.near(limit) - d.rng.randint(0, 10))
    w = d.name()
    shape = d.pick(("sum", "product", "alternating", "pairs", "division", "constants", "program"))
    if shape == "sum":
        source = "+".join([w] * terms)
    elif shape == "product":
        source = "*".join([w] * terms)
    elif shape == "alternating":
        source = w + "".join(sign + w for sign in d.rng.choices("+-", k=terms - 1))
    elif shape == "pairs":
        source = "+".join([f"{w}*x"] * (terms // 2))
    elif shape == "division":
        source = "/".join([w] * terms)
    elif shape == "constants":
        source = "+".join(["1"] * terms) + f"+{w}"
    else:
        source = f"v0 = {w}\n" + "\n".join(f"v{i} = v{i - 1} + {w}" for i in range(1, terms // 2)) + "\n"
    values = {w: d.pick(("1", "2", "0.5", "1.0001")), "x": "3"} if shape == "pairs" else {w: d.pick(("1", "1.5"))}
    extra += [*d.value_args(values), "--format", d.pick(("json", "text", "tree"))]
    if d.chance(0.2):
        extra += ["--check-only", w]
    return Case("long_flat", **d.deliver(source, extra))


def deep_nesting(d: Draw) -> Case:
    """Nesting at and just past the depth limit, default or raised."""
    raised = d.chance(0.4)
    limit = d.pick((1000, 2000) if d.light else (1000, 5000, 10_010, 20_000, 100_000)) if raised else 100
    depth = max(1, d.near(limit) if not raised else d.pick((limit - 10, limit, limit + 1, limit // 2)))
    w = d.name()
    shape = d.pick(("parentheses", "calls", "minus", "powers", "left", "mixed"))
    if shape == "parentheses":
        source = "(" * depth + w + ")" * depth
    elif shape == "calls":
        f = d.pick(("sin", "tanh", "sigmoid", "exp", "sqrt", "relu", "abs", "log"))
        source = f"{f}(" * depth + w + ")" * depth
    elif shape == "minus":
        source = "-" * depth + w
    elif shape == "powers":
        source = "**".join([w] * depth)
    elif shape == "left":
        source = "(" * depth + w + "".join(d.pick(("+1)*", "*2)+", "-1)/")) + w for _ in range(depth))
    else:
        source = "".join(d.pick(("(", "sin(", "-(", "tanh(")) for _ in range(depth)) + w + ")" * depth
    if d.chance(0.5):
        source = f"J = {source}"
    extra = [*d.value_args({w: d.pick(("0.5", "1", "2", "-0.3"))}), "--format", d.pick(("text", "json", "tree"))]
    if raised:
        extra += ["--limit", f"depth={limit}"]
    if d.chance(0.3):
        extra.append("--check")
    return Case("deep_nesting", **d.deliver(source, extra))


EPS = ("1e-400", "1e-200", "1e300", "-1", "0", "-0", "1e-99999999", "nan", "inf", "-inf", "1/0", "1e-17", "1e309")


def eps(d: Draw) -> Case:
    """Checks with absurd nudges; a check must never call a wrong gradient 'ok'."""
    w, x = var(d.name()), var("x")
    formula = d.pick((3 * w**2, sin(w) * x, exp(w), w * x + 1, sigmoid(w), relu(w), log(w), w**3 / 6, tanh(w * x)))
    env = {w.text: d.pick((num("2"), num("0.5"), num("1.5"))), x.text: num("3")}
    value = d.pick((*EPS, f"1e-{d.size(1, 10**6)}", f"1e{d.size(1, 400)}", f"2**-{d.size(50, 2000)}", "pi"))
    used = {k: v.text for k, v in env.items() if k in formula.text}
    extra = [*d.value_args(used), "--format", d.pick(("json", "json", "text"))]
    if d.chance(0.3):
        extra.append("--central")
    extra += d.pick((["--check"], ["--check-only", w.text], ["--check", "--wrt", w.text]))
    extra += d.pick((["--eps", value], [f"--eps={value}"]))
    expect = checked(formula, env)
    return Case("eps", **d.deliver(formula.text, extra), expect=expect)


def cancellation(d: Draw) -> Case:
    """Floating-point cancellation: the true value is far from what doubles give."""
    w = var(d.name())
    k = d.rng.randint(1, 9)
    shape = d.rng.randrange(9)
    if shape == 0:
        formula, point = (1 + 1 / w) ** w, num(f"1e{d.rng.randint(8, 18)}")
    elif shape == 1:
        formula, point = sqrt(w + 1) - sqrt(w), num(f"1e{d.rng.randint(12, 22)}")
    elif shape == 2:
        formula, point = (exp(w) - 1) / w, num(f"{k}e-{d.rng.randint(8, 16)}")
    elif shape == 3:
        formula, point = (1 - cos(w)) / w**2, num(f"{k}e-{d.rng.randint(5, 9)}")
    elif shape == 4:
        formula, point = log(1 + w) / w, num(f"{k}e-{d.rng.randint(9, 15)}")
    elif shape == 5:
        formula, point = tanh(w) - 1, num(str(d.rng.randint(19, 40)))
    elif shape == 6:
        formula, point = sigmoid(w) - num("0.5"), num(f"{k}e-{d.rng.randint(10, 15)}")
    elif shape == 7:
        formula, point = softplus(w) - w, num(str(d.rng.randint(37, 60)))
    else:
        formula, point = exp(w) - exp(w - num(f"1e-{d.rng.randint(10, 15)}")), num(str(d.rng.randint(1, 5)))
    if d.chance(0.3):
        formula = formula * d.pick((2, 3, 10))
    return run_formula(d, "cancellation", formula.text, formula, {w.text: point})


EXTENSION = {"markdown": "md", "latex": "tex", "mermaid": "mmd", "text": "txt", "tree": "txt", "rich": "txt"}
FORMATS = ("text", "json", "markdown", "latex", "html", "dot", "mermaid", "tree", "svg", "png", "rich")
DRAWN = ("svg", "png", "html")


def control_chars(d: Draw) -> Case:
    """Terminal control sequences in every place user text can come back from."""
    bad = d.escape()
    w = d.name()
    where = d.pick(
        (
            "comment",
            "program_comment",
            "in_formula",
            "value",
            "value_after",
            "name_option",
            "assignment",
            "file_name",
            "gx_name",
            "output_name",
            "output_extension",
            "format",
            "wrt",
            "target",
            "check_only",
            "limit_name",
            "limit_value",
            "eps",
            "digits",
            "unknown_option",
            "stdin",
        )
    )
    source, extra, files, stdin = f"{w}*2", [f"--{w}", "3"], (), None
    if where == "comment":
        source = f"{w}*2 # {bad}"
    elif where == "program_comment":
        source = f"# {bad}\n{w} = 2 # {bad}\nJ = {w}*2  # {bad}"
    elif where == "in_formula":
        source = d.pick((f"{w}*2{bad}", f"{bad}{w}", f"sin({bad}{w})", f"J = {w}{bad}"))
    elif where == "value":
        extra = [f"--{w}", d.pick((bad, f"1{bad}", f"2*{bad}pi"))]
    elif where == "value_after":
        extra += [f"{w}{bad}=1"]
    elif where == "name_option":
        extra += [f"--{w}{bad}", "1"]
    elif where == "assignment":
        extra = [f"{w}={bad}"]
    elif where in ("file_name", "gx_name"):
        name = f"f{bad}.gx"
        if d.chance(0.5):
            files = (File(name, source.encode()),)
        source = None
        extra = ["-f", name, *extra] if where == "file_name" else [name, *extra]
    elif where == "output_name":
        extra += ["-o", f"out{bad}.{d.pick(('txt', 'json', 'md', 'dot', 'mmd'))}"]
    elif where == "output_extension":
        extra += ["-o", f"out.{bad}"]
    elif where == "format":
        extra += ["--format", bad]
    elif where in ("wrt", "target", "check_only"):
        extra += [f"--{where.replace('_', '-')}", d.pick((bad, f"{w},{bad}"))]
    elif where == "limit_name":
        extra += ["--limit", f"{bad}=3"]
    elif where == "limit_value":
        extra += ["--limit", f"depth={bad}"]
    elif where == "eps":
        extra += ["--check", "--eps", bad]
    elif where == "digits":
        extra += ["--digits", bad]
    elif where == "unknown_option":
        extra += [d.pick((f"--{bad}", f"-{bad}", f"--check{bad}"))]
    else:
        stdin = f"{w} = 2 # {bad}\nJ = {w}*{bad}3".encode()
        source, extra = None, ["-f", "-"]
    if "--format" not in extra and d.chance(0.7):
        extra += ["--format", d.pick((*FORMATS[:8], "rich"))]
    argv = (source, *extra) if source is not None else tuple(extra)
    return Case("control_chars", argv, stdin=stdin, files=files)


LOOKALIKES = (
    ("a", "а"),  # Latin a, Cyrillic a
    ("x", "х"),  # Cyrillic ha
    ("p", "р"),  # Cyrillic er
    ("o", "ο"),  # Greek omicron
    ("y", "у"),  # Cyrillic u
    ("B", "Β"),  # Greek Beta
    ("w11", "w_11"),  # both w₁₁ in LaTeX
    ("w1", "w_1"),
    ("K", "\u212a"),  # Kelvin sign (NFKC makes it K)
    ("w", "ｗ"),  # fullwidth w
    ("w", "𝐰"),  # mathematical bold w
    ("ℓ", "l"),
    ("theta", "θ"),  # both written θ
    ("yhat", "ŷ"),  # both written ŷ
)


def lookalike(d: Draw) -> Case:
    """Names that look identical (homoglyphs, names written the same in LaTeX): a warning is due."""
    a, b = d.pick(LOOKALIKES)
    formula = d.pick((f"{a}*{b}", f"{a} + 2*{b}", f"J = sin({a}) - {b}", f"{a}**2 + {b}**2"))
    extra = d.value_args({a: "2", b: "3"})
    fmt = d.pick(("json", "json", "latex", "text", "markdown", "html", "dot", "mermaid", "tree"))
    extra += ["--format", fmt]
    if fmt == "latex" and d.chance(0.5):
        extra.append("--standalone")
    pairs = ((a, b),) if fmt == "json" else ()
    needs = ("dot",) if fmt in DRAWN else ()
    return Case("lookalike", **d.deliver(formula, extra), needs=needs, expect=Expect(warn_lookalikes=pairs))


def files(d: Draw) -> Case:
    """Files that are not plain UTF-8 text files: directories, FIFOs, devices, odd bytes and line ends."""
    program = ["w = 2", "x = 3", "J = x*w"]
    good = "\n".join(program)
    six = Expect(exits=(0,), value="6", why="a program with these line ends must read as three lines")
    kind = d.pick(
        (
            "dir",
            "gx_dir",
            "fifo",
            "fed_fifo",
            "device",
            "unreadable",
            "cr",
            "crlf",
            "separators",
            "nul",
            "invalid_utf8",
            "utf16",
            "bom",
            "empty",
            "symlink_loop",
            "long_name",
            "not_a_dir",
            "output_device",
            "output_dir",
            "too_long",
        )
    )
    no_false_missing = Expect(not_in_stderr=("no such file",))
    if kind == "dir":
        return Case("files", ("-f", "d"), files=(File("d", kind="dir"),), expect=no_false_missing)
    if kind == "gx_dir":
        return Case("files", ("d.gx",), files=(File("d.gx", kind="dir"),), expect=no_false_missing)
    if kind == "fifo":
        return Case("files", ("-f", "p"), files=(File("p", kind="fifo"),), expect=no_false_missing)
    if kind == "fed_fifo":
        return Case("files", ("-f", "p"), files=(File("p", good.encode(), kind="fed_fifo"),), expect=no_false_missing)
    if kind == "device":
        device = d.pick(("/dev/null", "/dev/zero", "/dev/urandom", "/dev/full", "/dev/tty", "/dev/stdin", "/proc/self"))
        return Case("files", ("-f", device, "--w", "1"), expect=Expect(not_in_stderr=("no such file",)))
    if kind == "unreadable":
        return Case("files", ("-f", "secret.gx"), files=(File("secret.gx", good.encode(), kind="unreadable"),))
    if kind in ("cr", "crlf"):
        ending = "\r" if kind == "cr" else "\r\n"
        data = (ending.join(program) + d.pick(("", ending))).encode()
        return Case(
            "files", (*d.pick((("-f", "p.gx"), ("p.gx",))), "--format", "json"), files=(File("p.gx", data),), expect=six
        )
    if kind == "separators":
        sep = d.pick(("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"))
        data = sep.join(program).encode()
        return Case("files", ("-f", "p.gx"), files=(File("p.gx", data),))
    if kind == "nul":
        data = good.encode()
        at = d.rng.randrange(len(data) + 1)
        return Case("files", ("-f", "-"), stdin=data[:at] + b"\x00" * d.rng.randint(1, 3) + data[at:])
    if kind == "invalid_utf8":
        data = good.encode()
        at = d.rng.randrange(len(data) + 1)
        junk = d.pick((b"\xff", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xe2\x82"))
        data = data[:at] + junk + data[at:]
        if d.chance(0.5):
            return Case("files", ("-f", "-"), stdin=data)
        return Case("files", ("-f", "p.gx"), files=(File("p.gx", data),))
    if kind == "utf16":
        return Case("files", ("-f", "p.gx"), files=(File("p.gx", good.encode("utf-16")),))
    if kind == "bom":
        return Case("files", ("-f", "p.gx", "--format", "json"), files=(File("p.gx", b"\xef\xbb\xbf" + good.encode()),))
    if kind == "empty":
        data = d.pick((b"", b"\n\n", b"   ", b"# only a comment\n", b";;;"))
        return Case("files", ("-f", "p.gx"), files=(File("p.gx", data),))
    if kind == "symlink_loop":
        return Case("files", ("-f", "loop.gx"), files=(File("loop.gx", kind="symlink", target="loop.gx"),))
    if kind == "long_name":
        name = "n" * d.pick((255, 256, 300, 5000)) + ".gx"
        return Case("files", (d.pick(("-f", "-o")), name, *(("w", "--w", "1") if d.chance(0.5) else ())))
    if kind == "not_a_dir":
        return Case("files", ("-f", "p.gx/q.gx"), files=(File("p.gx", good.encode()),))
    if kind == "output_device":
        return Case("files", ("w*2", "--w", "1", "-o", d.pick(("/dev/full", "/proc/version", "/dev/null"))))
    if kind == "output_dir":
        return Case(
            "files", ("w*2", "--w", "1", "-o", d.pick(("d", "d/", "missing/x.txt"))), files=(File("d", kind="dir"),)
        )
    size = 5_000_001 if not d.light else 200_001
    extra = () if not d.light else ("--limit", "source=200000")
    return Case("files", ("-f", "big.gx", *extra), files=(File("big.gx", b"w" * size),))


CLASHES = (
    "eps",
    "check",
    "format",
    "wrt",
    "target",
    "digits",
    "central",
    "cost",
    "full",
    "debug",
    "file",
    "output",
    "limit",
    "standalone",
    "version",
    "help",
    "f",
    "o",
    "h",
    "check_only",
    "symbolic_limit",
    "claim",
    "claims",
)


def option_clash(d: Draw) -> Case:
    """Input names that are also options, repeated options, values that look like options."""
    name = d.pick(CLASHES)
    formula = d.pick((f"{name}*2", f"w + {name}", f"J = {name}**2"))
    value = d.pick(("0.1", "2", "-1", "1/3"))
    form = d.pick(("option", "option", "assignment", "option_equals", "repeat", "odd"))
    if form == "option":
        return Case(
            "option_clash",
            (formula, f"--{name}", value, "--w", "1"),
            expect=Expect(not_in_stderr=(f"--{name} VALUE", f"as --{name} ")),
        )
    if form == "assignment":
        return Case("option_clash", (formula, f"{name}={value}", "--w", "1"))
    if form == "option_equals":
        return Case(
            "option_clash",
            (formula, f"--{name}={value}", "--w", "1"),
            expect=Expect(not_in_stderr=(f"--{name} VALUE", f"as --{name} ")),
        )
    if form == "repeat":
        option = d.pick(
            (
                ["--w", "1", "--w", "2"],
                ["--w", "1", "w=2"],
                ["--eps", "0.1", "--eps", "0.2", "--check"],
                ["--format", "json", "--format", "text"],
                ["--limit", "depth=5", "--limit", "depth=6"],
                ["-f", "a.gx", "-f", "b.gx"],
                ["--target", "w", "--target", "J"],
            )
        )
        return Case("option_clash", ("w*2", *option), files=(File("a.gx", b"w*2"), File("b.gx", b"w*3")))
    odd = d.pick(
        (
            ["-w*2", "--w", "1"],
            ["--", "-w*2", "--w", "1"],
            ["w*2", "--w", "--check"],
            ["w*2", "--w", "-"],
            ["w*2", "--w"],
            ["w*2", "--w", "1", "--target", "w"],
            ["w*2", "--w", "1", "--wrt", ""],
            ["w*2", "--w", "1", "--wrt", "nope"],
            ["w*2", "--w", "1", "--digits", d.pick(("0", "31", "-1"))],
            ["w*2", "--w", "1", "--symbolic-limit", "-1"],
            ["w*2", "--w", "1", "--limit", "nodes=0"],
            ["w*2", "--w", "1", "--limit", "nodes=1e9"],
            ["w*2", "--w", "1", "--limit", "depth=" + "9" * 30],
            ["w*2", "--w", "1", "--check-only", ""],
            ["w*2", "--w", "1", "--standalone"],
            ["w*2", "--w", "1", "-o", "x.rich"],
            ["", "--w", "1"],
            [" ", "--w", "1"],
            ["w*2", "--=1"],
            ["w*2", "--w", "1", "="],
            ["w*2", "--w", "1", "w=="],
            ["w*2", "--w", "1", "--"],
        )
    )
    return Case("option_clash", tuple(odd))


def long_line(d: Draw) -> Case:
    """A huge single line (or many names in one message) with an error somewhere in the middle."""
    length = d.size(1000, 100_000 if d.light else 3_000_000)
    w = d.name()
    shape = d.pick(("sum", "names", "program", "missing", "unused", "unused_assignments"))
    if shape == "missing":
        names = d.names(d.size(50, 5000 if d.light else 20_000))
        return Case("long_line", **d.deliver("+".join(names), ["--format", "text"]))
    if shape == "unused":
        names = d.names(d.size(20, 2000))
        return Case("long_line", (f"{w}*2", f"--{w}", "1", *(f"{n}=1" for n in names)))
    if shape == "unused_assignments":  # each is reported as not feeding the output
        unused = "\n".join(f"v{i} = {w}*{i}" for i in range(d.size(20, 5000)))
        return Case("long_line", **d.deliver(f"{unused}\nJ = {w}*2", [f"--{w}", "1"]))
    unit = {"sum": f"{w}+", "names": "", "program": f"{w}*x+"}[shape]
    if shape == "names":
        names = d.names(d.size(100, 3000))
        text = "J = " + "*".join(names)
    else:
        text = unit * (length // len(unit)) + w
        if shape == "program":
            text = f"x = 2\nJ = {text}"
    error = d.pick(("@", "2w", "sigmoyd(", ")", "(", "**", "w²", "$", "__import__", "'", "wq", ",", " w ", "\t@"))
    at = d.rng.randrange(len(text))
    text = text[:at] + error + text[at:]
    values = {w: "1", "x": "2"} if shape != "names" else {n: "1" for n in names}
    extra = d.value_args(values) if shape != "names" else [f"{n}=1" for n in names]
    return Case("long_line", **d.deliver(text, extra))


def formats(d: Draw) -> Case:
    """Every output format, on inputs that stress it: escapes in comments, odd names, big graphs."""
    w = d.name()
    subjects = ("lecture", "comment", "long_name", "unicode", "tiny_values", "kink", "fan_out", "wide", "chain")
    subject = d.pick((*subjects, "wide", "chain"))  # big graphs twice as often: they are what hangs Graphviz
    big = subject in ("wide", "chain") and d.chance(0.6)  # big graphs mostly go to Graphviz
    fmt = d.pick(DRAWN if big else FORMATS)
    values = {w: "2"}
    if subject == "lecture":
        source, values = "0.5*(w*x+b-y)**2", {"w": "2", "x": "-2", "b": "8", "y": "2"}
    elif subject == "comment":
        source = f"{w}*2 # {d.escape()}"
    elif subject == "long_name":
        long = "n" * d.pick((100, 16_383, 16_384, 20_000, d.size(1000, 40_000)))
        source, values = f"{long}*{w} + 1", {long: "3", w: "2"}
    elif subject == "unicode":
        names = d.pick((("ℓ", "θ"), ("вес", "б"), ("重", "量"), ("א", "ב"), ("𝐰", "𝐱"), ("w_1_2", "x__")))
        source, values = f"{names[0]}*{names[1]} + sin({names[0]})", {names[0]: "2", names[1]: "3"}
    elif subject == "wide":  # about `drawing` nodes: x_i inputs, x_i*w products and a sum
        limit = 300 if d.light else 2000
        products = max(1, d.near(limit) // 3)
        inputs = "\n".join(f"x{i} = 1" for i in range(products))
        source = f"{inputs}\nJ = " + "+".join(f"x{i}*{w}" for i in range(products))
        if d.light:
            values["--limit"] = "drawing=300"
    elif subject == "chain":  # w and x feed every link: Graphviz's layout time explodes (60 links: 14 s)
        links = d.size(20, 2000)
        chain = "\n".join(f"v{i} = v{i - 1}*{w} + x" for i in range(1, links))
        source, values = f"x = 1\nv0 = {w}*x\n{chain}", {w: d.pick(("2", "0.5", "1.01"))}
    elif subject == "tiny_values":
        values = {w: d.pick(("1e-300", "1e300", "1/3", "2**-80", "10**200", "-0.000001"))}
        source = f"{w}*{w} + exp({w})"
    elif subject == "kink":
        source, values = f"relu({w}) + abs({w}) + max({w}, 0)", {w: "0"}
    else:
        source = f"a = {w}*2\nb = a + {w}\nJ = a*b + sin(a)"
    limit = ["--limit", values.pop("--limit")] if "--limit" in values else []
    extra = [*d.value_args(values), *limit]
    if d.chance(0.5):
        extra.append("--check")
    if (fmt in ("svg", "png") and d.chance(0.5)) or d.chance(0.15):
        extra += ["-o", "out." + EXTENSION.get(fmt, fmt)]
    extra += ["--format", fmt]
    if fmt == "latex" and d.chance(0.5):
        extra.append("--standalone")
    return Case("formats", **d.deliver(source, extra), needs=("dot",) if fmt in DRAWN else ())


def claims(d: Draw) -> Case:
    """Hostile claims (--claim, --claims): huge exponents and numbers, nesting at the depth limit,
    long sums, names that are no node, control characters, the claims limit, many claims about a
    wide graph, files that are not text; and claims whose verdict is known (right: exit 0, wrong: 1)."""
    w = d.name()
    source, values = f"{w}**2/2", [f"--{w}", d.pick(("3", "-1.5", "1/3", "0.25"))]
    form = d.pick(
        (
            "right",
            "wrong",
            "power",
            "number",
            "deep",
            "long",
            "no_node",
            "control",
            "many",
            "wide",
            "binary",
            "equation",
        )
    )
    claims: list[str] = []
    files: tuple[File, ...] = ()
    expect = Expect(exits=(1, 2))
    if form == "right":
        claims = [d.pick((f"d{w} = {w}", f"dJ/d{w} = {w}", f"∂J/∂{w} = {w}*1", f"dJ_d{w} = 2*{w}/2"))]
        expect = Expect(exits=(0,), why=f"∂J/∂{w} = {w}: the claim is right")
    elif form == "wrong":
        claims = [d.pick((f"d{w} = 2*{w}", f"d{w} = -{w}", f"dJ/d{w} = {w}**2", f"d{w} = {w} + 1"))]
        expect = Expect(exits=(1,), why=f"∂J/∂{w} = {w}: the claim is wrong")
    elif form == "power":
        claims = [f"d{w} = ({w} + 1)**{d.near(10_000)}"]
    elif form == "number":
        claims = [f"d{w} = 1e{d.pick(('-', ''))}{d.size(10, 10**9)}*{w}"]
    elif form == "deep":
        depth = d.near(100)
        claims = [f"d{w} = " + "(" * depth + w + ")" * depth]
        expect = Expect(exits=(0, 2), why="a right claim, or nested past the depth limit")
    elif form == "long":
        claims = [f"d{w} = " + "+".join([w] * d.size(10, 20_000 if d.light else 100_000)) + f" - {w}"]
        expect = Expect(exits=(1, 2))
    elif form == "no_node":
        claims = [d.pick((f"dJ/dq{w} = 1", f"dL/d{w} = 1", f"d{w} = q", "dJ/dpi = 1", f"{w} = 1", "dJ/dw/dx = 1"))]
        expect = Expect(exits=(2,), why="the claim names no node of the formula")
    elif form == "control":
        bad = d.escape()
        claims = [d.pick((f"d{w} = {w}{bad}", f"d{bad}{w} = 1", f"d{w} = {w} # {bad}"))]
        expect = Expect(exits=(2,), why="a control character in a claim is refused")
    elif form == "many":
        count = d.near(1_000)
        claims = [d.pick((f"d{w} = {w}", f"d{w} = {w}*{i % 7}")) for i in range(count)]
        expect = Expect(exits=(0, 1, 2))
    elif form == "wide":
        names = d.names(d.size(10, 2_000 if d.light else 20_000))
        source, values = "+".join(names), [f"{name}=1" for name in names]
        claims = [f"d{names[0]} = 1", f"d{names[-1]} = {names[-1]}*2"]
        expect = Expect(exits=(1,), why="one claim is right, the other wrong")
    elif form == "binary":
        files = (File("answers.txt", b"\xff\xfe d" + w.encode() + b" = 1\n"),)
        expect = Expect(exits=(2,), why="a claims file that is not UTF-8 is refused")
    else:
        claims = [d.pick((f"d{w} = {w} = 2", f"d{w} == {w}", f"d{w} = {w}; d{w} = 1", f"d{w} = "))]
        expect = Expect(exits=(2,), why="a claim is one equation")
    text = "\n".join(claims) + "\n"
    if form == "binary":
        extra = ["--claims", "answers.txt"]
    elif len(text.encode()) > ARGUMENT_BYTES // 4 or len(claims) > 20 or d.chance(0.3):
        files, extra = (File("answers.txt", text.encode()),), ["--claims", "answers.txt"]
    else:
        extra = [word for claim in claims for word in ("--claim", claim)]
    delivered = d.deliver(source, [*values, *extra])
    return Case(
        "claims", delivered["argv"], delivered.get("stdin"), (*files, *delivered.get("files", ())), expect=expect
    )


KINDS: dict[str, Callable[[Draw], Case]] = {
    "huge_literal": huge_literal,
    "huge_value": huge_value,
    "power": power,
    "domain_program": domain_program,
    "sympy_rewrite": sympy_rewrite,
    "many_names": many_names,
    "long_flat": long_flat,
    "deep_nesting": deep_nesting,
    "eps": eps,
    "cancellation": cancellation,
    "control_chars": control_chars,
    "lookalike": lookalike,
    "files": files,
    "option_clash": option_clash,
    "long_line": long_line,
    "formats": formats,
    "claims": claims,
}
