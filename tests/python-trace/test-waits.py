#!/usr/bin/env python3
"""test-waits.py: what traced asyncio tasks wait on, read from the waits
view of the trace (tracer/SCHEMA.md): an echo over loopback with asyncio
streams waits on I/O (reason io, on an io object: the stream), and
asyncio.to_thread waits on a thread (reason thread), woken by the loop
when the thread is done; a sleep is a sleep with its delay, whatever
chain of coroutines leads to it.
"""
import os

import pytrace
from pytrace import check


def main():
    trace = os.path.join(pytrace.tmpdir(), "io_waits.braid")
    run = pytrace.braid_run(trace, [pytrace.PYTHON,
                                    os.path.join(pytrace.PROGRAMS,
                                                 "io_waits.py")])
    check(run.returncode == 0, f"io_waits.py: status {run.returncode}: "
          f"{run.stderr}")
    check(run.stdout == "echo: hello\nthread done\n",
          f"io_waits.py printed {run.stdout!r}")
    pytrace.check_complete(trace)
    waits = pytrace.query(trace, """
        SELECT name, reason, object_kind, duration, woken_by_name
        FROM waits ORDER BY start_t""")
    for w in waits:
        print("  wait:", w)
    client = [w for w in waits if w[0] == "client"]
    check(len(client) >= 3 and all(w[1] == "io" for w in client),
          f"the client's waits are not all I/O: {client}")
    check(any(w[2] == "io" for w in client),
          "no client wait names an io object (the stream)")
    handlers = [w for w in waits if w[0] not in ("client", "sleeper",
                                                  "Task-1")]
    check(handlers and any(w[1] == "io" for w in handlers),
          f"the server's handler task waits on no I/O: {handlers}")
    sleeper = [w for w in waits if w[0] == "sleeper"]
    check(len(sleeper) == 1 and sleeper[0][1] == "thread",
          f"to_thread's wait is not a thread wait: {sleeper}")
    check(sleeper and sleeper[0][3] is not None
          and sleeper[0][3] >= 40_000_000,
          f"the thread wait lasted {sleeper[0][3] if sleeper else None} ns,"
          " not the 50 ms the thread slept")
    check(sleeper and sleeper[0][4] is None,
          "the thread's wait was ended by a task, not by the loop")
    main_waits = [w[1] for w in waits if w[0] == "Task-1"]
    check("task" in main_waits and "io" in main_waits,
          f"main's waits: {main_waits} (start_server's I/O, then tasks)")
    pytrace.finish(f"{len(client)} I/O waits of the client, the "
                   "to_thread wait is a thread wait")


if __name__ == "__main__":
    main()
