"""any_async_task: "Event Loop" of the dev.to article on asyncio
fundamentals (seed 001): an explicit loop from new_event_loop(), run until
the coroutine completes, then closed.

The article's any_async_task only sleeps and prints nothing; the prints
here (in the coroutine and around the loop) are added so that the run shows
what happens when."""
import asyncio


async def any_async_task():
    print("any_async_task: sleeping 1 s")
    await asyncio.sleep(1)
    print("any_async_task: done")


loop = asyncio.new_event_loop()
print("loop created")
loop.run_until_complete(any_async_task())
print("run_until_complete returned")
loop.close()
print("loop closed")
