"""The command's help: its text (the examples a newcomer tries first), and how rich draws it,
within HELP_WIDTH columns. options.py declares the options and hands typer this text."""

from __future__ import annotations

# --help wraps to the terminal's width, up to 100 columns (longer lines are hard to read).
HELP_WIDTH = 100


# Prose paragraphs are written as one would write a paragraph: help_for_rich joins their lines and
# rich fills them to the terminal's width. Only the command examples, after a \b line, keep their
# lines (each short enough for a 60-column terminal: 3 columns of indent and at most 57 of command).
HELP = """
Explain backpropagation through FORMULA at a point: the forward pass, every chain-rule step of
the backward pass, the gradients, and (with --check) an ε-nudge check of each gradient.

FORMULA is an expression (one node per operation) or a program of assignments (newlines or ;,
one node per assignment). Inputs take values as --NAME VALUE or NAME=VALUE: numbers or constant
formulas such as -0.5, 1/3, 2*pi. --functions lists the functions; ln is log; # starts a comment.

\b
  gradexplain "0.5*(w*x+b-y)**2" --w 2 --x -2 --b 8 --y 2
  gradexplain "w = 2; x = -2; c = w*x; J = c**2" --w 3
  gradexplain "relu(w*x)" w=0 x=3 --check
  gradexplain "w*x" --w 2 --x 3 --claim "dJ/dw = x"
  gradexplain --example fan_out -o fan_out.svg
  gradexplain --example square --plot w
  gradexplain --quiz --example linear_regression
  echo "J = exp(w)/w" | gradexplain -f - --w 1

The format follows -o's extension (svg and png need Graphviz; the pictures of --plot and --sweep,
matplotlib: pip install "gradexplain[plot]"). --example lists the example programs.
"""

EPILOG = (
    "Exit codes: 0 success, 1 a gradient check failed or a claim is wrong, 2 bad input or usage, 3 internal error. "
    "Output on a terminal is a coloured table (NO_COLOR is honoured); piped or redirected it is "
    "plain text with a fixed layout, identical on every run."
)


def help_for_rich(help_text: str) -> str:
    """HELP as rich prints it: each prose paragraph one line (rich fills it to the width), the
    example commands after a \\b line kept line by line, and brackets taken literally (escaped
    here rather than with rich.markup.escape, which would import rich on every run)."""
    paragraphs = []
    for paragraph in help_text.strip().split("\n\n"):
        if paragraph.startswith("\b\n"):
            paragraphs.append(paragraph.removeprefix("\b\n"))
        else:
            paragraphs.append(" ".join(paragraph.split()))
    return "\n\n".join(paragraphs).replace("[", "\\[")


def cap_help_width() -> None:
    """--help fills the terminal up to HELP_WIDTH columns: longer lines are hard to read. (typer
    draws help with rich, whose width it reads from this module setting.)"""
    import shutil

    from typer import rich_utils

    rich_utils.MAX_WIDTH = min(shutil.get_terminal_size().columns, HELP_WIDTH)
