"""Golden outputs: every sample in plain text and JSON, plus the lecture's bare formula.

Regenerate only with `pytest --snapshot-update`, and read the diff before committing.
"""

import pytest

from gradexplain import explain
from gradexplain.render import RenderOptions, render_text
from tests.conftest import EXAMPLES, SAMPLES, run_cli

SAMPLE_IDS = [path.stem for path in SAMPLES]
LECTURE_SAMPLE = EXAMPLES / "linear_regression.gx"  # the lecture's unit: c = wx, a = c + b, …


def sample_explanation(path):
    return explain(path.read_text(encoding="utf-8"), check=True, origin=str(path))


@pytest.mark.parametrize("path", SAMPLES, ids=SAMPLE_IDS)
def test_sample_text(path, text_snapshot):
    assert render_text(sample_explanation(path), "text") == text_snapshot


@pytest.mark.parametrize("path", SAMPLES, ids=SAMPLE_IDS)
def test_sample_json(path, json_snapshot):
    assert render_text(sample_explanation(path), "json") == json_snapshot


# Every text format, with its file extension. HTML is rendered without a drawing here (the
# drawing is Graphviz's, whose bytes vary between its versions); tests/test_tools.py draws it.
FORMATS = {"markdown": "md", "latex": "tex", "html": "html", "dot": "dot", "mermaid": "mmd", "tree": "tree"}


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("path", SAMPLES, ids=SAMPLE_IDS)
def test_sample_in_every_format(path, format, format_snapshot):
    assert render_text(sample_explanation(path), format) == format_snapshot(FORMATS[format])


@pytest.mark.parametrize("format", ["text", *FORMATS])
@pytest.mark.parametrize("notation", ["dvar", "adjoint"])
def test_lecture_sample_in_each_notation(notation, format, format_snapshot):
    """The default notation (leibniz) is in every golden file above; these hold the other two."""
    explanation = sample_explanation(LECTURE_SAMPLE)
    options = RenderOptions(notation=notation)
    assert render_text(explanation, format, options) == format_snapshot(FORMATS.get(format, "txt"))


def test_standalone_latex_document(format_snapshot):
    explanation = sample_explanation(SAMPLES[0])
    assert render_text(explanation, "latex", standalone=True) == format_snapshot("tex")


def test_lecture_formula_text(text_snapshot):
    result = run_cli("0.5*(w*x+b-y)**2", "--w", "2", "--x", "-2", "--b", "8", "--y", "2", "--check")
    assert result.stdout.decode() == text_snapshot


def test_cli_output_is_the_library_rendering():
    path = SAMPLES[0]
    result = run_cli("-f", str(path), "--check")
    assert result.stdout.decode() == render_text(sample_explanation(path), "text")


def _claims_sample(format: str) -> str:
    """A student's answers for the lecture unit, checked as a teacher would (exit code 1: some are wrong)."""
    result = run_cli(
        str(EXAMPLES / "linear_regression.gx"), "--claims", str(EXAMPLES / "claims.txt"), "--format", format
    )
    assert result.returncode == 1, result.stderr.decode()
    return result.stdout.decode()


def test_claims_sample_text(text_snapshot):
    assert _claims_sample("text") == text_snapshot


def test_claims_sample_json(json_snapshot):
    assert _claims_sample("json") == json_snapshot


def test_samples_cover_the_issue():
    assert {"linear_regression", "square", "fan_out", "two_layer_relu"} <= set(SAMPLE_IDS)
