"""hello_world: "Event Loop" of the asyncio guide (seed 003): main prints
Hello, sleeps 1 s, prints World, run by asyncio.run."""
import asyncio


async def main():
    print("Hello")
    await asyncio.sleep(1)
    print("World")

# Run the event loop
asyncio.run(main())
