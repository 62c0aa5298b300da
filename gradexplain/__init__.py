"""gradexplain: explains backpropagation on a formula you type, step by step, and checks it.

>>> from gradexplain import explain
>>> explain("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2}).gradient("w")
Fraction(-4, 1)

`explain` and `Explanation` load on first use, so that the command (gradexplain.cli) can set
itself up before SymPy is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gradexplain.errors import GradexplainError
from gradexplain.version import __version__

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation
    from gradexplain.pipeline import explain

__all__ = ["Explanation", "GradexplainError", "__version__", "explain", "load_ipython_extension"]


def __getattr__(name: str) -> Any:
    """`gradexplain.explain` (the function) and `gradexplain.Explanation`, imported when first asked for."""
    if name == "explain":
        from gradexplain.pipeline import explain

        return explain
    if name == "Explanation":
        from gradexplain.explanation import Explanation

        return Explanation
    raise AttributeError(f"module 'gradexplain' has no attribute {name!r}")


def load_ipython_extension(ipython: object) -> None:
    """`%load_ext gradexplain` in IPython or Jupyter: the %gradexplain and %%gradexplain magics."""
    from gradexplain.shell.magic import load_ipython_extension as load

    load(ipython)
