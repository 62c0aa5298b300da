"""The computation graph as an indented tree for the terminal: the output at the root, each node's
arguments below it, with values, gradients and the local derivative of every edge.

A node that feeds several others appears under each of them (that is fan-out); its own
arguments are drawn the first time only. Walked with an explicit stack, never recursion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradexplain.render.picture import INPUT, NO_GRADIENT, Box, Picture, build_picture
from gradexplain.render.report import RenderOptions
from gradexplain.render.text import display_width

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

# Deeper levels are left out (the indentation alone would fill the screen); JSON has them all.
MAX_DEPTH = 60
GAP = "   "


def _describe(box: Box) -> str:
    if box.kind == INPUT:
        return f"{box.name} = {box.value}  (input)"
    if box.definition == box.value:
        return f"{box.name} = {box.value}"
    return f"{box.name} = {box.definition} = {box.value}"


def render_picture(picture: Picture, heading: str) -> str:
    children: list[list[tuple[int, str | None]]] = [[] for _ in picture.boxes]
    for arrow in picture.arrows:
        label = f"{arrow.label}  ({NO_GRADIENT})" if arrow.zero and arrow.label else arrow.label
        children[arrow.target].append((arrow.source, label))
    rows: list[tuple[str, str, str]] = []  # (tree part, gradient, local derivative of the edge)
    drawn = [False] * len(picture.boxes)
    cut = False
    # (node, prefix for its own line, prefix for its children's lines, label of the edge above);
    # the depth is the length of the children's prefix, three columns a level
    stack: list[tuple[int, str, str, str | None]] = [(picture.output, "", "", None)]
    while stack:
        index, own, below, label = stack.pop()
        text = _describe(picture.boxes[index])
        expand = bool(children[index]) and not drawn[index]
        if children[index] and drawn[index]:
            text += "  (arguments shown above)"
        elif expand and len(below) // 3 >= MAX_DEPTH:
            text += "  (arguments not shown: too deep)"
            expand, cut = False, True
        drawn[index] = True
        rows.append((own + text, picture.boxes[index].gradient or "", label or ""))
        if expand:
            last = len(children[index]) - 1
            for position in range(last, -1, -1):
                child, edge = children[index][position]
                end = position == last
                stack.append((child, below + ("└─ " if end else "├─ "), below + ("   " if end else "│  "), edge))
    width = max(display_width(tree) for tree, _, _ in rows)
    gradient_width = max(display_width(gradient) for _, gradient, _ in rows)
    lines = [heading, ""]
    for tree, gradient, local in rows:
        line = tree + " " * (width - display_width(tree)) + GAP + gradient
        if local:
            line += " " * (gradient_width - display_width(gradient)) + GAP + local
        lines.append(line.rstrip())
    if cut:
        lines += ["", f"Levels deeper than {MAX_DEPTH} are not drawn; --format json or text has every node."]
    return "\n".join(lines) + "\n"


def render(explanation: Explanation, options: RenderOptions | None = None) -> str:
    options = options or RenderOptions()
    picture = build_picture(explanation, options)
    out = picture.boxes[picture.output].name
    title = f"Computation graph of {out}, from the output down to the inputs"
    heading = "\n".join((title, *options.notation.legend(out)))
    return render_picture(picture, heading)
