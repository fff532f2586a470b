#!/usr/bin/env python3
"""test-holds.py: who holds an asyncio.Lock and a Semaphore, as the
braid module records it (kinds 25 and 26 of tracer/SCHEMA.md, the same
events as libbraid's primitives): every acquisition and release of
programs/holds.py is in the trace, in order, by the task that made it,
and `braid report --primitives` reads the lock's waiters as served in
the order they began waiting (FIFO), with its 3 acquisitions.
"""
import os

import pytrace
from pytrace import check


def main():
    trace = os.path.join(pytrace.tmpdir(), "holds.braid")
    run = pytrace.braid_run(trace, [pytrace.PYTHON, os.path.join(
        pytrace.PROGRAMS, "holds.py")], BRAID_CLOCK="virtual")
    check(run.returncode == 0, f"holds.py: status {run.returncode}: "
          f"{run.stderr}")
    pytrace.check_complete(trace)
    holds = pytrace.query(trace, """
        SELECT e.kind, t.name, e.reason FROM events e
        JOIN tasks t ON t.task = e.task
        WHERE e.kind IN (25, 26) ORDER BY e.seq""")
    for h in holds:
        print("  hold:", h)
    lock = [(k, n) for k, n, r in holds if r == 8]
    sem = [(k, n) for k, n, r in holds if r == 9]
    want = []
    for name in ("w1", "w2", "w3"):
        want += [(25, name), (26, name)]
    check(lock == want, f"the lock's acquisitions and releases: {lock}")
    check(sorted(sem) == sorted(want), f"the semaphore's: {sem}")
    report = pytrace.braid("report", "--primitives", trace)
    print(report.stdout)
    check(report.returncode == 0, f"braid report exited {report.returncode}")
    out = report.stdout
    check("    began waiting    'w2' 'w3'\n" in out
          and "    served           'w2' 'w3'\n" in out,
          "the lock's waiters are not w2 then w3, served in that order")
    check("hand-overs 2, acquisitions 3\n" in out,
          "the lock's hand-overs and acquisitions are not 2 and 3")
    check("verdict     FIFO:" in out, "the verdict is not FIFO")
    pytrace.finish("asyncio's Lock and Semaphore report their holders")


if __name__ == "__main__":
    main()
