"""queue_robbed.py: the asyncio twin of `prim-program robbed`
(tests/tracer/prim-program.c): two queues where a woken waiter loses
what it was woken for to a task that never waited.

'getter' waits on the empty queue `jobs`; the main task puts an item,
which wakes it, but 'thief', ready before it, takes the item with
get_nowait, so getter finds the queue empty and waits again until the
main task puts a second item. Then 'putter' waits to put into the full
bounded queue `slots` (maxsize 1); the main task gets its item, which
wakes putter, but 'sneak', ready before it, fills the place with
put_nowait, so putter waits again until the main task gets once more.
"""
import asyncio


async def getter(jobs):
    item = await jobs.get()
    print(f"getter got {item}")


async def thief(jobs):
    item = jobs.get_nowait()
    print(f"thief took {item}")


async def putter(slots):
    await slots.put("p")
    print("putter put p")


async def sneak(slots):
    slots.put_nowait("s")
    print("sneak put s")


async def main():
    jobs = asyncio.Queue()
    slots = asyncio.Queue(maxsize=1)
    tasks = [asyncio.create_task(getter(jobs), name="getter")]
    await asyncio.sleep(0)  # getter waits on the empty queue
    tasks.append(asyncio.create_task(thief(jobs), name="thief"))
    jobs.put_nowait("a")  # wakes getter, behind thief
    await asyncio.sleep(0)  # thief takes a; getter waits again
    jobs.put_nowait("b")
    await asyncio.sleep(0)  # getter gets b

    slots.put_nowait("m")
    tasks.append(asyncio.create_task(putter(slots), name="putter"))
    await asyncio.sleep(0)  # putter waits on the full queue
    tasks.append(asyncio.create_task(sneak(slots), name="sneak"))
    slots.get_nowait()  # wakes putter, behind sneak
    await asyncio.sleep(0)  # sneak puts s; putter waits again
    slots.get_nowait()
    await asyncio.gather(*tasks)
    slots.get_nowait()


asyncio.run(main())
