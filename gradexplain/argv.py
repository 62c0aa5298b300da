"""Splitting the command line into gradexplain's options, the formula, and input values.

Input values are dynamic options (`--w 2`, `--w=2`) and `NAME=VALUE` words, which typer cannot
declare in advance. So argv is split here first: known options (and their values) go to typer,
the rest become the formula and a name → value mapping. `--x -2` works because the word after
`--x` is always its value, whatever it looks like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gradexplain.errors import InputError

_ASSIGNMENT = re.compile(r"^\s*([^\s=]+?)\s*=(?!=)(.*)$", re.DOTALL)


def _is_name(word: str) -> bool:
    """A name as the formula's tokenizer reads one (Python's identifiers: letters, digits, _ and
    combining marks such as the tilde of x̃)."""
    return word.isidentifier()


@dataclass(frozen=True, slots=True)
class SplitArgs:
    options: list[str] = field(default_factory=list)  # for typer, in their original order
    formula: str | None = None
    values: dict[str, str] = field(default_factory=dict)


def split_argv(argv: list[str], known: dict[str, bool], file_options: tuple[str, ...]) -> SplitArgs:
    """`known` maps each option spelling (`--eps`, `-f`) to whether it takes a value."""
    options: list[str] = []
    positionals: list[str] = []
    values: dict[str, str] = {}

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
            if has_equals:
                add_value(name, inline)
            elif i + 1 < len(argv):
                add_value(name, argv[i + 1])
                i += 1
            else:
                raise InputError(f"--{name} needs a value", hint=f"write --{name} 2 or {name}=2")
        else:
            positionals.append(word)
        i += 1

    reading_file = any(o.partition("=")[0] in file_options for o in options)
    formula = None
    rest = positionals
    if not reading_file and positionals:
        formula, rest = positionals[0], positionals[1:]
    for word in rest:
        match = _ASSIGNMENT.match(word)
        if not match or not _is_name(match[1]):
            where = "the formula comes from the file, so " if reading_file else "the formula is the first argument; "
            raise InputError(
                f"unexpected argument {word!r}",
                hint=f"{where}further arguments must be values such as w=2 (or --w 2)",
            )
        add_value(match[1], match[2].strip())
    return SplitArgs(options, formula, values)
