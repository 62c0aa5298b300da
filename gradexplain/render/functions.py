"""The primitives table as a reader sees it (`gradexplain --functions`): each function as it is
written, its local derivative with respect to each argument (SymPy's, from the row's symbolic
form), where it is defined, and what happens at its kinks. Read from engine/primitives.py: a
new row appears here with nothing else to change."""

from __future__ import annotations

import sympy as sp

from gradexplain.engine.primitives import ALIASES, CONSTANTS, PRIMITIVES, Primitive
from gradexplain.engine.sympy_functions import STEP_NOTE, TIE_STEP_NOTE
from gradexplain.formulas import formula_text
from gradexplain.numbers import format_number
from gradexplain.render.report import Cell, Report, Table
from gradexplain.render.text import render_report

COLUMNS = ("function", "local derivative", "defined for", "at its kinks")


def _written(primitive: Primitive) -> str:
    names = primitive.arguments
    text = primitive.template().format(*names)
    if primitive.defaults:
        shorter = primitive.template(primitive.fewest).format(*names[: primitive.fewest])
        given = ", ".join(
            f"{name} = {format_number(value)}"
            for name, value in zip(names[primitive.fewest :], primitive.defaults, strict=True)
        )
        text += f", or {shorter} with {given}"
    return text


def _derivatives(primitive: Primitive) -> str:
    symbols = [sp.Symbol(name, real=True) for name in primitive.arguments]
    value = primitive.symbolic(*symbols)
    parts = [f"∂/∂{symbol} = {formula_text(sp.diff(value, symbol))}" for symbol in symbols]
    return "; ".join(parts)


def functions_report() -> Report:
    """One table per group of the primitives table, in its order."""
    groups: dict[str, list[tuple[Cell, ...]]] = {}
    for primitive in PRIMITIVES:
        row = (_written(primitive), _derivatives(primitive), primitive.domain, primitive.kink or "")
        groups.setdefault(primitive.group, []).append(tuple(Cell(text) for text in row))
    tables = tuple(
        Table(group[0].upper() + group[1:], COLUMNS, ("left",) * len(COLUMNS), tuple(rows))
        for group, rows in groups.items()
    )
    aliases = ", ".join(f"{alias} is {name}" for alias, name in ALIASES.items())
    heading = (
        "The functions and operators of the formula language, with their local derivatives",
        f"Also: {aliases}; the constants are {', '.join(CONSTANTS)}; ^ is **.",
    )
    return Report(heading, tables, (Cell(STEP_NOTE), Cell(TIE_STEP_NOTE)))


def render_functions() -> str:
    return render_report(functions_report())
