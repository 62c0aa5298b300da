"""The example programs shipped with the package (gradexplain/examples/*.gx), for `--example`.

They are package data, so `gradexplain --example fan_out --check` works wherever gradexplain is
installed, not only in a clone; `--example` alone lists them with what each teaches.
"""

from __future__ import annotations

import difflib
from importlib.resources import files
from importlib.resources.abc import Traversable

from gradexplain.errors import InputError, brief


def _programs() -> dict[str, Traversable]:
    folder = files("gradexplain").joinpath("examples")
    found = {entry.name.removesuffix(".gx"): entry for entry in folder.iterdir() if entry.name.endswith(".gx")}
    return dict(sorted(found.items()))


def example_names() -> list[str]:
    return list(_programs())


def example_program(name: str) -> str:
    """The program of the example `name`; an InputError naming the examples when there is none."""
    programs = _programs()
    if name not in programs:
        close = difflib.get_close_matches(name, list(programs), n=1, cutoff=0.5)
        raise InputError(
            f"--example {brief(name, 40)}: no such example" + (f"; did you mean {close[0]}?" if close else ""),
            hint=f"the examples are {', '.join(programs)}; gradexplain --example lists them with what each teaches",
        )
    return programs[name].read_text(encoding="utf-8")


def example_listing() -> str:
    """Every example: its name, the first line of its comment (what it is), and the command to try."""
    lines = ["Examples (run one with gradexplain --example NAME, and any options):", ""]
    for name, program in _programs().items():
        comments = [
            line[1:].strip() for line in program.read_text(encoding="utf-8").splitlines() if line.startswith("#")
        ]
        summary = comments[0] if comments else ""
        tries = [line.removeprefix("Try:").strip() for line in comments if line.startswith("Try:")]
        lines.append(f"  {name}")
        lines.append(f"    {summary}")
        if tries:
            lines.append(f"    try: {tries[0]}")
    return "\n".join(lines)
