"""The README and the documentation say what the project does: CI installs as the README says,
and the reference pages name every format, option, limit and parameter. (That their commands run
and their outputs are what the commands print is tests/test_docs.py's.)"""

import re

from tests.conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"


def _page(path: str) -> str:
    return (DOCS / path).read_text(encoding="utf-8")


def test_the_readme_is_short_and_shows_the_lecture_example():
    assert len(README.splitlines()) <= 200
    assert '$ gradexplain "0.5*(w*x+b-y)**2" --w 2 --x -2 --b 8 --y 2 --check' in README
    for page in re.findall(r"\]\((docs/[^)#]+)", README):
        assert (ROOT / page).exists(), page


def test_ci_runs_the_readme_setup_commands_verbatim():
    commands = re.findall(r"```sh\n(python3 -m venv .+)\n```", README)
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in commands:
        assert command in ci.splitlines()


def test_ci_builds_the_documentation_as_the_readme_says():
    command = re.findall(r"```sh\n(\.venv/bin/pip install \"\.\[docs\]\" .+)\n```", README)
    assert len(command) == 1 and "mkdocs build --strict" in command[0]
    assert command[0] in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_ci_installs_the_tools_the_readme_names():
    commands = re.findall(r"```sh\n((?:apt-get|npm) .+)\n```", README)
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in commands:
        assert command in ci.splitlines()
    assert "export GRADEXPLAIN_REQUIRE_TOOLS=1" in ci.splitlines()


def test_every_page_is_in_the_sites_navigation():
    navigation = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in DOCS.rglob("*.md"):
        assert str(page.relative_to(DOCS)) in navigation, page


def test_every_format_is_documented():
    from gradexplain.output import EXTENSIONS, FORMATS

    page = _page("reference/formats.md")
    for fmt in FORMATS:
        assert f"`{fmt}`" in page, fmt
    for extension in EXTENSIONS:
        assert extension in page, extension
    assert "](../images/linear_regression.svg)" in page


def test_every_cli_option_is_documented():
    help_text = run_cli("--help").stdout.decode()
    page = _page("reference/options.md")
    for option in re.findall(r"(--[a-z][a-z-]+)", help_text):
        assert option in page, option


def test_every_limit_is_documented():
    from gradexplain.limits import NAMES

    page = _page("reference/limits.md")
    for name in NAMES:
        assert f"| `{name}` |" in page, name


def test_library_signature_in_the_documentation_is_explain_s():
    import inspect

    from gradexplain import explain

    section = _page("tutorials/engineer.md").split("## Library")[1].split("\n## ")[0]
    for name in inspect.signature(explain).parameters:
        assert name in section, name
