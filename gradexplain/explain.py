"""explain(): text and values in, an immutable Explanation out. The whole pipeline, in order:

parse → build → forward → backward → symbolic gradients → ε-checks → Explanation
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from gradexplain.accuracy import audit
from gradexplain.arguments import check_arguments, plain_number
from gradexplain.backward import BackwardPass, EdgeStep, Step, backward
from gradexplain.build import build, read_value, shadowed_constants
from gradexplain.check import Check, run_checks
from gradexplain.engine.interpreter import Interpreter
from gradexplain.engine.kernels import compile_kernels
from gradexplain.engine.primitives import CONSTANTS
from gradexplain.engine.sympy_functions import step_notes
from gradexplain.engine.systems import Exact
from gradexplain.errors import GradexplainError, InputError, MissingValuesError, brief, listing
from gradexplain.forward import Note, forward
from gradexplain.graph import Graph, Node
from gradexplain.limits import Limits, too_deep_as_input_error
from gradexplain.lookalikes import lookalike_warnings
from gradexplain.numbers import Number, format_number
from gradexplain.symbolic import DEFAULT_SYMBOLIC_LIMIT, Symbolic, symbolic_gradients
from gradexplain.syntax import Program, parse

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

    from gradexplain.notebook import Display, LabPage
    from gradexplain.render.report import RenderOptions
    from gradexplain.teach.claims import Claim, ClaimText
    from gradexplain.views import Views

DEFAULT_EPS = Fraction(1, 1000)


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


ValueLike = str | int | float | Fraction | Decimal


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

    def with_display(
        self, options: RenderOptions | None = None, *, notation: str | None = None, full: bool = False
    ) -> Explanation:
        """The same explanation, shown in a notebook with these render options (or just this
        `notation`: "leibniz", "dvar", "adjoint"), and with long tables whole when `full`."""
        from gradexplain.notebook import Display
        from gradexplain.render.report import RenderOptions

        options = options or RenderOptions()
        if notation is not None:
            options = replace(options, notation=notation)
        return replace(self, display=Display(options, full))

    def lab(self, notation: str | None = None) -> LabPage:
        """The lab page (--format lab) to fill in right here: in a notebook, the last expression
        of a cell shows it inline, with the drawing, the boxes, checking, hints and the score."""
        from gradexplain.notebook import LabPage, display_of

        options = display_of(self).options
        return LabPage(self, options if notation is None else replace(options, notation=notation))

    # How a notebook (IPython, Jupyter) and rich show it: gradexplain.notebook. Each imports
    # what it needs when called, so an import of gradexplain pays for none of it.

    def _repr_html_(self) -> str:
        from gradexplain.notebook import html

        return html(self)

    def _repr_markdown_(self) -> str | None:
        from gradexplain.notebook import markdown

        return markdown(self)

    def _repr_latex_(self) -> str | None:
        from gradexplain.notebook import latex

        return latex(self)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from gradexplain.notebook import rich_renderable

        yield rich_renderable(self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (see README, "JSON output"); keys always in this order."""
        from gradexplain.document import document

        return document(self)


def explain(
    source: str,
    values: Mapping[str, ValueLike] | None = None,
    *,
    target: str | None = None,
    wrt: list[str] | tuple[str, ...] | None = None,
    check: bool = False,
    eps: ValueLike = DEFAULT_EPS,
    central: bool = False,
    symbolic_limit: int = DEFAULT_SYMBOLIC_LIMIT,
    limits: Limits | None = None,
    origin: str | None = None,
    check_only: list[str] | tuple[str, ...] | None = None,
    on_stage: Callable[[str], None] | None = None,
    cost: bool = False,
    claims: Sequence[str | ClaimText] | None = None,
) -> Explanation:
    """Explain backpropagation through `source` (a formula or a program) at `values`.

    `values` maps input names to numbers or number strings ("1/3", "-0.5"); they override values
    assigned in the program. `origin` names where `source` came from (a file), for messages.
    `check_only` nudges just these inputs (all of `wrt` still get gradients; implies `check`).
    `on_stage(name)` is called as each stage starts (parse, build, compile, forward, backward, audit,
    symbolic, check), for progress displays and timings. `cost` adds the measured cost of
    backprop against nudging every input (Explanation.cost). `claims` are the user's gradients
    to check, such as "dJ/dw = x*(w*x + b - y)" (Explanation.claims: each decided, and a wrong
    one diagnosed); a ClaimText says where one was written, for error messages.
    Raises GradexplainError (with a message, a span and a hint) for any problem with the input,
    including input beyond `limits` (see gradexplain.limits).
    """
    options = {"target": target, "origin": origin, "wrt": wrt, "check_only": check_only, "check": check}
    options |= {"central": central, "cost": cost, "symbolic_limit": symbolic_limit, "limits": limits}
    check_arguments(source, values, options | {"on_stage": on_stage, "claims": claims})
    limits = limits or Limits()
    stage = on_stage or _ignore
    check = check or bool(check_only)
    with too_deep_as_input_error():
        if len(source) > limits.source:
            raise InputError(
                f"the formula is {len(source)} characters long, more than the limit of {limits.source}",
                hint=limits.hint("source"),
            )
        try:
            stage("parse")
            program = parse(source, limits.depth)
            stage("build")
            graph = build(program, target, limits, given=values or ())
        except GradexplainError as error:
            raise error.located(source, origin) from None
        warnings: list[str] = _shadowing(program, graph, values or {})
        inputs = _input_values(graph, dict(values or {}), warnings, limits)
        if claims:  # only a run with claims loads their module
            from gradexplain.teach.claims import read_claims
            from gradexplain.teach.deciding import decide_claims
        readings = read_claims(claims, graph, limits) if claims else None  # after: `--claim 3` for an input claim
        warnings.extend(lookalike_warnings(node.name for node in graph.nodes))
        if graph.unused:
            warnings.append(f"not used by {brief(graph.nodes[graph.output].name)}: {listing(graph.unused)}")
        wanted = _wrt(graph, wrt)
        nudged = _wrt(graph, check_only, "--check-only") if check_only else wanted
        without_gradient = [graph.nodes[i].name for i in set(nudged).difference(wanted)]
        if without_gradient:
            raise InputError(
                f"--check-only {listing(sorted(without_gradient))}: no gradient to check, they are not in --wrt",
                hint="add them to --wrt, or check only inputs that --wrt names",
            )
        step = _eps(eps, limits)
        if check and len(nudged) > limits.nudges:
            raise InputError(
                f"--check would nudge {len(nudged)} inputs, each a forward pass through {len(graph.nodes)} nodes; "
                f"the limit is {limits.nudges}",
                hint="pick the inputs to check with --check-only, or " + limits.hint("nudges"),
            )
        computed = len(graph.nodes) - len(graph.inputs)
        passes = 2 if central else 1
        if check and passes * len(nudged) * computed > limits.check_work:
            raise InputError(
                f"--check would nudge {len(nudged):,} inputs, each rerunning up to {computed:,} nodes "
                f"({passes * len(nudged) * computed:,} evaluations), more than the limit of {limits.check_work:,}",
                hint="pick the inputs to check with --check-only, or " + limits.hint("check_work"),
            )
        stage("compile")
        kernels = compile_kernels(graph)
        interpreter = Interpreter(graph, Exact(limits.exact_bits))
        try:
            stage("forward")
            started = time.perf_counter()
            forward_pass = forward(interpreter, inputs)
            forward_seconds = time.perf_counter() - started
            stage("backward")
            started = time.perf_counter()
            backward_pass: BackwardPass = backward(interpreter, kernels, forward_pass.values, wanted)
            backward_seconds = time.perf_counter() - started
        except GradexplainError as error:
            raise error.located(source, origin) from None
        stage("audit")
        audited = audit(graph, forward_pass.values, backward_pass.gradients, wanted)
        defined = _step_definitions(backward_pass.steps)
        stage("symbolic")
        symbolic = symbolic_gradients(graph, kernels, forward_pass.values, wanted, symbolic_limit)
        decided = None
        if readings is not None:
            stage("claims")
            try:
                everything = len(wanted) == len(graph.inputs)
                decided = decide_claims(
                    readings,
                    interpreter,
                    kernels,
                    forward_pass.values,
                    backward_pass if everything else None,
                    symbolic_limit,
                )
            except GradexplainError as error:
                raise error.located(source, origin) from None
        checks = None
        if check:
            stage("check")
            checks = run_checks(interpreter, forward_pass.values, backward_pass.gradients, nudged, step, central)
        return Explanation(
            graph=graph,
            values=forward_pass.values,
            wrt=tuple(wanted),
            steps=backward_pass.steps,
            node_gradients=backward_pass.gradients,
            symbolic=symbolic,
            checks=checks,
            eps=step,
            method="central" if central else "forward",
            notes=forward_pass.notes + audited + defined,
            warnings=tuple(warnings),
            cost=Cost(
                computed=len(graph.nodes) - len(graph.inputs),
                inputs=len(wanted),
                steps=sum(isinstance(s, EdgeStep) for s in backward_pass.steps),
                backward_seconds=backward_seconds,
                forward_seconds=forward_seconds,
            )
            if cost
            else None,
            claims=decided,
        )


def _step_definitions(steps: tuple[Step, ...]) -> tuple[Note, ...]:
    """What step(x) and step(x, 0.5) mean, each noted at the node whose local derivative shows
    it first (in the order the backward pass runs), so no reader meets an undefined name."""
    notes: list[Note] = []
    seen: set[str] = set()
    looked: set[int] = set()  # derivatives already looked into: a shape's, shared by many edges
    for step in steps:
        if isinstance(step, EdgeStep) and step.derivative is not None and id(step.derivative) not in looked:
            looked.add(id(step.derivative))
            for text in step_notes(step.derivative):
                if text not in seen:
                    seen.add(text)
                    notes.append(Note(step.node, text))
    return tuple(notes)


# ── resolving values and options ───────────────────────────────────────────────────────────


def to_number(raw: ValueLike, label: str, parameter: str | None = None, limits: Limits | None = None) -> Number:
    """A user's value as an exact number: "0.1" and 0.1 both mean 1/10. Any real number type
    is taken (NumPy's too); another type is a TypeError naming `parameter` (default: `label`)."""
    plain = plain_number(raw, parameter or label, label)
    if isinstance(plain, Fraction):
        if abs(plain) > sys.float_info.max:  # not shown: it may have more digits than str() takes
            raise InputError(f"{label}: the number is too large", hint="give a number below 1.8e308 in size")
        return plain
    text = plain.strip()
    if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise InputError(
            f"{label}: {text} is not a number gradexplain can differentiate at", hint="give a finite number"
        )
    comma = _DECIMAL_COMMA.fullmatch(text)
    if comma:
        raise InputError(f"{label}: {brief(text)} is not a number", hint=_comma_hint(text))
    try:
        value = read_value(text, limits)
    except GradexplainError as error:
        error.message = f"{label}: {error.message}"
        raise error.located(text) from None
    if abs(value) > sys.float_info.max:
        raise InputError(f"{label}: {text} is too large", hint="give a number below 1.8e308 in size")
    return value


# A number written with a decimal comma (2,5) or thousands separators (1,000,000).
_DECIMAL_COMMA = re.compile(r"[+-]?\d+(?:,\d+)+")


def _comma_hint(text: str) -> str:
    """What `2,5` or `1,000` was meant to be, said both ways when it could be either."""
    whole, *parts = text.split(",")
    point, joined = f"{whole}.{parts[0]}", whole + "".join(parts)
    if len(parts) > 1:
        return f"numbers have no thousands separators: write {brief(joined)}"
    if len(parts[0]) == 3:
        return f"write {brief(point)} with a decimal point, or {brief(joined)} without a thousands separator"
    return f"write the decimal point as a dot: {brief(point)}"


def _input_values(
    graph: Graph, given: dict[str, ValueLike], warnings: list[str], limits: Limits
) -> list[Number | None]:
    values: list[Number | None] = [None] * len(graph.nodes)
    for index, value in graph.defaults:
        values[index] = value
    ignored: list[str] = []  # not in the formula at all
    unaffecting: list[str] = []  # in the program, but not on the way to the output (--target)
    for name, raw in given.items():
        index = graph.index_of(name)
        if name in graph.unused or (index is not None and not graph.nodes[index].is_input):
            raise InputError(
                f"{name} is computed by the formula, so it cannot be given a value",
                hint="give values only to inputs: " + listing([node.name for node in graph.inputs]),
            )
        number = to_number(raw, f"value for {name}", f"values[{brief(repr(name))}]", limits)
        if index is None:
            (unaffecting if name in graph.unreached else ignored).append(name)
            continue
        values[index] = number
    output = brief(graph.nodes[graph.output].name)
    missing = [node.name for node in graph.inputs if values[node.index] is None]
    cases = _case_note(ignored, [*(node.name for node in graph.inputs), *graph.unreached])
    if missing:
        how = " ".join(f"--{name} VALUE" for name in missing[:6])
        hint = f"pass {'them' if missing[1:] else 'it'} as {how} (or NAME=VALUE)"
        raise MissingValuesError(missing, hint=f"{cases}; {hint}" if cases else hint, case_note=cases)
    if unaffecting:  # one warning each kind, however many names
        warnings.append(
            f"{unaffecting[0]} does not affect {output}; its value is ignored"
            if len(unaffecting) == 1
            else f"{listing(unaffecting)} do not affect {output}; their values are ignored"
        )
    if ignored:
        warnings.append(
            (
                f"{ignored[0]} is not used by the formula; its value is ignored"
                if len(ignored) == 1
                else f"{listing(ignored)} are not used by the formula; their values are ignored"
            )
            + (f" ({cases})" if cases else "")
        )
    return values


def _shadowing(program: Program, graph: Graph, given: Mapping[str, ValueLike]) -> list[str]:
    """A warning for each constant's name (e) that is a variable here, shadowing the constant."""
    warnings = []
    for name in sorted(shadowed_constants(program, given)):
        if name not in graph.by_name and name not in graph.unused and name not in graph.unreached:
            continue  # given a value but not in the formula: the unused-value warning says so
        how = "is given a value" if name in given else "is assigned in the program"
        constant = format_number(float(CONSTANTS[name]))
        warnings.append(f"{name} {how}, so here it is a variable, not the constant {name} = {constant}…")
    return warnings


def _case_note(given: list[str], names: list[str]) -> str:
    """`names are case-sensitive: the formula uses W, not w` when a value was given for a name
    the formula has only in another case; empty otherwise."""
    by_folded: dict[str, str] = {}
    for name in names:
        by_folded.setdefault(name.casefold(), name)
    pairs = [(by_folded[name.casefold()], name) for name in given if name.casefold() in by_folded]
    if not pairs:
        return ""
    shown = ", ".join(f"{brief(theirs, 30)}, not {brief(yours, 30)}" for theirs, yours in pairs[:3])
    return f"names are case-sensitive: the formula uses {shown}"


def _ignore(stage: str) -> None:
    """No progress display."""


def _wrt(graph: Graph, wrt: list[str] | tuple[str, ...] | None, option: str = "--wrt") -> list[int]:
    if not wrt:
        return [node.index for node in graph.inputs]
    chosen: list[int] = []
    input_names = listing([node.name for node in graph.inputs])
    for name in wrt:
        index = graph.index_of(name)
        if index is None:
            raise InputError(
                f"{option} {name}: the formula has no input named {name}", hint=f"the inputs are {input_names}"
            )
        if not graph.nodes[index].is_input:
            raise InputError(
                f"{option} {name}: {name} is computed, not an input",
                hint=f"its gradient is in the backward pass; {option} takes inputs: {input_names}",
            )
        if index not in chosen:
            chosen.append(index)
    return sorted(chosen)


def _eps(raw: ValueLike, limits: Limits) -> Number:
    step = to_number(raw, "--eps", "eps", limits)
    if step <= 0:
        hint = "a small positive step such as 0.001"
        raise InputError(f"--eps must be positive, got {format_number(step)}", hint=hint)
    return step
