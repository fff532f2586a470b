"""Three tasks take an asyncio.Lock, yielding while they hold it, then a
BoundedSemaphore(1): w2 and w3 wait on the lock in that order and are
served in that order; nobody waits on the semaphore (each worker holds
it only across one yield, and they reach it one step apart)."""
import asyncio

async def worker(name, lock, sem):
    async with lock:
        print(name, "has the lock")
        await asyncio.sleep(0)
    async with sem:
        await asyncio.sleep(0)

async def main():
    lock, sem = asyncio.Lock(), asyncio.BoundedSemaphore(1)
    ts = [asyncio.create_task(worker(f"w{i}", lock, sem), name=f"w{i}") for i in (1, 2, 3)]
    await asyncio.gather(*ts)

asyncio.run(main())
