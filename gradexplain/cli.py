"""The command line: the only module that reads argv, files and stdin, writes output and picks
exit codes. Everything else is `explain()` and a renderer.

Exit codes: 0 success, 1 a gradient check failed, 2 bad input or usage, 3 an internal error.
"""

from __future__ import annotations

import gc
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from gradexplain import __version__
from gradexplain.argv import SplitArgs, check_dashed, formula_names, split_argv
from gradexplain.errors import GradexplainError, InputError, MissingValuesError, brief, visible
from gradexplain.limits import DESCRIPTIONS, Limits, with_overrides
from gradexplain.notation import Notation
from gradexplain.symbolic import DEFAULT_SYMBOLIC_LIMIT

if TYPE_CHECKING:
    from gradexplain.explain import Explanation
    from gradexplain.render import RenderOptions
    from gradexplain.teach.claims import ClaimText

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
# On a terminal, a table longer than this shows its first and last rows (--full shows all).
TERMINAL_ROWS = 60


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


ISSUES_URL = "the project's issue tracker"

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

Operators: + - * / ** ^ and parentheses. Functions: exp log sqrt sin cos tan tanh sigmoid relu
abs max min softplus (ln is log). Constants: pi e. Comments start with #.

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


@app.command(
    help=HELP,
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": HELP_WIDTH},
)
def main(
    ctx: typer.Context,
    formula: Annotated[
        Optional[str],  # noqa: UP045 - typer reads this annotation at runtime
        typer.Argument(help="The formula or program. A path ending in .gx is read as a program file."),
    ] = None,
    file: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--file", "-f", help="Read the formula or program from FILE ('-' for stdin).", metavar="FILE"),
    ] = None,
    random_exercise: Annotated[
        bool,
        typer.Option(
            "--random",
            help=(
                "Practise on a fresh exercise instead of a formula: a program from a family that teaches "
                "something (the linear unit, a sigmoid neuron, fan-out, a ReLU network with a dead unit), "
                "with values every box of which can be worked by hand. -o ex.gx saves it."
            ),
        ),
    ] = False,
    seed: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--seed", min=0, help="With --random: make this exercise (the same seed, the same one).", metavar="N"
        ),
    ] = None,
    level: Annotated[
        int,
        typer.Option("--level", min=1, max=3, help="With --random: 1 one path, 2 fan-out and sigmoid, 3 networks."),
    ] = 1,
    quiz: Annotated[
        Optional[QuizPart],  # noqa: UP045
        typer.Option(
            "--quiz",
            help=(
                "Practise: fill in every box yourself, each node's value left to right, then each gradient right "
                "to left (forward, backward or both, the default), with feedback on wrong answers. "
                "From a pipe, one answer per line; the last line is score: N/M."
            ),
            metavar="[PART]",
        ),
    ] = None,
    tries: Annotated[int, typer.Option("--tries", min=1, max=10, help="With --quiz: tries per box (default 2).")] = 2,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help=(
                "Check every gradient by nudging its input by ε and rerunning the forward pass. "
                "Forward difference (J(x+ε)-J(x))/ε passes when |estimate - gradient| ≤ "
                "10·ε·max(1, |gradient|); central difference when ≤ 10·ε²·max(1, |gradient|) "
                "(plus float rounding room when values are inexact). Exit code 1 if any fails."
            ),
        ),
    ] = False,
    eps: Annotated[str, typer.Option("--eps", help="The nudge ε for --check.", metavar="EPS")] = "0.001",
    central: Annotated[
        bool, typer.Option("--central", help="Use the central difference (J(x+ε)-J(x-ε))/2ε for --check.")
    ] = False,
    check_only: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--check-only",
            help="Check only these inputs, e.g. --check-only w,b (all still get gradients); implies --check.",
            metavar="NAMES",
        ),
    ] = None,
    wrt: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--wrt",
            help="Only these inputs get gradients, e.g. --wrt w,b (data such as x, y need none).",
            metavar="NAMES",
        ),
    ] = None,
    target: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--target", help="Differentiate this computed name instead of the last one.", metavar="NAME"),
    ] = None,
    claim: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--claim",
            help=(
                'A gradient you believe, to check, repeatable: --claim "dJ/dw = x*(w*x + b - y)". The left side '
                "is dJ/dw, ∂J/∂w, dJ_dw or dw (J: the output); the right side a number or a formula over the "
                "formula's names, intermediates included. Exit code 1 if any is wrong."
            ),
            metavar="CLAIM",
        ),
    ] = None,
    claims_file: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--claims",
            help="Read claims from FILE, one per line (# starts a comment), as --claim takes them ('-' for stdin).",
            metavar="FILE",
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
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
        ),
    ] = OutputFormat.auto,
    output: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--output",
            "-o",
            help=(
                "Write to FILE instead of standard output; with --format auto the extension picks "
                "the format: .txt .json .md .tex .html .lab.html .dot .gv .mmd .svg .png .gx (.pdf: the picture "
                "of --plot, --sweep)."
            ),
            metavar="FILE",
        ),
    ] = None,
    standalone: Annotated[
        bool,
        typer.Option(
            "--standalone",
            help="With --format latex: a whole document, for pdflatex (or lualatex when names need Unicode fonts).",
        ),
    ] = False,
    notation: Annotated[
        NotationChoice,
        typer.Option(
            "--notation",
            help=(
                "How gradients are written, in every format: leibniz ∂J/∂w, dvar dJ_dw (the course labs' "
                "naming; dw in the lectures), adjoint w̄ (the autodiff literature). Local derivatives are "
                "always ∂ₗc/∂w, so that they never read as gradients."
            ),
        ),
    ] = NotationChoice.leibniz,
    blank: Annotated[
        bool,
        typer.Option(
            "--blank",
            help=(
                "A worksheet: every computed value and gradient left empty (text, markdown, latex, html and the "
                "drawings); the same command without it is the answer key."
            ),
        ),
    ] = False,
    digits: Annotated[
        int,
        typer.Option(
            "--digits",
            min=1,
            max=30,
            help="Significant digits for values that are not exact terminating decimals.",
        ),
    ] = 6,
    symbolic_limit: Annotated[
        int,
        typer.Option(
            "--symbolic-limit",
            min=0,
            help=(
                "Compute symbolic gradients only while the formula, written out, has at most this many operations, "
                "and that size times the number of gradients is at most 10 times as many."
            ),
        ),
    ] = DEFAULT_SYMBOLIC_LIMIT,
    limit: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--limit",
            help=(
                "Raise or lower a resource limit, NAME=N, repeatable: "
                + "; ".join(
                    f"{name} ({text}, default {getattr(Limits(), name)})" for name, text in DESCRIPTIONS.items()
                )
                + "."
            ),
            metavar="NAME=N",
        ),
    ] = None,
    cost: Annotated[
        bool,
        typer.Option(
            "--cost",
            help=(
                "Add what the gradients cost: the backward pass's local-derivative steps (about N + P) against "
                "the node evaluations of nudging every input (N × P), with measured times."
            ),
        ),
    ] = False,
    plot: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--plot",
            help=(
                "Plot J against input NAME around the point, the others fixed: the curve, the tangent (slope "
                "∂J/∂NAME) and --check's ε secant. In characters on a terminal; a picture with -o plot.svg, "
                ".png or .pdf and in HTML (matplotlib)."
            ),
            metavar="NAME",
        ),
    ] = None,
    sweep: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--sweep",
            help=(
                "Forward and central differences of ∂J/∂NAME and their errors for every ε of --eps-range, in exact "
                "arithmetic and in floating point, with the best ε."
            ),
            metavar="NAME",
        ),
    ] = None,
    eps_range: Annotated[
        str,
        typer.Option(
            "--eps-range",
            help="The ε of --sweep: powers of ten FROM..TO (--check's ε and twice it are added).",
            metavar="FROM..TO",
        ),
    ] = "1e-1..1e-12",
    mode: Annotated[
        ModeChoice,
        typer.Option(
            "--mode",
            help=(
                "forward: add forward mode's tangent trace for each input of --wrt beside the backward pass "
                "(reverse mode), and what each costs."
            ),
        ),
    ] = ModeChoice.reverse,
    descend: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--descend",
            help="Take N steps of gradient descent on the inputs of --wrt, w ← w − α·∂J/∂w (with --lr).",
            metavar="N",
        ),
    ] = None,
    lr: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--lr", help="The learning rate α of --descend, e.g. 0.1.", metavar="ALPHA"),
    ] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help=f"On a terminal, show every row of long tables (by default, tables over {TERMINAL_ROWS} rows "
            "show their first and last rows; files and pipes always get everything).",
        ),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an internal error.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"gradexplain {__version__}")
        raise typer.Exit(EXIT_OK)
    try:
        request = read_request(ctx)
        from gradexplain.explain import explain

        with _progress(request.source) as on_stage:
            explanation = explain(request.source, request.values, **request.arguments, on_stage=on_stage)
            explanation = with_views_asked(ctx, explanation, request.limits)
            on_stage("output")
            warn(explanation.warnings)
            warn(idle_options(ctx, explanation.checks is not None))
            if quiz is not None:
                quizzed = _quiz(explanation, quiz.value, tries, Notation(notation.value), request.output.path)
            else:
                write_output(explanation, request.output, request.limits)
    except GradexplainError as error:
        sys.stderr.write(describe(error, ctx) + "\n")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except Exception:  # a bug: never show a user a traceback unless asked
        if debug:
            traceback.print_exc()
        else:
            sys.stderr.write(INTERNAL_ERROR + "\n")
        raise typer.Exit(EXIT_INTERNAL) from None
    if quiz is not None:
        raise typer.Exit(quizzed)
    raise typer.Exit(EXIT_OK if explanation.ok else EXIT_CHECK_FAILED)


def _quiz(explanation: Explanation, part: str, tries: int, notation: Notation, output: str | None) -> int:
    """--quiz: the session instead of the tables (which would give the answers away); the exit
    code is 0 when every box ended right."""
    if output is not None:
        raise InputError(
            "--quiz asks on the terminal; it writes no file", hint="drop -o, or use --blank for a worksheet"
        )
    from gradexplain.quiz_session import run_quiz
    from gradexplain.render import RenderOptions, render_text
    from gradexplain.teach.quiz import check_size

    check_size(explanation)

    blanks = RenderOptions(notation=notation, blank=True, keep_values=part == "backward")
    graph = render_text(explanation, "tree", blanks)
    result = run_quiz(explanation, part, tries, notation, graph)
    sys.stdout.flush()
    return EXIT_OK if result.right == result.asked else EXIT_CHECK_FAILED


INTERNAL_ERROR = (
    "internal error: gradexplain failed unexpectedly. Please report it with the command you ran "
    f"at {ISSUES_URL}; rerun with --debug to see the traceback."
)


@dataclass(frozen=True, slots=True)
class Request:
    """A command line, read: the text to explain, explain()'s other arguments, and the output
    asked for. The command and the notebook's magics (gradexplain.notebook) both start here."""

    source: str
    values: dict[str, str]
    arguments: dict[str, Any]  # explain()'s keyword arguments: target, wrt, check, eps, limits, origin, …
    output: Output
    limits: Limits


def read_request(ctx: typer.Context) -> Request:
    """What the parsed command line asks for: the formula read (from the argument, -f FILE or
    stdin), limits and the -o path checked, mistyped options told from input values."""
    params = ctx.params
    split: SplitArgs = ctx.obj or SplitArgs()
    _practice_conflicts(params)
    limits = with_overrides(params["limit"] or [])
    _check_output_path(params["output"])
    if params["random_exercise"]:
        source, origin = _exercise(params["formula"], params["file"], params["seed"], params["level"]), "exercise"
    else:
        warn(_exercise_options(ctx))
        source, origin = _read_source(params["formula"], params["file"], limits)
    check_dashed(split, source, _option_spellings(ctx))
    claims = _claims(params["claim"] or [], params["claims_file"], params["file"], limits, source, split.values)
    arguments = {
        "target": params["target"],
        "wrt": _names(params["wrt"]),
        "check": params["check"],
        "check_only": _names(params["check_only"]),
        "cost": params["cost"],
        "eps": params["eps"],
        "central": params["central"],
        "symbolic_limit": params["symbolic_limit"],
        "limits": limits,
        "origin": origin,
        "claims": claims,
    }
    output = Output(
        OutputFormat(params["output_format"]).value,
        params["output"],
        params["digits"],
        params["standalone"],
        params["full"],
        notation=NotationChoice(params["notation"]).value,
        blank=params["blank"],
    )
    return Request(source, split.values, arguments, output, limits)


def describe(error: GradexplainError, ctx: typer.Context) -> str:
    """The error as the one short block the CLI prints (missing values: how to pass them on
    this command line)."""
    if isinstance(error, MissingValuesError):
        error.hint = "; ".join(filter(None, (error.case_note, _how_to_pass(ctx, error.names))))
    return error.describe()


def _split(arguments: list[str], formula: str | None = None) -> tuple[Any, SplitArgs, list[str]]:
    """The command, and the command line split into its options (for click, the formula last)
    and the inputs' values; the command and the magics both read a command line this way."""
    command = typer.main.get_command(app)
    known, file_options = _known_options(command)
    split = split_argv(_quiz_part_given(arguments), known, file_options, formula=formula)
    return command, split, split.options + (["--", split.formula] if split.formula is not None else [])


def read_command_line(arguments: list[str], formula: str | None = None) -> typer.Context:
    """The command line parsed as the command parses it, without running it (for the magics).
    `formula` given (a notebook cell), every positional argument is a NAME=VALUE. Raises
    GradexplainError for a bad command line; click's Exit after --help has printed the help."""
    command, split, click_args = _split(arguments, formula)
    try:
        return command.make_context("gradexplain", click_args, obj=split)
    except Exception as problem:
        if not is_click(problem, "UsageError"):
            raise
        raise InputError(problem.format_message(), hint="--help lists the options") from None  # type: ignore[attr-defined]


def is_click(problem: BaseException, name: str) -> bool:
    """Whether `problem` is click's exception `name` (UsageError, Exit), wherever click comes
    from: typer vendors its own copy from 0.20 on."""
    return any(kind.__name__ == name for kind in type(problem).__mro__)


def warn(warnings: tuple[str, ...], kind: str = "warning") -> None:
    """Warnings (or notes) on stderr, one line each, control characters escaped (they may quote
    a name or a file name the user typed)."""
    for warning in warnings:
        sys.stderr.write(f"{kind}: {visible(warning)}\n")


def _how_to_pass(ctx: typer.Context, names: tuple[str, ...]) -> str:
    """How to give the missing inputs on this command line: `--b VALUE`, but `eps=0.1` for a name
    that is also an option (`--eps 0.1` went to the option; the user most likely meant the input)."""
    options = {spelling: param for param in ctx.command.params for spelling in getattr(param, "opts", ())}
    ways: list[str] = []
    clashes: list[str] = []
    for name in names[:6]:
        param = options.get(f"--{name}")
        if param is None:
            ways.append(f"--{name} VALUE")
            continue
        given = ctx.params.get(param.name or "")
        if isinstance(given, list | tuple) and len(given) == 1:  # --claim 3: the one value of a repeatable option
            given = given[0]
        from_command_line = getattr(ctx.get_parameter_source(param.name or ""), "name", "") == "COMMANDLINE"
        typed = from_command_line and isinstance(given, str | int) and not isinstance(given, bool | StrEnum)
        ways.append(f"{name}={brief(str(given), 40) if typed else 'VALUE'}")
        clashes.append(f"--{name}")
    hint = f"pass {'them' if names[1:] else 'it'} as {' '.join(ways)}"
    if clashes:
        many = len(clashes) > 1
        owned = f"{'are' if many else 'is'} gradexplain's own option{'s' if many else ''}"
        return f"{hint} ({', '.join(clashes)} {owned})"
    return hint + " (or NAME=VALUE)"


def _option_spellings(ctx: typer.Context) -> list[str]:
    return [spelling for param in ctx.command.params for spelling in getattr(param, "opts", ())]


def _given(ctx: typer.Context, name: str) -> bool:
    """Whether the option was typed on the command line (not left at its default)."""
    return getattr(ctx.get_parameter_source(name), "name", "") == "COMMANDLINE"


def idle_options(ctx: typer.Context, checking: bool) -> list[str]:
    """Warnings for options that would do nothing here: --eps and --central without a check."""
    return _only_for(
        ctx, ("eps", "central"), checking, "the ε-check, and --check was not given: add it to nudge each input by ε"
    )


def _only_for(ctx: typer.Context, names: tuple[str, ...], used: bool, what: str) -> list[str]:
    """A warning for options typed where what they shape is not asked for: `--seed and --level
    only apply to --random exercises; …` (nothing when `used`, or when none was typed)."""
    idle = [f"--{name.replace('_', '-')}" for name in names if _given(ctx, name)]
    if used or not idle:
        return []
    return [f"{' and '.join(idle)} only {'apply' if idle[1:] else 'applies'} to {what}"]


def with_views_asked(ctx: typer.Context, explanation: Explanation, limits: Limits) -> Explanation:
    """The explanation with the views this command line asks for (--plot, --sweep, --mode
    forward, --descend), for the command and the magics; the views load only when asked for."""
    p = ctx.params
    sweeping = p["sweep"] is not None
    warn(tuple(_only_for(ctx, ("eps_range",), sweeping, "--sweep, which was not given: add --sweep NAME")))
    mode = ModeChoice(p["mode"]).value
    if p["plot"] is None and p["sweep"] is None and mode == "reverse" and p["descend"] is None and p["lr"] is None:
        return explanation
    from gradexplain.views import with_views

    views = {name: p[name] for name in ("plot", "sweep", "eps_range", "descend", "lr")}
    return with_views(explanation, mode=mode, limits=limits, **views)


def _check_output_path(path: str | None) -> None:
    """-o names a file: a directory (or a name ending in /) is a mistake, said before any work."""
    if path is None or path == "-":
        return
    if path.endswith(("/", os.sep)) or os.path.isdir(path):
        raise InputError(
            f"-o {path}: that is a directory, not a file",
            hint=f"name a file in it, such as {os.path.join(path, 'graph.svg')}",
        )


def _names(option: str | None) -> list[str] | None:
    """A comma-separated list of names, as --wrt and --check-only take them."""
    return [name.strip() for name in option.split(",") if name.strip()] if option else None


def _practice_conflicts(params: dict[str, Any]) -> None:
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


def _exercise(formula: str | None, file: str | None, seed: int | None, level: int) -> str:
    """A --random exercise's program; without --seed a seed is drawn, and said, so that it can be made again."""
    if formula is not None or file is not None:
        raise InputError("--random makes its own exercise: give it no formula or -f", hint="drop one or the other")
    from gradexplain.teach.exercises import make_exercise

    if seed is None:
        import random

        seed = random.SystemRandom().randrange(10_000)
    exercise = make_exercise(seed, level)
    warn((f"exercise: {exercise.family}, made again by {exercise.command}",), "note")
    return exercise.text


def _exercise_options(ctx: typer.Context) -> list[str]:
    """--seed and --level only shape a --random exercise."""
    return _only_for(ctx, ("seed", "level"), False, "--random exercises; add --random to make one")


def _too_long(origin: str, limits: Limits) -> InputError:
    return InputError(f"{origin} is longer than the limit of {limits.source} characters", hint=limits.hint("source"))


def _read_source(formula: str | None, file: str | None, limits: Limits) -> tuple[str, str | None]:
    """The formula, from the argument, a file or stdin, never reading more than the limit allows."""
    if file is not None and formula is not None:
        raise InputError("give the formula either as an argument or with -f, not both")
    if file is None and formula is not None and formula.endswith(".gx") and _looks_like_a_path(formula):
        file = formula
    if file is None:
        if formula is None:
            raise InputError(
                "no formula given",
                hint='try: gradexplain "0.5*(w*x+b-y)**2" --w 2 --x -2 --b 8 --y 2  (or -f FILE; see --help)',
            )
        return formula, None
    data, origin = _read_data(file, limits)
    return _decoded(data, origin, limits), origin


def _read_data(path: str, limits: Limits) -> tuple[bytes, str]:
    """The bytes of a file or of stdin (`-`), one more than the source limit allows at most."""
    most = 4 * limits.source  # UTF-8 takes at most 4 bytes a character
    if path == "-":
        return sys.stdin.buffer.read(most + 1), "<stdin>"
    return _read_file(path, most), path


def _decoded(data: bytes, origin: str, limits: Limits) -> str:
    """The text of what was read: within the source limit, and UTF-8."""
    if len(data) > 4 * limits.source:
        raise _too_long(origin, limits)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise InputError(f"{origin} is not UTF-8 text (byte {problem.start})", hint="save the file as UTF-8") from None


def _claims(
    given: list[str], path: str | None, file: str | None, limits: Limits, source: str, values: dict[str, str]
) -> list[str | ClaimText] | None:
    """The claims of --claim, then those of the --claims file (one a line, blank lines and
    # comments skipped), each knowing its line there so that an error can point at it. A file
    that cannot be read may have been meant as the value of an input called claims."""
    from gradexplain.teach.claims import ClaimText

    claims: list[str | ClaimText] = list(given)
    if path is not None:
        if path == "-" and file == "-":
            raise InputError(
                "--claims - and -f - both read standard input", hint="put the claims or the formula in a file"
            )
        try:
            data, origin = _read_data(path, limits)
        except InputError as error:
            error.message, error.hint = f"--claims: {error.message}", "check the path of the claims file"
            if "claims" not in values and "claims" in (formula_names(source) or ()):
                error.hint = (
                    f"if {brief(path, 40)} is the value of claims, write claims={brief(path, 40)} (--claims is "
                )
                error.hint += "gradexplain's own option)"
            raise
        text = _decoded(data, origin, limits)
        found = [
            ClaimText(text, line.start(), line.end(), origin)
            for line in _LINES.finditer(text)
            if line.group().strip() and not line.group().strip().startswith("#")
        ]
        if not found:
            raise InputError(
                f"{origin} holds no claims", hint="write one claim a line, such as  dJ/dw = x*(w*x + b - y)"
            )
        claims += found
    return claims or None


_LINES = re.compile(r"[^\r\n]+")


def _looks_like_a_path(formula: str) -> bool:
    """A positional argument ending in .gx is a program file when it exists, or when it could
    only be a path (one word: no formula ends in `.gx`)."""
    return os.path.lexists(formula) or (len(formula) <= 4096 and not any(char.isspace() for char in formula))


def _read_file(file: str, most: int) -> bytes:
    """At most `most` + 1 bytes of `file`: a regular file, or a pipe or device such as
    `<(echo w)` or /dev/stdin, read as far as it goes. Each way of failing gets its own message."""
    try:
        with open(file, "rb") as stream:
            return stream.read(most + 1)
    except FileNotFoundError:
        raise InputError(f"no such file: {file}", hint="check the path, or pass the formula itself") from None
    except IsADirectoryError:
        raise InputError(
            f"{file} is a directory, not a file", hint="name a file in it, such as a .gx program"
        ) from None
    except PermissionError:
        raise InputError(f"cannot read {file}: permission denied", hint="check the file's permissions") from None
    except OSError as problem:
        reason = problem.strerror or type(problem).__name__
        raise InputError(f"cannot read {file}: {reason}", hint="check the path, or pass the formula itself") from None


@dataclass(frozen=True, slots=True)
class Output:
    """What to write and where, as the options gave it."""

    format: str
    path: str | None  # None or "-": standard output
    digits: int
    standalone: bool
    full: bool
    notation: str = "leibniz"
    blank: bool = False


# Formats that draw the graph or its tree, with no place for the gradient checks.
WITHOUT_CHECKS = ("tree", "dot", "mermaid", "svg", "png", "pdf", "program", "lab")

# Stages as explain() reports them, then the CLI's own; a progress bar walks through them.
STAGES = ("parse", "build", "compile", "forward", "backward", "audit", "symbolic", "claims", "check", "output")
# Sources this large take long enough to deserve a progress bar (on a terminal only).
PROGRESS_FROM_CHARACTERS = 100_000


@contextmanager
def _progress(source: str) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr through the stages, for long runs and only on a terminal: a
    pipe or a file never gets one. It disappears once the output is written."""
    if len(source) < PROGRESS_FROM_CHARACTERS or not sys.stderr.isatty():
        yield _no_progress
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description:<9}"),
        BarColumn(),
        TextColumn("stage {task.completed:.0f} of {task.total:.0f}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("starting", total=len(STAGES))

    def on_stage(stage: str) -> None:
        bar.update(task, description=stage, completed=STAGES.index(stage) + 1)

    with bar:
        yield on_stage


def _no_progress(stage: str) -> None:
    """No progress bar: piped, redirected, or too quick to need one."""


def write_output(explanation: Explanation, output: Output, limits: Limits) -> None:
    """Render in the chosen format and write to stdout or the -o file (the only writer)."""
    from gradexplain.notation import LEIBNIZ
    from gradexplain.output import check_standalone, format_for_path, render_bytes
    from gradexplain.render import RenderOptions

    options = RenderOptions(digits=output.digits, notation=Notation(output.notation), blank=output.blank)
    output_format, standalone = output.format, output.standalone
    to_file = output.path is not None and output.path != "-"
    if output_format == "auto" and to_file:
        output_format = format_for_path(output.path)  # type: ignore[arg-type]
    elif output_format == "auto":
        output_format = "rich" if sys.stdout.isatty() else "text"
    if output_format == "rich" and to_file:
        raise InputError("--format rich is for a terminal", hint="write text, markdown or html to a file")
    if output_format in ("png", "pdf") and not to_file and sys.stdout.isatty():
        kind = "a PNG image" if output_format == "png" else "a PDF"
        raise InputError(f"{kind} is not for a terminal", hint=f"write it to a file: -o graph.{output_format}")
    check_standalone(output_format, standalone)
    if output.blank and output_format in ("json", "program"):
        raise InputError(
            f"--blank makes worksheets; --format {output_format} always holds the answers",
            hint="use text, markdown, latex, html or a drawing for a worksheet",
        )
    if output.blank and output_format == "lab":
        warn(("the lab page is a worksheet already: --blank changes nothing in it",))
    checking, claiming = explanation.checks is not None, explanation.claims is not None
    if output.blank and checking:
        warn(("a worksheet (--blank) leaves out the gradient checks, which would give the answers away",))
    elif checking and output_format in WITHOUT_CHECKS:
        warn(
            (
                f"the {output_format} format does not show the gradient checks (the exit code still says whether "
                "they pass); text, rich, markdown, html, latex and json show them",
            )
        )
    if claiming and output_format in WITHOUT_CHECKS:
        warn(
            (
                f"the {output_format} format does not show the claims (the exit code still says whether any is "
                "wrong); text, rich, markdown, html, latex and json show them",
            )
        )
    if output_format == "json" and output.notation != LEIBNIZ:
        warn(("--notation does not change JSON, whose field names stay the same in every notation",))
    if output_format == "rich":
        _to_stdout(lambda: _print_rich(explanation, options, output.full))
        return
    rendered = render_bytes(explanation, output_format, options, standalone=standalone, limits=limits)
    warn(rendered.warnings)
    warn(rendered.notes, "note")
    if to_file:
        try:
            Path(output.path).write_bytes(rendered.data)  # type: ignore[arg-type]
        except OSError as problem:
            raise InputError(f"cannot write {output.path}: {problem.strerror}", hint="check the path") from None
        if output_format == "latex" and not standalone and Path(output.path).suffix.lower() == ".tex":  # type: ignore[arg-type]
            engine = "lualatex" if rendered.notes else "pdflatex"
            warn(
                (
                    f"{output.path} is a LaTeX fragment, to \\input into a document; "
                    f"--standalone writes a whole document that {engine} compiles",
                ),
                "note",
            )
        return
    _to_stdout(lambda: sys.stdout.buffer.write(rendered.data))


def _to_stdout(write: Callable[[], object]) -> None:
    """Write to stdout; a reader that stops early (`gradexplain ... | head`) has all it wanted."""
    try:
        write()
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _print_rich(explanation: Explanation, options: RenderOptions, full: bool) -> None:
    from rich.console import Console

    from gradexplain.render import rich as rich_renderer

    rows = None if full else TERMINAL_ROWS
    Console(highlight=False).print(rich_renderer.render(explanation, options, rows=rows))  # honours NO_COLOR


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


def run(argv: list[str] | None = None) -> None:
    """Console-script entry point (`argv` given: called in-process, as tests do)."""
    if argv is None:
        # This process is the command: what is loaded by now (SymPy, typer, our modules) stays
        # until exit, so the cyclic collector need not walk it again, during the run or at exit,
        # where that pass took a fifth of the time of `import sympy` (benchmarks/startup.py).
        gc.freeze()
    try:
        command, split, click_args = _split(sys.argv[1:] if argv is None else argv)
    except GradexplainError as error:
        sys.stderr.write(error.describe() + "\n")
        sys.exit(EXIT_BAD_INPUT)
    command.main(args=click_args, prog_name="gradexplain", obj=split, standalone_mode=True)
