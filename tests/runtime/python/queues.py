# Python twin of tests/runtime/test-queue.c (ORDERING.md rules 23, 8):
# each case prints the log the C test expects. Run:
# python3 queues.py <case>   (not queue.py: that would shadow the stdlib)
import asyncio
import sys

LOG = []


def note(s):
    LOG.append(s)


async def ticker(n):
    for i in range(n):
        note(f"tick{i}")
        await asyncio.sleep(0)


async def getter(q, name):
    note(f"{name}-gets")
    try:
        item = await q.get()
    except asyncio.CancelledError:
        note(f"{name}-cancelled")
        raise
    note(f"{name}-got-{item}")


async def putter(q, name, item):
    note(f"{name}-puts-{item}")
    try:
        await q.put(item)
    except asyncio.CancelledError:
        note(f"{name}-cancelled")
        raise
    note(f"{name}-put-{item}")


async def put_wakes_the_oldest_getter():
    q = asyncio.Queue()
    ts = [asyncio.create_task(getter(q, n)) for n in ("g1", "g2", "g3")]
    await asyncio.sleep(0)
    q.put_nowait(1)
    q.put_nowait(2)
    note(f"qsize={q.qsize()}")
    t = asyncio.create_task(ticker(2))
    await asyncio.sleep(0)
    q.put_nowait(3)
    await asyncio.gather(*ts, t)


async def get_wakes_the_oldest_putter():
    q = asyncio.Queue(maxsize=1)
    q.put_nowait(0)
    ts = [asyncio.create_task(putter(q, n, i))
          for n, i in (("p1", 1), ("p2", 2))]
    await asyncio.sleep(0)
    note(f"full={q.full()}")
    for _ in range(3):
        item = await q.get()
        note(f"main-got-{item}")
        await asyncio.sleep(0)
    await asyncio.gather(*ts)


async def woken_getter_checks_again():
    q = asyncio.Queue()
    g1 = asyncio.create_task(getter(q, "g1"))
    g2 = asyncio.create_task(getter(q, "g2"))
    await asyncio.sleep(0)
    q.put_nowait("x")
    note(f"main-stole-{q.get_nowait()}")
    await asyncio.sleep(0)
    q.put_nowait("y")
    await asyncio.sleep(0)
    q.put_nowait("z")
    await asyncio.gather(g1, g2)


async def possible_put_and_get_do_not_suspend():
    q = asyncio.Queue(maxsize=2)
    t = asyncio.create_task(ticker(2))
    await q.put(1)
    await q.put(2)
    a = await q.get()
    b = await q.get()
    note(f"got-{a}-{b}")
    await t


async def join_waits_for_every_task_done():
    q = asyncio.Queue()

    async def worker(name):
        while True:
            item = await q.get()
            note(f"{name}-works-{item}")
            await asyncio.sleep(0.01 * item)
            note(f"{name}-done-{item}")
            q.task_done()

    for i in (3, 1, 2):
        q.put_nowait(i)
    ws = [asyncio.create_task(worker(n)) for n in ("w1", "w2")]
    await q.join()
    note("joined")
    for w in ws:
        w.cancel()
    await asyncio.gather(*ws, return_exceptions=True)
    try:
        q.task_done()
    except ValueError as e:
        note(f"ValueError:{e}")


async def cancelled_getter_passes_the_item_on():
    q = asyncio.Queue()
    g1 = asyncio.create_task(getter(q, "g1"))
    g2 = asyncio.create_task(getter(q, "g2"))
    await asyncio.sleep(0)
    q.put_nowait("x")
    g1.cancel()
    await asyncio.gather(g1, g2, return_exceptions=True)


async def cancelled_putter_passes_the_slot_on():
    q = asyncio.Queue(maxsize=1)
    q.put_nowait(0)
    p1 = asyncio.create_task(putter(q, "p1", 1))
    p2 = asyncio.create_task(putter(q, "p2", 2))
    await asyncio.sleep(0)
    note(f"main-got-{q.get_nowait()}")
    p1.cancel()
    await asyncio.gather(p1, p2, return_exceptions=True)
    note(f"main-got-{q.get_nowait()}")


async def lifo_and_priority_order():
    lq = asyncio.LifoQueue()
    pq = asyncio.PriorityQueue()
    for i in (5, 1, 4, 1, 3, 9, 2, 6):
        lq.put_nowait(i)
        pq.put_nowait(i)
    note("lifo=" + ",".join(str(lq.get_nowait()) for _ in range(8)))
    note("prio=" + ",".join(str(pq.get_nowait()) for _ in range(8)))


class Job:
    def __init__(self, prio, name):
        self.prio, self.name = prio, name

    def __lt__(self, other):
        return self.prio < other.prio


async def priority_ties_follow_heapq():
    pq = asyncio.PriorityQueue()
    for p, n in ((2, "a"), (1, "b"), (2, "c"), (1, "d"), (2, "e"), (1, "f"),
                 (0, "g"), (2, "h")):
        pq.put_nowait(Job(p, n))
    note("order=" + ",".join(pq.get_nowait().name for _ in range(8)))


async def nowait_on_full_or_empty_raises():
    q = asyncio.Queue(maxsize=1)
    try:
        q.get_nowait()
    except asyncio.QueueEmpty as e:
        note(f"{type(e).__name__}")
    q.put_nowait(1)
    try:
        q.put_nowait(2)
    except asyncio.QueueFull as e:
        note(f"{type(e).__name__}")
    note(f"qsize={q.qsize()} full={q.full()} empty={q.empty()}")


if __name__ == "__main__":
    asyncio.run(globals()[sys.argv[1].replace("-", "_")]())
    print(" ".join(LOG))
