"""to_thread_db: seed 003's "Database Operations" without a database
server: the blocking query runs in a thread with asyncio.to_thread while
another task runs, as samples/to_thread_db.c does with braid_to_thread.

The tasks are named as in the C program (create_task(..., name=...))
so that traces read well; the output is unchanged."""
import asyncio
import time

ROWS = [(1, 'alpha'), (2, 'beta'), (3, 'gamma')]


def blocking_query(sql):
    time.sleep(0.05)  # a database call that blocks its thread
    return ROWS


async def fetch_data():
    print("Query: SELECT * FROM table")
    return await asyncio.to_thread(blocking_query, "SELECT * FROM table")


async def heartbeat():
    print("The loop is free while the query runs")


async def main():
    rows, _ = await asyncio.gather(
        asyncio.create_task(fetch_data(), name="fetch_data"),
        asyncio.create_task(heartbeat(), name="heartbeat"))
    for row in rows:
        print(row)


asyncio.run(main())
