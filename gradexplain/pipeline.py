"""explain(): text and values in, an immutable Explanation out. The whole pipeline, in order:

parse → build → forward → backward → audit (50 digits) → compile (SymPy's formulas, for show)
      → symbolic gradients → claims → ε-checks → Explanation

The record itself (Explanation, Cost) lives in gradexplain.explanation and is re-exported here.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from gradexplain.accuracy import audit
from gradexplain.arguments import ValueLike, check_arguments, to_number
from gradexplain.backward import BackwardPass, EdgeStep, Step, backward
from gradexplain.build import build, shadowed_constants
from gradexplain.check import run_checks
from gradexplain.engine.interpreter import Interpreter
from gradexplain.engine.primitives import CONSTANTS
from gradexplain.engine.sympy_functions import step_notes
from gradexplain.engine.systems import Exact
from gradexplain.errors import GradexplainError, InputError, MissingValuesError, brief, listing
from gradexplain.explanation import Cost, Explanation
from gradexplain.forward import ForwardPass, Note, forward
from gradexplain.graph import Graph
from gradexplain.limits import Limits, too_deep_as_input_error
from gradexplain.lookalikes import lookalike_warnings
from gradexplain.numbers import Number, double_text, format_number
from gradexplain.symbolic import DEFAULT_SYMBOLIC_LIMIT, symbolic_gradients
from gradexplain.syntax import Program, parse, python_spellings

if TYPE_CHECKING:
    from gradexplain.teach.claims import ClaimText

DEFAULT_EPS = Fraction(1, 1000)


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
    `on_stage(name)` is called as each stage starts (parse, build, forward, backward, audit, compile,
    symbolic, claims, check), for progress displays and timings. `cost` adds the measured cost of
    backprop against nudging every input (Explanation.cost). `claims` are the user's gradients
    to check, such as "dJ/dw = x*(w*x + b - y)" (Explanation.claims: each decided, and a wrong
    one diagnosed); a ClaimText says where one was written, for error messages.
    Raises GradexplainError (a message, a span, a hint) for any problem with the input or its `limits`.
    """
    options = {"target": target, "origin": origin, "wrt": wrt, "check_only": check_only, "check": check}
    options |= {"central": central, "cost": cost, "symbolic_limit": symbolic_limit, "limits": limits}
    check_arguments(source, values, options | {"on_stage": on_stage, "claims": claims})
    limits = limits or Limits()
    stage = on_stage or _ignore
    check = check or bool(check_only)
    with too_deep_as_input_error(), _collector_paused():
        program, graph = _program(source, origin, target, limits, values or {}, stage)
        warnings: list[str] = _shadowing(program, graph, values or {})
        formulas = dict(graph.input_formulas)
        inputs = _input_values(graph, dict(values or {}), warnings, limits, formulas)
        if claims:  # only a run with claims loads their module
            from gradexplain.teach.claims import read_claims
        readings = read_claims(claims, graph, limits) if claims else None  # after: `--claim 3` for an input claim
        warnings.extend(lookalike_warnings(node.name for node in graph.nodes))
        if graph.unused:
            warnings.append(f"not used by {brief(graph.nodes[graph.output].name)}: {listing(graph.unused)}")
        wanted = _wrt(graph, wrt)
        nudged = _nudged(graph, wanted, check_only, check, central, limits)
        step = _eps(eps, limits)
        interpreter = Interpreter(graph, Exact(limits.exact_bits))
        try:
            passes = _passes(interpreter, inputs, wanted, stage)
            forward_pass, backward_pass = passes.forward, passes.backward
            stage("audit")
            audited = audit(graph, forward_pass.values, backward_pass, wanted)
            values, backward_pass = audited.values, audited.backward
            stage("compile")  # SymPy's forms of the nodes, for the formulas shown: the numbers are known
            kernels = backward_pass.formulas.kernels
            stage("symbolic")
            symbolic = symbolic_gradients(graph, kernels, values, wanted, symbolic_limit)
            decided = None
            if readings is not None:
                stage("claims")
                from gradexplain.teach.deciding import decide_claims, held_inputs

                claimed = sorted({reading.node for reading in readings} | set(wanted))
                done = backward_pass
                if any(backward_pass.gradients[node] is None for node in claimed):  # --wrt left some out
                    more = backward(interpreter, forward_pass.values, claimed, backward_pass.formulas)
                    done = audit(graph, forward_pass.values, more, claimed).backward
                fixed = held_inputs(graph, wanted, claimed)
                decided = decide_claims(readings, interpreter, kernels, values, done, claimed, symbolic_limit, fixed)
        except GradexplainError as error:
            raise error.located(source, origin) from None
        checks = None
        if check:
            stage("check")
            checks = run_checks(
                interpreter, values, backward_pass.gradients, nudged, step, central, rerun=audited.rerun
            )
        return Explanation(
            graph=graph,
            values=values,
            wrt=tuple(wanted),
            steps=backward_pass.steps,
            node_gradients=backward_pass.gradients,
            symbolic=symbolic,
            checks=checks,
            eps=step,
            method="central" if central else "forward",
            notes=_rounded_inputs(graph, inputs, formulas)
            + _spelled_as_python(program, graph)
            + forward_pass.notes
            + audited.notes
            + _step_definitions(backward_pass.steps),
            warnings=tuple(warnings),
            cost=passes.cost(graph, wanted) if cost else None,
            claims=decided,
            input_formulas=tuple(sorted(formulas.items())),
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a graph is built and run: the many objects a
    large graph makes all live on, so the collector's passes over them would free nothing (they
    took a quarter of the time of a 10,000-node run). It is turned on again after, unless it
    was off before (also when another thread's explain() turned it off: that one turns it on)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _program(
    source: str, origin: str | None, target: str | None, limits: Limits, given: Mapping[str, ValueLike], stage: Any
) -> tuple[Program, Graph]:
    """The source parsed and built into a graph, errors pointing into it."""
    if len(source) > limits.source:
        raise InputError(
            f"the formula is {len(source)} characters long, more than the limit of {limits.source}",
            hint=limits.hint("source"),
        )
    try:
        stage("parse")
        program = parse(source, limits.depth)
        stage("build")
        return program, build(program, target, limits, given=given)
    except GradexplainError as error:
        raise error.located(source, origin) from None


def _nudged(
    graph: Graph,
    wanted: list[int],
    check_only: list[str] | tuple[str, ...] | None,
    check: bool,
    central: bool,
    limits: Limits,
) -> list[int]:
    """The inputs --check nudges (all that get gradients, or those --check-only names), within the limits."""
    nudged = _wrt(graph, check_only, "--check-only") if check_only else wanted
    without_gradient = [graph.nodes[i].name for i in set(nudged).difference(wanted)]
    if without_gradient:
        raise InputError(
            f"--check-only {listing(sorted(without_gradient))}: no gradient to check, they are not in --wrt",
            hint="add them to --wrt, or check only inputs that --wrt names",
        )
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
    return nudged


@dataclass(frozen=True, slots=True)
class _Passes:
    """The forward and backward passes, and how long each took (for --cost)."""

    forward: ForwardPass
    backward: BackwardPass
    forward_seconds: float
    backward_seconds: float

    def cost(self, graph: Graph, wanted: list[int]) -> Cost:
        return Cost(
            computed=len(graph.nodes) - len(graph.inputs),
            inputs=len(wanted),
            steps=sum(isinstance(s, EdgeStep) for s in self.backward.steps),
            backward_seconds=self.backward_seconds,
            forward_seconds=self.forward_seconds,
        )


def _passes(interpreter: Interpreter, inputs: list[Number | None], wanted: list[int], stage: Any) -> _Passes:
    stage("forward")
    started = time.perf_counter()
    forward_pass = forward(interpreter, inputs)
    forward_seconds = time.perf_counter() - started
    stage("backward")
    started = time.perf_counter()
    backward_pass = backward(interpreter, forward_pass.values, wanted)
    return _Passes(forward_pass, backward_pass, forward_seconds, time.perf_counter() - started)


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


def _input_values(
    graph: Graph, given: dict[str, ValueLike], warnings: list[str], limits: Limits, formulas: dict[int, str]
) -> list[Number | None]:
    """Every input's value, by node index (None for the others); `formulas` gains the text of each
    given value that is a rounded double (2*pi) and loses the program's where one is given."""
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
        formulas.pop(index, None)
        if isinstance(number, float) and isinstance(raw, str):
            formulas[index] = raw.strip()
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


def _spelled_as_python(program: Program, graph: Graph) -> tuple[Note, ...]:
    """A note wherever a call was spelled as Python code spells it (math.exp, x.relu()), on the
    node of its statement (a bare formula's: the output)."""
    notes = []
    for target, said in python_spellings(program):
        index = graph.index_of(target) if target is not None else graph.output
        notes.append(Note(graph.output if index is None else index, said))
    return tuple(notes)


def _rounded_inputs(graph: Graph, values: Sequence[Number | None], formulas: dict[int, str]) -> tuple[Note, ...]:
    """A note for each input whose value is a double rounded from a formula: a value that looks
    typed-in exactly (1e22*pi + 0.5) is not, and what depends on it is floating point."""
    return tuple(
        Note(
            index,
            f"{graph.nodes[index].name} = {text} has no exact form here, so it is the nearest double, "
            f"{double_text(values[index])}, and what depends on it is floating point",  # type: ignore[arg-type]
        )
        for index, text in sorted(formulas.items())
    )


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
