"""The command line as a user runs it: a separate process, exit codes, stdout vs stderr."""

import json
import os
import subprocess
import sys

import pytest

from gradexplain.errors import InputError
from tests.conftest import EXAMPLES, ROOT, run_cli

LECTURE = ["0.5*(w*x+b-y)**2", "--w", "2", "--x", "-2", "--b", "8", "--y", "2"]


def test_lecture_example_plain_text_when_piped():
    result = run_cli(*LECTURE, "--check")
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert "\x1b" not in out
    for expected in ("1.996002", "-3.998", "2.0020005", "2.0005", "all 4 gradient checks pass"):
        assert expected in out


def test_output_is_byte_identical_across_runs_and_hash_seeds():
    outputs = {run_cli(*LECTURE, "--check", env={"PYTHONHASHSEED": seed}).stdout for seed in ("0", "1", "12345")}
    assert len(outputs) == 1


@pytest.mark.parametrize(
    "values",
    [
        ["--w", "2", "--x", "-2", "--b", "8", "--y", "2"],
        ["--w=2", "--x=-2", "--b=8", "--y=2"],
        ["w=2", "x=-2", "b=8", "y=2"],
        ["--w", "2", "x=-2", "--b=8", "y = 2"],
    ],
)
def test_value_spellings(values):
    result = run_cli("0.5*(w*x+b-y)**2", *values, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["gradients"] == {"w": -4, "x": 4, "b": 2, "y": -2}


def test_file_with_values_in_mixed_order_and_override(tmp_path):
    unit = tmp_path / "unit.gx"
    unit.write_text("w = 2\nx = -2\nJ = (w*x)**2\n")
    result = run_cli("-f", str(unit), "--w", "3", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["inputs"] == {"w": 3, "x": -2}
    assert run_cli("--w", "3", "--format=json", "-f", str(unit)).stdout == result.stdout


def test_stdin_program():
    result = run_cli("-f", "-", "--format", "json", stdin=b"w = 3\nJ = w**2\n")
    assert json.loads(result.stdout)["gradients"] == {"w": 6}


def test_positional_gx_path_is_read_as_a_program():
    result = run_cli("gradexplain/examples/square.gx", "--format", "json")
    assert json.loads(result.stdout)["output"] == {"name": "J", "value": 9}


def test_name_that_clashes_with_an_option_is_passed_as_name_equals_value():
    result = run_cli("eps*w", "eps=0.5", "--w", "4", "--format", "json")
    assert json.loads(result.stdout)["gradients"] == {"eps": 4, "w": 0.5}


def test_wrt_and_target():
    result = run_cli("-f", str(EXAMPLES / "linear_regression.gx"), "--wrt", "w,b", "--target", "d", "--format", "json")
    document = json.loads(result.stdout)
    assert document["output"] == {"name": "d", "value": 2}
    assert document["gradients"] == {"w": -2, "b": 1}


def test_a_failed_check_exits_1():
    result = run_cli("relu(w)", "w=0", "--check")
    assert result.returncode == 1
    assert b"MISMATCH" in result.stdout and b"FAILED" in result.stdout


def test_kink_without_check_exits_0_with_a_note():
    result = run_cli("abs(w)", "--w", "0")
    assert result.returncode == 0
    assert b"abs is not differentiable at 0" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["w*", "--w", "1"], "where a value should follow '*'"),
        (["1/w", "--w", "0"], "cannot compute J = 1/w at w = 0: division by zero"),
        (["sigmoyd(w)", "--w", "1"], "did you mean sigmoid?"),
        (["w*x", "--w", "1"], "missing value for x"),
        (["w*2", "--w", "abc"], "not a number"),
        (["w*2", "--w"], "--w needs a value"),
        (["w*2", "--w", "1", "--w", "2"], "given two values"),
        (["w*2", "--w", "1", "stray"], "unexpected argument 'stray'"),
        (["-f", "no/such/file.gx"], "no such file"),
        ([], "no formula given"),
        (["w*2", "--w", "1", "--eps", "0", "--check"], "--eps must be positive"),
        (["c = w*2; J = c", "--w", "1", "--c", "2"], "c is computed by the formula"),
    ],
)
def test_bad_input_is_one_short_message_and_exit_2(args, message):
    result = run_cli(*args)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert message in err
    assert "Traceback" not in err
    assert result.stdout == b""
    assert len(err.splitlines()) <= 5


def test_error_block_has_caret_under_the_problem():
    err = run_cli("0.5*(w*x+b-y)**2 + sigmoyd(w)", "--w", "1").stderr.decode().splitlines()
    assert err[0] == "error: unknown function 'sigmoyd'"
    line, caret = err[1], err[2]
    assert line[caret.index("^") : caret.index("^") + 7] == "sigmoyd"


def test_error_in_a_file_names_file_and_line(tmp_path):
    program = tmp_path / "bad.gx"
    program.write_text("w = 2\nJ = w*\n")
    err = run_cli("-f", str(program)).stderr.decode()
    assert f"{program}:2: J = w*" in err


def test_not_utf8_file(tmp_path):
    program = tmp_path / "latin1.gx"
    program.write_bytes(b"w = 2\nJ = w*\xe9\n")
    result = run_cli("-f", str(program))
    assert result.returncode == 2 and b"not UTF-8" in result.stderr


def test_unused_value_is_a_warning_on_stderr():
    result = run_cli("w*2", "--w", "1", "--q", "3")
    assert result.returncode == 0
    assert result.stderr.decode() == "warning: q is not used by the formula; its value is ignored\n"


def test_internal_errors_are_one_line_and_exit_3(monkeypatch, capsys):
    from gradexplain import cli

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    import gradexplain.pipeline

    monkeypatch.setattr(gradexplain.pipeline, "explain", broken)
    with pytest.raises(SystemExit) as raised:
        cli.run(["w", "--w", "1"])
    assert raised.value.code == 3
    err = capsys.readouterr().err
    assert err.startswith("internal error:") and "Traceback" not in err and "--debug" in err


def test_an_input_named_like_a_view_option_is_given_as_name_equals_value():
    result = run_cli("w - lr*w", "--w", "2", "--lr", "0.1")
    assert result.returncode == 2
    assert "pass it as lr=0.1 (--lr is gradexplain's own option)" in result.stderr.decode()
    assert run_cli("w - lr*w", "--w", "2", "lr=0.1").returncode == 0


def test_help_documents_every_option_with_examples():
    out = " ".join(run_cli("--help").stdout.decode().split())
    for option in (
        "--file",
        "--check",
        "--eps",
        "--central",
        "--wrt",
        "--target",
        "--format",
        "--digits",
        "--symbolic-limit",
        "--debug",
    ):
        assert option in out
    assert 'gradexplain "0.5*(w*x+b-y)**2" --w 2' in out
    assert "--example" in out and "╭─ Checking" in out  # options in panels by what they are for


def test_module_and_console_script_agree():
    assert (ROOT / "gradexplain" / "__main__.py").exists()
    assert run_cli("--version").stdout.decode().startswith("gradexplain ")


def test_closed_pipe_is_not_an_error():
    import subprocess
    import sys as system

    formula = "+".join(["x"] * 3000)
    command = f'"{system.executable}" -m gradexplain "{formula}" --x 1 | true; exit ${{PIPESTATUS[0]}}'
    result = subprocess.run(["bash", "-c", command], capture_output=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0
    assert result.stderr == b""


def test_long_formula_heading_is_shortened():
    out = run_cli("+".join(["x"] * 300), "--x", "1").stdout.decode()
    assert out.splitlines()[0].endswith("… (599 characters)")


def test_no_color_is_honoured_even_when_colour_is_forced():
    import re

    colour = re.compile(rb"\x1b\[[0-9;]*3[0-9]m")
    args = ("w*x", "--w", "1", "--x", "2", "--format", "rich")
    assert colour.search(run_cli(*args, env={"FORCE_COLOR": "1"}).stdout)
    assert not colour.search(run_cli(*args, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout)


# ── reading files: every way of failing has its own message; pipes and devices are read ────


def test_a_directory_is_not_a_missing_file(tmp_path):
    for args in (["-f", str(tmp_path)], [str(tmp_path / "programs.gx")]):
        (tmp_path / "programs.gx").mkdir(exist_ok=True)
        result = run_cli(*args)
        assert result.returncode == 2
        assert "is a directory, not a file" in result.stderr.decode()


def test_a_missing_gx_path_says_no_such_file():
    result = run_cli("gradexplain/examples/no_such_sample.gx")
    assert result.returncode == 2
    assert result.stderr.decode().startswith("error: no such file: gradexplain/examples/no_such_sample.gx")


def test_a_fifo_is_read_as_far_as_it_goes(tmp_path):
    fifo = tmp_path / "program.gx"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        [sys.executable, "-m", "gradexplain", "-f", str(fifo), "--w", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    with open(fifo, "w") as writer:
        writer.write("J = w**2\n")
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert b"Inputs: w = 3" in out


def test_dev_stdin_and_devices_are_read_up_to_the_limit():
    assert run_cli("-f", "/dev/stdin", "--w", "2", stdin=b"w*3").returncode == 0
    empty = run_cli("-f", "/dev/null")
    assert empty.returncode == 2 and b"the formula is empty" in empty.stderr
    endless = run_cli("-f", "/dev/zero", "--limit", "source=1000")
    assert endless.returncode == 2 and b"longer than the limit of 1000 characters" in endless.stderr


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        (PermissionError(13, "Permission denied"), "cannot read secret.gx: permission denied"),
        (OSError(5, "Input/output error"), "cannot read secret.gx: Input/output error"),
        (OSError("no reason given"), "cannot read secret.gx: OSError"),
    ],
)
def test_unreadable_files_are_bad_input_not_internal_errors(monkeypatch, problem, message):
    from gradexplain.limits import Limits
    from gradexplain.shell import request

    def unreadable(*args, **kwargs):
        raise problem

    monkeypatch.setattr(request, "open", unreadable, raising=False)
    with pytest.raises(InputError, match=message):
        request.read_source(None, "secret.gx", Limits())


def test_cr_only_line_ends_are_line_ends(tmp_path):
    program = tmp_path / "mac.gx"
    program.write_bytes(b"w = 2\rJ = w**2\r")
    result = run_cli("-f", str(program))
    assert result.returncode == 0 and b"Inputs: w = 2" in result.stdout
    program.write_bytes(b"w = 2\rx = 3\rJ = w*\r")
    err = run_cli("-f", str(program)).stderr.decode()
    assert f"{program}:3: J = w*\n" in err


# ── messages: the option the user typed, no control characters, short lines ─────────────────


def test_a_missing_input_named_like_an_option_is_passed_as_name_equals_value():
    err = run_cli("eps*2", "--eps", "0.1").stderr.decode()
    assert err.splitlines() == [
        "error: missing value for eps",
        "hint: pass it as eps=0.1 (--eps is gradexplain's own option)",
    ]
    err = run_cli("check*digits*w", "--check").stderr.decode()
    assert (
        "hint: pass them as check=VALUE digits=VALUE --w VALUE (--check, --digits are gradexplain's own options)" in err
    )


def test_control_characters_never_reach_the_terminal(tmp_path):
    for args in (
        ["w*2 # \x1b[2J\x1b]0;title\x07", "--w", "1"],
        ["w*2", "--w", "1\x1b[2J"],
        ["w*\u202e2", "--w", "1"],
        ["-f", str(tmp_path / "no\x1b[2Jsuch.gx")],
        ["w*2", "--w", "1", "--target", "\x1b[2J"],
        ["w*2", "--w", "1", "--limit", "\x9b2J=1"],
    ):
        result = run_cli(*args)
        assert result.returncode == 2, args
        text = (result.stdout + result.stderr).decode()
        assert not any((ord(char) < 32 and char != "\n") or 0x7F <= ord(char) <= 0x9F for char in text), text
        assert "\u202e" not in text
    err = run_cli("w*2 # \x1b[2J", "--w", "1").stderr.decode()
    assert err.startswith("error: control character U+001B in the text\n  w*2 # \\x1b[2J\n")


def test_warnings_show_control_characters_escaped(capsys):
    from gradexplain.shell import writer

    writer.warn(("q\x1b[2J is not used by the formula",))
    assert capsys.readouterr().err == "warning: q\\x1b[2J is not used by the formula\n"


def test_messages_about_a_long_assignment_stay_short():
    names = [f"w{i}" for i in range(3000)]
    err = run_cli(" + ".join(names)).stderr.decode()
    assert "missing values for w0, w1, w2, w3, w4, w5, … (2,994 more)" in err
    assert max(len(line) for line in err.splitlines()) <= 200


# ── the command line forgives and explains ────────────────────────────────────────────────


def run_here(args, capsys):
    """The CLI in this process (quicker than a subprocess): exit code, stdout, stderr."""
    from gradexplain import cli

    with pytest.raises(SystemExit) as raised:
        cli.run(list(args))
    captured = capsys.readouterr()
    return raised.value.code, captured.out, captured.err


@pytest.mark.parametrize(
    ("typed", "wrong", "meant"),
    [
        (["--chek"], "--chek", "--check"),  # at the end: it used to ask for a value
        (["--chek", "--format", "json"], "--chek", "--check"),  # it used to take --format as its value
        (["--ouput", "x.svg"], "--ouput", "--output"),  # it used to report a parse error in "x.svg"
        (["--check", "--epsilon", "0.01"], "--epsilon", "--eps"),  # it used to run with the default ε
        (["--check", "--Central"], "--Central", "--central"),
        (["--check_only", "w"], "--check_only", "--check-only"),
        (["--check-onl", "w"], "--check-onl", "--check-only"),  # a hyphen: never an input's name
        (["--out", "x.svg"], "--out", "--output"),
        (["--o", "x.svg"], "--o", "-o"),
    ],
)
def test_a_mistyped_option_is_an_error_with_the_option_meant(typed, wrong, meant, capsys):
    code, out, err = run_here(["w*x", "--w", "2", "--x", "3", *typed], capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"error: unknown option {wrong}; did you mean {meant}?\n"), err


def test_the_exact_message_for_a_mistyped_option(capsys):
    _, _, err = run_here(["w*x", "--w", "2", "--x", "3", "--chek"], capsys)
    assert err.splitlines() == [
        "error: unknown option --chek; did you mean --check?",
        "hint: the formula has no name chek either, so --chek is no input's value",
    ]


def test_a_name_of_the_formula_is_never_a_mistyped_option(capsys):
    code, out, _ = run_here(["chek*epsilon", "--chek", "2", "--epsilon", "0.5", "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["gradients"] == {"chek": 0.5, "epsilon": 2}
    _, _, err = run_here(["chek*2", "--chek"], capsys)
    assert err.startswith("error: --chek needs a value")


def test_a_far_name_with_a_value_stays_a_warning_and_without_one_is_an_unknown_option(capsys):
    code, _, err = run_here(["w*2", "--w", "1", "--q", "3"], capsys)
    assert code == 0 and err == "warning: q is not used by the formula; its value is ignored\n"
    code, _, err = run_here(["w*2", "--w", "1", "--verbose"], capsys)
    assert code == 2 and err.startswith("error: unknown option --verbose\n")


def test_a_formula_that_does_not_tokenize_is_reported_before_a_valueless_name(capsys):
    for last in ("--w", "--chek"):
        assert run_here(["w*2 $", last], capsys)[2].startswith("error: unexpected character '$'\n")


@pytest.mark.parametrize(
    ("name", "meant"),
    [("chek", "--check"), ("epsilon", "--eps"), ("ouput", "--output"), ("checks", "--check"), ("o", "-o")],
)
def test_close_option(name, meant):
    from gradexplain.shell.argv import close_option
    from gradexplain.shell.options import spellings as option_spellings

    spellings = option_spellings()
    assert close_option(name, spellings) == meant
    # (lr is an option, --descend's learning rate: an input called lr takes its value as lr=0.1)
    for ordinary in ("w", "x", "b", "y", "e", "loss", "theta", "alpha", "z1", "h"):
        assert close_option(ordinary, spellings) in (None, "-h"), ordinary  # -h: only as --h, not in the formula
    for numbered in ("check1", "eps2", "w1", "x_12"):  # no option has a digit: thousands of values cost nothing
        assert close_option(numbered, spellings) is None


def test_eps_and_central_without_check_say_they_do_nothing(capsys):
    code, _, err = run_here(["w*2", "--w", "1", "--eps", "0.1", "--central"], capsys)
    assert code == 0
    assert err == (
        "warning: --eps and --central only apply to the ε-check, and --check was not given: "
        "add it to nudge each input by ε\n"
    )
    for checking in (["--check"], ["--check-only", "w"]):
        assert run_here(["w*2", "--w", "1", "--eps", "0.1", "--central", *checking], capsys)[2] == ""


@pytest.mark.parametrize("output_format", ["tree", "dot", "mermaid"])
def test_a_check_in_a_format_that_cannot_show_it_says_so_and_keeps_its_exit_code(output_format, capsys):
    code, _, err = run_here(["relu(w)", "--w", "0", "--check", "--format", output_format], capsys)
    assert code == 1
    assert err.startswith(f"warning: the {output_format} format does not show the gradient checks")
    assert run_here(["relu(w)", "--w", "0", "--format", output_format], capsys)[2] == ""
    assert "does not show" not in run_here(["relu(w)", "--w", "0", "--check", "--format", "text"], capsys)[2]


def test_output_to_a_directory_is_an_error_before_any_work(tmp_path, capsys):
    for path in (str(tmp_path), str(tmp_path) + "/", "no/such/dir/"):
        code, _, err = run_here(["w*2", "--w", "1", "-o", path], capsys)
        assert code == 2 and f"error: -o {path}: that is a directory, not a file" in err, err


def test_a_latex_fragment_in_a_tex_file_gets_a_note_about_standalone(tmp_path, capsys):
    fragment = tmp_path / "trace.tex"
    code, _, err = run_here(["w*2", "--w", "1", "-o", str(fragment)], capsys)
    assert code == 0 and fragment.read_text().startswith("% gradexplain")
    assert err == (
        f"note: {fragment} is a LaTeX fragment, to \\input into a document; "
        "--standalone writes a whole document that pdflatex compiles\n"
    )
    assert run_here(["w*2", "--w", "1", "-o", str(fragment), "--standalone"], capsys)[2] == ""
    assert run_here(["w*2", "--w", "1", "--format", "latex"], capsys)[2] == ""  # to stdout: no file to compile
    _, _, err = run_here(["ш*2", "--ш", "1", "-o", str(fragment)], capsys)
    assert "--standalone writes a whole document that lualatex compiles" in err


def test_shell_completion_is_offered_and_never_read_as_a_formula(tmp_path):
    assert "--install-completion" in run_cli("--help").stdout.decode()
    no_detection = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1", "HOME": str(tmp_path)}
    shown = run_cli("--show-completion", "bash", env=no_detection)
    assert shown.returncode == 0 and "_GRADEXPLAIN_COMPLETE=complete_bash" in shown.stdout.decode()
    installed = run_cli("--install-completion", "bash", env=no_detection)
    assert installed.returncode == 0, installed.stderr
    assert "_GRADEXPLAIN_COMPLETE" in (tmp_path / ".bash_completions" / "gradexplain.sh").read_text()
    words = {"COMP_WORDS": "gradexplain w*x --w 2 --che", "COMP_CWORD": "4", "_GRADEXPLAIN_COMPLETE": "complete_bash"}
    assert run_cli(env=words).stdout.decode().split() == ["--check", "--check-only"]
    formats = {"COMP_WORDS": "gradexplain --format ", "COMP_CWORD": "2", "_GRADEXPLAIN_COMPLETE": "complete_bash"}
    assert "mermaid" in run_cli(env=formats).stdout.decode().split()
    # with shell detection (a real terminal), neither is ever taken for a formula
    for option in ("--show-completion", "--install-completion"):
        result = run_cli(option, env={"HOME": str(tmp_path), "SHELL": "/bin/bash"})
        assert b"missing value" not in result.stderr and b"install" not in result.stderr, result.stderr


def test_names_are_case_sensitive_and_the_hint_says_so(capsys):
    _, _, err = run_here(["W*x", "--w", "2", "--x", "3"], capsys)
    assert err.splitlines() == [
        "error: missing value for W",
        "hint: names are case-sensitive: the formula uses W, not w; pass it as --W VALUE (or NAME=VALUE)",
    ]


def test_a_decimal_comma_suggests_a_decimal_point(capsys):
    _, _, err = run_here(["w*2", "--w", "2,5"], capsys)
    assert err.splitlines() == [
        "error: value for w: 2,5 is not a number",
        "hint: write the decimal point as a dot: 2.5",
    ]


def test_e_given_a_value_is_a_variable_with_a_warning(capsys):
    code, out, err = run_here(["e*a", "--e", "3", "--a", "2", "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["gradients"] == {"e": 2, "a": 3}
    assert err == "warning: e is given a value, so here it is a variable, not the constant e = 2.71828…\n"


def test_inputs_that_do_not_reach_the_target_do_not_affect_it(capsys):
    code, _, err = run_here(["c = a*b; d = a + 1; J = c*2", "--a", "1", "--b", "2", "--target", "d"], capsys)
    assert code == 0
    assert "warning: b does not affect d; its value is ignored" in err.splitlines()
    assert "not used by the formula" not in err


@pytest.mark.parametrize("columns", [60, 80, 160])
def test_help_wraps_to_the_terminal_and_keeps_the_examples_whole(columns):
    """Prose reflows to the width (up to 100 columns), no line is wider than the terminal, and
    each example command stays on one line, whole."""
    from rich.cells import cell_len

    lines = run_cli("--help", env={"COLUMNS": str(columns)}).stdout.decode().splitlines()
    assert max(cell_len(line) for line in lines) <= min(columns, 100)
    lines = [line.rstrip() for line in lines]
    assert '   gradexplain "0.5*(w*x+b-y)**2" --w 2 --x -2 --b 8 --y 2' in lines
    assert "   gradexplain --example fan_out -o fan_out.svg" in lines
    first = next(line for line in lines if "Explain backpropagation" in line)
    assert cell_len(first) > (90 if columns == 160 else columns - 10)  # a paragraph, filled to the width
