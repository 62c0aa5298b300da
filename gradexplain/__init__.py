"""gradexplain: explains backpropagation on a formula you type, step by step, and checks it.

>>> from gradexplain import explain
>>> explain("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2}).gradient("w")
Fraction(-4, 1)
"""

from gradexplain.errors import GradexplainError
from gradexplain.explain import Explanation, explain
from gradexplain.version import __version__

__all__ = ["Explanation", "GradexplainError", "__version__", "explain", "load_ipython_extension"]


def load_ipython_extension(ipython: object) -> None:
    """`%load_ext gradexplain` in IPython or Jupyter: the %gradexplain and %%gradexplain magics."""
    from gradexplain.shell.magic import load_ipython_extension as load

    load(ipython)
