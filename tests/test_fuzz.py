"""The promise of issue 14, tested by the fuzz campaign of benchmarks/fuzz.py on a small budget:
every generated hostile input ends in time and memory, exits 0/1/2, and writes neither a
traceback, nor terminal control characters, nor a long message (and gives the right answer where
the generator knows it). The runner itself is tested first on synthetic commands, so a clean
campaign means something.

Cases that draw with Graphviz are skipped when `dot` is missing, unless GRADEXPLAIN_REQUIRE_TOOLS=1.
Longer campaigns: python benchmarks/fuzz.py --budget 400 --seed 1 --jobs 2
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from benchmarks import fuzz
from benchmarks.fuzz import KINDS
from benchmarks.fuzz_cases import Case, Expect, File
from benchmarks.fuzz_runner import Measurement, measure, problems

SEED = 14
PER_KIND = 2
PYTHON = sys.executable


# ── the campaign ─────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("kind", list(KINDS))
def test_no_generated_input_misbehaves(kind):
    outcomes = fuzz.run_all(fuzz.kind_cases(SEED, kind, PER_KIND, light=True), jobs=2)
    skipped = [o for o in outcomes if o.measurement is None]
    if skipped and os.environ.get("GRADEXPLAIN_REQUIRE_TOOLS") == "1":
        pytest.fail("; ".join(f"{o.numbered.ident}: {o.skipped}" for o in skipped))
    bad = [o for o in outcomes if o.misbehaved]
    assert not bad, "\n" + fuzz.report(bad, [kind], " --light").split("\n\n", 1)[1]
    if len(skipped) == len(outcomes):
        pytest.skip(skipped[0].skipped)


def test_a_campaign_is_reproducible_from_its_seed_and_covers_every_kind():
    first, again, other = fuzz.campaign(1, 48), fuzz.campaign(1, 48), fuzz.campaign(2, 48)
    assert [c.case for c in first] == [c.case for c in again]
    assert [c.case for c in first] != [c.case for c in other]
    assert {c.case.kind for c in first} == set(KINDS)
    assert len({(c.case.argv, c.case.stdin, c.case.files) for c in first}) == 48


def test_the_number_kinds_know_the_meaning_of_every_function_of_the_language():
    from benchmarks.fuzz_cases import FUNCTIONS
    from gradexplain.engine.primitives import FUNCTION_NAMES

    assert set(FUNCTION_NAMES) <= set(FUNCTIONS)
    drawn = {c.case.argv[0].split("(")[0] for c in fuzz.kind_cases(1, "primitives", 200)}
    assert set(FUNCTION_NAMES) <= drawn


def test_replaying_a_case_draws_the_same_case():
    cases = fuzz.kind_cases(3, "files", 5)
    assert fuzz.kind_cases(3, "files", 3)[-1] == cases[2]


def test_the_listed_command_lines_are_printable(capsys):
    assert fuzz.main(["--budget", "64", "--seed", "5", "--list"]) == 0
    listed = capsys.readouterr().out
    assert len(listed.splitlines()) == 64
    assert all(ch.isprintable() for line in listed.splitlines() for ch in line)


def test_command_lines_quote_control_characters_for_bash():
    case = Case("control_chars", ("w*2 # \x1b[2J\u202e", "--w", "1"), files=(File("d", kind="dir"),))
    assert fuzz.command_line(case) == "mkdir d && gradexplain $'w*2 # \\x1b[2J\\u202e' --w 1"
    assert fuzz.quote("it's") == "'it'\"'\"'s'"
    assert "…[200,000 characters]…" in fuzz.quote("w+" * 100_000)


# ── the runner, on synthetic commands ────────────────────────────────────────────────────────


def python(code: str, **options) -> Measurement:
    return measure([PYTHON, "-c", code], **options)


def test_a_clean_command_has_no_problems():
    m = python("print('ok')")
    assert (m.exit_code, m.stdout, problems(m)) == (0, b"ok\n", [])
    assert m.seconds > 0 and m.peak_rss > 0


def test_a_process_past_the_time_limit_is_killed_with_its_children_and_reported():
    m = python(
        "import subprocess, time; p = subprocess.Popen(['sleep', '60']); print(p.pid, flush=True); time.sleep(60)",
        timeout=1,
    )
    assert m.timed_out and m.signal is not None
    found = problems(m, timeout=1)
    assert any("did not end within 1 s" in p for p in found)
    assert not any(p.startswith("left processes") for p in found)  # it killed them itself
    assert gone(int(m.stdout))


def test_a_child_left_running_is_reported_and_killed():
    m = python("import subprocess; print(subprocess.Popen(['sleep', '60']).pid)")
    assert m.exit_code == 0 and not m.timed_out
    assert any(p.startswith("left processes running") and "sleep" in p for p in problems(m))
    assert gone(int(m.stdout))


def gone(pid: int) -> bool:
    """The process is dead (or a zombie waiting for its reaper), within a few seconds."""
    for _ in range(100):
        try:
            if Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] in "ZX":
                return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("print('\\x1b[2J')", "control character on stdout: b'\\x1b'"),
        ("import sys; sys.stderr.write('title \\x9b31m')", "control character on stderr: b'\\xc2\\x9b'"),
        ("print('bell \\x07')", "control character on stdout: b'\\x07'"),
        ("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)", "died by signal SIGSEGV"),
        ("raise SystemExit(3)", "exit code 3 (internal error)"),
        ("1/0", "printed a Traceback"),
        ("import sys; sys.stderr.write('error\\n' * 13)", "stderr has 13 lines"),
        ("import sys; sys.stderr.write('e' * 301)", "a stderr line of 301 characters"),
    ],
)
def test_each_broken_promise_is_flagged(code, expected):
    found = problems(python(code))
    assert any(p.startswith(expected) for p in found), found


def test_tabs_newlines_and_unicode_are_not_control_characters():
    assert problems(python("print('∂J/∂w\\t= −4\\n\\u202e ok')")) == []


def test_the_memory_of_a_hog_is_measured():
    m = python("x = b'x' * 300_000_000; import time; time.sleep(0.2)")
    assert m.peak_rss >= 300_000_000 and problems(m) == []


def test_the_memory_of_a_child_is_measured():
    m = python(f"import subprocess; subprocess.run([{PYTHON!r}, '-c', 'x = b\"x\" * 300_000_000'])")
    assert m.peak_rss >= 300_000_000


def test_a_process_past_the_memory_limit_is_killed_and_reported():
    grow = "import time\nx = []\nfor _ in range(200):\n    x.append(b'x' * 10**7)\n    time.sleep(0.01)\ntime.sleep(60)"
    m = python(grow, memory_limit=200_000_000)
    assert m.memory_killed and not m.timed_out
    assert any(p.startswith("passed 200 MB of memory") for p in problems(m, memory_limit=200_000_000))


# ── judging answers, on synthetic runs ───────────────────────────────────────────────────────


def ran(document: dict, exit_code: int = 0, stderr: bytes = b"") -> Measurement:
    out = json.dumps(document).encode()
    return Measurement(1.0, 1, exit_code, None, False, False, (), out, len(out), stderr, len(stderr), None, None)


def test_a_strict_case_wants_a_double_s_precision_whatever_the_notes_say():
    truth = Expect(value="2.718281828459045", gradients=(("w", "0.5"),), strict=True)
    case = Case("primitives", ("x",), expect=truth)
    noted = [{"text": "floating point lost 8 digits of precision here"}]
    close = {"output": {"value": 2.71828182845, "name": "J"}, "gradients": {"w": 0.5}, "notes": noted}
    (found,) = fuzz.expectations(case, ran(close))
    assert found.startswith("J = 2.71828182845 but the true value is 2.718281828459045")
    right = {"output": {"value": 2.718281828459045}, "gradients": {"w": 0.5000000000000001}}
    assert fuzz.expectations(case, ran(right)) == []
    wrong = {"output": {"value": 2.718281828459045}, "gradients": {"w": 0.0}, "gradients_exact": {"w": "0"}}
    assert fuzz.expectations(case, ran(wrong)) == ["∂J/∂w = 0.0 but the true value is 0.5"]


def test_what_the_output_must_say_and_how_many_digits_it_may_show_are_judged():
    case = Case("float_edges", ("x",), expect=Expect(in_output=("nearest double",), most_digits=15))
    shown = Measurement(1.0, 1, 0, None, False, False, (), b"J = 0.731058578630005", 21, b"", 0, None, None)
    assert fuzz.expectations(case, shown) == ["the output does not say 'nearest double'"]
    long = b"nearest double: 0.73105857863000489604843323832"
    too_long = Measurement(1.0, 1, 0, None, False, False, (), long, len(long), b"", 0, None, None)
    assert fuzz.expectations(case, too_long) == ["a number shows 29 significant digits, more than 15"]


def test_a_wrong_value_is_flagged_unless_a_note_admits_lost_precision():
    case = Case("cancellation", ("x",), expect=Expect(value="2.718281828459045"))
    wrong = {"output": {"value": 3.035}, "notes": []}
    assert fuzz.expectations(case, ran(wrong))[0].startswith("J = 3.035 but the true value is 2.718281828459045")
    noted = {"output": {"value": 3.035}, "notes": [{"text": "floating point lost 8 digits of precision here"}]}
    assert fuzz.expectations(case, ran(noted)) == []
    assert fuzz.expectations(case, ran({"output": {"value": 2.718281828459045}})) == []


def test_a_tiny_value_shown_as_zero_is_flagged_and_an_exact_one_is_not():
    case = Case("huge_value", ("x",), expect=Expect(value="7.1e-2090"))
    assert fuzz.expectations(case, ran({"output": {"value": 0.0}}))
    exact = {"output": {"value": 0.0, "value_exact": f"71/{10**2091}"}}
    assert fuzz.expectations(case, ran(exact)) == []


def test_an_undefined_formula_must_exit_2():
    case = Case("domain_program", ("x",), expect=Expect(exits=(2,), why="undefined here"))
    assert fuzz.expectations(case, ran({"output": {"value": 1}})) == ["exit code 0, expected 2: undefined here"]
    assert fuzz.expectations(case, ran({}, exit_code=2)) == []


def test_a_check_that_calls_a_wrong_gradient_ok_is_flagged():
    check = {"input": "w", "ok": True, "estimate": 0, "gradient": 12, "eps": "1e-200"}
    found = fuzz.expectations(Case("eps", ("x",)), ran({"checks": [check]}))
    assert found == ["the check of w says ok with estimate 0.0 against gradient 12.0 (eps 1.0e-200)"]
    assert fuzz.expectations(Case("eps", ("x",)), ran({"checks": [{**check, "ok": None}]})) == []


def test_false_messages_and_missing_lookalike_warnings_are_flagged():
    case = Case("files", ("-f", "d"), expect=Expect(not_in_stderr=("no such file",)))
    assert fuzz.expectations(case, ran({}, 2, b"error: no such file: d")) == [
        "the message says 'no such file', which is not true here"
    ]
    look = Case("lookalike", ("a*а",), expect=Expect(warn_lookalikes=(("a", "а"),)))
    assert fuzz.expectations(look, ran({"inputs": {"a": 2, "а": 3}}))
    assert fuzz.expectations(look, ran({"inputs": {"a": 2, "а": 3}}, stderr=b"warning: a and \\u0430 look alike")) == []
