# Python twin of tests/runtime/test-asyncgen.c (ORDERING.md rule 25): each
# case prints the log the C test expects. Run: python3 asyncgen.py <case>
import asyncio
import sys

LOG = []


def note(s):
    LOG.append(s)


async def ticker(n):
    for i in range(n):
        note(f"tick{i}")
        await asyncio.sleep(0)


async def counter(n, awaits=0):
    note("body-start")
    try:
        for i in range(n):
            for _ in range(awaits):
                await asyncio.sleep(0)
            yield i
        note("body-end")
    finally:
        note("cleanup")


async def body_starts_at_first_next():
    g = counter(2)
    note("created")
    await asyncio.sleep(0)
    note("first-next")
    v = await g.__anext__()
    note(f"v{v}")
    async for v in g:
        note(f"v{v}")
    try:
        await g.__anext__()
    except StopAsyncIteration:
        note("stop-again")


async def yields_cost_no_iteration():
    t = asyncio.create_task(ticker(3))
    async for v in counter(3):
        note(f"v{v}")
    await t


async def awaits_suspend_the_consumer():
    t = asyncio.create_task(ticker(6))
    async for v in counter(2, awaits=2):
        note(f"v{v}")
    await t


async def slow_cleanup():
    try:
        yield 1
        yield 2
    finally:
        note("cleanup-start")
        await asyncio.sleep(0)
        note("cleanup-end")


async def close_runs_the_cleanup():
    t = asyncio.create_task(ticker(3))
    g = slow_cleanup()
    note(f"v{await g.__anext__()}")
    await g.aclose()
    note("closed")
    try:
        await g.__anext__()
    except StopAsyncIteration:
        note("stop")
    await t


async def failing():
    yield 1
    raise ValueError("boom")


async def error_propagates_from_next():
    g = failing()
    note(f"v{await g.__anext__()}")
    try:
        await g.__anext__()
    except ValueError as e:
        note(f"ValueError:{e}")
    try:
        await g.__anext__()
    except StopAsyncIteration:
        note("stop")


async def sleepy():
    try:
        note("gen-sleeps")
        await asyncio.sleep(1)
        yield 1
    except asyncio.CancelledError:
        note("gen-cancelled")
        raise


async def cancel_reaches_the_body():
    async def consumer():
        try:
            async for v in sleepy():
                note(f"v{v}")
        except asyncio.CancelledError:
            note("consumer-cancelled")
            raise

    c = asyncio.create_task(consumer())
    await asyncio.sleep(0.01)
    c.cancel()
    await asyncio.gather(c, return_exceptions=True)
    note(f"cancelled={c.cancelled()}")


async def close_unstarted_runs_nothing():
    g = counter(2)
    await g.aclose()
    note("closed")
    try:
        await g.__anext__()
    except StopAsyncIteration:
        note("stop")


async def two_generators_interleave():
    a = counter(2)
    b = counter(2, awaits=1)
    note(f"a{await a.__anext__()}")
    note(f"b{await b.__anext__()}")
    note(f"a{await a.__anext__()}")
    note(f"b{await b.__anext__()}")
    await a.aclose()
    await b.aclose()


async def note_stop(awaitable):
    try:
        await awaitable
    except StopAsyncIteration:
        note("stop")


async def echo():
    note("body-start")
    try:
        x = yield 1
        note(f"got{x}")
        yield 2
    finally:
        note("fin")


async def asend_reaches_the_yield():
    g = echo()
    try:
        await g.asend(5)
    except TypeError as e:
        note(f"TypeError:{e}")
    note(f"v{await g.asend(None)}")
    note(f"v{await g.asend(7)}")
    for _ in range(2):
        await note_stop(g.asend(8))


async def catcher(again):
    note("body-start")
    v = 1
    try:
        while True:
            try:
                yield v
                break
            except ValueError as e:
                note(f"caught:{e}")
                if again <= 0:
                    break
                again -= 1
                v = 3
    finally:
        note("fin")


async def athrow_caught_yields_again():
    g = catcher(1)
    note(f"v{await g.__anext__()}")
    note(f"v{await g.athrow(ValueError('x'))}")
    await note_stop(g.athrow(ValueError("y")))


async def athrow_uncaught_leaves_the_generator():
    g = counter(3)
    note(f"v{await g.__anext__()}")
    q = RuntimeError("q")
    try:
        await g.athrow(q)
    except RuntimeError as e:
        assert e is q
        note(f"RuntimeError:{e}")
    await note_stop(g.__anext__())
    v = await g.athrow(q)
    note(f"after-end:{v}")


async def athrow_unstarted_runs_nothing():
    g = counter(2)
    try:
        await g.athrow(ValueError("early"))
    except ValueError as e:
        note(f"ValueError:{e}")
    await note_stop(g.__anext__())


async def stop_raiser():
    yield 1
    raise StopAsyncIteration("inner")


async def stop_raised_in_body_is_a_runtime_error():
    g = stop_raiser()
    note(f"v{await g.__anext__()}")
    try:
        await g.__anext__()
    except RuntimeError as e:
        note(f"RuntimeError:{e} cause={type(e.__cause__).__name__}")
    await note_stop(g.__anext__())


if __name__ == "__main__":
    asyncio.run(globals()[sys.argv[1].replace("-", "_")]())
    print(" ".join(LOG))
