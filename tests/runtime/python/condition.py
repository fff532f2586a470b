# Python twin of tests/runtime/test-condition.c (ORDERING.md rule 22):
# each case prints the log the C test expects. Run:
# python3 condition.py <case>
import asyncio
import sys

LOG = []


def note(s):
    LOG.append(s)


async def waiter(cond, name):
    async with cond:
        note(f"{name}-waits")
        try:
            await cond.wait()
        except asyncio.CancelledError:
            note(f"{name}-cancelled locked={cond.locked()}")
            raise
        note(f"{name}-woken")
        await asyncio.sleep(0)
        note(f"{name}-leaves")


async def notify_wakes_the_oldest_waiters():
    cond = asyncio.Condition()
    ts = [asyncio.create_task(waiter(cond, n)) for n in "abc"]
    await asyncio.sleep(0)
    async with cond:
        cond.notify(2)
        note("notified-2")
    newcomer = asyncio.create_task(waiter(cond, "n"))
    await asyncio.sleep(0.01)
    async with cond:
        cond.notify_all()
        note("notified-all")
    await asyncio.gather(*ts, newcomer)


async def wait_reacquires_through_the_lock_queue():
    cond = asyncio.Condition()
    a = asyncio.create_task(waiter(cond, "a"))
    await asyncio.sleep(0)
    await cond.acquire()
    cond.notify()
    note("notified")

    async def grabber():
        note("g-wants")
        async with cond:
            note("g-has")
            await asyncio.sleep(0)
            note("g-releases")
    g = asyncio.create_task(grabber())
    await asyncio.sleep(0)
    note("main-releases")
    cond.release()
    await asyncio.gather(a, g)


async def cancelled_wait_still_reacquires():
    cond = asyncio.Condition()
    a = asyncio.create_task(waiter(cond, "a"))
    await asyncio.sleep(0)
    await cond.acquire()
    a.cancel()
    await asyncio.sleep(0)
    note(f"a-done={a.done()}")
    cond.release()
    await asyncio.gather(a, return_exceptions=True)
    note(f"a-cancelled={a.cancelled()} locked={cond.locked()}")


async def wait_for_checks_the_predicate():
    cond = asyncio.Condition()
    state = {"n": 0}

    async def consumer():
        async with cond:
            seen = await cond.wait_for(lambda: state["n"] >= 2 and state["n"])
            note(f"consumer-sees-{seen}")

    c = asyncio.create_task(consumer())
    for i in range(3):
        await asyncio.sleep(0)
        async with cond:
            state["n"] += 1
            note(f"n={state['n']}")
            cond.notify()
    await c


async def misuse_is_runtime_error():
    cond = asyncio.Condition()
    try:
        cond.notify()
    except RuntimeError as e:
        note(f"RuntimeError:{e}")
    try:
        await cond.wait()
    except RuntimeError as e:
        note(f"RuntimeError:{e}")


if __name__ == "__main__":
    asyncio.run(globals()[sys.argv[1].replace("-", "_")]())
    print(" ".join(LOG))
