"""Runs one command the way a user's shell would, and measures it: wall time, peak memory of the
whole process tree, exit code or signal, and what it wrote. Then judges it against the promise of
issue 14 (`problems`). Knows nothing about how cases are generated.

How it measures, without a `preexec_fn` (unsafe in a threaded program):
- the command runs under a tiny wrapper (WRAPPER, a few lines of Python started with -I -S) in a
  new session (`start_new_session=True`), so the wrapper, the command and every child it starts
  (Graphviz's `dot`) share one process group that can be killed at once;
- the wrapper forks, execs the command, reaps it with `os.wait4` and reports its exit status and
  `ru_maxrss` on a pipe: the peak of the largest single process among the command and the
  children it waited for. (Why a wrapper: Linux starts an exec'd process's `ru_maxrss` at the
  resident size of the process that forked it, so measured straight from this harness every
  command would weigh at least as much as the harness and its generated inputs.)
- the sum of the resident sizes of every process in the group but the wrapper is sampled from
  /proc every 50 ms, which also sees children running side by side, or left behind; the peak is
  the larger of the two figures;
- at the time limit, or when the sampled tree passes the memory limit, the whole group gets
  SIGKILL; after the command exits, anything still in its group is reported and killed.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

TIME_LIMIT = 20.0  # seconds, the promise
MEMORY_LIMIT = 1_500_000_000  # bytes (1.5 GB), the promise
MESSAGE_LINES = 12  # a longer stderr is not "one short message"
MESSAGE_WIDTH = 300  # characters in one stderr line
KEPT = 8_000_000  # bytes of stdout and stderr kept for judging; the rest is counted and scanned

# C0 controls except \t and \n, DEL, and C1 controls (in UTF-8, \xc2\x80-\xc2\x9f). ESC is in C0.
CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")
PAGE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_EVERY = 0.05

# Runs argv[2:] as a child, reaps it and writes "STATUS MAXRSS_KB" to the file descriptor argv[1].
WRAPPER = """
import os, signal, sys
report, command = int(sys.argv[1]), sys.argv[2:]
pid = os.fork()
if pid == 0:
    os.close(report)
    for name in ("SIGPIPE", "SIGXFSZ"):  # as subprocess restores them for its children
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    try:
        os.execvp(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
os.write(report, f"{status} {usage.ru_maxrss}".encode())
"""


@dataclass(frozen=True, slots=True)
class Measurement:
    seconds: float
    peak_rss: int  # bytes
    exit_code: int | None  # None when killed by a signal
    signal: int | None
    timed_out: bool
    memory_killed: bool
    leftover: tuple[str, ...]  # processes still in the group when the command had exited
    stdout: bytes  # the first KEPT bytes
    stdout_size: int
    stderr: bytes
    stderr_size: int
    stdout_control: str | None  # the first control character found, shown escaped with context
    stderr_control: str | None


class _Stream(threading.Thread):
    """Drains a pipe: keeps the first KEPT bytes, counts all, and finds the first control character."""

    def __init__(self, pipe, scan: bool) -> None:
        super().__init__(daemon=True)
        self.pipe, self.scan = pipe, scan
        self.kept = bytearray()
        self.size = 0
        self.control: str | None = None

    def run(self) -> None:
        carry = b""  # a chunk may end between \xc2 and the byte after it
        while chunk := self.pipe.read1(1 << 16):
            if len(self.kept) < KEPT:
                self.kept += chunk[: KEPT - len(self.kept)]
            if self.scan and self.control is None:
                window = carry + chunk
                found = CONTROL.search(window)
                if found:
                    where = self.size - len(carry) + found.start()
                    context = window[max(0, found.start() - 20) : found.end() + 20]
                    self.control = f"{found.group()!r} at byte {where}: {context!r}"
                carry = chunk[-1:]
            self.size += len(chunk)
        self.pipe.close()


def _group_members(group: int) -> list[tuple[int, str, int]]:
    """(pid, command name, resident bytes) of every live process in the process group."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        # fields[0] is field 3 of proc(5): state; pgrp is field 5, rss (pages) field 24.
        if int(fields[2]) == group and fields[0] not in ("Z", "X"):
            members.append((int(entry), name, int(fields[21]) * PAGE))
    return members


def _kill_group(group: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)


def _settle(group: int, patience: float = 10.0) -> None:
    """Kill what is left of the group and wait until it is gone: a process holding a gigabyte
    takes a moment to die, and must not be counted against (or crowd) the next command."""
    deadline = time.monotonic() + patience
    while _group_members(group) and time.monotonic() < deadline:
        _kill_group(group)
        time.sleep(SAMPLE_EVERY)


def measure(
    command: list[str],
    *,
    stdin: bytes | None = None,
    cwd: str | Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = TIME_LIMIT,
    memory_limit: int = MEMORY_LIMIT,
    scan_stdout: bool = True,
) -> Measurement:
    """Run `command` with stdout and stderr piped (stdin from /dev/null unless given) and measure it."""
    started = time.monotonic()
    report, report_writer = os.pipe()
    try:
        process = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", WRAPPER, str(report_writer), *command],
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
            start_new_session=True,
            pass_fds=(report_writer,),
        )
    finally:
        os.close(report_writer)
    group = process.pid  # the wrapper leads the session: its process group id is its pid
    out, err = _Stream(process.stdout, scan_stdout), _Stream(process.stderr, True)
    out.start()
    err.start()
    if stdin is not None:
        threading.Thread(target=_feed, args=(process.stdin, stdin), daemon=True).start()
    sampled, timed_out, memory_killed = 0, False, False
    while True:
        pid, status = os.waitpid(process.pid, os.WNOHANG)
        if pid:
            break
        tree = sum(rss for pid, _, rss in _group_members(group) if pid != group)
        sampled = max(sampled, tree)
        if tree > memory_limit and not memory_killed:
            memory_killed = True
            _kill_group(group)
        if time.monotonic() - started > timeout and not timed_out:
            timed_out = True
            _kill_group(group)
        time.sleep(SAMPLE_EVERY)
    seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait for it again
    left = _group_members(group)
    sampled = max(sampled, sum(rss for pid, _, rss in left if pid != group))
    leftover = () if timed_out or memory_killed else tuple(f"{name} (pid {pid})" for pid, name, _ in left)
    _settle(group)
    for stream in (out, err):
        stream.join(timeout=10)
    with os.fdopen(report, "rb") as reader:
        reported = reader.read().split()
    maxrss = 0
    if len(reported) == 2:  # the command's own status, unless the wrapper was killed first
        status, maxrss = int(reported[0]), int(reported[1]) * 1024
    return Measurement(
        seconds=seconds,
        peak_rss=max(maxrss, sampled),
        exit_code=os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        signal=os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        timed_out=timed_out,
        memory_killed=memory_killed,
        leftover=leftover,
        stdout=bytes(out.kept),
        stdout_size=out.size,
        stderr=bytes(err.kept),
        stderr_size=err.size,
        stdout_control=out.control,
        stderr_control=err.control,
    )


def _feed(pipe, data: bytes) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except (BrokenPipeError, OSError):
        pass


def problems(m: Measurement, *, timeout: float = TIME_LIMIT, memory_limit: int = MEMORY_LIMIT) -> list[str]:
    """Every way the run broke the promise: time, memory, signal, exit code, traceback, control
    characters, a long message, processes left behind."""
    found = []
    if m.timed_out:
        found.append(f"did not end within {timeout:g} s (killed)")
    if m.memory_killed:
        found.append(f"passed {memory_limit / 1e6:,.0f} MB of memory (killed at {m.peak_rss / 1e6:,.0f} MB)")
    elif m.peak_rss > memory_limit:
        found.append(f"peak memory {m.peak_rss / 1e6:,.0f} MB, over {memory_limit / 1e6:,.0f} MB")
    if m.signal is not None and not (m.timed_out or m.memory_killed):
        found.append(f"died by signal {signal.Signals(m.signal).name}")
    if m.exit_code is not None and m.exit_code not in (0, 1, 2):
        found.append(f"exit code {m.exit_code}" + (" (internal error)" if m.exit_code == 3 else ""))
    if b"Traceback" in m.stderr or b"Traceback (most recent call last)" in m.stdout:
        found.append("printed a Traceback")
    if m.stdout_control:
        found.append(f"control character on stdout: {m.stdout_control}")
    if m.stderr_control:
        found.append(f"control character on stderr: {m.stderr_control}")
    lines = m.stderr.decode("utf-8", "replace").splitlines()
    if len(lines) > MESSAGE_LINES or m.stderr_size > len(m.stderr):
        found.append(f"stderr has {len(lines)} lines ({m.stderr_size:,} bytes), more than {MESSAGE_LINES}")
    widest = max((len(line) for line in lines), default=0)
    if widest > MESSAGE_WIDTH:
        found.append(f"a stderr line of {widest:,} characters, more than {MESSAGE_WIDTH}")
    if m.leftover:
        found.append("left processes running after it exited: " + ", ".join(m.leftover[:5]))
    return found
