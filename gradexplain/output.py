"""Every output format as bytes: the pure renderers, plus Graphviz for the pictures.

>>> from gradexplain import explain
>>> from gradexplain.output import render_bytes
>>> page = render_bytes(explain("w*x", {"w": 2, "x": 3}), "markdown").data
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gradexplain.errors import GradexplainError, InputError
from gradexplain.limits import Limits
from gradexplain.render import RenderOptions, render_text

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

# The formats, in the order --help lists them; "rich" needs a terminal and is the CLI's business.
TEXT_FORMATS = ("text", "json", "markdown", "latex", "html", "lab", "dot", "mermaid", "tree", "program")
IMAGE_FORMATS = ("svg", "png")
# A PDF is a picture of the views (--plot, --sweep), drawn by matplotlib; so are svg and png then.
VIEW_FORMATS = ("pdf",)
FORMATS = TEXT_FORMATS + IMAGE_FORMATS + VIEW_FORMATS

EXTENSIONS = {
    ".lab.html": "lab",  # before .html: the lab page, NAME.lab.html
    ".txt": "text",
    ".json": "json",
    ".md": "markdown",
    ".tex": "latex",
    ".html": "html",
    ".htm": "html",
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mermaid",
    ".svg": "svg",
    ".png": "png",
    ".gx": "program",
    ".pdf": "pdf",
}


@dataclass(frozen=True, slots=True)
class Rendered:
    data: bytes
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # what a person should know to use the output (which program compiles it)


def format_for_path(path: str) -> str:
    """The format a file name asks for, by its extension (the first of EXTENSIONS it ends with,
    so NAME.lab.html is a lab page); anything else is an error, not a guess."""
    name = Path(path).name.lower()
    found = next((format for extension, format in EXTENSIONS.items() if name.endswith(extension)), None)
    if found is None:
        suffix = Path(path).suffix.lower()
        known = " ".join(EXTENSIONS)
        raise InputError(
            f"cannot tell the format of {path} from its extension" + (f" {suffix}" if suffix else ""),
            hint=f"use one of {known}, or name the format with --format",
        )
    return found


def check_standalone(format: str, standalone: bool) -> None:
    """--standalone means a whole LaTeX document; anywhere else it is a mistake worth saying."""
    if standalone and format != "latex":
        raise InputError(
            f"--standalone applies to --format latex, not {format}",
            hint="only LaTeX comes as a fragment or a whole document (an HTML page is always whole); drop it",
        )


def render_bytes(
    explanation: Explanation,
    format: str,
    options: RenderOptions | None = None,
    *,
    standalone: bool = False,
    limits: Limits | None = None,
) -> Rendered:
    """`explanation` in `format` (one of FORMATS). svg and png need Graphviz (an InputError
    says how to install it); html without Graphviz keeps its tables and says so in a warning;
    latex that needs LuaLaTeX rather than pdflatex says so in a note; lab is the interactive page
    (gradexplain.render.lab) with the worksheet's drawing."""
    check_standalone(format, standalone)
    pictured = explanation.views is not None and explanation.views.pictured
    if format in IMAGE_FORMATS + VIEW_FORMATS and pictured:  # the plot and the sweep, not the graph
        from gradexplain.render.figures import picture

        return Rendered(picture(explanation, format, options))
    if format in VIEW_FORMATS:
        raise InputError(
            f"--format {format} draws the pictures of --plot and --sweep, and neither was given",
            hint="add --plot NAME or --sweep NAME, or draw the graph as svg or png",
        )
    if format in IMAGE_FORMATS:
        from gradexplain.drawing import draw

        return Rendered(draw(explanation, format, options, limits))
    if format == "html":
        from gradexplain.render import html

        picture, missing, warnings = _page_drawing(explanation, options, limits)
        plots, more = views_picture(explanation, options) if pictured else (None, ())
        page = html.render(explanation, options, picture, missing, plots=plots)
        return Rendered(page.encode("utf-8"), warnings + more)
    if format == "lab":
        return lab_page(explanation, options, limits)
    if format == "latex":
        from gradexplain.render import latex

        document = latex.document(explanation, options, standalone)
        return Rendered(document.text.encode("utf-8"), latex.warnings(document.needs), latex.notes(document.needs))
    return Rendered(render_text(explanation, format, options, standalone=standalone).encode("utf-8"))


def views_picture(explanation: Explanation, options: RenderOptions | None) -> tuple[str | None, tuple[str, ...]]:
    """The views' picture for an HTML page, or None and a warning without matplotlib (the page
    then shows the plot in characters)."""
    from gradexplain.render.figures import picture

    try:
        return picture(explanation, "svg", options).decode("utf-8"), ()
    except GradexplainError as problem:
        return None, (f"the page shows the plot in characters: {problem.message} ({problem.hint})",)


def lab_page(
    explanation: Explanation, options: RenderOptions | None = None, limits: Limits | None = None, *, whole: bool = True
) -> Rendered:
    """The lab page with the worksheet's drawing; `whole=False` gives the fragment to embed (a
    Jupyter output cell): one element, its styles and script scoped to it."""
    from gradexplain.render import lab

    lab.check_size(explanation)  # before drawing: a graph too large to fill in is refused at once
    picture, missing, warnings = _page_drawing(explanation, lab.worksheet_options(options), limits)
    made = lab.render if whole else lab.fragment
    return Rendered(made(explanation, options, picture, missing).encode("utf-8"), warnings)


def _page_drawing(
    explanation: Explanation, options: RenderOptions | None, limits: Limits | None
) -> tuple[str | None, str | None, tuple[str, ...]]:
    """A page's drawing as SVG text; without Graphviz (or past the drawing limit), None, what
    the page says instead, and a warning."""
    from gradexplain.drawing import draw

    try:
        return draw(explanation, "svg", options, limits).decode("utf-8"), None, ()
    except GradexplainError as problem:
        missing = f"No drawing of the graph: {problem.message}; {problem.hint}."
        return None, missing, (f"the page has no drawing: {problem.message}; {problem.hint}",)
