"""The shell: one immutable Request made once from a command line, one run for the command and
the magics, one writer; and nothing outside the shell touches it."""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import subprocess
import sys
from types import MappingProxyType

import pytest

from gradexplain.shell.options import read_line
from gradexplain.shell.request import Output, Request
from gradexplain.shell.run import EXIT_CHECK_FAILED, EXIT_OK, run
from tests.conftest import ROOT

LECTURE = ["0.5*(w*x+b-y)**2", "--w", "2", "--x", "-2", "--b", "8", "--y", "2"]


def shell(command: str, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """`gradexplain ARGS` run by sh with `command`'s redirections (`<&-`, `>&-`, `2>&-`)."""
    environment = {key: value for key, value in os.environ.items() if key not in ("FORCE_COLOR", "NO_COLOR")}
    return subprocess.run(
        ["sh", "-c", f'"$@" {command}', "sh", sys.executable, "-m", "gradexplain", *args],
        input=stdin,
        capture_output=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
    )


# ── the Request ───────────────────────────────────────────────────────────────────────────


def test_a_command_line_becomes_one_frozen_request_with_typed_fields():
    request = read_line([*LECTURE, "--check", "--wrt", "w,b", "--digits", "3", "--plot", "w", "-o", "p.svg"])
    assert isinstance(request, Request)
    assert dataclasses.fields(request) and not hasattr(request, "__dict__")  # slots
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.check = False  # type: ignore[misc]
    with pytest.raises(TypeError):
        request.values["w"] = "3"  # type: ignore[index]
    assert request.source == "0.5*(w*x+b-y)**2" and request.origin is None
    assert dict(request.values) == {"w": "2", "x": "-2", "b": "8", "y": "2"}
    assert request.check and request.wrt == ("w", "b") and request.views.plot == "w" and request.views.asked
    assert request.output == Output("auto", "p.svg", 3, False, False)
    assert set(request.typed) == {"formula", "check", "wrt", "digits", "plot", "output"}
    assert request.typed["digits"] == "3" and request.typed["check"] is None


def test_help_and_version_make_no_request(capsys):
    assert read_line(["--version"]) == 0
    assert capsys.readouterr().out.startswith("gradexplain ")
    assert read_line(["--help"]) == 0
    assert "--check" in capsys.readouterr().out


def test_run_takes_a_request_made_without_a_command_line(tmp_path):
    """run() reads nothing but the Request: the command and the magics both come through here."""
    target = tmp_path / "unit.json"
    values = MappingProxyType({"w": "2", "x": "3"})
    outcome = run(Request("w*x", None, values, check=True, output=Output("auto", str(target), 6, False, False)))
    assert outcome.code == EXIT_OK and json.loads(target.read_text())["gradients"] == {"w": 3, "x": 2}
    failed = run(Request("relu(w)", None, MappingProxyType({"w": "0"}), check=True, notebook=True))
    assert failed.code == EXIT_CHECK_FAILED and failed.explanation.display is not None


# ── the shell is the only code that touches it, and nothing imports the command ─────────────


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_only_the_shell_reaches_the_shell_and_only_the_entry_points_reach_the_command():
    package = ROOT / "gradexplain"
    for path in package.rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        imported = _imports(path)
        reaching = {name for name in imported if name.startswith("gradexplain.shell")}
        if module.startswith("gradexplain.shell"):
            if module != "gradexplain.shell.command":
                assert "gradexplain.shell.command" not in reaching, module
            continue
        allowed = {
            "gradexplain.cli": {"gradexplain.shell.command", "gradexplain.shell.command.run"},
            "gradexplain.__init__": {"gradexplain.shell.magic", "gradexplain.shell.magic.load_ipython_extension"},
        }.get(module, set())
        assert reaching <= allowed, (module, reaching)
        assert "gradexplain.cli" not in imported or module == "gradexplain.__main__", module
    magic = _imports(package / "shell" / "magic.py")
    assert not any(name.startswith(("gradexplain.cli", "gradexplain.shell.command")) for name in magic)
