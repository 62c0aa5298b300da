"""The command's options, declared once for typer (and so for --help, completion and the magics),
and read once into a Request: gradexplain.shell.run never sees typer's context.

A command line is split first (gradexplain.shell.argv: the formula and the inputs' values, which
typer cannot declare), then typer parses the options, then `read_line` makes the Request: the
formula read (argument, -f FILE or stdin), limits and the -o path checked, options that cannot
go together refused, mistyped options told from input values.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Any, Optional

import typer

from gradexplain.errors import GradexplainError, InputError, MissingValuesError, brief
from gradexplain.limits import DESCRIPTIONS, Limits, with_overrides
from gradexplain.shell import writer
from gradexplain.shell.argv import SplitArgs, check_dashed, split_argv
from gradexplain.shell.request import (
    DEFAULT_EPS,
    DEFAULT_EPS_RANGE,
    Output,
    QuizOptions,
    Request,
    ViewOptions,
    check_not_an_input,
    check_output_path,
    exercise,
    idle,
    read_claims,
    read_source,
)
from gradexplain.shell.writer import TERMINAL_ROWS
from gradexplain.symbolic import DEFAULT_SYMBOLIC_LIMIT
from gradexplain.version import __version__


class NotationChoice(StrEnum):
    leibniz = "leibniz"
    dvar = "dvar"
    adjoint = "adjoint"


class QuizPart(StrEnum):
    forward = "forward"
    backward = "backward"
    both = "both"


class ModeChoice(StrEnum):
    reverse = "reverse"
    forward = "forward"


class OutputFormat(StrEnum):
    auto = "auto"
    text = "text"
    rich = "rich"
    json = "json"
    markdown = "markdown"
    latex = "latex"
    html = "html"
    lab = "lab"
    dot = "dot"
    mermaid = "mermaid"
    svg = "svg"
    png = "png"
    pdf = "pdf"
    tree = "tree"
    program = "program"


# Prose paragraphs are written as one would write a paragraph: click joins their lines and wraps
# them to the terminal's width. Only the command examples, after a \b line, keep their lines
# (each short enough for a 60-column terminal: 4 columns of indent and at most 56 of command).
HELP = """
Explain backpropagation through FORMULA at a point: the forward pass, every chain-rule step of
the backward pass, the gradients, and (with --check) an ε-nudge check of each gradient.

Values of the inputs: --NAME VALUE, --NAME=VALUE or NAME=VALUE (the last for names that clash
with an option, such as eps=0.1). Values are numbers or constant formulas: 2, -0.5, 1/3, 2*pi.

FORMULA is a bare expression, split into one node per operation, or a program of assignments
(newlines or ;), one node per assignment:

\b
  gradexplain "0.5*(w*x+b-y)**2" --w 2 --x -2 --b 8 --y 2
  gradexplain "w = 2; x = -2; c = w*x; J = c**2" --w 3

Operators: + - * / ** ^ and parentheses. Functions: exp log sqrt sin tanh sigmoid relu max and
more (ln is log): --functions lists every one with its local derivative, domain and kinks.
Constants: pi e. Comments start with #.

More examples: a program file with the check; a kink, which the check reports; JSON; a program
on standard input.

\b
  gradexplain -f samples/linear_regression.gx --check
  gradexplain "relu(w*x)" w=0 x=3 --check
  gradexplain "sin(w)*w" --w pi/4 --format json
  echo "J = exp(w)/w" | gradexplain -f - --w 1 --wrt w

Checking your own derivation: state the gradient you believe, as a number or a formula over the
formula's names; each claim is decided, and a wrong one gets the likely mistake (exit code 1).

\b
  gradexplain "w*x" --w 2 --x 3 --claim "dJ/dw = x"
  gradexplain samples/linear_regression.gx \\
      --claims samples/claims.txt

Reports and pictures: the format follows the file's extension (svg and png need Graphviz).

\b
  gradexplain samples/fan_out.gx -o fan_out.svg
  gradexplain samples/fan_out.gx --check -o report.html
  gradexplain samples/square.gx --standalone -o trace.tex
  gradexplain samples/fan_out.gx --format tree

Views of the derivative itself: J against one input with its tangent and the ε secant (a
picture with -o plot.svg, .png or .pdf, which needs matplotlib: pip install "gradexplain[plot]");
the ε sweep; forward mode beside reverse; gradient descent.

\b
  gradexplain samples/square.gx --plot w -o plot.svg
  gradexplain samples/square.gx --sweep w
  gradexplain samples/square.gx --mode forward
  gradexplain samples/square.gx --descend 10 --lr 0.1
"""

EPILOG = (
    "Exit codes: 0 success, 1 a gradient check failed or a claim is wrong, 2 bad input or usage, 3 internal error. "
    "Output on a terminal is a coloured table (NO_COLOR is honoured); piped or redirected it is "
    "plain text with a fixed layout, identical on every run."
)

# typer's --install-completion and --show-completion: TAB completes the options and --format's values.
app = typer.Typer(add_completion=True, pretty_exceptions_enable=False, rich_markup_mode=None)


# --help wraps to the terminal's width, up to 100 columns (longer lines are hard to read).
HELP_WIDTH = 100


# The options, one declaration each (typer reads them from main's signature below).

FORMULA = typer.Argument(help="The formula or program. A path ending in .gx is read as a program file.")
FILE = typer.Option("--file", "-f", help="Read the formula or program from FILE ('-' for stdin).", metavar="FILE")
RANDOM_EXERCISE = typer.Option(
    "--random",
    help=(
        "Practise on a fresh exercise instead of a formula: a program from a family that teaches "
        "something (the linear unit, a sigmoid neuron, fan-out, a ReLU network with a dead unit), "
        "with values every box of which can be worked by hand. -o ex.gx saves it."
    ),
)
SEED = typer.Option(
    "--seed", min=0, help="With --random: make this exercise (the same seed, the same one).", metavar="N"
)
LEVEL = typer.Option("--level", min=1, max=3, help="With --random: 1 one path, 2 fan-out and sigmoid, 3 networks.")
QUIZ = typer.Option(
    "--quiz",
    help=(
        "Practise: fill in every box yourself, each node's value left to right, then each gradient right "
        "to left (forward, backward or both, the default), with feedback on wrong answers. "
        "From a pipe, one answer per line; the last line is score: N/M."
    ),
    metavar="[PART]",
)
TRIES = typer.Option("--tries", min=1, max=10, help="With --quiz: tries per box (default 2).")
CHECK = typer.Option(
    "--check",
    help=(
        "Check every gradient by nudging its input by ε and rerunning the forward pass. "
        "Forward difference (J(x+ε)-J(x))/ε passes when |estimate - gradient| ≤ "
        "10·ε·max(1, |gradient|); central difference when ≤ 10·ε²·max(1, |gradient|) "
        "(plus float rounding room when values are inexact). Exit code 1 if any fails."
    ),
)
EPS = typer.Option("--eps", help="The nudge ε for --check.", metavar="EPS")
CENTRAL = typer.Option("--central", help="Use the central difference (J(x+ε)-J(x-ε))/2ε for --check.")
CHECK_ONLY = typer.Option(
    "--check-only",
    help="Check only these inputs, e.g. --check-only w,b (all still get gradients); implies --check.",
    metavar="NAMES",
)
WRT = typer.Option(
    "--wrt",
    help="Only these inputs get gradients, e.g. --wrt w,b (data such as x, y need none).",
    metavar="NAMES",
)
TARGET = typer.Option("--target", help="Differentiate this computed name instead of the last one.", metavar="NAME")
CLAIM = typer.Option(
    "--claim",
    help=(
        'A gradient you believe, to check, repeatable: --claim "dJ/dw = x*(w*x + b - y)". The left side '
        "is dJ/dw, ∂J/∂w, dJ_dw or dw (J: the output); the right side a number or a formula over the "
        "formula's names, intermediates included. Exit code 1 if any is wrong."
    ),
    metavar="CLAIM",
)
CLAIMS_FILE = typer.Option(
    "--claims",
    help="Read claims from FILE, one per line (# starts a comment), as --claim takes them ('-' for stdin).",
    metavar="FILE",
)
OUTPUT_FORMAT = typer.Option(
    "--format",
    metavar="FORMAT",  # the help lists them; the list of choices would not fit a narrow terminal
    help=(
        "auto: tables on a terminal, plain text otherwise, or what -o's extension says. "
        "text, rich (coloured tables), json, markdown (GitHub/Jupyter, maths in $…$), "
        "latex (evaluation traces), html (one self-contained page), lab (a page to practise on: fill in every "
        "value and gradient, with feedback), dot (Graphviz), "
        "mermaid, svg and png (drawn by Graphviz), tree (the graph as an indented tree), "
        "program (the graph as a program file, .gx: one assignment per node, values included); "
        "with --plot or --sweep, svg, png and pdf draw their picture instead (matplotlib)."
    ),
)
OUTPUT = typer.Option(
    "--output",
    "-o",
    help=(
        "Write to FILE instead of standard output; with --format auto the extension picks "
        "the format: .txt .json .md .tex .html .lab.html .dot .gv .mmd .svg .png .gx (.pdf: the picture "
        "of --plot, --sweep)."
    ),
    metavar="FILE",
)
STANDALONE = typer.Option(
    "--standalone",
    help="With --format latex: a whole document, for pdflatex (or lualatex when names need Unicode fonts).",
)
NOTATION = typer.Option(
    "--notation",
    help=(
        "How gradients are written, in every format: leibniz ∂J/∂w, dvar dJ_dw (the course labs' "
        "naming; dw in the lectures), adjoint w̄ (the autodiff literature). Local derivatives are "
        "always ∂ₗc/∂w, so that they never read as gradients."
    ),
)
BLANK = typer.Option(
    "--blank",
    help=(
        "A worksheet: every computed value and gradient left empty (text, markdown, latex, html and the "
        "drawings); the same command without it is the answer key."
    ),
)
DIGITS = typer.Option(
    "--digits",
    min=1,
    max=30,
    help="Significant digits for values that are not exact terminating decimals.",
)
SYMBOLIC_LIMIT = typer.Option(
    "--symbolic-limit",
    min=0,
    help=(
        "Compute symbolic gradients only while the formula, written out, has at most this many operations, "
        "and that size times the number of gradients is at most 10 times as many."
    ),
)
LIMIT = typer.Option(
    "--limit",
    help=(
        "Raise or lower a resource limit, NAME=N, repeatable: "
        + "; ".join(f"{name} ({text}, default {getattr(Limits(), name)})" for name, text in DESCRIPTIONS.items())
        + "."
    ),
    metavar="NAME=N",
)
COST = typer.Option(
    "--cost",
    help=(
        "Add what the gradients cost: the backward pass's local-derivative steps (about N + P) against "
        "the node evaluations of nudging every input (N × P), with measured times."
    ),
)
PLOT = typer.Option(
    "--plot",
    help=(
        "Plot J against input NAME around the point, the others fixed: the curve, the tangent (slope "
        "∂J/∂NAME) and --check's ε secant. In characters on a terminal; a picture with -o plot.svg, "
        ".png or .pdf and in HTML (matplotlib)."
    ),
    metavar="NAME",
)
SWEEP = typer.Option(
    "--sweep",
    help=(
        "Forward and central differences of ∂J/∂NAME and their errors for every ε of --eps-range, in exact "
        "arithmetic and in floating point, with the best ε."
    ),
    metavar="NAME",
)
EPS_RANGE = typer.Option(
    "--eps-range",
    help="The ε of --sweep: powers of ten FROM..TO (--check's ε and twice it are added).",
    metavar="FROM..TO",
)
MODE = typer.Option(
    "--mode",
    help=(
        "forward: add forward mode's tangent trace for each input of --wrt beside the backward pass "
        "(reverse mode), and what each costs."
    ),
)
DESCEND = typer.Option(
    "--descend",
    help="Take N steps of gradient descent on the inputs of --wrt, w ← w − α·∂J/∂w (with --lr).",
    metavar="N",
)
LR = typer.Option("--lr", help="The learning rate α of --descend, e.g. 0.1.", metavar="ALPHA")
FULL = typer.Option(
    "--full",
    help=f"On a terminal, show every row of long tables (by default, tables over {TERMINAL_ROWS} rows "
    "show their first and last rows; files and pipes always get everything).",
)
DEBUG = typer.Option("--debug", help="Show the traceback of an internal error.")
VERSION = typer.Option("--version", help="Show the version and exit.")
FUNCTIONS = typer.Option(
    "--functions", help="List the functions and operators, each with its local derivative, domain and kinks, and exit."
)


@app.command(
    help=HELP,
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": HELP_WIDTH},
)
def main(
    ctx: typer.Context,
    formula: Annotated[Optional[str], FORMULA] = None,  # noqa: UP045
    file: Annotated[Optional[str], FILE] = None,  # noqa: UP045
    random_exercise: Annotated[bool, RANDOM_EXERCISE] = False,
    seed: Annotated[Optional[int], SEED] = None,  # noqa: UP045
    level: Annotated[int, LEVEL] = 1,
    quiz: Annotated[Optional[QuizPart], QUIZ] = None,  # noqa: UP045
    tries: Annotated[int, TRIES] = 2,
    check: Annotated[bool, CHECK] = False,
    eps: Annotated[str, EPS] = DEFAULT_EPS,
    central: Annotated[bool, CENTRAL] = False,
    check_only: Annotated[Optional[str], CHECK_ONLY] = None,  # noqa: UP045
    wrt: Annotated[Optional[str], WRT] = None,  # noqa: UP045
    target: Annotated[Optional[str], TARGET] = None,  # noqa: UP045
    claim: Annotated[Optional[list[str]], CLAIM] = None,  # noqa: UP045
    claims_file: Annotated[Optional[str], CLAIMS_FILE] = None,  # noqa: UP045
    output_format: Annotated[OutputFormat, OUTPUT_FORMAT] = OutputFormat.auto,
    output: Annotated[Optional[str], OUTPUT] = None,  # noqa: UP045
    standalone: Annotated[bool, STANDALONE] = False,
    notation: Annotated[NotationChoice, NOTATION] = NotationChoice.leibniz,
    blank: Annotated[bool, BLANK] = False,
    digits: Annotated[int, DIGITS] = 6,
    symbolic_limit: Annotated[int, SYMBOLIC_LIMIT] = DEFAULT_SYMBOLIC_LIMIT,
    limit: Annotated[Optional[list[str]], LIMIT] = None,  # noqa: UP045
    cost: Annotated[bool, COST] = False,
    plot: Annotated[Optional[str], PLOT] = None,  # noqa: UP045
    sweep: Annotated[Optional[str], SWEEP] = None,  # noqa: UP045
    eps_range: Annotated[str, EPS_RANGE] = DEFAULT_EPS_RANGE,
    mode: Annotated[ModeChoice, MODE] = ModeChoice.reverse,
    descend: Annotated[Optional[int], DESCEND] = None,  # noqa: UP045
    lr: Annotated[Optional[str], LR] = None,  # noqa: UP045
    full: Annotated[bool, FULL] = False,
    debug: Annotated[bool, DEBUG] = False,
    version: Annotated[bool, VERSION] = False,
    functions: Annotated[bool, FUNCTIONS] = False,
) -> typer.Context:
    """The options as typer parsed them, for read_line to make the Request from (once)."""
    return ctx


# ── the command line, read once ───────────────────────────────────────────────────────────


def read_line(words: list[str], *, cell: str | None = None, notebook: bool = False) -> Request | int:
    """The command line (a magic's line, with the program in `cell`) as a Request, or the exit
    code when it asked for no run: --help (click printed it), --version (printed here), shell
    completion. Raises GradexplainError for bad input, and click's UsageError for options click
    cannot parse (the command shows it as click does, a magic as its own message)."""
    command, split, click_args = _split(words, cell)
    _check_choices(split.options)
    parsed = command.main(args=click_args, prog_name="gradexplain", standalone_mode=False)
    if parsed is None or isinstance(parsed, int):  # click has answered, and returned its exit code
        return parsed or 0
    if parsed.params["version"]:
        writer.require_stdout("the version", hint="run it without >&-")
        writer.say(f"gradexplain {__version__}")
        return 0
    if parsed.params["functions"]:
        from gradexplain.render.functions import render_functions

        writer.require_stdout("the list of functions", hint="run it without >&-")
        writer.say(render_functions().rstrip("\n"))
        return 0
    return _request(parsed.params, _typed(parsed), split, notebook)


def _request(params: Mapping[str, Any], typed: Mapping[str, str | None], split: SplitArgs, notebook: bool) -> Request:
    """The Request the options make, in the order a person would fix them: options that cannot go
    together, limits and -o, the formula, mistyped options, the claims, -o against the inputs."""
    if notebook and params["quiz"] is not None:
        raise InputError(
            "--quiz asks its questions in a terminal", hint="run it there, or print a worksheet with --blank"
        )
    _practice_conflicts(params)
    limits = with_overrides(params["limit"] or [])
    output = Output(
        OutputFormat(params["output_format"]).value,
        params["output"],
        params["digits"],
        params["standalone"],
        params["full"],
        notation=NotationChoice(params["notation"]).value,
        blank=params["blank"],
    )
    check_output_path(output.path)
    if params["random_exercise"]:
        source = exercise(params["formula"], params["file"], params["seed"], params["level"])
    else:
        writer.warn(idle(typed, ("seed", "level"), False, "--random exercises; add --random to make one"))
        source = read_source(params["formula"], params["file"], limits)
    check_dashed(split, source.text, spellings())
    claims, claims_file = read_claims(
        params["claim"] or [], params["claims_file"], params["file"], limits, source.text, split.values
    )
    check_not_an_input(output.path, ((source, "the program"), (claims_file, "the claims file")))
    if notebook:
        _notebook_output(output)
    return Request(
        source=source.text,
        origin=source.origin,
        values=MappingProxyType(dict(split.values)),
        target=params["target"],
        wrt=_names(params["wrt"]),
        check=params["check"],
        check_only=_names(params["check_only"]),
        eps=params["eps"],
        central=params["central"],
        cost=params["cost"],
        symbolic_limit=params["symbolic_limit"],
        claims=claims,
        limits=limits,
        views=ViewOptions(
            params["plot"],
            params["sweep"],
            params["eps_range"],
            ModeChoice(params["mode"]).value,
            params["descend"],
            params["lr"],
        ),
        output=output,
        quiz=QuizOptions(QuizPart(params["quiz"]).value, params["tries"]) if params["quiz"] is not None else None,
        typed=typed,
        debug=params["debug"],
        notebook=notebook,
    )


def _notebook_output(output: Output) -> None:
    """A magic's result shows itself in the cell: other formats go to a file, never to stdout."""
    if output.format != "auto" and not output.to_file:
        raise InputError(
            f"--format {output.format} needs -o FILE in a notebook",
            hint="the result shows itself here (as HTML); write other formats to a file, "
            "or call gradexplain.render.render_text(_, FORMAT)",
        )
    if output.path == "-":
        raise InputError("-o - writes to standard output, which is this cell", hint="leave -o out, or name a file")


def _typed(ctx: typer.Context) -> Mapping[str, str | None]:
    """The options typed on the command line (not left at their defaults), each with its one
    value as typed when it has one: --eps 0.1 gives "0.1", --claim 3 "3", --check None."""
    typed: dict[str, str | None] = {}
    for name, given in ctx.params.items():
        if getattr(ctx.get_parameter_source(name), "name", "") != "COMMANDLINE":
            continue
        if isinstance(given, list | tuple) and len(given) == 1:  # the one value of a repeatable option
            given = given[0]
        textual = isinstance(given, str | int) and not isinstance(given, bool | StrEnum)
        typed[name] = str(given) if textual else None
    return MappingProxyType(typed)


def _names(option: str | None) -> tuple[str, ...] | None:
    """A comma-separated list of names, as --wrt and --check-only take them."""
    names = tuple(name.strip() for name in option.split(",") if name.strip()) if option else ()
    return names or None


def _practice_conflicts(params: Mapping[str, Any]) -> None:
    """Options that cannot go with --quiz or --blank say so before any work: a quiz asks instead
    of showing, and reads its answers from stdin; a worksheet must not give the answers away."""
    views = [
        option
        for option, given in (
            ("--plot", params["plot"] is not None),
            ("--sweep", params["sweep"] is not None),
            ("--mode forward", ModeChoice(params["mode"]) == ModeChoice.forward),
            ("--descend", params["descend"] is not None),
        )
        if given
    ]
    claims = [option for option, given in (("--claim", params["claim"]), ("--claims", params["claims_file"])) if given]
    if params["quiz"] is not None:
        shown = ["--check"] * bool(params["check"] or params["check_only"]) + claims + views
        shown += ["--blank"] * params["blank"] + ["--cost"] * params["cost"]
        if OutputFormat(params["output_format"]) != OutputFormat.auto:
            shown.append("--format")
        if shown:
            raise InputError(
                f"--quiz asks for each box instead of showing the explanation: {', '.join(shown)} cannot go with it",
                hint=f"drop {'it' if len(shown) == 1 else 'them'}, or run without --quiz",
            )
        if "-" in (params["file"], params["claims_file"]):
            raise InputError(
                "--quiz reads its answers from standard input, so the formula cannot come from there too",
                hint="give the formula as an argument or in a file",
            )
    if params["blank"] and (claims or views):
        raise InputError(
            f"a worksheet (--blank) cannot show {', '.join(claims + views)}: it would give the answers away",
            hint="make the worksheet without it, and the answer key with it",
        )


# ── typer's declarations, read back ───────────────────────────────────────────────────────


def _quiz_part_given(arguments: list[str]) -> list[str]:
    """`--quiz` alone means `--quiz both`: its part is optional, which click's options cannot say."""
    parts = [part.value for part in QuizPart]
    result = []
    for position, word in enumerate(arguments):
        result.append(word)
        if word == "--quiz" and (position + 1 == len(arguments) or arguments[position + 1] not in parts):
            result.append("both")
        if word == "--":
            result += arguments[position + 1 :]
            break
    return result


@functools.cache
def _command() -> typer.core.TyperCommand:
    """The click command typer builds from the declaration (once: the magics read many lines)."""
    return typer.main.get_command(app)  # type: ignore[return-value]


def _known_options(command: typer.core.TyperCommand) -> tuple[dict[str, bool], tuple[str, ...]]:
    """Every option spelling of the command and whether it takes a value, and the spellings of
    --file, all read from typer's own declarations."""
    known: dict[str, bool] = {}
    file_options: tuple[str, ...] = ()
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option":
            spellings = (*param.opts, *param.secondary_opts)
            for spelling in spellings:
                known[spelling] = not getattr(param, "is_flag", False)
            if param.name == "file":
                file_options = spellings
    known["-h"] = known["--help"] = False
    return known, file_options


def _split(arguments: list[str], formula: str | None = None) -> tuple[typer.core.TyperCommand, SplitArgs, list[str]]:
    """The command, and the command line split into its options (for click, the formula last)
    and the inputs' values; the command and the magics both read a command line this way."""
    command = _command()
    known, file_options = _known_options(command)
    split = split_argv(_quiz_part_given(arguments), known, file_options, formula=formula)
    return command, split, split.options + (["--", split.formula] if split.formula is not None else [])


def _check_choices(options: list[str]) -> None:
    """A value an option does not take (`--format jsn`) is an input error in the command's own
    words, with the choice it probably misspells, before click says it its way."""
    by_spelling = _options_by_spelling()
    for position, word in enumerate(options):
        spelling, equals, value = word.partition("=")
        param = by_spelling.get(spelling)
        choices = getattr(getattr(param, "type", None), "choices", None)
        if not choices or not spelling.startswith("-"):
            continue
        if not equals:
            value = options[position + 1] if position + 1 < len(options) else ""
        if not value or value.startswith("-") or value in choices:
            continue
        close = difflib.get_close_matches(value.casefold(), list(choices), n=1, cutoff=0.5)
        raise InputError(
            f"{spelling} {brief(value, 40)}: unknown {spelling.lstrip('-')}"
            + (f"; did you mean {close[0]}?" if close else ""),
            hint=f"{spelling} takes one of {', '.join(choices)}",
        )


def _options_by_spelling() -> dict[str, Any]:
    return {spelling: param for param in _command().params for spelling in getattr(param, "opts", ())}


def spellings() -> list[str]:
    """Every spelling of every option (--check, -o, --output, …), for telling a mistyped option
    from an input's value."""
    return list(_options_by_spelling())


def is_click(problem: BaseException, name: str) -> bool:
    """Whether `problem` is click's exception `name` (UsageError, Exit), wherever click comes
    from: typer vendors its own copy from 0.20 on."""
    return any(kind.__name__ == name for kind in type(problem).__mro__)


def describe(error: GradexplainError, request: Request | None) -> str:
    """The error as the one short block the command and the magics show (missing values: how to
    pass them on this command line)."""
    if isinstance(error, MissingValuesError) and request is not None:
        error.hint = "; ".join(filter(None, (error.case_note, _how_to_pass(request.typed, error.names))))
    return error.describe()


def _how_to_pass(typed: Mapping[str, str | None], names: tuple[str, ...]) -> str:
    """How to give the missing inputs on this command line: `--b VALUE`, but `eps=0.1` for a name
    that is also an option (`--eps 0.1` went to the option; the user most likely meant the input)."""
    options = _options_by_spelling()
    ways: list[str] = []
    clashes: list[str] = []
    for name in names[:6]:
        param = options.get(f"--{name}")
        if param is None:
            ways.append(f"--{name} VALUE")
            continue
        given = typed.get(param.name or "")
        ways.append(f"{name}={brief(given, 40) if given is not None else 'VALUE'}")
        clashes.append(f"--{name}")
    hint = f"pass {'them' if names[1:] else 'it'} as {' '.join(ways)}"
    if clashes:
        many = len(clashes) > 1
        owned = f"{'are' if many else 'is'} gradexplain's own option{'s' if many else ''}"
        return f"{hint} ({', '.join(clashes)} {owned})"
    return hint + " (or NAME=VALUE)"
