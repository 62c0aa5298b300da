"""LaTeX: evaluation traces in the style of the automatic-differentiation literature.

One row per node: on the left the forward primal trace (c = w·x = 2·(−2) = −4), on the right the
reverse adjoint trace of the same node (w̄ = c̄ ∂c/∂w = …), so the left column reads top-down and
the right one bottom-up from J̄ = 1. Then the gradients and the checks. A fragment needs
amsmath and tabularx; `standalone=True` gives a whole document. Both compile with pdflatex,
unless a name has letters that pdflatex has no font for (ошибка, שגיאה, 损失): then they need
LuaLaTeX and Unicode fonts, and say so in their first comment lines.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gradexplain.backward import EdgeStep
from gradexplain.build import whole_formula
from gradexplain.errors import GradexplainError
from gradexplain.graph import Node
from gradexplain.latex import (
    Needs,
    clusters,
    definition_pieces,
    directed,
    latex_expr,
    latex_name,
    latex_number,
    needs,
    settable,
)
from gradexplain.notation import ADJOINT
from gradexplain.numbers import Number
from gradexplain.render.report import (
    BLANK_MATH,
    HEADING_FORMULA_LIMIT,
    SUM_TERMS_SHOWN,
    RenderOptions,
    Report,
    Shown,
    Table,
    build_report,
    latex_definition,
    signed_sum,
    with_values,
)
from gradexplain.syntax import Name, parse

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

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
    "–": r"\textendash{}",
    "—": r"\textemdash{}",  # not ---, which the guard against a literal -- below would break
    "∂": r"$\partial$",
    "ₗ": r"$_{\ell}$",  # ∂ₗc/∂w, a local derivative, in running text
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
    "×": r"$\times$",
    "←": r"$\leftarrow$",
}


# A hyphen that means minus: spaced (`a - b`), before a number (`-2`, `-.5`) or before ε (`x-ε`).
_MINUS = re.compile(r"(?<=\s)-(?=\s)|(?<![\w.)\]-])-(?=\.?\d)|-(?=ε)")


def escape(text: str) -> str:
    """Plain text for a LaTeX document: special characters escaped, symbols and the letters
    pdflatex has (ŷ, α) in math mode, other letters (ошибка) as they are, for LuaLaTeX; control
    characters (which TeX rejects) left out; a hyphen that means minus set as a minus sign."""
    out = []
    for cluster in clusters(_MINUS.sub("−", text)):
        math = None if cluster.isascii() or cluster in _SPECIAL else settable(cluster)
        if math is not None:
            out.append(f"${math}$")
            continue
        for char in cluster:
            if char.isspace():
                out.append(" " if char != "\n" else char)
            elif unicodedata.category(char) != "Cc":
                out.append(_SPECIAL.get(char, char))
    text = "".join(out).replace("--", "-{}-")  # not an en dash
    return re.sub(r"(?<!\\)\$\$", " ", text)  # $-$$\varepsilon$ as one formula, $- \varepsilon$


def _adjoint(explanation: Explanation, node: Node, edges: list[EdgeStep], shown: Shown) -> str:
    """v̄ = Σ (consumer's gradient) · ∂ₗconsumer/∂v, written out symbolically and with numbers,
    in the chosen notation (∂J/∂v, dJ_dv or v̄)."""
    graph = explanation.graph
    notation, out = shown.notation, graph.nodes[graph.output].name
    gradient = explanation.node_gradients[node.index]
    if node.index == graph.output:
        return f"{notation.gradient_latex(out, node.name)} = 1"  # given, even on a worksheet
    if gradient is None or not edges:
        return ""
    picked: list[EdgeStep | None] = list(edges)
    if len(edges) > SUM_TERMS_SHOWN:
        picked = [*edges[: SUM_TERMS_SHOWN - 1], None, edges[-1]]
    chain, local, numbers = [], [], []
    every = [step for step in picked if step is not None]
    factors = shown
    if len(every) == len(edges):  # the line adds up as shown (unless terms are left out)
        factors = shown.operands_of(
            [value for step in every for value in (step.upstream, step.local_value)],
            gradient,
            lambda values: sum(values[i] * values[i + 1] for i in range(0, len(values), 2)),
        )
    for step in picked:
        if step is None:
            chain.append(r"\cdots")
            local.append(r"\cdots")
            numbers.append(r"\cdots")
            continue
        consumer = graph.nodes[step.node].name
        upstream = notation.gradient_latex(out, consumer)
        chain.append(f"{upstream} \\cdot {notation.local_latex(consumer, node.name)}")
        formula = latex_expr(step.local_expr)
        if formula == "1":
            local.append(upstream)
        elif formula == "-1":
            local.append(f"-{upstream}")
        else:
            grouped = re.search(r"[+-]", formula) is not None
            local.append(f"{upstream} \\cdot " + (f"\\left({formula}\\right)" if grouped else formula))
        numbers.append(f"{_number(step.upstream, factors)} \\cdot {_number(step.local_value, factors, operand=True)}")
    parts = [
        notation.gradient_latex(out, node.name),
        signed_sum(chain),
        signed_sum(local),
        signed_sum(numbers),
        _number(gradient, shown),
    ]
    if shown.blank:  # a worksheet: the chain rule written out, the numbers for the student
        parts = [*parts[:3], BLANK_MATH]
    return " = ".join(_unique(parts))


def _unique(parts: list[str]) -> list[str]:
    """Consecutive equal sides said once: not `a = 2 = 2`."""
    return [part for i, part in enumerate(parts) if i == 0 or part != parts[i - 1]]


def _number(value: Number, shown: Shown, operand: bool = False) -> str:
    return latex_number(shown.operand(value) if operand else shown(value))


def _primal(explanation: Explanation, node: Node, shown: Shown) -> str:
    value = _number(explanation.values[node.index], shown)
    if shown.blank and not node.is_input:
        value = BLANK_MATH
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
    out = explanation.output.name
    backward = "Reverse adjoint trace" if shown.notation.style == ADJOINT else "Backward trace"
    lines = [
        "{\\renewcommand{\\arraystretch}{1.5}%",
        f"\\begin{{tabular}}{{@{{}}{column}@{{\\hspace{{0.04\\linewidth}}}}{column}@{{}}}}",
        f"\\textbf{{Forward primal trace}} (read down) & \\textbf{{{backward}}} (read up from "
        f"${shown.notation.gradient_latex(out, out, inline=True)} = 1$) \\\\",
        r"\hline",
    ]
    for node in explanation.graph.nodes:
        adjoint = _adjoint(explanation, node, edges[node.index], shown)
        lines.append(_math(_primal(explanation, node, shown)) + " & " + (_math(adjoint) if adjoint else "") + r" \\")
    lines.append(r"\end{tabular}}")
    return lines


def _math(math: str) -> str:
    """Mathematics in a table cell, fractions in display style: ∂J/∂w and the slope estimates
    at the size of the text around them, not the cramped size of inline fractions; a cell with a
    fraction gets struts that keep it clear of the rows and rules above and below it."""
    if "\\frac" not in math:
        return f"${math}$"
    return f"\\rule{{0pt}}{{4ex}}$\\displaystyle {math}$\\rule[-2.7ex]{{0pt}}{{0pt}}"


def _breakable(math: str) -> str:
    """Plain parentheses instead of \\left( \\right), so that TeX may break a long formula
    inside them (it never breaks inside a \\left…\\right group)."""
    return math.replace(r"\left(", "(").replace(r"\right)", ")")


def _table(table: Table) -> list[str]:
    """A table as wide as the line: its widest left-aligned column wraps (tabularx's X)."""
    cells = [[cell.text for cell in row] for row in table.rows]
    width = [max((len(row[i]) for row in cells), default=0) for i in range(len(table.columns))]
    left = [i for i, align in enumerate(table.align) if align == "left"]
    widest = max(left or range(len(table.columns)), key=lambda i: width[i])  # tabularx needs one X column
    spec = "".join(
        r">{\raggedright\arraybackslash}X" if i == widest else "r" if align == "right" else "l"
        for i, align in enumerate(table.align)
    )
    lines = [
        f"\\medskip\\noindent\\textbf{{{escape(table.title)}}}\\par\\nopagebreak",  # kept with its table
        "{\\renewcommand{\\arraystretch}{1.5}%",
        f"\\noindent\\begin{{tabularx}}{{\\linewidth}}{{{spec}}}",
        " & ".join(f"\\textbf{{{escape(column)}}}" for column in table.columns) + r" \\",
        r"\hline",
    ]
    for row in table.rows:
        lines.append(
            " & ".join(_math(_breakable(cell.math)) if cell.math else escape(cell.text) for cell in row) + r" \\"
        )
    lines.append(r"\end{tabularx}}")
    lines += ["", *(escape(note) + "\n" for note in table.notes)]
    return lines


def _heading(explanation: Explanation, report: Report, shown: Shown) -> list[str]:
    """The report's heading with the formula, the inputs and the names as mathematics:
    `Formula: $J = 0.5 \\cdot (w \\cdot x + b - y)^{2}$`, `Inputs: $w = 2$, $x = -2$`."""
    graph = explanation.graph
    lines = []
    for line in report.heading:
        whole = whole_formula(graph, explanation.output.name)
        if line.startswith("Formula: ") and whole and (formula := _formula(explanation)) is not None:
            lines.append(f"Formula: ${latex_name(explanation.output.name)} = {formula}$")
        elif line.startswith("Inputs: "):
            values = (f"${latex_name(n.name)} = {_number(explanation.values[n.index], shown)}$" for n in graph.inputs)
            lines.append("Inputs: " + ", ".join(values))
        elif line.startswith("Gradients with respect to: "):
            names = ", ".join(f"${latex_name(graph.nodes[i].name)}$" for i in explanation.wrt)
            lines.append(f"Gradients with respect to: {names}")
        elif line.startswith(prefix := f"Program: output {explanation.output.name},"):
            lines.append(f"Program: output ${latex_name(explanation.output.name)}$," + escape(line[len(prefix) :]))
        else:
            lines.append(escape(line))
    return lines


def _formula(explanation: Explanation) -> str | None:
    """A bare formula as the user wrote it (order and grouping kept), in LaTeX; None when it is
    too long for the heading (which then shows the start of its text)."""
    source = explanation.graph.source
    if len(" ".join(source.split())) > HEADING_FORMULA_LIMIT:
        return None
    try:
        root = parse(source).statements[-1].expr
    except GradexplainError:  # it parsed once; a stricter limit today is no reason to fail
        return None
    names: list[str] = []

    def argument(subtree: object) -> int | None:
        if not isinstance(subtree, Name):
            return None
        names.append(subtree.name)
        return len(names) - 1

    pieces = definition_pieces(root, argument)
    return "".join(piece if isinstance(piece, str) else latex_name(names[piece.slot]) for piece in pieces)


@dataclass(frozen=True, slots=True)
class Document:
    text: str
    needs: Needs


def render(explanation: Explanation, options: RenderOptions | None = None, standalone: bool = False) -> str:
    return document(explanation, options, standalone).text


def document(explanation: Explanation, options: RenderOptions | None = None, standalone: bool = False) -> Document:
    """The LaTeX, and what compiles it (a pure function of the explanation, like the text)."""
    options = options or RenderOptions()
    shown = Shown(options.digits, True, notation=options.notation, blank=options.blank)
    report = build_report(explanation, options, math=True)
    out = latex_name(explanation.output.name)
    lines = [
        "\\\\\n".join(_heading(explanation, report, shown)),
        "",
        r"\medskip",
        r"\noindent",
        *traces(explanation, shown),
        "",
        f"\\noindent {options.notation.legend_latex(explanation.output.name)}",
    ]
    for table in report.tables[2:]:  # the gradients and the checks; the traces above hold the rest
        lines += ["", *_table(table)]
    notes = report.tables[0].notes
    lines += ["", *(escape(note) + "\n" for note in notes)]
    lines += [escape(cell.text) + "\n" for cell in report.summary]
    content = "\n".join(lines).rstrip("\n") + "\n"
    title = f"\\section*{{Backpropagation through ${out}$}}\n"
    need = needs(title + content)
    content, title = directed(content), directed(title)
    comments = [f"% gradexplain: backpropagation through {explanation.output.name}", *_needs_comment(need)]
    body = "\n".join(comments) + "\n" + content
    if not standalone:
        return Document(body, need)
    if need.engine == "pdflatex":
        head = ["\\documentclass[11pt]{article}", "\\usepackage[utf8]{inputenc}", *_packages(need)]
    else:
        head = [
            "% !TEX program = lualatex",
            f"% gradexplain: compile with lualatex, not pdflatex, which has no fonts for {_letters(need)}",
            "\\documentclass[11pt]{article}",
            *_packages(need),
        ]
    head += ["\\usepackage[margin=2cm]{geometry}", "\\setlength{\\parindent}{0pt}", "\\begin{document}"]
    return Document("\n".join(head) + "\n" + title + body + "\\end{document}\n", need)


def _packages(need: Needs) -> list[str]:
    """The preamble's packages, except the page geometry."""
    lines = ["\\usepackage{amsmath}", *(["\\usepackage{amssymb}"] if need.amssymb else []), "\\usepackage{tabularx}"]
    if need.engine == "pdflatex":
        return lines
    lines.append("\\usepackage[no-math]{fontspec}")  # the mathematics stays pdflatex's
    if need.fonts:  # each letter from the first font that has it, shaped by HarfBuzz for its script
        specs = [f'"{family}:mode=harf;{f"script={script};" if script else ""}",' for family, script in need.fonts]
        lines += [
            '\\directlua{luaotfload.add_fallback("gradexplain", {',
            *(f"  {spec}" for spec in specs),
            "})}",
            "\\setmainfont{Latin Modern Roman}[RawFeature={fallback=gradexplain}]",
        ]
    return lines


def _needs_comment(need: Needs) -> list[str]:
    """What a fragment needs, as LaTeX comments: packages, and for LuaLaTeX the preamble lines."""
    if need.engine == "pdflatex":
        packages = [line.removeprefix("\\usepackage") for line in _packages(need)]
        listed = ", ".join(f"\\usepackage{name}" for name in packages[:-1]) + f" and \\usepackage{packages[-1]}"
        return [f"% needs {listed}"]
    return [
        f"% needs lualatex (not pdflatex, which has no fonts for {_letters(need)}) and in the preamble:",
        *(f"%   {line}" for line in _packages(need)),
    ]


def _letters(need: Needs, shown: int = 5, length: int = 20) -> str:
    """The text that needs a Unicode engine (ошибка, 损失), the first few runs of it."""
    more = len(need.unicode) - shown
    runs = [run if len(run) <= length else run[:length] + "…" for run in need.unicode[:shown]]
    return ", ".join(runs) + (f" and {more} more" if more > 0 else "")


def notes(need: Needs) -> tuple[str, ...]:
    """What to tell a person about compiling the LaTeX (the CLI prints it on stderr)."""
    if need.engine == "pdflatex":
        return ()
    return (f"this LaTeX needs lualatex, not pdflatex, which has no fonts for {_letters(need)}; see its first lines",)


def warnings(need: Needs) -> tuple[str, ...]:
    """Letters that no font gradexplain knows has: LuaLaTeX leaves them out of the PDF."""
    if not need.missing:
        return ()
    listed = ", ".join(f"{char} (U+{ord(char):04X})" for char in need.missing[:8])
    return (f"no font that gradexplain names has {listed}: the PDF will lack them",)


def _words(text: str) -> str:
    """Plain words inside mathematics, for MathJax and amsmath alike: \\text{...} with TeX's
    special characters escaped and the symbols the words use written as mathematics."""
    symbols = {"∂": r"\partial ", "ε": r"\varepsilon ", "≤": r"\le ", "·": r"\cdot ", "→": r"\to ", "±": r"\pm "}
    out, run = [], []
    for char in text:
        if char in symbols:
            if run:
                out.append("\\text{" + "".join(run) + "}")
                run = []
            out.append(symbols[char])
        else:
            run.append(_SPECIAL.get(char, char) if char in "\\&%$#_{}~^<>|" else char)
    if run:
        out.append("\\text{" + "".join(run) + "}")
    return "".join(out)


def math_block(explanation: Explanation, options: RenderOptions | None = None) -> str:
    """The evaluation traces and the checks as display mathematics (`$$ … $$`), which MathJax
    typesets in a notebook and LaTeX compiles (with amsmath) in a notebook converted to PDF:
    a notebook's `text/latex` output, where a document's tables and paragraphs cannot go."""
    options = options or RenderOptions()
    shown = Shown(options.digits, True, notation=options.notation)
    edges: list[list[EdgeStep]] = [[] for _ in explanation.graph.nodes]
    for step in explanation.steps:
        if isinstance(step, EdgeStep):
            edges[step.arg].append(step)
    out = explanation.output.name
    backward = "Reverse adjoint trace" if shown.notation.style == ADJOINT else "Backward trace"
    rows = [
        f"\\textbf{{Forward primal trace}}\\text{{ (read down)}} & \\textbf{{{backward}}}\\text{{ (read up from }}"
        f"{shown.notation.gradient_latex(out, out)} = 1\\text{{)}} \\\\",
        r"\hline",
    ]
    for node in explanation.graph.nodes:
        adjoint = _adjoint(explanation, node, edges[node.index], shown)
        rows.append(f"{_primal(explanation, node, shown)} & \\displaystyle {adjoint} \\\\[1ex]")
    blocks = ["\\begin{array}{ll}\n" + "\n".join(rows) + "\n\\end{array}"]
    report = build_report(explanation, options, math=True)
    checks = [table for table in report.tables if table.title.startswith("Gradient check")]
    if checks:
        lines = [r"\textbf{Gradient check}\text{ (nudge each input by }\varepsilon\text{)} & & & \\", r"\hline"]
        for name, nudge, _after, slope, gradient, verdict in checks[0].rows:
            estimate = slope.math if slope.math != "—" else r"\text{no estimate}"
            relation = r"\approx" if verdict.style == "ok" else r"\not\approx"
            lines.append(
                f"{name.math} & {nudge.math} & \\displaystyle {estimate} {relation} {gradient.math} & "
                f"{_words(verdict.text)} \\\\[1ex]"
            )
        blocks.append("\\begin{array}{llll}\n" + "\n".join(lines) + "\n\\end{array}")
    # The verdicts without the names in brackets (the rows above name them): \text{} cannot
    # hold a name such as w_1 for both MathJax and LaTeX.
    summary = "; ".join(cell.text.split(" (")[0] for cell in report.summary if cell.style in ("ok", "bad"))
    if summary:
        blocks.append(_words(summary))
    return "$$\\begin{gathered}\n" + "\n\\\\[2ex]\n".join(blocks) + "\n\\end{gathered}$$"
