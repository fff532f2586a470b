"""coroutines_gather: synchronous versus asynchronous sleep, from the dev.to
article on asyncio fundamentals (seed 001). time.sleep blocks the whole
thread; asyncio.sleep pauses only coroutine_1, so coroutine_2 runs meanwhile.

The optional argument is the length of the blocking sleep in seconds (the
article's 2 by default; the tests pass 0).

The tasks are named as in the C program (create_task(..., name=...))
so that traces read well; the output is unchanged."""
import asyncio
import sys
import time

blocking_seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0

print("**** Synchronous sleep ****")
time.sleep(blocking_seconds)
print("This will be printed after 2 seconds, as entire thread was blocked")


async def coroutine_1():
    print("Pausing coroutine 1 ...")
    await asyncio.sleep(1)
    print("After a pause, resuming coroutine 1 ...")


async def coroutine_2():
    print("coroutine_2() is executed because coroutine_1() is on pause")


async def main():
    await asyncio.gather(
        asyncio.create_task(coroutine_1(), name="coroutine_1"),
        asyncio.create_task(coroutine_2(), name="coroutine_2"))

print("**** Asynchronous sleep ****")
asyncio.run(main())
