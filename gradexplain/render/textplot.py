"""Charts drawn with characters, for a terminal and for plain text: a grid of ASCII cells, each
line of data its own character, axes labelled at their ends. The same bytes on every run; no
plotting library (a terminal plot must not pay matplotlib's import)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from gradexplain.numbers import format_number

WIDTH, HEIGHT = 60, 16

Piece = Sequence[tuple[float, float]]


@dataclass(frozen=True, slots=True)
class Line:
    """Pieces of polyline drawn with `mark` (later lines draw over earlier ones)."""

    pieces: Sequence[Piece]
    mark: str


@dataclass(frozen=True, slots=True)
class Axes:
    low: float  # x from low to high, left to right …
    high: float
    bottom: float  # … and y from bottom to top
    top: float
    x_label: str
    log: bool = False  # both axes are log10 of the values (the ε sweep)


def _label(value: float, log: bool) -> str:
    return f"1e{round(value)}" if log else format_number(value, 4)


def chart(axes: Axes, lines: Sequence[Line], marks: Sequence[tuple[float, float, str]] = ()) -> tuple[str, ...]:
    """The chart as lines of text: y labels on the left, the x axis and its labels below."""
    grid = [[" "] * WIDTH for _ in range(HEIGHT)]
    x_span = (axes.high - axes.low) or 1.0
    y_span = (axes.top - axes.bottom) or 1.0

    def cell(x: float, y: float) -> tuple[int, int] | None:
        if not (math.isfinite(x) and math.isfinite(y)):
            return None
        column = round((x - axes.low) / x_span * (WIDTH - 1))
        row = round((axes.top - y) / y_span * (HEIGHT - 1))
        return (row, column) if 0 <= row < HEIGHT and 0 <= column < WIDTH else None

    for line in lines:
        for piece in line.pieces:
            for (x1, y1), (x2, y2) in itertools.pairwise(piece):
                _segment(grid, cell, x1, y1, x2, y2, line.mark, x_span, y_span)
            if len(piece) == 1 and (place := cell(*piece[0])):
                grid[place[0]][place[1]] = line.mark
    for x, y, mark in marks:
        if place := cell(x, y):
            grid[place[0]][place[1]] = mark
    labels = {0: _label(axes.top, axes.log), HEIGHT - 1: _label(axes.bottom, axes.log)}
    width = max(len(text) for text in labels.values())
    rows = [f"{labels.get(r, ''):>{width}} |{''.join(grid[r])}".rstrip() for r in range(HEIGHT)]
    rows.append(" " * width + " +" + "-" * WIDTH)
    left, right = _label(axes.low, axes.log), _label(axes.high, axes.log)
    gap = WIDTH - len(left) - len(right)
    rows.append(" " * (width + 2) + left + " " * max(1, gap) + right)
    rows.append(" " * (width + 2) + axes.x_label.center(WIDTH).rstrip())
    return tuple(rows)


def _segment(
    grid: list[list[str]], cell, x1: float, y1: float, x2: float, y2: float, mark: str, xs: float, ys: float
) -> None:  # type: ignore[no-untyped-def]
    """Marks along a segment, close enough that a steep one stays joined (a cell per row and column)."""
    if not all(math.isfinite(v) for v in (x1, y1, x2, y2)):
        return
    steps = int(max(abs(x2 - x1) / xs * WIDTH, abs(y2 - y1) / ys * HEIGHT, 1) * 2) + 1
    steps = min(steps, 4 * (WIDTH + HEIGHT))
    for k in range(steps + 1):
        t = k / steps
        place = cell(x1 + (x2 - x1) * t, y1 + (y2 - y1) * t)
        if place is not None:
            grid[place[0]][place[1]] = mark
