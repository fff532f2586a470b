#!/usr/bin/env python3
"""test-twin.py: a sample's asyncio twin traced by `braid run` prints its
expected output, and its trace has the tasks, outcomes and problems of the
C sample's trace, recorded in the same test.

    test-twin.py NAME C_SAMPLE TWIN.py EXPECTED EXPECTED_STDERR|- [ARGS...]

Both run under the virtual clock. The twin's output is checked by
tests/samples/compare-output.py (stdout byte for byte, asyncio's
diagnostics on stderr); both traces must be complete and open with the
reader; then the tasks are compared by name (unnamed Task-N by their
order among the unnamed, see pytrace.canonical) with their outcomes, and
the problems (never retrieved, destroyed pending, deadlock) by kind and
task. EXCEPTIONS lists the tasks that exist on one side only because
asyncio and braid's runtime do a thing differently, each with why. Last,
`braid diff` compares the two schedules step by step: they must be the
same, but for the twins of DIFF_EXCEPTIONS (each with why), where diff
must find them different.
"""
import collections
import os
import subprocess
import sys

import pytrace
from pytrace import check

COMPARE = os.path.join(pytrace.HERE, "..", "samples", "compare-output.py")

# The local HTTP server of the samples that fetch pages: in C one task per
# connection (samples/local-http-server.c); asyncio's start_server makes a
# task per address it resolves at start, then two per connection (the
# accept, then the handler of samples/python/local_http.py).
HTTP_SERVER = dict(
    drop_c={"serve_connection"},
    drop_py={"BaseEventLoop._create_server_getaddrinfo",
             "BaseSelectorEventLoop._accept_connection2",
             "LocalServer._handle"},
    why="the loopback HTTP server's tasks differ (see HTTP_SERVER)")

EXCEPTIONS = {
    # run_until_complete(coro) wraps the coroutine in a task: braid names
    # it after the coroutine's function, asyncio calls it Task-1.
    "any_async_task": dict(rename_c={"any_async_task": "Task-1"},
                           why="the run_until_complete task's name"),
    "fetch_urls": HTTP_SERVER,
    "fetch_data": HTTP_SERVER,
    "print_preview": HTTP_SERVER,
    # asyncio has no deadlock check: the twin's main stops waiting after a
    # time limit and returns, where braid's runtime finds the deadlock,
    # reports it (a problem of the C trace alone, which must be there) and
    # braid_run cancels main with the rest.
    "deadlock_locks": dict(outcome_c={"Task-1": ("cancelled", "completed")},
                           only_c_problems={"deadlock"},
                           why="asyncio does not detect the deadlock: the "
                               "twin's main gives up after a time limit"),
}

# The twins whose schedules `braid diff` cannot find equal to their C
# sample's, and why. For every other twin, braid diff must say "same":
# the proof that braid's runtime runs tasks in asyncio's order.
DIFF_EXCEPTIONS = {
    "any_async_task": "the run_until_complete task is named after its "
                      "function in braid and Task-1 in asyncio",
    "file_ops": "asyncio has no file I/O: the twin reads files in a "
                "thread (thread waits), braid through libuv (I/O waits)",
    "fetch_urls": "asyncio streams against libcurl, and the loopback "
                  "server's own tasks",
    "fetch_data": "asyncio streams against libcurl, and the loopback "
                  "server's own tasks",
    "print_preview": "asyncio streams against libcurl, and the loopback "
                     "server's own tasks",
    "deadlock_locks": "the twin's main waits with a time limit (wait_for) "
                      "where the C sample's gathers until braid's runtime "
                      "finds the deadlock",
}

PROBLEM_KINDS = ("never-retrieved", "destroyed-pending", "deadlock")


def summary(trace, side, rule):
    """(Counter of (name, outcome), sorted [(problem, task name)]) of a
    trace, with the exception table's rule for @side ('c' or 'py'):
    drop_SIDE drops tasks by function, rename_SIDE renames them,
    outcome_SIDE maps a task's outcome (name: (outcome, as)) only when it
    is the one the table expects, and only_c_problems lists the kinds of
    problem only the C trace can have: each must be there and is left out
    of the comparison."""
    drop = rule.get("drop_" + side, set())
    rename = rule.get("rename_" + side, {})
    outcome = rule.get("outcome_" + side, {})
    rows = [(rename.get(n, n), f, o) for n, f, o, _, _ in
            pytrace.tasks(trace) if f not in drop]
    rows = [(n, f, outcome[n][1] if outcome.get(n, (None,))[0] == o else o)
            for n, f, o in rows]
    name = pytrace.canonical(n for n, _, _ in rows)
    tasks = collections.Counter((name(n), o) for n, _, o in rows)
    problems = sorted(
        (kind, name(rename.get(task or "", task or "")))
        for kind, task in pytrace.query(
            trace, "SELECT kind, task_name FROM problems")
        if kind in PROBLEM_KINDS)
    if side == "c":
        for kind in rule.get("only_c_problems", ()):
            check(any(k == kind for k, _ in problems),
                  f"the C trace has no {kind} problem, which the exception "
                  "table says it has")
            problems = [p for p in problems if p[0] != kind]
    return tasks, problems


def main():
    name, c_sample, twin, expected, expected_stderr = sys.argv[1:6]
    args = sys.argv[6:]
    tmp = pytrace.tmpdir()
    py_trace = os.path.join(tmp, name + "-py.braid")
    c_trace = os.path.join(tmp, name + "-c.braid")

    # The twin under tracing prints exactly what it prints untraced.
    compare = [pytrace.PYTHON, COMPARE, "--expected", expected]
    if expected_stderr != "-":
        compare += ["--expected-stderr", expected_stderr]
    compare += ["--", pytrace.BRAID, "run", "-o", py_trace, "--",
                pytrace.PYTHON, twin] + args
    out = subprocess.run(compare, env=pytrace.env(
        BRAID_CLOCK="virtual"), capture_output=True, text=True, timeout=120)
    sys.stdout.write(out.stdout)
    check(out.returncode == 0, f"{name}.py under braid run: output differs "
          "or the run failed")

    c = pytrace.braid_run(c_trace, [c_sample] + args, BRAID_CLOCK="virtual")
    check(c.returncode == 0, f"the C sample {name} exited {c.returncode}: "
          f"{c.stderr.strip()}")
    if pytrace.failures:
        pytrace.finish(name)

    pytrace.check_complete(py_trace)
    pytrace.check_complete(c_trace)
    check(pytrace.meta(py_trace).get("clock") == "virtual",
          f"{name}.py: the trace's clock is not virtual")
    rule = EXCEPTIONS.get(name, {})
    c_tasks, c_problems = summary(c_trace, "c", rule)
    py_tasks, py_problems = summary(py_trace, "py", rule)
    if not check(c_tasks == py_tasks, f"{name}: tasks and outcomes differ"):
        print("  only in C:     ", dict(c_tasks - py_tasks))
        print("  only in Python:", dict(py_tasks - c_tasks))
    check(c_problems == py_problems, f"{name}: problems differ: C "
          f"{c_problems}, Python {py_problems}")

    # The schedules, step by step (braid diff: 0 same, 1 different).
    diff = pytrace.braid("diff", c_trace, py_trace)
    if name in DIFF_EXCEPTIONS:
        check(diff.returncode == 1,
              f"{name}: braid diff exited {diff.returncode}, not 1 as the "
              f"table says ({DIFF_EXCEPTIONS[name]}): update DIFF_EXCEPTIONS"
              f"\n{diff.stdout}{diff.stderr}")
    else:
        check(diff.returncode == 0,
              f"{name}: braid diff finds the schedules different "
              f"(exit {diff.returncode}):\n{diff.stdout}{diff.stderr}")
    pytrace.finish(f"{name}: the twin's trace has the C sample's "
                   f"{sum(c_tasks.values())} tasks, outcomes and "
                   f"{len(c_problems)} problems"
                   + "".join(f"; the C trace has a {kind} problem of its own"
                             for kind in sorted(rule.get("only_c_problems",
                                                         ())))
                   + (f" ({rule['why']})" if rule else "")
                   + ("; its schedule differs as listed: "
                      + DIFF_EXCEPTIONS[name] if name in DIFF_EXCEPTIONS
                      else "; braid diff: the same schedule"))


if __name__ == "__main__":
    main()
