#!/usr/bin/env python3
"""test-module.py: `python3 -m braid` as a program's launcher.

- BRAID_TRACE names the trace, -o overrides it; the program sees its own
  sys.argv, and the trace's meta names the program and its arguments;
- -m MODULE runs a module as python3 -m does;
- BRAID_CLOCK=virtual: 30 s of sleeps take no time, the trace says 30 s,
  and two runs record the same events at the same times;
- every line the program prints is recorded as the output of the task
  that printed it (samples/python/print_numbers.py: each line starts with
  its task's name).
"""
import os
import subprocess
import sys
import time

import pytrace
from pytrace import check

TMP = pytrace.tmpdir()
PROGRAM = os.path.join(pytrace.PROGRAMS, "argv_sleep.py")


def module(args, cwd=None, **env):
    env.setdefault("PYTHONPATH", os.environ["BRAID_PYTHONPATH"])
    return subprocess.run([pytrace.PYTHON, "-m", "braid"] + args, cwd=cwd,
                          env=pytrace.env(**env), capture_output=True,
                          text=True, timeout=60)


def events(trace):
    return pytrace.query(trace, "SELECT kind, t, task, other, object, value,"
                                " reason, line FROM events ORDER BY seq")


def test_trace_names():
    by_env = os.path.join(TMP, "by-env.braid")
    start = time.monotonic()
    run = module([PROGRAM, "one", "two"], BRAID_TRACE=by_env,
                 BRAID_CLOCK="virtual")
    took = time.monotonic() - start
    check(run.returncode == 0, f"BRAID_TRACE run: {run.returncode} "
          f"{run.stderr}")
    check(run.stdout.splitlines()[0] == "argv: ['one', 'two']",
          f"the program saw {run.stdout.splitlines()[:1]}")
    pytrace.check_complete(by_env)
    m = pytrace.meta(by_env)
    check(m["program"] == PROGRAM and m["arguments"] == "one two",
          f"meta program {m['program']!r}, arguments {m['arguments']!r}")
    check(m["clock"] == "virtual", f"meta clock {m['clock']!r}")
    duration = pytrace.query(by_env, "SELECT max(t) FROM events")[0][0]
    check(duration == 30_000_000_000,
          f"30 s of virtual sleeps end at t = {duration} ns")
    check(took < 10, f"30 s of virtual sleeps took {took:.1f} s")

    by_option = os.path.join(TMP, "by-option.braid")
    run = module(["-o", by_option, PROGRAM, "one", "two"],
                 BRAID_TRACE=by_env + ".not",
                 BRAID_CLOCK="virtual")
    check(run.returncode == 0 and os.path.exists(by_option)
          and not os.path.exists(by_env + ".not"),
          "-o does not take precedence over BRAID_TRACE")
    check(events(by_env) == events(by_option),
          "two runs under the virtual clock recorded different events")
    slept = pytrace.query(by_option, """
        SELECT w.name, w.reason, e.value FROM waits w
        JOIN events e ON e.kind = 7 AND e.task = w.task AND e.t = w.start_t
        WHERE w.reason = 'sleep' ORDER BY e.value""")
    check([v for _, _, v in slept] == [10e9, 20e9, 30e9],
          f"sleeps and their delays: {slept}")


def test_module_option():
    trace = os.path.join(TMP, "module.braid")
    run = module(["-o", trace, "-m", "argv_sleep", "x"],
                 cwd=pytrace.PROGRAMS, BRAID_CLOCK="virtual")
    check(run.returncode == 0, f"-m argv_sleep: {run.returncode} "
          f"{run.stderr}")
    check(run.stdout.startswith("argv: ['x']"),
          f"-m argv_sleep printed {run.stdout!r}")
    pytrace.check_complete(trace)
    check(len(pytrace.tasks(trace)) == 4,
          f"-m argv_sleep: tasks {pytrace.tasks(trace)}")


def test_output_per_task(print_numbers):
    trace = os.path.join(TMP, "print_numbers.braid")
    run = module(["-o", trace, print_numbers], BRAID_CLOCK="virtual")
    check(run.returncode == 0, f"print_numbers: {run.returncode}")
    lines = pytrace.query(trace, """
        SELECT o.text, t.name, o.stream FROM outputs o
        LEFT JOIN tasks t ON t.task = o.task ORDER BY o.seq""")
    check(len(lines) == 40 and [line for line, _, _ in lines]
          == run.stdout.splitlines(),
          f"{len(lines)} lines recorded, in another order than printed")
    for text, name, stream in lines:
        check(text.split()[0] == name and stream in (1, "stdout"),
              f"{text!r} recorded as {name}'s, stream {stream}")


test_trace_names()
test_module_option()
test_output_per_task(sys.argv[1])
pytrace.finish("python3 -m braid: trace names, -m, the virtual clock, "
               "output per task")
