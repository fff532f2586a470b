"""advanced_techniques: "Advanced Asynchronous Techniques" of
"Asynchronous Programming in Python" (seed 000), which names queues,
futures, locks and semaphores without code; this program shows the first
three (semaphores: see semaphore_bounded).

A producer puts 1, 2, 3 into a Queue, 0.1 s apart, then None to end; a
consumer sums what it gets and sets the sum as the result of a Future that
main awaits. Then two tasks increment a shared counter under a Lock, each
reading it, sleeping 0.1 s and writing it back: the lock makes the second
wait, so no update is lost."""
import asyncio


async def producer(queue):
    for i in range(1, 4):
        await queue.put(i)
        print(f"producer: put {i}")
        await asyncio.sleep(0.1)
    await queue.put(None)
    print("producer: put None, done")


async def consumer(queue, total):
    s = 0
    while True:
        item = await queue.get()
        if item is None:
            break
        s += item
        print(f"consumer: got {item}, sum {s}")
    total.set_result(s)


async def increment(name, lock, state):
    async with lock:
        value = state["counter"]
        await asyncio.sleep(0.1)
        state["counter"] = value + 1
        print(f"{name}: counter {value} -> {value + 1}")


async def main():
    queue = asyncio.Queue()
    total = asyncio.get_running_loop().create_future()
    tasks = [asyncio.create_task(producer(queue), name="producer"),
             asyncio.create_task(consumer(queue, total), name="consumer")]
    print("main: the sum is", await total)
    await asyncio.gather(*tasks)

    lock = asyncio.Lock()
    state = {"counter": 0}
    await asyncio.gather(
        asyncio.create_task(increment("increment1", lock, state),
                            name="increment1"),
        asyncio.create_task(increment("increment2", lock, state),
                            name="increment2"))
    print("main: counter", state["counter"])

asyncio.run(main())
