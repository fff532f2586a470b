"""await_tasks: "Coroutines" and "Tasks" of the asyncio guide (seed 003):
two tasks of my_coroutine are created, then awaited in turn. Both start
before either finishes, since creating the tasks schedules both and the
first await lets them run.

The guide shows the pieces without running them; asyncio.run(main()) is
added. The tasks are named task1 and task2 so that traces read well."""
import asyncio


async def my_coroutine():
    print("Starting")
    await asyncio.sleep(1)
    print("Finished")


async def main():
    # Create tasks
    task1 = asyncio.create_task(my_coroutine(), name="task1")
    task2 = asyncio.create_task(my_coroutine(), name="task2")

    # Wait for tasks to complete
    await task1
    await task2

asyncio.run(main())
