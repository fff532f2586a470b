"""Two event loops at once: asyncio.run in a thread while the main
thread's loop runs its own task, each printing as it goes."""
import asyncio
import threading


async def work(name, n):
    for i in range(n):
        print(name, i)
        await asyncio.sleep(0.01)
    return name


def in_thread():
    print("thread result:", asyncio.run(work("thread-task", 3)))


async def main():
    thread = threading.Thread(target=in_thread)
    thread.start()
    worker = asyncio.create_task(work("main-task", 3), name="main-task")
    await worker
    await asyncio.to_thread(thread.join)
    print("main result:", worker.result())


asyncio.run(main())
