"""The report and picture formats: notation, escaping of awkward names, and structure."""

from __future__ import annotations

import re

import pytest
import sympy as sp

from gradexplain import explain
from gradexplain.engine.sympy_functions import relu, sigmoid, softplus, step
from gradexplain.latex import bar, derivative, directed, latex_expr, latex_name, latex_number, needs
from gradexplain.notation import ADJOINT, Notation
from gradexplain.output import EXTENSIONS, FORMATS, format_for_path, render_bytes
from gradexplain.render import dot, html, latex, markdown, mermaid, render_text, tree
from gradexplain.render.picture import NAME_LIMIT, NO_GRADIENT, build_picture, math_text, short_name, shown
from gradexplain.render.report import RenderOptions, build_report, latex_definition, with_values

LECTURE = explain("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2}, check=True)
# Names that need care in every notation: a subscript, an accent, Greek, a word, a leading _.
AWKWARD_VALUES = {"w_1": 2, "x": -2, "α": 0.5, "_t": 1, "a": 2, "b": 3}
AWKWARD = explain("ŷ = w_1*x + α; loss = (ŷ - _t)^2 + a^b", AWKWARD_VALUES)
# A comment inside parentheses is part of the assignment as written, so it reaches the definition.
# Terminal controls are refused by the tokenizer; what white space the source may hold (a form
# feed, a tab, a comment inside parentheses) can still reach a definition.
CONTROL = "w = 2\nJ = (w # a comment\f with\ta form feed \ufffe\n + 1)\n"
LONG = "a" * 20_000 + "_end"  # past Graphviz's 16,384 characters in one label
CONTROL_CHARACTERS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def awkward() -> list:
    """Explanations whose labels need care in every drawing: control characters, a huge name."""
    return [explain(CONTROL), explain(f"{LONG}*2 + {LONG}", {LONG: 3}), explain(f"J = {LONG}**2", {LONG: 3})]


# ── LaTeX notation ──────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("w", "w"),
        ("w11", "w_{11}"),
        ("w_1", "w_{1}"),
        ("W_1_2", "W_{1,2}"),
        ("x_in", r"x_{\mathrm{in}}"),
        ("alpha", r"\alpha"),
        ("epsilon", r"\varepsilon"),
        ("Delta", r"\Delta"),
        ("α", r"\alpha"),
        ("β2", r"\beta_{2}"),
        ("ŷ", r"\hat{y}"),
        ("yhat", r"\hat{y}"),
        ("x̃", r"\tilde{x}"),
        ("loss", r"\mathrm{loss}"),
        ("_t", r"\underline{t}"),
        ("v1", "v_{1}"),
        # letters pdflatex has: Greek by Unicode's names, accents, letterlike and styled letters
        ("λ", r"\lambda"),
        ("Α", r"\mathrm{A}"),
        ("ς", r"\varsigma"),
        ("ά", r"\acute{\alpha}"),
        ("ç", r"\text{ç}"),  # as text, which pdflatex sets too
        ("ß", r"\text{ß}"),
        ("ℓ", r"\ell"),
        ("ℏ", r"\hbar"),
        ("𝐰", r"\mathbf{w}"),
        ("𝑤", r"\mathit{w}"),
        ("𝒘", r"\boldsymbol{w}"),
        ("𝛂", r"\boldsymbol{\alpha}"),
        ("𝚪", r"\mathbf{\Gamma}"),
        ("𝛤", r"\varGamma"),
        ("𝚨", r"\mathbf{A}"),
        ("ℝ", r"\mathbb{R}"),
        ("𝔣", r"\mathfrak{f}"),
        ("ℋ", r"\mathcal{H}"),
        ("𝗐", r"\mathsf{w}"),
        ("𝚠", r"\mathtt{w}"),
        ("w𝟏", r"w_{\mathbf{1}}"),
        # letters only Unicode fonts have: one upright run of text each
        ("ошибка", r"\text{ошибка}"),
        ("损失", r"\text{损失}"),
        ("שגיאה", r"\text{שגיאה}"),
        ("x_ошибка", r"x_{\text{ошибка}}"),
        ("x٣", r"x_{\text{٣}}"),
        ("𝓌", r"\text{𝓌}"),
        ("𝕨", r"\text{𝕨}"),
        ("ą", r"\text{ą}"),
        ("ŷш", r"\hat{y}\text{ш}"),
    ],
)
def test_latex_names(name, expected):
    assert latex_name(name) == expected


def test_every_letter_outside_text_is_ascii():
    """Mathematics never holds a raw Unicode letter (no font would have it): whatever pdflatex
    cannot set is inside \\text{…}, for every character a name may contain."""
    for point in range(0x80, 0x30000):
        name = "w" + chr(point)
        if name.isidentifier():
            text = latex_name(name)
            assert re.sub(r"\\text\{[^{}]*\}", "", text).isascii(), (name, text)


def test_bars_and_derivatives():
    assert bar("w") == r"\bar{w}"
    assert bar("w_1") == r"\bar{w}_{1}"
    assert bar("alpha") == r"\bar{\alpha}"
    assert bar("out") == r"\overline{\mathrm{out}}"
    assert derivative("J", "w_1") == r"\frac{\partial J}{\partial w_{1}}"


@pytest.mark.parametrize(
    ("shown", "expected"),
    [("2", "2"), ("-3.998", "-3.998"), ("1.5e-07", r"1.5 \times 10^{-7}"), ("1e20", "10^{20}"), ("-1e-5", "-10^{-5}")],
)
def test_latex_numbers(shown, expected):
    assert latex_number(shown) == expected


def test_sympy_expressions_in_latex_never_contain_a_bar_that_would_split_a_markdown_cell():
    w = sp.Symbol("w_1", real=True)
    text = latex_expr(sp.Abs(w) + sigmoid(w) + relu(w) + softplus(w) + step(w) + sp.E**w)
    assert "|" not in text
    assert r"\sigma\left(w_{1}\right)" in text
    assert r"\operatorname{relu}\left(w_{1}\right)" in text
    assert r"\operatorname{step}\left(w_{1}\right)" in text
    assert "e^{w_{1}}" in text


@pytest.mark.parametrize(
    ("program", "expected"),
    [
        ("J = (a + b)*c", r"(a + b) \cdot c"),
        ("J = a - (b - c)", "a - (b - c)"),
        ("J = a + (b + c)", "a + (b + c)"),
        ("J = a - b - c", "a - b - c"),
        ("J = -(a*b)", r"-(a \cdot b)"),
        ("J = -a**2", "-a^{2}"),
        ("J = (-a)**2", "(-a)^{2}"),
        ("J = a**b**c", "a^{b^{c}}"),
        ("J = (a**b)**c", "(a^{b})^{c}"),
        ("J = a^b", "a^{b}"),
        ("J = (a + b)/(c - 1)", r"\frac{a + b}{c - 1}"),
        ("J = (a/b)**2", r"(\frac{a}{b})^{2}"),
        ("J = exp(-a) + log(a*b)", r"e^{-a} + \log\left(a \cdot b\right)"),
        ("J = max(a, 1e-3) + abs(b)", r"\max\left(a, 10^{-3}\right) + \left\lvert b \right\rvert"),
        ("J = 2*pi*a + 2.5e-3*b", r"2 \cdot \pi \cdot a + 2.5 \times 10^{-3} \cdot b"),
    ],
)
def test_definitions_keep_the_users_order_and_grouping(program, expected):
    explanation = explain(program, {"a": 2, "b": 3, "c": 5})
    node = explanation.output
    assert latex_definition(explanation.graph, node) == expected


def test_negative_values_get_parentheses_exactly_where_needed():
    explanation = explain("J = a*b + c - d + (-a)**2 + max(a, b)", {"a": -2, "b": -3, "c": -1, "d": -4})
    from gradexplain.render.report import Shown

    shown = with_values(explanation, explanation.output, Shown(6, True), latex=True)
    assert shown == r"-2 \cdot (-3) + (-1) - (-4) + (-(-2))^{2} + \max\left(-2, -3\right)"


def test_bare_expressions_give_each_node_its_own_latex():
    graph = LECTURE.graph
    assert [latex_definition(graph, node) for node in graph.nodes if not node.is_input] == [
        r"w \cdot x",
        "v1 + b".replace("v1", "v_{1}"),
        "v_{2} - y",
        "v_{3}^{2}",
        r"0.5 \cdot v_{4}",
    ]


def test_a_sum_of_many_names_in_one_assignment_is_printed_without_recursion():
    names = [f"x{i}" for i in range(5000)]
    explanation = explain("J = " + " + ".join(names), dict.fromkeys(names, 1), symbolic_limit=0)
    text = latex_definition(explanation.graph, explanation.output)
    assert text.startswith("x_{0} + x_{1} + ") and text.endswith("x_{4999}")


# ── Markdown ────────────────────────────────────────────────────────────────────────────────


def test_markdown_tables_have_the_maths_in_dollars():
    text = render_text(LECTURE, "markdown")
    assert "| $\\frac{\\partial J}{\\partial w}$ | $-4$ | $x \\left(b + w x - y\\right)$ |" in text
    assert "| $w$ | $2 \\to 2.001$ | $1.996002$ | $\\frac{1.996002 - 2}{0.001} = -3.998$ | $-4$ | ok |" in text
    assert "```mermaid\nflowchart LR\n" in text


def test_markdown_tables_have_as_many_cells_in_every_row():
    text = render_text(AWKWARD, "markdown")
    for block in re.findall(r"((?:^\|.*\|\n)+)", text, flags=re.MULTILINE):
        rows = block.splitlines()
        counts = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(counts) == 1, rows


def test_markdown_escapes_plain_text():
    assert markdown.escape("a*b_c|d $x$ <i>") == r"a\*b\_c\|d \$x\$ \<i\>"
    text = render_text(AWKWARD, "markdown")
    assert r"w\_1 = 2" in text  # the inputs line is plain text
    assert r"$\hat{y}$" in text and r"$\underline{t}$" not in text.split("### Forward")[0]
    assert r"\hat{y} - \underline{t})^{2} + a^{b}$" in text


# ── LaTeX documents ─────────────────────────────────────────────────────────────────────────


def test_latex_escapes_plain_text():
    assert latex.escape("50% of w_1 & a^b {x} #1 ~ \\") == (
        r"50\% of w\_1 \& a\textasciicircum{}b \{x\} \#1 \textasciitilde{} \textbackslash{}"
    )
    assert latex.escape("∂J/∂w ≤ ε") == r"$\partial$J/$\partial$w $\le$ $\varepsilon$"
    assert latex.escape("--digits") == "-{}-digits"
    assert latex.escape("ŷ") == r"$\hat{y}$"
    assert latex.escape("x̃ and ошибка: 50%") == r"$\tilde{x}$ and ошибка: 50\%"
    assert latex.escape("&\u0303") == "\\&\u0303"  # a mark on a special character leaves it escaped
    assert latex.escape("a\tb\x1b[2J\x9bc\u00a0d") == "a b[2Jc d"  # TeX rejects control characters


def test_a_latex_document_needs_pdflatex_unless_a_letter_has_no_pdflatex_font():
    for name in ("w", "ŷ", "α", "ℓ", "𝐰", "ℝ", "ç", "maß"):
        assert needs(latex_name(name)).engine == "pdflatex", name
    assert needs(latex_name("ą")).engine == "lualatex"  # ogonek: not in pdflatex's default fonts
    assert needs(latex_name("ℝ")).amssymb and not needs(latex_name("𝐰")).amssymb
    hebrew = needs(latex_name("שגיאה") + " " + latex_name("ошибка") + latex_name("损失"))
    assert hebrew.engine == "lualatex"
    assert hebrew.unicode == ("שגיאה", "ошибка", "损失")
    assert hebrew.fonts == (("Noto Serif", ""), ("Noto Serif Hebrew", "hebr"), ("WenQuanYi Zen Hei", "hani"))
    assert hebrew.missing == ()
    assert needs("\\text{\U0001d4ccą}").fonts == (("Noto Sans Math", ""),)  # ą is in Latin Modern itself
    assert needs("\\text{\U00018b00}").missing == ("\U00018b00",)  # Khitan: no font listed has it


def test_right_to_left_text_runs_right_to_left():
    assert directed(r"\text{שגיאה} + \text{ошибка}") == r"\text{{\textdir TRT שגיאה}} + \text{ошибка}"
    assert directed("خطأ٣ب") == r"{\textdir TRT خطأ{\textdir TLT ٣}ب}"  # digits read left to right


def test_latex_traces_read_like_the_literature():
    text = render_text(LECTURE, "latex")
    assert r"$v_{1} = w \cdot x = 2 \cdot (-2) = -4$" in text
    assert (
        r"$\displaystyle \frac{\partial J}{\partial w} = \frac{\partial J}{\partial v_{1}} \cdot "
        r"\frac{\partial_{\ell} v_{1}}{\partial w} = \frac{\partial J}{\partial v_{1}} \cdot x = 2 \cdot (-2) = -4$"
        in text
    )
    assert r"$J = 0.5 \cdot v_{4} = 0.5 \cdot 4 = 2$ & " in text
    adjoint = render_text(LECTURE, "latex", RenderOptions(notation=Notation(ADJOINT)))
    assert (
        r"$\displaystyle \bar{w} = \bar{v}_{1} \cdot \frac{\partial_{\ell} v_{1}}{\partial w} "
        r"= \bar{v}_{1} \cdot x = 2 \cdot (-2) = -4$" in adjoint
    )
    assert r"$J = 0.5 \cdot v_{4} = 0.5 \cdot 4 = 2$ & $\bar{J} = 1$ \\" in adjoint
    assert r"\textbf{Reverse adjoint trace}" in adjoint
    assert r"\frac{1.996002 - 2}{0.001} = -3.998" in text
    assert r"\documentclass" not in text


def test_latex_heading_typesets_the_formula_and_the_inputs_as_mathematics():
    text = render_text(LECTURE, "latex")
    formula = "Formula: $J = 0.5 \\cdot (w \\cdot x + b - y)^{2}$\\\\\n"
    assert formula + "Inputs: $w = 2$, $x = -2$, $b = 8$, $y = 2$\n" in text
    program = render_text(explain("z = w*x; J = z**2", {"w": 2, "x": -2}, wrt=["w"]), "latex")
    assert "Program: output $J$, 2 computed nodes" in program
    assert "Gradients with respect to: $w$" in program
    grouped = render_text(explain("ln(pi*x)/(1+e) - w^2/2", {"w": 2, "x": 2, "e": 1}), "latex")
    assert r"Formula: $J = \frac{\log\left(\pi \cdot x\right)}{1 + e} - \frac{w^{2}}{2}$" in grouped


def test_latex_footer_writes_minus_signs_not_hyphens():
    lecture = explain("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2}, check=True, central=True)
    text = render_text(lecture, "latex")
    footer = text[text.index("central difference") :]
    assert r"(J(x+$\varepsilon$) $-$ J(x$- \varepsilon$))/2$\varepsilon$" in footer
    assert r"\textbar{}estimate $-$ gradient\textbar{}" in footer
    assert latex.escape("x2 = -2, y = -.5 (-3)") == "x2 = $-$2, y = $-$.5 ($-$3)"
    assert latex.escape("right-to-left, 1e-300, w-1, --check") == "right-to-left, 1e-300, w-1, -{}-check"
    assert latex.escape("\\$-1") == r"\textbackslash{}\$$-$1"  # an escaped dollar is never merged


def test_latex_fractions_in_tables_are_display_size_and_headings_stay_with_their_tables():
    text = render_text(LECTURE, "latex")
    assert r"\rule{0pt}{4ex}$\displaystyle \frac{\partial J}{\partial w}$\rule[-2.7ex]{0pt}{0pt} & $-4$" in text
    assert r"\textbf{Gradients}\par\nopagebreak" in text


def test_latex_fan_out_adjoint_is_a_sum_over_paths():
    options = RenderOptions(notation=Notation(ADJOINT))
    text = render_text(explain("w = 3; x = 2; p = w*x; s = w + x; J = p*s"), "latex", options)
    expected = (
        r"\bar{w} = \bar{s} \cdot \frac{\partial_{\ell} s}{\partial w} + \bar{p} \cdot "
        r"\frac{\partial_{\ell} p}{\partial w} = \bar{s} + \bar{p} \cdot x = 6 \cdot 1 + 5 \cdot 2 = 16"
    )
    assert expected in text


def test_latex_standalone_is_a_whole_document():
    text = render_text(LECTURE, "latex", standalone=True)
    assert text.startswith("\\documentclass") and text.rstrip().endswith("\\end{document}")
    assert "\\usepackage{amsmath}" in text and "\\usepackage{tabularx}" in text


UNICODE_NAMES = explain("ошибка = w*x; שגיאה = ошибка^2; J = שגיאה + ℝ", {"w": 2, "x": 3, "ℝ": 1})


def test_a_document_with_names_pdflatex_cannot_set_is_for_lualatex_and_says_so():
    text = render_text(UNICODE_NAMES, "latex", standalone=True)
    lines = text.splitlines()
    assert lines[0] == "% !TEX program = lualatex"
    assert lines[1] == "% gradexplain: compile with lualatex, not pdflatex, which has no fonts for ошибка, שגיאה"
    assert "\\usepackage[utf8]{inputenc}" not in text and "\\usepackage{amssymb}" in text
    assert "\\usepackage[no-math]{fontspec}" in text
    assert '  "Noto Serif Hebrew:mode=harf;script=hebr;",' in lines
    assert "\\setmainfont{Latin Modern Roman}[RawFeature={fallback=gradexplain}]" in lines
    assert r"$\text{{\textdir TRT שגיאה}} = \text{ошибка}^{2} = 6^{2} = 36$" in text
    assert latex.document(UNICODE_NAMES, standalone=True) == latex.document(UNICODE_NAMES, standalone=True)


def test_a_fragment_says_in_its_comments_what_its_preamble_needs():
    fragment = render_text(UNICODE_NAMES, "latex").splitlines()
    assert fragment[1] == "% needs lualatex (not pdflatex, which has no fonts for ошибка, שגיאה) and in the preamble:"
    assert "%   \\usepackage[no-math]{fontspec}" in fragment and "\\documentclass" not in "".join(fragment)
    plain = render_text(explain("J = ℝ*w", {"ℝ": 2, "w": 1}), "latex").splitlines()
    assert plain[1] == r"% needs \usepackage{amsmath}, \usepackage{amssymb} and \usepackage{tabularx}"


def test_the_cli_is_told_which_program_compiles_the_latex():
    rendered = render_bytes(UNICODE_NAMES, "latex", standalone=True)
    assert rendered.notes == (
        "this LaTeX needs lualatex, not pdflatex, which has no fonts for ошибка, שגיאה; see its first lines",
    )
    assert rendered.warnings == ()
    assert render_bytes(LECTURE, "latex").notes == ()
    khitan = render_bytes(explain("J = 2*\U00018b00", {"\U00018b00": 1}), "latex")
    assert khitan.warnings == ("no font that gradexplain names has \U00018b00 (U+18B00): the PDF will lack them",)


# ── HTML ────────────────────────────────────────────────────────────────────────────────────


def test_html_escapes_and_embeds_the_drawing():
    svg = '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<!-- Generated by graphviz -->\n<svg><g class="node"></g></svg>\n'
    page = html.render(AWKWARD, picture=svg)
    assert '<body>\n<section class="drawing">\n<h1>' in page  # printed, the heading keeps the drawing company
    assert '<h2>Computation graph</h2>\n<figure role="img"' in page
    assert '<svg><g class="node"></g></svg>' in page
    assert "<?xml" not in page and "DOCTYPE svg" not in page and "Generated by" not in page
    assert "<td>ŷ</td>" in page and "<td>(ŷ - _t)^2 + a^b</td>" in page
    assert html.render(LECTURE).count("<table>") == 4


def test_html_without_a_drawing_says_how_to_get_one():
    page = html.render(LECTURE)
    assert "render_bytes(explanation, &quot;html&quot;)" in page and "<svg" not in page


def test_the_pure_renderer_never_claims_graphviz_is_missing():
    """render_text does not run Graphviz, so its page cannot know whether Graphviz is installed
    (it used to say it was not, on a machine that had it)."""
    page = render_text(LECTURE, "html")
    assert "not installed" not in page and "never runs Graphviz" in page
    assert html.render(LECTURE, missing="too big to draw").count("too big to draw") == 1


def test_html_escapes_text():
    from gradexplain.render.report import Cell, Report, Table

    report = Report(("<b>&</b>",), (Table("t<", ("c&",), ("left",), ((Cell("<script>", "value"),),)),), ())
    page = html.render_report(report, None, "x")
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;&amp;&lt;/b&gt;" in page


# ── drawings ────────────────────────────────────────────────────────────────────────────────

PADDED = 'BORDER="0" CELLBORDER="0" CELLPADDING="3" CELLSPACING="0"'  # an arrow's label: room for its tie


def test_dot_is_deterministic_with_ids_from_positions():
    first = render_text(LECTURE, "dot")
    assert first == render_text(explain("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2}, check=True), "dot")
    ids = re.findall(r"^  (n\d+) \[", first, flags=re.MULTILINE)
    assert ids == [f"n{i}" for i in range(len(LECTURE.graph.nodes))]
    assert "rankdir=LR" in first
    label = '<FONT COLOR="#8a5a00">∂<FONT POINT-SIZE="7">ℓ</FONT>v1/∂w<BR/>= x = -2</FONT>'  # ℓ small, as in LaTeX
    assert f"n0 -> n2 [label=<<TABLE {PADDED}><TR><TD>{label}</TD></TR></TABLE>>];" in first


def test_dot_keeps_the_output_text_clear_of_its_double_border_and_the_layout_narrow():
    text = dot.render(LECTURE)
    output = next(line for line in text.splitlines() if "peripheries=2" in line)
    assert 'margin="0.22,0.12"' in output  # wider than the other boxes' 0.12,0.05
    assert "nodesep=0.18, ranksep=0.35" in text and 'edge [fontname="Helvetica", fontsize=10' in text
    assert "decorate=true" in text  # each label tied to its arrow by a line
    # Every arrow label is on two lines: the derivative, then its formula and value.
    labels = re.findall(r"-> n\d+ \[label=<(.*?)>\]", text)
    assert labels and all("<BR/>= " in label for label in labels)


def test_dot_marks_inputs_and_output_and_escapes_labels():
    text = dot.render(AWKWARD)
    assert text.count("shape=ellipse") == len(AWKWARD.graph.inputs)
    assert text.count("peripheries=2") == 1
    assert dot.escape('a<b & "c">') == "a&lt;b &amp; &quot;c&quot;&gt;"
    assert "<B>ŷ</B>" in text and "(ŷ - _t)² + a^b" in text


def test_dot_dashes_edges_the_backward_pass_does_not_use():
    text = render_text(explain("w*x", {"w": 2, "x": 3}, wrt=["w"]), "dot")
    assert "n1 -> n2 [style=dashed];" in text


def test_edges_that_carry_no_gradient_are_marked_in_every_drawing():
    # A dead ReLU unit: relu'(z) = 0 stops the gradient, and every arrow below it carries 0 too.
    explanation = explain("z = w*x; h = relu(z); J = h + v", {"w": 1, "x": -2, "v": 3})
    picture = build_picture(explanation)
    assert [(a.source, a.target) for a in picture.arrows if a.zero] == [(0, 2), (1, 2), (2, 3)]
    text = dot.render(explanation)
    assert text.count("style=dotted") == 3 and text.count(NO_GRADIENT) == 3
    assert re.search(r"n2 -> n3 \[label=<.*= step\(z\) = 0<BR/>passes no gradient.*style=dotted", text)
    assert re.search(r"n3 -> n5 \[label=<[^\n]*>\];", text)
    flowchart = mermaid.render(explanation)
    assert flowchart.count("-.->|") == 3 and "linkStyle 0,1,2 stroke:#9a9a9a" in flowchart
    assert tree.render(explanation).count(NO_GRADIENT) == 3
    # A live graph has none.
    assert "dotted" not in dot.render(LECTURE) and "stroke:#9a9a9a" not in mermaid.render(LECTURE)


@pytest.mark.parametrize(
    ("python", "maths"),
    [
        ("w*x", "w·x"),
        ("v3**2", "v3²"),
        ("0.5*v4", "0.5·v4"),
        ("(out - y)**2/2", "(out - y)²/2"),
        ("2**10", "2¹⁰"),
        ("x**2.5", "x^2.5"),
        ("x**(-1)", "x^(-1)"),
        ("2**3**2", "2^3²"),  # right-associative: 3² is the exponent, never 2 to the 32
        ("a^b + (ŷ - _t)^2", "a^b + (ŷ - _t)²"),
        ("w11*x1 + w12*x2 + b1", "w11·x1 + w12·x2 + b1"),
    ],
)
def test_drawings_write_definitions_as_mathematics(python, maths):
    assert math_text(python) == maths


def test_dot_and_mermaid_labels_use_mathematical_notation():
    explanation = explain("v = w*x; J = 0.5*v**2", {"w": 2, "x": 3})
    for format in ("dot", "mermaid"):
        text = render_text(explanation, format)
        assert "w·x" in text and "0.5·v²" in text and "*" not in text


def test_mermaid_escapes_labels_and_classes_nodes():
    assert mermaid.escape('a<b "c" #1 |') == "a#lt;b #quot;c#quot; #35;1 #124;"
    text = mermaid.render(AWKWARD)
    assert text.startswith("flowchart LR\n")
    assert re.search(r'^  n\d+\(\["<b>w_1</b>', text, flags=re.MULTILINE)
    assert "class n" in text and " output" in text


def test_fan_out_is_visible_in_every_drawing():
    explanation = explain("w = 3; x = 2; p = w*x; s = w + x; J = p*s")
    assert render_text(explanation, "dot").count("n0 -> ") == 2
    assert render_text(explanation, "mermaid").count("n0 -->") == 2
    assert render_text(explanation, "tree").count("w = 3  (input)") == 2


def test_tree_shows_values_gradients_and_local_derivatives():
    text = tree.render(LECTURE)
    assert "J = 0.5*v4 = 2" in text.splitlines()[4]
    assert "∂ₗc/∂v is a local derivative" in text.splitlines()[2]
    assert re.search(r"[└├]─ w = 2  \(input\)\s+∂J/∂w = -4\s+∂ₗv1/∂w = x = -2", text)
    assert re.search(r"└─ v4 = v3\*\*2 = 4\s+∂J/∂v4 = 0.5\s+∂ₗJ/∂v4 = 0.5", text)


def test_tree_draws_shared_arguments_once_and_stops_at_a_depth():
    chain = "; ".join(["a0 = w*2"] + [f"a{i} = a{i - 1} + w" for i in range(1, 200)])
    text = tree.render(explain(chain, {"w": 1}))
    assert "(arguments not shown: too deep)" in text
    assert "Levels deeper than 60 are not drawn" in text
    assert max(len(line) for line in text.splitlines()) < 400


def test_control_characters_are_shown_as_pictures_or_spaces():
    assert shown("a\x1bb\x07c\x00") == "a␛b␇c␀"
    assert shown("a\tb\fc\vd\x85e") == "a b c d e"
    assert shown("\x7f\x9b\ufffe\ud800") == "␡\ufffd\ufffd\ufffd"
    assert shown("θ ŷ ∂J/∂w") == "θ ŷ ∂J/∂w"


def test_long_names_keep_their_start_and_end():
    assert short_name("w") == "w"
    name = short_name(LONG)
    assert len(name) == NAME_LIMIT and name.startswith("aaaa") and name.endswith("…aaaaa_end")
    assert short_name("x" * NAME_LIMIT) == "x" * NAME_LIMIT


@pytest.mark.parametrize("format", ["dot", "mermaid", "tree"])
def test_no_label_holds_a_control_character_or_a_huge_name(format):
    for explanation in awkward():
        text = render_text(explanation, format)
        assert not CONTROL_CHARACTERS.search(text), repr(text)
        assert max(len(line) for line in text.splitlines()) < 2_000
    assert "comment" not in render_text(explain(CONTROL), format)  # comments are not definitions


def test_labels_show_control_characters_as_their_pictures():
    from gradexplain.render.picture import shown

    assert shown("a\x1b[2J\x1b]0;title\x07 \x01\x7f") == "a␛[2J␛]0;title␇ ␁␡"
    assert shown("x\fy\x85z") == "x y z"


def test_every_box_and_arrow_label_is_cut():
    picture = build_picture(awkward()[1])
    for box in picture.boxes:
        assert len(box.name) <= NAME_LIMIT and len(box.definition) <= 40
        assert box.gradient is None or len(box.gradient) <= 2 * NAME_LIMIT + 20
    assert all(arrow.label is None or len(arrow.label) <= 80 for arrow in picture.arrows)


# ── formats and file extensions ─────────────────────────────────────────────────────────────


def test_every_extension_names_a_format_and_unknown_ones_are_refused():
    assert set(EXTENSIONS.values()) == set(FORMATS) - {"tree"}  # a tree is for the terminal
    assert format_for_path("notes/Report.MD") == "markdown"
    from gradexplain.errors import InputError

    with pytest.raises(InputError, match=r"cannot tell the format of report\.docx"):
        format_for_path("report.docx")


def test_report_math_is_only_computed_when_asked():
    plain = build_report(LECTURE)
    assert all(cell.math == "" for table in plain.tables for row in table.rows for cell in row)
    with_math = build_report(LECTURE, math=True)
    assert any(cell.math for table in with_math.tables for row in table.rows for cell in row)


def test_markdown_parses_as_tables_with_no_stray_emphasis():
    """A CommonMark parser with GFM tables (markdown-it, which rich already brings) sees every
    table with the same number of cells in each row, and no emphasis made from names or maths."""
    from markdown_it import MarkdownIt

    explanation = explain("ŷ = w_1*x + α; loss = (ŷ - _t)^2 + a^b*y_2", dict(AWKWARD_VALUES, y_2=4), check=True)
    page = MarkdownIt("commonmark").enable("table").render(render_text(explanation, "markdown"))
    tables = re.findall(r"<table>(.*?)</table>", page, flags=re.DOTALL)
    assert len(tables) == 4
    for table in tables:
        widths = {row.count("<td") + row.count("<th") for row in re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)}
        assert len(widths) == 1
    assert "<em>" not in page
    assert page.count("<strong>") == 1  # the summary line


def test_tree_keeps_awkward_names_as_typed_and_aligned():
    lines = tree.render(AWKWARD).splitlines()
    assert lines[4].startswith("loss = (ŷ - _t)^2 + a^b = ")
    assert any(line.startswith("├─ ŷ = w_1*x + α = -3.5") for line in lines)
    gradient_columns = {line.index("∂loss/∂") for line in lines[4:] if "∂loss/∂" in line}
    assert len(gradient_columns) == 1  # one column, whatever the names' lengths


def test_html_print_style_keeps_headings_with_tables_and_prints_the_drawing_whole_in_black():
    """Checked in print by tests/test_tools.py (Chromium); here, that the rules are in every page."""
    page = render_text(LECTURE, "html")
    printed = page[page.index("@media print") :]
    assert "h1, h2 { break-after: avoid; page-break-after: avoid; }" in printed
    assert "thead { display: table-header-group; }" in printed
    assert "figure svg { max-width: 100%; height: auto; max-height: 24cm; min-width: 0 !important; }" in printed
    assert "section.drawing { page: drawing; }" in printed and "@page drawing { size: A4 landscape; }" in page
    assert "figure svg text { fill: #000; }" in printed


def test_a_latex_table_of_right_aligned_columns_still_has_a_column_that_wraps():
    from gradexplain.render.latex import _table
    from gradexplain.render.report import Cell, Table

    table = Table("numbers", ("a", "bb"), ("right", "right"), ((Cell("1"), Cell("22")),))
    assert r"\begin{tabularx}{\linewidth}{r>{\raggedright\arraybackslash}X}" in "\n".join(_table(table))
