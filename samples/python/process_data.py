"""process_data: "Creating Async Functions" and "Running Multiple Tasks" of
the asyncio guide (seed 003): fetch_data simulates 1 s of I/O and returns
"Data"; process_data awaits it and returns "DATA"; main gathers three
fetch_data tasks and returns their results in order.

The guide shows the functions without running them; here each is run with
asyncio.run and its result printed. The tasks are named fetch1..fetch3 so
that traces read well."""
import asyncio


async def fetch_data():
    # Simulate I/O operation
    await asyncio.sleep(1)
    return "Data"


async def process_data():
    data = await fetch_data()
    return data.upper()


async def main():
    # Create multiple tasks
    tasks = [
        asyncio.create_task(fetch_data(), name="fetch1"),
        asyncio.create_task(fetch_data(), name="fetch2"),
        asyncio.create_task(fetch_data(), name="fetch3")
    ]

    # Wait for all tasks to complete
    results = await asyncio.gather(*tasks)
    return results

print("process_data() returned", asyncio.run(process_data()))
print("main() returned", asyncio.run(main()))
