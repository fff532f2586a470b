#!/usr/bin/env python3
"""test-never-retrieved.py: samples/python/never_retrieved.py traced by
`braid run`: `braid problems` names the forgotten task, where the .py file
created it and where it raised, and exits 1; the error read with result()
and the one read with exception() are recorded as retrieved, by main; and
the problem is recorded when asyncio reports it (after main: finished, as
CPython frees the task at exit), not when the task failed.

    test-never-retrieved.py NEVER_RETRIEVED.py
"""
import os
import sys

import pytrace
from pytrace import check


def line_of(path, text):
    """The number of the first line of @path that contains @text."""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if text in line:
                return number
    raise SystemExit(f"{path} has no line with {text!r}")


def main():
    program = os.path.abspath(sys.argv[1])
    trace = os.path.join(pytrace.tmpdir(), "never_retrieved.braid")
    run = pytrace.braid_run(trace, [pytrace.PYTHON, program],
                            BRAID_CLOCK="virtual")
    check(run.returncode == 0, f"braid run exited {run.returncode}")
    check("Task exception was never retrieved" in run.stderr,
          "asyncio's report is not on stderr")
    pytrace.check_complete(trace)

    problems = pytrace.braid("problems", trace)
    print(problems.stdout, end="")
    check(problems.returncode == 1,
          f"braid problems exited {problems.returncode}, not 1")
    base = os.path.basename(program)
    created = line_of(program, 'forgotten = asyncio.create_task')
    raised = line_of(program, "raise Exception")
    out = problems.stdout
    check("never-retrieved" in out and "'forgotten'" in out,
          "braid problems does not name the forgotten task")
    check(f"created at {program}:{created}" in out
          or f"created at {base}:{created}" in out,
          f"braid problems does not say it was created at {base}:{created}")
    check(f"raised at {program}:{raised}" in out
          or f"raised at {base}:{raised}" in out,
          f"braid problems does not say it raised at {base}:{raised}")
    check(out.count("never-retrieved") == 1,
          "the errors that were read are reported too")

    # Who read which error: main read checked's and inspected's.
    read = pytrace.query(trace, """
        SELECT f.name, r.name FROM events e
        JOIN tasks f ON f.task = e.object
        LEFT JOIN tasks r ON r.task = e.other
        WHERE e.kind = 13 ORDER BY e.seq""")
    check(read == [("checked", "Task-1"), ("inspected", "Task-1")],
          f"error-retrieved events: {read}")
    # The report came when asyncio made it: after the program's last line.
    order = pytrace.query(trace, """
        SELECT (SELECT seq FROM problems WHERE kind = 'never-retrieved'),
               (SELECT seq FROM outputs WHERE text = 'main: finished')""")
    check(order and order[0][0] is not None and order[0][1] is not None
          and order[0][0] > order[0][1],
          f"never-retrieved (seq {order[0][0]}) is not after the last "
          f"line printed (seq {order[0][1]})")
    pytrace.finish("braid problems names 'forgotten', created at "
                   f"{base}:{created}, raised at {base}:{raised}, exit 1")


if __name__ == "__main__":
    main()
