"""yield.py: the asyncio side of bench-yield. Two tasks take turns with
asyncio.sleep(0) N times each (argument 1); prints the nanoseconds per
yield."""
import asyncio
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100000


async def pinger():
    for _ in range(N):
        await asyncio.sleep(0)


async def main():
    start = time.perf_counter_ns()
    await asyncio.gather(pinger(), pinger())
    elapsed = time.perf_counter_ns() - start
    print(f"{elapsed / (2 * N):.1f}")


asyncio.run(main())
