# Python twin of tests/runtime/test-semaphore.c (ORDERING.md rules 21, 8):
# each case prints the log the C test expects. Run:
# python3 semaphore.py <case>
import asyncio
import sys

LOG = []


def note(s):
    LOG.append(s)


async def ticker(n):
    for i in range(n):
        note(f"tick{i}")
        await asyncio.sleep(0)


def worker(sem, name, hold=1):
    async def run():
        note(f"{name}-wants")
        try:
            async with sem:
                note(f"{name}-has")
                for _ in range(hold):
                    await asyncio.sleep(0)
                note(f"{name}-releases")
        except asyncio.CancelledError:
            note(f"{name}-cancelled")
            raise
    return run()


async def semaphore_hands_over_in_arrival_order():
    sem = asyncio.Semaphore(2)
    ts = [asyncio.create_task(worker(sem, n, hold=2)) for n in "abcde"]
    await asyncio.gather(*ts)


async def released_slot_is_kept_for_the_first_waiter():
    sem = asyncio.Semaphore(1)
    await sem.acquire()
    a = asyncio.create_task(worker(sem, "a"))
    await asyncio.sleep(0)
    sem.release()
    note(f"value={sem._value} locked={sem.locked()}")
    n = asyncio.create_task(worker(sem, "n"))
    await asyncio.gather(a, n)


async def uncontended_acquire_does_not_suspend():
    sem = asyncio.Semaphore(2)
    t = asyncio.create_task(ticker(2))
    await sem.acquire()
    await sem.acquire()
    note(f"two locked={sem.locked()}")
    sem.release()
    sem.release()
    await t


async def woken_then_cancelled_passes_the_slot_on():
    sem = asyncio.Semaphore(0)
    a = asyncio.create_task(worker(sem, "a"))
    b = asyncio.create_task(worker(sem, "b"))
    await asyncio.sleep(0)
    sem.release()
    a.cancel()
    await asyncio.gather(a, b, return_exceptions=True)
    note(f"value={sem._value}")


async def bounded_over_release_is_value_error():
    sem = asyncio.BoundedSemaphore(1)
    await sem.acquire()
    sem.release()
    try:
        sem.release()
    except ValueError as e:
        note(f"ValueError:{e}")
    note(f"value={sem._value}")


if __name__ == "__main__":
    asyncio.run(globals()[sys.argv[1].replace("-", "_")]())
    print(" ".join(LOG))
