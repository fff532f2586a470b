# Python twin of tests/runtime/test-timeout.c: each case prints the log the
# C test expects. Run: python3 timeout.py <case>
import asyncio
import sys

LOG = []


def note(s):
    LOG.append(s)


async def scope_turns_cancel_into_timeout():
    task = asyncio.current_task()
    try:
        async with asyncio.timeout(0.02) as cm:
            note("sleeping")
            await asyncio.sleep(1)
            note("not-reached")
    except TimeoutError as e:
        note(f"timeout cause={type(e.__cause__).__name__}")
    note(f"expired={cm.expired()} cancelling={task.cancelling()}")


async def scoped(name):
    try:
        async with asyncio.timeout(0.02):
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                note(f"{name}-deadline")
                await asyncio.sleep(0.01)
                note("not-reached")
    except TimeoutError:
        note(f"{name}-timeout")
    except asyncio.CancelledError:
        note(f"{name}-cancelled")
        raise


async def outside_cancel_is_not_swallowed():
    t = asyncio.create_task(scoped("t"))
    await asyncio.sleep(0.025)
    note("cancel")
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        pass
    note(f"t-cancelled={t.cancelled()}")


async def unexpired_scope_passes_through():
    async with asyncio.timeout(0.05) as cm:
        await asyncio.sleep(0.01)
    note(f"expired={cm.expired()}")
    try:
        async with asyncio.timeout(0.05):
            raise ValueError("inner")
    except ValueError as e:
        note(f"error={e}")


async def reschedule_moves_the_deadline():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(None) as cm:
            cm.reschedule(loop.time() + 0.01)
            await asyncio.sleep(1)
    except TimeoutError:
        note("timeout")


async def zero_delay_expires_at_next_suspension():
    try:
        async with asyncio.timeout(0):
            note("in")
            await asyncio.sleep(0)
            note("not-reached")
    except TimeoutError:
        note("timeout")


async def ticks(n):
    for i in range(n):
        note(f"tick{i}")
        await asyncio.sleep(0)


# Rule 35: a negative delay is a time already past: sleep(-1) is sleep(0),
# and a timeout scope, wait_for, wait and as_completed with a negative
# timeout expire at once.
async def negative_delays_are_already_past():
    loop = asyncio.get_running_loop()
    tk = asyncio.create_task(ticks(4))
    await asyncio.sleep(-1)
    note("slept")
    try:
        async with asyncio.timeout(-1):
            await asyncio.sleep(1)
    except TimeoutError:
        note("scope-timeout")
    fut = loop.create_future()
    try:
        await asyncio.wait_for(fut, -1)
    except TimeoutError:
        note(f"wait_for-timeout cancelled={fut.cancelled()}")
    fut = loop.create_future()
    done, _ = await asyncio.wait([fut], timeout=-1)
    note(f"wait-done={len(done)}")
    for f in asyncio.as_completed([fut], timeout=-1):
        try:
            await f
        except TimeoutError:
            note("as_completed-timeout")
    fut.cancel()
    await tk


# Rule 36: once its deadline fired, a scope cannot be rescheduled.
async def reschedule_of_an_expiring_scope_is_an_error():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(0) as cm:
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                note(f"expired={cm.expired()}")
                try:
                    cm.reschedule(loop.time() + 10)
                except RuntimeError as e:
                    note(f"reschedule:{e}")
                raise
    except TimeoutError:
        note("timeout")


async def nested_scopes_convert_at_the_expired_one():
    # The inner scope expires first: it converts, the outer passes the
    # TimeoutError through.
    try:
        async with asyncio.timeout(0.05) as outer:
            try:
                async with asyncio.timeout(0.01) as inner:
                    await asyncio.sleep(1)
            except TimeoutError:
                note(f"inner-caught expired={inner.expired()},{outer.expired()}")
                raise
    except TimeoutError:
        note(f"outer-caught expired={outer.expired()}")
    # The outer scope expires first: the inner passes the CancelledError
    # through, the outer converts it.
    try:
        async with asyncio.timeout(0.01) as outer:
            try:
                async with asyncio.timeout(0.05) as inner:
                    await asyncio.sleep(1)
            except asyncio.CancelledError:
                note(f"inner-cancelled expired={inner.expired()},{outer.expired()}")
                raise
    except TimeoutError:
        note(f"outer-timeout expired={outer.expired()}")


if __name__ == "__main__":
    asyncio.run(globals()[sys.argv[1].replace("-", "_")]())
    print(" ".join(LOG))
