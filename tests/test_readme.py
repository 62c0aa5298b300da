"""The README never lies: its example output is what the command prints, its commands are CI's."""

import re

from tests.conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_example_output_is_what_the_command_prints():
    block = README.split("<!-- example-output")[1].split("```text\n", 1)[1].split("```", 1)[0]
    result = run_cli("0.5*(w*x+b-y)**2", "--w", "2", "--x", "-2", "--b", "8", "--y", "2", "--check")
    assert result.stdout.decode() == block


def test_claims_output_is_what_the_command_prints():
    block = README.split("<!-- claims-output")[1].split("```text\n", 1)[1].split("```", 1)[0]
    command = README.split("## Checking a derivation")[1].split("    gradexplain ", 1)[1].split("\n\n", 1)[0]
    assert '--claim "dJ/db = 2*(w*x + b - y)"' in command
    claims = ["--claim", "dJ/dw = x*(w*x + b - y)", "--claim", "dJ/db = 2*(w*x + b - y)"]
    result = run_cli("0.5*(w*x+b-y)**2", "--w", "2", "--x", "-2", "--b", "8", "--y", "2", *claims)
    assert result.returncode == 1
    assert result.stdout.decode().endswith("\n" + block)


def test_ci_runs_the_readme_setup_commands_verbatim():
    commands = re.findall(r"```sh\n(python3 -m venv .+)\n```", README)
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in commands:
        assert command in ci.splitlines()


def test_ci_installs_the_tools_the_readme_names():
    commands = re.findall(r"```sh\n((?:apt-get|npm) .+)\n```", README)
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in commands:
        assert command in ci.splitlines()
    assert "export GRADEXPLAIN_REQUIRE_TOOLS=1" in ci.splitlines()


def test_every_format_is_documented():
    from gradexplain.output import EXTENSIONS, FORMATS

    section = README.split("## Reports and pictures")[1].split("\n## ")[0]
    for fmt in FORMATS:
        assert f"`{fmt}`" in section, fmt
    for extension in EXTENSIONS:
        assert extension in section, extension
    assert "](samples/linear_regression.svg)" in section


def test_every_cli_option_is_documented():
    help_text = run_cli("--help").stdout.decode()
    for option in re.findall(r"(--[a-z][a-z-]+)", help_text):
        assert option in README, option


def test_every_limit_is_documented():
    from gradexplain.limits import NAMES

    section = README.split("## Limits and errors")[1].split("\n## ")[0]
    for name in NAMES:
        assert f"| `{name}` |" in section, name


def test_library_signature_in_the_readme_is_explain_s():
    import inspect

    from gradexplain import explain

    section = README.split("## Library")[1].split("\n## ")[0]
    for name in inspect.signature(explain).parameters:
        assert name in section, name
