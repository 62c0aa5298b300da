import re

import pytest

from gradexplain import explain
from gradexplain.errors import ParseError
from gradexplain.tokens import tokenize


def test_tokens_keep_positions():
    tokens = tokenize("w**2")
    assert [(t.kind, t.text, t.span.start) for t in tokens] == [
        ("NAME", "w", 0),
        ("OP", "**", 1),
        ("NUMBER", "2", 3),
        ("END", "", 4),
    ]


def test_cr_and_crlf_end_statements_like_newlines():
    for newline in ("\n", "\r", "\r\n"):
        tokens = tokenize(f"w = 2{newline}J = w # note{newline}")
        assert [t.kind for t in tokens] == ["NAME", "ASSIGN", "NUMBER", "SEP", "NAME", "ASSIGN", "NAME", "SEP", "END"]
        assert tokens[4].span.start == 5 + len(newline)
    assert [t.kind for t in tokenize("f(w,\r x)")] == ["NAME", "LPAREN", "NAME", "COMMA", "NAME", "RPAREN", "END"]


def test_vertical_tab_and_form_feed_are_white_space():
    assert [t.text for t in tokenize("w\v*\fx")] == ["w", "*", "x", ""]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("w*2 # \x1b[2J", "U+001B"),
        ("w\x00", "U+0000"),
        ("w\x7f", "U+007F"),
        ("w + \x9b", "U+009B"),
        ("w + x # \u202e", "U+202E"),
        ("\u2066w", "U+2066"),
    ],
)
def test_terminal_control_characters_are_refused_anywhere_even_in_comments(text, code):
    with pytest.raises(ParseError, match=re.escape(f"control character {code}")) as raised:
        tokenize(text)
    assert raised.value.span.start == len(text.split(chr(int(code[2:], 16)))[0])


@pytest.mark.parametrize("name", ["x\u0303", "नमस्ते", "ŷ"])
def test_names_with_combining_marks_are_names(name):
    from gradexplain.cli import run

    tokens = tokenize(f"{name}*2")
    assert (tokens[0].kind, tokens[0].text) == ("NAME", name)
    assert explain(f"J = {name}*2", {name: 3}).gradient(name) == 2
    with pytest.raises(SystemExit) as finished:
        run([f"{name}*2", f"{name}=1"])
    assert finished.value.code == 0
