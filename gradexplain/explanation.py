"""The Explanation: everything there is to show about one formula at one point, as a record.

explain() makes one; renderers, views, the display and the shell read it. It knows nothing of
formats: how a notebook or rich shows it goes through one seam, `_repr_mimebundle_` (IPython's
display protocol) and `__rich_console__` (rich's), both handing the record to
gradexplain.display, which is imported only when a front end asks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from gradexplain.errors import brief
from gradexplain.numbers import Number, format_number

if TYPE_CHECKING:
    from collections.abc import Container

    from rich.console import Console, ConsoleOptions, RenderResult

    from gradexplain.backward import Step
    from gradexplain.check import Check
    from gradexplain.display import Display, LabPage
    from gradexplain.forward import Note
    from gradexplain.graph import Graph, Node
    from gradexplain.render.report import RenderOptions
    from gradexplain.symbolic import Symbolic
    from gradexplain.teach.claims import Claim
    from gradexplain.views import Views


@dataclass(frozen=True, slots=True)
class Cost:
    """What the gradients cost here, backprop against ε-nudging every input (the lecture's
    argument for backprop), counted and timed. The times are measured, so they vary."""

    computed: int  # N: nodes evaluated by one forward pass
    inputs: int  # P: inputs that get gradients
    steps: int  # local-derivative steps the backward pass took (about N + P)
    backward_seconds: float  # the backward pass, measured
    forward_seconds: float  # one forward pass, measured

    @property
    def nudge_evaluations(self) -> int:
        """Node evaluations to nudge every input once: P forward passes of N nodes."""
        return self.inputs * self.computed

    @property
    def nudge_seconds(self) -> float:
        """P forward passes at the measured time of one."""
        return self.inputs * self.forward_seconds


@dataclass(frozen=True, slots=True)
class Explanation:
    """Everything there is to show about one formula at one point; renderers only format it."""

    graph: Graph
    values: tuple[Number, ...]  # every node's value, by node index
    wrt: tuple[int, ...]  # the inputs that get gradients
    steps: tuple[Step, ...]  # the backward pass, in the order it runs
    node_gradients: tuple[Number | None, ...]  # ∂output/∂node
    symbolic: Symbolic
    checks: tuple[Check, ...] | None  # None unless checks were asked for
    eps: Number
    method: str  # "forward" or "central" difference
    notes: tuple[Note, ...]
    warnings: tuple[str, ...]
    cost: Cost | None = None  # only when asked for: it holds measured times
    display: Display | None = None  # how a notebook shows it (notation, digits, long tables); see with_display
    views: Views | None = None  # the derivative's views (plot, sweep, forward mode, descent): views.with_views
    claims: tuple[Claim, ...] | None = None  # the user's claims about gradients, decided; None when none were given
    input_formulas: tuple[tuple[int, str], ...] = ()  # inputs whose value is a double rounded from a formula

    @property
    def source(self) -> str:
        return self.graph.source

    @property
    def output(self) -> Node:
        return self.graph.nodes[self.graph.output]

    @property
    def output_value(self) -> Number:
        return self.values[self.graph.output]

    @property
    def inputs(self) -> tuple[Node, ...]:
        return self.graph.inputs

    @property
    def gradients(self) -> dict[str, Number]:
        """∂output/∂input for every input in `wrt`, by name."""
        return {self.graph.nodes[i].name: self.node_gradients[i] for i in self.wrt}  # type: ignore[misc]

    def gradient(self, name: str) -> Number:
        return self.gradients[name]

    @property
    def checks_passed(self) -> bool:
        return self.checks is None or all(check.ok for check in self.checks)

    @property
    def symbolic_agrees(self) -> bool:
        return all(g.agrees is not False for g in self.symbolic.gradients)

    @property
    def claims_hold(self) -> bool:
        """False when a claim is wrong (one that agrees everywhere but is not proven is not wrong)."""
        return self.claims is None or all(claim.ok is not False for claim in self.claims)

    @property
    def ok(self) -> bool:
        """False when a check failed, a symbolic gradient disagrees with SymPy's diff, or a claim is wrong."""
        return self.checks_passed and self.symbolic_agrees and self.claims_hold

    def __repr__(self) -> str:
        """One line: `<Explanation J = 2 at w=2, x=-2: 2 gradients, 2 checks ok>` (the full
        dataclass would print the whole graph)."""
        point = brief(", ".join(f"{n.name}={format_number(self.values[n.index])}" for n in self.inputs), 80)
        gradients = f"{len(self.wrt)} gradient{'s' if len(self.wrt) != 1 else ''}"
        checks = ""
        if self.checks is not None:
            passed = sum(check.ok for check in self.checks)
            checks = f", {len(self.checks)} check{'s' if len(self.checks) != 1 else ''} " + (
                "ok" if passed == len(self.checks) else f"{len(self.checks) - passed} not ok"
            )
        claims = ""
        if self.claims is not None:
            wrong = sum(claim.ok is False for claim in self.claims)
            claims = f", {len(self.claims)} claim{'s' if len(self.claims) != 1 else ''}" + (
                f", {wrong} wrong" if wrong else " ok"
            )
        output = f"{brief(self.output.name, 30)} = {format_number(self.output_value)}"
        return f"<Explanation {output} at {point}: {gradients}{checks}{claims}>"

    def __str__(self) -> str:
        """The text report, as `gradexplain --format text` prints it, so `print(e)` shows it (repr
        stays one line); in the notation and digits `with_display` set, if it was called."""
        from gradexplain.render import render_text

        return render_text(self, "text", self.display.options if self.display is not None else None)

    def with_display(
        self, options: RenderOptions | None = None, *, notation: str | None = None, full: bool = False
    ) -> Explanation:
        """The same explanation, shown in a notebook with these render options (or just this
        `notation`: "leibniz", "dvar", "adjoint"), and with long tables whole when `full`."""
        from gradexplain.display import Display

        return replace(self, display=Display.of(options, notation=notation, full=full))

    def lab(self, notation: str | None = None) -> LabPage:
        """The lab page (--format lab) to fill in right here: in a notebook, the last expression
        of a cell shows it inline, with the drawing, the boxes, checking, hints and the score."""
        from gradexplain.display import LabPage

        return LabPage.of(self, notation)

    # The one seam to front ends: IPython asks for a MIME bundle, rich for renderables. Both are
    # gradexplain.display's business, imported when called, so `import gradexplain` pays for neither.

    def _repr_mimebundle_(
        self, include: Container[str] | None = None, exclude: Container[str] | None = None
    ) -> dict[str, str]:
        """IPython's display protocol: HTML (the drawing and the tables), and Markdown and LaTeX
        copies for front ends that prefer them (gradexplain.display.mimebundle)."""
        from gradexplain.display import mimebundle

        return mimebundle(self, include, exclude)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from gradexplain.display import rich_renderable

        yield rich_renderable(self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (see README, "JSON output"); keys always in this order."""
        from gradexplain.document import document

        return document(self)
