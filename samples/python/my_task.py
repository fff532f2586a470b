"""my_task: "A simple program" of "Async programming in Python with
asyncio" (seed 002): a new event loop, two tasks created on it, run until
asyncio.wait([...]) completes, their results read, the loop closed.

The article calls my_task() without the argument its definition requires
and writes `asycnio.wait`; both would raise, so here the argument has a
default and the name is spelled right. The article defines main() but never
calls it; this program does.

The tasks are named as in the C program (create_task(..., name=...))
so that traces read well; the output is unchanged."""
import asyncio


async def my_task(args=None):
    pass


def main():
    loop = asyncio.new_event_loop()
    coroutine1 = my_task()
    coroutine2 = my_task()
    task1 = loop.create_task(coroutine1, name='task1')
    task2 = loop.create_task(coroutine2, name='task2')
    loop.run_until_complete(asyncio.wait([task1, task2]))
    print('task1 result:', task1.result())
    print('task2 result:', task2.result())
    loop.close()


main()
