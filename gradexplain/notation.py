"""How gradients and local derivatives are written, in plain text and in LaTeX, for every format.

A gradient (the total derivative of the output, along every path) is written in the notation
the user picks: ∂J/∂a (leibniz), the course labs' dJ_da (dvar), or the adjoint ā of the
autodiff literature. A local derivative (one node's own formula differentiated with respect to
one argument, its other arguments held fixed) is always ∂ₗc/∂a: the subscript ℓ ("local") keeps
it from ever reading as a gradient, even where the node is the output (∂ₗJ/∂v4 beside ∂J/∂v4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gradexplain.latex import bar, derivative, dot, latex_name

LEIBNIZ, DVAR, ADJOINT = "leibniz", "dvar", "adjoint"
NOTATIONS = (LEIBNIZ, DVAR, ADJOINT)

_MACRON, _OVERLINE, _DOT = "\u0304", "\u0305", "\u0307"
# A name the adjoint's bar goes over one letter of: w, v4, w_1, θ (the letter, then digits or a subscript).
_ONE_LETTER = re.compile(r"^(\w)(\d*|_\w*)$")


def overlined(name: str) -> str:
    """A name with a bar over it, as plain text: w → w̄, v4 → v̄4, out → o̅u̅t̅ (a bar over the
    letter where one letter names the thing, else a line over the whole name)."""
    match = _ONE_LETTER.match(name)
    if match and not match[1].isdigit() and match[1] != "_":
        return match[1] + _MACRON + match[2]
    return "".join(char + _OVERLINE for char in name)


def dotted(name: str) -> str:
    """A name with a dot over it, as plain text, the forward-mode tangent of the literature:
    w → ẇ, v4 → v̇4, out → ȯu̇ṫ (over the letter where one letter names the thing, else over each)."""
    match = _ONE_LETTER.match(name)
    if match and not match[1].isdigit() and match[1] != "_":
        return match[1] + _DOT + match[2]
    return "".join(char + _DOT for char in name)


def local_mark_in_markup(escaped: str, opening: str = "<sub>", closing: str = "</sub>") -> str:
    """Already escaped text with each ∂ₗ written as ∂ and a small ℓ in markup (HTML's <sub>, or a
    smaller font in Graphviz's labels): the Unicode subscript ₗ is missing from many fonts and
    reads as ı at slide size and in print, while a small ℓ reads like the LaTeX ∂_ℓ."""
    return escaped.replace("∂ₗ", f"∂{opening}ℓ{closing}")


# The mark in Graphviz's labels: a smaller ℓ on the line (a <SUB> is shifted by each SVG viewer
# its own way; on the lab page Chromium dropped it onto the next line).
DOT_LOCAL_MARK = ('<FONT POINT-SIZE="7">', "</FONT>")


@dataclass(frozen=True, slots=True)
class Notation:
    """The words and symbols for one notation; every renderer asks here and nowhere else."""

    style: str = LEIBNIZ

    def __post_init__(self) -> None:
        if self.style not in NOTATIONS:
            raise ValueError(f"unknown notation {self.style!r}; choose one of {', '.join(NOTATIONS)}")

    def gradient(self, of: str, by: str) -> str:
        """The gradient of `of` with respect to `by`: ∂J/∂w, dJ_dw or w̄."""
        if self.style == DVAR:
            return f"d{of}_d{by}"
        if self.style == ADJOINT:
            return overlined(by)
        return f"∂{of}/∂{by}"

    def gradient_latex(self, of: str, by: str, inline: bool = False) -> str:
        """In LaTeX; `inline` for running text, where a fraction would be tiny: ∂J/∂w with a slash."""
        if inline and self.style == LEIBNIZ:
            return f"\\partial {latex_name(of)}/\\partial {latex_name(by)}"
        if self.style == DVAR:
            return f"d{latex_name(of)}\\_d{latex_name(by)}"
        if self.style == ADJOINT:
            return bar(by)
        return derivative(of, by)

    def tangent(self, of: str, by: str) -> str:
        """Forward mode's tangent of `of` when the sweep is seeded at input `by`: ∂v/∂w, dv_dw, or
        v̇ in the adjoint notation (the literature pairs the tangent v̇ with the adjoint v̄)."""
        return dotted(of) if self.style == ADJOINT else self.gradient(of, by)

    def tangent_latex(self, of: str, by: str) -> str:
        return dot(of) if self.style == ADJOINT else self.gradient_latex(of, by)

    @staticmethod
    def local(node: str, argument: str) -> str:
        """The local derivative of `node` with respect to its `argument`: ∂ₗc/∂w, in every notation."""
        return f"∂ₗ{node}/∂{argument}"

    @staticmethod
    def local_latex(node: str, argument: str) -> str:
        return f"\\frac{{\\partial_{{\\ell}} {latex_name(node)}}}{{\\partial {latex_name(argument)}}}"

    def legend(self, out: str) -> tuple[str, str]:
        """What the two kinds of derivative mean, said once where they first appear."""
        v = _placeholder(out)
        also = "" if self.style == LEIBNIZ else f" (∂{out}/∂{v})"
        return (
            f"{self.gradient(out, v)}{also} is a gradient: how {out} changes with {v}, along every path",
            f"{self.local('c', v)} is a local derivative: how c's own formula changes with its argument {v}, "
            "the others held fixed",
        )

    def legend_latex(self, out: str) -> str:
        """The legend for running text, its derivatives written with a slash (an inline fraction is tiny)."""
        v, name = _placeholder(out), latex_name(out)
        slashed = LEIBNIZ_NOTATION.gradient_latex(out, v, inline=True)
        gradient = f"${slashed}$" if self.style == LEIBNIZ else f"${self.gradient_latex(out, v)}$ (${slashed}$)"
        return (
            f"{gradient} is a gradient: how ${name}$ changes with ${v}$, along every path; "
            f"$\\partial_{{\\ell}} c/\\partial {v}$ is a local derivative: how $c$'s own formula changes with "
            f"its argument ${v}$, the others held fixed. Each gradient is the sum, over the nodes $c$ that use ${v}$, "
            "of the gradient of $c$ times its local derivative."
        )


LEIBNIZ_NOTATION = Notation(LEIBNIZ)  # the default


def _placeholder(out: str) -> str:
    """The letter that stands for any node in a legend: v, unless the output is called v."""
    return "u" if out == "v" else "v"
