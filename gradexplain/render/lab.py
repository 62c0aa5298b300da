"""The lab page: one self-contained interactive page on which a student fills in every box of the
computation graph (each node's value left to right, then each gradient right to left) and gets,
box by box, the same feedback as `--quiz` gives in the terminal.

The boxes, their answers, hints and catalogue of mistakes come from gradexplain.teach.quiz and
are embedded as JSON; the page's script ports `quiz.judge` to JavaScript: a small recursive-descent
reader over exact rationals (BigInt), never `eval`. The answers are in the page: it is for
practice, not for exams.

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
from typing import TYPE_CHECKING

from gradexplain.numbers import Number
from gradexplain.render.dot import GRADIENT_COLOUR, VALUE_COLOUR
from gradexplain.render.html import NO_PICTURE, inline_svg, page_head
from gradexplain.render.report import BLANK, RenderOptions, Shown
from gradexplain.render.report import heading as report_heading
from gradexplain.teach import quiz

if TYPE_CHECKING:
    from gradexplain.explanation import Explanation

# Where the page's drawing comes from, when it was made without one (render_text never draws).
NO_LAB_PICTURE = NO_PICTURE.replace('"html"', '"lab"').replace("-o page.html", "-o page.lab.html")

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
        "tolerance": _number(quiz.TOLERANCE),
        "words": {
            "right": quiz.RIGHT,
            "unreadable": quiz.UNREADABLE,
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

    tagged = _NODE.sub(node, inline_svg(svg))
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
  .gx-lab .gx-drawing svg { max-width: 100%; }
}
""".strip()

# The page's script. It reads its root's JSON, judges answers exactly as gradexplain.teach.quiz
# does (numbers as exact rationals, floats converted exactly; the same tolerance and messages),
# and reads an answer with a recursive-descent parser over the answer language: numbers (any
# decimal digits, as Python reads them), + - * / ** ^, unary signs, parentheses; pi, e and the
# functions are computed in floating point as gradexplain computes them (exp(0) = 1, sigmoid(0) =
# 1/2 exactly), where gradexplain's SymPy also finds exact values floats miss (sqrt(2)**2 = 2).
SCRIPT = r"""
(function () {
  "use strict";
  var script = document.currentScript;
  var own = script && script.parentElement && script.parentElement.closest(".gx-lab");
  var roots = own ? [own] : Array.prototype.slice.call(document.querySelectorAll(".gx-lab"));
  roots.forEach(function (root) {
    if (!root.hasAttribute("data-gx-ready")) { root.setAttribute("data-gx-ready", ""); start(root); }
  });

  // ── exact rationals over BigInt: {n, d}, d > 0, in lowest terms; floats: {f} ──
  function gcd(a, b) { if (a < 0n) a = -a; if (b < 0n) b = -b; while (b) { var t = a % b; a = b; b = t; } return a; }
  function Q(n, d) {
    if (d === undefined) d = 1n;
    if (d < 0n) { n = -n; d = -d; }
    var g = gcd(n, d);
    return g > 1n ? {n: n / g, d: d / g} : {n: n, d: d};
  }
  function F(f) { return {f: f}; }
  function exact(v) { return v.n !== undefined; }
  function bits(x) { if (x < 0n) x = -x; return x === 0n ? 0 : x.toString(2).length; }
  function add(a, b) { return Q(a.n * b.d + b.n * a.d, a.d * b.d); }
  function sub(a, b) { return Q(a.n * b.d - b.n * a.d, a.d * b.d); }
  function mul(a, b) { return Q(a.n * b.n, a.d * b.d); }
  function div(a, b) { return Q(a.n * b.d, a.d * b.n); }
  function cmp(a, b) { var l = a.n * b.d, r = b.n * a.d; return l < r ? -1 : l > r ? 1 : 0; }
  function absQ(a) { return a.n < 0n ? {n: -a.n, d: a.d} : a; }
  var MIN_NORMAL = 2.2250738585072014e-308, BITS = 1024, EXPONENT_LIMIT = 10000, DIGITS_LIMIT = 1000;

  function scale2(x, e) {  // x · 2^e, in steps that never overflow on the way
    while (e > 600) { x *= Math.pow(2, 600); e -= 600; }
    while (e < -600) { x *= Math.pow(2, -600); e += 600; }
    return x * Math.pow(2, e);
  }
  function ratToFloat(a) {  // the nearest double (a sticky bit keeps the rounding right)
    var n = a.n, d = a.d, negative = n < 0n;
    if (negative) n = -n;
    if (n === 0n) return 0;
    var shift = 66 - (bits(n) - bits(d)), num = n, den = d;
    if (shift >= 0) num = n << BigInt(shift); else den = d << BigInt(-shift);
    var quotient = num / den;
    if (num % den !== 0n) quotient |= 1n;
    var x = scale2(Number(quotient), -shift);
    return negative ? -x : x;
  }
  function floatToRat(x) {  // a finite double, exactly
    if (x === 0) return Q(0n);
    var view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    var high = view.getUint32(0), low = view.getUint32(4), biased = (high >>> 20) & 0x7ff;
    var mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low), e = -1074;
    if (biased !== 0) { mantissa |= 1n << 52n; e = biased - 1075; }
    if (high >>> 31) mantissa = -mantissa;
    return e >= 0 ? Q(mantissa << BigInt(e)) : Q(mantissa, 1n << BigInt(-e));
  }
  function asRat(v) { return exact(v) ? v : floatToRat(v.f); }
  function finite(v) { return exact(v) || isFinite(v.f); }

  // ── reading an answer, as gradexplain reads a value (build.read_value) ──
  function Unreadable() {}
  function fail() { throw new Unreadable(); }
  function toFloat(v) {  // numeric._float: out of a double's range is an error, not inf or 0
    if (!exact(v)) return v.f;
    var x = ratToFloat(v);
    if (!isFinite(x) || (v.n !== 0n && Math.abs(x) < MIN_NORMAL)) fail();
    return x;
  }
  function settled(v) {  // exact results stay exact, but must fit a double past 1024 bits
    if (exact(v)) { if (Math.max(bits(v.n), bits(v.d)) > BITS) toFloat(v); return v; }
    if (!isFinite(v.f) || (v.f !== 0 && Math.abs(v.f) < MIN_NORMAL)) fail();
    return v;
  }
  function isZero(v) { return exact(v) ? v.n === 0n : v.f === 0; }
  function sign(v) { return exact(v) ? (v.n > 0n ? 1 : v.n < 0n ? -1 : 0) : (v.f > 0 ? 1 : v.f < 0 ? -1 : 0); }
  function negate(v) { return exact(v) ? {n: -v.n, d: v.d} : F(-v.f); }
  function arithmetic(op, a, b) {
    if (op === "/" && isZero(b)) fail();
    if (exact(a) && exact(b)) return settled(({"+": add, "-": sub, "*": mul, "/": div})[op](a, b));
    var x = toFloat(a), y = toFloat(b);
    return settled(F(op === "+" ? x + y : op === "-" ? x - y : op === "*" ? x * y : x / y));
  }
  function integerRoot(n, k) {  // numeric._integer_root
    if (n < 2n) return n;
    if (bits(n) >= 1000) return null;
    var guess = BigInt(Math.round(Math.pow(Number(n), 1 / k)));
    for (var c = guess - 1n; c <= guess + 1n; c++) if (c >= 0n && c ** BigInt(k) === n) return c;
    return null;
  }
  function power(base, exponent) {  // numeric.power
    if (isZero(base)) {
      if (isZero(exponent) || sign(exponent) < 0) fail();
      return exact(base) ? Q(0n) : F(0);
    }
    var integral = exact(exponent) && exponent.d === 1n;
    if (!integral && sign(base) < 0) fail();
    if (exact(base) && exact(exponent)) {
      if (integral) {
        var size = Math.max(bits(base.n), bits(base.d)), e = exponent.n < 0n ? -exponent.n : exponent.n;
        if (BigInt(size) * e <= BigInt(BITS)) {
          var up = Q(base.n ** e, base.d ** e);
          return exponent.n < 0n ? Q(up.d, up.n) : up;
        }
      } else if (exponent.d <= 64n) {
        var rn = integerRoot(base.n, Number(exponent.d)), rd = integerRoot(base.d, Number(exponent.d));
        if (rn !== null && rd !== null) return power(Q(rn, rd), Q(exponent.n));
      }
    }
    var result = Math.pow(toFloat(base), toFloat(exponent));
    if (!isFinite(result) || Math.abs(result) < MIN_NORMAL) fail();
    return F(result);
  }
  function logBig(n) { var k = Math.max(0, bits(n) - 1000); return Math.log(Number(n >> BigInt(k))) + k * Math.LN2; }
  function real(x) { if (!isFinite(x) || (x !== 0 && Math.abs(x) < MIN_NORMAL)) fail(); return F(x); }
  function nonzero(x, arg) { if (x === 0 && !isZero(arg)) fail(); return real(x); }  // underflowed: an error
  var FUNCTIONS = {
    exp: function (x) { return isZero(x) ? Q(1n) : nonzero(Math.exp(toFloat(x)), x); },
    log: function (x) {
      if (sign(x) <= 0) fail();
      if (exact(x) && x.n === x.d) return Q(0n);
      if (!exact(x) && x.f === 1) return Q(0n);
      return real(exact(x) ? logBig(x.n) - logBig(x.d) : Math.log(x.f));
    },
    sqrt: function (x) { return power(x, Q(1n, 2n)); },
    sin: function (x) { return isZero(x) ? Q(0n) : real(Math.sin(toFloat(x))); },
    cos: function (x) { return isZero(x) ? Q(1n) : real(Math.cos(toFloat(x))); },
    tan: function (x) {
      if (isZero(x)) return Q(0n);
      var v = toFloat(x);
      if (Math.cos(v) === 0) fail();
      return real(Math.tan(v));
    },
    tanh: function (x) { return isZero(x) ? Q(0n) : real(Math.tanh(toFloat(x))); },
    sigmoid: function (x) {
      if (isZero(x)) return Q(1n, 2n);
      var v = toFloat(x), e = Math.exp(v);
      return nonzero(v >= 0 ? 1 / (1 + Math.exp(-v)) : e / (1 + e), x);
    },
    softplus: function (x) {
      var v = toFloat(x);
      return nonzero(Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))), x);
    },
    relu: function (x) { return sign(x) > 0 ? x : exact(x) ? Q(0n) : F(0); },
    abs: function (x) { return sign(x) < 0 ? negate(x) : x; },
    max: function (a, b) { return cmp(asRat(b), asRat(a)) > 0 ? b : a; },
    min: function (a, b) { return cmp(asRat(b), asRat(a)) < 0 ? b : a; }
  };
  FUNCTIONS.ln = FUNCTIONS.log;
  var ARITY = {max: 2, min: 2};
  var CONSTANTS = {pi: Math.PI, e: Math.E};

  var DIGIT = /\p{Nd}/u, NAME_START = /[\p{L}_]/u, NAME_GOES_ON = /[\p{L}\p{N}\p{Mn}\p{Mc}_]/u;
  var RUNS_ON = /[\p{L}\p{N}\p{Mn}\p{Mc}_.]/u, SUPERSCRIPT = /[⁰¹²³⁴⁵⁶⁷⁸⁹]/u;
  function digitValue(ch) {  // decimal digits of every script come in runs of ten from 0
    if (ch >= "0" && ch <= "9") return ch.charCodeAt(0) - 48;
    var code = ch.codePointAt(0), start = code;
    while (start > 0 && DIGIT.test(String.fromCodePoint(start - 1)) && code - start < 100) start--;
    return (code - start) % 10;
  }
  function ascii(digits) { return Array.from(digits, digitValue).join(""); }
  var NUMBER = /(?:\p{Nd}+\.?\p{Nd}*|\.\p{Nd}+)(?:[eE][+-]?\p{Nd}+)?/uy;
  var OPERATOR = /\*\*(?!\*)|\*(?!\*)|[+\-]|\/(?!\/)|\^(?!\^)/y;

  function literal(text) {  // a decimal literal, exactly, refused past 1,000 digits as written
    var match = /^(\p{Nd}*)(?:\.(\p{Nd}*))?(?:[eE]([+-]?)(\p{Nd}+))?$/u.exec(text);
    var whole = ascii(match[1]), fraction = ascii(match[2] || ""), exponentDigits = ascii(match[4] || "0");
    if (exponentDigits.replace(/^0+/, "").length > 9) fail();
    var exponent = Number(exponentDigits) * (match[3] === "-" ? -1 : 1);
    if ((whole + fraction).length + Math.abs(exponent) > DIGITS_LIMIT) fail();
    var digits = BigInt(whole + fraction || "0"), places = exponent - fraction.length;
    return places >= 0 ? Q(digits * 10n ** BigInt(places)) : Q(digits, 10n ** BigInt(-places));
  }

  function tokens(text) {
    var found = [], i = 0, depth = 0, chars;
    while (i < text.length) {
      var c = text[i];
      if (c === " " || c === "\t" || c === "\f" || c === "\v") { i++; continue; }
      if (c === "#") { while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++; continue; }
      if (c === "\n" || c === "\r" || c === ";") {
        if (depth > 0 && c !== ";") { i++; continue; }
        fail();
      }
      NUMBER.lastIndex = i;
      var number = NUMBER.exec(text);
      if (number) {
        i += number[0].length;
        chars = text.slice(i, i + 2);
        if (chars && RUNS_ON.test(Array.from(chars)[0])) fail();
        found.push({t: "number", v: number[0]});
        continue;
      }
      chars = Array.from(text.slice(i, i + 2))[0];
      if (NAME_START.test(chars)) {
        var name = chars;
        i += chars.length;
        while (i < text.length) {
          var next = Array.from(text.slice(i, i + 2))[0];
          if (!NAME_GOES_ON.test(next) || SUPERSCRIPT.test(next)) break;
          name += next;
          i += next.length;
        }
        found.push({t: "name", v: name});
        continue;
      }
      OPERATOR.lastIndex = i;
      var operator = OPERATOR.exec(text);
      if (operator) { found.push({t: "op", v: operator[0]}); i += operator[0].length; continue; }
      if (c === "(") depth++;
      else if (c === ")") depth = Math.max(0, depth - 1);
      else if (c !== ",") fail();
      found.push({t: c, v: c});
      i++;
    }
    found.push({t: "end", v: ""});
    return found;
  }

  function read(text) {  // the value of an answer, or fail(): expr := term (("+"|"-") term)*
    var list = tokens(text), at = 0, depth = 0;
    function peek() { return list[at]; }
    function take(kind, value) {
      var token = list[at];
      if (token.t !== kind || (value !== undefined && token.v !== value)) fail();
      at++;
      return token;
    }
    function isOp(values) { return peek().t === "op" && values.indexOf(peek().v) >= 0; }
    function expression() {
      if (++depth > 400) fail();
      var value = term();
      while (isOp(["+", "-"])) { var op = take("op").v; value = arithmetic(op, value, term()); }
      depth--;
      return value;
    }
    function term() {
      var value = factor();
      while (isOp(["*", "/"])) { var op = take("op").v; value = arithmetic(op, value, factor()); }
      return value;
    }
    function factor() {  // unary signs bind looser than a power: -2**2 is -4, 2**-1 is 1/2
      if (isOp(["+", "-"])) {
        var op = take("op").v;
        if (++depth > 400) fail();
        var operand = factor();
        depth--;
        return op === "-" ? negate(operand) : operand;
      }
      var base = primary();
      if (isOp(["**", "^"])) {
        take("op");
        if (++depth > 400) fail();
        var exponent = factor();
        depth--;
        if (cmp(absQ(asRat(exponent)), Q(BigInt(EXPONENT_LIMIT))) > 0) fail();
        return power(base, exponent);
      }
      return base;
    }
    function primary() {
      var token = peek();
      if (token.t === "number") { at++; return literal(token.v); }
      if (token.t === "(") { at++; var inner = expression(); take(")"); return inner; }
      if (token.t === "name") {
        at++;
        if (peek().t === "(") {
          if (!Object.prototype.hasOwnProperty.call(FUNCTIONS, token.v)) fail();
          at++;
          var args = [expression()];
          while (peek().t === ",") { at++; args.push(expression()); }
          take(")");
          if (args.length !== (ARITY[token.v] || 1)) fail();
          return FUNCTIONS[token.v].apply(null, args);
        }
        if (Object.prototype.hasOwnProperty.call(CONSTANTS, token.v)) return F(CONSTANTS[token.v]);
      }
      fail();
    }
    var value = expression();
    take("end");
    return value;
  }

  // ── judging, as gradexplain.teach.quiz.judge ──
  var PY_SPACE = "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
  var STRIP = new RegExp("^[" + PY_SPACE + "]+|[" + PY_SPACE + "]+$", "g");
  function pyStrip(text) { return text.replace(STRIP, ""); }
  var ECHO = 40;  // quiz.ECHO: an unreadable answer is quoted up to this many characters
  var UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Z}]/u;
  function pyRepr(text) {  // Python's repr of a string, for the unreadable answer's message
    var quote = text.indexOf("'") >= 0 && text.indexOf('"') < 0 ? '"' : "'", out = quote;
    Array.from(text).forEach(function (ch) {
      var code = ch.codePointAt(0);
      if (ch === quote || ch === "\\") out += "\\" + ch;
      else if (ch === "\t") out += "\\t";
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch !== " " && UNPRINTABLE.test(ch)) {
        var hex = code.toString(16);
        out += code < 0x100 ? "\\x" + hex.padStart(2, "0") : code < 0x10000 ? "\\u" + hex.padStart(4, "0")
          : "\\U" + hex.padStart(8, "0");
      } else out += ch;
    });
    return out + quote;
  }
  function parseNumber(text) {  // a value as lab.py wrote it: "-4", "1/3", or a float's repr
    var match = /^(-?\d+)(?:\/(\d+))?$/.exec(text);
    if (match) return Q(BigInt(match[1]), BigInt(match[2] || "1"));
    return F(text === "inf" ? Infinity : text === "-inf" ? -Infinity : Number(text));
  }

  function start(root) {
    var data = JSON.parse(root.querySelector("script.gx-data").textContent);
    var words = data.words, tolerance = parseNumber(data.tolerance);
    var kinds = data.kinds.map(function (pair) { return pair[0]; });
    var sentences = {};
    data.kinds.forEach(function (pair) { sentences[pair[0]] = pair[1]; });
    var boxes = data.boxes.map(function (box) {
      return {
        kind: box.kind, node: box.node, shown: box.shown, hints: box.hints, answer: parseNumber(box.answer),
        mistakes: box.mistakes.map(function (m) { return {value: parseNumber(m[0]), kind: m[1], message: m[2]}; })
      };
    });
    function within(a, t) {  // |a - t| <= TOLERANCE · max(1, |t|)
      var bound = cmp(absQ(t), Q(1n)) > 0 ? absQ(t) : Q(1n);
      return cmp(absQ(sub(a, t)), mul(tolerance, bound)) <= 0;
    }
    function same(a, t) {
      if (exact(a) && exact(t)) return a.n === t.n && a.d === t.d;
      if (!finite(a) || !finite(t)) return false;
      return within(asRat(a), asRat(t));
    }
    function close(a, t) {  // a rounded form of an exact value that is no short decimal
      if (!exact(t) || 1000n % t.d === 0n) return false;
      return within(asRat(a), t);
    }
    function judge(index, text) {
      var box = boxes[index], stripped = pyStrip(String(text)), value;
      try { value = read(stripped); } catch (problem) {
        if (!(problem instanceof Unreadable) && !(problem instanceof RangeError)) throw problem;
        var points = Array.from(stripped);
        var echoed = points.length <= ECHO ? stripped : points.slice(0, ECHO - 1).join("") + "…";
        return {right: false, kind: "unreadable", message: words.unreadable.replace("{text}", pyRepr(echoed))};
      }
      if (same(value, box.answer)) return {right: true, kind: "", message: words.right.replace("{shown}", box.shown)};
      for (var i = 0; i < box.mistakes.length; i++) {
        if (same(value, box.mistakes[i].value)) {
          return {right: false, kind: box.mistakes[i].kind, message: box.mistakes[i].message};
        }
      }
      if (close(value, box.answer)) return {right: false, kind: "close", message: words.close};
      return {right: false, kind: "none", message: words.other.replace("{hint}", box.hints[0] || words.noHint)};
    }
    root.gradexplainLab = {judge: judge, size: boxes.length};

    // ── the page: boxes, feedback, hints, reveal, reset, score ──
    var rows = Array.prototype.slice.call(root.querySelectorAll("li[data-box]"));
    var drawing = root.querySelector(".gx-drawing");
    var state = [];
    function fresh() {
      state = boxes.map(function () { return {state: "", hints: 0, counted: null}; });
      mistakes = [];
    }
    var mistakes = [];
    fresh();
    function part(index, selector) { return rows[index].querySelector(selector); }
    function slot(index) { return drawing ? drawing.querySelector('text[data-box="' + index + '"]') : null; }
    function fill(index, text, revealed) {
      var t = slot(index);
      if (!t) return;
      if (!t.hasAttribute("data-blank")) {
        t.setAttribute("data-blank", t.textContent);
        var box = t.getBBox ? t.getBBox() : null;
        if (box && box.width > 0) {  // centred where the blank was, whatever the answer's length
          t.setAttribute("x", String(box.x + box.width / 2));
          t.setAttribute("text-anchor", "middle");
        }
      }
      t.textContent = t.getAttribute("data-blank").replace("________", text);
      t.classList.toggle("gx-revealed", revealed);
    }
    function setState(index, value) {
      state[index].state = value;
      rows[index].setAttribute("data-state", value);
    }
    function done(index) { return state[index].state === "right" || state[index].state === "shown"; }
    function check(index) {
      var input = part(index, "input"), feedback = part(index, "[data-feedback]");
      if (done(index)) return null;
      var text = pyStrip(input.value);
      if (text === "") { feedback.textContent = "type an answer first, or press Hint"; return null; }
      var verdict = judge(index, input.value);
      feedback.textContent = verdict.message;
      if (verdict.right) {
        setState(index, "right");
        input.readOnly = true;
        fill(index, boxes[index].shown, false);
      } else {
        setState(index, "wrong");
        if (verdict.kind !== "unreadable" && state[index].counted !== text) {
          state[index].counted = text;
          mistakes.push(verdict.kind);
        }
      }
      score();
      return verdict;
    }
    function hint(index) {
      var list = part(index, "[data-hints]"), item = document.createElement("li"), box = boxes[index];
      var n = state[index].hints++;
      item.textContent = n < box.hints.length ? box.hints[n] : words.noMoreHints;
      if (n > box.hints.length) return;  // said once is enough
      list.appendChild(item);
    }
    function show(index) {
      if (state[index].state === "right") return;
      var input = part(index, "input");
      input.value = boxes[index].shown;
      input.readOnly = true;
      setState(index, "shown");
      part(index, "[data-feedback]").textContent = words.shown.replace("{shown}", boxes[index].shown);
      fill(index, boxes[index].shown, true);
      score();
    }
    function reset() {
      fresh();
      rows.forEach(function (row, index) {
        var input = part(index, "input");
        input.value = "";
        input.readOnly = false;
        row.setAttribute("data-state", "");
        part(index, "[data-feedback]").textContent = "";
        part(index, "[data-hints]").textContent = "";
        var t = slot(index);
        if (t && t.hasAttribute("data-blank")) {
          t.textContent = t.getAttribute("data-blank");
          t.classList.remove("gx-revealed");
        }
      });
      score();
      status("reset: every box is empty again");
      if (rows.length) part(0, "input").focus();
    }
    function counts() {
      var right = 0, shown = 0, open = 0;
      state.forEach(function (s) {
        if (s.state === "right") right++; else if (s.state === "shown") shown++; else open++;
      });
      return {right: right, shown: shown, open: open};
    }
    function score() {
      var c = counts(), line = root.querySelector("[data-score]"), progress = root.querySelector("[data-progress]");
      line.textContent = "score: " + c.right + "/" + boxes.length;
      var parts = [];
      if (c.shown) parts.push(c.shown + " shown");
      parts.push(c.open ? c.open + " to do" : "all done");
      progress.textContent = parts.join(", ");
      var summary = root.querySelector("[data-summary]");
      summary.textContent = "";
      var counted = {};
      mistakes.forEach(function (kind) { counted[kind] = (counted[kind] || 0) + 1; });
      var order = Object.keys(counted).sort(function (a, b) {
        var rank = function (k) { var i = kinds.indexOf(k); return i < 0 ? 99 : i; };
        return counted[b] - counted[a] || rank(a) - rank(b);
      });
      if (!order.length) return;
      var title = document.createElement("p"), list = document.createElement("ul");
      title.textContent = "What to work on:";
      order.forEach(function (kind) {
        var item = document.createElement("li"), n = counted[kind];
        item.textContent = (sentences[kind] || kind) + " (" + n + " time" + (n === 1 ? "" : "s") + ")";
        list.appendChild(item);
      });
      summary.appendChild(title);
      summary.appendChild(list);
    }
    function status(text) { root.querySelector("[data-status]").textContent = text; }
    function checkAll() {
      var checked = 0, right = 0, wrong = 0;
      rows.forEach(function (row, index) {
        if (done(index) || pyStrip(part(index, "input").value) === "") return;
        var verdict = check(index);
        checked++;
        if (verdict && verdict.right) right++; else wrong++;
      });
      var c = counts();
      status("checked " + checked + " box" + (checked === 1 ? "" : "es") + ": " + right + " right, " + wrong +
        " wrong; score: " + c.right + "/" + boxes.length + (c.open ? ", " + c.open + " to do" : ", all done"));
    }
    function next(index) {
      for (var i = index + 1; i < rows.length; i++) if (!done(i)) return part(i, "input").focus();
    }
    function current(index) {
      if (!drawing) return;
      Array.prototype.forEach.call(drawing.querySelectorAll("g.gx-current"), function (g) {
        g.classList.remove("gx-current");
      });
      if (index === null) return;
      var group = drawing.querySelector('g[data-boxes~="' + index + '"]');
      if (!group) return;
      group.classList.add("gx-current");
      if (drawing.scrollWidth > drawing.clientWidth) {  // bring the node into the drawing's view
        var box = group.getBoundingClientRect(), view = drawing.getBoundingClientRect();
        if (box.left < view.left || box.right > view.right) {
          drawing.scrollLeft += box.left + box.width / 2 - (view.left + view.width / 2);
        }
      }
    }
    function indexOf(element) {
      var row = element.closest("li[data-box]");
      return row && root.contains(row) ? Number(row.getAttribute("data-box")) : null;
    }
    root.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (button && root.contains(button)) {
        var action = button.getAttribute("data-action"), index = indexOf(button);
        if (action === "check") check(index);
        else if (action === "hint") hint(index);
        else if (action === "show") show(index);
        else if (action === "check-all") checkAll();
        else if (action === "reset") reset();
        return;
      }
      var group = drawing && event.target.closest && event.target.closest("g[data-boxes]");
      if (group && drawing.contains(group) && group.getAttribute("data-boxes")) {
        var mine = group.getAttribute("data-boxes").split(" ").map(Number);
        var open = mine.filter(function (i) { return !done(i); });
        part((open.length ? open : mine)[0], "input").focus();
      }
    });
    root.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || !event.target.matches || !event.target.matches("input")) return;
      var index = indexOf(event.target);
      if (index === null) return;
      event.preventDefault();
      if (done(index)) return next(index);
      var verdict = check(index);
      if (verdict && verdict.right) next(index);
    });
    root.addEventListener("focusin", function (event) {
      current(event.target.matches && event.target.matches("input") ? indexOf(event.target) : null);
    });
    rows.forEach(function (row, index) {  // the feedback describes its box, for screen readers
      var id = "gx-" + Math.random().toString(36).slice(2) + "-" + index;
      part(index, "[data-feedback]").id = id;
      part(index, "input").setAttribute("aria-describedby", id);
    });
    score();
  }
})();
""".strip()


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
