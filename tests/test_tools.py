"""The outputs, checked by the real programs that read them: Graphviz draws every DOT file,
pdflatex (or LuaLaTeX, for names in other alphabets) compiles every standalone LaTeX document,
headless Chromium renders the HTML page, and Mermaid (the library GitHub uses, run in Chromium)
draws every Mermaid diagram.

Each test is skipped when its program is missing, unless GRADEXPLAIN_REQUIRE_TOOLS=1 (CI sets
it, after installing them as the README says), so CI never passes by skipping. The browser's
screenshots and a LaTeX page are kept in .artifacts/ (or $GRADEXPLAIN_ARTIFACTS) for a person
to look at.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from gradexplain import explain
from gradexplain.fonts import FONTS
from gradexplain.latex import latex_name, needs
from gradexplain.output import render_bytes
from gradexplain.render import RenderOptions, render_text
from gradexplain.render.report import build_report
from tests.conftest import EXAMPLES, ROOT, SAMPLES, run_cli

SAMPLE_IDS = [path.stem for path in SAMPLES]
ARTIFACTS = Path(os.environ.get("GRADEXPLAIN_ARTIFACTS", ROOT / ".artifacts"))
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


MERMAID_JS = ROOT / ".tools" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
# What npm installs into .tools (README, "Set up on a fresh machine"), by the name `need` knows it by.
NPM_TOOLS = {"mermaid": MERMAID_JS, "eslint": ROOT / ".tools" / "node_modules" / ".bin" / "eslint"}


def need(program: str) -> str:
    """The program's path; a skip (or, in CI, a failure) when it is not installed."""
    installed = NPM_TOOLS.get(program)
    path = str(installed) if installed is not None and installed.is_file() else shutil.which(program)
    if path is None:
        message = f"{program} is not installed (see README, 'Set up on a fresh machine')"
        if os.environ.get("GRADEXPLAIN_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


def sample(path: Path):
    return explain(path.read_text(encoding="utf-8"), check=True, origin=str(path))


@pytest.mark.parametrize("path", SAMPLES, ids=SAMPLE_IDS)
def test_graphviz_reads_every_dot_file_without_a_warning(path, tmp_path):
    dot = need("dot")
    source = tmp_path / "graph.dot"
    source.write_text(render_text(sample(path), "dot"), encoding="utf-8")
    result = subprocess.run([dot, "-Tsvg", str(source)], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    svg = result.stdout.decode()
    for node in sample(path).graph.nodes:
        assert f">{node.name}</text>" in svg


def test_svg_and_png_files_are_drawn(tmp_path):
    need("dot")
    for extension in ("svg", "png"):
        target = tmp_path / f"graph.{extension}"
        result = run_cli(str(SAMPLES[0]), "-o", str(target))
        assert result.returncode == 0, result.stderr.decode()
        data = target.read_bytes()
        if extension == "svg":
            assert data.lstrip().startswith(b"<?xml") and b"<svg" in data
        else:
            assert data.startswith(b"\x89PNG\r\n\x1a\n")
            width, height = struct.unpack(">II", data[16:24])
            assert width > 300 and height > 100


def _svg_texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_readme_picture_is_what_gradexplain_draws():
    """The documentation's picture shows today's output (compared by its words, since Graphviz
    versions place them slightly differently)."""
    need("dot")
    committed = (ROOT / "docs" / "images" / "linear_regression.svg").read_text(encoding="utf-8")
    fresh = render_bytes(sample(EXAMPLES / "linear_regression.gx"), "svg").data.decode()
    assert _svg_texts(committed) == _svg_texts(fresh)


def engine(document: str) -> str:
    """The program a LaTeX document names on its first line; pdflatex when it names none."""
    first = document.partition("\n")[0]
    return first.removeprefix("% !TEX program = ") if first.startswith("% !TEX program = ") else "pdflatex"


def compile_latex(document: str, tmp_path: Path, stem: str = "trace") -> str:
    """Compile with the program the document names, and return the log: no error, no letter
    left out for want of a font (TeX only logs those, as "Missing character")."""
    program = need(engine(document))
    (tmp_path / f"{stem}.tex").write_text(document, encoding="utf-8")
    result = subprocess.run(
        [program, "-interaction=nonstopmode", "-halt-on-error", f"{stem}.tex"],
        capture_output=True,
        cwd=tmp_path,
        timeout=600,  # LuaLaTeX's first run on a machine indexes its fonts
    )
    log = (tmp_path / f"{stem}.log").read_text(encoding="utf-8", errors="replace")
    assert result.returncode == 0, log[-3000:]
    assert (tmp_path / f"{stem}.pdf").read_bytes().startswith(b"%PDF")
    assert [line for line in log.splitlines() if "Missing character" in line] == []
    return log


def pdf_pages(pdf: Path) -> list[str]:
    """The PDF's pages as text, laid out as on the page (pdftotext -layout), without blank lines."""
    result = subprocess.run([need("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    pages = result.stdout.decode().split("\f")
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in pages if page.strip()]


def stranded_headings(pages: list[list[str]], titles: list[str]) -> list[str]:
    """Table headings that end a page (its number aside), away from their tables."""
    stranded = []
    for lines in pages:
        words = [line for line in lines if not line.isdigit()]
        if words and any(words[-1] == title or words[-1].startswith(title + " (") for title in titles):
            stranded.append(words[-1])
    return stranded


def keep_pages(pdf: Path, stem: str) -> None:
    """The pages as pictures in .artifacts/, for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{stem}-*.png"):
        old.unlink()
    result = subprocess.run(
        [need("pdftoppm"), "-png", "-r", "60", str(pdf), str(ARTIFACTS / stem)], capture_output=True, timeout=120
    )
    assert result.returncode == 0, result.stderr.decode()


LATEX_DOCUMENTS = {
    **{path.stem: path for path in SAMPLES},
    "lecture-central": ("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2}),
}


@pytest.mark.parametrize("name", LATEX_DOCUMENTS)
def test_pdflatex_compiles_every_standalone_document(name, tmp_path):
    """Every sample (and the lecture formula, whose check table falls to a second page) compiles,
    fits the page, and never leaves a table's heading at the foot of a page without its table."""
    source = LATEX_DOCUMENTS[name]
    if isinstance(source, Path):
        explanation = sample(source)
    else:
        explanation = explain(source[0], source[1], check=True, central=True)
    document = render_text(explanation, "latex", standalone=True)
    assert engine(document) == "pdflatex"
    log = compile_latex(document, tmp_path)
    assert "Overfull \\hbox" not in log  # nothing runs off the page
    pages = pdf_pages(tmp_path / "trace.pdf")
    titles = [table.title.split(" (")[0] for table in build_report(explanation).tables]
    assert stranded_headings(pages, titles) == []
    if not isinstance(source, Path):  # the formula as mathematics: middle dots and a minus sign
        assert any(line.startswith("Formula: J = 0.5 · (w · x + b − y)") for line in pages[0]), pages[0][:3]
    keep_pages(tmp_path / "trace.pdf", f"latex-{name}")


@pytest.mark.parametrize("notation", ["dvar", "adjoint"])
def test_pdflatex_compiles_the_lecture_sample_in_each_notation(notation, tmp_path):
    """dJ\\_dw and w̄ set as mathematics; the page fits (leibniz is every sample's, above)."""
    explanation = sample(EXAMPLES / "linear_regression.gx")
    document = render_text(explanation, "latex", RenderOptions(notation=notation), standalone=True)
    log = compile_latex(document, tmp_path)
    assert "Overfull \\hbox" not in log
    keep_pages(tmp_path / "trace.pdf", f"latex-notation-{notation}")
    text = "\n".join(line for page in pdf_pages(tmp_path / "trace.pdf") for line in page)
    assert ("dJdw=dJdc" if notation == "dvar" else "w̄=c̄") in text.replace(" ", "")  # \\_ is a rule, not text


@pytest.mark.parametrize("stem", ["linear_regression", "two_layer_relu"])
def test_pdflatex_compiles_a_worksheet_with_boxes_to_write_in(stem, tmp_path):
    explanation = sample(EXAMPLES / f"{stem}.gx")
    document = render_text(explanation, "latex", RenderOptions(blank=True), standalone=True)
    log = compile_latex(document, tmp_path)
    assert "Overfull \\hbox" not in log
    text = " ".join(line for page in pdf_pages(tmp_path / "trace.pdf") for line in page)
    assert "A worksheet" in text and "−3.998" not in text
    keep_pages(tmp_path / "trace.pdf", f"worksheet-{stem}")


def test_pdflatex_compiles_the_claims_of_the_sample(tmp_path):
    """The claims table, and under it each mistake with its ∂ₗ, arrows and dashes, set by pdflatex."""
    text = (EXAMPLES / "claims.txt").read_text(encoding="utf-8")
    claims = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    explanation = explain((EXAMPLES / "linear_regression.gx").read_text(encoding="utf-8"), claims=claims)
    document = render_text(explanation, "latex", standalone=True)
    assert engine(document) == "pdflatex"
    log = compile_latex(document, tmp_path)
    assert "Overfull \\hbox" not in log
    pages = pdf_pages(tmp_path / "trace.pdf")
    titles = [table.title.split(" (")[0] for table in build_report(explanation).tables]
    assert stranded_headings(pages, titles) == []
    words = " ".join(line for page in pages for line in page)
    assert "likely mistake: a factor of 2 too many — the 1/2 in J = d**2/2 cancels the 2 from the square" in words
    assert "7 of 13 claims WRONG" in words
    keep_pages(tmp_path / "trace.pdf", "latex-claims")


def test_a_stranded_heading_is_seen():
    """The check above would see the fault it guards against."""
    pages = [["Gradients", "1"], ["gradient value symbolic", "2"]]
    assert stranded_headings(pages, ["Gradients", "Gradient check"]) == ["Gradients"]
    assert stranded_headings([["Gradient check (nudge each input by ε)", "3"]], ["Gradient check"]) != []
    assert stranded_headings([["all 4 gradient checks pass", "2"]], ["Gradients", "Gradient check"]) == []


def test_pdflatex_compiles_awkward_names(tmp_path):
    explanation = explain("ŷ = w_1*x + α; J = sigmoid(ŷ)^2 + abs(ŷ)/3", {"w_1": 2, "x": -2, "α": 0.5}, check=True)
    compile_latex(render_text(explanation, "latex", standalone=True), tmp_path, "names")


def test_pdflatex_sets_every_letter_gradexplain_gives_it(tmp_path):
    """Every name of one letter (or w and one digit) that gradexplain leaves to pdflatex — Greek,
    accented Latin, ß, ℓ, the styled 𝐰 𝒘 ℝ 𝔣 𝟏 … — in one document that pdflatex compiles."""
    letters = [chr(point) for point in range(0x80, 0x30000) if chr(point).isidentifier() and chr(point).isalpha()]
    digits = [
        chr(point) for point in range(0x80, 0x30000) if chr(point).isdigit() and ("w" + chr(point)).isidentifier()
    ]
    names = [
        name for name in [*letters, *(f"w{digit}" for digit in digits)] if needs(latex_name(name)).engine == "pdflatex"
    ]
    assert len(names) > 1000 and {"ℓ", "𝐰", "λ", "ά", "ç", "ß", "ℝ", "w𝟏"} <= set(names)
    explanation = explain("J = " + " + ".join(names), dict.fromkeys(names, 1))
    document = render_text(explanation, "latex", standalone=True)
    assert engine(document) == "pdflatex"
    compile_latex(document, tmp_path, "letters")


# A name in each kind of alphabet, and the program its document must name.
NAMES = {
    "ell": ("ℓ", "pdflatex"),
    "bold": ("𝐰", "pdflatex"),
    "greek": ("λά", "pdflatex"),
    "cyrillic": ("ошибка", "lualatex"),
    "chinese": ("损失", "lualatex"),
    "hebrew": ("שגיאה", "lualatex"),
    "arabic": ("خطأ", "lualatex"),
    "korean": ("손실", "lualatex"),
    "devanagari": ("नमन", "lualatex"),
    "script": ("𝓌", "lualatex"),
}


@pytest.mark.parametrize(("name", "program"), NAMES.values(), ids=NAMES)
def test_every_name_compiles_with_the_program_its_document_names(name, program, tmp_path):
    explanation = explain(f"{name}*x + 1", {name: 2, "x": 3}, check=True)
    document = render_text(explanation, "latex", standalone=True)
    assert engine(document) == program
    compile_latex(document, tmp_path)


def test_lualatex_shows_names_in_every_alphabet(tmp_path):
    """One page with all of them, kept as a picture to look at: each script in its own font,
    Hebrew and Arabic right to left."""
    program = "ошибка = 𝐰*x + ℓ; 损失 = ошибка^2; שגיאה = 损失/2 + λά; خطأ = שגיאה*𝓌; 손실 = خطأ - नमन"
    values = {"𝐰": 2, "x": 3, "ℓ": 1, "λά": 0.5, "𝓌": 2, "नमन": 1}
    document = render_text(explain(program, values, check=True), "latex", standalone=True)
    assert engine(document) == "lualatex"
    compile_latex(document, tmp_path)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    picture = ARTIFACTS / "latex-unicode-names.png"
    picture.unlink(missing_ok=True)
    result = subprocess.run(
        [need("pdftoppm"), "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", "trace.pdf", str(picture)[:-4]],
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode()
    data = picture.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000  # a page of text, not a blank one


def test_every_font_the_latex_names_is_installed():
    fc_list = need("fc-list")
    listing = subprocess.run([fc_list, ":", "family"], capture_output=True, timeout=60).stdout.decode()
    installed = {family for line in listing.splitlines() for family in line.split(",")}
    assert [family for family, _ in FONTS if family not in installed] == []


def test_the_font_table_is_made_from_the_packages_the_readme_installs():
    need("fc-scan")
    need("perl")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "make_fonts_table.py")], capture_output=True, timeout=300
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode() == (ROOT / "gradexplain" / "fonts.py").read_text(encoding="utf-8"), (
        "gradexplain/fonts.py is not what tests/make_fonts_table.py makes from the installed fonts"
    )


def _chromium(*arguments: str, tmp_path: Path) -> subprocess.CompletedProcess:
    chromium = need("chromium")
    profile = tmp_path / "profile"
    return subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        timeout=120,
    )


def test_chromium_renders_the_page_with_its_tables_and_graph(tmp_path):
    need("dot")
    page = tmp_path / "report.html"
    result = run_cli(str(EXAMPLES / "two_layer_relu.gx"), "--check", "-o", str(page))
    assert result.returncode == 0, result.stderr.decode()
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "the page must not fetch anything"
    assert "<script" not in html

    dom = _chromium("--dump-dom", page.as_uri(), tmp_path=tmp_path)
    assert dom.returncode == 0, dom.stderr.decode()[-2000:]
    rendered = dom.stdout.decode()
    assert rendered.count("<table>") == 4
    assert "<svg" in rendered and 'class="node"' in rendered
    assert "∂J/∂w11 = 3.4" in rendered  # the drawing's gradient label
    assert "Uncaught" not in dom.stderr.decode()

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, width in (("report-desktop.png", 1280), ("report-phone.png", 390)):
        screenshot = ARTIFACTS / name
        screenshot.unlink(missing_ok=True)
        shot = _chromium(f"--screenshot={screenshot}", f"--window-size={width},2400", page.as_uri(), tmp_path=tmp_path)
        assert shot.returncode == 0, shot.stderr.decode()[-2000:]
        data = screenshot.read_bytes()
        assert data.startswith(b"\x89PNG")
        assert struct.unpack(">II", data[16:24]) == (width, 2400)
        assert len(data) > 50_000  # a page with a drawing and tables, not a blank one


_GRADIENT = re.compile(r"∂\S+/∂\S+ = -?[\d.]+").fullmatch


def test_the_printed_page_keeps_headings_with_their_tables_and_the_whole_drawing(tmp_path):
    """Printed (as a browser prints to PDF, A4/Letter), no heading ends a page without its
    table, and the drawing is scaled to the page rather than cut: every node's name is printed."""
    need("dot")
    page = tmp_path / "report.html"
    result = run_cli(str(EXAMPLES / "two_layer_relu.gx"), "--check", "-o", str(page))
    assert result.returncode == 0, result.stderr.decode()
    pdf = tmp_path / "report.pdf"
    printed = _chromium(
        "--no-pdf-header-footer", "--print-to-pdf-no-header", f"--print-to-pdf={pdf}", page.as_uri(), tmp_path=tmp_path
    )
    assert printed.returncode == 0 and pdf.is_file(), printed.stderr.decode()[-2000:]
    pages = pdf_pages(pdf)
    assert len(pages) > 1  # long enough for the page breaks to matter
    explanation = sample(EXAMPLES / "two_layer_relu.gx")
    titles = ["Computation graph", "Summary", *(table.title for table in build_report(explanation).tables)]
    assert stranded_headings(pages, titles) == []
    first = next(lines for lines in pages if "Computation graph" in lines)
    drawing = " ".join(" ".join(line.split()) for line in first)
    gradients = [text for text in map(html.unescape, _svg_texts(page.read_text(encoding="utf-8"))) if _GRADIENT(text)]
    assert len(gradients) >= len(explanation.graph.nodes)  # the boxes' gradient labels, ∂J/∂w11 = 3.4
    assert [label for label in gradients if label not in drawing] == []
    keep_pages(pdf, "html-printed")


def test_mermaid_draws_every_sample_as_github_would(tmp_path):
    """GitHub renders Mermaid with securityLevel 'strict'; so does this page."""
    script = need("mermaid")
    diagrams = [render_text(sample(path), "mermaid") for path in SAMPLES]
    blocks = "".join(f'<pre class="mermaid">{html.escape(diagram)}</pre>' for diagram in diagrams)
    page = tmp_path / "mermaid.html"
    page.write_text(
        f"""<!DOCTYPE html><html><head><meta charset="utf-8"><script src="{Path(script).as_uri()}"></script></head>
<body>{blocks}<p id="status">pending</p><script>
mermaid.initialize({{startOnLoad: false, securityLevel: "strict"}});
const status = document.getElementById("status");
mermaid.run().then(
  () => {{ status.textContent = "drawn " + document.querySelectorAll("svg g.node").length; }},
  (error) => {{ status.textContent = "ERROR " + error; }});
</script></body></html>""",
        encoding="utf-8",
    )
    result = _chromium(
        "--virtual-time-budget=10000", "--allow-file-access-from-files", "--dump-dom", page.as_uri(), tmp_path=tmp_path
    )
    status = re.search(r'<p id="status">([^<]*)</p>', result.stdout.decode())
    assert status is not None, result.stderr.decode()[-2000:]
    nodes = sum(len(sample(path).graph.nodes) for path in SAMPLES)
    assert status[1] == f"drawn {nodes}"
