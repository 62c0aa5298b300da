"""LaTeX notation, the one place that decides it: names (w11 → w_{11}, ŷ → \\hat{y}), numbers
(1.5e-07 → 1.5 \\times 10^{-7}), SymPy expressions, and definitions as the user wrote them.

Everything here is also valid inside Markdown's `$…$`, so no `|` (it splits a Markdown table
cell) and no backslash before punctuation (Markdown would eat the backslash).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from string import Formatter

import sympy as sp
from sympy.printing.latex import LatexPrinter

from gradexplain.graph import Graph, Node, Piece, Ref
from gradexplain.ops import BY_NAME
from gradexplain.syntax import Binary, Call, Expr, Name, Num, Unary

# ── names ──────────────────────────────────────────────────────────────────────────────────

_GREEK = {
    *("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"),
    *("nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"),
}
_UPPER_GREEK = {"Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega"}
_ACCENTS = {
    "\u0302": "hat",
    "\u0303": "tilde",
    "\u0304": "bar",
    "\u0307": "dot",
    "\u0308": "ddot",
    "\u0301": "acute",
    "\u0300": "grave",
    "\u0306": "breve",
    "\u030c": "check",
    "\u20d7": "vec",
}
_TRAILING_DIGITS = re.compile(r"^(.*?[^\d_])(\d+)$")


def _letter(char: str) -> str:
    """One letter in math mode: Latin as itself, Greek as a command, anything else as text."""
    if char.isascii():
        return char
    unicode_name = unicodedata.name(char, "")
    if unicode_name.startswith("GREEK SMALL LETTER "):
        word = unicode_name.removeprefix("GREEK SMALL LETTER ").lower()
        if word == "final sigma":
            word = "sigma"
        if word in _GREEK:
            return "\\" + ("var" + word if word in ("epsilon", "phi") else word)
    if unicode_name.startswith("GREEK CAPITAL LETTER "):
        word = unicode_name.removeprefix("GREEK CAPITAL LETTER ").capitalize()
        if word in _UPPER_GREEK:
            return "\\" + word
    decomposed = unicodedata.normalize("NFD", char)
    if len(decomposed) > 1 and decomposed[0].isascii():
        text = decomposed[0]
        for mark in decomposed[1:]:
            text = f"\\{_ACCENTS[mark]}{{{text}}}" if mark in _ACCENTS else text
        return text
    return f"\\text{{{char}}}"


def _word(word: str) -> str:
    """A run of letters and digits: one letter plain, a Greek name as its letter, else upright."""
    if word in _GREEK or word in _UPPER_GREEK:
        return "\\" + ("var" + word if word in ("epsilon", "phi") else word)
    if len(word) == 1 or word.isdigit():
        return _letter(word) if len(word) == 1 else word
    if word.endswith("hat") and len(word) > 3:  # yhat → \hat{y}
        return f"\\hat{{{_word(word[:-3])}}}"
    if all(char.isascii() for char in word):
        return f"\\mathrm{{{word}}}"
    letters: list[str] = []
    for char in word:
        if unicodedata.combining(char) and letters:  # x̃ typed as x + a combining tilde
            letters[-1] = f"\\{_ACCENTS[char]}{{{letters[-1]}}}" if char in _ACCENTS else letters[-1]
        else:
            letters.append(_letter(char))
    return "".join(letters)


def latex_name(name: str) -> str:
    """A user's name in math mode: w → w, w11 → w_{11}, w_1 → w_{1}, x_in → x_{\\mathrm{in}},
    alpha → \\alpha, ŷ → \\hat{y}, loss → \\mathrm{loss}, _x → \\underline{x}."""
    if name.startswith("_"):  # _x must not look like x
        return f"\\underline{{{latex_name(name[1:])}}}" if name.strip("_") else "\\underline{\\ }"
    head, _, subscript = name.partition("_")
    if not subscript:
        match = _TRAILING_DIGITS.match(head)
        if match:
            head, subscript = match[1], match[2]
    text = _word(head)
    if subscript:
        text += "_{" + ",".join(_word(part) for part in subscript.split("_") if part) + "}"
    return text


def bar(name: str) -> str:
    """The adjoint v̄ (∂J/∂v) of a name: \\bar{w}, \\bar{w}_{1}, \\overline{\\mathrm{out}}."""
    text = latex_name(name)
    head, underscore, subscript = text.partition("_{")
    if len(head) == 1 or (head.startswith("\\") and head[1:].isalpha()):
        return f"\\bar{{{head}}}" + (underscore + subscript)
    return f"\\overline{{{text}}}"


def derivative(of: str, by: str) -> str:
    """∂of/∂by as a fraction."""
    return f"\\frac{{\\partial {latex_name(of)}}}{{\\partial {latex_name(by)}}}"


# ── numbers ────────────────────────────────────────────────────────────────────────────────

_SCIENTIFIC = re.compile(r"^(-?[\d.]+)e(-?\d+)$")


def latex_number(shown: str) -> str:
    """A number as `format_number` shows it, in math mode: 1.5e-07 → 1.5 \\times 10^{-7}."""
    match = _SCIENTIFIC.match(shown)
    if not match:
        return shown
    mantissa, exponent = match[1], str(int(match[2]))
    if mantissa in ("1", "-1"):
        return f"{mantissa[:-1]}10^{{{exponent}}}"
    return f"{mantissa} \\times 10^{{{exponent}}}"


# ── SymPy expressions ──────────────────────────────────────────────────────────────────────


class _Printer(LatexPrinter):
    """SymPy's LaTeX, with |x| written without the `|` that would split a Markdown table."""

    def _print_Abs(  # noqa: N802 - SymPy's printer dispatches on this name
        self, expr: sp.Abs, exp: str | None = None
    ) -> str:
        text = f"\\left\\lvert {self._print(expr.args[0])} \\right\\rvert"
        return f"{text}^{{{exp}}}" if exp is not None else text

    def _print_Exp1(  # noqa: N802
        self, expr: sp.Expr
    ) -> str:
        return "e"


def latex_expr(expr: sp.Expr | None) -> str:
    """A SymPy expression over the user's names, in LaTeX with those names as latex_name shows them
    (None: a formula too large to write out)."""
    if expr is None:
        return r"\text{(too large to write out)}"
    names = {symbol: latex_name(symbol.name) for symbol in expr.free_symbols}
    return _Printer({"symbol_names": names}).doprint(expr)


# ── definitions as the user wrote them ─────────────────────────────────────────────────────

# How tightly each kind binds; a fraction is a unit everywhere except as the base of a power.
_ADD, _MUL, _POW, _FRACTION, _ATOM = 1, 2, 3, 4, 5


def _precedence(expr: Expr) -> int:
    if isinstance(expr, Binary):
        return {"+": _ADD, "-": _ADD, "*": _MUL, "/": _FRACTION, "**": _POW}[expr.op]
    if isinstance(expr, Unary):
        return _MUL if expr.op == "-" else _precedence(expr.operand)
    if isinstance(expr, Num) and "e" in expr.text.lower():
        return _MUL  # 1e-3 is shown as 10^{-3}
    return _ATOM


def _num(text: str) -> str:
    mantissa, _, exponent = text.lower().partition("e")
    mantissa = mantissa if not mantissa.startswith(".") else "0" + mantissa
    if not exponent:
        return mantissa
    power = f"10^{{{int(exponent)}}}"
    return power if float(mantissa) == 1 else f"{mantissa} \\times {power}"


def node_pieces(graph: Graph, node: Node) -> tuple[Piece, ...]:
    """A node's definition in LaTeX, with Refs for its arguments: kept by the node, or written
    from its syntax tree when first asked (most runs never ask, so building stays cheap)."""
    if node.latex or node.syntax is None:
        return node.latex
    slot_of_name = {name: slot for slot, name in enumerate(graph.argument_names(node))}
    return definition_pieces(
        node.syntax, lambda subtree: slot_of_name.get(subtree.name) if isinstance(subtree, Name) else None
    )


def definition_pieces(root: Expr, argument: Callable[[Expr], int | None]) -> tuple[Piece, ...]:
    """The syntax tree `root` in LaTeX, keeping its order and grouping, with a Ref wherever
    `argument` names a slot for a subtree (a name, or a part computed by another node).

    Iterative (a sum of 20,000 terms is a tree 20,000 deep) and linear: parentheses depend only
    on each node's own kind, so the text is emitted top-down without building substrings.
    """
    pieces: list[Piece] = []
    # (item, needed precedence, at the start of a group): an item is a subtree or literal text
    stack: list[tuple[Expr | str, int, bool]] = [(root, 0, True)]
    while stack:
        item, needed, at_start = stack.pop()
        if isinstance(item, str):
            pieces.append(item)
            continue
        slot = argument(item)
        if slot is not None:
            pieces.append(Ref(slot, not at_start))
            continue
        if _precedence(item) < needed:
            stack += [(")", 0, False), (item, 0, True), ("(", 0, False)]  # popped in reverse
            continue
        parts = _parts(item, at_start)
        stack.extend(reversed(parts))
    return _joined(pieces)


def _parts(expr: Expr, at_start: bool) -> list[tuple[Expr | str, int, bool]]:
    """What `expr` is made of, left to right, each with the precedence it needs."""
    if isinstance(expr, Num):
        return [(_num(expr.text), 0, False)]
    if isinstance(expr, Name):  # only constants reach here: every other name is an argument
        return [("\\pi" if expr.name == "pi" else expr.name, 0, False)]
    if isinstance(expr, Unary):
        if expr.op == "+":
            return [(expr.operand, 0, at_start)]
        return [("-", 0, False), (expr.operand, _POW, False)]
    if isinstance(expr, Call):
        template = BY_NAME[expr.function].latex
        parts: list[tuple[Expr | str, int, bool]] = []
        for literal, field, _, _ in Formatter().parse(template):
            if literal:
                parts.append((literal, 0, False))
            if field:
                parts.append((expr.args[int(field)], 0, True))
        return parts
    assert isinstance(expr, Binary)
    if expr.op == "/":
        return [("\\frac{", 0, False), (expr.left, 0, True), ("}{", 0, False), (expr.right, 0, True), ("}", 0, False)]
    if expr.op == "**":
        return [(expr.left, _ATOM, False), ("^{", 0, False), (expr.right, 0, True), ("}", 0, False)]
    operator = {"+": " + ", "-": " - ", "*": " \\cdot "}[expr.op]
    own = _precedence(expr)
    return [(expr.left, own, at_start), (operator, 0, False), (expr.right, own + 1, False)]


def _joined(pieces: list[Piece]) -> tuple[Piece, ...]:
    """Adjacent literal text merged into one piece."""
    joined: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, str) and joined and isinstance(joined[-1], str):
            joined[-1] += piece
        else:
            joined.append(piece)
    return tuple(joined)
