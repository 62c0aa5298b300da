"""The words for claims: verdicts, where a claim and the gradient differ, and the likely mistake.

Pure functions of a decided Claim (teach/claims.py) and the graph. Gradients are written in the
chosen notation (∂J/∂w, dJ_dw or w̄) and local derivatives always as ∂ₗc/∂w, through Notation;
numbers as `format_number` shows them. The text report, the other formats and the JSON document
all take their sentences from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from gradexplain.errors import listing
from gradexplain.graph import Graph
from gradexplain.notation import LEIBNIZ_NOTATION, Notation
from gradexplain.numbers import DEFAULT_DIGITS, Number, exact_text, format_number, terminating_decimal
from gradexplain.teach.claims import NUMERIC, SYMBOLIC, Claim
from gradexplain.teach.deciding import RANDOM_POINTS
from gradexplain.teach.mistakes import (
    EARLY,
    EXTRA_FACTOR,
    FACTOR,
    MISSING_FACTOR,
    MISSING_PATH,
    NONE,
    SIGN,
    UPSTREAM_ONLY,
    WRONG_NODE,
    WRONG_VARIABLE,
    Diagnosis,
    Edge,
    Path,
)
from gradexplain.teach.tolerance import in_words

RIGHT, WRONG, NOT_PROVEN = "right", "WRONG", "not proven"
# A gradient's formula is repeated in the notes while it is at most this long (JSON has all of it).
SHORT = 60


class Words:
    """Sentences about claims in one notation, numbers to `digits` significant digits."""

    def __init__(self, graph: Graph, notation: Notation = LEIBNIZ_NOTATION, digits: int = DEFAULT_DIGITS) -> None:
        self.graph = graph
        self.notation = notation
        self.digits = digits
        self.out = graph.nodes[graph.output].name

    # ── pieces ──

    def name(self, node: int) -> str:
        return self.graph.nodes[node].name

    def number(self, value: Number) -> str:
        return format_number(value, self.digits)

    def operand(self, value: Number) -> str:
        text = self.number(value)
        return f"({text})" if text.startswith("-") else text

    def gradient(self, node: int) -> str:
        return self.notation.gradient(self.out, self.name(node))

    def local(self, edge: Edge) -> str:
        return self.notation.local(self.name(edge.node), self.name(edge.arg))

    def local_with_formula(self, edge: Edge, value: bool = True) -> str:
        """∂ₗc/∂w = x = -2 (the value left out where the formula is the number itself)."""
        text = f"{self.local(edge)} = {edge.formula}"
        shown = self.number(edge.value)
        return text + (f" = {shown}" if value and shown != edge.formula else "")

    def defined(self, node: int) -> str:
        """`c = w*x`: a node and its definition."""
        return f"{self.name(node)} = {self.graph.definition(self.graph.nodes[node])}"

    def path(self, path: Path) -> str:
        """w → c → a → d → J (with the argument's position where a node uses the same one twice)."""
        if not path:
            return self.out
        names = [self.name(path[0].arg)]
        for edge in path:
            node = self.graph.nodes[edge.node]
            twice = node.args.count(edge.arg) > 1
            names.append(self.name(edge.node) + (f" (argument {edge.slot + 1})" if twice else ""))
        return " → ".join(names)

    def point(self, point: tuple[tuple[int, Number], ...]) -> str:
        return listing([f"{self.name(index)} = {self.number(value)}" for index, value in point])

    # ── verdicts ──

    @staticmethod
    def verdict(claim: Claim) -> str:
        return RIGHT if claim.ok else WRONG if claim.ok is False else NOT_PROVEN

    def truth(self, claim: Claim) -> str:
        """∂J/∂b = b + w*x - y = 2, or ∂J/∂b = 2 when its formula is long or not written out."""
        formula = claim.truth_formula
        shown = self.number(claim.truth)
        middle = f" = {formula}" if formula is not None and formula != shown and len(formula) <= SHORT else ""
        return f"{self.gradient(claim.node)}{middle} = {shown}"

    def finding(self, claim: Claim) -> str:
        """What was found, in a sentence that starts after the claim: `is wrong: …`."""
        if claim.ok is False:
            if claim.claimed is None:
                return f"is wrong: it has no value at this point ({claim.undefined}), while {self.truth(claim)}"
            if claim.counterexample is not None:
                assert claim.counter_claimed is not None and claim.counter_truth is not None
                formula = claim.truth_formula
                named = f" = {formula}" if formula is not None and len(formula) <= SHORT else ""
                return (
                    f"is wrong: right at this point ({self.number(claim.claimed)}), but at "
                    f"{self.point(claim.counterexample)} it is {self.number(claim.counter_claimed)}, while "
                    f"{self.gradient(claim.node)}{named} is {self.number(claim.counter_truth)} there"
                )
            return f"is wrong: at this point it is {self.number(claim.claimed)}, while {self.truth(claim)}"
        if claim.ok is None:
            others = claim.points - 1
            where = f"this one and {others} other{'s' if others != 1 else ''}" if others else "this one only"
            points = f"{claim.points} point{'s' if claim.points != 1 else ''}"
            return f"agrees at every point tried ({points}: {where}), not proved for all values: {claim.unproven}"
        if claim.places is not None:
            return f"is right to the {claim.places} decimal places written ({self.truth(claim)})"
        return "is right"

    # ── the diagnosis ──

    def diagnosis(self, claim: Claim) -> str:
        """The likely mistake in words (for a wrong claim), after `likely mistake: `, or for NONE
        the chain-rule route to the right answer."""
        found = claim.diagnosis
        if found is None:
            return ""
        said = {
            SIGN: self._sign,
            UPSTREAM_ONLY: self._upstream_only,
            MISSING_FACTOR: self._missing_factor,
            EXTRA_FACTOR: self._extra_factor,
            EARLY: self._early,
            WRONG_NODE: self._wrong_node,
            MISSING_PATH: self._missing_path,
            FACTOR: self._factor,
            WRONG_VARIABLE: self._wrong_variable,
            NONE: self._none,
        }[found.kind]
        return said(claim, found)

    def lines(self, claim: Claim) -> list[str]:
        """The note lines under the claims table for one claim: none for a plainly right one."""
        if claim.ok and claim.places is None:
            return []
        lines = [f"{claim.text} {self.finding(claim)}"]
        if claim.diagnosis is not None:
            prefix = "" if claim.diagnosis.kind == NONE else "likely mistake: "
            lines.append(f"  {prefix}{self.diagnosis(claim)}")
        return lines

    def _sign(self, claim: Claim, found: Diagnosis) -> str:
        text = f"the sign: the claim is -1 times {self.gradient(claim.node)}"
        if found.edge is not None:
            text += (
                f" — you left out {self.local_with_formula(found.edge, False)} (from {self.defined(found.edge.node)})"
            )
        return text

    def _upstream_only(self, claim: Claim, found: Diagnosis) -> str:
        assert found.edge is not None and found.node is not None and found.value is not None
        return (
            f"the upstream gradient only: the claim is {self.gradient(found.node)} (= {self.number(found.value)} "
            f"here); multiply it by the local derivative {self.local_with_formula(found.edge)}"
        )

    def _missing_factor(self, claim: Claim, found: Diagnosis) -> str:
        assert found.edge is not None
        edge = found.edge
        text = f"a missing factor: you left out {self.local_with_formula(edge)}"
        if edge.value == 0:
            text += f" (from {self.defined(edge.node)}), which passes no gradient here"
        return text

    def _extra_factor(self, claim: Claim, found: Diagnosis) -> str:
        assert found.edge is not None
        local = self.local_with_formula(found.edge)
        if found.detail:  # on the way: the chain rule has it once already, or it cancels there
            return (
                f"a factor too many: the claim is {self.gradient(claim.node)} times {local} (from "
                f"{self.defined(found.edge.node)}), which the chain rule takes once: it is in the gradient "
                "already, or cancels against the local derivative above it"
            )
        return (
            f"a factor too many: the claim is {self.gradient(claim.node)} times {local} (from "
            f"{self.defined(found.edge.node)}), which is not on the way from {self.name(claim.node)} to {self.out}"
        )

    def _wrong_node(self, claim: Claim, found: Diagnosis) -> str:
        assert found.edge is not None and found.node is not None
        consumer, argument = self.name(found.node), self.name(found.edge.arg)
        return (
            f"a local derivative at the wrong node: the claim takes {self.local_with_formula(found.edge, False)} "
            f"(from {self.defined(found.node)}) at {consumer}'s value instead of at {argument}'s"
        )

    def _early(self, claim: Claim, found: Diagnosis) -> str:
        """Right here, wrong at another point: a value written for a name, or (where the graph has
        a kink) a formula that holds on one side of it only."""
        why = (
            "the claim holds on one side of a kink only (relu, abs, max, min, clip), or a value here was written "
            "for a name"
            if found.detail == "kink"
            else "the claim is right here but not at another point, as if a value here had been written for a name"
        )
        return (
            f"numbers put in too early: {why} (inputs that are data, such as labels, keep their values at the "
            f"other points when --wrt names the others); over the names, the chain rule gives "
            f"{self.route(claim, found.route)}"
        )

    def _missing_path(self, claim: Claim, found: Diagnosis) -> str:
        every = listing([self.path(p) for p in found.route], 4)
        counted = listing([self.path(p) for p in found.counted], 3)
        missed = listing([self.path(p) for p in found.missed], 3)
        return (
            f"a missing path: {self.name(claim.node)} reaches {self.out} along {len(found.route)} paths ({every}); "
            f"the claim adds up {counted} and leaves out {missed}"
        )

    def _factor(self, claim: Claim, found: Diagnosis) -> str:
        assert found.value is not None
        text = self._how_many(found.value, claim)
        if found.edge is not None:
            constant = _coefficient_text(found.value, inverse=True)
            text += f" — you left out the {constant} in {self.local_with_formula(found.edge, False)}"
            text += f" (from {self.defined(found.edge.node)})"
            if found.cancels is not None:
                cancelled = _coefficient_text(found.value)
                text += f", which cancels the {cancelled} in {self.local_with_formula(found.cancels, False)}"
                text += f" (from {self.defined(found.cancels.node)})"
        elif found.node is not None and found.constant is not None:
            definition = self.defined(found.node)
            constant = _constant_text(found.constant)
            if constant not in definition:  # d**2/2 holds a 1/2, not a 0.5
                constant = f"{found.constant.numerator}/{found.constant.denominator}"
            inner = _constant_text(1 / found.constant)
            if found.constant * abs(Fraction(found.value)) == 1:  # the constant dropped
                text += f" — the {constant} in {definition} cancels the {inner} from {found.detail}"
            else:  # the derivative's constant dropped
                text += f" — you left out the {inner} from {found.detail}, which cancels the "
                text += f"{constant} in {definition}"
        return text

    def _how_many(self, factor: Number, claim: Claim) -> str:
        """`a factor of 2 too many`, `a factor of 2 missing`, `the claim is 1.5 times ∂J/∂w`."""
        size = abs(factor)
        sign = "the wrong sign and " if factor < 0 else ""
        if isinstance(size, Fraction) and size.denominator == 1:
            return f"{sign}a factor of {size.numerator} too many"
        if isinstance(size, Fraction) and size.numerator == 1:
            return f"{sign}a factor of {size.denominator} missing"
        return f"the claim is {self.number(factor)} times {self.gradient(claim.node)}"

    def _wrong_variable(self, claim: Claim, found: Diagnosis) -> str:
        assert found.node is not None and found.value is not None
        return (
            f"the wrong variable: the claim is {self.gradient(found.node)} (= {self.number(found.value)} here), "
            f"the gradient with respect to {self.name(found.node)}, not {self.name(claim.node)}"
        )

    def _none(self, claim: Claim, found: Diagnosis) -> str:
        if found.rounded is not None:
            assert claim.claimed is not None
            exact = exact_text(claim.truth)  # in full: the student is told what to write
            return (
                f"no common mistake: {self.number(claim.claimed)} is {self.gradient(claim.node)} rounded to "
                f"{found.rounded} decimal places; the gradient is exactly {exact}, so write {exact}"
            )
        return "no common mistake matches; the chain rule gives " + self.route(claim, found.route)

    def route(self, claim: Claim, route: tuple[Path, ...]) -> str:
        """∂J/∂w = ∂ₗc/∂w · ∂ₗa/∂c · … = x · 1 · … = -2 · 1 · … = -4, summed over the paths."""
        gradient = self.gradient(claim.node)
        if not route:
            name = self.name(claim.node)
            return (
                f"{gradient} as the sum, over the nodes c that use {name}, of ∂ₗc/∂{name} times the gradient of c "
                f"(the backward pass shows each term) = {self.number(claim.truth)}"
            )
        if route == ((),):  # the claim is about the output itself
            return f"{gradient} = 1"
        symbols = " + ".join(" · ".join(self.local(edge) for edge in path) for path in route)
        formulas = " + ".join(" · ".join(_grouped(edge.formula) for edge in path) for path in route)
        numbers = " + ".join(" · ".join(self.operand(edge.value) for edge in path) for path in route)
        parts = [gradient, symbols, formulas, numbers, self.number(claim.truth)]
        return " = ".join(part for i, part in enumerate(parts) if i == 0 or part != parts[i - 1])


def _grouped(formula: str) -> str:
    """A formula as a factor: in parentheses when it is a sum (`(b + w*x - y)`)."""
    inner = formula[1:] if formula.startswith("-") else formula
    return f"({formula})" if any(op in inner for op in (" + ", " - ")) else formula


def _constant_text(value: Fraction) -> str:
    """A constant as written in a formula: 0.5, 2, 1/3."""
    decimal = terminating_decimal(value)
    return decimal if decimal is not None and len(decimal) <= 8 else f"{value.numerator}/{value.denominator}"


def _coefficient_text(factor: Number, inverse: bool = False) -> str:
    size = abs(Fraction(factor))
    return _constant_text(1 / size if inverse else size)


def json_diagnosis(claim: Claim, graph: Graph) -> dict[str, str] | None:
    """The diagnosis as the JSON document has it: {kind, text}, in the default notation."""
    if claim.diagnosis is None:
        return None
    return {"kind": claim.diagnosis.kind, "text": Words(graph).diagnosis(claim)}


def comparison_note(claims: tuple[Claim, ...], held: Sequence[str] = ()) -> str:
    """How claims are compared, said once under the table (`held`: the data's names, which keep
    their values at the other points)."""
    parts = []
    if any(claim.kind == SYMBOLIC for claim in claims):
        verb = "keeps its value" if len(held) == 1 else "keep their values"
        kept = f", where {listing(list(held), 4)} (not in --wrt) {verb}" if held else ""
        parts.append(
            f"a formula is compared at this point and at up to {RANDOM_POINTS} others (the same on every run)"
            f"{kept}, and SymPy tries to prove it"
        )
    if any(claim.kind == NUMERIC for claim in claims):
        parts.append("a number at this point")
    if any(claim.inexact for claim in claims):
        parts.append(in_words())
    else:
        parts.append("the values are exact, so they must be equal")
    text = "; ".join(parts)
    return text[0].upper() + text[1:]
