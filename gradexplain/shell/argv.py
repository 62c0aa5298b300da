"""Splitting the command line into gradexplain's options, the formula, and input values.

Input values are dynamic options (`--w 2`, `--w=2`) and `NAME=VALUE` words, which typer cannot
declare in advance. So argv is split here first: known options (and their values) go to typer,
the rest become the formula and a name → value mapping. `--x -2` works because the word after
`--x` is its value, whatever it looks like, unless it is an option (`--chek --format json`).

A `--NAME` that is no option may be an input's value or a mistyped option (`--chek`, `--ouput`,
`--epsilon`). Only the formula can tell, so `check_dashed` decides once the formula is read:
a name close to an option that the formula does not have is a typo.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from gradexplain.errors import GradexplainError, InputError

_ASSIGNMENT = re.compile(r"^\s*([^\s=]+?)\s*=(?!=)(.*)$", re.DOTALL)
# A word that can only be meant as an option: --check-onl, --install-completion (a name has no -).
_OPTION_LIKE = re.compile(r"--[^\W\d][\w-]*", re.UNICODE)
# How close (difflib's ratio) a --NAME must be to an option to count as its misspelling:
# chek/check 0.89, ouput/output 0.91, epsilon/eps 0.6; w/wrt 0.5 and e/eps 0.5 are not.
CLOSE_TO_AN_OPTION = 0.6


def _is_name(word: str) -> bool:
    """A name as the formula's tokenizer reads one (Python's identifiers: letters, digits, _ and
    combining marks such as the tilde of x̃)."""
    return word.isidentifier()


@dataclass(frozen=True, slots=True)
class SplitArgs:
    options: list[str] = field(default_factory=list)  # for typer, in their original order
    formula: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    dashed: tuple[str, ...] = ()  # names given as --NAME VALUE (a NAME=VALUE word is never an option)
    valueless: tuple[str, ...] = ()  # names given as --NAME with no value after them


def close_option(name: str, options: Iterable[str]) -> str | None:
    """The option `--name` probably misspells, or None: one it starts with or that starts with
    it (`checks`, `epsilon` → `--eps`, `out` → `--output`), one close by difflib's ratio (`chek`,
    `ouput`), or a one-letter option (`--o` → `-o`). No option has a digit, so a name with one
    (w1, x_12) is never taken for one: a command line of thousands of such values costs nothing."""
    if any(char.isdigit() for char in name):
        return None
    folded = name.casefold().replace("_", "-")
    spelled = {option[2:]: option for option in options if option.startswith("--")}
    if folded in spelled:
        return spelled[folded]
    shorts = {option[1:]: option for option in options if len(option) == 2 and option[0] == "-"}
    if folded in shorts:
        return shorts[folded]
    if len(folded) >= 3:
        longer = [option for option in spelled if option.startswith(folded)]
        if longer:
            return spelled[min(longer, key=len)]
        shorter = [option for option in spelled if len(option) >= 3 and folded.startswith(option)]
        if shorter:
            return spelled[max(shorter, key=len)]
    close = difflib.get_close_matches(folded, spelled, n=1, cutoff=CLOSE_TO_AN_OPTION)
    return spelled[close[0]] if close else None


def _unknown_option(
    word: str, options: Iterable[str], hint: str = "gradexplain --help lists the options"
) -> InputError:
    option = close_option(word[2:], options)
    suggestion = f"; did you mean {option}?" if option else ""
    return InputError(f"unknown option {word}{suggestion}", hint=hint)


def formula_names(source: str) -> set[str] | None:
    """The names in the formula, or None when it does not even tokenize (explain() says why)."""
    from gradexplain.tokens import tokenize

    try:
        return {token.text for token in tokenize(source) if token.kind == "NAME"}
    except GradexplainError:
        return None


def check_dashed(split: SplitArgs, source: str, options: Iterable[str]) -> None:
    """Raise for a `--NAME` that is no option and no name of the formula, when it has no value
    or is close to an option (`--chek`, `--ouput x.svg`); then for a name of the formula given
    no value. The formula is read only for such words, so most runs pay nothing for this."""
    options = tuple(options)
    suspects = [name for name in split.dashed if name in split.valueless or close_option(name, options) is not None]
    names = formula_names(source) if suspects else None
    if names is None:  # nothing suspect, or a formula that does not tokenize: explain() reports that
        return
    for name in suspects:
        if name not in names:
            raise _unknown_option(
                f"--{name}", options, hint=f"the formula has no name {name} either, so --{name} is no input's value"
            )
    if split.valueless:
        name = split.valueless[0]
        raise InputError(f"--{name} needs a value", hint=f"write --{name} 2 or {name}=2")


def split_argv(
    argv: list[str], known: dict[str, bool], file_options: tuple[str, ...], formula: str | None = None
) -> SplitArgs:
    """`known` maps each option spelling (`--eps`, `-f`) to whether it takes a value. With
    `formula` (a notebook cell holds it), every positional argument is a value."""
    options: list[str] = []
    positionals: list[str] = []
    values: dict[str, str] = {}
    dashed: list[str] = []
    valueless: list[str] = []

    def add_value(name: str, value: str) -> None:
        if name in values:
            raise InputError(f"{name} is given two values ({values[name]} and {value})", hint="give each input once")
        values[name] = value

    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":
            positionals.extend(argv[i + 1 :])
            break
        option, has_equals, inline = word.partition("=")
        if option in known:
            options.append(word)
            if known[option] and not has_equals and i + 1 < len(argv):
                options.append(argv[i + 1])
                i += 1
        elif word.startswith("--") and _is_name(option[2:]):
            name = option[2:]
            dashed.append(name)
            if has_equals:
                add_value(name, inline)
            elif i + 1 < len(argv) and not _OPTION_LIKE.match(argv[i + 1]):
                add_value(name, argv[i + 1])
                i += 1
            else:
                valueless.append(name)
        elif _OPTION_LIKE.fullmatch(option):  # --check-onl: no name has a hyphen
            raise _unknown_option(option, known)
        else:
            positionals.append(word)
        i += 1

    reading_file = any(o.partition("=")[0] in file_options for o in options)
    in_cell = formula is not None
    rest = positionals
    if formula is None and not reading_file and positionals:
        formula, rest = positionals[0], positionals[1:]
    for word in rest:
        match = _ASSIGNMENT.match(word)
        if not match or not _is_name(match[1]):
            where = (
                "the program comes from -f, --example or --random, so "
                if reading_file
                else "the formula is the cell, so "
                if in_cell
                else "the formula is the first argument; "
            )
            raise InputError(
                f"unexpected argument {word!r}",
                hint=f"{where}further arguments must be values such as w=2 (or --w 2)",
            )
        add_value(match[1], match[2].strip())
    return SplitArgs(options, formula, values, tuple(dashed), tuple(valueless))
