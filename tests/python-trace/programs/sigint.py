"""A program that runs until it is interrupted: it says "ready" once its
ticker has ticked three times, then ticks on."""
import asyncio


async def ticker():
    ticks = 0
    while True:
        await asyncio.sleep(0.02)
        ticks += 1
        if ticks == 3:
            print("ready", flush=True)


asyncio.run(ticker())
