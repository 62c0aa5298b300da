"""What keeps start-up short (benchmarks/startup.py measures it; tests never assert timings):
a piped run loads nothing it does not use, and the command freezes what it has loaded."""

import gc
import subprocess
import sys

import pytest

from tests.conftest import ROOT

LECTURE = ["0.5*(w*x+b-y)**2", "--w", "2", "--x", "-2", "--b", "8", "--y", "2"]


def _python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_piped_text_run_loads_no_terminal_drawing_or_validation_modules():
    """rich is for terminals, Graphviz for pictures, the views and matplotlib for --plot and its
    kin; pydantic comes with typer 0.29, which builds a validator per parameter on every run
    (pyproject pins typer below it)."""
    loaded = _python(
        "import io, sys\n"
        f"sys.argv = ['gradexplain', *{LECTURE!r}]\n"
        "sys.stdout = io.TextIOWrapper(io.BytesIO())\n"
        "from gradexplain.cli import run\n"
        "try:\n    run()\nexcept SystemExit as done:\n    assert done.code == 0, done.code\n"
        "sys.stdout = sys.__stdout__\n"
        "unwanted = ('rich', 'pydantic', 'graphviz', 'gradexplain.drawing', 'gradexplain.render.dot',\n"
        "            'gradexplain.views', 'matplotlib', 'numpy')\n"
        "print(' '.join(name for name in unwanted if name in sys.modules))\n"
    )
    assert loaded.strip() == ""


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_command_freezes_what_it_has_loaded_but_a_call_with_arguments_does_not(unfrozen, monkeypatch, capsys):
    from gradexplain.cli import run

    with pytest.raises(SystemExit):
        run(LECTURE)
    assert gc.get_freeze_count() == 0
    monkeypatch.setattr(sys, "argv", ["gradexplain", *LECTURE])
    with pytest.raises(SystemExit):
        run()
    assert gc.get_freeze_count() > 0
    assert "every symbolic gradient agrees" in capsys.readouterr().out


def test_startup_benchmark_script_measures_both_commands():
    from benchmarks import startup

    sympy_seconds, lecture_seconds = startup.start_up(runs=1)
    assert sympy_seconds > 0 and lecture_seconds > 0
    with pytest.raises(ValueError):
        startup.start_up(runs=0)
