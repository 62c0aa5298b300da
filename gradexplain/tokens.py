"""Lexing: text → tokens, each with its position. Newlines inside parentheses are ignored, as in
Python, and characters people type by habit (², ×, −, //) get a message saying what to write."""

from __future__ import annotations

import re
from typing import NamedTuple

from gradexplain.errors import ParseError, Span


class Token(NamedTuple):
    kind: str  # NUMBER NAME OP LPAREN RPAREN COMMA ASSIGN SEP END
    text: str
    span: Span


_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# Tokens that need no special message, exactly as the character-by-character path reads them:
# a name or number not run into further letters, digits or a dot, and operators not doubled.
_COMMON = re.compile(
    r"(?P<SPACE>[ \t\r\f]+)"
    r"|(?P<NAME>[A-Za-z_][A-Za-z0-9_]*)(?!\w)"
    r"|(?P<NUMBER>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?![\w.])"
    r"|(?P<OP>\*\*(?!\*)|\*(?!\*)|[+-]|/(?!/)|\^(?!\^))"
    r"|(?P<SEP>[\n;])|(?P<LPAREN>\()|(?P<RPAREN>\))|(?P<COMMA>,)|(?P<ASSIGN>=(?!=))"
)
_DIGITS = "0123456789"
_CHARACTER_HINTS = {
    "×": "write * for multiplication",
    "·": "write * for multiplication",
    "÷": "write / for division",
    "−": "that is a Unicode minus sign; type - instead",
    "[": "brackets are not part of the language; use ( ) for grouping",
    "]": "brackets are not part of the language; use ( ) for grouping",
    "{": "braces are not part of the language; use ( ) for grouping",
    "}": "braces are not part of the language; use ( ) for grouping",
    ".": "attribute access is not part of the language: write a name or a number",
    "'": "strings are not part of the language",
    '"': "strings are not part of the language",
    "@": "write * for multiplication",
    "%": "there is no modulo operator",
    "!": "there is no factorial or negation operator",
    "<": "comparisons are not part of the language",
    ">": "comparisons are not part of the language",
    "\\": "write the formula on one line, or split it into assignments",
}


def tokenize(text: str) -> list[Token]:
    """Split `text` into tokens. Newlines inside parentheses are ignored, as in Python."""
    tokens: list[Token] = []
    depth = 0
    i, n = 0, len(text)
    while i < n:
        common = _COMMON.match(text, i)
        if common is not None:  # the usual tokens at C speed; anything unusual goes the long way
            kind, end = common.lastgroup, common.end()
            if kind == "SPACE":
                i = end
                continue
            if kind == "SEP" and depth > 0:  # inside parentheses: a newline is space, ';' an error
                if text[i] == "\n":
                    i = end
                    continue
            else:
                if kind == "NAME":
                    _check_name(text, i, end)
                elif kind == "LPAREN":
                    depth += 1
                elif kind == "RPAREN":
                    depth = max(0, depth - 1)
                tokens.append(Token(kind, common.group(), Span(i, end)))  # type: ignore[arg-type]
                i = end
                continue
        c = text[i]
        if c in " \t\r\f":
            i += 1
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
        elif c == "\n" or c == ";":
            if depth == 0:
                tokens.append(Token("SEP", c, Span(i, i + 1)))
            elif c == ";":
                raise ParseError(
                    "';' inside parentheses",
                    span=Span(i, i + 1),
                    hint="close the parentheses before ending the statement",
                )
            i += 1
        elif c in _DIGITS or (c == "." and i + 1 < n and text[i + 1] in _DIGITS):
            i = _number(text, i, tokens)
        elif c.isalpha() or c == "_":
            start = i
            while i < n and (text[i].isalnum() or text[i] == "_") and text[i] not in _SUPERSCRIPTS:
                i += 1
            _check_name(text, start, i)
            tokens.append(Token("NAME", text[start:i], Span(start, i)))
        elif text.startswith("**", i):
            if i + 2 < n and text[i + 2] == "*":
                raise ParseError("'***' is not an operator", span=Span(i, i + 3), hint="write ** for powers")
            tokens.append(Token("OP", "**", Span(i, i + 2)))
            i += 2
        elif c in "+-*/^":
            if c == "^" and i + 1 < n and text[i + 1] == "^":
                raise ParseError("'^^' is not an operator", span=Span(i, i + 2), hint="write ^ or ** for powers")
            if c == "/" and i + 1 < n and text[i + 1] == "/":
                raise ParseError(
                    "'//' (floor division) is not supported", span=Span(i, i + 2), hint="write / for division"
                )
            tokens.append(Token("OP", c, Span(i, i + 1)))
            i += 1
        elif c == "(":
            depth += 1
            tokens.append(Token("LPAREN", c, Span(i, i + 1)))
            i += 1
        elif c == ")":
            depth = max(0, depth - 1)
            tokens.append(Token("RPAREN", c, Span(i, i + 1)))
            i += 1
        elif c == ",":
            tokens.append(Token("COMMA", c, Span(i, i + 1)))
            i += 1
        elif c == "=":
            if i + 1 < n and text[i + 1] == "=":
                raise ParseError("'==' is a comparison", span=Span(i, i + 2), hint="write name = formula to assign")
            tokens.append(Token("ASSIGN", c, Span(i, i + 1)))
            i += 1
        elif c in _SUPERSCRIPTS:
            raise ParseError(
                f"superscript '{c}' is not an operator",
                span=Span(i, i + 1),
                hint=f"write **{_SUPERSCRIPTS.index(c)} for powers",
            )
        else:
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
        while end < n and (text[end].isalnum() or text[end] == "_"):
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


def _check_name(text: str, start: int, end: int) -> None:
    name = text[start:end]
    if not name.isidentifier():
        raise ParseError(f"{name!r} is not a valid name", span=Span(start, end), hint="names are letters, digits and _")
    if name.startswith("__") and name.endswith("__"):
        raise ParseError(
            f"names like {name!r} are not allowed", span=Span(start, end), hint="choose a plain name such as w or x1"
        )
