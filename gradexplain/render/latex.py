"""LaTeX: evaluation traces in the style of the automatic-differentiation literature.

One row per node: on the left the forward primal trace (c = w·x = 2·(−2) = −4), on the right the
reverse adjoint trace of the same node (w̄ = c̄ ∂c/∂w = …), so the left column reads top-down and
the right one bottom-up from J̄ = 1. Then the gradients and the checks. A fragment needs only
amsmath; `standalone=True` gives a whole document that pdflatex compiles.
"""

from __future__ import annotations

import re

from gradexplain.backward import EdgeStep
from gradexplain.explain import Explanation
from gradexplain.graph import Node
from gradexplain.latex import bar, derivative, latex_expr, latex_name, latex_number
from gradexplain.numbers import Number
from gradexplain.render.report import (
    SUM_TERMS_SHOWN,
    RenderOptions,
    Shown,
    Table,
    build_report,
    latex_definition,
    signed_sum,
    with_values,
)

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "…": r"\ldots{}",
    "–": "--",
    "—": "---",
    "∂": r"$\partial$",
    "ε": r"$\varepsilon$",
    "≤": r"$\le$",
    "≥": r"$\ge$",
    "≠": r"$\ne$",
    "·": r"$\cdot$",
    "→": r"$\to$",
    "±": r"$\pm$",
    "−": r"$-$",
    "²": r"$^2$",
    "½": r"$\frac{1}{2}$",
}


def escape(text: str) -> str:
    """Plain text for a LaTeX document: special characters escaped, symbols in math mode."""
    out = []
    for char in text:
        if char in _SPECIAL:
            out.append(_SPECIAL[char])
        elif char.isascii() or char.isspace():
            out.append(char)
        else:
            out.append(f"${latex_name(char)}$")
    return "".join(out).replace("--", "-{}-")  # not an en dash


def _adjoint(explanation: Explanation, node: Node, edges: list[EdgeStep], shown: Shown) -> str:
    """v̄ = Σ (consumer adjoint) · ∂consumer/∂v, written out symbolically and with numbers."""
    graph = explanation.graph
    gradient = explanation.node_gradients[node.index]
    if node.index == graph.output:
        return f"{bar(node.name)} = 1"
    if gradient is None or not edges:
        return ""
    picked: list[EdgeStep | None] = list(edges)
    if len(edges) > SUM_TERMS_SHOWN:
        picked = [*edges[: SUM_TERMS_SHOWN - 1], None, edges[-1]]
    chain, local, numbers = [], [], []
    for step in picked:
        if step is None:
            chain.append(r"\cdots")
            local.append(r"\cdots")
            numbers.append(r"\cdots")
            continue
        consumer = graph.nodes[step.node].name
        upstream = bar(consumer)
        chain.append(f"{upstream} {derivative(consumer, node.name)}")
        formula = latex_expr(step.local_expr)
        if formula == "1":
            local.append(upstream)
        elif formula == "-1":
            local.append(f"-{upstream}")
        else:
            grouped = re.search(r"[+-]", formula) is not None
            local.append(f"{upstream} \\cdot " + (f"\\left({formula}\\right)" if grouped else formula))
        numbers.append(f"{_number(step.upstream, shown)} \\cdot {_number(step.local_value, shown, operand=True)}")
    parts = [bar(node.name), signed_sum(chain), signed_sum(local), signed_sum(numbers), _number(gradient, shown)]
    return " = ".join(_unique(parts))


def _unique(parts: list[str]) -> list[str]:
    """Consecutive equal sides said once: not `a = 2 = 2`."""
    return [part for i, part in enumerate(parts) if i == 0 or part != parts[i - 1]]


def _number(value: Number, shown: Shown, operand: bool = False) -> str:
    return latex_number(shown.operand(value) if operand else shown(value))


def _primal(explanation: Explanation, node: Node, shown: Shown) -> str:
    value = _number(explanation.values[node.index], shown)
    if node.is_input:
        return f"{latex_name(node.name)} = {value}"
    parts = [
        latex_name(node.name),
        latex_definition(explanation.graph, node),
        with_values(explanation, node, shown, latex=True),
        value,
    ]
    return " = ".join(_unique(parts))


def traces(explanation: Explanation, shown: Shown) -> list[str]:
    edges: list[list[EdgeStep]] = [[] for _ in explanation.graph.nodes]
    for step in explanation.steps:
        if isinstance(step, EdgeStep):
            edges[step.arg].append(step)
    column = r">{\raggedright\arraybackslash}p{0.47\linewidth}"
    lines = [
        "{\\renewcommand{\\arraystretch}{1.5}%",
        f"\\begin{{tabular}}{{@{{}}{column}@{{\\hspace{{0.04\\linewidth}}}}{column}@{{}}}}",
        r"\textbf{Forward primal trace} (read down) & \textbf{Reverse adjoint trace} (read up from "
        f"${bar(explanation.output.name)} = 1$) \\\\",
        r"\hline",
    ]
    for node in explanation.graph.nodes:
        adjoint = _adjoint(explanation, node, edges[node.index], shown)
        lines.append(f"${_primal(explanation, node, shown)}$ & " + (f"${adjoint}$" if adjoint else "") + r" \\")
    lines.append(r"\end{tabular}}")
    return lines


def _breakable(math: str) -> str:
    """Plain parentheses instead of \\left( \\right), so that TeX may break a long formula
    inside them (it never breaks inside a \\left…\\right group)."""
    return math.replace(r"\left(", "(").replace(r"\right)", ")")


def _table(table: Table) -> list[str]:
    """A table as wide as the line: its widest left-aligned column wraps (tabularx's X)."""
    cells = [[cell.text for cell in row] for row in table.rows]
    width = [max((len(row[i]) for row in cells), default=0) for i in range(len(table.columns))]
    left = [i for i, align in enumerate(table.align) if align == "left"]
    widest = max(left, key=lambda i: width[i])
    spec = "".join(
        r">{\raggedright\arraybackslash}X" if i == widest else "r" if align == "right" else "l"
        for i, align in enumerate(table.align)
    )
    lines = [
        f"\\medskip\\noindent\\textbf{{{escape(table.title)}}}\\par",
        "{\\renewcommand{\\arraystretch}{1.5}%",
        f"\\noindent\\begin{{tabularx}}{{\\linewidth}}{{{spec}}}",
        " & ".join(f"\\textbf{{{escape(column)}}}" for column in table.columns) + r" \\",
        r"\hline",
    ]
    for row in table.rows:
        lines.append(
            " & ".join(f"${_breakable(cell.math)}$" if cell.math else escape(cell.text) for cell in row) + r" \\"
        )
    lines.append(r"\end{tabularx}}")
    lines += ["", *(escape(note) + "\n" for note in table.notes)]
    return lines


def render(explanation: Explanation, options: RenderOptions | None = None, standalone: bool = False) -> str:
    options = options or RenderOptions()
    shown = Shown(options.digits, True)
    report = build_report(explanation, options, math=True)
    out = latex_name(explanation.output.name)
    lines = [
        f"% gradexplain: backpropagation through {explanation.output.name}",
        r"% needs \usepackage{amsmath} and \usepackage{tabularx}",
        "\\\\\n".join(escape(line) for line in report.heading),
        "",
        r"\medskip",
        r"\noindent",
        *traces(explanation, shown),
        "",
        f"\\noindent Each adjoint is ${bar('v')} = \\partial {out} / \\partial v$, "
        "the sum over the nodes that use $v$ of their adjoint times their local derivative.",
    ]
    for table in report.tables[2:]:  # the gradients and the checks; the traces above hold the rest
        lines += ["", *_table(table)]
    notes = report.tables[0].notes
    lines += ["", *(escape(note) + "\n" for note in notes)]
    lines += [escape(cell.text) + "\n" for cell in report.summary]
    body = "\n".join(lines).rstrip("\n") + "\n"
    if not standalone:
        return body
    return (
        "\\documentclass[11pt]{article}\n"
        "\\usepackage[utf8]{inputenc}\n"
        "\\usepackage{amsmath}\n"
        "\\usepackage{tabularx}\n"
        "\\usepackage[margin=2cm]{geometry}\n"
        "\\setlength{\\parindent}{0pt}\n"
        "\\begin{document}\n"
        f"\\section*{{Backpropagation through ${out}$}}\n"
        f"{body}"
        "\\end{document}\n"
    )
