"""Lexing: text → tokens, each with its position. Newlines inside parentheses are ignored, as in
Python, and characters people type by habit (², ×, −, //) get a message saying what to write."""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from gradexplain.errors import ParseError, Span


class Token(NamedTuple):
    kind: str  # NUMBER NAME OP LPAREN RPAREN COMMA ASSIGN DOT SEP END
    text: str
    span: Span


_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# Tokens that need no special message, exactly as the character-by-character path reads them:
# a name or number not run into further letters, digits or a dot, and operators not doubled.
_COMMON = re.compile(
    r"[ \t\f\v]*(?:"  # spaces before a token are read with it
    r"(?P<NAME>[A-Za-z_][A-Za-z0-9_]*)(?!\w)"
    r"|(?P<NUMBER>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?![\w.])"
    r"|(?P<OP>\*\*(?!\*)|\*(?!\*)|[+-]|/(?!/)|\^(?!\^))"
    r"|(?P<SEP>\r\n?|[\n;])|(?P<LPAREN>\()|(?P<RPAREN>\))|(?P<COMMA>,)|(?P<ASSIGN>=(?!=))|(?P<COMMENT>#[^\r\n]*)"
    r"|(?P<DOT>\.(?=[A-Za-z_])))"  # a method (a.relu()) or a module's function (math.exp): the parser says which
    r"|(?P<SPACE>[ \t\f\v]+)"
)
_DIGITS = "0123456789"
# Terminal control characters, refused anywhere in the text (comments included), so that no
# output or message can carry one: C0 controls other than tab, line ends, form and line feed,
# DEL, C1 controls, and the bidi embeddings, overrides and isolates (U+202A–E, U+2066–9).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CHARACTER_HINTS = {
    "×": "write * for multiplication",
    "·": "write * for multiplication",
    "÷": "write / for division",
    "−": "that is a Unicode minus sign; type - instead",
    "[": "brackets are not part of the language; use ( ) for grouping",
    "]": "brackets are not part of the language; use ( ) for grouping",
    "{": "braces are not part of the language; use ( ) for grouping",
    "}": "braces are not part of the language; use ( ) for grouping",
    ".": "a dot is for a method (a.relu()) or a module's function (math.exp(a)); write a name or a number",
    "'": "strings are not part of the language",
    '"': "strings are not part of the language",
    "@": "write * for multiplication",
    "%": "there is no modulo operator",
    "!": "there is no factorial or negation operator",
    "<": "comparisons are not part of the language",
    ">": "comparisons are not part of the language",
    "\\": "write the formula on one line, or split it into assignments",
}


# Python's statements, which the language does not have, and what to write instead.
STATEMENT_HINTS = {
    "while": "unroll the loop: write each step as an assignment",
    "for": "unroll the loop: write each step as an assignment",
    "if": "a formula has no branches: relu(x), abs(x), max(a, b) and min(a, b) express most of them",
    "elif": "a formula has no branches: relu(x), abs(x), max(a, b) and min(a, b) express most of them",
    "else": "a formula has no branches: relu(x), abs(x), max(a, b) and min(a, b) express most of them",
    "def": "write the function's body out, one assignment per line, for each use",
    "class": "from Python, build the formula as text and call gradexplain.explain on it",
    "lambda": "write the function's body out where it is used",
    "import": "leave the imports out: math.exp(x), np.tanh(x) and torch.relu(x) are read as exp, tanh and relu",
    "from": "leave the imports out: math.exp(x), np.tanh(x) and torch.relu(x) are read as exp, tanh and relu",
    "return": "write the value as the last line of the program",
    "with": "write the assignments alone",
    "try": "write the assignments alone",
}


def statement_keyword(text: str, position: int) -> Token | None:
    """The Python statement keyword that starts the line holding `position` (`while` in
    `while x: …`), or None."""
    start = max(text.rfind("\n", 0, position), text.rfind(";", 0, position)) + 1
    first = re.match(r"[ \t]*([A-Za-z_]+)\b", text[start:])
    if first is None or first.group(1) not in STATEMENT_HINTS:
        return None
    return Token("NAME", first.group(1), Span(start + first.start(1), start + first.end(1)))


def statement_error(keyword: Token) -> ParseError:
    """A Python statement, said as one, with what to write instead."""
    hint = STATEMENT_HINTS[keyword.text]
    return ParseError(f"'{keyword.text}' statements are not part of the language", span=keyword.span, hint=hint)


def tokenize(text: str, begin: int = 0, until: int | None = None) -> list[Token]:
    """Split `text` (or text[begin:until], with spans into the whole text) into tokens. Newlines
    inside parentheses are ignored, as in Python.

    One regular expression reads every ordinary token; the character-by-character branch below
    reads what it cannot (names in other alphabets) and explains every mistake."""
    n = len(text) if until is None else until
    control = _CONTROL.search(text, begin, n)
    if control is not None:
        raise ParseError(
            f"control character U+{ord(control.group()):04X} in the text",
            span=Span(control.start(), control.end()),
            hint="remove it: terminal control characters are not allowed, not even in comments",
        )
    tokens: list[Token] = []
    append = tokens.append
    depth = 0
    i = begin
    match = _COMMON.match
    while i < n:
        common = match(text, i, n)
        if common is not None:
            kind, end = common.lastgroup, common.end()
            start = common.start(kind)
            if kind == "NAME" or kind == "NUMBER":
                if end < n and text[end] >= "\x80" and _runs_on(text, end):
                    i = start  # a combining mark follows: the character path reads it whole
                    common = None
                else:
                    if kind == "NAME" and text.startswith("__", start) and text.endswith("__", start, end):
                        _check_name(text, start, end)
                    append(Token(kind, text[start:end], Span(start, end)))
                    i = end
                    continue
            elif kind == "SEP":
                if depth > 0:
                    if text[start] == ";":
                        raise ParseError(
                            "';' inside parentheses",
                            span=Span(start, end),
                            hint="close the parentheses before ending the statement",
                        )
                else:
                    append(Token(kind, common.group(kind), Span(start, end)))
                i = end
                continue
            else:
                if kind == "LPAREN":
                    depth += 1
                elif kind == "RPAREN":
                    depth = max(0, depth - 1)
                if kind != "SPACE" and kind != "COMMENT":
                    append(Token(kind, common.group(kind), Span(start, end)))  # type: ignore[arg-type]
                i = end
                continue
        c = text[i]
        if c in _DIGITS or (c == "." and i + 1 < n and text[i + 1] in _DIGITS):
            i = _number(text, i, tokens)
        elif c.isalpha() or c == "_":
            start = i
            while i < n and _continues_name(text[i]):
                i += 1
            _check_name(text, start, i)
            tokens.append(Token("NAME", text[start:i], Span(start, i)))
        elif text.startswith("***", i, n):
            raise ParseError("'***' is not an operator", span=Span(i, i + 3), hint="write ** for powers")
        elif text.startswith("^^", i, n):
            raise ParseError("'^^' is not an operator", span=Span(i, i + 2), hint="write ^ or ** for powers")
        elif text.startswith("//", i, n):
            raise ParseError("'//' (floor division) is not supported", span=Span(i, i + 2), hint="write / for division")
        elif text.startswith("==", i, n):
            raise ParseError("'==' is a comparison", span=Span(i, i + 2), hint="write name = formula to assign")
        elif c in _SUPERSCRIPTS:
            raise ParseError(
                f"superscript '{c}' is not an operator",
                span=Span(i, i + 1),
                hint=f"write **{_SUPERSCRIPTS.index(c)} for powers",
            )
        else:
            keyword = statement_keyword(text, i)  # `while x:` is a statement, not a stray colon
            if keyword is not None:
                raise statement_error(keyword)
            hint = _CHARACTER_HINTS.get(c, "use numbers, names, + - * / ** ^, parentheses and functions")
            raise ParseError(f"unexpected character {c!r}", span=Span(i, i + 1), hint=hint)
    tokens.append(Token("END", "", Span(n, n)))
    return tokens


def _number(text: str, i: int, tokens: list[Token]) -> int:
    start, n = i, len(text)
    while i < n and text[i] in _DIGITS:
        i += 1
    if i < n and text[i] == ".":
        i += 1
        while i < n and text[i] in _DIGITS:
            i += 1
    if i < n and text[i] in "eE":
        j = i + 1
        if j < n and text[j] in "+-":
            j += 1
        if j < n and text[j] in _DIGITS:
            i = j
            while i < n and text[i] in _DIGITS:
                i += 1
    if i < n and (text[i].isalpha() or text[i] == "_"):
        end = i
        while end < n and _continues_name(text[end]):
            end += 1
        raise ParseError(
            f"a number is directly followed by a name in '{text[start:end]}'",
            span=Span(start, end),
            hint=f"write {text[start:i]}*{text[i:end]} for a product",
        )
    if i < n and text[i] == ".":
        raise ParseError("a number has two decimal points", span=Span(start, i + 1), hint="write one decimal point")
    tokens.append(Token("NUMBER", text[start:i], Span(start, i)))
    return i


def _runs_on(text: str, end: int) -> bool:
    """Whether a name or number the fast path read is followed by a combining mark (x̃ typed as
    x + U+0303): then the character path reads it whole."""
    return end < len(text) and unicodedata.category(text[end]) in ("Mn", "Mc")


def _continues_name(c: str) -> bool:
    """Whether `c` can continue a name: what Python allows, so combining marks too (the tilde
    of x̃ typed as x + U+0303, the vowel signs of Devanagari नमस्ते)."""
    return (c.isalnum() or c == "_" or unicodedata.category(c) in ("Mn", "Mc")) and c not in _SUPERSCRIPTS


def _check_name(text: str, start: int, end: int) -> None:
    name = text[start:end]
    if not name.isidentifier():
        raise ParseError(f"{name!r} is not a valid name", span=Span(start, end), hint="names are letters, digits and _")
    if name.startswith("__") and name.endswith("__"):
        raise ParseError(
            f"names like {name!r} are not allowed", span=Span(start, end), hint="choose a plain name such as w or x1"
        )
