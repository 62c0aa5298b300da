"""Errors a user can cause: a message, where in their text it happened, and what to do.

The CLI turns these into one short block on stderr and exit code 2; nothing here prints.
"""

from __future__ import annotations

from typing import NamedTuple


class Span(NamedTuple):
    """Half-open character range [start, end) into the text named by `GradexplainError.source`.
    A named tuple: the tokenizer makes one per token, and these are fast to make."""

    start: int
    end: int


class GradexplainError(Exception):
    """Bad input or usage. `source` is the text `span` points into (a formula, a value, a file)."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        span: Span | None = None,
        source: str | None = None,
        origin: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.span = span
        self.source = source
        self.origin = origin

    def located(self, source: str, origin: str | None = None) -> GradexplainError:
        """Attach the text the span refers to, unless already attached."""
        if self.source is None:
            self.source = source
            self.origin = origin
        return self

    def describe(self) -> str:
        """The error as a short block: message, the offending line with a caret, the hint."""
        lines = [f"error: {self.message}"]
        if self.span is not None and self.source is not None:
            lines.extend(_pointer(self.source, self.span, self.origin))
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return "\n".join(lines)


class ParseError(GradexplainError):
    """The text is not a formula or program in gradexplain's language."""


class InputError(GradexplainError):
    """The formula parses but names, values or options do not fit together."""


class EvaluationError(GradexplainError):
    """A value cannot be computed at the given point (1/w at w = 0, log of a negative, ...)."""


_MAX_SHOWN = 72


def clip(text: str, most: int = 60) -> str:
    """Text quoted in a message, cut short: a message stays a line however long the input."""
    return text if len(text) <= most else text[: most - 1] + "…"


def _pointer(source: str, span: Span, origin: str | None) -> list[str]:
    """The source line holding the span start, and carets under the span (clipped to one line)."""
    start = min(max(span.start, 0), len(source))
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", start)
    if line_end == -1:
        line_end = len(source)
    line = source[line_start:line_end].replace("\t", " ")
    column = start - line_start
    width = max(1, min(span.end, line_end) - start)
    # Long lines (a 100,000-term sum) are cut to a window around the problem.
    offset = 0
    if len(line) > _MAX_SHOWN:
        offset = max(0, min(column - _MAX_SHOWN // 2, len(line) - _MAX_SHOWN))
        shown = line[offset : offset + _MAX_SHOWN]
        prefix = "…" if offset > 0 else ""
        suffix = "…" if offset + _MAX_SHOWN < len(line) else ""
        line = prefix + shown + suffix
        column = column - offset + len(prefix)
        width = min(width, _MAX_SHOWN - (column - len(prefix)))
    label = ""
    if origin is not None:
        line_number = source.count("\n", 0, line_start) + 1
        label = f"{origin}:{line_number}: "
    indent = " " * (2 + len(label))
    return [f"  {label}{line}", indent + " " * column + "^" * max(1, width)]
