"""Jupyter: the Explanation's displays, the magics, and notebooks run in a real kernel.

The kernel tests run the two sample notebooks and a test notebook with nbclient, each once (in a
module-wide fixture), and assert on their outputs' MIME bundles. The browser test converts the
executed test notebook to a page with nbconvert and has Chromium compute the style of a Markdown
table in another cell with and without gradexplain's output: a page-wide style would change it.
"""

from __future__ import annotations

import html
import json
import re
import struct
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from rich.console import Console

from gradexplain import display, explain
from gradexplain.display import COPIES_UP_TO_NODES
from gradexplain.render import render_text
from gradexplain.render.html import FRAGMENT_STYLE, SCOPE
from gradexplain.shell.magic import MagicError, run_magic
from tests.conftest import ROOT
from tests.test_tools import ARTIFACTS, _chromium, compile_latex, need

NOTEBOOKS = ROOT / "samples" / "notebooks"
SAMPLE_NOTEBOOKS = sorted(NOTEBOOKS.glob("*.ipynb"))
MATHJAX_JS = ROOT / ".tools" / "node_modules" / "mathjax" / "es5" / "tex-chtml-full.js"
LECTURE_VALUES = {"w": 2, "x": -2, "b": 8, "y": 2}
LECTURE = explain("0.5*(w*x+b-y)**2", LECTURE_VALUES, check=True)
LINE = "0.5*(w*x+b-y)**2 --w 2 --x -2 --b 8 --y 2 --check"


# ── the displays ────────────────────────────────────────────────────────────────────────────


def test_repr_is_one_line():
    assert repr(LECTURE) == "<Explanation J = 2 at w=2, x=-2, b=8, y=2: 4 gradients, 4 checks ok>"
    text = str(LECTURE)  # print(e) shows the text report, as the command prints it
    assert text.startswith("Formula:") and "Backward pass" in text and "\n" in text
    failed = explain("relu(w*x)", {"w": 0, "x": 3}, check=True)
    assert repr(failed) == "<Explanation J = 0 at w=0, x=3: 2 gradients, 2 checks 1 not ok>"


def _selectors(css: str) -> list[str]:
    """Every selector of every rule (commas inside :has(...) do not separate selectors)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    return [
        selector.strip() for rule in re.findall(r"([^{}]+)\{", css) for selector in re.split(r",(?![^()]*\))", rule)
    ]


def test_every_style_of_the_output_is_scoped_to_its_wrapper():
    """A page-wide rule (td, body, :root) would restyle the rest of the notebook."""
    selectors = _selectors(FRAGMENT_STYLE)
    assert len(selectors) > 20
    assert [s for s in selectors if not (s == f".{SCOPE}" or s.startswith(f".{SCOPE} "))] == []
    page = display.html(LECTURE)
    assert page.startswith(f'<div class="{SCOPE}">') and page.rstrip().endswith("</div>")
    assert _selectors(page.split("<style>")[1].split("</style>")[0]) == selectors


def test_html_shows_the_drawing_and_every_table_with_typeset_mathematics():
    need("dot")
    page = display.html(LECTURE)
    assert page.count("<svg") == 1 and ' id="' not in page  # ids would repeat across a notebook's drawings
    assert page.count("<table>") == 4
    for title in ("Forward pass", "Backward pass", "Gradients", "Gradient check"):
        assert f'<p class="gx-title">{title}' in page
    # ∂J/∂w as TeX for MathJax and as text for everywhere else; the local derivative ∂ₗ
    assert r"\(\displaystyle \frac{\partial J}{\partial w}\)" in page and "∂J/∂w" in page
    assert r"{\color{#8a5a00}{\frac{\partial_{\ell} v_{1}}{\partial w}}}" in page
    assert "∂<sub>ℓ</sub>v1/∂w" in page  # the ℓ as a subscript: the character ₗ reads as ı in many fonts
    assert "all 4 gradient checks pass" in page


def test_html_says_why_there_is_no_drawing(monkeypatch):
    """Graphviz is looked for where the kernel looks for programs, and the note says so."""
    monkeypatch.setenv("PATH", "")
    page = display.html(LECTURE)
    assert "<svg" not in page and page.count("<table>") == 4
    assert "Graphviz&#x27;s dot program is not on this kernel&#x27;s PATH" in page
    monkeypatch.undo()
    need("dot")
    too_large = display.html(explain("+".join(["w"] * 80), {"w": 1}))
    assert "No drawing of the graph: the drawing would have" in too_large and "not installed" not in too_large


def test_long_tables_are_cut_unless_full():
    wide = explain("+".join(f"w{i}" for i in range(100)), {f"w{i}": i for i in range(100)})
    page = display.html(wide)
    assert "more rows (--full or .with_display(full=True) shows all)" in page
    assert "more rows" not in display.html(wide.with_display(full=True))


def test_markdown_and_latex_for_front_ends_that_prefer_them(tmp_path):
    assert display.markdown(LECTURE) == render_text(LECTURE, "markdown")
    math = display.latex(LECTURE)
    assert math.startswith("$$\\begin{gathered}") and math.endswith("\\end{gathered}$$")
    assert "\\frac{\\partial_{\\ell} v_{1}}{\\partial w}" in math and "\\frac{1.996002 - 2}{0.001} = -3.998" in math
    # the same text compiles in a notebook converted to PDF (nbconvert's LaTeX loads amsmath)
    document = "\\documentclass{article}\\usepackage{amsmath}\\begin{document}\n" + math + "\n\\end{document}\n"
    compile_latex(document, tmp_path, "repr")
    big = explain("+".join(f"w{i}" for i in range(COPIES_UP_TO_NODES)), {f"w{i}": 1 for i in range(1000)})
    assert display.markdown(big) is None and display.latex(big) is None  # the HTML is enough


def test_rich_console_prints_the_tables():
    console = Console(record=True, width=120, color_system=None)
    console.print(LECTURE)
    text = console.export_text()
    assert "Backward pass (right to left)" in text and "∂ₗv1/∂w · ∂J/∂v1" in text
    assert "all 4 gradient checks pass" in text


def test_with_display_picks_the_notation():
    page = display.html(LECTURE.with_display(notation="dvar"))
    assert "dJ_dw" in page and "∂J/∂w" not in page and "∂<sub>ℓ</sub>v1/∂w" in page
    assert LECTURE.with_display(notation="dvar").gradients == LECTURE.gradients


def test_one_seam_the_mime_bundle_makes_only_what_is_asked():
    """IPython asks the record for one bundle (it adds text/plain, the repr, itself); the
    record has no display method of its own per format."""
    bundle = LECTURE._repr_mimebundle_()
    assert list(bundle) == ["text/html", "text/markdown", "text/latex"]
    assert bundle["text/markdown"] == display.markdown(LECTURE) and bundle["text/latex"] == display.latex(LECTURE)
    assert list(LECTURE._repr_mimebundle_(include={"text/markdown"})) == ["text/markdown"]
    assert list(LECTURE._repr_mimebundle_(exclude={"text/html", "text/latex"})) == ["text/markdown"]
    big = explain("+".join(f"w{i}" for i in range(COPIES_UP_TO_NODES)), {f"w{i}": 1 for i in range(1000)})
    assert list(big._repr_mimebundle_(exclude={"text/html"})) == []
    assert not any(hasattr(LECTURE, f"_repr_{kind}_") for kind in ("html", "markdown", "latex"))


# ── the magics, called as IPython calls them ────────────────────────────────────────────────


def test_line_magic_takes_the_command_line():
    shown = run_magic(LINE + " --notation adjoint --digits 3")
    assert shown is not None and repr(shown) == repr(LECTURE)
    assert shown.display.options.notation.style == "adjoint" and shown.display.options.digits == 3


def test_cell_magic_reads_the_program_from_the_cell():
    shown = run_magic("--w 3 --check y=1", "J = w**2 + y\n")
    assert repr(shown) == "<Explanation J = 10 at w=3, y=1: 2 gradients, 2 checks ok>"


def _error_lines(line: str, cell: str | None = None) -> list[str]:
    with pytest.raises(MagicError) as raised:
        run_magic(line, cell)
    return raised.value._render_traceback_()


def test_magic_errors_are_the_command_s_short_messages():
    assert _error_lines("w* --w 2") == [
        "error: the end of the formula where a value should follow '*'",
        "  w*",
        "   ^",
        "hint: put a number, a name or a parenthesised formula after '*'",
    ]
    assert _error_lines("w*b --w 2") == ["error: missing value for b", "hint: pass it as --b VALUE (or NAME=VALUE)"]
    assert _error_lines("w*x --w 2 --x 3 --chek")[0] == "error: unknown option --chek; did you mean --check?"
    assert _error_lines("w --w 2 --digits many")[0].startswith("error: Invalid value for '--digits'")
    assert _error_lines("--w 2", "J = w +\n")[0].startswith("error: the end of the line where")
    assert _error_lines("--w 2 extra", "J = w\n")[-1].startswith("hint: the formula is the cell, so further")
    assert _error_lines('"w*x --w 2')[0].startswith("error: cannot read the line: no closing quotation")
    assert _error_lines("w --w 2 --format svg")[0] == "error: --format svg needs -o FILE in a notebook"
    assert _error_lines("w --install-completion")[0] == "error: --install-completion is for a shell, not a notebook"


def test_magic_help_and_version_print_and_return_nothing(capsys):
    assert run_magic("--help") is None
    assert "--check" in capsys.readouterr().out
    assert run_magic("--version") is None
    assert capsys.readouterr().out.startswith("gradexplain ")


def test_magic_writes_files_and_warnings_as_the_command_does(tmp_path, capsys):
    target = tmp_path / "trace.md"
    shown = run_magic(f"w*x --w 2 --x 3 --z 1 --eps 0.1 -o {target}")
    assert shown is not None and target.read_text(encoding="utf-8") == render_text(shown, "markdown")
    warnings = capsys.readouterr().err
    assert "warning: z is not used by the formula" in warnings and "--check was not given" in warnings


# ── real kernels ────────────────────────────────────────────────────────────────────────────

TEST_CELLS = [
    "md:Before gradexplain: a Markdown table whose style must not change.\n\n| name | value |\n|:---|---:|\n| w | 2 |",
    f"from gradexplain import explain\ne = explain('0.5*(w*x+b-y)**2', {LECTURE_VALUES!r}, check=True)\ne",
    "print(repr(e))",
    "%load_ext gradexplain",
    f"%gradexplain {LINE} --notation dvar",
    "%%gradexplain --w 3 --check\nJ = w**2",
    "%gradexplain w*x --w 2",
    "%gradexplain w* --w 2",
    "import os\npath, os.environ['PATH'] = os.environ['PATH'], ''\ntry:\n"
    "    display(explain('w*x', {'w': 2, 'x': 3}))\nfinally:\n    os.environ['PATH'] = path",
    "explain('w*x + ', {'w': 1})",
    "md:After: another table.\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    "e.lab()",
]
LAB_CELL = len(TEST_CELLS) - 1


def _notebook(cells: list[str]) -> nbformat.NotebookNode:
    return new_notebook(
        cells=[new_markdown_cell(c[3:]) if c.startswith("md:") else new_code_cell(c) for c in cells],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """A kernel named python3 that is this Python (the venv's, with gradexplain), whatever
    kernels the machine has: its spec comes first on JUPYTER_PATH. IPython's and Jupyter's
    own files go to a temporary directory."""
    from ipykernel.kernelspec import write_kernel_spec

    home = tmp_path_factory.mktemp("jupyter")
    write_kernel_spec(str(home / "kernels" / "python3"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(home))
        patch.setenv("JUPYTER_RUNTIME_DIR", str(home / "runtime"))
        patch.setenv("JUPYTER_PLATFORM_DIRS", "1")
        patch.setenv("IPYTHONDIR", str(home / "ipython"))
        yield home


def _execute(notebook: nbformat.NotebookNode, cwd: Path, allow_errors: bool = False) -> nbformat.NotebookNode:
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    return notebook


@pytest.fixture(scope="module")
def executed(kernel):
    """The sample notebooks and the test notebook, each run once in a fresh kernel."""
    runs = {path.name: _execute(nbformat.read(path, as_version=4), NOTEBOOKS) for path in SAMPLE_NOTEBOOKS}
    runs["test"] = _execute(_notebook(TEST_CELLS), NOTEBOOKS, allow_errors=True)
    return runs


def _outputs(notebook: nbformat.NotebookNode, index: int) -> list:
    return notebook.cells[index].outputs


def _html(notebook: nbformat.NotebookNode, index: int) -> str:
    (bundle,) = [out.data for out in _outputs(notebook, index) if out.output_type in ("execute_result", "display_data")]
    return bundle["text/html"]


def test_sample_notebooks_are_committed_without_outputs():
    assert [path.name for path in SAMPLE_NOTEBOOKS] == ["backprop.ipynb", "derivatives.ipynb"]
    for path in SAMPLE_NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code), path.name


@pytest.mark.parametrize("name", ["derivatives.ipynb", "backprop.ipynb"])
def test_sample_notebooks_run_and_show_explanations(executed, name):
    need("dot")
    notebook = executed[name]
    errors = [out for cell in notebook.cells for out in cell.get("outputs", []) if out.output_type == "error"]
    assert errors == []
    bundles = [
        out.data
        for cell in notebook.cells
        for out in cell.get("outputs", [])
        if out.output_type == "execute_result" and out.data.get("text/plain", "").startswith("<Explanation ")
    ]
    assert len(bundles) >= 4
    for bundle in bundles:
        assert {"text/html", "text/markdown", "text/latex", "text/plain"} <= set(bundle)
        assert "<svg" in bundle["text/html"] and bundle["text/html"].count("<table>") >= 3


def test_samples_show_the_labs_numbers(executed):
    derivatives = json.dumps(executed["derivatives.ipynb"].cells, ensure_ascii=False)
    assert "J(3.001) = 9.006001, slope = 6.001, backprop: 6" in derivatives
    assert "J(3.002) = 9.012004, slope = 6.002" in derivatives
    backprop = json.dumps(executed["backprop.ipynb"].cells, ensure_ascii=False)
    assert "<Explanation J = 121 at w=3: 1 gradient, 1 check ok>" in backprop
    assert "dJ_dw" in backprop and "66" in backprop
    assert "<Explanation J = 2 at x=1, y=5, w1=2, b1=0, w2=3, b2=1: 4 gradients, 4 checks ok>" in backprop
    assert "backprop: 136 local-derivative steps; nudging: 4672 node evaluations" in backprop
    assert "Cost of the gradients (--cost)" in backprop


def test_test_notebook_displays_explanations_and_magics(executed):
    need("dot")
    notebook = executed["test"]
    page = _html(notebook, 1)
    assert page.count("<table>") == 4 and "<svg" in page and "Forward pass (left to right)" in page
    (printed,) = _outputs(notebook, 2)
    assert printed.text == "<Explanation J = 2 at w=2, x=-2, b=8, y=2: 4 gradients, 4 checks ok>\n"
    line_magic = _html(notebook, 4)
    assert "dJ_dw" in line_magic and "<svg" in line_magic and line_magic.count("<table>") == 4
    (cell_magic,) = _outputs(notebook, 5)
    assert cell_magic.data["text/plain"] == "<Explanation J = 9 at w=3: 1 gradient, 1 check ok>"
    assert "<svg" in cell_magic.data["text/html"]


def test_test_notebook_shows_short_errors(executed):
    notebook = executed["test"]
    (missing,) = _outputs(notebook, 6)
    assert missing.output_type == "error"
    assert missing.traceback == ["error: missing value for x", "hint: pass it as --x VALUE (or NAME=VALUE)"]
    (caret,) = _outputs(notebook, 7)
    assert caret.traceback[1:3] == ["  w*", "   ^"]
    assert not any("Traceback" in line or "File " in line for line in missing.traceback + caret.traceback)
    without = _html(notebook, 8)
    assert "<svg" not in without and "not on this kernel&#x27;s PATH" in without
    (library,) = _outputs(notebook, 9)  # explain() itself, outside the magics
    assert (
        library.output_type == "error"
        and library.traceback[0] == "error: the end of the formula where a value should follow '+'"
    )
    assert len(library.traceback) == 4


def test_the_lab_page_shows_inline(executed):
    need("dot")
    page = _html(executed["test"], LAB_CELL)
    assert page.startswith('<div class="gx-lab"') and "<svg" in page
    assert '<input type="text" data-node="v1" data-kind="value"' in page
    assert page.count('<input type="text" data-node=') == 13  # the bare formula: 5 values, 8 gradients


def test_the_inline_lab_page_works_in_the_notebook_page(executed, tmp_path):
    """The executed notebook as a page (nbconvert), in Chromium: a box of the inline lab is
    filled in, checked, and says so; nothing is fetched."""
    need("dot")
    chromium = need("chromium")
    from nbconvert import HTMLExporter
    from playwright.sync_api import sync_playwright

    body, _ = HTMLExporter().from_notebook_node(executed["test"])
    page_file = tmp_path / "lab-notebook.html"
    page_file.write_text(body, encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(page_file.as_uri())
        lab = page.locator(".gx-lab")
        box = lab.locator('input[data-node="v1"][data-kind="value"]')
        box.fill("4")
        box.press("Enter")
        feedback = lab.locator('[data-feedback][data-node="v1"][data-kind="value"]')
        assert "the sign is wrong" in feedback.inner_text()
        box.fill("2*(-2)")
        box.press("Enter")
        assert feedback.inner_text() == "right: -4"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        lab.screenshot(path=str(ARTIFACTS / "notebook-lab.png"))
        browser.close()
    assert errors == []


# ── the notebook as a page, in Chromium ─────────────────────────────────────────────────────

PROBE = """<pre id="gx-probe"></pre><script>
window.addEventListener("load", () => setTimeout(() => {
  const names = ["font-family", "font-size", "font-weight", "text-align", "padding-top", "padding-left",
                 "border-bottom-width", "border-bottom-style", "white-space", "color", "background-color",
                 "line-height", "margin-bottom"];
  const styles = {};
  document.querySelectorAll(".jp-MarkdownCell table, .jp-MarkdownCell p").forEach((element, index) => {
    const computed = getComputedStyle(element);
    for (const cell of [element, ...element.querySelectorAll("th, td")]) {
      const style = getComputedStyle(cell);
      styles[index + " " + cell.tagName + " " + cell.textContent.trim().slice(0, 20)] =
        Object.fromEntries(names.map((name) => [name, style.getPropertyValue(name)]));
    }
  });
  const plain = document.querySelector(".gradexplain .gx-plain");
  document.getElementById("gx-probe").textContent = JSON.stringify({
    styles,
    typeset: document.querySelectorAll(".gradexplain mjx-container").length,
    plain: plain ? getComputedStyle(plain).display : null,
  });
}, 1500));
</script>"""


def _page(notebook: nbformat.NotebookNode, tmp_path: Path, name: str, mathjax: str | None = None) -> Path:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(mathjax_url=mathjax) if mathjax else HTMLExporter()
    body, _ = exporter.from_notebook_node(notebook)
    page = tmp_path / f"{name}.html"
    page.write_text(body.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    return page


def _probe(page: Path, tmp_path: Path) -> dict:
    # No name resolves: the page's scripts from a CDN fail at once, and nothing leaves the machine.
    result = _chromium(
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--allow-file-access-from-files",
        "--virtual-time-budget=15000",
        "--dump-dom",
        page.as_uri(),
        tmp_path=tmp_path,
    )
    found = re.search(r'<pre id="gx-probe">([^<]*)</pre>', result.stdout.decode())
    assert found and found[1], result.stderr.decode()[-2000:]
    return json.loads(html.unescape(found[1]))


def _without_outputs(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    bare = nbformat.from_dict(json.loads(json.dumps(notebook)))
    for cell in bare.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    return bare


def test_markdown_tables_keep_their_style_beside_the_output(executed, tmp_path):
    need("dot")
    notebook = executed["test"]
    shown = _probe(_page(notebook, tmp_path, "with"), tmp_path)
    alone = _probe(_page(_without_outputs(notebook), tmp_path, "without"), tmp_path)
    assert len(shown["styles"]) >= 8  # both tables' cells and the paragraphs around them
    assert shown["styles"] == alone["styles"]
    assert shown["plain"] == "inline"  # no MathJax here: the mathematics shows as text

    # The page-wide <style> of render_text(e, "html") fails this test, as it failed users.
    leaky = nbformat.from_dict(json.loads(json.dumps(notebook)))
    (result,) = [out for out in leaky.cells[1].outputs if out.output_type == "execute_result"]
    result.data["text/html"] = render_text(LECTURE, "html")
    assert _probe(_page(leaky, tmp_path, "leaky"), tmp_path)["styles"] != alone["styles"]

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "notebook.png"
    screenshot.unlink(missing_ok=True)
    page = _page(notebook, tmp_path, "shot")
    shot = _chromium(
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--screenshot={screenshot}",
        "--window-size=1100,2000",
        "--virtual-time-budget=5000",
        page.as_uri(),
        tmp_path=tmp_path,
    )
    assert shot.returncode == 0, shot.stderr.decode()[-2000:]
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG") and struct.unpack(">II", data[16:24]) == (1100, 2000)


def test_mathjax_typesets_the_output_and_hides_the_text_copy(executed, tmp_path):
    """JupyterLab and Notebook typeset HTML outputs with MathJax 3; so does this page."""
    if not MATHJAX_JS.is_file():
        need("mathjax")  # a skip, or in CI a failure: the README's npm command installs it
    need("dot")
    page = _page(executed["test"], tmp_path, "mathjax", MATHJAX_JS.as_uri())
    probed = _probe(page, tmp_path)
    assert probed["typeset"] > 20 and probed["plain"] == "none"
    shot = ARTIFACTS / "notebook-mathjax.png"
    shot.unlink(missing_ok=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    result = _chromium(
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--allow-file-access-from-files",
        f"--screenshot={shot}",
        "--window-size=1100,2000",
        "--virtual-time-budget=15000",
        page.as_uri(),
        tmp_path=tmp_path,
    )
    assert result.returncode == 0 and shot.read_bytes().startswith(b"\x89PNG")


def test_the_kernel_named_python3_is_this_python(kernel):
    from jupyter_client.kernelspec import KernelSpecManager

    assert KernelSpecManager().get_kernel_spec("python3").argv[0] == sys.executable


def test_magics_take_the_views_and_show_their_plots_inline():
    need("dot")
    explanation = run_magic("w**2 --w 3 --plot w --sweep w")
    assert explanation.views is not None and explanation.views.plot is not None
    page = display.html(explanation)
    assert page.count("<svg") == 2  # the graph, and matplotlib's plot of J and of the ε sweep
    plots = page.index("<svg", page.index("<svg") + 1)
    assert page.index('gx-title">Gradients') < plots < page.index('gx-title">J against w')  # above their tables


def test_a_bare_quiz_in_a_magic_gets_the_notebook_s_message():
    for line in ("w**2 --w 3 --quiz", "--random --quiz"):
        with pytest.raises(MagicError, match="--quiz asks its questions in a terminal"):
            run_magic(line)


def test_a_worksheet_in_a_notebook_has_boxes_to_fill_in_as_the_page_does():
    from gradexplain.render import RenderOptions

    page = display.html(explain("w*x", {"w": 2, "x": 3}).with_display(RenderOptions(blank=True)))
    tables = re.sub(r"<svg.*?</svg>", "", page, flags=re.DOTALL)  # the drawing writes its blanks as ____
    assert "________" not in tables and tables.count('class="gx-box"') >= 3 and ".gradexplain .gx-box" in page
