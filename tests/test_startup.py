"""What keeps start-up short (benchmarks/startup.py measures it; tests never assert timings):
a piped run loads nothing it does not use, the command collects no cycles and leaves at once."""

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


def test_the_command_collects_no_cycles_and_leaves_at_once_but_a_call_with_arguments_changes_nothing():
    """As the process itself, the console script turns the cyclic collector off before SymPy is
    imported and leaves without tearing the interpreter down (atexit handlers do not run); called
    with arguments, in-process, it raises SystemExit and leaves the collector as it was."""
    shown = _python(
        "import atexit, gc, sys\n"
        f"sys.argv = ['gradexplain', *{LECTURE!r}]\n"
        "import gradexplain.cli\n"
        "assert gc.isenabled() and 'sympy' not in sys.modules, 'importing the console script loads nothing'\n"
        "atexit.register(lambda: print('torn down'))\n"
        "gradexplain.cli.run()\n"
    )
    assert "every symbolic gradient agrees" in shown and "torn down" not in shown
    from gradexplain.cli import run

    with pytest.raises(SystemExit) as done:
        run(LECTURE)
    assert done.value.code == 0 and gc.isenabled()


def test_startup_benchmark_script_measures_both_commands():
    from benchmarks import startup

    sympy_seconds, lecture_seconds = startup.start_up(runs=1)
    assert sympy_seconds > 0 and lecture_seconds > 0
    with pytest.raises(ValueError):
        startup.start_up(runs=0)
