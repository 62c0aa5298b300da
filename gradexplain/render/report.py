"""Explanation → Report: the tables every text format shows, as plain strings.

The plain-text and rich renderers lay out the same Report, so a terminal and a file always
carry the same content. Only formatting happens here: no parsing, no derivatives.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from gradexplain.backward import EdgeStep, SumStep
from gradexplain.build import whole_formula
from gradexplain.check import INCONCLUSIVE, MISMATCH, TOLERANCE_FACTOR, Check
from gradexplain.errors import listing
from gradexplain.graph import Graph, Node, Ref
from gradexplain.latex import definition_pieces, latex_expr, latex_name, latex_number, node_pieces
from gradexplain.numbers import DOUBLE_DIGITS, Number
from gradexplain.render.table import (
    BLANK,
    BLANK_MATH,
    LEFT,
    RIGHT,
    TIMED_FROM,
    Cell,
    RenderOptions,
    Report,
    Shown,
    Table,
    duration,
    math_words,
)
from gradexplain.syntax import Name

if TYPE_CHECKING:
    from gradexplain.explanation import Cost, Explanation
    from gradexplain.teach.claims import Claim

# A sum of many paths is shown by its first and last terms.
SUM_TERMS_SHOWN = 4
# The heading repeats a bare formula up to this many characters (JSON keeps all of it).
HEADING_FORMULA_LIMIT = 200


def build_report(explanation: Explanation, options: RenderOptions | None = None, math: bool = False) -> Report:
    """The tables; with `math`, every cell that holds mathematics also carries it in LaTeX."""
    options = options or RenderOptions()
    shown = Shown(options.digits, math, notation=options.notation, blank=options.blank)
    tables = [
        _forward_table(explanation, shown),
        _backward_table(explanation, shown),
        _gradient_table(explanation, shown),
    ]
    if explanation.claims is not None and not options.blank:  # a worksheet holds no answers
        tables.append(_claims_table(explanation, shown))
    if explanation.checks is not None and not options.blank:  # a check shows the gradients
        tables.append(_check_table(explanation, shown))
    if explanation.views is not None:  # --plot, --sweep, --mode forward, --descend (imported only then)
        from gradexplain.render.views import view_tables, with_forward_mode_cost

        tables.extend(view_tables(explanation, shown))
        if explanation.cost is not None:
            tables.append(with_forward_mode_cost(_cost_table(explanation.cost), explanation))
    elif explanation.cost is not None:
        tables.append(_cost_table(explanation.cost))
    summary = _summary(explanation, shown) if not options.blank else (Cell(WORKSHEET, "dim"),)
    return Report(heading(explanation, shown), tuple(tables), summary)


WORKSHEET = (
    "A worksheet: fill in the values left to right, then the gradients right to left; the answer key is the "
    "same command without --blank (for --random, with --key)."
)


def heading(explanation: Explanation, shown: Shown) -> tuple[str, ...]:
    """The lines above the tables: the formula or program, the inputs' values, the gradients wanted."""
    graph = explanation.graph
    output = explanation.output.name
    if graph.bare:
        formula = " ".join(graph.source.split())
        if len(formula) > HEADING_FORMULA_LIMIT:
            formula = f"{formula[:HEADING_FORMULA_LIMIT]}… ({len(formula)} characters)"
        first = f"Formula: {output} = {formula}"
        if not whole_formula(graph, output):  # --target picked a part of it: v3, say
            first = f"Formula: {formula}; output {output}, a part of it ({graph.definition(explanation.output)})"
    else:
        computed = len(graph.nodes) - len(graph.inputs)
        first = f"Program: output {output}, {computed} computed node{'' if computed == 1 else 's'}"
    values = ", ".join(f"{node.name} = {shown(explanation.values[node.index])}" for node in graph.inputs)
    lines = [first, f"Inputs: {values}"]
    if len(explanation.wrt) < len(graph.inputs):
        lines.append("Gradients with respect to: " + ", ".join(graph.nodes[i].name for i in explanation.wrt))
    return tuple(lines)


def with_values(explanation: Explanation, node: Node, shown: Shown, latex: bool = False) -> str:
    """The node's definition with its arguments' values in place of their names: `2*(-2)`."""
    parts = []
    for piece in node_pieces(explanation.graph, node) if latex else node.pieces:
        if isinstance(piece, Ref) and shown.blank and not explanation.graph.nodes[node.args[piece.slot]].is_input:
            parts.append(BLANK_MATH if latex else BLANK)
        elif isinstance(piece, Ref):
            value = explanation.values[node.args[piece.slot]]
            text = shown.operand(value, piece.paren_if_negative, piece.paren_always)
            parts.append(latex_number(text) if latex else text)
        else:
            parts.append(piece)
    return "".join(parts)


def latex_definition(graph: Graph, node: Node) -> str:
    """The node's definition in LaTeX, with its arguments' names."""
    names = graph.argument_names(node)
    pieces = node_pieces(graph, node)
    return "".join(piece if isinstance(piece, str) else latex_name(names[piece.slot]) for piece in pieces)


def _forward_table(explanation: Explanation, shown: Shown) -> Table:
    graph = explanation.graph
    math = shown.math
    rows = tuple(
        (
            Cell(node.name, "", latex_name(node.name) if math else ""),
            Cell(graph.definition(node), "", latex_definition(graph, node) if math else ""),
            Cell(
                with_values(explanation, node, shown),
                "dim",
                with_values(explanation, node, shown, True) if math else "",
            ),
            shown.number(explanation.values[node.index]),
        )
        for node in graph.nodes
        if not node.is_input
    )
    notes = tuple(f"note: {graph.nodes[note.node].name}: {note.text}" for note in explanation.notes)
    return Table(
        "Forward pass (left to right)",
        ("node", "definition", "with values", "value"),
        (LEFT, LEFT, LEFT, RIGHT),
        rows,
        notes,
        optional=(2,),  # "with values": the definition and the value remain
    )


def _sum_text(terms: tuple[Number, ...], shown: Shown, latex: bool = False) -> str:
    if shown.blank:
        return " + ".join([BLANK_MATH if latex else BLANK] * min(len(terms), SUM_TERMS_SHOWN))
    if len(terms) <= SUM_TERMS_SHOWN:
        picked = [shown(t) for t in terms]
    else:
        picked = [shown(t) for t in terms[: SUM_TERMS_SHOWN - 1]] + ["…", shown(terms[-1])]
    if latex:
        picked = ["\\cdots" if term == "…" else latex_number(term) for term in picked]
    return signed_sum(picked)


def _product(factors: list[Fraction]) -> Fraction:
    return factors[0] * factors[1]


def signed_sum(terms: list[str]) -> str:
    """Terms joined with + and -: ["6", "-2", "x"] → "6 - 2 + x"."""
    text = terms[0]
    for term in terms[1:]:
        text += f" - {term[1:]}" if term.startswith("-") else f" + {term}"
    return text


def _backward_table(explanation: Explanation, shown: Shown) -> Table:
    graph = explanation.graph
    out = explanation.output.name
    math = shown.math
    notation = shown.notation
    rows = []
    for step in explanation.steps:
        if isinstance(step, EdgeStep):
            node, arg = graph.nodes[step.node], graph.nodes[step.arg]
            factors = shown.operands_of((step.local_value, step.upstream), step.product, _product)
            which = f" ({step.path} of {step.paths})" if step.paths > 1 else ""
            argument = f" (argument {step.slot + 1})" if node.args.count(step.arg) > 1 else ""
            local, upstream = notation.local(node.name, arg.name), notation.gradient(out, node.name)
            local_tex, upstream_tex = notation.local_latex(node.name, arg.name), notation.gradient_latex(out, node.name)
            chain = f"{local_tex} \\cdot {upstream_tex}"
            chain_parts = (
                (local_tex, "local"),
                (" \\cdot ", "dim"),
                (upstream_tex, "gradient"),
                (math_words(argument), "dim"),
            )
            rows.append(
                (
                    shown.gradient(out, arg.name, which),
                    Cell(
                        f"{local} · {upstream}{argument}",
                        "dim",
                        chain + math_words(argument) if math else "",
                        ((local, "local"), (" · ", "dim"), (upstream, "gradient"), (argument, "dim")),
                        chain_parts if math else (),
                    ),
                    Cell(step.local_formula, "local", latex_expr(step.local_expr) if math else ""),
                    factors.number(step.local_value, "local"),
                    factors.number(step.upstream, "gradient"),
                    shown.number(step.product, "gradient"),
                )
            )
        elif isinstance(step, SumStep):
            name = graph.nodes[step.node].name
            label = f"sum of {len(step.terms)} paths: "
            terms = shown.operands_of(step.terms, step.total, sum) if len(step.terms) <= SUM_TERMS_SHOWN else shown
            rows.append(
                (
                    shown.gradient(out, name),
                    Cell(
                        label + _sum_text(step.terms, terms),
                        "dim",
                        math_words(label) + _sum_text(step.terms, terms, True) if math else "",
                    ),
                    Cell(""),
                    Cell(""),
                    Cell(""),
                    shown.number(step.total, "gradient"),
                )
            )
    return Table(
        f"Backward pass (right to left), starting from {notation.gradient(out, out)} = 1",
        ("gradient", "chain rule", "local derivative", "local", "upstream", "product"),
        (LEFT, LEFT, LEFT, RIGHT, RIGHT, RIGHT),
        tuple(rows),
        notation.legend(out),
        optional=(1,),  # "chain rule": the local derivative and the product remain
    )


# A symbolic gradient longer than this is shown cut short (a table row of 500 characters reads as
# noise); JSON has it whole.
SYMBOLIC_SHOWN = 200


def _symbolic_cell(formula: str, expression: Any, shown: Shown) -> Cell:
    if len(formula) <= SYMBOLIC_SHOWN:
        return Cell(formula, "", latex_expr(expression) if shown.math else "")
    cut = formula[: SYMBOLIC_SHOWN - 1] + "…"
    return Cell(cut, "", rf"\text{{({len(formula):,} characters: see the JSON output)}}" if shown.math else "")


def _gradient_table(explanation: Explanation, shown: Shown) -> Table:
    graph = explanation.graph
    out = explanation.output.name
    symbolic = {g.input: g for g in explanation.symbolic.gradients}
    rows = []
    for index in explanation.wrt:
        entry = symbolic.get(index)
        name = graph.nodes[index].name
        rows.append(
            (
                shown.gradient(out, name),
                shown.number(explanation.node_gradients[index], "gradient"),
                Cell(BLANK, "blank", BLANK_MATH if shown.math else "")
                if shown.blank
                else _symbolic_cell(entry.formula, entry.expression, shown)
                if entry
                else Cell("—"),
            )
        )
    notes: list[str] = []
    if explanation.symbolic.skipped:
        notes.append(f"symbolic gradients skipped: {explanation.symbolic.skipped}")
    else:
        disagree = [graph.nodes[g.input].name for g in explanation.symbolic.gradients if g.agrees is False]
        undecided = [graph.nodes[g.input].name for g in explanation.symbolic.gradients if g.agrees is None]
        if disagree:
            notes.append(
                "BUG: the symbolic gradient disagrees with sympy.diff of the whole expression for "
                + ", ".join(disagree)
                + "; please report it"
            )
        elif undecided:
            notes.append("SymPy could not decide whether these agree with its diff: " + ", ".join(undecided))
        else:
            notes.append("every symbolic gradient agrees with sympy.diff of the whole expression")
        longest = max((len(g.formula) for g in explanation.symbolic.gradients), default=0)
        if longest > SYMBOLIC_SHOWN and not shown.blank:
            notes.append(
                f"symbolic gradients longer than {SYMBOLIC_SHOWN} characters are cut short (…); "
                "--format json has them whole (symbolic_gradients)"
            )
    columns = ("gradient", "value", "symbolic")
    return Table("Gradients", columns, (LEFT, RIGHT, LEFT), tuple(rows), tuple(notes), optional=(2,))


def _claims_table(explanation: Explanation, shown: Shown) -> Table:
    """Each claim, its value and the gradient's at the point, and the verdict; under the table,
    what was found for each claim that is not plainly right, and the likely mistake."""
    from gradexplain.render.claims import Words, comparison_note  # only a run with claims loads their modules
    from gradexplain.teach.deciding import held_inputs

    graph = explanation.graph
    claims = explanation.claims or ()
    words = Words(graph, shown.notation, shown.digits)
    rows = []
    for claim in claims:
        verdict = words.verdict(claim)
        style = "ok" if claim.ok else "bad" if claim.ok is False else "dim"
        claimed = shown.number(claim.claimed) if claim.claimed is not None else Cell("undefined", "bad")
        rows.append(
            (
                Cell(" ".join(claim.text.split()), "", _claim_latex(explanation, claim, shown) if shown.math else ""),
                claimed,
                shown.number(claim.truth, "gradient"),
                Cell(verdict, style),
            )
        )
    held = held_inputs(graph, explanation.wrt, [claim.node for claim in claims])
    notes = [comparison_note(claims, [graph.nodes[index].name for index in sorted(held)])]
    for claim in claims:
        notes += words.lines(claim)
    return Table(
        "Claims",
        ("claim", "claimed", "gradient", "verdict"),
        (LEFT, RIGHT, RIGHT, LEFT),
        tuple(rows),
        tuple(notes),
    )


def _claim_latex(explanation: Explanation, claim: Claim, shown: Shown) -> str:
    """A claim as mathematics: its gradient in the chosen notation, = its right side as written."""
    names: list[str] = []

    def argument(subtree: object) -> int | None:
        if not isinstance(subtree, Name) or subtree.name not in explanation.graph.by_name:
            return None  # a constant (pi, e), written by definition_pieces itself
        names.append(subtree.name)
        return len(names) - 1

    pieces = definition_pieces(claim.formula, argument)
    right = "".join(piece if isinstance(piece, str) else latex_name(names[piece.slot]) for piece in pieces)
    gradient = shown.notation.gradient_latex(explanation.output.name, explanation.graph.nodes[claim.node].name)
    return f"{gradient} = {right}"


def _check_table(explanation: Explanation, shown: Shown) -> Table:
    graph = explanation.graph
    out = explanation.output.name
    checks = explanation.checks or ()
    central = explanation.method == "central"
    math = shown.math
    rows = []
    for check in checks:
        name = graph.nodes[check.input].name
        outputs = _slope_operands(check, shown)
        rows.append(
            (
                Cell(name, "", latex_name(name) if math else ""),
                Cell(_nudge_text(check, shown), "", _nudge_text(check, shown, True) if math else ""),
                Cell(_outputs_text(check, outputs), "value", _outputs_text(check, outputs, True) if math else ""),
                Cell(_slope_text(check, shown, outputs), "", _slope_text(check, shown, outputs, True) if math else ""),
                shown.number(check.gradient, "gradient"),
                Cell(check.verdict if check.ok else check.verdict.upper(), "ok" if check.ok else "bad"),
            )
        )
    eps = shown(explanation.eps)
    if central:
        rule = f"central difference ({out}(x+ε) - {out}(x-ε))/2ε with ε = {eps}"
        bound = f"{TOLERANCE_FACTOR}·ε²·max(1, |gradient|)"
    else:
        rule = f"forward difference ({out}(x+ε) - {out}(x))/ε with ε = {eps}"
        bound = f"{TOLERANCE_FACTOR}·ε·max(1, |gradient|)"
    rule += f"; passes when |estimate - gradient| ≤ {bound}"
    notes = [rule]
    for check in checks:
        name = graph.nodes[check.input].name
        if check.verdict == INCONCLUSIVE:
            notes.append(f"{name}: inconclusive: {check.problem}")
        elif check.problem:
            notes.append(f"{name}: no estimate: {check.problem}")
        elif not check.ok:
            notes.append(
                f"{name}: estimate and gradient differ by {shown(check.difference)}, more than the "
                f"{shown(check.tolerance)} allowed: a kink, strong curvature, or a wrong gradient; "
                "try --central or a smaller --eps to tell which"
            )
    columns = (
        "input",
        "nudge",
        f"{out} after +ε, -ε" if central else f"{out} after",
        "slope estimate",
        "backprop",
        "verdict",
    )
    return Table(
        "Gradient check (nudge each input by ε)",
        columns,
        (LEFT, LEFT, RIGHT, LEFT, RIGHT, LEFT),
        tuple(rows),
        tuple(notes),
        optional=(2, 1),  # the slope estimate repeats J after the nudge; then the nudge itself
    )


def _cost_table(cost: Cost) -> Table:
    """The counts that teach why backprop wins (N + P steps against N × P evaluations), and the
    measured times where the graph is large enough for them to mean the same."""
    n, p = cost.computed, cost.inputs
    timed = cost.nudge_evaluations >= TIMED_FROM
    rows = (
        (
            Cell("backpropagation: one backward pass"),
            Cell(f"{cost.steps:,} local-derivative steps, one per edge (N + P = {n + p:,} nodes)"),
            Cell(duration(cost.backward_seconds) if timed else "—", "value"),
        ),
        (
            Cell("ε-nudging every input: P forward passes"),
            Cell(f"{cost.nudge_evaluations:,} node evaluations (N × P = {n:,} × {p:,})"),
            Cell(
                f"{duration(cost.nudge_seconds)} ({p:,} × {duration(cost.forward_seconds)})" if timed else "—", "value"
            ),
        ),
    )
    ratio = cost.nudge_evaluations / max(1, cost.steps)
    when = (
        "Times are measured on this run (one forward pass, times P), so they vary from run to run."
        if timed
        else f"No times: below {TIMED_FROM:,} node evaluations a run's fixed costs outweigh the work, so the counts "
        "tell the difference and the times would not."
    )
    notes = (
        f"N = {n:,} computed nodes, P = {p:,} inputs with gradients. Backprop's work grows with N + P, "
        f"nudging's with N × P: {ratio:,.1f} times the steps here.",
        when,
    )
    return Table("Cost of the gradients (--cost)", ("method", "work", "time"), (LEFT, LEFT, RIGHT), rows, notes)


def _nudge_text(check: Check, shown: Shown, latex: bool = False) -> str:
    n = _numbers(shown, latex)
    if check.method == "central":
        plus_minus = "\\pm" if latex else "±"
        return f"{n(check.value)} {plus_minus} {n(check.eps)}"
    arrow = "\\to" if latex else "→"
    if n(check.value) == n(check.nudged_value):  # a nudge too small to show: 3 → 3 + 1e-300
        return f"{n(check.value)} {arrow} {n(check.value)} + {n(check.eps)}"
    return f"{n(check.value)} {arrow} {n(check.nudged_value)}"


def _outputs_text(check: Check, shown: Shown, latex: bool = False) -> str:
    n = _numbers(shown, latex)
    if check.method == "central":
        return f"{n(check.nudged_output)}, {n(check.lower_output)}"
    return n(check.nudged_output)


def _slope_operands(check: Check, shown: Shown) -> Shown:
    """Formatting for J(x+ε) and J(x) (or J(x-ε)) such that the slope redone from them as shown
    comes out as shown: (1.87825 - 1.87791421097401)/0.001 mixed a rounded and an exact number."""
    if check.estimate is None or check.nudged_output is None:
        return shown
    below, step = (check.lower_output, 2 * check.eps) if check.method == "central" else (check.output, check.eps)
    assert below is not None
    return shown.operands_of(
        (check.nudged_output, below), check.estimate, lambda pair: (pair[0] - pair[1]) / Fraction(step)
    )


def _slope_text(check: Check, shown: Shown, outputs: Shown, latex: bool = False) -> str:
    if check.estimate is None:
        return "—"
    n, operand = _numbers(shown, latex), _numbers(outputs, latex)
    below, step = (check.lower_output, 2 * check.eps) if check.method == "central" else (check.output, check.eps)
    difference = f"{operand(check.nudged_output)} - {operand(below, operand=True)}"
    if latex:
        return f"\\frac{{{difference}}}{{{n(step)}}} = {n(check.estimate)}"
    return f"({difference})/{n(step)} = {n(check.estimate)}"


def _numbers(shown: Shown, latex: bool) -> Callable[..., str]:
    """Numbers as text, or in LaTeX."""

    def number(value: Number | None, operand: bool = False) -> str:
        text = shown.operand(value) if operand and value is not None else shown(value)
        return latex_number(text) if latex else text

    return number


def _inexact(explanation: Explanation) -> bool:
    """Whether any number shown is floating point, hence rounded."""
    numbers: list[Number | None] = [*explanation.values, *explanation.node_gradients]
    for step in explanation.steps:
        if isinstance(step, EdgeStep):
            numbers += [step.local_value, step.product]
    for check in explanation.checks or ():
        numbers += [check.nudged_output, check.lower_output, check.estimate]
    return any(isinstance(number, float) for number in numbers)


def _summary(explanation: Explanation, shown: Shown) -> tuple[Cell, ...]:
    lines: list[Cell] = []
    if _inexact(explanation):
        digits = min(shown.digits, DOUBLE_DIGITS)
        held = f" (a double holds no more than {DOUBLE_DIGITS})" if shown.digits > DOUBLE_DIGITS else ""
        lines.append(
            Cell(
                f"Values that are not exact (exp, sin, irrational roots, ...) are rounded to {digits} "
                f"significant digits{held} (--digits); exact ones are shown in full.",
                "dim",
            )
        )
    if explanation.checks is not None:
        failed = [c for c in explanation.checks if c.verdict == MISMATCH]
        unsure = [c for c in explanation.checks if c.verdict == INCONCLUSIVE]
        total = len(explanation.checks)
        for group, word in ((failed, "FAILED"), (unsure, "INCONCLUSIVE")):
            if group:
                names = ", ".join(explanation.graph.nodes[c.input].name for c in group)
                lines.append(Cell(f"{len(group)} of {total} gradient checks {word} ({names})", "bad"))
        if not (failed or unsure):
            lines.append(Cell("the gradient check passes" if total == 1 else f"all {total} gradient checks pass", "ok"))
    if explanation.claims is not None:
        lines += _claims_summary(explanation, shown)
    return tuple(lines)


def _claims_summary(explanation: Explanation, shown: Shown) -> list[Cell]:
    """`2 of 7 claims WRONG (∂J/∂b, ∂J/∂w)`, the unproven ones, or that all hold."""
    from gradexplain.render.claims import Words  # only a run with claims loads their modules

    claims = explanation.claims or ()
    words = Words(explanation.graph, shown.notation, shown.digits)
    total = len(claims)
    wrong = [c for c in claims if c.ok is False]
    unproven = [c for c in claims if c.ok is None]
    lines = []
    for group, text, style in (
        (wrong, "WRONG", "bad"),
        (unproven, "agree at every point tried, not proved for all values", "dim"),
    ):
        if group:
            names = listing(list(dict.fromkeys(words.gradient(c.node) for c in group)))
            verb = (
                text.replace("agree ", "agrees ").replace(" are ", " is ") if len(group) == 1 and total == 1 else text
            )
            lines.append(Cell(f"{len(group)} of {total} claims {verb} ({names})", style))
    if not wrong and not unproven:
        lines.append(Cell("the claim holds" if total == 1 else f"all {total} claims hold", "ok"))
    return lines
