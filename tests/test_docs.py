"""The documentation never lies: every command in the README and the documentation site runs, and
every output shown is what the command prints.

Two kinds of block are checked, in every page:

- ```console blocks: each `$ command` line is run, and the lines after it, up to the next `$`, are
  what it prints (its standard output, then its standard error); a first line `…` shows only the
  end of the output.
- ```sh blocks: each gradexplain command (and a pipe into one) is run in turn, in one folder per
  page (so a file one command writes, the next can read), and must not fail as bad input (exit
  code 2) or crash (3). Set-up commands (venv, pip, apt-get, npm, mkdocs) are CI's: .ci/run runs them.

The commands run in a shell, with this environment's gradexplain first on PATH, in a fresh folder
holding a copy of the example programs (gradexplain/examples/), as in a clone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"^```(console|sh)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
RUN_BY_CI = re.compile(r"^(python3 -m venv|\.venv/|apt-get|npm|pip|mkdocs)")


def _blocks(page: Path, kind: str) -> list[str]:
    return [body for found, body in BLOCK.findall(page.read_text(encoding="utf-8")) if found == kind]


def _page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


def _folder(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "gradexplain" / "examples")
    return tmp_path


def _shell(command: str, folder: Path) -> subprocess.CompletedProcess[bytes]:
    environment = {
        **os.environ,
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        "NO_COLOR": "1",
        "COLUMNS": "100",
    }
    return subprocess.run(
        ["bash", "-c", command], cwd=folder, capture_output=True, stdin=subprocess.DEVNULL, env=environment, timeout=300
    )


def _commands(body: str) -> list[str]:
    """The block's commands, each on one line (a trailing \\ continues it), comments dropped."""
    joined = body.replace("\\\n", " ")
    commands = []
    for line in joined.splitlines():
        line = re.sub(r"\s+#\s.*$", "", line).strip()
        if line and not line.startswith("#") and not RUN_BY_CI.match(line):
            commands.append(line)
    return commands


def _sessions(body: str) -> list[tuple[str, str]]:
    """(command, what it prints) for each `$ ` line of a console block."""
    sessions: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            sessions.append((line[2:], []))
        else:
            sessions[-1][1].append(line)
    return [(command, "\n".join(lines) + "\n" if lines else "") for command, lines in sessions]


CONSOLE = [(page, body) for page in PAGES for body in _blocks(page, "console")]
SH = [(page, body) for page in PAGES for body in _blocks(page, "sh")]


@pytest.mark.parametrize(("page", "body"), CONSOLE, ids=[_page_id(page) for page, _ in CONSOLE])
def test_every_output_shown_is_what_the_command_prints(page, body, tmp_path):
    folder = _folder(tmp_path)
    for command, shown in _sessions(body):
        result = _shell(command, folder)
        printed = (result.stdout + result.stderr).decode()
        if shown.startswith("…\n"):
            assert printed.endswith(shown.removeprefix("…\n")), command
        else:
            assert printed == shown, command


@pytest.mark.parametrize(("page", "body"), SH, ids=[_page_id(page) for page, _ in SH])
def test_every_command_in_the_documentation_runs(page, body, tmp_path):
    folder = _folder(tmp_path)
    for command in _commands(body):
        result = _shell(command, folder)
        assert result.returncode in (0, 1), f"{command}\n{result.stderr.decode()}"
        assert b"Traceback" not in result.stderr, command


def test_the_documentation_has_commands_to_check():
    """The two checks above see the blocks: a page's commands are never silently skipped."""
    assert len(CONSOLE) >= 5 and len(SH) >= 15
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"^    gradexplain ", text, re.MULTILINE), f"{_page_id(page)}: an unfenced command"
