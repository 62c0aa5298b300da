"""The views in the JSON document: `plot` (the data drawn, not the picture), `sweep`,
`forward_mode` and `descent`, each null unless asked for. Numbers as in the rest of the
document: JSON numbers, with the exact form beside them where the number loses it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gradexplain.numbers import Number, json_pair, put_number

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation
    from gradexplain.views.descent import Descent
    from gradexplain.views.forward_mode import ForwardMode
    from gradexplain.views.plot import Plot
    from gradexplain.views.sweep import Estimate, Sweep


def views_document(explanation: Explanation) -> dict[str, Any]:
    """The four keys, in this order; null for a view not asked for."""
    views = explanation.views
    names = [node.name for node in explanation.graph.nodes]
    return {
        "plot": _plot(views.plot, names) if views is not None and views.plot is not None else None,
        "sweep": _sweep(views.sweep, names) if views is not None and views.sweep is not None else None,
        "forward_mode": _forward(views.forward_mode, names)
        if views is not None and views.forward_mode is not None
        else None,
        "descent": _descent(views.descent, names) if views is not None and views.descent is not None else None,
    }


def _plot(plot: Plot, names: list[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"input": names[plot.input]}
    put_number(entry, "point", plot.point)
    put_number(entry, "value", plot.value)
    put_number(entry, "gradient", plot.gradient)
    entry["window"] = {"input": [plot.low, plot.high], "output": [plot.bottom, plot.top]}
    entry["curve"] = [[list(point) for point in piece] for piece in plot.curve]
    entry["kinks"], entry["poles"] = list(plot.kinks), list(plot.poles)
    entry["undefined"] = [list(stretch) for stretch in plot.undefined]
    secant: dict[str, Any] | None = None
    if plot.secant is not None:
        secant = {"method": plot.method}
        put_number(secant, "eps", plot.eps)
        secant["points"] = [[json_pair(x)[0], json_pair(y)[0]] for x, y in plot.secant]
        put_number(secant, "slope", plot.secant_slope)
    entry["secant"] = secant
    entry["zoom"] = [list(point) for point in plot.zoom]
    entry["steps"] = [list(point) for point in plot.steps]
    return entry


def _estimate(estimate: Estimate) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    put_number(entry, "value", estimate.value)
    put_number(entry, "error", estimate.error)
    entry["problem"] = estimate.problem
    return entry


def _sweep(sweep: Sweep, names: list[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"input": names[sweep.input]}
    put_number(entry, "point", sweep.point)
    put_number(entry, "gradient", sweep.gradient)
    entry["exact"] = sweep.exact
    entry["digits"] = None if sweep.exact else sweep.digits
    rows = []
    for row in sweep.rows:
        item: dict[str, Any] = {}
        put_number(item, "eps", row.eps)
        for arm in ("forward_exact", "central_exact", "forward_float", "central_float"):
            item[arm] = _estimate(getattr(row, arm))
        item["why"] = row.why or None
        rows.append(item)
    entry["rows"] = rows
    for key, best in (("best_forward", sweep.best_forward), ("best_central", sweep.best_central)):
        put_number(entry, key, best)
    return entry


def _forward(mode: ForwardMode, names: list[str]) -> dict[str, Any]:
    sweeps = []
    for sweep in mode.sweeps:
        rows = []
        for row in sweep.rows:
            item: dict[str, Any] = {"node": names[row.node]}
            put_number(item, "tangent", row.tangent)
            terms = []
            for term in row.terms:
                part: dict[str, Any] = {"argument": names[term.arg], "slot": term.slot + 1}
                put_number(part, "local_value", term.local)
                put_number(part, "tangent", term.tangent)
                terms.append(part)
            item["terms"] = terms
            rows.append(item)
        entry: dict[str, Any] = {"seed": names[sweep.seed], "rows": rows}
        put_number(entry, "output_tangent", sweep.output_tangent)
        sweeps.append(entry)
    entry = {
        "sweeps": sweeps,
        "computed_nodes": mode.computed,
        "products_per_sweep": mode.products,
        "forward_products": mode.evaluations,
        "reverse_products": mode.reverse_steps,
    }
    if mode.seconds is not None:  # only with --cost: measured, so it varies
        entry["seconds"] = mode.seconds
    return entry


def _descent(descent: Descent, names: list[str]) -> dict[str, Any]:
    inputs = [names[i] for i in descent.inputs]
    entry: dict[str, Any] = {"inputs": inputs}
    put_number(entry, "lr", descent.rate)
    steps = []
    for step in descent.steps:
        item: dict[str, Any] = {"step": step.step}
        _map(item, "values", inputs, step.values)
        put_number(item, "output", step.output)
        _map(item, "gradients", inputs, step.gradients)
        steps.append(item)
    entry["steps"] = steps
    entry["floating_from"] = descent.floating_from
    entry["verdict"], entry["summary"] = descent.verdict, descent.summary
    return entry


def _map(target: dict[str, Any], key: str, names: list[str], values: tuple[Number, ...]) -> None:
    """{name: number}, and beside it {name: exact} for the entries whose JSON number loses something."""
    pairs = [(name, json_pair(value)) for name, value in zip(names, values, strict=True)]
    target[key] = {name: number for name, (number, _) in pairs}
    exact = {name: text for name, (_, text) in pairs if text is not None}
    if exact:
        target[key + "_exact"] = exact
