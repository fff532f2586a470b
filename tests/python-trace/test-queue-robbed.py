#!/usr/bin/env python3
"""test-queue-robbed.py: a queue waiter robbed of what it was woken for,
as the braid module records asyncio's Queue (kind 27 of
tracer/SCHEMA.md, the same events as libbraid's queues).

programs/queue_robbed.py (the twin of `prim-program robbed`) runs under
`braid run` with the virtual clock: its trace has every get, and every
put into its bounded queue, by the task that made it; `braid report
--primitives` calls both queues NOT FIFO, the getter robbed by 'thief'
(a get_nowait) and the putter by 'sneak' (a put_nowait). With the C
program's path as argument, the C program's report says the same, line
for line but for the object ids.
"""
import os
import re
import sys

import pytrace
from pytrace import check


def primitives(trace):
    """The --primitives part of `braid report` of @trace, object ids
    taken out."""
    report = pytrace.braid("report", "--primitives", trace)
    check(report.returncode == 0,
          f"braid report exited {report.returncode}: {report.stderr}")
    out = report.stdout
    out = out[out.find("\nprimitives "):]
    return re.sub(r"^queue \d+:", "queue N:", out, flags=re.M)


def main():
    tmp = pytrace.tmpdir()
    trace = os.path.join(tmp, "queue-robbed.braid")
    run = pytrace.braid_run(trace, [pytrace.PYTHON, os.path.join(
        pytrace.PROGRAMS, "queue_robbed.py")], BRAID_CLOCK="virtual")
    check(run.returncode == 0, f"queue_robbed.py: status {run.returncode}: "
          f"{run.stderr}")
    check(run.stdout == "thief took a\ngetter got b\nsneak put s\n"
          "putter put p\n", f"queue_robbed.py printed {run.stdout!r}")
    pytrace.check_complete(trace)
    items = pytrace.query(trace, """
        SELECT t.name, e.reason, e.value FROM events e
        LEFT JOIN tasks t ON t.task = e.task
        WHERE e.kind = 27 ORDER BY e.seq""")
    for i in items:
        print("  queue item:", i)
    # Gets (1) of jobs and slots, puts (2) into slots only (jobs is
    # unbounded); the main task is asyncio's 'Task-1'.
    want = [("thief", 1, 0), ("getter", 1, 0),
            ("Task-1", 2, 1), ("Task-1", 1, 0), ("sneak", 2, 1),
            ("Task-1", 1, 0), ("putter", 2, 1), ("Task-1", 1, 0)]
    check(items == want, f"the gets and puts are not {want}")
    out = primitives(trace)
    print(out)
    for line in (
            "queue N: NOT FIFO (1 wait overtaken, 1 robbed)\n"
            "    waits 1: 1 served, 0 cancelled, 0 still waiting, "
            "1 woken but waited again\n"
            "    hand-overs 1, gets 2, puts 0\n",
            "its item went to 'thief' at step ",
            "its place went to 'sneak' at step ",
            "verdict     NOT FIFO: 2 of 2 primitives"):
        check(line in out, f"the report lacks {line!r}")
    check(re.search(r"    robbed +'getter' \(waiting from step \d+\)", out)
          is not None, "the report does not name the robbed getter")
    check(re.search(r"    robbed +'putter' \(waiting from step \d+\)", out)
          is not None, "the report does not name the robbed putter")
    if len(sys.argv) > 1:
        c_trace = os.path.join(tmp, "prim-robbed.braid")
        run = pytrace.braid_run(c_trace, [sys.argv[1], "robbed"],
                                BRAID_CLOCK="virtual")
        check(run.returncode == 0, f"prim-program robbed: status "
              f"{run.returncode}: {run.stderr}")
        c_out = primitives(c_trace)
        check(c_out == out, "the C program's primitives differ:\n" + c_out)
    pytrace.finish("a robbed asyncio Queue waiter is NOT FIFO, "
                   "with who robbed it")


if __name__ == "__main__":
    main()
