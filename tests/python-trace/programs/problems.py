"""Three of the problems braid reports, in one asyncio program: a task
that blocks the loop with time.sleep (a slow step), a callback that does
the same (a slow callback), and a task destroyed while pending (its loop
is dropped without being closed, and with it the task)."""
import asyncio
import gc
import time


async def blocker():
    time.sleep(0.15)


async def forever():
    await asyncio.Event().wait()


async def main():
    await asyncio.create_task(blocker(), name="blocker")
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    loop.call_soon(lambda: (time.sleep(0.15), done.set_result(None)))
    await done
    asyncio.create_task(forever(), name="lost")
    await asyncio.sleep(0)


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
del loop
gc.collect()
print("end")
