"""Two tasks that wait for each other: nothing can wake either, and
asyncio blocks for good (until the process is interrupted)."""
import asyncio


async def second(first_done, second_done):
    await first_done.wait()
    second_done.set()


async def main():
    first_done, second_done = asyncio.Event(), asyncio.Event()
    asyncio.create_task(second(first_done, second_done), name="second")
    print("waiting", flush=True)
    await second_done.wait()
    first_done.set()


asyncio.run(main())
