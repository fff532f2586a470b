"""task1_task2: "Tasks" of the dev.to article on asyncio fundamentals
(seed 001): gather(task1(), task2()) runs both; task1 sleeps 1 s, so
task2's line comes first.

The article shows the output as "task2() will be executed immediately" and
"task1() will be executed after 1 second pause", a description of what
happens; CPython prints the strings the program holds, which is what the
expected output has. The coroutines are made tasks named task1 and task2
before the gather (gather would wrap them as Task-2 and Task-3 in the same
order), so that traces name them; the output is the same."""
import asyncio


async def task1():
    await asyncio.sleep(1)
    print("This will be printed after 1 second pause")


async def task2():
    print("This will be printed immediately")


async def main():
    await asyncio.gather(asyncio.create_task(task1(), name="task1"),
                         asyncio.create_task(task2(), name="task2"))

# Run the main function using asyncio.run
asyncio.run(main())
