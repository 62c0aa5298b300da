"""Benchmarks are scripts that print figures; here we only check that they still run."""

from benchmarks import error_latency


def test_error_latency_script_measures_a_case():
    elapsed, code = error_latency.seconds(["w*", "--w", "1"])
    assert code == 2 and elapsed > 0


def test_generated_network_has_the_nodes_it_promises_and_the_same_value_everywhere():
    import pytest

    from benchmarks.dense_net import Network
    from gradexplain import explain

    network = Network(inputs=4, hidden=3)
    explanation = explain(network.program())
    assert len(explanation.graph.nodes) == network.nodes
    assert len(explanation.graph.inputs) == network.parameters
    as_floats = {name: float(value) for name, value in network.values().items()}
    assert float(explanation.output_value) == pytest.approx(network.evaluate(as_floats), rel=1e-12)


def test_benchmark_runner_runs_on_a_tiny_network():
    import subprocess
    import sys

    from tests.conftest import ROOT

    result = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--sizes", "40", "--peers", "sympy-diff", "nudging", "--out", "-"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    table = result.stdout
    assert "| nodes | P | in process (s) | end to end (s) | peak MB | stages |" in table
    assert "parse" in table and "backward" in table and "json" in table
    assert "| nodes | P | gradexplain | sympy-diff | nudging |" in table


def test_latex_compile_benchmark_compiles_one_document_per_program():
    from benchmarks import latex_compile

    documents = latex_compile.documents()
    assert [latex_compile.engine(document) for document in documents.values()] == ["pdflatex", "lualatex", "lualatex"]
