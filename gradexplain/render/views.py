"""The views' tables (and their character charts) for the Report: a plot, the ε sweep, the tangent
traces of forward mode, the steps of gradient descent. Formatting only, as report.py."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import TYPE_CHECKING

from gradexplain.latex import latex_name, latex_number
from gradexplain.numbers import Number, format_number
from gradexplain.render.table import LEFT, RIGHT, TIMED_FROM, Cell, Shown, Table, duration
from gradexplain.render.textplot import Axes, Line, chart
from gradexplain.views.descent import Descent
from gradexplain.views.forward_mode import ForwardMode, TangentSweep
from gradexplain.views.plot import Plot
from gradexplain.views.sweep import Estimate, Sweep

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

# Terms of one forward chain rule shown before the rest is summed up as "…".
TERMS_SHOWN = 4
CURVE, TANGENT, POINT = "*", ".", "O"
# The sweep's four lines: exact arithmetic (lower case) and floating point (capitals).
SWEEP_MARKS = {"forward_exact": "f", "central_exact": "c", "forward_float": "F", "central_float": "C"}
ERROR_DIGITS = 3  # an error's size is what matters
FLOAT_DIGITS = 16  # a double's estimate in full, so that its round-off shows


def view_tables(explanation: Explanation, shown: Shown) -> list[Table]:
    """The tables of the views asked for, in the issue's order: plot, sweep, forward mode, descent."""
    views = explanation.views
    if views is None:
        return []
    tables: list[Table] = []
    if views.plot is not None:
        tables.append(plot_table(explanation, views.plot, shown))
    if views.sweep is not None:
        tables.extend(sweep_tables(explanation, views.sweep, shown))
    if views.forward_mode is not None:
        tables.extend(forward_mode_tables(explanation, views.forward_mode, shown))
    if views.descent is not None:
        tables.append(descent_table(explanation, views.descent, shown))
    return tables


def _name(explanation: Explanation, index: int) -> str:
    return explanation.graph.nodes[index].name


def _math(shown: Shown, math: str) -> str:
    return math if shown.math else ""


def _number_math(shown: Shown, text: str) -> str:
    return latex_number(text) if shown.math and text else ""


def _others(explanation: Explanation, index: int, shown: Shown) -> str:
    """`x = -2, b = 8` : the inputs held fixed while one moves."""
    return ", ".join(f"{n.name} = {shown(explanation.values[n.index])}" for n in explanation.inputs if n.index != index)


# ── --plot ────────────────────────────────────────────────────────────────────────────────


def plot_chart(explanation: Explanation, plot: Plot) -> tuple[str, ...]:
    """J against the input as characters: the curve, the tangent, the point, descent's steps."""
    name, out = _name(explanation, plot.input), explanation.output.name
    x0, y0, slope = float(plot.point), float(plot.value), float(plot.gradient)
    tangent = Line([[(plot.low, y0 + slope * (plot.low - x0)), (plot.high, y0 + slope * (plot.high - x0))]], TANGENT)
    marks = [(x, y, str(k) if k < 10 else "+") for k, (x, y) in enumerate(plot.steps, start=1)]
    axes = Axes(plot.low, plot.high, plot.bottom, plot.top, name)
    lines = chart(axes, [tangent, Line(plot.curve, CURVE)], [*marks, (x0, y0, POINT)])
    key = f"{CURVE} {out}({name})   {TANGENT} tangent   {POINT} the point"
    if plot.steps:
        key += "   1-9 descent steps (+ after 9)"
    return (*lines, key)


def plot_table(explanation: Explanation, plot: Plot, shown: Shown) -> Table:
    name, out = _name(explanation, plot.input), explanation.output.name
    notation = shown.notation
    point = f"({shown(plot.point)}, {shown(plot.value)})"
    rows: list[tuple[Cell, ...]] = [
        (
            Cell("tangent"),
            Cell(point, "value"),
            Cell(
                f"{notation.gradient(out, name)} = {shown(plot.gradient)}",
                "gradient",
                _math(shown, f"{notation.gradient_latex(out, name)} = {latex_number(shown(plot.gradient))}"),
            ),
        )
    ]
    if plot.secant is not None:
        (xa, ya), (xb, yb) = plot.secant
        slope = plot.secant_slope
        assert slope is not None
        operands = shown.operands_of((yb, ya), slope, lambda pair: (pair[0] - pair[1]) / Fraction(xb - xa))
        text = f"({operands(yb)} - {operands.operand(ya)})/{shown(xb - xa)} = {shown(slope)}"
        rise = f"{latex_number(operands(yb))} - {latex_number(operands.operand(ya))}"
        math = f"\\frac{{{rise}}}{{{latex_number(shown(xb - xa))}}} = {latex_number(shown(slope))}"
        rows.append(
            (
                Cell(f"ε secant ({plot.method} difference)"),
                Cell(f"({shown(xa)}, {shown(ya)}) and ({shown(xb)}, {shown(yb)})", "value"),
                Cell(text, "", _math(shown, math)),
            )
        )
    others = _others(explanation, plot.input, shown)
    notes = [
        f"{out} drawn for {name} from {format_number(plot.low, 4)} to {format_number(plot.high, 4)}"
        + (f", with {others} fixed" if others else "")
    ]
    if plot.secant is not None and plot.secant_slope is not None:
        gap = abs(plot.secant_slope - plot.gradient)
        notes.append(
            f"at this scale the secant and the tangent look alike: their slopes differ by {shown(gap)}; "
            f"the picture's second panel (in HTML, or -o plot.svg) zooms in on {out} minus its tangent line, "
            "where they part"
        )
    else:
        notes.append(f"no ε secant: {out} has no value at {name} + ε")
    notes += [f"a corner (kink) at {name} = {format_number(x, 4)}: no slope there" for x in plot.kinks]
    notes += [
        f"{out} jumps at {name} = {format_number(x, 4)} (a pole): the curve is not drawn across it" for x in plot.poles
    ]
    notes += [
        f"{out} has no value at {name} = {format_number(a, 4)}"
        if format_number(a, 4) == format_number(b, 4)
        else f"{out} has no value for {name} from {format_number(a, 4)} to {format_number(b, 4)}"
        for a, b in plot.undefined
    ]
    if plot.steps:
        notes.append("the numbers are gradient descent's steps, in order (--descend)")
    if plot.steps_leave_curve:
        notes.append(
            f"descent moves the other inputs too, so its steps leave this curve (drawn with {others or 'them'} fixed)"
        )
    if plot.steps_outside:
        notes.append(f"{plot.steps_outside} descent steps lie outside the window and are not drawn")
    title = f"{out} against {name} near {name} = {shown(plot.point)} (--plot {name})"
    return Table(
        title,
        ("line", "through", "slope"),
        (LEFT, LEFT, LEFT),
        tuple(rows),
        tuple(notes),
        chart=plot_chart(explanation, plot),
    )


# ── --sweep ───────────────────────────────────────────────────────────────────────────────


def small(value: Number, digits: int = ERROR_DIGITS) -> str:
    """A small positive number as a reader compares them: 0.002, 0.001, then 1e-4, 3.65e-8."""
    if value == 0 or abs(value) >= Fraction(1, 1000):
        return format_number(value, digits)
    return format_number(float(value), digits)


def _estimate_cells(estimate: Estimate, shown: Shown) -> tuple[Cell, Cell]:
    if estimate.value is None:
        return Cell("—", "dim"), Cell("no value", "dim")
    text = format_number(estimate.value, max(shown.digits, FLOAT_DIGITS))
    error = small(estimate.error) if estimate.error is not None else ""
    return Cell(text, "value", _number_math(shown, text)), Cell(error, "", _number_math(shown, error))


def _eps_cell(eps: Fraction, shown: Shown) -> Cell:
    text = small(eps, 6)
    return Cell(text, "", _number_math(shown, text))


def sweep_chart(sweep: Sweep) -> tuple[str, ...]:
    """log10(error) against log10(ε), the four lines; errors of 0 cannot be drawn on a log scale."""
    import math

    lines = []
    points: list[tuple[float, float]] = []
    for arm, mark in SWEEP_MARKS.items():
        piece = [
            (math.log10(row.eps), math.log10(getattr(row, arm).error))
            for row in sorted(sweep.rows, key=lambda r: r.eps)
            if getattr(row, arm).error
        ]
        points += piece
        lines.append(Line([piece], mark))
    if not points:
        return ()
    xs, ys = [x for x, _ in points], [y for _, y in points]
    axes = Axes(min(xs), max(xs), math.floor(min(ys)), math.ceil(max(ys)), "ε (log scale)", log=True)
    key = "error (log scale):  f forward, exact   c central, exact   F forward, in doubles   C central, in doubles"
    return (*chart(axes, lines), key)


def sweep_tables(explanation: Explanation, sweep: Sweep, shown: Shown) -> list[Table]:
    name, out = _name(explanation, sweep.input), explanation.output.name
    notation = shown.notation
    gradient = notation.gradient(out, name)
    columns = ("ε", "forward difference", "error", "central difference", "error", "")
    tables = []
    for floating in (False, True):
        rows = []
        for row in sweep.rows:
            forward = row.forward_float if floating else row.forward_exact
            central = row.central_float if floating else row.central_exact
            rows.append(
                (
                    _eps_cell(row.eps, shown),
                    *_estimate_cells(forward, shown),
                    *_estimate_cells(central, shown),
                    Cell(row.why, "dim"),
                )
            )
        problems = sorted(
            {
                f"ε = {small(row.eps, 6)}: {estimate.problem}"
                for row in sweep.rows
                for estimate in (
                    (row.forward_float, row.central_float) if floating else (row.forward_exact, row.central_exact)
                )
                if estimate.problem
            }
        )
        if floating:
            notes = [
                f"in doubles, {out}({name} + ε) and {out}({name}) share more leading digits as ε shrinks and their "
                "difference keeps fewer: the round-off, about u·|J|/ε with u = 2^-53, grows until it outweighs "
                "the truncation error",
                f"best ε in floating point: {_best(sweep, 'forward_float', sweep.best_forward)} for the forward "
                f"difference, {_best(sweep, 'central_float', sweep.best_central)} for the central",
            ]
            title = f"ε sweep in floating point (doubles, as NumPy computes) for {gradient} (--sweep {name})"
        else:
            truth = shown(sweep.gradient)
            how = "exact" if sweep.exact else f"to {sweep.digits} digits"
            notes = [
                f"errors against {gradient} = {truth} ({how})",
                "in exact arithmetic the error only shrinks: about ε·|J''|/2 for the forward difference "
                "(10 times smaller per power of ten), ε²·|J'''|/6 for the central (100 times)",
            ]
            if not sweep.exact:
                notes.append(
                    f"the formula leaves the rationals, so 'exact' here is {sweep.digits} significant digits "
                    "(mpmath), whose own round-off lies far below every error shown"
                )
            if all(row.central_exact.error == 0 for row in sweep.rows):
                notes.append(f"the central difference is exact at every ε: {out} is quadratic in {name} (J''' = 0)")
            title = f"ε sweep in exact arithmetic for {gradient} at {name} = {shown(sweep.point)} (--sweep {name})"
        tables.append(
            Table(
                title,
                columns,
                (RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, LEFT),
                tuple(rows),
                tuple(notes + problems),
                optional=(5,),
                chart=sweep_chart(sweep) if floating else (),
            )
        )
    return tables


def _best(sweep: Sweep, arm: str, eps: Fraction | None) -> str:
    if eps is None:
        return "none (no estimate)"
    row = next(r for r in sweep.rows if r.eps == eps)
    error = getattr(row, arm).error
    return f"ε = {small(eps, 6)} (error {small(error)})"


# ── --mode forward ────────────────────────────────────────────────────────────────────────


def _tangent(shown: Shown, of: str, by: str) -> tuple[str, str]:
    notation = shown.notation
    return notation.tangent(of, by), _math(shown, notation.tangent_latex(of, by))


def sweep_trace_table(explanation: Explanation, trace: TangentSweep, number: int, total: int, shown: Shown) -> Table:
    graph = explanation.graph
    seed = graph.nodes[trace.seed].name
    notation = shown.notation
    rows = []
    for row in trace.rows:
        node = graph.nodes[row.node]
        tangent, tangent_math = _tangent(shown, node.name, seed)
        if node.is_input:
            chain = "the seed" if row.node == trace.seed else "not the seed"
            rows.append(
                (
                    Cell(node.name, "", _math(shown, latex_name(node.name))),
                    shown.number(explanation.values[row.node]),
                    Cell(tangent, "gradient", tangent_math),
                    Cell(chain, "dim"),
                    Cell(""),
                    shown.number(row.tangent, "gradient"),
                )
            )
            continue
        parts: list[tuple[str, str]] = []
        maths: list[str] = []
        values: list[str] = []
        for k, term in enumerate(row.terms[:TERMS_SHOWN]):
            argument = graph.nodes[term.arg].name
            local = notation.local(node.name, argument)
            upstream, upstream_math = _tangent(shown, argument, seed)
            parts += [(" + " if k else "", "dim"), (local, "local"), (" · ", "dim"), (upstream, "gradient")]
            maths.append(f"{notation.local_latex(node.name, argument)} \\cdot {upstream_math}")
            values.append(f"{shown.operand(term.local)} · {shown.operand(term.tangent)}")
        if len(row.terms) > TERMS_SHOWN:
            parts.append((f" + … ({len(row.terms) - TERMS_SHOWN} more)", "dim"))
            maths.append("\\cdots")
            values.append("…")
        text = "".join(text for text, _ in parts) if parts else "no chosen input lies below it"
        rows.append(
            (
                Cell(node.name, "", _math(shown, latex_name(node.name))),
                shown.number(explanation.values[row.node]),
                Cell(tangent, "gradient", tangent_math),
                Cell(text, "dim", _math(shown, " + ".join(maths)), tuple(parts)),
                Cell(" + ".join(values), "dim"),
                shown.number(row.tangent, "gradient"),
            )
        )
    seed_tangent = notation.tangent(seed, seed)
    which = f"sweep {number} of {total}, " if total > 1 else ""
    title = f"Forward mode (left to right), {which}seeded at {seed}: {seed_tangent} = 1, the other inputs 0"
    notes = (
        f"each tangent {notation.tangent('v', seed)} = Σ {notation.local('v', 'a')} · "
        f"{notation.tangent('a', seed)} over v's arguments a, computed with v's value",
    )
    return Table(
        title,
        ("node", "value", "tangent", "chain rule", "with values", "tangent value"),
        (LEFT, RIGHT, LEFT, LEFT, LEFT, RIGHT),
        tuple(rows),
        notes,
        optional=(4, 3),
    )


def forward_mode_tables(explanation: Explanation, mode: ForwardMode, shown: Shown) -> list[Table]:
    """A tangent trace per chosen input, then forward against reverse: the same gradients, and their cost."""
    total = len(mode.sweeps)
    tables = [sweep_trace_table(explanation, trace, k, total, shown) for k, trace in enumerate(mode.sweeps, start=1)]
    out = explanation.output.name
    notation = shown.notation
    rows = []
    for k, trace in enumerate(mode.sweeps, start=1):
        seed = _name(explanation, trace.seed)
        reverse = explanation.node_gradients[trace.seed]
        agree = _agree(trace.output_tangent, reverse)
        rows.append(
            (
                Cell(seed, "", _math(shown, latex_name(seed))),
                Cell(f"sweep {k}: {notation.tangent(out, seed)} = {shown(trace.output_tangent)}", "gradient"),
                Cell(f"{notation.gradient(out, seed)} = {shown(reverse)}", "gradient"),
                Cell("yes" if agree else "NO", "ok" if agree else "bad"),
            )
        )
    inputs = "the input" if total == 1 else f"all {total} inputs"
    notes = (
        f"forward mode: one sweep per input, {_count(total, 'sweep')} × "
        f"{_count(mode.products, 'local-derivative product')}"
        f" = {mode.evaluations:,}; reverse mode: one backward sweep for {inputs}, "
        f"{_count(mode.reverse_steps, 'product')}",
        "with one output and P inputs reverse mode does 1/P of forward mode's work; with one input and many "
        "outputs forward mode would be the cheaper",
    )
    tables.append(
        Table(
            "Forward mode against reverse mode: the same gradients",
            ("input", "forward mode (its own sweep)", "reverse mode (the backward pass)", "agree"),
            (LEFT, LEFT, LEFT, LEFT),
            tuple(rows),
            notes,
        )
    )
    return tables


def _agree(forward: Number, reverse: Number | None) -> bool:
    """The same gradient: exactly, or in floating point within the rounding of summing in another order."""
    if reverse is None:
        return False
    if isinstance(forward, Fraction) and isinstance(reverse, Fraction):
        return forward == reverse
    return abs(float(forward) - float(reverse)) <= 1e-12 * max(1.0, abs(float(reverse)))


def _count(number: int, thing: str) -> str:
    return f"{number:,} {thing}{'' if number == 1 else 's'}"


def with_forward_mode_cost(table: Table, explanation: Explanation) -> Table:
    """--cost's table with a row for forward mode's sweeps, when --mode forward ran them."""
    mode = explanation.views.forward_mode if explanation.views is not None else None
    if mode is None:
        return table
    p = len(mode.sweeps)
    timed = explanation.cost is not None and explanation.cost.nudge_evaluations >= TIMED_FROM
    seconds = duration(mode.seconds) if mode.seconds is not None and timed else "—"
    row = (
        Cell(f"forward mode: {p} tangent sweep{'s' if p != 1 else ''}, one per input"),
        Cell(f"{mode.evaluations:,} local-derivative products ({p:,} × {mode.products:,})"),
        Cell(seconds, "value"),
    )
    return replace(table, rows=(*table.rows, row))


# ── --descend ─────────────────────────────────────────────────────────────────────────────


def descent_table(explanation: Explanation, descent: Descent, shown: Shown) -> Table:
    out = explanation.output.name
    notation = shown.notation
    names = [_name(explanation, i) for i in descent.inputs]
    columns = ("step", *names, out, *(notation.gradient(out, n) for n in names))
    rows = []
    for step in descent.steps:
        rows.append(
            (
                Cell(str(step.step)),
                *(shown.number(v) for v in step.values),
                shown.number(step.output),
                *(shown.number(g, "gradient") for g in step.gradients),
            )
        )
    theta = names[0] if len(names) == 1 else "θ"
    rule = f"{theta} ← {theta} − α·{notation.gradient(out, theta)}"
    alpha = shown(descent.rate)
    count = len(descent.steps) - 1
    title = f"Gradient descent: {rule} with α = {alpha}, {_count(count, 'step')} (--descend {count} --lr {alpha})"
    notes = [descent.summary]
    if len(names) > 1:
        notes.append(f"θ stands for each of {', '.join(names)}; the other inputs stay fixed")
    if descent.floating_from is None:
        notes.append("exact arithmetic at every step")
    else:
        notes.append(f"from step {descent.floating_from} on, floating point: the exact fractions grew too long to keep")
    return Table(
        title,
        columns,
        (LEFT,) + (RIGHT,) * (len(columns) - 1),
        tuple(rows),
        tuple(notes),
    )
