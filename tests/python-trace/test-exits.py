#!/usr/bin/env python3
"""test-exits.py: however a traced Python program ends, its exit status
passes through `braid run` and its trace is valid and complete: an error
at top level (status 1, Python's traceback without braid's frames),
sys.exit(3), SIGINT (KeyboardInterrupt; status 130, as Python dies of
SIGINT after one), SIGTERM (status 143), a second event loop running
in a thread at the same time as the main one, and a traced child killed
-9 (the parent's trace stays complete beside the child's cut-off one).
"""
import os
import signal

import pytrace
from pytrace import check


def program(name):
    return os.path.join(pytrace.PROGRAMS, name)


def trace_of(name):
    return os.path.join(pytrace.tmpdir(), name + ".braid")


def outcome(trace, function):
    rows = pytrace.query(trace, "SELECT outcome, error_type FROM task_summary"
                                " WHERE function = ?", function)
    return rows[0] if rows else None


def test_raise_top():
    trace = trace_of("raise_top")
    run = pytrace.braid_run(trace, [pytrace.PYTHON, program("raise_top.py")])
    check(run.returncode == 1, f"raise_top: status {run.returncode}, not 1")
    check("RuntimeError: boom at top level" in run.stderr
          and "raise_top.py" in run.stderr,
          f"raise_top: no traceback on stderr: {run.stderr!r}")
    check("braid" + os.sep not in run.stderr and "runpy" not in run.stderr,
          f"raise_top: braid's frames in the traceback: {run.stderr}")
    pytrace.check_complete(trace)
    check(outcome(trace, "main") == ("failed", "RuntimeError"),
          f"raise_top: main's outcome is {outcome(trace, 'main')}")


def test_exit_3():
    trace = trace_of("exit_3")
    run = pytrace.braid_run(trace, [pytrace.PYTHON, program("exit_3.py")])
    check(run.returncode == 3, f"exit_3: status {run.returncode}, not 3")
    check(run.stdout == "exiting with 3\n", f"exit_3: stdout {run.stdout!r}")
    pytrace.check_complete(trace)
    check(outcome(trace, "main") == ("failed", "SystemExit"),
          f"exit_3: main's outcome is {outcome(trace, 'main')}")


def interrupted(sig):
    """Runs sigint.py under braid run in a process group of its own, sends
    @sig to the group once it is ready (as a terminal's Ctrl-C reaches
    every process of the foreground group), and returns (status, trace)."""
    trace = trace_of("sigint-" + str(int(sig)))
    proc = pytrace.start_in_group(trace, [pytrace.PYTHON,
                                          program("sigint.py")], sig)
    ready = proc.stdout.readline()
    check(ready == "ready\n", f"sigint.py said {ready!r}")
    pytrace.signal_group(proc, sig)
    return proc.returncode, trace


def test_signal(sig, expected, why):
    """The program dies of @sig: status 128 + sig, a complete trace, and
    its task ended as @expected (outcome, error type) says."""
    status, trace = interrupted(sig)
    name = signal.Signals(sig).name
    check(status == 128 + sig, f"{name}: status {status}, not {128 + sig}")
    pytrace.check_complete(trace)
    check(outcome(trace, "ticker") == expected,
          f"{name}: ticker's outcome is {outcome(trace, 'ticker')} ({why})")


def test_thread_loop():
    trace = trace_of("thread_loop")
    run = pytrace.braid_run(trace, [pytrace.PYTHON, program("thread_loop.py")])
    check(run.returncode == 0, f"thread_loop: status {run.returncode}: "
          f"{run.stderr}")
    pytrace.check_complete(trace)
    loops = pytrace.query(trace, "SELECT count(*) FROM events WHERE kind = 1"
                                 " UNION ALL SELECT count(*) FROM events"
                                 " WHERE kind = 2")
    check(loops == [(2,), (2,)],
          f"thread_loop: loops created, closed: {loops} (2 of each)")
    # Each thread's lines belong to the task that printed them.
    lines = pytrace.query(trace, """
        SELECT o.text, t.name, t.function FROM outputs o
        LEFT JOIN tasks t ON t.task = o.task ORDER BY o.seq""")
    for text, name, function in lines:
        if text.startswith("main-task "):
            check(name == "main-task", f"{text!r} is {name}'s")
        elif text.startswith("thread-task "):
            check(function == "work" and name != "main-task",
                  f"{text!r} is {name}'s ({function})")
    check(len([1 for t, _, _ in lines if " " in t and t.split()[0]
               in ("main-task", "thread-task")]) == 6,
          f"thread_loop: lines recorded: {lines}")
    check(all(o == "completed" for _, _, o, _, _ in pytrace.tasks(trace)),
          f"thread_loop: tasks {pytrace.tasks(trace)}")


def test_killed_child():
    """A traced parent whose traced child is killed -9: the parent's trace
    is complete, the child's is its own file, incomplete, and braid report
    reads both as one run."""
    child = os.environ.get("BRAID_SAMPLE_PRIME")
    if not child:
        print("SKIP killed child: no C sample in this build")
        return
    trace = trace_of("killed_child")
    run = pytrace.braid_run(trace, [pytrace.PYTHON, program("kill_child.py"),
                                    child])
    check(run.returncode == 0, f"killed child: status {run.returncode}: "
          f"{run.stderr}")
    check(run.stdout.endswith("child ended -9\nparent done\n"),
          f"killed child: stdout {run.stdout!r}")
    pytrace.check_complete(trace)
    folder = os.path.dirname(trace)
    others = [os.path.join(folder, f) for f in os.listdir(folder)
              if f.startswith("killed_child.") and f.endswith(".braid")
              and f != "killed_child.braid"]
    check(len(others) == 1, f"killed child: child traces {others}")
    if len(others) != 1:
        return
    check(others[0] in run.stderr,
          f"killed child: braid run did not list {others[0]}: {run.stderr!r}")
    check(str(pytrace.meta(others[0]).get("complete")) != "1",
          "killed child: the child's trace says complete")
    report = pytrace.braid("report", trace, others[0])
    check(report.returncode == 0 and "process 2 of 2" in report.stdout
          and "trace INCOMPLETE" in report.stdout
          and "trace complete" in report.stdout,
          f"killed child: braid report over both: status "
          f"{report.returncode}, {report.stderr.strip()!r}, "
          f"{report.stdout[:400]!r}")


test_raise_top()
test_exit_3()
test_signal(signal.SIGINT, ("cancelled", None),
            "asyncio.run cancels the main task on Ctrl-C")
test_signal(signal.SIGTERM, ("pending", None),
            "the process dies at once, its task pending")
test_thread_loop()
test_killed_child()
pytrace.finish("exit statuses pass through braid run, traces complete")
