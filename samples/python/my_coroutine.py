"""my_coroutine: the first program of the dev.to article on asyncio
fundamentals (seed 001), "Coroutines" and "Power of asyncio.run": a
coroutine prints Start, sleeps 2 s without blocking the loop, prints End;
asyncio.run creates the loop, runs it and closes it."""
import asyncio


async def my_coroutine():
    print("Start")
    await asyncio.sleep(2)
    print("End")

asyncio.run(my_coroutine())
