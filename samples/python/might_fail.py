"""might_fail: handling each task's exception as it completes, from
"Asynchronous Programming in Python" (seed 000): as_completed over four
tasks that sleep 0..3 s; the one that sleeps 3 s raises.

The tasks are named as in the C program (create_task(..., name=...))
so that traces read well; the output is unchanged."""
import asyncio


async def might_fail(delay):
    await asyncio.sleep(delay)
    if delay > 2:
        raise Exception("Something went wrong!")
    return f"Success after {delay} seconds!"


async def main():
    tasks = [asyncio.create_task(might_fail(i), name=f"might_fail{i}")
             for i in range(4)]
    results = []
    for task in asyncio.as_completed(tasks):
        try:
            result = await task
            results.append(result)
        except Exception as e:
            print(f"An error occurred: {e}")
    print(results)


if __name__ == "__main__":
    asyncio.run(main())
