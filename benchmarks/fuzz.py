"""The fuzz campaign of issue 14: generated hostile inputs of every kind, each run as the real
command line is (`python -m gradexplain ...` in its own process, output piped, stdin from
/dev/null unless the case gives one), measured (wall time, peak memory of the process tree) and
judged against the promise: ends within 20 s, peak memory under 1.5 GB, exit 0/1/2, no signal,
no traceback, no terminal control characters in the output, a short message; and, where the
generator knows it, the right answer (a formula undefined at the point exits 2; a value is right
or a note says precision was lost; a check never calls a wrong gradient ok; a file that exists is
never "no such file"; look-alike names get a warning).

    python benchmarks/fuzz.py --budget 400 --seed 1 [--kinds a,b] [--jobs 2] [--light]
    python benchmarks/fuzz.py --replay 1:long_flat:3      # rerun one case and show everything
    python benchmarks/fuzz.py --budget 40 --list          # the command lines, without running them
    python benchmarks/fuzz.py --budget 40 --each          # also every case's time and peak memory

A campaign is reproducible from (seed, budget, kinds, light): case n of a kind is drawn from
random.Random(f"{seed}/{kind}/{n}/{attempt}"). `--light` (used by tests/test_fuzz.py) lowers the
sizes of the heavy kinds by lowering the limits they run against, so CI stays quick.
Exit code 1 when any case misbehaved.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shlex
import shutil
import stat
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import mpmath

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.fuzz_cases import KINDS as CASE_KINDS  # noqa: E402
from benchmarks.fuzz_cases import Case, Draw, File  # noqa: E402
from benchmarks.fuzz_numbers import KINDS as NUMBER_KINDS  # noqa: E402
from benchmarks.fuzz_runner import MEMORY_LIMIT, TIME_LIMIT, Measurement, measure, problems  # noqa: E402

sys.set_int_max_str_digits(0)  # the harness reads gradexplain's exact values, however long

# A note or warning that admits lost precision (or a value too small to show) excuses a wrong value.
PRECISION_NOTE = re.compile(r"precision|accura|cancel|digits|underflow|too small|rounded|lost", re.IGNORECASE)
RELATIVE_ERROR = 1e-6
KINDS = {**CASE_KINDS, **NUMBER_KINDS}
STRICT_ERROR = 1e-13  # a double's precision, with room for the last digits of a long computation


# ── generating ───────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Numbered:
    """A case with its identity: seed, kind and index reproduce it (see `--replay`)."""

    ident: str
    case: Case


def kind_cases(seed: int, kind: str, count: int, light: bool = False) -> list[Numbered]:
    """The first `count` distinct cases of one kind (a repeat is redrawn, a few times at most)."""
    cases: list[Numbered] = []
    seen: set[tuple] = set()
    for n in range(count):
        for attempt in range(8):
            case = KINDS[kind](Draw(random.Random(f"{seed}/{kind}/{n}/{attempt}"), light))
            key = (case.argv, case.stdin, case.files)
            if key not in seen:
                break
        seen.add(key)
        cases.append(Numbered(f"{seed}:{kind}:{n}", case))
    return cases


def campaign(seed: int, budget: int, kinds: list[str] | None = None, light: bool = False) -> list[Numbered]:
    """`budget` cases shared evenly between the kinds (the first kinds get one more when it does not divide)."""
    names = kinds or list(KINDS)
    per_kind = {name: budget // len(names) + (i < budget % len(names)) for i, name in enumerate(names)}
    return [c for name in names for c in kind_cases(seed, name, per_kind[name], light)]


# ── running and judging ──────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Outcome:
    numbered: Numbered
    measurement: Measurement | None  # None: skipped
    problems: tuple[str, ...] = ()
    skipped: str = ""

    @property
    def misbehaved(self) -> bool:
        return bool(self.problems)


def child_environment() -> dict[str, str]:
    """The user's environment, without colour switches, importing gradexplain from this checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "PYTHONSTARTUP")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def prepare(files: tuple[File, ...], directory: Path) -> list[threading.Thread]:
    """Create the case's files; a fed FIFO gets a writer thread (returned, so it can be waited for)."""
    writers = []
    for f in files:
        path = directory / f.name
        if f.kind == "dir":
            path.mkdir()
        elif f.kind in ("fifo", "fed_fifo"):
            os.mkfifo(path)
            if f.kind == "fed_fifo":
                writer = threading.Thread(target=_write_fifo, args=(path, f.data), daemon=True)
                writer.start()
                writers.append(writer)
        elif f.kind == "symlink":
            path.symlink_to(f.target)
        else:
            path.write_bytes(f.data)
            if f.kind == "unreadable":
                path.chmod(0)
    return writers


def _write_fifo(path: Path, data: bytes) -> None:
    """Open the FIFO without blocking forever: give up after a while if nobody reads it."""
    for _ in range(int(TIME_LIMIT * 10)):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # no reader yet
            threading.Event().wait(0.1)
            continue
        os.set_blocking(fd, True)
        with contextlib.suppress(OSError):
            os.write(fd, data)
        os.close(fd)
        return


def run(numbered: Numbered, timeout: float = TIME_LIMIT, memory_limit: int = MEMORY_LIMIT) -> Outcome:
    """Run one case in a fresh directory and judge it."""
    case = numbered.case
    missing = [p for p in case.needs if shutil.which(p) is None]
    if missing:
        return Outcome(numbered, None, skipped=f"{', '.join(missing)} is not installed")
    with tempfile.TemporaryDirectory(prefix="gradexplain-fuzz-") as directory:
        prepare(case.files, Path(directory))
        try:
            m = measure(
                [sys.executable, "-m", "gradexplain", *case.argv],
                stdin=case.stdin,
                cwd=directory,
                env=child_environment(),
                timeout=timeout,
                memory_limit=memory_limit,
                scan_stdout=not case.binary_stdout,
            )
        except OSError as problem:  # the system refused the command line itself (too long)
            return Outcome(numbered, None, skipped=f"could not start: {problem.strerror}")
        finally:
            for path in Path(directory).iterdir():  # let TemporaryDirectory remove what we made unreadable
                if not path.is_symlink():
                    path.chmod(stat.S_IRWXU)
    found = problems(m, timeout=timeout, memory_limit=memory_limit)
    if not (m.timed_out or m.memory_killed or m.signal):
        found += expectations(case, m)
    return Outcome(numbered, m, tuple(found))


def expectations(case: Case, m: Measurement) -> list[str]:
    """What the generator knows about the right answer, checked against the run."""
    expect, found = case.expect, []
    stderr = m.stderr.decode("utf-8", "replace")
    if m.exit_code not in expect.exits and m.exit_code in (0, 1, 2):
        found.append(f"exit code {m.exit_code}, expected {' or '.join(map(str, expect.exits))}: {expect.why}")
    for text in expect.not_in_stderr:
        if text in stderr:
            found.append(f"the message says {text!r}, which is not true here")
    stdout = m.stdout.decode("utf-8", "replace") if not case.binary_stdout else ""
    for text in expect.in_output:
        if text not in stdout and text not in stderr:
            found.append(f"the output does not say {text!r}")
    if expect.most_digits is not None:
        longest = max((len(d.lstrip("0")) for d in _mantissas(stdout)), default=0)
        if longest > expect.most_digits:
            found.append(f"a number shows {longest} significant digits, more than {expect.most_digits}")
    document = _json(m) if m.exit_code in (0, 1) else None
    if document is None:
        return found
    notes = " ".join(n.get("text", "") for n in document.get("notes") or []) + " " + stderr
    if expect.value is not None:
        wrong = _wrong_value(document, expect.value, STRICT_ERROR if expect.strict else RELATIVE_ERROR)
        if wrong and (expect.strict or not PRECISION_NOTE.search(notes)):
            found.append(
                wrong
                + (", a double's precision was asked for" if expect.strict else ", and nothing says precision was lost")
            )
    found += _wrong_gradients(document, expect.gradients)
    found += _dishonest_checks(document)
    inputs = set(document.get("inputs") or {})
    for a, b in expect.warn_lookalikes:
        if a in inputs and b in inputs and "warning" not in stderr:
            found.append(f"inputs {a!r} and {b!r} look alike and no warning says so")
    return found


def _json(m: Measurement) -> dict | None:
    if m.stdout_size > len(m.stdout) or not m.stdout.lstrip().startswith(b"{"):
        return None
    try:
        return json.loads(m.stdout)
    except ValueError:
        return None


def _number(value: object, exact: object) -> mpmath.mpf | None:
    """gradexplain's value, from its exact form where it gives one."""
    with mpmath.workdps(60):
        for candidate in (exact, value):
            if isinstance(candidate, str):
                try:
                    fraction = Fraction(candidate)
                    return mpmath.mpf(fraction.numerator) / fraction.denominator
                except (ValueError, ZeroDivisionError):
                    try:
                        return mpmath.mpf(candidate)
                    except ValueError:
                        continue
            if isinstance(candidate, int | float) and not isinstance(candidate, bool):
                return mpmath.mpf(candidate)
    return None


def _wrong_value(document: dict, true_text: str, tolerance: float = RELATIVE_ERROR) -> str | None:
    output = document.get("output") or {}
    got = _number(output.get("value"), output.get("value_exact"))
    return _off(f"{output.get('name', 'J')} = ", got, true_text, tolerance)


def _off(label: str, got: mpmath.mpf | None, true_text: str, tolerance: float) -> str | None:
    """Why `got` is not the true value within `tolerance` (relatively), or None."""
    with mpmath.workdps(60):
        true = mpmath.mpf(true_text)
        if got is None:
            return None
        shown = f"{label}{mpmath.nstr(got, 16)} but the true value is {mpmath.nstr(true, 16)}"
        if (got == 0) != (true == 0) or abs(got - true) > tolerance * abs(true):
            return shown
    return None


def _wrong_gradients(document: dict, gradients: tuple[tuple[str, str], ...]) -> list[str]:
    """Each gradient the generator knows, to a double's precision."""
    found = []
    for name, true_text in gradients:
        got = _number((document.get("gradients") or {}).get(name), (document.get("gradients_exact") or {}).get(name))
        if got is None:
            found.append(f"no gradient for {name} in the output")
        elif (wrong := _off(f"∂J/∂{name} = ", got, true_text, STRICT_ERROR)) is not None:
            found.append(wrong)
    return found


NUMBER = re.compile(r"(?<![\w.])-?(\d+(?:\.\d+)?)(?:e-?\d+)?(?![\w.])")


def _mantissas(text: str) -> list[str]:
    """The digits of every decimal number in `text` (1.2345e-7 gives 12345)."""
    return [match[1].replace(".", "") for match in NUMBER.finditer(text)]


def _dishonest_checks(document: dict) -> list[str]:
    """A check that says ok while its estimate is nowhere near the gradient."""
    found = []
    for check in document.get("checks") or []:
        if check.get("ok") is not True:
            continue
        estimate = _number(check.get("estimate"), None)
        gradient = _number(check.get("gradient"), None)
        if estimate is None or gradient is None:
            continue
        if abs(estimate - gradient) > 0.1 * max(1, abs(gradient)):
            eps = _number(check.get("eps"), None)
            found.append(
                f"the check of {check.get('input')} says ok with estimate {mpmath.nstr(estimate, 8)} "
                f"against gradient {mpmath.nstr(gradient, 8)} (eps {mpmath.nstr(eps, 8) if eps is not None else '?'})"
            )
    return found


def run_all(cases: list[Numbered], jobs: int = 2, timeout: float = TIME_LIMIT, progress=None) -> list[Outcome]:
    """Every case, `jobs` at a time; results in the cases' order."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run, c, timeout) for c in cases]
        outcomes = []
        for future in futures:
            outcomes.append(future.result())
            if progress:
                progress(outcomes[-1], len(outcomes), len(cases))
    return outcomes


# ── showing ──────────────────────────────────────────────────────────────────────────────────

SHOWN = 160  # characters of one argument shown in a command line; longer ones are abbreviated
ARGUMENTS_SHOWN = 24


def quote(word: str | bytes) -> str:
    """A shell word for bash that prints safely: controls and invisible characters as $'\\x1b' escapes."""
    text = word.decode("utf-8", "surrogateescape") if isinstance(word, bytes) else word
    if len(text) > SHOWN:
        return _abbreviated(text)
    if all(ch.isprintable() and not ("\u2000" <= ch <= "\u206f" or ch in "\u0085\ufeff") for ch in text):
        return shlex.quote(text)
    escaped = ""
    for ch in text:
        code = ord(ch)
        if ch in "\\'":
            escaped += "\\" + ch
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8
            escaped += f"\\x{code - 0xDC00:02x}"
        elif ch.isprintable() and not ("\u2000" <= ch <= "\u206f" or ch in "\u0085\ufeff"):
            escaped += ch
        elif code < 0x100:
            escaped += f"\\x{code:02x}"
        else:
            escaped += f"\\u{code:04x}"
    return f"$'{escaped}'"


def _abbreviated(text: str) -> str:
    """A long argument as its start, its length and its end, all printable (see --replay for it whole)."""
    head, tail = quote(text[:60]), quote(text[-40:])
    return f"{head}…[{len(text):,} characters]…{tail}"


def command_line(case: Case) -> str:
    """How to reproduce the case in bash, in an empty directory."""
    setup = []
    for f in case.files:
        name = quote(f.name)
        if f.kind == "dir":
            setup.append(f"mkdir {name}")
        elif f.kind == "fifo":
            setup.append(f"mkfifo {name}")
        elif f.kind == "fed_fifo":
            setup.append(f"mkfifo {name} && (printf '%s' {quote(f.data)} > {name} &)")
        elif f.kind == "symlink":
            setup.append(f"ln -s {quote(f.target)} {name}")
        else:
            setup.append(
                f"printf '%s' {quote(f.data)} > {name}" + (f" && chmod 000 {name}" if f.kind == "unreadable" else "")
            )
    words = [quote(a) for a in case.argv]
    if len(words) > ARGUMENTS_SHOWN:  # thousands of NAME=VALUE words: the first and last few
        hidden = len(words) - ARGUMENTS_SHOWN
        words[ARGUMENTS_SHOWN // 2 : -ARGUMENTS_SHOWN // 2] = [f"…[{hidden:,} more arguments]…"]
    run_it = "gradexplain " + " ".join(words)
    if case.stdin is not None:
        run_it = f"printf '%s' {quote(case.stdin)} | {run_it}"
    return " && ".join([*setup, run_it])


def report(outcomes: list[Outcome], kinds: list[str], replay_flags: str = "") -> str:
    """The table per kind, then every misbehaving case with its command line and why."""
    lines = [
        f"{'kind':<15} {'tried':>5} {'bad':>4} {'skip':>4}  {'worst time':>10}  {'case':<20} "
        f"{'worst peak':>10}  {'case':<20}",
    ]
    for kind in kinds:
        ran = [o for o in outcomes if o.numbered.case.kind == kind]
        measured = [o for o in ran if o.measurement]
        bad = sum(o.misbehaved for o in ran)
        if measured:
            slow = max(measured, key=lambda o: o.measurement.seconds)
            big = max(measured, key=lambda o: o.measurement.peak_rss)
            worst = (
                f"{slow.measurement.seconds:>9.2f}s  {slow.numbered.ident:<20} "
                f"{big.measurement.peak_rss / 1e6:>7,.0f} MB  {big.numbered.ident:<20}"
            )
        else:
            worst = ""
        lines.append(f"{kind:<15} {len(ran):>5} {bad:>4} {len(ran) - len(measured):>4}  {worst}")
    measured = [o for o in outcomes if o.measurement]
    bad = [o for o in outcomes if o.misbehaved]
    lines.append(f"\n{len(outcomes)} inputs, {len(bad)} misbehaving, {len(outcomes) - len(measured)} skipped")
    for o in bad:
        m = o.measurement
        code = f"exit {m.exit_code}" if m.exit_code is not None else f"signal {m.signal}"
        lines.append(f"\n{o.numbered.ident}  ({code}, {m.seconds:.2f} s, {m.peak_rss / 1e6:,.0f} MB)")
        lines.append("  $ " + command_line(o.numbered.case))
        lines.extend(f"  - {why}" for why in o.problems)
        lines.append(f"  replay: python benchmarks/fuzz.py --replay {o.numbered.ident}{replay_flags}")
    return "\n".join(lines)


def each_case(outcomes: list[Outcome]) -> str:
    """One line per case: its identity, exit code, wall time and peak memory (--each)."""
    lines = [f"{'case':<24} {'exit':>4} {'time':>8} {'peak':>8}"]
    for o in outcomes:
        m = o.measurement
        if m is None:
            lines.append(f"{o.numbered.ident:<24} skipped: {o.skipped}")
            continue
        code = str(m.exit_code) if m.exit_code is not None else f"sig{m.signal}"
        lines.append(f"{o.numbered.ident:<24} {code:>4} {m.seconds:>7.2f}s {m.peak_rss / 1e6:>5,.0f} MB")
    return "\n".join(lines)


def show(outcome: Outcome) -> str:
    """Everything about one run, for --replay."""
    m = outcome.measurement
    if m is None:
        return f"skipped: {outcome.skipped}"
    err = m.stderr.decode("utf-8", "replace")
    out = m.stdout.decode("utf-8", "replace") if not outcome.numbered.case.binary_stdout else "(binary)"

    def cut(s):
        return s if len(s) < 3000 else s[:2000] + f"\n…[{len(s):,} characters]…\n" + s[-500:]

    return "\n".join(
        [
            "$ " + command_line(outcome.numbered.case),
            f"exit {m.exit_code}, signal {m.signal}, {m.seconds:.2f} s, peak {m.peak_rss / 1e6:,.0f} MB, "
            f"stdout {m.stdout_size:,} bytes, stderr {m.stderr_size:,} bytes",
            "── stderr (escaped) ──",
            ascii(cut(err))[1:-1].replace("\\n", "\n"),
            "── stdout (escaped) ──",
            ascii(cut(out))[1:-1].replace("\\n", "\n"),
            "── verdict ──",
            "\n".join(f"- {p}" for p in outcome.problems) or "behaved",
        ]
    )


# ── the script ───────────────────────────────────────────────────────────────────────────────


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--budget", type=int, default=400, help="cases in all, shared between the kinds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kinds", help="comma-separated, from: " + ", ".join(KINDS))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=TIME_LIMIT, help="seconds per case (the promise: 20)")
    parser.add_argument("--light", action="store_true", help="smaller heavy cases, against lowered limits (CI)")
    parser.add_argument("--list", action="store_true", help="print the cases' command lines, run nothing")
    parser.add_argument("--replay", metavar="SEED:KIND:N", help="run one case and show everything it did")
    parser.add_argument("--each", action="store_true", help="also print every case's exit code, time and peak memory")
    args = parser.parse_args(argv)
    flags = " --light" if args.light else ""
    if args.replay:
        seed, kind, n = args.replay.split(":")
        numbered = kind_cases(int(seed), kind, int(n) + 1, args.light)[-1]
        print(show(run(numbered, args.timeout)))
        return 0
    kinds = args.kinds.split(",") if args.kinds else list(KINDS)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        parser.error(f"unknown kinds {', '.join(unknown)}; the kinds are {', '.join(KINDS)}")
    cases = campaign(args.seed, args.budget, kinds, args.light)
    if args.list:
        for c in cases:
            print(f"{c.ident}  $ {command_line(c.case)}")
        return 0

    def progress(outcome: Outcome, done: int, total: int) -> None:
        mark = "!" if outcome.misbehaved else ("s" if outcome.measurement is None else ".")
        print(mark, end="\n" if done % 80 == 0 or done == total else "", file=sys.stderr, flush=True)

    outcomes = run_all(cases, args.jobs, args.timeout, progress)
    print(
        f"seed {args.seed}, budget {args.budget}{flags}, {args.jobs} jobs, limits {args.timeout:g} s and "
        f"{MEMORY_LIMIT / 1e9:g} GB per case\n"
    )
    print(report(outcomes, kinds, flags))
    if args.each:
        print("\n" + each_case(outcomes))
    return 1 if any(o.misbehaved for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
