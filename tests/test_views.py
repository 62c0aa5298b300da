"""The views of the derivative: --plot, --sweep, --mode forward, --descend.

Numbers are checked against independent sources: Baydin et al. (JMLR 2018) Table 2 for forward
mode, the lecture's ε rows for the sweep, closed forms for the descent. Pictures are opened (SVG
parsed, PNG and PDF read) and left in .artifacts/ to look at.
"""

from __future__ import annotations

import itertools
import math
import re
import shutil
import struct
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest

from gradexplain import explain
from gradexplain.errors import InputError
from gradexplain.limits import Limits
from gradexplain.output import render_bytes
from gradexplain.render import RenderOptions, render_text
from gradexplain.views import with_views
from tests.conftest import EXAMPLES, ROOT, run_cli

ARTIFACTS = ROOT / ".artifacts"
SQUARE = EXAMPLES / "square.gx"
LECTURE = ["0.5*(w*x+b-y)**2", "--w", "2", "--x", "-2", "--b", "8", "--y", "2"]
LECTURE_VALUES = {"w": 2, "x": -2, "b": 8, "y": 2}
POWERS = {Fraction(1, 10**k) for k in range(1, 31)}  # the sweep's powers of ten (it adds 0.002)


def square(**views):
    return with_views(explain(SQUARE.read_text(encoding="utf-8"), check=True), **views)


# ── forward mode ─────────────────────────────────────────────────────────────────────────


def test_forward_mode_reproduces_baydin_table_2():
    """f(x1, x2) = ln(x1) + x1*x2 - sin(x2) at (2, 5), seeded at x1: Baydin et al. 2018, Table 2."""
    explanation = with_views(explain("ln(x1) + x1*x2 - sin(x2)", {"x1": 2, "x2": 5}), mode="forward")
    graph = explanation.graph
    sweep = explanation.views.forward_mode.sweeps[0]
    assert graph.nodes[sweep.seed].name == "x1"
    by_definition = {graph.definition(graph.nodes[row.node]): row for row in sweep.rows}
    values = {graph.definition(graph.nodes[i]): explanation.values[i] for i in range(len(graph.nodes))}
    # The primal trace: v1 = ln 2 = 0.693, v2 = 10, v3 = sin 5 = -0.959, v4 = 10.693, v5 = y = 11.652.
    assert float(values["ln(x1)"]) == pytest.approx(0.693, abs=5e-4)
    assert values["x1*x2"] == 10
    assert float(values["sin(x2)"]) == pytest.approx(-0.959, abs=5e-4)
    assert float(explanation.output_value) == pytest.approx(11.652, abs=5e-4)
    # The tangent trace: v̇1 = 1/2, v̇2 = 1·5 + 0·2 = 5, v̇3 = 0·cos 5 = 0, v̇4 = 5.5, ẏ = 5.5.
    assert by_definition["ln(x1)"].tangent == Fraction(1, 2)
    assert by_definition["x1*x2"].tangent == 5
    assert by_definition["sin(x2)"].tangent == 0
    assert sweep.output_tangent == Fraction(11, 2)
    # The reverse trace's adjoints: x̄1 = 5.5, x̄2 = 1.716.
    assert explanation.gradients["x1"] == Fraction(11, 2)
    assert float(explanation.gradients["x2"]) == pytest.approx(1.716, abs=5e-4)
    second = explanation.views.forward_mode.sweeps[1]
    assert float(second.output_tangent) == pytest.approx(2 - math.cos(5), rel=1e-12)


def test_forward_mode_counts_one_sweep_per_input_against_one_backward_pass():
    explanation = with_views(explain(LECTURE[0], LECTURE_VALUES), mode="forward")
    mode = explanation.views.forward_mode
    assert len(mode.sweeps) == 4
    assert mode.products == mode.reverse_steps == 8
    assert mode.evaluations == 32
    for sweep in mode.sweeps:
        assert sweep.output_tangent == explanation.node_gradients[sweep.seed]
    text = render_text(explanation, "text")
    assert "4 sweeps × 8 local-derivative products = 32" in text
    assert "Forward mode (left to right), sweep 1 of 4, seeded at w: ∂w/∂w = 1, the other inputs 0" in text
    assert "∂ₗv1/∂w · ∂w/∂w + ∂ₗv1/∂x · ∂x/∂w" in text


def test_forward_mode_in_the_adjoint_notation_writes_tangents_with_a_dot():
    explanation = with_views(explain("w*x", {"w": 2, "x": 3}, wrt=["w"]), mode="forward")
    text = render_text(explanation, "text", RenderOptions(notation="adjoint"))
    assert "seeded at w: w\u0307 = 1" in text
    assert "∂ₗJ/∂w · w\u0307" in text


def test_cost_counts_forward_mode_too():
    explanation = with_views(explain(LECTURE[0], LECTURE_VALUES, cost=True), mode="forward")
    assert explanation.views.forward_mode.seconds is not None
    text = render_text(explanation, "text")
    assert "forward mode: 4 tangent sweeps, one per input" in text
    assert "32 local-derivative products (4 × 8)" in text


# ── the ε sweep ──────────────────────────────────────────────────────────────────────────


def test_sweep_has_the_lectures_exact_rows():
    sweep = square(sweep="w").views.sweep
    rows = {row.eps: row for row in sweep.rows}
    assert rows[Fraction(1, 1000)].forward_exact.value == Fraction("6.001")
    assert rows[Fraction(2, 1000)].forward_exact.value == Fraction("6.002")
    assert rows[Fraction(2, 1000)].why == "twice --check's ε"
    assert next(row.eps for row in sweep.rows) == Fraction(1, 10)
    assert sweep.rows[-1].eps == Fraction(1, 10**12)
    assert sweep.exact


def test_sweep_error_only_shrinks_exactly_and_is_v_shaped_in_floating_point():
    sweep = square(sweep="w").views.sweep
    decades = [row for row in sweep.rows if row.eps in POWERS]
    exact = [row.forward_exact.error for row in decades]
    assert exact == sorted(exact, reverse=True) and exact[-1] == Fraction(1, 10**12)  # error = ε exactly for w²
    floats = [row.forward_float.error for row in decades]
    best = min(floats)
    assert floats[0] > 1000 * best and floats[-1] > 1000 * best  # the V: both ends far above the bottom
    assert Fraction(1, 10**9) <= sweep.best_forward <= Fraction(1, 10**7)


def test_sweep_beyond_the_rationals_uses_enough_digits():
    explanation = with_views(explain("sin(w)", {"w": 1}), sweep="w", eps_range="1e-1..1e-6")
    sweep = explanation.views.sweep
    assert not sweep.exact and sweep.digits >= 30
    errors = [row.central_exact.error for row in sweep.rows if row.eps in POWERS]
    for larger, smaller in itertools.pairwise(errors):
        assert 90 < larger / smaller < 110  # ε² per power of ten
    assert float(errors[-1]) == pytest.approx(1e-12 * math.cos(1) / 6, rel=1e-3)


def test_sweep_says_where_the_formula_has_no_value():
    explanation = with_views(explain("log(w)", {"w": "0.05"}), sweep="w")
    first = explanation.views.sweep.rows[0]  # ε = 0.1: w − ε < 0
    assert first.central_exact.value is None and first.forward_exact.value is not None
    assert "log" in render_text(explanation, "text")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0..1e-3", "ε must be positive"),
        ("-1..1e-3", "ε must be positive"),
        ("1e-1..1e-40", "more than 30 powers of ten"),
        ("10..1e-3", "ε above 1"),
        ("1e-3", "expected two values"),
        ("abc..1e-3", "not a number"),
    ],
)
def test_bad_eps_range_is_an_input_error(text, message):
    with pytest.raises(InputError, match=message):
        square(sweep="w", eps_range=text)


# ── the plot ─────────────────────────────────────────────────────────────────────────────


def test_plot_of_the_square_is_the_parabola_with_its_tangent_and_secant():
    plot = square(plot="w").views.plot
    assert (plot.point, plot.value, plot.gradient) == (3, 9, 6)
    assert plot.secant == ((3, 9), (Fraction("3.001"), Fraction("9.006001")))
    assert plot.secant_slope == Fraction("6.001")
    assert (plot.low, plot.high) == (0.0, 6.0)
    for x, y in plot.curve[0]:
        assert y == pytest.approx(x * x)
    # The zoom: J minus its tangent is (w - 3)², the secant's slope there is 6.001 - 6.
    for x, y in plot.zoom:
        assert y == pytest.approx((x - 3) ** 2, abs=1e-15)


def test_plot_is_not_drawn_across_a_pole():
    plot = with_views(explain("1/w", {"w": "0.5"}), plot="w").views.plot
    assert plot.poles == (0.0,)
    for piece in plot.curve:
        xs = [x for x, _ in piece]
        assert max(xs) < 0 or min(xs) > 0
    tangent = with_views(explain("tan(w)", {"w": 1}), plot="w").views.plot
    assert tangent.poles == pytest.approx((math.pi / 2,))
    assert len(tangent.curve) == 2


def _one_branch_per_piece(plot, pole):
    """No piece of the curve crosses `pole` or runs from far above to far below (a vertical line)."""
    for piece in plot.curve:
        xs, ys = [x for x, _ in piece], [y for _, y in piece]
        assert max(xs) <= pole or min(xs) >= pole
        assert not (max(ys) > 1e6 and min(ys) < -1e6)


def test_plot_breaks_at_a_pole_where_the_divisor_does_not_change_sign():
    """1/(w-1)**2: the divisor touches 0 at 1 and stays positive; the curve must not be joined
    across (issue 19), nor may a smooth dip of a divisor (1/(w²+1) at 0) be taken for a pole."""
    poles = [("1/(w-1)**2", "1.2", 1.0), ("1/(w-pi)**2", "3", math.pi), ("1/sin(w)**2", "3", math.pi)]
    for source, value, pole in poles:
        plot = with_views(explain(source, {"w": value}), plot="w").views.plot
        assert plot.poles == pytest.approx((pole,)), source
        _one_branch_per_piece(plot, pole)
    for source in ["1/(w**2 + 1)", "1/(2 + sin(10*w))", "exp(-w**2)/(w**2 + 0.01)"]:
        plot = with_views(explain(source, {"w": "0.5"}), plot="w").views.plot
        assert (plot.poles, plot.undefined, len(plot.curve)) == ((), (), 1), source


def test_plot_breaks_where_a_divisor_touches_zero_to_first_order_and_nowhere_else():
    """1/abs(w**2-2) has a pole at √2 (its divisor a V, not a parabola) and no corner there;
    2**w has no pole where its exponent crosses 0; 1/tan(w) none where tan's divisor cos does;
    (w-1)/(w-1) + w has one point without a value, a hole, and w/abs(w) a hole with a jump."""
    pole = with_views(explain("1/abs(w**2-2)", {"w": "1.2"}), plot="w").views.plot
    assert pole.poles == pytest.approx((math.sqrt(2),)) and pole.kinks == ()
    _one_branch_per_piece(pole, math.sqrt(2))
    for source, value in [("2**w", "0.3"), ("1/tan(w)", "1.2")]:
        plot = with_views(explain(source, {"w": value}), plot="w").views.plot
        assert all(abs(x - math.pi / 2) > 0.1 and abs(x) > 0.1 for x in plot.poles), source
    hole = with_views(explain("(w-1)/(w-1) + w", {"w": "1.3"}), plot="w").views.plot
    assert (hole.poles, hole.undefined, len(hole.curve)) == ((), ((1.0, 1.0),), 2)
    jump = with_views(explain("w/abs(w)", {"w": "0.5"}), plot="w").views.plot
    assert (jump.poles, jump.kinks, jump.undefined) == ((), (), ((0.0, 0.0),))
    assert "J has no value at w = 1" in render_text(
        with_views(explain("(w-1)/(w-1) + w", {"w": "1.3"}), plot="w"), "text"
    )


def test_plot_of_tan_has_no_vertical_line_at_its_pole():
    """The double nearest π/2 has tan = +1.6e16: it belongs to the left branch, not the right."""
    plot = with_views(explain("tan(w)", {"w": 1}), plot="w").views.plot
    _one_branch_per_piece(plot, math.pi / 2)
    assert "no value for w from" not in render_text(with_views(explain("1/w**4", {"w": 1}), plot="w"), "text")


def test_plot_ends_where_the_formula_stops_being_defined():
    plot = with_views(explain("sqrt(w)", {"w": "0.25"}), plot="w").views.plot
    assert plot.undefined == ((-0.75, 0.0),)
    assert plot.curve[0][0] == pytest.approx((0.0, 0.0), abs=1e-7)


def test_plot_has_a_corner_exactly_at_a_kink():
    plot = with_views(explain("abs(w - 0.3)", {"w": "0.2"}), plot="w").views.plot
    assert plot.kinks == pytest.approx((0.3,))
    bottom = min(y for _, y in plot.curve[0])
    assert bottom == pytest.approx(0.0, abs=1e-12)


def test_plot_text_chart_marks_the_point_and_the_tangent():
    text = render_text(square(plot="w"), "text")
    chart = text.split("J against w near w = 3 (--plot w)")[1]
    assert "O" in chart and "*" in chart and "." in chart
    assert "(9.006001 - 9)/0.001 = 6.001" in text
    assert "their slopes differ by 0.001" in text


def test_plot_of_an_input_not_in_wrt_is_an_error():
    explanation = explain(LECTURE[0], LECTURE_VALUES, wrt=["w"])
    with pytest.raises(InputError, match="x is not in --wrt"):
        with_views(explanation, plot="x")
    with pytest.raises(InputError, match="no input named q"):
        with_views(explanation, sweep="q")


# ── gradient descent ─────────────────────────────────────────────────────────────────────


def test_descent_on_the_lecture_unit_converges_exactly():
    explanation = explain(LECTURE[0], LECTURE_VALUES, wrt=["w", "b"])
    descent = with_views(explanation, descend=4, lr="0.1").views.descent
    # d = wx + b - y shrinks by 1 - α(x² + 1) = 1/2 each step, so J = d²/2 by 1/4.
    assert [step.output for step in descent.steps] == [Fraction(2, 4**k) for k in range(5)]
    assert descent.steps[1].values == (Fraction("2.4"), Fraction("7.8"))
    assert descent.verdict == "converging" and descent.floating_from is None


def test_descent_with_too_large_a_rate_says_it_diverges():
    explanation = explain(LECTURE[0], LECTURE_VALUES, wrt=["w", "b"])
    descent = with_views(explanation, descend=6, lr="0.5").views.descent
    assert descent.verdict == "diverging"
    assert "α = 0.5 is too large" in descent.summary
    assert "growing at 6 of 6 steps" in descent.summary


def test_descent_names_the_step_where_values_leave_floating_point():
    explanation = explain("w**4", {"w": 3})
    with pytest.raises(InputError, match=r"gradient descent, step \d+: .*(floating point|too large)"):
        with_views(explanation, descend=50, lr=1)


def test_descent_turns_to_floating_point_once_fractions_grow():
    descent = with_views(explain("w**3 + w", {"w": "0.5"}), descend=12, lr="0.01").views.descent
    assert descent.floating_from is not None
    assert isinstance(descent.steps[-1].output, float)


@pytest.mark.parametrize(
    ("views", "message"),
    [
        ({"descend": 5, "lr": 0}, "--lr must be positive"),
        ({"descend": 5, "lr": "-0.1"}, "--lr must be positive"),
        ({"descend": 5}, "needs a learning rate"),
        ({"lr": "0.1"}, "--descend, which was not given"),
        ({"descend": 0, "lr": "0.1"}, "at least 1"),
        ({"descend": 2000, "lr": "0.1"}, "limit of 1,000"),
    ],
)
def test_bad_descent_options_are_input_errors(views, message):
    with pytest.raises(InputError, match=message):
        square(**views)


def test_descent_steps_are_capped_by_a_limit():
    explanation = explain("w**2", {"w": 3})
    with pytest.raises(InputError, match="limit of 10") as problem:
        with_views(explanation, descend=20, lr="0.1", limits=Limits(descent_steps=10))
    assert "--limit descent_steps=N" in problem.value.hint


def test_descent_steps_appear_on_the_plot():
    explanation = with_views(explain("w**2", {"w": 3}), plot="w", descend=3, lr="0.1")
    plot = explanation.views.plot
    expected = [(2.4, 5.76), (1.92, 3.6864), (1.536, 2.359296)]
    assert [x for x, _ in plot.steps] == pytest.approx([x for x, _ in expected])
    assert [y for _, y in plot.steps] == pytest.approx([y for _, y in expected])
    assert not plot.steps_leave_curve


# ── the command line ─────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--plot", "q"], "--plot q: the formula has no input named q"),
        (["--wrt", "w", "--sweep", "x"], "--sweep x: x is not in --wrt"),
        (["--sweep", "w", "--eps-range", "0..1e-3"], "ε must be positive"),
        (["--descend", "5", "--lr", "0"], "--lr must be positive"),
        (["--descend", "5"], "--descend needs a learning rate"),
        (["--format", "pdf"], "--format pdf draws the pictures of --plot and --sweep"),
    ],
)
def test_bad_view_options_exit_2_with_one_short_message(args, message):
    result = run_cli(*LECTURE, *args)
    assert result.returncode == 2
    err = result.stderr.decode()
    assert message in err and "Traceback" not in err
    assert len(err.splitlines()) <= 3


def test_eps_range_without_sweep_is_a_warning():
    result = run_cli(*LECTURE, "--eps-range", "1e-1..1e-3")
    assert result.returncode == 0
    assert "--eps-range only applies to --sweep" in result.stderr.decode()


def test_cli_text_of_the_views_is_the_library_rendering():
    result = run_cli("-f", str(SQUARE), "--check", "--plot", "w", "--sweep", "w", "--mode", "forward")
    assert result.returncode == 0
    assert result.stdout.decode() == render_text(square(plot="w", sweep="w", mode="forward"), "text")


def test_a_plain_or_text_plot_run_loads_no_plotting_library():
    loaded = run_cli.__globals__["subprocess"].run(
        [
            sys.executable,
            "-c",
            "import io, sys\n"
            f"sys.argv = ['gradexplain', '-f', {str(SQUARE)!r}, '--plot', 'w', '--sweep', 'w']\n"
            "sys.stdout = io.TextIOWrapper(io.BytesIO())\n"
            "from gradexplain.cli import run\n"
            "try:\n    run()\nexcept SystemExit as done:\n    assert done.code == 0, done.code\n"
            "sys.stdout = sys.__stdout__\n"
            "print(' '.join(name for name in ('matplotlib', 'numpy') if name in sys.modules))\n",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == ""


# ── golden files ─────────────────────────────────────────────────────────────────────────

VIEWS = {"plot": "w", "sweep": "w", "mode": "forward", "descend": 5, "lr": "0.1"}


def test_views_text_golden(text_snapshot):
    assert render_text(square(**VIEWS), "text") == text_snapshot


def test_views_json_golden(json_snapshot):
    assert render_text(square(**VIEWS), "json") == json_snapshot


def test_lecture_descent_and_forward_mode_golden(text_snapshot):
    explanation = explain(LECTURE[0], LECTURE_VALUES, wrt=["w", "b"], check=True)
    assert render_text(with_views(explanation, mode="forward", descend=8, lr="0.1"), "text") == text_snapshot


def test_views_in_markdown_and_latex_keep_their_tables():
    explanation = square(**VIEWS)
    markdown = render_text(explanation, "markdown")
    assert "```text" in markdown and "### J against w near w = 3 (--plot w)" in markdown
    latex = render_text(explanation, "latex", standalone=True)
    assert "Gradient descent" in latex and "```" not in latex


def test_views_on_a_terminal_show_the_chart():
    from rich.console import Console

    from gradexplain.render import rich as rich_renderer

    console = Console(width=100, record=True, color_system=None)
    console.print(rich_renderer.render(square(**VIEWS)))
    shown = console.export_text()
    assert "J against w near w = 3 (--plot w)" in shown
    assert "* J(w)   . tangent   O the point" in shown


# ── pictures: opened, and left in .artifacts/ to look at ─────────────────────────────────


def _save(name: str, data: bytes) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_bytes(data)


def test_svg_picture_parses_and_has_both_panels():
    pytest.importorskip("matplotlib")
    data = render_bytes(square(plot="w", sweep="w"), "svg").data
    _save("views_square.svg", data)
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    assert len(root.findall(".//{http://www.w3.org/2000/svg}g[@id]")) > 10
    assert data == render_bytes(square(plot="w", sweep="w"), "svg").data  # the same bytes every time


def test_png_and_pdf_pictures_open():
    pytest.importorskip("matplotlib")
    explanation = with_views(explain(LECTURE[0], LECTURE_VALUES, wrt=["w", "b"]), plot="w", descend=6, lr="0.1")
    png = render_bytes(explanation, "png").data
    _save("views_lecture_plot.png", png)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1100, 462)
    pdf = render_bytes(explanation, "pdf").data
    _save("views_lecture_plot.pdf", pdf)
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1


def test_html_page_has_the_picture_inline():
    pytest.importorskip("matplotlib")
    page = render_bytes(square(plot="w"), "html").data.decode()
    _save("views_square.html", page.encode())
    assert 'aria-label="The views&#x27; plots' in page
    assert page.count("<svg") == (2 if shutil.which("dot") else 1)
    assert '<pre class="chart"' not in page


def test_without_matplotlib_pictures_say_how_to_get_it_and_html_falls_back_to_characters(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    explanation = square(plot="w")
    with pytest.raises(InputError, match="needs matplotlib") as problem:
        render_bytes(explanation, "svg")
    assert "gradexplain[plot]" in problem.value.hint
    rendered = render_bytes(explanation, "html")
    assert '<pre class="chart"' in rendered.data.decode()
    assert any("plot in characters" in warning for warning in rendered.warnings)
