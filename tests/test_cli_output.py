"""-o FILE, --format and --standalone as a user types them: files, extensions, and clear errors."""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest

from tests.conftest import EXAMPLES, run_cli

SAMPLE = str(EXAMPLES / "fan_out.gx")
# A PATH with Python but without Graphviz's dot.
NO_GRAPHVIZ = {"PATH": os.path.dirname(sys.executable)}


def assert_clean_error(result, *fragments: str) -> None:
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert "Traceback" not in stderr and stderr.startswith("error: ")
    for fragment in fragments:
        assert fragment in stderr


@pytest.mark.parametrize(
    ("extension", "start"),
    [
        ("md", b"## Program: output J"),
        ("tex", b"% gradexplain"),
        ("json", b'{\n  "schema_version": 1'),
        ("txt", b"Program: output J"),
        ("dot", b"digraph gradexplain {"),
        ("mmd", b"flowchart LR"),
        ("html", b"<!DOCTYPE html>"),
    ],
)
def test_the_extension_picks_the_format(tmp_path, extension, start):
    target = tmp_path / f"report.{extension}"
    result = run_cli(SAMPLE, "--check", "-o", str(target), env=NO_GRAPHVIZ if extension == "html" else None)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == b""
    assert target.read_bytes().startswith(start)


def test_an_explicit_format_wins_over_the_extension(tmp_path):
    target = tmp_path / "report.md"
    assert run_cli(SAMPLE, "--format", "json", "--output", str(target)).returncode == 0
    assert json.loads(target.read_text(encoding="utf-8"))["output"]["name"] == "J"


def test_an_unknown_extension_is_an_error_not_a_guess(tmp_path):
    for name in ("report.docx", "report"):
        result = run_cli(SAMPLE, "-o", str(tmp_path / name))
        assert_clean_error(result, "cannot tell the format of", ".md .tex .html")
        assert not (tmp_path / name).exists()


def test_dash_means_standard_output():
    result = run_cli(SAMPLE, "-o", "-")
    assert result.returncode == 0 and result.stdout.startswith(b"Program: output J")


def test_a_failed_check_still_writes_the_file_and_exits_1(tmp_path):
    target = tmp_path / "kink.md"
    result = run_cli("relu(w*x)", "w=0", "x=3", "--check", "-o", str(target))
    assert result.returncode == 1
    assert "MISMATCH" in target.read_text(encoding="utf-8")


def test_standalone_is_for_latex(tmp_path):
    document = run_cli(SAMPLE, "--format", "latex", "--standalone")
    assert document.returncode == 0 and document.stdout.startswith(b"\\documentclass")
    assert_clean_error(
        run_cli(SAMPLE, "--format", "markdown", "--standalone"), "--standalone applies to --format latex"
    )


def test_latex_that_needs_lualatex_says_so_on_stderr():
    document = run_cli("ошибка = 2*w; J = ошибка^2", "w=3", "--format", "latex", "--standalone")
    assert document.returncode == 0
    assert document.stdout.startswith(b"% !TEX program = lualatex\n")
    assert document.stderr.decode() == (
        "note: this LaTeX needs lualatex, not pdflatex, which has no fonts for ошибка; see its first lines\n"
    )
    fragment = run_cli("ошибка = 2*w; J = ошибка^2", "w=3", "--format", "latex")
    assert b"% needs lualatex" in fragment.stdout and b"note: this LaTeX needs lualatex" in fragment.stderr
    assert run_cli("ℓ = 2*w; J = ℓ^2", "w=3", "--format", "latex", "--standalone").stderr == b""


def test_writing_to_a_missing_folder_is_a_clear_error(tmp_path):
    assert_clean_error(run_cli(SAMPLE, "-o", str(tmp_path / "no" / "such" / "report.md")), "cannot write")


def test_rich_is_for_terminals(tmp_path):
    assert_clean_error(run_cli(SAMPLE, "--format", "rich", "-o", str(tmp_path / "x.txt")), "for a terminal")


def test_without_graphviz_pictures_say_how_to_install_it(tmp_path):
    for image in ("svg", "png"):
        result = run_cli(SAMPLE, "--format", image, "-o", str(tmp_path / f"g.{image}"), env=NO_GRAPHVIZ)
        assert_clean_error(result, "needs Graphviz", "apt-get install graphviz", "--format dot works without it")
    dot = run_cli(SAMPLE, "--format", "dot", env=NO_GRAPHVIZ)
    assert dot.returncode == 0 and dot.stdout.startswith(b"digraph")


def test_without_graphviz_the_page_keeps_its_tables_and_says_so(tmp_path):
    target = tmp_path / "page.html"
    result = run_cli(SAMPLE, "--check", "-o", str(target), env=NO_GRAPHVIZ)
    assert result.returncode == 0
    assert "warning: the page has no drawing: " in result.stderr.decode()
    page = target.read_text(encoding="utf-8")
    assert page.count("<table>") == 4 and "apt-get install graphviz" in page and "<svg" not in page


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")
def test_graphs_too_large_to_draw_are_refused_with_a_hint(tmp_path):
    result = run_cli(SAMPLE, "--limit", "drawing=3", "-o", str(tmp_path / "g.svg"))
    assert_clean_error(result, "too many to draw", "--limit drawing=N")
    page = run_cli(SAMPLE, "--limit", "drawing=3", "-o", str(tmp_path / "g.html"))
    assert page.returncode == 0 and "too many to draw" in (tmp_path / "g.html").read_text(encoding="utf-8")


def test_tree_format_on_standard_output():
    result = run_cli(SAMPLE, "--format", "tree")
    assert result.returncode == 0
    lines = result.stdout.decode().splitlines()
    assert lines[4].startswith("J = p*s = 30") and "∂J/∂J = 1" in lines[4]


def test_every_format_is_deterministic(tmp_path):
    for fmt in ("markdown", "latex", "dot", "mermaid", "tree", "html"):
        first = run_cli(SAMPLE, "--check", "--format", fmt, env={**NO_GRAPHVIZ, "PYTHONHASHSEED": "1"}).stdout
        second = run_cli(SAMPLE, "--check", "--format", fmt, env={**NO_GRAPHVIZ, "PYTHONHASHSEED": "99"}).stdout
        assert first == second and first, fmt


def test_cost_report_compares_backprop_with_nudging():
    result = run_cli("0.5*(w*x+b-y)**2", "--w", "2", "--x", "-2", "--b", "8", "--y", "2", "--cost")
    text = result.stdout.decode()
    assert result.returncode == 0
    assert "Cost of the gradients (--cost)" in text
    assert "8 local-derivative steps, one per edge (N + P = 9 nodes)" in text
    assert "20 node evaluations (N × P = 5 × 4)" in text
    assert "2.5 times the steps here" in text
