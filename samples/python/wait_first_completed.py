"""wait_first_completed: the "Task Management" pattern of the guide (seed
003): start three fetches, wait for the first to complete, cancel the rest.

The guide's fetch_data sleeps 1 s in every task, so all three finish in the
same loop iteration and nothing is left to cancel; here they sleep 3, 1 and
2 s so that the pattern shows. The guide iterates over the `pending` set,
whose order CPython does not define; this version cancels in creation order
so that the output is deterministic."""
import asyncio


async def fetch_data(name, delay):
    print(f"{name}: fetching for {delay} s")
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        print(f"{name}: cancelled")
        raise
    print(f"{name}: done")
    return f"Data from {name}"


async def main():
    # Create tasks
    tasks = [asyncio.create_task(fetch_data(f"fetch-{i}", delay),
                                 name=f"fetch-{i}")
             for i, delay in enumerate([3, 1, 2])]

    # Wait for first completed task
    done, pending = await asyncio.wait(
        tasks,
        return_when=asyncio.FIRST_COMPLETED
    )
    for task in tasks:
        if task in done:
            print(f"first completed: {task.get_name()} -> {task.result()}")

    # Cancel remaining tasks
    for task in tasks:
        if task in pending:
            task.cancel()

    # Let the cancellations be delivered before reporting the outcome.
    await asyncio.wait(pending)
    for task in tasks:
        print(f"{task.get_name()}: cancelled={task.cancelled()}")


asyncio.run(main())
