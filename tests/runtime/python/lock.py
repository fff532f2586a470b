# Python twin of tests/runtime/test-lock.c (ORDERING.md rules 21, 8): each
# case prints the log the C test expects. Run: python3 lock.py <case>
import asyncio
import sys

LOG = []


def note(s):
    LOG.append(s)


async def ticker(n):
    for i in range(n):
        note(f"tick{i}")
        await asyncio.sleep(0)


def worker(lock, name):
    async def run():
        note(f"{name}-wants")
        try:
            async with lock:
                note(f"{name}-has")
                await asyncio.sleep(0)
                note(f"{name}-releases")
        except asyncio.CancelledError:
            note(f"{name}-cancelled")
            raise
    return run()


async def lock_hands_over_in_arrival_order():
    lock = asyncio.Lock()
    await lock.acquire()
    ts = [asyncio.create_task(worker(lock, n)) for n in "abc"]
    await asyncio.sleep(0)
    lock.release()
    note(f"locked={lock.locked()}")
    d = asyncio.create_task(worker(lock, "d"))
    t = asyncio.create_task(ticker(8))
    await asyncio.gather(*ts, d, t)


async def uncontended_acquire_does_not_suspend():
    lock = asyncio.Lock()
    t = asyncio.create_task(ticker(2))
    await lock.acquire()
    note(f"has locked={lock.locked()}")
    lock.release()
    note(f"released locked={lock.locked()}")
    await t


async def cancelled_waiter_passes_the_lock_on():
    lock = asyncio.Lock()
    await lock.acquire()
    a = asyncio.create_task(worker(lock, "a"))
    b = asyncio.create_task(worker(lock, "b"))
    await asyncio.sleep(0)
    lock.release()
    a.cancel()
    await asyncio.gather(a, b, return_exceptions=True)
    note(f"a-cancelled={a.cancelled()}")


async def cancelled_while_queued_leaves_the_queue():
    lock = asyncio.Lock()
    await lock.acquire()
    a = asyncio.create_task(worker(lock, "a"))
    b = asyncio.create_task(worker(lock, "b"))
    await asyncio.sleep(0)
    a.cancel()
    await asyncio.sleep(0)
    lock.release()
    await asyncio.gather(a, b, return_exceptions=True)


async def release_unlocked_is_runtime_error():
    lock = asyncio.Lock()
    try:
        lock.release()
    except RuntimeError as e:
        note(f"RuntimeError:{e}")


if __name__ == "__main__":
    asyncio.run(globals()[sys.argv[1].replace("-", "_")]())
    print(" ".join(LOG))
