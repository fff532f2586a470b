# Python twin of tests/runtime/test-wait-for.c: each case prints the log
# the C test expects. Run: python3 wait_for.py <case>
import asyncio
import sys

LOG = []


def note(s):
    LOG.append(s)


async def inner(delay, swallow=False, cleanup_yields=0):
    note("inner-start")
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        note("inner-cancelled")
        for i in range(cleanup_yields):
            await asyncio.sleep(0)
            note(f"inner-cleanup{i}")
        if swallow:
            return 42
        raise
    note("inner-done")
    return 7


async def returns_result_in_time():
    t = asyncio.create_task(inner(0.01))
    note(f"result={await asyncio.wait_for(t, 0.05)}")


async def timeout_cancels_then_raises():
    t = asyncio.create_task(inner(1, cleanup_yields=1))
    try:
        await asyncio.wait_for(t, 0.02)
    except asyncio.TimeoutError as e:
        note(f"timeout cause={type(e.__cause__).__name__}")
    note(f"inner-cancelled?={t.cancelled()}")


async def swallowed_cancel_returns_result():
    t = asyncio.create_task(inner(1, swallow=True))
    note(f"result={await asyncio.wait_for(t, 0.02)}")


async def zero_timeout_cancels_at_once():
    t = asyncio.create_task(inner(1))
    try:
        await asyncio.wait_for(t, 0)
    except asyncio.TimeoutError:
        note("timeout")
    note(f"inner-cancelled?={t.cancelled()}")


async def caller(t):
    try:
        await asyncio.wait_for(t, 10)
    except asyncio.CancelledError:
        note("caller-cancelled")
        raise


async def caller_cancel_cancels_inner():
    t = asyncio.create_task(inner(1, cleanup_yields=1))
    c = asyncio.create_task(caller(t))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    note("cancel")
    c.cancel()
    try:
        await c
    except asyncio.CancelledError:
        pass
    note(f"cancelled={c.cancelled()},{t.cancelled()}")


async def quick():
    note("quick-start")
    await asyncio.sleep(0)
    note("quick-done")
    return 7


async def result_caller(t):
    try:
        note(f"caller-result={await asyncio.wait_for(t, 10)}")
    except asyncio.CancelledError:
        note("caller-cancelled")
        raise


async def result_wins_over_late_caller_cancel():
    # CPython 3.11: the caller is cancelled after the inner task finished but
    # before the caller resumed; wait_for returns the result.
    t = asyncio.create_task(quick())
    c = asyncio.create_task(result_caller(t))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    note(f"cancel inner-done={t.done()}")
    c.cancel()
    await c
    note(f"caller-cancelled?={c.cancelled()}")


# Rule 40: wait_for with no timeout awaits its coroutine inline, in the
# caller's task (3.11's `return await fut`); with a timeout the coroutine
# is wrapped in a task of its own (ensure_future).
CALLER = None
CREATED = 0


def counting_factory(loop, coro, **kwargs):
    global CREATED
    CREATED += 1
    return asyncio.Task(coro, loop=loop, **kwargs)


async def body(fail):
    note(f"body same-task={asyncio.current_task() is CALLER}")
    await asyncio.sleep(0)
    if fail:
        note("body-raise")
        raise ValueError("boom")
    note("body-done")
    return 5


async def other(unused):
    note("other")


async def call_with_timeout(timeout):
    global CALLER
    asyncio.get_running_loop().set_task_factory(counting_factory)
    t = asyncio.create_task(other(None))
    CALLER = asyncio.current_task()
    created = CREATED
    res = await asyncio.wait_for(body(False), timeout)
    note(f"result={res} tasks={CREATED - created}")
    await t


async def no_timeout_is_a_plain_await():
    await call_with_timeout(None)


async def call_with_timeout_runs_in_a_task_of_its_own():
    await call_with_timeout(10)


async def call_with_zero_timeout_never_runs():
    global CALLER
    CALLER = asyncio.current_task()
    try:
        await asyncio.wait_for(body(False), 0)
    except asyncio.TimeoutError:
        note("timeout")


async def inline_call_fails_with_its_error():
    global CALLER
    CALLER = asyncio.current_task()
    try:
        await asyncio.wait_for(body(True), None)
    except ValueError as e:
        note(f"caught=ValueError:{e}")


if __name__ == "__main__":
    asyncio.run(globals()[sys.argv[1].replace("-", "_")]())
    print(" ".join(LOG))
