"""The lab page: one self-contained interactive page on which a student fills in every box of the
computation graph (each node's value left to right, then each gradient right to left) and gets,
box by box, the same feedback as `--quiz` gives in the terminal.

The boxes, their answers, hints and mistakes (the one catalogue's predictions at the point,
teach/mistakes.py) come from gradexplain.teach.quiz, and the tolerance policy and the answer
language's functions from teach/tolerance.py and the primitives table; all are embedded as JSON. The
page's script (lab.js beside this module, and each function's own JavaScript from its row of the
primitives table) ports `quiz.judge` to JavaScript: a small
recursive-descent reader over exact rationals (BigInt), never `eval`. The answers are in the page:
it is for practice, not for exams.

The page is also a fragment to embed (a Jupyter output cell, two on one document): its styles
are scoped under the `gx-lab` class, its script finds its own root element and defines no globals
(its judge is reachable as `root.gradexplainLab`, for tests and teachers' scripts). The drawing is
Graphviz's SVG of the worksheet (`RenderOptions(blank=True)`), made by the caller (see
gradexplain.output), so this stays a pure function; its empty boxes fill in as the student answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from fractions import Fraction
from html import escape
from importlib import resources
from typing import TYPE_CHECKING

from gradexplain.engine.primitives import ALIASES, BY_NAME, CONSTANTS, FUNCTION_NAMES
from gradexplain.numbers import Number
from gradexplain.render.dot import GRADIENT_COLOUR, VALUE_COLOUR
from gradexplain.render.html import NO_PICTURE, page_head, readable_svg
from gradexplain.render.report import BLANK, RenderOptions, Shown
from gradexplain.render.report import heading as report_heading
from gradexplain.teach import quiz
from gradexplain.teach.tolerance import ANSWER_DEPTH, page_policy

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

# Where the page's drawing comes from, when it was made without one (render_text never draws).
NO_LAB_PICTURE = NO_PICTURE.replace('"html"', '"lab"').replace("-o page.html", "-o page.lab.html")

# The file of the page's script (the judge and the page), shipped with the package and linted.
SCRIPT_FILE = "lab.js"

# Said on the page where the terminal session says it (quiz_session.py) in its own words.
NO_MORE_HINTS = "no more hints: press Show to see the answer"


def worksheet_options(options: RenderOptions | None = None) -> RenderOptions:
    """The options the page's drawing is made with: the user's digits and notation, every box blank."""
    options = options or RenderOptions()
    return RenderOptions(digits=options.digits, notation=options.notation, blank=True)


def _number(value: Number) -> str:
    """A value as the page's script reads it: `-4`, `1/3` (exact), or a float's shortest repr. Not
    program.exact_text's decimals: here `0.5` must mean a float, as the script tells the two apart."""
    if isinstance(value, float):
        return repr(float(value))  # (an Underflow is a float: its repr is the float's)
    value = Fraction(value)
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _mistakes(box: quiz.Box) -> list[list[str]]:
    """The box's mistakes for the page (quiz keeps only those a judge can say)."""
    return [[_number(mistake.value), mistake.kind, mistake.message] for mistake in box.mistakes]


def _label(box: quiz.Box) -> str:
    """The text before the entry box: the question without its question mark (`c = w*x =`)."""
    return box.question.removesuffix("?").rstrip()


def check_size(explanation: Explanation) -> None:
    """An InputError when the graph has more boxes than a page to fill in by hand should hold."""
    quiz.check_size(explanation, "the lab page")


def lab_data(
    explanation: Explanation, options: RenderOptions | None = None, boxes: Sequence[quiz.Box] | None = None
) -> dict[str, object]:
    """Everything the page's script needs, as JSON-ready data: the boxes in the quiz's order
    (`boxes`, when the caller has built them already) and the words of each verdict."""
    options = options or RenderOptions()
    if boxes is None:
        check_size(explanation)
        boxes = quiz.boxes(explanation, "both", options.notation)
    return {
        "boxes": [
            {
                "kind": box.kind,
                "node": box.name,
                "answer": _number(box.answer),
                "shown": box.shown,
                "hints": list(box.hints),
                "mistakes": _mistakes(box),
            }
            for box in boxes
        ],
        "kinds": [[kind, sentence] for kind, sentence in quiz.KINDS.items()],
        "policy": page_policy(),
        "functions": [
            [name, BY_NAME[name].fewest, BY_NAME[name].arity, [_number(d) for d in BY_NAME[name].defaults]]
            for name in FUNCTION_NAMES
        ],
        "aliases": dict(ALIASES),
        "constants": {name: repr(float(value)) for name, value in CONSTANTS.items()},
        "words": {
            "right": quiz.RIGHT,
            "unreadable": quiz.UNREADABLE,
            "tooDeep": quiz.TOO_DEEP.replace("{depth}", str(ANSWER_DEPTH)),
            "close": quiz.CLOSE,
            "other": quiz.OTHER,
            "noHint": quiz.NO_HINT,
            "noMoreHints": NO_MORE_HINTS,
            "shown": quiz.SHOWN,
        },
    }


def _json(data: object) -> str:
    """JSON safe inside a <script> element: no `<`, `>` or `&` that HTML would read."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# ── the drawing ─────────────────────────────────────────────────────────────────────────────

_NODE = re.compile(r'<g id="[^"]*" class="node">\s*<title>n(\d+)</title>(.*?)</g>', re.DOTALL)
_TEXT = re.compile(r"<text ([^>]*)>([^<]*)</text>")
_TITLE = re.compile(r"<title>[^<]*</title>\n?")
_ID = re.compile(r' id="(?:graph|node|edge|clust)\d+"')


def tag_drawing(svg: str, boxes: tuple[quiz.Box, ...]) -> str:
    """Graphviz's SVG of the worksheet with its empty boxes marked for the script: each node's
    group gets `data-boxes` (the indices of its boxes), each empty value or gradient text
    `data-box`. Ids (which would clash with another drawing on the same document) and the
    tooltips Graphviz's titles would show (`n4`) are dropped."""
    slots = {(box.node, box.kind): index for index, box in enumerate(boxes)}

    def node(match: re.Match[str]) -> str:
        index = int(match[1])
        mine = [str(slots[index, kind]) for kind in (quiz.VALUE, quiz.GRADIENT) if (index, kind) in slots]

        def text(found: re.Match[str]) -> str:
            attributes, content = found[1], found[2]
            for kind, colour in ((quiz.VALUE, VALUE_COLOUR), (quiz.GRADIENT, GRADIENT_COLOUR)):
                if f'fill="{colour}"' in attributes and BLANK in content and (index, kind) in slots:
                    return f'<text data-box="{slots[index, kind]}" {attributes}>{content}</text>'
            return found[0]

        inside = _TEXT.sub(text, match[2])
        return f'<g class="node" data-boxes="{" ".join(mine)}">{inside}</g>'

    tagged = _NODE.sub(node, readable_svg(svg))
    return _ID.sub("", _TITLE.sub("", tagged))


# ── the page ────────────────────────────────────────────────────────────────────────────────

STYLE = """
.gx-lab { --gx-value: #1f4e79; --gx-gradient: #b0185a; --gx-ok: #1e7b34; --gx-bad: #b42318; --gx-dim: #5f6368;
  --gx-shown: #7a4f00; --gx-hint: #0b5566; --gx-focus: #e08a00;
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1b1b1b;
  background: #fff; max-width: 72rem; margin: 0 auto; padding: 1rem; text-align: left; }
.gx-lab *, .gx-lab *::before, .gx-lab *::after { box-sizing: border-box; }
.gx-lab .gx-title { font-size: 1.35rem; margin: 0 0 .25rem; line-height: 1.25; }
.gx-lab .gx-heading { font-size: 1.05rem; margin: 0 0 .3rem; }
.gx-lab p { margin: .2rem 0; }
.gx-lab .gx-note { color: var(--gx-dim); font-size: .9rem; }
.gx-lab .gx-drawing { margin: .8rem 0; overflow-x: auto; -webkit-overflow-scrolling: touch; }
.gx-lab .gx-drawing svg { max-width: 100%; height: auto; display: block; }
.gx-lab .gx-drawing g.node[data-boxes]:not([data-boxes=""]) { cursor: pointer; }
.gx-lab .gx-drawing g.gx-current > path, .gx-lab .gx-drawing g.gx-current > ellipse,
.gx-lab .gx-drawing g.gx-current > polygon { stroke: var(--gx-focus); stroke-width: 3; }
.gx-lab .gx-drawing text.gx-revealed { font-style: italic; }
.gx-lab .gx-missing { border: 1px dashed #999; padding: .6rem .8rem; }
.gx-lab .gx-bar { margin: .8rem 0 .4rem; padding: .5rem .7rem; background: #f6f7f8; border-radius: 6px; }
.gx-lab .gx-row { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; }
.gx-lab .gx-score { font-weight: 700; margin: 0; flex: 1 1 14rem; }
.gx-lab .gx-status { margin: 0; }
.gx-lab .gx-status:not(:empty), .gx-lab .gx-summary:not(:empty) { margin-top: .4rem; }
.gx-lab .gx-scroll-note { display: none; }
.gx-lab .gx-summary p { margin: 0; }
.gx-lab .gx-summary ul { margin: .2rem 0; padding-left: 1.3rem; }
.gx-lab .gx-parts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 26rem), 1fr));
  gap: .5rem 2rem; align-items: start; }
.gx-lab ol { list-style: none; margin: 0; padding: 0; }
.gx-lab .gx-box { padding: .5rem 0; border-bottom: 1px solid #e4e4e4; }
.gx-lab .gx-entry { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem .5rem; }
.gx-lab label { display: flex; align-items: center; gap: .3rem .5rem; flex: 0 1 auto; min-width: 0; }
.gx-lab .gx-q { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .95rem;
  overflow-wrap: anywhere; min-width: 8ch; }
.gx-lab input { font: 16px/1.3 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; width: 8rem;
  max-width: 100%; padding: .3rem .45rem; border: 2px solid; border-radius: 4px; color: #1b1b1b; }
.gx-lab .gx-value input { border-color: var(--gx-value); background: #eef5fc; }
.gx-lab .gx-gradient input { border-color: var(--gx-gradient); background: #fcf0f5; }
.gx-lab .gx-box[data-state="right"] input { border-color: var(--gx-ok); background: #e9f6ec; }
.gx-lab .gx-box[data-state="wrong"] input { border-color: var(--gx-bad); background: #fff; }
.gx-lab .gx-box[data-state="shown"] input { border-style: dashed; color: var(--gx-shown); background: #fff; }
.gx-lab input:focus-visible, .gx-lab button:focus-visible { outline: 3px solid var(--gx-focus); outline-offset: 2px; }
.gx-lab .gx-actions, .gx-lab .gx-tools { display: flex; gap: .35rem; }
.gx-lab button { font: inherit; font-size: .9rem; min-height: 2.3rem; padding: .15rem .7rem; color: #1b1b1b;
  background: #f1f1f1; border: 1px solid #767676; border-radius: 4px; cursor: pointer; }
.gx-lab button:hover { background: #e2e2e2; }
.gx-lab .gx-feedback { margin: 0; }
.gx-lab .gx-feedback:not(:empty) { margin-top: .25rem; }
.gx-lab .gx-box[data-state="right"] .gx-feedback { color: var(--gx-ok); font-weight: 600; }
.gx-lab .gx-box[data-state="wrong"] .gx-feedback { color: var(--gx-bad); }
.gx-lab .gx-box[data-state="shown"] .gx-feedback { color: var(--gx-shown); }
.gx-lab .gx-hints { margin: 0; padding-left: 1.3rem; color: var(--gx-hint); font-size: .92rem; }
.gx-lab .gx-hints:not(:empty) { margin-top: .25rem; }
@media (max-width: 40rem) {
  .gx-lab { padding: .6rem; }
  .gx-lab .gx-drawing svg { max-width: none; }  /* full size, scrolled sideways, rather than too small to read */
  .gx-lab .gx-scroll-note { display: block; }
  .gx-lab label { flex: 1 1 100%; }
  .gx-lab input { flex: 1 1 auto; width: auto; min-width: 5rem; }
}
@media print {
  .gx-lab .gx-actions, .gx-lab .gx-bar button { display: none; }
  .gx-lab .gx-drawing { overflow: visible; }
  .gx-lab .gx-drawing svg { max-width: 100%; min-width: 0 !important; }  /* printed whole, scaled to the page */
}
""".strip()


def functions_script() -> str:
    """The answer language's functions in JavaScript, each from its row of the primitives table:
    `gradexplainFunctions(n)` gives them by name over the judge's number system `n`."""
    rows = ",\n".join(f"    {name}: {BY_NAME[name].js}" for name in FUNCTION_NAMES)
    return f'function gradexplainFunctions(n) {{\n  "use strict";\n  return {{\n{rows}\n  }};\n}}'


# The page's script: the functions, then the judge and the page (lab.js), inside one function so
# that the page defines no globals. Which functions exist, and the tolerance policy, come with
# each page's data (`lab_data`), from gradexplain's own tables.
SCRIPT = "\n".join(
    [
        "(function () {",
        functions_script(),
        (resources.files("gradexplain.render") / SCRIPT_FILE).read_text(encoding="utf-8"),
        "})();",
    ]
)


def _row(index: int, box: quiz.Box) -> str:
    """One entry box: its question as the label, the box, its buttons, its feedback and hints."""
    node, kind = escape(box.name), escape(box.kind)
    label = escape(_label(box))
    what = escape(_label(box).removesuffix("=").rstrip())
    return (
        f'<li class="gx-box gx-{kind}" data-box="{index}" data-state="">'
        '<div class="gx-entry">'
        f'<label><span class="gx-q">{label}</span>'
        f'<input type="text" data-node="{node}" data-kind="{kind}" autocomplete="off" autocapitalize="off" '
        'autocorrect="off" spellcheck="false" enterkeyhint="done"></label>'
        '<span class="gx-actions">'
        f'<button type="button" data-action="check" aria-label="Check {what}">Check</button>'
        f'<button type="button" data-action="hint" aria-label="Hint for {what}">Hint</button>'
        f'<button type="button" data-action="show" aria-label="Show {what}">Show</button>'
        "</span></div>"
        f'<p class="gx-feedback" data-feedback data-node="{node}" data-kind="{kind}" aria-live="polite"></p>'
        '<ul class="gx-hints" data-hints aria-live="polite"></ul>'
        "</li>"
    )


def fragment(
    explanation: Explanation,
    options: RenderOptions | None = None,
    picture: str | None = None,
    missing: str | None = None,
    *,
    level: int = 2,
) -> str:
    """The lab as an element to embed (a Jupyter output cell, a page of one's own): its styles,
    its drawing (`picture`: Graphviz's SVG of the worksheet, or None and `missing` says why), its
    boxes and its script, all inside one `<div class="gx-lab">`. `level` is its title's heading level."""
    options = options or RenderOptions()
    check_size(explanation)
    notation = options.notation
    boxes = quiz.boxes(explanation, "both", notation)
    out = explanation.output.name
    heading = report_heading(explanation, Shown(options.digits, False, notation=notation))
    sub = min(level + 1, 6)
    forward = [(index, box) for index, box in enumerate(boxes) if box.kind == quiz.VALUE]
    backward = [(index, box) for index, box in enumerate(boxes) if box.kind == quiz.GRADIENT]
    lines = [
        '<div class="gx-lab">',
        f"<style>\n{STYLE}\n</style>",
        f'<h{level} class="gx-title">Backprop lab</h{level}>',
        *(f"<p>{escape(line)}</p>" for line in heading),
        '<p class="gx-note">Fill in each node\'s value left to right (blue boxes), then each gradient right to left '
        f"(magenta boxes); {escape(notation.gradient(out, out))} = 1 is given. Answer with a number or a formula "
        "without names (-4, 1/2, 2*(-2)): Enter or Check checks a box, Hint gives the rule and then the numbers to "
        "put in it, Show gives the answer. The answers are in this page: it is for practice, not for exams.</p>",
    ]
    if picture is None:
        lines.append(f'<p class="gx-missing">{escape(missing or NO_LAB_PICTURE)}</p>')
    else:
        label = "The computation graph with its boxes to fill in; each fills in as it is answered."
        lines += [f'<figure class="gx-drawing" role="img" aria-label="{escape(label)}">', tag_drawing(picture, boxes)]
        lines.append("</figure>")
        lines.append('<p class="gx-note gx-scroll-note">The drawing scrolls sideways.</p>')
    lines += [
        '<div class="gx-bar">',
        '<div class="gx-row">',
        f'<p class="gx-score"><span data-score>score: 0/{len(boxes)}</span> '
        f'<span class="gx-note" data-progress>{len(boxes)} to do</span></p>',
        '<span class="gx-tools"><button type="button" data-action="check-all">Check all</button> '
        '<button type="button" data-action="reset">Reset</button></span>',
        "</div>",
        '<p class="gx-status" role="status" data-status></p>',
        '<div class="gx-summary" data-summary></div>',
        "</div>",
        "<noscript><p>Checking answers needs JavaScript, which is off.</p></noscript>",
        '<div class="gx-parts">',
    ]
    for title, part in (
        ("Forward pass: each value, left to right", forward),
        ("Backward pass: each gradient, right to left", backward),
    ):
        if part:
            lines += [f'<section><h{sub} class="gx-heading">{escape(title)}</h{sub}>', "<ol>"]
            lines += [_row(index, box) for index, box in part]
            lines += ["</ol>", "</section>"]
    lines += [
        "</div>",
        f'<script type="application/json" class="gx-data">{_json(lab_data(explanation, options, boxes))}</script>',
        f"<script>\n{SCRIPT}\n</script>",
        "</div>",
    ]
    return "\n".join(lines) + "\n"


def render(
    explanation: Explanation,
    options: RenderOptions | None = None,
    picture: str | None = None,
    missing: str | None = None,
) -> str:
    """The whole page: the fragment in a document of its own, for a phone as well as a desktop."""
    title = f"gradexplain lab: gradients of {explanation.output.name}"
    body = fragment(explanation, options, picture, missing, level=1).rstrip("\n")
    return "\n".join([*page_head(title, "body { margin: 0; background: #fff; }"), body, "</body>", "</html>"]) + "\n"
