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
from dataclasses import replace
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Any, Optional

import typer

from gradexplain.errors import GradexplainError, InputError, MissingValuesError, brief
from gradexplain.limits import DESCRIPTIONS, with_overrides
from gradexplain.shell import writer
from gradexplain.shell.argv import SplitArgs, check_dashed, split_argv
from gradexplain.shell.help_text import EPILOG, HELP, cap_help_width, help_for_rich
from gradexplain.shell.request import (
    DEFAULT_EPS,
    DEFAULT_EPS_RANGE,
    Output,
    QuizOptions,
    Request,
    ViewOptions,
    check_not_an_input,
    check_output_path,
    example,
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


# typer's --install-completion and --show-completion: TAB completes the options and --format's values.
# --help is drawn by rich, the options in panels by what they are for.
app = typer.Typer(add_completion=True, pretty_exceptions_enable=False, rich_markup_mode="rich")


# The options, one declaration each (typer reads them from main's signature below).

FORMULA = typer.Argument(help="The formula or program. A path ending in .gx is read as a program file.")
EXAMPLE = typer.Option(
    "--example",
    help=(
        # the names as tests/test_first_hour.py checks them: listing the package's folder here
        # would cost every run the import of importlib.resources
        "Run one of the example programs shipped with gradexplain (fan_out, linear_regression, square, "
        "two_layer_relu), with any other options; --example alone lists them with what each teaches."
    ),
    metavar="[NAME]",
    rich_help_panel="Input",
)
FILE = typer.Option(
    "--file",
    "-f",
    help="Read the formula or program from FILE ('-' for stdin).",
    metavar="FILE",
    rich_help_panel="Input",
)
RANDOM_EXERCISE = typer.Option(
    "--random",
    help=(
        "Practise on a fresh exercise instead of a formula: a program from a family that teaches "
        "something (the linear unit, a sigmoid neuron, fan-out, a ReLU network with a dead unit), "
        "with values every box of which can be worked by hand. -o ex.gx saves it."
    ),
    rich_help_panel="Practice",
)
KEY = typer.Option(
    "--key",
    help="With --random: the exercise's answer key (every value and gradient) instead of the exercise.",
    rich_help_panel="Practice",
)
SEED = typer.Option(
    "--seed",
    min=0,
    help="With --random: make this exercise (the same seed, the same one).",
    metavar="N",
    rich_help_panel="Practice",
)
LEVEL = typer.Option(
    "--level",
    min=1,
    max=3,
    help="With --random: 1 one path, 2 fan-out and sigmoid, 3 networks.",
    rich_help_panel="Practice",
)
QUIZ = typer.Option(
    "--quiz",
    help=(
        "Practise in the terminal: fill in every value (forward), every gradient (backward) or both, with "
        "feedback on each wrong answer."
    ),
    metavar="[PART]",
    rich_help_panel="Practice",
)
TRIES = typer.Option(
    "--tries", min=1, max=10, help="With --quiz: tries per box (default 2).", rich_help_panel="Practice"
)
CHECK = typer.Option(
    "--check",
    help=(
        "Check every gradient by nudging its input by ε and rerunning the forward pass; exit code 1 if one "
        "fails (the tolerance is printed with the checks)."
    ),
    rich_help_panel="Checking",
)
EPS = typer.Option("--eps", help="The nudge ε for --check.", metavar="EPS", rich_help_panel="Checking")
CENTRAL = typer.Option(
    "--central", help="Use the central difference (J(x+ε)-J(x-ε))/2ε for --check.", rich_help_panel="Checking"
)
CHECK_ONLY = typer.Option(
    "--check-only",
    help="Check only these inputs, e.g. --check-only w,b (all still get gradients); implies --check.",
    metavar="NAMES",
    rich_help_panel="Checking",
)
WRT = typer.Option(
    "--wrt",
    help="Only these inputs get gradients, e.g. --wrt w,b (data such as x, y need none).",
    metavar="NAMES",
    rich_help_panel="Input",
)
TARGET = typer.Option(
    "--target",
    help="Differentiate this computed name instead of the last one.",
    metavar="NAME",
    rich_help_panel="Input",
)
CLAIM = typer.Option(
    "--claim",
    help=(
        'A gradient you believe, to check, repeatable: --claim "dJ/dw = x*(w*x + b - y)" (dJ/dw, ∂J/∂w, dJ_dw'
        " or dw); exit code 1 if one is wrong."
    ),
    metavar="CLAIM",
    rich_help_panel="Checking",
)
CLAIMS_FILE = typer.Option(
    "--claims",
    help="Read claims from FILE, one per line (# starts a comment), as --claim takes them ('-' for stdin).",
    metavar="FILE",
    rich_help_panel="Checking",
)
OUTPUT_FORMAT = typer.Option(
    "--format",
    metavar="FORMAT",  # the help lists them; the list of choices would not fit a narrow terminal
    help=(
        "text, rich, json, markdown, latex, html, lab (a page to practise on), dot, mermaid, svg, png, tree "
        "or program (.gx). auto: tables on a terminal, plain text in a pipe, or what -o's extension says."
    ),
    rich_help_panel="Output",
)
OUTPUT = typer.Option(
    "--output",
    "-o",
    help=(
        "Write to FILE; with --format auto its extension picks the format (.txt .json .md .tex .html "
        ".lab.html .dot .mmd .svg .png .gx .pdf)."
    ),
    metavar="FILE",
    rich_help_panel="Output",
)
STANDALONE = typer.Option(
    "--standalone",
    help="With --format latex: a whole document for pdflatex.",
    rich_help_panel="Output",
)
NOTATION = typer.Option(
    "--notation",
    help=(
        "How gradients are written: leibniz ∂J/∂w, dvar dJ_dw (the course's dw), adjoint w̄. Local "
        "derivatives are always ∂ₗc/∂w."
    ),
    rich_help_panel="Output",
)
BLANK = typer.Option(
    "--blank",
    help=(
        "A worksheet: every computed value and gradient left empty (text, markdown, latex, html and the "
        "drawings); the same command without it is the answer key."
    ),
    rich_help_panel="Practice",
)
DIGITS = typer.Option(
    "--digits",
    min=1,
    max=30,
    help="Significant digits for values that are not exact terminating decimals.",
    rich_help_panel="Output",
)
SYMBOLIC_LIMIT = typer.Option(
    "--symbolic-limit",
    min=0,
    help="Write symbolic gradients only for formulas of at most this many operations.",
    rich_help_panel="Limits",
)
LIMIT = typer.Option(
    "--limit",
    help=(
        "Raise or lower a resource limit, NAME=N, repeatable. NAME is one of "
        + ", ".join(DESCRIPTIONS)
        + " (the documentation's Limits and errors page says what each bounds, and its default)."
    ),
    metavar="NAME=N",
    rich_help_panel="Limits",
)
COST = typer.Option(
    "--cost",
    help="Add what the gradients cost: backprop's steps (about N + P) against nudging each input (N × P).",
    rich_help_panel="Views of the derivative",
)
PLOT = typer.Option(
    "--plot",
    help=(
        "Plot J against NAME near the point with the tangent and the ε secant (a picture with -o plot.svg, .png, .pdf)."
    ),
    metavar="NAME",
    rich_help_panel="Views of the derivative",
)
SWEEP = typer.Option(
    "--sweep",
    help=("Forward and central differences of ∂J/∂NAME and their errors for each ε of --eps-range, with the best ε."),
    metavar="NAME",
    rich_help_panel="Views of the derivative",
)
EPS_RANGE = typer.Option(
    "--eps-range",
    help="The ε of --sweep: powers of ten FROM..TO (--check's ε and twice it are added).",
    metavar="FROM..TO",
    rich_help_panel="Views of the derivative",
)
MODE = typer.Option(
    "--mode",
    help="forward: add forward mode's tangent trace for each input of --wrt beside the backward pass.",
    rich_help_panel="Views of the derivative",
)
DESCEND = typer.Option(
    "--descend",
    help="Take N steps of gradient descent on the inputs of --wrt, w ← w − α·∂J/∂w (with --lr).",
    metavar="N",
    rich_help_panel="Views of the derivative",
)
LR = typer.Option(
    "--lr",
    help="The learning rate α of --descend, e.g. 0.1.",
    metavar="ALPHA",
    rich_help_panel="Views of the derivative",
)
FULL = typer.Option(
    "--full",
    help=f"On a terminal, show every row of tables over {TERMINAL_ROWS} rows (files and pipes always get every row).",
    rich_help_panel="Output",
)
DEBUG = typer.Option("--debug", help="Show the traceback of an internal error.", rich_help_panel="Limits")
VERSION = typer.Option("--version", help="Show the version and exit.", rich_help_panel="Information")
FUNCTIONS = typer.Option(
    "--functions",
    help="List the functions and operators, each with its local derivative, domain and kinks, and exit.",
    rich_help_panel="Information",
)


@app.command(
    help=help_for_rich(HELP),
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"]},  # the width: cap_help_width
)
def main(
    ctx: typer.Context,
    formula: Annotated[Optional[str], FORMULA] = None,  # noqa: UP045
    file: Annotated[Optional[str], FILE] = None,  # noqa: UP045
    example: Annotated[Optional[str], EXAMPLE] = None,  # noqa: UP045
    random_exercise: Annotated[bool, RANDOM_EXERCISE] = False,
    key: Annotated[bool, KEY] = False,
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
    if "--help" in split.options or "-h" in split.options:
        cap_help_width()
    parsed = command.main(args=click_args, prog_name="gradexplain", standalone_mode=False)
    if parsed is None or isinstance(parsed, int):  # click has answered, and returned its exit code
        return parsed or 0
    if parsed.params["version"]:
        writer.require_stdout("the version", hint="run it without >&-")
        writer.say(f"gradexplain {__version__}")
        return 0
    if parsed.params["example"] == "":
        from gradexplain.shell.examples import example_listing

        writer.require_stdout("the list of examples", hint="run it without >&-")
        writer.say(example_listing())
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
    if params["random_exercise"] and params["example"] is not None:
        raise InputError("--random and --example each choose the program: give one", hint="drop one or the other")
    quiz = QuizOptions(QuizPart(params["quiz"]).value, params["tries"]) if params["quiz"] is not None else None
    wrt = _names(params["wrt"])
    if params["random_exercise"]:
        if not params["key"]:
            _answers_shown(params)
        source, wanted = exercise(params["formula"], params["file"], params["seed"], params["level"])
        wrt = wrt or wanted  # the exercise asks for the gradients it says it wants
        if not params["key"]:
            output, quiz = _practice(output, quiz, params["tries"], notebook)
    elif params["example"] is not None:
        writer.warn(idle(typed, ("seed", "level", "key"), False, "--random exercises; --example runs its program"))
        source = example(params["example"], params["formula"], params["file"])
    else:
        writer.warn(idle(typed, ("seed", "level", "key"), False, "--random exercises; add --random to make one"))
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
        wrt=wrt,
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
        quiz=quiz,
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


def _practice(
    output: Output, quiz: QuizOptions | None, tries: int, notebook: bool
) -> tuple[Output, QuizOptions | None]:
    """A --random exercise is practice, its answers behind --key: the quiz where a person sits at
    a terminal, else the worksheet (every box blank) in the format asked for. The lab page is
    practice already, and the program (-o ex.gx) holds only the exercise's inputs."""
    from gradexplain.output import format_for_path

    if quiz is not None or output.blank:
        return output, quiz
    chosen = format_for_path(output.path) if output.format == "auto" and output.to_file else output.format  # type: ignore[arg-type]
    if chosen in ("lab", "program"):
        return output, None
    if chosen == "json":
        raise InputError(
            "an exercise's JSON holds its answers: the exercise is practice",
            hint="add --key for the answer key, or practise with --quiz, --format lab or a worksheet (--format text)",
        )
    person = writer.person_at_terminal()
    if chosen == "auto" and not output.to_file and person and not notebook:
        return output, QuizOptions(QuizPart.both.value, tries)
    writer.warn(("a worksheet: every box is left for you; the same command with --key prints the answers",), "note")
    return replace(output, blank=True), None


def _answers_shown(params: Mapping[str, Any]) -> None:
    """A --random exercise is practice: the options that would show its answers need --key."""
    shown = _views(params) + _claims(params)
    shown += ["--check"] * bool(params["check"] or params["check_only"]) + ["--cost"] * params["cost"]
    if shown:
        raise InputError(
            f"--random is practice: {', '.join(shown)} would give its answers away",
            hint="add --key for the answer key with them",
        )


def _views(params: Mapping[str, Any]) -> list[str]:
    given = (
        ("--plot", params["plot"] is not None),
        ("--sweep", params["sweep"] is not None),
        ("--mode forward", ModeChoice(params["mode"]) == ModeChoice.forward),
        ("--descend", params["descend"] is not None),
    )
    return [option for option, asked in given if asked]


def _claims(params: Mapping[str, Any]) -> list[str]:
    return [option for option, given in (("--claim", params["claim"]), ("--claims", params["claims_file"])) if given]


def _practice_conflicts(params: Mapping[str, Any]) -> None:
    """Options that cannot go with --quiz or --blank say so before any work: a quiz asks instead
    of showing, and reads its answers from stdin; a worksheet must not give the answers away."""
    views, claims = _views(params), _claims(params)
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


def _optional_values_given(arguments: list[str]) -> list[str]:
    """`--quiz` alone means `--quiz both`, and `--example` alone `--example ""` (list them): their
    values are optional, which click's options cannot say."""
    parts = [part.value for part in QuizPart]
    result = []
    for position, word in enumerate(arguments):
        result.append(word)
        following = arguments[position + 1] if position + 1 < len(arguments) else None
        if word == "--quiz" and following not in parts:
            result.append("both")
        if word == "--example" and (following is None or following.startswith("-")):
            result.append("")
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
            if param.name in ("file", "example", "random_exercise"):  # they give the program
                file_options += spellings
    known["-h"] = known["--help"] = False
    return known, file_options


def _split(arguments: list[str], formula: str | None = None) -> tuple[typer.core.TyperCommand, SplitArgs, list[str]]:
    """The command, and the command line split into its options (for click, the formula last)
    and the inputs' values; the command and the magics both read a command line this way."""
    command = _command()
    known, file_options = _known_options(command)
    split = split_argv(_optional_values_given(arguments), known, file_options, formula=formula)
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
