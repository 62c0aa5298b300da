"""Nothing the user types is executed. Each payload here would create a file or import a module
if it reached eval, exec or sympify; each must instead be a parse error naming its position."""

import sys

import pytest

from gradexplain import GradexplainError, explain
from tests.conftest import run_cli

PAYLOADS = [
    "__import__('os').system('touch {marker}')",
    "open('{marker}', 'w').write('x')",
    "exec(\"open('{marker}', 'w')\")",
    "eval(\"__import__('this')\")",
    "__import__('this')",
    "import this",
    "lambda: open('{marker}', 'w')",
    "[open('{marker}', 'w') for _ in (1,)]",
    "w.__class__.__bases__[0].__subclasses__()",
    "(w).__class__",
    "w[0]",
    "globals()['__builtins__']",
    "__builtins__",
    "'{marker}'",
    "f\"{{open('{marker}', 'w')}}\"",
    "Symbol('x')",
    "sympify(\"__import__('this')\")",
    "w if w else open('{marker}', 'w')",
    "w = 1; __import__('this')",
    "exp(w)._eval_evalf(open('{marker}', 'w'))",
    "w @ w",
    "x := 1",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_an_error_and_runs_nothing(payload, tmp_path):
    marker = tmp_path / "pwned"
    text = payload.format(marker=marker)
    modules_before = set(sys.modules)
    with pytest.raises(GradexplainError) as raised:
        explain(text, {"w": 1, "x": 1})
    assert raised.value.span is not None or "import" in text
    assert not marker.exists()
    assert "this" not in set(sys.modules) - modules_before


def test_payloads_through_the_command_line_run_nothing(tmp_path):
    marker = tmp_path / "pwned"
    for payload in PAYLOADS[:8]:
        result = run_cli(payload.format(marker=marker), "--w", "1")
        assert result.returncode == 2
        assert b"Traceback" not in result.stderr
        assert b"The Zen of Python" not in result.stdout + result.stderr
    assert not marker.exists()


def test_values_are_not_executed_either(tmp_path):
    marker = tmp_path / "pwned"
    with pytest.raises(GradexplainError):
        explain("w*2", {"w": f"__import__('os').system('touch {marker}')"})
    assert not marker.exists()


def test_dunder_names_are_refused_even_as_plain_names():
    with pytest.raises(GradexplainError, match="not allowed"):
        explain("__class__ * 2", {"__class__": 1})
