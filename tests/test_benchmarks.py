"""Benchmarks are scripts that print figures; here we only check that they still run."""

from benchmarks import error_latency


def test_error_latency_script_measures_a_case():
    elapsed, code = error_latency.seconds(["w*", "--w", "1"])
    assert code == 2 and elapsed > 0
