"""LaTeX notation, the one place that decides it: names (w11 → w_{11}, ŷ → \\hat{y}), numbers
(1.5e-07 → 1.5 \\times 10^{-7}), SymPy expressions, and definitions as the user wrote them.

Everything here is also valid inside Markdown's `$…$`, so no `|` (it splits a Markdown table
cell) and no backslash before punctuation (Markdown would eat the backslash).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from string import Formatter

import sympy as sp
from sympy.printing.latex import LatexPrinter

from gradexplain.engine.primitives import BY_NAME
from gradexplain.engine.sympy_functions import heaviside_parts
from gradexplain.graph import Graph, Node, Piece, Ref
from gradexplain.syntax import Binary, Call, Expr, Name, Num, Unary

# ── names ──────────────────────────────────────────────────────────────────────────────────

_GREEK = {
    *("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"),
    *("nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"),
}
_UPPER_GREEK = {"Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega"}
# Greek capitals that LaTeX has no command for, because they look like Latin ones (upright, as \Gamma is).
_GREEK_AS_LATIN = {
    **{"ALPHA": "A", "BETA": "B", "EPSILON": "E", "ZETA": "Z", "ETA": "H", "IOTA": "I", "KAPPA": "K"},
    **{"MU": "M", "NU": "N", "OMICRON": "O", "RHO": "P", "TAU": "T", "CHI": "X"},
}
_GREEK_VARIANTS = {
    "GREEK SMALL LETTER OMICRON": "o",
    "GREEK SMALL LETTER FINAL SIGMA": "\\varsigma",
    "GREEK LUNATE EPSILON SYMBOL": "\\epsilon",  # ε itself is \varepsilon, as `epsilon` is
    "GREEK PHI SYMBOL": "\\phi",  # φ itself is \varphi
    "GREEK THETA SYMBOL": "\\vartheta",
    "GREEK PI SYMBOL": "\\varpi",
    "GREEK RHO SYMBOL": "\\varrho",
    "GREEK KAPPA SYMBOL": "\\varkappa",
    "GREEK SMALL LETTER DIGAMMA": "\\digamma",
}
# Letters with a command of their own in mathematics.
_SYMBOLS = {
    **{"ℓ": "\\ell", "ℏ": "\\hbar", "℘": "\\wp", "ı": "\\imath", "ȷ": "\\jmath"},
    **{"ℵ": "\\aleph", "ℶ": "\\beth", "ℷ": "\\gimel", "ℸ": "\\daleth"},
}
# Letters that pdflatex sets as text (\\text{ß}: inputenc reads them, its default fonts have
# them) though not in mathematics; tests/test_tools.py compiles each.
PDFLATEX_TEXT = frozenset("ßæÆœŒøØłŁÇçĢģĶķĻļŅņŐőŖŗŞşŢţŰűȘșȚțḍḥḷṃṇṛṣṭ")
# Styled letters (𝐰 MATHEMATICAL BOLD SMALL W, ℝ DOUBLE-STRUCK CAPITAL R) as pdflatex writes them,
# by the kind of letter underneath; a kind missing here has no pdflatex font and is set as text.
_STYLES: dict[str, dict[str, str]] = {
    "BOLD": {"latin": "\\mathbf{%s}", "digit": "\\mathbf{%s}", "Greek": "\\mathbf{%s}", "greek": "\\boldsymbol{%s}"},
    "ITALIC": {"latin": "\\mathit{%s}", "Greek": "\\var%s", "greek": "%s"},
    "BOLD ITALIC": {"latin": "\\boldsymbol{%s}", "Greek": "\\boldsymbol{\\var%s}", "greek": "\\boldsymbol{%s}"},
    "SCRIPT": {"LATIN": "\\mathcal{%s}"},
    "BOLD SCRIPT": {"LATIN": "\\boldsymbol{\\mathcal{%s}}"},
    "FRAKTUR": {"latin": "\\mathfrak{%s}"},
    "BOLD FRAKTUR": {"latin": "\\boldsymbol{\\mathfrak{%s}}"},
    "DOUBLE-STRUCK": {"LATIN": "\\mathbb{%s}"},
    "SANS-SERIF": {"latin": "\\mathsf{%s}", "digit": "\\mathsf{%s}"},
    "SANS-SERIF BOLD": {"latin": "\\boldsymbol{\\mathsf{%s}}", "digit": "\\boldsymbol{\\mathsf{%s}}"},
    "MONOSPACE": {"latin": "\\mathtt{%s}", "digit": "\\mathtt{%s}"},
}
_STYLED = re.compile(
    r"^(?:MATHEMATICAL )?(BOLD ITALIC|BOLD SCRIPT|BOLD FRAKTUR|SANS-SERIF BOLD ITALIC|SANS-SERIF BOLD|SANS-SERIF ITALIC"
    r"|SANS-SERIF|MONOSPACE|DOUBLE-STRUCK ITALIC|DOUBLE-STRUCK|FRAKTUR|BLACK-LETTER|SCRIPT|ITALIC|BOLD|PLANCK) "
)
# Commands that need \usepackage{amssymb} (every other one is in LaTeX itself or amsmath).
AMSSYMB_COMMANDS = ("\\mathbb", "\\mathfrak", "\\beth", "\\gimel", "\\daleth", "\\digamma", "\\varkappa")
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
    "\u030a": "mathring",
    "\u20d7": "vec",
}
_TRAILING_DIGITS = re.compile(r"^(.*?[^\d_])(\d+)$")


def _greek(unicode_name: str) -> str | None:
    """A Greek letter by its Unicode name: GREEK SMALL LETTER ALPHA → \\alpha."""
    if unicode_name in _GREEK_VARIANTS:
        return _GREEK_VARIANTS[unicode_name]
    for prefix, case in (("GREEK SMALL LETTER ", str.lower), ("GREEK CAPITAL LETTER ", str.capitalize)):
        if unicode_name.startswith(prefix):
            word = case(unicode_name.removeprefix(prefix).replace("LAMDA", "LAMBDA"))  # Unicode's spelling
            if word in _GREEK or word in _UPPER_GREEK:
                return "\\" + ("var" + word if word in ("epsilon", "phi") else word)
            if prefix == "GREEK CAPITAL LETTER " and word.upper() in _GREEK_AS_LATIN:
                return f"\\mathrm{{{_GREEK_AS_LATIN[word.upper()]}}}"
    return None


def _styled(char: str, unicode_name: str) -> str | None:
    """A styled letter or digit (𝐰, 𝛂, ℝ, ℎ) as its style's command around the plain letter."""
    match = _STYLED.match(unicode_name)
    plain = unicodedata.normalize("NFKC", char)
    if match is None or len(plain) != 1 or plain == char:
        return None
    style = {"BLACK-LETTER": "FRAKTUR", "PLANCK": "ITALIC"}.get(match[1], match[1])
    letter = _plain(plain)
    if letter is None or style not in _STYLES:
        return None
    if letter.startswith("\\mathrm{"):  # bold Alpha is a bold A
        letter, kind = letter.removeprefix("\\mathrm{").removesuffix("}"), "latin"
    elif plain.isascii():
        kind = "digit" if plain.isdigit() else "latin"
    elif unicodedata.name(plain, "").startswith("GREEK CAPITAL"):
        kind = "Greek"
    else:
        kind = "greek"  # lowercase Greek, ı and ȷ: italic already
    templates = _STYLES[style]
    if kind == "latin" and plain.isupper() and "LATIN" in templates:
        kind = "LATIN"
    if kind not in templates:
        return None
    return templates[kind] % (letter.removeprefix("\\") if "\\var%s" in templates[kind] else letter)


def _plain(char: str) -> str | None:
    """One character in math mode as pdflatex sets it with amsmath and amssymb, or None when
    only a Unicode font has it (Cyrillic, Hebrew, Han, …)."""
    if char.isascii():
        return char if char.isalnum() else None
    if char in _SYMBOLS:
        return _SYMBOLS[char]
    unicode_name = unicodedata.name(char, "")
    return _greek(unicode_name) or _styled(char, unicode_name)


def settable(cluster: str) -> str | None:
    """A letter with its combining marks (ŷ, ά), as pdflatex sets it in mathematics, or None."""
    if len(cluster) == 1 and (plain := _plain(cluster)) is not None:
        return plain
    decomposed = unicodedata.normalize("NFD", cluster)
    base, marks = decomposed[0], decomposed[1:]
    text = _plain(base)
    if text is None:
        return None
    for mark in marks:
        if mark not in _ACCENTS:
            return None
        text = f"\\{_ACCENTS[mark]}{{{text}}}"
    return text


def clusters(text: str) -> list[str]:
    """`text` cut before every character that is not a combining mark: each piece one letter
    as a reader sees it (ŷ typed as y + a combining circumflex stays one)."""
    pieces: list[str] = []
    for char in text:
        if pieces and unicodedata.category(char).startswith("M"):
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


def math_letters(text: str) -> list[tuple[str, bool]]:
    """`text` as (LaTeX, settable) pieces: settable ones in math mode for pdflatex, the others
    runs of Unicode text kept as written, for \\text{…} (pdflatex sets PDFLATEX_TEXT there;
    anything else needs a Unicode engine, LuaLaTeX)."""
    pieces: list[tuple[str, bool]] = []
    for cluster in clusters(text):
        math = settable(cluster)
        if math is not None:
            pieces.append((math, True))
        elif pieces and not pieces[-1][1]:
            pieces[-1] = (pieces[-1][0] + cluster, False)
        else:
            pieces.append((cluster, False))
    return pieces


def _word(word: str) -> str:
    """A run of letters and digits: one letter plain, a Greek name as its letter, an ASCII word
    upright; other letters each as pdflatex sets it, and a run that only Unicode fonts have as
    upright text (\\text{ошибка})."""
    if word in _GREEK or word in _UPPER_GREEK:
        return "\\" + ("var" + word if word in ("epsilon", "phi") else word)
    if word.isascii() and (len(word) == 1 or word.isdigit()):
        return word
    if word.endswith("hat") and len(word) > 3:  # yhat → \hat{y}
        return f"\\hat{{{_word(word[:-3])}}}"
    if word.isascii():
        return f"\\mathrm{{{word}}}"
    return "".join(text if math else f"\\text{{{text}}}" for text, math in math_letters(word))


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
    return _accented(name, "bar", "overline")


def dot(name: str) -> str:
    """The tangent v̇ (∂v/∂x in a forward sweep) of a name: \\dot{w}, \\dot{v}_{4}, \\dot{\\mathrm{out}}."""
    return _accented(name, "dot", "dot")


def _accented(name: str, accent: str, wide: str) -> str:
    """The name with an accent over its letter (w, v_{4}, \\alpha), or a wide one over a word."""
    text = latex_name(name)
    head, underscore, subscript = text.partition("_{")
    if len(head) == 1 or (head.startswith("\\") and head[1:].isalpha()):
        return f"\\{accent}{{{head}}}" + (underscore + subscript)
    return f"\\{wide}{{{text}}}"


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

    def _print_Heaviside(  # noqa: N802
        self, expr: sp.Heaviside, exp: str | None = None
    ) -> str:
        """max's and min's derivative under relu's name, as plain text shows it: step(x, 1/2)."""
        argument, at_zero = heaviside_parts(expr)
        inside = self._print(argument) + ("" if at_zero == 0 else f", {self._print(at_zero)}")
        text = f"\\operatorname{{step}}\\left({inside}\\right)"
        return f"{text}^{{{exp}}}" if exp is not None else text


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
        template = BY_NAME[expr.function].latex_template(len(expr.args))
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
    run: list[str] = []  # text waiting to be merged (joined once: += on a growing string is quadratic)
    for piece in pieces:
        if isinstance(piece, str):
            run.append(piece)
            continue
        if run:
            joined.append("".join(run))
            run = []
        joined.append(piece)
    if run:
        joined.append("".join(run))
    return tuple(joined)


# ── what a document needs: pdflatex, or LuaLaTeX and Unicode fonts ─────────────────────────

_UNICODE_RUN = re.compile(r"[^\x00-\x7f]+")
_RIGHT_TO_LEFT = ("R", "AL")


@dataclass(frozen=True, slots=True)
class Needs:
    """What compiles a LaTeX text. Letters that pdflatex cannot set (every non-ASCII character
    left in the text: names in Cyrillic, Hebrew, Han, …) need LuaLaTeX, with fonts that have them."""

    amssymb: bool  # \\mathbb, \\mathfrak, …
    unicode: tuple[str, ...]  # the runs of text only LuaLaTeX sets (ошибка, 损失), each once, in order
    fonts: tuple[tuple[str, str], ...]  # (family, script) of the fonts that have them, tried in order
    missing: tuple[str, ...]  # characters that none of those fonts has

    @property
    def engine(self) -> str:
        return "lualatex" if self.unicode else "pdflatex"


def needs(latex: str) -> Needs:
    """What `latex` (text this module wrote, without comments) needs to compile."""
    from gradexplain.fonts import FONTS, font_of

    runs = _UNICODE_RUN.findall(latex)
    unicode = tuple(dict.fromkeys(run for run in runs if not PDFLATEX_TEXT.issuperset(run)))
    found = {char: font_of(char) for char in dict.fromkeys("".join(unicode))}
    fonts = sorted({index for index in found.values() if index})  # 0 is the main font, Latin Modern
    return Needs(
        amssymb=any(command in latex for command in AMSSYMB_COMMANDS),
        unicode=unicode,
        fonts=tuple(FONTS[index] for index in fonts),
        missing=tuple(char for char, index in found.items() if index is None),
    )


def directed(latex: str) -> str:
    """Right-to-left text (Hebrew, Arabic, …) in LuaTeX's right-to-left direction, with any
    left-to-right letters or digits inside it turned back: LuaTeX has no bidirectional algorithm."""

    def direct(run: re.Match[str]) -> str:
        text = run[0]
        if not any(unicodedata.bidirectional(char) in _RIGHT_TO_LEFT for char in text):
            return text
        pieces: list[tuple[bool, str]] = []  # (right to left, text)
        for cluster in clusters(text):
            rtl = unicodedata.bidirectional(cluster[0]) in (*_RIGHT_TO_LEFT, "ON", "NSM")
            if pieces and pieces[-1][0] == rtl:
                pieces[-1] = (rtl, pieces[-1][1] + cluster)
            else:
                pieces.append((rtl, cluster))
        inner = "".join(piece if rtl else f"{{\\textdir TLT {piece}}}" for rtl, piece in pieces)
        return f"{{\\textdir TRT {inner}}}"

    return _UNICODE_RUN.sub(direct, latex)
