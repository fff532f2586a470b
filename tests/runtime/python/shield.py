# Python twin of tests/runtime/test-shield.c: each case prints the log the
# C test expects. Run: python3 shield.py <case>
import asyncio
import sys

LOG = []


def note(s):
    LOG.append(s)


async def inner(delay, fail=False):
    note("inner-start")
    await asyncio.sleep(delay)
    if fail:
        note("inner-raise")
        raise ValueError("inner")
    note("inner-done")
    return 5


async def caller(t):
    try:
        await asyncio.shield(t)
        note("caller-returned")
    except asyncio.CancelledError:
        note("caller-cancelled")
        raise


async def outer_cancel_leaves_inner_running():
    t = asyncio.create_task(inner(0.02))
    c = asyncio.create_task(caller(t))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    note("cancel")
    c.cancel()
    try:
        await c
    except asyncio.CancelledError:
        pass
    note(f"inner-cancelled={t.cancelled()}")
    note(f"inner={await t}")


async def outer_cancel_then_inner_error_is_reported():
    t = asyncio.create_task(inner(0.02, fail=True))
    c = asyncio.create_task(caller(t))
    await asyncio.sleep(0)
    c.cancel()
    await asyncio.sleep(0.05)
    note(f"inner-done={t.done()}")


async def inner_cancel_cancels_outer():
    t = asyncio.create_task(inner(1))
    outer = asyncio.shield(t)
    await asyncio.sleep(0)
    note("cancel-inner")
    t.cancel()
    try:
        await outer
    except asyncio.CancelledError:
        note(f"outer-cancelled={outer.cancelled()}")


async def ticker(n):
    for i in range(n):
        note(f"tick{i}")
        await asyncio.sleep(0)


async def waker(fut, n):
    for i in range(n):
        await asyncio.sleep(0)
    note("complete")
    fut.set_result(9)


async def awaiter_resumes_two_iterations_after_inner():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    asyncio.create_task(ticker(6))
    asyncio.create_task(waker(fut, 1))
    note(f"resumed={await asyncio.shield(fut)}")
    await asyncio.sleep(0.01)


if __name__ == "__main__":
    asyncio.run(globals()[sys.argv[1].replace("-", "_")]())
    print(" ".join(LOG))
