"""The views' pictures, drawn by matplotlib: the plot (J against one input, and the zoom where the
ε secant and the tangent part) and the ε sweep's log–log errors, as SVG, PNG or PDF bytes.

matplotlib is imported here, inside the functions, and only when a picture is asked for: a run
that draws nothing never pays its import (about half a second). It is an extra
(`pip install "gradexplain[plot]"`); without it the error says how to get it. No pyplot: a
Figure of our own, drawn and written without global state, with fixed metadata so that the
same explanation gives the same bytes.
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING, Any

from gradexplain.errors import InputError
from gradexplain.numbers import format_number
from gradexplain.render.report import RenderOptions

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

PICTURE_FORMATS = ("svg", "png", "pdf")
# The report's colours (render/html.py): values blue, gradients magenta, local derivatives orange.
CURVE, TANGENT, SECANT, STEPS, GREY = "#1f4e79", "#b0185a", "#c2410c", "#1e7b34", "#5f6368"
WIDTH = 10.0  # inches; each row of panels is ROW high
ROW = 4.2
DPI = 110  # PNG: 1100 pixels wide
_METADATA = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}, "png": {"Software": None}}


def matplotlib_missing() -> InputError:
    return InputError(
        "drawing the plot needs matplotlib, which is not installed",
        hint='install it with pip install "gradexplain[plot]" (or pip install matplotlib); '
        "the text formats show the plot in characters meanwhile",
    )


def picture(explanation: Explanation, format: str, options: RenderOptions | None = None) -> bytes:
    """The views' picture in `format` (svg, png or pdf): one row of panels per view."""
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        raise matplotlib_missing() from None
    options = options or RenderOptions()
    views = explanation.views
    assert views is not None and views.pictured
    rows = [view for view in ("plot", "sweep") if getattr(views, view) is not None]
    with matplotlib.rc_context({"svg.hashsalt": "gradexplain", "font.size": 10, "svg.fonttype": "path"}):
        figure = Figure(figsize=(WIDTH, ROW * len(rows)), layout="constrained")
        mosaic = [["curve", "zoom"] if row == "plot" else ["sweep", "sweep"] for row in rows]
        axes = figure.subplot_mosaic(mosaic, width_ratios=[1.6, 1])
        if views.plot is not None:
            _plot(explanation, axes["curve"], axes["zoom"], options)
        if views.sweep is not None:
            _sweep(explanation, axes["sweep"], options)
        buffer = io.BytesIO()
        figure.savefig(buffer, format=format, dpi=DPI, metadata=_METADATA[format])
    return buffer.getvalue()


def _n(value: Any, digits: int = 6) -> str:
    return format_number(value, digits)


def _plot(explanation: Explanation, curve: Any, zoom: Any, options: RenderOptions) -> None:
    plot = explanation.views.plot  # type: ignore[union-attr]
    graph = explanation.graph
    name, out = graph.nodes[plot.input].name, explanation.output.name
    notation = options.notation
    x0, y0, slope = float(plot.point), float(plot.value), float(plot.gradient)
    for k, piece in enumerate(plot.curve):
        xs, ys = zip(*piece, strict=True)
        curve.plot(xs, ys, color=CURVE, linewidth=2, label=f"{out}({name})" if k == 0 else None)
    ends = [plot.low, plot.high]
    curve.plot(
        ends,
        [y0 + slope * (x - x0) for x in ends],
        color=TANGENT,
        linewidth=1.2,
        label=f"tangent: slope {notation.gradient(out, name)} = {_n(plot.gradient)}",
    )
    estimate = plot.secant_slope
    if plot.secant is not None and estimate is not None:
        (xa, ya), _ = plot.secant
        curve.plot(
            ends,
            [float(ya) + float(estimate) * (x - float(xa)) for x in ends],
            color=SECANT,
            linewidth=1.2,
            linestyle=(0, (5, 4)),
            label=f"ε secant ({plot.method} difference, ε = {_n(plot.eps)}): slope {_n(estimate)}",
        )
    for a, b in plot.undefined:
        if b > a:
            curve.axvspan(a, b, color=GREY, alpha=0.12, linewidth=0)
        elif plot.low < a < plot.high:  # a hole: one point without a value, the curve on both sides
            at = _on_curve(plot.curve, a)
            curve.plot([a], [at], marker="o", markersize=7, markerfacecolor="white", color="black", zorder=5)
    for x in plot.poles:
        curve.axvline(x, color=GREY, linestyle=":", linewidth=1)
    for x in plot.kinks:
        curve.plot([x], [_on_curve(plot.curve, x)], marker="o", markersize=5, markerfacecolor="white", color=CURVE)
    if plot.steps:
        xs, ys = zip((x0, y0), *plot.steps, strict=True)  # from the point, step by step
        label = "gradient descent's steps" + (
            " (they move other inputs too: off this curve)" if plot.steps_leave_curve else ""
        )
        curve.plot(xs, ys, color=STEPS, marker="o", markersize=4, linewidth=0.8, label=label)
        for k, (x, y) in enumerate(plot.steps[:9], start=1):
            curve.annotate(str(k), (x, y), textcoords="offset points", xytext=(4, 4), color=STEPS, fontsize=8)
    curve.plot([x0], [y0], "o", color="black", markersize=6, label=f"the point ({_n(plot.point)}, {_n(plot.value)})")
    curve.set_xlim(plot.low, plot.high)
    curve.set_ylim(plot.bottom, plot.top)
    curve.set_xlabel(name)
    curve.set_ylabel(out)
    fixed = [n for n in explanation.inputs if n.index != plot.input]
    others = ", ".join(f"{n.name} = {_n(explanation.values[n.index])}" for n in fixed)
    curve.set_title(f"{out} against {name}" + (f" ({others} fixed)" if others else ""), fontsize=10)
    curve.legend(fontsize=8, loc="best", framealpha=0.9)
    curve.grid(alpha=0.25)
    _zoom(explanation, zoom, options)


def _on_curve(pieces: Any, x: float) -> float:
    """The curve's value at a sampled x (a kink is one of the samples)."""
    return min((p for piece in pieces for p in piece), key=lambda p: abs(p[0] - x))[1]


def _zoom(explanation: Explanation, axes: Any, options: RenderOptions) -> None:
    """J minus the tangent near the point: the tangent is the axis, the secant a line of slope
    estimate − gradient through the point, the curve the bend the estimate is off by."""
    plot = explanation.views.plot  # type: ignore[union-attr]
    name, out = explanation.graph.nodes[plot.input].name, explanation.output.name
    x0 = float(plot.point)
    if plot.zoom:
        xs, ys = zip(*plot.zoom, strict=True)
        axes.plot(xs, ys, color=CURVE, linewidth=2, label=f"{out} − tangent line")
        axes.axhline(0, color=TANGENT, linewidth=1.2, label="the tangent (0 here)")
        estimate = plot.secant_slope
        if plot.secant is not None and estimate is not None:
            (xa, ya), (xb, yb) = plot.secant
            gradient, value = float(plot.gradient), float(plot.value)
            gap = float(estimate) - gradient
            ends = [xs[0], xs[-1]]
            at_a = float(ya) - value - gradient * (float(xa) - x0)
            axes.plot(
                ends,
                [at_a + gap * (x - float(xa)) for x in ends],
                color=SECANT,
                linestyle=(0, (5, 4)),
                linewidth=1.2,
                label=f"ε secant: slope {_n(estimate)} − {_n(plot.gradient)} = {_n(estimate - plot.gradient)}",
            )
            for x, y in ((xa, ya), (xb, yb)):
                axes.plot([float(x)], [float(y) - value - gradient * (float(x) - x0)], "o", color=SECANT, markersize=5)
        axes.plot([x0], [0], "o", color="black", markersize=6)
        axes.set_xlim(xs[0], xs[-1])
        axes.ticklabel_format(useOffset=True, style="sci", scilimits=(-3, 3))
        axes.legend(fontsize=8, loc="best", framealpha=0.9)
    axes.set_title(f"zoomed in to ε = {_n(plot.eps)}: {out} minus its tangent", fontsize=10)
    axes.set_xlabel(name)
    axes.set_ylabel(f"{out} − tangent")
    axes.grid(alpha=0.25)


def _sweep(explanation: Explanation, axes: Any, options: RenderOptions) -> None:
    sweep = explanation.views.sweep  # type: ignore[union-attr]
    name, out = explanation.graph.nodes[sweep.input].name, explanation.output.name
    notation = options.notation
    rows = sorted(sweep.rows, key=lambda row: row.eps)
    arms = (
        ("forward_exact", "forward difference, exact", CURVE, (0, (4, 3)), "o"),
        ("central_exact", "central difference, exact", SECANT, (0, (4, 3)), "s"),
        ("forward_float", "forward difference, in doubles", CURVE, "-", "o"),
        ("central_float", "central difference, in doubles", SECANT, "-", "s"),
    )
    for arm, label, colour, style, marker in arms:
        points = [(float(row.eps), float(getattr(row, arm).error)) for row in rows if getattr(row, arm).error]
        if not points:
            axes.plot([], [], color=colour, linestyle=style, label=f"{label}: error 0 at every ε")
            continue
        xs, ys = zip(*points, strict=True)
        filled = "full" if arm.endswith("float") else "none"
        axes.plot(xs, ys, color=colour, linestyle=style, marker=marker, fillstyle=filled, label=label)
    for arm, best in (("forward_float", sweep.best_forward), ("central_float", sweep.best_central)):
        if best is not None:
            error = next(getattr(row, arm).error for row in rows if row.eps == best)
            if error:
                axes.plot([float(best)], [float(error)], "*", color=STEPS, markersize=13, zorder=5)
    axes.plot([], [], "*", color=STEPS, markersize=10, label="best ε in doubles")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("ε")
    axes.set_ylabel("|estimate − gradient|")
    gradient = notation.gradient(out, name)
    axes.set_title(
        f"how ε matters: the error of the difference quotients for {gradient} = {_n(sweep.gradient)} "
        f"at {name} = {_n(sweep.point)}",
        fontsize=10,
    )
    axes.grid(alpha=0.25, which="both")
    axes.legend(fontsize=8, loc="best", framealpha=0.9)
    if not math.isfinite(axes.get_ylim()[0]):
        axes.set_ylim(bottom=1e-20)
