# Python twin of tests/runtime/test-wait.c: each case prints the log the
# C test expects. Run: python3 wait.py <case>
import asyncio
import sys

LOG = []


def note(s):
    LOG.append(s)


async def child(name, delay, fail=False):
    note(f"{name}-start")
    await asyncio.sleep(delay)
    if fail:
        note(f"{name}-raise")
        raise ValueError(name)
    note(f"{name}-done")
    return name


def flags(tasks, done):
    return "".join("D" if t in done else "P" for t in tasks)


async def first_completed_returns_done_and_pending():
    a = asyncio.create_task(child("a", 0.02))
    b = asyncio.create_task(child("b", 0.01, fail=True))
    c = asyncio.create_task(child("c", 0.03))
    ts = [a, b, c]
    done, pending = await asyncio.wait(ts, return_when=asyncio.FIRST_COMPLETED)
    note(f"first={flags(ts, done)}:{len(done)}")
    done, pending = await asyncio.wait(ts)
    note(f"all={flags(ts, done)}:{len(done)}")
    note(f"b-error={b.exception()}")


async def first_exception_returns_after_the_failure():
    a = asyncio.create_task(child("a", 0.01))
    b = asyncio.create_task(child("b", 0.02, fail=True))
    c = asyncio.create_task(child("c", 0.03))
    ts = [a, b, c]
    done, pending = await asyncio.wait(ts, return_when=asyncio.FIRST_EXCEPTION)
    note(f"first-exception={flags(ts, done)}:{len(done)}")
    await c


async def timeout_returns_pending_without_cancelling():
    a = asyncio.create_task(child("a", 0.05))
    done, pending = await asyncio.wait([a], timeout=0.02)
    note(f"timeout={flags([a], done)}:{len(done)} cancelled={a.cancelled()}")
    note(f"a={await a}")


async def ticker(n):
    for i in range(n):
        note(f"tick{i}")
        await asyncio.sleep(0)


async def waker(fut, n):
    for i in range(n):
        await asyncio.sleep(0)
    note("complete")
    fut.set_result(None)


async def waiter_resumes_two_iterations_after_completion():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    asyncio.create_task(ticker(6))
    asyncio.create_task(waker(fut, 1))
    done, pending = await asyncio.wait([fut])
    note(f"resumed={len(done)}")
    done, pending = await asyncio.wait([fut])
    note(f"again={len(done)}")
    await asyncio.sleep(0.01)


if __name__ == "__main__":
    asyncio.run(globals()[sys.argv[1].replace("-", "_")]())
    print(" ".join(LOG))
