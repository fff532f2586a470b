# Python twin of tests/runtime/test-as-completed.c: each case prints the
# log the C test expects. Run: python3 as_completed.py <case>
import asyncio
import sys

LOG = []


def note(s):
    LOG.append(s)


async def child(name, delay, fail=False):
    note(f"{name}-start")
    await asyncio.sleep(delay)
    if fail:
        note(f"{name}-raise")
        raise ValueError(name)
    note(f"{name}-done")
    return name


async def yields_in_completion_order():
    a = asyncio.create_task(child("a", 0.03))
    b = asyncio.create_task(child("b", 0.01))
    c = asyncio.create_task(child("c", 0.02, fail=True))
    for f in asyncio.as_completed([a, b, c]):
        try:
            note(f"got={await f}")
        except ValueError as e:
            note(f"error={e}")


async def timeout_leaves_tasks_running():
    a = asyncio.create_task(child("a", 0.01))
    b = asyncio.create_task(child("b", 0.05))
    c = asyncio.create_task(child("c", 0.06))
    for f in asyncio.as_completed([a, b, c], timeout=0.02):
        try:
            note(f"got={await f}")
        except asyncio.TimeoutError:
            note("timeout")
    note(f"cancelled={b.cancelled()},{c.cancelled()}")
    note(f"b={await b}")
    note(f"c={await c}")


async def ticker(n):
    for i in range(n):
        note(f"tick{i}")
        await asyncio.sleep(0)


async def waker(fut, n):
    for i in range(n):
        await asyncio.sleep(0)
    note("complete")
    fut.set_result(5)


async def next_resumes_two_iterations_after_completion():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    asyncio.create_task(ticker(6))
    asyncio.create_task(waker(fut, 1))
    for f in asyncio.as_completed([fut]):
        note(f"got={await f}")
    await asyncio.sleep(0.01)


if __name__ == "__main__":
    asyncio.run(globals()[sys.argv[1].replace("-", "_")]())
    print(" ".join(LOG))
