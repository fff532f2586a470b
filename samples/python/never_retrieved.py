"""never_retrieved: "Task exception was never retrieved", from "Async
programming in Python with asyncio" (seed 002). Three tasks fail; main reads
the first one's error through result() (the article's try/except), the second
one's through exception(), and never looks at the third, so asyncio reports
it on stderr when the task is freed (in CPython: when main's frame releases
it, as asyncio.run finishes).

The article's snippet writes `catch Exception:`, which is not Python; this
uses `except Exception`.

The tasks are named as in the C program (create_task(..., name=...))
so that traces read well; the output is unchanged."""
import asyncio


async def fail(name):
    await asyncio.sleep(0.1)
    raise Exception(f"{name} went wrong!")


async def main():
    checked = asyncio.create_task(fail("checked"), name="checked")
    inspected = asyncio.create_task(fail("inspected"), name="inspected")
    forgotten = asyncio.create_task(fail("forgotten"), name="forgotten")
    await asyncio.sleep(0.5)
    try:
        # this will raise the exception raised during the coroutine execution
        checked.result()
    except Exception as e:
        print(f"checked: result() raised: {e}")
    # this will return the exception raised during the coroutine execution
    print(f"inspected: exception() returned: {inspected.exception()}")
    print(f"forgotten: done={forgotten.done()}, its error is never read")


asyncio.run(main())
print("main: finished")
