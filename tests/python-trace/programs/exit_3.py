"""A program that calls sys.exit(3) in its main task: status 3."""
import asyncio
import sys


async def main():
    await asyncio.sleep(0.1)
    print("exiting with 3")
    sys.exit(3)


asyncio.run(main())
