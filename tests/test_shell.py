"""The shell: one immutable Request made once from a command line, one run for the command and
the magics, one writer; closed standard streams and -o over an input are usage errors (exit 2),
never crashes; and nothing outside the shell touches it."""

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
    assert request.output == Output(path="p.svg", digits=3)
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
    outcome = run(Request("w*x", None, values, check=True, output=Output(path=str(target))))
    assert outcome.code == EXIT_OK and json.loads(target.read_text())["gradients"] == {"w": 3, "x": 2}
    failed = run(Request("relu(w)", None, MappingProxyType({"w": "0"}), check=True, notebook=True))
    assert failed.code == EXIT_CHECK_FAILED and failed.explanation.display is not None


# ── closed standard streams ───────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "-", "--w", "2"], "error: -f - reads standard input, which is closed"),
        (["w*x", "--w", "2", "--x", "3", "--claims", "-"], "error: --claims - reads standard input, which is closed"),
        (
            ["w*x", "--w", "2", "--x", "3", "--quiz"],
            "error: --quiz reads its answers from standard input, which is closed",
        ),
    ],
)
def test_a_closed_stdin_is_bad_usage_said_as_such(args, message):
    result = shell("<&-", *args)
    assert result.returncode == 2 and result.stdout == b""
    first, hint = result.stderr.decode().splitlines()
    assert first == message and hint.startswith("hint: ")


@pytest.mark.parametrize("extra", [[], ["--quiz"], ["--format", "json"], ["--version"]])
def test_a_closed_stdout_is_bad_usage_said_on_stderr(extra):
    result = shell(">&- </dev/null", *([] if extra == ["--version"] else ["w*x", "--w", "2", "--x", "3"]), *extra)
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert result.stderr.decode().startswith("error: standard output is closed, so ")


def test_a_closed_stdout_still_writes_a_file(tmp_path):
    result = shell(">&-", "w*x", "--w", "2", "--x", "3", "-o", str(tmp_path / "unit.md"))
    assert result.returncode == 0 and result.stderr == b""
    assert (tmp_path / "unit.md").read_text().startswith("## Formula")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["w*", "--w", "2"], 2),  # bad input
        (["w", "--digits", "0", "--w", "1"], 2),  # a usage error click reports
        (["w*x", "--w", "2"], 2),  # a missing value, whose hint names the command line's options
        (["relu(w)", "w=0", "--check"], 1),  # a failed check
        (["w*x", "--w", "2", "--x", "3", "--q", "1"], 0),  # a warning with nowhere to go
        (["w*x", "--w", "2", "--x", "3", "--random"], 2),
    ],
)
def test_a_closed_stderr_loses_the_message_but_not_the_exit_code(args, code):
    result = shell("2>&-", *args)
    assert result.returncode == code


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_stdout_that_cannot_be_written_is_said_not_a_crash():
    result = shell("> /dev/full", "w*x", "--w", "2", "--x", "3")
    assert result.returncode == 2
    assert result.stderr.decode().startswith("error: cannot write to standard output: No space left on device\n")


def test_messages_with_both_output_streams_closed_still_exit_2():
    assert shell(">&- 2>&-", "w*x", "--w", "2", "--x", "3").returncode == 2


# ── -o never replaces an input ────────────────────────────────────────────────────────────


def test_o_never_replaces_the_program_or_the_claims_however_it_is_named(tmp_path):
    program, claims = tmp_path / "mine.gx", tmp_path / "cl.txt"
    program.write_text("w = 2\nJ = w**2\n")
    claims.write_text("dJ/dw = 4\n")
    (tmp_path / "link.gx").symlink_to(program)
    os.link(program, tmp_path / "hard.gx")
    elsewhere = tmp_path / "sub"
    elsewhere.mkdir()
    for args in (
        ["-f", str(program), "-o", str(program)],
        [str(program), "-o", str(tmp_path / "." / "mine.gx")],
        ["-f", str(program), "-o", str(elsewhere / ".." / "mine.gx")],
        ["-f", str(program), "-o", str(tmp_path / "link.gx")],
        ["-f", str(tmp_path / "link.gx"), "-o", str(program)],
        ["-f", str(program), "-o", str(tmp_path / "hard.gx")],
        ["w**2", "--w", "2", "--claims", str(claims), "-o", str(claims)],
    ):
        result = shell("", *args)
        assert result.returncode == 2, args
        lines = result.stderr.decode().splitlines()
        assert "this run reads" in lines[0] and "would replace it" in lines[0], lines
        assert lines[1] == "hint: write the output to another file"
    assert program.read_text() == "w = 2\nJ = w**2\n" and claims.read_text() == "dJ/dw = 4\n"


def test_o_never_replaces_the_file_on_standard_input(tmp_path):
    program = tmp_path / "mine.gx"
    program.write_text("w = 2\nJ = w**2\n")
    result = shell(f"< {program}", "-f", "-", "-o", str(program))
    assert result.returncode == 2 and b"(the file on standard input)" in result.stderr
    assert program.read_text() == "w = 2\nJ = w**2\n"


def test_o_may_replace_an_earlier_output_or_name_a_new_file(tmp_path):
    program = tmp_path / "mine.gx"
    program.write_text("w = 2\nJ = w**2\n")
    for _ in range(2):
        assert shell("", "-f", str(program), "-o", str(tmp_path / "trace.md")).returncode == 0


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
