"""Python twins of the core's ordering tests (tests/runtime/test-loop-order.c,
test-future.c, test-cancel.c, test-run.c). Each function prints the log its
C twin must produce; "|" marks the start of a loop iteration.

Run: python3 core_rules.py
"""
import asyncio
import collections

LOG = []


def note(word):
    LOG.append(word)


class _MarkingDeque(collections.deque):
    """The ready queue: notes "|" at the first entry an iteration runs."""
    armed = False

    def popleft(self):
        if self.armed:
            self.armed = False
            note("|")
        return super().popleft()


def mark_iterations_of(loop):
    loop._ready = _MarkingDeque(loop._ready)
    orig = loop._run_once

    def run_once():
        loop._ready.armed = True
        orig()
    loop._run_once = run_once


def run(coro_fn, mark_iterations=True):
    LOG.clear()
    loop = asyncio.new_event_loop()
    if mark_iterations:
        mark_iterations_of(loop)
    try:
        loop.run_until_complete(coro_fn())
    finally:
        loop.close()
    return " ".join(LOG)


# Rule 1: an iteration runs its snapshot only.
async def snapshot():
    async def a():
        note("a1")
        asyncio.get_running_loop().create_task(c())
        await asyncio.sleep(0)
        note("a2")

    async def b():
        note("b1")

    async def c():
        note("c1")
    t1 = asyncio.create_task(a())
    t2 = asyncio.create_task(b())
    note("main")
    await asyncio.sleep(0)
    note("main2")
    await t1
    await t2


# Rule 2: due timers run after what was ready.
async def timers_after_ready():
    async def sleeper():
        note("s0")
        await asyncio.sleep(0.05)
        note("s1")

    async def spinner():
        for i in range(4):
            note(f"y{i}")
            await asyncio.sleep(0)
            if i == 1:
                import time
                time.sleep(0.08)
    t1 = asyncio.create_task(sleeper())
    t2 = asyncio.create_task(spinner())
    await t1
    await t2


# Rule 3: timers fire in deadline order.
async def deadline_order():
    async def s(name, d):
        await asyncio.sleep(d)
        note(name)
    ts = [asyncio.create_task(s(n, d)) for n, d in
          (("c", 0.03), ("a", 0.01), ("b", 0.02))]
    for t in ts:
        await t


# Rule 4: creating a task only schedules it; first steps in creation order.
async def creation_schedules():
    async def child(n):
        note(f"child{n}")
    t1 = asyncio.create_task(child(1))
    t2 = asyncio.create_task(child(2))
    note("spawned")
    await asyncio.sleep(0)
    note("yielded")
    await t1
    await t2


# Rule 5/6: sleep(0) round robin.
async def round_robin():
    async def w(name):
        for i in range(3):
            note(f"{name}{i}")
            await asyncio.sleep(0)
    ts = [asyncio.create_task(w(n)) for n in "abc"]
    for t in ts:
        await t


# Rule 7: a waiting task is not in the ready queue.
async def waiting_not_ready():
    fut = asyncio.get_running_loop().create_future()

    async def waiter():
        note("w-wait")
        await fut
        note("w-woken")

    async def spinner():
        for i in range(3):
            note(f"s{i}")
            await asyncio.sleep(0)
        fut.set_result(1)
        note("s-set")
    t1 = asyncio.create_task(waiter())
    t2 = asyncio.create_task(spinner())
    await t1
    await t2


# Rule 8: awaiting a done future does not suspend.
async def done_does_not_suspend():
    fut = asyncio.get_running_loop().create_future()
    fut.set_result(5)

    async def other():
        note("other")
    t = asyncio.create_task(other())
    note("before")
    await fut
    note("after")
    await t


# Rule 9: sleep(d) timer fires in k, task runs in k+1.
async def sleep_k_plus_1():
    loop = asyncio.get_running_loop()

    async def sleeper():
        await asyncio.sleep(0.01)
        note("woke")
    fired = []
    t = asyncio.create_task(sleeper())
    await asyncio.sleep(0)
    # a timer scheduled for the same moment marks iteration k
    loop.call_later(0.01, lambda: note("timer"))
    await t


# Rule 10: callbacks queued in registration order, never inline.
async def callbacks_queued():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    fut.add_done_callback(lambda f: note("cb1"))
    fut.add_done_callback(lambda f: note("cb2"))
    fut.set_result(1)
    note("set")
    fut.add_done_callback(lambda f: note("cb3"))
    note("added")
    await asyncio.sleep(0)
    note("main")
    await asyncio.sleep(0)


# Rule 11: an awaiter resumes one iteration after completion.
async def awaiter_one_iteration():
    async def child():
        note("child")

    async def ticker():
        for i in range(4):
            note(f"t{i}")
            await asyncio.sleep(0)
    tk = asyncio.create_task(ticker())
    c = asyncio.create_task(child())
    await c
    note("main-resumed")
    await tk


# Rule 13: cancel while waiting on a future: future cancelled, task woken
# next iteration with the message.
async def cancel_waiting():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()

    async def waiter():
        try:
            await fut
        except asyncio.CancelledError as e:
            note(f"caught:{e.args[0] if e.args else ''}")
            note(f"fut-cancelled:{fut.cancelled()}")
            raise

    async def ticker():
        for i in range(3):
            note(f"t{i}")
            await asyncio.sleep(0)
    w = asyncio.create_task(waiter())
    tk = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    note(f"cancel:{w.cancel('bye')}")
    note(f"cancelled-now:{w.cancelled()}")
    try:
        await w
    except asyncio.CancelledError:
        note("main-sees-cancel")
    note(f"cancelled:{w.cancelled()}")
    await tk


# Rule 14: cancelled before first step: body never runs.
async def cancel_before_start():
    async def child():
        note("body")
    t = asyncio.create_task(child())
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        note("cancelled")


# Rule 15: swallow, several cancels deliver one, cancelling(), self-cancel.
async def cancel_once():
    async def child():
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            note(f"c1:{asyncio.current_task().cancelling()}")
        await asyncio.sleep(0)
        note("c2")
        return 7
    t = asyncio.create_task(child())
    await asyncio.sleep(0)
    t.cancel("x")
    t.cancel("y")
    note(f"cancelling:{t.cancelling()}")
    r = await t
    note(f"result:{r}")

    async def selfc():
        asyncio.current_task().cancel()
        note("still-running")
        try:
            await asyncio.sleep(0)
        except asyncio.CancelledError:
            note("self-cancelled")
            raise
    t2 = asyncio.create_task(selfc())
    try:
        await t2
    except asyncio.CancelledError:
        note(f"t2:{t2.cancelled()}")


# Rule 13: cancelling a task that awaits a task cancels the inner one; the
# outer one wakes after the inner one has finished cancelling.
async def cancel_awaits_task():
    async def inner():
        try:
            await asyncio.sleep(10)
        finally:
            note("inner-cleanup")
            await asyncio.sleep(0)
            note("inner-done")

    async def outer():
        t = asyncio.create_task(inner())
        try:
            await t
        except asyncio.CancelledError:
            note(f"outer-caught:{t.cancelled()}")
            raise
    o = asyncio.create_task(outer())
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    o.cancel()
    note("cancel")
    try:
        await o
    except asyncio.CancelledError:
        note("main")


# Rule 15: cleanup runs innermost first.
async def cleanup_innermost_first():
    async def level2():
        try:
            await asyncio.sleep(10)
        finally:
            note("level2-cleanup")

    async def level1():
        try:
            await level2()
        finally:
            note("level1-cleanup")
    t = asyncio.create_task(level1())
    await asyncio.sleep(0)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        note("main")


# Rule 30: a task cancelled after its last suspension (it cancelled
# itself; an await of a done future does not suspend) ends cancelled when
# it returns: the result is dropped, the message kept for every reader.
async def cancel_after_last_suspension():
    loop = asyncio.get_running_loop()

    async def late():
        done = loop.create_future()
        done.set_result(1)
        asyncio.current_task().cancel("late")
        v = await done
        note(f"returns:{v}")
        return 7
    t = asyncio.create_task(late())
    for i in range(2):
        try:
            r = await t
            note(f"result:{r}")
        except asyncio.CancelledError as e:
            note(f"read{i}:{e.args[0] if e.args else ''}")
    note(f"cancelled:{t.cancelled()}")


# Rule 31: the CancelledError a cancelled task raised goes, with its
# message, to the first reader; later readers get one with no message.
async def cancelled_error_handed_out_once():
    async def sleeper():
        await asyncio.sleep(10)
    t = asyncio.create_task(sleeper())
    await asyncio.sleep(0)
    t.cancel("bye")
    for i in range(3):
        try:
            await t
        except asyncio.CancelledError as e:
            note(f"read{i}:{e.args[0] if e.args else ''}")


# Rule 37: call_soon callbacks run in FIFO order with the ready tasks; a
# cancelled one does not run, and cancelling it again changes nothing.
async def call_soon_fifo():
    loop = asyncio.get_running_loop()

    async def t():
        note("t1")
        await asyncio.sleep(0)
        note("t2")
    task = asyncio.create_task(t())
    loop.call_soon(note, "cb1")
    h = loop.call_soon(note, "cb2")
    loop.call_soon(note, "cb3")
    h.cancel()
    h.cancel()
    note(f"cancelled:{h.cancelled()}")
    await asyncio.sleep(0)
    note("main")
    await task


# Rule 38: call_later and call_at callbacks join the ready queue when due,
# after what was ready, in deadline order; a delay of 0 is due at once but
# still runs after the call_soon callbacks; a cancelled one never runs.
async def call_later_order():
    loop = asyncio.get_running_loop()
    loop.call_later(0.02, note, "b")
    h = loop.call_later(0.015, note, "x")
    loop.call_at(loop.time() + 0.01, note, "a")
    loop.call_later(0, note, "z")
    loop.call_soon(note, "s")
    h.cancel()
    note("main")
    await asyncio.sleep(0.05)
    note("main2")


# Rule 26: run names tasks Task-1.., cancels pending at the end.
async def run_main():
    async def forever():
        try:
            await asyncio.sleep(100)
        finally:
            note("cleanup")
    note(asyncio.current_task().get_name())
    t = asyncio.create_task(forever())
    note(t.get_name())
    await asyncio.sleep(0)
    note("main-end")


# Rule 41: a pending task that nothing can wake any more is reported as
# "Task was destroyed but it is pending!" when that becomes true. CPython
# finds it when the garbage collector frees the cycle of the task and what
# it waits on: the gc.collect() after each drop stands for braid's
# reference counts, which report at the moment the last outside reference
# goes. Not reported: a task whose future someone still holds, a sleeping
# task, a chain while its bottom future is held.
async def abandoned_task_is_reported():
    import gc
    loop = asyncio.get_running_loop()
    reported = []
    loop.set_exception_handler(
        lambda loop, ctx: reported.append(ctx["task"].get_name()))

    def dropped(word):
        gc.collect()
        note(f"{word}:" + (",".join(sorted(reported)) or "-"))
        reported.clear()

    async def waits_on(fut):
        await fut

    async def sleeper():
        await asyncio.sleep(0.01)

    f = loop.create_future()
    lost = asyncio.create_task(waits_on(f), name="lost")
    held = loop.create_future()
    kept = asyncio.create_task(waits_on(held), name="kept")
    g = loop.create_future()
    inner = asyncio.create_task(waits_on(g), name="inner")
    outer = asyncio.create_task(waits_on(inner), name="outer")
    sleepy = asyncio.create_task(sleeper(), name="sleepy")
    await asyncio.sleep(0)
    del lost
    dropped("task")
    del f
    dropped("future")
    del kept
    dropped("kept")
    del sleepy
    dropped("sleepy")
    del inner
    dropped("inner")
    del outer
    dropped("outer")
    del g
    dropped("chain")
    held.set_result(None)
    await asyncio.sleep(0.05)
    note("end")


if __name__ == "__main__":
    import sys
    # Task names count up across the process: "run_main" alone runs in a
    # fresh process, as its C twin does, so that main is Task-1.
    if sys.argv[1:] == ["run_main"]:
        asyncio.run(run_main())
        print("run_main:", " ".join(LOG))
        sys.exit(0)
    for fn in (snapshot, timers_after_ready, deadline_order, creation_schedules,
               round_robin, waiting_not_ready, done_does_not_suspend,
               callbacks_queued, awaiter_one_iteration, cancel_waiting,
               cancel_before_start, cancel_once, cancel_awaits_task,
               cleanup_innermost_first, cancel_after_last_suspension,
               cancelled_error_handed_out_once, call_soon_fifo,
               call_later_order):
        print(f"{fn.__name__}: {run(fn)}")
    print(f"sleep_k_plus_1: {run(sleep_k_plus_1)}")
    print("abandoned_task_is_reported: "
          f"{run(abandoned_task_is_reported, mark_iterations=False)}")
