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


def test_drawing_benchmark_runs_on_tiny_graphs_and_replaces_its_section(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT
    from tests.test_tools import need

    need("dot")
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## Drawing with Graphviz\n\nold\n\n## Later\n\nkept\n", encoding="utf-8")
    command = [sys.executable, "benchmarks/drawing.py", "--sizes", "12", "--shapes", "chain", "fan-out", "--out"]
    result = subprocess.run([*command, str(results)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    text = results.read_text(encoding="utf-8")
    assert text.count("## Drawing with Graphviz") == 1 and "old" not in text and text.endswith("## Later\n\nkept\n")
    assert "| shape | nodes | arrows | parts | gradexplain -o x.svg | dot -Tsvg | dot -Tpng |" in text
    assert "| fan-out | 12 | 22 | 144 |" in text and "the slowest drawing by dot alone took" in text


def test_views_benchmark_times_every_view_and_the_plain_run():
    import pytest

    from benchmarks import views

    medians = views.measure(runs=1)
    assert set(medians) == set(views.VIEWS) and all(seconds > 0 for seconds in medians.values())
    with pytest.raises(ValueError):
        views.measure(runs=0)


def test_claims_benchmark_prints_both_workloads(capsys):
    from benchmarks import claims

    assert len(claims.lecture_claims()) == 100 and len(claims.network_claims()) == 10
    assert claims.main(["--runs", "1"]) == 0
    table = capsys.readouterr().out
    assert "| lecture example, 100 claims |" in table and "-node network, 10 claims |" in table
