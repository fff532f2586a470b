"""event_workers: "Working with Asyncio Events" from the article on Python
asyncio (seed 000): worker2 waits on an Event until worker1 sets it.

The tasks are named as in the C program (create_task(..., name=...))
so that traces read well; the output is unchanged."""
import asyncio


async def worker1(event):
    print("Worker 1 starting")
    await asyncio.sleep(2)
    print("Worker 1 finishing")
    event.set()  # Signal completion


async def worker2(event):
    print("Worker 2 starting")
    await event.wait()  # Wait for the signal
    print("Worker 2 finishing")


async def main():
    event = asyncio.Event()
    await asyncio.gather(
        asyncio.create_task(worker1(event), name="worker1"),
        asyncio.create_task(worker2(event), name="worker2"))

if __name__ == "__main__":
    asyncio.run(main())
