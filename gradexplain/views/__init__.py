"""Views of the derivative itself, as data: each a pure stage that consumes an Explanation.

- plot.py: J against one input, with the tangent and --check's ε secant (`--plot NAME`)
- sweep.py: forward and central differences over ε = 10⁻¹ … 10⁻¹², exact and in doubles (`--sweep NAME`)
- forward_mode.py: the tangent trace of each input beside the backward pass (`--mode forward`)
- descent.py: N steps of gradient descent (`--descend N --lr α`)

>>> from gradexplain import explain
>>> from gradexplain.views import with_views
>>> e = with_views(explain("w**2", {"w": 3}), plot="w", sweep="w")
>>> e.views.sweep.rows[2].forward_exact.value   # ε = 0.002, the lecture's row: 6.002
Fraction(3001, 500)

Rendering stays in render/ (tables, text charts, matplotlib pictures); the CLI only asks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING

from gradexplain.limits import Limits
from gradexplain.views.descent import Descent, descend_from
from gradexplain.views.evaluation import resolve_input
from gradexplain.views.forward_mode import ForwardMode, tangent_sweeps
from gradexplain.views.plot import Plot, make_plot
from gradexplain.views.sweep import DEFAULT_RANGE, Sweep, make_sweep, parse_range

if TYPE_CHECKING:
    from gradexplain.arguments import ValueLike
    from gradexplain.explanation import Explanation

MODES = ("reverse", "forward")


@dataclass(frozen=True, slots=True)
class Views:
    """The views asked for; each None unless asked (and `null` in JSON)."""

    plot: Plot | None = None
    sweep: Sweep | None = None
    forward_mode: ForwardMode | None = None
    descent: Descent | None = None

    @property
    def pictured(self) -> bool:
        """Whether there is a picture to draw (a plot or a sweep: -o plot.svg draws them)."""
        return self.plot is not None or self.sweep is not None


def with_views(
    explanation: Explanation,
    *,
    plot: str | None = None,
    sweep: str | None = None,
    eps_range: str | tuple[Fraction, Fraction] | None = None,
    mode: str = "reverse",
    descend: int | None = None,
    lr: ValueLike | None = None,
    limits: Limits | None = None,
) -> Explanation:
    """The explanation with the views asked for (names are inputs; bad ones raise InputError).
    `eps_range` is `"1e-1..1e-12"` or (largest, smallest); `lr` is needed with `descend`."""
    from gradexplain.arguments import to_number
    from gradexplain.errors import InputError

    limits = limits or Limits()
    graph, wrt = explanation.graph, explanation.wrt
    if mode not in MODES:
        raise InputError(f"--mode {mode}: expected reverse or forward", hint="--mode forward adds the tangent trace")
    plotted = resolve_input(graph, wrt, plot, "--plot") if plot is not None else None
    swept = resolve_input(graph, wrt, sweep, "--sweep") if sweep is not None else None
    bounds = parse_range(eps_range) if isinstance(eps_range, str) else (eps_range or DEFAULT_RANGE)
    descent = None
    if descend is not None:
        if lr is None:
            raise InputError("--descend needs a learning rate", hint="add --lr, e.g. --lr 0.1")
        descent = descend_from(explanation, descend, to_number(lr, "--lr", "lr", limits), limits)
    elif lr is not None:
        raise InputError("--lr is the learning rate of --descend, which was not given", hint="add --descend 10")
    views = Views(
        plot=make_plot(explanation, plotted, limits, descent) if plotted is not None else None,
        sweep=make_sweep(explanation, swept, bounds, limits) if swept is not None else None,
        forward_mode=tangent_sweeps(explanation, limits, timed=explanation.cost is not None)
        if mode == "forward"
        else None,
        descent=descent,
    )
    return replace(explanation, views=views)


__all__ = ["MODES", "Descent", "ForwardMode", "Plot", "Sweep", "Views", "with_views"]
