#!/usr/bin/env python3
"""test-problems.py: the problems of an asyncio program, as `braid
problems` lists them from its trace: a task that blocked the loop (a slow
step, named), a callback that did (a slow callback: no task), a task
destroyed while pending (as asyncio reports it, with what it waited on),
and a deadlock (every task waits on an Event the other would set: braid
records it when the loop is about to block for good, before the program
is interrupted).
"""
import os
import signal
import time

import pytrace
from pytrace import check


def problems(trace):
    run = pytrace.braid("problems", trace)
    print(run.stdout, end="")
    check(run.returncode == 1, f"braid problems exited {run.returncode}")
    return run.stdout


def test_problems():
    trace = os.path.join(pytrace.tmpdir(), "problems.braid")
    run = pytrace.braid_run(trace, [pytrace.PYTHON, os.path.join(
        pytrace.PROGRAMS, "problems.py")])
    check(run.returncode == 0 and run.stdout == "end\n",
          f"problems.py: status {run.returncode}, stdout {run.stdout!r}")
    check("Task was destroyed but it is pending!" in run.stderr,
          "asyncio's report of the destroyed task is not on stderr")
    pytrace.check_complete(trace)
    out = problems(trace)
    check("slow-step: 'blocker' held the loop" in out,
          "the blocking task's slow step is not listed")
    check("slow-step: A callback held the loop" in out,
          "the blocking callback is not listed")
    check("destroyed-pending: Task was destroyed but it is pending: 'lost'"
          in out and "waiting on event" in out,
          "the destroyed task, or what it waited on, is not listed")
    check(out.count("slow-step") == 2, "other steps were reported slow")


def test_deadlock():
    trace = os.path.join(pytrace.tmpdir(), "deadlock.braid")
    proc = pytrace.start_in_group(trace, [pytrace.PYTHON, os.path.join(
        pytrace.PROGRAMS, "deadlock.py")], signal.SIGINT)
    check(proc.stdout.readline() == "waiting\n", "deadlock.py did not "
          "start")
    # The loop blocks in its next select, microseconds later.
    time.sleep(0.5)
    check(proc.poll() is None, "deadlock.py ended by itself")
    pytrace.signal_group(proc, signal.SIGINT)
    check(proc.returncode == 128 + signal.SIGINT,
          f"deadlock.py: status {proc.returncode}")
    pytrace.check_complete(trace)
    out = problems(trace)
    check("deadlock: Deadlock: 2 tasks wait" in out,
          "the deadlock is not listed")
    check("'Task-1' waits on event" in out and "'second' waits on event"
          in out, "the deadlock does not say who waits on what")


test_problems()
test_deadlock()
pytrace.finish("slow step, slow callback, destroyed pending, deadlock")
