"""A program whose main task fails and whose error ends the program: the
traceback is Python's, the status 1, and the trace complete."""
import asyncio


async def main():
    await asyncio.sleep(0.1)
    raise RuntimeError("boom at top level")


asyncio.run(main())
