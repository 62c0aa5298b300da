"""Gradients in the chosen notation; local derivatives in one notation that never reads as a gradient."""

import re

import pytest
from rich.console import Console

from gradexplain import explain
from gradexplain.notation import ADJOINT, DVAR, LEIBNIZ, NOTATIONS, Notation, overlined
from gradexplain.render import RenderOptions, render_text
from gradexplain.render import rich as rich_render
from gradexplain.render.dot import GRADIENT_COLOUR, LOCAL_COLOUR
from tests.conftest import plain_local_marks, run_cli

LECTURE = explain("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2}, check=True)
TEXT_FORMATS = ("text", "markdown", "latex", "html", "dot", "mermaid", "tree")


def test_each_notation_writes_the_gradient_its_own_way():
    assert Notation(LEIBNIZ).gradient("J", "w") == "∂J/∂w"
    assert Notation(DVAR).gradient("J", "w") == "dJ_dw"
    assert Notation(ADJOINT).gradient("J", "w") == "w̄"
    assert Notation(LEIBNIZ).gradient_latex("J", "w_1") == r"\frac{\partial J}{\partial w_{1}}"
    assert Notation(DVAR).gradient_latex("J", "w1") == r"dJ\_dw_{1}"
    assert Notation(ADJOINT).gradient_latex("J", "v4") == r"\bar{v}_{4}"


def test_the_local_derivative_is_the_same_in_every_notation_and_never_a_gradient():
    for style in NOTATIONS:
        notation = Notation(style)
        assert notation.local("J", "v4") == "∂ₗJ/∂v4"
        assert notation.local_latex("J", "v4") == r"\frac{\partial_{\ell} J}{\partial v_{4}}"
        # The output's own local derivative is where the two used to coincide.
        assert notation.local("J", "v4") != notation.gradient("J", "v4")
        assert notation.local_latex("J", "v4") != notation.gradient_latex("J", "v4")


def test_a_bar_goes_over_one_letter_or_the_whole_name():
    assert overlined("w") == "w\u0304"
    assert overlined("v4") == "v\u03044"
    assert overlined("w_1") == "w\u0304_1"
    assert overlined("θ") == "θ\u0304"
    assert overlined("out") == "o\u0305u\u0305t\u0305"


def test_an_unknown_notation_is_refused():
    with pytest.raises(ValueError, match="choose one of leibniz, dvar, adjoint"):
        Notation("newton")
    assert RenderOptions(notation="dvar").notation == Notation(DVAR)  # a library user may pass its name


def test_the_legend_explains_both_kinds_once_and_avoids_the_outputs_name():
    gradient, local = Notation(DVAR).legend("J")
    assert gradient.startswith("dJ_dv (∂J/∂v) is a gradient")
    assert local.startswith("∂ₗc/∂v is a local derivative")
    assert Notation(LEIBNIZ).legend("v")[0].startswith("∂v/∂u is a gradient: how v changes with u")


@pytest.mark.parametrize("style", NOTATIONS)
@pytest.mark.parametrize("format", TEXT_FORMATS)
def test_every_format_uses_the_notation_for_gradients_and_the_local_one_for_edges(style, format):
    text = plain_local_marks(render_text(LECTURE, format, RenderOptions(notation=style)))
    gradient = {LEIBNIZ: "∂J/∂w", DVAR: "dJ_dw", ADJOINT: "w̄"}[style]
    gradient_latex = {LEIBNIZ: r"\frac{\partial J}{\partial w}", DVAR: r"dJ\_dw", ADJOINT: r"\bar{w}"}[style]
    if format == "latex":
        assert gradient_latex in text
        assert r"\frac{\partial_{\ell} v_{1}}{\partial w}" in text
    elif format == "markdown":  # tables in LaTeX mathematics, the drawing in Mermaid's text
        assert gradient_latex in text and r"\frac{\partial_{\ell} J}{\partial v_{4}}" in text
        assert f"{gradient} = -4" in text and "∂ₗv1/∂w = x = -2" in text
    else:
        assert gradient in text
        assert "∂ₗv1/∂w" in text and "∂ₗJ/∂v4" in text
    # No local derivative is ever written like a gradient: ∂v1/∂w (Leibniz without the ℓ) is gone.
    assert not re.search(r"∂(v\d|J)/∂", text.replace("∂J/∂", "")), "a local derivative without its ℓ"
    if style != LEIBNIZ:
        assert "∂J/∂w =" not in text and "∂J/∂w " not in text.replace("∂J/∂v", "")


def test_rich_tables_colour_local_derivatives_and_gradients_differently():
    console = Console(width=160, force_terminal=True, color_system="truecolor")
    styles: dict[str, set[str]] = {}
    for segment in console.render(rich_render.render(LECTURE)):
        if segment.style is not None and segment.text.strip():
            styles.setdefault(segment.text.strip(), set()).add(str(segment.style))
    assert styles["∂ₗv1/∂w"] == {rich_render.STYLES["local"]}
    assert styles["∂J/∂v1"] == {rich_render.STYLES["gradient"]}
    assert rich_render.STYLES["local"] != rich_render.STYLES["gradient"]


def test_drawings_colour_local_derivatives_and_gradients_differently():
    dot = plain_local_marks(render_text(LECTURE, "dot"))
    assert f'<FONT COLOR="{LOCAL_COLOUR}">∂ₗJ/∂v4<BR/>= 0.5</FONT>' in dot
    assert f'<FONT COLOR="{GRADIENT_COLOUR}">∂J/∂v4 = 0.5</FONT>' in dot
    assert "gradient (in a box)" in dot and "local derivative (on an arrow)" in dot  # the key
    mermaid = render_text(LECTURE, "mermaid")
    assert f"<font color='{GRADIENT_COLOUR}'>∂J/∂v4 = 0.5</font>" in mermaid
    assert f"linkStyle default color:{LOCAL_COLOUR}" in mermaid
    html = plain_local_marks(render_text(LECTURE, "html"))
    assert '<span class="local">∂ₗJ/∂v4</span><span class="dim"> · </span><span class="gradient">∂J/∂J</span>' in html
    assert re.search(r"\.local \{ color: var\(--local\); \}", html)


def test_json_keeps_its_field_names_in_every_notation():
    texts = {render_text(LECTURE, "json", RenderOptions(notation=style)) for style in NOTATIONS}
    assert len(texts) == 1


def test_the_command_line_takes_a_notation():
    result = run_cli("0.5*(w*x+b-y)**2", "--w", "2", "--x", "-2", "--b", "8", "--y", "2", "--notation", "dvar")
    assert result.returncode == 0
    assert re.search(r"dJ_dw\s+∂ₗv1/∂w · dJ_dv1\s+x\s+-2\s+2\s+-4", result.stdout.decode())
    wrong = run_cli("w", "--w", "1", "--notation", "newton")
    assert wrong.returncode == 2 and b"newton" in wrong.stderr and b"Traceback" not in wrong.stderr
    quiet = run_cli("w", "--w", "1", "--notation", "adjoint", "--format", "json")
    assert quiet.returncode == 0 and b"--notation does not change JSON" in quiet.stderr
