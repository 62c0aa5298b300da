"""Large graphs on a terminal: a progress bar on stderr (never in a pipe), and long tables cut
to their first and last rows unless --full (files and pipes always get everything)."""

from __future__ import annotations

import os
import subprocess
import sys

from rich.console import Console

from benchmarks.dense_net import network_for
from gradexplain import explain
from gradexplain.render import render_text
from gradexplain.render import rich as rich_renderer
from gradexplain.render.report import build_report
from gradexplain.render.table import summarized
from tests.conftest import ROOT, run_cli

CHAIN = "; ".join(["a0 = w*2"] + [f"a{i} = a{i - 1} + w" for i in range(1, 150)])


def test_summarized_tables_keep_their_first_and_last_rows():
    report = build_report(explain(CHAIN, {"w": 1}))
    backward = summarized(report, 60).tables[1]
    assert len(report.tables[1].rows) == 300
    assert len(backward.rows) == 40 + 1 + 20
    assert backward.rows[40][0].text == "… 240 more rows (--full shows all)"
    assert backward.rows[:40] == report.tables[1].rows[:40]
    assert backward.rows[-20:] == report.tables[1].rows[-20:]


def test_rich_tables_are_summarized_only_when_asked():
    explanation = explain(CHAIN, {"w": 1})
    console = Console(record=True, width=160, color_system=None)
    console.print(rich_renderer.render(explanation, rows=60))
    assert "more rows (--full shows all)" in console.export_text()
    console.print(rich_renderer.render(explanation))
    assert "more rows" not in console.export_text()


def test_piped_output_is_never_summarized():
    result = run_cli("-f", "-", "--w", "1", stdin=CHAIN.encode())
    assert result.returncode == 0
    assert "more rows" not in result.stdout.decode()
    assert result.stdout.decode() == render_text(explain(CHAIN, {"w": 1}), "text")


def _run_with_stderr_on_a_terminal(*args: str) -> bytes:
    controller, terminal = os.openpty()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "gradexplain", *args],
            stdout=subprocess.DEVNULL,
            stderr=terminal,
            cwd=ROOT,
            timeout=120,
        )
        assert process.returncode == 0
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(controller)


def test_long_runs_show_a_progress_bar_on_a_terminal_and_never_in_a_pipe(tmp_path):
    program = tmp_path / "net.gx"
    program.write_text(network_for(5000).program(), encoding="utf-8")
    assert program.stat().st_size > 100_000
    shown = _run_with_stderr_on_a_terminal(str(program), "-o", str(tmp_path / "out.json"))
    assert b"stage 10 of 10" in shown  # drawn at least at the start and the end (claims and the audit are stages)
    piped = run_cli(str(program), "-o", str(tmp_path / "out.json"))
    assert piped.returncode == 0 and piped.stderr == b""


def test_short_runs_show_no_progress_bar_even_on_a_terminal():
    assert b"stage" not in _run_with_stderr_on_a_terminal("w*x", "--w", "2", "--x", "3")
