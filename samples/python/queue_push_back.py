"""queue_push_back: "Why asyncio" of "Async programming in Python with
asyncio" (seed 002): queue_push_back checks the size of a list and then
appends to it. With threads, two could pass the check at once and overfill
the list; with tasks on one loop, no task can run between the check and
the append, since nothing there awaits, so the list never exceeds
max_size.

The article's snippet is a lone function over a global named `list`;
here the list is `items`, the function says whether it pushed, and two
producer tasks (named producer1 and producer2) push into it by turns,
yielding with sleep(0) after each push."""
import asyncio

max_size = 5
items = []


def queue_push_back(x):
    if len(items) < max_size:
        items.append(x)
        return True
    return False


async def producer(name, n):
    for i in range(n):
        x = f"{name}-{i}"
        if queue_push_back(x):
            print(f"{name}: pushed {x}, size {len(items)}")
        else:
            print(f"{name}: full, {x} dropped")
        await asyncio.sleep(0)


async def main():
    await asyncio.gather(
        asyncio.create_task(producer("producer1", 4), name="producer1"),
        asyncio.create_task(producer("producer2", 4), name="producer2"))
    print(f"final size {len(items)}, max_size {max_size}")

asyncio.run(main())
