"""Mermaid: the computation graph as a flowchart that GitHub renders inside Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradexplain.render.dot import GRADIENT_COLOUR, LOCAL_COLOUR, ZERO_COLOUR
from gradexplain.render.picture import INPUT, NO_GRADIENT, OUTPUT, Box, Picture, build_picture, math_text
from gradexplain.render.report import RenderOptions

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

_ENTITIES = {"&": "#amp;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;", "|": "#124;"}


def escape(text: str) -> str:
    """Text inside a quoted Mermaid label, where < > " | and # would be read as syntax."""
    return "".join(_ENTITIES.get(char, char) for char in text)


def _label(box: Box) -> str:
    lines = [f"<b>{escape(box.name)}</b>"]
    if box.kind != INPUT:
        lines.append(escape(math_text(box.definition)))
    lines.append(f"= {escape(box.value)}")
    if box.gradient is not None:  # in the gradients' colour; the arrows' local derivatives have their own
        lines.append(f"<font color='{GRADIENT_COLOUR}'>{escape(box.gradient)}</font>")  # strict mode drops style=
    return "<br/>".join(lines)


def render_picture(picture: Picture) -> str:
    lines = ["flowchart LR"]
    for box in picture.boxes:
        opening, closing = ("([", "])") if box.kind == INPUT else ("[", "]")
        lines.append(f'  n{box.index}{opening}"{_label(box)}"{closing}')
    zero = []  # positions of the links that carry no gradient, for linkStyle (links count from 0)
    for position, arrow in enumerate(picture.arrows):
        if arrow.label is None:
            lines.append(f"  n{arrow.source} -.-> n{arrow.target}")
        elif arrow.zero:
            zero.append(str(position))
            lines.append(
                f'  n{arrow.source} -.->|"{escape(math_text(arrow.label))}<br/>{escape(NO_GRADIENT)}"| n{arrow.target}'
            )
        else:
            lines.append(f'  n{arrow.source} -->|"{escape(math_text(arrow.label))}"| n{arrow.target}')
    lines += [
        "  classDef input fill:#e3f0fb,stroke:#2e75b6,color:#000",
        "  classDef operation fill:#f5f5f5,stroke:#7f7f7f,color:#000",
        "  classDef output fill:#fff1d6,stroke:#c55a11,stroke-width:3px,color:#000",
    ]
    for kind in (INPUT, "operation", OUTPUT):
        members = [f"n{box.index}" for box in picture.boxes if box.kind == kind]
        if members:
            lines.append(f"  class {','.join(members)} {kind}")
    lines.append(f"  linkStyle default color:{LOCAL_COLOUR}")
    if zero:
        lines.append(f"  linkStyle {','.join(zero)} stroke:{ZERO_COLOUR},color:{ZERO_COLOUR}")
    return "\n".join(lines) + "\n"


def render(explanation: Explanation, options: RenderOptions | None = None) -> str:
    return render_picture(build_picture(explanation, options))
