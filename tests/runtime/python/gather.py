# Python twin of tests/runtime/test-gather.c: each case prints the log the
# C test expects. Run: python3 gather.py <case>
import asyncio
import sys

LOG = []


def note(s):
    LOG.append(s)


async def child(name, delay, fail=False, result=None):
    note(f"{name}-start")
    await asyncio.sleep(delay)
    if fail:
        note(f"{name}-raise")
        raise ValueError(name)
    note(f"{name}-done")
    return result


async def results_in_argument_order():
    a = asyncio.create_task(child("a", 0.03, result=1))
    b = asyncio.create_task(child("b", 0.01, result=2))
    c = asyncio.create_task(child("c", 0.02, result=3))
    res = await asyncio.gather(a, b, a, c)
    note("results=" + ",".join(str(r) for r in res))


async def gather_future_result_is_the_list():
    a = asyncio.create_task(child("a", 0.03, result=1))
    b = asyncio.create_task(child("b", 0.01, fail=True))
    c = asyncio.create_task(child("c", 0.02, result=3))
    res = await asyncio.gather(a, b, a, c, return_exceptions=True)
    note("results=" + ",".join(
        type(r).__name__ if isinstance(r, BaseException) else str(r)
        for r in res))
    res = await asyncio.gather()
    note(f"empty={res}")


async def first_error_while_others_keep_running():
    a = asyncio.create_task(child("a", 0.02, fail=True))
    b = asyncio.create_task(child("b", 0.01, fail=True))
    c = asyncio.create_task(child("c", 0.03, result=3))
    try:
        await asyncio.gather(a, b, c)
    except ValueError as e:
        note(f"gather-error={e}")
    note(f"c-done?={c.done()}")
    await asyncio.sleep(0.05)
    note(f"c-done?={c.done()}")


async def return_exceptions_makes_errors_results():
    a = asyncio.create_task(child("a", 0.02, fail=True))
    b = asyncio.create_task(child("b", 0.01, result=2))
    res = await asyncio.gather(a, b, return_exceptions=True)
    note("results=" + ",".join(
        f"{type(r).__name__}:{r}" if isinstance(r, BaseException) else str(r)
        for r in res))


async def sleeper(name, cleanup_yields):
    note(f"{name}-start")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        note(f"{name}-cancelled")
        for i in range(cleanup_yields):
            await asyncio.sleep(0)
            note(f"{name}-cleanup{i}")
        raise


async def ticker(n):
    for i in range(n):
        note(f"tick{i}")
        await asyncio.sleep(0)


async def gatherer(children, return_exceptions):
    try:
        await asyncio.gather(*children, return_exceptions=return_exceptions)
        note("gather-returned")
    except asyncio.CancelledError as e:
        note(f"gather-cancelled:{e}")
        raise


async def cancel_scenario(return_exceptions):
    # c cleans up in 3 more iterations, a in 1, b at once: c is still
    # cleaning up when the gather without return_exceptions finishes.
    a = asyncio.create_task(sleeper("a", 1))
    b = asyncio.create_task(sleeper("b", 0))
    c = asyncio.create_task(sleeper("c", 3))
    g = asyncio.create_task(gatherer([c, a, b], return_exceptions))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    t = asyncio.create_task(ticker(6))
    await asyncio.sleep(0)
    note("cancel")
    g.cancel("stop")
    try:
        await g
    except asyncio.CancelledError:
        note(f"g-cancelled={g.cancelled()}")
    for x in (a, b, c):
        note(f"done={x.done()}")
    await t


async def cancel_cancels_children_in_argument_order():
    await cancel_scenario(False)


async def cancel_with_return_exceptions_waits_for_all():
    await cancel_scenario(True)


async def waker(fut, n):
    for i in range(n):
        await asyncio.sleep(0)
    note("complete-child")
    fut.set_result(7)


async def awaiter_resumes_two_iterations_after_child():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    asyncio.create_task(ticker(6))
    asyncio.create_task(waker(fut, 1))
    res = await asyncio.gather(fut)
    note(f"resumed={res[0]}")
    await asyncio.sleep(0.01)


async def gather_future_cancel():
    a = asyncio.create_task(sleeper("a", 0))
    b = asyncio.create_task(sleeper("b", 0))
    outer = asyncio.gather(b, a)
    await asyncio.sleep(0)
    note(f"cancel={outer.cancel('bye')}")
    note(f"outer-done={outer.done()}")
    try:
        await outer
    except asyncio.CancelledError as e:
        note(f"outer:{e}")


# Rule 32: a cancelled child fails the gather with its CancelledError
# (cancelled() stays false in 3.11), a shield of it ends the same way, and
# the task's next reader gets a CancelledError with no message.
async def child_cancelled_gather_ends_with_an_exception():
    a = asyncio.create_task(sleeper("a", 0))
    g = asyncio.gather(a)
    s = asyncio.shield(g)
    await asyncio.sleep(0)
    a.cancel("bye")
    for name, f in (("gather", g), ("shield", s), ("task", a)):
        try:
            await f
        except asyncio.CancelledError as e:
            note(f"{name}:{e.args[0] if e.args else ''} "
                 f"cancelled={f.cancelled()}")


# Rule 32: with return_exceptions a cancelled task is listed as a
# CancelledError with no message (its _cancel_message is gone), a
# cancelled future with its message; listing hands nothing out.
async def cancelled_children_listed_by_return_exceptions():
    a = asyncio.create_task(sleeper("a", 0))
    b = asyncio.get_running_loop().create_future()
    await asyncio.sleep(0)
    a.cancel("bye")
    b.cancel("fm")
    res = await asyncio.gather(a, b, return_exceptions=True)
    note("results=" + ",".join(f"{type(r).__name__}:{r}" for r in res))
    try:
        await a
    except asyncio.CancelledError as e:
        note(f"task:{e}")


if __name__ == "__main__":
    asyncio.run(globals()[sys.argv[1].replace("-", "_")]())
    print(" ".join(LOG))
