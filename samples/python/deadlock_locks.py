"""deadlock_locks: the mistake locks are known for, a deadlock. The article
on Python asyncio (seed 000) names locks among its advanced techniques
without a program; here worker_a takes lock_a then wants lock_b while
worker_b takes lock_b then wants lock_a, and reporter waits on an Event
worker_a would set once it is done. Nothing can move again.

asyncio does not notice: left alone, asyncio.run would wait forever. So
main gives the tasks DEADLOCK_TIMEOUT seconds (under braid's virtual
clock the wait takes no time, since nothing else can happen) and, when
they have not finished, prints what the C program prints when braid's
runtime reports the deadlock; the time limit then cancels them, as
braid_run cancels them after its report.

The tasks are named as in the C program (create_task(..., name=...))
so that traces read well; the output is unchanged."""
import asyncio

DEADLOCK_TIMEOUT = 0.5


async def worker(name, first, second, first_name, second_name, finished):
    async with first:
        print(f"{name}: took {first_name}")
        await asyncio.sleep(0)  # Let the other worker take its first lock
        print(f"{name}: wants {second_name}")
        async with second:
            # Never reached: the other worker holds it and wants ours.
            print(f"{name}: took both")
    if finished is not None:
        finished.set()


async def reporter(finished):
    print("reporter: waits for worker_a")
    await finished.wait()
    print("reporter: worker_a is done")


async def main():
    lock_a, lock_b = asyncio.Lock(), asyncio.Lock()
    finished = asyncio.Event()
    tasks = [
        asyncio.create_task(worker("worker_a", lock_a, lock_b,
                                   "lock_a", "lock_b", finished),
                            name="worker_a"),
        asyncio.create_task(worker("worker_b", lock_b, lock_a,
                                   "lock_b", "lock_a", None),
                            name="worker_b"),
        asyncio.create_task(reporter(finished), name="reporter"),
    ]
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), DEADLOCK_TIMEOUT)
    except TimeoutError:
        print("main: deadlock: worker_a and worker_b each hold the lock "
              "the other wants")
        return
    print("main: no deadlock")

if __name__ == "__main__":
    asyncio.run(main())
