"""The lab page (--format lab): self-contained, and in a real browser (Playwright driving the
system Chromium) it judges every answer exactly as the terminal quiz does, goes through its boxes
in the lab's order by keyboard, and keeps the score. Screenshots go to .artifacts/ to look at.

The browser tests are skipped when Chromium or Playwright is missing, unless
GRADEXPLAIN_REQUIRE_TOOLS=1 (CI), as in tests/test_tools.py.
"""

from __future__ import annotations

import json
import os
import random
import re
import struct
import subprocess
import unicodedata

import pytest

from gradexplain import explain
from gradexplain.engine.primitives import FUNCTION_NAMES
from gradexplain.output import format_for_path, lab_page, render_bytes
from gradexplain.render import RenderOptions, render_text
from gradexplain.render.lab import SCRIPT, SCRIPT_FILE, fragment, functions_script, lab_data
from gradexplain.render.lab import _number as number_text
from gradexplain.teach.exercises import make_exercise
from gradexplain.teach.quiz import GRADIENT, VALUE, box_count, boxes, judge, score
from gradexplain.teach.tolerance import page_policy
from tests.conftest import EXAMPLES, ROOT, SAMPLES, run_cli
from tests.test_tools import ARTIFACTS, need

LECTURE = explain((EXAMPLES / "linear_regression.gx").read_text(encoding="utf-8"))
LECTURE_FORMULA = explain("0.5*(w*x+b-y)**2", {"w": 2, "x": -2, "b": 8, "y": 2})
CROSS_ENTROPY = explain(next(make_exercise(s, 3) for s in range(100) if "cross" in make_exercise(s, 3).family).text)
EXPLANATIONS = {
    **{path.stem: explain(path.read_text(encoding="utf-8")) for path in SAMPLES},
    "lecture_formula": LECTURE_FORMULA,
    "cross_entropy": CROSS_ENTROPY,  # J = log 2: an inexact box, judged within the tolerance
    "thirds": explain("t = w/3; J = t + sigmoid(w)", {"w": 1}),  # 0.333 for t is close
}


def page_text(explanation, options=None) -> str:
    """The page with its drawing when Graphviz is there, else without (the script is the same)."""
    return lab_page(explanation, options).data.decode("utf-8")


# ── the page as text ────────────────────────────────────────────────────────────────────────


def test_the_double_extension_names_the_lab_and_html_stays_html():
    assert format_for_path("week3/Sheet.LAB.HTML") == "lab"
    assert format_for_path("report.html") == "html"
    assert format_for_path("lab.html") == "html"  # a page named lab, not a lab page


def test_the_page_is_self_contained_and_every_box_is_scriptable():
    page = render_text(LECTURE, "lab")
    assert not re.search(r"""(src|href)\s*=|@import|url\(|<link|@font-face""", page), "nothing may be fetched"
    asked = boxes(LECTURE)
    inputs = re.findall(r'<input type="text" data-node="([^"]*)" data-kind="([^"]*)"', page)
    assert inputs == [(box.name, box.kind) for box in asked]  # forward left to right, then backward right to left
    feedback = re.findall(r'<p class="gx-feedback" data-feedback data-node="([^"]*)" data-kind="([^"]*)"', page)
    assert feedback == inputs
    assert page.count("<label>") == len(asked) and page.count('aria-live="polite"') == 2 * len(asked)
    assert "for practice, not for exams" in page


def test_the_data_holds_each_box_with_its_mistakes_once_per_value():
    data = lab_data(LECTURE)
    asked = boxes(LECTURE)
    assert [(b["node"], b["kind"], b["shown"]) for b in data["boxes"]] == [(b.name, b.kind, b.shown) for b in asked]
    for entry, box in zip(data["boxes"], asked, strict=True):
        values = [value for value, _, _ in entry["mistakes"]]
        assert len(values) == len(set(values)) <= len(box.mistakes)


def test_the_drawing_is_the_worksheet_with_each_empty_box_marked():
    need("dot")
    page = page_text(LECTURE)
    svg = page[page.index("<svg") : page.index("</svg>")]
    marked = re.findall(r'<text data-box="(\d+)"[^>]*>([^<]*)</text>', svg)
    assert sorted(int(index) for index, _ in marked) == list(range(len(boxes(LECTURE))))
    assert all("________" in text for _, text in marked)
    assert "= -4" not in svg and "∂J/∂w = -4" not in svg  # no answer in the drawing
    assert not re.search(r'id="(graph|node|edge)\d+"|<title>', svg)  # no ids to clash, no n4 tooltips


def test_the_command_line_writes_the_page(tmp_path):
    target = tmp_path / "practice.lab.html"
    result = run_cli(str(EXAMPLES / "linear_regression.gx"), "-o", str(target))
    assert result.returncode == 0, result.stderr.decode()
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    piped = run_cli(str(EXAMPLES / "fan_out.gx"), "--format", "lab", "--check")
    assert piped.returncode == 0 and b'class="gx-lab"' in piped.stdout
    assert b"the lab format does not show the gradient checks" in piped.stderr


def test_a_graph_too_large_to_fill_in_by_hand_is_refused():
    terms = " + ".join(f"w{i}*x{i}" for i in range(40))
    values = [f"{name}{i}={i % 3 + 1}" for i in range(40) for name in "wx"]
    result = run_cli(terms, *values, "--format", "lab")
    assert result.returncode == 2
    assert "the lab page would have 237 boxes to fill in, more than 200" in result.stderr.decode()
    assert b"--target NAME" in result.stderr and result.stdout == b""
    assert run_cli(terms, *values, "--wrt", "w1", "--format", "lab").returncode == 0  # part of it will do
    for explanation in [*EXPLANATIONS.values(), explain(terms, {v.split("=")[0]: 1 for v in values}, wrt=["w1"])]:
        assert box_count(explanation) == len(boxes(explanation))


def test_the_lecture_page(format_snapshot):
    """The whole page without its drawing (Graphviz's bytes vary between its versions)."""
    assert render_text(LECTURE, "lab") == format_snapshot("html")


def test_the_pages_script_passes_eslint():
    """The script ships as .js files (package data) and is linted like the Python (eslint.config.mjs)."""
    eslint = need("eslint")
    file = str(ROOT / "gradexplain" / "render" / SCRIPT_FILE)
    result = subprocess.run([eslint, "--max-warnings", "0", file], capture_output=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    # the functions, written from the primitives table's rows, linted as a file of the package
    named = ["--stdin", "--stdin-filename", "gradexplain/render/lab_functions.js"]
    exported = "/* exported gradexplainFunctions */\n" + functions_script() + "\n"
    result = subprocess.run(
        [eslint, "--max-warnings", "0", *named], input=exported.encode(), capture_output=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()


def test_the_page_computes_every_function_of_the_language_and_takes_their_names_from_the_table():
    """Each function's JavaScript comes from its row of the primitives table, and the page's data
    names them with their arities, defaults, aliases and the constants (lab.js hard-codes no name)."""
    assert re.findall(r"^    (\w+): function", functions_script(), re.M) == list(FUNCTION_NAMES)
    data = lab_data(LECTURE)
    assert data["functions"][FUNCTION_NAMES.index("leaky_relu")] == ["leaky_relu", 1, 2, ["1/100"]]
    assert [row[0] for row in data["functions"]] == list(FUNCTION_NAMES)
    assert data["aliases"] == {"ln": "log"} and set(data["constants"]) == {"pi", "e"}
    script = (ROOT / "gradexplain" / "render" / SCRIPT_FILE).read_text(encoding="utf-8")
    assert not re.search(r"\b(sigmoid|softplus|tanh|relu|atan|gelu)\b", script)


def test_the_page_gets_the_tolerance_policy_from_gradexplain():
    assert lab_data(LECTURE)["policy"] == page_policy()
    assert page_policy()["relative"] == "1/1000" and page_policy()["depth"] == 100


def test_decimal_digits_of_every_script_come_in_runs_of_ten_from_zero():
    """The page reads a digit of any script (١٢ is 12, as gradexplain reads it) as its distance
    from the start of its run of digits, modulo 10: true of every decimal digit Unicode has."""
    run_start = None
    for code in range(0x110000):
        if unicodedata.category(chr(code)) != "Nd":
            run_start = None
            continue
        run_start = code if run_start is None else run_start
        assert unicodedata.digit(chr(code)) == (code - run_start) % 10, hex(code)


# ── in the browser ──────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def browser():
    chromium = need("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        message = "playwright is not installed (pip install '.[test]')"
        if os.environ.get("GRADEXPLAIN_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser, tmp_path):
    """open_page(explanation, width, height) → a Playwright page showing the lab from a file."""
    contexts = []

    def opened(explanation, width=1280, height=900, text=None):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.problems = problems
        path = tmp_path / f"page{len(contexts)}.lab.html"
        path.write_text(text if text is not None else page_text(explanation), encoding="utf-8")
        page.goto(path.as_uri())
        return page

    yield opened
    for context in contexts:
        context.close()


def page_verdicts(page, cases: list[tuple[int, str]]) -> list[tuple[bool, str, str]]:
    found = page.evaluate(
        "cases => cases.map(([i, t]) => document.querySelector('.gx-lab').gradexplainLab.judge(i, t))", cases
    )
    return [(verdict["right"], verdict["kind"], verdict["message"]) for verdict in found]


# Answers anyone might type, right, wrong or unreadable, read by both sides for every box.
def words(text: str) -> list[str]:
    return text.split()


ANSWERS = [
    *words("-4 4 2 -2 0 1 -1 8 1/2 0.5 .5 5. 2*(-2) -8/2 2^3 2**3 2**-1 -2**2 (-2)**2 2^3^2 --2 +-2 0.333 1/3"),
    *words("0.3333333 1e3 1E-3 2.5e-1 1e400 1e-400 1e+3 0.6931 0.693147 0.69 pi e 2*pi sqrt(4) sqrt(2) exp(0)"),
    *words("exp(1) log(2) ln(1) sigmoid(0) sigmoid(1) tanh(0) cos(0) sin(0) tan(0) relu(-1) abs(-2) max(1,2)"),
    *words("min(1/3,0.3) softplus(0) 4**0.5 8**(1/3) (8/27)**(2/3) 2**0.5 16**0.25 2**1023 2**1024 (1/2)**1100"),
    *words("10**10000 10**100001 1e300+1e-300 1e400*1 0**0 0**-1 1/0 (-8)**(1/3) sqrt(-1) log(0) exp(1000)"),
    *words("exp(-800)"),
    *["", " ", " -4 ", "abc", "w", "w*x", "2,5", "2 3", "2(3)", "1_000", "0x10", "5e", "1..2", "2//3", "2%3", "−4"],
    *["½", "2 # c", "#", "(2\n)", "2\n3", "2;", "١٢", "１２", "𝟗", "1٢", "2\u00a0", "\u00a02", "it's", "\"'", "a\\b"],
    *["exp", "pi(2)", "Exp(0)", "max(1)", "max(1,2,)", "relu(1,2)", "((2)", "2)", "()", "2**", "**2", "2***3"],
    *["x\x01y", "\ufeff2", "2\u200b", "ŷ", "２²", "1" * 1001, "0." + "0" * 997 + "1", "1e-99999999999"],
    *["𝟗x" * 30, "é" * 41, "a" * 40],  # quoted back: up to 40 characters (code points, not UTF-16 units)
    # exact as far as gradexplain holds exact numbers (13,000 bits); underflow is an error, not 0
    *words("10**1000/10**1000*(-4) 2**1024/2**1022 (1/2)**1100*2**1100 10**4000/10**4000 2**13001/2**13000"),
    *words("softplus(-800) softplus(-700) softplus(-40) -4*exp(1/10000) -4*exp(1e-12) 2**0.5*2**0.5 sqrt(2)**2"),
    *words("sin(pi/6) e**0 1**0.7 1^1e-3 log(exp(2)) 0e5 7. 4.6e-10 -4.6e-10 0.00005 -0.0009"),
    # the functions the primitives table grew by (issue 18), and a double that stays a double (issue 19)
    *words("atan(1) atan(0) asin(1/2) asin(2) acos(1) acos(0) sinh(0) cosh(0) sinh(1) cosh(1) sinh(1000)"),
    *words("log2(8) log2(1/8) log2(3) log2(0) log10(1000) log10(0.001) log10(2) log1p(0) log1p(-1) log1p(1)"),
    *words("expm1(0) expm1(1) expm1(-800) erf(0) erf(0.5) erf(1) erf(1.99) erf(2) erf(2.5) erf(-3) erf(6)"),
    *words("gelu(0) gelu(1) gelu(-3) gelu(-40) silu(0) silu(2) silu(-800) elu(0) elu(-1) elu(2) elu(1/2)"),
    *words("leaky_relu(-2) leaky_relu(-2,1/5) leaky_relu(3) leaky_relu(1,2,3) leaky_relu(-2,0.5)*2 clip(5,0,1)"),
    *words("clip(-1,0,1) clip(1/2,0,1) clip(0,1,0) clip(1) tanh(1-1) sin(2**0.5*2**0.5-2) exp(2**0.5*2**0.5-2)"),
    *words("log(2**0.5*2**0.5/2) cos(0*2**0.5) -4*exp(2**0.5*2**0.5-2)"),
]


def nested(depth: int) -> list[str]:
    """Answers that nest `depth` deep, in every way gradexplain's parser counts depth: parentheses,
    calls, unary signs, pending powers and operators waiting for a tighter one."""
    return [
        "(" * depth + "2" + ")" * depth,
        "-" * depth + "2",
        "-(" * depth + "2" + ")" * depth,
        "2**" * depth + "1",
        "exp(" * depth + "0" + ")" * depth,
        "1+(" * depth + "1" + ")" * depth,
        "2*-" * depth + "2",
        "1+2*" * depth + "1",
        "max(1," * depth + "2" + ")" * depth,
        "(-" * depth + "2" + ")" * depth,
    ]


DEEP = [answer for depth in (49, 50, 51, 99, 100, 101, 102, 150, 399, 400, 401) for answer in nested(depth)]


def random_answers(count: int, seed: int) -> list[str]:
    """Formulas over the answer language, some well formed, some not, with the numbers boxes hold."""
    rng = random.Random(seed)
    atoms = ["0", "1", "2", "-1", "0.5", "1/3", "3", "0.25", "1e-3", "10", "7", "(1/2)", "2.5", "-0.125", "4"]
    operators = ["+", "-", "*", "/", "**", "^", " * ", " - "]

    def formula(depth: int) -> str:
        if depth == 0 or rng.random() < 0.3:
            return rng.choice(atoms)
        shape = rng.random()
        if shape < 0.15:
            return f"-{formula(depth - 1)}"
        if shape < 0.3:
            return f"({formula(depth - 1)})"
        return f"{formula(depth - 1)}{rng.choice(operators)}{formula(depth - 1)}"

    found = []
    for _ in range(count):
        text = formula(3)
        if rng.random() < 0.15:  # a typo somewhere
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice("()*+.,e x") + text[at:]
        found.append(text)
    return found


@pytest.mark.parametrize("name", EXPLANATIONS)
def test_the_page_judges_every_answer_as_the_terminal_does(name, open_page):
    """Every box × (its answer, its shown answer, every value of its catalogue of mistakes, the
    answers above, random formulas): the page's verdict is Python's, word for word."""
    explanation = EXPLANATIONS[name]
    page = open_page(explanation, text=render_text(explanation, "lab"))
    asked = boxes(explanation)
    cases: list[tuple[int, str]] = []
    rng = random.Random(name)
    for index, box in enumerate(asked):
        cases += [(index, box.shown), (index, number_text(box.answer))]
        cases += [(index, number_text(mistake.value)) for mistake in box.mistakes]
        cases += [(index, repr(float(mistake.value))) for mistake in box.mistakes]
        cases += [(index, answer) for answer in ANSWERS if index % 3 == 0 or len(answer) < 6]
        cases += [(index, answer) for answer in random_answers(40, rng.randrange(10**6))]
        cases += [(index, answer) for answer in DEEP if index < 2]
    expected = [(v.right, v.kind, v.message) for v in (judge(asked[i], text) for i, text in cases)]
    found = page_verdicts(page, cases)
    wrong = [(asked[i].question, text, e, f) for (i, text), e, f in zip(cases, expected, found, strict=True) if e != f]
    assert wrong == [], f"{len(wrong)} of {len(cases)} differ: {wrong[:5]}"
    assert any(kind == "close" for _, kind, _ in expected) or name != "thirds"
    assert page.problems == []


FOCUSED_BOX = "(e => e.matches('input') ? [e.dataset.node, e.dataset.kind] : null)(document.activeElement)"


def test_tab_goes_through_the_values_left_to_right_then_the_gradients_right_to_left(open_page):
    page = open_page(LECTURE)
    page.locator("input").first.focus()
    seen = []
    for _ in range(4 * len(boxes(LECTURE))):
        focused = page.evaluate(FOCUSED_BOX)
        if focused and (not seen or seen[-1] != tuple(focused)):
            seen.append(tuple(focused))
        page.keyboard.press("Tab")
    assert seen == [(box.name, box.kind) for box in boxes(LECTURE)]
    assert seen[:4] == [("c", VALUE), ("a", VALUE), ("d", VALUE), ("J", VALUE)]
    assert seen[4:6] == [("d", GRADIENT), ("a", GRADIENT)]


def entry(page, node: str, kind: str):
    return page.locator(f'input[data-node="{node}"][data-kind="{kind}"]')


def feedback(page, node: str, kind: str) -> str:
    """A box's feedback as text, its local marks (a subscript ℓ on the page) written ∂ₗ as Python's."""
    shown = page.locator(f'[data-feedback][data-node="{node}"][data-kind="{kind}"]')
    return shown.evaluate("""e => [...e.childNodes].map(n => n.nodeName === 'SUB' ? 'ₗ' : n.textContent).join('')""")


def button(page, node: str, kind: str, action: str):
    row = page.locator("li[data-box]", has=entry(page, node, kind))
    return row.locator(f'button[data-action="{action}"]')


def test_feedback_hints_reveal_score_and_reset(open_page):
    page = open_page(LECTURE)
    asked = {(box.name, box.kind): box for box in boxes(LECTURE)}
    entry(page, "c", VALUE).fill("-4")
    entry(page, "c", VALUE).press("Enter")
    assert feedback(page, "c", VALUE) == "right: -4"
    assert page.evaluate("document.activeElement.dataset.node") == "a"  # on to the next box
    assert page.locator('text[data-box="0"]').text_content() == "= -4"  # the drawing fills in

    entry(page, "w", GRADIENT).fill("2")
    button(page, "w", GRADIENT, "check").click()
    said = feedback(page, "w", GRADIENT)
    assert said == judge(asked["w", GRADIENT], "2").message
    assert said == "that is the upstream gradient ∂J/∂c = 2; multiply by the local derivative ∂ₗc/∂w = x = -2"
    entry(page, "a", VALUE).fill("-4")
    entry(page, "a", VALUE).press("Enter")
    assert feedback(page, "a", VALUE) == judge(asked["a", VALUE], "-4").message

    for _ in range(3):
        button(page, "w", GRADIENT, "hint").click()
    hints = page.locator("li[data-box]", has=entry(page, "w", GRADIENT)).locator("[data-hints] li").all_inner_texts()
    hints = [hint.replace("∂ℓ", "∂ₗ") for hint in hints]  # the page writes the local mark as a subscript ℓ
    assert hints == [*asked["w", GRADIENT].hints, "no more hints: press Show to see the answer"]

    button(page, "d", VALUE, "show").click()
    assert feedback(page, "d", VALUE) == "answer: 2"
    assert entry(page, "d", VALUE).input_value() == "2" and entry(page, "d", VALUE).evaluate("e => e.readOnly")

    assert page.locator("[data-score]").inner_text() == "score: 1/11"
    assert page.locator("[data-progress]").inner_text() == "1 shown, 9 to do"
    expected = score(1, 11, ["upstream_only", "sign"]).summary()
    assert page.locator("[data-summary] li").all_inner_texts() == expected

    entry(page, "J", VALUE).fill("2")
    entry(page, "d", GRADIENT).fill("1")
    entry(page, "y", GRADIENT).fill("-2")
    page.get_by_role("button", name="Check all").click()
    assert page.locator("[data-status]").inner_text() == "checked 5 boxes: 2 right, 3 wrong; score: 3/11, 7 to do"
    assert feedback(page, "d", GRADIENT) == judge(asked["d", GRADIENT], "1").message

    page.get_by_role("button", name="Reset").click()
    assert page.locator("[data-score]").inner_text() == "score: 0/11"
    assert page.locator("[data-summary]").inner_text() == ""
    assert all(value == "" for value in page.locator("input").evaluate_all("es => es.map(e => e.value)"))
    assert all(text == "" for text in page.locator("[data-feedback]").all_inner_texts())
    assert page.locator('text[data-box="0"]').text_content() == "= ________"
    assert page.problems == []


def right_answer(box) -> str:
    """What a student types for the box: the exact value where it is exact, else the rounded one."""
    return box.shown if isinstance(box.answer, float) else number_text(box.answer)


@pytest.mark.parametrize("exercise", ["lecture", "random"])
def test_a_whole_lab_done_by_keyboard_alone(exercise, open_page, tmp_path):
    """Typing each answer and Enter, from the first box to the last: the score is full."""
    if exercise == "random":
        target = tmp_path / "exercise.lab.html"
        made = run_cli("--random", "--seed", "7", "--level", "3", "-o", str(target))
        assert made.returncode == 0, made.stderr.decode()
        text = target.read_text(encoding="utf-8")
        made_again = make_exercise(7, 3)
        explanation = explain(made_again.text, wrt=made_again.wrt)  # the page asks what the exercise wants
    else:
        explanation, text = LECTURE, None
    page = open_page(explanation, text=text)
    asked = boxes(explanation)
    page.locator("input").first.focus()
    for box in asked:
        assert page.evaluate("[document.activeElement.dataset.node, document.activeElement.dataset.kind]") == [
            box.name,
            box.kind,
        ]
        page.keyboard.type(right_answer(box))
        page.keyboard.press("Enter")
    assert page.locator("[data-score]").inner_text() == f"score: {len(asked)}/{len(asked)}"
    assert page.locator("[data-progress]").inner_text() == "all done"
    assert page.problems == []


def test_every_box_has_a_name_for_screen_readers_and_live_feedback(open_page):
    page = open_page(LECTURE)
    for box in boxes(LECTURE):
        named = page.get_by_role("textbox", name=box.question.removesuffix("?").rstrip(), exact=True)
        assert named.count() == 1, box.question
        described = named.get_attribute("aria-describedby")
        assert page.locator(f"#{described}").get_attribute("aria-live") == "polite"
    assert page.get_by_role("status").count() == 1
    assert page.get_by_role("button", name="Hint for ∂J/∂w", exact=True).count() == 1


def test_the_page_fetches_nothing(browser, tmp_path):
    need("dot")
    path = tmp_path / "offline.lab.html"
    path.write_text(page_text(LECTURE), encoding="utf-8")
    context = browser.new_context()
    requested: list[str] = []
    context.route("**/*", lambda route: (requested.append(route.request.url), route.continue_()))
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_load_state("networkidle")
    assert requested == [path.as_uri()]
    context.close()


def test_two_labs_on_one_document_keep_to_themselves(browser):
    """As in a notebook: two fragments in one document, no globals, each with its own boxes;
    and a script run without document.currentScript (as classic Jupyter runs one) still starts."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<!DOCTYPE html><body></body>")
    before = set(page.evaluate("Object.keys(window)"))
    two = fragment(LECTURE) + fragment(EXPLANATIONS["fan_out"])
    page.set_content(f"<!DOCTYPE html><body>{two}</body>")
    assert set(page.evaluate("Object.keys(window)")) == before
    labs = page.locator(".gx-lab")
    assert labs.count() == 2 and page.locator(".gx-lab[data-gx-ready]").count() == 2
    second = labs.nth(1)
    second.locator('input[data-node="w"][data-kind="gradient"]').fill("0")
    second.locator('input[data-node="w"][data-kind="gradient"]').press("Enter")
    assert labs.nth(0).locator("[data-feedback]").all_inner_texts() == [""] * len(boxes(LECTURE))
    assert second.locator("[data-feedback]").all_inner_texts().count("") == len(boxes(EXPLANATIONS["fan_out"])) - 1

    page.set_content("<!DOCTYPE html><body>" + re.sub(r"<script>.*?</script>", "", fragment(LECTURE), flags=re.S))
    page.evaluate(SCRIPT)
    assert page.locator(".gx-lab[data-gx-ready]").count() == 1
    assert page.evaluate("document.querySelector('.gx-lab').gradexplainLab.judge(0, '-4').right")
    context.close()


@pytest.mark.parametrize(("name", "width", "height"), [("desktop", 1280, 900), ("phone", 390, 844)])
def test_screenshots_on_a_desktop_and_a_phone(name, width, height, open_page):
    """For a person to look at: the lecture's lab part way through, a right, a wrong, a hint and
    a revealed answer. On a phone nothing but the drawing (which scrolls) is wider than the screen."""
    need("dot")
    page = open_page(LECTURE, width, height)
    entry(page, "c", VALUE).fill("-4")
    entry(page, "c", VALUE).press("Enter")
    entry(page, "a", VALUE).fill("12")
    entry(page, "a", VALUE).press("Enter")
    button(page, "a", VALUE, "hint").click()
    button(page, "d", VALUE, "show").click()
    entry(page, "w", GRADIENT).fill("2")
    entry(page, "w", GRADIENT).press("Enter")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for selector in ("input", "button"):
        right_edges = page.locator(selector).evaluate_all("es => es.map(e => e.getBoundingClientRect().right)")
        assert max(right_edges) <= width
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"lab-{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert struct.unpack(">II", data[16:24])[0] == width and len(data) > 30_000
    assert page.problems == []


def test_render_bytes_gives_the_page_and_the_fragment():
    whole = render_bytes(LECTURE, "lab", RenderOptions(notation="dvar")).data.decode("utf-8")
    assert whole.startswith("<!DOCTYPE html>") and "dJ_dw" in whole
    part = lab_page(LECTURE, whole=False).data.decode("utf-8")
    assert part.startswith('<div class="gx-lab">') and "<html" not in part
    assert json.loads(re.search(r'class="gx-data">(.*?)</script>', part).group(1))["boxes"][0]["node"] == "c"


# ── drawings for slides and print (issue 20) ───────────────────────────────────────────────


def test_a_drawing_reads_at_slide_size_and_in_print(browser, tmp_path):
    """On a 1280-pixel slide the arrows' labels are at least 9 pt (12 px) and each sits on its own
    arrow's line; the local mark is a small ℓ (not ₗ, which reads as ı); the printed drawing gets
    a landscape page of its own. Screenshots in .artifacts/ to look at."""
    need("dot")
    dot_text = render_text(explain((EXAMPLES / "two_layer_relu.gx").read_text(encoding="utf-8")), "dot")
    assert "ₗ" not in dot_text and '∂<FONT POINT-SIZE="7">ℓ</FONT>' in dot_text
    assert "decorate=true" in dot_text and "fontsize=10" in dot_text
    for stem in ("linear_regression", "two_layer_relu"):
        path = tmp_path / f"{stem}.html"
        assert run_cli(str(EXAMPLES / f"{stem}.gx"), "--check", "-o", str(path)).returncode == 0
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(path.as_uri())
        sizes = page.evaluate(
            """() => [...document.querySelectorAll('section.drawing svg g.edge text')]
                .filter(t => t.textContent !== 'ℓ').map(t => t.getBoundingClientRect().height)"""
        )
        assert sizes and min(sizes) >= 12, (stem, min(sizes))
        page.screenshot(path=str(ARTIFACTS / f"drawing_{stem}_slide.png"))
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('section.drawing')).page") == "drawing"
        page.close()
    lab = tmp_path / "lecture.lab.html"
    assert run_cli(str(EXAMPLES / "linear_regression.gx"), "-o", str(lab)).returncode == 0
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(lab.as_uri())
    box = page.evaluate(
        """() => [...document.querySelectorAll('svg g.node')].filter(g => g.textContent.includes('d²/2')).map(
            g => [...g.querySelectorAll('text')].slice(0, 2).map(t => t.getBoundingClientRect()))[0]"""
    )
    name, definition = box
    assert name["bottom"] <= definition["top"] + 1, "the name J touches the superscript of d²/2"
    page.screenshot(path=str(ARTIFACTS / "lab_slide.png"))
    page.close()
