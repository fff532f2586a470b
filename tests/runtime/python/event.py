# Python twin of tests/runtime/test-event.c (ORDERING.md rules 22, 8): each
# case prints the log the C test expects. Run: python3 event.py <case>
import asyncio
import sys

LOG = []


def note(s):
    LOG.append(s)


async def ticker(n):
    for i in range(n):
        note(f"tick{i}")
        await asyncio.sleep(0)


async def waiter(ev, name):
    note(f"{name}-waits")
    try:
        await ev.wait()
    except asyncio.CancelledError:
        note(f"{name}-cancelled")
        raise
    note(f"{name}-woken")


async def set_wakes_every_waiter_in_waiting_order():
    ev = asyncio.Event()
    ts = [asyncio.create_task(waiter(ev, n)) for n in "cab"]
    await asyncio.sleep(0)
    t = asyncio.create_task(ticker(3))
    ev.set()
    note(f"set is_set={ev.is_set()}")
    await asyncio.gather(*ts, t)


async def wait_on_a_set_event_does_not_suspend():
    ev = asyncio.Event()
    ev.set()
    t = asyncio.create_task(ticker(2))
    await ev.wait()
    note("waited")
    await ev.wait()
    note("waited-again")
    await t


async def clear_makes_waits_block_again():
    ev = asyncio.Event()
    ev.set()
    ev.clear()
    a = asyncio.create_task(waiter(ev, "a"))
    await asyncio.sleep(0)
    note(f"a-done={a.done()}")
    ev.set()
    ev.clear()
    await a
    note(f"is_set={ev.is_set()}")


async def cancelled_waiter_does_not_stop_the_others():
    ev = asyncio.Event()
    a = asyncio.create_task(waiter(ev, "a"))
    b = asyncio.create_task(waiter(ev, "b"))
    await asyncio.sleep(0)
    a.cancel()
    await asyncio.sleep(0)
    ev.set()
    await asyncio.gather(a, b, return_exceptions=True)


if __name__ == "__main__":
    asyncio.run(globals()[sys.argv[1].replace("-", "_")]())
    print(" ".join(LOG))
