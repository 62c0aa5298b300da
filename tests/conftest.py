"""Shared test helpers: plain-text golden files, and an oracle independent of gradexplain."""

from __future__ import annotations

import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import settings
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

# Property tests: a fixed budget in CI, more with HYPOTHESIS_PROFILE=long for local campaigns.
settings.register_profile("ci", max_examples=150, deadline=None, derandomize=True)
settings.register_profile("long", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "gradexplain" / "examples"  # the programs of --example
SAMPLES = sorted(EXAMPLES.glob("*.gx"))


class TextSnapshot(SingleFileSnapshotExtension):
    """One readable .txt golden file per test."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"


class JsonSnapshot(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "json"


@pytest.fixture
def text_snapshot(snapshot):
    return snapshot.use_extension(TextSnapshot)


# One readable golden file per sample × format, named with the format's own extension.
_FORMAT_SNAPSHOTS = {
    extension: type(f"{extension.title()}Snapshot", (TextSnapshot,), {"file_extension": extension})
    for extension in ("txt", "md", "tex", "html", "dot", "mmd", "tree")
}


@pytest.fixture
def format_snapshot(snapshot):
    """snapshot for a given file extension: format_snapshot("md") == text."""
    return lambda extension: snapshot.use_extension(_FORMAT_SNAPSHOTS[extension])


@pytest.fixture
def json_snapshot(snapshot):
    return snapshot.use_extension(JsonSnapshot)


# ── the oracle: SymPy's own parser and standard definitions, nothing from gradexplain ────────

_x = sp.Symbol("x_")
_LEAKY_SLOPE = sp.Rational(1, 100)
ORACLE_FUNCTIONS = {
    "sigmoid": sp.Lambda(_x, 1 / (1 + sp.exp(-_x))),
    "softplus": sp.Lambda(_x, sp.log(1 + sp.exp(_x))),
    "relu": sp.Lambda(_x, sp.Max(_x, 0)),
    "abs": sp.Abs,
    "max": sp.Max,
    "min": sp.Min,
    "e": sp.E,
    "pi": sp.pi,
    # the functions the primitives table grew by, as the textbooks define them
    "log2": sp.Lambda(_x, sp.log(_x) / sp.log(2)),
    "log10": sp.Lambda(_x, sp.log(_x) / sp.log(10)),
    "log1p": sp.Lambda(_x, sp.log(1 + _x)),
    "expm1": sp.Lambda(_x, sp.exp(_x) - 1),
    "gelu": sp.Lambda(_x, _x * (1 + sp.erf(_x / sp.sqrt(2))) / 2),
    "silu": sp.Lambda(_x, _x / (1 + sp.exp(-_x))),
    "elu": sp.Lambda(_x, sp.Piecewise((_x, _x > 0), (sp.exp(_x) - 1, True))),
    "leaky_relu": lambda x, a=_LEAKY_SLOPE: sp.Piecewise((x, x > 0), (a * x, True)),
    "clip": lambda x, lo, hi: sp.Min(sp.Max(x, lo), hi),
}


def oracle_expression(text: str, names: list[str]) -> sp.Expr:
    """Our own test formulas (never user input) parsed by SymPy, with real symbols."""
    local = dict(ORACLE_FUNCTIONS)
    local.update({name: sp.Symbol(name, real=True) for name in names})
    return sp.sympify(text.replace("^", "**"), locals=local, rational=True)


def oracle_gradient(text: str, point: dict[str, Fraction], name: str) -> sp.Expr:
    expr = oracle_expression(text, list(point))
    derivative = sp.diff(expr, sp.Symbol(name, real=True))
    return derivative.subs({sp.Symbol(n, real=True): sp.Rational(v.numerator, v.denominator) for n, v in point.items()})


def assert_matches_oracle(ours, oracle: sp.Expr, context: str = "") -> None:
    if oracle.is_Rational and isinstance(ours, Fraction):
        assert ours == Fraction(int(oracle.p), int(oracle.q)), context
    else:
        expected = float(oracle.evalf(30))
        assert float(ours) == pytest.approx(expected, rel=1e-9, abs=1e-12), context


def run_cli(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the installed CLI as a user would: a separate process, bytes in and out."""
    inherited = {key: value for key, value in os.environ.items() if key not in ("FORCE_COLOR", "NO_COLOR")}
    environment = {**inherited, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "gradexplain", *args],
        input=stdin,
        capture_output=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
    )


def plain_local_marks(text: str) -> str:
    """A format's text with its markup for the local derivative's mark (Graphviz's small ℓ, HTML's
    <sub>ℓ</sub>) written as the text formats write it, ∂ₗ, for checks that hold in every format."""
    return text.replace('∂<FONT POINT-SIZE="7">ℓ</FONT>', "∂ₗ").replace("∂<sub>ℓ</sub>", "∂ₗ")
