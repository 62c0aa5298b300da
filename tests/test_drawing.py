"""Drawing with Graphviz: labels any graph can hold, the layout's size checked before dot starts,
and dot run under a time limit, killed with everything it started, never left running.

A fake `dot` on PATH stands in for Graphviz where its behaviour is the point (sleeping, failing);
the real one draws the awkward labels, and those tests skip without Graphviz unless
GRADEXPLAIN_REQUIRE_TOOLS=1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gradexplain import explain
from gradexplain.drawing import PLAIN_LAYOUT, draw, drawing_source, layout_of, run_dot
from gradexplain.errors import InputError
from gradexplain.limits import Limits
from gradexplain.output import render_bytes
from gradexplain.render import render_text
from gradexplain.render.picture import build_picture
from tests.conftest import ROOT
from tests.test_formats import CONTROL, awkward
from tests.test_tools import need

LINUX = Path("/proc/self/stat").exists()


# ── the layout's size ───────────────────────────────────────────────────────────────────────


def test_an_input_used_along_a_chain_costs_a_piece_per_column_it_crosses():
    terms = 30
    layout = layout_of(build_picture(explain("+".join(["w"] * terms), {"w": 1})))
    # v1 = w + w (two arrows from column 0 to 1), then v_k = v_(k-1) + w in column k
    nodes = terms
    crossing = sum(2 * column - 1 for column in range(1, nodes)) + 1
    links = nodes - 2
    assert layout.nodes == nodes and layout.pieces == crossing + links
    assert layout.parts > terms**2 - terms


def test_a_flat_layout_costs_about_its_arrows():
    layout = layout_of(
        build_picture(explain("J = " + " + ".join(f"x{i}" for i in range(50)), {f"x{i}": 1 for i in range(50)}))
    )
    assert layout.nodes == 51 and layout.pieces == 50


def test_layouts_over_the_limit_are_refused_before_dot_starts(monkeypatch):
    monkeypatch.setenv("PATH", "")  # were dot run, this would say Graphviz is missing
    explanation = explain("+".join(["w"] * 40), {"w": 1})
    with pytest.raises(InputError, match=r"would have 1,6\d\d parts \(40 nodes and .* too many to draw") as error:
        draw(explanation, "svg", limits=Limits(drawing=1_000))
    assert "--limit drawing=N (now 1000)" in error.value.hint and "--format dot" in error.value.hint
    with pytest.raises(InputError, match="the graph has 40 nodes, too many to draw"):
        draw(explanation, "svg", limits=Limits(drawing=39))


def test_large_layouts_get_the_plain_layout_and_pngs_a_size_cap():
    small = explain("w*x", {"w": 2, "x": 3})
    assert drawing_source(small, "svg") == render_text(small, "dot")
    big = explain("+".join(["w"] * 40), {"w": 1})
    assert all(f"  {attribute};\n" in drawing_source(big, "svg") for attribute in PLAIN_LAYOUT)
    assert 'dpi=150;\n  size="40,40";' in drawing_source(small, "png")


# ── dot under a time limit, with a fake dot on PATH ─────────────────────────────────────────

SLEEPING_DOT = """#!{python}
import os, pathlib, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
pids = pathlib.Path(os.environ["FAKE_DOT_PIDS"])
pids.with_suffix(".tmp").write_text(f"{{os.getpid()}} {{child.pid}}")
pids.with_suffix(".tmp").rename(pids)
time.sleep(300)
"""
FAILING_DOT = """#!{python}
import sys
sys.stdin.buffer.read()
sys.stderr.write("Warning: a warning first\\nError: <stdin>: syntax error in line 3 near '\\x1b'\\nmore\\n")
sys.exit(1)
"""


def fake_dot(folder: Path, script: str) -> dict[str, str]:
    """An environment whose PATH finds `script` as dot (and Python), and nothing else."""
    program = folder / "dot"
    program.write_text(script.format(python=sys.executable), encoding="utf-8")
    program.chmod(0o755)
    return {"PATH": f"{folder}{os.pathsep}{Path(sys.executable).parent}", "FAKE_DOT_PIDS": str(folder / "pids")}


def drawn_by(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """The CLI drawing w*x with `environment`'s dot."""
    return subprocess.run(
        [sys.executable, "-m", "gradexplain", "w*x", "--w", "2", "--x", "3", *args],
        capture_output=True,
        env={**os.environ, **environment},
        cwd=ROOT,
        timeout=60,
    )


def running(pid: int) -> bool:
    """Alive and not a zombie waiting for a parent that is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def assert_gone(pids_file: Path) -> None:
    pids = [int(pid) for pid in pids_file.read_text().split()]
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(running(pid) for pid in pids), pids


@pytest.mark.skipif(not LINUX, reason="reads /proc to see that the fake dot is gone")
def test_a_slow_dot_is_stopped_with_what_it_started_and_the_user_told_what_to_do(tmp_path):
    environment = fake_dot(tmp_path, SLEEPING_DOT)
    started = time.monotonic()
    result = drawn_by(environment, "-o", str(tmp_path / "g.svg"), "--limit", "drawing_seconds=1")
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert stderr.startswith("error: drawing the graph took too long: Graphviz's dot was stopped after 1 s")
    assert "--format dot" in stderr and "json or text" in stderr and "--limit drawing_seconds=N (now 1)" in stderr
    assert time.monotonic() - started < 30 and not (tmp_path / "g.svg").exists()
    assert_gone(tmp_path / "pids")


@pytest.mark.skipif(not LINUX, reason="reads /proc to see that the fake dot is gone")
def test_a_slow_dot_in_a_page_leaves_the_tables_and_a_warning(tmp_path):
    environment = fake_dot(tmp_path, SLEEPING_DOT)
    result = drawn_by(environment, "-o", str(tmp_path / "g.html"), "--limit", "drawing_seconds=1")
    assert result.returncode == 0 and "took too long" in result.stderr.decode()
    assert "took too long" in (tmp_path / "g.html").read_text(encoding="utf-8")
    assert_gone(tmp_path / "pids")


@pytest.mark.skipif(not LINUX, reason="reads /proc to see that the fake dot is gone")
def test_ctrl_c_while_drawing_leaves_no_dot_running(tmp_path):
    environment = fake_dot(tmp_path, SLEEPING_DOT)
    process = subprocess.Popen(
        [sys.executable, "-m", "gradexplain", "w*x", "--w", "2", "--x", "3", "-o", str(tmp_path / "g.svg")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **environment},
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while not (tmp_path / "pids").exists():
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode != 0 and b"Traceback" not in stderr
    assert_gone(tmp_path / "pids")


@pytest.mark.skipif(not LINUX, reason="reads /proc to see that the fake dot is gone")
def test_the_library_stops_a_slow_dot_too(tmp_path, monkeypatch):
    for name, value in fake_dot(tmp_path, SLEEPING_DOT).items():
        monkeypatch.setenv(name, value)
    with pytest.raises(InputError, match="took too long"):
        render_bytes(explain("w*x", {"w": 2, "x": 3}), "png", limits=Limits(drawing_seconds=1))
    assert_gone(tmp_path / "pids")


def test_a_failing_dot_gives_its_first_error_line_not_a_crash(tmp_path):
    environment = fake_dot(tmp_path, FAILING_DOT)
    result = drawn_by(environment, "-o", str(tmp_path / "g.png"))
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert stderr.startswith("error: Graphviz could not draw the graph: syntax error in line 3 near '␛'\n")
    assert "Traceback" not in stderr and "more" not in stderr and "warning" not in stderr.lower()


def test_dot_error_messages_are_cut(tmp_path, monkeypatch):
    script = '#!{python}\nimport sys\nsys.stdin.buffer.read()\nsys.stderr.write("Error: " + "x" * 5000)\nsys.exit(3)\n'
    monkeypatch.setenv("PATH", fake_dot(tmp_path, script)["PATH"])
    with pytest.raises(InputError) as error:
        run_dot("digraph {}", "svg")
    assert len(error.value.message) < 300 and error.value.message.endswith("x…")


def test_a_dot_killed_by_a_signal_is_an_input_error(tmp_path, monkeypatch):
    script = "#!{python}\nimport os, signal, sys\nsys.stdin.buffer.read()\nos.kill(os.getpid(), signal.SIGSEGV)\n"
    monkeypatch.setenv("PATH", fake_dot(tmp_path, script)["PATH"])
    with pytest.raises(InputError, match="Graphviz could not draw the graph: dot stopped by signal 11"):
        run_dot("digraph {}", "svg")


# ── the real Graphviz ───────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("image", ["svg", "png"])
def test_graphviz_draws_awkward_labels(image):
    need("dot")
    for explanation in awkward():
        picture = render_bytes(explanation, image).data
        assert picture.startswith(b"<?xml" if image == "svg" else b"\x89PNG")
    svg = render_bytes(explain(CONTROL), "svg").data.decode()
    assert "comment" not in svg


def test_graphviz_draws_a_large_layout_in_the_plain_style():
    need("dot")
    explanation = explain("+".join(["w"] * 40), {"w": 1})
    assert layout_of(build_picture(explanation)).parts > 1_000
    assert render_bytes(explanation, "svg").data.count(b'class="node"') == 40
