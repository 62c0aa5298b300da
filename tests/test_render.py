import json
import re

from rich.console import Console

from gradexplain import explain
from gradexplain.render import RenderOptions, render_text
from gradexplain.render import rich as rich_renderer

LECTURE = explain("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2}, check=True)


def test_plain_text_has_no_escape_codes_and_is_stable():
    text = render_text(LECTURE, "text")
    assert "\x1b" not in text
    assert text == render_text(LECTURE, "text")
    assert max(len(line) for line in text.splitlines()) < 160


def test_plain_text_reproduces_the_lecture_numbers():
    text = render_text(LECTURE, "text")
    for expected in ("v1    w*x", "2*(-2)", "-4 + 8", "1.996002", "-3.998", "2.0020005", "2.0005", "x*(b + w*x - y)"):
        assert expected in text
    assert re.search(r"∂J/∂w\s+∂ₗv1/∂w · ∂J/∂v1\s+x\s+-2\s+2\s+-4", text)


def test_digits_option_is_applied():
    explanation = explain("w/3", {"w": 1})
    assert "0.33 " in render_text(explanation, "text", RenderOptions(digits=2)) or "0.33\n" in render_text(
        explanation, "text", RenderOptions(digits=2)
    )


def test_json_is_parseable_and_matches_to_dict():
    assert json.loads(render_text(LECTURE, "json")) == json.loads(json.dumps(LECTURE.to_dict()))


def test_rich_renderer_builds_tables_with_the_same_content():
    console = Console(record=True, width=140, color_system=None)
    console.print(rich_renderer.render(LECTURE))
    shown = console.export_text()
    for expected in ("Forward pass", "Backward pass", "1.996002", "-3.998", "all 4 gradient checks pass"):
        assert expected in shown


def test_kink_note_is_shown_at_its_node():
    text = render_text(explain("relu(w*x)", {"w": 0, "x": 3}), "text")
    assert "note: J: relu is not differentiable at 0; the subgradient 0 is used" in text


def test_fan_out_sum_row():
    text = render_text(explain("w = 3; x = 2; p = w*x; s = w + x; J = p*s", {}), "text")
    assert "∂J/∂w (1 of 2)" in text and "sum of 2 paths: 6 + 10" in text


def test_rounding_is_announced_only_when_something_is_rounded():
    assert "rounded to 6 significant digits" in render_text(explain("exp(w)", {"w": 1}), "text")
    assert "rounded" not in render_text(LECTURE, "text")


def test_negative_value_after_unary_minus_is_parenthesised():
    text = render_text(explain("-w*x", {"w": -2, "x": 3}), "text")
    assert "-(-2)" in text and "--2" not in text
    assert "exp(-2)" in render_text(explain("exp(w)", {"w": -2}), "text")  # no parentheses inside calls
