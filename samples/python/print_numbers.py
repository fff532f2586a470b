"""print_numbers: explicit event loops, from "Async programming in Python with
asyncio" (seed 002). loop1 runs two tasks that never await, so each runs to
the end in one step; loop2 runs two tasks that yield with sleep(0) whenever
i % 5 == 0, so they take turns.

The article creates loop2's tasks on loop1 (loop1.create_task after
loop1.close(), which CPython rejects with "RuntimeError: Event loop is
closed") and uses print_numbers_async1 for them although its text describes
print_numbers_async2. This version does what the text says: loop2's tasks run
print_numbers_async2 on loop2.

The tasks are named as in the C program (create_task(..., name=...))
so that traces read well; the output is unchanged."""
import asyncio


async def print_numbers_async1(n, prefix):
    for i in range(n):
        print(prefix, i)


async def print_numbers_async2(n, prefix):
    for i in range(n):
        print(prefix, i)
        if i % 5 == 0:
            await asyncio.sleep(0)


loop1 = asyncio.new_event_loop()
count1_1 = loop1.create_task(print_numbers_async1(10, 'c1_1'),
                               name='c1_1')
count2_1 = loop1.create_task(print_numbers_async1(10, 'c2_1'),
                               name='c2_1')
loop1.run_until_complete(asyncio.wait([count1_1, count2_1]))
loop1.close()

loop2 = asyncio.new_event_loop()
count1_2 = loop2.create_task(print_numbers_async2(10, 'c1_2'),
                               name='c1_2')
count2_2 = loop2.create_task(print_numbers_async2(10, 'c2_2'),
                               name='c2_2')
loop2.run_until_complete(asyncio.wait([count1_2, count2_2]))
loop2.close()
