"""Prints its arguments, then sleeps 30 s in three tasks (instant under
BRAID_CLOCK=virtual)."""
import asyncio
import sys


async def nap(seconds):
    await asyncio.sleep(seconds)
    print("slept", seconds)


async def main():
    print("argv:", sys.argv[1:])
    await asyncio.gather(nap(10), nap(30), nap(20))


if __name__ == "__main__":
    asyncio.run(main())
