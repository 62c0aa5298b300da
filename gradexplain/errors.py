"""Errors a user can cause: a message, where in their text it happened, and what to do.

The CLI turns these into one short block on stderr and exit code 2; nothing here prints.
Messages stay short whatever the input: `brief` and `listing` cut long parts, and `describe`
shows every control character escaped, so no text a user typed can drive their terminal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple


class Span(NamedTuple):
    """Half-open character range [start, end) into the text named by `GradexplainError.source`.
    A named tuple: the tokenizer makes one per token, and these are fast to make."""

    start: int
    end: int


# The longest message or hint line `describe` shows: the middle of a longer one is cut.
MESSAGE_CHARACTERS = 190


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
        """The error as a short block: message, the offending line with a caret, the hint. Every
        line is short and free of control characters, whatever the user typed."""
        lines = [f"error: {brief(visible(self.message), MESSAGE_CHARACTERS)}"]
        if self.span is not None and self.source is not None:
            lines.extend(_pointer(self.source, self.span, self.origin))
        if self.hint:
            lines.append(f"hint: {brief(visible(self.hint), MESSAGE_CHARACTERS)}")
        return "\n".join(lines)

    def _render_traceback_(self) -> list[str]:
        """What IPython and Jupyter show instead of a traceback: the same short block, since bad
        input is the user's to fix, not a bug to debug (`explain("w*")` in a notebook)."""
        return self.describe().splitlines()


class ParseError(GradexplainError):
    """The text is not a formula or program in gradexplain's language."""


class InputError(GradexplainError):
    """The formula parses but names, values or options do not fit together."""


class MissingValuesError(InputError):
    """Inputs without a value. `names` lets a front end say how to pass them in its own terms
    (the CLI knows which names clash with its options)."""

    def __init__(self, names: Sequence[str], *, hint: str | None = None, case_note: str = "") -> None:
        plural = "s" if len(names) > 1 else ""
        super().__init__(f"missing value{plural} for {listing(names)}", hint=hint)
        self.names = tuple(names)
        self.case_note = case_note  # `names are case-sensitive: …` when a value went to another case


class EvaluationError(GradexplainError):
    """A value cannot be computed at the given point (1/w at w = 0, log of a negative, ...)."""


# ── keeping messages short and inert ──────────────────────────────────────────────────────

# Characters a terminal acts on rather than shows: C0 and C1 controls, DEL, and the bidi
# embeddings, overrides and isolates that reorder what follows them (plus line and paragraph
# separators, which break a line); and every other format character (Unicode's category Cf:
# U+FEFF, zero-width spaces and joiners, the soft hyphen, …), which a reader cannot see, so that
# a caret under one points at something visible.
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u2060-\u2064\u206a-\u206f"
    "\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str) -> str:
    """`text` with every control or invisible format character written as an escape (\\x1b,
    \\u202e, \\ufeff), so that echoing it cannot move the cursor, set a title, reorder text or
    break a line, and hides nothing."""
    return _CONTROL.sub(_escape, text)


def brief(text: str, most: int = 60) -> str:
    """`text` cut in the middle to at most `most` characters: `1/(w0 + w1 … w2999)`."""
    if len(text) <= most:
        return text
    keep = most - 1
    return text[: keep - keep // 3] + "…" + text[len(text) - keep // 3 :]


def listing(items: Sequence[str], most: int = 6) -> str:
    """Items joined by commas, the first few only: `w0, w1, w2, … (2,997 more)`. Each is cut
    short too, so neither many names nor one very long name makes a long message."""
    shown = ", ".join(brief(item) for item in items[:most])
    if len(items) > most:
        shown += f", … ({len(items) - most:,} more)"
    return shown


# ── the line under the message ─────────────────────────────────────────────────────────────

_MAX_SHOWN = 72
_MAX_ORIGIN = 100


def _shown(char: str) -> str:
    """One character as the pointer line shows it: white space as a space, controls escaped."""
    if char in "\t\f\v":
        return " "
    return visible(char)


def _line_bounds(source: str, start: int) -> tuple[int, int]:
    """Where the line holding `start` begins and ends; \\n, \\r\\n and a lone \\r end lines."""
    line_start = max(source.rfind("\n", 0, start), source.rfind("\r", 0, start)) + 1
    ends = [end for end in (source.find("\n", start), source.find("\r", start)) if end != -1]
    return line_start, min(ends, default=len(source))


def _line_number(source: str, line_start: int) -> int:
    """1 + the line breaks before `line_start`, \\r\\n counting once."""
    crlf = source.count("\r\n", 0, line_start)
    return source.count("\n", 0, line_start) + source.count("\r", 0, line_start) - crlf + 1


def _pointer(source: str, span: Span, origin: str | None) -> list[str]:
    """The source line holding the span start, and carets under the span (clipped to one line).
    A long line (a 100,000-term sum) is cut to a window around the problem."""
    start = min(max(span.start, 0), len(source))
    line_start, line_end = _line_bounds(source, start)
    line = source[line_start:line_end]
    column = start - line_start
    span_end = max(column + 1, min(span.end, line_end) - line_start)
    # Grow a window from the column: up to half the room to the left, the rest to the right,
    # then whatever the right did not need to the left. Widths are of the shown characters.
    left, right, used = column, column, 0
    while left > 0 and used + len(_shown(line[left - 1])) <= _MAX_SHOWN // 2:
        left -= 1
        used += len(_shown(line[left]))
    while right < len(line) and used + len(_shown(line[right])) <= _MAX_SHOWN:
        used += len(_shown(line[right]))
        right += 1
    while left > 0 and used + len(_shown(line[left - 1])) <= _MAX_SHOWN:
        left -= 1
        used += len(_shown(line[left]))
    prefix = "…" if left > 0 else ""
    before = "".join(_shown(char) for char in line[left:column])
    under = "".join(_shown(char) for char in line[column : min(span_end, right)])
    after = "".join(_shown(char) for char in line[min(span_end, right) : right])
    suffix = "…" if right < len(line) else ""
    label = ""
    if origin is not None:
        shown = visible(origin)  # a path: its end, the file's name, is what tells it apart
        shown = shown if len(shown) <= _MAX_ORIGIN else "…" + shown[len(shown) - _MAX_ORIGIN + 1 :]
        label = f"{shown}:{_line_number(source, line_start)}: "
    indent = " " * (2 + len(label) + len(prefix) + len(before))
    return [f"  {label}{prefix}{before}{under}{after}{suffix}", indent + "^" * max(1, len(under))]
