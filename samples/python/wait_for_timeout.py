"""wait_for_timeout: the "Timeouts" pattern of the guide (seed 003):
wait_for gives an operation 5 s; one that takes 1 s returns its result, one
that takes 10 s is cancelled and the caller gets TimeoutError.

The tasks are named as in the C program (create_task(..., name=...))
so that traces read well; the output is unchanged."""
import asyncio


async def long_operation(seconds):
    print(f"long_operation: working for {seconds} s")
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        print("long_operation: cancelled")
        raise
    return f"finished after {seconds} s"


async def run_with_timeout(seconds):
    try:
        # Set timeout for operation
        result = await asyncio.wait_for(
            asyncio.create_task(long_operation(seconds),
                                name="long_operation"),
            timeout=5.0
        )
        return result
    except asyncio.TimeoutError:
        print("Operation timed out")
        return None


async def main():
    print("result:", await run_with_timeout(1))
    print("result:", await run_with_timeout(10))


asyncio.run(main())
