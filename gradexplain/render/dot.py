"""Graphviz DOT: the computation graph left to right, as the lecture draws it. Each box shows
its name, its definition, its value and, in a second colour, its gradient; each arrow carries
its local derivative. Inputs, operations and the output differ in shape and colour. Ids come
from node positions, so the same explanation always gives the same bytes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradexplain.notation import DOT_LOCAL_MARK, local_mark_in_markup
from gradexplain.render.picture import INPUT, NO_GRADIENT, OUTPUT, Box, Picture, build_picture, math_text
from gradexplain.render.report import RenderOptions

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

VALUE_COLOUR = "#1f4e79"
GRADIENT_COLOUR = "#b0185a"
# Local derivatives on the arrows, in a colour of their own: never to be taken for a gradient.
LOCAL_COLOUR = "#8a5a00"
# An arrow that carries no gradient (a dead ReLU unit): grey, dotted, its label saying so.
ZERO_COLOUR = "#9a9a9a"
FILL = {INPUT: "#e3f0fb", "operation": "#f5f5f5", OUTPUT: "#fff1d6"}
BORDER = {INPUT: "#2e75b6", "operation": "#7f7f7f", OUTPUT: "#c55a11"}


def escape(text: str) -> str:
    """Text inside a Graphviz HTML-like label."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _arrow_label(label: str) -> str:
    """The local derivative on two lines, `∂c/∂w` over `= x = -2`: an arrow's label sets the width of
    the column it sits in, so halving it narrows the whole drawing."""
    derivative, equals, rest = math_text(label).partition(" = ")
    return local_mark_in_markup(escape(derivative), *DOT_LOCAL_MARK) + (f"<BR/>= {escape(rest)}" if equals else "")


def _padded(label: str) -> str:
    """An arrow's label in a cell with room below it, for the line that ties it to its arrow
    (Graphviz's decorate underlines the label's box, which would otherwise cross the text)."""
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="3" CELLSPACING="0"><TR><TD>{label}</TD></TR></TABLE>'


def _label(box: Box) -> str:
    rows = [f"<B>{escape(box.name)}</B>"]
    if box.kind != INPUT:
        rows.append(escape(math_text(box.definition)))
    rows.append(f'<FONT COLOR="{VALUE_COLOUR}">= {escape(box.value)}</FONT>')
    if box.gradient is not None:
        rows.append(f'<FONT COLOR="{GRADIENT_COLOUR}">{escape(box.gradient)}</FONT>')
    # One row a cell, a little apart: a superscript (d²/2) must not touch the name above it.
    cells = "".join(f"<TR><TD>{row}</TD></TR>" for row in rows)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="0" CELLSPACING="2">{cells}</TABLE>>'


def render_picture(picture: Picture, attributes: tuple[str, ...] = ()) -> str:
    """The DOT text; `attributes` (`dpi=150`) are added to the graph's, for the drawing's sake."""
    lines = [
        "digraph gradexplain {",
        *(f"  {attribute};" for attribute in attributes),
        "  rankdir=LR;",
        # Close columns and rows, arrow labels on two lines in a smaller font: a slide's width
        # holds a two-layer network (gradexplain/examples/two_layer_relu.gx).
        '  graph [fontname="Helvetica", nodesep=0.18, ranksep=0.35];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, margin="0.12,0.05"];',
        # Arrow labels as large as the boxes' text (9 pt and more when a slide or a page shrinks the
        # drawing a little), each tied to its arrow by a line (decorate), so none floats between two.
        '  edge [fontname="Helvetica", fontsize=10, color="#595959", arrowsize=0.7, decorate=true];',
    ]
    for box in picture.boxes:
        attributes = f'label={_label(box)}, fillcolor="{FILL[box.kind]}", color="{BORDER[box.kind]}"'
        if box.kind == INPUT:
            attributes += ', shape=ellipse, style=filled, margin="0.02,0.02"'
        if box.kind == OUTPUT:
            # The second border is drawn inside the node's size: a wider margin keeps the text clear of it.
            attributes += ', penwidth=2, peripheries=2, margin="0.22,0.12"'
        lines.append(f"  n{box.index} [{attributes}];")
    for arrow in picture.arrows:
        if arrow.label is None:
            lines.append(f"  n{arrow.source} -> n{arrow.target} [style=dashed];")
        elif arrow.zero:
            label = _padded(f'<FONT COLOR="{ZERO_COLOUR}">{_arrow_label(arrow.label)}<BR/>{escape(NO_GRADIENT)}</FONT>')
            style = f'style=dotted, penwidth=1.5, color="{ZERO_COLOUR}"'
            lines.append(f"  n{arrow.source} -> n{arrow.target} [label=<{label}>, {style}];")
        else:
            label = _padded(f'<FONT COLOR="{LOCAL_COLOUR}">{_arrow_label(arrow.label)}</FONT>')
            lines.append(f"  n{arrow.source} -> n{arrow.target} [label=<{label}>];")
    lines += [*_key(picture), "}"]
    return "\n".join(lines) + "\n"


def _key(picture: Picture) -> list[str]:
    """Below the drawing, which colour and notation is which: a gradient in a box, a local
    derivative on an arrow."""
    gradient, local = picture.key
    if not gradient:
        return []
    local = local_mark_in_markup(escape(local), *DOT_LOCAL_MARK)
    key = (
        f'<FONT COLOR="{GRADIENT_COLOUR}">{escape(gradient)}</FONT>: gradient (in a box)'
        f'     <FONT COLOR="{LOCAL_COLOUR}">{local}</FONT>: local derivative (on an arrow)'
    )
    return [f'  label=<<FONT POINT-SIZE="10">{key}</FONT>>;', '  labelloc="b";', '  labeljust="l";']


def render(explanation: Explanation, options: RenderOptions | None = None) -> str:
    return render_picture(build_picture(explanation, options))
