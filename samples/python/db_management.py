"""db_management: "Async Context Managers" of the asyncio guide (seed 003):
an asynccontextmanager that stops the database on entry and starts it again
in a finally block, so it restarts even when the body raises.

The guide leaves stop_database and start_database undefined; here each
prints and sleeps 0.1 s. main uses the manager twice: around a body that
completes, and around one that raises, whose error is caught outside
after the database has been started again."""
import asyncio
import contextlib


async def stop_database():
    print("stopping the database")
    await asyncio.sleep(0.1)
    print("database stopped")


async def start_database():
    print("starting the database")
    await asyncio.sleep(0.1)
    print("database started")


@contextlib.asynccontextmanager
async def db_management():
    try:
        await stop_database()
        yield
    finally:
        await start_database()


async def main():
    async with db_management():
        print("maintenance: compacting tables")
        await asyncio.sleep(0.5)
        print("maintenance: done")
    try:
        async with db_management():
            print("maintenance: migrating the schema")
            raise RuntimeError("the migration failed")
    except RuntimeError as e:
        print(f"caught after the restart: {e}")

asyncio.run(main())
