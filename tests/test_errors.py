"""The error block: short, inert (no control character reaches the terminal), caret in place."""

import unicodedata

import pytest

from gradexplain.errors import GradexplainError, Span, brief, listing, visible
from tests.conftest import run_cli


def block(source: str, span: Span, message: str = "m", origin: str | None = None) -> list[str]:
    return GradexplainError(message, span=span, source=source, origin=origin).describe().splitlines()


def test_control_characters_are_shown_escaped():
    assert visible("a\x1b[2Jb\x07\x9b\u202e\u2066\n") == "a\\x1b[2Jb\\x07\\x9b\\u202e\\u2066\\x0a"
    assert visible("θ·w_1 ✓") == "θ·w_1 ✓"


def test_every_part_of_the_block_is_escaped_and_the_caret_stays_under_the_problem():
    source = "w*2 # \x1b]0;title\x07 and \u202eevil"
    lines = block(source, Span(6, 7), message="bad \x1b in message", origin="f\x1b.gx")
    assert lines[0] == "error: bad \\x1b in message"
    assert lines[1] == "  f\\x1b.gx:1: w*2 # \\x1b]0;title\\x07 and \\u202eevil"
    caret = lines[2].index("^")
    assert lines[1][caret : caret + 4] == "\\x1b" and lines[2].count("^") == 4


def test_cr_and_crlf_end_lines_and_count_once():
    for newline in ("\r", "\r\n", "\n"):
        source = newline.join(["w = 2", "x = 3", "J = w*"])
        lines = block(source, Span(len(source) - 1, len(source)), origin="p.gx")
        assert lines[1] == "  p.gx:3: J = w*"
        assert lines[2].index("^") == lines[1].index("*")


def test_long_lines_are_cut_around_the_caret_even_when_escaped():
    source = "w + " + "\x1b" * 5000 + " + x"
    lines = block(source, Span(2000, 2001))
    assert max(len(line) for line in lines) <= 80
    assert lines[1].startswith("  …\\x1b") and lines[1].endswith("…")
    assert lines[1][lines[2].index("^") :].startswith("\\x1b")


def test_long_messages_hints_and_file_names_are_cut():
    error = GradexplainError("x" * 5000, hint="y" * 5000, span=Span(0, 1), source="w", origin="d/" * 3000 + "f.gx")
    lines = error.describe().splitlines()
    assert len(lines) == 4 and max(len(line) for line in lines) <= 200
    assert "f.gx:1: w" in lines[1]


def test_brief_and_listing():
    assert brief("short") == "short"
    long = brief("1/(" + "+".join(f"w{i}" for i in range(3000)) + ")")
    assert len(long) == 60 and long.startswith("1/(w0+w1+") and long.endswith("+w2999)") and "…" in long
    assert listing([f"w{i}" for i in range(3000)], 2) == "w0, w1, … (2,998 more)"
    assert listing(["a", "b"]) == "a, b"


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f", "\x85", "\u202a", "\u2069"])
def test_each_kind_of_control_character_is_escaped(character):
    assert character not in visible(f"a{character}b")


def test_invisible_format_characters_are_escaped_on_the_caret_line_too():
    """U+FEFF (and every other format character, which a reader cannot see) is written as an
    escape wherever a message shows the user's text, so the caret points at something."""
    lines = block("w*\ufeff2 + x\u200b", Span(2, 3))
    assert lines[1] == "  w*\\ufeff2 + x\\u200b" and "\ufeff" not in "".join(lines)
    assert lines[1][lines[2].index("^") :].startswith("\\ufeff") and lines[2].count("^") == 6
    invisible = [chr(code) for code in range(0x110000) if unicodedata.category(chr(code)) == "Cf"]
    assert [char for char in invisible if visible(char) == char] == []
    assert visible("\U000e0041") == "\\U000e0041"


def test_the_command_shows_u_feff_escaped():
    result = run_cli("w*\ufeff2", "--w", "1")
    err = result.stderr.decode()
    assert result.returncode == 2 and "\ufeff" not in err
    assert err.splitlines()[1:3] == ["  w*\\ufeff2", "    ^^^^^^"]
