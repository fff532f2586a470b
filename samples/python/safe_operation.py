"""safe_operation: "Error Handling" of the asyncio guide (seed 003):
safe_operation awaits risky_operation and, if it raises, prints
"Error occurred: ..." and returns None.

The guide leaves risky_operation undefined; here it sleeps 0.1 s and either
returns a result or raises ValueError, as its argument says, and
safe_operation passes that argument on. main runs it both ways."""
import asyncio


async def risky_operation(fail):
    await asyncio.sleep(0.1)
    if fail:
        raise ValueError("the risky operation failed")
    return "risky result"


async def safe_operation(fail):
    try:
        result = await risky_operation(fail)
        return result
    except Exception as e:
        print(f"Error occurred: {e}")
        return None


async def main():
    print("safe_operation(fail=False) returned", await safe_operation(False))
    print("safe_operation(fail=True) returned", await safe_operation(True))

asyncio.run(main())
