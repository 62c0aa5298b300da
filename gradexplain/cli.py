"""The console script `gradexplain` (pyproject: `gradexplain = "gradexplain.cli:run"`) and
`python -m gradexplain`. The command itself is gradexplain.shell: this module only names it."""

from gradexplain.shell.command import run

__all__ = ["run"]
